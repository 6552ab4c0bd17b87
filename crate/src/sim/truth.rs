//! Exact ground truth, measured on the noise-free, yaw-free kinematics sampled at 1 kHz with
//! the same definitions the analysis uses (biomechanics §1.4, §5.2 A1, §5.3 D1, §1.5 θ_T*):
//! rep events, lead times, angles at the bottom, the expected crane/engine verdict, the
//! programmed faults, the fatigue onset rep, and the drill's movements and pelvic limit.

use super::body::{Facing, Side};
use super::plan::{DrillKind, Plan, RepPlan};
use super::program::{FatigueDrift, RepPattern, SimConfig, SimLift};
use serde::{Deserialize, Serialize};

/// Sampling step of the ground-truth signals (1 kHz).
pub const TRUTH_DT_S: f64 = 0.001;
/// Onset threshold as a fraction of the phase's peak velocity (biomechanics Appendix A).
pub const ONSET_FRACTION: f64 = 0.15;
/// An onset needs the signal to stay above the threshold this long (3 samples at 30 Hz).
pub const ONSET_HOLD_S: f64 = 0.100;
/// The ascent onset search window around the bottom: [t_b − 300 ms, t_b + 600 ms].
pub const ONSET_BEFORE_S: f64 = 0.300;
pub const ONSET_AFTER_S: f64 = 0.600;
/// Engine when the lead is at least this (ms).
pub const ENGINE_MIN_LEAD_MS: f64 = -35.0;

/// Programmed faults: the same codes the analysis reports.
pub use crate::report::FaultCode as Fault;

/// The expected judgement of a rep.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Hips lead (lead ≥ −35 ms) and no crane pattern.
    Engine,
    /// Back-led (lead < −max(100 ms, 10 % of the ascent)), or a hips-shoot-up, back-led or
    /// rounded-back pattern.
    Crane,
    /// In between: −max(100 ms, 10 %) ≤ lead < −35 ms with no crane pattern.
    Borderline,
    /// Squat or pistol: not a hinge at all.
    NotHinge,
}

/// Ground truth of one counted rep. Times in seconds from the clip start.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RepTruth {
    /// 1-based.
    pub index: usize,
    /// Start of the rep's descent (rep 1 of a swing: the hike; of a floor lift: the reach down).
    pub start_s: f64,
    /// Time of the maximum landmark hip flexion φ_H within [turn − 0.3 s, lockout] (the latest
    /// sample on a plateau), where "turn" is the end of the descent and of any bottom pause
    /// (after the swing's hike the window starts at the turn: the hike starts deeper).
    pub bottom_s: f64,
    /// Hip drive, knees, pelvis and spine have all reached the lockout posture.
    pub lockout_s: f64,
    /// End of the rep: the next descent (or the park / set-down) starts here.
    pub end_s: f64,
    pub pattern: RepPattern,
    /// The programmed lead times (after fatigue drift and variability).
    pub programmed_lead_ms: f64,
    pub programmed_descent_lead_ms: f64,
    /// A1: t_on(trunk rise) − t_on(hip drive), ms, measured (positive = hips lead). For the
    /// swing's first rep the search starts at the turn, not 300 ms before the bottom: the hike
    /// that precedes it moves the hips and trunk too.
    pub lead_ms: Option<f64>,
    /// D1: t_on(trunk incline) − t_on(hips back), ms, measured (positive = hips back first);
    /// `None` when the descent has no trunk incline to time (the swing's hike).
    pub descent_lead_ms: Option<f64>,
    pub hip_drive_onset_s: Option<f64>,
    pub trunk_rise_onset_s: Option<f64>,
    /// lockout − bottom, ms.
    pub ascent_ms: f64,
    /// θ_T, φ_K, φ_H, θ_Sh at the bottom (deg).
    pub trunk_at_bottom_deg: f64,
    pub knee_at_bottom_deg: f64,
    pub hip_flexion_at_bottom_deg: f64,
    pub shin_at_bottom_deg: f64,
    /// ψ, λ, κ at the bottom (deg).
    pub pelvis_at_bottom_deg: f64,
    pub lumbar_at_bottom_deg: f64,
    pub thoracic_at_bottom_deg: f64,
    /// θ_T at lockout (deg; negative = leaning back).
    pub trunk_at_lockout_deg: f64,
    /// Peak forward hip velocity over the ascent (m/s).
    pub peak_hip_speed_mps: f64,
    /// Peak trunk-rise rate −dθ_T/dt over the ascent (deg/s).
    pub peak_trunk_rise_dps: f64,
    /// Programmed hip-drive speed factor (fatigue: below 1).
    pub hip_speed_factor: f64,
    pub verdict: Verdict,
    pub faults: Vec<Fault>,
}

