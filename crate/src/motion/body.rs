//! The lifter's body frame: which side is nearer the camera, which way they face, the body
//! scale B, the standing midfoot, left/right swap repair, and the standing calibration that
//! every "change from standing" threshold refers to (docs/biomechanics.md §1.2, §1.3).
//!
//! Estimates start provisional and firm up: a still, upright stretch of ≥ 1 s calibrates
//! ("still"); without one (a clip that starts mid-set) the lockouts of the first reps stand in
//! ("from lockouts"), and the report says which.

use crate::pose::idx;
use crate::signal::features::{Frame, FrameSig, Points, Side, VIS_MISSING, VIS_USE};
use crate::signal::V2;
use std::collections::VecDeque;

/// Where the standing reference came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum CalibrationSource {
    /// Nothing yet: neutral defaults.
    #[default]
    Provisional,
    /// Taken from the lifter's lockouts (no still standing was seen).
    FromLockouts,
    /// A still, upright stretch (the set-up's standing calibration).
    Still,
}

/// The standing posture that "changes from standing" are measured against (§1.3).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Standing {
    pub trunk: f64,
    pub hip: f64,
    pub knee: f64,
    pub neck: f64,
    pub hip_y: f64,
    pub shoulder_y: f64,
    pub heel_y: f64,
    pub chord: f64,
    pub source: CalibrationSource,
}

impl Default for Standing {
    fn default() -> Self {
        Standing {
            trunk: 0.0,
            hip: 0.0,
            knee: 5.0,
            neck: 30.0,
            hip_y: 0.55,
            shoulder_y: 0.85,
            heel_y: 0.0,
            chord: 0.3,
            source: CalibrationSource::Provisional,
        }
    }
}

impl Standing {
    fn from_sigs(sigs: &[FrameSig], source: CalibrationSource) -> Standing {
        let med = |f: fn(&FrameSig) -> f64, default: f64| {
            let mut v: Vec<f64> = sigs.iter().map(f).filter(|x| x.is_finite()).collect();
            median(&mut v).unwrap_or(default)
        };
        let d = Standing::default();
        Standing {
            trunk: med(|s| s.trunk, d.trunk),
            hip: med(|s| s.hip, d.hip),
            knee: med(|s| s.knee, d.knee),
            neck: med(|s| s.neck, d.neck),
            hip_y: med(|s| s.hip_y, d.hip_y),
            shoulder_y: med(|s| s.shoulder_y, d.shoulder_y),
            heel_y: med(|s| s.heel_y, d.heel_y),
            chord: med(|s| s.chord, d.chord),
            source,
        }
    }
}

/// Median of the values (reorders them in place; O(n)).
pub fn median(v: &mut [f64]) -> Option<f64> {
    let n = v.len();
    if n == 0 {
        return None;
    }
    let (_, &mut hi, _) = v.select_nth_unstable_by(n / 2, |a, b| a.total_cmp(b));
    if n % 2 == 1 {
        return Some(hi);
    }
    let lo = v[..n / 2].iter().copied().fold(f64::NEG_INFINITY, f64::max);
    Some(0.5 * (lo + hi))
}

/// The integer whose order is [`f64::total_cmp`]'s (the key it compares).
fn total_key(x: f64) -> i64 {
    let b = x.to_bits() as i64;
    b ^ ((((b >> 63) as u64) >> 1) as i64)
}

/// The median of the last `cap` values pushed, the window kept sorted as values come and go:
/// the same value as [`median`] of the window, without selecting it again every frame.
#[derive(Clone, Debug)]
pub struct RollingMedian {
    cap: usize,
    /// The window in arrival order, a ring once full (`oldest` is next to go).
    window: Vec<f64>,
    oldest: usize,
    /// The same values, ascending (total order).
    sorted: Vec<f64>,
}

impl RollingMedian {
    pub fn new(cap: usize) -> Self {
        RollingMedian {
            cap: cap.max(1),
            window: Vec::with_capacity(cap),
            oldest: 0,
            sorted: Vec::with_capacity(cap),
        }
    }

