//! The overlay as a scene: what to paint over the video this frame, decided from the live
//! state and the last rep's report. Pure data (lines, circles, text in canvas pixels), so it
//! is tested natively; `web::paint` only turns it into canvas calls and decides nothing.
//!
//! What it shows: the skeleton; the crane (pelvis and spine drawn as a steel boom, flashing
//! red when the back pulls) and the engine (a glowing disc at the hips, lit when the hips
//! drive); the thumb and index-finger points with the pelvic line between them (the real
//! hand landmarks in the drill, estimated crest and trochanter points otherwise, marked
//! "est."); the pelvic-limit angle when the drill calibrated it; phase, rep counter, the last
//! verdict, and framing warnings.
//!
//! [`scene`] decides nothing itself: it calls one small function per part of the picture
//! (skeleton, crane, engine, pelvic points, drill angles, pelvic limit, and the HUD's rep
//! counter, last verdict and framing advice), in painting order.

use crate::analyzer::Live;
use crate::pose::idx;
use crate::report::{RepReport, Verdict};
use crate::signal::features::{Frame, Points, Side, VIS_USE};
use crate::signal::V2;

/// CSS colours of the product.
pub mod color {
    pub const ENGINE: &str = "#22c55e";
    pub const ENGINE_DIM: &str = "rgba(34,197,94,0.25)";
    pub const CRANE: &str = "#94a3b8";
    pub const CRANE_ALARM: &str = "#ef4444";
    /// The boom's lattice marks.
    pub const LATTICE: &str = "#475569";
    pub const THUMB: &str = "#f59e0b";
    pub const INDEX: &str = "#38bdf8";
    pub const LIMIT: &str = "#facc15";
    pub const NEAR: &str = "rgba(255,255,255,0.95)";
    pub const FAR: &str = "rgba(255,255,255,0.35)";
    pub const TEXT: &str = "#ffffff";
    pub const PANEL: &str = "rgba(15,23,42,0.72)";
    pub const WARN: &str = "#fbbf24";
    pub const UNCLEAR: &str = "#cbd5e1";
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Align {
    Left,
    Center,
    Right,
}

/// One thing to paint, in canvas pixels.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    Line {
        a: (f64, f64),
        b: (f64, f64),
        width: f64,
        color: &'static str,
        dashed: bool,
    },
    Circle {
        c: (f64, f64),
        r: f64,
        fill: Option<&'static str>,
        stroke: Option<(&'static str, f64)>,
    },
    Text {
        at: (f64, f64),
        text: String,
        size: f64,
        color: &'static str,
        align: Align,
        bold: bool,
    },
    Rect {
        x: f64,
        y: f64,
        w: f64,
        h: f64,
        fill: &'static str,
    },
}

/// How to draw.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Options {
    /// Canvas size in pixels (the canvas covers the video's picture exactly).
    pub width: f64,
    pub height: f64,
    /// Mirror horizontally (a selfie preview); the analysis is never mirrored.
    pub mirror: bool,
    /// Text scale: 1 normally, about 2 for the workshop mode readable from 10 m.
    pub text_scale: f64,
    /// Seconds, for flashing.
    pub clock: f64,
    /// In the drill the hands are on the pelvis: draw the real thumb and index landmarks.
    pub drill: bool,
    /// The drill's pelvic-limit trunk angle, if calibrated.
    pub pelvic_limit_deg: Option<f64>,
    /// Draw the heads-up text (rep counter, phase, verdict); the page may show them in HTML.
    pub hud: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            width: 640.0,
            height: 480.0,
            mirror: false,
            text_scale: 1.0,
            clock: 0.0,
            drill: false,
            pelvic_limit_deg: None,
            hud: true,
        }
    }
}

/// A painted scene.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scene {
    pub items: Vec<Item>,
}

