//! The phase and rep state machine (docs/biomechanics.md §4.1, §4.2), driven by how far the
//! shoulders have dropped below standing height, in percent (`motion::posture`): the one depth
//! signal every view and every pose source gives. Thresholds scale with a running depth
//! reference D_ref; every transition holds for 100 ms; start and lockout have hysteresis.
//!
//! Real clips do not all start standing. Until the lifter has been seen standing (upright by
//! the angles, or at the top of a counted rep) the machine is *unanchored*: the standing height
//! is unknown, so it does not start descents from wherever the clip began; it watches for a
//! rise from the lowest point seen to a new top instead — a clip that opens at the bottom of a
//! deadlift or mid-float counts that lift — and confirms it when the lifter stands, goes back
//! down from that top, leaves the picture through its top edge, or the clip ends.
//!
//! Also handled: a lifter whose head leaves the picture at lockout (a close camera) gets the
//! rep; a one-frame glitch is skipped; a jump that holds is a cut in the video (the machine
//! starts over, counting nothing across it); an "ascent" faster than a lifter can move is a cut
//! the pose model smoothed; tracking lost for 0.5 s pauses and drops the rep in progress.
//!
//! It only finds candidate reps (start, bottom, lockout) live; their refined event times and
//! everything judged about them come from the zero-phase per-rep analysis in `coach`.

use super::posture::Posture;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// The live phase shown on the overlay.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Standing / at the top between reps.
    #[default]
    Top,
    Descent,
    Ascent,
    /// Tracking lost: waiting for the lifter to come back into view.
    Paused,
}

impl Phase {
    pub fn label(self) -> &'static str {
        match self {
            Phase::Top => "top",
            Phase::Descent => "down",
            Phase::Ascent => "up",
            Phase::Paused => "paused",
        }
    }
}

/// Machine parameters (all EST, docs/biomechanics.md Appendix A, in percent of standing height).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MachineParams {
    /// Initial depth reference D_ref: how far the shoulders drop in a rep (%). A swing drops
    /// them 20–30 % of standing height, a deadlift 35–45 %, an RDL about 35 %.
    pub d_ref0: f64,
    /// Longest descent or ascent before it is abandoned (s).
    pub timeout_s: f64,
}

impl Default for MachineParams {
    fn default() -> Self {
        MachineParams {
            d_ref0: 30.0,
            timeout_s: 10.0,
        }
    }
}

/// The shortest real ascent from leaving the bottom to lockout (s), and the fastest rise of
/// the shoulders (% of standing height per second, averaged over the ascent). Real swings rise
/// 20–30 % in ≥ 0.37 s (≤ 80 %/s), deadlifts 38 % in ≥ 0.5 s, the simulator's quickest shallow
/// swings 18 % in 0.2 s (90 %/s): twice that is no lifter — a cut or loop in the video that the
/// pose model smoothed over a few frames (EST; cadence > 40 swings/min, §4.2 src 9).
pub const MIN_ASCENT_S: f64 = 0.12;
pub const MAX_RISE_PER_S: f64 = 160.0;
/// A rep seen from an unknown start must rise at least this much (% of the top's height):
/// more than a lifter's set-up wiggle at the bottom (up to ≈ 19 % seen), less than any real
/// lift from the floor (≥ 33 %) or a swing's backswing (≥ 20 %).
const UNANCHORED_RISE: f64 = 20.0;
/// A jump of the shoulders by this share of standing height between two frames is not a
/// movement (7.5 heights per second at 30 fps).
const JUMP: f64 = 0.25;
/// At the end of a clip, an ascent that has come this far up (share of its depth) counts.
const END_RECOVERED: f64 = 0.7;

/// How a rep's lockout was seen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum RepEnd {
    /// Standing tall after the ascent.
    #[default]
    Lockout,
    /// The lifter rose out of the picture through its top edge: the lockout was not seen.
    LeftPicture,
    /// The clip ended as the lifter was nearly up.
    ClipEnd,
}

/// A rep found live: candidate event times (s) and the depth reached.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Candidate {
    pub t_start: f64,
    pub t_bottom: f64,
    pub t_lockout: f64,
    /// Peak drop of the shoulders (% of standing height).
    pub depth: f64,
    pub end: RepEnd,
    /// The descent was not seen (the clip started low): `t_start` is where the clip began.
    pub from_unseen_start: bool,
}

