//! Tests of the simulator itself: geometry that must stay rigid, angles that must read back
//! exactly from the emitted landmarks, ground truth that must move with the programme, the
//! drill's thumb–index line, imperfections at the requested rates, and determinism.

use super::*;
use crate::pose::{idx, PoseFrame};

/// Isotropic pixels, y up (biomechanics §1.1).
fn iso(f: &PoseFrame, i: usize) -> (f64, f64) {
    let l = f.landmarks[i];
    (l.x * f.width, -l.y * f.height)
}

fn dist(f: &PoseFrame, a: usize, b: usize) -> f64 {
    let (p, q) = (iso(f, a), iso(f, b));
    (p.0 - q.0).hypot(p.1 - q.1)
}

/// §1.4 `ang(v)` for the vector from landmark `a` to landmark `b`.
fn ang(f: &PoseFrame, a: usize, b: usize, facing: Facing) -> f64 {
    let (p, q) = (iso(f, a), iso(f, b));
    (facing.sign() * (q.0 - p.0)).atan2(q.1 - p.1).to_degrees()
}

fn clean(cfg: SimConfig) -> SimConfig {
    cfg.noise(Noise::none())
}

fn preset(name: &str) -> SimConfig {
    SimConfig::from_preset(name).expect("preset exists")
}

fn frame_at(track: &SimTrack, t_s: f64) -> &PoseFrame {
    track
        .frames
        .iter()
        .filter(|f| f.has_person())
        .min_by(|a, b| {
            (a.t_ms - t_s * 1000.0)
                .abs()
                .total_cmp(&(b.t_ms - t_s * 1000.0).abs())
        })
        .expect("a frame")
}

#[test]
fn segment_lengths_stay_constant_frame_to_frame() {
    for name in [
        "swing-good",
        "deadlift-hips-shoot-up",
        "clean-good",
        "pistol",
        "drill",
    ] {
        let cfg = clean(preset(name)).reps(3);
        let near = cfg.camera.facing.near_side();
        let track = simulate(&cfg);
        let pairs = [
            (near.slot(idx::LEFT_HIP), near.slot(idx::LEFT_KNEE)),
            (near.slot(idx::LEFT_KNEE), near.slot(idx::LEFT_ANKLE)),
            (near.slot(idx::LEFT_HEEL), near.slot(idx::LEFT_FOOT_INDEX)),
            (near.slot(idx::LEFT_EAR), near.slot(idx::LEFT_EYE)),
        ];
        let first = &track.frames[0];
        for f in &track.frames {
            for &(a, b) in &pairs {
                let (d0, d) = (dist(first, a, b), dist(f, a, b));
                assert!(
                    (d - d0).abs() < 1e-6,
                    "{name}: {a}-{b} {d0} → {d} at {} ms",
                    f.t_ms
                );
            }
        }
        // Arms (out of the sagittal plane when the hands meet or reach the hips): 3-D lengths.
        let p = plan(&cfg);
        let body = p.body().clone();
        let n = (p.duration_s() * 50.0) as usize;
        for k in 0..=n {
            let s = body.skeleton(&p.posture_at(k as f64 / 50.0), near);
            for side in [Side::Left, Side::Right] {
                let sh = s[side.slot(idx::LEFT_SHOULDER)];
                let el = s[side.slot(idx::LEFT_ELBOW)];
                let wr = s[side.slot(idx::LEFT_WRIST)];
                assert!(
                    (sh.dist(el) - body.upper_arm_m).abs() < 1e-9,
                    "{name} upper arm"
                );
                assert!(
                    (el.dist(wr) - body.forearm_m).abs() < 1e-9,
                    "{name} forearm"
                );
                let (hip, knee) = (s[side.slot(idx::LEFT_HIP)], s[side.slot(idx::LEFT_KNEE)]);
                let ankle = s[side.slot(idx::LEFT_ANKLE)];
                assert!((hip.dist(knee) - body.thigh_m).abs() < 1e-9, "{name} thigh");
                assert!(
                    (knee.dist(ankle) - body.shank_m).abs() < 1e-9,
                    "{name} shank"
                );
            }
        }
    }
}