    /// Adds a value, dropping the oldest once `cap` are kept.
    pub fn push(&mut self, v: f64) {
        let s = &mut self.sorted;
        // The new value takes the oldest's place (or a new one at the end), then moves to its
        // rank. Values equal in the total order are the same bits: any of them will do.
        let mut i = if self.window.len() < self.cap {
            self.window.push(v);
            s.push(v);
            s.len() - 1
        } else {
            let old = std::mem::replace(&mut self.window[self.oldest], v);
            self.oldest = (self.oldest + 1) % self.cap;
            s.iter()
                .position(|x| x.to_bits() == old.to_bits())
                .unwrap_or(0)
        };
        let key = total_key(v);
        while i > 0 && total_key(s[i - 1]) > key {
            s[i] = s[i - 1];
            i -= 1;
        }
        while i + 1 < s.len() && total_key(s[i + 1]) < key {
            s[i] = s[i + 1];
            i += 1;
        }
        s[i] = v;
    }

    pub fn median(&self) -> Option<f64> {
        let n = self.sorted.len();
        let hi = *self.sorted.get(n / 2)?;
        if n % 2 == 1 {
            return Some(hi);
        }
        let lo = self.sorted[..n / 2]
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max);
        Some(0.5 * (lo + hi))
    }

    pub fn is_empty(&self) -> bool {
        self.window.is_empty()
    }

    pub fn clear(&mut self) {
        self.window.clear();
        self.sorted.clear();
        self.oldest = 0;
    }
}

/// A frame counts as "upright" for body-scale and calibration purposes (EST).
pub fn is_upright(s: &FrameSig) -> bool {
    s.trunk.abs() < 15.0 && s.knee.is_finite() && s.knee < 25.0 && s.hip.abs() < 25.0
}

const LEG_CHAIN: [usize; 5] = [
    idx::LEFT_HIP,
    idx::LEFT_KNEE,
    idx::LEFT_ANKLE,
    idx::LEFT_HEEL,
    idx::LEFT_FOOT_INDEX,
];
const STILL_WINDOW_S: f64 = 1.0;
/// Largest spread of hip, shoulder and knee positions over the still window (B, EST).
const STILL_SPREAD_B: f64 = 0.04;

/// Tracks the body frame over time.
#[derive(Clone, Debug)]
pub struct BodyTracker {
    near: Option<Side>,
    /// The working leg (see `update_leg`), with its evidence: the near ankle's height above the
    /// far one's and its lead ahead of it (B, smoothed).
    leg: Option<Side>,
    leg_lift: f64,
    leg_ahead: f64,
    leg_pending: f64,
    vis_left: f64,
    vis_right: f64,
    z_bias: f64,
    switch_since: Option<f64>,
    facing_vote: f64,
    facing: f64,
    b_samples: RollingMedian,
    b: f64,
    /// The standing midfoot's recent x and y.
    midfoot_x: RollingMedian,
    midfoot_y: RollingMedian,
    midfoot: V2,
    prev: Option<Points>,
    last_t: f64,
    /// Recent (t, signals) for still detection.
    recent: VecDeque<(f64, FrameSig, [V2; 3])>,
    pub standing: Standing,
    pub swaps_repaired: usize,
}

impl Default for BodyTracker {
    fn default() -> Self {
        BodyTracker {
            near: None,
            leg: None,
            leg_lift: 0.0,
            leg_ahead: 0.0,
            leg_pending: 0.0,
            vis_left: 0.0,
            vis_right: 0.0,
            z_bias: 0.0,
            switch_since: None,
            facing_vote: 0.0,
            facing: 0.0,
            b_samples: RollingMedian::new(31),
            b: 0.0,
            midfoot_x: RollingMedian::new(61),
            midfoot_y: RollingMedian::new(61),
            midfoot: V2::zeros(),
            prev: None,
            last_t: f64::NEG_INFINITY,
            recent: VecDeque::with_capacity(128),
            standing: Standing::default(),
            swaps_repaired: 0,
        }
    }
}

fn side_vis(p: &Points, s: Side) -> f64 {
    let k = [
        s.shoulder(),
        s.hip(),
        s.knee(),
        s.ankle(),
        s.heel(),
        s.toe(),
    ];
    k.iter().map(|&i| p.v[i]).sum::<f64>() / k.len() as f64
}

impl BodyTracker {
    pub fn near(&self) -> Option<Side> {
        self.near
    }
    pub fn facing(&self) -> f64 {
        self.facing
    }
    pub fn b(&self) -> f64 {
        self.b
    }

