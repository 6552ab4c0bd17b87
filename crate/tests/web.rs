//! The wasm boundary and the canvas overlay, in a real browser (headless Chromium):
//!
//! ```sh
//! CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test web
//! ```
//! (`.cargo/config.toml` makes `wasm-bindgen-test-runner` the runner.)
//!
//! - A simulated lifter pushed frame by frame through `HingeCheck` gives the simulator's rep
//!   count and verdicts.
//! - Bad input (wrong lengths, NaN, ∞, timestamps going backwards, huge values, bad sizes,
//!   bad settings, bad files) is refused with −1 or an error carrying a clear message, never a
//!   panic (a panic in wasm aborts the test), and the analysis goes on afterwards.
//! - The drawing: pixels read back from a canvas show the engine disc's green at the near
//!   hip's canvas position and the crane boom between hip and shoulders; a mirrored draw puts
//!   them at width − x.
#![cfg(target_arch = "wasm32")]
// Readable landmark arithmetic (`0 * 4 + 2`: landmark 0, its z) and table-like case lists.
#![allow(clippy::identity_op, clippy::erasing_op, clippy::type_complexity)]

use hingecheck::web::{
    analyse_posetrack, demo_presets, parse_posetrack, posetrack_json, simulate_preset, HingeCheck,
    Track,
};
use serde_json::{json, Value};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

wasm_bindgen_test_configure!(run_in_browser);

const N: usize = 33 * 4;

fn settings(v: Value) -> JsValue {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap()
}
use serde::Serialize;

fn value(v: JsValue) -> Value {
    serde_wasm_bindgen::from_value(v).expect("a plain JS value")
}

/// The message of a JsError (or any thrown value).
fn message(e: impl Into<JsValue>) -> String {
    let v: JsValue = e.into();
    js_sys::Reflect::get(&v, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| format!("{v:?}"))
}

fn new_hc(exercise: &str) -> HingeCheck {
    HingeCheck::new(settings(json!({ "exercise": exercise }))).expect("valid settings")
}

fn truth(track: &Track) -> Value {
    serde_json::from_str(&track.truth().expect("simulated tracks carry truth")).unwrap()
}

/// Pushes frames [from, to) of a track; returns how many reported a new rep.
fn push_range(hc: &mut HingeCheck, track: &Track, from: usize, to: usize) -> usize {
    let mut new_reps = 0;
    for i in from..to.min(track.len()) {
        let lm = track.landmarks(i);
        let people = u32::from(!lm.is_empty());
        let code = hc.push(track.time_ms(i), track.width(), track.height(), &lm, people);
        assert!(
            code >= 0,
            "frame {i} of a clean simulated track was rejected: {:?}",
            hc.last_error()
        );
        new_reps += (code == 1) as usize;
    }
    new_reps
}

