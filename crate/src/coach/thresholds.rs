//! Every threshold the coach judges by, in one place per lift, each with its source in
//! `docs/biomechanics.md` (section numbers below). "EST" marks a starting value
//! of that design, not a published cut-off; "tuned" marks a value moved after measuring the
//! labelled real clips in `shared/data` (one lifter, four labelled sets: treat as provisional
//! until coach-labelled data from many lifters exists, §8).

use super::lift::Lift;

/// A warning / fault pair: a value beyond `warn` is a warning, beyond `fault` a fault.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Band {
    pub warn: f64,
    pub fault: f64,
}

impl Band {
    pub const fn new(warn: f64, fault: f64) -> Band {
        Band { warn, fault }
    }
    /// Severity for "larger is worse": 0 good, 1 warning, 2 fault.
    pub fn above(&self, v: f64) -> u8 {
        if v > self.fault {
            2
        } else if v > self.warn {
            1
        } else {
            0
        }
    }
    /// Severity for "smaller is worse".
    pub fn below(&self, v: f64) -> u8 {
        if v < self.fault {
            2
        } else if v < self.warn {
            1
        } else {
            0
        }
    }
}

/// The coach's thresholds for one lift.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Thresholds {
    // ---- Ascent: the pelvis moves first, the spine follows (§5.2) ----
    /// A1 hip-drive lead (ms): good ≥ −35; a fault needs the trunk to lead by more than
    /// max(`a1_fault_min_ms`, `a1_fault_frac` · T_asc) with ≥ `a1_trunk_up_deg` already
    /// recovered at hip-drive onset. §5.2 table, informed by src 2 and 6 (63 ms hip-first).
    /// Floor lifts use A1 only together with A2: the trunk rises from liftoff on (tuned: the
    /// correct kettlebell deadlift reads −18…−197 ms by the onset race alone).
    pub a1_good_ms: f64,
    pub a1_fault_min_ms: f64,
    /// (Floor lifts: 5°, since a good pull keeps the back angle nearly constant until the hips
    /// rise, so any earlier trunk recovery is the deviation; simulator-tuned.)
    pub a1_fault_frac: f64,
    pub a1_trunk_up_deg: f64,
    /// A2 trunk-lead index L_asc: warning > 0.10, fault > 0.20; < −0.20 "crane droop"
    /// (warning only). §5.2, EST.
    pub a2: Band,
    pub a2_droop: f64,
    /// A3 F20: warning > 0.35, fault > 0.55. §5.2, EST.
    pub a3: Band,
    /// Floor lifts, "hips shot up": the hip-rise index (hip-rise progress − shoulder-rise
    /// progress, mean over the ascent). §5.2 first pull: "constant back angle"; the §5.2 table
    /// gives +8°/+15° of trunk change as warning/fault (EST). Tuned: on the labelled clips the
    /// correct hinge scores −0.01…0.04, the rounded set 0.00…0.09 and the "hips first" set
    /// 0.13…0.27: warning > 0.08, fault > 0.12.
    pub hip_rise: Band,
    /// Floor lifts: trunk inclination gained after the bottom, supporting "hips shot up".
    /// §5.2 first-pull Δθ_T,FP: warning > 8°, fault > 15° (EST).
    pub first_pull_deg: Band,

    // ---- Descent: hips back first (§5.3) ----
    /// D1 descent lead (ms): warning below −35, fault below −100 with ≥ 10° of trunk before the
    /// hips moved 0.02 B. §5.3, src 6 (the untrained spine leads by 49 ms).
    pub d1_warn_ms: f64,
    pub d1_fault_ms: f64,
    pub d1_trunk_deg: f64,
    /// D2 L_desc: warning > 0.10, fault > 0.20. §5.3, EST.
    pub d2: Band,

    // ---- Depth from the spine (§5.4) ----
    /// B1: trunk angle beyond the drill's pelvic limit θ_T*: warning > 5°, fault > 12°.
    /// §5.4 (≈ 2× the trunk-chord error), needs the drill calibration.
    pub b1_deg: Band,
    /// Rounded back, landmark proxy (Tier A, a warning only; §0.3: the spine is not a
    /// landmark). Landmark hip flexion (trunk chord vs thigh, which includes spinal flexion)
    /// beyond what a hinge at the hip usually reaches, with the head dropping along with the
    /// trunk rather than held in line, and a steep trunk at the bottom. EST; tuned on the
    /// labelled clips (bottom = end of the floor pause): hip 110–121° and trunk 42–58° in the
    /// correct and hips-first sets, hip 131–140° and trunk 61–80° in the rounded set. A
    /// simulated rounded spine that keeps the trunk line and hip angle unchanged is invisible
    /// to this proxy, as §0.3 says.
    pub rounded_hip_deg: f64,
    pub rounded_trunk_deg: f64,
    pub rounded_neck_deg: f64,

    // ---- Squat instead of hinge (§6) ----
    /// Hinge index at the bottom (100 = hinge, 0 = squat): warning below `warn`, fault below
    /// `fault`. §6 gives HI 50–60 / < 50 for the swing (EST). For floor lifts §6 warns only
    /// below HI 35 (knees bend more in a deadlift, src 25); tuned: correct kettlebell
    /// deadlifts 33–45, the knee-dominant set 11–16.
    pub squat_hi: Band,
    /// Knee flexion at the bottom (deg): §6 swing 35–45 warning, > 45 fault.
    pub squat_knee: Band,
    /// Shin angle at the bottom (deg): §6 swing 15–20 warning, > 20 fault.
    pub squat_shin: Band,
    /// Knees too straight: warning when knee flexion < this with trunk > 45° (§6).
    pub knees_locked_deg: f64,

    // ---- Lockout (§6) ----
    /// Lean-back: Δθ_T at lockout below −10° warning, −15° fault (§6, EST).
    pub lean_back_deg: Band,
    /// Hips pushed past the midfoot at lockout (B): warning (§6).
    pub lean_back_hip_x: f64,
    /// Incomplete lockout: Δφ_H at lockout > 10° warning, > 20° fault (§6).
    pub incomplete_hip_deg: Band,
    pub incomplete_knee_deg: f64,

    // ---- Arms, head, bar, heels, twisting (§6) ----
    /// Arms lifting the bell (swing): median elbow angle over the upswing. §6 gives the minimum
    /// below 160° / 150° (EST); BlazePose reads straight arms holding a bell at 145–170° (the
    /// wrist point sits on the handle side of the hand), so: tuned to 140° / 125°.
    pub elbow_deg: Band,
    /// Head cranking: Δn below −35° warning, below −45° fault. §6 gives −20/−30 (EST); the
    /// BlazePose shoulder point moves with the scapula (§0.3), so the neck angle reads ~30°
    /// of "extension" in a correct deadlift with the arms hanging: warning-level only, tuned.
    pub head_deg: Band,
    /// Bar/bell drifting forward during the pull (B): warning > 0.06, fault > 0.10 (§6).
    pub bar_drift: Band,
    /// Heel rise (B): warning > 0.02, fault > 0.04. §6 gives 0.01/0.02; raised for BlazePose
    /// heel jitter, a few pixels at phone resolution (EST).
    pub heel: Band,
    /// Yaw change within a rep (deg): warning > 10, fault > 15 (§6).
    pub twist_deg: Band,

    /// Below this confidence a rep's verdict is `unclear` (§5: show faults at ≥ 0.6).
    pub min_confidence: f64,
}

