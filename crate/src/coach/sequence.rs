//! Crane versus engine: the hinge-sequence metrics (docs/biomechanics.md §5). Did the hips (the
//! engine) drive the rep, or did the back (the crane, which should only hold) pull it up?
//!
//! All functions take a rep's zero-phase filtered series on a uniform grid (`fs` Hz) and index
//! ranges; they return `None` when the movement is too small to measure honestly.

use crate::signal::zero_phase::{derivative, onset};

/// Onsets are taken at this fraction of the phase's peak velocity (§5.2 A1, Appendix A).
pub const ONSET_FRACTION: f64 = 0.15;

/// Samples a condition must hold for an onset: 100 ms (3 samples at 30 Hz).
pub fn hold_samples(fs: f64) -> usize {
    (0.1 * fs).round().max(2.0) as usize
}

/// A1 / D1: lead time between two drivers, in ms. `first` and `second` are velocities that
/// are positive in the movement's direction (e.g. trunk rise −ω_T and hip drive u_H). Onsets
/// are searched in `[from, to)`, peaks over `[peak_from, peak_to)`. Returns
/// `t_on(first) − t_on(second)` in ms, with the two onset indices.
pub fn lead_ms(
    first: &[f64],
    second: &[f64],
    from: usize,
    to: usize,
    peak_from: usize,
    peak_to: usize,
    fs: f64,
) -> Option<(f64, f64, f64)> {
    let hold = hold_samples(fs);
    let a = onset(first, from, to, peak_from, peak_to, ONSET_FRACTION, hold)?;
    let b = onset(second, from, to, peak_from, peak_to, ONSET_FRACTION, hold)?;
    Some(((a - b) * 1000.0 / fs, a, b))
}

/// Normalised progress of `x` from its value at `i0` to its value at `i1`, clamped to 0..1.
/// Returns `None` if the total change is smaller than `min_change`.
pub fn progress(x: &[f64], i0: usize, i1: usize, min_change: f64) -> Option<Vec<f64>> {
    if i1 <= i0 || i1 >= x.len() {
        return None;
    }
    let total = x[i1] - x[i0];
    if !(total.abs() >= min_change) {
        return None;
    }
    Some(
        x[i0..=i1]
            .iter()
            .map(|v| ((v - x[i0]) / total).clamp(0.0, 1.0))
            .collect(),
    )
}

/// A2 / D2: mean of (first − second) progress over normalised time. Positive = `first`
/// ran ahead (for the ascent: the chest came up before the hips drove).
pub fn lead_index(first: &[f64], second: &[f64]) -> Option<f64> {
    if first.len() != second.len() || first.len() < 3 {
        return None;
    }
    Some(first.iter().zip(second).map(|(a, b)| a - b).sum::<f64>() / first.len() as f64)
}

/// A3 F20: the progress of `first` at the moment `second` first reaches `at` (0.20).
pub fn progress_at(first: &[f64], second: &[f64], at: f64) -> Option<f64> {
    let i = second.iter().position(|&v| v >= at)?;
    Some(first[i])
}

/// A minimum-jerk transition fitted to a signal: `x ≈ a + (b − a)·s((t − t0)/D)` with
/// `s(τ) = 10τ³ − 15τ⁴ + 6τ⁵` (the smooth point-to-point profile of human reaching, Flash &
/// Hogan 1985). Times in fractional samples.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MinJerkFit {
    pub t0: f64,
    pub dur: f64,
    pub from: f64,
    pub to: f64,
    pub rms: f64,
}

/// Where the minimum-jerk velocity first reaches 15 % of its peak, as a fraction of the
/// duration: 30τ²(1−τ)² = 0.15 · 1.875.
pub const MINJERK_ONSET_TAU: f64 = 0.108_625;

impl MinJerkFit {
    /// The §5.2 onset (15 % of peak velocity) of the fitted movement, in fractional samples.
    pub fn onset(&self) -> f64 {
        self.t0 + MINJERK_ONSET_TAU * self.dur
    }
}

/// The samples a fit reads: every `stride`-th sample of `x[i0..=i1]`, with their count, sum
/// and sum of squares (the same for every candidate profile).
struct FitWindow<'a> {
    x: &'a [f64],
    i0: usize,
    i1: usize,
    stride: usize,
    n: f64,
    sx: f64,
    sxx: f64,
}

impl<'a> FitWindow<'a> {
    fn new(x: &'a [f64], i0: usize, i1: usize, stride: usize) -> Self {
        let (mut sx, mut sxx) = (0.0, 0.0);
        for &v in x[i0..=i1].iter().step_by(stride) {
            sx += v;
            sxx += v * v;
        }
        FitWindow {
            x,
            i0,
            i1,
            stride,
            n: ((i1 - i0) / stride + 1) as f64,
            sx,
            sxx,
        }
    }

