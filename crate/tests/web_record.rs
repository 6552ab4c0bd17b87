//! The boundary's frame record, in a real browser (headless Chromium, like `web.rs`):
//!
//! ```sh
//! CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test web_record
//! ```
//!
//! - Frames fed through the input block (`inputPtr` + `feed`, what the page does) give the same
//!   analysis as frames passed as slices, and the record's rep events give the full report's
//!   rep count, verdicts, confidences, lockouts and fatigue, each arriving soon after its lockout.
//! - The record's layout string names every field at its real offset.
//! - Every core enum value has a number of its own, and every framing code its words.
//! - Bad input through the input block is refused, never a panic.
#![cfg(target_arch = "wasm32")]
// The test writes and reads the boundary's memory blocks at their pointers, as JS does.
#![allow(unsafe_code)]

use hingecheck::web::record::{
    flag, frame_layout, framing_text, DrillStage, FatigueLevel, Fault, FrameRecord, FrameStatus,
    Framing, Phase, Verdict, FRAMINGS,
};
use hingecheck::web::{simulate_preset, HingeCheck, Track, FRAME_NUMBERS};
use serde::Serialize;
use serde_json::{json, Value};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn settings(v: Value) -> JsValue {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap()
}

fn value(v: JsValue) -> Value {
    serde_wasm_bindgen::from_value(v).expect("a plain JS value")
}

/// Feeds frame `i` the page's way: the numbers written into the input block, then `feed`.
fn feed(hc: &mut HingeCheck, track: &Track, i: usize) -> i32 {
    let lm = track.landmarks(i);
    write_input(hc, &lm);
    let people = u32::from(!lm.is_empty());
    hc.feed(
        track.time_ms(i),
        track.width(),
        track.height(),
        lm.len() as u32,
        people,
    )
}

fn write_input(hc: &mut HingeCheck, numbers: &[f32]) {
    let input = hc.input_ptr();
    // SAFETY: the input block is FRAME_NUMBERS f32 owned by `hc`, alive and not aliased here.
    let block = unsafe { std::slice::from_raw_parts_mut(input, FRAME_NUMBERS) };
    let n = numbers.len().min(FRAME_NUMBERS);
    block[..n].copy_from_slice(&numbers[..n]);
}

fn record(hc: &HingeCheck) -> FrameRecord {
    // What JS reads: the struct at framePtr().
    // SAFETY: framePtr points at the analyser's boxed record, alive while `hc` is.
    unsafe { (*hc.frame_ptr()).clone() }
}

struct Event {
    index: u32,
    verdict: u8,
    confidence: f32,
    lockout_s: f64,
    at_s: f64,
    cue: u8,
    fatigue: u8,
}