#[test]
fn trunk_angle_from_landmarks_matches_the_programme_at_the_bottom() {
    for facing in [Facing::Right, Facing::Left] {
        for camera in [Camera::landscape(), Camera::portrait()] {
            for (lift, depth) in [
                (SimLift::Deadlift, 55.0),
                (SimLift::Deadlift, 72.0),
                (SimLift::Rdl, 82.0),
            ] {
                let cfg = SimConfig::new(lift)
                    .camera(camera)
                    .facing(facing)
                    .reps(2)
                    .every_rep(|p| p.depth_deg = depth);
                let near = facing.near_side();
                let track = simulate(&cfg);
                for r in &track.truth.reps {
                    // The bottom is a pause: the frame in its middle shows the bottom posture.
                    let f = frame_at(&track, r.bottom_s - 0.5 * r_pause(&cfg));
                    let theta = ang(
                        f,
                        near.slot(idx::LEFT_HIP),
                        near.slot(idx::LEFT_SHOULDER),
                        facing,
                    );
                    assert!(
                        (theta - depth).abs() < 0.5,
                        "{lift:?} {facing:?}: {theta} vs {depth}"
                    );
                    assert!((r.trunk_at_bottom_deg - depth).abs() < 1e-6);
                    // Without the aspect-ratio correction the angle would be visibly wrong.
                    let l = |i: usize| f.landmarks[near.slot(i)];
                    let (h, s) = (l(idx::LEFT_HIP), l(idx::LEFT_SHOULDER));
                    let raw = (facing.sign() * (s.x - h.x)).atan2(h.y - s.y).to_degrees();
                    assert!(
                        (raw - depth).abs() > 3.0,
                        "raw normalised coordinates read {raw}"
                    );
                }
            }
        }
    }
}

fn r_pause(cfg: &SimConfig) -> f64 {
    cfg.rep.pause_bottom_s
}

#[test]
fn knee_and_hip_flexion_read_back_from_landmarks() {
    let cfg = SimConfig::new(SimLift::Deadlift).reps(1);
    let near = cfg.camera.facing.near_side();
    let track = simulate(&cfg);
    let r = &track.truth.reps[0];
    let f = frame_at(&track, r.bottom_s - 0.3);
    let s = |i| near.slot(i);
    let thigh = -ang(f, s(idx::LEFT_KNEE), s(idx::LEFT_HIP), Facing::Right);
    let shin = ang(f, s(idx::LEFT_ANKLE), s(idx::LEFT_KNEE), Facing::Right);
    assert!(
        (thigh + shin - cfg.rep.knee_deg).abs() < 0.5,
        "knee {}",
        thigh + shin
    );
    assert!((r.knee_at_bottom_deg - cfg.rep.knee_deg).abs() < 1e-6);
    assert!((shin - cfg.rep.shin_deg).abs() < 0.5, "shin {shin}");
    let trunk = ang(f, s(idx::LEFT_HIP), s(idx::LEFT_SHOULDER), Facing::Right);
    assert!((trunk + thigh - r.hip_flexion_at_bottom_deg).abs() < 0.5);
}

#[test]
fn ground_truth_lead_moves_with_the_programmed_trunk_onset() {
    for lift in [
        SimLift::Deadlift,
        SimLift::Swing,
        SimLift::Rdl,
        SimLift::Clean,
    ] {
        let base = SimConfig::new(lift).reps(3);
        let lead_of = |lead: f64, descent: f64| {
            let cfg = base.clone().every_rep(|p| {
                p.lead_ms = lead;
                p.descent_lead_ms = descent;
            });
            let t = simulate(&cfg).truth;
            // Rep 1 of the swing starts from the hike; use the later reps.
            let r = &t.reps[2];
            (
                r.lead_ms.expect("lead"),
                r.descent_lead_ms.expect("descent lead"),
            )
        };
        for (a, b) in [(60.0, 110.0), (0.0, 50.0), (-150.0, -100.0), (40.0, -10.0)] {
            let (la, da) = lead_of(a, a);
            let (lb, db) = lead_of(b, b);
            assert!(
                ((lb - la) - (b - a)).abs() <= 2.0,
                "{lift:?} lead {a}→{b}: {la} → {lb}"
            );
            assert!(
                ((db - da) - (b - a)).abs() <= 2.0,
                "{lift:?} descent {a}→{b}: {da} → {db}"
            );
        }
        // With a rigid trunk the measured lead is the programmed one.
        let (l, d) = lead_of(60.0, 60.0);
        assert!(
            (l - 60.0).abs() <= 2.0 && (d - 60.0).abs() <= 2.0,
            "{lift:?}: {l} {d}"
        );
    }
}

