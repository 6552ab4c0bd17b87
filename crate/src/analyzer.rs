//! The analysis pipeline, one frame at a time — the same in the CLI and in the page:
//!
//! ```text
//! pose frame ─▶ validate ─▶ isotropic points ─▶ body frame (side, facing, scale, swap repair)
//!            ─▶ One Euro (live) ─▶ signals ─▶ calibration, view check, rep state machine
//!            ─▶ on lockout: zero-phase measure ─▶ judge ─▶ fatigue ─▶ report
//! ```
//!
//! [`Analyzer::push`] takes a frame and updates the [`Live`] state the overlay draws;
//! [`Analyzer::report`] gives the report so far, [`Analyzer::finish`] the final one (a recording
//! cut at a lockout still counts that rep). No input makes it panic: bad frames are rejected
//! with a [`FrameError`] and counted.

use crate::coach::drill::{DrillLive, DrillReport, DrillSession, Targets};
use crate::coach::fatigue::{self, RepFeatures};
use crate::coach::judge::{judge, Judgement, PelvicLimit};
use crate::coach::lift::{classify, set_lift, Exercise, Guess, Lift};
use crate::coach::measure::{build_series, measure, RepMeasure, RepSeries, Sample};
use crate::coach::messages;
use crate::coach::thresholds::Thresholds;
use crate::motion::body::{BodyTracker, CalibrationSource, Standing};
use crate::motion::posture::{Posture, PostureReader};
use crate::motion::reps::{Candidate, Event, MachineParams, Phase, RepEnd, RepMachine};
use crate::motion::view::{self, ViewMonitor, ViewState};
use crate::pose::{FrameError, PoseFrame, LANDMARKS};
use crate::report::{
    CalibrationReport, FaultCode, FrameCounts, RepReport, Report, Summary, Verdict, ViewReport,
};
use crate::signal::features::{Frame, FrameSig, Points, Side, VIS_USE};
use crate::signal::geometry::iso;
use crate::signal::one_euro::{OneEuro, OneEuroParams};
use std::collections::VecDeque;

/// Seconds of data after a lockout before the rep is measured; its analysis takes one more
/// frame, so the verdict comes ≤ 300 ms after lockout at 30 fps.
pub const POST_LOCKOUT_S: f64 = 0.25;
/// A swing rep counts when the arms swung at least this far forward of the trunk (deg): the
/// park's stand-up reads 3–4°, a tired last swing about 40°, a good float 75–85° (EST).
const SWING_FLOAT_ARM_DEG: f64 = 20.0;

/// Raw history kept for per-rep analysis.
const HISTORY_S: f64 = 25.0;

/// What the analysis is told.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Settings {
    pub exercise: Exercise,
    /// The drill's pelvic-limit trunk angle, if the lifter has done the drill.
    pub pelvic_limit: Option<PelvicLimit>,
    /// How many movements each drill stage wants (exercise `drill`).
    pub drill: Targets,
    /// Judge by the design's (EST) thresholds alone instead of the ones fitted on labelled
    /// lifts: the simulator's ground-truth tests measure the measurement chain this way.
    pub design_rules: bool,
}

/// A judged rep and what it was judged from.
#[derive(Clone, Debug)]
/// Kept small (the measurement and the verdict's gist): a long session holds thousands of
/// reps; messages and metrics are judged again when a report is built (judging is cheap).
struct RepRecord {
    measure: RepMeasure,
    guess: Guess,
    lift: Lift,
    verdict: Verdict,
    confidence: f64,
    /// The fault the spoken cue is about.
    cue: Option<FaultCode>,
}

impl RepRecord {
    fn new(measure: RepMeasure, guess: Guess, lift: Lift, j: &Judgement) -> Self {
        RepRecord {
            measure,
            guess,
            lift,
            verdict: j.verdict,
            confidence: j.confidence,
            cue: j.main.or(j.faults.first().map(|f| f.code)),
        }
    }
}

/// A rep between the two halves of its analysis.
#[derive(Clone, Debug)]
struct Staged {
    cand: Candidate,
    /// None when the rep could not be measured (no body frame, too little data): it still
    /// counts, judged `unclear`.
    series: Option<RepSeries>,
    standing: Standing,
    swing: bool,
}