    /// Least squares of the profile `(t0, dur)` on the window's samples: (offset, amplitude,
    /// RMS residual, residual sum of squares). Samples at or before `t0` have s = 0 and add
    /// nothing; once τ reaches 1 (it only grows along the window) s = 1 for the rest. The sums
    /// run in sample order, as a plain loop over every sample would. None also for a fit whose
    /// residual is no smaller than `beat`'s (its RMS could not be smaller either).
    fn fit_at(&self, t0: f64, dur: f64, beat: Option<f64>) -> Option<(f64, f64, f64, f64)> {
        let (i0, stride) = (self.i0, self.stride);
        let x = &self.x[..=self.i1];
        let (mut ss, mut sss, mut ssx) = (0.0, 0.0, 0.0);
        // The first sample after t0 (a guess a sample early, then checked exactly).
        let guess = if t0 > i0 as f64 {
            ((t0 - i0 as f64).floor() as usize).saturating_sub(1)
        } else {
            0
        };
        let mut i = i0 + guess.div_ceil(stride) * stride;
        while i < x.len() && i as f64 <= t0 {
            i += stride;
        }
        while i < x.len() {
            let tau = (i as f64 - t0) / dur;
            if tau >= 1.0 {
                break;
            }
            // s(τ) = 10τ³ − 15τ⁴ + 6τ⁵ (0 < τ < 1).
            let s = tau * tau * tau * (10.0 + tau * (-15.0 + 6.0 * tau));
            ss += s;
            sss += s * s;
            ssx += s * x[i];
            i += stride;
        }
        for &v in x.get(i..).unwrap_or_default().iter().step_by(stride) {
            ss += 1.0;
            sss += 1.0;
            ssx += v;
        }
        let (n, sx) = (self.n, self.sx);
        let var = sss - ss * ss / n;
        if var < 1e-9 {
            return None;
        }
        let c = (ssx - ss * sx / n) / var;
        let a = (sx - c * ss) / n;
        let sse = (self.sxx - a * sx - c * ssx).max(0.0);
        if beat.is_some_and(|b| sse >= b) {
            return None;
        }
        Some((a, c, (sse / n).sqrt(), sse))
    }
}

/// The fine pass's duration steps, `1.12^(j/4)` for j = −4..=4 (as bits: the values `powf`
/// gives, without carrying a pow into the page's wasm).
const FINE_STEPS: [u64; 9] = [
    0x3fec_9249_2492_4924,
    0x3fed_647a_96d9_018e,
    0x3fee_3cb6_6051_f5e0,
    0x3fef_1b28_f10b_c659,
    0x3ff0_0000_0000_0000,
    0x3ff0_75b5_4a3c_155a,
    0x3ff0_eecc_87db_fa55,
    0x3ff1_6b5e_9b77_3be0,
    0x3ff1_eb85_1eb8_51ec,
];

/// Least-squares fit of one minimum-jerk transition to `x[i0..=i1]`, its start searched in
/// `[t0_min, t0_max]` and its duration in `[dur_min, dur_max]` samples (coarse grid, then
/// refined).
/// Model-based onsets are far less sensitive to landmark noise than thresholding a
/// differentiated signal.
pub fn fit_minjerk(
    x: &[f64],
    i0: usize,
    i1: usize,
    t0_min: f64,
    t0_max: f64,
    dur_min: f64,
    dur_max: f64,
) -> Option<MinJerkFit> {
    if i1 >= x.len() || i1 < i0 + 4 || x[i0..=i1].iter().any(|v| !v.is_finite()) {
        return None;
    }
    // (t0, dur, offset, amplitude, rms, residual sum of squares)
    type Best = Option<(f64, f64, f64, f64, f64, f64)>;
    let consider = |best: &mut Best, w: &FitWindow, t0: f64, d: f64| {
        if let Some((a, c, rms, sse)) = w.fit_at(t0, d, best.map(|b| b.5)) {
            if best.is_none_or(|b| rms < b.4) {
                *best = Some((t0, d, a, c, rms, sse));
            }
        }
    };
    // Coarse pass on about 30 samples: starts every 1/30 of the window (at least 2 samples),
    // durations in 12 % steps; then a fine pass at full resolution around the best.
    const RATIO: f64 = 1.12;
    let stride = ((i1 - i0) / 30).max(1);
    let t_step = (((i1 - i0) as f64) / 30.0).max(2.0);
    let mut durs = Vec::with_capacity(32);
    let mut d = dur_min;
    while d <= dur_max {
        durs.push(d);
        d *= RATIO;
    }
    let coarse_w = FitWindow::new(x, i0, i1, stride);
    let mut coarse: Best = None;
    let mut t0 = t0_min;
    while t0 <= t0_max.min(i1 as f64) {
        for &d in &durs {
            consider(&mut coarse, &coarse_w, t0, d);
        }
        t0 += t_step;
    }
    let (bt, bd, ..) = coarse?;
    let fine_w = if stride == 1 {
        coarse_w
    } else {
        FitWindow::new(x, i0, i1, 1)
    };
    let fine_d: [f64; 9] = FINE_STEPS.map(|f| bd * f64::from_bits(f));
    let mut best: Best = None;
    for i in -8..=8 {
        for &d in &fine_d {
            consider(&mut best, &fine_w, bt + i as f64 * t_step / 4.0, d);
        }
    }
    let (t0, dur, a, c, rms, _) = best?;
    Some(MinJerkFit {
        t0,
        dur,
        from: a,
        to: a + c,
        rms,
    })
}

