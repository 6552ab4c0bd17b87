//! Which lift: the exercises Hinge Check judges, and how `auto` tells them apart from what a
//! rep looks like (where the hands are at the bottom and the top, knee bend, one leg or two).
//! A set of one-legged squats is recognised as not a hinge at all (no hinge reps reported).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What the user asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Exercise {
    #[default]
    Auto,
    Swing,
    /// A deadlift from the floor (a barbell, or a bell lifted as the set's lift is detected).
    Deadlift,
    /// A kettlebell deadlift: the bell lifted from between the feet. Told apart from a barbell
    /// pull only by the lifter (the camera cannot tell the implement), it is judged by its own
    /// rules: a bell between the feet lets the hips and chest rise together, a barbell's first
    /// pull from mid-shin lets the hips rise a little first.
    KettlebellDeadlift,
    Clean,
    Rdl,
    /// The seed's "find your hinge" drill (thumb on the crest, index finger on the trochanter).
    Drill,
}

impl FromStr for Exercise {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "auto" => Ok(Exercise::Auto),
            "swing" | "kettlebell-swing" => Ok(Exercise::Swing),
            "deadlift" | "dl" | "barbell-deadlift" => Ok(Exercise::Deadlift),
            "kettlebell-deadlift" | "kb-deadlift" | "kbdl" | "kettlebell_deadlift" => {
                Ok(Exercise::KettlebellDeadlift)
            }
            "clean" => Ok(Exercise::Clean),
            "rdl" | "straight-leg" | "stiff-leg" => Ok(Exercise::Rdl),
            "drill" => Ok(Exercise::Drill),
            other => Err(format!(
                "unknown exercise \"{other}\": use auto, swing, deadlift, kettlebell-deadlift, clean, rdl or drill"
            )),
        }
    }
}

/// A lift as judged (never `auto`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Lift {
    Swing,
    Deadlift,
    KettlebellDeadlift,
    Clean,
    Rdl,
    /// A one-legged RDL: hinging on the stance leg, the free leg swinging back.
    SingleLegRdl,
    /// A squat-pattern exercise with no hinge to judge (pistol or bodyweight squat).
    NotHinge,
}

impl Lift {
    pub fn name(self) -> &'static str {
        match self {
            Lift::Swing => "swing",
            Lift::Deadlift => "deadlift",
            Lift::KettlebellDeadlift => "kettlebell_deadlift",
            Lift::Clean => "clean",
            Lift::Rdl => "rdl",
            Lift::SingleLegRdl => "single_leg_rdl",
            Lift::NotHinge => "not_hinge",
        }
    }
    /// Lifts that start each rep from the floor (first pull, hips-shoot-up check).
    pub fn from_floor(self) -> bool {
        matches!(
            self,
            Lift::Deadlift | Lift::KettlebellDeadlift | Lift::Clean
        )
    }
    pub fn forced(e: Exercise) -> Option<Lift> {
        match e {
            Exercise::Swing => Some(Lift::Swing),
            Exercise::Deadlift => Some(Lift::Deadlift),
            Exercise::KettlebellDeadlift => Some(Lift::KettlebellDeadlift),
            Exercise::Clean => Some(Lift::Clean),
            Exercise::Rdl => Some(Lift::Rdl),
            Exercise::Auto | Exercise::Drill => None,
        }
    }
}

impl fmt::Display for Lift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a rep looked like, for telling lifts apart (all heights and distances in B).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Shape {
    /// Wrist proxy height and forward position at the bottom.
    pub bell_y_bottom: f64,
    pub bell_x_bottom: f64,
    /// Knee height at the bottom (the deadlift's "floor" test).
    pub knee_y_bottom: f64,
    /// Hip height at the bottom.
    pub hip_y_bottom: f64,
    /// Highest wrist point over the ascent and float, and the arm–trunk angle there.
    pub bell_y_top: f64,
    pub arm_top: f64,
    pub elbow_top: f64,
    pub hip_y_top: f64,
    pub shoulder_y_top: f64,
    /// Knee flexion change at the bottom (deg).
    pub knee_bottom: f64,
    /// Trunk inclination change at the bottom (deg).
    pub trunk_bottom: f64,
    /// Horizontal ankle separation at the bottom (a free leg held out in front).
    pub feet_apart: f64,
    /// The free foot's height above the working foot at the bottom (B).
    pub free_foot: f64,
}

/// Why a rep was taken for a given lift (for the report's honesty).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Guess {
    Lift(Lift),
    /// A one-legged squat (pistol).
    Pistol,
    /// A two-legged squat with the arms out front (no implement at the hips).
    BodyweightSquat,
}

impl Guess {
    pub fn lift(self) -> Lift {
        match self {
            Guess::Lift(l) => l,
            Guess::Pistol | Guess::BodyweightSquat => Lift::NotHinge,
        }
    }
}

