//! The motion plan: key postures joined by minimum-jerk transitions. Within a transition each
//! posture group (hip drive, knees, pelvis, spine, head, arms, free leg) has its own onset and
//! duration, which is how the engine (hip drive) and the crane (trunk rise) get their own
//! timing. The plan is laid out rep by rep for every lift (stand, setup, reps, set-down or
//! park) and for the hands-on-pelvis drill, and it remembers where each rep's phases are so the
//! ground truth can be measured on the exact kinematics.

use super::body::{
    Body, Posture, GROUPS, G_ARMS, G_FREE, G_HEAD, G_HIP, G_KNEE, G_PELVIS, G_SPINE,
};
use super::program::{DrillProgram, Finish, RepPattern, RepProgram, SimConfig, SimLift};
use super::rng::Rng;
use serde::{Deserialize, Serialize};

/// The posture groups whose motion defines the body's ascent (lockout = all of them done).
pub(crate) const BODY_GROUPS: [usize; 4] = [G_HIP, G_KNEE, G_PELVIS, G_SPINE];

/// Hand half-widths as fractions of stature: both hands on one bell handle, a shoulder-width
/// grip, arms reaching forward (hanging at the sides is `Posture::standing`).
const HANDS_BELL: f64 = 0.015;
const HANDS_BAR: f64 = 0.11;
const HANDS_FORWARD: f64 = 0.08;

/// Minimum-jerk position profile on [0, 1]: 10s³ − 15s⁴ + 6s⁵ (zero velocity and acceleration
/// at both ends).
pub(crate) fn min_jerk(s: f64) -> f64 {
    let s = s.clamp(0.0, 1.0);
    s * s * s * (10.0 + s * (-15.0 + 6.0 * s))
}

/// Onset and duration of one posture group within a transition (s, relative to its start).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Timing {
    pub onset: f64,
    pub dur: f64,
}

/// The timing of every posture group in a transition.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Sched(pub [Timing; GROUPS]);

impl Sched {
    /// Every group moves together over `dur`.
    pub(crate) fn all(dur: f64) -> Sched {
        Sched([Timing { onset: 0.0, dur }; GROUPS])
    }
    pub(crate) fn set(mut self, g: usize, onset: f64, dur: f64) -> Sched {
        self.0[g] = Timing {
            onset,
            dur: dur.max(0.0),
        };
        self
    }
    fn span(&self) -> f64 {
        self.0.iter().map(|t| t.onset + t.dur).fold(0.0, f64::max)
    }
    /// Shifts all onsets so the earliest is 0; returns the shift.
    fn normalized(mut self) -> (Sched, f64) {
        let first = self.0.iter().map(|t| t.onset).fold(f64::INFINITY, f64::min);
        let shift = if first < 0.0 { -first } else { 0.0 };
        for t in self.0.iter_mut() {
            t.onset += shift;
        }
        (self, shift)
    }
    fn weights(&self, tau: f64) -> [f64; GROUPS] {
        let mut w = [0.0; GROUPS];
        for (o, t) in w.iter_mut().zip(self.0.iter()) {
            *o = if t.dur <= 0.0 {
                if tau >= t.onset {
                    1.0
                } else {
                    0.0
                }
            } else {
                min_jerk((tau - t.onset) / t.dur)
            };
        }
        w
    }
}

/// One transition (or hold) of the plan.
#[derive(Clone, Debug)]
pub(crate) struct Segment {
    pub t0: f64,
    pub t1: f64,
    pub from: Posture,
    pub to: Posture,
    pub sched: Sched,
}

impl Segment {
    fn eval(&self, t: f64) -> Posture {
        if self.from == self.to {
            return self.to;
        }
        Posture::blend(&self.from, &self.to, &self.sched.weights(t - self.t0))
    }
}

/// Where a transition landed in time.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Move {
    pub t0: f64,
    pub sched: Sched,
}

impl Move {
    /// When the last of `groups` finishes (absolute time).
    pub(crate) fn end(&self, groups: &[usize]) -> f64 {
        let e = groups
            .iter()
            .map(|&g| self.sched.0[g].onset + self.sched.0[g].dur);
        self.t0 + e.fold(0.0, f64::max)
    }
}

/// Appends transitions and holds one after another.
struct Builder {
    t: f64,
    cur: Posture,
    segs: Vec<Segment>,
}

impl Builder {
    fn hold(&mut self, dur: f64) {
        if dur > 1e-9 {
            self.segs.push(Segment {
                t0: self.t,
                t1: self.t + dur,
                from: self.cur,
                to: self.cur,
                sched: Sched::all(dur),
            });
            self.t += dur;
        }
    }

