//! Pose frames as they arrive from a pose model: BlazePose-33 landmarks (or COCO-17, mapped
//! onto the BlazePose slots with the rest marked missing), with the image size and a timestamp.
//!
//! Everything here is plain data plus validation: a frame that is malformed is rejected with a
//! [`FrameError`] that says why, never a panic. Geometry lives in `signal`, decisions in `motion`
//! and `coach`.

pub mod mask;
pub mod posetrack;

pub use mask::{MaskCrop, MASK_BYTES, MASK_SIDE};

use serde::{Deserialize, Serialize};
use std::fmt;

/// Number of BlazePose landmarks.
pub const LANDMARKS: usize = 33;

/// BlazePose-33 landmark indices (MediaPipe Pose), named as the model names them.
pub mod idx {
    pub const NOSE: usize = 0;
    pub const LEFT_EYE_INNER: usize = 1;
    pub const LEFT_EYE: usize = 2;
    pub const LEFT_EYE_OUTER: usize = 3;
    pub const RIGHT_EYE_INNER: usize = 4;
    pub const RIGHT_EYE: usize = 5;
    pub const RIGHT_EYE_OUTER: usize = 6;
    pub const LEFT_EAR: usize = 7;
    pub const RIGHT_EAR: usize = 8;
    pub const MOUTH_LEFT: usize = 9;
    pub const MOUTH_RIGHT: usize = 10;
    pub const LEFT_SHOULDER: usize = 11;
    pub const RIGHT_SHOULDER: usize = 12;
    pub const LEFT_ELBOW: usize = 13;
    pub const RIGHT_ELBOW: usize = 14;
    pub const LEFT_WRIST: usize = 15;
    pub const RIGHT_WRIST: usize = 16;
    pub const LEFT_PINKY: usize = 17;
    pub const RIGHT_PINKY: usize = 18;
    /// Index finger (the seed's drill: on the greater trochanter).
    pub const LEFT_INDEX: usize = 19;
    pub const RIGHT_INDEX: usize = 20;
    /// Thumb (the seed's drill: on the iliac crest).
    pub const LEFT_THUMB: usize = 21;
    pub const RIGHT_THUMB: usize = 22;
    pub const LEFT_HIP: usize = 23;
    pub const RIGHT_HIP: usize = 24;
    pub const LEFT_KNEE: usize = 25;
    pub const RIGHT_KNEE: usize = 26;
    pub const LEFT_ANKLE: usize = 27;
    pub const RIGHT_ANKLE: usize = 28;
    pub const LEFT_HEEL: usize = 29;
    pub const RIGHT_HEEL: usize = 30;
    pub const LEFT_FOOT_INDEX: usize = 31;
    pub const RIGHT_FOOT_INDEX: usize = 32;
}

/// The landmark names, in BlazePose order, as posetrack files spell them.
pub const BLAZEPOSE_NAMES: [&str; LANDMARKS] = [
    "nose",
    "left_eye_inner",
    "left_eye",
    "left_eye_outer",
    "right_eye_inner",
    "right_eye",
    "right_eye_outer",
    "left_ear",
    "right_ear",
    "mouth_left",
    "mouth_right",
    "left_shoulder",
    "right_shoulder",
    "left_elbow",
    "right_elbow",
    "left_wrist",
    "right_wrist",
    "left_pinky",
    "right_pinky",
    "left_index",
    "right_index",
    "left_thumb",
    "right_thumb",
    "left_hip",
    "right_hip",
    "left_knee",
    "right_knee",
    "left_ankle",
    "right_ankle",
    "left_heel",
    "right_heel",
    "left_foot_index",
    "right_foot_index",
];

/// COCO-17 keypoint order (MoveNet and friends) and where each lands in the BlazePose slots.
pub const COCO17_TO_BLAZEPOSE: [usize; 17] = [
    idx::NOSE,
    idx::LEFT_EYE,
    idx::RIGHT_EYE,
    idx::LEFT_EAR,
    idx::RIGHT_EAR,
    idx::LEFT_SHOULDER,
    idx::RIGHT_SHOULDER,
    idx::LEFT_ELBOW,
    idx::RIGHT_ELBOW,
    idx::LEFT_WRIST,
    idx::RIGHT_WRIST,
    idx::LEFT_HIP,
    idx::RIGHT_HIP,
    idx::LEFT_KNEE,
    idx::RIGHT_KNEE,
    idx::LEFT_ANKLE,
    idx::RIGHT_ANKLE,
];