/// What a step of the machine reports.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Event {
    DescentStarted {
        t: f64,
    },
    /// Bottom confirmed (back-dated to the extremum).
    Bottom {
        t: f64,
        depth: f64,
    },
    /// A rep reached lockout: count it.
    Lockout(Candidate),
    /// The lifter went down a little and came back up: no rep.
    PartialDip {
        depth: f64,
    },
    /// A descent or ascent took too long: abandoned.
    Timeout,
    /// An "ascent" from bottom to lockout faster than a lifter can move: not counted.
    TooFast,
    /// The picture jumped and stayed (a cut or loop in the video): started over.
    Cut,
    Paused,
    Resumed,
}

/// Holds a condition for 100 ms (or 3 frames, whichever comes first) before it counts (§4.1).
#[derive(Clone, Copy, Debug, Default)]
struct Persist {
    since: Option<f64>,
    frames: u32,
}

impl Persist {
    fn check(&mut self, cond: bool, t: f64) -> bool {
        self.check_for(cond, t, 3, 0.1)
    }
    fn check_for(&mut self, cond: bool, t: f64, frames: u32, secs: f64) -> bool {
        if !cond {
            *self = Persist::default();
            return false;
        }
        let since = *self.since.get_or_insert(t);
        self.frames += 1;
        self.frames >= frames || (self.frames >= 2 && t - since >= secs)
    }
}

/// A rep rising from a bottom the machine did not see start (unanchored).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Rising {
    t_start: f64,
    t_bottom: f64,
    t_top: f64,
    low: f64,
    top: f64,
}

/// The standing height: the highest the shoulders have been (a median of three frames, so
/// one glitch does not set it).
#[derive(Clone, Debug, Default)]
struct StandingHeight {
    recent: VecDeque<f64>,
    best: Option<f64>,
}

impl StandingHeight {
    fn push(&mut self, h: f64) -> f64 {
        if self.recent.len() == 3 {
            self.recent.pop_front();
        }
        self.recent.push_back(h);
        let mut v: Vec<f64> = self.recent.iter().copied().collect();
        v.sort_by(|a, b| a.total_cmp(b));
        if v.len() == 3 {
            let m = v[1];
            let best = self.best.map_or(m, |b| b.max(m));
            self.best = Some(best);
            best
        } else {
            // Too few frames for a median: the lowest (a first frame may be a glitch).
            self.best.map_or(v[0], |b| b.max(v[0]))
        }
    }
}

/// The generic hinge machine.
#[derive(Clone, Debug)]
pub struct RepMachine {
    p: MachineParams,
    pub phase: Phase,
    d_ref: f64,
    recent: VecDeque<(f64, f64)>,
    phase_since: f64,
    t_low: f64,
    top_min: f64,
    extreme: f64,
    t_extreme: f64,
    t_start: f64,
    t_bottom: f64,
    /// The last moment still on the bottom plateau (within 3 % of the deepest).
    t_leave_bottom: f64,
    depth: f64,
    go_down: Persist,
    turn_up: Persist,
    lock: Persist,
    back_down: Persist,
    stand: Persist,
    lost_since: Option<f64>,
    good_since: Option<f64>,
    standing: StandingHeight,
    /// The lifter has been seen standing: the standing height is known.
    anchored: bool,
    /// Unanchored: the lowest point since the start, and a rise from it.
    low: Option<(f64, f64)>,
    /// The height the frame before had, while unanchored: a low must hold two frames.
    watch_prev: Option<f64>,
    rising: Option<Rising>,
    t_first: Option<f64>,
    /// The latest frame seen: (t, drop %, head at the top edge).
    last: Option<(f64, f64, bool)>,
    prev_height: Option<f64>,
    /// A jump waiting for its next frame: the height it jumped to and for how many frames.
    suspect: Option<(f64, u32)>,
    /// Events a frame produced besides its main one (a rep confirmed as the next starts).
    queued: Option<Event>,
}

