//! Paints an overlay [`Scene`] onto a 2D canvas. No decisions here: every colour, position and
//! word was chosen by `overlay`.

use crate::overlay::{Align, Item, Scene};
use wasm_bindgen::JsValue;
use web_sys::CanvasRenderingContext2d;

pub fn paint(ctx: &CanvasRenderingContext2d, scene: &Scene) {
    let solid = js_sys::Array::new();
    let dashed = js_sys::Array::of2(&JsValue::from(10.0), &JsValue::from(7.0));
    ctx.set_line_cap("round");
    for item in &scene.items {
        match item {
            Item::Line {
                a,
                b,
                width,
                color,
                dashed: d,
            } => {
                let _ = ctx.set_line_dash(if *d { &dashed } else { &solid });
                ctx.set_stroke_style_str(color);
                ctx.set_line_width(*width);
                ctx.begin_path();
                ctx.move_to(a.0, a.1);
                ctx.line_to(b.0, b.1);
                ctx.stroke();
            }
            Item::Circle { c, r, fill, stroke } => {
                let _ = ctx.set_line_dash(&solid);
                ctx.begin_path();
                let _ = ctx.arc(c.0, c.1, r.max(0.0), 0.0, std::f64::consts::TAU);
                if let Some(f) = fill {
                    ctx.set_fill_style_str(f);
                    ctx.fill();
                }
                if let Some((s, w)) = stroke {
                    ctx.set_stroke_style_str(s);
                    ctx.set_line_width(*w);
                    ctx.stroke();
                }
            }
            Item::Text {
                at,
                text,
                size,
                color,
                align,
                bold,
            } => {
                ctx.set_font(&format!(
                    "{}{:.0}px system-ui, sans-serif",
                    if *bold { "bold " } else { "" },
                    size
                ));
                ctx.set_text_align(match align {
                    Align::Left => "left",
                    Align::Center => "center",
                    Align::Right => "right",
                });
                ctx.set_fill_style_str(color);
                let _ = ctx.fill_text(text, at.0, at.1);
            }
            Item::Rect { x, y, w, h, fill } => {
                ctx.set_fill_style_str(fill);
                ctx.fill_rect(*x, *y, *w, *h);
            }
        }
    }
    let _ = ctx.set_line_dash(&solid);
}
