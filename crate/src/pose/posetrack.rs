//! Posetrack files: `*.posetrack.json` and `*.posetrack.json.gz`, the layout of the open-source
//! swing-analyzer (`{metadata: {fps, videoWidth, videoHeight, keypointFormat, …}, frames:
//! [{frameIndex, timestamp (ms), videoTime (s), keypoints: [{name, x, y, z, score}]}]}`, x/y in
//! source pixels). Read and written, so tracks move between tools.
//!
//! File-level problems (not JSON, truncated, no frames, no image size, too big) are errors.
//! Frame-level problems (a NaN, a missing landmark, time going backwards) drop that frame and
//! are counted in [`PoseTrack::problems`], so one bad frame never loses a set.

use super::{slot_of, FrameError, KeypointFormat, Landmark, PoseFrame, BLAZEPOSE_NAMES, LANDMARKS};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fmt;

/// Largest posetrack accepted, decompressed (an hour at 60 fps is ≈ 400 MB of JSON).
pub const MAX_TRACK_BYTES: usize = 768 * 1024 * 1024;

/// Track-level facts from `metadata`.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct TrackMeta {
    pub fps: Option<f64>,
    pub width: f64,
    pub height: f64,
    pub format: KeypointFormat,
    /// Every other metadata field, kept so a read-then-write keeps them.
    pub extra: Map<String, Value>,
}

/// A posetrack in memory: frames in time order with normalised landmarks.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct PoseTrack {
    pub meta: TrackMeta,
    pub frames: Vec<PoseFrame>,
    /// Frames dropped on reading, with the reason (at most [`MAX_PROBLEMS`] kept verbatim).
    pub problems: Vec<String>,
    pub dropped_frames: usize,
}

/// How many frame problems are listed word for word; the rest are only counted.
pub const MAX_PROBLEMS: usize = 20;

/// Why a posetrack could not be read at all.
#[derive(Debug)]
pub enum TrackError {
    Empty,
    TooBig {
        bytes: usize,
        limit: usize,
    },
    Gzip(String),
    Json {
        line: usize,
        column: usize,
        message: String,
        truncated: bool,
    },
    Layout(String),
    NoFrames,
    Io(String),
}

impl fmt::Display for TrackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrackError::Empty => write!(f, "the file is empty"),
            TrackError::TooBig { bytes, limit } => write!(
                f,
                "the track is too big ({:.1} MB; the limit is {:.1} MB)",
                *bytes as f64 / 1_048_576.0,
                *limit as f64 / 1_048_576.0
            ),
            TrackError::Gzip(m) => write!(
                f,
                "the file looks gzipped but could not be decompressed: {m}"
            ),
            TrackError::Json {
                line,
                column,
                message,
                truncated,
            } => {
                if *truncated {
                    write!(
                        f,
                        "the file is truncated: the JSON ends early (line {line}, column {column})"
                    )
                } else {
                    write!(
                        f,
                        "not a valid posetrack JSON file: {message} (line {line}, column {column})"
                    )
                }
            }
            TrackError::Layout(m) => write!(f, "not a posetrack: {m}"),
            TrackError::NoFrames => write!(f, "the track has no frames"),
            TrackError::Io(m) => write!(f, "could not read the file: {m}"),
        }
    }
}