impl RepMachine {
    pub fn new(p: MachineParams) -> Self {
        RepMachine {
            p,
            phase: Phase::Top,
            d_ref: p.d_ref0,
            recent: VecDeque::with_capacity(16),
            phase_since: 0.0,
            t_low: 0.0,
            top_min: f64::INFINITY,
            extreme: 0.0,
            t_extreme: 0.0,
            t_start: 0.0,
            t_bottom: 0.0,
            t_leave_bottom: 0.0,
            depth: 0.0,
            go_down: Persist::default(),
            turn_up: Persist::default(),
            lock: Persist::default(),
            back_down: Persist::default(),
            stand: Persist::default(),
            lost_since: None,
            good_since: None,
            standing: StandingHeight::default(),
            anchored: false,
            low: None,
            watch_prev: None,
            rising: None,
            t_first: None,
            last: None,
            prev_height: None,
            suspect: None,
            queued: None,
        }
    }

    pub fn d_ref(&self) -> f64 {
        self.d_ref
    }
    /// Whether the lifter has been seen standing (the depth signal has its reference).
    pub fn anchored(&self) -> bool {
        self.anchored
    }
    fn e_start(&self) -> f64 {
        6f64.max(0.25 * self.d_ref)
    }
    fn e_lock(&self) -> f64 {
        4f64.max(0.15 * self.d_ref)
    }
    fn min_depth(&self) -> f64 {
        12f64.max(0.45 * self.d_ref)
    }

    /// Rate of change of the drop over the last ≈ 100 ms (%/s).
    fn omega(&self) -> f64 {
        let (Some(&(t1, x1)), Some(&(t0, x0))) = (self.recent.back(), self.recent.front()) else {
            return 0.0;
        };
        if t1 - t0 < 1e-3 {
            0.0
        } else {
            (x1 - x0) / (t1 - t0)
        }
    }

    fn enter(&mut self, phase: Phase, t: f64) {
        self.phase = phase;
        self.phase_since = t;
        self.go_down = Persist::default();
        self.turn_up = Persist::default();
        self.lock = Persist::default();
        self.back_down = Persist::default();
        self.stand = Persist::default();
    }

    /// Starts over at the top after a cut in the video: whatever was in progress is dropped,
    /// and the standing height is learnt again.
    pub fn restart(&mut self, t: f64) {
        let (p, d_ref) = (self.p, self.d_ref);
        *self = RepMachine::new(p);
        self.d_ref = d_ref;
        self.phase_since = t;
        self.t_low = t;
    }

    fn counted(&mut self, c: Candidate) -> Event {
        self.anchored = true;
        self.low = None;
        self.watch_prev = None;
        self.rising = None;
        Event::Lockout(c)
    }

    /// The rise from an unseen start, confirmed as a rep.
    fn confirm_rising(&mut self, end: RepEnd) -> Option<Event> {
        let r = self.rising.take()?;
        let depth = 100.0 * (1.0 - r.low / r.top.max(1e-9));
        Some(self.counted(Candidate {
            t_start: r.t_start,
            t_bottom: r.t_bottom,
            t_lockout: r.t_top,
            depth,
            end,
            from_unseen_start: true,
        }))
    }

    /// One frame of the lifter's posture.
    pub fn step(&mut self, t: f64, posture: &Posture) -> Option<Event> {
        let ev = self.step_inner(t, posture);
        match (ev, self.queued.take()) {
            (None, q) => q,
            (Some(e), None) => Some(e),
            // Two at once (rare): the rep is what must not be lost.
            (Some(e), Some(q)) => Some(if matches!(q, Event::Lockout(_)) { q } else { e }),
        }
    }