/// Ground truth of one drill movement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DrillMovement {
    pub kind: DrillKind,
    pub start_s: f64,
    /// End of the rise for lifts; otherwise the end of the movement.
    pub top_s: f64,
    pub end_s: f64,
    /// Lifts: whether the lift goes fully upright (false = back-only, "about an inch").
    pub to_upright: bool,
    /// Thumb on the crest and index on the trochanter for the whole movement.
    pub hands_on_pelvis: bool,
    /// The analysis should abstain (the hands are not on the pelvis).
    pub abstain: bool,
    /// ψ, λ and θ_T change from the start to the top (deg).
    pub pelvis_change_deg: f64,
    pub lumbar_change_deg: f64,
    pub trunk_change_deg: f64,
    /// Slow hinge: θ_T*, the trunk angle after which dψ/dθ_T stays below 0.2.
    pub pelvic_limit_trunk_deg: Option<f64>,
}

/// Ground truth of the drill.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DrillTruth {
    pub movements: Vec<DrillMovement>,
    /// θ_T* of the slow hinge.
    pub pelvic_limit_trunk_deg: Option<f64>,
    /// ψ_max reached in the slow hinge.
    pub pelvis_max_deg: f64,
    /// The hands left the pelvis at this time (abstain from then on).
    pub hands_leave_s: Option<f64>,
}

/// Set-level and per-rep ground truth of a simulated clip.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SimTruth {
    pub lift: SimLift,
    pub is_hinge: bool,
    /// Counted reps (the swing's hike-out upswing included; park, set-down and the empty-handed
    /// stand-up excluded).
    pub rep_count: usize,
    pub reps: Vec<RepTruth>,
    pub facing: Facing,
    /// The side nearer the camera (right when facing image-right).
    pub near_side: Side,
    pub camera_yaw_deg: f64,
    pub camera_roll_deg: f64,
    pub fps: f64,
    pub image_width: f64,
    pub image_height: f64,
    pub px_per_m: f64,
    pub stature_m: f64,
    pub duration_s: f64,
    /// The standing-still calibration window, if the clip starts with one.
    pub calibration_s: Option<(f64, f64)>,
    pub fatigue: Option<FatigueDrift>,
    /// The first rep at which the programmed drift reaches a fatigue threshold (see
    /// `FatigueDrift::onset_rep`).
    pub fatigue_onset_rep: Option<usize>,
    pub drill: Option<DrillTruth>,
    pub frame_count: usize,
    pub empty_frames: usize,
    pub seed: u64,
}

/// Dense noise-free signals over a time window: the trunk chord angle θ_T and the hip joint's
/// forward position (what the onsets are timed on), and the pelvic tilt ψ.
struct Dense {
    t0: f64,
    trunk: Vec<f64>,
    hip_x: Vec<f64>,
    pelvis: Vec<f64>,
}

impl Dense {
    fn sample(plan: &Plan, t0: f64, t1: f64) -> Dense {
        let n = ((t1 - t0) / TRUTH_DT_S).ceil().max(2.0) as usize + 1;
        let mut d = Dense {
            t0,
            trunk: Vec::with_capacity(n),
            hip_x: Vec::with_capacity(n),
            pelvis: Vec::with_capacity(n),
        };
        let body = plan.body();
        // θ_T = ψ + θ_T(0, λ, κ): the spinal part only changes while the spine moves.
        let mut spine = (f64::NAN, f64::NAN, 0.0);
        let mut cursor = 0;
        for i in 0..n {
            let p = plan.posture_seq(t0 + i as f64 * TRUTH_DT_S, &mut cursor);
            if p.lumbar != spine.0 || p.thoracic != spine.1 {
                spine = (
                    p.lumbar,
                    p.thoracic,
                    body.trunk_angle(0.0, p.lumbar, p.thoracic),
                );
            }
            d.trunk.push(p.pelvis + spine.2);
            d.hip_x.push(body.hip_x(p.hip_x, p.knee));
            d.pelvis.push(p.pelvis);
        }
        d
    }
    fn t(&self, i: usize) -> f64 {
        self.t0 + i as f64 * TRUTH_DT_S
    }
    fn i(&self, t: f64) -> usize {
        (((t - self.t0) / TRUTH_DT_S).round().max(0.0) as usize).min(self.trunk.len() - 1)
    }
}

