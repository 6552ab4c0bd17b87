//! Bad input never panics and always says what was wrong (property tests): the posetrack
//! reader over arbitrary bytes, mangled and truncated tracks, hostile numbers and sizes; the
//! per-frame entry point over NaN, ∞, huge values, wrong landmark counts, backwards and equal
//! timestamps and empty frames — and the analysis keeps counting reps after the garbage.

use hingecheck::coach::lift::Exercise;
use hingecheck::pose::posetrack::{self, TrackError};
use hingecheck::pose::{Landmark, PoseFrame};
use hingecheck::report::Report;
use hingecheck::sim::{self, SimConfig};
use hingecheck::{Analyzer, Settings};
use proptest::prelude::*;
use std::io::Write;

fn valid_track_json() -> String {
    let cfg = SimConfig::from_preset("swing-good").unwrap().reps(2);
    let track = sim::simulate(&cfg);
    posetrack::to_json(&posetrack::from_frames(
        track.frames,
        Some(30.0),
        Default::default(),
    ))
}

/// A number JSON can carry, including the hostile ones.
fn hostile_number() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<f64>()
            .prop_filter("finite", |v| v.is_finite())
            .prop_map(|v| format!("{v:e}")),
        Just("1e308".to_string()),
        Just("-1e308".to_string()),
        Just("0".to_string()),
        Just("-0.0".to_string()),
        Just("null".to_string()),
        Just("\"NaN\"".to_string()),
        Just("true".to_string()),
        Just("[]".to_string()),
        (-5000i64..5000).prop_map(|v| v.to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        match posetrack::read_bytes(&bytes) {
            Ok(t) => prop_assert!(!t.frames.is_empty()),
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }

    #[test]
    fn truncated_tracks_are_reported_as_truncated(cut in 1usize..20_000) {
        let text = valid_track_json();
        let cut = cut.min(text.len() - 1);
        match posetrack::read_bytes(&text.as_bytes()[..cut]) {
            Err(TrackError::Json { truncated: true, .. }) => {}
            Err(e) => prop_assert!(!e.to_string().is_empty()),
            Ok(_) => prop_assert!(false, "a track cut at {} of {} bytes was accepted", cut, text.len()),
        }
    }

    #[test]
    fn hostile_values_in_frames_are_rejected_per_frame(
        x in hostile_number(), y in hostile_number(), score in hostile_number(), ts in hostile_number(),
        n in 0usize..40, w in hostile_number(),
    ) {
        let kp: Vec<String> = (0..n).map(|i| format!(r#"{{"name":"{}","x":{x},"y":{y},"z":0,"score":{score}}}"#,
            hingecheck::pose::BLAZEPOSE_NAMES.get(i).unwrap_or(&"extra"))).collect();
        let text = format!(r#"{{"metadata":{{"fps":30,"videoWidth":{w},"videoHeight":480}},"frames":[{{"timestamp":{ts},"keypoints":[{}]}},{{"timestamp":5,"keypoints":[]}}]}}"#, kp.join(","));
        match posetrack::read_bytes(text.as_bytes()) {
            Ok(t) => {
                // Whatever was kept is valid.
                for f in &t.frames {
                    prop_assert!(f.validate().is_ok());
                }
            }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }

    #[test]
    fn the_frame_entry_point_never_panics(
        frames in proptest::collection::vec((
            prop_oneof![Just(f64::NAN), Just(f64::INFINITY), Just(-1.0), -1e6f64..1e6, 0f64..100_000.0],
            prop_oneof![Just(f64::NAN), Just(0.0), Just(1e9), 1f64..5000.0],
            proptest::collection::vec(prop_oneof![Just(f32::NAN), Just(f32::INFINITY), Just(f32::NEG_INFINITY), Just(1e30f32), -2f32..3.0], 0..140),
        ), 1..60),
        exercise in prop_oneof![Just(Exercise::Auto), Just(Exercise::Swing), Just(Exercise::Drill)],
    ) {
        let mut a = Analyzer::new(Settings { exercise, ..Default::default() });
        for (t, size, flat) in &frames {
            match PoseFrame::from_flat(*t, *size, *size, flat) {
                Ok(f) => { let _ = a.push(&f); }
                Err(e) => prop_assert!(!e.to_string().is_empty()),
            }
            // Frames built by hand can carry anything: push them unvalidated too.
            let lm: Vec<Landmark> = flat.chunks(4).map(|c| Landmark::new(c[0] as f64, *c.get(1).unwrap_or(&0.0) as f64, 0.0, *c.get(3).unwrap_or(&1.0) as f64)).collect();
            let raw = PoseFrame { t_ms: *t, width: *size, height: *size, format: Default::default(), landmarks: lm };
            if let Err(e) = a.push(&raw) {
                prop_assert!(!e.to_string().is_empty());
            }
        }
        let r = a.finish();
        prop_assert!(serde_json::to_string(&r).is_ok());
    }

    /// A slow live camera drops frames unevenly (6–15 fps out of 30): every rep's times still
    /// run start ≤ bottom ≤ lockout ≤ end, whatever the lift.
    #[test]
    fn a_rep_s_times_are_in_order_at_any_frame_rate(
        preset in prop::sample::select(vec!["deadlift-good", "deadlift-hips-shoot-up", "swing-good", "swing-back-led", "rdl-good"]),
        seed in 0u64..1000,
    ) {
        let cfg = SimConfig::from_preset(preset).unwrap().reps(4).seed(seed);
        let track = sim::simulate(&cfg);
        let mut rng = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let mut a = Analyzer::new(Settings::default());
        let mut next = 0.0;
        for f in &track.frames {
            if f.t_ms < next { continue; }
            rng = rng.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            next = f.t_ms + 66.0 + (rng >> 33) as f64 % 100.0;
            let _ = a.push(f);
        }
        let r = a.finish();
        for x in &r.reps {
            prop_assert!(
                x.start_s <= x.bottom_s && x.bottom_s <= x.lockout_s && x.lockout_s <= x.end_s,
                "{preset} seed {seed} rep {}: {} {} {} {}", x.index, x.start_s, x.bottom_s, x.lockout_s, x.end_s
            );
        }
    }

    #[test]
    fn garbage_between_good_frames_does_not_stop_the_count(every in 3usize..12, seed in 0u64..50) {
        let cfg = SimConfig::from_preset("deadlift-good").unwrap().reps(3).seed(seed);
        let track = sim::simulate(&cfg);
        let clean = {
            let mut a = Analyzer::new(Settings::default());
            for f in &track.frames { let _ = a.push(f); }
            a.finish().summary.rep_count
        };
        let mut a = Analyzer::new(Settings::default());
        let mut rejected = 0;
        for (i, f) in track.frames.iter().enumerate() {
            if i % every == 0 {
                // A NaN frame at the same time, a frame from the past, a frame with 12 landmarks.
                let mut bad = f.clone();
                if let Some(l) = bad.landmarks.get_mut(11) { l.x = f64::NAN; }
                if a.push(&bad).is_err() { rejected += 1; }
                let mut past = f.clone();
                past.t_ms -= 500.0;
                if a.push(&past).is_err() { rejected += 1; }
                let mut short = f.clone();
                short.landmarks.truncate(12);
                if a.push(&short).is_err() { rejected += 1; }
            }
            let _ = a.push(f);
        }
        let r = a.finish();
        prop_assert!(rejected > 0);
        prop_assert_eq!(r.summary.rep_count, clean);
        prop_assert!(r.notes.iter().any(|n| n.contains("rejected")), "{:?}", r.notes);
    }

    #[test]
    fn report_reader_never_panics(text in ".{0,400}") {
        if let Err(e) = Report::from_json(&text) { prop_assert!(e.contains("not a Hinge Check report")); }
    }
}

#[test]
fn a_round_trip_keeps_every_frame() {
    let text = valid_track_json();
    let t = posetrack::read_bytes(text.as_bytes()).unwrap();
    let again = posetrack::read_bytes(posetrack::to_json(&t).as_bytes()).unwrap();
    assert_eq!(t.frames.len(), again.frames.len());
    for (a, b) in t.frames.iter().zip(&again.frames) {
        assert_eq!(a.landmarks.len(), b.landmarks.len());
        for (p, q) in a.landmarks.iter().zip(&b.landmarks) {
            assert!(
                (p.x - q.x).abs() < 1e-9 && (p.y - q.y).abs() < 1e-9 && (p.z - q.z).abs() < 1e-9
            );
        }
    }
}

#[test]
fn a_gzip_bomb_is_refused_with_a_clear_message() {
    // 8 MB of zeros compresses to a few kilobytes; the reader stops at its limit.
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![b' '; 1 << 20];
    for _ in 0..8 {
        enc.write_all(&zeros).unwrap();
    }
    let gz = enc.finish().unwrap();
    assert!(gz.len() < 100_000);
    let e = posetrack::read_bytes_limited(&gz, 4 << 20).unwrap_err();
    assert!(matches!(e, TrackError::TooBig { .. }), "{e}");
    assert!(e.to_string().contains("too big"), "{e}");
}

#[test]
fn the_cli_fails_cleanly_on_bad_input() {
    let bin = env!("CARGO_BIN_EXE_hingecheck");
    let dir = std::env::temp_dir().join(format!("hingecheck-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.posetrack.json", vec![], "empty"),
        (
            "text.posetrack.json",
            b"hello world".to_vec(),
            "not a valid posetrack JSON",
        ),
        (
            "cut.posetrack.json",
            valid_track_json().as_bytes()[..5000].to_vec(),
            "truncated",
        ),
        (
            "nometa.posetrack.json",
            br#"{"frames":[]}"#.to_vec(),
            "metadata",
        ),
        (
            "bad.posetrack.json.gz",
            vec![0x1f, 0x8b, 8, 0, 1, 2, 3],
            "gzip",
        ),
    ];
    for (name, bytes, want) in cases {
        let p = dir.join(name);
        std::fs::write(&p, &bytes).unwrap();
        let out = std::process::Command::new(bin)
            .args(["analyze", p.to_str().unwrap()])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert_eq!(err.lines().count(), 1, "{name}: one line please: {err}");
        assert!(err.contains(want), "{name}: {err}");
    }
    for args in [
        vec!["analyze"],
        vec!["analyze", "/nonexistent/x.json"],
        vec!["analyze", "x", "--exercise", "curl"],
        vec!["frobnicate"],
        vec!["simulate", "--preset", "nope", "-o", "/tmp/x.json"],
        vec!["bench", "--minutes", "-3"],
    ] {
        let out = std::process::Command::new(bin)
            .args(&args)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.starts_with("hingecheck: "), "{args:?}: {err}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
