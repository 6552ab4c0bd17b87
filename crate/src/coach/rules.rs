//! The rules the coach judges by, one per fault: what it reads (a measured feature, oriented so
//! that larger means worse), which lifts it applies to, how far from a side view it holds, and
//! which body parts the camera must have seen for it to say anything (docs/biomechanics.md §2
//! visibility gating: a fault never rests on a landmark the model is guessing). The thresholds
//! themselves live in `coach::thresholds`; the rules marked *fitted* there are set on labelled
//! lifts by `coach::fit`, from this table.

use super::lift::Lift;
use super::measure::RepMeasure;
use super::thresholds::{Band, Thresholds};
use crate::motion::reps::RepEnd;

/// A body part counts as seen in a phase when it was seen on this share of its samples.
pub const SEEN: f64 = 0.8;
/// Sequencing (who led: hips or chest) is timed only this close to a side view (§3: metrics
/// valid ≤ 25°, approximate to 40°; trunk and hip angles shrink by cos(yaw)); past 25° the
/// confidence falls with the yaw (`view_confidence`) and reaches the 0.6 floor at 35°.
pub const SEQUENCE_MAX_YAW: f64 = 35.0;
/// Postural angles at the bottom (hinge index, knee bend) hold further out: a ratio of angles
/// that both shrink with the yaw (§1.7: −3.4° at 30°, −7.8° at 45° on a 30° angle).
pub const POSTURE_MAX_YAW: f64 = 45.0;
/// A real heel lift: the heel rises at most this far (B) while the toes stay down (a foot is
/// ≈ 0.15 B long); the ankle rises with the heel.
pub const HEEL_PLAUSIBLE_B: f64 = 0.08;
pub const TOE_PLANTED_B: f64 = 0.025;

/// Lifts grouped by how they move: floor lifts pull from the floor, swings hinge with soft
/// knees and float, straight-leg variants hinge with the knees nearly straight.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LiftGroup {
    Swing,
    /// Barbell pulls from the floor (and any floor lift whose implement was not said).
    Floor,
    /// Kettlebell deadlifts: the bell between the feet.
    KettlebellFloor,
    StraightLeg,
}

impl LiftGroup {
    pub fn of(lift: Lift) -> LiftGroup {
        match lift {
            Lift::Deadlift | Lift::Clean => LiftGroup::Floor,
            Lift::KettlebellDeadlift => LiftGroup::KettlebellFloor,
            Lift::Rdl | Lift::SingleLegRdl => LiftGroup::StraightLeg,
            Lift::Swing | Lift::NotHinge => LiftGroup::Swing,
        }
    }
    /// Lifts that pull from the floor.
    pub fn floor(self) -> bool {
        matches!(self, LiftGroup::Floor | LiftGroup::KettlebellFloor)
    }
    pub fn name(self) -> &'static str {
        match self {
            LiftGroup::Swing => "swing",
            LiftGroup::Floor => "floor",
            LiftGroup::KettlebellFloor => "kettlebell_floor",
            LiftGroup::StraightLeg => "straight_leg",
        }
    }
}

fn yaw_within(m: &RepMeasure, max: f64) -> bool {
    m.yaw.is_some_and(|y| y <= max)
}

