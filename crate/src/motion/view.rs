//! The camera view check (docs/biomechanics.md §3): side-on, oblique or front, an estimate of the
//! yaw away from a pure side view and which way the lifter is turned, whole body in frame,
//! distance, camera height and light. The framing coach says which way to turn and by how much;
//! an oblique view the lifter keeps (a camera that cannot move) is accepted after a while and
//! graded where the angle allows (`coach::rules`); a front view counts reps only.

use crate::pose::{idx, Landmark};
use crate::signal::features::{Frame, Points, Side, VIS_USE};
use serde::{Deserialize, Serialize};

/// What kind of view the camera has of the lifter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ViewKind {
    Side,
    Oblique,
    Front,
    #[default]
    Unknown,
}

impl ViewKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ViewKind::Side => "side",
            ViewKind::Oblique => "oblique",
            ViewKind::Front => "front",
            ViewKind::Unknown => "unknown",
        }
    }
}

/// Yaw limits (§3): a side view to 25°; oblique to 60°, graded to 50° (`coach::rules`); front
/// beyond.
pub const YAW_VALID_DEG: f64 = 25.0;
pub const YAW_GRADED_DEG: f64 = 50.0;
pub const YAW_FRONT_DEG: f64 = 60.0;
/// An oblique view held this long (s) is accepted: the lifter cannot turn, the coach stops
/// asking and says what the angle allows.
pub const ACCEPT_OBLIQUE_S: f64 = 8.0;
/// How long the yaw may wander past the graded range before an oblique view's count restarts (s).
pub const OBLIQUE_WANDER_S: f64 = 2.0;
/// Shoulder separation / trunk length in a front view (§3, r_front, EST).
const R_FRONT_SHOULDER: f64 = 0.68;
/// Hip separation / trunk length in a front view (EST: hip breadth ≈ 0.19 H over trunk ≈ 0.31 H).
const R_FRONT_HIP: f64 = 0.55;

/// Framing problems the set-up coach speaks about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FramingIssue {
    /// Turned away from side-on, which way unknown.
    TurnSideOn,
    /// Which way (the lifter's left or right) and how far: a little (to 35°), an eighth of a
    /// turn (to 65°), a quarter turn (a front view).
    TurnLeftLittle,
    TurnLeftEighth,
    TurnLeftQuarter,
    TurnRightLittle,
    TurnRightEighth,
    TurnRightQuarter,
    NotWholeBody,
    MoveCloser,
    MoveBack,
    CameraTooHigh,
    CameraTooLow,
    MoreLight,
    NoPerson,
    /// An oblique view kept: graded where the angle allows (information, not a request).
    ObliqueAccepted,
    /// The back's outline in the mask stands off the back (a loose top, hair): its curve cannot
    /// be read.
    BackHidden,
}

impl FramingIssue {
    pub fn message(self) -> &'static str {
        match self {
            FramingIssue::TurnSideOn => "Turn so your side faces the camera",
            FramingIssue::TurnLeftLittle => "Turn a little to your left: side-on to the camera",
            FramingIssue::TurnLeftEighth => {
                "Turn an eighth of a turn to your left: side-on to the camera"
            }
            FramingIssue::TurnLeftQuarter => {
                "Turn a quarter turn to your left: side-on to the camera"
            }
            FramingIssue::TurnRightLittle => "Turn a little to your right: side-on to the camera",
            FramingIssue::TurnRightEighth => {
                "Turn an eighth of a turn to your right: side-on to the camera"
            }
            FramingIssue::TurnRightQuarter => {
                "Turn a quarter turn to your right: side-on to the camera"
            }
            FramingIssue::NotWholeBody => "Whole body in view: step back or tilt the camera down",
            FramingIssue::MoveCloser => "Move closer to the camera",
            FramingIssue::MoveBack => "Move back from the camera",
            FramingIssue::CameraTooHigh => "Lower the camera to about hip height",
            FramingIssue::CameraTooLow => "Raise the camera to about hip height",
            FramingIssue::MoreLight => "More light, please: the camera is losing you",
            FramingIssue::NoPerson => "Step into view",
            FramingIssue::ObliqueAccepted => {
                "Filmed at an angle: graded as far as the angle allows (side-on is best)"
            }
            FramingIssue::BackHidden => {
                "Your lower back's outline is hidden by a loose top or hair: a fitted top lets the camera see its curve"
            }
        }
    }
}