impl std::error::Error for TrackError {}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawTrack {
    metadata: Option<Map<String, Value>>,
    frames: Option<Vec<RawFrame>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawFrame {
    frame_index: Option<f64>,
    timestamp: Option<f64>,
    video_time: Option<f64>,
    #[serde(default)]
    keypoints: Option<Vec<RawKeypoint>>,
    /// The person mask around the trunk (`pose::mask`), where the recording kept one.
    #[serde(default)]
    mask: Option<super::mask::MaskJson>,
}

#[derive(Deserialize)]
struct RawKeypoint {
    name: Option<String>,
    x: Option<f64>,
    y: Option<f64>,
    z: Option<f64>,
    score: Option<f64>,
    visibility: Option<f64>,
}

/// Reads a posetrack from bytes, gzipped or not (detected by the gzip magic number).
pub fn read_bytes(bytes: &[u8]) -> Result<PoseTrack, TrackError> {
    read_bytes_limited(bytes, MAX_TRACK_BYTES)
}

/// [`read_bytes`] with a size limit (decompressed) other than [`MAX_TRACK_BYTES`].
pub fn read_bytes_limited(bytes: &[u8], limit: usize) -> Result<PoseTrack, TrackError> {
    if bytes.is_empty() {
        return Err(TrackError::Empty);
    }
    if bytes.len() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b {
        #[cfg(not(target_arch = "wasm32"))]
        {
            let text = gunzip_limited(bytes, limit)?;
            return read_json(&text);
        }
        #[cfg(target_arch = "wasm32")]
        return Err(TrackError::Gzip(
            "gzipped tracks are decompressed by the page before they reach the analyser".into(),
        ));
    }
    if bytes.len() > limit {
        return Err(TrackError::TooBig {
            bytes: bytes.len(),
            limit,
        });
    }
    read_json(bytes)
}

#[cfg(not(target_arch = "wasm32"))]
fn gunzip_limited(bytes: &[u8], limit: usize) -> Result<Vec<u8>, TrackError> {
    use std::io::Read;
    let mut out = Vec::new();
    let mut dec = flate2::read::MultiGzDecoder::new(bytes).take(limit as u64 + 1);
    dec.read_to_end(&mut out)
        .map_err(|e| TrackError::Gzip(e.to_string()))?;
    if out.len() > limit {
        return Err(TrackError::TooBig {
            bytes: out.len(),
            limit,
        });
    }
    if out.is_empty() {
        return Err(TrackError::Empty);
    }
    Ok(out)
}

/// Reads a posetrack file from disk (`.json` or `.json.gz`).
#[cfg(not(target_arch = "wasm32"))]
pub fn read_file(path: &std::path::Path) -> Result<PoseTrack, TrackError> {
    let meta =
        std::fs::metadata(path).map_err(|e| TrackError::Io(format!("{}: {e}", path.display())))?;
    if meta.is_dir() {
        return Err(TrackError::Io(format!("{} is a directory", path.display())));
    }
    if meta.len() as usize > MAX_TRACK_BYTES {
        return Err(TrackError::TooBig {
            bytes: meta.len() as usize,
            limit: MAX_TRACK_BYTES,
        });
    }
    let bytes =
        std::fs::read(path).map_err(|e| TrackError::Io(format!("{}: {e}", path.display())))?;
    read_bytes(&bytes)
}

fn num(m: &Map<String, Value>, key: &str) -> Option<f64> {
    m.get(key).and_then(Value::as_f64).filter(|v| v.is_finite())
}

/// Parses posetrack JSON text.
pub fn read_json(text: &[u8]) -> Result<PoseTrack, TrackError> {
    let raw: RawTrack = serde_json::from_slice(text).map_err(|e| TrackError::Json {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
        truncated: e.is_eof(),
    })?;
    let mut metadata = raw
        .metadata
        .ok_or_else(|| TrackError::Layout("no \"metadata\" object".into()))?;
    let frames = raw
        .frames
        .ok_or_else(|| TrackError::Layout("no \"frames\" array".into()))?;
    let width = num(&metadata, "videoWidth").ok_or_else(|| {
        TrackError::Layout("metadata.videoWidth is missing or not a number".into())
    })?;
    let height = num(&metadata, "videoHeight").ok_or_else(|| {
        TrackError::Layout("metadata.videoHeight is missing or not a number".into())
    })?;
    if !(16.0..=20_000.0).contains(&width) || !(16.0..=20_000.0).contains(&height) {
        return Err(TrackError::Layout(format!(
            "video size {width}×{height} is not plausible"
        )));
    }
    let fps = num(&metadata, "fps").filter(|f| *f > 0.0 && *f <= 1000.0);
    let declared = metadata
        .get("keypointFormat")
        .and_then(Value::as_str)
        .unwrap_or("blazepose-33")
        .to_ascii_lowercase();
    let format = if declared.contains("coco") || declared.contains("movenet") {
        KeypointFormat::Coco17
    } else {
        KeypointFormat::BlazePose33
    };
    for k in ["fps", "videoWidth", "videoHeight", "keypointFormat"] {
        metadata.remove(k);
    }
    if frames.is_empty() {
        return Err(TrackError::NoFrames);
    }
    let mut track = PoseTrack {
        meta: TrackMeta {
            fps,
            width,
            height,
            format,
            extra: metadata,
        },
        ..Default::default()
    };
    // z comes normalised like x (MediaPipe) or, in some tools' files, in pixels like x and y.
    let z_scale = match frames
        .iter()
        .find_map(|f| f.keypoints.as_ref().filter(|k| !k.is_empty()))
    {
        Some(kps) if kps.iter().filter_map(|k| k.z).any(|z| z.abs() > 3.0) => 1.0 / width,
        _ => 1.0,
    };
    let mut last_t = f64::NEG_INFINITY;
    for (i, rf) in frames.into_iter().enumerate() {
        match convert_frame(&rf, i, fps, width, height, format, z_scale) {
            Ok(fr) => {
                if fr.t_ms <= last_t {
                    track.note(
                        i,
                        &FrameError::Backwards {
                            previous_ms: last_t,
                            this_ms: fr.t_ms,
                        }
                        .to_string(),
                    );
                    continue;
                }
                last_t = fr.t_ms;
                track.frames.push(fr);
            }
            Err(msg) => track.note(i, &msg),
        }
    }
    if track.frames.is_empty() {
        return Err(TrackError::Layout(format!(
            "none of its frames could be used ({})",
            track.problems.first().cloned().unwrap_or_default()
        )));
    }
    Ok(track)
}

impl PoseTrack {
    fn note(&mut self, frame: usize, msg: &str) {
        self.dropped_frames += 1;
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(format!("frame {frame}: {msg}"));
        }
    }

