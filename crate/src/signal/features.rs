//! Per-frame sagittal signals (docs/biomechanics.md §1.4): trunk, thigh and shin angles, hip and
//! knee flexion, hip drive position, shoulder and bell/bar proxy heights, arm and head angles,
//! the pelvic line from the thumb and index finger, and landmark quality.
//!
//! One function, [`FrameSig::compute`], serves both the live path (One-Euro-filtered points)
//! and the per-rep zero-phase path (Butterworth-filtered points), so both read the same
//! geometry. Missing landmarks make the signals that need them NaN, never a guess.

use super::geometry::{ang, angle_at, norm, sub, vis_weight, weighted_mid, V2};
use crate::pose::{idx, LANDMARKS};

/// Below this visibility a landmark counts as missing for single-point signals (§2 gating).
pub const VIS_MISSING: f64 = 0.3;
/// At or above this visibility a landmark is fully usable.
pub const VIS_USE: f64 = 0.5;

/// The lifter's side nearer the camera; its leg is the one measured (§1.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Left,
    Right,
}

impl Side {
    pub fn other(self) -> Side {
        match self {
            Side::Left => Side::Right,
            Side::Right => Side::Left,
        }
    }
    /// The slot of a paired landmark given its left-side index: BlazePose places each right
    /// landmark right after its left twin.
    #[inline]
    pub fn slot(self, left: usize) -> usize {
        match self {
            Side::Left => left,
            Side::Right => left + 1,
        }
    }
    pub fn ear(self) -> usize {
        self.slot(idx::LEFT_EAR)
    }
    pub fn shoulder(self) -> usize {
        self.slot(idx::LEFT_SHOULDER)
    }
    pub fn elbow(self) -> usize {
        self.slot(idx::LEFT_ELBOW)
    }
    pub fn wrist(self) -> usize {
        self.slot(idx::LEFT_WRIST)
    }
    pub fn index(self) -> usize {
        self.slot(idx::LEFT_INDEX)
    }
    pub fn thumb(self) -> usize {
        self.slot(idx::LEFT_THUMB)
    }
    pub fn hip(self) -> usize {
        self.slot(idx::LEFT_HIP)
    }
    pub fn knee(self) -> usize {
        self.slot(idx::LEFT_KNEE)
    }
    pub fn ankle(self) -> usize {
        self.slot(idx::LEFT_ANKLE)
    }
    pub fn heel(self) -> usize {
        self.slot(idx::LEFT_HEEL)
    }
    pub fn toe(self) -> usize {
        self.slot(idx::LEFT_FOOT_INDEX)
    }
}

/// A pose in isotropic pixels (y up) with visibilities: what the signals are computed from.
#[derive(Clone, Debug, PartialEq)]
pub struct Points {
    pub p: [V2; LANDMARKS],
    pub v: [f64; LANDMARKS],
}

impl Default for Points {
    fn default() -> Self {
        Points {
            p: [V2::zeros(); LANDMARKS],
            v: [0.0; LANDMARKS],
        }
    }
}

impl Points {
    #[inline]
    pub fn ok(&self, i: usize) -> bool {
        self.v[i] >= VIS_MISSING
    }
    /// Visibility-weighted midpoint of a left/right pair (§1.2), or NaN if both are missing.
    pub fn mid(&self, left: usize) -> V2 {
        let (wl, wr) = (vis_weight(self.v[left]), vis_weight(self.v[left + 1]));
        if wl + wr <= 0.0 {
            return V2::new(f64::NAN, f64::NAN);
        }
        weighted_mid(self.p[left], wl, self.p[left + 1], wr)
    }
    /// A single landmark, NaN when missing.
    pub fn get(&self, i: usize) -> V2 {
        if self.ok(i) {
            self.p[i]
        } else {
            V2::new(f64::NAN, f64::NAN)
        }
    }
}

/// What the signals need to know about the lifter and camera (from `motion::body`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    /// The side nearer the camera (trunk, arms, hands and head are read from it).
    pub near: Side,
    /// The working leg: the near one, or the stance leg when one foot is off the floor, or the
    /// front leg of a staggered stance (§1.2).
    pub leg: Side,
    /// +1 when the lifter faces image-right, −1 image-left.
    pub facing: f64,
    /// Body scale B: standing ear-to-heel height in isotropic pixels.
    pub b: f64,
    /// Midfoot of the near foot at standing (isotropic pixels).
    pub midfoot: V2,
}