    fn go(&mut self, to: Posture, sched: Sched) -> Move {
        let (sched, _) = sched.normalized();
        let span = sched.span().max(1e-3);
        let m = Move { t0: self.t, sched };
        self.segs.push(Segment {
            t0: self.t,
            t1: self.t + span,
            from: self.cur,
            to,
            sched,
        });
        self.t += span;
        self.cur = to;
        m
    }
}

/// One counted rep as planned.
#[derive(Clone, Debug)]
pub(crate) struct RepPlan {
    pub index: usize,
    /// Start of the rep's descent.
    pub start_s: f64,
    /// Start of the ascent transition (end of the descent and of any pause at the bottom).
    pub turn_s: f64,
    /// Where the search for the bottom (max hip flexion) starts: 0.3 s before the turn, or the
    /// turn itself after the swing's hike (which starts from a deeper setup).
    pub bottom_from_s: f64,
    /// The swing's first rep, out of the hike: the hike itself moves the hips and trunk, so the
    /// ascent onset search starts at the turn.
    pub hike: bool,
    /// All body groups (hip, knee, pelvis, spine) have reached the lockout posture.
    pub lockout_s: f64,
    /// End of the rep (the next rep's descent, or the park / set-down, starts here).
    pub end_s: f64,
    /// The programme actually used (after fatigue and variability).
    pub program: RepProgram,
}

/// What a drill movement is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DrillKind {
    /// Standing still (hands at the sides, or on the pelvis after they are placed).
    Stand,
    /// Finding the crest with the thumb and the trochanter with the index finger.
    PlaceHands,
    /// Hinging down into the hang.
    Descend,
    /// Static hip hinge hold (the "hang").
    Hold,
    /// The back leads: the pelvis stays (back-only lift) or follows late (to upright).
    Crane,
    /// The pelvis moves first and the spine follows.
    Engine,
    /// Slow continuous hinge to the pelvic limit and beyond (gives θ_T*).
    SlowHinge,
    /// Coming back up after the slow hinge.
    Rise,
    /// The hands leave the pelvis.
    HandsOff,
}

/// One planned drill movement.
#[derive(Clone, Debug)]
pub(crate) struct DrillPlan {
    pub kind: DrillKind,
    pub start_s: f64,
    /// End of the rise (lifts) or of the movement.
    pub top_s: f64,
    pub end_s: f64,
    pub to_upright: bool,
    pub hands_on: bool,
    pub from: Posture,
    pub top: Posture,
}

/// A complete motion: posture as a function of time, with the rep and drill bookkeeping.
#[derive(Clone, Debug)]
pub struct Plan {
    body: Body,
    segs: Vec<Segment>,
    pub(crate) lift: SimLift,
    pub(crate) reps: Vec<RepPlan>,
    pub(crate) drill: Vec<DrillPlan>,
    pub(crate) calibration: Option<(f64, f64)>,
    pub(crate) hands_leave_s: Option<f64>,
}

impl Plan {
    /// Lays out the whole clip for a configuration.
    pub fn new(cfg: &SimConfig) -> Plan {
        let body = Body::new(cfg.stature_m);
        let start = Posture::standing(&body);
        let mut cx = Ctx {
            cfg,
            b: Builder {
                t: 0.0,
                cur: start,
                segs: Vec::new(),
            },
            reps: Vec::new(),
            drill: Vec::new(),
            calibration: None,
            hands_leave_s: None,
            rng: Rng::new(cfg.seed, 11),
            body,
        };
        match cfg.lift {
            SimLift::Swing => cx.swing(),
            SimLift::Deadlift => cx.floor_lift(false),
            SimLift::Clean => cx.floor_lift(true),
            SimLift::Rdl => cx.rdl(false),
            SimLift::SingleLegRdl => cx.rdl(true),
            SimLift::Squat | SimLift::Pistol => cx.squat(cfg.lift == SimLift::Pistol),
            SimLift::Drill => cx.drill(),
        }
        if cx.b.segs.is_empty() {
            cx.b.hold(1.0);
        }
        Plan {
            body: cx.body,
            segs: cx.b.segs,
            lift: cfg.lift,
            reps: cx.reps,
            drill: cx.drill,
            calibration: cx.calibration,
            hands_leave_s: cx.hands_leave_s,
        }
    }

    pub fn body(&self) -> &Body {
        &self.body
    }

    pub fn lift(&self) -> SimLift {
        self.lift
    }

    /// Number of counted reps in the plan.
    pub fn rep_count(&self) -> usize {
        self.reps.len()
    }

