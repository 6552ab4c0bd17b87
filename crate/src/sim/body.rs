//! The simulated lifter's body: segment lengths from anthropometric fractions of stature,
//! the posture degrees of freedom, forward kinematics to the 33 BlazePose points in metres
//! (body frame), and the camera that turns those points into image landmarks.
//!
//! Body frame: `x` forward (the facing direction), `y` up, origin at the midfoot on the floor,
//! `w` sideways toward the camera (the near side has `w > 0`). The sagittal kinematics are the
//! same for both sides; the far side is the same chain offset in depth by half the hip,
//! shoulder and stance widths.
//!
//! The spine is a chain hip joint → sacrum (pelvis segment, rigid with the pelvic tilt ψ) →
//! lumbar segment (flexion λ) → thoracic segment (flexion κ) → neck and head (ν). Rotating the
//! pelvis by ψ turns everything above the hip rigidly, so the trunk chord angle θ_T (mid-hip →
//! mid-shoulder from vertical) is exactly `ψ + θ_T(0, λ, κ)`: with λ = κ = 0 the trunk is a rigid
//! crane that turns only with the pelvis.

use crate::pose::{idx, Landmark, LANDMARKS};
pub use crate::signal::features::Side;
use serde::{Deserialize, Serialize};

/// A sagittal point or vector in metres: `x` forward, `y` up.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub(crate) struct V2 {
    pub x: f64,
    pub y: f64,
}

impl V2 {
    pub(crate) const fn new(x: f64, y: f64) -> V2 {
        V2 { x, y }
    }
    fn add(self, o: V2) -> V2 {
        V2::new(self.x + o.x, self.y + o.y)
    }
    fn sub(self, o: V2) -> V2 {
        V2::new(self.x - o.x, self.y - o.y)
    }
    fn scale(self, k: f64) -> V2 {
        V2::new(self.x * k, self.y * k)
    }
    fn lerp(self, o: V2, t: f64) -> V2 {
        V2::new(self.x + (o.x - self.x) * t, self.y + (o.y - self.y) * t)
    }
}

/// Rotates a sagittal vector "forward" (clockwise when the lifter faces +x) by `deg`.
fn rot(v: V2, deg: f64) -> V2 {
    let (s, c) = deg.to_radians().sin_cos();
    V2::new(v.x * c + v.y * s, -v.x * s + v.y * c)
}

/// Unit vector at `deg` from vertical-up, positive toward the front.
fn up(deg: f64) -> V2 {
    let (s, c) = deg.to_radians().sin_cos();
    V2::new(s, c)
}

/// Unit vector at `deg` from vertical-down, positive toward the front.
fn down(deg: f64) -> V2 {
    let (s, c) = deg.to_radians().sin_cos();
    V2::new(s, -c)
}

/// Angle of `v` from vertical-up in degrees, positive toward the front (biomechanics §1.4 `ang`).
pub(crate) fn ang(v: V2) -> f64 {
    v.x.atan2(v.y).to_degrees()
}

/// A body point in metres: `x` forward, `y` up, `w` toward the camera (near side positive).
#[derive(Clone, Copy, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct Point3 {
    pub x: f64,
    pub y: f64,
    pub w: f64,
}

impl Point3 {
    pub const fn new(x: f64, y: f64, w: f64) -> Point3 {
        Point3 { x, y, w }
    }
    fn sag(v: V2, w: f64) -> Point3 {
        Point3::new(v.x, v.y, w)
    }
    fn sub(self, o: Point3) -> Point3 {
        Point3::new(self.x - o.x, self.y - o.y, self.w - o.w)
    }
    fn add(self, o: Point3) -> Point3 {
        Point3::new(self.x + o.x, self.y + o.y, self.w + o.w)
    }
    fn scale(self, k: f64) -> Point3 {
        Point3::new(self.x * k, self.y * k, self.w * k)
    }
    fn dot(self, o: Point3) -> f64 {
        self.x * o.x + self.y * o.y + self.w * o.w
    }
    /// Euclidean length.
    pub fn norm(self) -> f64 {
        self.dot(self).sqrt()
    }
    /// Distance to another point.
    pub fn dist(self, o: Point3) -> f64 {
        self.sub(o).norm()
    }
    fn lerp(self, o: Point3, t: f64) -> Point3 {
        self.add(o.sub(self).scale(t))
    }
}

/// A body side as BlazePose names it.
/// Which way the lifter faces in the image.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Facing {
    #[default]
    Right,
    Left,
}

