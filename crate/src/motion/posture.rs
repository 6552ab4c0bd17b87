//! What the rep counter reads each frame, from the raw points alone (no body frame, no
//! calibration needed): how high the shoulders are above the floor, whether the body looks
//! upright, and whether the head is at the top edge of the picture.
//!
//! The shoulders' height above the feet is the one depth signal every view, camera and pose
//! source gives: a hinge lowers the shoulders whether it is seen from the side, at 45° or from
//! the front (a level camera keeps vertical distances vertical), and a track that has no face,
//! no heels or no elbows still has shoulders and ankles. The rep machine counts on it
//! (`motion::reps`); the sagittal angles judge the rep afterwards.

use crate::motion::body::RollingMedian;
use crate::pose::{idx, Landmark};
use crate::signal::features::{Points, VIS_MISSING};
use crate::signal::geometry::{angle_at, V2};

/// One frame as the rep counter sees it.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Posture {
    /// Height of the shoulders above the floor (isotropic px), when both are seen.
    pub height: Option<f64>,
    /// The head or the shoulders are at the top edge of the picture: the lifter may leave
    /// through it at lockout (a close camera).
    pub head_at_top: bool,
    /// Upright by the body's own angles: `Some(true)` standing tall, `Some(false)` bent,
    /// `None` when the view or the landmarks cannot say (a front view, legs the model guesses).
    pub upright: Option<bool>,
}

/// The feet: the floor under the lifter (the lowest seen foot point, a rolling median).
const FEET: [usize; 6] = [
    idx::LEFT_ANKLE,
    idx::RIGHT_ANKLE,
    idx::LEFT_HEEL,
    idx::RIGHT_HEEL,
    idx::LEFT_FOOT_INDEX,
    idx::RIGHT_FOOT_INDEX,
];
const HEAD: [usize; 7] = [
    idx::NOSE,
    idx::LEFT_EYE,
    idx::RIGHT_EYE,
    idx::LEFT_EAR,
    idx::RIGHT_EAR,
    idx::LEFT_SHOULDER,
    idx::RIGHT_SHOULDER,
];
/// Frames in the floor's rolling median (2 s at 30 fps): the feet stay planted in a hinge.
const FLOOR_FRAMES: usize = 61;
/// The head counts as at the top edge within this fraction of the picture height.
const TOP_EDGE: f64 = 0.04;
/// Upright: the trunk within 15° of vertical, or within 22° with a knee bent less than 35°
/// (EST; standing tall reads 0–10°, the bottom of any hinge or squat well beyond).
const UPRIGHT_TRUNK_DEG: f64 = 15.0;
const UPRIGHT_TRUNK_SOFT_DEG: f64 = 22.0;
const UPRIGHT_KNEE_DEG: f64 = 35.0;
/// Shoulder separation / trunk length beyond which the trunk's lean is hidden in depth
/// (≈ 55° from a side view, §3): no angle evidence from there to a front view.
const ANGLES_MAX_SHOULDER_SPREAD: f64 = 0.6;

/// Keeps the floor estimate across frames and reads each frame's [`Posture`].
#[derive(Clone, Debug)]
pub struct PostureReader {
    floor: RollingMedian,
}

impl Default for PostureReader {
    fn default() -> Self {
        PostureReader {
            floor: RollingMedian::new(FLOOR_FRAMES),
        }
    }
}

impl PostureReader {
    /// Forgets the floor (a cut in the video: a new scene).
    pub fn reset(&mut self) {
        self.floor.clear();
    }

    /// Reads one frame: `pts` are the raw points (isotropic px, y up), `lm` the landmarks as
    /// given (normalised, for the picture's edges).
    pub fn read(&mut self, pts: &Points, lm: &[Landmark]) -> Posture {
        let seen = |i: usize| pts.v[i] >= VIS_MISSING;
        if let Some(lowest) = FEET
            .iter()
            .filter(|&&i| seen(i))
            .map(|&i| pts.p[i].y)
            .min_by(|a, b| a.total_cmp(b))
        {
            self.floor.push(lowest);
        }
        let head_at_top = HEAD
            .iter()
            .any(|&i| seen(i) && lm.get(i).is_some_and(|l| l.y < TOP_EDGE));
        let shoulders = pts.mid(idx::LEFT_SHOULDER);
        let hips = pts.mid(idx::LEFT_HIP);
        // A body the model drew upside down — the shoulders below the hips by half the trunk, a
        // trunk past 120° from vertical, which no hinge reaches (a lifter gone out of a close
        // camera's picture, say) — is not the lifter: no height from this frame.
        let trunk = (shoulders.x - hips.x).hypot(shoulders.y - hips.y);
        let flipped = shoulders.y - hips.y < -0.5 * trunk;
        let floor = self.floor.median();
        let height = match floor {
            Some(f) if shoulders.y.is_finite() && shoulders.y - f > 1.0 && !flipped => {
                Some(shoulders.y - f)
            }
            _ => None,
        };
        Posture {
            height,
            head_at_top,
            upright: upright(pts),
        }
    }
}

