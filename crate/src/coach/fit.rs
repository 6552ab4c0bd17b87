//! Fitting the coach's tuned numbers on labelled lifts (`eval`). Each fitted rule
//! (`coach::rules::FITTED`) is set from the good lifts of every source in the training set:
//! per source, the 90th percentile of the feature toward "worse" (the range good lifters of
//! that source reach; good reps far outside their own source's range — a body the model lost —
//! set aside first). Over sources, where a new source's range may lie: a prediction bound from
//! the sources' percentiles (mean plus Student's t times their spread, × √(1 + 1/n)) — the
//! warning line at the 80 % bound, the fault line at the 90 % bound, never inside the furthest
//! source — and beyond it the rep-to-rep noise (the spread of the feature between the reps of
//! one set, pooled over every set of three or more reps: same lifter, camera and load, so what
//! varies is tracking), once for the warning and twice for the fault, never less than the
//! rule's floor.
//!
//! A rule keeps its design (EST) value when fewer than two sources with three good reps each
//! speak for it — moved, if need be, so that its fault line lies two noise widths beyond what a
//! sound rep reads (or beyond its warning line). The benchmark refits leaving each source out,
//! so its figures say what a new lifter can expect.

use super::lift::Lift;
use super::measure::RepMeasure;
use super::rules::{FittedRule, LiftGroup, ViewClass, Worse, FITTED};
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

/// Thresholds for every lift group, for each view.
#[derive(Clone, Debug, PartialEq)]
pub struct Rulebook {
    side: [Thresholds; 4],
    oblique: [Thresholds; 4],
}

const GROUPS: [(LiftGroup, Lift); 4] = [
    (LiftGroup::Swing, Lift::Swing),
    (LiftGroup::Floor, Lift::Deadlift),
    (LiftGroup::KettlebellFloor, Lift::KettlebellDeadlift),
    (LiftGroup::StraightLeg, Lift::Rdl),
];

fn slot(g: LiftGroup) -> usize {
    GROUPS.iter().position(|(x, _)| *x == g).unwrap_or(0)
}

impl Rulebook {
    /// The thresholds the product ships (`coach::thresholds`, fitted values included).
    pub fn shipped() -> Rulebook {
        Rulebook {
            side: GROUPS.map(|(_, l)| Thresholds::for_view(l, ViewClass::Side)),
            oblique: GROUPS.map(|(_, l)| Thresholds::for_view(l, ViewClass::Oblique)),
        }
    }
    /// The design's values alone.
    pub fn est() -> Rulebook {
        let est = GROUPS.map(|(_, l)| Thresholds::est(l));
        Rulebook {
            side: est,
            oblique: est,
        }
    }
    /// The thresholds a rep of `lift` seen from `view` is judged by.
    pub fn for_lift(&self, lift: Lift, view: ViewClass) -> Thresholds {
        self.group(view, LiftGroup::of(lift))
    }
    pub fn group(&self, view: ViewClass, g: LiftGroup) -> Thresholds {
        match view {
            ViewClass::Side => self.side[slot(g)],
            ViewClass::Oblique => self.oblique[slot(g)],
        }
    }
    fn group_mut(&mut self, view: ViewClass, g: LiftGroup) -> &mut Thresholds {
        match view {
            ViewClass::Side => &mut self.side[slot(g)],
            ViewClass::Oblique => &mut self.oblique[slot(g)],
        }
    }
}

