//! Fitting the coach's tuned numbers on labelled lifts (`eval`). Each fitted rule
//! (`coach::rules::FITTED`) is set from the good lifts of every source in the training set:
//! per source, the 90th percentile of the feature toward "worse" (the range good lifters of
//! that source reach; good reps far outside their own source's range — a body the model lost —
//! set aside first); over sources, the furthest of those; the warning line beyond it by the
//! combined noise and the fault line by twice that. The combined noise is the rep-to-rep noise
//! (the spread of the feature between the reps of one set, pooled over every set of three or
//! more reps: same lifter, camera and load, so what varies is tracking) together with the
//! spread of the good range between sources (a new lifter's camera and body shift it about
//! that much), never less than the rule's floor.
//!
//! A rule keeps its design (EST) value when fewer than two sources with three good reps each
//! speak for it — moved, if need be, so that its fault line lies two noise widths beyond what a
//! sound rep reads (or beyond its warning line). The benchmark refits leaving each source out,
//! so its figures say what a new lifter can expect.

use super::lift::Lift;
use super::measure::RepMeasure;
use super::rules::{FittedRule, LiftGroup, Worse, FITTED};
use super::thresholds::{Band, Thresholds};
use crate::report::FaultCode;
use serde::Serialize;
use std::collections::BTreeMap;

/// What a label asks of the form check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Expect {
    /// A good lift: no fault-severity item, no crane.
    Good,
    /// Labelled bad, fault not named: any fault-severity item or a crane.
    Bad,
    /// A named fault: that code (or a crane, for a back fault).
    Fault(FaultCode),
    /// No form label: counted only.
    CountOnly,
}

/// Good reps a source needs before it speaks for a rule.
pub const MIN_REPS_PER_SOURCE: usize = 3;

/// One counted rep a fit learns from.
#[derive(Clone, Copy, Debug)]
pub struct TrainingRep<'a> {
    pub source: &'a str,
    pub clip: &'a str,
    pub expect: Expect,
    pub lift: Lift,
    pub measure: &'a RepMeasure,
}

/// Thresholds for every lift group.
#[derive(Clone, Debug, PartialEq)]
pub struct Rulebook {
    pub swing: Thresholds,
    pub floor: Thresholds,
    pub kettlebell_floor: Thresholds,
    pub straight_leg: Thresholds,
}

impl Rulebook {
    /// The thresholds the product ships (`coach::thresholds`, fitted values included).
    pub fn shipped() -> Rulebook {
        Rulebook {
            swing: Thresholds::for_lift(Lift::Swing),
            floor: Thresholds::for_lift(Lift::Deadlift),
            kettlebell_floor: Thresholds::for_lift(Lift::KettlebellDeadlift),
            straight_leg: Thresholds::for_lift(Lift::Rdl),
        }
    }
    /// The design's values alone.
    pub fn est() -> Rulebook {
        Rulebook {
            swing: Thresholds::est(Lift::Swing),
            floor: Thresholds::est(Lift::Deadlift),
            kettlebell_floor: Thresholds::est(Lift::KettlebellDeadlift),
            straight_leg: Thresholds::est(Lift::Rdl),
        }
    }
    pub fn for_lift(&self, lift: Lift) -> Thresholds {
        self.group(LiftGroup::of(lift))
    }
    pub fn group(&self, g: LiftGroup) -> Thresholds {
        match g {
            LiftGroup::Swing => self.swing,
            LiftGroup::Floor => self.floor,
            LiftGroup::KettlebellFloor => self.kettlebell_floor,
            LiftGroup::StraightLeg => self.straight_leg,
        }
    }
    fn group_mut(&mut self, g: LiftGroup) -> &mut Thresholds {
        match g {
            LiftGroup::Swing => &mut self.swing,
            LiftGroup::Floor => &mut self.floor,
            LiftGroup::KettlebellFloor => &mut self.kettlebell_floor,
            LiftGroup::StraightLeg => &mut self.straight_leg,
        }
    }
}

/// How one tuned number was set.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct FitNote {
    pub rule: String,
    pub group: LiftGroup,
    pub worse: Worse,
    /// The design's band, and the one in use after the fit.
    pub est: Band,
    pub band: Band,
    pub fitted: bool,
    /// Per source: good reps and their 90th percentile toward worse.
    pub sources: Vec<(String, usize, f64)>,
    /// The measured noise (pooled within-set SD) and how many sets it came from; the spread
    /// of the good range between sources.
    pub noise: f64,
    pub between_sources: f64,
    pub noise_sets: usize,
    pub unit: String,
}

/// The q-quantile of the values (linear interpolation; sorts them).
fn quantile(v: &mut [f64], q: f64) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    let x = q * (v.len() - 1) as f64;
    let (i, f) = (x.floor() as usize, x.fract());
    if i + 1 < v.len() {
        v[i] + f * (v[i + 1] - v[i])
    } else {
        v[i]
    }
}

/// Pooled within-set standard deviation over sets of ≥ 3 reps: (σ, sets).
fn within_set_noise(values: &BTreeMap<&str, Vec<f64>>) -> (f64, usize) {
    let (mut ss, mut dof, mut sets) = (0.0, 0usize, 0);
    for v in values.values().filter(|v| v.len() >= 3) {
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        ss += v.iter().map(|x| (x - mean).powi(2)).sum::<f64>();
        dof += v.len() - 1;
        sets += 1;
    }
    if dof == 0 {
        (0.0, 0)
    } else {
        ((ss / dof as f64).sqrt(), sets)
    }
}

