//! The analysis report: one schema for the CLI's `--json`, the page's export and
//! `window.hingecheck.report()` (docs/product.md, "Analysis report"). Also read back, so an
//! exported report can be checked by the CLI.

pub use crate::motion::body::CalibrationSource;
pub use crate::motion::view::ViewKind;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Crane versus engine, per rep.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// The hips (the engine) drove the rep; the back held.
    Engine,
    /// The back (the crane) did the hips' work.
    Crane,
    /// The view or tracking did not allow a judgement.
    Unclear,
}

/// Fault codes (docs/product.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum FaultCode {
    BackLeadsAscent,
    HipsShootUp,
    TrunkLeadsDescent,
    SpinalFlexionDepth,
    RoundedBack,
    SquatNotHinge,
    KneesLocked,
    LeanBackLockout,
    IncompleteLockout,
    ArmsLiftBell,
    HeadCrank,
    BarDrift,
    HeelLift,
    Twisting,
}

impl FaultCode {
    /// Codes whose fault severity means the back did the hips' work (docs/product.md).
    pub fn is_crane(self) -> bool {
        matches!(
            self,
            FaultCode::BackLeadsAscent
                | FaultCode::HipsShootUp
                | FaultCode::RoundedBack
                | FaultCode::SpinalFlexionDepth
                | FaultCode::LeanBackLockout
        )
    }
    pub fn as_str(self) -> &'static str {
        match self {
            FaultCode::BackLeadsAscent => "back_leads_ascent",
            FaultCode::HipsShootUp => "hips_shoot_up",
            FaultCode::TrunkLeadsDescent => "trunk_leads_descent",
            FaultCode::SpinalFlexionDepth => "spinal_flexion_depth",
            FaultCode::RoundedBack => "rounded_back",
            FaultCode::SquatNotHinge => "squat_not_hinge",
            FaultCode::KneesLocked => "knees_locked",
            FaultCode::LeanBackLockout => "lean_back_lockout",
            FaultCode::IncompleteLockout => "incomplete_lockout",
            FaultCode::ArmsLiftBell => "arms_lift_bell",
            FaultCode::HeadCrank => "head_crank",
            FaultCode::BarDrift => "bar_drift",
            FaultCode::HeelLift => "heel_lift",
            FaultCode::Twisting => "twisting",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Fault,
}

/// One finding on a rep.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fault {
    pub code: FaultCode,
    pub severity: Severity,
    pub message: String,
    /// Seen obliquely (past 25° of yaw): the yaw up to which this finding is trusted
    /// (`coach::rules::trusted_to_yaw`); absent in a side view, where every finding holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trusted_to_yaw_deg: Option<f64>,
}

/// One rep.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RepReport {
    pub index: u32,
    pub start_s: f64,
    pub bottom_s: f64,
    pub lockout_s: f64,
    pub end_s: f64,
    pub verdict: Verdict,
    pub confidence: f64,
    pub faults: Vec<Fault>,
    /// Named measurements (lead_ms, trunk_at_bottom_deg, …); absent when not measurable.
    pub metrics: BTreeMap<String, f64>,
    /// What to tell the lifter about this rep, in the seed's words.
    pub message: String,
}

impl RepReport {
    pub fn has(&self, code: FaultCode) -> bool {
        self.faults.iter().any(|f| f.code == code)
    }
    pub fn has_fault(&self, code: FaultCode) -> bool {
        self.faults
            .iter()
            .any(|f| f.code == code && f.severity == Severity::Fault)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct ViewReport {
    pub kind: ViewKind,
    pub yaw_deg: Option<f64>,
    /// The lifter's side nearer the camera: left | right.
    pub camera_side: Option<String>,
    /// Framing advice that applied for much of the set.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub issues: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct Summary {
    pub rep_count: u32,
    pub engine: u32,
    pub crane: u32,
    pub unclear: u32,
}

/// How tired the engine looks (docs/biomechanics.md §7.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum FatigueLevel {
    /// No marker fired (or too few reps to judge).
    #[default]
    None,
    /// One marker fired: "stay crisp".
    Notice,
    /// The engine is running out of fuel: park the bell.
    Stop,
    /// The back did the lifting from the first reps: technique, not fatigue.
    Technique,
}

impl FatigueLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            FatigueLevel::None => "none",
            FatigueLevel::Notice => "notice",
            FatigueLevel::Stop => "stop",
            FatigueLevel::Technique => "technique",
        }
    }
}