impl Facing {
    /// +1 when facing image-right, −1 when facing image-left (biomechanics §1.2 `f`).
    pub fn sign(self) -> f64 {
        match self {
            Facing::Right => 1.0,
            Facing::Left => -1.0,
        }
    }
    /// The side nearer the camera at yaw 0: facing image-right shows the right side.
    pub fn near_side(self) -> Side {
        match self {
            Facing::Right => Side::Right,
            Facing::Left => Side::Left,
        }
    }
}

/// Segment lengths and widths of the simulated lifter, from fractions of stature H
/// (Drillis & Contini via Winter; crest-above-trochanter from ANSUR II, biomechanics §1.5).
#[derive(Clone, Debug, PartialEq)]
pub struct Body {
    pub stature_m: f64,
    /// Ankle joint height, 0.039 H.
    pub ankle_height_m: f64,
    /// Ankle → knee, 0.285 H − 0.039 H.
    pub shank_m: f64,
    /// Knee → greater trochanter / hip joint, 0.530 H − 0.285 H.
    pub thigh_m: f64,
    /// Heel → toe, 0.152 H.
    pub foot_m: f64,
    pub upper_arm_m: f64,
    pub forearm_m: f64,
    pub hand_m: f64,
    /// Iliac crest above the greater trochanter, 0.092 H (the drill's thumb above the index).
    pub crest_above_trochanter_m: f64,
    /// Trunk chord standing (hip joint → shoulder joint), 0.818 H − 0.530 H.
    pub trunk_chord_m: f64,
    pub hip_half_width_m: f64,
    pub shoulder_half_width_m: f64,
    pub stance_half_width_m: f64,
    ankle: V2,
    heel: V2,
    toe: V2,
    shank_p: f64,
    thigh_p: f64,
    knee_w: f64,
    pelvis_seg: V2,
    lumbar_seg: V2,
    thoracic_seg: V2,
    shoulder_off: V2,
    neck_seg: V2,
}

impl Default for Body {
    fn default() -> Self {
        Body::new(1.75)
    }
}

impl Body {
    /// A body of the given stature in metres (values outside 1.0–2.3 m are clamped).
    pub fn new(stature_m: f64) -> Body {
        let h = if stature_m.is_finite() {
            stature_m.clamp(1.0, 2.3)
        } else {
            1.75
        };
        let foot = 0.152 * h;
        let ankle_height = 0.039 * h;
        // Ankle a quarter of the foot in front of the heel; the midfoot is the origin.
        let ankle = V2::new(-0.25 * foot, ankle_height);
        let heel = V2::new(-0.5 * foot, 0.012 * h);
        let toe = V2::new(0.5 * foot, 0.008 * h);
        let shank = 0.285 * h - ankle_height;
        let thigh = 0.530 * h - 0.285 * h;
        let hip_half = 0.05 * h;
        let stance_half = 0.06 * h;
        let knee_w = 0.5 * (hip_half + stance_half);
        let shank_p = (shank * shank - (stance_half - knee_w).powi(2)).sqrt();
        let thigh_p = (thigh * thigh - (knee_w - hip_half).powi(2)).sqrt();
        let hip = V2::new(ankle.x, ankle.y + shank_p + thigh_p);
        let trunk_chord = (0.818 - 0.530) * h;
        // Standing spine: sacrum up and back from the hip joint, a lordotic lumbar segment,
        // a kyphotic thoracic segment; the shoulder joint sits anterior-inferior to C7 so that
        // standing, the mid-shoulder is exactly above the mid-hip (θ_T = 0).
        let pelvis_seg = V2::new(-0.035 * h, 0.060 * h);
        let lumbar_seg = V2::new(0.012 * h, 0.105 * h);
        let thoracic_seg = V2::new(-0.030 * h, 0.150 * h);
        let c7 = hip.add(pelvis_seg).add(lumbar_seg).add(thoracic_seg);
        let shoulder = hip.add(V2::new(0.0, trunk_chord));
        let shoulder_off = shoulder.sub(c7);
        // Head centre (between the ears) at 0.93 H, a little in front of the shoulder.
        let head = V2::new(shoulder.x + 0.01 * h, hip.y - 0.530 * h + 0.93 * h);
        let neck_seg = head.sub(c7);
        Body {
            stature_m: h,
            ankle_height_m: ankle_height,
            shank_m: shank,
            thigh_m: thigh,
            foot_m: foot,
            upper_arm_m: 0.186 * h,
            forearm_m: 0.146 * h,
            hand_m: 0.108 * h,
            crest_above_trochanter_m: 0.092 * h,
            trunk_chord_m: trunk_chord,
            hip_half_width_m: hip_half,
            shoulder_half_width_m: 0.10 * h,
            stance_half_width_m: stance_half,
            ankle,
            heel,
            toe,
            shank_p,
            thigh_p,
            knee_w,
            pelvis_seg,
            lumbar_seg,
            thoracic_seg,
            shoulder_off,
            neck_seg,
        }
    }