#[wasm_bindgen_test]
fn rep_events_in_the_record_match_the_full_report() {
    for (preset, exercise, reps) in [
        ("deadlift-good", "deadlift", 4),
        ("deadlift-hips-shoot-up", "deadlift", 4),
        ("swing-back-led", "swing", 5),
        ("swing-fatigue", "swing", 0),
    ] {
        let track = simulate_preset(preset, reps, 17).unwrap();
        let mut fed = HingeCheck::new(settings(json!({ "exercise": exercise }))).unwrap();
        let mut sliced = HingeCheck::new(settings(json!({ "exercise": exercise }))).unwrap();
        let mut events: Vec<Event> = Vec::new();
        let mut phases = Vec::new();
        for i in 0..track.len() {
            let code = feed(&mut fed, &track, i);
            let lm = track.landmarks(i);
            let code2 = sliced.push(
                track.time_ms(i),
                track.width(),
                track.height(),
                &lm,
                u32::from(!lm.is_empty()),
            );
            assert_eq!(code, code2, "{preset} frame {i}: feed and push agree");
            let r = record(&fed);
            assert_eq!(r.frames as usize, i + 1);
            assert_ne!(r.status, FrameStatus::Rejected as u8);
            assert_eq!(code == 1, r.flags & flag::NEW_REP != 0);
            assert_eq!(r.rep_count, fed.rep_count());
            let phase = match fed.phase().as_str() {
                "top" => Phase::Top,
                "down" => Phase::Down,
                "up" => Phase::Up,
                _ => Phase::Paused,
            };
            assert_eq!(r.phase, phase as u8, "{preset} frame {i}: the HUD's phase");
            assert!((0.0..=1.0).contains(&r.engine) && (0.0..=1.0).contains(&r.crane));
            assert_eq!(r.drill_stage, DrillStage::Off as u8);
            if phases.last() != Some(&r.phase) {
                phases.push(r.phase);
            }
            if code == 1 {
                events.push(Event {
                    index: r.rep_index,
                    verdict: r.rep_verdict,
                    confidence: r.rep_confidence,
                    lockout_s: r.rep_lockout_s,
                    at_s: r.time_s,
                    cue: r.rep_cue,
                    fatigue: r.fatigue_level,
                });
            }
        }
        let report = value(fed.finish().unwrap());
        assert_eq!(report, value(sliced.finish().unwrap()), "{preset}");
        let reps = report["reps"].as_array().unwrap();
        assert!(!reps.is_empty(), "{preset}: reps");
        let r = record(&fed);
        assert_eq!(r.rep_count as usize, reps.len(), "{preset}: rep count");
        // One event per rep (a rep cut at the lockout by the end of the track comes with finish).
        let n = events.len();
        assert!(
            n == reps.len() || n + 1 == reps.len(),
            "{preset}: {n} events"
        );
        for (e, rep) in events.iter().zip(reps) {
            assert_eq!(e.index as u64, rep["index"].as_u64().unwrap(), "{preset}");
            let want = match rep["verdict"].as_str().unwrap() {
                "engine" => Verdict::Engine,
                "crane" => Verdict::Crane,
                _ => Verdict::Unclear,
            };
            assert_eq!(e.verdict, want as u8, "{preset} rep {}", e.index);
            let c = rep["confidence"].as_f64().unwrap();
            assert!((e.confidence as f64 - c).abs() < 1e-6, "{preset}");
            assert_eq!(e.lockout_s, rep["lockout_s"].as_f64().unwrap(), "{preset}");
            // The event comes on the frame the rep is judged: after its lockout, and soon after
            // (the machine sees the lockout a little after the refined one the report gives,
            // and judges POST_LOCKOUT_S later).
            assert!(
                e.at_s >= e.lockout_s && e.at_s - e.lockout_s < 0.75,
                "{preset} rep {}: event {:.3} s after lockout",
                e.index,
                e.at_s - e.lockout_s
            );
            // A crane rep's cue is about a fault.
            if want == Verdict::Crane {
                assert_ne!(e.cue, Fault::None as u8, "{preset} rep {}", e.index);
            }
        }
        // Each rep went down and came up.
        let ups = phases.iter().filter(|p| **p == Phase::Up as u8).count();
        assert!(
            ups >= reps.len(),
            "{preset}: {ups} ascents for {} reps",
            reps.len()
        );
        let level: hingecheck::report::FatigueLevel =
            serde_json::from_value(report["fatigue"]["level"].clone()).unwrap_or_default();
        if n == reps.len() {
            assert_eq!(
                events.last().unwrap().fatigue,
                FatigueLevel::from(level) as u8,
                "{preset}: the last event's fatigue is the report's"
            );
        }
        assert_eq!(r.fatigue_level, FatigueLevel::from(level) as u8);
        assert_eq!(
            r.fatigue_onset_rep as u64,
            report["fatigue"]["onset_rep"].as_u64().unwrap_or(0),
            "{preset}"
        );
    }
}

