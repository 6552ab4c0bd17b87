//! The analysis pipeline, one frame at a time — the same in the CLI and in the page. A chain
//! of small stages, each with typed inputs and outputs, none reaching back:
//!
//! ```text
//! PoseFrame ─observe─▶ Points (isotropic px) + body frame (side, facing, scale, swap repair)
//!           ─posture─▶ rep counter (shoulder drop) ─▶ Candidate reps
//!           ─filter──▶ One Euro (live) ─▶ FrameSig ─▶ calibration, view, engine/crane meters
//!           ─settle──▶ on lockout + 250 ms: zero-phase series, shape (which lift), the
//!                      rep measured as that lift
//!                      next frame: timing, judgement ─▶ the set (SetLog) ─▶ RepEvent
//! ```
//!
//! [`Analyzer::push`] takes a frame and returns the [`Live`] state the overlay draws;
//! [`Analyzer::latest_rep`] is the counted rep that just arrived (its report entry, cue and the
//! fatigue after it); [`Analyzer::report`] builds the report so far, [`Analyzer::finish`] the
//! final one (a recording cut at a lockout still counts that rep). Every frame and every rep
//! costs the same at the start of a session and after thousands of reps. No input makes it
//! panic: bad frames are rejected with a [`FrameError`] and counted.

mod meters;
mod report;
mod set;

use crate::coach::drill::{DrillLive, DrillReport, DrillSession, Targets};
use crate::coach::judge::PelvicLimit;
use crate::coach::lift::{classify, Exercise, Guess, Lift};
use crate::coach::measure::{
    build_series, measure, rep_shape, time_rep, RepMeasure, RepSeries, Sample, Timing,
};
use crate::coach::messages;
use crate::coach::rules::ViewClass;
use crate::motion::body::{median, BodyTracker, CalibrationSource, Standing};
use crate::motion::contour::{self, BackContour, BackReference};
use crate::motion::posture::{Posture, PostureReader};
use crate::motion::reps::{Candidate, Event, MachineParams, Phase, RepEnd, RepMachine};
use crate::motion::view::{self, FramingIssue, ViewMonitor, ViewState};
use crate::pose::{FrameError, PoseFrame, LANDMARKS};
use crate::report::{FatigueReport, FaultCode, RepReport, Report, Verdict};
use crate::signal::features::{Frame, FrameSig, Points, VIS_USE};
use crate::signal::geometry::iso;
use crate::signal::one_euro::{OneEuro, OneEuroParams};
use meters::Meters;
use report::{Context, Recording};
use set::{Judge, SetLog};
use std::collections::VecDeque;

/// Seconds of data after a lockout before the rep is measured; its analysis takes one more
/// frame, so the verdict comes ≤ 300 ms after lockout at 30 fps.
pub const POST_LOCKOUT_S: f64 = 0.25;
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

/// A rep between the two halves of its analysis.
#[derive(Clone, Debug)]
struct Staged {
    cand: Candidate,
    /// The rep measured (all but its timing) on its series, as the lift it looks like. None
    /// when it could not be measured (no body frame, too little data): it still counts, judged
    /// `unclear`.
    measured: Option<(RepSeries, RepMeasure, Timing)>,
}