    /// Forward position (m, from the midfoot) of the ankle joint; standing, the hip is above it.
    pub fn ankle_x(&self) -> f64 {
        self.ankle.x
    }

    /// Standing hip joint height (m).
    pub fn standing_hip_height(&self) -> f64 {
        self.ankle.y + self.shank_p + self.thigh_p
    }

    /// The sagittal hip-joint forward position for a knee flexion and shin angle (both deg,
    /// shin positive when the knee is ahead of the ankle).
    pub fn hip_x_for(&self, knee_deg: f64, shin_deg: f64) -> f64 {
        let knee = self.ankle.add(up(shin_deg).scale(self.shank_p));
        let thigh_angle = knee_deg - shin_deg;
        knee.x - self.thigh_p * thigh_angle.to_radians().sin()
    }

    /// Trunk chord angle θ_T (deg from vertical, + forward) for a pelvic tilt and spinal flexion.
    pub fn trunk_angle(&self, pelvis: f64, lumbar: f64, thoracic: f64) -> f64 {
        let v = rot(self.pelvis_seg, pelvis)
            .add(rot(self.lumbar_seg, pelvis + lumbar))
            .add(rot(
                self.thoracic_seg.add(self.shoulder_off),
                pelvis + lumbar + thoracic,
            ));
        ang(v)
    }

    /// The hip joint's actual forward position for a posture's hip drive and knee flexion (the
    /// programmed one unless the leg cannot reach it); the cheap part of [`Body::signals`].
    pub(crate) fn hip_x(&self, hip_x: f64, knee_deg: f64) -> f64 {
        let (l1, l2) = (self.thigh_p, self.shank_p);
        let phi = knee_deg.clamp(0.0, 170.0).to_radians();
        let d = (l1 * l1 + l2 * l2 + 2.0 * l1 * l2 * phi.cos()).sqrt();
        self.ankle.x + (hip_x - self.ankle.x).clamp(-0.999 * d, 0.999 * d)
    }

    /// The pelvic tilt ψ that gives trunk angle `trunk` with the given spinal flexion.
    pub fn pelvis_for_trunk(&self, trunk: f64, lumbar: f64, thoracic: f64) -> f64 {
        trunk - self.trunk_angle(0.0, lumbar, thoracic)
    }

    /// Stance leg: hip joint and knee (sagittal) for a hip forward position and knee flexion,
    /// by two-link IK from the fixed ankle, the knee bending forward.
    pub(crate) fn leg(&self, hip_x: f64, knee_deg: f64) -> (V2, V2) {
        let (l1, l2) = (self.thigh_p, self.shank_p);
        let phi = knee_deg.clamp(0.0, 170.0).to_radians();
        let d = (l1 * l1 + l2 * l2 + 2.0 * l1 * l2 * phi.cos()).sqrt();
        let dx = (hip_x - self.ankle.x).clamp(-0.999 * d, 0.999 * d);
        let dy = (d * d - dx * dx).sqrt();
        let gamma = dx.atan2(dy);
        let cb = ((l2 * l2 + d * d - l1 * l1) / (2.0 * l2 * d)).clamp(-1.0, 1.0);
        let shin = gamma + cb.acos();
        let knee = self.ankle.add(V2::new(shin.sin(), shin.cos()).scale(l2));
        (V2::new(self.ankle.x + dx, self.ankle.y + dy), knee)
    }

    /// The noise-free sagittal signals of a posture, exactly as biomechanics §1.4 defines them
    /// from the near-side landmarks of a yaw-free side view.
    pub fn signals(&self, p: &Posture) -> Sagittal {
        let (hip, knee) = self.leg(p.hip_x, p.knee);
        let shoulder = hip.add(
            rot(self.pelvis_seg, p.pelvis)
                .add(rot(self.lumbar_seg, p.pelvis + p.lumbar))
                .add(rot(
                    self.thoracic_seg.add(self.shoulder_off),
                    p.pelvis + p.lumbar + p.thoracic,
                )),
        );
        let trunk = ang(shoulder.sub(hip));
        let thigh = -ang(hip.sub(knee));
        let shin = ang(knee.sub(self.ankle));
        Sagittal {
            trunk_deg: trunk,
            thigh_deg: thigh,
            shin_deg: shin,
            hip_flexion_deg: trunk + thigh,
            knee_flexion_deg: thigh + shin,
            hip_x_m: hip.x,
            hip_y_m: hip.y,
            shoulder_x_m: shoulder.x,
            shoulder_y_m: shoulder.y,
        }
    }