    /// The current body frame, once side, facing and scale are known.
    pub fn frame(&self) -> Option<Frame> {
        let near = self.near?;
        if self.facing == 0.0 || !(self.b > 1.0) {
            return None;
        }
        Some(Frame {
            near,
            leg: self.leg.unwrap_or(near),
            facing: self.facing,
            b: self.b,
            midfoot: self.midfoot,
        })
    }

    /// Takes one frame's raw points (isotropic px), repairs left/right swaps in place, and
    /// updates side, facing, scale and midfoot. `z` holds the landmarks' relative depth (swapped
    /// with the points when a swap is repaired).
    pub fn observe(&mut self, t: f64, pts: &mut Points, z: &mut [f64; 33]) {
        let dt = if self.last_t.is_finite() {
            (t - self.last_t).clamp(1e-3, 1.0)
        } else {
            1.0 / 30.0
        };
        self.last_t = t;
        self.repair_swap(pts, z);
        self.update_side(pts, z, dt, t);
        let Some(near) = self.near else { return };
        self.update_facing(pts, near, dt);
        self.update_leg(pts, near, dt);
        let leg = self.leg.unwrap_or(near);
        self.update_scale(pts, near, leg);
    }

    /// §1.2: the working leg. One foot off the floor: the stance leg (the lower ankle). Both
    /// down but one well ahead (a staggered stance): the front leg. Otherwise the near leg.
    fn update_leg(&mut self, pts: &Points, near: Side, dt: f64) {
        let (a, b) = (near.ankle(), near.other().ankle());
        if pts.v[a] < VIS_MISSING || pts.v[b] < VIS_MISSING || !(self.b > 1.0) {
            return;
        }
        let k = (dt / 0.3).min(1.0);
        let lift = (pts.p[a].y - pts.p[b].y) / self.b; // > 0: the near foot is higher
        let ahead = self.facing * (pts.p[a].x - pts.p[b].x) / self.b; // > 0: the near foot ahead
        self.leg_lift += k * (lift - self.leg_lift);
        self.leg_ahead += k * (ahead - self.leg_ahead);
        let far = near.other();
        let want = if self.leg_lift > 0.06 {
            far
        } else if self.leg_lift < -0.06 {
            near
        } else if self.leg_ahead < -0.12 && self.leg_lift.abs() < 0.03 {
            far
        } else if self.leg_ahead > 0.12 && self.leg_lift.abs() < 0.03 {
            near
        } else {
            // In between (a free foot hovering at the top of a one-legged rep): keep the leg.
            self.leg.unwrap_or(near)
        };
        // A change of working leg must hold: 0.3 s onto a stance leg, 1.5 s back off it.
        let current = self.leg.unwrap_or(near);
        if want == current {
            self.leg_pending = 0.0;
        } else {
            self.leg_pending += dt;
            let needed = if self.leg_lift.abs() > 0.06 { 0.3 } else { 1.5 };
            if self.leg.is_none() || self.leg_pending >= needed {
                self.leg = Some(want);
                self.leg_pending = 0.0;
            }
        }
    }

    /// §1.2: if the near and far leg exchange image positions within one frame, swap back.
    fn repair_swap(&mut self, pts: &mut Points, z: &mut [f64; 33]) {
        if let Some(prev) = &self.prev {
            let scale = if self.b > 1.0 { self.b } else { 200.0 };
            let (mut same, mut swapped, mut n) = (0.0, 0.0, 0);
            for &l in &LEG_CHAIN[1..] {
                let r = l + 1;
                if pts.v[l] < VIS_MISSING
                    || pts.v[r] < VIS_MISSING
                    || prev.v[l] < VIS_MISSING
                    || prev.v[r] < VIS_MISSING
                {
                    continue;
                }
                same += (pts.p[l] - prev.p[l]).norm() + (pts.p[r] - prev.p[r]).norm();
                swapped += (pts.p[l] - prev.p[r]).norm() + (pts.p[r] - prev.p[l]).norm();
                n += 1;
            }
            if n >= 2 && same > 0.10 * scale * n as f64 && swapped < 0.4 * same {
                for &l in &LEG_CHAIN {
                    pts.p.swap(l, l + 1);
                    pts.v.swap(l, l + 1);
                    z.swap(l, l + 1);
                }
                self.swaps_repaired += 1;
            }
        }
        self.prev = Some(pts.clone());
    }

