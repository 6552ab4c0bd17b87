//! The seed's drill, "find your hinge": in a static hip hinge the thumb sits on the top of the
//! hip bone (iliac crest) and the index finger on the top of the thigh bone (greater
//! trochanter), so the line between them is the pelvic line (docs/biomechanics.md §1.5). The lifter
//! raises the back an inch with the pelvis left where it is (the crane pulled up by hand), comes
//! up leading with the lower back, then comes up letting the hip extensors move the pelvis with
//! the spine following (the engine). A slow hinge shows where the pelvis stops tilting: the
//! pelvic-limit trunk angle θ_T*, which makes the lift analysis personal (§5.4).
//!
//! [`DrillSession`] walks the stages, detects when each is done, and judges every movement from
//! the pelvic line against the trunk line: `engine` when the pelvic line turns first (or with
//! the trunk), `crane` when the trunk rises while the pelvic line stays. It abstains —
//! `unclear`, with the reason — whenever the hands are not clearly on the pelvis.

use super::sequence::{fit_minjerk, guided_onset};
use crate::motion::body::{median, Standing};
use crate::report::Verdict;
use crate::signal::features::{Frame, FrameSig, Points};
use crate::signal::zero_phase::{
    butterworth_lowpass, fill_nan, filtfilt, rep_filter, resample, MAX_BRIDGED_GAP_S,
};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// The steps of the drill, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Stand tall, side-on.
    Stand,
    /// Thumb on the top of the hip bone.
    FindCrest,
    /// Index finger on the top of the thigh bone.
    FindTrochanter,
    /// Hinge into the hang and hold still.
    Hang,
    /// Raise the back about an inch, pelvis left where it is (several times).
    BackOnly,
    /// Come fully upright with the lower back leading (the crane pulled up by hand).
    CraneUp,
    /// Come up letting the hips move the pelvis; the spine follows (the engine).
    EngineUp,
    /// Hinge slowly as deep as you can, then come up: where the pelvis stops is θ_T*.
    SlowHinge,
    Done,
}

impl Stage {
    /// What the lifter reads (and hears) at this stage.
    pub fn instruction(self) -> &'static str {
        match self {
            Stage::Stand => "Stand tall, side-on to the camera, whole body in view.",
            Stage::FindCrest => "Put your thumb on the top of your hip bone — the iliac crest — and leave it there.",
            Stage::FindTrochanter => "Now put your index finger on the top of your thigh bone — the greater trochanter — and leave it there.",
            Stage::Hang => "Hinge at the hips into the hang and hold still: this is your static hip hinge.",
            Stage::BackOnly => "Leave your pelvis where it is and raise your back about an inch, then go back down. Feel the lower back working.",
            Stage::CraneUp => "Now come all the way up with your lower back leading — the crane pulled up by hand. Then hinge back down.",
            Stage::EngineUp => "Brace the crane. Turn the engine on: squeeze your glutes and come up letting the hips move the pelvis. The back just holds.",
            Stage::SlowHinge => "Hinge down slowly, as deep as you can, then come back up.",
            Stage::Done => "Drill done.",
        }
    }
    /// The step's short name, for tables.
    pub fn label(self) -> &'static str {
        match self {
            Stage::Stand => "stand tall",
            Stage::FindCrest => "find crest",
            Stage::FindTrochanter => "find trochanter",
            Stage::Hang => "hang",
            Stage::BackOnly => "back only",
            Stage::CraneUp => "back-led up",
            Stage::EngineUp => "hips-led up",
            Stage::SlowHinge => "slow hinge",
            Stage::Done => "done",
        }
    }
    fn next(self) -> Stage {
        match self {
            Stage::Stand => Stage::FindCrest,
            Stage::FindCrest => Stage::FindTrochanter,
            Stage::FindTrochanter => Stage::Hang,
            Stage::Hang => Stage::BackOnly,
            Stage::BackOnly => Stage::CraneUp,
            Stage::CraneUp => Stage::EngineUp,
            Stage::EngineUp => Stage::SlowHinge,
            Stage::SlowHinge | Stage::Done => Stage::Done,
        }
    }
    /// What the stage asks the lifter to do, for comparing with what was seen.
    fn expects(self) -> Option<Verdict> {
        match self {
            Stage::BackOnly | Stage::CraneUp => Some(Verdict::Crane),
            Stage::EngineUp => Some(Verdict::Engine),
            _ => None,
        }
    }
}

/// How many movements each moving stage wants (the seed: "several", "five or so", "five").
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Targets {
    pub back_only: usize,
    pub crane_up: usize,
    pub engine_up: usize,
}

impl Default for Targets {
    fn default() -> Self {
        Targets {
            back_only: 3,
            crane_up: 3,
            engine_up: 5,
        }
    }
}