    fn step_inner(&mut self, t: f64, posture: &Posture) -> Option<Event> {
        let Some(h) = posture.height.filter(|h| h.is_finite() && *h > 1.0) else {
            self.prev_height = None;
            self.suspect = None;
            return self.lose(t);
        };
        if let (Some(prev), Some(stand)) = (self.prev_height, self.standing.best) {
            let jump = (h - prev).abs() > JUMP * stand;
            if self.phase == Phase::Paused && (h - prev).abs() > 0.1 * stand {
                self.good_since = None;
            }
            if jump && self.phase != Phase::Paused {
                if self.last.is_some_and(|l| l.2) {
                    // The head went out of the picture and the model lost the body.
                    self.prev_height = None;
                    return self.lose(t);
                }
                match self.suspect {
                    Some((at, n)) if (h - at).abs() < 0.1 * stand => {
                        if n + 1 < 3 {
                            self.suspect = Some((at, n + 1));
                            return None;
                        }
                        // The jump held: a cut.
                        self.restart(t);
                        self.prev_height = Some(h);
                        return Some(Event::Cut);
                    }
                    // One odd frame: skip it.
                    _ => {
                        self.suspect = Some((h, 1));
                        return None;
                    }
                }
            }
        }
        self.suspect = None;
        self.prev_height = Some(h);
        self.lost_since = None;
        let t_first = *self.t_first.get_or_insert(t);
        let stand = self.standing.push(h);
        let x = 100.0 * (1.0 - h / stand);
        self.last = Some((t, x, posture.head_at_top));
        if self.phase == Phase::Paused {
            let since = *self.good_since.get_or_insert(t);
            if t - since < 0.5 {
                return None;
            }
            self.enter(Phase::Top, t);
            self.top_min = x;
            self.t_low = t;
            self.recent.clear();
            self.recent.push_back((t, x));
            return Some(Event::Resumed);
        }
        self.recent.push_back((t, x));
        while self.recent.len() > 2 && t - self.recent[1].0 >= 0.1 {
            self.recent.pop_front();
        }
        let w = self.omega();
        let d = self.d_ref;
        match self.phase {
            Phase::Top => {
                if !self.anchored {
                    if let Some(e) = self.watch_rise(t, t_first, h, x, w, posture.upright) {
                        return Some(e);
                    }
                    if self.rising.is_none() && !self.anchored {
                        // No top seen yet: no descent from wherever the clip began.
                        return None;
                    }
                }
                if x < self.top_min || x < self.e_lock() {
                    self.top_min = self.top_min.min(x);
                    self.t_low = t;
                } else if x < self.top_min + 3.0 {
                    self.t_low = t;
                }
                let fast = self.anchored && x > self.e_start() && w > 0.4 * d;
                let slow = x > 0.35 * d && (self.anchored || w > 0.0);
                if self.go_down.check(fast || slow, t) {
                    // Going down from a top confirms the rise that reached it.
                    self.queued = self.confirm_rising(RepEnd::Lockout);
                    self.anchored = true;
                    self.enter(Phase::Descent, t);
                    self.t_start = self.t_low;
                    self.extreme = x;
                    self.t_extreme = t;
                    return Some(Event::DescentStarted { t: self.t_start });
                }
            }
            Phase::Descent => {
                if x > self.extreme {
                    self.extreme = x;
                    self.t_extreme = t;
                }
                if x >= self.extreme - 3.0 {
                    // Still on the bottom plateau: the ascent has not begun.
                    self.t_leave_bottom = t;
                }
                let rising = x < self.extreme - 2f64.max(0.05 * d) && w < -0.3 * d;
                if self.turn_up.check(rising, t) {
                    let m = self.extreme;
                    if m < self.min_depth() {
                        self.enter(Phase::Top, t);
                        self.top_min = x;
                        self.t_low = t;
                        return Some(Event::PartialDip { depth: m });
                    }
                    self.t_bottom = self.t_extreme;
                    self.depth = m;
                    self.enter(Phase::Ascent, t);
                    self.extreme = x;
                    self.t_extreme = t;
                    return Some(Event::Bottom {
                        t: self.t_bottom,
                        depth: m,
                    });
                }
                if t - self.phase_since > self.p.timeout_s {
                    self.enter(Phase::Top, t);
                    self.top_min = x;
                    return Some(Event::Timeout);
                }
            }
            Phase::Ascent => {
                if x < self.extreme {
                    self.extreme = x;
                    self.t_extreme = t;
                }
                let settled = x < self.e_lock() && w.abs() < 0.6 * d;
                let turned = x < 0.3 * d && w > 0.0 && x > self.extreme + 0.3;
                if self.lock.check(settled || turned, t) {
                    let c = self.candidate(RepEnd::Lockout);
                    self.enter(Phase::Top, t);
                    self.top_min = x.min(self.extreme);
                    self.t_low = t;
                    let ascent_s = c.t_lockout - self.t_leave_bottom;
                    if ascent_s < MIN_ASCENT_S || self.depth > MAX_RISE_PER_S * ascent_s {
                        // Faster than any lifter: a cut or loop the pose model smoothed over.
                        return Some(Event::TooFast);
                    }
                    self.d_ref = 0.7 * self.d_ref + 0.3 * self.depth;
                    return Some(self.counted(c));
                }
                // Went back down without locking out: the same rep continues from a new bottom.
                let redip = x > self.extreme + 5f64.max(0.15 * d)
                    && w > 0.4 * d
                    && self.extreme > self.e_lock();
                if self.back_down.check(redip, t) {
                    self.enter(Phase::Descent, t);
                    self.extreme = x;
                    self.t_extreme = t;
                    return None;
                }
                if t - self.phase_since > self.p.timeout_s {
                    self.enter(Phase::Top, t);
                    self.top_min = x;
                    return Some(Event::Timeout);
                }
            }
            Phase::Paused => {}
        }
        None
    }

