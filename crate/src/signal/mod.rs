//! Signals from landmarks: planar geometry in isotropic pixels, the One Euro filter for live
//! display, and the zero-phase per-rep path (uniform resampling, Butterworth filtfilt,
//! Savitzky–Golay derivatives, onset detection). Biomechanics.md §1.1, §1.4 and §2.

pub mod features;
pub mod geometry;
pub mod one_euro;
pub mod zero_phase;

pub use geometry::V2;
