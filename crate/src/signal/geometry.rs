//! Planar geometry for sagittal angles (docs/biomechanics.md §1.1, §1.4).
//!
//! Landmarks are converted to isotropic pixels with y up (`X = x·W`, `Y = −y·H`) before any
//! angle is taken: raw normalised coordinates on a 16:9 frame would read a true 45° trunk as 29°.

use nalgebra::Vector2;

/// A point or vector in isotropic pixels, y up.
pub type V2 = Vector2<f64>;

/// Converts a normalised image landmark (y down) to isotropic pixels with y up.
#[inline]
pub fn iso(x: f64, y: f64, width: f64, height: f64) -> V2 {
    V2::new(x * width, -y * height)
}

/// Angle of `v` from vertical-up in degrees, positive when `v` tilts toward the facing
/// direction `facing` (+1 = lifter faces image-right, −1 = image-left). §1.4 `ang(v)`.
#[inline]
pub fn ang(v: V2, facing: f64) -> f64 {
    (facing * v.x).atan2(v.y).to_degrees()
}

/// `a − b`, written out (the vector operators are calls in the page's size-optimised wasm).
#[inline(always)]
pub fn sub(a: V2, b: V2) -> V2 {
    V2::new(a.x - b.x, a.y - b.y)
}

/// `|v|`, as `v.norm()` computes it.
#[inline(always)]
pub fn norm(v: V2) -> f64 {
    (v.x * v.x + v.y * v.y).sqrt()
}

/// The three-point angle at `b` between `a` and `c` in degrees (180 = straight).
#[inline]
pub fn angle_at(a: V2, b: V2, c: V2) -> f64 {
    let (u, w) = (sub(a, b), sub(c, b));
    let cross = u.x * w.y - u.y * w.x;
    cross.abs().atan2(u.x * w.x + u.y * w.y).to_degrees()
}

/// Weighted midpoint of two points; falls back to the better one when a weight is zero.
#[inline]
pub fn weighted_mid(a: V2, wa: f64, b: V2, wb: f64) -> V2 {
    let s = wa + wb;
    if s <= 1e-9 {
        V2::new((a.x + b.x) * 0.5, (a.y + b.y) * 0.5)
    } else if wa <= 0.0 {
        b
    } else if wb <= 0.0 {
        a
    } else {
        V2::new((a.x * wa + b.x * wb) / s, (a.y * wa + b.y * wb) / s)
    }
}

/// Visibility weight for midpoints, `clamp((v − 0.3)/0.4, 0, 1)` (§1.2).
#[inline]
pub fn vis_weight(v: f64) -> f64 {
    ((v - 0.3) / 0.4).clamp(0.0, 1.0)
}

/// Wraps an angle difference in degrees into (−180, 180].
#[inline]
pub fn wrap_deg(d: f64) -> f64 {
    let mut d = d % 360.0;
    if d > 180.0 {
        d -= 360.0;
    } else if d <= -180.0 {
        d += 360.0;
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aspect_ratio_is_corrected_before_angles() {
        // A trunk at a true 45° on a 1920×1080 frame: equal pixel offsets, unequal normalised ones.
        let w = 1920.0;
        let h = 1080.0;
        let hip = iso(0.5, 0.6, w, h);
        let shoulder = iso(0.5 + 200.0 / w, 0.6 - 200.0 / h, w, h);
        assert!((ang(shoulder - hip, 1.0) - 45.0).abs() < 1e-9);
        // Facing the other way flips the sign: leaning back.
        assert!((ang(shoulder - hip, -1.0) + 45.0).abs() < 1e-9);
    }

    #[test]
    fn three_point_angle() {
        let a = V2::new(0.0, 1.0);
        let b = V2::new(0.0, 0.0);
        assert!((angle_at(a, b, V2::new(1.0, 0.0)) - 90.0).abs() < 1e-9);
        assert!((angle_at(a, b, V2::new(0.0, -1.0)) - 180.0).abs() < 1e-9);
    }

    #[test]
    fn wrap() {
        assert_eq!(wrap_deg(190.0), -170.0);
        assert_eq!(wrap_deg(-190.0), 170.0);
        assert_eq!(wrap_deg(180.0), 180.0);
    }
}