#[test]
fn counted_reps_match_the_config_and_events_are_ordered() {
    for (name, _) in PRESETS {
        for reps in [1, 4, 7] {
            let cfg = preset(name).reps(reps);
            let t = simulate(&cfg).truth;
            let expected = if cfg.lift == SimLift::Drill { 0 } else { reps };
            assert_eq!(t.rep_count, expected, "{name}");
            assert_eq!(t.reps.len(), expected, "{name}");
            for (k, r) in t.reps.iter().enumerate() {
                assert_eq!(r.index, k + 1);
                assert!(r.start_s < r.bottom_s, "{name} #{}", r.index);
                assert!(r.bottom_s < r.lockout_s, "{name} #{}", r.index);
                assert!(r.lockout_s <= r.end_s + 1e-9, "{name} #{}", r.index);
                if k > 0 {
                    assert!((r.start_s - t.reps[k - 1].end_s).abs() < 1e-9);
                }
            }
            assert!(t.duration_s > t.reps.last().map_or(0.0, |r| r.end_s));
        }
    }
}

#[test]
fn mid_set_start_has_no_calibration_and_counts_the_same() {
    for name in ["swing-good", "deadlift-good", "rdl-good", "squat"] {
        let cfg = clean(preset(name)).reps(4).start_still(0.0);
        let t = simulate(&cfg).truth;
        assert_eq!(t.calibration_s, None);
        assert_eq!(t.rep_count, 4);
        assert!(
            t.reps[0].start_s < 1e-9,
            "{name} starts with the first descent"
        );
        let with = simulate(&clean(preset(name)).reps(4)).truth;
        assert_eq!(with.calibration_s, Some((0.0, 2.5)));
    }
}

#[test]
fn presets_have_the_expected_verdicts_and_faults() {
    let verdicts = |name: &str| {
        let t = simulate(&preset(name)).truth;
        assert_eq!(t.rep_count, preset(name).reps);
        t
    };
    let t = verdicts("swing-good");
    assert!(t.is_hinge);
    for r in &t.reps {
        assert_eq!(r.verdict, Verdict::Engine, "swing-good #{}", r.index);
        assert!(r.faults.is_empty(), "{:?}", r.faults);
        let lead = r.lead_ms.unwrap();
        assert!(lead > 20.0 && lead < 80.0, "lead {lead}");
        assert!((55.0..=75.0).contains(&r.trunk_at_bottom_deg));
        assert!((20.0..=35.0).contains(&r.knee_at_bottom_deg));
    }
    for r in &verdicts("swing-back-led").reps {
        assert_eq!(r.verdict, Verdict::Crane);
        assert!(r.lead_ms.unwrap() < -100.0, "{:?}", r.lead_ms);
        assert!(r.faults.contains(&Fault::BackLeadsAscent));
    }
    for (name, fault) in [
        ("deadlift-hips-shoot-up", Fault::HipsShootUp),
        ("deadlift-rounded", Fault::RoundedBack),
    ] {
        for r in &verdicts(name).reps {
            assert_eq!(r.verdict, Verdict::Crane, "{name}");
            assert!(r.faults.contains(&fault), "{name}: {:?}", r.faults);
        }
    }
    for r in &verdicts("deadlift-squat").reps {
        assert!(r.faults.contains(&Fault::SquatNotHinge));
        assert!(r.knee_at_bottom_deg > 100.0 && r.trunk_at_bottom_deg < 40.0);
    }
    for name in ["deadlift-good", "rdl-good", "clean-good"] {
        for r in &verdicts(name).reps {
            assert_eq!(r.verdict, Verdict::Engine, "{name}");
            assert!(r.faults.is_empty(), "{name}: {:?}", r.faults);
        }
    }
    let rdl = verdicts("rdl-good");
    assert!(rdl
        .reps
        .iter()
        .all(|r| r.knee_at_bottom_deg <= 20.0 && r.trunk_at_bottom_deg >= 70.0));
    for name in ["squat", "pistol"] {
        let t = verdicts(name);
        assert!(!t.is_hinge);
        assert!(t
            .reps
            .iter()
            .all(|r| r.verdict == Verdict::NotHinge && r.faults.is_empty()));
        assert!(t
            .reps
            .iter()
            .all(|r| (20.0..=40.0).contains(&r.trunk_at_bottom_deg)));
    }
}

#[test]
fn hips_shoot_up_raises_the_hips_before_the_trunk() {
    let cfg = clean(preset("deadlift-hips-shoot-up")).reps(1);
    let p = plan(&cfg);
    let t = simulate(&cfg).truth;
    let r = &t.reps[0];
    let body = p.body();
    let b = body.signals(&p.posture_at(r.bottom_s));
    let early = body.signals(&p.posture_at(r.bottom_s + 0.3));
    assert!(
        early.hip_y_m > b.hip_y_m + 0.05,
        "hips rose {}",
        early.hip_y_m - b.hip_y_m
    );
    assert!(
        early.trunk_deg >= b.trunk_deg,
        "trunk {} → {}",
        b.trunk_deg,
        early.trunk_deg
    );
    assert!(r.lead_ms.unwrap() < -100.0, "{:?}", r.lead_ms);
}