const BONES: [(usize, usize); 14] = [
    (idx::LEFT_SHOULDER, idx::RIGHT_SHOULDER),
    (idx::LEFT_HIP, idx::RIGHT_HIP),
    (idx::LEFT_SHOULDER, idx::LEFT_ELBOW),
    (idx::LEFT_ELBOW, idx::LEFT_WRIST),
    (idx::LEFT_HIP, idx::LEFT_KNEE),
    (idx::LEFT_KNEE, idx::LEFT_ANKLE),
    (idx::LEFT_ANKLE, idx::LEFT_HEEL),
    (idx::LEFT_HEEL, idx::LEFT_FOOT_INDEX),
    (idx::LEFT_ANKLE, idx::LEFT_FOOT_INDEX),
    (idx::LEFT_SHOULDER, idx::LEFT_HIP),
    (idx::LEFT_EAR, idx::LEFT_SHOULDER),
    (idx::LEFT_WRIST, idx::LEFT_INDEX),
    (idx::LEFT_WRIST, idx::LEFT_THUMB),
    (idx::LEFT_WRIST, idx::LEFT_PINKY),
];

/// Crest above trochanter, in B (§1.5: 0.092 H = 0.102 B).
pub const CREST_ABOVE_TROCHANTER_B: f64 = 0.102;

struct Mapper {
    w: f64,
    h: f64,
    iw: f64,
    ih: f64,
    mirror: bool,
}

impl Mapper {
    /// Isotropic image pixels (y up) → canvas pixels.
    fn map(&self, p: V2) -> (f64, f64) {
        let x = p.x / self.iw * self.w;
        let y = -p.y / self.ih * self.h;
        (if self.mirror { self.w - x } else { x }, y)
    }
    fn scale(&self) -> f64 {
        self.w / self.iw
    }
}

/// A rough width of a label in canvas pixels (system-ui runs about 0.55 em a character): enough
/// to keep labels on the canvas.
fn text_width(text: &str, size: f64) -> f64 {
    0.55 * size * text.chars().count() as f64
}

/// Where a label beside the point `x` goes: `gap` pixels to the `prefer` side (−1 left, +1
/// right), unless it would run off a canvas `w` wide and fits on the other side; where it fits
/// on neither, over the point, kept on the canvas.
fn beside(x: f64, gap: f64, prefer: f64, text: &str, size: f64, w: f64) -> (f64, Align) {
    let tw = text_width(text, size);
    let fits = |s: f64| {
        if s < 0.0 {
            x - gap - tw >= 0.0
        } else {
            x + gap + tw <= w
        }
    };
    let s = if fits(prefer) {
        prefer
    } else if fits(-prefer) {
        -prefer
    } else {
        // Neither side has room: over the point, kept on the canvas.
        return ((x - tw / 2.0).clamp(0.0, (w - tw).max(0.0)), Align::Left);
    };
    (
        x + s * gap,
        if s < 0.0 { Align::Right } else { Align::Left },
    )
}

/// A centred label's x, moved in so that the whole label stays on a canvas `w` wide.
fn centred(x: f64, text: &str, size: f64, w: f64) -> f64 {
    let half = text_width(text, size) / 2.0;
    if w >= 2.0 * half {
        x.clamp(half, w - half)
    } else {
        w / 2.0
    }
}

/// Builds the scene for the current live state: the figure's parts in painting order (each a
/// function below), then the heads-up text.
pub fn scene(live: &Live, last: Option<&RepReport>, o: &Options) -> Scene {
    let mut items = Vec::with_capacity(64);
    let ts = o.text_scale * (o.height / 480.0).max(0.6);
    if let Some(fig) = Figure::of(live, o, ts) {
        // The last rep still colours the crane and the engine for a moment after it.
        let recent = last.filter(|r| live.t - r.lockout_s < 2.5);
        skeleton(&mut items, &fig);
        if fig.ok(fig.near_hip()) && fig.shoulder_mid().x.is_finite() {
            let recent_verdict = recent.map(|r| r.verdict);
            crane(&mut items, &fig, live.crane, recent_verdict, o.clock);
            engine(&mut items, &fig, live.engine, recent_verdict);
        }
        back_line(&mut items, &fig, live, o);
        let pelvis = Pelvis::of(&fig, live, o.drill);
        if fig.ok(fig.near_hip()) || !pelvis.estimated {
            pelvic_points(&mut items, &fig, &pelvis, o);
        }
        if o.drill && !pelvis.estimated {
            drill_angles(&mut items, &fig, &pelvis, live, o);
        }
        if let Some(limit) = o.pelvic_limit_deg {
            pelvic_limit(&mut items, &fig, limit, o);
        }
    }
    if o.hud {
        hud(&mut items, live, last, o, ts);
    }
    Scene { items }
}

