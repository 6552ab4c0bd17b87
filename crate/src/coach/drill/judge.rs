//! Judging one drill movement: from the trunk line and the pelvic line (thumb → index finger)
//! around a rise of the trunk, did the pelvic line turn first or with the trunk (the engine:
//! the hips hoisting the crane), or did the trunk rise while the pelvic line stayed or lagged
//! (the crane pulled up by hand)? It abstains, saying why, when the hands were not on the
//! pelvis for most of it. Also the window of samples every drill measurement reads
//! (`series`: resampled, zero-phase filtered), and the words of a judged movement.

use super::hands::{gate, HandIssue};
use super::report::{round1, round3, Movement};
use super::segment::Segment;
use super::stages::Stage;
use crate::coach::sequence::{fit_minjerk, guided_onset};
use crate::report::Verdict;
use crate::signal::zero_phase::{
    butterworth_lowpass, fill_nan, filtfilt, rep_filter, resample, MAX_BRIDGED_GAP_S,
};

/// Movement thresholds (EST: §1.5 gives the method, not cut-offs; set on the simulator's drill).
pub mod drill_limits {
    /// Pelvic rotation per degree of trunk rise below which the pelvis "stayed".
    pub const CRANE_SHARE: f64 = 0.35;
    /// Spine-lead index (mean spine progress − pelvis progress) at or below which the pelvis
    /// led (engine)…
    pub const ENGINE_INDEX: f64 = 0.0;
    /// …and at or above which the spine ran ahead of the pelvis (crane).
    pub const CRANE_INDEX: f64 = 0.10;
}

/// Pelvic-line low-pass for movements (about a second long) and for the hold in the hang: the
/// hand points are coarse, the drill is slow.
pub(super) const MOVE_PSI_HZ: f64 = 2.5;

/// One frame as the drill keeps it: the raw trunk line and pelvic line (deg; the pelvic line
/// NaN when the hands were not on the pelvis), and whether they were.
#[derive(Clone, Copy, Debug)]
pub(super) struct Sample {
    pub t: f64,
    pub trunk: f64,
    pub psi: f64,
    pub hands_ok: bool,
}

/// A window of samples, resampled at `fs` and zero-phase filtered.
#[derive(Clone, Debug)]
pub(super) struct Series {
    /// Sampling rate (Hz).
    pub fs: f64,
    /// The trunk line (deg).
    pub trunk: Vec<f64>,
    /// The pelvic line ψ (deg); NaN where the hands were off the pelvis too long to bridge.
    pub psi: Vec<f64>,
    /// Share of the window's frames with the hands on the pelvis; 0 after a lapse longer than
    /// `gate::MAX_LAPSE_S`.
    pub good: f64,
}

/// Resampled, zero-phase filtered trunk and pelvic-line series over `[t0, t1]`, with the
/// share of frames where the hands passed the gates.
pub(super) fn series<'a>(
    samples: impl IntoIterator<Item = &'a Sample>,
    t0: f64,
    t1: f64,
    psi_cutoff_hz: f64,
) -> Option<Series> {
    let w: Vec<&Sample> = samples
        .into_iter()
        .filter(|s| s.t >= t0 && s.t <= t1)
        .collect();
    if w.len() < 8 {
        return None;
    }
    let mut good = w.iter().filter(|s| s.hands_ok).count() as f64 / w.len() as f64;
    // A lapse longer than the bridgeable gap fails the window outright.
    let (mut lapse_from, mut longest) = (None::<f64>, 0.0f64);
    for s in &w {
        match (s.hands_ok, lapse_from) {
            (false, None) => lapse_from = Some(s.t),
            (true, Some(t0)) => {
                longest = longest.max(s.t - t0);
                lapse_from = None;
            }
            _ => {}
        }
    }
    if let Some(t0) = lapse_from {
        longest = longest.max(w[w.len() - 1].t - t0);
    }
    if longest > gate::MAX_LAPSE_S {
        good = 0.0;
    }
    let fs = 30.0;
    let t: Vec<f64> = w.iter().map(|s| s.t).collect();
    let mut trunk = resample(
        &t,
        &w.iter().map(|s| s.trunk).collect::<Vec<_>>(),
        t0,
        t1,
        fs,
        MAX_BRIDGED_GAP_S,
    );
    let mut psi = resample(
        &t,
        &w.iter().map(|s| s.psi).collect::<Vec<_>>(),
        t0,
        t1,
        fs,
        0.5,
    );
    fill_nan(&mut trunk);
    fill_nan(&mut psi);
    if trunk.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let trunk = filtfilt(&rep_filter(fs), &trunk);
    // The hand points are coarse: the pelvic line gets a lower cutoff (the drill is slow).
    let psi = if psi.iter().all(|v| v.is_finite()) {
        filtfilt(&butterworth_lowpass(psi_cutoff_hz, fs), &psi)
    } else {
        psi
    };
    Some(Series {
        fs,
        trunk,
        psi,
        good,
    })
}