/// The bottom: the time of the maximum landmark hip flexion φ_H in [lo, hi] on the 1 kHz grid
/// anchored at `t0`, the latest sample on a plateau. A 10 ms scan finds the region, 1 ms
/// samples around it settle it (φ_H is smooth).
fn bottom_time(plan: &Plan, t0: f64, lo: f64, hi: f64) -> f64 {
    let body = plan.body();
    let mut cursor = 0;
    let mut phi = |t: f64| {
        body.signals(&plan.posture_seq(t, &mut cursor))
            .hip_flexion_deg
    };
    let grid = |t: f64| t0 + ((t - t0) / TRUTH_DT_S).round() * TRUTH_DT_S;
    let (lo, hi) = (grid(lo), grid(hi));
    let mut best_in = |a: f64, b: f64, step: f64| {
        let n = ((b - a) / step).round().max(0.0) as usize;
        let mut best = (a, phi(a));
        for k in 1..=n {
            let t = a + k as f64 * step;
            let v = phi(t);
            if v >= best.1 - 1e-7 {
                best = (t, v.max(best.1));
            }
        }
        best.0
    };
    let coarse = best_in(lo, hi, 10.0 * TRUTH_DT_S);
    best_in((coarse - 0.02).max(lo), (coarse + 0.02).min(hi), TRUTH_DT_S)
}

/// Central-difference derivative per second.
fn deriv(x: &[f64]) -> Vec<f64> {
    let n = x.len();
    (0..n)
        .map(|i| {
            let (a, b) = (i.saturating_sub(1), (i + 1).min(n - 1));
            (x[b] - x[a]) / ((b - a) as f64 * TRUTH_DT_S)
        })
        .collect()
}

/// t_on(X): the first time in samples [lo, hi] at which `x` exceeds `ONSET_FRACTION` of `peak`
/// and stays above it for `ONSET_HOLD_S`, linearly interpolated between samples.
fn onset(d: &Dense, x: &[f64], peak: f64, lo: usize, hi: usize) -> Option<f64> {
    if peak.is_nan() || peak <= 0.0 {
        return None;
    }
    let thr = ONSET_FRACTION * peak;
    let hold = (ONSET_HOLD_S / TRUTH_DT_S).round() as usize;
    let hi = hi.min(x.len() - 1);
    let mut i = lo;
    while i <= hi {
        if x[i] > thr {
            let end = (i + hold).min(x.len() - 1);
            match (i..=end).find(|&j| x[j] <= thr) {
                None => {
                    if i > 0 && x[i - 1] <= thr {
                        let f = (thr - x[i - 1]) / (x[i] - x[i - 1]);
                        return Some(d.t(i - 1) + f * TRUTH_DT_S);
                    }
                    return Some(d.t(i));
                }
                Some(j) => i = j + 1,
            }
        } else {
            i += 1;
        }
    }
    None
}

fn peak(x: &[f64], lo: usize, hi: usize) -> f64 {
    x[lo..=hi.max(lo)]
        .iter()
        .copied()
        .fold(f64::NEG_INFINITY, f64::max)
}