/// Which keypoint set a frame came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum KeypointFormat {
    #[default]
    #[serde(rename = "blazepose-33")]
    BlazePose33,
    #[serde(rename = "coco-17")]
    Coco17,
}

impl KeypointFormat {
    /// Whether a BlazePose slot is ever filled by this format (COCO has no heels, toes or hands).
    pub fn has(self, slot: usize) -> bool {
        match self {
            KeypointFormat::BlazePose33 => slot < LANDMARKS,
            KeypointFormat::Coco17 => COCO17_TO_BLAZEPOSE.contains(&slot),
        }
    }
}

/// One landmark: `x`, `y` normalised to the image (0..1 by width and height, y down),
/// `z` relative depth (smaller = closer, same scale as x), `visibility` 0..1.
#[derive(Clone, Copy, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct Landmark {
    pub x: f64,
    pub y: f64,
    pub z: f64,
    pub visibility: f64,
}

impl Landmark {
    pub const MISSING: Landmark = Landmark {
        x: 0.0,
        y: 0.0,
        z: 0.0,
        visibility: 0.0,
    };
    pub fn new(x: f64, y: f64, z: f64, visibility: f64) -> Self {
        Landmark {
            x,
            y,
            z,
            visibility,
        }
    }
}

/// One pose frame: always 33 BlazePose slots (missing ones have visibility 0), the size of the
/// image the model saw, and the frame's media time in milliseconds.
#[derive(Clone, Debug, PartialEq)]
pub struct PoseFrame {
    pub t_ms: f64,
    pub width: f64,
    pub height: f64,
    pub format: KeypointFormat,
    /// Empty when the model found no person in this frame.
    pub landmarks: Vec<Landmark>,
    /// The person mask around the trunk, on the frames the page asked the model for one.
    pub mask: Option<Box<MaskCrop>>,
}

impl PoseFrame {
    /// A frame with no person in it (the model found nobody).
    pub fn empty(t_ms: f64, width: f64, height: f64) -> Self {
        PoseFrame {
            t_ms,
            width,
            height,
            format: KeypointFormat::BlazePose33,
            landmarks: Vec::new(),
            mask: None,
        }
    }

    pub fn has_person(&self) -> bool {
        !self.landmarks.is_empty()
    }

    /// Builds a BlazePose frame from a flat array of `33 × 4` numbers (x, y, z, visibility per
    /// landmark), the layout the page hands over from JavaScript. An empty slice means "no person".
    pub fn from_flat(t_ms: f64, width: f64, height: f64, flat: &[f32]) -> Result<Self, FrameError> {
        if flat.is_empty() {
            let f = PoseFrame::empty(t_ms, width, height);
            f.validate()?;
            return Ok(f);
        }
        if flat.len() != LANDMARKS * 4 {
            return Err(FrameError::LandmarkCount {
                found: flat.len() / 4,
                expected: LANDMARKS,
                stray: flat.len() % 4,
            });
        }
        let landmarks = flat
            .chunks_exact(4)
            .map(|c| Landmark::new(c[0] as f64, c[1] as f64, c[2] as f64, c[3] as f64))
            .collect();
        let f = PoseFrame {
            t_ms,
            width,
            height,
            format: KeypointFormat::BlazePose33,
            landmarks,
            mask: None,
        };
        f.validate()?;
        Ok(f)
    }

    /// Builds a frame from COCO-17 keypoints (x, y normalised), filling the BlazePose slots COCO has.
    pub fn from_coco17(
        t_ms: f64,
        width: f64,
        height: f64,
        coco: &[Landmark],
    ) -> Result<Self, FrameError> {
        if coco.len() != 17 {
            return Err(FrameError::LandmarkCount {
                found: coco.len(),
                expected: 17,
                stray: 0,
            });
        }
        let mut landmarks = vec![Landmark::MISSING; LANDMARKS];
        for (k, &slot) in COCO17_TO_BLAZEPOSE.iter().enumerate() {
            landmarks[slot] = coco[k];
        }
        let f = PoseFrame {
            t_ms,
            width,
            height,
            format: KeypointFormat::Coco17,
            landmarks,
            mask: None,
        };
        f.validate()?;
        Ok(f)
    }

