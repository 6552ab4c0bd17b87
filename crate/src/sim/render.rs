//! Turning the plan into pose frames as a pose model would deliver them: sampled at the frame
//! rate with timestamp jitter, projected by the camera, with Gaussian (optionally correlated)
//! landmark noise, coarser hands, visibility flicker and dips, hand dropouts, and frames with
//! nobody in them (isolated and in short bursts).

use super::body::{landmarks_from, Side};
use super::plan::Plan;
use super::program::SimConfig;
use super::rng::Rng;
use crate::pose::{idx, KeypointFormat, PoseFrame, LANDMARKS};

/// Landmark groups whose visibility can dip together.
fn dip_groups(near: Side) -> [[usize; 4]; 5] {
    let (n, f) = (near, near.other());
    [
        [
            n.slot(idx::LEFT_WRIST),
            n.slot(idx::LEFT_PINKY),
            n.slot(idx::LEFT_INDEX),
            n.slot(idx::LEFT_THUMB),
        ],
        [
            f.slot(idx::LEFT_WRIST),
            f.slot(idx::LEFT_PINKY),
            f.slot(idx::LEFT_INDEX),
            f.slot(idx::LEFT_THUMB),
        ],
        [
            f.slot(idx::LEFT_KNEE),
            f.slot(idx::LEFT_ANKLE),
            f.slot(idx::LEFT_HEEL),
            f.slot(idx::LEFT_FOOT_INDEX),
        ],
        [
            f.slot(idx::LEFT_SHOULDER),
            f.slot(idx::LEFT_ELBOW),
            f.slot(idx::LEFT_WRIST),
            f.slot(idx::LEFT_HIP),
        ],
        [
            n.slot(idx::LEFT_ELBOW),
            n.slot(idx::LEFT_WRIST),
            n.slot(idx::LEFT_EAR),
            idx::NOSE,
        ],
    ]
}

fn is_hand(i: usize) -> bool {
    (idx::LEFT_WRIST..=idx::RIGHT_THUMB).contains(&i)
}