/// Hinge index (after Schmid's stoop–squat index, §1.4; not the SSI itself): 100 = pure hinge.
pub fn hinge_index(trunk_change: f64, knee_change: f64) -> Option<f64> {
    let t = trunk_change.max(0.0);
    let k = knee_change.max(0.0);
    (t + k > 10.0).then(|| 100.0 * t / (t + k))
}

/// Classifies one rep (all thresholds EST, from the body proportions in docs/biomechanics.md §1.5
/// and what each lift's hands do).
pub fn classify(s: &Shape) -> Guess {
    let squat = hinge_index(s.trunk_bottom, s.knee_bottom).is_some_and(|hi| hi < 35.0)
        && s.trunk_bottom < 45.0;
    // Arms held out front at about shoulder level at the bottom: a counterbalance, no implement.
    let arms_forward = s.bell_x_bottom > 0.25 && s.bell_y_bottom > s.hip_y_bottom;
    if s.feet_apart > 0.25 && squat {
        return Guess::Pistol;
    }
    if squat && arms_forward {
        return Guess::BodyweightSquat;
    }
    // Rack: the hands at the shoulders with the elbows bent at the top.
    if s.bell_y_top > s.shoulder_y_top - 0.15 && s.elbow_top < 110.0 {
        return Guess::Lift(Lift::Clean);
    }
    // Float: the arms swing forward, away from the trunk, hands above the hips.
    if s.arm_top > 40.0 && s.bell_y_top > s.hip_y_top + 0.08 {
        return Guess::Lift(Lift::Swing);
    }
    if s.bell_y_bottom < s.knee_y_bottom + 0.06 && s.knee_bottom >= 30.0 {
        return Guess::Lift(Lift::Deadlift);
    }
    // One foot well off the floor at the bottom of a hinge: a single-leg RDL.
    if s.free_foot > 0.15 {
        return Guess::Lift(Lift::SingleLegRdl);
    }
    if s.knee_bottom < 30.0 {
        return Guess::Lift(Lift::Rdl);
    }
    Guess::Lift(Lift::Deadlift)
}

/// The set's lift from its reps' guesses: the most common, the latest on a tie.
pub fn set_lift(guesses: &[Guess]) -> Option<Lift> {
    let mut tally = LiftTally::default();
    for g in guesses {
        tally.add(*g);
    }
    tally.lift()
}

/// The guesses of a set's reps so far, kept as they come (each rep costs the same at rep 10
/// and at rep 2,000): which lift the set is ([`set_lift`]) and how many reps agree.
#[derive(Clone, Copy, Debug, Default)]
pub struct LiftTally {
    count: [usize; LiftTally::ALL.len()],
    /// The order of each lift's latest guess (ties go to the latest).
    latest: [usize; LiftTally::ALL.len()],
    total: usize,
}

impl LiftTally {
    const ALL: [Lift; 7] = [
        Lift::Swing,
        Lift::Deadlift,
        Lift::KettlebellDeadlift,
        Lift::Clean,
        Lift::Rdl,
        Lift::SingleLegRdl,
        Lift::NotHinge,
    ];

    fn slot(lift: Lift) -> usize {
        Self::ALL.iter().position(|l| *l == lift).unwrap_or(0)
    }

    /// One more rep's guess.
    pub fn add(&mut self, g: Guess) {
        let k = Self::slot(g.lift());
        self.count[k] += 1;
        self.latest[k] = self.total;
        self.total += 1;
    }

    /// The most common lift, the latest on a tie; None before any guess.
    pub fn lift(&self) -> Option<Lift> {
        (0..Self::ALL.len())
            .filter(|&k| self.count[k] > 0)
            .max_by_key(|&k| (self.count[k], self.latest[k]))
            .map(|k| Self::ALL[k])
    }

    /// How many guesses were this lift.
    pub fn agreeing(&self, lift: Lift) -> usize {
        self.count[Self::slot(lift)]
    }

    /// How many guesses in all.
    pub fn total(&self) -> usize {
        self.total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_common_lift_wins_and_ties_go_to_the_latest() {
        let d = Guess::Lift(Lift::Deadlift);
        let s = Guess::Lift(Lift::Swing);
        assert_eq!(set_lift(&[]), None);
        assert_eq!(set_lift(&[d, s, s]), Some(Lift::Swing));
        assert_eq!(set_lift(&[d, s]), Some(Lift::Swing));
        assert_eq!(set_lift(&[s, d]), Some(Lift::Deadlift));
        assert_eq!(
            set_lift(&[Guess::Pistol, Guess::Pistol, d]),
            Some(Lift::NotHinge)
        );
    }

    #[test]
    fn hinge_index_is_100_for_a_pure_hinge_and_0_for_a_pure_squat() {
        assert_eq!(hinge_index(60.0, 0.0), Some(100.0));
        assert_eq!(hinge_index(0.0, 90.0), Some(0.0));
        assert_eq!(hinge_index(3.0, 3.0), None);
    }
}
