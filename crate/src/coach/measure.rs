//! Measuring one rep after it locks out, on the zero-phase path (docs/biomechanics.md §2, §4, §5):
//! the rep's raw landmarks are resampled to a uniform grid, short gaps bridged, every
//! coordinate filtered forwards and backwards, the signals recomputed, the events refined
//! (start, bottom, liftoff, knee pass, lockout, float) and every metric the coach judges by
//! measured. Nothing here decides a verdict: that is `judge`.

use super::lift::{hinge_index, Shape};
use super::sequence::{self, Ascent, Descent};
use crate::motion::body::{median, CalibrationSource, Standing};
use crate::motion::contour::BackRead;
use crate::motion::reps::{Candidate, RepEnd};
use crate::pose::LANDMARKS;
use crate::signal::features::{Frame, FrameSig, Points, Side, VIS_MISSING, VIS_USE};
use crate::signal::zero_phase::{
    argmax_refined, at, derivative, fill_nan, filtfilt_block, filtfilt_pad, pad_into, rep_filter,
    resample, Resampler, MAX_BRIDGED_GAP_S,
};
use crate::signal::V2;

/// One raw frame kept for per-rep analysis: swap-repaired isotropic points and the view yaw.
#[derive(Clone, Debug)]
pub struct Sample {
    pub t: f64,
    pub pts: Points,
    /// Each landmark's depth relative to the hips, in the units of x (isotropic px; smaller is
    /// nearer the camera); 0 where the source has none.
    pub z: [f32; LANDMARKS],
    pub yaw: f64,
    /// Bit i set: landmark i lies inside the picture.
    pub inside: u64,
    /// The back's outline on this frame (`motion::contour`), where the frame had a mask and
    /// the outline could be read.
    pub back: Option<BackRead>,
}

/// A rep's signals on a uniform grid.
#[derive(Clone, Debug)]
pub struct RepSeries {
    /// The body frame the signals were computed in (near side, working leg).
    pub frame: Frame,
    pub t0: f64,
    pub fs: f64,
    pub sig: Vec<FrameSig>,
    /// True where a key landmark was missing for longer than a bridgeable gap.
    pub gap: Vec<bool>,
    /// Per landmark (empty for the ones no signal reads): seen at each sample — visibility
    /// ≥ 0.5 and inside the picture, not the model's guess.
    pub seen: Vec<Vec<bool>>,
    pub yaw: Vec<f64>,
    /// How the signals were put in the lifter's sagittal plane.
    pub plane: PlaneFrom,
    /// The frame rate the samples came at (Hz).
    pub source_fps: f64,
    /// Seen obliquely with usable depth: the signals with depth turning the lateral axis out
    /// of the picture, for the posture at the bottom and at lockout (a knee pushed out reads as
    /// knee bend in the stretched signals). `sig` keeps the stretched ones for timing: depth is
    /// five times noisier than x.
    pub posture: Option<Vec<FrameSig>>,
    /// The back's outline (`motion::contour`): the low band's angle, the lumbar curve and the
    /// spine's bend (deg), NaN where there was no mask or the outline could not be read.
    pub back_low: Vec<f64>,
    pub back_curve: Vec<f64>,
    pub back_bend: Vec<f64>,
    /// The set's standing outline (`motion::contour::BackReference`) when known: the reference
    /// for a rep whose own window holds too few upright frames (a clip that opens at the
    /// bottom).
    pub back_standing: Option<BackRead>,
    /// The signals the measurement reads most, one column each (copies of `sig`'s fields).
    pub cols: Columns,
}

/// Columns of a rep's signals (see [`RepSeries::cols`]).
#[derive(Clone, Debug, Default)]
pub struct Columns {
    pub trunk: Vec<f64>,
    pub knee: Vec<f64>,
    pub hip_x: Vec<f64>,
    pub hip_y: Vec<f64>,
    pub shoulder_y: Vec<f64>,
    pub bell_x: Vec<f64>,
    pub bell_y: Vec<f64>,
    pub knee_y: Vec<f64>,
}

impl Columns {
    fn push(&mut self, s: &FrameSig) {
        self.trunk.push(s.trunk);
        self.knee.push(s.knee);
        self.hip_x.push(s.hip_x);
        self.hip_y.push(s.hip_y);
        self.shoulder_y.push(s.shoulder_y);
        self.bell_x.push(s.bell_x);
        self.bell_y.push(s.bell_y);
        self.knee_y.push(s.knee_y);
    }
}

impl RepSeries {
    pub fn len(&self) -> usize {
        self.sig.len()
    }
    pub fn is_empty(&self) -> bool {
        self.sig.is_empty()
    }
    pub fn index(&self, t: f64) -> usize {
        (((t - self.t0) * self.fs).round().max(0.0) as usize).min(self.sig.len().saturating_sub(1))
    }
    pub fn time(&self, i: f64) -> f64 {
        self.t0 + i / self.fs
    }
    pub fn col(&self, f: impl Fn(&FrameSig) -> f64) -> Vec<f64> {
        self.sig.iter().map(f).collect()
    }
    /// The posture at sample `k` (depth-corrected where there is depth: see `posture`).
    pub fn posture_at(&self, k: usize) -> &FrameSig {
        self.posture.as_ref().map_or(&self.sig[k], |p| &p[k])
    }
    /// The posture over samples `from..=to`.
    pub fn posture_over(&self, from: usize, to: usize) -> &[FrameSig] {
        &self.posture.as_ref().unwrap_or(&self.sig)[from..=to]
    }
}

/// §2 plausibility: a landmark that jumps by more than `limit` in one frame while its
/// neighbours agree with each other is a glitch: it becomes missing (and is bridged). The
/// first and last samples are checked against the two next to them.
fn drop_jumps(x: &mut [f64], y: &mut [f64], limit: f64) {
    let n = x.len();
    if n < 3 || !(limit > 0.0) {
        return;
    }
    // |p_a − p_b| against the limit. The distance lies between the larger of |dx|, |dy| and
    // their sum: only a distance near the limit needs its square root.
    #[inline(always)]
    fn dist(x: &[f64], y: &[f64], a: usize, b: usize, limit: f64) -> std::cmp::Ordering {
        use std::cmp::Ordering::*;
        let (dx, dy) = (x[a] - x[b], y[a] - y[b]);
        let (ax, ay) = (dx.abs(), dy.abs());
        let sum = ax + ay;
        if sum.is_finite() && sum <= 0.5 * limit {
            Less
        } else if sum.is_finite() && (ax > 2.0 * limit || ay > 2.0 * limit) {
            Greater
        } else {
            // NaN (a missing point) compares neither way.
            dx.hypot(dy).partial_cmp(&limit).unwrap_or(Equal)
        }
    }
    let mut bad = vec![false; n];
    for (k, glitch) in bad.iter_mut().enumerate() {
        let (a, b) = match k {
            0 => (1, 2),
            k if k == n - 1 => (n - 2, n - 3),
            k => (k - 1, k + 1),
        };
        *glitch = dist(x, y, k, a, limit).is_gt()
            && dist(x, y, k, b, limit).is_gt()
            && dist(x, y, a, b, limit).is_lt();
    }
    for k in (0..n).filter(|&k| bad[k]) {
        x[k] = f64::NAN;
        y[k] = f64::NAN;
    }
}