    /// Unanchored: follows the lowest point and any rise from it to a new top; anchors when the
    /// lifter stands still and upright.
    fn watch_rise(
        &mut self,
        t: f64,
        t_first: f64,
        h: f64,
        x: f64,
        w: f64,
        upright: Option<bool>,
    ) -> Option<Event> {
        if x < 3.0 && self.rising.is_none() {
            // At the highest so far: a descent from here would start now.
            self.t_low = t;
        }
        // A low must hold for two frames: one odd frame (the pose model's first guess as a clip
        // opens, before its tracking settles) is no bottom to rise from.
        let held = self.watch_prev.map(|p| p.max(h));
        self.watch_prev = Some(h);
        let low = held.map(|held| match self.low {
            Some((l, tl)) if l <= held => (l, tl),
            _ => {
                self.low = Some((held, t));
                (held, t)
            }
        });
        if let Some(r) = &mut self.rising {
            if h > r.top {
                r.top = h;
                r.t_top = t;
            }
        } else if let Some((low, t_low_pt)) =
            low.filter(|&(low, _)| 100.0 * (h - low) / h >= UNANCHORED_RISE.max(self.min_depth()))
        {
            let t_start = if self.t_low < t_low_pt {
                self.t_low
            } else {
                t_first
            };
            self.rising = Some(Rising {
                t_start,
                t_bottom: t_low_pt,
                t_top: t,
                low,
                top: h,
            });
        }
        // Standing tall and still: the standing height is known from here on.
        if self
            .stand
            .check_for(upright == Some(true) && w.abs() < 15.0, t, 4, 0.2)
        {
            let e = self.confirm_rising(RepEnd::Lockout);
            self.anchored = true;
            self.top_min = x;
            self.t_low = t;
            return e;
        }
        None
    }

    fn lose(&mut self, t: f64) -> Option<Event> {
        self.good_since = None;
        let mut ev = None;
        if self.lost_since.is_none() {
            self.lost_since = Some(t);
            // Left through the top of the picture while rising: the lockout happened out of
            // view (a close camera), and the rep counts.
            if let Some((lt, lx, true)) = self.last {
                if self.phase == Phase::Ascent && lx <= 0.6 * self.depth {
                    let mut c = self.candidate(RepEnd::LeftPicture);
                    c.t_lockout = lt;
                    self.enter(Phase::Paused, lt);
                    ev = Some(self.counted(c));
                } else if self.phase == Phase::Top && !self.anchored && self.rising.is_some() {
                    self.enter(Phase::Paused, lt);
                    ev = self.confirm_rising(RepEnd::LeftPicture);
                }
            }
        }
        if ev.is_none()
            && self.phase != Phase::Paused
            && self.lost_since.is_some_and(|s| t - s > 0.5)
        {
            // §2: pose lost > 0.5 s: the rep in progress is discarded.
            self.enter(Phase::Paused, t);
            self.recent.clear();
            return Some(Event::Paused);
        }
        ev
    }

    /// The rep in progress, its lockout at the highest point reached so far.
    fn candidate(&self, end: RepEnd) -> Candidate {
        Candidate {
            t_start: self.t_start,
            t_bottom: self.t_bottom,
            t_lockout: self.t_extreme,
            depth: self.depth,
            end,
            from_unseen_start: false,
        }
    }

