//! Hinge Check: hip-hinge form analysis from pose landmarks — did the hips (the engine) drive
//! the rep, or did the back (the crane, which should only hold) pull the weight up?
//!
//! One pipeline, the same natively (the `hingecheck` CLI) and in the browser (wasm):
//! `pose` (frames, posetracks) → `signal` (geometry, filters, per-frame signals) → `motion`
//! (body frame, calibration, view, rep state machine) → `coach` (measure, judge, fatigue,
//! messages) → `report`. [`Analyzer`] runs it frame by frame. `sim` is a kinematic lifter that
//! gives exact ground truth.
//!
//! The crate's face is the short list re-exported here (what the CLI, the page's boundary and
//! the tests start from); the stage modules stay reachable for their own tests and tools.

// `!(x > 0.0)` is used on purpose: it is true for NaN, which is what those checks must reject.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

pub mod analyzer;
pub mod bench;
pub mod coach;
#[cfg(not(target_arch = "wasm32"))]
pub mod eval;
pub mod motion;
pub mod overlay;
pub mod pose;
pub mod report;
pub mod signal;
pub mod sim;
#[cfg(target_arch = "wasm32")]
pub mod web;

pub use analyzer::{analyse_track, Analyzer, Live, RepEvent, Settings};
pub use coach::lift::{Exercise, Lift};
pub use pose::posetrack::PoseTrack;
pub use pose::{FrameError, PoseFrame};
pub use report::{Report, Verdict};