/// One frame's view estimate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ViewSample {
    /// Estimated yaw away from a pure side view (0 = side, 90 = front), degrees.
    pub yaw_deg: f64,
    pub whole_body: bool,
    /// Ear-to-heel height as a fraction of the frame height.
    pub size: f64,
    /// Hip height in the image, 0 = top, 1 = bottom.
    pub hip_level: f64,
    pub light: f64,
    /// Which way the lifter is turned (the body frame known): > 0 chest toward the camera,
    /// < 0 back toward it; the far side's shift along the facing direction over the trunk's
    /// length (a far hip and shoulder shown ahead of the near ones: the chest is turned in).
    pub chest_in: Option<f64>,
}

/// Estimates the view from one frame (raw normalised landmarks and isotropic points).
/// `b_px` is the body scale B (standing ear-to-heel height, isotropic px) when known.
pub fn sample(
    lm: &[Landmark],
    pts: &Points,
    height_px: f64,
    b_px: f64,
    frame: Option<Frame>,
) -> Option<ViewSample> {
    if lm.len() != 33 {
        return None;
    }
    let s = pts.mid(idx::LEFT_SHOULDER);
    let h = pts.mid(idx::LEFT_HIP);
    let trunk = (s - h).norm();
    if !(trunk > 1.0) {
        return None;
    }
    let sep = |l: usize| {
        if pts.v[l] >= 0.2 && pts.v[l + 1] >= 0.2 {
            Some((pts.p[l].x - pts.p[l + 1].x).abs() / trunk)
        } else {
            None
        }
    };
    let mut est = Vec::with_capacity(3);
    if let Some(r) = sep(idx::LEFT_SHOULDER) {
        est.push((r / R_FRONT_SHOULDER).min(1.0).asin().to_degrees());
    }
    if let Some(r) = sep(idx::LEFT_HIP) {
        est.push((r / R_FRONT_HIP).min(1.0).asin().to_degrees());
    }
    // Relative depth of the shoulders (same scale as x): side-on they differ by a shoulder width.
    let (l, r) = (lm[idx::LEFT_SHOULDER], lm[idx::RIGHT_SHOULDER]);
    let dz = (l.z - r.z).abs();
    let dx = (l.x - r.x).abs();
    if dz + dx > 1e-3 && l.z != 0.0 {
        est.push(dx.atan2(dz).to_degrees());
    }
    if est.is_empty() {
        return None;
    }
    est.sort_by(|a, b| a.total_cmp(b));
    let yaw_deg = est[est.len() / 2];
    let needed = [
        idx::NOSE,
        idx::LEFT_SHOULDER,
        idx::LEFT_HIP,
        idx::LEFT_KNEE,
        idx::LEFT_ANKLE,
    ];
    let whole_body = needed.iter().all(|&i| {
        [i, if i == idx::NOSE { i } else { i + 1 }]
            .iter()
            .any(|&k| {
                lm[k].visibility >= VIS_USE
                    && (0.0..=1.0).contains(&lm[k].x)
                    && (-0.02..=1.02).contains(&lm[k].y)
            })
    });
    let size = if b_px > 1.0 && height_px > 1.0 {
        b_px / height_px
    } else {
        f64::NAN
    };
    let hip_level = (lm[idx::LEFT_HIP].y + lm[idx::RIGHT_HIP].y) / 2.0;
    // Mean over shoulders, hips, knees and ankles of the better-seen side's visibility.
    let light = [
        idx::LEFT_SHOULDER,
        idx::LEFT_HIP,
        idx::LEFT_KNEE,
        idx::LEFT_ANKLE,
    ]
    .iter()
    .map(|&i| lm[i].visibility.max(lm[i + 1].visibility))
    .sum::<f64>()
        / 4.0;
    let chest_in = frame.and_then(|fr| {
        let (near, far) = (fr.near, fr.near.other());
        let shift: Vec<f64> = [(near.shoulder(), far.shoulder()), (near.hip(), far.hip())]
            .iter()
            .filter(|(n, f)| pts.v[*n] >= 0.2 && pts.v[*f] >= 0.2)
            .map(|(n, f)| fr.facing * (pts.p[*f].x - pts.p[*n].x) / trunk)
            .collect();
        (!shift.is_empty()).then(|| shift.iter().sum::<f64>() / shift.len() as f64)
    });
    Some(ViewSample {
        yaw_deg,
        whole_body,
        size,
        hip_level,
        light,
        chest_in,
    })
}