/// What every part of the figure works from: the live points, the body frame, the mapping to
/// canvas pixels and the text scale.
struct Figure<'a> {
    pts: &'a Points,
    fr: Frame,
    m: Mapper,
    /// Canvas pixels per isotropic image pixel.
    px: f64,
    ts: f64,
}

impl<'a> Figure<'a> {
    /// None until the lifter and the picture are known.
    fn of(live: &'a Live, o: &Options, ts: f64) -> Option<Self> {
        let (pts, fr, (iw, ih)) = (live.points.as_ref()?, live.frame?, live.image?);
        let m = Mapper {
            w: o.width,
            h: o.height,
            iw,
            ih,
            mirror: o.mirror,
        };
        let px = m.scale();
        Some(Figure { pts, fr, m, px, ts })
    }
    /// Landmark `i` is seen well enough to draw.
    fn ok(&self, i: usize) -> bool {
        self.pts.v[i] >= VIS_USE && self.pts.p[i].x.is_finite()
    }
    fn near_hip(&self) -> usize {
        self.fr.near.hip()
    }
    fn hip(&self) -> V2 {
        self.pts.p[self.near_hip()]
    }
    fn shoulder_mid(&self) -> V2 {
        self.pts.mid(idx::LEFT_SHOULDER)
    }
    /// Labels go behind the lifter: −1 to the canvas's left, +1 to its right.
    fn behind(&self, mirror: bool) -> f64 {
        if (self.fr.facing > 0.0) != mirror {
            -1.0
        } else {
            1.0
        }
    }
}

/// The skeleton: the far side first, dim; the near side bright on top.
fn skeleton(items: &mut Vec<Item>, fig: &Figure<'_>) {
    let near = fig.fr.near;
    for side in [near.other(), near] {
        let shift = if side == Side::Right { 1 } else { 0 };
        for &(a, b) in &BONES {
            let (a, b) = if a == idx::LEFT_SHOULDER && b == idx::RIGHT_SHOULDER
                || a == idx::LEFT_HIP && b == idx::RIGHT_HIP
            {
                // The shoulder and hip lines are drawn once, with the near side.
                if side != near {
                    continue;
                }
                (a, b)
            } else {
                (a + shift, b + shift)
            };
            if fig.ok(a) && fig.ok(b) {
                let near_side = side == near;
                items.push(Item::Line {
                    a: fig.m.map(fig.pts.p[a]),
                    b: fig.m.map(fig.pts.p[b]),
                    width: (if near_side { 3.0 } else { 2.0 }) * fig.ts,
                    color: if near_side { color::NEAR } else { color::FAR },
                    dashed: false,
                });
            }
        }
    }
}

/// The crane: pelvis and spine as one steel boom from the hip to the shoulders, with lattice
/// marks so it reads as a crane; flashing red while the back pulls (or just after a crane rep).
fn crane(
    items: &mut Vec<Item>,
    fig: &Figure<'_>,
    pulling: f64,
    recent: Option<Verdict>,
    clock: f64,
) {
    let (hip, shoulders) = (fig.hip(), fig.shoulder_mid());
    let flashing = pulling > 0.25 || recent == Some(Verdict::Crane);
    let alarm = flashing && (clock * 4.0).fract() < 0.5;
    items.push(Item::Line {
        a: fig.m.map(hip),
        b: fig.m.map(shoulders),
        width: (0.03 * fig.fr.b * fig.px).max(6.0),
        color: if alarm {
            color::CRANE_ALARM
        } else {
            color::CRANE
        },
        dashed: false,
    });
    let dir = shoulders - hip;
    let normal = V2::new(-dir.y, dir.x).normalize() * (0.018 * fig.fr.b);
    for k in 1..6 {
        let p = hip + dir * (k as f64 / 6.0);
        items.push(Item::Line {
            a: fig.m.map(p - normal),
            b: fig.m.map(p + normal),
            width: 2.0 * fig.ts,
            color: if alarm {
                color::CRANE_ALARM
            } else {
                color::LATTICE
            },
            dashed: false,
        });
    }
}

