//! The back's outline from the person mask (docs/biomechanics.md §1.6, "Tier C"): what
//! landmarks cannot show, the lumbar curve and the tilt of the sacrum. From the trunk chord
//! (mid-hip to mid-shoulder) the mask is marched along the posterior normal to the skin line at
//! 41 stations; a line is fitted to the low-back/sacral band (stations 5–22 % up the chord) and
//! one to the upper-lumbar band (35–55 %). Their angles from vertical give a pelvic-tilt proxy
//! (the low band) and a lumbar-flexion proxy (the upper band's angle over the low band's), each
//! read against the lifter's own standing curve; and the spine's bend (the trunk chord's angle
//! over the low band's: the trunk tipping past the pelvis), which `rounded_back` judges —
//! through a loose top the upper band follows the fabric, the chord does not. Quality gates
//! refuse an outline that is not a back: too few stations found, a ragged fit, or skin standing
//! too far off the chord (hair, a top hanging far off the back).

use crate::pose::MaskCrop;
use crate::signal::features::{Frame, Points};
use crate::signal::geometry::{ang, V2};

/// Stations along the chord, 2.5 % apart, from 40 % of it below the hip (its line continued
/// behind the hip: in a deep bend only those reach the sacrum) up to the shoulder.
pub const STATIONS: usize = 57;
pub const STATION_FROM: f64 = -0.4;
pub const STATION_STEP: f64 = 0.025;

/// A station's place along the chord (0 = hip, 1 = shoulder).
pub fn station(k: usize) -> f64 {
    STATION_FROM + k as f64 * STATION_STEP
}
/// The bands (fractions of the chord, EST from the ANSUR ratios: the crest at ≈ 0.30, the 10th
/// rib at ≈ 0.42, the gluteal bulge below ≈ 0.05).
pub const LOW_BAND: (f64, f64) = (0.05, 0.22);
pub const UP_BAND: (f64, f64) = (0.35, 0.55);
/// How far out the skin line is looked for (B).
pub const MARCH_B: f64 = 0.25;
/// Where the chord runs outside the body, the body must begin this close behind it (B).
pub const ENTER_B: f64 = 0.1;
/// A band's fit must be this straight (RMS, B) with this many stations.
pub const BAND_RMS_B: f64 = 0.01;
pub const BAND_MIN_STATIONS: usize = 6;
/// Neighbouring stations whose offsets differ more than this (B) are not one skin line.
pub const STEP_B: f64 = 0.03;
/// Skin further than this (B) behind the chord at the low back is clothing or hair, not the
/// back (EST: the lumbar skin lies ≈ 0.06–0.09 B behind the hip-to-shoulder line).
pub const LOOSE_B: f64 = 0.14;

/// The loose-clothing gate reads the standing lifter only (the trunk within this of vertical):
/// bent over, the buttocks stand off the low back by themselves.
pub const LOOSE_UPRIGHT_DEG: f64 = 30.0;

/// Why a frame's outline was not used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ContourIssue {
    /// No mask, or the chord not inside it.
    NoOutline,
    /// Too few stations found the skin in a band.
    Sparse,
    /// A band's points are not a line.
    Ragged,
    /// The outline stands off the back (loose clothing, hair).
    Loose,
}

impl ContourIssue {
    pub fn message(self) -> &'static str {
        match self {
            ContourIssue::NoOutline => "no outline of the back in the mask",
            ContourIssue::Sparse => "the back's outline was found at too few points",
            ContourIssue::Ragged => "the back's outline is too ragged to read a curve from",
            ContourIssue::Loose => "the outline stands off the back: loose clothing or hair over the low back hides its curve (a fitted top shows it)",
        }
    }
}

/// One frame's back outline.
#[derive(Clone, Debug, PartialEq)]
pub struct BackContour {
    /// The skin point at each station (isotropic px), where found.
    pub points: [Option<V2>; STATIONS],
    /// The bands' angles from vertical (deg, + toward the facing direction, as the trunk's).
    pub theta_low: f64,
    pub theta_up: f64,
    /// The trunk chord's angle from vertical (deg, as the bands').
    pub theta_chord: f64,
    /// The bands' fit residuals (B).
    pub rms_low: f64,
    pub rms_up: f64,
    /// Mean offset of the skin behind the chord over the low band (B).
    pub offset_low: f64,
    /// None when the outline can be read; else why not.
    pub issue: Option<ContourIssue>,
}