    fn update_side(&mut self, pts: &Points, z: &[f64; 33], dt: f64, t: f64) {
        let a = (dt / 1.0).min(1.0);
        let (vl, vr) = (side_vis(pts, Side::Left), side_vis(pts, Side::Right));
        let zl = (z[idx::LEFT_HIP] + z[idx::LEFT_KNEE] + z[idx::LEFT_ANKLE]) / 3.0;
        let zr = (z[idx::RIGHT_HIP] + z[idx::RIGHT_KNEE] + z[idx::RIGHT_ANKLE]) / 3.0;
        if self.near.is_none() {
            self.vis_left = vl;
            self.vis_right = vr;
            self.z_bias = (zr - zl).signum();
        } else {
            self.vis_left += a * (vl - self.vis_left);
            self.vis_right += a * (vr - self.vis_right);
            self.z_bias += a * ((zr - zl).signum() - self.z_bias);
        }
        // Evidence that the left side is nearer: visibility, or (when close) depth.
        let diff = self.vis_left - self.vis_right;
        let preferred = if diff.abs() >= 0.10 {
            if diff > 0.0 {
                Side::Left
            } else {
                Side::Right
            }
        } else if self.z_bias >= 0.0 {
            Side::Left
        } else {
            Side::Right
        };
        match self.near {
            None => {
                if vl.max(vr) >= VIS_USE {
                    self.near = Some(preferred);
                }
            }
            Some(cur) if cur != preferred => {
                // Hysteresis: the other side must lead clearly for over a second.
                let clear = diff.abs() > 0.15 || (diff.abs() < 0.10 && self.z_bias.abs() > 0.8);
                if clear {
                    let since = *self.switch_since.get_or_insert(t);
                    if t - since > 1.0 {
                        self.near = Some(preferred);
                        self.switch_since = None;
                    }
                } else {
                    self.switch_since = None;
                }
            }
            _ => self.switch_since = None,
        }
    }

    fn update_facing(&mut self, pts: &Points, near: Side, dt: f64) {
        let mut vote = 0.0;
        let mut weight = 0.0;
        for s in [near, near.other()] {
            let w = if s == near { 1.0 } else { 0.4 };
            // Toes ahead of the heel; a track without heels (other pose models, a depth
            // sensor): toes ahead of the ankle.
            let back = if pts.v[s.heel()] >= VIS_USE {
                Some(s.heel())
            } else if pts.v[s.ankle()] >= VIS_USE {
                Some(s.ankle())
            } else {
                None
            };
            if let (true, Some(back)) = (pts.v[s.toe()] >= VIS_USE, back) {
                let dx = pts.p[s.toe()].x - pts.p[back].x;
                vote += w * dx.signum();
                weight += w;
            }
        }
        // The nose is ahead of the ears (the only cue for COCO-17 tracks).
        if pts.v[idx::NOSE] >= VIS_USE && pts.v[near.ear()] >= VIS_USE {
            let dx = pts.p[idx::NOSE].x - pts.p[near.ear()].x;
            vote += 0.5 * dx.signum();
            weight += 0.5;
        }
        if weight == 0.0 {
            return;
        }
        let a = (dt / 0.5).min(1.0);
        self.facing_vote += a * (vote / weight - self.facing_vote);
        if self.facing == 0.0 {
            if self.facing_vote.abs() > 0.05 {
                self.facing = self.facing_vote.signum();
            }
        } else if self.facing_vote * self.facing < -0.5 {
            self.facing = -self.facing;
        }
    }

    fn update_scale(&mut self, pts: &Points, near: Side, leg: Side) {
        let ear = if pts.v[near.ear()] >= VIS_MISSING {
            near.ear()
        } else {
            near.other().ear()
        };
        let near = leg;
        let heel = if pts.v[near.heel()] >= VIS_MISSING {
            near.heel()
        } else {
            near.ankle()
        };
        let foot_ok = pts.v[heel] >= VIS_MISSING;
        if foot_ok {
            let mid = if pts.v[near.toe()] >= VIS_MISSING && heel == near.heel() {
                (pts.p[near.heel()] + pts.p[near.toe()]) * 0.5
            } else {
                pts.p[heel]
            };
            self.midfoot_x.push(mid.x);
            self.midfoot_y.push(mid.y);
            self.midfoot = V2::new(
                self.midfoot_x.median().unwrap_or(mid.x),
                self.midfoot_y.median().unwrap_or(mid.y),
            );
        }
        if pts.v[ear] < VIS_MISSING || !foot_ok {
            return;
        }
        let height = pts.p[ear].y - pts.p[heel].y;
        if !(height > 20.0) {
            return;
        }
        // Scale only from upright frames once any exist; before that, the running maximum.
        let upright = self
            .frame()
            .map(|fr| is_upright(&FrameSig::compute(pts, &fr)))
            .unwrap_or(false);
        if upright {
            if self.b_samples.is_empty() {
                self.b = 0.0;
            }
            self.b_samples.push(height);
            self.b = self.b_samples.median().unwrap_or(height);
        } else if self.b_samples.is_empty() && height > self.b {
            self.b = height;
        }
    }