/// The running view state: smoothed yaw, kind and current framing issues.
#[derive(Clone, Debug, Default)]
pub struct ViewMonitor {
    yaw: Option<f64>,
    chest_in: Option<f64>,
    /// The side nearer the camera, once known.
    near: Option<Side>,
    /// How long the view has stayed oblique within the graded range (s), and how long the
    /// estimate has now been outside it (a wander shorter than [`OBLIQUE_WANDER_S`] does not
    /// restart the count: the yaw of a bending lifter swings by tens of degrees within a rep).
    oblique_s: f64,
    outside_s: f64,
    size: Option<f64>,
    hip_level: Option<f64>,
    light: Option<f64>,
    whole_body: f64,
    no_person_s: f64,
}

/// What the view check says now.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct ViewState {
    pub kind: ViewKind,
    pub yaw_deg: Option<f64>,
    pub issues: Vec<FramingIssue>,
}

impl ViewMonitor {
    pub fn observe(&mut self, s: Option<ViewSample>, dt: f64) {
        let Some(s) = s else {
            self.no_person_s += dt;
            return;
        };
        self.no_person_s = 0.0;
        let a = (dt / 0.5).clamp(0.0, 1.0);
        let ema = |cur: &mut Option<f64>, v: f64| {
            if v.is_finite() {
                *cur = Some(match *cur {
                    Some(c) => c + a * (v - c),
                    None => v,
                })
            }
        };
        ema(&mut self.yaw, s.yaw_deg);
        if let Some(c) = s.chest_in {
            ema(&mut self.chest_in, c);
        }
        let y = self.yaw.unwrap_or(0.0);
        // (A few degrees of the estimate's wander past the graded range, or a wander of a
        // second or two, do not restart it.)
        if y > YAW_VALID_DEG && y <= YAW_GRADED_DEG + 5.0 {
            self.oblique_s += dt;
            self.outside_s = 0.0;
        } else {
            self.outside_s += dt;
            if self.outside_s > OBLIQUE_WANDER_S || y <= YAW_VALID_DEG {
                self.oblique_s = 0.0;
            }
        }
        ema(&mut self.size, s.size);
        ema(&mut self.hip_level, s.hip_level);
        ema(&mut self.light, s.light);
        self.whole_body += a * ((s.whole_body as u8 as f64) - self.whole_body);
    }

    pub fn yaw(&self) -> Option<f64> {
        self.yaw
    }

    /// The side nearer the camera (from the body frame).
    pub fn set_near(&mut self, near: Option<Side>) {
        self.near = near;
    }

    /// Which way to turn to be side-on, and how far, for the yaw now.
    fn turn(&self, yaw: f64) -> FramingIssue {
        // The lifter's rotation about the vertical: the chest turned toward the camera on the
        // side it sees (their right, say) means they turned right; they turn back left.
        let dir = match (self.chest_in, self.near) {
            (Some(c), Some(near)) if c.abs() >= 0.05 => Some((c > 0.0) != (near == Side::Left)),
            _ => None,
        };
        let Some(left) = dir else {
            return FramingIssue::TurnSideOn;
        };
        match (left, yaw) {
            (true, y) if y <= 35.0 => FramingIssue::TurnLeftLittle,
            (true, y) if y <= 65.0 => FramingIssue::TurnLeftEighth,
            (true, _) => FramingIssue::TurnLeftQuarter,
            (false, y) if y <= 35.0 => FramingIssue::TurnRightLittle,
            (false, y) if y <= 65.0 => FramingIssue::TurnRightEighth,
            (false, _) => FramingIssue::TurnRightQuarter,
        }
    }

