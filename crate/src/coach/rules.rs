//! The rules the coach judges by, one per fault: what it reads (a measured feature, oriented so
//! that larger means worse), which lifts it applies to, how far from a side view it holds, and
//! which body parts the camera must have seen for it to say anything (docs/biomechanics.md §2
//! visibility gating: a fault never rests on a landmark the model is guessing). The thresholds
//! themselves live in `coach::thresholds`; the rules marked *fitted* there are set on labelled
//! lifts by `coach::fit`, from this table.

use super::lift::Lift;
use super::measure::{PlaneFrom, RepMeasure};
use super::thresholds::{Band, Thresholds};
use crate::motion::reps::RepEnd;
use crate::report::FaultCode;

/// A body part counts as seen in a phase when it was seen on this share of its samples.
pub const SEEN: f64 = 0.8;
/// How far from a side view (yaw, deg) each kind of judgement is trusted. Up to 25° the image
/// is the sagittal plane within the noise (§1.7: −1.5° on a 30° angle at 20°). Beyond it the
/// rep is put back in the sagittal plane (`coach::measure::Sagittal`: x stretched by 1 / cos
/// yaw for the timing; with depth, the lateral axis turned out of the picture for the posture)
/// and graded up to 50°, where the yaw estimate itself starts to wander by ±10°; past 60° the
/// view is a front view and reps are counted, not graded.
pub const SIDE_MAX_YAW: f64 = 25.0;
/// Sequencing (who led: hips or chest) and the lockout's angles, in the corrected plane; past
/// [`SIDE_MAX_YAW`] the confidence falls with the yaw (`view_confidence`).
pub const SEQUENCE_MAX_YAW: f64 = 50.0;
/// Seen obliquely, half of the forward motion is foreshortened away: the onsets are timed only
/// on video of at least this frame rate (on the simulator at 30–45°, 10–12 fps gives four to
/// five times the wrong calls of 15–30 fps; a 10 fps GIF is not timed).
pub const OBLIQUE_MIN_FPS: f64 = 15.0;
/// Postural angles at the bottom (hinge index, knee bend): to 50° where depth turned the
/// lateral axis out of the picture; without depth a knee pushed out reads as knee bend, so
/// only to 35°.
pub const POSTURE_MAX_YAW: f64 = 50.0;
pub const POSTURE_MAX_YAW_NO_DEPTH: f64 = 35.0;
/// Knees that stay straight read straight from any angle up to a near-front view (a bent knee
/// reads less bent as the yaw grows, or more bent when pushed out, never straighter), so the
/// stiff-legged pull is judged as far out as the other postures with depth.
pub const KNEES_MAX_YAW: f64 = 50.0;
/// Small details (the head's angle, a heel's rise) and the yaw's own change within a rep (a
/// twist): near a side view only, where they are larger than the view's own wander.
pub const DETAIL_MAX_YAW: f64 = 35.0;
pub const TWIST_MAX_YAW: f64 = 30.0;
/// The arms at lockout (elbows bent, wrists above the hips) read from the front as well.
pub const ARMS_MAX_YAW: f64 = 90.0;

/// The two views the thresholds are set for: near a side view, and oblique (past
/// [`SIDE_MAX_YAW`]), where a good rep's angles scatter more and the fit sets its own lines on
/// oblique lifts (or, with too few, moves the side's one noise width further out).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ViewClass {
    Side,
    Oblique,
}

impl ViewClass {
    pub const ALL: [ViewClass; 2] = [ViewClass::Side, ViewClass::Oblique];
    pub fn name(self) -> &'static str {
        match self {
            ViewClass::Side => "side",
            ViewClass::Oblique => "oblique",
        }
    }
    /// A rep's view (a rep whose yaw could not be estimated counts as side-on).
    pub fn of(m: &RepMeasure) -> ViewClass {
        if m.yaw.is_some_and(|y| y > SIDE_MAX_YAW) {
            ViewClass::Oblique
        } else {
            ViewClass::Side
        }
    }
}