/// The engine: a disc on the hips, lit while they drive (or just after an engine rep).
fn engine(items: &mut Vec<Item>, fig: &Figure<'_>, driving: f64, recent: Option<Verdict>) {
    let lit = driving > 0.2 || recent == Some(Verdict::Engine);
    items.push(Item::Circle {
        c: fig.m.map(fig.hip()),
        r: (0.065 * fig.fr.b * fig.px).max(10.0),
        fill: Some(if lit {
            color::ENGINE
        } else {
            color::ENGINE_DIM
        }),
        stroke: Some((color::ENGINE, 3.0 * fig.ts)),
    });
}

/// The back's outline read from the mask (a set filmed with masks): the skin line from the
/// sacrum to the upper back, coloured by how far the lower back bent past standing against the
/// same lines the rep is judged by (engine green within the warning line, amber past it, red
/// past the fault line), with the number beside it; when the outline cannot be read, why, in
/// small type. Not drawn where the view is too far from side-on for the outline to be judged
/// (the line would follow the belly or the flank, not the back).
fn back_line(items: &mut Vec<Item>, fig: &Figure<'_>, live: &Live, o: &Options) {
    let Some(c) = &live.back else { return };
    if !live.back_judged {
        return;
    }
    let ts = fig.ts;
    let side = fig.behind(o.mirror);
    if !c.ok() {
        if let Some(why) = c
            .issue
            .filter(|i| *i == crate::motion::contour::ContourIssue::Loose)
        {
            let (x, y) = fig.m.map(fig.hip());
            let text = format!("back hidden: {}", short_issue(why));
            let (tx, align) = beside(x, 60.0 * ts, side, &text, 11.0 * ts, o.width);
            items.push(Item::Text {
                at: (tx, y - 40.0 * ts),
                text,
                size: 11.0 * ts,
                color: color::UNCLEAR,
                align,
                bold: false,
            });
        }
        return;
    }
    let flex = live.back_bend;
    let col = match live.back_severity {
        Some(2) => color::CRANE_ALARM,
        Some(1) => color::WARN,
        _ => color::ENGINE,
    };
    // From the sacrum (just below the hip's station) to 70 % up the chord.
    let shown: Vec<V2> = c
        .points
        .iter()
        .enumerate()
        .filter(|(k, _)| (-0.15..=0.7).contains(&crate::motion::contour::station(*k)))
        .filter_map(|(_, p)| *p)
        .collect();
    for w in shown.windows(2) {
        items.push(Item::Line {
            a: fig.m.map(w[0]),
            b: fig.m.map(w[1]),
            width: 3.0 * ts,
            color: col,
            dashed: false,
        });
    }
    if let (Some(f), Some(mid)) = (flex, shown.get(shown.len() * 2 / 3)) {
        let (x, y) = fig.m.map(*mid);
        let text = format!("lower back {f:+.0}°");
        let (tx, align) = beside(x, 14.0 * ts, side, &text, 12.0 * ts, o.width);
        items.push(Item::Text {
            at: (tx, y),
            text,
            size: 12.0 * ts,
            color: col,
            align,
            bold: true,
        });
    }
}

fn short_issue(i: crate::motion::contour::ContourIssue) -> &'static str {
    use crate::motion::contour::ContourIssue as C;
    match i {
        C::Loose => "loose top or hair",
        C::Ragged => "ragged outline",
        C::Sparse => "outline not found",
        C::NoOutline => "no outline",
    }
}

/// The pelvic line's two points: the thumb (on the crest) and the index finger (on the
/// trochanter) in the drill, else the crest estimated from the hip and the trunk's tilt.
struct Pelvis {
    thumb: V2,
    index: V2,
    estimated: bool,
}

impl Pelvis {
    fn of(fig: &Figure<'_>, live: &Live, drill: bool) -> Pelvis {
        let near = fig.fr.near;
        if drill && fig.ok(near.thumb()) && fig.ok(near.index()) {
            return Pelvis {
                thumb: fig.pts.p[near.thumb()],
                index: fig.pts.p[near.index()],
                estimated: false,
            };
        }
        // The pelvis turns by the tilt the back's outline measured where there is one (a set
        // filmed with masks), else by the trunk's.
        let tilt = live.back_pelvis.unwrap_or(
            live.sig.map(|s| s.trunk).unwrap_or(0.0)
                - live.standing.map(|s| s.trunk).unwrap_or(0.0),
        );
        let a = tilt.to_radians();
        let hip = fig.hip();
        let crest =
            hip + V2::new(fig.fr.facing * a.sin(), a.cos()) * (CREST_ABOVE_TROCHANTER_B * fig.fr.b);
        Pelvis {
            thumb: crest,
            index: hip,
            estimated: true,
        }
    }
}