    /// The 33 BlazePose points in metres (body frame) for a posture; `near` names the side
    /// nearer the camera (its points get `w > 0`).
    pub fn skeleton(&self, p: &Posture, near: Side) -> [Point3; LANDMARKS] {
        let h = self.stature_m;
        let k = h / 1.75;
        let mut out = [Point3::default(); LANDMARKS];
        let (hip, knee) = self.leg(p.hip_x, p.knee);
        let a_lumbar = p.pelvis + p.lumbar;
        let a_thor = a_lumbar + p.thoracic;
        let ls = hip.add(rot(self.pelvis_seg, p.pelvis));
        let tl = ls.add(rot(self.lumbar_seg, a_lumbar));
        let c7 = tl.add(rot(self.thoracic_seg, a_thor));
        let shoulder = c7.add(rot(self.shoulder_off, a_thor));
        let a_head = a_thor + p.neck;
        let head = c7.add(rot(self.neck_seg, a_thor + 0.5 * p.neck));
        let fwd = rot(V2::new(1.0, 0.0), a_head);
        let upv = rot(V2::new(0.0, 1.0), a_head);
        let face = |f: f64, u: f64| head.add(fwd.scale(f * k)).add(upv.scale(u * k));

        out[idx::NOSE] = Point3::sag(face(0.108, 0.0), 0.0);
        for (sign, side) in [(1.0, near), (-1.0, near.other())] {
            let s = |li: usize| side.slot(li);
            // Head.
            out[s(idx::LEFT_EAR)] = Point3::sag(face(-0.005, 0.0), sign * 0.075 * k);
            out[s(idx::LEFT_EYE_INNER)] = Point3::sag(face(0.095, 0.035), sign * 0.016 * k);
            out[s(idx::LEFT_EYE)] = Point3::sag(face(0.088, 0.035), sign * 0.032 * k);
            out[s(idx::LEFT_EYE_OUTER)] = Point3::sag(face(0.078, 0.035), sign * 0.048 * k);
            let mouth = Point3::sag(face(0.088, -0.045), sign * 0.025 * k);
            out[if side == Side::Left {
                idx::MOUTH_LEFT
            } else {
                idx::MOUTH_RIGHT
            }] = mouth;
            // Legs.
            let hip3 = Point3::sag(hip, sign * self.hip_half_width_m);
            out[s(idx::LEFT_HIP)] = hip3;
            if p.one_leg && sign < 0.0 {
                self.free_leg(p, hip, sign, &mut out, side);
            } else {
                out[s(idx::LEFT_KNEE)] = Point3::sag(knee, sign * self.knee_w);
                let sw = sign * self.stance_half_width_m;
                out[s(idx::LEFT_ANKLE)] = Point3::sag(self.ankle, sw);
                out[s(idx::LEFT_HEEL)] = Point3::sag(self.heel, sw);
                out[s(idx::LEFT_FOOT_INDEX)] = Point3::sag(self.toe, sw);
            }
            // Arms.
            let sh3 = Point3::sag(shoulder, sign * self.shoulder_half_width_m);
            out[s(idx::LEFT_SHOULDER)] = sh3;
            let arm = self.arm(p, sh3, hip, sign);
            out[s(idx::LEFT_ELBOW)] = arm[0];
            out[s(idx::LEFT_WRIST)] = arm[1];
            out[s(idx::LEFT_PINKY)] = arm[2];
            out[s(idx::LEFT_INDEX)] = arm[3];
            out[s(idx::LEFT_THUMB)] = arm[4];
        }
        out
    }

    /// The midline chain the body's outline is drawn around (`sim::mask`): hip joint,
    /// lumbosacral and thoracolumbar joints, C7, the working knee, the gluteal fold, and the
    /// outline's radius around each segment (m): pelvis, lumbar, thoracic, thigh.
    pub(crate) fn outline_chain(&self, p: &Posture) -> ([Point3; 6], [f64; 4]) {
        let k = self.stature_m / 1.75;
        let h = self.stature_m;
        let (hip, knee) = self.leg(p.hip_x, p.knee);
        let a_lumbar = p.pelvis + p.lumbar;
        let a_thor = a_lumbar + p.thoracic;
        let ls = hip.add(rot(self.pelvis_seg, p.pelvis));
        let tl = ls.add(rot(self.lumbar_seg, a_lumbar));
        let c7 = tl.add(rot(self.thoracic_seg, a_thor));
        // The pelvis as the mask shows it: sacrum and buttock, from the gluteal fold (behind and
        // below the hip joint) up to the lumbosacral joint, turning with the pelvis.
        let glute = hip.add(rot(V2::new(-0.035 * h, -0.045 * h), p.pelvis));
        (
            [hip, ls, tl, c7, knee, glute].map(|v| Point3::sag(v, 0.0)),
            [0.095 * k, 0.095 * k, 0.095 * k, 0.075 * k],
        )
    }

