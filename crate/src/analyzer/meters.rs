//! The engine and crane meters the overlay draws live: during the ascent, is it the hips
//! driving (hip extension and forward drive) or the trunk rising alone (the crane pulled by
//! hand)? Read from the live (One-Euro-filtered) signals, frame to frame; they decay between
//! ascents. Only a live hint: the rep's verdict comes from the zero-phase analysis.

use crate::signal::features::FrameSig;

/// How much a meter falls per frame outside a drive.
const DECAY: f64 = 0.08;

/// The two meters, 0..1 each.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Meters {
    pub engine: f64,
    pub crane: f64,
    prev: Option<(f64, FrameSig)>,
}

impl Meters {
    /// One frame's signals; `ascent`: the rep counter is in an ascent.
    pub fn update(&mut self, t: f64, sig: &FrameSig, ascent: bool) {
        let decay = |v: f64| (v - DECAY).max(0.0);
        if let Some((t0, prev)) = self.prev {
            let dt = (t - t0).max(1e-3);
            let drive = (sig.hip_x - prev.hip_x) / dt; // B/s
            let hip_ext = -(sig.hip - prev.hip) / dt; // deg/s
            let rise = -(sig.trunk - prev.trunk) / dt; // deg/s
            if ascent {
                let engine = ((drive / 0.6).max(0.0) + (hip_ext / 200.0).max(0.0)).min(1.0);
                let crane = if drive < 0.1 && rise > 40.0 {
                    (rise / 150.0).min(1.0)
                } else {
                    0.0
                };
                self.engine = engine.max(decay(self.engine));
                self.crane = crane.max(decay(self.crane));
            } else {
                self.engine = decay(self.engine);
                self.crane = decay(self.crane);
            }
        }
        self.prev = Some((t, *sig));
    }
}