/// Renders every frame; returns the frames and how many are empty.
pub(crate) fn render(cfg: &SimConfig, plan: &Plan) -> (Vec<PoseFrame>, usize) {
    let body = plan.body();
    let cam = &cfg.camera;
    let near = cam.facing.near_side();
    let noise = &cfg.noise;
    let fps = if cfg.fps.is_finite() {
        cfg.fps.clamp(1.0, 1000.0)
    } else {
        30.0
    };
    let period = 1.0 / fps;
    let duration = plan.duration_s();
    let n = (duration * fps).floor() as usize + 1;
    let (w, h) = (cam.width, cam.height);

    let mut r_jitter = Rng::new(cfg.seed, 1);
    let mut r_noise = Rng::new(cfg.seed, 2);
    let mut r_drop = Rng::new(cfg.seed, 3);
    let mut r_vis = Rng::new(cfg.seed, 4);

    // Dropouts: bursts of 1..=max frames, separated by at least one frame with a person; a
    // burst starts with probability p on any frame after that one. Per cycle that is E[L]
    // empty and 1/p non-empty frames, so p = r / (E[L]·(1 − r)) gives the empty fraction r.
    let rate = noise.dropout_rate.clamp(0.0, 0.5);
    let burst_max = noise.dropout_burst_max.max(1);
    let mean_burst = 0.5 * (1.0 + burst_max as f64);
    let p_start = if rate > 0.0 {
        (rate / (mean_burst * (1.0 - rate))).min(1.0)
    } else {
        0.0
    };
    let mut burst_left = 0usize;
    let mut after_burst = false;

    // First-order autoregressive noise: a = exp(−Δt/τ), innovations keep the variance.
    let a = if noise.correlation_s > 0.0 {
        (-period / noise.correlation_s).exp()
    } else {
        0.0
    };
    let innov = (1.0 - a * a).sqrt();
    let mut state = [[0.0f64; 3]; LANDMARKS];
    let mut primed = false;
    let (sig, sig_hand) = (noise.sigma_px, noise.hand_sigma());
    let z_scale = noise.z_sigma_scale;

    let groups = dip_groups(near);
    let mut dips = [(0usize, 1.0f64); 5];
    let mut hand_drop = 0usize;

    let mut masks = cfg.masks.map(|m| super::mask::MaskDrawer::new(m, cfg.seed));
    let mask_every = cfg.masks.map_or(1, |m| m.every.max(1));
    let mut cursor = 0;
    let mut frames = Vec::with_capacity(n);
    let mut empty = 0usize;
    for k in 0..n {
        let mut t = k as f64 * period;
        if noise.jitter_ms > 0.0 {
            t += (r_jitter.normal() * noise.jitter_ms / 1000.0).clamp(-0.4 * period, 0.4 * period);
        }
        let t = t.max(0.0);
        let t_ms = t * 1000.0;
        if burst_left > 0 {
            burst_left -= 1;
            after_burst = burst_left == 0;
            frames.push(PoseFrame::empty(t_ms, w, h));
            empty += 1;
            continue;
        }
        // The frame after a burst always has the person (bursts stay within their length).
        let eligible = !std::mem::take(&mut after_burst);
        if eligible && r_drop.chance(p_start) {
            burst_left = r_drop.int(1, burst_max) - 1;
            after_burst = burst_left == 0;
            frames.push(PoseFrame::empty(t_ms, w, h));
            empty += 1;
            continue;
        }
        let posture = plan.posture_seq(t.min(duration), &mut cursor);
        let pts = body.skeleton(&posture, near);
        let mut lm = landmarks_from(body, &pts, cam, near);

        if sig > 0.0 || sig_hand > 0.0 {
            for (i, st) in state.iter_mut().enumerate() {
                for s in st.iter_mut() {
                    let z = r_noise.normal();
                    *s = if primed { a * *s + innov * z } else { z };
                }
                let sp = if is_hand(i) { sig_hand } else { sig };
                lm[i].x += st[0] * sp / w;
                lm[i].y += st[1] * sp / h;
                lm[i].z += st[2] * sp * z_scale / w;
            }
            primed = true;
        }
        if noise.visibility_dip_rate > 0.0 || noise.sigma_px > 0.0 {
            for l in lm.iter_mut() {
                l.visibility += r_vis.range(-0.02, 0.02);
            }
        }
        if noise.visibility_dip_rate > 0.0 {
            for (g, d) in dips.iter_mut().enumerate() {
                if d.0 == 0 && r_vis.chance(noise.visibility_dip_rate) {
                    *d = (r_vis.int(3, 10), r_vis.range(0.15, 0.45));
                }
                if d.0 > 0 {
                    d.0 -= 1;
                    for &i in &groups[g] {
                        lm[i].visibility = lm[i].visibility.min(d.1);
                    }
                }
            }
        }
        if noise.hand_dropout_rate > 0.0 {
            if hand_drop == 0 && r_vis.chance(noise.hand_dropout_rate) {
                hand_drop = r_vis.int(3, 12);
            }
            if hand_drop > 0 {
                hand_drop -= 1;
                for (i, l) in lm.iter_mut().enumerate() {
                    if i >= idx::LEFT_PINKY && is_hand(i) {
                        l.visibility = l.visibility.min(0.25 + 0.2 * r_vis.uniform());
                    }
                }
            }
        }
        for l in lm.iter_mut() {
            l.visibility = l.visibility.clamp(0.0, 1.0);
        }
        let mask = match &mut masks {
            Some(d) if k % mask_every == 0 => d.draw(body, &posture, cam, &lm).map(Box::new),
            _ => None,
        };
        frames.push(PoseFrame {
            t_ms,
            width: w,
            height: h,
            format: KeypointFormat::BlazePose33,
            landmarks: lm.to_vec(),
            mask,
        });
    }
    (frames, empty)
}