/// Measures one rep.
fn rep_truth(cfg: &SimConfig, plan: &Plan, r: &RepPlan) -> RepTruth {
    let body = plan.body();
    let t0 = r.start_s - ONSET_BEFORE_S;
    // Bottom: max φ_H in [turn − 0.3 s, lockout], the latest sample on a plateau.
    let bottom_s = bottom_time(plan, t0, r.bottom_from_s, r.lockout_s);
    let t1 = r.lockout_s.max(bottom_s + ONSET_AFTER_S) + ONSET_HOLD_S + 0.01;
    let d = Dense::sample(plan, t0, t1);
    let ib = d.i(bottom_s);
    let il = d.i(r.lockout_s);
    let trunk_rate = deriv(&d.trunk);
    let hip_vel = deriv(&d.hip_x);
    let rise: Vec<f64> = trunk_rate.iter().map(|v| -v).collect();
    let back: Vec<f64> = hip_vel.iter().map(|v| -v).collect();

    // Ascent (A1): trunk rise −dθ_T/dt versus hip drive (forward hip velocity).
    let wlo = d.i(if r.hike {
        r.turn_s
    } else {
        bottom_s - ONSET_BEFORE_S
    });
    let whi = d.i(bottom_s + ONSET_AFTER_S);
    let peak_rise = peak(&rise, ib, il);
    let peak_drive = peak(&hip_vel, ib, il);
    let t_trunk = onset(&d, &rise, peak_rise, wlo, whi);
    let t_hip = onset(&d, &hip_vel, peak_drive, wlo, whi);
    let lead_ms = match (t_trunk, t_hip) {
        (Some(a), Some(b)) => Some((a - b) * 1000.0),
        _ => None,
    };
    // Descent (D1): trunk incline +dθ_T/dt versus hips back (backward hip velocity).
    let is = d.i(r.start_s);
    let dlo = d.i(r.start_s - ONSET_BEFORE_S);
    let t_incline = onset(&d, &trunk_rate, peak(&trunk_rate, is, ib), dlo, ib);
    let t_back = onset(&d, &back, peak(&back, is, ib), dlo, ib);
    let descent_lead_ms = match (t_incline, t_back) {
        (Some(a), Some(b)) => Some((a - b) * 1000.0),
        _ => None,
    };

    let pb = plan.posture_at(bottom_s);
    let sb = body.signals(&pb);
    let sl = body.signals(&plan.posture_at(r.lockout_s));
    let ascent_ms = (r.lockout_s - bottom_s) * 1000.0;
    let p = &r.program;
    let hinge = cfg.lift.is_hinge();
    let crane_threshold = -(100.0f64).max(0.1 * ascent_ms);
    let back_led_measured = lead_ms.is_some_and(|l| l < crane_threshold);
    let verdict = if !hinge {
        Verdict::NotHinge
    } else if p.pattern.is_crane() || back_led_measured {
        Verdict::Crane
    } else if lead_ms.is_none_or(|l| l >= ENGINE_MIN_LEAD_MS) {
        Verdict::Engine
    } else {
        Verdict::Borderline
    };
    let mut faults = Vec::new();
    if hinge {
        let lift = cfg.lift;
        let descent = descent_lead_ms.unwrap_or(p.descent_lead_ms);
        let checks = [
            (
                Fault::BackLeadsAscent,
                p.pattern == RepPattern::BackLed || back_led_measured,
            ),
            (Fault::HipsShootUp, p.pattern == RepPattern::HipsShootUp),
            (Fault::TrunkLeadsDescent, descent < -100.0),
            (
                Fault::RoundedBack,
                p.pattern == RepPattern::RoundedBack || p.lumbar_deg >= 20.0,
            ),
            (Fault::SquatNotHinge, p.pattern == RepPattern::SquatNotHinge),
            (
                Fault::KneesLocked,
                matches!(lift, SimLift::Swing | SimLift::Deadlift | SimLift::Clean)
                    && sb.knee_flexion_deg < 8.0
                    && sb.trunk_deg > 45.0,
            ),
            (Fault::LeanBackLockout, sl.trunk_deg <= -10.0),
            (Fault::IncompleteLockout, p.lockout_shortfall_deg >= 10.0),
            (Fault::ArmsLiftBell, lift == SimLift::Swing && p.arms_lift),
            (Fault::HeadCrank, p.head_crank_deg >= 20.0),
        ];
        faults.extend(checks.iter().filter(|c| c.1).map(|c| c.0));
    }
    RepTruth {
        index: r.index,
        start_s: r.start_s,
        bottom_s,
        lockout_s: r.lockout_s,
        end_s: r.end_s,
        pattern: p.pattern,
        programmed_lead_ms: p.lead_ms,
        programmed_descent_lead_ms: p.descent_lead_ms,
        lead_ms,
        descent_lead_ms,
        hip_drive_onset_s: t_hip,
        trunk_rise_onset_s: t_trunk,
        ascent_ms,
        trunk_at_bottom_deg: sb.trunk_deg,
        knee_at_bottom_deg: sb.knee_flexion_deg,
        hip_flexion_at_bottom_deg: sb.hip_flexion_deg,
        shin_at_bottom_deg: sb.shin_deg,
        pelvis_at_bottom_deg: pb.pelvis,
        lumbar_at_bottom_deg: pb.lumbar,
        thoracic_at_bottom_deg: pb.thoracic,
        trunk_at_lockout_deg: sl.trunk_deg,
        peak_hip_speed_mps: peak_drive.max(0.0),
        peak_trunk_rise_dps: peak_rise.max(0.0),
        hip_speed_factor: p.hip_speed,
        verdict,
        faults,
    }
}