/// Signals of one frame. Angles in degrees, lengths in B (body units), heights above the
/// standing midfoot. NaN where the landmarks needed are missing.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct FrameSig {
    /// Trunk inclination θ_T: mid-hip → mid-shoulder from vertical; +90 = horizontal.
    pub trunk: f64,
    /// Thigh angle θ_Th: + when the knee is ahead of the hip.
    pub thigh: f64,
    /// Shin angle θ_Sh: + when the knee is ahead of the ankle.
    pub shin: f64,
    /// Landmark "hip" flexion φ_H = θ_T + θ_Th (includes spinal flexion).
    pub hip: f64,
    /// Knee flexion φ_K = θ_Th + θ_Sh.
    pub knee: f64,
    /// Hip horizontal position d_H (B), forward positive, relative to the standing midfoot.
    pub hip_x: f64,
    /// Hip height h_H (B) above the standing midfoot.
    pub hip_y: f64,
    /// Shoulder (mid) height h_S (B).
    pub shoulder_y: f64,
    /// Bell/bar proxy: wrists' midpoint, forward b_x and height h_B (B).
    pub bell_x: f64,
    pub bell_y: f64,
    /// Knee height (B), for the deadlift's knee pass.
    pub knee_y: f64,
    /// Neck–trunk angle n = ang(ear − shoulder) − θ_T; lower = head extended.
    pub neck: f64,
    /// Arm–trunk angle α_A between (wrists − shoulder) and (hip − shoulder), 0 = arms along.
    pub arm: f64,
    /// Near elbow angle, 180 = straight.
    pub elbow: f64,
    /// Working heel, toe and ankle heights (B) above the standing midfoot.
    pub heel_y: f64,
    pub toe_y: f64,
    pub ankle_y: f64,
    /// Horizontal distance between the two ankles (B): a free leg held out in front.
    pub feet_apart: f64,
    /// Height of the other ankle above the working leg's (B): a free leg off the floor.
    pub free_foot_y: f64,
    /// Trunk chord length |S − Hm| in B (Tier B hint, §1.6).
    pub chord: f64,
    /// Working thigh (hip–knee) and shank (knee–ankle) lengths in B: rigid segments, so a
    /// length that wanders says the model is guessing a point (§2 plausibility).
    pub thigh_len: f64,
    pub shank_len: f64,
    /// Pelvic line ψ_pel = ang(thumb − index) of the near hand (§1.5); NaN without hands.
    pub pelvic_line: f64,
    /// Thumb–index distance (B), a drill quality gate.
    pub thumb_index: f64,
    /// Mean visibility of the near-side trunk and leg landmarks (0..1).
    pub quality: f64,
}

impl FrameSig {
    /// The landmarks (bit i: landmark i) every signal but the hand's (`pelvic_line`,
    /// `thumb_index`) reads in [`FrameSig::compute`] for the body frame `fr`: both ears,
    /// shoulders, wrists, hips and ankles; the near elbow; the working knee, heel and toe.
    /// Computed without the other landmarks (visibility 0), those signals are the same.
    pub fn body_landmarks(fr: &Frame) -> u64 {
        let (n, leg) = (fr.near, fr.leg);
        [
            idx::LEFT_EAR,
            idx::RIGHT_EAR,
            idx::LEFT_SHOULDER,
            idx::RIGHT_SHOULDER,
            idx::LEFT_WRIST,
            idx::RIGHT_WRIST,
            idx::LEFT_HIP,
            idx::RIGHT_HIP,
            idx::LEFT_ANKLE,
            idx::RIGHT_ANKLE,
            n.elbow(),
            leg.knee(),
            leg.heel(),
            leg.toe(),
        ]
        .iter()
        .fold(0, |m, &i| m | 1 << i)
    }

    pub fn compute(pts: &Points, fr: &Frame) -> FrameSig {
        let f = fr.facing;
        let b = if fr.b > 1.0 { fr.b } else { 1.0 };
        let n = fr.near;
        let leg = fr.leg;
        let s = pts.mid(idx::LEFT_SHOULDER);
        let hm = pts.mid(idx::LEFT_HIP);
        let hn = pts.get(leg.hip());
        let kn = pts.get(leg.knee());
        let an = pts.get(leg.ankle());
        let (trunk_v, thigh_v, shin_v) = (sub(s, hm), sub(hn, kn), sub(kn, an));
        let trunk = ang(trunk_v, f);
        let thigh = -ang(thigh_v, f);
        let shin = ang(shin_v, f);
        let m0 = fr.midfoot;
        let fwd = |p: V2| f * (p.x - m0.x) / b;
        let up = |p: V2| (p.y - m0.y) / b;
        let w = pts.mid(idx::LEFT_WRIST);
        let ear = if pts.ok(n.ear()) {
            pts.p[n.ear()]
        } else {
            pts.get(n.other().ear())
        };
        let sn = pts.get(n.shoulder());
        let neck = ang(sub(ear, s), f) - trunk;
        let arm = if w.x.is_finite() && s.x.is_finite() && hm.x.is_finite() {
            angle_at(w, s, hm)
        } else {
            f64::NAN
        };
        let elbow = angle_at(sn, pts.get(n.elbow()), pts.get(n.wrist()));
        let heel = pts.get(leg.heel());
        let far_ankle = pts.get(leg.other().ankle());
        let (thumb, index) = (pts.get(n.thumb()), pts.get(n.index()));
        let pelvic_line = if pts.v[n.thumb()] >= VIS_USE && pts.v[n.index()] >= VIS_USE {
            ang(sub(thumb, index), f)
        } else {
            f64::NAN
        };
        let key = [n.shoulder(), leg.hip(), leg.knee(), leg.ankle()];
        let quality = key.iter().map(|&i| pts.v[i]).sum::<f64>() / key.len() as f64;
        FrameSig {
            trunk,
            thigh,
            shin,
            hip: trunk + thigh,
            knee: thigh + shin,
            hip_x: fwd(hn),
            hip_y: up(hn),
            shoulder_y: up(s),
            bell_x: fwd(w),
            bell_y: up(w),
            knee_y: up(kn),
            neck,
            arm,
            elbow,
            heel_y: up(heel),
            toe_y: up(pts.get(leg.toe())),
            ankle_y: up(an),
            feet_apart: (far_ankle.x - an.x).abs() / b,
            free_foot_y: (far_ankle.y - an.y) / b,
            chord: norm(trunk_v) / b,
            thigh_len: norm(thigh_v) / b,
            shank_len: norm(shin_v) / b,
            pelvic_line,
            thumb_index: norm(sub(thumb, index)) / b,
            quality,
        }
    }
}