fn verdicts(report: &Value) -> Vec<String> {
    report["reps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["verdict"].as_str().unwrap().to_string())
        .collect()
}

#[wasm_bindgen_test]
fn simulated_deadlifts_are_counted_and_judged() {
    // (The simulated lifter pulls a kettlebell: told so, hips rising first are the crane; auto
    // cannot see the implement and judges by the rules that hold for barbells too.)
    for (preset, reps, want, lift, name) in [
        ("deadlift-good", 4, "engine", "auto", "deadlift"),
        (
            "deadlift-hips-shoot-up",
            4,
            "crane",
            "kettlebell-deadlift",
            "kettlebell_deadlift",
        ),
    ] {
        let track = simulate_preset(preset, reps, 3).expect("preset");
        let truth = truth(&track);
        let mut hc = new_hc(lift);
        let new_reps = push_range(&mut hc, &track, 0, track.len());
        let report = value(hc.finish().unwrap());
        let count = report["summary"]["rep_count"].as_u64().unwrap();
        assert_eq!(
            count,
            truth["rep_count"].as_u64().unwrap(),
            "{preset}: rep count"
        );
        assert_eq!(count, reps as u64);
        assert_eq!(hc.rep_count() as u64, count);
        assert!(
            new_reps as u64 >= count,
            "{preset}: push() said 1 for each rep"
        );
        let v = verdicts(&report);
        let agree = v.iter().filter(|x| *x == want).count();
        assert!(agree * 2 > v.len(), "{preset}: most reps are {want}: {v:?}");
        assert_eq!(report["exercise"], name, "{preset}");
        // The live accessors answer.
        assert!(["top", "down", "up", "paused"].contains(&hc.phase().as_str()));
        assert!((0.0..=1.0).contains(&hc.engine()) && (0.0..=1.0).contains(&hc.crane()));
        assert_eq!(hc.signals().len(), 4);
        let last = value(hc.last_rep().unwrap());
        assert_eq!(last["index"].as_u64().unwrap(), count);
        assert!(hc.last_cue().is_some_and(|c| !c.is_empty()));
        // The boundary's whole-track path agrees with the frame-by-frame one.
        let text = track.to_json();
        let whole = value(analyse_posetrack(&text, settings(json!({ "exercise": lift }))).unwrap());
        assert_eq!(whole["summary"], report["summary"], "{preset}");
    }
}

#[wasm_bindgen_test]
fn swing_reps_are_counted() {
    let track = simulate_preset("swing-good", 5, 11).unwrap();
    let truth = truth(&track);
    let mut hc = new_hc("swing");
    push_range(&mut hc, &track, 0, track.len());
    let report = value(hc.finish().unwrap());
    assert_eq!(
        report["summary"]["rep_count"].as_u64(),
        truth["rep_count"].as_u64()
    );
    assert_eq!(report["exercise"], "swing");
}

/// A frame of a standing lifter (valid), to mutate into bad ones.
fn good_frame(track: &Track) -> Vec<f32> {
    (0..track.len())
        .map(|i| track.landmarks(i))
        .find(|l| l.len() == N)
        .unwrap()
}

#[wasm_bindgen_test]
fn bad_frames_are_refused_with_a_message_and_the_analysis_goes_on() {
    let track = simulate_preset("deadlift-good", 3, 5).unwrap();
    let (w, h) = (track.width(), track.height());
    let good = good_frame(&track);
    let mut hc = new_hc("deadlift");
    // The first half of the set, clean.
    let half = track.len() / 2;
    push_range(&mut hc, &track, 0, half);
    let t = track.time_ms(half - 1);
    let reps_before = hc.rep_count();

    let with = |i: usize, v: f32| {
        let mut f = good.clone();
        f[i] = v;
        f
    };
    let cases: Vec<(&str, f64, f64, f64, Vec<f32>, &str)> = vec![
        (
            "131 numbers",
            t + 1.0,
            w,
            h,
            good[..131].to_vec(),
            "landmarks",
        ),
        (
            "133 numbers",
            t + 1.0,
            w,
            h,
            [&good[..], &[0.5]].concat(),
            "landmarks",
        ),
        (
            "one landmark",
            t + 1.0,
            w,
            h,
            good[..4].to_vec(),
            "expected 33",
        ),
        (
            "two people's worth",
            t + 1.0,
            w,
            h,
            [&good[..], &good[..]].concat(),
            "expected 33",
        ),
        ("NaN x", t + 1.0, w, h, with(23 * 4, f32::NAN), "NaN"),
        (
            "∞ y",
            t + 1.0,
            w,
            h,
            with(11 * 4 + 1, f32::INFINITY),
            "NaN or infinite",
        ),
        (
            "−∞ z",
            t + 1.0,
            w,
            h,
            with(0 * 4 + 2, f32::NEG_INFINITY),
            "NaN or infinite",
        ),
        (
            "NaN visibility",
            t + 1.0,
            w,
            h,
            with(24 * 4 + 3, f32::NAN),
            "NaN",
        ),
        (
            "visibility 7",
            t + 1.0,
            w,
            h,
            with(24 * 4 + 3, 7.0),
            "visibility",
        ),
        (
            "huge x",
            t + 1.0,
            w,
            h,
            with(25 * 4, 1e30),
            "outside the image",
        ),
        (
            "f32::MAX y",
            t + 1.0,
            w,
            h,
            with(26 * 4 + 1, f32::MAX),
            "outside the image",
        ),
        ("NaN time", f64::NAN, w, h, good.clone(), "timestamp"),
        ("∞ time", f64::INFINITY, w, h, good.clone(), "timestamp"),
        (
            "time going backwards",
            t - 500.0,
            w,
            h,
            good.clone(),
            "backwards",
        ),
        ("the same time again", t, w, h, good.clone(), "backwards"),
        ("zero width", t + 1.0, 0.0, h, good.clone(), "image size"),
        (
            "negative height",
            t + 1.0,
            w,
            -720.0,
            good.clone(),
            "image size",
        ),
        (
            "NaN height",
            t + 1.0,
            w,
            f64::NAN,
            good.clone(),
            "image size",
        ),
        ("huge image", t + 1.0, 1e9, h, good.clone(), "image size"),
    ];
    for (what, tt, ww, hh, lm, needle) in cases {
        let code = hc.push(tt, ww, hh, &lm, 1);
        assert_eq!(code, -1, "{what}: refused");
        let err = hc.last_error().unwrap_or_default();
        assert!(
            err.contains(needle),
            "{what}: the message says why (wanted \"{needle}\"): {err}"
        );
    }
    // An empty frame is not an error: nobody in view.
    assert_eq!(hc.push(t + 2.0, w, h, &[], 0), 0, "empty = no person");
    // Nothing above changed the count, and the rest of the set is analysed exactly as if
    // nothing had happened (the same reps and verdicts as a clean run of the same frames).
    assert_eq!(hc.rep_count(), reps_before);
    push_range(&mut hc, &track, half, track.len());
    let report = value(hc.finish().unwrap());
    let mut clean = new_hc("deadlift");
    push_range(&mut clean, &track, 0, track.len());
    let clean = value(clean.finish().unwrap());
    assert!(clean["summary"]["rep_count"].as_u64().unwrap() >= 3);
    assert_eq!(report["summary"], clean["summary"]);
    assert_eq!(verdicts(&report), verdicts(&clean));
    // (The analyser counts the frames it refused itself, the timestamps going backwards; the
    // ones the boundary refused before they reached it are not in this count.)
    assert!(report["frames"]["rejected"].as_u64().unwrap() >= 2);
    let notes = report["notes"].to_string();
    assert!(
        notes.contains("rejected"),
        "the report says frames were rejected: {notes}"
    );
}

#[wasm_bindgen_test]
fn bad_settings_files_and_calls_are_errors_not_panics() {
    for bad in [
        json!({ "exercise": "bench-press" }),
        json!({ "exercise": 3 }),
        json!({ "pelvicLimitDeg": 500.0 }),
        json!({ "pelvicLimitDeg": -1.0 }),
        json!({ "pelvicLimitDeg": "deep" }),
    ] {
        let e = HingeCheck::new(settings(bad.clone()))
            .err()
            .expect("refused");
        assert!(!message(e).is_empty(), "{bad}: a message");
    }
    let e = HingeCheck::new(settings(json!({ "exercise": "bench-press" })))
        .err()
        .unwrap();
    assert!(message(e).contains("bench-press"));
    assert!(HingeCheck::new(JsValue::UNDEFINED).is_ok());
    assert!(HingeCheck::new(JsValue::NULL).is_ok());

    // Calibrating with no data says why.
    let mut hc = new_hc("auto");
    assert!(!message(hc.calibrate().unwrap_err()).is_empty());
    // Reports of an empty session are well-formed.
    let r = value(hc.report().unwrap());
    assert_eq!(r["summary"]["rep_count"], 0);
    assert!(value(hc.last_rep().unwrap()).is_null());
    assert!(hc.signals().is_empty());
    let r = value(hc.finish().unwrap());
    assert_eq!(r["reps"].as_array().unwrap().len(), 0);

    // Files: empty, truncated, not JSON, wrong shape.
    for text in [
        "",
        "{",
        "null",
        "[1,2,3]",
        "{\"frames\": 3}",
        "{\"metadata\": {}, \"frames\": [{\"keypoints\": [{\"x\": \"a\"}]}]}",
        "\u{0}\u{1}binary",
    ] {
        let e = parse_posetrack(text).err().expect("refused");
        assert!(!message(e).is_empty(), "{text:?}: a message");
        assert!(analyse_posetrack(text, JsValue::UNDEFINED).is_err());
    }
    // A huge (but valid) number of frames is no problem; a mismatched export is refused.
    let e = posetrack_json(&[0.0; 131], &[0.0], 640.0, 480.0, 30.0, &[], &[], &[])
        .err()
        .unwrap();
    assert!(message(e).contains("per frame"));
    let e = posetrack_json(&[f32::NAN; N], &[0.0], 640.0, 480.0, 30.0, &[], &[], &[])
        .err()
        .unwrap();
    assert!(message(e).contains("frame 0"));
    let e = posetrack_json(&[0.0; N], &[f64::NAN], 640.0, 480.0, 30.0, &[], &[], &[])
        .err()
        .unwrap();
    assert!(message(e).contains("timestamp"));
    assert!(simulate_preset("no-such-lift", 3, 1).is_err());
    let presets = value(demo_presets().unwrap());
    assert!(presets.as_array().unwrap().len() >= 4);
    // Out-of-range track indices answer empty / NaN.
    let track = simulate_preset("deadlift-good", 1, 1).unwrap();
    assert!(track.landmarks(usize::MAX).is_empty());
    assert!(track.time_ms(track.len()).is_nan());
}

#[wasm_bindgen_test]
fn exported_posetrack_reads_back_to_the_same_analysis() {
    let track = simulate_preset("deadlift-hips-shoot-up", 3, 9).unwrap();
    let mut flat = Vec::new();
    let mut times = Vec::new();
    for i in 0..track.len() {
        let lm = track.landmarks(i);
        flat.extend(if lm.is_empty() { vec![0.0; N] } else { lm });
        times.push(track.time_ms(i));
    }
    let text = posetrack_json(
        &flat,
        &times,
        track.width(),
        track.height(),
        track.fps(),
        &[],
        &[],
        &[],
    )
    .unwrap();
    let back = parse_posetrack(&text).unwrap();
    assert_eq!(back.len(), track.len());
    assert_eq!(back.width(), track.width());
    let a = value(analyse_posetrack(&text, JsValue::UNDEFINED).unwrap());
    let b = value(analyse_posetrack(&track.to_json(), JsValue::UNDEFINED).unwrap());
    assert_eq!(a["summary"], b["summary"]);
    assert_eq!(verdicts(&a), verdicts(&b));
}

// ---------------------------------------------------------------- drawing

fn canvas(w: u32, h: u32) -> (HtmlCanvasElement, CanvasRenderingContext2d) {
    let doc = web_sys::window().unwrap().document().unwrap();
    let c: HtmlCanvasElement = doc.create_element("canvas").unwrap().dyn_into().unwrap();
    c.set_width(w);
    c.set_height(h);
    doc.body().unwrap().append_child(&c).unwrap();
    let ctx: CanvasRenderingContext2d = c.get_context("2d").unwrap().unwrap().dyn_into().unwrap();
    (c, ctx)
}

fn pixel(ctx: &CanvasRenderingContext2d, x: f64, y: f64) -> [u8; 4] {
    let d = ctx
        .get_image_data(x.round(), y.round(), 1.0, 1.0)
        .unwrap()
        .data();
    [d[0], d[1], d[2], d[3]]
}

fn is_engine_green(p: [u8; 4]) -> bool {
    // #22c55e = (34, 197, 94), opaque (the disc is lit after an engine rep).
    p[3] > 200 && p[1] > 150 && p[0] < 90 && p[2] < 140
}

fn is_crane(p: [u8; 4]) -> bool {
    // The boom: steel #94a3b8 = (148, 163, 184), or flashing #ef4444 = (239, 68, 68).
    let near = |c: [i32; 3]| (0..3).all(|k| (p[k] as i32 - c[k]).abs() < 30);
    p[3] > 200 && (near([148, 163, 184]) || near([239, 68, 68]))
}

/// Pixels on a ring around (x, y) that are engine green, out of 12.
fn green_ring(ctx: &CanvasRenderingContext2d, x: f64, y: f64, r: f64) -> usize {
    (0..12)
        .map(|k| {
            let a = k as f64 * std::f64::consts::TAU / 12.0;
            pixel(ctx, x + r * a.cos(), y + r * a.sin())
        })
        .filter(|p| is_engine_green(*p))
        .count()
}

/// The centre of the engine-green disc near (x, y): the middle of the green run along the
/// row through y and along the column through x (within ±80 px). None if no green.
fn green_centre(ctx: &CanvasRenderingContext2d, x: f64, y: f64) -> Option<(f64, f64)> {
    let span = |horizontal: bool| -> Option<f64> {
        let (x0, y0, w, h) = if horizontal {
            (x - 80.0, y, 161.0, 1.0)
        } else {
            (x, y - 80.0, 1.0, 161.0)
        };
        let d = ctx
            .get_image_data(x0.round(), y0.round(), w, h)
            .unwrap()
            .data();
        let green: Vec<usize> = (0..161)
            .filter(|k| is_engine_green([d[k * 4], d[k * 4 + 1], d[k * 4 + 2], d[k * 4 + 3]]))
            .collect();
        let (lo, hi) = (*green.first()?, *green.last()?);
        Some((if horizontal { x0 } else { y0 }).round() + (lo + hi) as f64 / 2.0)
    };
    Some((span(true)?, span(false)?))
}

fn assert_disc_at(ctx: &CanvasRenderingContext2d, x: f64, y: f64, what: &str) {
    let ring = green_ring(ctx, x, y, 7.0);
    assert!(
        ring >= 7,
        "{what}: engine disc green around ({x:.0}, {y:.0}): {ring}/12 ring pixels"
    );
    let (cx, cy) = green_centre(ctx, x, y).expect("green found");
    assert!(
        (cx - x).abs() <= 3.0 && (cy - y).abs() <= 3.0,
        "{what}: the disc is centred on ({x:.1}, {y:.1}), found ({cx:.1}, {cy:.1})"
    );
}

struct Pose {
    hip: (f64, f64),
    shoulder_mid: (f64, f64),
}

/// The near hip (smaller z: nearer the camera) and the shoulders' midpoint, in canvas px.
fn pose_on(lm: &[f32], w: f64, h: f64) -> Pose {
    let p = |i: usize| (lm[i * 4] as f64 * w, lm[i * 4 + 1] as f64 * h);
    let near_hip = if lm[24 * 4 + 2] < lm[23 * 4 + 2] {
        24
    } else {
        23
    };
    let (a, b) = (p(11), p(12));
    Pose {
        hip: p(near_hip),
        shoulder_mid: ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0),
    }
}