/// What the overlay draws this frame (all decided here; the overlay only paints it).
#[derive(Clone, Debug, Default)]
pub struct Live {
    pub t: f64,
    pub phase: Phase,
    pub rep_count: u32,
    /// Live (One-Euro-filtered) points in isotropic pixels, and the body frame, once known.
    pub points: Option<Points>,
    pub frame: Option<Frame>,
    pub sig: Option<FrameSig>,
    pub standing: Option<Standing>,
    pub view: ViewState,
    /// 0..1: how hard the hips are driving right now (the engine).
    pub engine: f64,
    /// 0..1: how much the trunk is rising without the hips (the crane pulled by hand).
    pub crane: f64,
    /// Set on the frame a new rep report arrives.
    pub new_rep: bool,
    pub exercise: Option<Lift>,
    pub calibrated: bool,
    /// The image size the landmarks refer to (px).
    pub image: Option<(f64, f64)>,
}

/// The frame-by-frame analyser.
pub struct Analyzer {
    settings: Settings,
    body: BodyTracker,
    euro: Vec<OneEuro>,
    machine: RepMachine,
    view: ViewMonitor,
    history: VecDeque<Sample>,
    pending: Vec<Candidate>,
    staged: Option<Staged>,
    reps: Vec<RepRecord>,
    last_t: f64,
    last_rep_t: f64,
    counts: FrameCounts,
    live: Live,
    prev_live_sig: Option<(f64, FrameSig)>,
    rejected_first: Option<String>,
    side_votes: [u32; 2],
    /// Yaw estimates in 1° bins (0–90°), for the set's median view without growing memory.
    yaw_bins: [u32; 91],
    framing_seen: Vec<(view::FramingIssue, u32)>,
    drill: Option<DrillSession>,
    posture: PostureReader,
    /// Jumps in the pose stream (a looped or edited clip), and "ascents" too fast to be real.
    cuts: u32,
}

fn euro_params(i: usize) -> OneEuroParams {
    match i {
        11 | 12 | 23 | 24 => OneEuroParams::TRUNK,
        13..=22 => OneEuroParams::ARMS,
        25..=32 => OneEuroParams::LEGS,
        _ => OneEuroParams::HEAD,
    }
}

impl Analyzer {
    pub fn new(settings: Settings) -> Self {
        let params = MachineParams {
            timeout_s: if settings.exercise == Exercise::Swing {
                4.0
            } else {
                10.0
            },
            ..MachineParams::default()
        };
        Analyzer {
            settings,
            body: BodyTracker::default(),
            euro: (0..LANDMARKS * 2)
                .map(|k| OneEuro::new(euro_params(k / 2)))
                .collect(),
            machine: RepMachine::new(params),
            view: ViewMonitor::default(),
            history: VecDeque::with_capacity(1024),
            pending: Vec::new(),
            staged: None,
            reps: Vec::new(),
            last_t: f64::NEG_INFINITY,
            last_rep_t: f64::NEG_INFINITY,
            counts: FrameCounts::default(),
            live: Live::default(),
            prev_live_sig: None,
            rejected_first: None,
            side_votes: [0, 0],
            yaw_bins: [0; 91],
            framing_seen: Vec::new(),
            drill: (settings.exercise == Exercise::Drill)
                .then(|| DrillSession::new(settings.drill)),
            posture: PostureReader::default(),
            cuts: 0,
        }
    }

    /// The thresholds a lift is judged by.
    fn thresholds(&self, lift: Lift) -> Thresholds {
        if self.settings.design_rules {
            Thresholds::est(lift)
        } else {
            Thresholds::for_lift(lift)
        }
    }

    pub fn settings(&self) -> Settings {
        self.settings
    }

    pub fn live(&self) -> &Live {
        &self.live
    }

    /// The set's lift: what the user chose, or what the reps so far look like.
    pub fn lift(&self) -> Option<Lift> {
        Lift::forced(self.settings.exercise).or_else(|| {
            set_lift(
                &self
                    .reps
                    .iter()
                    .filter(|r| r.measure.measured)
                    .map(|r| r.guess)
                    .collect::<Vec<_>>(),
            )
        })
    }

