//! The phase and rep state machine (docs/biomechanics.md §4.1, §4.2): a generic hinge machine
//! driven by the change of the landmark hip angle from standing, Δφ_H, with thresholds scaled
//! by a running depth reference D_ref, 100 ms persistence on every transition, hysteresis
//! between start and lockout, partial dips, timeouts and pauses when tracking is lost.
//!
//! It only finds candidate reps (start, bottom, lockout) live; their refined event times and
//! everything judged about them come from the zero-phase per-rep analysis in `coach`.

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

/// Machine parameters (Appendix A; all EST).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MachineParams {
    /// Initial depth reference D_ref (degrees of Δφ_H).
    pub d_ref0: f64,
    /// Longest descent or ascent before it is abandoned (s).
    pub timeout_s: f64,
}

impl Default for MachineParams {
    fn default() -> Self {
        MachineParams {
            d_ref0: 70.0,
            timeout_s: 10.0,
        }
    }
}

/// The shortest real ascent from the bottom to lockout (s). The quickest hardstyle upswings
/// take ≈ 0.35 s (cadence > 40 swings/min, docs/biomechanics.md §4.2 src 9); an "ascent" in less
/// than a quarter second is a cut or loop in the video that the pose model smoothed (EST).
pub const MIN_ASCENT_S: f64 = 0.25;

