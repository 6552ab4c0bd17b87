//! The hands-on-pelvis check (§1.5): the thumb on the top of the hip bone (the iliac crest),
//! the index finger on the top of the thigh bone (the greater trochanter), so that the line
//! between them is the pelvic line. Its quality gates (`gate`), why a frame fails them
//! (`HandIssue`, with the words the lifter is told), and the check itself.

use crate::signal::features::{Frame, Points};
use serde::{Deserialize, Serialize};

/// Quality gates (§1.5): hand landmarks visible, thumb and index apart, fingers at the pelvis.
pub mod gate {
    /// Hand landmark visibility for use.
    pub const HAND_VISIBILITY: f64 = 0.5;
    /// Thumb–index distance at least this (B): otherwise they are not on two landmarks.
    pub const THUMB_INDEX_MIN_B: f64 = 0.04;
    /// The index finger within this of the hip landmark (B): on the trochanter.
    pub const INDEX_AT_HIP_B: f64 = 0.12;
    /// The thumb within this of where the crest should be (B), 0.102 B up the pelvis from the hip.
    pub const THUMB_AT_CREST_B: f64 = 0.09;
    /// A movement is judged only if the hands passed the gates in this share of its frames…
    pub const MIN_GOOD_SHARE: f64 = 0.6;
    /// …and no single lapse (a hand landmark dropping out) lasted longer than this (s); shorter
    /// lapses are bridged.
    pub const MAX_LAPSE_S: f64 = 0.5;
    /// Pelvic-line steadiness in the hang (deg, SD): §1.5's < 3° on the hold.
    pub const HOLD_SD_DEG: f64 = 3.0;
}

/// Why the hands do not count as on the pelvis this frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HandIssue {
    HandsNotVisible,
    FingersTogether,
    IndexNotOnTrochanter,
    ThumbNotOnCrest,
}

impl HandIssue {
    /// What the lifter is told, as a clause: shown as advice while it lasts, and quoted in the
    /// message of a movement the drill could not judge.
    pub fn message(self) -> &'static str {
        match self {
            HandIssue::HandsNotVisible => "the camera cannot see your near hand",
            HandIssue::FingersTogether => "thumb and index finger are not on two points",
            HandIssue::IndexNotOnTrochanter => {
                "the index finger is not on the top of the thigh bone"
            }
            HandIssue::ThumbNotOnCrest => "the thumb is not on the top of the hip bone",
        }
    }
}

/// Checks the near hand on the pelvis (raw points, body frame).
pub fn hands_on_pelvis(p: &Points, fr: &Frame) -> Result<(), HandIssue> {
    let n = fr.near;
    let (th, ix, hip) = (n.thumb(), n.index(), n.hip());
    if p.v[th] < gate::HAND_VISIBILITY
        || p.v[ix] < gate::HAND_VISIBILITY
        || p.v[hip] < gate::HAND_VISIBILITY
    {
        return Err(HandIssue::HandsNotVisible);
    }
    let b = fr.b.max(1.0);
    if (p.p[th] - p.p[ix]).norm() / b < gate::THUMB_INDEX_MIN_B {
        return Err(HandIssue::FingersTogether);
    }
    if (p.p[ix] - p.p[hip]).norm() / b > gate::INDEX_AT_HIP_B {
        return Err(HandIssue::IndexNotOnTrochanter);
    }
    // The crest is about 0.1 B from the trochanter along the pelvis, in any tilt.
    let d = (p.p[th] - p.p[hip]).norm() / b;
    if (d - 0.102).abs() > gate::THUMB_AT_CREST_B {
        return Err(HandIssue::ThumbNotOnCrest);
    }
    Ok(())
}