/// Grid rate for the per-rep path: 60 Hz for fast cameras, else 30 Hz (§1.1): whether the
/// median frame interval is under 1/45 s, told by counting the intervals below it (the two
/// middle ones are looked at only when they straddle it).
pub fn grid_rate(samples: &[&Sample]) -> f64 {
    const FAST: f64 = 1.0 / 45.0;
    let dts = || {
        samples
            .windows(2)
            .map(|w| w[1].t - w[0].t)
            .filter(|d| *d > 0.0)
    };
    let (n, below) = dts().fold((0, 0), |(n, b), d| (n + 1, b + usize::from(d < FAST)));
    // The median is the middle interval, or the mean of the two middle ones (n even).
    let fast = if n == 0 {
        false
    } else if n % 2 == 1 || below != n / 2 {
        below > n / 2
    } else {
        let lo = dts()
            .filter(|d| *d < FAST)
            .fold(f64::NEG_INFINITY, f64::max);
        let hi = dts().filter(|d| *d >= FAST).fold(f64::INFINITY, f64::min);
        0.5 * (lo + hi) < FAST
    };
    if fast {
        60.0
    } else {
        30.0
    }
}

/// The frame rate the samples came at (from their median interval).
pub fn source_rate(samples: &[&Sample]) -> Option<f64> {
    let mut dts: Vec<f64> = samples
        .windows(2)
        .map(|w| w[1].t - w[0].t)
        .filter(|d| *d > 0.0)
        .collect();
    median(&mut dts).map(|dt| 1.0 / dt)
}

/// From this yaw on (deg), the rep is seen obliquely enough that its sagittal angles are
/// corrected for foreshortening (below it the correction is under 6 %, within the noise).
pub const CORRECT_FROM_YAW: f64 = 20.0;
/// Beyond this yaw no correction is made: the rep is not graded there (`coach::rules`), and a
/// near-front view stretched further would magnify what moves sideways (arms hanging at the
/// park would read as a swing's float).
pub const CORRECT_TO_YAW: f64 = 50.0;

/// How a window's image points map onto the lifter's sagittal plane: the forward coordinate
/// is `x_ref + fx·(x − x_ref) + fz·z` (the vertical is the image's). A side view is the identity.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Sagittal {
    pub fx: f64,
    pub fz: f64,
    pub x_ref: f64,
    pub how: PlaneFrom,
}

/// How the sagittal plane was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum PlaneFrom {
    /// Near a side view (yaw under [`CORRECT_FROM_YAW`]): the image plane is taken as it is.
    #[default]
    Image,
    /// From depth: the lateral axis (left-to-right hips, shoulders and ankles, in x and z)
    /// turned into the image plane. Removes what moves sideways (knees pushed out) as well as
    /// the foreshortening; the model's depth is about five times noisier than x.
    Depth,
    /// From the yaw alone (no usable depth): x stretched by 1 / cos yaw. Right for movement in
    /// the sagittal plane; what moves sideways is not removed.
    Stretch,
}

impl Sagittal {
    pub const IMAGE: Sagittal = Sagittal {
        fx: 1.0,
        fz: 0.0,
        x_ref: 0.0,
        how: PlaneFrom::Image,
    };

    /// A point's forward coordinate.
    pub fn forward(&self, x: f64, z: f64) -> f64 {
        self.x_ref + self.fx * (x - self.x_ref) + self.fz * z
    }

    /// Finds the plane over a window of samples whose median yaw estimate is `yaw` (deg).
    pub fn of(samples: &[&Sample], yaw: Option<f64>, hip: usize) -> Sagittal {
        let Some(yaw) = yaw.filter(|y| (CORRECT_FROM_YAW..=CORRECT_TO_YAW).contains(y)) else {
            return Sagittal::IMAGE;
        };
        let x_ref = {
            let hx: Vec<f64> = samples
                .iter()
                .map(|s| s.pts.p[hip].x)
                .filter(|x| x.is_finite())
                .collect();
            if hx.is_empty() {
                0.0
            } else {
                hx.iter().sum::<f64>() / hx.len() as f64
            }
        };
        // The lateral axis in (x, z): left minus right over the hips, shoulders and ankles.
        let (mut lx, mut lz) = (0.0, 0.0);
        for l in [11, 23, 27] {
            let r = l + 1;
            let mut dx = Vec::new();
            let mut dz = Vec::new();
            for s in samples {
                if s.pts.v[l] >= VIS_MISSING && s.pts.v[r] >= VIS_MISSING {
                    dx.push(s.pts.p[l].x - s.pts.p[r].x);
                    dz.push(f64::from(s.z[l] - s.z[r]));
                }
            }
            if let (Some(x), Some(z)) = (median(&mut dx), median(&mut dz)) {
                lx += x;
                lz += z;
            }
        }
        let len = lx.hypot(lz);
        let from_depth = lx.abs().atan2(lz.abs()).to_degrees();
        // Depth is used when it agrees with the view's yaw estimate (a source without depth
        // reads a lateral axis lying in the image: 90°).
        if len > 0.0 && lz != 0.0 && (from_depth - yaw).abs() <= DEPTH_AGREES_DEG {
            Sagittal {
                fx: lz.abs() / len,
                fz: -lz.signum() * lx / len,
                x_ref,
                how: PlaneFrom::Depth,
            }
        } else {
            Sagittal::stretch(yaw, x_ref)
        }
    }

    /// The plane from the yaw alone: x stretched by 1 / cos yaw about `x_ref`.
    pub fn stretch(yaw: f64, x_ref: f64) -> Sagittal {
        Sagittal {
            fx: 1.0 / yaw.clamp(0.0, CORRECT_TO_YAW).to_radians().cos(),
            fz: 0.0,
            x_ref,
            how: PlaneFrom::Stretch,
        }
    }
}

/// Depth and the landmarks' spread must agree this well on the yaw (deg) for depth to be used.
const DEPTH_AGREES_DEG: f64 = 15.0;