    /// Whether auto is unsure of the set's lift: fewer than two measured reps, or reps that
    /// look like different lifts (the most common under two thirds).
    pub fn lift_unsure(&self) -> bool {
        if Lift::forced(self.settings.exercise).is_some() || self.drill.is_some() {
            return false;
        }
        let guesses: Vec<Lift> = self
            .reps
            .iter()
            .filter(|r| r.measure.measured)
            .map(|r| r.guess.lift())
            .collect();
        let Some(lift) = self.lift() else {
            return !self.reps.is_empty();
        };
        let agree = guesses.iter().filter(|&&g| g == lift).count();
        guesses.len() < 2 || 3 * agree < 2 * guesses.len()
    }

    /// Analyses one frame. A rejected frame changes nothing but the counters.
    pub fn push(&mut self, frame: &PoseFrame) -> Result<&Live, FrameError> {
        self.counts.total += 1;
        self.live.new_rep = false;
        if let Err(e) = frame.validate().and({
            if frame.t_ms <= self.last_t * 1000.0 {
                Err(FrameError::Backwards {
                    previous_ms: self.last_t * 1000.0,
                    this_ms: frame.t_ms,
                })
            } else {
                Ok(())
            }
        }) {
            self.counts.rejected += 1;
            self.rejected_first.get_or_insert_with(|| e.to_string());
            return Err(e);
        }
        let t = frame.t_ms / 1000.0;
        let dt = if self.last_t.is_finite() {
            t - self.last_t
        } else {
            1.0 / 30.0
        };
        self.last_t = t;
        self.live.t = t;
        self.live.image = Some((frame.width, frame.height));
        if !frame.has_person() {
            self.counts.no_person += 1;
            self.view.observe(None, dt);
            self.live.view = self.view.state();
            self.live.points = None;
            self.step_machine(t, &Posture::default());
            self.settle(t, false);
            return Ok(&self.live);
        }
        self.counts.analysed += 1;
        let mut pts = Points::default();
        let mut z = [0.0; LANDMARKS];
        for (i, l) in frame.landmarks.iter().enumerate() {
            pts.p[i] = iso(l.x, l.y, frame.width, frame.height);
            pts.v[i] = l.visibility.clamp(0.0, 1.0);
            z[i] = l.z;
        }
        self.body.observe(t, &mut pts, &z);
        let posture = self.posture.read(&pts, &frame.landmarks);
        let vs = view::sample(&frame.landmarks, &pts, frame.height, self.body.b());
        self.view.observe(vs, dt);
        self.live.view = self.view.state();
        let yaw = vs.map(|v| v.yaw_deg).unwrap_or(f64::NAN);
        // Which landmarks lie inside the picture (a point outside it is the model's guess).
        let inside = frame
            .landmarks
            .iter()
            .enumerate()
            .filter(|(_, l)| (-0.01..=1.01).contains(&l.x) && (-0.01..=1.01).contains(&l.y))
            .fold(0u64, |m, (i, _)| m | (1 << i));
        self.history.push_back(Sample {
            t,
            pts: pts.clone(),
            yaw,
            inside,
        });
        // The rep counter reads the posture (shoulder height above the floor) whatever the
        // view; the drill counts no reps.
        if self.drill.is_none() {
            self.step_machine(t, &posture);
        }
        let Some(fr) = self.body.frame() else {
            self.settle(t, false);
            return Ok(&self.live);
        };
        // Live path: One Euro on every coordinate, β per body unit (§2).
        let mut live = pts.clone();
        for i in 0..LANDMARKS {
            if pts.v[i] <= 0.0 {
                continue;
            }
            for (c, v) in [pts.p[i].x, pts.p[i].y].into_iter().enumerate() {
                let f = &mut self.euro[2 * i + c];
                let scaled = f.step(v / fr.b, dt);
                if c == 0 {
                    live.p[i].x = scaled * fr.b;
                } else {
                    live.p[i].y = scaled * fr.b;
                }
            }
        }
        let sig = FrameSig::compute(&live, &fr);
        self.body.seed_standing(&sig);
        let quiet = self.machine.phase == Phase::Top
            && self.pending.is_empty()
            && self.staged.is_none()
            && (self.reps.is_empty() || t - self.last_rep_t > 3.0);
        self.body.observe_still(t, &sig, &live, quiet);
        let standing = self.body.standing;
        if let Some(drill) = &mut self.drill {
            // The drill: the hands on the pelvis, no reps to count.
            let raw = FrameSig::compute(&pts, &fr);
            drill.push(t, &pts, &raw, &sig, &fr, &standing);
            let l = drill.live();
            self.live.engine = l.engine;
            self.live.crane = l.crane;
        } else {
            self.update_indicators(t, &sig);
        }
        if let Some(y) = vs.map(|v| v.yaw_deg).filter(|y| y.is_finite()) {
            self.yaw_bins[y.round().clamp(0.0, 90.0) as usize] += 1;
        }
        self.side_votes[(fr.near == Side::Right) as usize] += 1;
        for issue in &self.live.view.issues {
            match self.framing_seen.iter_mut().find(|(i, _)| i == issue) {
                Some((_, n)) => *n += 1,
                None => self.framing_seen.push((*issue, 1)),
            }
        }
        self.live.points = Some(live);
        self.live.frame = Some(fr);
        self.live.sig = Some(sig);
        self.live.standing = Some(standing);
        self.live.calibrated = standing.source != CalibrationSource::Provisional;
        self.settle(t, false);
        Ok(&self.live)
    }