/// Judges one movement: did the pelvic line turn first (engine) or did the trunk rise while
/// it stayed (crane)? `samples` are the drill's kept frames (those of the movement and of the
/// still moment before it are read), `stage` what was asked, `index` the movement's number,
/// and `hands_now` why the hands are off the pelvis on the frame it closed, if they are.
pub(super) fn judge_movement<'a>(
    samples: impl IntoIterator<Item = &'a Sample>,
    seg: Segment,
    stage: Stage,
    index: u32,
    to_upright: bool,
    hands_now: Option<HandIssue>,
) -> Movement {
    let mut m = Movement {
        index,
        stage,
        start_s: round3(seg.t0),
        top_s: round3(seg.t1),
        to_upright,
        verdict: Verdict::Unclear,
        confidence: 0.0,
        trunk_rise_deg: round1(seg.th0 - seg.th1),
        pelvis_rise_deg: None,
        pelvis_share: None,
        trunk_lead_index: None,
        lead_ms: None,
        as_asked: None,
        abstain: None,
        message: String::new(),
    };
    let pre = 0.4;
    let Some(Series {
        fs,
        trunk,
        psi,
        good,
    }) = series(samples, seg.t0 - pre, seg.t1 + 0.3, MOVE_PSI_HZ)
    else {
        m.abstain = Some("too few frames".into());
        m.message = "Can't judge that movement: too few frames.".into();
        return m;
    };
    if good < gate::MIN_GOOD_SHARE || psi.iter().any(|v| !v.is_finite()) {
        let issue = hands_now
            .map(|h| h.message())
            .unwrap_or("your thumb and index finger were not on the pelvis for most of it");
        m.abstain = Some(issue.to_string());
        m.message = format!("Can't tell crane from engine on that one: {issue}. Keep the thumb on the hip bone and the index finger on the thigh bone.");
        return m;
    }
    let i0 = ((pre * fs) as usize).min(trunk.len() - 1);
    let i1 = (((seg.t1 - seg.t0 + pre) * fs) as usize).min(trunk.len() - 1);
    if i1 <= i0 + 3 {
        return m;
    }
    let trunk_rise = trunk[i0] - trunk[i1];
    // Pelvic rotation by regression of ψ on the trunk's progress over the movement and the
    // still moment before it: less sensitive to hand-landmark noise than two end points.
    let progress: Vec<f64> = trunk
        .iter()
        .map(|v| ((trunk[i0] - v) / trunk_rise).clamp(0.0, 1.0))
        .collect();
    let (lo, hi) = (0, (i1 + (0.15 * fs) as usize).min(trunk.len() - 1));
    let n = (hi - lo + 1) as f64;
    let (mx, my) = (
        progress[lo..=hi].iter().sum::<f64>() / n,
        psi[lo..=hi].iter().sum::<f64>() / n,
    );
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for k in lo..=hi {
        sxy += (progress[k] - mx) * (psi[k] - my);
        sxx += (progress[k] - mx) * (progress[k] - mx);
    }
    let pelvis_rise = if sxx > 1e-6 { -(sxy / sxx) } else { 0.0 };
    let share = pelvis_rise / trunk_rise.max(1e-6);
    m.pelvis_rise_deg = Some(round1(pelvis_rise));
    m.pelvis_share = Some((share * 100.0).round() / 100.0);
    // §1.5: the trunk line minus the pelvic line is the spine's part. Which moved first, the
    // spine (the back pulling the crane up) or the pelvis (the engine turning it)? The mean
    // over the rise of (spine progress − pelvis progress), like §5.2's A2.
    let spine: Vec<f64> = trunk.iter().zip(&psi).map(|(t, p)| t - p).collect();
    // End values averaged over ±2 samples: the hand points are the noisiest input.
    let near = |x: &[f64], k: usize| {
        let (a, b) = (k.saturating_sub(2), (k + 2).min(x.len() - 1));
        x[a..=b].iter().sum::<f64>() / (b - a + 1) as f64
    };
    let (s0, p0) = (near(&spine, i0), near(&psi, i0));
    let (spine_rise, d) = (s0 - near(&spine, i1), p0 - near(&psi, i1));
    let index = (pelvis_rise >= 5.0 && d >= 5.0 && spine_rise.abs() >= 3.0).then(|| {
        let sum: f64 = (i0..=i1)
            .map(|k| {
                ((s0 - spine[k]) / spine_rise).clamp(0.0, 1.0) - ((p0 - psi[k]) / d).clamp(0.0, 1.0)
            })
            .sum();
        sum / (i1 - i0 + 1) as f64
    });
    m.trunk_lead_index = index.map(|x| (x * 100.0).round() / 100.0);
    // Timing, when the pelvic line really moved: the pelvis's onset against the trunk's.
    let t0_min = i0 as f64 - 0.4 * fs;
    let end = hi;
    if pelvis_rise >= 5.0 {
        let tf = fit_minjerk(
            &trunk,
            i0.saturating_sub((0.2 * fs) as usize),
            end,
            t0_min,
            end as f64,
            0.2 * fs,
            3.0 * fs,
        );
        let pf = fit_minjerk(
            &psi,
            i0.saturating_sub((0.2 * fs) as usize),
            end,
            t0_min,
            end as f64,
            0.2 * fs,
            3.0 * fs,
        );
        if let (Some(tf), Some(pf)) = (tf, pf) {
            if tf.from > tf.to && pf.from > pf.to {
                m.lead_ms = Some(
                    ((guided_onset(&trunk, &tf, fs) - guided_onset(&psi, &pf, fs)) * 1000.0 / fs)
                        .round(),
                );
            }
        }
    }
    // Noise of the pelvic line: its scatter around a smooth version.
    let noise = {
        let smooth = filtfilt(&butterworth_lowpass(1.0, fs), &psi);
        let r: Vec<f64> = psi.iter().zip(&smooth).map(|(a, b)| a - b).collect();
        (r.iter().map(|x| x * x).sum::<f64>() / r.len() as f64).sqrt()
    };
    // Thresholds (EST): the pelvic line turning less than a third as much as the trunk is
    // the crane of a back-only lift; for a full rise, the trunk running ahead of the pelvic
    // line is the crane, the pelvis ahead of (or with) the trunk the engine.
    let (verdict, certainty) = if share < drill_limits::CRANE_SHARE {
        // The trunk rose while the pelvic line stayed: the crane pulled up by hand.
        (
            Verdict::Crane,
            ((drill_limits::CRANE_SHARE - share) / drill_limits::CRANE_SHARE).clamp(0.0, 1.0),
        )
    } else if let Some(l) = index {
        if l <= drill_limits::ENGINE_INDEX {
            (
                Verdict::Engine,
                ((drill_limits::ENGINE_INDEX - l) / 0.15 + 0.3).clamp(0.3, 1.0),
            )
        } else if l >= drill_limits::CRANE_INDEX {
            (
                Verdict::Crane,
                ((l - drill_limits::CRANE_INDEX) / 0.15 + 0.3).clamp(0.3, 1.0),
            )
        } else {
            (Verdict::Unclear, 0.0)
        }
    } else if share >= 0.6 {
        (Verdict::Engine, 0.5)
    } else {
        (Verdict::Unclear, 0.0)
    };
    let confidence = if verdict == Verdict::Unclear {
        0.0
    } else {
        (0.5 + 0.5 * certainty) * (1.0 - (noise / 10.0).min(0.6))
    };
    m.verdict = verdict;
    m.confidence = (confidence * 100.0).round() / 100.0;
    m.as_asked = stage
        .expects()
        .filter(|_| verdict != Verdict::Unclear)
        .map(|e| e == verdict);
    m.message = match verdict {
        Verdict::Crane if !to_upright => format!("Crane: your back came up {:.0}° while the pelvis stayed put — that is lifting with the back.", trunk_rise),
        Verdict::Crane => "Crane: your back led and the pelvis followed late — the crane pulled up by hand.".to_string(),
        Verdict::Engine => "Engine: the pelvis turned first and the spine followed — the hips hoisted the crane.".to_string(),
        Verdict::Unclear => "Mixed: the pelvis and the back moved together — try again, slower.".to_string(),
    };
    m
}