#[test]
fn rep_faults_follow_their_programmes() {
    let cfg = SimConfig::new(SimLift::Swing)
        .reps(6)
        .with_rep(2, |p| p.lockout_trunk_deg = -14.0)
        .with_rep(3, |p| p.lockout_shortfall_deg = 15.0)
        .with_rep(4, |p| p.arms_lift = true)
        .with_rep(5, |p| p.head_crank_deg = 35.0)
        .with_rep(6, |p| {
            p.knee_deg = 4.0;
            p.shin_deg = -2.0;
            p.descent_lead_ms = -200.0;
        });
    let t = simulate(&cfg).truth;
    let faults: Vec<&Vec<Fault>> = t.reps.iter().map(|r| &r.faults).collect();
    assert!(faults[0].is_empty(), "{:?}", faults[0]);
    assert_eq!(faults[1], &vec![Fault::LeanBackLockout]);
    assert_eq!(faults[2], &vec![Fault::IncompleteLockout]);
    assert_eq!(faults[3], &vec![Fault::ArmsLiftBell]);
    assert_eq!(faults[4], &vec![Fault::HeadCrank]);
    assert!(
        faults[5].contains(&Fault::KneesLocked) && faults[5].contains(&Fault::TrunkLeadsDescent)
    );
    assert!(t.reps[1].trunk_at_lockout_deg < -13.9);
}

#[test]
fn thumb_index_line_turns_exactly_with_the_pelvis() {
    for facing in [Facing::Right, Facing::Left] {
        let cfg = clean(preset("drill")).facing(facing);
        let near = facing.near_side();
        let p = plan(&cfg);
        let track = simulate(&cfg);
        let ppm = cfg.camera.scale(cfg.stature_m);
        let mut checked = 0;
        let mut psi_range = (f64::INFINITY, f64::NEG_INFINITY);
        for f in &track.frames {
            let posture = p.posture_at(f.t_ms / 1000.0);
            if posture.hands_on_pelvis < 1.0 {
                continue;
            }
            let line = ang(
                f,
                near.slot(idx::LEFT_INDEX),
                near.slot(idx::LEFT_THUMB),
                facing,
            );
            assert!(
                (line - posture.pelvis).abs() < 1e-6,
                "{line} vs ψ {}",
                posture.pelvis
            );
            let span = dist(f, near.slot(idx::LEFT_INDEX), near.slot(idx::LEFT_THUMB));
            assert!((span - 0.092 * cfg.stature_m * ppm).abs() < 1e-6);
            // The index finger marks the greater trochanter (the hip landmark).
            assert!(dist(f, near.slot(idx::LEFT_INDEX), near.slot(idx::LEFT_HIP)) < 1e-6);
            psi_range = (
                psi_range.0.min(posture.pelvis),
                psi_range.1.max(posture.pelvis),
            );
            checked += 1;
        }
        assert!(checked > 1000, "{checked}");
        assert!(psi_range.0.abs() < 1e-9 && (psi_range.1 - cfg.drill.pelvis_max_deg).abs() < 1e-6);
    }
}

