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
//!
//! Where each part lives:
//! - `stages`: the steps ([`Stage`]), their instructions, and how many movements each wants
//!   ([`Targets`]);
//! - `hands`: the hands-on-pelvis check ([`hands_on_pelvis`], [`HandIssue`], [`gate`]);
//! - `segment`: the segmenter that cuts the live trunk angle into hinges down and rises;
//! - `judge`: one movement judged from its samples (engine, crane, or abstained), with
//!   [`drill_limits`];
//! - `limit`: the pelvic limit θ_T* fitted on the slow hinge ([`PELVIS_STOP_SLOPE`]);
//! - `report`: what the drill reports ([`Movement`], [`Calibration`], [`DrillReport`],
//!   [`DrillLive`]);
//! - here: [`DrillSession`], the stage machine that feeds them frame by frame.

mod hands;
mod judge;
mod limit;
mod report;
mod segment;
mod stages;

pub use hands::{gate, hands_on_pelvis, HandIssue};
pub use judge::drill_limits;
pub use limit::PELVIS_STOP_SLOPE;
pub use report::{Calibration, DrillLive, DrillReport, Movement};
pub use stages::{Stage, Targets};

use crate::motion::body::{median, Standing};
use crate::signal::features::{Frame, FrameSig, Points};
use judge::{judge_movement, series, Sample, Series, MOVE_PSI_HZ};
use limit::pelvic_limit;
use report::round1;
use segment::{Segment, ZigZag, MIN_MOVE_DEG};
use std::collections::VecDeque;

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

    /// Which of `counts` this stage's movements go to (the moving stages only).
    fn count_slot(&self) -> Option<usize> {
        match self.stage {
            Stage::BackOnly => Some(0),
            Stage::CraneUp => Some(1),
            Stage::EngineUp => Some(2),
            _ => None,
        }
    }

    /// How many movements this stage wants (1 for a stage without movements).
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
                    let sd = series(&self.samples, t - 1.5, t, MOVE_PSI_HZ).and_then(
                        |Series { psi, good, .. }| {
                            (good >= gate::MIN_GOOD_SHARE).then(|| sd_of(&psi))
                        },
                    );
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

    /// A closed trunk segment: a rise from a hinge is a movement to judge and count; in the slow
    /// hinge, the way down gives the pelvic limit.
    fn on_segment(&mut self, seg: Segment, standing: &Standing) {
        let rise = seg.th0 - seg.th1;
        if rise >= MIN_MOVE_DEG
            && seg.th0 - standing.trunk >= 15.0
            && self.stage >= Stage::BackOnly
            && self.stage != Stage::Done
        {
            // The trunk rose from a hinge: a drill movement.
            let to_upright = seg.th1 - standing.trunk < 12.0;
            let m = judge_movement(
                &self.samples,
                seg,
                self.stage,
                self.movements.len() as u32 + 1,
                to_upright,
                self.live_hands,
            );
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
            if let Some((limit, range)) =
                pelvic_limit(&self.samples, seg, self.calib.standing_pelvic_line_deg)
            {
                self.calib.pelvic_limit_trunk_deg = Some((limit * 10.0).round() / 10.0);
                self.calib.pelvic_range_deg = Some((range * 10.0).round() / 10.0);
                self.advance();
            }
        }
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
        DrillReport {
            stage: Some(self.stage),
            movements: self.movements.clone(),
            calibration: self.calib.clone(),
            summary: report::summary(&self.movements, &self.calib),
        }
    }
}

/// Standard deviation of the finite values.
fn sd_of(v: &[f64]) -> f64 {
    let v: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    if v.len() < 2 {
        return f64::INFINITY;
    }
    let m = v.iter().sum::<f64>() / v.len() as f64;
    (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / v.len() as f64).sqrt()
}