    pub fn state(&self) -> ViewState {
        let mut issues = Vec::new();
        if self.no_person_s > 0.5 || self.yaw.is_none() {
            issues.push(FramingIssue::NoPerson);
            return ViewState {
                kind: ViewKind::Unknown,
                yaw_deg: None,
                issues,
            };
        }
        let yaw = self.yaw.unwrap_or(0.0);
        let kind = kind_of(yaw);
        if yaw > YAW_VALID_DEG {
            // An oblique view kept for a while (the camera cannot move): accepted.
            issues.push(if self.oblique_s >= ACCEPT_OBLIQUE_S {
                FramingIssue::ObliqueAccepted
            } else {
                self.turn(yaw)
            });
        }
        if self.whole_body < 0.5 {
            issues.push(FramingIssue::NotWholeBody);
        }
        if let Some(sz) = self.size {
            if sz < 0.45 {
                issues.push(FramingIssue::MoveCloser);
            } else if sz > 0.92 {
                issues.push(FramingIssue::MoveBack);
            }
        }
        if let Some(h) = self.hip_level {
            if h > 0.75 {
                issues.push(FramingIssue::CameraTooHigh);
            } else if h < 0.25 {
                issues.push(FramingIssue::CameraTooLow);
            }
        }
        if self.light.is_some_and(|l| l < 0.55) {
            issues.push(FramingIssue::MoreLight);
        }
        ViewState {
            kind,
            yaw_deg: Some(yaw),
            issues,
        }
    }
}

/// The view kind for a yaw estimate.
pub fn kind_of(yaw: f64) -> ViewKind {
    if yaw <= YAW_VALID_DEG {
        ViewKind::Side
    } else if yaw <= YAW_FRONT_DEG {
        ViewKind::Oblique
    } else {
        ViewKind::Front
    }
}

/// Confidence factor from the view: 1 in a side view (≤ 25°), falling to 0.7 at 50° as the
/// rep is put back in the sagittal plane with more noise and a less certain yaw, and to 0 at
/// 60° (a front view: reps counted, not graded).
pub fn view_confidence(yaw: Option<f64>) -> f64 {
    match yaw {
        None => 0.5,
        Some(y) if y <= YAW_VALID_DEG => 1.0,
        Some(y) if y <= 50.0 => 1.0 - 0.3 * (y - YAW_VALID_DEG) / (50.0 - YAW_VALID_DEG),
        Some(y) if y < 60.0 => 0.7 * (60.0 - y) / 10.0,
        Some(_) => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(yaw: f64) -> ViewSample {
        ViewSample {
            yaw_deg: yaw,
            whole_body: true,
            size: 0.7,
            hip_level: 0.5,
            light: 0.5,
            chest_in: Some(0.1),
        }
    }

    fn accepted(m: &ViewMonitor) -> bool {
        m.state().issues.contains(&FramingIssue::ObliqueAccepted)
    }

    /// A bending lifter's yaw swings: a wander past the graded range for a second does not
    /// restart the count toward accepting the view; three seconds beyond it do.
    #[test]
    fn an_oblique_view_is_accepted_through_short_wanders_of_the_yaw() {
        let dt = 1.0 / 15.0;
        let mut m = ViewMonitor::default();
        let mut at = None;
        for k in 0..(15 * 20) {
            let t = k as f64 * dt;
            // 40° with a 1 s excursion to 70° every 3 s.
            let yaw = if t % 3.0 < 1.0 { 70.0 } else { 40.0 };
            m.observe(Some(sample(yaw)), dt);
            if at.is_none() && accepted(&m) {
                at = Some(t);
            }
        }
        let at = at.expect("accepted");
        assert!(at < 14.0, "accepted at {at:.1} s");

        let mut m = ViewMonitor::default();
        for _ in 0..(15 * 9) {
            m.observe(Some(sample(40.0)), dt);
        }
        assert!(accepted(&m), "9 s at 40°");
        for _ in 0..(15 * 3) {
            m.observe(Some(sample(75.0)), dt);
        }
        assert!(!accepted(&m), "3 s at 75°: the coach asks to turn again");
        for _ in 0..(15 * 4) {
            m.observe(Some(sample(40.0)), dt);
        }
        assert!(!accepted(&m), "4 s back at 40°: counting again");
    }
}
