//! "Did your engine run out of fuel?" (docs/biomechanics.md §7): per-rep features against the
//! lifter's own baseline (median of reps 2–4), markers that fire on two consecutive reps,
//! the onset rep n₀ and advice: notice, stop the set, and "build yourself up".

use super::measure::RepMeasure;
use super::messages;
use crate::motion::body::median;
use crate::report::{FatigueLevel, FatigueReport, Verdict};

/// What one rep contributes (§7.1).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RepFeatures {
    pub hip_ext_vel: f64,
    pub hip_drive: f64,
    /// Swing: bell apex above the shoulders (B); floor lifts: peak bell speed (B/s).
    pub output: Option<f64>,
    pub output_is_apex: bool,
    pub lead_ms: Option<f64>,
    pub l_asc: Option<f64>,
    pub trunk_bottom: f64,
    pub knee_bottom: f64,
    pub lock_hip: f64,
    pub crane_fault: bool,
    pub confident: bool,
    /// The rep got a crane-or-engine verdict (not `unclear`).
    pub judged: bool,
}

impl RepFeatures {
    pub fn of(m: &RepMeasure, verdict: Verdict, confidence: f64) -> RepFeatures {
        RepFeatures {
            hip_ext_vel: m.peak_hip_ext_vel,
            hip_drive: m.peak_hip_drive,
            output: m.output,
            output_is_apex: m.output_is_apex,
            lead_ms: m.ascent.lead_ms,
            l_asc: m.ascent.l_asc,
            trunk_bottom: m.trunk_change_bottom,
            knee_bottom: m.knee_change_bottom,
            lock_hip: m.lock_hip_change,
            crane_fault: verdict == Verdict::Crane,
            judged: verdict != Verdict::Unclear,
            confident: confidence >= 0.6,
        }
    }
}

/// Markers (§7.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Marker {
    HipDriveLoss,
    OutputLoss,
    SequencingDrift,
    DepthCreep,
    LockoutDecay,
}

impl Marker {
    pub fn name(self) -> &'static str {
        match self {
            Marker::HipDriveLoss => "hip_drive_loss",
            Marker::OutputLoss => "output_loss",
            Marker::SequencingDrift => "sequencing_drift",
            Marker::DepthCreep => "depth_creep",
            Marker::LockoutDecay => "lockout_decay",
        }
    }
}

/// Sets shorter than this have no within-set baseline: report only, never "stop" (§7.3).
pub const MIN_SET_FOR_STOP: usize = 6;

fn base(xs: impl Iterator<Item = f64>) -> Option<f64> {
    let mut v: Vec<f64> = xs.filter(|x| x.is_finite()).collect();
    median(&mut v)
}

/// Which markers exceed their thresholds on rep `x` against the baseline reps 2–4 (§7.3 table).
fn markers_against(b: &[RepFeatures], x: &RepFeatures) -> Vec<Marker> {
    let mut out = Vec::new();
    let bv = base(b.iter().map(|f| f.hip_ext_vel));
    let bd = base(b.iter().map(|f| f.hip_drive));
    let loss = |now: f64, basev: Option<f64>| basev.is_some_and(|bv| bv > 0.0 && now < 0.85 * bv);
    if loss(x.hip_ext_vel, bv) && (bd.is_none() || loss(x.hip_drive, bd)) {
        out.push(Marker::HipDriveLoss);
    }
    if let (Some(o), Some(bo)) = (x.output, base(b.iter().filter_map(|f| f.output))) {
        // M2: swing apex drop ≥ 0.05 B; floor lifts: peak bell speed ≥ 20 % below baseline.
        let lost = if x.output_is_apex {
            o < bo - 0.05
        } else {
            bo > 0.0 && o < 0.8 * bo
        };
        if lost {
            out.push(Marker::OutputLoss);
        }
    }
    let lead = base(b.iter().filter_map(|f| f.lead_ms));
    let lasc = base(b.iter().filter_map(|f| f.l_asc));
    if x.lead_ms
        .zip(lead)
        .is_some_and(|(v, bl)| (v - bl).abs() >= 50.0)
        || x.l_asc
            .zip(lasc)
            .is_some_and(|(v, bl)| (v - bl).abs() >= 0.10)
    {
        out.push(Marker::SequencingDrift);
    }
    if let (Some(bt), Some(bk)) = (
        base(b.iter().map(|f| f.trunk_bottom)),
        base(b.iter().map(|f| f.knee_bottom)),
    ) {
        if x.trunk_bottom - bt >= 8.0 && x.knee_bottom - bk <= -5.0 {
            out.push(Marker::DepthCreep);
        }
    }
    if let Some(bl) = base(b.iter().map(|f| f.lock_hip)) {
        if x.lock_hip - bl >= 8.0 {
            out.push(Marker::LockoutDecay);
        }
    }
    out
}