/// Fits one rule for one lift group.
fn fit_rule(rule: &FittedRule, g: LiftGroup, reps: &[TrainingRep], est: Band) -> FitNote {
    let mut good: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    let mut sets: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    let mut any_sets: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for r in reps {
        let rg = LiftGroup::of(r.lift);
        if !rule.groups.contains(&rg) {
            continue;
        }
        let Some(v) = (rule.value)(r.measure, rg) else {
            continue;
        };
        any_sets.entry(r.clip).or_default().push(v);
        if rg != g {
            continue;
        }
        sets.entry(r.clip).or_default().push(v);
        if r.expect == Expect::Good {
            good.entry(r.source).or_default().push(v);
        }
    }
    // The noise of this lift's sets; without any, the noise of the same feature in every lift
    // it applies to (tracking noise belongs to the camera and the pose model, not the lift).
    let (sigma, noise_sets) = match within_set_noise(&sets) {
        (_, 0) => within_set_noise(&any_sets),
        n => n,
    };
    let noise = sigma.max(rule.min_noise);
    let sources: Vec<(String, usize, f64)> = good
        .iter_mut()
        .map(|(s, v)| {
            // A good rep far outside its own source's range is the model losing the body
            // (plates hiding the legs, a scene cut), not a lifter: more than three robust
            // standard deviations (MAD, never under the noise) from the source's median.
            let mut w = v.clone();
            let med = quantile(&mut w, 0.5);
            let mut dev: Vec<f64> = v.iter().map(|x| (x - med).abs()).collect();
            let mad = 1.4826 * quantile(&mut dev, 0.5);
            v.retain(|x| (x - med).abs() <= 3.0 * mad.max(noise));
            let n = v.len();
            let q = match rule.worse {
                Worse::High => quantile(v, 0.9),
                Worse::Low => quantile(v, 0.1),
            };
            (s.to_string(), n, q)
        })
        .collect();
    // A source speaks for a rule with three good reps or more; two such sources fit it.
    let sources: Vec<(String, usize, f64)> = sources
        .into_iter()
        .filter(|s| s.1 >= MIN_REPS_PER_SOURCE)
        .collect();
    let fitted = sources.len() >= 2;
    // How much the good range moves from one source to the next (camera, pose model, lifter):
    // the spread of the sources' percentiles. A new lifter's good range may sit that much
    // further out, so the margin covers it as well as the rep-to-rep noise.
    let between = {
        let q: Vec<f64> = sources.iter().map(|s| s.2).collect();
        let mean = q.iter().sum::<f64>() / q.len().max(1) as f64;
        (q.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (q.len().max(2) - 1) as f64).sqrt()
    };
    let spread = noise.hypot(between);
    let band = if fitted {
        match rule.worse {
            Worse::High => {
                let top = sources
                    .iter()
                    .map(|s| s.2)
                    .fold(f64::NEG_INFINITY, f64::max);
                Band::new(top + spread, top + 2.0 * spread)
            }
            Worse::Low => {
                let bottom = sources.iter().map(|s| s.2).fold(f64::INFINITY, f64::min);
                Band::new(bottom - spread, bottom - 2.0 * spread)
            }
        }
    } else if noise_sets > 0 {
        // Too little to fit: the design's value, but its fault line at least two noise widths
        // beyond what a sound rep reads (or beyond its warning line), so it beats the noise.
        let from = rule.neutral.unwrap_or(est.warn);
        match rule.worse {
            Worse::High => Band::new(est.warn, est.fault.max(from + 2.0 * noise)),
            Worse::Low => Band::new(est.warn, est.fault.min(from - 2.0 * noise)),
        }
    } else {
        est
    };
    FitNote {
        rule: rule.name.to_string(),
        group: g,
        worse: rule.worse,
        est,
        band,
        fitted,
        sources,
        noise,
        between_sources: if fitted { between } else { 0.0 },
        noise_sets,
        unit: rule.unit.to_string(),
    }
}

/// Fits the tuned thresholds on the training reps, starting from the design's values.
pub fn fit(reps: &[TrainingRep]) -> (Rulebook, Vec<FitNote>) {
    let mut book = Rulebook::est();
    let mut notes = Vec::new();
    for rule in FITTED {
        for &g in rule.groups {
            let mut t = book.group(g);
            let est = *(rule.band)(&mut t);
            let note = fit_rule(rule, g, reps, est);
            *(rule.band)(book.group_mut(g)) = note.band;
            notes.push(note);
        }
    }
    (book, notes)
}

/// The fitted values as the `coach::thresholds::fitted::VALUES` table (Rust source).
pub fn as_source(notes: &[FitNote]) -> String {
    let mut s = String::from("    pub const VALUES: &[(&str, LiftGroup, f64, f64)] = &[\n");
    for n in notes.iter().filter(|n| n.fitted || n.band != n.est) {
        s.push_str(&format!(
            "        (\"{}\", LiftGroup::{:?}, {:.4}, {:.4}),\n",
            n.rule, n.group, n.band.warn, n.band.fault
        ));
    }
    s.push_str("    ];\n");
    s
}