    fn step_machine(&mut self, t: f64, posture: &Posture) {
        match self.machine.step(t, posture) {
            Some(Event::Lockout(c)) => self.pending.push(c),
            Some(Event::TooFast) => self.cuts += 1,
            Some(Event::Cut) => {
                // A cut or loop in the video: the reps before it are measured with what was
                // seen, and nothing in progress carries across it.
                self.settle(t, true);
                self.staged = None;
                for f in &mut self.euro {
                    f.reset();
                }
                self.posture.reset();
                self.cuts += 1;
            }
            _ => {}
        }
        self.live.phase = self.machine.phase;
    }

    /// Engine and crane indicators from the live signals: during the ascent, is it the hips
    /// driving (hip extension and forward drive) or the trunk rising alone?
    fn update_indicators(&mut self, t: f64, sig: &FrameSig) {
        let decay = |v: f64| (v - 0.08).max(0.0);
        if let Some((t0, prev)) = self.prev_live_sig {
            let dt = (t - t0).max(1e-3);
            let drive = (sig.hip_x - prev.hip_x) / dt; // B/s
            let hip_ext = -(sig.hip - prev.hip) / dt; // deg/s
            let rise = -(sig.trunk - prev.trunk) / dt; // deg/s
            if self.machine.phase == Phase::Ascent {
                let engine = ((drive / 0.6).max(0.0) + (hip_ext / 200.0).max(0.0)).min(1.0);
                let crane = if drive < 0.1 && rise > 40.0 {
                    (rise / 150.0).min(1.0)
                } else {
                    0.0
                };
                self.live.engine = engine.max(decay(self.live.engine));
                self.live.crane = crane.max(decay(self.live.crane));
            } else {
                self.live.engine = decay(self.live.engine);
                self.live.crane = decay(self.live.crane);
            }
        }
        self.prev_live_sig = Some((t, *sig));
    }

    /// Measures pending reps whose post-lockout window has passed (or all, at the end).
    /// Measures pending reps whose post-lockout window has passed (or all, at the end). The
    /// work is split over two frames (series and shape, then timing and judgement) so no single
    /// frame carries a whole rep's analysis.
    fn settle(&mut self, t: f64, all: bool) {
        loop {
            if let Some(st) = self.staged.take() {
                self.finish_rep(st);
                if !all {
                    break;
                }
                continue;
            }
            let due = self
                .pending
                .iter()
                .position(|c| all || t >= c.t_lockout + POST_LOCKOUT_S);
            let Some(i) = due else { break };
            let c = self.pending.remove(i);
            self.staged = self.stage_rep(c, t);
            if !all {
                break;
            }
        }
        let keep_from = self
            .pending
            .iter()
            .map(|c| c.t_start - 1.0)
            .fold(t - HISTORY_S, f64::min);
        while self.history.front().is_some_and(|s| s.t < keep_from) {
            self.history.pop_front();
        }
    }

