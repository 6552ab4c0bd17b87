//! A kinematic lifter simulator with exact ground truth.
//!
//! A sagittal stick-figure lifter (segment lengths from fractions of stature, feet fixed on the
//! floor) is driven rep by rep through key postures joined by minimum-jerk transitions, and
//! seen by an orthographic camera (yaw, facing, roll, image size) as BlazePose-33
//! [`PoseFrame`](crate::pose::PoseFrame)s with realistic imperfections (noise, coarse hands,
//! visibility, dropouts, timestamp jitter). Deterministic for a seed.
//!
//! The point of it is the coaching model of the seed text: the pelvis + spine are the *crane*,
//! the glutes and hamstrings the *engine*, and "the pelvis should move first and the spine
//! follows". Every rep's ascent has two drivers with their own minimum-jerk onset and duration:
//! the hip drive (the hip joint moving forward, the engine) and the trunk rise (the crane).
//! `lead_ms` = onset(trunk rise) − onset(hip drive): positive = the hips lead (engine),
//! negative = the chest/back leads (crane pulled by hand). Patterns add the other classic
//! faults (hips shooting up, rounded back, squatting the hinge, lean-back, head cranking, arms
//! lifting the bell), and a fatigue drift lets the engine run out of fuel over a set.
//!
//! The ground truth ([`SimTruth`]) is measured, not assumed: on the noise-free, yaw-free
//! kinematics sampled at 1 kHz with the analysis's own definitions (biomechanics §1.4, §5.2 A1,
//! §5.3 D1, §1.5 θ_T*). The thumb (21/22) and index-finger (19/20) points implement the
//! hands-on-pelvis drill: the thumb on the iliac crest (rigid with the pelvis) and the index on
//! the greater trochanter, so their line turns exactly with the pelvic tilt ψ.
//!
//! Layers, bottom up: [`Body`] + [`Posture`] → [`pose_at`] (one figure, for drawing);
//! [`Plan`] (posture as a function of time); [`simulate`] (frames + truth).
//!
//! ```
//! use hingecheck::sim::{simulate, SimConfig, Verdict};
//! let track = simulate(&SimConfig::from_preset("swing-good").unwrap().reps(3));
//! assert_eq!(track.truth.rep_count, 3);
//! assert!(track.truth.reps.iter().all(|r| r.verdict == Verdict::Engine));
//! ```

mod body;
mod mask;
mod plan;
mod program;
mod render;
mod rng;
mod truth;

#[cfg(test)]
mod tests;

pub use body::{is_near, pose_at, Body, Camera, Facing, Point3, Posture, Sagittal, Side};
pub use mask::MaskSim;
pub use plan::{DrillKind, Plan};
pub use program::{
    DrillProgram, FatigueDrift, Finish, Noise, RepOverride, RepPattern, RepProgram, RepVariability,
    SimConfig, SimLift, FATIGUE_DEPTH_CREEP_DEG, FATIGUE_LEAD_DRIFT_MS, FATIGUE_SPEED_LOSS,
    PRESETS,
};
pub use truth::{
    DrillMovement, DrillTruth, Fault, RepTruth, SimTruth, Verdict, ENGINE_MIN_LEAD_MS,
    ONSET_AFTER_S, ONSET_BEFORE_S, ONSET_FRACTION, ONSET_HOLD_S, TRUTH_DT_S,
};

use crate::pose::PoseFrame;

/// A simulated clip: the frames a pose model would deliver, and what really happened.
#[derive(Clone, Debug)]
pub struct SimTrack {
    pub frames: Vec<PoseFrame>,
    pub truth: SimTruth,
}

/// Lays out the motion of a configuration without rendering frames (for drawing a figure:
/// `plan.posture_at(t)` then [`pose_at`]).
pub fn plan(cfg: &SimConfig) -> Plan {
    Plan::new(cfg)
}

/// Simulates a clip: frames at `cfg.fps` over the whole plan, and its ground truth.
/// The drill is `SimLift::Drill` (its programme is `cfg.drill`).
pub fn simulate(cfg: &SimConfig) -> SimTrack {
    let plan = Plan::new(cfg);
    let mut truth = truth::compute(cfg, &plan);
    let (frames, empty) = render::render(cfg, &plan);
    truth.frame_count = frames.len();
    truth.empty_frames = empty;
    SimTrack { frames, truth }
}

/// The hands-on-pelvis drill with its own programme (same as `simulate` with `SimLift::Drill`).
pub fn simulate_drill(cfg: &SimConfig, drill: &DrillProgram) -> SimTrack {
    let mut cfg = cfg.clone();
    cfg.lift = SimLift::Drill;
    cfg.drill = drill.clone();
    simulate(&cfg)
}
