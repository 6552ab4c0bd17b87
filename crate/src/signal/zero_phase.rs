//! The per-rep, zero-phase signal path (docs/biomechanics.md §2): a rep's raw buffer is resampled to
//! a uniform grid, short gaps are bridged, a 2nd-order Butterworth low-pass runs forwards and
//! backwards (no lag: timing metrics must not inherit the live filter's delay), and derivatives
//! come from a 7-point Savitzky–Golay kernel. Also onset and extremum helpers for events.

use std::f64::consts::PI;

/// Effective −3 dB cutoff of the two passes (Hz); the design cutoff is divided by Winter's
/// correction 0.802 (§2: 7.48 Hz design for 6 Hz effective).
pub const EFFECTIVE_CUTOFF_HZ: f64 = 6.0;
const WINTER_CORRECTION: f64 = 0.802;

/// Longest gap (in samples of the uniform grid at 30 Hz equivalents) bridged by interpolation
/// (§2 "Dropouts": ≤ 5 frames).
pub const MAX_BRIDGED_GAP_S: f64 = 5.0 / 30.0;

/// Second-order IIR section coefficients (`a[0]` = 1).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Biquad {
    pub b: [f64; 3],
    pub a: [f64; 3],
}

/// Butterworth 2nd-order low-pass by the bilinear transform with frequency pre-warping.
pub fn butterworth_lowpass(fc: f64, fs: f64) -> Biquad {
    let fc = fc.min(0.45 * fs);
    let k = (PI * fc / fs).tan();
    let q = std::f64::consts::SQRT_2;
    let norm = 1.0 / (1.0 + q * k + k * k);
    let b0 = k * k * norm;
    Biquad {
        b: [b0, 2.0 * b0, b0],
        a: [
            1.0,
            2.0 * (k * k - 1.0) * norm,
            (1.0 - q * k + k * k) * norm,
        ],
    }
}

/// The design filter for the per-rep path at sample rate `fs`.
pub fn rep_filter(fs: f64) -> Biquad {
    butterworth_lowpass(EFFECTIVE_CUTOFF_HZ / WINTER_CORRECTION, fs)
}

/// One biquad's state, started from the steady state for the first value (no start-up
/// transient).
#[derive(Clone, Copy)]
struct Section {
    x1: f64,
    x2: f64,
    y1: f64,
    y2: f64,
}

impl Section {
    fn at(x0: f64) -> Self {
        Section {
            x1: x0,
            x2: x0,
            y1: x0,
            y2: x0,
        }
    }

    #[inline(always)]
    fn step(&mut self, f: &Biquad, xi: f64) -> f64 {
        let y =
            f.b[0] * xi + f.b[1] * self.x1 + f.b[2] * self.x2 - f.a[1] * self.y1 - f.a[2] * self.y2;
        self.x2 = self.x1;
        self.x1 = xi;
        self.y2 = self.y1;
        self.y1 = y;
        y
    }
}

/// How many samples [`filtfilt`] pads a series of `n` with at each end.
pub fn filtfilt_pad(n: usize) -> usize {
    15.min(n.saturating_sub(1))
}

/// Writes series `x` (`n` samples), padded by odd reflection of `pad` samples at both ends,
/// into channel `c` of the time-major block `e` (`channels` values per time step).
pub fn pad_into(x: &[f64], pad: usize, e: &mut [f64], channels: usize, c: usize) {
    let n = x.len();
    for j in 0..n + 2 * pad {
        e[j * channels + c] = if j < pad {
            2.0 * x[0] - x[pad - j]
        } else if j < pad + n {
            x[j - pad]
        } else {
            2.0 * x[n - 1] - x[2 * (n - 1) + pad - j]
        };
    }
}

/// [`filtfilt`]'s two passes over several padded series at once ([`pad_into`]), in place: the
/// same arithmetic per series, the series' filters stepped side by side.
pub fn filtfilt_block(f: &Biquad, e: &mut [f64], channels: usize) {
    let steps = e.len() / channels.max(1);
    let mut st: Vec<Section> = Vec::with_capacity(channels);
    // Forwards over the steps, then backwards, each pass starting from its first value.
    for k in 0..2 * steps {
        let t = if k < steps { k } else { 2 * steps - 1 - k };
        let row = &mut e[t * channels..(t + 1) * channels];
        if k == 0 || k == steps {
            st.clear();
            st.extend(row.iter().map(|&v| Section::at(v)));
        }
        for (v, s) in row.iter_mut().zip(st.iter_mut()) {
            *v = s.step(f, *v);
        }
    }
}