/// Quality gates (§1.5): hand landmarks visible, thumb and index apart, fingers at the pelvis.
pub mod gate {
    /// Hand landmark visibility for use.
    pub const HAND_VISIBILITY: f64 = 0.5;
    /// Thumb–index distance at least this (B): otherwise they are not on two landmarks.
    pub const THUMB_INDEX_MIN_B: f64 = 0.04;
    /// The index finger within this of the hip landmark (B): on the trochanter.
    pub const INDEX_AT_HIP_B: f64 = 0.12;
    /// The thumb within this of where the crest should be (B), 0.102 B up the pelvis from the hip.
    pub const THUMB_AT_CREST_B: f64 = 0.09;
    /// A movement is judged only if the hands passed the gates in this share of its frames…
    pub const MIN_GOOD_SHARE: f64 = 0.6;
    /// …and no single lapse (a hand landmark dropping out) lasted longer than this (s); shorter
    /// lapses are bridged.
    pub const MAX_LAPSE_S: f64 = 0.5;
    /// Pelvic-line steadiness in the hang (deg, SD): §1.5's < 3° on the hold.
    pub const HOLD_SD_DEG: f64 = 3.0;
}

/// Movement thresholds (EST: §1.5 gives the method, not cut-offs; set on the simulator's drill).
pub mod drill_limits {
    /// Pelvic rotation per degree of trunk rise below which the pelvis "stayed".
    pub const CRANE_SHARE: f64 = 0.35;
    /// Spine-lead index (mean spine progress − pelvis progress) at or below which the pelvis
    /// led (engine)…
    pub const ENGINE_INDEX: f64 = 0.0;
    /// …and at or above which the spine ran ahead of the pelvis (crane).
    pub const CRANE_INDEX: f64 = 0.10;
}

/// Why the hands do not count as on the pelvis this frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HandIssue {
    HandsNotVisible,
    FingersTogether,
    IndexNotOnTrochanter,
    ThumbNotOnCrest,
}

impl HandIssue {
    pub fn message(self) -> &'static str {
        match self {
            HandIssue::HandsNotVisible => "the camera cannot see your near hand",
            HandIssue::FingersTogether => "thumb and index finger are not on two points",
            HandIssue::IndexNotOnTrochanter => {
                "the index finger is not on the top of the thigh bone"
            }
            HandIssue::ThumbNotOnCrest => "the thumb is not on the top of the hip bone",
        }
    }
}

/// Checks the near hand on the pelvis (raw points, body frame).
pub fn hands_on_pelvis(p: &Points, fr: &Frame) -> Result<(), HandIssue> {
    let n = fr.near;
    let (th, ix, hip) = (n.thumb(), n.index(), n.hip());
    if p.v[th] < gate::HAND_VISIBILITY
        || p.v[ix] < gate::HAND_VISIBILITY
        || p.v[hip] < gate::HAND_VISIBILITY
    {
        return Err(HandIssue::HandsNotVisible);
    }
    let b = fr.b.max(1.0);
    if (p.p[th] - p.p[ix]).norm() / b < gate::THUMB_INDEX_MIN_B {
        return Err(HandIssue::FingersTogether);
    }
    if (p.p[ix] - p.p[hip]).norm() / b > gate::INDEX_AT_HIP_B {
        return Err(HandIssue::IndexNotOnTrochanter);
    }
    // The crest is about 0.1 B from the trochanter along the pelvis, in any tilt.
    let d = (p.p[th] - p.p[hip]).norm() / b;
    if (d - 0.102).abs() > gate::THUMB_AT_CREST_B {
        return Err(HandIssue::ThumbNotOnCrest);
    }
    Ok(())
}

/// One judged drill movement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Movement {
    pub index: u32,
    /// The stage it was done in (what was asked).
    pub stage: Stage,
    pub start_s: f64,
    pub top_s: f64,
    /// Came fully upright (false: a partial, back-only lift).
    pub to_upright: bool,
    /// engine | crane | unclear (abstained).
    pub verdict: Verdict,
    pub confidence: f64,
    /// Trunk-line rise and pelvic-line rotation over the movement (deg).
    pub trunk_rise_deg: f64,
    pub pelvis_rise_deg: Option<f64>,
    /// Pelvic rotation per degree of trunk rise over the movement.
    pub pelvis_share: Option<f64>,
    /// Mean of (spine progress − pelvis progress) over the rise, the spine being the trunk line
    /// minus the pelvic line: positive = the back un-bent ahead of the pelvis (the crane),
    /// negative = the pelvis turned ahead of the spine (the engine).
    pub trunk_lead_index: Option<f64>,
    /// t_on(trunk) − t_on(pelvis): positive = the pelvic line moved first (engine).
    pub lead_ms: Option<f64>,
    /// Whether the verdict is what the stage asked for.
    pub as_asked: Option<bool>,
    /// Why it abstained, if it did.
    pub abstain: Option<String>,
    pub message: String,
}