    /// First half of a rep's analysis: its zero-phase series and its shape (which lift).
    fn stage_rep(&mut self, c: Candidate, now: f64) -> Option<Staged> {
        let standing = self.body.standing;
        let series = self.body.frame().and_then(|fr| {
            let samples: Vec<&Sample> = self.history.iter().collect();
            let to = (c.t_lockout + 0.6).min(now);
            build_series(&samples, c.t_start - 0.5, to, &fr)
        });
        let shape = series
            .as_ref()
            .and_then(|s| measure(s, &c, &standing, false, false));
        let swing = match (Lift::forced(self.settings.exercise), &shape) {
            (Some(l), _) => l == Lift::Swing,
            (None, Some(m)) => classify(&m.shape) == Guess::Lift(Lift::Swing),
            (None, None) => false,
        };
        Some(Staged {
            cand: c,
            series: shape.is_some().then_some(series).flatten(),
            standing,
            swing,
        })
    }

    /// Second half: the crane-versus-engine timing with the lift's own bottom rule, the
    /// judgement, and the rep on the record.
    fn finish_rep(&mut self, st: Staged) {
        let Staged {
            cand,
            series,
            standing,
            swing,
        } = st;
        let measured = series
            .as_ref()
            .and_then(|s| measure(s, &cand, &standing, swing, true).map(|m| (s, m)));
        let m = match measured {
            Some((series, m)) => {
                // No still calibration: this lockout stands in for standing (reported as such).
                if cand.end == RepEnd::Lockout {
                    let lock_i = series.index(m.t_lockout);
                    let lock_to = series.index(m.t_lockout + 0.1);
                    self.body.learn_from_lockout(&series.sig[lock_i..=lock_to]);
                }
                m
            }
            None => RepMeasure::unmeasured(&cand),
        };
        let guess = classify(&m.shape);
        let lift = Lift::forced(self.settings.exercise).unwrap_or(guess.lift());
        let judgement = judge(&m, lift, &self.thresholds(lift), self.settings.pelvic_limit);
        self.last_rep_t = m.t_lockout;
        self.reps.push(RepRecord::new(m, guess, lift, &judgement));
        self.rejudge();
        self.live.new_rep = true;
        self.live.rep_count = self.counted().count() as u32;
        self.live.exercise = self.lift();
    }

    /// Re-judges every rep for the set's lift (auto may settle on a lift after a few reps).
    fn rejudge(&mut self) {
        let Some(lift) = self.lift() else { return };
        let th = self.thresholds(lift);
        for r in &mut self.reps {
            if r.lift != lift {
                let j = judge(&r.measure, lift, &th, self.settings.pelvic_limit);
                *r = RepRecord::new(r.measure.clone(), r.guess, lift, &j);
            }
        }
    }

    /// The reps that count for the set's lift: none for a set that is not a hinge; for the
    /// swing, only upswings whose arms swung forward into a float (the park's stand-up, arms
    /// hanging, does not count; a tired, low float does).
    fn counted(&self) -> impl Iterator<Item = &RepRecord> {
        let lift = self.lift();
        self.reps.iter().filter(move |r| match lift {
            Some(Lift::NotHinge) => false,
            // (A rep that could not be measured counts: its float is unknown, not absent.)
            Some(Lift::Swing) => {
                !r.measure.measured || !(r.measure.shape.arm_top <= SWING_FLOAT_ARM_DEG)
            }
            _ => true,
        })
    }

    /// The drill's live state (exercise `drill`).
    pub fn drill_live(&self) -> Option<DrillLive> {
        self.drill.as_ref().map(DrillSession::live)
    }

    /// The drill's report (exercise `drill`).
    pub fn drill_report(&self) -> Option<DrillReport> {
        self.drill.as_ref().map(DrillSession::report)
    }

    /// Skips the current drill stage.
    pub fn drill_skip(&mut self) {
        if let Some(d) = &mut self.drill {
            d.skip();
        }
    }

    /// The counted reps' measurements and the lift each was judged as (the benchmark refits
    /// the thresholds on them).
    pub fn counted_measures(&self) -> Vec<(RepMeasure, Lift)> {
        self.counted()
            .map(|r| (r.measure.clone(), r.lift))
            .collect()
    }

    /// Reps seen by the state machine that were not counted (parks, not-hinge movements).
    pub fn movements_seen(&self) -> usize {
        self.reps.len()
    }

    /// Calibrates standing now from the last second (the page's countdown).
    pub fn calibrate(&mut self) -> Result<(), String> {
        self.body.try_still(self.last_t).map_err(|e| e.to_string())
    }