/// Zero-phase filtering (forward and backward) with odd reflection padding at both ends.
pub fn filtfilt(f: &Biquad, x: &[f64]) -> Vec<f64> {
    let n = x.len();
    if n < 3 {
        return x.to_vec();
    }
    let pad = filtfilt_pad(n);
    let mut e = vec![0.0; n + 2 * pad];
    pad_into(x, pad, &mut e, 1, 0);
    filtfilt_block(f, &mut e, 1);
    e.truncate(pad + n);
    e.drain(..pad);
    e
}

/// First derivative by the 7-point quadratic Savitzky–Golay kernel, `fs · Σ k·x[i+k] / 28`,
/// with shorter central differences at the ends.
pub fn derivative(x: &[f64], fs: f64) -> Vec<f64> {
    let n = x.len();
    let mut d = vec![0.0; n];
    if n < 2 {
        return d;
    }
    for i in 0..n {
        d[i] = if i >= 3 && i + 3 < n {
            fs * (-3.0 * x[i - 3] - 2.0 * x[i - 2] - x[i - 1]
                + x[i + 1]
                + 2.0 * x[i + 2]
                + 3.0 * x[i + 3])
                / 28.0
        } else if i >= 1 && i + 1 < n {
            fs * (x[i + 1] - x[i - 1]) / 2.0
        } else if i == 0 {
            fs * (x[1] - x[0])
        } else {
            fs * (x[n - 1] - x[n - 2])
        };
    }
    d
}

/// Resamples an irregular series onto a uniform grid `t0, t0 + 1/fs, …` up to `t1`, by linear
/// interpolation. Samples given as NaN are missing: gaps up to `max_gap_s` are bridged, longer
/// ones stay NaN. Returns the grid values.
pub fn resample(t: &[f64], y: &[f64], t0: f64, t1: f64, fs: f64, max_gap_s: f64) -> Vec<f64> {
    let valid: Vec<bool> = y.iter().map(|v| v.is_finite()).collect();
    Resampler::new(t, &valid, t0, t1, fs, max_gap_s).apply(y)
}

/// How [`resample`] fills one grid point.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Step {
    Missing,
    Hold(usize),
    /// `y[a] + w·(y[b] − y[a])`.
    Lerp(usize, usize, f64),
}

impl Step {
    #[inline(always)]
    fn at(self, y: &[f64]) -> f64 {
        match self {
            Step::Missing => f64::NAN,
            Step::Hold(a) => y[a],
            Step::Lerp(a, b, w) => y[a] + w * (y[b] - y[a]),
        }
    }
}

/// [`resample`]'s plan for sample times `t` and the samples `valid` there (finite): which
/// samples, and which weights, each grid point takes. Series that are missing at the same
/// samples share it.
#[derive(Clone, Debug, PartialEq)]
pub struct Resampler {
    steps: Vec<Step>,
}

