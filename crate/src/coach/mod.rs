//! The coach: what a rep was (lift), how it was done (crane versus engine sequencing,
//! faults), whether the engine is tiring (fatigue), and what to say about it (messages).
//! Biomechanics.md §4–§7; thresholds in one place per lift (`thresholds`).

pub mod drill;
pub mod fatigue;
#[cfg(not(target_arch = "wasm32"))]
pub mod fit;
pub mod judge;
pub mod lift;
pub mod measure;
pub mod messages;
pub mod rules;
pub mod sequence;
pub mod thresholds;