/// What the drill stores for the lift analysis (kept in the browser, exportable, deletable).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct Calibration {
    pub standing_trunk_deg: Option<f64>,
    pub standing_pelvic_line_deg: Option<f64>,
    pub hang_trunk_deg: Option<f64>,
    pub hang_pelvic_line_deg: Option<f64>,
    /// θ_T*: the trunk angle at which the pelvis stops tilting (the pelvic limit).
    pub pelvic_limit_trunk_deg: Option<f64>,
    /// The pelvis's anterior rotation from standing at the limit.
    pub pelvic_range_deg: Option<f64>,
}

/// The drill's report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct DrillReport {
    pub stage: Option<Stage>,
    pub movements: Vec<Movement>,
    pub calibration: Calibration,
    pub summary: String,
}

/// What the page shows live.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DrillLive {
    pub stage: Stage,
    pub instruction: String,
    /// Movements done in this stage and how many it wants.
    pub count: usize,
    pub target: usize,
    /// Live pelvic line (from thumb to index) and trunk line angles (deg), and the pelvis's
    /// and trunk's changes from standing.
    pub pelvic_line_deg: Option<f64>,
    pub trunk_deg: Option<f64>,
    pub pelvis_change_deg: Option<f64>,
    pub trunk_change_deg: Option<f64>,
    pub hands: Option<HandIssue>,
    /// 0..1 now: the pelvic line turning as the trunk rises (the engine), and the trunk rising
    /// while the pelvic line stays (the crane pulled up by hand).
    pub engine: f64,
    pub crane: f64,
    /// Set on the frame the stage changed, for the page to speak the new instruction.
    pub stage_changed: bool,
    /// Set on the frame a movement was judged.
    pub new_movement: bool,
}

#[derive(Clone, Copy, Debug)]
struct Sample {
    t: f64,
    trunk: f64,
    psi: f64,
    hands_ok: bool,
}

/// Zig-zag segmentation of the live trunk angle: a segment closes when the trunk reverses by
/// more than `REVERSAL_DEG` (or settles at the top).
#[derive(Clone, Copy, Debug)]
struct ZigZag {
    extreme: f64,
    t_extreme: f64,
    start: f64,
    t_start: f64,
    rising: Option<bool>,
    still_since: Option<f64>,
}

const REVERSAL_DEG: f64 = 2.5;
const MIN_MOVE_DEG: f64 = 4.0;

/// A closed trunk segment: from `t0` (θ0) to `t1` (θ1).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Segment {
    t0: f64,
    t1: f64,
    th0: f64,
    th1: f64,
}

impl ZigZag {
    fn new(t: f64, x: f64) -> Self {
        ZigZag {
            extreme: x,
            t_extreme: t,
            start: x,
            t_start: t,
            rising: None,
            still_since: None,
        }
    }

    /// Feeds the live trunk angle; returns a segment when one closes.
    fn step(&mut self, t: f64, x: f64, speed: f64) -> Option<Segment> {
        match self.rising {
            None => {
                if (x - self.start).abs() >= REVERSAL_DEG {
                    // Trunk angle growing = hinging down; shrinking = the trunk rising.
                    self.rising = Some(x < self.start);
                    self.extreme = x;
                    self.t_extreme = t;
                } else if (x - self.start).abs() < 0.5 {
                    self.t_start = t;
                }
                None
            }
            Some(up) => {
                let further = if up {
                    x < self.extreme
                } else {
                    x > self.extreme
                };
                if further {
                    self.extreme = x;
                    self.t_extreme = t;
                    self.still_since = None;
                    return None;
                }
                let reversed = (x - self.extreme).abs() >= REVERSAL_DEG;
                let settled = speed.abs() < 8.0 && {
                    let s = *self.still_since.get_or_insert(t);
                    t - s >= 0.4
                };
                if reversed || (settled && (self.extreme - self.start).abs() >= MIN_MOVE_DEG) {
                    let seg = Segment {
                        t0: self.t_start,
                        t1: self.t_extreme,
                        th0: self.start,
                        th1: self.extreme,
                    };
                    self.start = self.extreme;
                    self.t_start = self.t_extreme;
                    self.rising = if reversed { Some(!up) } else { None };
                    self.extreme = x;
                    self.t_extreme = t;
                    self.still_since = None;
                    return Some(seg);
                }
                None
            }
        }
    }
}

/// The drill, frame by frame.
#[derive(Clone, Debug)]
pub struct DrillSession {
    pub targets: Targets,
    stage: Stage,
    samples: VecDeque<Sample>,
    zig: Option<ZigZag>,
    prev_live: Option<(f64, f64)>,
    hands_since: Option<f64>,
    crest_since: Option<f64>,
    still_since: Option<(f64, f64)>,
    counts: [usize; 3],
    movements: Vec<Movement>,
    calib: Calibration,
    stage_changed: bool,
    new_movement: bool,
    live_hands: Option<HandIssue>,
    live_psi: Option<f64>,
    prev_psi: Option<(f64, f64)>,
    engine: f64,
    crane: f64,
    live_trunk: Option<f64>,
    standing_trunk: f64,
}

/// Raw samples kept (s): long enough for the slowest movement and the slow hinge.
const KEEP_S: f64 = 30.0;