impl Resampler {
    /// Grid points.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    pub fn new(t: &[f64], valid: &[bool], t0: f64, t1: f64, fs: f64, max_gap_s: f64) -> Self {
        let n = (((t1 - t0) * fs).floor() as usize)
            .saturating_add(1)
            .min(1_000_000);
        let mut steps = Vec::with_capacity(n);
        // Valid samples only: `a` is the last with t <= the grid time (or the first), `next`
        // the one after it.
        let ok = |i: usize| valid[i] && t[i].is_finite();
        let after = |i: usize| (i..t.len()).find(|&i| ok(i));
        let first = after(0);
        let mut a = first.unwrap_or(0);
        let mut next = first.and_then(|a| after(a + 1));
        for k in 0..n {
            let tk = t0 + k as f64 / fs;
            while let Some(b) = next.filter(|&b| t[b] <= tk) {
                a = b;
                next = after(b + 1);
            }
            let step = if first.is_none() {
                Step::Missing
            } else if t[a] > tk {
                // Before the first valid sample: hold if close enough.
                if t[a] - tk <= max_gap_s {
                    Step::Hold(a)
                } else {
                    Step::Missing
                }
            } else if let Some(b) = next {
                let gap = t[b] - t[a];
                if gap > max_gap_s + 1e-9 && (tk - t[a]) > 1e-9 && (t[b] - tk) > 1e-9 {
                    Step::Missing
                } else if gap <= 0.0 {
                    Step::Hold(a)
                } else {
                    Step::Lerp(a, b, (tk - t[a]) / gap)
                }
            } else if tk - t[a] <= max_gap_s {
                Step::Hold(a)
            } else {
                Step::Missing
            };
            steps.push(step);
        }
        Resampler { steps }
    }

    /// The grid values of `y` (valid where the plan was made for).
    pub fn apply(&self, y: &[f64]) -> Vec<f64> {
        self.steps.iter().map(|s| s.at(y)).collect()
    }

    /// Two series valid at the same samples at once (a landmark's x and y), into their `out`.
    pub fn apply2(&self, y: &[f64], z: &[f64], out_y: &mut Vec<f64>, out_z: &mut Vec<f64>) {
        out_y.resize(self.steps.len(), 0.0);
        out_z.resize(self.steps.len(), 0.0);
        for ((s, oy), oz) in self
            .steps
            .iter()
            .zip(out_y.iter_mut())
            .zip(out_z.iter_mut())
        {
            *oy = s.at(y);
            *oz = s.at(z);
        }
    }
}

/// Fills interior NaN runs by linear interpolation and the ends by holding the nearest value
/// (used only after the caller decided the gaps were acceptable).
pub fn fill_nan(y: &mut [f64]) {
    let n = y.len();
    let first = match y.iter().position(|v| v.is_finite()) {
        Some(i) => i,
        None => return,
    };
    for i in 0..first {
        y[i] = y[first];
    }
    let mut last = first;
    let mut i = first + 1;
    while i < n {
        if y[i].is_finite() {
            if i > last + 1 {
                for k in last + 1..i {
                    let w = (k - last) as f64 / (i - last) as f64;
                    y[k] = y[last] + w * (y[i] - y[last]);
                }
            }
            last = i;
        }
        i += 1;
    }
    for k in last + 1..n {
        y[k] = y[last];
    }
}

/// Onset time (in fractional samples) of a positive-going signal in `x[from..to)`: the start
/// of the run above `frac` of the peak over `[peak_from, peak_to)` that contains the main
/// peak within `[from, to)`, provided the run lasts `hold` samples; linearly interpolated at the
/// crossing (§5.2 A1). Searching back from the main peak keeps small early wobbles of a noisy
/// signal from passing for the onset. `None` if the peak is not positive.
pub fn onset(
    x: &[f64],
    from: usize,
    to: usize,
    peak_from: usize,
    peak_to: usize,
    frac: f64,
    hold: usize,
) -> Option<f64> {
    let to = to.min(x.len());
    let peak_to = peak_to.min(x.len());
    if from >= to || peak_from >= peak_to {
        return None;
    }
    let peak = x[peak_from..peak_to]
        .iter()
        .cloned()
        .fold(f64::NEG_INFINITY, f64::max);
    if !(peak > 0.0) {
        return None;
    }
    let thr = frac * peak;
    // The main peak inside the search window.
    let mut top = from;
    for i in from..to {
        if x[i] > x[top] {
            top = i;
        }
    }
    if x[top] <= thr {
        return None;
    }
    let mut i = top;
    while i > from && x[i - 1] > thr {
        i -= 1;
    }
    let mut end = top;
    while end + 1 < x.len() && x[end + 1] > thr {
        end += 1;
    }
    if end + 1 - i < hold.max(1) {
        return None;
    }
    if i == 0 || i == from && x[i - 1] > thr {
        return Some(i as f64);
    }
    let a = x[i - 1];
    let b = x[i];
    let w = ((thr - a) / (b - a)).clamp(0.0, 1.0);
    Some((i - 1) as f64 + w)
}

/// Index of the maximum of `x[from..to]`, refined by a parabola through its neighbours
/// (fractional sample). `None` for an empty range.
pub fn argmax_refined(x: &[f64], from: usize, to: usize) -> Option<f64> {
    let to = to.min(x.len());
    if from >= to {
        return None;
    }
    let mut best = from;
    for i in from..to {
        if x[i] > x[best] {
            best = i;
        }
    }
    Some(parabolic(x, best))
}