/// The pelvic line between thumb and index finger, the two points, and their names (marked
/// "est." when estimated), beside the points on the side behind the lifter.
fn pelvic_points(items: &mut Vec<Item>, fig: &Figure<'_>, pelvis: &Pelvis, o: &Options) {
    let (ts, est) = (fig.ts, pelvis.estimated);
    let r = (0.018 * fig.fr.b * fig.px).max(5.0);
    items.push(Item::Line {
        a: fig.m.map(pelvis.index),
        b: fig.m.map(pelvis.thumb),
        width: 3.0 * ts,
        color: color::THUMB,
        dashed: est,
    });
    let fill = |c| if est { None } else { Some(c) };
    for (at, c) in [(pelvis.thumb, color::THUMB), (pelvis.index, color::INDEX)] {
        items.push(Item::Circle {
            c: fig.m.map(at),
            r,
            fill: fill(c),
            stroke: Some((c, 2.0 * ts)),
        });
    }
    let side = fig.behind(o.mirror);
    let (tx, ty) = fig.m.map(pelvis.thumb);
    let label = if est {
        "crest (est.)"
    } else {
        "thumb · crest"
    };
    let (x, align) = beside(tx, 1.6 * r, side, label, 13.0 * ts, o.width);
    items.push(Item::Text {
        at: (x, ty),
        text: label.into(),
        size: 13.0 * ts,
        color: color::THUMB,
        align,
        bold: false,
    });
    let (ix, iy) = fig.m.map(pelvis.index);
    let label = if est {
        "trochanter (est.)"
    } else {
        "index · trochanter"
    };
    let (x, align) = beside(ix, 1.6 * r, side, label, 13.0 * ts, o.width);
    items.push(Item::Text {
        at: (x, iy + 16.0 * ts),
        text: label.into(),
        size: 13.0 * ts,
        color: color::INDEX,
        align,
        bold: false,
    });
}

/// In the drill: the two lines' angles. The pelvic line's label sits below and behind the hip,
/// the trunk line's above the middle of the boom, so they never meet.
fn drill_angles(
    items: &mut Vec<Item>,
    fig: &Figure<'_>,
    pelvis: &Pelvis,
    live: &Live,
    o: &Options,
) {
    let ts = fig.ts;
    let psi = crate::signal::geometry::ang(pelvis.thumb - pelvis.index, fig.fr.facing);
    let (ix, iy) = fig.m.map(pelvis.index);
    let text = format!("pelvic line {psi:.0}°");
    items.push(Item::Text {
        at: (
            centred(
                ix + fig.behind(o.mirror) * 70.0 * ts,
                &text,
                15.0 * ts,
                o.width,
            ),
            iy + 40.0 * ts,
        ),
        text,
        size: 15.0 * ts,
        color: color::THUMB,
        align: Align::Center,
        bold: true,
    });
    if let Some(sig) = live.sig.filter(|s| s.trunk.is_finite()) {
        let (hx, hy) = fig.m.map(fig.hip());
        let (sx, sy) = fig.m.map(fig.shoulder_mid());
        let text = format!("trunk line {:.0}°", sig.trunk);
        items.push(Item::Text {
            at: (
                centred((hx + sx) / 2.0, &text, 15.0 * ts, o.width),
                (hy + sy) / 2.0 - 34.0 * ts,
            ),
            text,
            size: 15.0 * ts,
            color: color::TEXT,
            align: Align::Center,
            bold: true,
        });
    }
}