/// A counted rep as it arrives: its report entry, the spoken cue and the fatigue after it.
#[derive(Clone, Debug, PartialEq)]
pub struct RepEvent {
    pub report: RepReport,
    pub cue: &'static str,
    /// The fault the cue is about.
    pub cue_fault: Option<FaultCode>,
    pub fatigue: FatigueReport,
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
    /// Set on the frame a counted rep arrives ([`Analyzer::latest_rep`] is it).
    pub new_rep: bool,
    /// Set on the frame the latest counted rep was judged again (its back's outline read once
    /// the lifter's standing curve was known): [`Analyzer::latest_rep`] has the new judgement.
    pub rep_revised: bool,
    pub exercise: Option<Lift>,
    pub calibrated: bool,
    /// The image size the landmarks refer to (px).
    pub image: Option<(f64, f64)>,
    /// The back's outline on this frame (a frame with a mask), and the spine's bend against the
    /// lifter's standing one (ΔΣ, deg, + flexed: what `rounded_back` judges) once that is known.
    pub back: Option<BackContour>,
    pub back_bend: Option<f64>,
    /// The pelvis's tilt from the outline against standing (deg, + anterior), once known.
    pub back_pelvis: Option<f64>,
    /// Whether the view lets the outline be judged (within the rule's yaw: the overlay draws it
    /// only then), and how its bend now stands against the set's lines (0 within, 1 the
    /// warning line, 2 the fault line): the colour the overlay gives it.
    pub back_judged: bool,
    pub back_severity: Option<u8>,
}

/// The frame-by-frame analyser.
pub struct Analyzer {
    settings: Settings,
    body: BodyTracker,
    euro: Vec<OneEuro>,
    posture: PostureReader,
    machine: RepMachine,
    view: ViewMonitor,
    meters: Meters,
    /// Raw samples kept for the reps' zero-phase analysis.
    history: VecDeque<Sample>,
    /// Reps past their lockout, waiting for the data after it.
    pending: Vec<Candidate>,
    staged: Option<Staged>,
    set: SetLog,
    drill: Option<DrillSession>,
    recording: Recording,
    /// The lifter's standing back curve (from the mask outlines read while upright).
    back_ref: BackReference,
    /// How much of the recent masks showed a loose outline (0–1, over about a second).
    back_hidden: f64,
    /// The last [`BACK_LIVE_S`] of readable outlines' spine bend (time, deg against standing):
    /// the live value is their median, as the rule's is over the bottom's window (one frame's
    /// outline can be off by 15°).
    back_recent: VecDeque<(f64, f64)>,
    last_t: f64,
    last_rep_t: f64,
    live: Live,
}