    /// At the end of a recording: a rep whose ascent is nearly done counts (the clip was cut
    /// before the lockout). Returns it if so.
    pub fn finish(&mut self, t: f64) -> Option<Candidate> {
        if self.phase == Phase::Ascent
            && self.extreme <= (1.0 - END_RECOVERED) * self.depth
            && self.t_extreme - self.t_leave_bottom >= MIN_ASCENT_S
        {
            let c = self.candidate(RepEnd::ClipEnd);
            self.enter(Phase::Top, t);
            return Some(c);
        }
        if self.phase == Phase::Top && !self.anchored {
            if let (Some(r), Some(stand)) = (self.rising, self.standing.best) {
                if r.top - r.low >= END_RECOVERED * (stand - r.low) {
                    let end = if r.top >= 0.97 * stand {
                        RepEnd::Lockout
                    } else {
                        RepEnd::ClipEnd
                    };
                    if let Some(Event::Lockout(c)) = self.confirm_rising(end) {
                        return Some(c);
                    }
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: f64) -> Posture {
        Posture {
            height: Some(h),
            head_at_top: false,
            upright: None,
        }
    }

    fn run(m: &mut RepMachine, xs: impl Iterator<Item = (f64, Posture)>) -> Vec<Event> {
        let mut out: Vec<Event> = xs.filter_map(|(t, p)| m.step(t, &p)).collect();
        if let Some(c) = m.finish(1e9) {
            out.push(Event::Lockout(c));
        }
        out
    }

    fn locks(ev: &[Event]) -> Vec<Candidate> {
        ev.iter()
            .filter_map(|e| match e {
                Event::Lockout(c) => Some(*c),
                _ => None,
            })
            .collect()
    }

    /// Standing height 500 px; each rep lowers the shoulders by `depth` % and back.
    fn cycle(depth: f64, period: f64, fs: f64, n: usize) -> impl Iterator<Item = (f64, Posture)> {
        let total = (period * n as f64 * fs) as usize + (fs as usize);
        (0..total).map(move |i| {
            let t = i as f64 / fs;
            let ph = (t / period).fract();
            let x = if t >= period * n as f64 {
                0.0
            } else {
                depth * (std::f64::consts::PI * ph).sin().powi(2)
            };
            let mut p = at(500.0 * (1.0 - x / 100.0));
            p.upright = Some(x < 3.0);
            (t, p)
        })
    }

    #[test]
    fn counts_every_full_cycle_and_back_dates_events() {
        let mut m = RepMachine::new(MachineParams::default());
        let ev = run(&mut m, cycle(40.0, 1.6, 30.0, 5));
        let locks = locks(&ev);
        assert_eq!(locks.len(), 5, "{ev:?}");
        for (k, c) in locks.iter().enumerate() {
            let bottom = 0.8 + 1.6 * k as f64;
            assert!(
                (c.t_bottom - bottom).abs() < 0.05,
                "bottom {} vs {}",
                c.t_bottom,
                bottom
            );
            assert!((c.depth - 40.0).abs() < 1.0);
        }
    }

    #[test]
    fn partial_dips_do_not_count() {
        let mut m = RepMachine::new(MachineParams::default());
        let ev = run(&mut m, cycle(8.0, 1.5, 30.0, 3));
        assert!(locks(&ev).is_empty(), "{ev:?}");
    }

    #[test]
    fn losing_the_lifter_pauses_and_discards_the_rep() {
        let mut m = RepMachine::new(MachineParams::default());
        let mut ev = Vec::new();
        for (i, (t, p)) in cycle(40.0, 2.0, 30.0, 3).enumerate() {
            let p = if (40..70).contains(&i) {
                Posture::default()
            } else {
                p
            };
            if let Some(e) = m.step(t, &p) {
                ev.push(e);
            }
        }
        assert!(
            ev.contains(&Event::Paused) && ev.contains(&Event::Resumed),
            "{ev:?}"
        );
        // 3 reps, one of which was interrupted.
        assert_eq!(locks(&ev).len(), 2, "{ev:?}");
    }

    #[test]
    fn a_clip_that_starts_at_the_bottom_counts_its_first_lift() {
        // Starts 40 % down (the bar on the floor), rises to standing, then one full rep.
        let mut m = RepMachine::new(MachineParams::default());
        let fs = 30.0;
        let mut frames = Vec::new();
        for i in 0..60 {
            let t = i as f64 / fs;
            let x = if t < 0.5 {
                40.0
            } else {
                40.0 * (1.0 - ((t - 0.5) / 1.0).min(1.0))
            };
            let mut p = at(500.0 * (1.0 - x / 100.0));
            p.upright = Some(x < 3.0);
            frames.push((t, p));
        }
        frames.extend(cycle(40.0, 2.0, fs, 1).map(|(t, p)| (t + 2.0, p)));
        let ev = run(&mut m, frames.into_iter());
        let l = locks(&ev);
        assert_eq!(l.len(), 2, "{ev:?}");
        assert!(l[0].from_unseen_start);
        assert!(!l[1].from_unseen_start);
    }

    #[test]
    fn a_set_up_wiggle_at_the_bottom_is_not_a_rep() {
        // Starts at the bottom (unknown standing), dips 15 % and back twice, never stands.
        let mut m = RepMachine::new(MachineParams::default());
        let xs = (0..120).map(|i| {
            let t = i as f64 / 30.0;
            let h = 300.0 * (1.0 - 0.15 * (std::f64::consts::PI * t / 2.0).sin().powi(2));
            let mut p = at(h);
            p.upright = Some(false);
            (t, p)
        });
        assert!(locks(&run(&mut m, xs)).is_empty());
    }

    #[test]
    fn a_lifter_who_rises_out_of_the_picture_gets_the_rep() {
        let mut m = RepMachine::new(MachineParams::default());
        let fs = 30.0;
        let mut frames: Vec<(f64, Posture)> = cycle(40.0, 2.0, fs, 1).take(30).collect();
        // Rising from the bottom; near the top the head reaches the edge and the body is lost.
        for i in 30..52 {
            let t = i as f64 / fs;
            let x = 40.0 * (1.0 - (t - 1.0) / 0.8).max(0.0);
            let mut p = at(500.0 * (1.0 - x / 100.0));
            p.head_at_top = x < 20.0;
            frames.push((t, p));
        }
        for i in 52..90 {
            frames.push((i as f64 / fs, Posture::default()));
        }
        let ev = run(&mut m, frames.into_iter());
        let l = locks(&ev);
        assert_eq!(l.len(), 1, "{ev:?}");
        assert_eq!(l[0].end, RepEnd::LeftPicture);
    }

    #[test]
    fn a_one_frame_glitch_is_skipped_and_a_held_jump_is_a_cut() {
        let mut m = RepMachine::new(MachineParams::default());
        let mut frames: Vec<(f64, Posture)> = cycle(40.0, 2.0, 30.0, 1).collect();
        let n = frames.len();
        frames[20].1.height = Some(100.0);
        let ev = run(&mut m, frames.clone().into_iter());
        assert_eq!(locks(&ev).len(), 1, "{ev:?}");
        assert!(!ev.contains(&Event::Cut));
        // A new scene in the middle of the descent: no rep across it.
        let mut m = RepMachine::new(MachineParams::default());
        for f in frames.iter_mut().skip(15) {
            f.1.height = f.1.height.map(|h| h * 0.4);
        }
        let ev = run(&mut m, frames.into_iter().take(n));
        assert!(ev.contains(&Event::Cut), "{ev:?}");
    }

    #[test]
    fn a_misread_first_frame_is_no_bottom_to_rise_from() {
        // The pose model's first guess as a clip opens puts the shoulders 40 % lower for one
        // frame; the lifter stands, then only lowers the bar (no lift in the clip).
        let fs = 30.0;
        let frames = (0..60).map(|i| {
            let t = i as f64 / fs;
            let h = match i {
                0 => 300.0,
                _ if t < 0.8 => 500.0,
                _ => 500.0 - 400.0 * (t - 0.8).min(0.5),
            };
            let mut p = at(h);
            p.upright = Some((1..24).contains(&i));
            (t, p)
        });
        let ev = run(&mut RepMachine::new(MachineParams::default()), frames);
        assert!(locks(&ev).is_empty(), "{ev:?}");
        // A real bottom the clip opens at (two frames and more) still counts its lift.
        let frames = (0..60).map(|i| {
            let t = i as f64 / fs;
            let h = if i < 6 {
                300.0
            } else {
                (300.0 + 1000.0 * (t - 0.2)).min(500.0)
            };
            let mut p = at(h);
            p.upright = Some(h >= 500.0);
            (t, p)
        });
        let ev = run(&mut RepMachine::new(MachineParams::default()), frames);
        assert_eq!(locks(&ev).len(), 1, "{ev:?}");
    }
}