/// Builds the zero-phase series over `[t_from, t_to]` from the raw samples, in the lifter's
/// sagittal plane ([`Sagittal`]): seen obliquely, the timing signals are stretched (x noise
/// only) and, where depth agrees, the posture is read with depth as well.
pub fn build_series(
    samples: &[&Sample],
    t_from: f64,
    t_to: f64,
    frame: &Frame,
) -> Option<RepSeries> {
    let within = window(samples, t_from, t_to);
    let mut yaws: Vec<f64> = within
        .iter()
        .map(|s| s.yaw)
        .filter(|y| y.is_finite())
        .collect();
    let yaw = median(&mut yaws);
    let plane = Sagittal::of(&within, yaw, frame.leg.hip());
    match plane.how {
        PlaneFrom::Image | PlaneFrom::Stretch => series_in(&within, t_from, t_to, frame, plane),
        PlaneFrom::Depth => {
            let timing = Sagittal::stretch(yaw.unwrap_or(0.0), plane.x_ref);
            let mut series = series_in(&within, t_from, t_to, frame, timing)?;
            series.posture = series_in(&within, t_from, t_to, frame, plane)
                .map(|p| p.sig)
                .filter(|p| p.len() == series.sig.len());
            if series.posture.is_some() {
                series.plane = PlaneFrom::Depth;
            }
            Some(series)
        }
    }
}

/// The samples a rep's series is built from.
fn window<'a>(samples: &[&'a Sample], t_from: f64, t_to: f64) -> Vec<&'a Sample> {
    samples
        .iter()
        .copied()
        .filter(|s| s.t >= t_from - 0.2 && s.t <= t_to + 0.2)
        .collect()
}