impl DrillSession {
    pub fn new(targets: Targets) -> Self {
        DrillSession {
            targets,
            stage: Stage::Stand,
            samples: VecDeque::with_capacity(2048),
            zig: None,
            prev_live: None,
            hands_since: None,
            crest_since: None,
            still_since: None,
            counts: [0; 3],
            movements: Vec::new(),
            calib: Calibration::default(),
            stage_changed: true,
            new_movement: false,
            live_hands: None,
            live_psi: None,
            prev_psi: None,
            engine: 0.0,
            crane: 0.0,
            live_trunk: None,
            standing_trunk: 0.0,
        }
    }

    pub fn stage(&self) -> Stage {
        self.stage
    }

    /// Moves on to the next stage (the page's "skip").
    pub fn skip(&mut self) {
        self.advance();
    }

    fn advance(&mut self) {
        self.stage = self.stage.next();
        self.stage_changed = true;
        self.hands_since = None;
        self.crest_since = None;
        self.still_since = None;
    }

    fn count_slot(&self) -> Option<usize> {
        match self.stage {
            Stage::BackOnly => Some(0),
            Stage::CraneUp => Some(1),
            Stage::EngineUp => Some(2),
            _ => None,
        }
    }

    fn target(&self) -> usize {
        match self.stage {
            Stage::BackOnly => self.targets.back_only,
            Stage::CraneUp => self.targets.crane_up,
            Stage::EngineUp => self.targets.engine_up,
            _ => 1,
        }
    }

    /// One frame: raw points and signals (for measuring), live signals (for detecting), the
    /// body frame and the standing reference.
    pub fn push(
        &mut self,
        t: f64,
        raw_pts: &Points,
        raw: &FrameSig,
        live: &FrameSig,
        fr: &Frame,
        standing: &Standing,
    ) {
        self.stage_changed = false;
        self.new_movement = false;
        let hands = hands_on_pelvis(raw_pts, fr);
        self.live_hands = hands.err();
        self.live_psi = live.pelvic_line.is_finite().then_some(live.pelvic_line);
        self.live_trunk = live.trunk.is_finite().then_some(live.trunk);
        self.standing_trunk = standing.trunk;
        let psi = if hands.is_ok() {
            raw.pelvic_line
        } else {
            f64::NAN
        };
        self.samples.push_back(Sample {
            t,
            trunk: raw.trunk,
            psi,
            hands_ok: hands.is_ok(),
        });
        while self.samples.front().is_some_and(|s| t - s.t > KEEP_S) {
            self.samples.pop_front();
        }
        let speed = match self.prev_live {
            Some((t0, x0)) if t > t0 => (live.trunk - x0) / (t - t0),
            _ => 0.0,
        };
        self.prev_live = Some((t, live.trunk));
        // Live indicators: while the trunk rises, is the pelvic line turning with it?
        let psi_speed = match (self.prev_psi, live.pelvic_line.is_finite() && hands.is_ok()) {
            (Some((t0, p0)), true) if t > t0 => Some((live.pelvic_line - p0) / (t - t0)),
            _ => None,
        };
        self.prev_psi =
            (live.pelvic_line.is_finite() && hands.is_ok()).then_some((t, live.pelvic_line));
        let rising = -speed;
        let (e, c) = match psi_speed {
            Some(ps) if rising > 10.0 => {
                let share = (-ps / rising).clamp(0.0, 1.5);
                (
                    ((share - 0.3) / 0.5).clamp(0.0, 1.0),
                    ((0.5 - share) / 0.4).clamp(0.0, 1.0),
                )
            }
            _ => (0.0, 0.0),
        };
        self.engine = e.max(self.engine - 0.08).max(0.0);
        self.crane = c.max(self.crane - 0.08).max(0.0);
        let upright = live.trunk.is_finite()
            && (live.trunk - standing.trunk).abs() < 12.0
            && live.knee < 30.0;
        match self.stage {
            Stage::Stand => {
                if upright && live.quality >= 0.6 {
                    let s = *self.still_since.get_or_insert((t, live.trunk));
                    if t - s.0 >= 1.0 {
                        self.advance();
                    }
                } else {
                    self.still_since = None;
                }
            }
            Stage::FindCrest => {
                let thumb_ok = hands.is_ok() || hands == Err(HandIssue::IndexNotOnTrochanter);
                if upright && thumb_ok {
                    let s = *self.crest_since.get_or_insert(t);
                    if t - s >= 0.8 {
                        self.advance();
                    }
                } else {
                    self.crest_since = None;
                }
            }
            Stage::FindTrochanter => {
                if upright && hands.is_ok() {
                    let s = *self.hands_since.get_or_insert(t);
                    if t - s >= 1.0 {
                        self.calib.standing_trunk_deg = self.recent_median(t, 0.8, |s| s.trunk);
                        self.calib.standing_pelvic_line_deg = self.recent_median(t, 0.8, |s| s.psi);
                        self.advance();
                        self.zig = Some(ZigZag::new(t, live.trunk));
                    }
                } else {
                    self.hands_since = None;
                }
            }
            Stage::Hang => {
                let deep = live.trunk - standing.trunk >= 25.0;
                let (s0, x0) = *self.still_since.get_or_insert((t, live.trunk));
                if !deep || (live.trunk - x0).abs() > 3.0 {
                    self.still_since = Some((t, live.trunk));
                } else if t - s0 >= 1.5 && hands.is_ok() {
                    let sd = self
                        .series(t - 1.5, t, MOVE_PSI_HZ)
                        .and_then(|(_, _, psi, good)| {
                            (good >= gate::MIN_GOOD_SHARE).then(|| sd_of(&psi))
                        });
                    if sd.is_some_and(|sd| sd < gate::HOLD_SD_DEG) {
                        self.calib.hang_trunk_deg = self.recent_median(t, 1.0, |s| s.trunk);
                        self.calib.hang_pelvic_line_deg = self.recent_median(t, 1.0, |s| s.psi);
                        self.advance();
                    }
                }
            }
            _ => {}
        }
        // Movements, once the hands have been placed.
        if self.stage >= Stage::Hang {
            let zig = self.zig.get_or_insert_with(|| ZigZag::new(t, live.trunk));
            if live.trunk.is_finite() {
                if let Some(seg) = zig.step(t, live.trunk, speed) {
                    self.on_segment(seg, standing);
                }
            }
        }
    }