/// θ_T*: the trunk angle from which on dψ/dθ_T stays below 0.2 for the rest of the hinge
/// (only samples where the trunk inclines faster than 1 °/s count), interpolated.
fn pelvic_limit(plan: &Plan, t0: f64, t1: f64) -> Option<f64> {
    let d = Dense::sample(plan, t0, t1);
    let dpsi = deriv(&d.pelvis);
    let dth = deriv(&d.trunk);
    let ratio = |i: usize| dpsi[i] / dth[i];
    let moving: Vec<usize> = (0..d.trunk.len()).filter(|&i| dth[i] > 1.0).collect();
    let k = moving.iter().rposition(|&i| ratio(i) >= 0.2)?;
    let (i, j) = (moving[k], *moving.get(k + 1)?);
    let (ri, rj) = (ratio(i), ratio(j));
    let f = if ri > rj {
        ((ri - 0.2) / (ri - rj)).clamp(0.0, 1.0)
    } else {
        0.0
    };
    Some(d.trunk[i] + f * (d.trunk[j] - d.trunk[i]))
}

fn drill_truth(cfg: &SimConfig, plan: &Plan) -> DrillTruth {
    let body = plan.body();
    let mut limit = None;
    let movements = plan
        .drill
        .iter()
        .map(|m| {
            let theta = |p| body.signals(p).trunk_deg;
            let star = if m.kind == DrillKind::SlowHinge {
                let s = pelvic_limit(plan, m.start_s, m.end_s);
                limit = limit.or(s);
                s
            } else {
                None
            };
            DrillMovement {
                kind: m.kind,
                start_s: m.start_s,
                top_s: m.top_s,
                end_s: m.end_s,
                to_upright: m.to_upright,
                hands_on_pelvis: m.hands_on,
                abstain: !m.hands_on,
                pelvis_change_deg: m.top.pelvis - m.from.pelvis,
                lumbar_change_deg: m.top.lumbar - m.from.lumbar,
                trunk_change_deg: theta(&m.top) - theta(&m.from),
                pelvic_limit_trunk_deg: star,
            }
        })
        .collect();
    DrillTruth {
        movements,
        pelvic_limit_trunk_deg: limit,
        pelvis_max_deg: cfg.drill.pelvis_max_deg,
        hands_leave_s: plan.hands_leave_s,
    }
}

/// All ground truth of a clip (frame counts are filled in by the renderer).
pub(crate) fn compute(cfg: &SimConfig, plan: &Plan) -> SimTruth {
    let reps: Vec<RepTruth> = plan.reps.iter().map(|r| rep_truth(cfg, plan, r)).collect();
    let fatigue_onset_rep = cfg.fatigue.as_ref().and_then(|f| f.onset_rep(cfg.reps));
    SimTruth {
        lift: cfg.lift,
        is_hinge: cfg.lift.is_hinge(),
        rep_count: reps.len(),
        reps,
        facing: cfg.camera.facing,
        near_side: cfg.camera.facing.near_side(),
        camera_yaw_deg: cfg.camera.yaw_deg,
        camera_roll_deg: cfg.camera.roll_deg,
        fps: cfg.fps,
        image_width: cfg.camera.width,
        image_height: cfg.camera.height,
        px_per_m: cfg.camera.scale(plan.body().stature_m),
        stature_m: plan.body().stature_m,
        duration_s: plan.duration_s(),
        calibration_s: plan.calibration,
        fatigue: cfg.fatigue.clone(),
        fatigue_onset_rep,
        drill: (cfg.lift == SimLift::Drill).then(|| drill_truth(cfg, plan)),
        frame_count: 0,
        empty_frames: 0,
        seed: cfg.seed,
    }
}