impl BackContour {
    /// Whether the bands can be read.
    pub fn ok(&self) -> bool {
        self.issue.is_none()
    }
    /// The lumbar curve: the upper band's angle over the low band's (deg; larger = more
    /// flexed). Against standing it is the lumbar-flexion proxy ΔΛ.
    pub fn curve(&self) -> f64 {
        self.theta_up - self.theta_low
    }
    /// The spine's bend: the trunk chord's angle (hip joint to shoulder) over the sacral
    /// band's (deg; larger = more flexed). Against standing it is ΔΣ: how far the trunk turned
    /// past the pelvis, the spine between them bending — what `rounded_back` judges (the chord
    /// rests on two landmarks the model sees well, where the upper band's outline follows a
    /// loose top).
    pub fn bend(&self) -> f64 {
        self.theta_chord - self.theta_low
    }
    /// What the rep measurement keeps of a readable outline.
    pub fn read(&self) -> Option<BackRead> {
        self.ok().then(|| BackRead {
            low: self.theta_low,
            curve: self.curve(),
            bend: self.bend(),
        })
    }
}

/// A readable outline's angles (deg): the sacral band's tilt, the lumbar curve and the spine's
/// bend (see [`BackContour`]); on one frame, or the lifter's standing ones.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BackRead {
    pub low: f64,
    pub curve: f64,
    pub bend: f64,
}

/// The lifter's standing curve: the median of the outline read while upright (the trunk within
/// 10° of standing), over the last [`REFERENCE_FRAMES`] such frames.
#[derive(Clone, Debug, Default)]
pub struct BackReference {
    curve: std::collections::VecDeque<f64>,
    low: std::collections::VecDeque<f64>,
    bend: std::collections::VecDeque<f64>,
}

/// Upright frames the standing curve is taken over.
pub const REFERENCE_FRAMES: usize = 45;
/// Upright frames needed before the standing curve is known.
pub const REFERENCE_MIN: usize = 5;
/// Upright frames a standing curve read mid-set rests on (half a second at 30 fps).
pub const REFERENCE_SETTLED: usize = 15;

impl BackReference {
    /// One frame's outline; `upright`: the trunk is near standing.
    pub fn observe(&mut self, c: &BackContour, upright: bool) {
        if !(upright && c.ok()) {
            return;
        }
        for (q, v) in [
            (&mut self.curve, c.curve()),
            (&mut self.low, c.theta_low),
            (&mut self.bend, c.bend()),
        ] {
            if q.len() == REFERENCE_FRAMES {
                q.pop_front();
            }
            q.push_back(v);
        }
    }
    /// The standing outline's angles, once enough upright frames were seen.
    pub fn standing(&self) -> Option<BackRead> {
        self.standing_over(REFERENCE_MIN)
    }

    /// The standing curve once [`REFERENCE_SETTLED`] upright frames were seen: what a rep that
    /// waited for it is read against mid-set (at the end, [`BackReference::standing`] does).
    pub fn settled(&self) -> Option<BackRead> {
        self.standing_over(REFERENCE_SETTLED)
    }

    fn standing_over(&self, min: usize) -> Option<BackRead> {
        if self.curve.len() < min {
            return None;
        }
        let med = |q: &std::collections::VecDeque<f64>| {
            let mut v: Vec<f64> = q.iter().copied().collect();
            crate::motion::body::median(&mut v)
        };
        Some(BackRead {
            low: med(&self.low)?,
            curve: med(&self.curve)?,
            bend: med(&self.bend)?,
        })
    }
}

/// Total-least-squares line through points: (direction, RMS distance).
fn tls(points: &[V2]) -> Option<(V2, f64)> {
    if points.len() < 2 {
        return None;
    }
    let n = points.len() as f64;
    let c = points.iter().fold(V2::zeros(), |a, p| a + p) / n;
    let (mut sxx, mut syy, mut sxy) = (0.0, 0.0, 0.0);
    for p in points {
        let d = p - c;
        sxx += d.x * d.x;
        syy += d.y * d.y;
        sxy += d.x * d.y;
    }
    let theta = 0.5 * (2.0 * sxy).atan2(sxx - syy);
    let dir = V2::new(theta.cos(), theta.sin());
    let ss: f64 = points
        .iter()
        .map(|p| {
            let d = p - c;
            (d.x * dir.y - d.y * dir.x).powi(2)
        })
        .sum();
    Some((dir, (ss / n).sqrt()))
}

