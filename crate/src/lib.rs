//! Hinge Check: hip-hinge form analysis from pose landmarks (crane versus engine).
pub mod pose;
pub mod signal;
pub mod sim;