/// Fatigue over the set, kept as the reps come: each rep costs the same at rep 10 and at rep
/// 2,000 (its markers against the baseline reps 2–4 and the rep before it; the last three judged
/// reps). [`FatigueTracker::report`] is [`assess`] over every rep pushed so far.
#[derive(Clone, Debug, Default)]
pub struct FatigueTracker {
    /// The baseline reps 1–4 (index 0–3) and the latest rep.
    first: Vec<RepFeatures>,
    latest: Option<RepFeatures>,
    latest_markers: Vec<Marker>,
    n: usize,
    fired: Vec<Marker>,
    onset: Option<u32>,
    /// The last three reps with a verdict: crane (and confident)?
    recent_judged: std::collections::VecDeque<bool>,
}

impl FatigueTracker {
    /// One more rep.
    pub fn push(&mut self, f: RepFeatures) {
        let r = self.n;
        if self.first.len() < 4 {
            self.first.push(f);
        }
        let markers = if r < 4 {
            Vec::new()
        } else {
            markers_against(&self.first[1..4], &f)
        };
        if r >= 5 {
            let prev_confident = self.latest.is_some_and(|p| p.confident);
            for m in &markers {
                if self.latest_markers.contains(m) && f.confident && prev_confident {
                    self.onset.get_or_insert(r as u32); // 1-based index of rep r−1
                    if !self.fired.contains(m) {
                        self.fired.push(*m);
                    }
                }
            }
        }
        if f.judged {
            if self.recent_judged.len() == 3 {
                self.recent_judged.pop_front();
            }
            self.recent_judged.push_back(f.crane_fault && f.confident);
        }
        self.latest = Some(f);
        self.latest_markers = markers;
        self.n += 1;
    }

    /// The fatigue report over the reps so far.
    pub fn report(&self) -> FatigueReport {
        let mut rep = FatigueReport {
            onset_rep: None,
            level: FatigueLevel::None,
            markers: Vec::new(),
            advice: String::new(),
        };
        let n = self.n;
        if n < 5 {
            if n > 0 {
                rep.advice = "Too few reps yet to judge fatigue.".into();
            }
            return rep;
        }
        rep.onset_rep = self.onset;
        rep.markers = self.fired.iter().map(|m| m.name().to_string()).collect();
        // The last three reps the camera could judge (an unclear rep says neither way).
        let recent_crane = self.recent_judged.iter().filter(|c| **c).count();
        // Crane reps from the very start are technique, not an engine running out of fuel.
        let baseline_crane = self.first[1..4].iter().filter(|f| f.crane_fault).count() >= 2;
        if baseline_crane {
            rep.level = FatigueLevel::Technique;
            rep.markers = Vec::new();
            rep.onset_rep = None;
            rep.advice = "The back did the lifting from the first reps: that is technique, not fatigue. Do the thumb-and-finger drill and practise letting the hips lead before adding reps or weight.".into();
            return rep;
        }
        let fired = &self.fired;
        let engine_loss =
            fired.contains(&Marker::HipDriveLoss) || fired.contains(&Marker::OutputLoss);
        let back_takes_over = fired.iter().any(|m| {
            matches!(
                m,
                Marker::SequencingDrift | Marker::DepthCreep | Marker::LockoutDecay
            )
        });
        let stop = n >= MIN_SET_FOR_STOP && ((engine_loss && back_takes_over) || recent_crane >= 2);
        if stop {
            rep.level = FatigueLevel::Stop;
            let at = rep
                .onset_rep
                .map(|r| format!(" from rep {r}"))
                .unwrap_or_default();
            rep.advice = format!(
                "The engine is running out of fuel{at}: the back is taking over. Park the bell. {} Next set: {} reps or fewer.",
                messages::BUILD_UP,
                rep.onset_rep.map(|r| r.saturating_sub(1).max(1)).unwrap_or(n as u32 - 2)
            );
        } else if !fired.is_empty() {
            rep.level = FatigueLevel::Notice;
            rep.advice = if fired.contains(&Marker::HipDriveLoss) {
                "Your hips are slowing — stay crisp.".into()
            } else {
                "Your form is drifting from your first reps — stay crisp.".into()
            };
        } else {
            rep.advice = "No sign of the engine tiring in this set.".into();
        }
        rep
    }
}

/// Fatigue over a whole set at once (the same as pushing every rep into a
/// [`FatigueTracker`]).
pub fn assess(reps: &[RepFeatures]) -> FatigueReport {
    let mut t = FatigueTracker::default();
    for f in reps {
        t.push(*f);
    }
    t.report()
}