    /// Ends the recording: counts a rep cut at its lockout and measures everything pending.
    pub fn finish(&mut self) -> Report {
        if let Some(c) = self.machine.finish(self.last_t) {
            self.pending.push(c);
        }
        self.settle(self.last_t, true);
        self.report()
    }

    /// The report so far.
    pub fn report(&self) -> Report {
        let lift = self.lift();
        let reps: Vec<RepReport> = self
            .counted()
            .enumerate()
            .map(|(k, r)| self.rep_report(k, r))
            .collect();
        let mut summary = Summary {
            rep_count: reps.len() as u32,
            ..Default::default()
        };
        for r in &reps {
            match r.verdict {
                Verdict::Engine => summary.engine += 1,
                Verdict::Crane => summary.crane += 1,
                Verdict::Unclear => summary.unclear += 1,
            }
        }
        let feats: Vec<RepFeatures> = self
            .counted()
            .map(|r| RepFeatures::of(&r.measure, r.verdict, r.confidence))
            .collect();
        let fatigue = fatigue::assess(&feats);
        let mut notes = Vec::new();
        match lift {
            Some(Lift::NotHinge) => {
                let pistol = self
                    .reps
                    .iter()
                    .filter(|r| r.guess == Guess::Pistol)
                    .count();
                notes.push(
                    if pistol * 2 >= self.reps.len() {
                        messages::NOT_A_HINGE_PISTOL
                    } else {
                        messages::NOT_A_HINGE_SQUAT
                    }
                    .to_string(),
                );
                notes.push(format!("{} squat-pattern movements seen.", self.reps.len()));
            }
            Some(_) => {
                notes.push(messages::TIER_A_NOTE.to_string());
                if self.settings.pelvic_limit.is_none() {
                    notes.push(messages::NO_DEPTH_CLAIM.to_string());
                }
            }
            None if self.drill.is_some() => {
                notes.push(messages::DRILL_NOTE.to_string());
            }
            None => notes.push("No hinge reps seen yet.".to_string()),
        }
        let lift_unsure = self.lift_unsure();
        if lift_unsure {
            notes.push(match lift {
                Some(l) => messages::lift_unsure(&l.name().replace('_', " ")),
                None => messages::LIFT_UNKNOWN.to_string(),
            });
        }
        if lift == Some(Lift::Deadlift) && self.settings.exercise == Exercise::Auto {
            notes.push(messages::KETTLEBELL_HINT.to_string());
        }
        let skipped = self.reps.len() - reps.len();
        if skipped > 0 && lift == Some(Lift::Swing) {
            notes.push(format!(
                "{skipped} movement(s) without a float were not counted (the park or a set-down)."
            ));
        }
        match self.body.standing.source {
            CalibrationSource::FromLockouts => notes.push("No still standing was seen before the set: the lockouts were used as the standing reference.".into()),
            CalibrationSource::Provisional => {}
            CalibrationSource::Still => {}
        }
        // (Not for a set that is no hinge at all: its quick trunk moves are not a video's cuts.)
        if self.cuts > 0 && lift != Some(Lift::NotHinge) {
            notes.push(format!(
                "The video jumped {} time(s) (a cut or a loop, or a move faster than a lifter can make): not counted as reps.",
                self.cuts
            ));
        }
        if let Some(e) = &self.rejected_first {
            notes.push(format!(
                "{} frame(s) were rejected (first: {e}).",
                self.counts.rejected
            ));
        }
        let yaw = {
            let total: u32 = self.yaw_bins.iter().sum();
            let mut acc = 0;
            self.yaw_bins
                .iter()
                .position(|&n| {
                    acc += n;
                    total > 0 && acc * 2 >= total
                })
                .map(|k| k as f64)
        };
        let frames_seen = self.counts.analysed.max(1) as u32;
        let issues = self
            .framing_seen
            .iter()
            .filter(|(_, n)| *n * 3 > frames_seen)
            .map(|(i, _)| i.message().to_string())
            .collect();
        let camera_side = self.body.near().map(|_| {
            if self.side_votes[1] > self.side_votes[0] {
                Side::Right
            } else {
                Side::Left
            }
        });
        Report {
            lift_unsure,
            exercise: lift.map(|l| l.name().to_string()).unwrap_or_else(|| {
                if self.settings.exercise == Exercise::Auto {
                    "unknown".into()
                } else {
                    format!("{:?}", self.settings.exercise).to_lowercase()
                }
            }),
            view: ViewReport {
                kind: serde_json::to_value(yaw.map(view::kind_of).unwrap_or_default())
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
                    .unwrap_or_else(|| "unknown".into()),
                yaw_deg: yaw.map(|y| y.round()),
                camera_side: camera_side.map(|s| {
                    if s == Side::Left {
                        "left".into()
                    } else {
                        "right".into()
                    }
                }),
                issues,
            },
            reps,
            summary,
            fatigue,
            calibration: CalibrationReport {
                standing: serde_json::to_value(self.body.standing.source)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
                    .unwrap_or_default(),
                pelvic_limit_trunk_deg: self.settings.pelvic_limit.map(|p| p.trunk_deg),
            },
            notes,
            frames: self.counts.clone(),
            drill: self
                .drill_report()
                .and_then(|d| serde_json::to_value(d).ok()),
            version: format!("hingecheck {}", env!("CARGO_PKG_VERSION")),
        }
    }