    /// Length of the clip (s).
    pub fn duration_s(&self) -> f64 {
        self.segs.last().map(|s| s.t1).unwrap_or(0.0)
    }

    /// The exact posture at time `t_s` (clamped to the clip).
    pub fn posture_at(&self, t_s: f64) -> Posture {
        let i = self.segs.partition_point(|s| s.t0 <= t_s);
        self.segs[i.saturating_sub(1)].eval(t_s)
    }

    /// `posture_at` for times visited in increasing order: `cursor` remembers the segment.
    pub(crate) fn posture_seq(&self, t_s: f64, cursor: &mut usize) -> Posture {
        let segs = &self.segs;
        if *cursor >= segs.len() || segs[*cursor].t0 > t_s {
            *cursor = segs.partition_point(|s| s.t0 <= t_s).saturating_sub(1);
        }
        while *cursor + 1 < segs.len() && segs[*cursor + 1].t0 <= t_s {
            *cursor += 1;
        }
        segs[*cursor].eval(t_s)
    }
}

/// Shared state while laying out a clip.
struct Ctx<'a> {
    cfg: &'a SimConfig,
    body: Body,
    b: Builder,
    reps: Vec<RepPlan>,
    drill: Vec<DrillPlan>,
    calibration: Option<(f64, f64)>,
    hands_leave_s: Option<f64>,
    rng: Rng,
}

/// Ascent timing: the hip drive (engine) starts at 0, the trunk rise (crane) at `lead_ms`.
/// With a rigid trunk the pelvis carries the trunk; in a back-led rep with a rounded bottom
/// the spine un-rounds first and the pelvis lags with the hips.
fn ascent_sched(p: &RepProgram) -> Sched {
    let a = p.ascent_s;
    let ah = a / p.hip_speed;
    let lead = p.lead_ms / 1000.0;
    let pelvis_with_hips =
        p.pattern == RepPattern::BackLed && p.lumbar_deg + p.thoracic_deg >= 10.0;
    let (po, pd) = if pelvis_with_hips {
        (0.0, ah)
    } else {
        (lead, a)
    };
    Sched::all(a)
        .set(G_HIP, 0.0, ah)
        .set(G_KNEE, 0.0, ah)
        .set(G_FREE, 0.0, ah)
        .set(G_PELVIS, po, pd)
        .set(G_SPINE, lead, a)
        .set(G_HEAD, lead, a)
}

/// Descent timing: the hips go back from `delay` over `d`, the trunk inclines `descent_lead_ms`
/// later; a rounded back rounds late (depth from the spine after the pelvis).
fn descent_sched(p: &RepProgram, delay: f64, d: f64, arms: Timing) -> Sched {
    let dl = p.descent_lead_ms / 1000.0;
    let (so, sd) = if p.pattern == RepPattern::RoundedBack {
        (delay + dl + 0.35 * d, 0.65 * d)
    } else {
        (delay + dl, d)
    };
    Sched::all(d)
        .set(G_HIP, delay, d)
        .set(G_KNEE, delay, d)
        .set(G_FREE, delay, d)
        .set(G_PELVIS, delay + dl, d)
        .set(G_HEAD, delay + dl, d)
        .set(G_SPINE, so, sd)
        .set(G_ARMS, arms.onset, arms.dur)
}

/// A plain hinge down (setups, set-downs): hips back first, the trunk just after.
fn hinge_down(d: f64) -> Sched {
    Sched::all(d)
        .set(G_PELVIS, 0.08, d)
        .set(G_SPINE, 0.08, d)
        .set(G_HEAD, 0.08, d)
}

/// A plain stand-up (after the set-down or the park): hips first.
fn stand_up(d: f64) -> Sched {
    Sched::all(d)
        .set(G_PELVIS, 0.06, d)
        .set(G_SPINE, 0.06, d)
        .set(G_HEAD, 0.06, d)
}