/// Index of the minimum of `x[from..to]`, refined by a parabola.
pub fn argmin_refined(x: &[f64], from: usize, to: usize) -> Option<f64> {
    let to = to.min(x.len());
    if from >= to {
        return None;
    }
    let mut best = from;
    for i in from..to {
        if x[i] < x[best] {
            best = i;
        }
    }
    Some(parabolic(x, best))
}

fn parabolic(x: &[f64], i: usize) -> f64 {
    if i == 0 || i + 1 >= x.len() {
        return i as f64;
    }
    let (a, b, c) = (x[i - 1], x[i], x[i + 1]);
    let den = a - 2.0 * b + c;
    if den.abs() < 1e-12 {
        return i as f64;
    }
    let off = 0.5 * (a - c) / den;
    i as f64 + off.clamp(-0.5, 0.5)
}

/// Linear interpolation of `x` at fractional index `fi`.
pub fn at(x: &[f64], fi: f64) -> f64 {
    if x.is_empty() {
        return f64::NAN;
    }
    let fi = fi.clamp(0.0, (x.len() - 1) as f64);
    let i = fi.floor() as usize;
    if i + 1 >= x.len() {
        return x[x.len() - 1];
    }
    let w = fi - i as f64;
    x[i] * (1.0 - w) + x[i + 1] * w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn design_matches_the_published_coefficients() {
        // §2: fs = 30 Hz, fc = 7.48 Hz → b = [0.29175, 0.58349, 0.29175], a = [1, -0.00459, 0.17158].
        // (scipy.signal.butter(2, 7.48/15) gives b0 0.29167, a1 −0.00491: the table is rounded.)
        let f = rep_filter(30.0);
        assert!((f.b[0] - 0.29175).abs() < 5e-4, "{:?}", f);
        assert!((f.a[1] + 0.00459).abs() < 5e-4, "{:?}", f);
        assert!((f.a[2] - 0.17158).abs() < 5e-4, "{:?}", f);
        let g = butterworth_lowpass(6.0, 30.0);
        assert!((g.b[0] - 0.20657).abs() < 2e-4 && (g.a[1] + 0.36953).abs() < 2e-4);
    }

    #[test]
    fn filtfilt_has_no_lag_on_a_smooth_peak() {
        let fs = 30.0;
        let x: Vec<f64> = (0..120)
            .map(|i| (-(((i as f64) - 60.0) / 10.0).powi(2)).exp())
            .collect();
        let y = filtfilt(&rep_filter(fs), &x);
        let p = argmax_refined(&y, 0, y.len()).unwrap();
        assert!((p - 60.0).abs() < 0.05, "peak moved to {p}");
    }

    #[test]
    fn derivative_of_a_ramp() {
        let x: Vec<f64> = (0..20).map(|i| 2.0 * i as f64).collect();
        let d = derivative(&x, 30.0);
        assert!(d.iter().all(|v| (v - 60.0).abs() < 1e-9));
    }

    #[test]
    fn resample_bridges_short_gaps_only() {
        let t: Vec<f64> = (0..10).map(|i| i as f64 / 30.0).collect();
        let mut y: Vec<f64> = (0..10).map(|i| i as f64).collect();
        y[4] = f64::NAN;
        let r = resample(&t, &y, 0.0, 9.0 / 30.0, 30.0, MAX_BRIDGED_GAP_S);
        assert!((r[4] - 4.0).abs() < 1e-9);
        y[2..8].fill(f64::NAN);
        let r = resample(&t, &y, 0.0, 9.0 / 30.0, 30.0, MAX_BRIDGED_GAP_S);
        assert!(r[4].is_nan());
        assert!((r[1] - 1.0).abs() < 1e-9);
    }

    #[test]
    fn onset_is_interpolated() {
        let x = [0.0, 0.0, 0.0, 0.1, 0.5, 1.0, 1.0, 1.0];
        // 15 % of 1.0 is crossed between samples 3 (0.1) and 4 (0.5).
        let o = onset(&x, 0, 8, 0, 8, 0.15, 3).unwrap();
        assert!((o - 3.125).abs() < 1e-9, "{o}");
    }
}