/// A typed field reads as its JSON word (so `level == "stop"` says what it means).
macro_rules! eq_word {
    ($t:ty) => {
        impl PartialEq<&str> for $t {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
eq_word!(FatigueLevel);
eq_word!(SetExercise);
eq_word!(ViewKind);

/// The set's exercise as reported: the lift judged, or what stands in for one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SetExercise {
    Swing,
    Deadlift,
    KettlebellDeadlift,
    Clean,
    Rdl,
    SingleLegRdl,
    /// A squat-pattern set: no hinge reps judged.
    NotHinge,
    /// Auto has not seen a rep to tell the lift from.
    #[default]
    Unknown,
    /// The find-your-hinge drill.
    Drill,
}

impl SetExercise {
    pub fn as_str(self) -> &'static str {
        match self {
            SetExercise::Swing => "swing",
            SetExercise::Deadlift => "deadlift",
            SetExercise::KettlebellDeadlift => "kettlebell_deadlift",
            SetExercise::Clean => "clean",
            SetExercise::Rdl => "rdl",
            SetExercise::SingleLegRdl => "single_leg_rdl",
            SetExercise::NotHinge => "not_hinge",
            SetExercise::Unknown => "unknown",
            SetExercise::Drill => "drill",
        }
    }
}

impl From<crate::coach::lift::Lift> for SetExercise {
    fn from(l: crate::coach::lift::Lift) -> SetExercise {
        use crate::coach::lift::Lift;
        match l {
            Lift::Swing => SetExercise::Swing,
            Lift::Deadlift => SetExercise::Deadlift,
            Lift::KettlebellDeadlift => SetExercise::KettlebellDeadlift,
            Lift::Clean => SetExercise::Clean,
            Lift::Rdl => SetExercise::Rdl,
            Lift::SingleLegRdl => SetExercise::SingleLegRdl,
            Lift::NotHinge => SetExercise::NotHinge,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct FatigueReport {
    /// The rep where the engine started to run out of fuel (first of the first firing pair).
    pub onset_rep: Option<u32>,
    #[serde(default)]
    pub level: FatigueLevel,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub markers: Vec<String>,
    pub advice: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct CalibrationReport {
    pub standing: CalibrationSource,
    /// The drill's pelvic-limit trunk angle θ_T*, when a drill calibration was used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pelvic_limit_trunk_deg: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct FrameCounts {
    pub total: u64,
    pub analysed: u64,
    pub no_person: u64,
    pub rejected: u64,
}

/// The whole report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct Report {
    pub exercise: SetExercise,
    /// Auto could not tell the lift with confidence from the reps seen (a short clip, reps
    /// that looked like different lifts): the page asks which it was, the CLI says so.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub lift_unsure: bool,
    pub view: ViewReport,
    pub reps: Vec<RepReport>,
    pub summary: Summary,
    pub fatigue: FatigueReport,
    #[serde(default)]
    pub calibration: CalibrationReport,
    /// What the camera could and could not see; honesty notes for this set.
    #[serde(default)]
    pub notes: Vec<String>,
    #[serde(default)]
    pub frames: FrameCounts,
    /// Drill results when the exercise is the drill.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drill: Option<serde_json::Value>,
    #[serde(default)]
    pub version: String,
}

impl Report {
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }
    pub fn from_json(text: &str) -> Result<Report, String> {
        serde_json::from_str(text).map_err(|e| format!("not a Hinge Check report: {e}"))
    }
}