    /// Feeds the live signals for still detection. Returns true when a still, upright
    /// stretch just (re)calibrated the standing reference. `allow` gates when this may happen
    /// (before the first rep and between sets).
    pub fn observe_still(&mut self, t: f64, sig: &FrameSig, pts: &Points, allow: bool) -> bool {
        let s = V2::new(f64::NAN, f64::NAN);
        let key = match self.near {
            Some(n) => [pts.get(n.hip()), pts.get(n.shoulder()), pts.get(n.knee())],
            None => [s, s, s],
        };
        self.recent.push_back((t, *sig, key));
        while let Some(&(t0, _, _)) = self.recent.front() {
            if t - t0 > STILL_WINDOW_S + 0.05 {
                self.recent.pop_front();
            } else {
                break;
            }
        }
        // The first still stretch calibrates; later ones only when asked (`try_still`).
        if !allow || self.standing.source == CalibrationSource::Still {
            return false;
        }
        self.try_still(t).is_ok()
    }

    /// Calibrates from the last second if the lifter stood still and upright (the page's
    /// "stand tall for 2 s" step); otherwise says what was wrong.
    pub fn try_still(&mut self, t: f64) -> Result<(), &'static str> {
        let (Some(&(t0, _, _)), true) = (self.recent.front(), self.b > 1.0) else {
            return Err("no one is in view yet");
        };
        if t - t0 < STILL_WINDOW_S - 0.1 || self.recent.len() < 8 {
            return Err("hold still a moment longer");
        }
        if self
            .recent
            .iter()
            .any(|(_, s, _)| s.quality < 0.6 || !s.trunk.is_finite())
        {
            return Err("the whole body must be visible: step back or turn side-on");
        }
        if !self.recent.iter().all(|(_, s, _)| is_upright(s)) {
            return Err("stand tall: upright, knees straight");
        }
        for k in 0..3 {
            let (mut lo, mut hi) = (V2::new(f64::MAX, f64::MAX), V2::new(f64::MIN, f64::MIN));
            for (_, _, p) in &self.recent {
                lo = lo.inf(&p[k]);
                hi = hi.sup(&p[k]);
            }
            if !((hi - lo).norm() < STILL_SPREAD_B * self.b) {
                return Err("hold still");
            }
        }
        let sigs: Vec<FrameSig> = self.recent.iter().map(|(_, s, _)| *s).collect();
        self.standing = Standing::from_sigs(&sigs, CalibrationSource::Still);
        Ok(())
    }

    /// Without a still calibration, a lockout posture stands in for standing.
    pub fn learn_from_lockout(&mut self, lockout: &[FrameSig]) {
        if self.standing.source == CalibrationSource::Still || lockout.is_empty() {
            return;
        }
        let new = Standing::from_sigs(lockout, CalibrationSource::FromLockouts);
        // A lockout that does not look upright (the model swapping the body mid-frame) is no
        // standing reference.
        if !(new.trunk.abs() < 30.0) {
            return;
        }
        if self.standing.source == CalibrationSource::Provisional {
            self.standing = new;
        } else {
            // Blend, so one odd lockout does not move the reference much.
            let s = &mut self.standing;
            let w = 0.3;
            s.trunk += w * (new.trunk - s.trunk);
            s.hip += w * (new.hip - s.hip);
            s.knee += w * (new.knee - s.knee);
            s.neck += w * (new.neck - s.neck);
            s.hip_y += w * (new.hip_y - s.hip_y);
            s.shoulder_y += w * (new.shoulder_y - s.shoulder_y);
            s.heel_y += w * (new.heel_y - s.heel_y);
            s.chord += w * (new.chord - s.chord);
        }
    }

    /// Sets the provisional reference from the first usable frame if it looks upright.
    pub fn seed_standing(&mut self, sig: &FrameSig) {
        if self.standing.source == CalibrationSource::Provisional && is_upright(sig) {
            let mut s =
                Standing::from_sigs(std::slice::from_ref(sig), CalibrationSource::Provisional);
            s.source = CalibrationSource::Provisional;
            self.standing = s;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn legs(left_x: f64, right_x: f64) -> Points {
        let mut p = Points::default();
        for i in 0..33 {
            p.v[i] = 0.9;
            p.p[i] = V2::new(200.0, -100.0 - i as f64);
        }
        for (k, &l) in LEG_CHAIN.iter().enumerate() {
            p.p[l] = V2::new(left_x, -300.0 - 50.0 * k as f64);
            p.p[l + 1] = V2::new(right_x, -300.0 - 50.0 * k as f64);
        }
        p
    }

    #[test]
    fn a_one_frame_left_right_swap_is_undone() {
        let mut b = BodyTracker::default();
        let mut z = [0.0; 33];
        let mut first = legs(100.0, 300.0);
        b.observe(0.0, &mut first, &mut z);
        let mut swapped = legs(300.0, 100.0);
        b.observe(1.0 / 30.0, &mut swapped, &mut z);
        assert_eq!(b.swaps_repaired, 1);
        assert_eq!(swapped.p[idx::LEFT_KNEE].x, 100.0);
        assert_eq!(swapped.p[idx::RIGHT_ANKLE].x, 300.0);
        // A genuine small step is left alone.
        let mut step = legs(110.0, 305.0);
        b.observe(2.0 / 30.0, &mut step, &mut z);
        assert_eq!(b.swaps_repaired, 1);
        assert_eq!(step.p[idx::LEFT_KNEE].x, 110.0);
    }

    #[test]
    fn the_median_is_right_for_odd_and_even_counts() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&mut []), None);
    }
}