/// The live spine bend is the median over this much of the latest readable outlines (s).
const BACK_LIVE_S: f64 = 0.25;
/// Readable outlines the live value needs within that time (a mask every other frame at 30
/// frames a second gives four).
const BACK_LIVE_MIN: usize = 3;

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
        let judge = Judge {
            design_rules: settings.design_rules,
            pelvic_limit: settings.pelvic_limit,
        };
        Analyzer {
            settings,
            body: BodyTracker::default(),
            euro: (0..LANDMARKS * 2)
                .map(|k| OneEuro::new(euro_params(k / 2)))
                .collect(),
            posture: PostureReader::default(),
            machine: RepMachine::new(params),
            view: ViewMonitor::default(),
            meters: Meters::default(),
            history: VecDeque::with_capacity(1024),
            pending: Vec::new(),
            staged: None,
            set: SetLog::new(judge, Lift::forced(settings.exercise)),
            drill: (settings.exercise == Exercise::Drill)
                .then(|| DrillSession::new(settings.drill)),
            recording: Recording::default(),
            back_ref: BackReference::default(),
            back_hidden: 0.0,
            back_recent: VecDeque::new(),
            last_t: f64::NEG_INFINITY,
            last_rep_t: f64::NEG_INFINITY,
            live: Live::default(),
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
        self.set.lift()
    }

    /// Whether auto is unsure of the set's lift: fewer than two measured reps, or reps that
    /// look like different lifts (the most common under two thirds).
    pub fn lift_unsure(&self) -> bool {
        self.drill.is_none() && self.set.lift_unsure()
    }

    /// Analyses one frame. A rejected frame changes nothing but the counters.
    pub fn push(&mut self, frame: &PoseFrame) -> Result<&Live, FrameError> {
        self.recording.counts.total += 1;
        self.live.new_rep = false;
        self.live.rep_revised = false;
        if let Err(e) = frame.validate().and(self.in_order(frame.t_ms)) {
            self.recording.reject(&e);
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
            self.recording.counts.no_person += 1;
            self.live.back = None;
            self.live.back_bend = None;
            self.live.back_pelvis = None;
            self.view.observe(None, dt);
            self.live.view = self.view.state();
            self.live.points = None;
            self.count_reps(t, &Posture::default());
            self.settle(t, false);
            return Ok(&self.live);
        }
        self.recording.counts.analysed += 1;
        let (pts, posture, yaw) = self.observe(frame, t, dt);
        // The rep counter reads the posture (shoulder height above the floor) whatever the
        // view; the drill counts no reps.
        if self.drill.is_none() {
            self.count_reps(t, &posture);
        }
        if let Some(fr) = self.body.frame() {
            self.follow(t, dt, pts, fr, yaw);
        }
        self.settle(t, false);
        Ok(&self.live)
    }

    /// Frames must come in time order.
    fn in_order(&self, t_ms: f64) -> Result<(), FrameError> {
        if t_ms <= self.last_t * 1000.0 {
            Err(FrameError::Backwards {
                previous_ms: self.last_t * 1000.0,
                this_ms: t_ms,
            })
        } else {
            Ok(())
        }
    }

    /// Observe: the landmarks in isotropic pixels, the body frame, the posture and the view;
    /// the raw sample kept for the reps' analysis. Returns the points, posture and yaw.
    fn observe(&mut self, frame: &PoseFrame, t: f64, dt: f64) -> (Points, Posture, Option<f64>) {
        let mut pts = Points::default();
        let mut z = [0.0; LANDMARKS];
        for (i, l) in frame.landmarks.iter().enumerate() {
            pts.p[i] = iso(l.x, l.y, frame.width, frame.height);
            pts.v[i] = l.visibility.clamp(0.0, 1.0);
            z[i] = l.z;
        }
        self.body.observe(t, &mut pts, &mut z);
        let posture = self.posture.read(&pts, &frame.landmarks);
        let vs = view::sample(
            &frame.landmarks,
            &pts,
            frame.height,
            self.body.b(),
            self.body.frame(),
        );
        self.view.set_near(self.body.near());
        self.view.observe(vs, dt);
        self.live.view = self.view.state();
        let yaw = vs.map(|v| v.yaw_deg);
        // Which landmarks lie inside the picture (a point outside it is the model's guess).
        let inside = frame
            .landmarks
            .iter()
            .enumerate()
            .filter(|(_, l)| (-0.01..=1.01).contains(&l.x) && (-0.01..=1.01).contains(&l.y))
            .fold(0u64, |m, (i, _)| m | (1 << i));
        // The back's outline, on frames with a mask (docs/biomechanics.md §1.6).
        let back = match (&frame.mask, self.body.frame()) {
            (Some(m), Some(fr)) => {
                let chord0 = (self.body.standing.source != CalibrationSource::Provisional)
                    .then_some(self.body.standing.chord);
                Some(contour::read(
                    m,
                    &pts,
                    &fr,
                    frame.width,
                    frame.height,
                    chord0,
                ))
            }
            _ => None,
        };
        self.history.push_back(Sample {
            t,
            pts: pts.clone(),
            // Depth in the units of x (the model's z is scaled like x, relative to the hips).
            z: z.map(|v| (v * frame.width) as f32),
            yaw: yaw.unwrap_or(f64::NAN),
            inside,
            back: back.as_ref().and_then(BackContour::read),
        });
        self.recording.observe_back(back.as_ref());
        // A loose top or hair over the back on most of the last second's masks: said on screen.
        if let Some(c) = &back {
            let loose = f64::from(u8::from(c.issue == Some(contour::ContourIssue::Loose)));
            self.back_hidden += (dt / 1.0).min(1.0) * (loose - self.back_hidden);
        }
        if self.back_hidden > 0.6 && back.is_some() {
            self.live.view.issues.push(FramingIssue::BackHidden);
        }
        self.live.back = back;
        (pts, posture, yaw)
    }

    /// Filter and follow: One Euro on every coordinate (β per body unit, §2), the live
    /// signals, calibration, the meters (or the drill) and the recording's view tallies.
    fn follow(&mut self, t: f64, dt: f64, pts: Points, fr: Frame, yaw: Option<f64>) {
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
        if let Some(c) = &self.live.back {
            let upright = (sig.trunk - self.body.standing.trunk).abs() < 10.0;
            self.back_ref.observe(c, upright);
        }
        // A rep that opened the set at the bottom is read as soon as standing's curve is known
        // (half a second of its first lockout), not at the end.
        if self.set.back_waiting() && self.set.complete_back(self.back_ref.settled()) {
            self.live.rep_revised = true;
        }
        (self.live.back_bend, self.live.back_pelvis) =
            match (&self.live.back, self.back_ref.standing()) {
                (Some(c), Some(s)) if c.ok() => {
                    self.back_recent.push_back((t, c.bend() - s.bend));
                    while self
                        .back_recent
                        .front()
                        .is_some_and(|(t0, _)| *t0 < t - BACK_LIVE_S)
                    {
                        self.back_recent.pop_front();
                    }
                    // The latest values, on the stack (no allocation in the per-frame path).
                    let mut recent = [0.0; 32];
                    let n = self.back_recent.len().min(recent.len());
                    for (r, (_, v)) in recent.iter_mut().zip(self.back_recent.iter().rev()) {
                        *r = *v;
                    }
                    let bend = (n >= BACK_LIVE_MIN)
                        .then(|| median(&mut recent[..n]))
                        .flatten();
                    (bend, Some(c.theta_low - s.low))
                }
                _ => (None, None),
            };
        self.live.back_judged = self
            .live
            .view
            .yaw_deg
            .is_some_and(|y| y.abs() <= crate::coach::rules::BACK_MAX_YAW);
        self.live.back_severity = self
            .live
            .back_bend
            .filter(|_| self.live.back_judged)
            .map(|f| {
                let lift = self.set.lift().unwrap_or(Lift::Deadlift);
                let lines = self.set.judge().thresholds(lift, ViewClass::Side).back_bend;
                lines.above(f)
            });
        let quiet = self.machine.phase == Phase::Top
            && self.pending.is_empty()
            && self.staged.is_none()
            && (self.set.movements() == 0 || t - self.last_rep_t > 3.0);
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
            self.meters
                .update(t, &sig, self.machine.phase == Phase::Ascent);
            self.live.engine = self.meters.engine;
            self.live.crane = self.meters.crane;
        }
        self.recording.observe(yaw, fr.near, &self.live.view);
        self.live.points = Some(live);
        self.live.frame = Some(fr);
        self.live.sig = Some(sig);
        self.live.standing = Some(standing);
        self.live.calibrated = standing.source != CalibrationSource::Provisional;
    }

    /// The rep counter's step: a lockout queues a rep; a cut in the video settles what was
    /// before it and carries nothing across.
    fn count_reps(&mut self, t: f64, posture: &Posture) {
        match self.machine.step(t, posture) {
            Some(Event::Lockout(c)) => self.pending.push(c),
            Some(Event::TooFast) => self.recording.cuts += 1,
            Some(Event::Cut) => {
                self.settle(t, true);
                self.staged = None;
                for f in &mut self.euro {
                    f.reset();
                }
                self.posture.reset();
                self.recording.cuts += 1;
            }
            _ => {}
        }
        self.live.phase = self.machine.phase;
    }

    /// Measures pending reps whose post-lockout window has passed (or all, at the end). The
    /// work is split over two frames (series, shape and measurement, then timing and judgement)
    /// so no single frame carries a whole rep's analysis.
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
            self.staged = Some(self.stage_rep(c, t));
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

    /// First half of a rep's analysis: its zero-phase series, its shape (which lift) and its
    /// measurement as that lift (a swing's bottom is found its own way).
    fn stage_rep(&mut self, c: Candidate, now: f64) -> Staged {
        let standing = self.body.standing;
        let Some(series) = self.body.frame().and_then(|fr| {
            let (from, to) = (c.t_start - 0.5, (c.t_lockout + 0.6).min(now));
            // The history is in time order: only the stretch the series reads.
            let h = &self.history;
            let first = h.partition_point(|s| s.t < from - 0.2);
            let end = h.partition_point(|s| s.t <= to + 0.2).max(first);
            let samples: Vec<&Sample> = h.range(first..end).collect();
            build_series(&samples, from, to, &fr).map(|mut s| {
                s.back_standing = self.back_ref.standing();
                s
            })
        }) else {
            return Staged {
                cand: c,
                measured: None,
            };
        };
        let shape = rep_shape(&series, &c, &standing);
        let swing = match (Lift::forced(self.settings.exercise), &shape) {
            (Some(l), _) => l == Lift::Swing,
            (None, Some(shape)) => classify(shape) == Guess::Lift(Lift::Swing),
            (None, None) => false,
        };
        let measured = shape.and_then(|_| measure(&series, &c, &standing, swing));
        Staged {
            cand: c,
            measured: measured.map(|(m, at)| (series, m, at)),
        }
    }

    /// Second half: the crane-versus-engine timing with the lift's own bottom rule, and the
    /// rep into the set (judged there).
    fn finish_rep(&mut self, st: Staged) {
        let m = match st.measured {
            Some((series, mut m, at)) => {
                time_rep(&series, &mut m, at);
                // No still calibration: this lockout stands in for standing (reported as such).
                if st.cand.end == RepEnd::Lockout {
                    let lock_i = series.index(m.t_lockout);
                    let lock_to = series.index(m.t_lockout + 0.1);
                    self.body.learn_from_lockout(&series.sig[lock_i..=lock_to]);
                }
                m
            }
            None => RepMeasure::unmeasured(&st.cand),
        };
        self.last_rep_t = m.t_lockout;
        let counts = self.set.add(m);
        self.live.new_rep |= counts;
        self.live.rep_count = self.set.counted().len() as u32;
        self.live.exercise = self.set.lift();
    }

    /// The counted rep that arrived last: its report entry, the spoken cue and the fatigue
    /// after it. Costs at most one rep's judgement (none for the rep that just arrived, asked
    /// for the first time: the judgement made as it arrived is handed over), whatever the
    /// set's length.
    pub fn latest_rep(&mut self) -> Option<RepEvent> {
        let j = self.set.latest_judgement()?;
        let (k, r) = self.set.latest()?;
        Some(RepEvent {
            report: report::rep_entry(k, r, j),
            cue: messages::spoken_cue(r.cue, r.verdict == Verdict::Engine),
            cue_fault: r.cue,
            fatigue: self.set.fatigue(),
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
        self.set
            .counted()
            .map(|r| (r.measure.clone(), r.lift))
            .collect()
    }

    /// Movements the rep counter found, counted or not (parks, not-hinge movements).
    pub fn movements_seen(&self) -> usize {
        self.set.movements()
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
        self.set.complete_back(self.back_ref.standing());
        self.report()
    }

    /// The report so far.
    pub fn report(&self) -> Report {
        report::build(
            &self.set,
            &self.recording,
            Context {
                exercise: self.settings.exercise,
                drill: self
                    .drill_report()
                    .and_then(|d| serde_json::to_value(d).ok()),
                standing: self.body.standing.source,
                side_known: self.body.near().is_some(),
                lift_unsure: self.lift_unsure(),
            },
        )
    }

    /// Counts a frame the boundary refused before it reached [`Analyzer::push`].
    pub fn reject(&mut self, e: &FrameError) {
        self.recording.counts.total += 1;
        self.recording.reject(e);
    }
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
