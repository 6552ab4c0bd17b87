//! Person masks as the pose model gives them, for the back-contour tests: the body's outline
//! drawn around its midline chain (`Body::outline_chain`: pelvis, lumbar and thoracic segments
//! and the thigh, each a capsule of a body's thickness), so its back follows the simulated
//! pelvic tilt ψ and lumbar flexion λ exactly; projected by the camera, cut as the page cuts it
//! (a square of 2.5 trunk lengths around the trunk, from the noisy landmarks) and drawn with a
//! soft edge, a slowly wandering outline (±`edge_sd_m`) and the model's blending of each mask
//! with the previous ones (`blend`: the outline lags a fast movement).

use super::body::{Body, Camera, Point3, Posture};
use super::rng::Rng;
use crate::pose::{idx, Landmark, MaskCrop, MASK_BYTES, MASK_SIDE};
use serde::{Deserialize, Serialize};

/// How the simulator draws masks.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MaskSim {
    /// A mask on every n-th frame.
    pub every: usize,
    /// The share of the previous outline kept in each new one (MediaPipe blends its masks over
    /// time; 0.7 is the value a third-party port reports, docs/biomechanics.md §1.6).
    pub blend: f64,
    /// How far the outline wanders (SD, m; low-frequency, per segment).
    pub edge_sd_m: f64,
}

impl Default for MaskSim {
    fn default() -> Self {
        MaskSim {
            every: 1,
            blend: 0.7,
            edge_sd_m: 0.005,
        }
    }
}

/// Draws one frame's mask after another (keeps the blended outline and its wander).
pub(crate) struct MaskDrawer {
    cfg: MaskSim,
    rng: Rng,
    chain: Option<[Point3; 6]>,
    /// The outline's wander: one along the whole body, and a smaller one per segment.
    common: f64,
    wander: [f64; 4],
}

/// Distance from `p` to the segment `a`–`b` (image px).
fn seg_dist(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let l2 = dx * dx + dy * dy;
    let t = if l2 > 0.0 {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / l2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    ((p.0 - a.0 - t * dx).powi(2) + (p.1 - a.1 - t * dy).powi(2)).sqrt()
}

impl MaskDrawer {
    pub(crate) fn new(cfg: MaskSim, seed: u64) -> MaskDrawer {
        MaskDrawer {
            cfg,
            rng: Rng::new(seed, 7),
            chain: None,
            common: 0.0,
            wander: [0.0; 4],
        }
    }

    /// The mask for a posture seen by `camera`, cut around the (noisy) landmarks `lm`.
    pub(crate) fn draw(
        &mut self,
        body: &Body,
        posture: &Posture,
        camera: &Camera,
        lm: &[Landmark],
    ) -> Option<MaskCrop> {
        let (chain, radii) = body.outline_chain(posture);
        // The model's blending: the outline drawn is a mix of this frame's and the last ones'.
        let b = self.cfg.blend.clamp(0.0, 0.95);
        let blended = match self.chain {
            Some(prev) => {
                let mut c = chain;
                for (c, p) in c.iter_mut().zip(prev) {
                    *c = Point3::new(b * p.x + (1.0 - b) * c.x, b * p.y + (1.0 - b) * c.y, 0.0);
                }
                c
            }
            None => chain,
        };
        self.chain = Some(blended);
        // AR(1) at 0.9 a frame (≈ 0.3 s), SD `edge_sd_m` along the body, 40 % of it per segment.
        self.common = 0.9 * self.common + 0.436 * self.cfg.edge_sd_m * self.rng.normal();
        for w in &mut self.wander {
            *w = 0.9 * *w + 0.436 * 0.4 * self.cfg.edge_sd_m * self.rng.normal();
        }
        let ppm = camera.scale(body.stature_m);
        let img: Vec<(f64, f64)> = blended
            .iter()
            .map(|p| {
                let (x, y, _) = camera.project(*p, ppm);
                (x, y)
            })
            .collect();
        // The crop, as the page cuts it: around the trunk of the landmarks it was given.
        let (w, h) = (camera.width, camera.height);
        let px = |i: usize| (lm[i].x * w, lm[i].y * h);
        let mid = |a: usize| {
            let (p, q) = (px(a), px(a + 1));
            (0.5 * (p.0 + q.0), 0.5 * (p.1 + q.1))
        };
        if [
            idx::LEFT_SHOULDER,
            idx::RIGHT_SHOULDER,
            idx::LEFT_HIP,
            idx::RIGHT_HIP,
        ]
        .iter()
        .any(|&i| lm[i].visibility < 0.3)
        {
            return None;
        }
        let (s, hm) = (mid(idx::LEFT_SHOULDER), mid(idx::LEFT_HIP));
        let side = 2.5 * ((s.0 - hm.0).powi(2) + (s.1 - hm.1).powi(2)).sqrt();
        if !(side > 4.0) {
            return None;
        }
        let c = (0.5 * (s.0 + hm.0), 0.5 * (s.1 + hm.1));
        let (x0, y0) = (c.0 - side / 2.0, c.1 - side / 2.0);
        let cell = side / MASK_SIDE as f64;
        let segments = [(5, 1, 0), (1, 2, 1), (2, 3, 2), (0, 4, 3)];
        let mut data = vec![0u8; MASK_BYTES];
        for j in 0..MASK_SIDE {
            for i in 0..MASK_SIDE {
                let p = (x0 + (i as f64 + 0.5) * cell, y0 + (j as f64 + 0.5) * cell);
                // Signed distance inside the union of the capsules (px, + inside).
                let inside = segments
                    .iter()
                    .map(|&(a, b, r)| {
                        (radii[r] + self.common + self.wander[r]) * ppm
                            - seg_dist(p, img[a], img[b])
                    })
                    .fold(f64::NEG_INFINITY, f64::max);
                // A soft edge about a cell wide.
                let v = 1.0 / (1.0 + (-inside / (0.5 * cell.max(1.0))).exp());
                data[j * MASK_SIDE + i] = (v * 255.0).round() as u8;
            }
        }
        MaskCrop::new([x0 / w, y0 / h, (x0 + side) / w, (y0 + side) / h], data).ok()
    }
}
