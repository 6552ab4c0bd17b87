//! The One Euro filter (Casiez, Roussel & Vogel 2012; docs/biomechanics.md §2, src 38): a causal
//! low-pass whose cutoff rises with speed, so the live overlay is steady at rest and does not
//! lag in the swing. Used only for live display and live rep counting; timing metrics come
//! from the zero-phase path.

use std::f64::consts::PI;

/// Parameters of one filter: minimum cutoff (Hz), speed coefficient β (per unit/s), and the
/// derivative's cutoff (Hz).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OneEuroParams {
    pub fc_min: f64,
    pub beta: f64,
    pub fc_d: f64,
}

impl OneEuroParams {
    /// Trunk and hips (11, 12, 23, 24), β per B/s (§2 table).
    pub const TRUNK: OneEuroParams = OneEuroParams {
        fc_min: 1.2,
        beta: 20.0,
        fc_d: 1.0,
    };
    /// Knees, ankles, heels, toes.
    pub const LEGS: OneEuroParams = OneEuroParams {
        fc_min: 1.0,
        beta: 15.0,
        fc_d: 1.0,
    };
    /// Wrists, elbows, hands.
    pub const ARMS: OneEuroParams = OneEuroParams {
        fc_min: 1.5,
        beta: 10.0,
        fc_d: 1.0,
    };
    /// Ears and nose.
    pub const HEAD: OneEuroParams = OneEuroParams {
        fc_min: 1.0,
        beta: 15.0,
        fc_d: 1.0,
    };
}

#[inline]
fn alpha(fc: f64, dt: f64) -> f64 {
    let tau = 1.0 / (2.0 * PI * fc);
    1.0 / (1.0 + tau / dt)
}

/// One scalar One Euro filter.
#[derive(Clone, Copy, Debug)]
pub struct OneEuro {
    p: OneEuroParams,
    x: f64,
    dx: f64,
    primed: bool,
}

impl OneEuro {
    pub fn new(p: OneEuroParams) -> Self {
        OneEuro {
            p,
            x: 0.0,
            dx: 0.0,
            primed: false,
        }
    }

    pub fn reset(&mut self) {
        self.primed = false;
        self.dx = 0.0;
    }

    /// Filters sample `x` taken `dt` seconds after the previous one.
    pub fn step(&mut self, x: f64, dt: f64) -> f64 {
        if !self.primed || !(dt > 0.0) || !dt.is_finite() {
            self.x = x;
            self.dx = 0.0;
            self.primed = true;
            return x;
        }
        let dx = (x - self.x) / dt;
        self.dx += alpha(self.p.fc_d, dt) * (dx - self.dx);
        let fc = self.p.fc_min + self.p.beta * self.dx.abs();
        self.x += alpha(fc, dt) * (x - self.x);
        self.x
    }

    pub fn value(&self) -> f64 {
        self.x
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steady_at_rest_and_follows_fast_motion() {
        let dt = 1.0 / 30.0;
        // Jitter at rest is reduced.
        let mut f = OneEuro::new(OneEuroParams::TRUNK);
        let mut worst: f64 = 0.0;
        for i in 0..300 {
            let jitter = if i % 2 == 0 { 0.005 } else { -0.005 };
            let y = f.step(1.0 + jitter, dt);
            if i > 30 {
                worst = worst.max((y - 1.0).abs());
            }
        }
        assert!(worst < 0.002, "jitter passed through: {worst}");
        // A fast ramp (1 B/s) is followed with small lag.
        let mut f = OneEuro::new(OneEuroParams::TRUNK);
        let mut last = 0.0;
        for i in 0..60 {
            let x = i as f64 * dt;
            last = f.step(x, dt) - x;
        }
        assert!(last.abs() < 0.03, "lag too large: {last}");
    }
}