const COMMON: Thresholds = Thresholds {
    a1_good_ms: -35.0,
    a1_fault_min_ms: 100.0,
    a1_fault_frac: 0.10,
    a1_trunk_up_deg: 10.0,
    a2: Band::new(0.10, 0.20),
    a2_droop: -0.20,
    a3: Band::new(0.35, 0.55),
    hip_rise: Band::new(0.08, 0.12),
    first_pull_deg: Band::new(8.0, 15.0),
    d1_warn_ms: -35.0,
    d1_fault_ms: -100.0,
    d1_trunk_deg: 10.0,
    d2: Band::new(0.10, 0.20),
    b1_deg: Band::new(5.0, 12.0),
    rounded_hip_deg: 128.0,
    rounded_trunk_deg: 60.0,
    rounded_neck_deg: -10.0,
    squat_hi: Band::new(60.0, 50.0),
    squat_knee: Band::new(35.0, 45.0),
    squat_shin: Band::new(15.0, 20.0),
    knees_locked_deg: 8.0,
    lean_back_deg: Band::new(-10.0, -15.0),
    lean_back_hip_x: 0.05,
    incomplete_hip_deg: Band::new(10.0, 20.0),
    incomplete_knee_deg: 15.0,
    elbow_deg: Band::new(140.0, 125.0),
    head_deg: Band::new(-35.0, -45.0),
    bar_drift: Band::new(0.06, 0.10),
    heel: Band::new(0.02, 0.04),
    twist_deg: Band::new(10.0, 15.0),
    min_confidence: 0.6,
};

impl Thresholds {
    /// The thresholds for a lift.
    pub fn for_lift(lift: Lift) -> Thresholds {
        match lift {
            Lift::Swing => COMMON,
            // Floor lifts bend the knees more (src 25): squat cut-offs from §6 "knees too bent
            // at liftoff" (HI < 35 warning), fault tuned; knee/shin cut-offs do not apply.
            Lift::Deadlift | Lift::Clean => Thresholds {
                a1_trunk_up_deg: 5.0,
                squat_hi: Band::new(32.0, 25.0),
                squat_knee: Band::new(f64::INFINITY, f64::INFINITY),
                squat_shin: Band::new(f64::INFINITY, f64::INFINITY),
                ..COMMON
            },
            // Straight-leg variants: the knees stay nearly straight by design; knee bend over
            // 25° is "this is a straight-leg variation" (§6), judged as a warning.
            Lift::Rdl | Lift::SingleLegRdl => Thresholds {
                squat_hi: Band::new(60.0, 45.0),
                squat_knee: Band::new(25.0, f64::INFINITY),
                squat_shin: Band::new(15.0, f64::INFINITY),
                knees_locked_deg: f64::NEG_INFINITY,
                ..COMMON
            },
            Lift::NotHinge => COMMON,
        }
    }
}