    /// The pistol squat's free leg (held forward off the floor), on the far side.
    fn free_leg(&self, p: &Posture, hip: V2, sign: f64, out: &mut [Point3; LANDMARKS], side: Side) {
        let knee = hip.add(down(p.free_thigh).scale(self.thigh_p));
        let shank_angle = p.free_thigh - p.free_knee;
        let ankle = knee.add(down(shank_angle).scale(self.shank_p));
        // The foot keeps a right angle to the shank.
        let heel = ankle.add(rot(self.heel.sub(self.ankle), -shank_angle));
        let toe = ankle.add(rot(self.toe.sub(self.ankle), -shank_angle));
        let sw = sign * self.stance_half_width_m;
        out[side.slot(idx::LEFT_KNEE)] = Point3::sag(knee, sign * self.knee_w);
        out[side.slot(idx::LEFT_ANKLE)] = Point3::sag(ankle, sw);
        out[side.slot(idx::LEFT_HEEL)] = Point3::sag(heel, sw);
        out[side.slot(idx::LEFT_FOOT_INDEX)] = Point3::sag(toe, sw);
    }

    /// The pelvis-fixed hand of the drill: thumb on the iliac crest (0.092 H above the
    /// trochanter along the pelvis's own up-axis, turned by ψ), index fingertip on the greater
    /// trochanter (the hip joint in a lateral projection), wrist and pinky behind them.
    /// Returns wrist, pinky, index, thumb (sagittal).
    pub(crate) fn pelvis_hand(&self, hip: V2, pelvis: f64) -> [V2; 4] {
        let h = self.stature_m;
        let index = hip;
        let thumb = hip.add(up(pelvis).scale(self.crest_above_trochanter_m));
        let mid = index.lerp(thumb, 0.5);
        let back = up(pelvis - 90.0);
        [
            mid.add(back.scale(0.045 * h)),
            mid.add(back.scale(0.022 * h)),
            index,
            thumb,
        ]
    }

    /// Elbow, wrist, pinky, index, thumb of one arm.
    fn arm(&self, p: &Posture, sh: Point3, hip: V2, sign: f64) -> [Point3; 5] {
        let h = self.stature_m;
        let (lu, lf) = (self.upper_arm_m, self.forearm_m);
        let l = lu + lf;
        let shoulder = V2::new(sh.x, sh.y);
        let dw = (self.shoulder_half_width_m - p.hand_half_width).clamp(-0.9 * l, 0.9 * l);
        let c = (1.0 - (dw / l).powi(2)).sqrt();
        let elbow = shoulder.add(down(p.arm).scale(lu * c));
        let fore = p.arm + p.elbow;
        let wrist = elbow.add(down(fore).scale(lf * c));
        let dir = down(fore);
        let ant = rot(dir, -90.0);
        let hw = sign * p.hand_half_width;
        let e3 = Point3::sag(elbow, sign * (self.shoulder_half_width_m - dw * lu / l));
        let w3 = Point3::sag(wrist, hw);
        let pinky = wrist
            .add(dir.scale(0.65 * self.hand_m))
            .add(ant.scale(-0.008 * h));
        let index = wrist
            .add(dir.scale(0.85 * self.hand_m))
            .add(ant.scale(0.006 * h));
        let thumb = wrist
            .add(dir.scale(0.45 * self.hand_m))
            .add(ant.scale(0.016 * h));
        let free = [
            e3,
            w3,
            Point3::sag(pinky, hw + sign * 0.006 * h),
            Point3::sag(index, hw),
            Point3::sag(thumb, hw - sign * 0.008 * h),
        ];
        let b = p.hands_on_pelvis.clamp(0.0, 1.0);
        if b <= 0.0 {
            return free;
        }
        let ph = self.pelvis_hand(hip, p.pelvis);
        let lat = [0.100, 0.100, 0.095, 0.090];
        let mut hand = [Point3::default(); 4];
        for i in 0..4 {
            let target = Point3::sag(ph[i], sign * lat[i] * h);
            hand[i] = free[i + 1].lerp(target, b);
        }
        // Elbow by 3-D two-link IK, pointing back and out as the hands reach the hips.
        let back_out = Point3::new(-0.70, -0.20, sign * 0.68).scale(lu);
        let pref = free[0].sub(sh).lerp(back_out, b);
        let (elbow3, wrist3) = elbow_ik(sh, hand[0], lu, lf, pref);
        let shift = wrist3.sub(hand[0]);
        [
            elbow3,
            wrist3,
            hand[1].add(shift),
            hand[2].add(shift),
            hand[3].add(shift),
        ]
    }
}

