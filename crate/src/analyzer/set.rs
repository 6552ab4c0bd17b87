//! The set so far: every rep the rep counter found, judged once as it arrives, and what the
//! set's reports are built from (which lift, which reps count, fatigue).
//!
//! Each rep costs the same at rep 10 and at rep 2,000: the lift's tally, the counted reps and
//! the fatigue tracker grow with the set. Only when auto changes its mind about the set's lift
//! (rare: a short set, or mixed reps) is every rep judged again for the new lift.

use crate::coach::fatigue::{FatigueTracker, RepFeatures};
use crate::coach::judge::{judge, Judgement, PelvicLimit};
use crate::coach::lift::{classify, Guess, Lift, LiftTally};
use crate::coach::measure::RepMeasure;
use crate::coach::rules::ViewClass;
use crate::coach::thresholds::Thresholds;
use crate::motion::contour::BackRead;
use crate::report::{FatigueReport, FaultCode, Verdict};

/// A swing rep counts when the arms swung at least this far forward of the trunk (deg): the
/// park's stand-up reads 3–4°, a tired last swing about 40°, a good float 75–85° (EST).
const SWING_FLOAT_ARM_DEG: f64 = 20.0;

/// How reps are judged: by which thresholds, against which pelvic limit.
#[derive(Clone, Copy, Debug)]
pub(super) struct Judge {
    /// Judge by the design's (EST) thresholds instead of the fitted ones.
    pub design_rules: bool,
    pub pelvic_limit: Option<PelvicLimit>,
}

impl Judge {
    /// The thresholds a rep of `lift` seen from `view` is judged by.
    pub fn thresholds(&self, lift: Lift, view: ViewClass) -> Thresholds {
        if self.design_rules {
            Thresholds::est(lift)
        } else {
            Thresholds::for_view(lift, view)
        }
    }

    pub fn judge(&self, m: &RepMeasure, lift: Lift) -> Judgement {
        judge(
            m,
            lift,
            &self.thresholds(lift, ViewClass::of(m)),
            self.pelvic_limit,
        )
    }
}

/// A judged rep and what it was judged from. Kept small (the measurement and the verdict's
/// gist): a long session holds thousands of reps; messages and metrics are judged again when
/// a report is built (judging is cheap).
#[derive(Clone, Debug)]
pub(super) struct RepRecord {
    pub measure: RepMeasure,
    pub guess: Guess,
    /// The lift it was judged as.
    pub lift: Lift,
    pub verdict: Verdict,
    pub confidence: f64,
    /// The fault the spoken cue is about.
    pub cue: Option<FaultCode>,
}

impl RepRecord {
    /// The rep judged as `lift`, and the whole judgement.
    fn judged(measure: RepMeasure, guess: Guess, lift: Lift, by: &Judge) -> (Self, Judgement) {
        let j = by.judge(&measure, lift);
        let r = RepRecord {
            measure,
            guess,
            lift,
            verdict: j.verdict,
            confidence: j.confidence,
            cue: j.main.or(j.faults.first().map(|f| f.code)),
        };
        (r, j)
    }

    fn features(&self) -> RepFeatures {
        RepFeatures::of(&self.measure, self.verdict, self.confidence)
    }

    /// Whether it counts in a set of `lift`: nothing counts in a set that is not a hinge; in a
    /// swing set only upswings whose arms swung forward into a float (the park's stand-up, arms
    /// hanging, does not count; a tired, low float does; an unmeasured rep's float is unknown,
    /// not absent).
    fn counts_in(&self, lift: Option<Lift>) -> bool {
        match lift {
            Some(Lift::NotHinge) => false,
            Some(Lift::Swing) => {
                !self.measure.measured || !(self.measure.shape.arm_top <= SWING_FLOAT_ARM_DEG)
            }
            _ => true,
        }
    }
}

/// The set's reps.
#[derive(Clone, Debug)]
pub(super) struct SetLog {
    by: Judge,
    /// The lift the user chose, if any.
    forced: Option<Lift>,
    reps: Vec<RepRecord>,
    /// The measured reps' guesses.
    tally: LiftTally,
    /// Reps that looked like one-legged squats, measured or not.
    pistols: usize,
    /// The set's lift as it stands.
    lift: Option<Lift>,
    /// Which reps count for the set's lift (indices into `reps`).
    counted: Vec<usize>,
    fatigue: FatigueTracker,
    /// The last rep's whole judgement (index into `reps`), kept so the rep event that follows
    /// its arrival does not judge it again.
    last_judged: Option<(usize, Judgement)>,
    /// Reps whose back outline waits for the lifter's standing curve.
    back_waiting: usize,
}

impl SetLog {
    pub fn new(by: Judge, forced: Option<Lift>) -> Self {
        SetLog {
            by,
            forced,
            reps: Vec::new(),
            tally: LiftTally::default(),
            pistols: 0,
            lift: forced,
            counted: Vec::new(),
            fatigue: FatigueTracker::default(),
            last_judged: None,
            back_waiting: 0,
        }
    }