/// Gates: the conditions under which each part of the body may be judged.
pub fn sequence_seen(m: &RepMeasure) -> bool {
    yaw_within(m, SEQUENCE_MAX_YAW) && m.seen.trunk_bottom >= SEEN && m.seen.trunk_ascent >= SEEN
}
pub fn posture_seen(m: &RepMeasure) -> bool {
    yaw_within(m, POSTURE_MAX_YAW) && m.seen.trunk_bottom >= SEEN && m.seen.knee_bottom >= SEEN
}
/// The lockout's angles: the trunk and the thigh (hip to knee) seen as the lifter stood up,
/// against a standing posture known before the rep (its own lockout cannot be its reference).
pub fn lockout_seen(m: &RepMeasure) -> bool {
    m.end == RepEnd::Lockout
        && m.standing_known
        && yaw_within(m, SEQUENCE_MAX_YAW)
        && m.seen.trunk_lock >= SEEN
        && m.seen.knee_lock >= SEEN
}
/// Knees that stay straight read straight from any angle up to a near-front view (a bent knee
/// reads less bent as the yaw grows, never more), so the stiff-legged pull is judged further
/// out than other postures.
pub const KNEES_MAX_YAW: f64 = 45.0;
pub fn knees_seen(m: &RepMeasure) -> bool {
    yaw_within(m, KNEES_MAX_YAW) && m.seen.trunk_bottom >= SEEN && m.seen.knee_bottom >= SEEN
}
pub fn arms_seen_at_lockout(m: &RepMeasure) -> bool {
    m.end == RepEnd::Lockout && m.seen.wrist_lock >= SEEN && m.seen.elbow_lock >= SEEN
}
pub fn head_seen(m: &RepMeasure) -> bool {
    yaw_within(m, SEQUENCE_MAX_YAW) && m.seen.head_bottom >= SEEN && m.seen.trunk_bottom >= SEEN
}
/// The heel lift a camera can show: heel and toes seen, the heel up by a foot's possible
/// amount with the toes planted and the ankle rising along.
pub fn heel_lift_seen(m: &RepMeasure) -> Option<f64> {
    let (h, t, a) = (m.heel_rise?, m.toe_rise?, m.ankle_rise?);
    let plausible = h <= HEEL_PLAUSIBLE_B && t <= TOE_PLANTED_B && a >= 0.4 * h;
    (yaw_within(m, SEQUENCE_MAX_YAW) && m.seen.foot_descent >= SEEN && plausible).then_some(h)
}

/// Which way a feature is worse.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Worse {
    High,
    Low,
}

/// A rule whose thresholds are set on labelled lifts (`coach::fit`).
#[derive(Clone, Copy)]
pub struct FittedRule {
    pub name: &'static str,
    pub groups: &'static [LiftGroup],
    pub worse: Worse,
    /// The feature where the rule may judge the rep (its gates passed), else `None`.
    pub value: fn(&RepMeasure, LiftGroup) -> Option<f64>,
    pub band: fn(&mut Thresholds) -> &mut Band,
    /// A floor under the measured noise (same unit as the feature, EST): a margin is never
    /// smaller than twice this.
    pub min_noise: f64,
    /// What a sound rep reads without noise, where the feature has such a value (hips and
    /// chest moving together: a lead of 0 ms). A fault must lie two noise widths beyond it.
    pub neutral: Option<f64>,
    pub unit: &'static str,
}

fn finite(v: Option<f64>) -> Option<f64> {
    v.filter(|x| x.is_finite())
}

/// Floor lifts' and swings' lead of the hips (ms, A1): the rise for floor lifts.
pub fn a1_lead(m: &RepMeasure, g: LiftGroup) -> Option<f64> {
    if g.floor() {
        m.ascent.rise_lead_ms
    } else {
        m.ascent.lead_ms
    }
}
pub fn a2_index(m: &RepMeasure, g: LiftGroup) -> Option<f64> {
    if g.floor() {
        m.ascent.l_rise
    } else {
        m.ascent.l_asc
    }
}
pub fn a3_f20(m: &RepMeasure, g: LiftGroup) -> Option<f64> {
    if g.floor() {
        m.ascent.f20_rise
    } else {
        m.ascent.f20
    }
}

/// Floor lifts: hips ahead of the shoulders and the trunk tipping forward, together (each in
/// units of its §5.2 warning level: 0.08 of hip-rise index, 8° of trunk tip).
pub fn hips_first_score(m: &RepMeasure) -> Option<f64> {
    let (r, g) = (m.pull_hip_rise?, m.pull_trunk_gain?);
    finite(Some((r / 0.08).min(g / 8.0)))
}