/// The ascent's crane-versus-engine measurements.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct Ascent {
    /// A1 Δt_lead (ms), positive = hips lead.
    pub lead_ms: Option<f64>,
    /// Trunk recovery (deg) already done when the hip drive began (A1 fault condition).
    pub trunk_up_at_hip_onset: Option<f64>,
    /// A2 L_asc: positive = chest up first.
    pub l_asc: Option<f64>,
    /// A3 F20: trunk recovery fraction when the hips had done 20 % of their drive.
    pub f20: Option<f64>,
    /// How well one smooth (minimum-jerk) movement describes the hips' drive and the trunk's
    /// rise: RMS residual over amplitude. A landmark the model holds behind the bell and
    /// then lets jump fits badly, and its onset is not a timing to trust.
    pub hip_fit_residual: Option<f64>,
    pub trunk_fit_residual: Option<f64>,
    /// Floor lifts' A1: t_on(trunk rise) − t_on(hips rising) in ms; positive = hips first.
    pub rise_lead_ms: Option<f64>,
    /// Trunk recovery (deg) already done when the hips began to rise.
    pub trunk_up_at_rise_onset: Option<f64>,
    /// Floor lifts' A2: mean of (trunk recovery − hip-rise progress); positive = chest first.
    pub l_rise: Option<f64>,
    /// Floor lifts' A3: trunk recovery fraction when the hips had risen a fifth of the way.
    pub f20_rise: Option<f64>,
}

/// The §5.2 onset of the movement in `x` (15 % of peak velocity, fractional samples): the
/// minimum-jerk fit locates it, then the measured velocity's own crossing of 15 % of the
/// fitted peak is taken near the fitted onset (from 150 ms before to 75 ms after: a movement
/// that starts with a slow part, like a spine un-rounding before the pelvis turns, has its
/// true onset before the single-profile fit's) — unbiased where the signal is clean, and held
/// near the fit where landmark noise would scatter a bare threshold.
pub fn guided_onset(x: &[f64], fit: &MinJerkFit, fs: f64) -> f64 {
    let c = fit.onset();
    let amp = fit.to - fit.from;
    if x.len() < 3 || amp == 0.0 {
        return c;
    }
    let sign = amp.signum();
    let v: Vec<f64> = derivative(x, fs).iter().map(|d| sign * d).collect();
    let thr = 0.15 * 1.875 * amp.abs() / (fit.dur / fs);
    let lo = ((c - 0.15 * fs).floor().max(1.0) as usize).min(v.len() - 1);
    let hi = ((c + 0.075 * fs).ceil().max(1.0) as usize).min(v.len() - 1);
    let hold = hold_samples(fs);
    let mut best: Option<f64> = None;
    for k in lo..=hi {
        if v[k - 1] <= thr && v[k] > thr && (k..(k + hold).min(v.len())).all(|j| v[j] > thr) {
            let t = (k - 1) as f64 + (thr - v[k - 1]) / (v[k] - v[k - 1]);
            if best.is_none_or(|b| (t - c).abs() < (b - c).abs()) {
                best = Some(t);
            }
        }
    }
    best.unwrap_or(c)
}