    /// A rep measured: judged for the set's lift (auto: the lift the reps so far look like,
    /// this one included). Returns whether it counts.
    pub fn add(&mut self, m: RepMeasure) -> bool {
        let guess = classify(&m.shape);
        if m.back.is_some_and(|b| !b.flexion_bottom.is_finite()) {
            self.back_waiting += 1;
        }
        if m.measured {
            self.tally.add(guess);
        }
        if guess == Guess::Pistol {
            self.pistols += 1;
        }
        let lift = self.forced.or_else(|| self.tally.lift());
        let (rep, j) = RepRecord::judged(m, guess, lift.unwrap_or(guess.lift()), &self.by);
        self.reps.push(rep);
        self.last_judged = Some((self.reps.len() - 1, j));
        if lift.is_some() && lift != self.lift {
            self.lift = lift;
            self.rejudge();
        } else if self.reps[self.reps.len() - 1].counts_in(self.lift) {
            let i = self.reps.len() - 1;
            self.counted.push(i);
            self.fatigue.push(self.reps[i].features());
        }
        self.counted.last() == Some(&(self.reps.len() - 1))
    }

    /// Auto changed its mind about the set's lift: every rep judged for it, counted again.
    fn rejudge(&mut self) {
        let Some(lift) = self.lift else { return };
        let last = self.reps.len().wrapping_sub(1);
        for (i, r) in self.reps.iter_mut().enumerate() {
            if r.lift != lift {
                let (rep, j) = RepRecord::judged(r.measure.clone(), r.guess, lift, &self.by);
                *r = rep;
                if i == last {
                    self.last_judged = Some((i, j));
                }
            }
        }
        self.recount();
    }

    /// The counted reps and the fatigue over them, again.
    fn recount(&mut self) {
        self.counted = (0..self.reps.len())
            .filter(|&i| self.reps[i].counts_in(self.lift))
            .collect();
        self.fatigue = FatigueTracker::default();
        for &i in &self.counted {
            self.fatigue.push(self.reps[i].features());
        }
    }

    /// Whether a rep's back outline waits for the lifter's standing curve.
    pub fn back_waiting(&self) -> bool {
        self.back_waiting > 0
    }

    /// Reps whose back outline waited for the lifter's standing curve (a clip or a set that
    /// opened at the bottom) are read against it now and judged again. Returns whether the
    /// latest counted rep's verdict, cue or confidence changed (the lifter is told again).
    pub fn complete_back(&mut self, standing: Option<BackRead>) -> bool {
        let Some(reference) = standing else {
            return false;
        };
        if self.back_waiting == 0 {
            return false;
        }
        self.back_waiting = 0;
        let latest = self.counted.last().copied();
        let said = |r: &RepRecord| (r.verdict, r.cue, r.confidence.to_bits());
        let before = latest.map(|i| said(&self.reps[i]));
        let last = self.reps.len().wrapping_sub(1);
        for (i, r) in self.reps.iter_mut().enumerate() {
            if let Some(b) = r.measure.back.filter(|b| !b.flexion_bottom.is_finite()) {
                let mut m = r.measure.clone();
                m.back = Some(b.against(reference));
                let (rep, j) = RepRecord::judged(m, r.guess, r.lift, &self.by);
                *r = rep;
                if i == last {
                    self.last_judged = Some((i, j));
                }
            }
        }
        self.recount();
        let after = self.counted.last().map(|&i| said(&self.reps[i]));
        latest.is_some() && before != after
    }

    /// The set's lift: what the user chose, or what the measured reps look like.
    pub fn lift(&self) -> Option<Lift> {
        self.lift
    }

    /// Whether auto is unsure of the set's lift: fewer than two measured reps, or reps that
    /// look like different lifts (the most common under two thirds).
    pub fn lift_unsure(&self) -> bool {
        if self.forced.is_some() {
            return false;
        }
        let Some(lift) = self.lift else {
            return !self.reps.is_empty();
        };
        let n = self.tally.total();
        n < 2 || 3 * self.tally.agreeing(lift) < 2 * n
    }

    /// The reps that count, in order.
    pub fn counted(&self) -> impl DoubleEndedIterator<Item = &RepRecord> + ExactSizeIterator {
        self.counted.iter().map(|&i| &self.reps[i])
    }

    /// The latest counted rep and its 0-based place among the counted.
    pub fn latest(&self) -> Option<(usize, &RepRecord)> {
        let i = *self.counted.last()?;
        Some((self.counted.len() - 1, &self.reps[i]))
    }

    /// The latest counted rep's whole judgement: the one made as it arrived if it is the rep
    /// that arrived last (handed over, once), else judged again.
    pub fn latest_judgement(&mut self) -> Option<Judgement> {
        let i = *self.counted.last()?;
        Some(match self.last_judged.take() {
            Some((k, j)) if k == i => j,
            _ => self.by.judge(&self.reps[i].measure, self.reps[i].lift),
        })
    }

    /// Every movement the rep counter found (counted or not).
    pub fn movements(&self) -> usize {
        self.reps.len()
    }

    /// Movements that looked like one-legged squats.
    pub fn pistols(&self) -> usize {
        self.pistols
    }

    /// Fatigue over the counted reps.
    pub fn fatigue(&self) -> FatigueReport {
        self.fatigue.report()
    }

    pub fn judge(&self) -> &Judge {
        &self.by
    }
}
