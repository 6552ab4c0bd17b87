//! A kinematic lifter simulator (being written).