#[cfg(test)]
mod leg_tests {
    use super::*;

    /// A side-on body with both feet placed as given (isotropic px, y up).
    fn stance(near_ankle: V2, far_ankle: V2) -> Points {
        let mut p = Points::default();
        for i in 0..33 {
            p.v[i] = 0.9;
        }
        // Left is nearer (more visible).
        for i in [
            idx::LEFT_SHOULDER,
            idx::LEFT_HIP,
            idx::LEFT_KNEE,
            idx::LEFT_ANKLE,
            idx::LEFT_HEEL,
            idx::LEFT_FOOT_INDEX,
        ] {
            p.v[i] = 0.99;
            p.v[i + 1] = 0.6;
        }
        p.p[idx::LEFT_EAR] = V2::new(300.0, -100.0);
        p.p[idx::RIGHT_EAR] = V2::new(300.0, -100.0);
        p.p[idx::NOSE] = V2::new(330.0, -105.0);
        p.p[idx::LEFT_ANKLE] = near_ankle;
        p.p[idx::RIGHT_ANKLE] = far_ankle;
        p.p[idx::LEFT_HEEL] = near_ankle + V2::new(-20.0, -10.0);
        p.p[idx::RIGHT_HEEL] = far_ankle + V2::new(-20.0, -10.0);
        p.p[idx::LEFT_FOOT_INDEX] = near_ankle + V2::new(60.0, -20.0);
        p.p[idx::RIGHT_FOOT_INDEX] = far_ankle + V2::new(60.0, -20.0);
        p
    }

    fn leg_after(near_ankle: V2, far_ankle: V2) -> Side {
        let mut b = BodyTracker::default();
        let mut z = [0.0; 33];
        for k in 0..60 {
            let mut p = stance(near_ankle, far_ankle);
            b.observe(k as f64 / 30.0, &mut p, &mut z);
        }
        b.frame().expect("frame").leg
    }

    #[test]
    fn the_working_leg_is_the_stance_or_front_leg() {
        // Feet together: the near leg.
        assert_eq!(
            leg_after(V2::new(300.0, -900.0), V2::new(300.0, -900.0)),
            Side::Left
        );
        // The near foot off the floor: the far leg is the stance leg.
        assert_eq!(
            leg_after(V2::new(250.0, -700.0), V2::new(300.0, -900.0)),
            Side::Right
        );
        // Staggered, the far foot well ahead (the lifter faces right): the far leg works.
        assert_eq!(
            leg_after(V2::new(200.0, -900.0), V2::new(400.0, -900.0)),
            Side::Right
        );
    }
}