    fn recent<'a>(&'a self, t: f64, span: f64) -> impl Iterator<Item = &'a Sample> + 'a {
        self.samples.iter().filter(move |s| t - s.t <= span)
    }

    fn recent_median(&self, t: f64, span: f64, f: fn(&Sample) -> f64) -> Option<f64> {
        let mut v: Vec<f64> = self
            .recent(t, span)
            .map(f)
            .filter(|x| x.is_finite())
            .collect();
        median(&mut v)
    }

    fn on_segment(&mut self, seg: Segment, standing: &Standing) {
        let rise = seg.th0 - seg.th1;
        if rise >= MIN_MOVE_DEG
            && seg.th0 - standing.trunk >= 15.0
            && self.stage >= Stage::BackOnly
            && self.stage != Stage::Done
        {
            // The trunk rose from a hinge: a drill movement.
            let to_upright = seg.th1 - standing.trunk < 12.0;
            let m = self.judge(seg, to_upright);
            let counts_here = match self.stage {
                Stage::BackOnly => true,
                Stage::CraneUp | Stage::EngineUp => to_upright,
                _ => false,
            };
            self.movements.push(m);
            self.new_movement = true;
            if counts_here {
                if let Some(slot) = self.count_slot() {
                    self.counts[slot] += 1;
                    if self.counts[slot] >= self.target() {
                        self.advance();
                    }
                }
            }
        } else if -rise >= 30.0 && self.stage == Stage::SlowHinge {
            // The slow hinge down: where does the pelvis stop?
            if let Some((limit, range)) = self.pelvic_limit(seg) {
                self.calib.pelvic_limit_trunk_deg = Some((limit * 10.0).round() / 10.0);
                self.calib.pelvic_range_deg = Some((range * 10.0).round() / 10.0);
                self.advance();
            }
        }
    }

    /// Resampled, zero-phase filtered trunk and pelvic-line series over `[t0, t1]`, with the
    /// share of frames where the hands passed the gates.
    fn series(
        &self,
        t0: f64,
        t1: f64,
        psi_cutoff_hz: f64,
    ) -> Option<(f64, Vec<f64>, Vec<f64>, f64)> {
        let w: Vec<&Sample> = self
            .samples
            .iter()
            .filter(|s| s.t >= t0 && s.t <= t1)
            .collect();
        if w.len() < 8 {
            return None;
        }
        let mut good = w.iter().filter(|s| s.hands_ok).count() as f64 / w.len() as f64;
        // A lapse longer than the bridgeable gap fails the window outright.
        let (mut lapse_from, mut longest) = (None::<f64>, 0.0f64);
        for s in &w {
            match (s.hands_ok, lapse_from) {
                (false, None) => lapse_from = Some(s.t),
                (true, Some(t0)) => {
                    longest = longest.max(s.t - t0);
                    lapse_from = None;
                }
                _ => {}
            }
        }
        if let Some(t0) = lapse_from {
            longest = longest.max(w[w.len() - 1].t - t0);
        }
        if longest > gate::MAX_LAPSE_S {
            good = 0.0;
        }
        let fs = 30.0;
        let t: Vec<f64> = w.iter().map(|s| s.t).collect();
        let mut trunk = resample(
            &t,
            &w.iter().map(|s| s.trunk).collect::<Vec<_>>(),
            t0,
            t1,
            fs,
            MAX_BRIDGED_GAP_S,
        );
        let mut psi = resample(
            &t,
            &w.iter().map(|s| s.psi).collect::<Vec<_>>(),
            t0,
            t1,
            fs,
            0.5,
        );
        fill_nan(&mut trunk);
        fill_nan(&mut psi);
        if trunk.iter().any(|v| !v.is_finite()) {
            return None;
        }
        let trunk = filtfilt(&rep_filter(fs), &trunk);
        // The hand points are coarse: the pelvic line gets a lower cutoff (the drill is slow).
        let psi = if psi.iter().all(|v| v.is_finite()) {
            filtfilt(&butterworth_lowpass(psi_cutoff_hz, fs), &psi)
        } else {
            psi
        };
        Some((fs, trunk, psi, good))
    }

    /// Judges one movement: did the pelvic line turn first (engine) or did the trunk rise while
    /// it stayed (crane)?
    fn judge(&self, seg: Segment, to_upright: bool) -> Movement {
        let stage = self.stage;
        let mut m = Movement {
            index: self.movements.len() as u32 + 1,
            stage,
            start_s: round3(seg.t0),
            top_s: round3(seg.t1),
            to_upright,
            verdict: Verdict::Unclear,
            confidence: 0.0,
            trunk_rise_deg: round1(seg.th0 - seg.th1),
            pelvis_rise_deg: None,
            pelvis_share: None,
            trunk_lead_index: None,
            lead_ms: None,
            as_asked: None,
            abstain: None,
            message: String::new(),
        };
        let pre = 0.4;
        let Some((fs, trunk, psi, good)) = self.series(seg.t0 - pre, seg.t1 + 0.3, MOVE_PSI_HZ)
        else {
            m.abstain = Some("too few frames".into());
            m.message = "Can't judge that movement: too few frames.".into();
            return m;
        };
        if good < gate::MIN_GOOD_SHARE || psi.iter().any(|v| !v.is_finite()) {
            let issue = self
                .live_hands
                .map(|h| h.message())
                .unwrap_or("your thumb and index finger were not on the pelvis for most of it");
            m.abstain = Some(issue.to_string());
            m.message = format!("Can't tell crane from engine on that one: {issue}. Keep the thumb on the hip bone and the index finger on the thigh bone.");
            return m;
        }
        let i0 = ((pre * fs) as usize).min(trunk.len() - 1);
        let i1 = (((seg.t1 - seg.t0 + pre) * fs) as usize).min(trunk.len() - 1);
        if i1 <= i0 + 3 {
            return m;
        }
        let trunk_rise = trunk[i0] - trunk[i1];
        // Pelvic rotation by regression of ψ on the trunk's progress over the movement and the
        // still moment before it: less sensitive to hand-landmark noise than two end points.
        let progress: Vec<f64> = trunk
            .iter()
            .map(|v| ((trunk[i0] - v) / trunk_rise).clamp(0.0, 1.0))
            .collect();
        let (lo, hi) = (0, (i1 + (0.15 * fs) as usize).min(trunk.len() - 1));
        let n = (hi - lo + 1) as f64;
        let (mx, my) = (
            progress[lo..=hi].iter().sum::<f64>() / n,
            psi[lo..=hi].iter().sum::<f64>() / n,
        );
        let (mut sxy, mut sxx) = (0.0, 0.0);
        for k in lo..=hi {
            sxy += (progress[k] - mx) * (psi[k] - my);
            sxx += (progress[k] - mx) * (progress[k] - mx);
        }
        let pelvis_rise = if sxx > 1e-6 { -(sxy / sxx) } else { 0.0 };
        let share = pelvis_rise / trunk_rise.max(1e-6);
        m.pelvis_rise_deg = Some(round1(pelvis_rise));
        m.pelvis_share = Some((share * 100.0).round() / 100.0);
        // §1.5: the trunk line minus the pelvic line is the spine's part. Which moved first, the
        // spine (the back pulling the crane up) or the pelvis (the engine turning it)? The mean
        // over the rise of (spine progress − pelvis progress), like §5.2's A2.
        let spine: Vec<f64> = trunk.iter().zip(&psi).map(|(t, p)| t - p).collect();
        // End values averaged over ±2 samples: the hand points are the noisiest input.
        let near = |x: &[f64], k: usize| {
            let (a, b) = (k.saturating_sub(2), (k + 2).min(x.len() - 1));
            x[a..=b].iter().sum::<f64>() / (b - a + 1) as f64
        };
        let (s0, p0) = (near(&spine, i0), near(&psi, i0));
        let (spine_rise, d) = (s0 - near(&spine, i1), p0 - near(&psi, i1));
        let index = (pelvis_rise >= 5.0 && d >= 5.0 && spine_rise.abs() >= 3.0).then(|| {
            let sum: f64 = (i0..=i1)
                .map(|k| {
                    ((s0 - spine[k]) / spine_rise).clamp(0.0, 1.0)
                        - ((p0 - psi[k]) / d).clamp(0.0, 1.0)
                })
                .sum();
            sum / (i1 - i0 + 1) as f64
        });
        m.trunk_lead_index = index.map(|x| (x * 100.0).round() / 100.0);
        // Timing, when the pelvic line really moved: the pelvis's onset against the trunk's.
        let t0_min = i0 as f64 - 0.4 * fs;
        let end = hi;
        if pelvis_rise >= 5.0 {
            let tf = fit_minjerk(
                &trunk,
                i0.saturating_sub((0.2 * fs) as usize),
                end,
                t0_min,
                end as f64,
                0.2 * fs,
                3.0 * fs,
            );
            let pf = fit_minjerk(
                &psi,
                i0.saturating_sub((0.2 * fs) as usize),
                end,
                t0_min,
                end as f64,
                0.2 * fs,
                3.0 * fs,
            );
            if let (Some(tf), Some(pf)) = (tf, pf) {
                if tf.from > tf.to && pf.from > pf.to {
                    m.lead_ms = Some(
                        ((guided_onset(&trunk, &tf, fs) - guided_onset(&psi, &pf, fs)) * 1000.0
                            / fs)
                            .round(),
                    );
                }
            }
        }
        // Noise of the pelvic line: its scatter around a smooth version.
        let noise = {
            let smooth = filtfilt(&butterworth_lowpass(1.0, fs), &psi);
            let r: Vec<f64> = psi.iter().zip(&smooth).map(|(a, b)| a - b).collect();
            (r.iter().map(|x| x * x).sum::<f64>() / r.len() as f64).sqrt()
        };
        // Thresholds (EST): the pelvic line turning less than a third as much as the trunk is
        // the crane of a back-only lift; for a full rise, the trunk running ahead of the pelvic
        // line is the crane, the pelvis ahead of (or with) the trunk the engine.
        let (verdict, certainty) = if share < drill_limits::CRANE_SHARE {
            // The trunk rose while the pelvic line stayed: the crane pulled up by hand.
            (
                Verdict::Crane,
                ((drill_limits::CRANE_SHARE - share) / drill_limits::CRANE_SHARE).clamp(0.0, 1.0),
            )
        } else if let Some(l) = index {
            if l <= drill_limits::ENGINE_INDEX {
                (
                    Verdict::Engine,
                    ((drill_limits::ENGINE_INDEX - l) / 0.15 + 0.3).clamp(0.3, 1.0),
                )
            } else if l >= drill_limits::CRANE_INDEX {
                (
                    Verdict::Crane,
                    ((l - drill_limits::CRANE_INDEX) / 0.15 + 0.3).clamp(0.3, 1.0),
                )
            } else {
                (Verdict::Unclear, 0.0)
            }
        } else if share >= 0.6 {
            (Verdict::Engine, 0.5)
        } else {
            (Verdict::Unclear, 0.0)
        };
        let confidence = if verdict == Verdict::Unclear {
            0.0
        } else {
            (0.5 + 0.5 * certainty) * (1.0 - (noise / 10.0).min(0.6))
        };
        m.verdict = verdict;
        m.confidence = (confidence * 100.0).round() / 100.0;
        m.as_asked = stage
            .expects()
            .filter(|_| verdict != Verdict::Unclear)
            .map(|e| e == verdict);
        m.message = match verdict {
            Verdict::Crane if !to_upright => format!("Crane: your back came up {:.0}° while the pelvis stayed put — that is lifting with the back.", trunk_rise),
            Verdict::Crane => "Crane: your back led and the pelvis followed late — the crane pulled up by hand.".to_string(),
            Verdict::Engine => "Engine: the pelvis turned first and the spine followed — the hips hoisted the crane.".to_string(),
            Verdict::Unclear => "Mixed: the pelvis and the back moved together — try again, slower.".to_string(),
        };
        m
    }

    /// θ_T* from the slow hinge: where the pelvic line stops turning with the trunk line.
    fn pelvic_limit(&self, seg: Segment) -> Option<(f64, f64)> {
        let (_, trunk, psi, good) = self.series(seg.t0, seg.t1, SLOW_HINGE_PSI_HZ)?;
        if good < gate::MIN_GOOD_SHARE || psi.iter().any(|v| !v.is_finite()) {
            return None;
        }
        // Only while the trunk keeps inclining.
        let pts: Vec<(f64, f64)> = trunk
            .windows(2)
            .zip(&psi)
            .filter(|(w, _)| w[1] > w[0])
            .map(|(w, p)| (w[0], *p))
            .collect();
        if pts.len() < 20 {
            return None;
        }
        // dψ/dθ_T by local regression in windows ±4° of trunk angle; θ_T* is where it falls
        // below 0.2 for the rest of the hinge (§1.5).
        let (tmin, tmax) = pts
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.0), b.max(p.0)));
        let slope_at = |c: f64| {
            let w: Vec<&(f64, f64)> = pts.iter().filter(|p| (p.0 - c).abs() <= 4.0).collect();
            if w.len() < 6 {
                return None;
            }
            let n = w.len() as f64;
            let (mx, my) = (
                w.iter().map(|p| p.0).sum::<f64>() / n,
                w.iter().map(|p| p.1).sum::<f64>() / n,
            );
            let sxx: f64 = w.iter().map(|p| (p.0 - mx) * (p.0 - mx)).sum();
            (sxx > 1.0).then(|| w.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum::<f64>() / sxx)
        };
        // The first trunk angle, after the pelvis has been turning, from which the slope stays
        // below 0.2 for the next 8° (or to the end): a noise blip later on does not move it.
        let mut slopes = Vec::new();
        let mut c = tmin + 4.0;
        while c <= tmax - 4.0 {
            if let Some(sl) = slope_at(c) {
                slopes.push((c, sl));
            }
            c += 0.5;
        }
        let rising_seen = slopes.iter().any(|&(_, sl)| sl >= PELVIS_STOP_SLOPE);
        let limit = slopes.iter().enumerate().find_map(|(k, &(c, sl))| {
            let turned = slopes[..k].iter().any(|&(_, s)| s >= PELVIS_STOP_SLOPE);
            let stays = slopes[k..]
                .iter()
                .take_while(|&&(c2, _)| c2 <= c + 8.0)
                .all(|&(_, s)| s < PELVIS_STOP_SLOPE);
            (turned && sl < PELVIS_STOP_SLOPE && stays).then_some(c - 0.25)
        });
        let limit = limit.filter(|l| rising_seen && *l < tmax - 5.0)?;
        let psi_at = |th: f64| {
            pts.iter()
                .min_by(|a, b| (a.0 - th).abs().total_cmp(&(b.0 - th).abs()))
                .map(|p| p.1)
        };
        let range = psi_at(limit)? - self.calib.standing_pelvic_line_deg.or(psi_at(tmin))?;
        Some((limit, range))
    }

    /// The live state for the page.
    pub fn live(&self) -> DrillLive {
        let standing_psi = self.calib.standing_pelvic_line_deg;
        DrillLive {
            stage: self.stage,
            instruction: self.stage.instruction().to_string(),
            count: self.count_slot().map(|s| self.counts[s]).unwrap_or(0),
            target: self.target(),
            pelvic_line_deg: self.live_psi.map(round1),
            trunk_deg: self.live_trunk.map(round1),
            pelvis_change_deg: self.live_psi.zip(standing_psi).map(|(a, b)| round1(a - b)),
            trunk_change_deg: self.live_trunk.map(|t| round1(t - self.standing_trunk)),
            hands: self.live_hands,
            engine: self.engine,
            crane: self.crane,
            stage_changed: self.stage_changed,
            new_movement: self.new_movement,
        }
    }

    pub fn movements(&self) -> &[Movement] {
        &self.movements
    }

    pub fn calibration(&self) -> &Calibration {
        &self.calib
    }

    /// The drill's report.
    pub fn report(&self) -> DrillReport {
        let judged = |stage: Stage| self.movements.iter().filter(move |m| m.stage == stage);
        let mut lines = Vec::new();
        for (stage, asked, name) in [
            (Stage::BackOnly, Verdict::Crane, "Back-only lifts"),
            (
                Stage::CraneUp,
                Verdict::Crane,
                "Lifts with the back leading",
            ),
            (Stage::EngineUp, Verdict::Engine, "Engine lifts"),
        ] {
            let all: Vec<&Movement> = judged(stage).collect();
            if all.is_empty() {
                continue;
            }
            let seen = all.iter().filter(|m| m.verdict == asked).count();
            let unclear = all.iter().filter(|m| m.verdict == Verdict::Unclear).count();
            let word = if asked == Verdict::Crane {
                "crane"
            } else {
                "engine"
            };
            lines.push(format!(
                "{name}: {seen} of {} seen as {word}{}",
                all.len(),
                if unclear > 0 {
                    format!(" ({unclear} unclear)")
                } else {
                    String::new()
                }
            ));
        }
        if let Some(l) = self.calib.pelvic_limit_trunk_deg {
            lines.push(format!("Your pelvis stops tilting at a trunk angle of {l:.0}°: hinge no deeper than that in your lifts"));
        }
        DrillReport {
            stage: Some(self.stage),
            movements: self.movements.clone(),
            calibration: self.calib.clone(),
            summary: if lines.is_empty() {
                String::new()
            } else {
                format!("{}.", lines.join(". "))
            },
        }
    }
}

/// Pelvic-line low-pass for movements (about a second long) and for the slow hinge (several
/// seconds): the hand points are coarse, the drill is slow.
const MOVE_PSI_HZ: f64 = 2.5;
const SLOW_HINGE_PSI_HZ: f64 = 1.0;

/// Below this dψ/dθ_T the pelvis has stopped tilting (§1.5, EST).
pub const PELVIS_STOP_SLOPE: f64 = 0.2;

/// Standard deviation of the finite values.
fn sd_of(v: &[f64]) -> f64 {
    let v: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    if v.len() < 2 {
        return f64::INFINITY;
    }
    let m = v.iter().sum::<f64>() / v.len() as f64;
    (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / v.len() as f64).sqrt()
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}