/// Three-dimensional two-link IK: the elbow for a shoulder and wrist, on the side `pref`
/// points to. When the wrist is out of reach it is pulled in along the shoulder → wrist line.
fn elbow_ik(sh: Point3, wrist: Point3, lu: f64, lf: f64, pref: Point3) -> (Point3, Point3) {
    let dv = wrist.sub(sh);
    let d0 = dv.norm().max(1e-9);
    let u = dv.scale(1.0 / d0);
    let d = d0.clamp((lu - lf).abs() + 1e-6, lu + lf - 1e-6);
    let wrist = if d == d0 { wrist } else { sh.add(u.scale(d)) };
    let a = (lu * lu - lf * lf + d * d) / (2.0 * d);
    let r = (lu * lu - a * a).max(0.0).sqrt();
    let mut n = pref.sub(u.scale(pref.dot(u)));
    if n.norm() < 1e-9 {
        n = Point3::new(-u.y, u.x, 0.0);
    }
    let n = n.scale(1.0 / n.norm());
    (sh.add(u.scale(a)).add(n.scale(r)), wrist)
}

/// Noise-free sagittal signals of a posture (yaw-free side view, near side).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sagittal {
    /// θ_T: trunk chord (mid-hip → mid-shoulder) from vertical, + forward.
    pub trunk_deg: f64,
    /// θ_Th: thigh angle, + when the knee is ahead of the hip.
    pub thigh_deg: f64,
    /// θ_Sh: shin angle, + when the knee is ahead of the ankle.
    pub shin_deg: f64,
    /// φ_H = θ_T + θ_Th, the landmark "hip" flexion (includes spinal flexion).
    pub hip_flexion_deg: f64,
    /// φ_K = θ_Th + θ_Sh.
    pub knee_flexion_deg: f64,
    pub hip_x_m: f64,
    pub hip_y_m: f64,
    pub shoulder_x_m: f64,
    pub shoulder_y_m: f64,
}

/// Number of posture groups that can be scheduled independently within a transition.
pub(crate) const GROUPS: usize = 7;
/// Hip drive: the hip joint's forward position (the engine).
pub(crate) const G_HIP: usize = 0;
/// Knee flexion of the stance leg(s).
pub(crate) const G_KNEE: usize = 1;
/// Pelvic tilt ψ (with a rigid spine this is the trunk: the crane).
pub(crate) const G_PELVIS: usize = 2;
/// Lumbar and thoracic flexion λ, κ.
pub(crate) const G_SPINE: usize = 3;
/// Neck / head angle ν.
pub(crate) const G_HEAD: usize = 4;
/// Shoulder flexion, elbow flexion, hand width, hands-on-pelvis blend.
pub(crate) const G_ARMS: usize = 5;
/// The pistol squat's free leg.
pub(crate) const G_FREE: usize = 6;

/// One instant of the lifter's motion: every degree of freedom of the stick figure.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Posture {
    /// Hip joint forward position (m) relative to the midfoot; the hip height follows from the
    /// knee flexion by two-link IK.
    pub hip_x: f64,
    /// Knee flexion (deg, 0 = straight).
    pub knee: f64,
    /// ψ: anterior pelvic tilt from standing (deg).
    pub pelvis: f64,
    /// λ: lumbar flexion (deg; negative = extension).
    pub lumbar: f64,
    /// κ: thoracic flexion (deg).
    pub thoracic: f64,
    /// ν: head/neck flexion relative to the thorax (deg; negative = extension, "cranking").
    pub neck: f64,
    /// Shoulder flexion: the upper arm's angle from vertical-down (deg, + forward).
    pub arm: f64,
    /// Elbow flexion (deg, 0 = straight).
    pub elbow: f64,
    /// Sideways distance of each wrist from the midline (m); a bell handle held in both hands
    /// is about 0.015 H, hands hanging at the sides about 0.10 H.
    pub hand_half_width: f64,
    /// 0 = hands free (arm angles above), 1 = thumbs on the iliac crests and index fingers on the
    /// trochanters (the drill); in between, a blend.
    pub hands_on_pelvis: f64,
    /// Pistol squat: free thigh angle from vertical-down (deg, + forward).
    pub free_thigh: f64,
    /// Pistol squat: free knee flexion (deg).
    pub free_knee: f64,
    /// One-leg stance (the far leg is the free leg).
    pub one_leg: bool,
}