/// Upright by the angles, where a side or oblique view shows them and the legs are plausible
/// (hip above knee above ankle): a leg the model is guessing behind a plate says nothing.
fn upright(pts: &Points) -> Option<bool> {
    let s = pts.mid(idx::LEFT_SHOULDER);
    let h = pts.mid(idx::LEFT_HIP);
    let seen = |i: usize| pts.v[i] >= VIS_MISSING;
    let both_seen = seen(idx::LEFT_SHOULDER) && seen(idx::RIGHT_SHOULDER);
    if !both_seen || !s.x.is_finite() || !h.x.is_finite() {
        return None;
    }
    let trunk_len = (s - h).norm();
    if !(trunk_len > 1.0) {
        return None;
    }
    let spread = (pts.p[idx::LEFT_SHOULDER].x - pts.p[idx::RIGHT_SHOULDER].x).abs() / trunk_len;
    if spread >= ANGLES_MAX_SHOULDER_SPREAD {
        return None;
    }
    let chain = |hip: usize| -> Option<(V2, V2, V2)> {
        let (k, a) = (hip + 2, hip + 4);
        (seen(hip) && seen(k) && seen(a)).then(|| (pts.p[hip], pts.p[k], pts.p[a]))
    };
    let plausible =
        |(hp, kn, an): (V2, V2, V2)| hp.y - kn.y > 0.3 * trunk_len && kn.y - an.y > 0.3 * trunk_len;
    // The better-seen leg must be a plausible leg.
    let near_hip = if pts.v[idx::LEFT_KNEE] >= pts.v[idx::RIGHT_KNEE] {
        idx::LEFT_HIP
    } else {
        idx::RIGHT_HIP
    };
    if !chain(near_hip).is_some_and(plausible) {
        return None;
    }
    let d = s - h;
    let trunk = d.x.abs().atan2(d.y).to_degrees();
    let knee = [idx::LEFT_HIP, idx::RIGHT_HIP]
        .iter()
        .filter_map(|&hip| chain(hip))
        .map(|(hp, kn, an)| 180.0 - angle_at(hp, kn, an))
        .fold(f64::INFINITY, f64::min);
    Some(trunk < UPRIGHT_TRUNK_DEG || (trunk < UPRIGHT_TRUNK_SOFT_DEG && knee < UPRIGHT_KNEE_DEG))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Shoulders, hips and ankles at the given heights (y up), seen.
    fn body(shoulder: (f64, f64), hip: (f64, f64)) -> Points {
        let mut pts = Points::default();
        for (i, (x, y)) in [
            (idx::LEFT_SHOULDER, shoulder),
            (idx::RIGHT_SHOULDER, shoulder),
            (idx::LEFT_HIP, hip),
            (idx::RIGHT_HIP, hip),
            (idx::LEFT_ANKLE, (0.0, 0.0)),
            (idx::RIGHT_ANKLE, (0.0, 0.0)),
        ] {
            pts.p[i] = V2::new(x, y);
            pts.v[i] = 1.0;
        }
        pts
    }

    #[test]
    fn a_body_drawn_upside_down_gives_no_height_and_a_deep_hinge_does() {
        let mut r = PostureReader::default();
        assert_eq!(
            r.read(&body((0.0, 500.0), (0.0, 300.0)), &[]).height,
            Some(500.0)
        );
        // The bottom of a deep RDL: the trunk a little past horizontal (100°).
        let deep = r.read(&body((197.0, 265.0), (0.0, 300.0)), &[]);
        assert_eq!(deep.height, Some(265.0));
        // The model's misread of a lifter leaving the picture: shoulders far below the hips.
        let flipped = r.read(&body((30.0, 100.0), (0.0, 300.0)), &[]);
        assert_eq!(flipped.height, None);
    }
}
