//! Posetrack files (placeholder, being written).