    /// A one-line summary of dropped frames, if any.
    pub fn problem_summary(&self) -> Option<String> {
        if self.dropped_frames == 0 {
            return None;
        }
        Some(format!(
            "{} of {} frames were unusable and skipped (first: {})",
            self.dropped_frames,
            self.dropped_frames + self.frames.len(),
            self.problems.first().map(String::as_str).unwrap_or("")
        ))
    }
}

fn convert_frame(
    rf: &RawFrame,
    i: usize,
    fps: Option<f64>,
    w: f64,
    h: f64,
    format: KeypointFormat,
    z_scale: f64,
) -> Result<PoseFrame, String> {
    let t_ms = rf
        .timestamp
        .or(rf.video_time.map(|s| s * 1000.0))
        .or_else(|| fps.map(|f| rf.frame_index.unwrap_or(i as f64) * 1000.0 / f))
        .ok_or("no timestamp, videoTime or fps to time it by")?;
    let kps = rf.keypoints.as_deref().unwrap_or(&[]);
    if kps.is_empty() {
        let f = PoseFrame::empty(t_ms, w, h);
        f.validate().map_err(|e| e.to_string())?;
        return Ok(f);
    }
    let is_coco = format == KeypointFormat::Coco17 || kps.len() == 17;
    let expected = if is_coco { 17 } else { LANDMARKS };
    if kps.len() != expected {
        return Err(FrameError::LandmarkCount {
            found: kps.len(),
            expected,
            stray: 0,
        }
        .to_string());
    }
    let mut landmarks = vec![Landmark::MISSING; LANDMARKS];
    let mut filled = [false; LANDMARKS];
    for (k, kp) in kps.iter().enumerate() {
        let slot = match &kp.name {
            Some(n) => slot_of(n).ok_or_else(|| format!("unknown landmark name \"{n}\""))?,
            None if is_coco => super::COCO17_TO_BLAZEPOSE[k],
            None => k,
        };
        if is_coco && !super::COCO17_TO_BLAZEPOSE.contains(&slot) {
            return Err(format!(
                "\"{}\" is not a COCO-17 keypoint",
                BLAZEPOSE_NAMES[slot]
            ));
        }
        if filled[slot] {
            return Err(format!(
                "landmark \"{}\" appears twice",
                BLAZEPOSE_NAMES[slot]
            ));
        }
        filled[slot] = true;
        let (x, y) = match (kp.x, kp.y) {
            (Some(x), Some(y)) => (x, y),
            _ => {
                return Err(format!(
                    "landmark \"{}\" has no x or y",
                    BLAZEPOSE_NAMES[slot]
                ))
            }
        };
        let vis = kp.score.or(kp.visibility).unwrap_or(1.0);
        landmarks[slot] = Landmark::new(x / w, y / h, kp.z.unwrap_or(0.0) * z_scale, vis);
    }
    let frame = PoseFrame {
        t_ms,
        width: w,
        height: h,
        format: if is_coco {
            KeypointFormat::Coco17
        } else {
            KeypointFormat::BlazePose33
        },
        landmarks,
        mask: match &rf.mask {
            Some(m) => Some(Box::new(
                super::mask::MaskCrop::try_from(m).map_err(|e| e.to_string())?,
            )),
            None => None,
        },
    };
    frame.validate().map_err(|e| e.to_string())?;
    Ok(frame)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OutFrame<'a> {
    frame_index: usize,
    timestamp: f64,
    video_time: f64,
    keypoints: Vec<OutKeypoint<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mask: Option<super::mask::MaskJson>,
}

#[derive(Serialize)]
struct OutKeypoint<'a> {
    name: &'a str,
    x: f64,
    y: f64,
    z: f64,
    score: f64,
}