/// The yaw (deg) up to which a fault is trusted (the view table in README and
/// docs/biomechanics.md §3).
pub fn trusted_to_yaw(code: FaultCode, m: &RepMeasure) -> f64 {
    match code {
        FaultCode::BackLeadsAscent
        | FaultCode::HipsShootUp
        | FaultCode::TrunkLeadsDescent
        | FaultCode::LeanBackLockout
        | FaultCode::IncompleteLockout
        | FaultCode::BarDrift => SEQUENCE_MAX_YAW,
        FaultCode::RoundedBack if m.back.is_some() => BACK_MAX_YAW,
        FaultCode::RoundedBack => SEQUENCE_MAX_YAW,
        FaultCode::SquatNotHinge | FaultCode::SpinalFlexionDepth => posture_max_yaw(m),
        FaultCode::KneesLocked => KNEES_MAX_YAW,
        FaultCode::ArmsLiftBell => ARMS_MAX_YAW,
        FaultCode::HeadCrank | FaultCode::HeelLift => DETAIL_MAX_YAW,
        FaultCode::Twisting => TWIST_MAX_YAW,
    }
}

fn posture_max_yaw(m: &RepMeasure) -> f64 {
    if m.plane == PlaneFrom::Depth {
        POSTURE_MAX_YAW
    } else {
        POSTURE_MAX_YAW_NO_DEPTH
    }
}

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
    timing_trusted(m) && m.seen.trunk_bottom >= SEEN && m.seen.trunk_ascent >= SEEN
}
/// The rep's onsets may be timed from this view and frame rate.
pub fn timing_trusted(m: &RepMeasure) -> bool {
    yaw_within(m, SIDE_MAX_YAW)
        || (yaw_within(m, SEQUENCE_MAX_YAW) && m.source_fps >= OBLIQUE_MIN_FPS)
}
pub fn posture_seen(m: &RepMeasure) -> bool {
    yaw_within(m, posture_max_yaw(m)) && m.seen.trunk_bottom >= SEEN && m.seen.knee_bottom >= SEEN
}
/// The furthest a hip extends past standing (deg; about 20° in life, with room for noise): a
/// "lockout" further back than this is the track's mistake (a cut in an edited clip, a body
/// flipped by the model, a lifter gone out of the frame), not a posture to judge.
pub const HIP_PAST_STANDING_MAX: f64 = 40.0;
/// (A hip angle that could not be measured, NaN, is left to the other checks.)
fn lockout_plausible(m: &RepMeasure) -> bool {
    !(m.lock_hip_change < -HIP_PAST_STANDING_MAX)
}
/// The lockout's angles: the trunk and the thigh (hip to knee) seen as the lifter stood up,
/// against a standing posture known before the rep (its own lockout cannot be its reference).
pub fn lockout_seen(m: &RepMeasure) -> bool {
    m.end == RepEnd::Lockout
        && lockout_plausible(m)
        && m.standing_known
        && yaw_within(m, SEQUENCE_MAX_YAW)
        && m.seen.trunk_lock >= SEEN
        && m.seen.knee_lock >= SEEN
}
pub fn knees_seen(m: &RepMeasure) -> bool {
    yaw_within(m, KNEES_MAX_YAW) && m.seen.trunk_bottom >= SEEN && m.seen.knee_bottom >= SEEN
}
/// The back's outline (Tier C, §1.6): near side-on (a turned back's outline is not its
/// midline), read on most of the bottom's samples.
pub const BACK_MAX_YAW: f64 = 20.0;
pub fn back_seen(m: &RepMeasure) -> Option<super::measure::BackMeasure> {
    m.back
        .filter(|b| b.seen >= 0.6 && b.flexion_bottom.is_finite())
        .filter(|_| yaw_within(m, BACK_MAX_YAW))
}
pub fn arms_seen_at_lockout(m: &RepMeasure) -> bool {
    m.end == RepEnd::Lockout
        && lockout_plausible(m)
        && m.seen.wrist_lock >= SEEN
        && m.seen.elbow_lock >= SEEN
}
pub fn head_seen(m: &RepMeasure) -> bool {
    yaw_within(m, DETAIL_MAX_YAW) && m.seen.head_bottom >= SEEN && m.seen.trunk_bottom >= SEEN
}
/// The heel lift a camera can show: heel and toes seen, the heel up by a foot's possible
/// amount with the toes planted and the ankle rising along.
pub fn heel_lift_seen(m: &RepMeasure) -> Option<f64> {
    let (h, t, a) = (m.heel_rise?, m.toe_rise?, m.ankle_rise?);
    let plausible = h <= HEEL_PLAUSIBLE_B && t <= TOE_PLANTED_B && a >= 0.4 * h;
    (yaw_within(m, DETAIL_MAX_YAW) && m.seen.foot_descent >= SEEN && plausible).then_some(h)
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