/// A rep found live: candidate event times (s) and the depth reached.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Candidate {
    pub t_start: f64,
    pub t_bottom: f64,
    pub t_lockout: f64,
    /// Peak Δφ_H (degrees).
    pub depth: f64,
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
        if !cond {
            *self = Persist::default();
            return false;
        }
        let since = *self.since.get_or_insert(t);
        self.frames += 1;
        self.frames >= 3 || (self.frames >= 2 && t - since >= 0.1)
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
    /// The last moment still on the bottom plateau (within 3° of the deepest).
    t_leave_bottom: f64,
    depth: f64,
    go_down: Persist,
    turn_up: Persist,
    lock: Persist,
    back_down: Persist,
    lost_since: Option<f64>,
    good_since: Option<f64>,
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
            lost_since: None,
            good_since: None,
        }
    }

    pub fn d_ref(&self) -> f64 {
        self.d_ref
    }
    fn e_start(&self) -> f64 {
        12f64.max(0.25 * self.d_ref)
    }
    fn e_lock(&self) -> f64 {
        8f64.max(0.15 * self.d_ref)
    }
    fn min_depth(&self) -> f64 {
        25f64.max(0.5 * self.d_ref)
    }

    /// Angular velocity of Δφ_H over the last ≈ 100 ms (deg/s).
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
    }

    /// One frame: `dphi_h` is the live Δφ_H, or `None` when tracking is lost this frame.
    pub fn step(&mut self, t: f64, dphi_h: Option<f64>) -> Option<Event> {
        let Some(x) = dphi_h.filter(|v| v.is_finite()) else {
            self.good_since = None;
            let since = *self.lost_since.get_or_insert(t);
            if self.phase != Phase::Paused && t - since > 0.5 {
                // §2: pose lost > 0.5 s: the rep in progress is discarded.
                self.enter(Phase::Paused, t);
                self.recent.clear();
                return Some(Event::Paused);
            }
            return None;
        };
        self.lost_since = None;
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
        match self.phase {
            Phase::Top => {
                if x < self.top_min || x < self.e_lock() {
                    self.top_min = self.top_min.min(x);
                    self.t_low = t;
                } else if x < self.top_min + 3.0 {
                    self.t_low = t;
                }
                let fast = x > self.e_start() && w > 30.0;
                let slow = x > 0.35 * self.d_ref;
                if self.go_down.check(fast || slow, t) {
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
                let rising = x < self.extreme - 3f64.max(0.05 * self.d_ref) && w < -20.0;
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
                let settled = x < self.e_lock() && w.abs() < 40.0;
                let turned = x < 0.3 * self.d_ref && w > 0.0 && x > self.extreme + 0.5;
                if self.lock.check(settled || turned, t) {
                    let c = self.candidate();
                    self.enter(Phase::Top, t);
                    self.top_min = x.min(self.extreme);
                    self.t_low = t;
                    if c.t_lockout - self.t_leave_bottom < MIN_ASCENT_S {
                        // Faster than any lifter: a cut or loop the pose model smoothed over.
                        return Some(Event::TooFast);
                    }
                    self.d_ref = 0.7 * self.d_ref + 0.3 * self.depth;
                    return Some(Event::Lockout(c));
                }
                // Went back down without locking out: the same rep continues from a new bottom.
                let redip = x > self.extreme + 8f64.max(0.15 * self.d_ref)
                    && w > 30.0
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

    /// The rep in progress, its lockout at the highest point reached so far.
    fn candidate(&self) -> Candidate {
        Candidate {
            t_start: self.t_start,
            t_bottom: self.t_bottom,
            t_lockout: self.t_extreme,
            depth: self.depth,
        }
    }

    /// Starts over at the top after a cut in the video: whatever was in progress is dropped.
    pub fn restart(&mut self, t: f64) {
        self.enter(Phase::Top, t);
        self.recent.clear();
        self.top_min = f64::INFINITY;
        self.t_low = t;
    }

    /// At the end of a recording: a rep whose ascent is nearly done counts (the clip was cut
    /// at the lockout). Returns it if so.
    pub fn finish(&mut self, t: f64) -> Option<Candidate> {
        if self.phase == Phase::Ascent
            && self.extreme < 1.5 * self.e_lock()
            && self.t_extreme - self.t_leave_bottom >= MIN_ASCENT_S
        {
            let c = self.candidate();
            self.enter(Phase::Top, t);
            return Some(c);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(m: &mut RepMachine, xs: impl Iterator<Item = (f64, f64)>) -> Vec<Event> {
        xs.filter_map(|(t, x)| m.step(t, Some(x))).collect()
    }

    fn cycle(depth: f64, period: f64, fs: f64, n: usize) -> impl Iterator<Item = (f64, f64)> {
        let total = (period * n as f64 * fs) as usize + (fs as usize);
        (0..total).map(move |i| {
            let t = i as f64 / fs;
            let ph = (t / period).fract();
            let x = if t >= period * n as f64 {
                0.0
            } else {
                depth * (std::f64::consts::PI * ph).sin().powi(2)
            };
            (t, x)
        })
    }

    #[test]
    fn counts_every_full_cycle_and_back_dates_events() {
        let mut m = RepMachine::new(MachineParams::default());
        let ev = run(&mut m, cycle(90.0, 1.6, 30.0, 5));
        let locks: Vec<&Candidate> = ev
            .iter()
            .filter_map(|e| {
                if let Event::Lockout(c) = e {
                    Some(c)
                } else {
                    None
                }
            })
            .collect();
        assert_eq!(locks.len(), 5, "{ev:?}");
        for (k, c) in locks.iter().enumerate() {
            let bottom = 0.8 + 1.6 * k as f64;
            assert!(
                (c.t_bottom - bottom).abs() < 0.05,
                "bottom {} vs {}",
                c.t_bottom,
                bottom
            );
            assert!((c.depth - 90.0).abs() < 1.0);
        }
    }

    #[test]
    fn partial_dips_do_not_count() {
        let mut m = RepMachine::new(MachineParams::default());
        let ev = run(&mut m, cycle(20.0, 1.5, 30.0, 3));
        assert!(!ev.iter().any(|e| matches!(e, Event::Lockout(_))), "{ev:?}");
    }

    #[test]
    fn losing_the_lifter_pauses_and_discards_the_rep() {
        let mut m = RepMachine::new(MachineParams::default());
        let mut ev = Vec::new();
        for i in 0..200 {
            let t = i as f64 / 30.0;
            let x = 90.0 * (std::f64::consts::PI * (t / 2.0).fract()).sin().powi(2);
            let seen = !(40..70).contains(&i);
            if let Some(e) = m.step(t, seen.then_some(x)) {
                ev.push(e);
            }
        }
        assert!(
            ev.contains(&Event::Paused) && ev.contains(&Event::Resumed),
            "{ev:?}"
        );
        let n = ev.iter().filter(|e| matches!(e, Event::Lockout(_))).count();
        // 6.6 s at 2 s per rep: 3 complete reps, one of which was interrupted.
        assert_eq!(n, 2, "{ev:?}");
    }
}