    /// Checks what the analysis relies on: finite numbers, a plausible image size, 33 slots,
    /// visibility in 0..1, coordinates not absurdly far outside the image.
    pub fn validate(&self) -> Result<(), FrameError> {
        if !self.t_ms.is_finite() {
            return Err(FrameError::Timestamp(self.t_ms));
        }
        if !(self.width.is_finite()
            && self.height.is_finite()
            && self.width >= 16.0
            && self.height >= 16.0)
            || self.width > 20_000.0
            || self.height > 20_000.0
        {
            return Err(FrameError::ImageSize {
                width: self.width,
                height: self.height,
            });
        }
        if self.landmarks.is_empty() {
            return Ok(());
        }
        if self.landmarks.len() != LANDMARKS {
            return Err(FrameError::LandmarkCount {
                found: self.landmarks.len(),
                expected: LANDMARKS,
                stray: 0,
            });
        }
        for (i, l) in self.landmarks.iter().enumerate() {
            if !(l.x.is_finite() && l.y.is_finite() && l.z.is_finite() && l.visibility.is_finite())
            {
                return Err(FrameError::NotFinite { landmark: i });
            }
            if !(-0.01..=1.01).contains(&l.visibility) {
                return Err(FrameError::Visibility {
                    landmark: i,
                    value: l.visibility,
                });
            }
            // MediaPipe reports points a little outside the image; far outside is garbage.
            if l.visibility > 0.0 && (l.x.abs() > 10.0 || l.y.abs() > 10.0 || l.z.abs() > 100.0) {
                return Err(FrameError::OutOfRange { landmark: i });
            }
        }
        Ok(())
    }
}

/// Why a frame was rejected. Each variant reads as one clear sentence.
#[derive(Clone, Debug, PartialEq)]
pub enum FrameError {
    Timestamp(f64),
    Backwards {
        previous_ms: f64,
        this_ms: f64,
    },
    ImageSize {
        width: f64,
        height: f64,
    },
    LandmarkCount {
        found: usize,
        expected: usize,
        stray: usize,
    },
    NotFinite {
        landmark: usize,
    },
    Visibility {
        landmark: usize,
        value: f64,
    },
    OutOfRange {
        landmark: usize,
    },
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FrameError::Timestamp(t) => write!(f, "frame timestamp is not a finite number ({t})"),
            FrameError::Backwards {
                previous_ms,
                this_ms,
            } => {
                write!(
                    f,
                    "frame timestamp went backwards ({this_ms} ms after {previous_ms} ms)"
                )
            }
            FrameError::ImageSize { width, height } => {
                write!(
                    f,
                    "image size {width}×{height} is not plausible (16..20000 px each way)"
                )
            }
            FrameError::LandmarkCount {
                found,
                expected,
                stray,
            } => {
                if *stray > 0 {
                    write!(f, "expected {expected} landmarks of 4 numbers each, got {found} and {stray} stray numbers")
                } else {
                    write!(f, "expected {expected} landmarks, got {found}")
                }
            }
            FrameError::NotFinite { landmark } => {
                write!(
                    f,
                    "landmark {landmark} ({}) has a NaN or infinite value",
                    name_of(*landmark)
                )
            }
            FrameError::Visibility { landmark, value } => {
                write!(
                    f,
                    "landmark {landmark} ({}) has visibility {value}, outside 0..1",
                    name_of(*landmark)
                )
            }
            FrameError::OutOfRange { landmark } => {
                write!(
                    f,
                    "landmark {landmark} ({}) lies far outside the image",
                    name_of(*landmark)
                )
            }
        }
    }
}

impl std::error::Error for FrameError {}

fn name_of(i: usize) -> &'static str {
    BLAZEPOSE_NAMES.get(i).copied().unwrap_or("unknown")
}

/// Landmark slot for a posetrack keypoint name (BlazePose names; COCO names are a subset).
pub fn slot_of(name: &str) -> Option<usize> {
    BLAZEPOSE_NAMES.iter().position(|n| *n == name)
}