#[wasm_bindgen_test]
fn overlay_draws_the_engine_on_the_hip_and_the_crane_along_the_trunk_and_mirrors() {
    let track = simulate_preset("deadlift-good", 3, 21).unwrap();
    let (cw, ch) = (640.0, 360.0); // the simulated camera is 1280 × 720
    let (_c, ctx) = canvas(cw as u32, ch as u32);
    let mut hc = new_hc("deadlift");

    // Before any frame: nothing but (optionally) the HUD; no panic on odd arguments.
    hc.draw(&ctx, cw, ch, false, 1.0, 0.0, false, false);
    assert_eq!(
        pixel(&ctx, cw / 2.0, ch / 2.0)[3],
        0,
        "empty overlay is transparent"
    );
    hc.draw(
        &ctx,
        f64::NAN,
        f64::INFINITY,
        true,
        f64::NAN,
        f64::NAN,
        true,
        true,
    );
    hc.draw(&ctx, 0.0, 0.0, false, -3.0, -1.0, true, false);
    ctx.clear_rect(0.0, 0.0, cw, ch);

    // Push until the first rep is reported (an engine rep: the disc is lit for 2.5 s).
    let mut i = 0;
    while i < track.len() {
        let lm = track.landmarks(i);
        let code = hc.push(track.time_ms(i), track.width(), track.height(), &lm, 1);
        assert!(code >= 0);
        i += 1;
        if code == 1 {
            break;
        }
    }
    assert!(i < track.len(), "a rep was reported");
    let rep = value(hc.last_rep().unwrap());
    assert_eq!(rep["verdict"], "engine");
    let lm = track.landmarks(i - 1);
    let pose = pose_on(&lm, cw, ch);

    hc.draw(&ctx, cw, ch, false, 1.0, 0.0, false, false);
    let (hx, hy) = pose.hip;
    assert_disc_at(&ctx, hx, hy, "near hip");
    // The crane boom between the hip and the shoulders (between two lattice marks).
    let along = |f: f64, mirror: bool| {
        let x = hx + (pose.shoulder_mid.0 - hx) * f;
        let y = hy + (pose.shoulder_mid.1 - hy) * f;
        (if mirror { cw - x } else { x }, y)
    };
    let (bx, by) = along(0.42, false);
    assert!(
        is_crane(pixel(&ctx, bx, by)),
        "crane boom at ({bx:.0}, {by:.0}): {:?}",
        pixel(&ctx, bx, by)
    );
    // Far from the lifter, nothing is drawn (the HUD is off).
    let far = (if hx < cw / 2.0 { cw - 20.0 } else { 20.0 }, ch / 2.0);
    assert_eq!(
        pixel(&ctx, far.0, far.1)[3],
        0,
        "nothing away from the lifter"
    );

    // Mirrored: the same picture flipped left-right.
    ctx.clear_rect(0.0, 0.0, cw, ch);
    hc.draw(&ctx, cw, ch, true, 1.0, 0.0, false, false);
    assert_disc_at(&ctx, cw - hx, hy, "mirrored near hip");
    let (mx, my) = along(0.42, true);
    assert!(
        is_crane(pixel(&ctx, mx, my)),
        "mirrored boom: {:?}",
        pixel(&ctx, mx, my)
    );
    if (cw - 2.0 * hx).abs() > 40.0 {
        assert_eq!(
            green_ring(&ctx, hx, hy, 7.0),
            0,
            "no disc at the unmirrored hip"
        );
    }

    // The HUD (workshop mode) paints the rep counter panel in the top-left corner.
    ctx.clear_rect(0.0, 0.0, cw, ch);
    hc.draw(&ctx, cw, ch, false, 2.0, 0.0, true, false);
    assert!(pixel(&ctx, 8.0, 8.0)[3] > 0, "HUD panel drawn");
    ctx.clear_rect(0.0, 0.0, cw, ch);
    hc.draw(&ctx, cw, ch, false, 2.0, 0.0, false, false);
    assert_eq!(pixel(&ctx, 8.0, 8.0)[3], 0, "no HUD when off");
}