/// Reads the back's outline from a mask crop. `pts` are the frame's isotropic points, `fr` the
/// body frame (facing, B), `(w, h)` the image size the landmarks refer to, `chord0` the
/// standing trunk chord (B) when known. The bands are placed along the back by its own length,
/// in fractions of the standing chord: a flexed trunk shortens its chord, not its back, and
/// fractions of the flexed chord would slide the low band up onto the lumbar spine.
pub fn read(
    mask: &MaskCrop,
    pts: &Points,
    fr: &Frame,
    w: f64,
    h: f64,
    chord0: Option<f64>,
) -> BackContour {
    let mut out = BackContour {
        points: [None; STATIONS],
        theta_low: f64::NAN,
        theta_up: f64::NAN,
        theta_chord: f64::NAN,
        rms_low: f64::NAN,
        rms_up: f64::NAN,
        offset_low: f64::NAN,
        issue: Some(ContourIssue::NoOutline),
    };
    let s = pts.mid(crate::pose::idx::LEFT_SHOULDER);
    let hm = pts.mid(crate::pose::idx::LEFT_HIP);
    let chord = s - hm;
    let len = chord.norm();
    let b = fr.b;
    if !(len > 1.0) || !(b > 1.0) || !s.x.is_finite() || !hm.x.is_finite() {
        return out;
    }
    let a = chord / len;
    let f = fr.facing;
    // Posterior normal (points to the back).
    let np = V2::new(-f * a.y, f * a.x);
    // The mask in isotropic px: (X, Y) → normalised (X / w, −Y / h).
    let at = |p: V2| mask.at(p.x / w, -p.y / h);
    // March in steps of about half a mask cell.
    let cell = ((mask.x1 - mask.x0) * w / crate::pose::MASK_SIDE as f64).max(0.5);
    let step = 0.5 * cell;
    let reach = MARCH_B * b;
    let n_steps = (reach / step).ceil() as usize;
    let mut offsets = [f64::NAN; STATIONS];
    let mut inside = 0;
    for (k, off) in offsets.iter_mut().enumerate() {
        let c = hm + chord * station(k);
        // Where the chord runs outside the body (a rounded back bows away from it, the chord
        // passing in front of the belly), the body is entered first, within 0.1 B.
        let mut j0 = 0;
        while at(c + np * (j0 as f64 * step)) < 0.5 {
            j0 += 1;
            if j0 as f64 * step > ENTER_B * b {
                break;
            }
        }
        if j0 as f64 * step > ENTER_B * b {
            continue;
        }
        inside += 1;
        // The first crossing from inside (≥ 0.5) to outside after it, linearly interpolated:
        // the skin nearest the chord (a curved back bulges past the normals of its other
        // stations).
        let mut prev = at(c + np * (j0 as f64 * step));
        for j in j0 + 1..=n_steps {
            let d = j as f64 * step;
            let v = at(c + np * d);
            if v < 0.5 {
                let frac = (prev - 0.5) / (prev - v).max(1e-9);
                *off = d - step + frac * step;
                break;
            }
            prev = v;
        }
    }
    if inside == 0 {
        return out;
    }
    // Smooth over three stations; drop a station that jumps off its neighbours.
    let raw = offsets;
    for k in 0..STATIONS {
        let near: Vec<f64> = (k.saturating_sub(1)..=(k + 1).min(STATIONS - 1))
            .map(|j| raw[j])
            .filter(|v| v.is_finite())
            .collect();
        offsets[k] = if raw[k].is_finite() {
            near.iter().sum::<f64>() / near.len() as f64
        } else {
            f64::NAN
        };
    }
    for k in 0..STATIONS {
        let jumps = [k.checked_sub(1), (k + 1 < STATIONS).then_some(k + 1)]
            .into_iter()
            .flatten()
            .filter(|&j| raw[j].is_finite())
            .all(|j| (raw[k] - raw[j]).abs() > STEP_B * b);
        let has_neighbour = [k.checked_sub(1), (k + 1 < STATIONS).then_some(k + 1)]
            .into_iter()
            .flatten()
            .any(|j| raw[j].is_finite());
        if raw[k].is_finite() && has_neighbour && jumps {
            offsets[k] = f64::NAN;
        }
    }
    for (k, p) in out.points.iter_mut().enumerate() {
        if offsets[k].is_finite() {
            let c = hm + chord * station(k);
            *p = Some(c + np * offsets[k]);
        }
    }
    // Each found point's place along the back, measured down from the shoulder's station (the
    // back keeps its length as it bends, its chord does not), in standing chords and counted as
    // "up from the hip" (1 − that): a straight standing back reads its chord fraction.
    // (The length is taken along the outline smoothed over ±3 stations: a pixel's zigzag of
    // the edge would otherwise lengthen it.)
    // (A standing chord shorter than this frame's, or half again as long, is not one: a bend
    // shortens the chord by a quarter at most.)
    let l0 = chord0
        .map(|c| c * b)
        .filter(|l| (len..=1.5 * len).contains(l))
        .unwrap_or(len);
    let smooth: Vec<f64> = (0..STATIONS)
        .map(|k| {
            let near: Vec<f64> = (k.saturating_sub(3)..=(k + 3).min(STATIONS - 1))
                .map(|j| offsets[j])
                .filter(|v| v.is_finite())
                .collect();
            if offsets[k].is_finite() {
                near.iter().sum::<f64>() / near.len() as f64
            } else {
                f64::NAN
            }
        })
        .collect();
    let mut along = [f64::NAN; STATIONS];
    let mut last: Option<(usize, f64)> = None;
    for k in (0..STATIONS).rev() {
        if !smooth[k].is_finite() {
            continue;
        }
        let down = match last {
            Some((j, dq)) => {
                let dc = (station(j) - station(k)) * len;
                dq + dc.hypot(smooth[j] - smooth[k]) / l0
            }
            None => (1.0 - station(k)) * len / l0,
        };
        along[k] = 1.0 - down;
        last = Some((k, down));
    }
    let band = |(from, to): (f64, f64)| -> Vec<(usize, V2)> {
        (0..STATIONS)
            .filter(|&k| along[k] >= from - 1e-9 && along[k] <= to + 1e-9)
            .filter_map(|k| out.points[k].map(|p| (k, p)))
            .collect()
    };
    let (low, up) = (band(LOW_BAND), band(UP_BAND));
    let fit = |pts: &[(usize, V2)]| -> Option<(f64, f64)> {
        let ps: Vec<V2> = pts.iter().map(|(_, p)| *p).collect();
        let (mut dir, rms) = tls(&ps)?;
        // Oriented from lower stations to higher (up the back).
        if dir.dot(&a) < 0.0 {
            dir = -dir;
        }
        Some((ang(dir, f), rms / b))
    };
    if low.len() < BAND_MIN_STATIONS || up.len() < BAND_MIN_STATIONS {
        out.issue = Some(ContourIssue::Sparse);
        return out;
    }
    let (Some((tl, rl)), Some((tu, ru))) = (fit(&low), fit(&up)) else {
        out.issue = Some(ContourIssue::Sparse);
        return out;
    };
    out.theta_low = tl;
    out.theta_up = tu;
    out.theta_chord = ang(chord, f);
    out.rms_low = rl;
    out.rms_up = ru;
    out.offset_low = low.iter().map(|(k, _)| offsets[*k]).sum::<f64>() / low.len() as f64 / b;
    out.issue = if rl > BAND_RMS_B || ru > BAND_RMS_B {
        Some(ContourIssue::Ragged)
    } else if out.offset_low > LOOSE_B && ang(chord, f).abs() < LOOSE_UPRIGHT_DEG {
        Some(ContourIssue::Loose)
    } else {
        None
    };
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pose::{MASK_BYTES, MASK_SIDE};
    use crate::signal::features::Side;

    /// A side view facing image-right: hips at (0, 0), shoulders straight up 160 px, B = 500.
    fn setup(trunk_deg: f64) -> (Points, Frame) {
        let mut pts = Points::default();
        let t = trunk_deg.to_radians();
        let (hip, sh) = (
            V2::new(300.0, -400.0),
            V2::new(300.0, -400.0) + V2::new(t.sin(), t.cos()) * 160.0,
        );
        for (i, p) in [(11, sh), (12, sh), (23, hip), (24, hip)] {
            pts.p[i] = p;
            pts.v[i] = 0.99;
        }
        let fr = Frame {
            near: Side::Right,
            leg: Side::Right,
            facing: 1.0,
            b: 500.0,
            midfoot: V2::new(300.0, -700.0),
        };
        (pts, fr)
    }

    /// A mask filled inside a polygon (image px), the crop around the trunk as the page cuts it.
    fn mask_of(poly: &[V2], pts: &Points, w: f64, h: f64) -> MaskCrop {
        let s = pts.mid(11);
        let hm = pts.mid(23);
        let c = (s + hm) * 0.5;
        let side = 2.5 * (s - hm).norm();
        let (cx, cy) = (c.x, -c.y);
        let bbox = [
            (cx - side / 2.0) / w,
            (cy - side / 2.0) / h,
            (cx + side / 2.0) / w,
            (cy + side / 2.0) / h,
        ];
        let mut data = vec![0u8; MASK_BYTES];
        for j in 0..MASK_SIDE {
            for i in 0..MASK_SIDE {
                let x = cx - side / 2.0 + (i as f64 + 0.5) * side / MASK_SIDE as f64;
                let y = cy - side / 2.0 + (j as f64 + 0.5) * side / MASK_SIDE as f64;
                // Point in polygon (image px, y down): the polygon is given in iso px.
                let p = V2::new(x, -y);
                let mut inside = false;
                for k in 0..poly.len() {
                    let (a, b) = (poly[k], poly[(k + 1) % poly.len()]);
                    if (a.y > p.y) != (b.y > p.y)
                        && p.x < a.x + (p.y - a.y) / (b.y - a.y) * (b.x - a.x)
                    {
                        inside = !inside;
                    }
                }
                data[j * MASK_SIDE + i] = if inside { 255 } else { 0 };
            }
        }
        MaskCrop::new(bbox, data).unwrap()
    }

    /// A body whose back is two straight pieces: the low back at `low` degrees from vertical and
    /// the upper back at `up`, 40 px behind the chord at the hips (facing right: behind = −x).
    fn body(pts: &Points, low: f64, up: f64) -> Vec<V2> {
        let hm = pts.mid(23);
        let s = pts.mid(11);
        let dir = |d: f64| V2::new(d.to_radians().sin(), d.to_radians().cos());
        let back0 = hm + V2::new(-40.0, -30.0);
        let knee = back0 + dir(low) * 80.0;
        let top = knee + dir(up) * 160.0;
        let front_top = s + V2::new(60.0, 30.0);
        let front_bottom = hm + V2::new(80.0, -40.0);
        vec![back0, knee, top, front_top, front_bottom]
    }

    #[test]
    fn a_straight_back_reads_its_tilt_and_a_bend_reads_as_curve() {
        let (w, h) = (1280.0, 720.0);
        let (pts, fr) = setup(0.0);
        let flat = read(
            &mask_of(&body(&pts, 0.0, 0.0), &pts, w, h),
            &pts,
            &fr,
            w,
            h,
            None,
        );
        assert!(flat.ok(), "{:?}", flat.issue);
        assert!(
            flat.theta_low.abs() < 3.0 && flat.curve().abs() < 3.0,
            "{} {}",
            flat.theta_low,
            flat.curve()
        );
        // The low back tilted 10° forward, the upper back 25° further.
        let bent = read(
            &mask_of(&body(&pts, 10.0, 35.0), &pts, w, h),
            &pts,
            &fr,
            w,
            h,
            None,
        );
        assert!(bent.ok(), "{:?}", bent.issue);
        assert!(
            (bent.theta_low - 10.0).abs() < 4.0,
            "low {}",
            bent.theta_low
        );
        assert!((bent.curve() - 25.0).abs() < 5.0, "curve {}", bent.curve());
    }

    #[test]
    fn no_mask_or_a_loose_outline_is_refused_with_the_reason() {
        let (w, h) = (1280.0, 720.0);
        let (pts, fr) = setup(0.0);
        let empty = MaskCrop::new([0.0, 0.0, 1.0, 1.0], vec![0; MASK_BYTES]).unwrap();
        assert_eq!(
            read(&empty, &pts, &fr, w, h, None).issue,
            Some(ContourIssue::NoOutline)
        );
        // A hoodie: the outline 90 px (0.18 B) behind the chord.
        let hm = pts.mid(23);
        let s = pts.mid(11);
        let loose = vec![
            hm + V2::new(-90.0, -30.0),
            s + V2::new(-90.0, 20.0),
            s + V2::new(60.0, 30.0),
            hm + V2::new(80.0, -40.0),
        ];
        assert_eq!(
            read(&mask_of(&loose, &pts, w, h), &pts, &fr, w, h, None).issue,
            Some(ContourIssue::Loose)
        );
    }
}