/// The pelvic limit from the drill: a dashed line from the hip at the limit's trunk angle.
fn pelvic_limit(items: &mut Vec<Item>, fig: &Figure<'_>, limit: f64, o: &Options) {
    let ts = fig.ts;
    let a = limit.to_radians();
    let hip = fig.hip();
    let tip = hip + V2::new(fig.fr.facing * a.sin(), a.cos()) * (0.33 * fig.fr.b);
    items.push(Item::Line {
        a: fig.m.map(hip),
        b: fig.m.map(tip),
        width: 2.0 * ts,
        color: color::LIMIT,
        dashed: true,
    });
    let (x, y) = fig.m.map(tip);
    let text = format!("pelvic limit {limit:.0}°");
    items.push(Item::Text {
        at: (centred(x, &text, 13.0 * ts, o.width), y - 6.0 * ts),
        text,
        size: 13.0 * ts,
        color: color::LIMIT,
        align: Align::Center,
        bold: false,
    });
}

/// The heads-up text (workshop mode; otherwise the page shows it beside the stage).
fn hud(items: &mut Vec<Item>, live: &Live, last: Option<&RepReport>, o: &Options, ts: f64) {
    let hud = Hud {
        pad: 10.0 * ts,
        big: 30.0 * ts,
        ts,
    };
    rep_counter(items, &hud, live);
    if let Some(r) = last {
        last_verdict(items, &hud, r, o);
    }
    if let Some(issue) = live.view.issues.first() {
        framing_advice(items, &hud, issue.message(), o);
    }
}

/// The HUD's measures: padding and the big type's size, in canvas pixels.
struct Hud {
    pad: f64,
    big: f64,
    ts: f64,
}

/// Top left: the rep counter and the phase under it.
fn rep_counter(items: &mut Vec<Item>, h: &Hud, live: &Live) {
    let (pad, big) = (h.pad, h.big);
    items.push(Item::Rect {
        x: pad * 0.5,
        y: pad * 0.5,
        w: 150.0 * h.ts,
        h: big * 2.1,
        fill: color::PANEL,
    });
    items.push(Item::Text {
        at: (pad, pad + big * 0.9),
        text: format!("Reps {}", live.rep_count),
        size: big,
        color: color::TEXT,
        align: Align::Left,
        bold: true,
    });
    items.push(Item::Text {
        at: (pad, pad + big * 1.75),
        text: live.phase.label().to_string(),
        size: big * 0.55,
        color: color::UNCLEAR,
        align: Align::Left,
        bold: false,
    });
}

/// Bottom, across the canvas: the last rep's verdict in its colour.
fn last_verdict(items: &mut Vec<Item>, h: &Hud, r: &RepReport, o: &Options) {
    let (word, c) = match r.verdict {
        Verdict::Engine => ("ENGINE", color::ENGINE),
        Verdict::Crane => ("CRANE", color::CRANE_ALARM),
        Verdict::Unclear => ("UNCLEAR", color::UNCLEAR),
    };
    let y = o.height - h.pad - h.big * 0.4;
    items.push(Item::Rect {
        x: 0.0,
        y: y - h.big * 1.1,
        w: o.width,
        h: h.big * 1.6,
        fill: color::PANEL,
    });
    items.push(Item::Text {
        at: (o.width / 2.0, y),
        text: format!("Rep {}: {word}", r.index),
        size: h.big,
        color: c,
        align: Align::Center,
        bold: true,
    });
}