#[test]
fn drill_truth_separates_crane_from_engine() {
    let cfg = clean(preset("drill"));
    let d = cfg.drill.clone();
    let p = plan(&cfg);
    let truth = simulate(&cfg).truth;
    let drill = truth.drill.expect("drill truth");
    let count = |k: DrillKind| drill.movements.iter().filter(|m| m.kind == k).count();
    assert_eq!(count(DrillKind::Crane), d.back_only_lifts + d.crane_lifts);
    assert_eq!(count(DrillKind::Engine), d.engine_lifts);
    assert_eq!(count(DrillKind::SlowHinge), 1);
    assert!(count(DrillKind::Hold) >= 1);
    for m in drill
        .movements
        .iter()
        .filter(|m| m.kind == DrillKind::Crane && !m.to_upright)
    {
        assert_eq!(
            m.pelvis_change_deg, 0.0,
            "back-only lifts keep the pelvis still"
        );
        assert!(
            (8.0..=15.0).contains(&-m.lumbar_change_deg),
            "{}",
            m.lumbar_change_deg
        );
        assert!(
            (5.0..=12.0).contains(&-m.trunk_change_deg),
            "{}",
            m.trunk_change_deg
        );
        assert!(!m.abstain);
    }
    // Which moves first on the way up: the pelvis (engine) or the spine (crane)?
    let first_mover = |m: &DrillMovement| {
        let p0 = p.posture_at(m.start_s);
        let mut t = m.start_s;
        while t < m.top_s {
            let q = p.posture_at(t);
            let (dpsi, dlam) = ((q.pelvis - p0.pelvis).abs(), (q.lumbar - p0.lumbar).abs());
            if dpsi > 0.2 || dlam > 0.2 {
                return if dpsi >= dlam { "pelvis" } else { "spine" };
            }
            t += 0.001;
        }
        "none"
    };
    for m in drill.movements.iter().filter(|m| m.to_upright) {
        let expected = if m.kind == DrillKind::Engine {
            "pelvis"
        } else {
            "spine"
        };
        assert_eq!(first_mover(m), expected, "{:?} at {}", m.kind, m.start_s);
    }
    let star = drill.pelvic_limit_trunk_deg.expect("θ_T*");
    let slow = drill
        .movements
        .iter()
        .find(|m| m.kind == DrillKind::SlowHinge)
        .unwrap();
    // θ_T* lies where the pelvis is close to its limit, well before the deepest trunk angle.
    let body = p.body();
    let deepest = body.signals(&p.posture_at(slow.end_s)).trunk_deg;
    assert!(
        star > d.pelvis_max_deg - 5.0 && star < deepest - 10.0,
        "θ_T* {star}, deepest {deepest}"
    );
    // After θ_T*, dψ/dθ_T really stays below 0.2.
    let mut t = slow.start_s;
    let mut prev = p.posture_at(t);
    while t < slow.end_s {
        t += 0.005;
        let q = p.posture_at(t);
        let (a, b) = (body.signals(&prev).trunk_deg, body.signals(&q).trunk_deg);
        if a > star + 0.5 && b - a > 0.005 * 1.0 {
            assert!((q.pelvis - prev.pelvis) / (b - a) < 0.2, "at {t}");
        }
        prev = q;
    }
    assert_eq!(drill.hands_leave_s, None);
    assert!(drill
        .movements
        .iter()
        .filter(|m| m.kind != DrillKind::Stand)
        .any(|m| !m.abstain));
}

#[test]
fn hands_leaving_the_pelvis_mid_drill_means_abstain() {
    let mut cfg = clean(preset("drill"));
    cfg.drill.hands_leave_after_lifts = Some(4);
    let p = plan(&cfg);
    let drill = simulate(&cfg).truth.drill.unwrap();
    let leave = drill.hands_leave_s.expect("the hands leave");
    for m in &drill.movements {
        if m.start_s >= leave {
            assert!(
                m.abstain && !m.hands_on_pelvis,
                "{:?} at {}",
                m.kind,
                m.start_s
            );
        }
    }
    assert!(p.posture_at(leave + 1.5).hands_on_pelvis == 0.0);
    let lifts_before = drill
        .movements
        .iter()
        .filter(|m| m.start_s < leave && matches!(m.kind, DrillKind::Crane | DrillKind::Engine))
        .count();
    assert_eq!(lifts_before, 4);
}

#[test]
fn pistol_free_ankle_stays_off_the_floor() {
    for facing in [Facing::Right, Facing::Left] {
        let cfg = clean(preset("pistol")).facing(facing);
        let far = facing.near_side().other();
        let near = facing.near_side();
        let track = simulate(&cfg);
        let floor_px = cfg.camera.anchor_y * cfg.camera.height;
        let ppm = cfg.camera.scale(cfg.stature_m);
        let (first, last) = (&track.truth.reps[0], track.truth.reps.last().unwrap());
        let mut n = 0;
        for f in track
            .frames
            .iter()
            .filter(|f| f.t_ms / 1000.0 >= first.start_s)
        {
            if f.t_ms / 1000.0 > last.end_s {
                break;
            }
            for i in [idx::LEFT_ANKLE, idx::LEFT_HEEL, idx::LEFT_FOOT_INDEX] {
                let y_up = (floor_px - f.landmarks[far.slot(i)].y * f.height) / ppm;
                assert!(y_up > 0.08, "free foot {i} at {y_up} m, t {}", f.t_ms);
            }
            // The stance foot does not move.
            let a = f.landmarks[near.slot(idx::LEFT_ANKLE)];
            let a0 = track.frames[0].landmarks[near.slot(idx::LEFT_ANKLE)];
            assert!((a.x - a0.x).abs() < 1e-12 && (a.y - a0.y).abs() < 1e-12);
            n += 1;
        }
        assert!(n > 300);
    }
}