#[wasm_bindgen_test]
fn the_layout_names_every_field_at_its_offset() {
    let layout = frame_layout();
    let fields: Vec<(&str, usize, &str)> = layout
        .split(';')
        .map(|f| {
            let mut p = f.split(' ');
            (
                p.next().unwrap(),
                p.next().unwrap().parse().unwrap(),
                p.next().unwrap(),
            )
        })
        .collect();
    let r = FrameRecord::default();
    let base = &r as *const FrameRecord as usize;
    let at = |name: &str| fields.iter().find(|f| f.0 == name).unwrap().1;
    assert_eq!(at("time_s"), &r.time_s as *const f64 as usize - base);
    assert_eq!(at("rep_count"), &r.rep_count as *const u32 as usize - base);
    assert_eq!(at("phase"), &r.phase as *const u8 as usize - base);
    assert_eq!(
        at("rep_lockout_s"),
        &r.rep_lockout_s as *const f64 as usize - base
    );
    assert_eq!(at("depth"), r.depth.as_ptr() as usize - base);
    assert_eq!(at("mask"), r.mask.as_ptr() as usize - base);
    // Every field is inside the record, aligned for its type, and none overlaps the next.
    let size = |t: &str| match t {
        "f64" => 8,
        "f32" | "u32" => 4,
        "text" => 8,
        t if t.starts_with("bits:") => 4,
        t if t.starts_with("f32x") => 4 * t[4..].parse::<usize>().unwrap(),
        _ => 1,
    };
    let mut sorted = fields.clone();
    sorted.sort_by_key(|f| f.1);
    for w in sorted.windows(2) {
        assert!(
            w[0].1 + size(w[0].2) <= w[1].1,
            "{:?} overlaps {:?}",
            w[0],
            w[1]
        );
    }
    for f in &fields {
        let align = if f.2.starts_with("f32x") {
            4
        } else {
            size(f.2)
        };
        assert_eq!(f.1 % align, 0, "{f:?} aligned");
    }
    let last = sorted.last().unwrap();
    assert!(last.1 + size(last.2) <= std::mem::size_of::<FrameRecord>());
}

#[wasm_bindgen_test]
fn every_framing_code_has_words_and_the_order_of_importance() {
    for (k, f) in FRAMINGS.into_iter().enumerate() {
        assert!(!framing_text(f).is_empty(), "{f:?}");
        assert!((f as u32) < 32, "{f:?} fits the bit set");
        assert_eq!(
            f as usize, k,
            "{f:?}: the order of importance is the bit order"
        );
    }
    // Nobody in view: the record says so (status and framing), and a second person is flagged.
    let track = simulate_preset("deadlift-good", 1, 2).unwrap();
    let mut hc = HingeCheck::new(JsValue::UNDEFINED).unwrap();
    for i in 0..30 {
        assert_eq!(
            hc.feed(i as f64 * 33.3, track.width(), track.height(), 0, 0),
            0
        );
    }
    let r = record(&hc);
    assert_eq!(r.status, FrameStatus::NoPerson as u8);
    assert_ne!(r.framing & (1 << Framing::NoPerson as u32), 0);
    assert!(r.trunk_deg.is_nan() && r.flags & flag::LIFTER == 0);
    let lm = track.landmarks(0);
    write_input(&mut hc, &lm);
    hc.feed(1100.0, track.width(), track.height(), lm.len() as u32, 2);
    assert_ne!(record(&hc).framing & (1 << Framing::SecondPerson as u32), 0);
}

#[wasm_bindgen_test]
fn bad_numbers_through_the_input_block_are_refused_not_a_panic() {
    let track = simulate_preset("deadlift-good", 1, 4).unwrap();
    let mut hc = HingeCheck::new(JsValue::UNDEFINED).unwrap();
    for i in 0..20 {
        assert!(feed(&mut hc, &track, i) >= 0);
    }
    let t = track.time_ms(19);
    let (w, h) = (track.width(), track.height());
    let mut bad = track.landmarks(19);
    bad[23 * 4] = f32::NAN;
    write_input(&mut hc, &bad);
    let cases = [
        (t + 1.0, w, h, 132, "NaN"),
        (t + 2.0, w, h, 131, "landmarks"),
        (t + 3.0, w, h, 133, "landmarks"),
        (t + 4.0, w, h, u32::MAX, "landmarks"),
        (t + 5.0, f64::NAN, h, 0, "image size"),
        (f64::INFINITY, w, h, 0, "timestamp"),
        (t - 100.0, w, h, 0, "backwards"),
    ];
    let before = record(&hc);
    for (k, (tt, ww, hh, n, needle)) in cases.into_iter().enumerate() {
        assert_eq!(hc.feed(tt, ww, hh, n, 1), -1, "{needle}");
        let err = hc.last_error().unwrap_or_default();
        assert!(err.contains(needle), "{needle}: {err}");
        let r = record(&hc);
        assert_eq!(r.status, FrameStatus::Rejected as u8);
        assert_eq!(r.rejected as usize, k + 1);
        assert_eq!(r.rep_count, before.rep_count);
        assert_eq!(
            r.time_s, before.time_s,
            "a refused frame leaves the last good frame's data"
        );
    }
}