/// Computes A1–A3 over the ascent `[ib, il]` (bottom to lockout) from the trunk inclination
/// θ_T (deg), the hip's forward position d_H (B) and its height h_H (B); the hips' rise timing
/// only when `rise_timing` (floor lifts).
pub fn ascent(
    trunk: &[f64],
    hip_x: &[f64],
    hip_y: &[f64],
    ib: usize,
    il: usize,
    fs: f64,
    rise_timing: bool,
) -> Ascent {
    let mut out = Ascent::default();
    if il <= ib + 2 || il >= trunk.len() {
        return out;
    }
    // Validity (§5.1): the trunk recovers ≥ 15° and the hips travel ≥ 0.03 B.
    let r_t = progress(trunk, ib, il, 15.0);
    let r_h = progress(hip_x, ib, il, 0.03);
    if let (Some(rt), Some(rh)) = (&r_t, &r_h) {
        // r_T counts recovery, i.e. the fall of θ_T: progress() is signed by the total change.
        out.l_asc = lead_index(rt, rh);
        out.f20 = progress_at(rt, rh, 0.20);
    }
    if let (Some(rt), Some(ry)) = (&r_t, progress(hip_y, ib, il, 0.05)) {
        out.l_rise = lead_index(rt, &ry);
        out.f20_rise = progress_at(rt, &ry, 0.20);
    }
    // A1: onsets of the trunk rise and the hip drive (guided by minimum-jerk fits).
    let end = (il + (0.15 * fs) as usize).min(trunk.len() - 1);
    // Starts from 400 ms before to 1 s after the bottom (a late engine can start that late).
    let (t0_min, t0_max) = (ib as f64 - 0.4 * fs, ib as f64 + 1.0 * fs);
    let (dmin, dmax) = (0.12 * fs, (1.6 * fs).min((end - ib) as f64 + 0.4 * fs));
    let Some(tf) =
        fit_minjerk(trunk, ib, end, t0_min, t0_max, dmin, dmax).filter(|f| f.from - f.to >= 10.0)
    else {
        return out;
    };
    let t_trunk = guided_onset(trunk, &tf, fs);
    out.trunk_fit_residual = Some(tf.rms / (tf.from - tf.to).abs().max(1e-9));
    if r_h.is_some() || progress(hip_x, ib, il, 0.02).is_some() {
        if let Some(hf) = fit_minjerk(hip_x, ib, end, t0_min, t0_max, dmin, dmax)
            .filter(|f| f.to - f.from >= 0.015)
        {
            let t_hip = guided_onset(hip_x, &hf, fs);
            out.hip_fit_residual = Some(hf.rms / (hf.to - hf.from).abs().max(1e-9));
            out.lead_ms = Some((t_trunk - t_hip) * 1000.0 / fs);
            let k = t_hip.round().clamp(ib as f64, (trunk.len() - 1) as f64) as usize;
            out.trunk_up_at_hip_onset = Some(trunk[ib] - trunk[k]);
        }
    }
    // Floor lifts: the hips' first visible work is to rise (knees and hips extending together).
    if let Some(yf) = rise_timing
        .then(|| fit_minjerk(hip_y, ib, end, t0_min, t0_max, dmin, dmax))
        .flatten()
        .filter(|f| f.to - f.from >= 0.03)
    {
        let t_rise = guided_onset(hip_y, &yf, fs);
        out.rise_lead_ms = Some((t_trunk - t_rise) * 1000.0 / fs);
        let k = t_rise.round().clamp(ib as f64, (trunk.len() - 1) as f64) as usize;
        out.trunk_up_at_rise_onset = Some(trunk[ib] - trunk[k]);
    }
    out
}

/// The descent's measurements (§5.3).
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct Descent {
    /// D1 Δt_desc (ms): t_on(trunk incline) − t_on(hips back); positive = hips back first.
    pub lead_ms: Option<f64>,
    /// Trunk inclination (deg) already done when the hips had moved back 0.02 B.
    pub trunk_down_before_hips: Option<f64>,
    /// D2 L_desc: positive = the trunk bowed ahead of the hips.
    pub l_desc: Option<f64>,
    /// D3 hinge ratio: hips back (% B) per degree of trunk over the first half of the descent.
    pub hinge_ratio: Option<f64>,
}