#[test]
fn dropouts_produce_empty_frames_at_the_requested_rate() {
    for (rate, burst) in [(0.02, 1), (0.05, 3), (0.10, 5)] {
        let noise = Noise {
            dropout_rate: rate,
            dropout_burst_max: burst,
            ..Noise::none()
        };
        let cfg = SimConfig::new(SimLift::Swing)
            .reps(120)
            .noise(noise)
            .seed(9);
        let track = simulate(&cfg);
        let n = track.frames.len() as f64;
        let empty = track.frames.iter().filter(|f| !f.has_person()).count();
        assert_eq!(empty, track.truth.empty_frames);
        let measured = empty as f64 / n;
        assert!(
            (measured - rate).abs() < 0.25 * rate + 0.003,
            "rate {rate}: {measured}"
        );
        // Bursts are never longer than requested.
        let mut run = 0;
        for f in &track.frames {
            run = if f.has_person() { 0 } else { run + 1 };
            assert!(run <= burst);
        }
    }
    let none = simulate(&SimConfig::new(SimLift::Swing).reps(20));
    assert!(none.frames.iter().all(|f| f.has_person()));
}

#[test]
fn noise_has_the_requested_spread() {
    let sigma = 3.0;
    let base = SimConfig::new(SimLift::Deadlift).reps(2);
    let noisy = base.clone().noise(Noise {
        sigma_px: sigma,
        ..Noise::none()
    });
    let (a, b) = (simulate(&base), simulate(&noisy));
    let (mut s2, mut n, mut h2, mut hn) = (0.0, 0.0, 0.0, 0.0);
    for (fa, fb) in a.frames.iter().zip(&b.frames) {
        for i in 0..33 {
            let dx = (fb.landmarks[i].x - fa.landmarks[i].x) * fa.width;
            let dy = (fb.landmarks[i].y - fa.landmarks[i].y) * fa.height;
            if (idx::LEFT_WRIST..=idx::RIGHT_THUMB).contains(&i) {
                h2 += dx * dx + dy * dy;
                hn += 2.0;
            } else {
                s2 += dx * dx + dy * dy;
                n += 2.0;
            }
        }
    }
    let (sd, hand_sd) = ((s2 / n).sqrt(), (h2 / hn).sqrt());
    assert!((sd - sigma).abs() < 0.05 * sigma, "body sd {sd}");
    assert!(
        (hand_sd - 2.5 * sigma).abs() < 0.05 * 2.5 * sigma,
        "hand sd {hand_sd}"
    );
}

#[test]
fn frames_are_valid_and_timestamps_increase_with_jitter() {
    for fps in [15.0, 24.0, 30.0, 60.0] {
        let cfg = preset("swing-good").fps(fps).yaw(20.0).reps(4);
        let track = simulate(&cfg);
        let period = 1000.0 / fps;
        let expected = (track.truth.duration_s * fps).floor() as usize + 1;
        assert_eq!(track.frames.len(), expected);
        for (k, f) in track.frames.iter().enumerate() {
            f.validate().expect("valid frame");
            assert!((f.t_ms - k as f64 * period).abs() <= 0.4 * period + 1e-9);
            if k > 0 {
                assert!(f.t_ms > track.frames[k - 1].t_ms);
            }
            if f.has_person() {
                assert_eq!(f.landmarks.len(), 33);
            }
        }
    }
}

#[test]
fn near_side_is_more_visible_than_the_far_side() {
    for facing in [Facing::Right, Facing::Left] {
        let cfg = SimConfig::new(SimLift::Deadlift).facing(facing).reps(2);
        let near = facing.near_side();
        let track = simulate(&cfg);
        let body = [
            idx::LEFT_SHOULDER,
            idx::LEFT_HIP,
            idx::LEFT_KNEE,
            idx::LEFT_ANKLE,
            idx::LEFT_HEEL,
        ];
        for f in &track.frames {
            let v = |s: Side| {
                body.iter()
                    .map(|&i| f.landmarks[s.slot(i)].visibility)
                    .sum::<f64>()
                    / 5.0
            };
            assert!(v(near) >= 0.95, "near {}", v(near));
            assert!(v(near) - v(near.other()) > 0.15, "far {}", v(near.other()));
            let hand = f.landmarks[near.slot(idx::LEFT_INDEX)].visibility;
            assert!(hand < v(near));
        }
        // A camera turned toward the lifter's front shows more of the far side.
        let turned = simulate(&cfg.clone().yaw(25.0));
        let far_hip =
            |t: &SimTrack| t.frames[10].landmarks[near.other().slot(idx::LEFT_HIP)].visibility;
        assert!(far_hip(&turned) > far_hip(&track) + 0.05);
    }
}