impl Default for Posture {
    fn default() -> Self {
        Posture::standing(&Body::default())
    }
}

impl Posture {
    /// Standing tall, arms hanging at the sides.
    pub fn standing(body: &Body) -> Posture {
        Posture {
            hip_x: body.ankle.x,
            knee: 0.0,
            pelvis: 0.0,
            lumbar: 0.0,
            thoracic: 0.0,
            neck: 0.0,
            arm: 0.0,
            elbow: 8.0,
            hand_half_width: 0.10 * body.stature_m,
            hands_on_pelvis: 0.0,
            free_thigh: 0.0,
            free_knee: 0.0,
            one_leg: false,
        }
    }

    /// Per-group blend from `a` to `b` (weights 0..1 per group).
    pub(crate) fn blend(a: &Posture, b: &Posture, w: &[f64; GROUPS]) -> Posture {
        let l = |x: f64, y: f64, t: f64| x + (y - x) * t;
        Posture {
            hip_x: l(a.hip_x, b.hip_x, w[G_HIP]),
            knee: l(a.knee, b.knee, w[G_KNEE]),
            pelvis: l(a.pelvis, b.pelvis, w[G_PELVIS]),
            lumbar: l(a.lumbar, b.lumbar, w[G_SPINE]),
            thoracic: l(a.thoracic, b.thoracic, w[G_SPINE]),
            neck: l(a.neck, b.neck, w[G_HEAD]),
            arm: l(a.arm, b.arm, w[G_ARMS]),
            elbow: l(a.elbow, b.elbow, w[G_ARMS]),
            hand_half_width: l(a.hand_half_width, b.hand_half_width, w[G_ARMS]),
            hands_on_pelvis: l(a.hands_on_pelvis, b.hands_on_pelvis, w[G_ARMS]),
            free_thigh: l(a.free_thigh, b.free_thigh, w[G_FREE]),
            free_knee: l(a.free_knee, b.free_knee, w[G_FREE]),
            one_leg: a.one_leg || b.one_leg,
        }
    }
}

/// The camera: an orthographic view of the lifter's sagittal plane.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Camera {
    /// Rotation of the lifter about the vertical axis relative to a pure side view (deg);
    /// positive turns the lifter's front toward the camera.
    pub yaw_deg: f64,
    pub facing: Facing,
    /// Camera roll (deg); positive turns the image content counter-clockwise.
    pub roll_deg: f64,
    /// Image width and height in pixels.
    pub width: f64,
    pub height: f64,
    /// Standing stature as a fraction of the image height (sets pixels per metre).
    pub fill: f64,
    /// Overrides `fill` when set.
    pub px_per_m: Option<f64>,
    /// Where the midfoot on the floor lands in the image, as fractions of width and height.
    pub anchor_x: f64,
    pub anchor_y: f64,
}

impl Default for Camera {
    fn default() -> Self {
        Camera::landscape()
    }
}

impl Camera {
    /// 1280×720, side view facing image-right, the lifter filling 75 % of the height.
    pub fn landscape() -> Camera {
        Camera {
            yaw_deg: 0.0,
            facing: Facing::Right,
            roll_deg: 0.0,
            width: 1280.0,
            height: 720.0,
            fill: 0.75,
            px_per_m: None,
            anchor_x: 0.5,
            anchor_y: 0.92,
        }
    }

    /// 360×640 portrait (a phone held upright), the lifter filling 50 % of the height so that a
    /// deep hinge and the swing's float stay in frame.
    pub fn portrait() -> Camera {
        Camera {
            width: 360.0,
            height: 640.0,
            fill: 0.5,
            anchor_y: 0.85,
            ..Camera::landscape()
        }
    }

    /// Pixels per metre for a lifter of the given stature.
    pub fn scale(&self, stature_m: f64) -> f64 {
        self.px_per_m.unwrap_or(self.fill * self.height / stature_m)
    }

    /// Image pixel position (x right, y down) and depth toward the camera (m) of a body point.
    pub fn project(&self, p: Point3, px_per_m: f64) -> (f64, f64, f64) {
        let (s, c) = self.yaw_deg.to_radians().sin_cos();
        let horiz = p.x * c - p.w * s;
        let depth = p.x * s + p.w * c;
        let (ax, ay) = (self.anchor_x * self.width, self.anchor_y * self.height);
        let px = ax + self.facing.sign() * px_per_m * horiz;
        let py = ay - px_per_m * p.y;
        if self.roll_deg == 0.0 {
            return (px, py, depth);
        }
        let (rs, rc) = self.roll_deg.to_radians().sin_cos();
        let (cx, cy) = (0.5 * self.width, 0.5 * self.height);
        let (dx, dy) = (px - cx, py - cy);
        (cx + dx * rc + dy * rs, cy - dx * rs + dy * rc, depth)
    }
}