/// Writes a posetrack as JSON text (x, y and z in source pixels, as the format wants).
pub fn to_json(track: &PoseTrack) -> String {
    let mut meta = track.meta.extra.clone();
    if let Some(fps) = track.meta.fps {
        meta.insert("fps".into(), Value::from(fps));
    }
    meta.insert("videoWidth".into(), Value::from(track.meta.width));
    meta.insert("videoHeight".into(), Value::from(track.meta.height));
    let fmt = match track.meta.format {
        KeypointFormat::BlazePose33 => "blazepose-33",
        KeypointFormat::Coco17 => "coco-17",
    };
    meta.insert("keypointFormat".into(), Value::from(fmt));
    meta.entry("frameCount")
        .or_insert(Value::from(track.frames.len()));
    let frames: Vec<OutFrame> = track
        .frames
        .iter()
        .enumerate()
        .map(|(i, f)| OutFrame {
            frame_index: i,
            timestamp: f.t_ms,
            video_time: f.t_ms / 1000.0,
            keypoints: if f.landmarks.is_empty() {
                Vec::new()
            } else {
                f.landmarks
                    .iter()
                    .enumerate()
                    .filter(|(slot, _)| f.format.has(*slot))
                    .map(|(slot, l)| OutKeypoint {
                        name: BLAZEPOSE_NAMES[slot],
                        x: l.x * f.width,
                        y: l.y * f.height,
                        z: l.z * f.width,
                        score: l.visibility,
                    })
                    .collect()
            },
            mask: f.mask.as_deref().map(super::mask::MaskJson::from),
        })
        .collect();
    serde_json::json!({ "metadata": meta, "frames": frames }).to_string()
}

/// Writes a posetrack to disk, gzipped when the name ends in `.gz`.
#[cfg(not(target_arch = "wasm32"))]
pub fn write_file(track: &PoseTrack, path: &std::path::Path) -> std::io::Result<()> {
    use std::io::Write;
    let text = to_json(track);
    if path.extension().is_some_and(|e| e == "gz") {
        let file = std::fs::File::create(path)?;
        let mut enc = flate2::write::GzEncoder::new(file, flate2::Compression::default());
        enc.write_all(text.as_bytes())?;
        enc.finish()?;
        Ok(())
    } else {
        std::fs::write(path, text)
    }
}