#[test]
fn yaw_changes_the_image_but_not_the_ground_truth() {
    let a = simulate(&clean(preset("swing-good")).reps(4));
    let b = simulate(&clean(preset("swing-good")).reps(4).yaw(20.0));
    assert_eq!(a.truth.reps, b.truth.reps);
    assert_eq!(b.truth.camera_yaw_deg, 20.0);
    // The image trunk angle at the bottom shrinks roughly as atan(tan θ · cos yaw).
    let r = &a.truth.reps[2];
    let near = Facing::Right.near_side();
    let theta = |t: &SimTrack| {
        let f = frame_at(t, r.bottom_s);
        let mid = |i: usize| {
            let (p, q) = (iso(f, near.slot(i)), iso(f, near.other().slot(i)));
            ((p.0 + q.0) / 2.0, (p.1 + q.1) / 2.0)
        };
        let (h, s) = (mid(idx::LEFT_HIP), mid(idx::LEFT_SHOULDER));
        (s.0 - h.0).atan2(s.1 - h.1).to_degrees()
    };
    let (t0, t20) = (theta(&a), theta(&b));
    let expect = (t0.to_radians().tan() * 20f64.to_radians().cos())
        .atan()
        .to_degrees();
    assert!(
        (t20 - expect).abs() < 0.2,
        "{t0} → {t20}, expected {expect}"
    );
}

#[test]
fn fatigue_drift_has_a_defined_onset() {
    let t = simulate(&preset("swing-fatigue")).truth;
    assert_eq!(t.rep_count, 20);
    // After rep 8 the lead drifts −30 ms/rep: |drift| reaches 50 ms at rep 10 (2 × 30 = 60),
    // before the speed loss reaches 15 % (rep 12).
    assert_eq!(t.fatigue_onset_rep, Some(10));
    for r in &t.reps[1..8] {
        assert_eq!(r.hip_speed_factor, 1.0);
        assert_eq!(r.verdict, Verdict::Engine);
    }
    let speed = |k: usize| t.reps[k - 1].peak_hip_speed_mps;
    assert!(speed(12) < 0.87 * speed(8), "{} vs {}", speed(12), speed(8));
    assert!(t.reps[19].verdict == Verdict::Crane);
    for k in 9..20 {
        assert!(
            t.reps[k].lead_ms < t.reps[k - 1].lead_ms,
            "lead keeps drifting"
        );
    }
    let speed_only = FatigueDrift {
        after_rep: 3,
        hip_speed_loss_per_rep: 0.05,
        lead_drift_ms_per_rep: 0.0,
        depth_creep_deg_per_rep: 0.0,
        knee_drift_deg_per_rep: 0.0,
    };
    assert_eq!(speed_only.onset_rep(10), Some(6));
    assert_eq!(speed_only.onset_rep(5), None);
    let creep = FatigueDrift {
        depth_creep_deg_per_rep: 2.0,
        ..speed_only.clone()
    };
    assert_eq!(creep.onset_rep(10), Some(6));
    let creep_fast = FatigueDrift {
        depth_creep_deg_per_rep: 4.0,
        ..speed_only
    };
    assert_eq!(creep_fast.onset_rep(10), Some(5));
}

#[test]
fn same_seed_same_clip_other_seed_other_noise() {
    let cfg = preset("swing-good").reps(5).noise_px(2.0);
    let (a, b) = (simulate(&cfg), simulate(&cfg));
    assert_eq!(a.frames, b.frames);
    assert_eq!(a.truth, b.truth);
    let c = simulate(&cfg.clone().seed(cfg.seed + 1));
    assert_ne!(a.frames, c.frames);
    assert_eq!(
        a.truth.reps, c.truth.reps,
        "the motion itself does not depend on the seed"
    );
    let v = SimConfig {
        variability: RepVariability {
            lead_sd_ms: 30.0,
            depth_sd_deg: 3.0,
            tempo_sd: 0.05,
        },
        ..cfg
    };
    let (d, e) = (simulate(&v), simulate(&v.clone().seed(99)));
    assert_eq!(simulate(&v).truth, d.truth);
    assert_ne!(
        d.truth.reps, e.truth.reps,
        "variability draws from the seed"
    );
}

