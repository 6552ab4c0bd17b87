//! The movement segmenter: cuts the live trunk angle into segments at its turning points
//! (a zig-zag), so that every hinge down and every rise of the trunk closes as one `Segment`
//! for the stage machine to judge (a rise) or to fit the pelvic limit on (the slow hinge down).

/// The trunk must turn back by this much (deg) for a segment to close.
pub(super) const REVERSAL_DEG: f64 = 2.5;
/// A segment that settles (the trunk still) closes only after moving at least this much (deg);
/// a rise smaller than this is no drill movement.
pub(super) const MIN_MOVE_DEG: f64 = 4.0;

/// Zig-zag segmentation of the live trunk angle: a segment closes when the trunk reverses by
/// more than `REVERSAL_DEG` (or settles at the top).
#[derive(Clone, Copy, Debug)]
pub(super) struct ZigZag {
    extreme: f64,
    t_extreme: f64,
    start: f64,
    t_start: f64,
    rising: Option<bool>,
    still_since: Option<f64>,
}

/// A closed trunk segment: from `t0` (θ0) to `t1` (θ1).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Segment {
    pub t0: f64,
    pub t1: f64,
    pub th0: f64,
    pub th1: f64,
}

impl ZigZag {
    pub(super) fn new(t: f64, x: f64) -> Self {
        ZigZag {
            extreme: x,
            t_extreme: t,
            start: x,
            t_start: t,
            rising: None,
            still_since: None,
        }
    }

    /// Feeds the live trunk angle; returns a segment when one closes.
    pub(super) fn step(&mut self, t: f64, x: f64, speed: f64) -> Option<Segment> {
        match self.rising {
            None => {
                if (x - self.start).abs() >= REVERSAL_DEG {
                    // Trunk angle growing = hinging down; shrinking = the trunk rising.
                    self.rising = Some(x < self.start);
                    self.extreme = x;
                    self.t_extreme = t;
                } else if (x - self.start).abs() < 0.5 {
                    self.t_start = t;
                }
                None
            }
            Some(up) => {
                let further = if up {
                    x < self.extreme
                } else {
                    x > self.extreme
                };
                if further {
                    self.extreme = x;
                    self.t_extreme = t;
                    self.still_since = None;
                    return None;
                }
                let reversed = (x - self.extreme).abs() >= REVERSAL_DEG;
                let settled = speed.abs() < 8.0 && {
                    let s = *self.still_since.get_or_insert(t);
                    t - s >= 0.4
                };
                if reversed || (settled && (self.extreme - self.start).abs() >= MIN_MOVE_DEG) {
                    let seg = Segment {
                        t0: self.t_start,
                        t1: self.t_extreme,
                        th0: self.start,
                        th1: self.extreme,
                    };
                    self.start = self.extreme;
                    self.t_start = self.t_extreme;
                    self.rising = if reversed { Some(!up) } else { None };
                    self.extreme = x;
                    self.t_extreme = t;
                    self.still_since = None;
                    return Some(seg);
                }
                None
            }
        }
    }
}