/// Computes D1–D3 over the descent `[is, ib]` (start to bottom).
pub fn descent(trunk: &[f64], hip_x: &[f64], is: usize, ib: usize, fs: f64) -> Descent {
    let mut out = Descent::default();
    if ib <= is + 2 || ib >= trunk.len() {
        return out;
    }
    let q_t = progress(trunk, is, ib, 15.0);
    let q_h = progress(hip_x, is, ib, 0.03);
    if let (Some(qt), Some(qh)) = (&q_t, &q_h) {
        out.l_desc = lead_index(qt, qh);
    }
    if q_h.is_some() {
        let incline = derivative(trunk, fs);
        let back: Vec<f64> = derivative(hip_x, fs).iter().map(|v| -v).collect();
        let from = is.saturating_sub((0.2 * fs) as usize);
        if let Some((lead, _a, _b)) = lead_ms(&incline, &back, from, ib + 1, is, ib + 1, fs) {
            out.lead_ms = Some(lead);
        }
        // Trunk inclination done before the hips had moved back 0.02 B.
        if let Some(k) = (is..=ib).find(|&k| hip_x[is] - hip_x[k] >= 0.02) {
            out.trunk_down_before_hips = Some(trunk[k] - trunk[is]);
        }
    }
    let mid = is + (ib - is) / 2;
    let d_trunk = trunk[mid] - trunk[is];
    if d_trunk > 10.0 {
        out.hinge_ratio = Some(100.0 * (hip_x[is] - hip_x[mid]) / d_trunk);
    }
    out
}

/// Floor lifts: did the hips shoot up? The mean over the ascent of (hip-rise progress −
/// shoulder-rise progress). 0 = hips and shoulders rise together (a constant back angle, the
/// crane held rigid); positive = the hips rose first and the back finished the lift.
pub fn hip_rise_index(hip_y: &[f64], shoulder_y: &[f64], ib: usize, il: usize) -> Option<f64> {
    let rh = progress(hip_y, ib, il, 0.05)?;
    let rs = progress(shoulder_y, ib, il, 0.05)?;
    lead_index(&rh, &rs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minjerk(t: f64, t0: f64, d: f64) -> f64 {
        let s = ((t - t0) / d).clamp(0.0, 1.0);
        s * s * s * (10.0 - 15.0 * s + 6.0 * s * s)
    }

    /// An ascent where the hips start `lag` s before the trunk.
    fn ascent_series(lag: f64, fs: f64) -> (Vec<f64>, Vec<f64>) {
        let n = (2.0 * fs) as usize;
        let trunk: Vec<f64> = (0..n)
            .map(|i| 60.0 - 60.0 * minjerk(i as f64 / fs, 0.5 + lag.max(0.0), 0.6))
            .collect();
        let hip: Vec<f64> = (0..n)
            .map(|i| -0.15 + 0.15 * minjerk(i as f64 / fs, 0.5 + (-lag).max(0.0), 0.6))
            .collect();
        (trunk, hip)
    }

    #[test]
    fn lead_time_sign_and_size() {
        let fs = 30.0;
        for lag in [-0.2, -0.1, 0.0, 0.06, 0.15] {
            let (trunk, hip) = ascent_series(lag, fs);
            let a = ascent(&trunk, &hip, &hip, 15, 59, fs, false);
            let lead = a.lead_ms.unwrap();
            assert!((lead - lag * 1000.0).abs() < 20.0, "lag {lag}: lead {lead}");
            let l = a.l_asc.unwrap();
            assert_eq!(l > 0.02, lag < -0.05, "lag {lag}: L_asc {l}");
        }
    }

    #[test]
    fn fine_steps_are_the_ratio_powers() {
        for (j, f) in FINE_STEPS.iter().enumerate() {
            let p = 1.12f64.powf((j as i32 - 4) as f64 / 4.0);
            assert_eq!(f64::from_bits(*f), p, "step {j}");
        }
    }

    #[test]
    fn too_small_a_movement_is_not_measured() {
        let trunk = vec![10.0; 60];
        let hip = vec![0.0; 60];
        let a = ascent(&trunk, &hip, &hip, 10, 50, 30.0, false);
        assert_eq!(a, Ascent::default());
    }

    #[test]
    fn hips_shooting_up_shows_in_the_rise_index() {
        let fs = 30.0;
        let n = 60;
        let together: Vec<f64> = (0..n).map(|i| minjerk(i as f64 / fs, 0.2, 1.0)).collect();
        let early: Vec<f64> = (0..n).map(|i| minjerk(i as f64 / fs, 0.2, 0.5)).collect();
        let late: Vec<f64> = (0..n).map(|i| minjerk(i as f64 / fs, 0.6, 0.6)).collect();
        assert!(hip_rise_index(&together, &together, 3, 50).unwrap().abs() < 1e-9);
        // The hips finish 0.45 s ahead over a 1.6 s window: about 0.28 of the way on average.
        assert!(hip_rise_index(&early, &late, 3, 50).unwrap() > 0.2);
        assert!(hip_rise_index(&late, &early, 3, 50).unwrap() < -0.2);
    }
}
