//! The pelvic limit θ_T* (§1.5, §5.4): in the slow hinge down, the trunk angle past which the
//! pelvic line (thumb → index finger) stops turning with the trunk line, so that hinging
//! deeper bends the spine instead. Fitted by local regression of the pelvic line on the trunk
//! angle; the lift analysis then judges depth against the lifter's own limit.

use super::hands::gate;
use super::judge::{series, Sample, Series};
use super::segment::Segment;

/// Pelvic-line low-pass for the slow hinge (several seconds): the hand points are coarse, the
/// hinge is slow.
const SLOW_HINGE_PSI_HZ: f64 = 1.0;

/// Below this dψ/dθ_T the pelvis has stopped tilting (§1.5, EST).
pub const PELVIS_STOP_SLOPE: f64 = 0.2;

/// θ_T* from the slow hinge: where the pelvic line stops turning with the trunk line. Returns
/// the limit (trunk angle, deg) and the pelvis's rotation there from `standing_pelvic_line_deg`
/// (or, without it, from the pelvic line at the top of the hinge).
pub(super) fn pelvic_limit<'a>(
    samples: impl IntoIterator<Item = &'a Sample>,
    seg: Segment,
    standing_pelvic_line_deg: Option<f64>,
) -> Option<(f64, f64)> {
    let Series {
        trunk, psi, good, ..
    } = series(samples, seg.t0, seg.t1, SLOW_HINGE_PSI_HZ)?;
    if good < gate::MIN_GOOD_SHARE || psi.iter().any(|v| !v.is_finite()) {
        return None;
    }
    // Only while the trunk keeps inclining.
    let pts: Vec<(f64, f64)> = trunk
        .windows(2)
        .zip(&psi)
        .filter(|(w, _)| w[1] > w[0])
        .map(|(w, p)| (w[0], *p))
        .collect();
    if pts.len() < 20 {
        return None;
    }
    // dψ/dθ_T by local regression in windows ±4° of trunk angle; θ_T* is where it falls
    // below 0.2 for the rest of the hinge (§1.5).
    let (tmin, tmax) = pts
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.0), b.max(p.0)));
    let slope_at = |c: f64| {
        let w: Vec<&(f64, f64)> = pts.iter().filter(|p| (p.0 - c).abs() <= 4.0).collect();
        if w.len() < 6 {
            return None;
        }
        let n = w.len() as f64;
        let (mx, my) = (
            w.iter().map(|p| p.0).sum::<f64>() / n,
            w.iter().map(|p| p.1).sum::<f64>() / n,
        );
        let sxx: f64 = w.iter().map(|p| (p.0 - mx) * (p.0 - mx)).sum();
        (sxx > 1.0).then(|| w.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum::<f64>() / sxx)
    };
    // The first trunk angle, after the pelvis has been turning, from which the slope stays
    // below 0.2 for the next 8° (or to the end): a noise blip later on does not move it.
    let mut slopes = Vec::new();
    let mut c = tmin + 4.0;
    while c <= tmax - 4.0 {
        if let Some(sl) = slope_at(c) {
            slopes.push((c, sl));
        }
        c += 0.5;
    }
    let rising_seen = slopes.iter().any(|&(_, sl)| sl >= PELVIS_STOP_SLOPE);
    let limit = slopes.iter().enumerate().find_map(|(k, &(c, sl))| {
        let turned = slopes[..k].iter().any(|&(_, s)| s >= PELVIS_STOP_SLOPE);
        let stays = slopes[k..]
            .iter()
            .take_while(|&&(c2, _)| c2 <= c + 8.0)
            .all(|&(_, s)| s < PELVIS_STOP_SLOPE);
        (turned && sl < PELVIS_STOP_SLOPE && stays).then_some(c - 0.25)
    });
    let limit = limit.filter(|l| rising_seen && *l < tmax - 5.0)?;
    let psi_at = |th: f64| {
        pts.iter()
            .min_by(|a, b| (a.0 - th).abs().total_cmp(&(b.0 - th).abs()))
            .map(|p| p.1)
    };
    let range = psi_at(limit)? - standing_pelvic_line_deg.or(psi_at(tmin))?;
    Some((limit, range))
}