/// The series over `[t_from, t_to]` with x mapped by `plane`.
fn series_in(
    within: &[&Sample],
    t_from: f64,
    t_to: f64,
    frame: &Frame,
    plane: Sagittal,
) -> Option<RepSeries> {
    if within.len() < 8 {
        return None;
    }
    let fs = grid_rate(within);
    let t0 = t_from.max(within[0].t);
    let t1 = t_to.min(within[within.len() - 1].t);
    if t1 - t0 < 0.3 {
        return None;
    }
    let t: Vec<f64> = within.iter().map(|s| s.t).collect();
    let m = t.len();
    // Depth is five times noisier than x: where it enters (the lateral axis turned out of the
    // picture), each landmark's depth is first averaged over ±0.15 s. The posture read from it
    // is held at the bottom and at lockout; the timing is read from x alone.
    let depth: Vec<[f64; LANDMARKS]> = if plane.fz != 0.0 {
        let k = ((0.15 * source_rate(within).unwrap_or(30.0)).round() as usize).max(1);
        (0..within.len())
            .map(|j| {
                let (a, b) = (j.saturating_sub(k), (j + k).min(within.len() - 1));
                std::array::from_fn(|i| {
                    let zs: Vec<f64> = within[a..=b]
                        .iter()
                        .filter(|s| s.pts.v[i] >= VIS_MISSING)
                        .map(|s| f64::from(s.z[i]))
                        .collect();
                    if zs.is_empty() {
                        f64::from(within[j].z[i])
                    } else {
                        zs.iter().sum::<f64>() / zs.len() as f64
                    }
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    let sag_x = |j: usize, i: usize| {
        let z = depth.get(j).map_or(0.0, |d| d[i]);
        plane.forward(within[j].pts.p[i].x, z)
    };
    // Seen obliquely, the working foot lies off the body's midline by half the stance, which
    // the image shows as a forward or backward shift (its sign flips with the turn): positions
    // along the foot (the bell behind it, its drift) are then read from the middle of both
    // feet instead, which lies in the same plane as the hands holding the bell.
    let mut frame = *frame;
    if plane.how != PlaneFrom::Image {
        let foot = |j: usize, leg: Side| {
            let s = within[j];
            let (h, t, a) = (leg.heel(), leg.toe(), leg.ankle());
            let ok = |i: usize| s.pts.v[i] >= VIS_MISSING && s.pts.p[i].x.is_finite();
            if ok(h) && ok(t) {
                Some(0.5 * (sag_x(j, h) + sag_x(j, t)))
            } else if ok(a) {
                Some(sag_x(j, a))
            } else {
                None
            }
        };
        let mut mids: Vec<f64> = (0..within.len())
            .filter_map(|j| Some(0.5 * (foot(j, Side::Left)? + foot(j, Side::Right)?)))
            .collect();
        if let Some(m) = median(&mut mids) {
            frame.midfoot.x = m;
        }
    }
    let frame = &frame;
    let key = [
        frame.near.shoulder(),
        frame.leg.hip(),
        frame.leg.knee(),
        frame.leg.ankle(),
    ];
    let read = FrameSig::body_landmarks(frame);
    let used: Vec<usize> = (0..LANDMARKS).filter(|&i| read & (1 << i) != 0).collect();
    let mut seen: Vec<Vec<bool>> = vec![Vec::new(); LANDMARKS];
    // The samples come from validated frames: every visibility, and every point found, is
    // finite. One resampling plan serves all the seen flags and visibilities; the positions
    // mostly share another (all found).
    let whole = Resampler::new(&t, &vec![true; m], t0, t1, fs, f64::INFINITY);
    let n = whole.len();
    // Every used landmark's x and y, padded for the zero-phase filter, side by side (time-major)
    // so the filters run together; its visibility at each grid point.
    let (pad, filter) = if n < 3 {
        (0, false)
    } else {
        (filtfilt_pad(n), true)
    };
    let channels = 2 * used.len();
    // (A landmark never seen leaves its channels unwritten: they are filtered but not read.)
    let mut block = vec![0.0; (n + 2 * pad) * channels];
    let mut vis = vec![0.0; used.len() * n];
    let mut visible = vec![false; used.len()];
    // The positions' plans, by the samples they were made for (most landmarks share one).
    let mut plans: Vec<(Vec<bool>, Resampler)> = Vec::new();
    let (mut x, mut y, mut raw, mut vr) = (vec![0.0; m], vec![0.0; m], vec![0.0; m], vec![0.0; m]);
    let mut valid = vec![false; m];
    let (mut rx, mut ry, mut grid, mut gv) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut gap = vec![false; n];
    for (u, &i) in used.iter().enumerate() {
        for (j, s) in within.iter().enumerate() {
            let (p, v) = (s.pts.p[i], s.pts.v[i]);
            let found = v >= VIS_MISSING;
            x[j] = if found { sag_x(j, i) } else { f64::NAN };
            y[j] = if found { p.y } else { f64::NAN };
            raw[j] = f64::from(u8::from(v >= VIS_USE && s.inside & (1 << i) != 0));
            vr[j] = v;
        }
        whole.apply2(&raw, &vr, &mut grid, &mut gv);
        seen[i] = grid.iter().map(|v| *v >= 0.5).collect();
        drop_jumps(&mut x, &mut y, 0.08 * frame.b);
        // (x and y are missing together: not found, or dropped as a glitch.)
        for (v, x) in valid.iter_mut().zip(&x) {
            *v = x.is_finite();
        }
        let k = match plans.iter().position(|(v, _)| *v == valid) {
            Some(k) => k,
            None => {
                let plan = Resampler::new(&t, &valid, t0, t1, fs, MAX_BRIDGED_GAP_S);
                plans.push((valid.clone(), plan));
                plans.len() - 1
            }
        };
        plans[k].1.apply2(&x, &y, &mut rx, &mut ry);
        if key.contains(&i) {
            for (g, v) in gap.iter_mut().zip(&rx) {
                *g |= v.is_nan();
            }
        }
        let missing = rx.iter().filter(|v| v.is_nan()).count();
        fill_nan(&mut rx);
        fill_nan(&mut ry);
        visible[u] = missing < rx.len() && rx.iter().all(|v| v.is_finite());
        if visible[u] {
            pad_into(&rx, pad, &mut block, channels, 2 * u);
            pad_into(&ry, pad, &mut block, channels, 2 * u + 1);
            // A landmark never seen in the window has no visibility at all.
            for (o, v) in vis[u * n..(u + 1) * n].iter_mut().zip(&gv) {
                *o = if v.is_finite() { *v } else { 0.0 };
            }
        }
    }
    if filter {
        filtfilt_block(&rep_filter(fs), &mut block, channels);
    }
    let yaw_t: Vec<f64> = within.iter().map(|s| s.yaw).collect();
    let mut yaw = resample(&t, &yaw_t, t0, t1, fs, f64::INFINITY);
    fill_nan(&mut yaw);
    // The back's outline (frames with a mask), bridged over a few frames without one.
    let back_col = |f: fn(BackRead) -> f64| {
        let v: Vec<f64> = within.iter().map(|s| s.back.map_or(f64::NAN, f)).collect();
        resample(&t, &v, t0, t1, fs, BACK_BRIDGE_S)
    };
    let back_low = back_col(|b| b.low);
    let back_curve = back_col(|b| b.curve);
    let back_bend = back_col(|b| b.bend);
    let mut sig = Vec::with_capacity(n);
    let mut pts = Points::default();
    for &i in &used {
        pts.p[i] = V2::new(f64::NAN, f64::NAN);
    }
    for (k, row) in block.chunks_exact(channels).skip(pad).take(n).enumerate() {
        for (u, &i) in used.iter().enumerate() {
            if !visible[u] {
                continue;
            }
            let (px, py) = (row[2 * u], row[2 * u + 1]);
            pts.p[i] = V2::new(px, py);
            // Interpolated across gaps: usable for the shape of the rep; the gap flags lower
            // the confidence of anything timed near them (§2 "Dropouts").
            // (max(v, VIS_MISSING), v finite.)
            let v = vis[u * n + k];
            pts.v[i] = if !px.is_finite() {
                0.0
            } else if v > VIS_MISSING {
                v
            } else {
                VIS_MISSING
            };
        }
        sig.push(FrameSig::compute(&pts, frame));
    }
    let mut cols = Columns::default();
    for s in &sig {
        cols.push(s);
    }
    Some(RepSeries {
        frame: *frame,
        t0,
        fs,
        sig,
        gap,
        seen,
        yaw,
        cols,
        plane: plane.how,
        source_fps: source_rate(within).unwrap_or(fs),
        posture: None,
        back_low,
        back_curve,
        back_bend,
        back_standing: None,
    })
}

/// The back's outline at the bottom of a rep (docs/biomechanics.md §1.6, §5.4).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct BackMeasure {
    /// ΔΛ: the lumbar curve at the bottom over the lifter's standing curve (deg, + flexed); NaN
    /// until the standing curve is known (a clip that opens at the bottom: see
    /// [`BackMeasure::against`]).
    pub flexion_bottom: f64,
    /// Δθ_pel: the sacral band's tilt at the bottom over standing (deg, + anterior).
    pub pelvis_bottom: f64,
    /// ΔΣ: the spine's bend at the bottom over standing — how far the trunk turned past the
    /// pelvis (deg, + flexed; NaN as `flexion_bottom`). What `rounded_back` judges.
    pub spine_bottom: f64,
    /// The curve, the low band's angle and the bend at the bottom themselves (deg).
    pub curve_bottom: f64,
    pub low_bottom: f64,
    pub bend_bottom: f64,
    /// The share of the bottom's samples whose outline was read.
    pub seen: f64,
}

impl BackMeasure {
    /// The proxies against the lifter's standing outline.
    pub fn against(self, standing: BackRead) -> BackMeasure {
        BackMeasure {
            flexion_bottom: self.curve_bottom - standing.curve,
            pelvis_bottom: self.low_bottom - standing.low,
            spine_bottom: self.bend_bottom - standing.bend,
            ..self
        }
    }
}

/// Half the window read at the bottom (s): the median over ±0.15 s (the doc's ≥ 100 ms).
const BACK_WINDOW_S: f64 = 0.15;
/// A blended mask lags a fast movement: the outline is read only where the trunk turns slower
/// than this (deg/s) — the bottom of a deadlift holds, a swing's is a quick turn.
pub const BACK_MAX_TRUNK_SPEED: f64 = 30.0;
/// Upright samples (trunk within 10° of standing) needed for the standing curve.
const BACK_REFERENCE_MIN: usize = 5;

/// Reads the back's outline at the bottom `ib` against the rep's own upright samples.
fn back_measure(series: &RepSeries, standing: &Standing, ib: usize) -> Option<BackMeasure> {
    let n = series.len();
    if series.back_curve.len() != n || series.back_bend.len() != n || n == 0 {
        return None;
    }
    // The bottom's posture: within ±0.4 s of the bottom, where the trunk is within 8° of its
    // bottom angle (a lift that opens at the bottom holds it after ib, a deadlift's pause on
    // both sides).
    let w = (BACK_WINDOW_S * series.fs).round() as usize;
    let reach = (0.4 * series.fs).round() as usize;
    let trunk_b = series.sig[ib].trunk;
    let window: Vec<usize> = (ib.saturating_sub(reach)..=(ib + reach).min(n - 1))
        .filter(|&k| (series.sig[k].trunk - trunk_b).abs() <= 8.0)
        .collect();
    if window.len() < w.max(2) {
        return None;
    }
    let (lo, hi) = (window[0], window[window.len() - 1]);
    let read: Vec<usize> = window
        .iter()
        .copied()
        .filter(|&k| {
            series.back_curve[k].is_finite()
                && series.back_low[k].is_finite()
                && series.back_bend[k].is_finite()
        })
        .collect();
    let seen = read.len() as f64 / window.len() as f64;
    if read.len() < 3 {
        return None;
    }
    // The trunk's speed over the window's central ±0.15 s.
    let (c0, c1) = (ib.saturating_sub(w).max(lo), (ib + w).min(hi));
    let speed =
        (series.sig[c1].trunk - series.sig[c0].trunk).abs() / ((c1 - c0).max(1) as f64 / series.fs);
    if !(speed <= BACK_MAX_TRUNK_SPEED) {
        return None;
    }
    let upright: Vec<usize> = (0..n)
        .filter(|&k| {
            (series.sig[k].trunk - standing.trunk).abs() < 10.0
                && series.back_curve[k].is_finite()
                && series.back_low[k].is_finite()
                && series.back_bend[k].is_finite()
        })
        .collect();
    let med = |ks: &[usize], col: &[f64]| {
        let mut v: Vec<f64> = ks.iter().map(|&k| col[k]).collect();
        median(&mut v)
    };
    let reference = if upright.len() >= BACK_REFERENCE_MIN {
        Some(BackRead {
            low: med(&upright, &series.back_low)?,
            curve: med(&upright, &series.back_curve)?,
            bend: med(&upright, &series.back_bend)?,
        })
    } else {
        series.back_standing
    };
    let at_bottom = BackMeasure {
        flexion_bottom: f64::NAN,
        pelvis_bottom: f64::NAN,
        spine_bottom: f64::NAN,
        curve_bottom: med(&read, &series.back_curve)?,
        low_bottom: med(&read, &series.back_low)?,
        bend_bottom: med(&read, &series.back_bend)?,
        seen,
    };
    Some(match reference {
        Some(r) => at_bottom.against(r),
        None => at_bottom,
    })
}

/// Frames without an outline bridged in the back's series (s): masks may come every other
/// frame, and a frame's outline may be refused.
const BACK_BRIDGE_S: f64 = 0.2;

/// How much of each part of the body the camera really saw in each phase of the rep: the
/// share of samples where the landmarks were visible (≥ 0.5) and inside the picture. A rule
/// rests only on parts that were seen (docs/biomechanics.md §2 visibility gating).
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct Seen {
    /// Near shoulder and working hip.
    pub trunk_bottom: f64,
    pub trunk_ascent: f64,
    pub trunk_lock: f64,
    /// The working knee at lockout (the thigh's angle, hence the hip's).
    pub knee_lock: f64,
    /// The working knee and ankle at the bottom.
    pub knee_bottom: f64,
    pub ankle_bottom: f64,
    /// The working heel and toes, descent to just after the bottom.
    pub foot_descent: f64,
    /// Near wrist and elbow at lockout.
    pub wrist_lock: f64,
    pub elbow_lock: f64,
    /// An ear at the bottom and at lockout.
    pub head_bottom: f64,
    pub head_lock: f64,
}

/// Everything measured about one rep. Angles in degrees, lengths in B, times in seconds.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct RepMeasure {
    pub t_start: f64,
    pub t_bottom: f64,
    /// The deepest trunk inclination (the swing's backswing bottom: the deepest hinge).
    pub t_trunk_max: f64,
    /// When the ascent reached lockout (95 % of the way up).
    pub t_lockout: f64,
    /// The top of the float (bell apex) for swings; else the lockout.
    pub t_top: f64,
    pub t_end: f64,
    pub t_liftoff: Option<f64>,
    pub t_knee_pass: Option<f64>,
    /// Δφ_H at the bottom: how deep the hinge went.
    pub depth: f64,
    /// Trunk inclination at the bottom, absolute and from standing.
    pub trunk_bottom: f64,
    pub trunk_change_bottom: f64,
    pub knee_change_bottom: f64,
    pub shin_bottom: f64,
    pub hinge_index: Option<f64>,
    pub hip_drop_bottom: f64,
    /// Landmark hip flexion at the bottom from standing (includes spinal flexion).
    pub hip_flexion_bottom: f64,
    pub ascent: Ascent,
    pub descent: Descent,
    /// Floor lifts: hip-rise index (hips before shoulders) and trunk gained after liftoff.
    pub hip_rise: Option<f64>,
    pub trunk_gain_after_bottom: f64,
    pub first_pull: Option<f64>,
    pub lock_trunk_change: f64,
    pub lock_hip_change: f64,
    pub lock_knee_change: f64,
    pub lock_hip_x: f64,
    pub neck_change_bottom: f64,
    pub neck_change_lock: f64,
    /// Median near-elbow angle over the upswing (180 = straight arms).
    pub elbow_upswing: Option<f64>,
    pub bar_drift: Option<f64>,
    /// Heel, toe and ankle rise during the descent and at the bottom (B).
    pub heel_rise: Option<f64>,
    pub toe_rise: Option<f64>,
    pub ankle_rise: Option<f64>,
    /// Fatigue features (§7.1).
    pub peak_hip_ext_vel: f64,
    pub peak_hip_drive: f64,
    pub t_asc: f64,
    pub output: Option<f64>,
    /// True when `output` is the swing's apex height, false for a floor lift's bell speed.
    pub output_is_apex: bool,
    pub shape: Shape,
    /// View and tracking quality over the rep.
    pub yaw: Option<f64>,
    pub yaw_change: Option<f64>,
    /// How the rep was put in the sagittal plane (a side view's image, or corrected for an
    /// oblique view, with depth or without), and the frame rate it was seen at.
    pub plane: PlaneFrom,
    pub source_fps: f64,
    /// The back's outline at the bottom (a set filmed with masks), against standing.
    pub back: Option<BackMeasure>,
    pub quality: f64,
    pub gap_critical: bool,
    /// What the camera saw of each body part.
    pub seen: Seen,
    /// Floor lifts: the hip-rise index from the lowest the hips went (the pull's start) to
    /// lockout: positive = the hips rose ahead of the shoulders.
    pub pull_hip_rise: Option<f64>,
    /// Floor lifts: how much further forward the trunk tipped after the pull began (deg): the
    /// hips rising without the chest, the back left to finish the lift.
    pub pull_trunk_gain: Option<f64>,
    /// Floor lifts: the trunk's recovery (0..1) when the knees were 70 % straightened: a
    /// stripper pull straightens the knees with the trunk still down.
    pub trunk_at_knee70: Option<f64>,
    /// Wrists above the hips at lockout (B): bent arms lift the bar or bell toward the chest.
    pub wrist_over_hip_lock: Option<f64>,
    /// Near elbow angle at lockout (180 = straight).
    pub elbow_lock: Option<f64>,
    /// False for a rep the machine counted but the per-rep analysis could not measure (too
    /// little data, no body frame): only its event times are known.
    pub measured: bool,
    /// How the lockout was seen (out of the picture, cut by the clip's end).
    pub end: RepEnd,
    /// The lifter's standing posture was known before this rep (a still stretch, or earlier
    /// reps' lockouts): "changes from standing" at lockout mean something.
    pub standing_known: bool,
    /// The clip began low: the descent was not seen.
    pub from_unseen_start: bool,
}

impl RepMeasure {
    /// A counted rep with nothing measured but its times.
    pub fn unmeasured(c: &Candidate) -> RepMeasure {
        RepMeasure {
            t_start: c.t_start.min(c.t_lockout),
            t_bottom: c.t_bottom.clamp(c.t_start.min(c.t_lockout), c.t_lockout),
            t_trunk_max: c.t_bottom.clamp(c.t_start.min(c.t_lockout), c.t_lockout),
            t_lockout: c.t_lockout,
            t_top: c.t_lockout,
            t_end: c.t_lockout,
            end: c.end,
            from_unseen_start: c.from_unseen_start,
            ..RepMeasure::default()
        }
    }
}

fn finite_or(v: f64, d: f64) -> f64 {
    if v.is_finite() {
        v
    } else {
        d
    }
}

/// The mean of `f` over the samples where it is finite (NaN if none is).
fn mean_of(sig: &[FrameSig], f: impl Fn(&FrameSig) -> f64) -> f64 {
    let finite = || sig.iter().map(&f).filter(|v| v.is_finite());
    match finite().count() {
        0 => f64::NAN,
        k => finite().sum::<f64>() / k as f64,
    }
}

fn max_in(x: &[f64]) -> f64 {
    x.iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(f64::NEG_INFINITY, f64::max)
}

fn min_in(x: &[f64]) -> f64 {
    x.iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(f64::INFINITY, f64::min)
}

/// The shape of a rep found live as `cand` on its series (what tells the lift), from its
/// events found as no particular lift: the first, cheap part of [`measure`]. None where
/// [`measure`] finds no rep either.
pub fn rep_shape(series: &RepSeries, cand: &Candidate, standing: &Standing) -> Option<Shape> {
    measure_as(series, cand, standing, false, false).map(|(m, _)| m.shape)
}

/// Measures a rep found live as `cand` on its series. For a swing (`swing`), the bottom is
/// the deepest hinge while the bell is back between the legs: the first rep's pickup from the
/// floor in front is not its bottom, the hike is. Everything but the crane-versus-engine
/// timing (`ascent`, `descent`: [`time_rep`] adds them) is measured.
pub fn measure(
    series: &RepSeries,
    cand: &Candidate,
    standing: &Standing,
    swing: bool,
) -> Option<(RepMeasure, Timing)> {
    measure_as(series, cand, standing, swing, true)
}

/// [`measure`], or only the events and the shape (`full` false: the rest left default).
fn measure_as(
    series: &RepSeries,
    cand: &Candidate,
    standing: &Standing,
    swing: bool,
    full: bool,
) -> Option<(RepMeasure, Timing)> {
    let n = series.len();
    if n < 8 {
        return None;
    }
    let fs = series.fs;
    let secs = |s: f64| (s * fs).round() as usize;
    // The events (bottom, lockout) on the posture: seen obliquely, a knee pushed out bends the
    // stretched hip angle where the hips do not.
    let hip: Vec<f64> = series
        .posture_over(0, n - 1)
        .iter()
        .map(|s| s.hip - standing.hip)
        .collect();
    let c = &series.cols;
    let (trunk, hip_x, hip_y, shoulder_y) = (&c.trunk, &c.hip_x, &c.hip_y, &c.shoulder_y);
    let is0 = series.index(cand.t_start);
    let il0 = series.index(cand.t_lockout).max(is0 + 1);
    // The events are found on the landmark hip angle where the camera shows it (a side or
    // oblique view, the hips folding ≥ 20°); seen from the front the hips fold toward the
    // camera and the angle hardly moves, so there the shoulders' drop below their highest
    // point (% of it) marks the bottom and the lockout instead.
    let mut yaws: Vec<f64> = series
        .yaw
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .collect();
    let yaw_med = median(&mut yaws).unwrap_or(0.0);
    let hip_span = max_in(&hip[is0..=il0.min(n - 1)]) - min_in(&hip[is0..=il0.min(n - 1)]);
    let by_angle = hip.iter().all(|v| v.is_finite()) && hip_span >= 20.0 && yaw_med <= 50.0;
    let drop: Vec<f64>;
    let (ev, plateau_tol, top_tol) = if by_angle {
        (&hip, 8.0, 0.5)
    } else {
        let sy = &shoulder_y;
        let top = max_in(sy);
        if !(top > 0.0) || sy.iter().any(|v| !v.is_finite()) {
            return None;
        }
        drop = sy.iter().map(|v| 100.0 * (1.0 - v / top)).collect();
        (&drop, 4.0, 0.25)
    };
    // Bottom (§4.2): the deepest hip flexion of the final descent. Climb back from the lockout
    // up the ascent, then take the bottom plateau; its latest deepest sample is where the
    // ascent starts (a paused deadlift waits on the floor first).
    let il0 = il0.min(n - 1);
    // A clip that opens at the bottom: its first 0.2 s are often the pose model still settling
    // on the body; the rep is read from after them.
    let is0 = if cand.from_unseen_start {
        (is0 + secs(0.2)).min(il0.saturating_sub(2))
    } else {
        is0
    };
    let bell_x = &c.bell_x;
    // Bottom (§4.2): the deepest point near where the rep machine saw it, then its plateau
    // forward (a paused deadlift waits on the floor first: the ascent starts at the plateau's
    // end).
    let ibc = series.index(cand.t_bottom).clamp(is0, il0);
    let (w0, w1) = (
        ibc.saturating_sub(secs(0.6)).max(is0),
        (ibc + secs(0.6)).min(il0),
    );
    let deepest = (w0..=w1)
        .filter(|&i| ev[i].is_finite())
        .max_by(|&a, &b| ev[a].total_cmp(&ev[b]))
        .unwrap_or(ibc);
    let lo = deepest;
    let mut k = deepest;
    while k < il0 && ev[k + 1] >= ev[deepest] - plateau_tol && k - lo < secs(1.5) {
        k += 1;
    }
    let mut behind = (is0..=il0).filter(|&i| bell_x[i] < 0.0);
    let (first_behind, last_behind) = (behind.next(), behind.next_back());
    let three_behind = behind.next().is_some();
    let (lo, k) = match (first_behind, last_behind) {
        (Some(a), Some(b)) if swing && three_behind => (a, b),
        _ => (lo, k),
    };
    let top = ev[lo..=k].iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let ib_plateau = (lo..=k)
        .rev()
        .find(|&i| ev[i] >= top - top_tol)
        .unwrap_or(lo);
    let ibf = argmax_refined(
        ev,
        ib_plateau.saturating_sub(1),
        (ib_plateau + 2).min(k + 1),
    )
    .unwrap_or(ib_plateau as f64);
    let ib = ibf.round() as usize;
    let depth = at(&hip, ibf);
    let ev_depth = at(ev, ibf);
    // Descent onset: the last moment near the top before the bottom.
    let lo_from = is0.saturating_sub(secs(0.5));
    let top_min = min_in(&ev[lo_from..=ib]);
    let is = (lo_from..=ib)
        .rev()
        .find(|&k| ev[k] <= top_min + 0.05 * (ev_depth - top_min))
        .unwrap_or(lo_from);
    // Lockout: 95 % of the way up.
    let hi_to = (il0 + secs(0.3)).min(n - 1);
    if hi_to <= ib + 1 {
        return None;
    }
    let lock_min = min_in(&ev[ib..=hi_to]);
    let il = (ib..=hi_to)
        .find(|&k| ev[k] <= lock_min + 0.05 * (ev_depth - lock_min))
        .unwrap_or(hi_to);
    let lock_to = (il + secs(0.1)).min(n - 1);

    let (bell_y, knee_y) = (&c.bell_y, &c.knee_y);
    let float_to = (il + secs(0.6)).min(n - 1);
    let top = (ib..=float_to)
        .filter(|&k| bell_y[k].is_finite())
        .max_by(|&a, &b| bell_y[a].total_cmp(&bell_y[b]));

    let s_b = series.posture_at(ib);
    let s_l = series.posture_at(il);
    let knee_change_bottom = s_b.knee - standing.knee;
    let trunk_change_bottom = s_b.trunk - standing.trunk;
    let top_k = top.unwrap_or(il);
    let shape = Shape {
        bell_y_bottom: bell_y[ib],
        bell_x_bottom: bell_x[ib],
        knee_y_bottom: knee_y[ib],
        hip_y_bottom: s_b.hip_y,
        bell_y_top: bell_y[top_k],
        arm_top: series.sig[top_k].arm,
        elbow_top: series.sig[top_k].elbow,
        hip_y_top: s_l.hip_y,
        shoulder_y_top: s_l.shoulder_y,
        knee_bottom: knee_change_bottom,
        trunk_bottom: trunk_change_bottom,
        feet_apart: s_b.feet_apart,
        free_foot: s_b.free_foot_y,
    };
    let timing = Timing {
        start: is,
        bottom: ib,
        lockout: il,
        swing,
    };
    if !full {
        let m = RepMeasure {
            shape,
            ..RepMeasure::default()
        };
        return Some((m, timing));
    }

    // Floor lifts: liftoff (the bell starts rising) and knee pass (§4.4).
    let bell_v = derivative(bell_y, fs);
    let hold = sequence::hold_samples(fs);
    let t_lo_i = (ib.saturating_sub(secs(0.3))..il)
        .find(|&k| k + hold <= n && (k..k + hold).all(|j| bell_v[j] > 0.1));
    let t_kp_i = t_lo_i.and_then(|lo| (lo..=il).find(|&k| bell_y[k] >= knee_y[k]));
    let first_pull = match (t_lo_i, t_kp_i) {
        (Some(lo), Some(kp)) if kp > lo => Some(trunk[kp] - trunk[lo]),
        _ => None,
    };
    let from_pull = t_lo_i.unwrap_or(ib).max(ib);
    let trunk_gain_after_bottom = max_in(&trunk[from_pull..=il]) - trunk[from_pull];
    let bar_drift = t_lo_i
        .map(|lo| max_in(&bell_x[lo..=il]) - bell_x[lo])
        .filter(|v| v.is_finite());

    let hip_rise = sequence::hip_rise_index(hip_y, shoulder_y, ib, il);

    let lock = |f: fn(&FrameSig) -> f64| mean_of(series.posture_over(il, lock_to), f);
    // Heel, toe and ankle rise from where they stood as the rep began (B). A real heel lift
    // rolls the foot over planted toes, the ankle rising with the heel; a heel the model guesses
    // behind a plate wanders on its own.
    let foot_to = (ib + secs(0.2)).min(n - 1);
    let rise_of = |f: fn(&FrameSig) -> f64| {
        let c = &series.sig[is..=foot_to];
        let top = c
            .iter()
            .map(f)
            .filter(|v| v.is_finite())
            .fold(f64::NEG_INFINITY, f64::max);
        Some(top - f(&c[0])).filter(|v| v.is_finite())
    };
    let heel_rise = rise_of(|s| s.heel_y);
    let toe_rise = rise_of(|s| s.toe_y);
    let ankle_rise = rise_of(|s| s.ankle_y);
    let upswing_end = top.unwrap_or(il).max(il);
    let mut elbows: Vec<f64> = series.sig[ib..=upswing_end]
        .iter()
        .map(|s| s.elbow)
        .filter(|v| v.is_finite())
        .collect();
    let elbow_upswing = median(&mut elbows);
    let hip_v = derivative(&hip, fs);
    let hx_v = derivative(hip_x, fs);
    let peak_hip_ext_vel = hip_v[ib..=il]
        .iter()
        .map(|v| -v)
        .filter(|v| v.is_finite())
        .fold(f64::NEG_INFINITY, f64::max);
    let peak_hip_drive = max_in(&hx_v[ib..=il]);
    let (output, output_is_apex) = match top {
        Some(k) if series.sig[k].arm > 40.0 => (Some(bell_y[k] - shoulder_y[k]), true),
        _ => (
            Some(max_in(&bell_v[ib..=il])).filter(|v| v.is_finite()),
            false,
        ),
    };
    let mut s: Vec<f64> = series.yaw[is..=il]
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .collect();
    let (yaw, yaw_change) = if s.is_empty() {
        (None, None)
    } else {
        s.sort_by(|a, b| a.total_cmp(b));
        let q = |p: f64| s[((s.len() - 1) as f64 * p).round() as usize];
        (Some(q(0.5)), Some(q(0.9) - q(0.1)))
    };
    let crit = |c: usize, before: f64, after: f64| {
        series.gap[c.saturating_sub(secs(before))..=(c + secs(after)).min(n - 1)]
            .iter()
            .any(|g| *g)
    };
    let fr = series.frame;
    // A rigid segment keeps its length: where the trunk chord, thigh or shank strays more than
    // a fifth from its median over the rep, the model is guessing one of its ends (§2).
    let steady = |f: fn(&FrameSig) -> f64| -> Vec<bool> {
        let mut v: Vec<f64> = series.sig[is.min(n - 1)..=lock_to.min(n - 1)]
            .iter()
            .map(f)
            .filter(|x| x.is_finite())
            .collect();
        let med = median(&mut v).unwrap_or(f64::NAN);
        series
            .sig
            .iter()
            .map(|s| med > 0.0 && (f(s) / med - 1.0).abs() <= 0.3)
            .collect()
    };
    let (trunk_ok, thigh_ok, shank_ok) = (
        steady(|s| s.chord),
        steady(|s| s.thigh_len),
        steady(|s| s.shank_len),
    );
    let (sh, hp, kn) = (fr.near.shoulder(), fr.leg.hip(), fr.leg.knee());
    let share = |ids: &[usize], a: usize, b: usize| -> f64 {
        let (a, b) = (a.min(n - 1), b.min(n - 1));
        if b < a {
            return 0.0;
        }
        let ok = (a..=b)
            .filter(|&k| {
                ids.iter().all(|&i| {
                    series.seen[i].get(k).copied().unwrap_or(false)
                        && (!(i == sh || i == hp) || trunk_ok[k])
                        && (i != kn || (thigh_ok[k] && shank_ok[k]))
                })
            })
            .count();
        ok as f64 / (b - a + 1) as f64
    };
    let ear_seen = |a: usize, b: usize| {
        share(&[fr.near.ear()], a, b).max(share(&[fr.near.other().ear()], a, b))
    };
    let around = |c: usize, s: f64| (c.saturating_sub(secs(s)), c + secs(s));
    let (b0, b1) = around(ib, 0.2);
    let seen = Seen {
        trunk_bottom: share(&[fr.near.shoulder(), fr.leg.hip()], b0, b1),
        trunk_ascent: share(&[fr.near.shoulder(), fr.leg.hip()], ib, il),
        trunk_lock: share(&[fr.near.shoulder(), fr.leg.hip()], il, lock_to),
        knee_lock: share(&[fr.leg.knee()], il, lock_to),
        knee_bottom: share(&[fr.leg.knee()], b0, b1),
        ankle_bottom: share(&[fr.leg.ankle()], b0, b1),
        foot_descent: share(&[fr.leg.heel(), fr.leg.toe()], is, b1),
        wrist_lock: share(&[fr.near.wrist()], il, lock_to),
        elbow_lock: share(&[fr.near.elbow(), fr.near.wrist()], il, lock_to),
        head_bottom: ear_seen(b0, b1),
        head_lock: ear_seen(il, lock_to),
    };
    // Floor lifts: the pull starts where the hips are lowest before the lockout.
    let pull = (is..=ib.max(is))
        .filter(|&k| hip_y[k].is_finite() && trunk_ok[k])
        .min_by(|&a, &b| hip_y[a].total_cmp(&hip_y[b]));
    let pull_hip_rise = pull.and_then(|p| sequence::hip_rise_index(hip_y, shoulder_y, p, il));
    let pull_trunk_gain = pull
        .map(|p| max_in(&trunk[p..=il.max(p)]) - trunk[p])
        .filter(|v| v.is_finite());
    let knee = &c.knee;
    let trunk_at_knee70 = pull.and_then(|p| {
        let rk = sequence::progress(knee, p, il, 15.0)?;
        let rt = sequence::progress(trunk, p, il, 10.0)?;
        sequence::progress_at(&rt, &rk, 0.7)
    });
    let wrist_over_hip_lock =
        Some(lock(|s| s.bell_y) - lock(|s| s.hip_y)).filter(|v| v.is_finite());
    let elbow_lock = Some(lock(|s| s.elbow)).filter(|v| v.is_finite());
    let t_lockout = series.time(il as f64);
    // (The bottom refined between samples stays within its rep: a rep that rose in a sample
    // or two has start ≤ bottom ≤ lockout all the same.)
    let ibf = ibf.clamp(is as f64, il as f64);
    let m = RepMeasure {
        t_start: series.time(is as f64),
        t_bottom: series.time(ibf),
        t_trunk_max: argmax_refined(trunk, ib.saturating_sub(secs(0.3)).max(is), il.max(is + 1))
            .map(|k| series.time(k))
            .unwrap_or(series.time(ibf)),
        t_lockout,
        t_top: top.map(|k| series.time(k as f64)).unwrap_or(t_lockout),
        t_end: series.time(lock_to as f64),
        t_liftoff: t_lo_i.map(|k| series.time(k as f64)),
        t_knee_pass: t_kp_i.map(|k| series.time(k as f64)),
        depth,
        trunk_bottom: s_b.trunk,
        trunk_change_bottom,
        knee_change_bottom,
        shin_bottom: s_b.shin,
        hinge_index: hinge_index(trunk_change_bottom, knee_change_bottom),
        hip_drop_bottom: s_b.hip_y - standing.hip_y,
        hip_flexion_bottom: hip[ib],
        ascent: Ascent::default(),
        descent: Descent::default(),
        hip_rise,
        trunk_gain_after_bottom: finite_or(trunk_gain_after_bottom, 0.0),
        first_pull,
        lock_trunk_change: lock(|s| s.trunk) - standing.trunk,
        lock_hip_change: lock(|s| s.hip) - standing.hip,
        lock_knee_change: lock(|s| s.knee) - standing.knee,
        lock_hip_x: lock(|s| s.hip_x),
        neck_change_bottom: s_b.neck - standing.neck,
        neck_change_lock: lock(|s| s.neck) - standing.neck,
        elbow_upswing,
        bar_drift,
        heel_rise,
        toe_rise,
        ankle_rise,
        peak_hip_ext_vel: finite_or(peak_hip_ext_vel, 0.0),
        peak_hip_drive: finite_or(peak_hip_drive, 0.0),
        t_asc: (il - ib) as f64 / fs,
        output,
        output_is_apex,
        shape,
        yaw,
        yaw_change,
        plane: series.plane,
        source_fps: series.source_fps,
        back: back_measure(series, standing, ib),
        quality: mean_of(&series.sig[is..=il], |s| s.quality),
        gap_critical: crit(ib, 0.3, 0.3) || crit(il, 0.2, 0.2),
        seen,
        pull_hip_rise,
        pull_trunk_gain,
        trunk_at_knee70,
        wrist_over_hip_lock,
        elbow_lock,
        measured: true,
        end: cand.end,
        standing_known: standing.source != CalibrationSource::Provisional,
        from_unseen_start: cand.from_unseen_start,
    };
    Some((m, timing))
}

/// Where a measured rep's crane-versus-engine timing is read: its start, bottom and lockout
/// samples, and whether it was measured as a swing.
#[derive(Clone, Copy, Debug)]
pub struct Timing {
    start: usize,
    bottom: usize,
    lockout: usize,
    swing: bool,
}

/// The crane-versus-engine timing (§5) of a rep [`measure`]d on `series`, into its measure.
pub fn time_rep(series: &RepSeries, m: &mut RepMeasure, at: Timing) {
    let c = &series.cols;
    // Hip-drive timing from the near hip (§1.2: positions from the near chain only). The
    // mid-hip would be steadier on the simulator, but on real side views BlazePose guesses the
    // far hip, and its guess moves on its own clock.
    let (trunk, drive, hip_y) = (&c.trunk, &c.hip_x, &c.hip_y);
    let (is, ib, il, fs) = (at.start, at.bottom, at.lockout, series.fs);
    m.ascent = sequence::ascent(trunk, drive, hip_y, ib, il, fs, !at.swing);
    m.descent = sequence::descent(trunk, drive, is, ib, fs);
}