#[test]
fn truth_serialises_round_trip() {
    let t = simulate(&preset("drill")).truth;
    let json = serde_json::to_string(&t).unwrap();
    assert!(json.contains("\"slow_hinge\"") && json.contains("\"lift\":\"drill\""));
    let back: SimTruth = serde_json::from_str(&json).unwrap();
    let (a, b) = (
        serde_json::to_value(&t).unwrap(),
        serde_json::to_value(&back).unwrap(),
    );
    assert!(approx_eq(&a, &b), "round trip changed the truth");
    let t = simulate(&preset("deadlift-rounded")).truth;
    let json = serde_json::to_string(&t).unwrap();
    assert!(
        json.contains("\"rounded_back\""),
        "fault codes are snake_case"
    );
    let cfg: SimConfig = serde_json::from_str(r#"{"lift":"rdl","reps":3}"#).unwrap();
    assert_eq!(cfg.reps, 3);
    assert_eq!(cfg.lift, SimLift::Rdl);
}

/// JSON values equal up to float parsing (serde_json parses floats to within an ulp or so).
fn approx_eq(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value as V;
    match (a, b) {
        (V::Number(x), V::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            (x - y).abs() <= 1e-12 * x.abs().max(1.0)
        }
        (V::Array(x), V::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| approx_eq(p, q))
        }
        (V::Object(x), V::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| approx_eq(v, w)))
        }
        _ => a == b,
    }
}

#[test]
fn presets_are_all_known_and_unknown_names_are_not() {
    for (name, about) in PRESETS {
        let cfg = SimConfig::from_preset(name).unwrap_or_else(|| panic!("{name}"));
        assert!(!about.is_empty());
        assert!(cfg.noise.sigma_px > 0.0, "presets use typical noise");
    }
    assert!(SimConfig::from_preset("swing-perfect").is_none());
    let cfg = SimConfig::from_preset("deadlift-good")
        .unwrap()
        .reps(3)
        .yaw(15.0)
        .noise_px(0.0)
        .fps(24.0)
        .seed(5);
    assert_eq!(
        (cfg.reps, cfg.camera.yaw_deg, cfg.fps, cfg.seed),
        (3, 15.0, 24.0, 5)
    );
    assert_eq!(cfg.noise, Noise::none());
}

#[test]
fn camera_roll_tilts_the_whole_image() {
    let cfg = SimConfig::new(SimLift::Deadlift).reps(1);
    let near = cfg.camera.facing.near_side();
    let level = simulate(&cfg);
    let rolled = simulate(&cfg.clone().camera(Camera {
        roll_deg: 6.0,
        ..cfg.camera
    }));
    let axis = |t: &SimTrack| {
        ang(
            &t.frames[5],
            near.slot(idx::LEFT_HEEL),
            near.slot(idx::LEFT_SHOULDER),
            Facing::Right,
        )
    };
    // Positive roll turns the content counter-clockwise: an upright body leans toward image-left.
    assert!((axis(&level) - axis(&rolled) - 6.0).abs() < 1e-6);
    assert_eq!(level.truth.reps, rolled.truth.reps);
}

#[test]
fn correlated_noise_and_visibility_dips() {
    let base = SimConfig::new(SimLift::Deadlift).reps(6);
    let tau = 0.3;
    let noise = Noise {
        sigma_px: 2.0,
        correlation_s: tau,
        visibility_dip_rate: 0.02,
        ..Noise::none()
    };
    let (a, b) = (simulate(&base), simulate(&base.clone().noise(noise)));
    let hip = Side::Right.slot(idx::LEFT_HIP);
    let e: Vec<f64> = a
        .frames
        .iter()
        .zip(&b.frames)
        .map(|(fa, fb)| (fb.landmarks[hip].x - fa.landmarks[hip].x) * fa.width)
        .collect();
    let var = e.iter().map(|x| x * x).sum::<f64>() / e.len() as f64;
    let lag1 = e.windows(2).map(|w| w[0] * w[1]).sum::<f64>() / (e.len() - 1) as f64 / var;
    let expected = (-1.0 / 30.0 / tau).exp();
    assert!(
        (lag1 - expected).abs() < 0.05,
        "lag-1 correlation {lag1}, expected {expected}"
    );
    // Dips push whole landmark groups below 0.5 now and then, and only now and then.
    let wrist = Side::Right.slot(idx::LEFT_WRIST);
    let low = b
        .frames
        .iter()
        .filter(|f| f.landmarks[wrist].visibility < 0.5)
        .count();
    let share = low as f64 / b.frames.len() as f64;
    assert!(share > 0.005 && share < 0.2, "dipped share {share}");
    assert!(a.frames.iter().all(|f| f.landmarks[wrist].visibility > 0.9));
}