    /// The spoken cue for the latest counted rep.
    pub fn last_cue(&self) -> Option<&'static str> {
        let r = self.counted().last()?;
        Some(messages::spoken_cue(r.cue, r.verdict == Verdict::Engine))
    }

    /// The latest counted rep's report (built alone, not the whole report).
    pub fn last_rep(&self) -> Option<RepReport> {
        let n = self.counted().count();
        self.counted().last().map(|r| self.rep_report(n - 1, r))
    }

    /// One rep's report entry (rep `k`, 0-based, among the counted).
    fn rep_report(&self, k: usize, r: &RepRecord) -> RepReport {
        let m = &r.measure;
        let j = judge(
            m,
            r.lift,
            &self.thresholds(r.lift),
            self.settings.pelvic_limit,
        );
        let swing = r.lift == Lift::Swing;
        RepReport {
            index: k as u32 + 1,
            start_s: round3(m.t_start),
            bottom_s: round3(if swing { m.t_trunk_max } else { m.t_bottom }),
            lockout_s: round3(if swing { m.t_top } else { m.t_lockout }),
            // (A swing's lockout is the float's top, which can come after the rep's measured
            // end: start ≤ bottom ≤ lockout ≤ end holds in the report.)
            end_s: round3(if swing { m.t_end.max(m.t_top) } else { m.t_end }),
            verdict: j.verdict,
            confidence: j.confidence,
            faults: j.faults,
            metrics: j.metrics,
            message: j.message,
        }
    }

    /// Counts a frame the boundary refused before it reached [`Analyzer::push`].
    pub fn reject(&mut self, e: &FrameError) {
        self.counts.total += 1;
        self.counts.rejected += 1;
        self.rejected_first.get_or_insert_with(|| e.to_string());
    }

    /// The fault the latest counted rep's spoken cue is about (what [`Analyzer::last_cue`]
    /// words), without building its report. For the wasm boundary's rep event.
    pub fn last_cue_fault(&self) -> Option<FaultCode> {
        self.counted().last().and_then(|r| r.cue)
    }

    /// The set's fatigue state now (the report's `fatigue`), without building the rest of the
    /// report: no rep is judged again. For the wasm boundary's rep event.
    pub fn fatigue(&self) -> crate::report::FatigueReport {
        let feats: Vec<RepFeatures> = self
            .counted()
            .map(|r| RepFeatures::of(&r.measure, r.verdict, r.confidence))
            .collect();
        fatigue::assess(&feats)
    }
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// Whether a landmark is usable for drawing.
pub fn drawable(p: &Points, i: usize) -> bool {
    p.v[i] >= VIS_USE
}

/// Runs a whole track through the analyser (the CLI's and the tests' entry point).
pub fn analyse_track(track: &crate::pose::posetrack::PoseTrack, settings: Settings) -> Report {
    let mut a = Analyzer::new(settings);
    for f in &track.frames {
        let _ = a.push(f);
    }
    let mut r = a.finish();
    if let Some(s) = track.problem_summary() {
        r.notes.push(s);
    }
    r
}