/// How one tuned number was set.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct FitNote {
    pub rule: String,
    pub view: ViewClass,
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
fn fit_rule(
    rule: &FittedRule,
    view: ViewClass,
    g: LiftGroup,
    reps: &[TrainingRep],
    est: Band,
    side: Option<&FitNote>,
) -> FitNote {
    let mut good: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    let mut sets: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    let mut any_sets: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for r in reps.iter().filter(|r| ViewClass::of(r.measure) == view) {
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
    // Oblique lifts fit their own lines only with three sources: fewer, and the lines would be
    // one source's camera (left out, the others' oblique reps were flagged). Until then the
    // side's lines hold, one noise width further out.
    let needed = match view {
        ViewClass::Side => 2,
        ViewClass::Oblique => 3,
    };
    let fitted = sources.len() >= needed;
    // How much the good range moves from one source to the next (camera, pose model, lifter):
    // the spread of the sources' percentiles. A new lifter's good range may sit that much
    // further out, so the margin covers it as well as the rep-to-rep noise.
    let between = {
        let q: Vec<f64> = sources.iter().map(|s| s.2).collect();
        let mean = q.iter().sum::<f64>() / q.len().max(1) as f64;
        (q.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (q.len().max(2) - 1) as f64).sqrt()
    };
    // Where a new source's good range may lie: a prediction bound from the sources' own
    // percentiles — their mean plus Student's t times their spread, × √(1 + 1/n) for the
    // mean's own uncertainty — the warning where one new source in five may reach, the fault
    // where one in ten; never inside the furthest source's range. With two sources t is
    // large: two sources say little about where a third will be (left out, the Kinect's good
    // lifts sat past the lines two BlazePose sources gave, which agreed with each other). Beyond
    // that, the rep-to-rep noise once for the warning and twice for the fault.
    let band = if fitted {
        let q: Vec<f64> = sources.iter().map(|s| s.2).collect();
        new_source_band(&q, between, noise, rule.worse)
    } else if let Some(side) = side {
        // Too few oblique lifts to fit: the side's lines, one of the side's noise widths
        // further out (an oblique view's angles scatter more).
        let spread = side.noise.hypot(side.between_sources);
        match rule.worse {
            Worse::High => Band::new(side.band.warn + spread, side.band.fault + spread),
            Worse::Low => Band::new(side.band.warn - spread, side.band.fault - spread),
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
        view,
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

/// The lines for a new source, from the sources' percentiles `q` (their spread `between`) and
/// the rep-to-rep `noise` (see [`fit_rule`]).
fn new_source_band(q: &[f64], between: f64, noise: f64, worse: Worse) -> Band {
    let n = q.len() as f64;
    let mean = q.iter().sum::<f64>() / n;
    let width = between * (1.0 + 1.0 / n).sqrt();
    let df = q.len().saturating_sub(1);
    let (w80, w90) = (student_t(df, 0.80) * width, student_t(df, 0.90) * width);
    match worse {
        Worse::High => {
            let top = q.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            Band::new(
                (mean + w80).max(top) + noise,
                (mean + w90).max(top) + 2.0 * noise,
            )
        }
        Worse::Low => {
            let bottom = q.iter().copied().fold(f64::INFINITY, f64::min);
            Band::new(
                (mean - w80).min(bottom) - noise,
                (mean - w90).min(bottom) - 2.0 * noise,
            )
        }
    }
}

/// Student's t, one-sided, at `p` = 0.80 or 0.90, for `df` degrees of freedom.
fn student_t(df: usize, p: f64) -> f64 {
    const T90: [f64; 10] = [
        3.078, 1.886, 1.638, 1.533, 1.476, 1.440, 1.415, 1.397, 1.383, 1.372,
    ];
    const T80: [f64; 10] = [
        1.376, 1.061, 0.978, 0.941, 0.920, 0.906, 0.896, 0.889, 0.883, 0.879,
    ];
    let (t, inf) = if p >= 0.9 {
        (&T90, 1.282)
    } else {
        (&T80, 0.842)
    };
    t.get(df.max(1) - 1).copied().unwrap_or(inf)
}

/// Fits the tuned thresholds on the training reps, starting from the design's values.
pub fn fit(reps: &[TrainingRep]) -> (Rulebook, Vec<FitNote>) {
    let mut book = Rulebook::est();
    let mut notes: Vec<FitNote> = Vec::new();
    for view in ViewClass::ALL {
        for rule in FITTED {
            for &g in rule.groups {
                let side = notes
                    .iter()
                    .find(|n| n.view == ViewClass::Side && n.rule == rule.name && n.group == g)
                    .cloned();
                let mut t = book.group(view, g);
                // The oblique fit starts from the side's.
                let est = match &side {
                    Some(s) if view == ViewClass::Oblique => s.band,
                    _ => *(rule.band)(&mut t),
                };
                let note = fit_rule(rule, view, g, reps, est, side.as_ref());
                *(rule.band)(book.group_mut(view, g)) = note.band;
                notes.push(note);
            }
        }
    }
    (book, notes)
}

/// The fitted values as the `coach::thresholds::fitted::VALUES` table (Rust source).
pub fn as_source(notes: &[FitNote]) -> String {
    let mut s =
        String::from("    pub const VALUES: &[(&str, ViewClass, LiftGroup, f64, f64)] = &[\n");
    for n in notes
        .iter()
        .filter(|n| n.fitted || n.band != n.est || n.view == ViewClass::Oblique)
    {
        let num = |v: f64| {
            if v == f64::INFINITY {
                "f64::INFINITY".to_string()
            } else if v == f64::NEG_INFINITY {
                "f64::NEG_INFINITY".to_string()
            } else {
                format!("{v:.4}")
            }
        };
        s.push_str(&format!(
            "        (\"{}\", ViewClass::{:?}, LiftGroup::{:?}, {}, {}),\n",
            n.rule,
            n.view,
            n.group,
            num(n.band.warn),
            num(n.band.fault)
        ));
    }
    s.push_str("    ];\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spread(q: &[f64]) -> f64 {
        let m = q.iter().sum::<f64>() / q.len() as f64;
        (q.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (q.len() - 1) as f64).sqrt()
    }

    /// Sources that agree exactly: the lines sit the noise beyond them, once and twice.
    #[test]
    fn sources_that_agree_put_the_lines_the_noise_beyond_them() {
        let b = new_source_band(&[0.1, 0.1, 0.1], 0.0, 0.05, Worse::High);
        assert!(
            (b.warn - 0.15).abs() < 1e-12 && (b.fault - 0.2).abs() < 1e-12,
            "{b:?}"
        );
        let b = new_source_band(&[-50.0, -50.0], 0.0, 30.0, Worse::Low);
        assert!(
            (b.warn + 80.0).abs() < 1e-12 && (b.fault + 110.0).abs() < 1e-12,
            "{b:?}"
        );
    }

    /// Two BlazePose sources that agree closely on the trunk-lead index (−0.21, −0.26) leave
    /// room for a third whose good lifts read −0.08 (the Kinect's): it stays inside the fault
    /// line (the furthest source plus the combined noise twice had put the line at −0.09).
    #[test]
    fn two_sources_leave_room_for_a_third_that_sits_apart() {
        let q = [-0.21, -0.26];
        let b = new_source_band(&q, spread(&q), 0.05, Worse::High);
        assert!(b.fault > -0.08, "{b:?}");
        assert!(b.warn < b.fault, "{b:?}");
        // Never inside the furthest source, whatever the spread.
        assert!(b.warn >= -0.21 + 0.05 - 1e-12, "{b:?}");
    }

    /// The bound narrows as sources agree in number: ten sources with the same spread put the
    /// fault line nearer than two do.
    #[test]
    fn more_sources_narrow_the_bound() {
        let two = [0.0, 1.0];
        let ten = [0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0];
        let b2 = new_source_band(&two, spread(&two), 0.1, Worse::High);
        let b10 = new_source_band(&ten, spread(&ten), 0.1, Worse::High);
        assert!(b10.fault < b2.fault, "{b10:?} vs {b2:?}");
        assert!(b10.fault > 1.0 + 0.2, "{b10:?}: beyond the furthest source");
    }
}