/// Every fitted rule.
pub const FITTED: &[FittedRule] = &[
    FittedRule {
        name: "a1_lead_ms",
        groups: &[
            LiftGroup::Swing,
            LiftGroup::Floor,
            LiftGroup::KettlebellFloor,
        ],
        worse: Worse::Low,
        value: |m, g| finite(a1_lead(m, g)).filter(|_| sequence_seen(m)),
        band: |t| &mut t.a1,
        min_noise: 33.0,
        neutral: Some(0.0),
        unit: "ms",
    },
    FittedRule {
        name: "a2_trunk_lead_index",
        groups: &[
            LiftGroup::Swing,
            LiftGroup::Floor,
            LiftGroup::KettlebellFloor,
        ],
        worse: Worse::High,
        value: |m, g| finite(a2_index(m, g)).filter(|_| sequence_seen(m)),
        band: |t| &mut t.a2,
        min_noise: 0.05,
        neutral: Some(0.0),
        unit: "",
    },
    FittedRule {
        name: "a3_f20",
        groups: &[
            LiftGroup::Swing,
            LiftGroup::Floor,
            LiftGroup::KettlebellFloor,
        ],
        worse: Worse::High,
        value: |m, g| finite(a3_f20(m, g)).filter(|_| sequence_seen(m)),
        band: |t| &mut t.a3,
        min_noise: 0.05,
        neutral: None,
        unit: "",
    },
    FittedRule {
        name: "hip_rise_index",
        groups: &[LiftGroup::Floor, LiftGroup::KettlebellFloor],
        worse: Worse::High,
        value: |m, _| finite(m.pull_hip_rise).filter(|_| sequence_seen(m)),
        band: |t| &mut t.hip_rise,
        min_noise: 0.03,
        neutral: Some(0.0),
        unit: "",
    },
    FittedRule {
        name: "hips_first_score",
        groups: &[LiftGroup::Floor, LiftGroup::KettlebellFloor],
        worse: Worse::High,
        value: |m, _| hips_first_score(m).filter(|_| sequence_seen(m)),
        band: |t| &mut t.hips_first,
        min_noise: 0.15,
        neutral: None,
        unit: "",
    },
    FittedRule {
        name: "hinge_index",
        groups: &[
            LiftGroup::Swing,
            LiftGroup::Floor,
            LiftGroup::KettlebellFloor,
            LiftGroup::StraightLeg,
        ],
        worse: Worse::Low,
        value: |m, _| finite(m.hinge_index).filter(|_| posture_seen(m)),
        band: |t| &mut t.squat_hi,
        min_noise: 3.0,
        neutral: None,
        unit: "",
    },
    FittedRule {
        name: "knee_at_bottom_deg",
        groups: &[
            LiftGroup::Swing,
            LiftGroup::Floor,
            LiftGroup::KettlebellFloor,
        ],
        worse: Worse::Low,
        value: |m, _| {
            finite(Some(m.knee_change_bottom))
                .filter(|_| knees_seen(m) && m.trunk_change_bottom > 45.0)
        },
        band: |t| &mut t.knees_locked,
        min_noise: 3.0,
        neutral: None,
        unit: "°",
    },
    FittedRule {
        name: "lockout_trunk_deg",
        groups: &[
            LiftGroup::Swing,
            LiftGroup::Floor,
            LiftGroup::KettlebellFloor,
            LiftGroup::StraightLeg,
        ],
        worse: Worse::Low,
        value: |m, _| finite(Some(m.lock_trunk_change)).filter(|_| lockout_seen(m)),
        band: |t| &mut t.lean_back_deg,
        min_noise: 2.0,
        neutral: None,
        unit: "°",
    },
    FittedRule {
        name: "lockout_hip_deg",
        groups: &[
            LiftGroup::Swing,
            LiftGroup::Floor,
            LiftGroup::KettlebellFloor,
            LiftGroup::StraightLeg,
        ],
        worse: Worse::High,
        value: |m, _| finite(Some(m.lock_hip_change)).filter(|_| lockout_seen(m)),
        band: |t| &mut t.incomplete_hip_deg,
        min_noise: 2.0,
        neutral: None,
        unit: "°",
    },
    FittedRule {
        name: "wrist_over_hip_at_lockout_b",
        groups: &[LiftGroup::Floor, LiftGroup::KettlebellFloor],
        worse: Worse::High,
        value: |m, _| finite(m.wrist_over_hip_lock).filter(|_| arms_seen_at_lockout(m)),
        band: |t| &mut t.arms_wrist_over_hip,
        min_noise: 0.02,
        neutral: None,
        unit: "B",
    },
    FittedRule {
        name: "bell_drift_b",
        groups: &[LiftGroup::Floor, LiftGroup::KettlebellFloor],
        worse: Worse::High,
        value: |m, _| finite(m.bar_drift).filter(|_| sequence_seen(m)),
        band: |t| &mut t.bar_drift,
        min_noise: 0.01,
        neutral: None,
        unit: "B",
    },
    FittedRule {
        name: "heel_rise_b",
        groups: &[
            LiftGroup::Swing,
            LiftGroup::Floor,
            LiftGroup::KettlebellFloor,
            LiftGroup::StraightLeg,
        ],
        worse: Worse::High,
        value: |m, _| heel_lift_seen(m),
        band: |t| &mut t.heel,
        min_noise: 0.005,
        neutral: None,
        unit: "B",
    },
];