/// Top centre: the framing advice to follow first.
fn framing_advice(items: &mut Vec<Item>, h: &Hud, message: &str, o: &Options) {
    items.push(Item::Rect {
        x: o.width * 0.15,
        y: h.pad * 0.5,
        w: o.width * 0.7,
        h: h.big * 1.2,
        fill: color::PANEL,
    });
    items.push(Item::Text {
        at: (o.width / 2.0, h.pad * 0.5 + h.big * 0.85),
        text: message.to_string(),
        size: h.big * 0.6,
        color: color::WARN,
        align: Align::Center,
        bold: true,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyzer::{Analyzer, Settings};
    use crate::sim::{simulate, SimConfig};

    fn live_after(preset: &str, seconds: f64) -> (Live, Option<RepReport>) {
        let cfg = SimConfig::from_preset(preset).expect("preset");
        let track = simulate(&cfg);
        let mut a = Analyzer::new(Settings::default());
        for f in track
            .frames
            .iter()
            .take_while(|f| f.t_ms <= seconds * 1000.0)
        {
            let _ = a.push(f);
        }
        let last = a.report().reps.last().cloned();
        (a.live().clone(), last)
    }

    /// Filmed with masks, the back's outline is drawn along the back, behind the hip-shoulder
    /// line, with its number, in the colour of the line its bend has passed — the rule's own
    /// lines (green within the warning line, amber past it, red past the fault line) — and not
    /// at all where the view is too far from side-on for the outline to be judged.
    #[test]
    fn the_back_s_outline_is_drawn_on_the_back_and_coloured_by_the_rule_s_lines() {
        for preset in ["deadlift-rounded", "deadlift-good"] {
            let mut cfg = SimConfig::from_preset(preset).expect("preset");
            cfg.masks = Some(crate::sim::MaskSim::default());
            let track = simulate(&cfg);
            let bottom = track.truth.reps[1].bottom_s;
            let mut a = Analyzer::new(Settings::default());
            for f in track
                .frames
                .iter()
                .take_while(|f| f.t_ms <= (bottom + 0.2) * 1000.0)
            {
                let _ = a.push(f);
            }
            let mut live = a.live().clone();
            // The analyser rates the bend by the lines the rep is judged by.
            let flex = live.back_bend.expect("the bend at the bottom");
            let lines = crate::coach::thresholds::Thresholds::for_view(
                crate::coach::lift::Lift::Deadlift,
                crate::coach::rules::ViewClass::Side,
            )
            .back_bend;
            assert!(live.back_judged, "{preset}: side-on, the outline is judged");
            assert_eq!(
                live.back_severity,
                Some(lines.above(flex)),
                "{preset}: {flex:.0}°"
            );
            let o = Options::default();
            for (severity, want) in [
                (0, color::ENGINE),
                (1, color::WARN),
                (2, color::CRANE_ALARM),
            ] {
                live.back_severity = Some(severity);
                let s = scene(&live, None, &o);
                let lines: Vec<_> = s
                    .items
                    .iter()
                    .filter(|i| matches!(i, Item::Line { color, width, .. } if *color == want && *width >= 3.0 * 0.99))
                    .collect();
                assert!(
                    lines.len() >= 10,
                    "{preset}: the back line is drawn in {want} ({} pieces)",
                    lines.len()
                );
                let label = s.items.iter().find_map(|i| match i {
                    Item::Text { text, color, .. } if text.starts_with("lower back") => {
                        Some((text.clone(), *color))
                    }
                    _ => None,
                });
                let (text, c) = label.expect("the bend is labelled");
                assert_eq!(c, want, "{preset}: {text}");
                // Behind the chord: facing right, the back line lies left of the hip-shoulder line.
                let fig = Figure::of(&live, &o, 1.0).unwrap();
                let (hx, _) = fig.m.map(fig.hip());
                if let Item::Line { a, .. } = lines[lines.len() / 2] {
                    assert!(
                        a.0 < hx + 5.0,
                        "{preset}: the outline lies behind the hip ({} vs {hx})",
                        a.0
                    );
                }
            }
            // On a narrow canvas (a phone held upright), either way round, the number stays on
            // it: beside the back where it fits, else across the hip.
            for mirror in [false, true] {
                let o = Options {
                    width: 200.0,
                    height: 480.0,
                    mirror,
                    ..Default::default()
                };
                let s = scene(&live, None, &o);
                let (at, text, size, align) = s
                    .items
                    .iter()
                    .find_map(|i| match i {
                        Item::Text {
                            at,
                            text,
                            size,
                            align,
                            ..
                        } if text.starts_with("lower back") => Some((*at, text, *size, *align)),
                        _ => None,
                    })
                    .expect("the bend is labelled");
                let w = text_width(text, size);
                let (l, r) = match align {
                    Align::Left => (at.0, at.0 + w),
                    Align::Right => (at.0 - w, at.0),
                    Align::Center => (at.0 - w / 2.0, at.0 + w / 2.0),
                };
                assert!(
                    l >= -1e-9 && r <= o.width + 1e-9,
                    "{preset}, mirror {mirror}: {text:?} spans {l:.0}..{r:.0} of {}",
                    o.width
                );
            }
            // Too far from side-on: no back line, no number.
            live.back_judged = false;
            let s = scene(&live, None, &o);
            assert!(
                !s.items.iter().any(
                    |i| matches!(i, Item::Text { text, .. } if text.starts_with("lower back"))
                ),
                "{preset}: no bend shown where the outline is not judged"
            );
        }
    }

    #[test]
    fn estimated_pelvic_points_are_marked_and_sit_on_the_hip() {
        let (live, _) = live_after("deadlift-good", 1.5);
        let s = scene(
            &live,
            None,
            &Options {
                width: 640.0,
                height: 480.0,
                ..Default::default()
            },
        );
        let labels: Vec<&String> = s
            .items
            .iter()
            .filter_map(|i| {
                if let Item::Text { text, .. } = i {
                    Some(text)
                } else {
                    None
                }
            })
            .collect();
        assert!(
            labels.iter().any(|t| t.contains("crest (est.)")),
            "{labels:?}"
        );
        assert!(labels.iter().any(|t| t.contains("trochanter (est.)")));
        // The engine disc is centred on the near hip.
        let fr = live.frame.unwrap();
        let (iw, ih) = live.image.unwrap();
        let hip = live.points.as_ref().unwrap().p[fr.near.hip()];
        let want = (hip.x / iw * 640.0, -hip.y / ih * 480.0);
        let disc = s
            .items
            .iter()
            .find_map(|i| {
                if let Item::Circle {
                    c,
                    fill: Some(_),
                    stroke: Some((color::ENGINE, _)),
                    ..
                } = i
                {
                    Some(*c)
                } else {
                    None
                }
            })
            .unwrap();
        assert!((disc.0 - want.0).abs() < 1e-6 && (disc.1 - want.1).abs() < 1e-6);
    }

    /// Every label of the figure, wherever the lifter stands and whichever way they face, stays
    /// on the canvas (a label cut at the edge was seen on a real clip with the hip near the edge).
    #[test]
    fn labels_stay_on_the_canvas_near_its_edges() {
        for (preset, drill, at_s) in [("deadlift-good", false, 1.5), ("drill", true, 9.0)] {
            let (live, _) = live_after(preset, at_s);
            let fr = live.frame.unwrap();
            let (_, ih) = live.image.unwrap();
            let hip = live.points.as_ref().unwrap().p[fr.near.hip()];
            for frac in [0.03, 0.5, 0.97] {
                for mirror in [false, true] {
                    let mut moved = live.clone();
                    // A narrower picture puts the hip at `frac` of the canvas width.
                    moved.image = Some((hip.x / frac, ih));
                    let o = Options {
                        width: 640.0,
                        height: 480.0,
                        hud: false,
                        drill,
                        mirror,
                        pelvic_limit_deg: Some(50.0),
                        ..Default::default()
                    };
                    let s = scene(&moved, None, &o);
                    let mut labels = 0;
                    for i in &s.items {
                        if let Item::Text {
                            at,
                            text,
                            size,
                            align,
                            ..
                        } = i
                        {
                            let w = text_width(text, *size);
                            let (l, r) = match align {
                                Align::Left => (at.0, at.0 + w),
                                Align::Right => (at.0 - w, at.0),
                                Align::Center => (at.0 - w / 2.0, at.0 + w / 2.0),
                            };
                            assert!(
                                l >= -1e-9 && r <= 640.0 + 1e-9,
                                "{preset} hip at {frac}, mirror {mirror}: {text:?} spans {l:.0}..{r:.0}"
                            );
                            labels += 1;
                        }
                    }
                    let want = if drill { 5 } else { 3 };
                    assert!(labels >= want, "{preset}: {labels} labels");
                }
            }
        }
    }

    #[test]
    fn mirroring_flips_x_only() {
        let (live, _) = live_after("swing-good", 2.0);
        let o = Options {
            width: 400.0,
            height: 300.0,
            hud: false,
            ..Default::default()
        };
        let a = scene(&live, None, &o);
        let b = scene(&live, None, &Options { mirror: true, ..o });
        let (Item::Line { a: p, .. }, Item::Line { a: q, .. }) = (&a.items[0], &b.items[0]) else {
            panic!("first item is a bone")
        };
        assert!((p.0 + q.0 - 400.0).abs() < 1e-9 && (p.1 - q.1).abs() < 1e-9);
    }
}
