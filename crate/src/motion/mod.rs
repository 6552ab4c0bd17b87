//! Motion: who is in front of the camera and how (near side, facing, body scale, standing
//! calibration, view check), and what they are doing (the phase and rep state machine).
//! Biomechanics.md §1.2, §1.3, §3 and §4.

pub mod body;
pub mod contour;
pub mod posture;
pub mod reps;
pub mod view;