/// Base visibility of each landmark on the near side of a side view.
fn near_visibility(i: usize) -> f64 {
    match i {
        idx::LEFT_PINKY | idx::RIGHT_PINKY => 0.86,
        idx::LEFT_INDEX | idx::RIGHT_INDEX | idx::LEFT_THUMB | idx::RIGHT_THUMB => 0.88,
        idx::LEFT_WRIST | idx::RIGHT_WRIST => 0.94,
        idx::LEFT_ELBOW | idx::RIGHT_ELBOW => 0.96,
        _ => 0.985,
    }
}

/// Base visibility of each far-side landmark before occlusion.
fn far_visibility(i: usize) -> f64 {
    match i {
        idx::LEFT_PINKY..=idx::RIGHT_THUMB => 0.62,
        idx::LEFT_WRIST | idx::RIGHT_WRIST => 0.72,
        idx::LEFT_ELBOW | idx::RIGHT_ELBOW => 0.78,
        idx::LEFT_HEEL..=idx::RIGHT_FOOT_INDEX => 0.80,
        _ => 0.88,
    }
}

/// The 33 image landmarks of a posture seen by `camera`, noise-free, with realistic base
/// visibilities: near side ≈ 0.95–0.99, far side 0.5–0.9 and lower where the near twin hides
/// it, hands lower, points outside the image much lower. `z` is depth relative to the
/// mid-hip in the units of `x` (smaller = closer).
pub fn pose_at(body: &Body, posture: &Posture, camera: &Camera) -> [Landmark; LANDMARKS] {
    let near = camera.facing.near_side();
    let pts = body.skeleton(posture, near);
    landmarks_from(body, &pts, camera, near)
}

/// Projects body points to landmarks (see [`pose_at`]).
pub(crate) fn landmarks_from(
    body: &Body,
    pts: &[Point3; LANDMARKS],
    camera: &Camera,
    near: Side,
) -> [Landmark; LANDMARKS] {
    let ppm = camera.scale(body.stature_m);
    let (w, h) = (camera.width, camera.height);
    let mut img = [(0.0, 0.0, 0.0); LANDMARKS];
    for (o, p) in img.iter_mut().zip(pts.iter()) {
        *o = camera.project(*p, ppm);
    }
    let lh = near.slot(idx::LEFT_HIP);
    let rh = near.other().slot(idx::LEFT_HIP);
    let mid_depth = 0.5 * (img[lh].2 + img[rh].2);
    let occ_scale = 0.04 * body.stature_m * ppm;
    let mut out = [Landmark::MISSING; LANDMARKS];
    for i in 0..LANDMARKS {
        let (px, py, d) = img[i];
        let mut v = near_visibility(i);
        if i != idx::NOSE && i != near_twin_slot(i, near) {
            // A far-side point: hidden where its near twin covers it in the image.
            let twin = img[near_twin_slot(i, near)];
            let dist2 = (px - twin.0).powi(2) + (py - twin.1).powi(2);
            v = far_visibility(i) - 0.32 * (-dist2 / (occ_scale * occ_scale)).exp();
        }
        let (x, y) = (px / w, py / h);
        if !(0.0..=1.0).contains(&x) || !(0.0..=1.0).contains(&y) {
            v *= 0.3;
        }
        out[i] = Landmark::new(x, y, -(d - mid_depth) * ppm / w, v.clamp(0.0, 1.0));
    }
    out
}

/// The near-side slot of landmark `i`'s pair (itself when it already is on the near side).
pub(crate) fn near_twin_slot(i: usize, near: Side) -> usize {
    match i {
        idx::NOSE => idx::NOSE,
        idx::MOUTH_LEFT | idx::MOUTH_RIGHT => {
            if near == Side::Left {
                idx::MOUTH_LEFT
            } else {
                idx::MOUTH_RIGHT
            }
        }
        idx::LEFT_EYE_INNER..=idx::RIGHT_EYE_OUTER => {
            // Eyes: 1,2,3 left; 4,5,6 right.
            let k = (i - 1) % 3;
            if near == Side::Left {
                1 + k
            } else {
                4 + k
            }
        }
        _ => {
            // Paired body landmarks from 7 on: left odd, right even.
            let left = if i % 2 == 1 { i } else { i - 1 };
            near.slot(left)
        }
    }
}

/// Whether landmark `i` belongs to the side nearer the camera (the nose counts as near).
pub fn is_near(i: usize, near: Side) -> bool {
    near_twin_slot(i, near) == i
}