impl Ctx<'_> {
    /// The effective programme of each rep: override, then fatigue drift, then variability.
    fn programs(&mut self) -> Vec<RepProgram> {
        let cfg = self.cfg;
        (1..=cfg.reps)
            .map(|r| {
                let mut p = cfg.program_for(r).clone();
                if let Some(f) = &cfg.fatigue {
                    f.apply(r, &mut p);
                }
                let v = &cfg.variability;
                let z = [
                    self.rng.normal(),
                    self.rng.normal(),
                    self.rng.normal(),
                    self.rng.normal(),
                ];
                p.lead_ms += v.lead_sd_ms * z[0];
                p.depth_deg += v.depth_sd_deg * z[1];
                p.descent_s *= (1.0 + v.tempo_sd * z[2]).clamp(0.5, 1.5);
                p.ascent_s *= (1.0 + v.tempo_sd * z[3]).clamp(0.5, 1.5);
                sanitize(&mut p);
                p
            })
            .collect()
    }

    fn h(&self) -> f64 {
        self.body.stature_m
    }

    fn start_still(&mut self) -> bool {
        let s = self.cfg.start_still_s;
        if s > 0.0 {
            let t0 = self.b.t;
            self.b.hold(s);
            self.calibration = Some((t0, self.b.t));
            true
        } else {
            false
        }
    }

    /// The bottom posture of a rep: knee and shin angles place the hip, the pelvis is solved
    /// so that the trunk chord is at `depth_deg` with the programmed spinal flexion.
    fn bottom(&self, p: &RepProgram, base: &Posture) -> Posture {
        let body = &self.body;
        let mut q = *base;
        q.knee = p.knee_deg;
        q.hip_x = body.hip_x_for(p.knee_deg, p.shin_deg);
        q.lumbar = p.lumbar_deg;
        q.thoracic = p.thoracic_deg;
        q.pelvis = body.pelvis_for_trunk(p.depth_deg, q.lumbar, q.thoracic);
        q.neck = -p.head_crank_deg;
        q
    }

    /// The lockout posture: standing tall (or short of it, or leaning back).
    fn top(&self, p: &RepProgram, base: &Posture, hips_through: f64) -> Posture {
        let body = &self.body;
        let mut q = *base;
        let short = p.lockout_shortfall_deg.max(0.0);
        q.knee = 0.4 * short;
        q.hip_x = body.hip_x_for(q.knee, 0.2 * short + hips_through);
        q.lumbar = 0.0;
        q.thoracic = 0.0;
        q.pelvis = body.pelvis_for_trunk(p.lockout_trunk_deg + short, 0.0, 0.0);
        q.neck = -0.5 * p.head_crank_deg;
        q
    }

    /// Straight arms reaching so that the wrists are at forward position `x` (m).
    fn reach(&self, q: &mut Posture, x: f64) {
        let body = &self.body;
        let sh = body.signals(q).shoulder_x_m;
        let l = body.upper_arm_m + body.forearm_m;
        let dw = body.shoulder_half_width_m - q.hand_half_width;
        let c = (1.0 - (dw / l).powi(2)).sqrt();
        q.elbow = 0.0;
        q.arm = ((x - sh) / (c * l)).clamp(-0.95, 0.95).asin().to_degrees();
    }

    fn arms(&self, q: &mut Posture, arm: f64, elbow: f64, hands: f64) {
        q.arm = arm;
        q.elbow = elbow;
        q.hand_half_width = hands * self.h();
    }

    // ----- Swing ---------------------------------------------------------------------------

    fn swing_bottom(&self, p: &RepProgram) -> Posture {
        let mut q = self.bottom(p, &Posture::standing(&self.body));
        self.arms(&mut q, -40.0, 0.0, HANDS_BELL);
        q
    }

    fn swing_top(&self, p: &RepProgram) -> Posture {
        let mut q = self.top(p, &Posture::standing(&self.body), 1.5);
        if p.arms_lift {
            self.arms(&mut q, p.float_deg + 20.0, 40.0, HANDS_BELL);
        } else {
            self.arms(&mut q, p.float_deg, 5.0, HANDS_BELL);
        }
        q
    }

    /// Bell on the floor in front, hands on the handle (the hike setup and the park).
    fn swing_setup(&self) -> Posture {
        let p = RepProgram {
            depth_deg: 70.0,
            knee_deg: 70.0,
            shin_deg: 20.0,
            lumbar_deg: 0.0,
            thoracic_deg: 6.0,
            head_crank_deg: 0.0,
            ..RepProgram::for_lift(SimLift::Swing)
        };
        let mut q = self.bottom(&p, &Posture::standing(&self.body));
        self.arms(&mut q, 25.0, 0.0, HANDS_BELL);
        q
    }

    fn swing(&mut self) {
        let progs = self.programs();
        let empty = Posture::standing(&self.body);
        let mid_set = !self.start_still();
        if mid_set {
            if let Some(p) = progs.first() {
                self.b.cur = self.swing_top(p);
            }
        } else {
            // Hinge down to the bell on the floor in front, grip it.
            let setup = self.swing_setup();
            self.b.go(setup, hinge_down(1.4).set(G_ARMS, 0.2, 1.1));
            self.b.hold(0.6);
        }
        for (i, p) in progs.iter().enumerate() {
            let start = self.b.t;
            let bottom = self.swing_bottom(p);
            let sched = if i == 0 && !mid_set {
                // The hike: the bell is pulled back between the legs.
                descent_sched(
                    p,
                    0.0,
                    0.55,
                    Timing {
                        onset: 0.0,
                        dur: 0.55,
                    },
                )
            } else {
                // The drop: the arms fall first, the hinge comes late.
                let d = p.descent_s;
                descent_sched(p, 0.35 * d, 0.65 * d, Timing { onset: 0.0, dur: d })
            };
            self.b.go(bottom, sched);
            self.b.hold(p.pause_bottom_s);
            let turn = self.b.t;
            let top = self.swing_top(p);
            let arm_onset = if p.arms_lift { -0.05 } else { 0.10 };
            let arm_dur = p.ascent_s + p.pause_top_s - arm_onset;
            let m = self
                .b
                .go(top, ascent_sched(p).set(G_ARMS, arm_onset, arm_dur));
            let hike = i == 0 && !mid_set;
            self.record_rep(i, start, turn, hike, m.end(&BODY_GROUPS), p);
        }
        // The park: one more backswing, the bell swings forward onto the floor, stand up.
        if let Some(p) = progs.last() {
            let d = p.descent_s;
            let bottom = self.swing_bottom(p);
            self.b.go(
                bottom,
                descent_sched(p, 0.35 * d, 0.65 * d, Timing { onset: 0.0, dur: d }),
            );
        }
        let park = self.swing_setup();
        self.b.go(
            park,
            Sched::all(0.9)
                .set(G_PELVIS, 0.1, 0.8)
                .set(G_SPINE, 0.1, 0.8),
        );
        self.b.hold(0.6);
        self.b.go(empty, stand_up(1.4));
        self.b.hold(self.cfg.end_still_s);
    }

    // ----- Deadlift and clean from the floor -------------------------------------------------

    /// Bottom of a floor lift: hands on the bell (or bar) over the midfoot.
    fn floor_bottom(&self, p: &RepProgram, clean: bool) -> Posture {
        let mut q = self.bottom(p, &Posture::standing(&self.body));
        q.hand_half_width = if clean { HANDS_BAR } else { HANDS_BELL } * self.h();
        self.reach(&mut q, 0.0);
        q
    }

    fn floor_top(&self, p: &RepProgram, clean: bool) -> Posture {
        let mut q = self.top(p, &Posture::standing(&self.body), 0.0);
        if clean {
            // The rack: wrists at shoulder height, elbows forward.
            self.arms(&mut q, 20.0, 150.0, HANDS_BAR);
        } else {
            self.arms(&mut q, 8.0, 5.0, HANDS_BELL);
        }
        q
    }

    fn floor_descent(&self, p: &RepProgram, clean: bool, from_top: bool) -> Sched {
        let d = p.descent_s;
        if clean && from_top {
            // From the rack: the arms lower the bell to the hang first, then the hinge.
            descent_sched(
                p,
                0.4,
                d,
                Timing {
                    onset: 0.0,
                    dur: 0.7,
                },
            )
        } else {
            descent_sched(p, 0.0, d, Timing { onset: 0.0, dur: d })
        }
    }

    fn floor_lift(&mut self, clean: bool) {
        let progs = self.programs();
        let empty = Posture::standing(&self.body);
        let mid_set = !self.start_still();
        if mid_set {
            if let Some(p) = progs.first() {
                self.b.cur = self.floor_top(p, clean);
            }
        }
        for (i, p) in progs.iter().enumerate() {
            let start = self.b.t;
            let bottom = self.floor_bottom(p, clean);
            let from_top = i > 0 || mid_set;
            self.b.go(bottom, self.floor_descent(p, clean, from_top));
            self.b.hold(p.pause_bottom_s);
            let turn = self.b.t;
            let top = self.floor_top(p, clean);
            let lockout = self.ascend(p, &bottom, &top, clean);
            self.b.hold(p.pause_top_s);
            self.record_rep(i, start, turn, false, lockout, p);
        }
        // The set-down (not a rep).
        if let Some(p) = progs.last() {
            let bottom = self.floor_bottom(p, clean);
            self.b.go(bottom, self.floor_descent(p, clean, true));
            self.b.hold(self.cfg.finish_hold_s);
            if self.cfg.finish == Finish::StandUpEmpty {
                self.b.go(empty, stand_up(1.3));
            }
        }
        self.b.hold(self.cfg.end_still_s);
    }

    /// Records rep `i` (0-based) that started at `start`, turned at the bottom at `turn` and
    /// locked out at `lockout`; the bottom window opens 0.3 s before the turn (at the turn for
    /// a hike, whose bottom is the start).
    fn record_rep(
        &mut self,
        i: usize,
        start: f64,
        turn: f64,
        hike: bool,
        lockout: f64,
        p: &RepProgram,
    ) {
        self.reps.push(RepPlan {
            index: i + 1,
            start_s: start,
            turn_s: turn,
            bottom_from_s: if hike { turn } else { (turn - 0.3).max(start) },
            hike,
            lockout_s: lockout,
            end_s: self.b.t,
            program: p.clone(),
        });
    }

    /// The ascent from `bottom` to `top`; returns the lockout time.
    fn ascend(&mut self, p: &RepProgram, bottom: &Posture, top: &Posture, clean: bool) -> f64 {
        let a = p.ascent_s;
        let arms = |s: Sched| {
            if clean {
                // Pull under: the elbows bend after the hips have extended.
                s.set(G_ARMS, 0.55 * a, 0.45 * a + 0.2)
            } else {
                s
            }
        };
        if p.pattern == RepPattern::HipsShootUp {
            // The hips rise and the knees straighten while the trunk tips further forward...
            let mut mid = *bottom;
            mid.knee = 0.4 * bottom.knee;
            // (+18°: the median of the labelled real "hips first" set, which tips 12–26°
            // further forward; the +10° used before was milder than any rep of that set.)
            mid.pelvis = bottom.pelvis + 18.0;
            let a1 = 0.25 * a;
            self.b.go(
                mid,
                Sched::all(a1)
                    .set(G_PELVIS, 0.05 * a1, 0.95 * a1)
                    .set(G_ARMS, 0.0, a1),
            );
            // ...then the back finishes the lift, the hips coming through late.
            let a2 = 0.75 * a;
            let hip_delay = (-p.lead_ms / 1000.0).max(0.0);
            let s = Sched::all(a2).set(G_HIP, hip_delay, a2 / p.hip_speed).set(
                G_KNEE,
                hip_delay,
                a2 / p.hip_speed,
            );
            self.b.go(*top, arms(s)).end(&BODY_GROUPS)
        } else {
            self.b.go(*top, arms(ascent_sched(p))).end(&BODY_GROUPS)
        }
    }

    // ----- Romanian deadlift -------------------------------------------------------------------

    fn rdl(&mut self, one_leg: bool) {
        let progs = self.programs();
        let first = progs
            .first()
            .cloned()
            .unwrap_or_else(|| self.cfg.rep.clone());
        // One leg: the far foot just off the floor at the top; at the bottom the free leg is in
        // line with the trunk (a straight line from the shoulder to the free heel).
        let top_of = |cx: &Self, p: &RepProgram| {
            let mut q = cx.floor_top(p, false);
            if one_leg {
                q.one_leg = true;
                q.free_thigh = -8.0;
                q.free_knee = 25.0;
            }
            q
        };
        self.b.cur = if one_leg {
            Posture::standing(&self.body)
        } else {
            self.floor_top(&first, false)
        };
        self.b.cur.arm = 8.0;
        if one_leg {
            self.start_still();
            self.b.go(top_of(self, &first), Sched::all(1.0));
            self.b.hold(0.6);
        } else {
            self.start_still();
        }
        for (i, p) in progs.iter().enumerate() {
            let start = self.b.t;
            let mut bottom = self.bottom(p, &self.b.cur.clone());
            if one_leg {
                bottom.free_thigh = -0.95 * p.depth_deg;
                bottom.free_knee = 5.0;
            }
            bottom.hand_half_width = HANDS_BELL * self.h();
            // The bell slides down the thighs to about mid-shin, just in front of the legs.
            let (_, knee) = self.body.leg(bottom.hip_x, bottom.knee);
            self.reach(&mut bottom, knee.x + 0.02 * self.h());
            let d = p.descent_s;
            self.b.go(
                bottom,
                descent_sched(p, 0.0, d, Timing { onset: 0.0, dur: d }),
            );
            self.b.hold(p.pause_bottom_s);
            let turn = self.b.t;
            let top = top_of(self, p);
            let lockout = self.ascend(p, &bottom, &top, false);
            self.b.hold(p.pause_top_s);
            self.record_rep(i, start, turn, false, lockout, p);
        }
        self.b.hold(self.cfg.end_still_s);
    }

    // ----- Squat and pistol (not hinges) ---------------------------------------------------------

    fn squat_top(&self, p: &RepProgram, pistol: bool) -> Posture {
        let mut q = self.top(p, &Posture::standing(&self.body), 0.0);
        self.arms(&mut q, 75.0, 5.0, HANDS_FORWARD);
        if pistol {
            q.one_leg = true;
            q.free_thigh = 45.0;
            q.free_knee = 45.0;
        }
        q
    }

    fn squat(&mut self, pistol: bool) {
        let progs = self.programs();
        let empty = Posture::standing(&self.body);
        let first = progs
            .first()
            .cloned()
            .unwrap_or_else(|| self.cfg.rep.clone());
        let top0 = self.squat_top(&first, pistol);
        if self.start_still() {
            // Arms forward (and the free leg up) before the first rep.
            self.b.go(top0, Sched::all(1.0));
            self.b.hold(0.5);
        } else {
            self.b.cur = top0;
        }
        for (i, p) in progs.iter().enumerate() {
            let start = self.b.t;
            let mut bottom = self.bottom(p, &self.squat_top(p, pistol));
            bottom.arm = 85.0;
            if pistol {
                bottom.free_thigh = 80.0;
                bottom.free_knee = 5.0;
            }
            let d = p.descent_s;
            self.b.go(
                bottom,
                descent_sched(p, 0.0, d, Timing { onset: 0.0, dur: d }),
            );
            self.b.hold(p.pause_bottom_s);
            let turn = self.b.t;
            let top = self.squat_top(p, pistol);
            let m = self.b.go(top, ascent_sched(p));
            self.b.hold(p.pause_top_s);
            self.record_rep(i, start, turn, false, m.end(&BODY_GROUPS), p);
        }
        self.b.go(empty, Sched::all(1.0));
        self.b.hold(self.cfg.end_still_s);
    }

    // ----- The hands-on-pelvis drill ---------------------------------------------------------

    fn push_drill(&mut self, kind: DrillKind, start: f64, top_s: f64, from: Posture, top: Posture) {
        self.drill.push(DrillPlan {
            kind,
            start_s: start,
            top_s,
            end_s: self.b.t,
            to_upright: false,
            hands_on: from.hands_on_pelvis >= 1.0 && top.hands_on_pelvis >= 1.0,
            from,
            top,
        });
    }

    fn drill(&mut self) {
        let d: DrillProgram = self.cfg.drill.clone();
        let body = self.body.clone();
        let empty = Posture::standing(&body);
        let mut hands = 1.0;
        let upright = |hands: f64| Posture {
            hands_on_pelvis: hands,
            ..empty
        };
        let hang_of = |hands: f64| {
            let mut q = upright(hands);
            q.knee = d.knee_deg;
            q.hip_x = body.hip_x_for(d.knee_deg, 3.0);
            q.lumbar = d.hang_lumbar_deg;
            q.thoracic = d.hang_thoracic_deg;
            q.pelvis = body.pelvis_for_trunk(d.hang_trunk_deg, q.lumbar, q.thoracic);
            q
        };
        let l = d.lift_s.max(0.3);
        let engine_up = |l: f64| {
            Sched::all(l)
                .set(G_SPINE, 0.3 * l, 0.8 * l)
                .set(G_HEAD, 0.3 * l, 0.8 * l)
        };
        let crane_up = |l: f64| {
            Sched::all(l)
                .set(G_SPINE, 0.0, 0.8 * l)
                .set(G_HEAD, 0.0, 0.8 * l)
                .set(G_PELVIS, 0.35 * l, l)
                .set(G_HIP, 0.35 * l, l)
                .set(G_KNEE, 0.35 * l, l)
        };
        let back_down = |l: f64| {
            Sched::all(l)
                .set(G_PELVIS, 0.05, l)
                .set(G_SPINE, 0.3 * l, 0.8 * l)
                .set(G_HEAD, 0.3 * l, 0.8 * l)
        };

        let t0 = self.b.t;
        if self.start_still() {
            self.push_drill(DrillKind::Stand, t0, self.b.t, empty, empty);
        }
        let s = self.b.t;
        self.b.go(upright(1.0), Sched::all(1.2));
        self.push_drill(DrillKind::PlaceHands, s, self.b.t, empty, upright(1.0));
        let s = self.b.t;
        self.b.hold(2.0);
        self.push_drill(DrillKind::Stand, s, self.b.t, upright(1.0), upright(1.0));
        let s = self.b.t;
        self.b.go(hang_of(1.0), back_down(2.0));
        self.push_drill(DrillKind::Descend, s, self.b.t, upright(1.0), hang_of(1.0));
        let s = self.b.t;
        self.b.hold(d.hold_s);
        self.push_drill(DrillKind::Hold, s, self.b.t, hang_of(1.0), hang_of(1.0));

        let mut lifts = 0usize;
        let total = d.back_only_lifts + d.crane_lifts + d.engine_lifts;
        for k in 0..total {
            if d.hands_leave_after_lifts == Some(lifts) && hands > 0.0 {
                self.hands_off(&mut hands);
            }
            let hang = hang_of(hands);
            let s = self.b.t;
            let from = self.b.cur;
            if k < d.back_only_lifts {
                // The pelvis stays; the lower back comes up about an inch and goes back down.
                let mut up = hang;
                up.lumbar = hang.lumbar - d.back_only_lumbar_deg;
                up.thoracic = 0.4 * hang.thoracic;
                self.b.go(up, Sched::all(1.0));
                let top_s = self.b.t;
                self.b.hold(0.4);
                self.b.go(hang, Sched::all(1.0));
                self.b.hold(0.6);
                self.push_drill(DrillKind::Crane, s, top_s, from, up);
            } else {
                let crane = k < d.back_only_lifts + d.crane_lifts;
                let sched = if crane { crane_up(l) } else { engine_up(l) };
                self.b.go(upright(hands), sched);
                let top_s = self.b.t;
                let last = k + 1 == total;
                if last {
                    self.b.hold(1.0);
                } else {
                    self.b.hold(0.6);
                    self.b.go(hang, back_down(2.0));
                    self.b.hold(0.8);
                }
                let kind = if crane {
                    DrillKind::Crane
                } else {
                    DrillKind::Engine
                };
                self.push_drill(kind, s, top_s, from, upright(hands));
                if let Some(m) = self.drill.last_mut() {
                    m.to_upright = true;
                }
            }
            lifts += 1;
        }
        if d.hands_leave_after_lifts == Some(lifts) && hands > 0.0 {
            self.hands_off(&mut hands);
        }
        if self.b.cur != upright(hands) {
            self.b.go(upright(hands), engine_up(l));
        }
        // The slow continuous hinge: the pelvis tilts to its limit, then the spine flexes.
        let t = d.slow_hinge_s.max(1.0);
        let mut deep = upright(hands);
        deep.knee = d.knee_deg;
        deep.hip_x = body.hip_x_for(d.knee_deg, 2.0);
        deep.pelvis = d.pelvis_max_deg;
        deep.lumbar = d.slow_hinge_lumbar_deg;
        deep.thoracic = d.slow_hinge_thoracic_deg;
        let s = self.b.t;
        let from = self.b.cur;
        self.b.go(
            deep,
            Sched::all(0.62 * t)
                .set(G_SPINE, 0.4 * t, 0.6 * t)
                .set(G_HEAD, 0.4 * t, 0.6 * t)
                .set(G_ARMS, 0.0, t),
        );
        self.push_drill(DrillKind::SlowHinge, s, self.b.t, from, deep);
        let s = self.b.t;
        self.b.hold(1.0);
        self.push_drill(DrillKind::Hold, s, self.b.t, deep, deep);
        let s = self.b.t;
        self.b.go(upright(hands), engine_up(2.0));
        self.push_drill(DrillKind::Rise, s, self.b.t, deep, upright(hands));
        self.b.hold(1.0);
        if hands > 0.0 {
            let s = self.b.t;
            self.b.go(empty, Sched::all(1.0));
            self.push_drill(DrillKind::HandsOff, s, self.b.t, upright(1.0), empty);
        }
        self.b.hold(self.cfg.end_still_s);
    }

    fn hands_off(&mut self, hands: &mut f64) {
        let s = self.b.t;
        let from = self.b.cur;
        let mut to = from;
        to.hands_on_pelvis = 0.0;
        self.b.go(to, Sched::all(0.8));
        self.b.hold(0.3);
        self.hands_leave_s = Some(s);
        self.push_drill(DrillKind::HandsOff, s, self.b.t, from, to);
        *hands = 0.0;
    }
}

/// Keeps a programme physically sensible (durations positive, speeds bounded).
fn sanitize(p: &mut RepProgram) {
    p.descent_s = p.descent_s.clamp(0.2, 20.0);
    p.ascent_s = p.ascent_s.clamp(0.2, 20.0);
    p.pause_bottom_s = p.pause_bottom_s.clamp(0.0, 30.0);
    p.pause_top_s = p.pause_top_s.clamp(0.0, 30.0);
    p.hip_speed = if p.hip_speed.is_finite() {
        p.hip_speed.clamp(0.2, 3.0)
    } else {
        1.0
    };
    p.knee_deg = p.knee_deg.clamp(0.0, 150.0);
    p.lead_ms = p.lead_ms.clamp(-2000.0, 2000.0);
    p.descent_lead_ms = p.descent_lead_ms.clamp(-2000.0, 2000.0);
}