/// Builds a track from frames (e.g. the simulator's or the page's session).
pub fn from_frames(
    frames: Vec<PoseFrame>,
    fps: Option<f64>,
    extra: Map<String, Value>,
) -> PoseTrack {
    let (width, height, format) = frames
        .first()
        .map(|f| (f.width, f.height, f.format))
        .unwrap_or((640.0, 480.0, KeypointFormat::BlazePose33));
    PoseTrack {
        meta: TrackMeta {
            fps,
            width,
            height,
            format,
            extra,
        },
        frames,
        problems: Vec::new(),
        dropped_frames: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame_json(t: f64, n: usize) -> String {
        let kps: Vec<String> = (0..n)
            .map(|i| {
                format!(
                    r#"{{"name":"{}","x":{},"y":{},"z":0.0,"score":0.9}}"#,
                    BLAZEPOSE_NAMES.get(i).unwrap_or(&"extra_point"),
                    100.0 + i as f64,
                    200.0 + i as f64
                )
            })
            .collect();
        format!(
            r#"{{"frameIndex":0,"timestamp":{t},"videoTime":{},"keypoints":[{}]}}"#,
            t / 1000.0,
            kps.join(",")
        )
    }

    fn track_json(frames: &[String]) -> String {
        format!(
            r#"{{"metadata":{{"fps":30,"videoWidth":640,"videoHeight":480,"keypointFormat":"blazepose-33","model":"x"}},"frames":[{}]}}"#,
            frames.join(",")
        )
    }

    #[test]
    fn reads_normalises_and_round_trips() {
        let text = track_json(&[
            frame_json(0.0, 33),
            frame_json(33.3, 33),
            r#"{"frameIndex":2,"timestamp":66.6,"videoTime":0.0666,"keypoints":[]}"#.into(),
        ]);
        let t = read_json(text.as_bytes()).unwrap();
        assert_eq!(t.frames.len(), 3);
        assert!((t.frames[0].landmarks[0].x - 100.0 / 640.0).abs() < 1e-12);
        assert!(!t.frames[2].has_person());
        let back = read_json(to_json(&t).as_bytes()).unwrap();
        assert_eq!(back.frames, t.frames);
        assert_eq!(back.meta.extra.get("model"), t.meta.extra.get("model"));
    }

    #[test]
    fn a_frame_s_mask_round_trips_and_a_bad_one_drops_only_its_frame() {
        use crate::pose::mask::{base64_encode, MASK_BYTES};
        let mut t =
            read_json(track_json(&[frame_json(0.0, 33), frame_json(33.3, 33)]).as_bytes()).unwrap();
        let data: Vec<u8> = (0..MASK_BYTES).map(|k| (k % 251) as u8).collect();
        t.frames[1].mask = Some(Box::new(
            crate::pose::MaskCrop::new([0.1, 0.2, 0.6, 0.9], data.clone()).unwrap(),
        ));
        let back = read_json(to_json(&t).as_bytes()).unwrap();
        assert_eq!(back.frames, t.frames, "the mask is kept");
        assert!(back.frames[0].mask.is_none());
        // A mask of the wrong size, or with a broken box, drops its frame with the reason.
        let short = base64_encode(&data[..100]);
        let bad = frame_json(66.6, 33).replacen(
            "\"keypoints\"",
            &format!(
                r#""mask":{{"box":[0.1,0.2,0.6,0.9],"side":128,"data":"{short}"}},"keypoints""#
            ),
            1,
        );
        let flipped = frame_json(99.9, 33).replacen(
            "\"keypoints\"",
            &format!(
                r#""mask":{{"box":[0.6,0.2,0.1,0.9],"side":128,"data":"{}"}},"keypoints""#,
                base64_encode(&data)
            ),
            1,
        );
        let t = read_json(track_json(&[frame_json(0.0, 33), bad, flipped]).as_bytes()).unwrap();
        assert_eq!(t.frames.len(), 1);
        assert_eq!(t.dropped_frames, 2);
        assert!(
            t.problems.iter().any(|p| p.contains("mask")),
            "{:?}",
            t.problems
        );
    }

    #[test]
    fn bad_frames_are_dropped_and_counted_not_fatal() {
        let text = track_json(&[
            frame_json(0.0, 33),
            frame_json(33.0, 33),
            frame_json(20.0, 33),
            frame_json(66.0, 32),
            frame_json(99.0, 34),
            frame_json(132.0, 33),
        ]);
        let t = read_json(text.as_bytes()).unwrap();
        assert_eq!(t.frames.len(), 3);
        assert_eq!(t.dropped_frames, 3);
        assert!(
            t.problems.iter().any(|p| p.contains("backwards")),
            "{:?}",
            t.problems
        );
        assert!(t.problem_summary().unwrap().contains("3 of 6"));
    }

    #[test]
    fn file_level_errors_are_clear() {
        assert!(matches!(read_bytes(b""), Err(TrackError::Empty)));
        let e = read_bytes(br#"{"metadata":{"videoWidth":640,"videoHeight":480},"frames":[{"timestamp":0,"keypoints":["#).unwrap_err();
        assert!(e.to_string().contains("truncated"), "{e}");
        let e = read_bytes(b"hello").unwrap_err();
        assert!(e.to_string().contains("not a valid posetrack JSON"), "{e}");
        let e = read_bytes(br#"{"metadata":{"videoWidth":640},"frames":[]}"#).unwrap_err();
        assert!(e.to_string().contains("videoHeight"), "{e}");
        let e = read_bytes(br#"{"metadata":{"videoWidth":640,"videoHeight":480},"frames":[]}"#)
            .unwrap_err();
        assert!(matches!(e, TrackError::NoFrames));
        let e = read_bytes(&[0x1f, 0x8b, 1, 2, 3]).unwrap_err();
        assert!(e.to_string().contains("gzip"), "{e}");
    }

    #[test]
    fn coco17_frames_fill_their_slots_only() {
        let kps: Vec<String> = super::super::COCO17_TO_BLAZEPOSE
            .iter()
            .map(|&i| BLAZEPOSE_NAMES[i])
            .map(|n| format!(r#"{{"name":"{n}","x":10,"y":20,"score":0.8}}"#))
            .collect();
        let text = format!(
            r#"{{"metadata":{{"fps":30,"videoWidth":640,"videoHeight":480,"keypointFormat":"coco-17"}},"frames":[{{"timestamp":0,"keypoints":[{}]}}]}}"#,
            kps.join(",")
        );
        let t = read_json(text.as_bytes()).unwrap();
        let f = &t.frames[0];
        assert_eq!(f.format, KeypointFormat::Coco17);
        assert_eq!(f.landmarks[super::super::idx::LEFT_HEEL].visibility, 0.0);
        assert!(f.landmarks[super::super::idx::LEFT_HIP].visibility > 0.7);
        let again = read_json(to_json(&t).as_bytes()).unwrap();
        assert_eq!(again.frames[0], *f);
    }
}
