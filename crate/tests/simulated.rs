//! Accuracy against the simulator's exact ground truth: over a grid of lift, tempo, depth,
//! landmark noise and camera yaw (≤ 20°), hip-led reps must be judged `engine` and back-led
//! reps `crane` in ≥ 95 % of reps, lead times must land within ±35 ms of the truth, and the rep
//! count must be exact. Self-contained: needs nothing from `../shared`.

use hingecheck::coach::lift::Exercise;
use hingecheck::pose::posetrack;
use hingecheck::report::{Report, Verdict};
use hingecheck::sim::{self, Finish, RepPattern, SimConfig, SimLift, SimTrack};
use hingecheck::{analyse_track, Settings};

/// The simulator checks the measurement chain against exact ground truth, so it judges by the
/// design's thresholds (`Settings::design_rules`): the shipped ones are fitted on real lifters,
/// whose rep-to-rep timing scatters ≈ 100 ms and whose good range differs from source to
/// source, and are deliberately more cautious (`shipped_rules_on_the_simulator` says how much).
fn run(cfg: &SimConfig, exercise: Exercise) -> (SimTrack, Report) {
    run_with(cfg, exercise, true)
}

fn run_with(cfg: &SimConfig, exercise: Exercise, design_rules: bool) -> (SimTrack, Report) {
    let track = sim::simulate(cfg);
    let pt = posetrack::from_frames(track.frames.clone(), Some(cfg.fps), Default::default());
    let report = analyse_track(
        &pt,
        Settings {
            exercise,
            design_rules,
            ..Default::default()
        },
    );
    (track, report)
}

struct Tally {
    reps: usize,
    right: usize,
    lead_n: usize,
    lead_ok: usize,
    /// Absolute lead errors (ms) by landmark noise: (σ px, error).
    lead_err: Vec<(f64, f64)>,
    count_ok: usize,
    sets: usize,
    misses: Vec<String>,
}

/// `patterns`: (pattern, lead, expected verdict); a negative lead is a share of the ascent, 0
/// keeps the pattern's own timing.
fn grid(
    lift: SimLift,
    patterns: &[(RepPattern, f64, Verdict)],
    tempos: &[f64],
    depths: &[f64],
) -> Tally {
    let mut t = Tally {
        reps: 0,
        right: 0,
        lead_n: 0,
        lead_ok: 0,
        lead_err: Vec::new(),
        count_ok: 0,
        sets: 0,
        misses: Vec::new(),
    };
    let mut seed = 1;
    for &(pattern, lead, want) in patterns {
        for &ascent in tempos {
            for &depth in depths {
                for &(noise, yaw) in &[(0.0, 0.0), (1.5, 10.0), (3.0, -20.0), (1.5, 20.0)] {
                    seed += 1;
                    let mut cfg = SimConfig::new(lift)
                        .reps(6)
                        .pattern(pattern)
                        .noise_px(noise)
                        .yaw(yaw)
                        .seed(seed)
                        .every_rep(|p| {
                            p.ascent_s *= ascent;
                            p.depth_deg = depth;
                            // Engine reps lead by a fixed time; back-led reps by a share of the
                            // ascent (`lead` < 0 is that share), so "back-led" means the same at
                            // every tempo — and at least 300 ms: real landmark timing scatters
                            // ≈ 100 ms rep to rep (measured on the labelled corpus), and a
                            // back-led rep must stand clear of that noise.
                            if lead < 0.0 {
                                p.lead_ms = (lead * p.ascent_s * 1000.0).min(-300.0);
                            } else if lead > 0.0 {
                                p.lead_ms = lead;
                            }
                        });
                    cfg.finish = Finish::StayDown;
                    let (track, report) = run(&cfg, Exercise::Auto);
                    t.sets += 1;
                    if report.summary.rep_count as usize == track.truth.rep_count {
                        t.count_ok += 1;
                    } else {
                        t.misses.push(format!("{lift:?} {pattern:?} ascent×{ascent} depth {depth} noise {noise} yaw {yaw}: {} reps of {}", report.summary.rep_count, track.truth.rep_count));
                    }
                    for (rep, truth) in report.reps.iter().zip(&track.truth.reps) {
                        t.reps += 1;
                        if rep.verdict == want {
                            t.right += 1;
                        } else {
                            t.misses.push(format!("{lift:?} {pattern:?} ascent×{ascent} depth {depth} noise {noise} yaw {yaw} rep {}: {:?} ({})", rep.index, rep.verdict, rep.message));
                        }
                        if let (Some(m), Some(tl)) = (rep.metrics.get("lead_ms"), truth.lead_ms) {
                            t.lead_n += 1;
                            t.lead_err.push((noise, (m - tl).abs()));
                            if (m - tl).abs() <= 35.0 {
                                t.lead_ok += 1;
                            } else {
                                t.misses.push(format!("{lift:?} {pattern:?} ascent×{ascent} depth {depth} noise {noise} yaw {yaw} rep {}: lead {m:.0} vs truth {tl:.0}", rep.index));
                            }
                        }
                    }
                }
            }
        }
    }
    t
}

fn check(name: &str, t: &Tally) {
    eprintln!("{name}: {} sets, counts exact {}; {} reps, verdict right {} ({:.1} %); leads within ±35 ms {}/{}", t.sets, t.count_ok, t.reps, t.right, 100.0 * t.right as f64 / t.reps.max(1) as f64, t.lead_ok, t.lead_n);
    let n = if std::env::var_os("HINGECHECK_VERBOSE").is_some() {
        usize::MAX
    } else {
        30
    };
    for m in t.misses.iter().take(n) {
        eprintln!("  {m}");
    }
    assert_eq!(t.count_ok, t.sets, "rep counts must be exact");
    assert!(
        t.right as f64 >= 0.95 * t.reps as f64,
        "{name}: verdicts right in {} of {} reps",
        t.right,
        t.reps
    );
    assert!(
        t.lead_n as f64 >= 0.8 * t.reps as f64,
        "{name}: lead measured in only {} of {} reps",
        t.lead_n,
        t.reps
    );
    // Lead accuracy by landmark noise: BlazePose jitters ~1–2 px on a still person at this
    // framing; 3 px with the lifter turned 20° away is the hard end of the grid.
    for (lo, hi, want, med) in [(0.0, 1.5, 0.90, 15.0), (2.0, 3.0, 0.55, 30.0)] {
        let mut e: Vec<f64> = t
            .lead_err
            .iter()
            .filter(|(n, _)| *n >= lo && *n <= hi)
            .map(|(_, e)| *e)
            .collect();
        e.sort_by(|a, b| a.total_cmp(b));
        let ok = e.iter().filter(|v| **v <= 35.0).count();
        let median = e.get(e.len() / 2).copied().unwrap_or(f64::NAN);
        eprintln!(
            "  noise {lo}–{hi} px: {ok}/{} leads within ±35 ms, median error {median:.0} ms",
            e.len()
        );
        assert!(
            ok as f64 >= want * e.len() as f64,
            "{name}: at noise {lo}–{hi} px only {ok} of {} leads within ±35 ms",
            e.len()
        );
        assert!(
            median <= med,
            "{name}: median lead error {median:.0} ms at noise {lo}–{hi} px"
        );
    }
}

#[test]
fn swing_grid_engine_versus_crane() {
    let t = grid(
        SimLift::Swing,
        &[
            (RepPattern::Engine, 50.0, Verdict::Engine),
            (RepPattern::BackLed, -0.5, Verdict::Crane),
        ],
        &[0.8, 1.25],
        &[55.0, 72.0],
    );
    check("swing", &t);
}

#[test]
fn deadlift_grid_engine_versus_crane() {
    let t = grid(
        SimLift::Deadlift,
        &[
            (RepPattern::Engine, 60.0, Verdict::Engine),
            (RepPattern::BackLed, -0.5, Verdict::Crane),
            (RepPattern::HipsShootUp, 0.0, Verdict::Crane),
        ],
        // Ascents of 0.72 s and 1.2 s (the labelled real kettlebell deadlifts take 0.6–1.0 s).
        &[0.6, 1.0],
        &[50.0, 60.0],
    );
    check("deadlift", &t);
}

/// COCO-17 frames (MoveNet and friends: no heels, toes or hands) still count reps and judge
/// crane versus engine, with reduced features.
#[test]
fn coco17_frames_give_the_same_reps() {
    use hingecheck::pose::COCO17_TO_BLAZEPOSE;
    for (preset, want) in [
        ("swing-good", Verdict::Engine),
        ("swing-back-led", Verdict::Crane),
        ("deadlift-good", Verdict::Engine),
    ] {
        let mut cfg = SimConfig::from_preset(preset).unwrap().reps(5);
        cfg.finish = Finish::StayDown;
        let track = sim::simulate(&cfg);
        let coco: Vec<_> = track
            .frames
            .iter()
            .map(|f| {
                if f.landmarks.is_empty() {
                    return f.clone();
                }
                let kps: Vec<_> = COCO17_TO_BLAZEPOSE
                    .iter()
                    .map(|&i| f.landmarks[i])
                    .collect();
                hingecheck::pose::PoseFrame::from_coco17(f.t_ms, f.width, f.height, &kps).unwrap()
            })
            .collect();
        let pt = posetrack::from_frames(coco, Some(cfg.fps), Default::default());
        let r = analyse_track(
            &pt,
            Settings {
                design_rules: true,
                ..Default::default()
            },
        );
        assert_eq!(
            r.summary.rep_count as usize,
            track.truth.rep_count,
            "{preset}: {:?}",
            r.reps.iter().map(|x| x.verdict).collect::<Vec<_>>()
        );
        let right = r.reps.iter().filter(|x| x.verdict == want).count();
        assert!(
            right * 5 >= r.reps.len() * 4,
            "{preset}: {right} of {} {want:?}",
            r.reps.len()
        );
    }
}

/// "Did your engine run out of fuel?" (§7): a set where the hips slow and the back takes over
/// from a known rep gets that onset (±1 rep) and "stop the set"; the same set without the drift
/// gets no stop.
#[test]
fn fatigue_onset_and_no_false_stop() {
    for seed in 1..=4 {
        let cfg = SimConfig::from_preset("swing-fatigue").unwrap().seed(seed);
        let (track, report) = run(&cfg, Exercise::Auto);
        assert_eq!(
            report.summary.rep_count as usize, track.truth.rep_count,
            "seed {seed}"
        );
        let truth = track.truth.fatigue_onset_rep.expect("programmed onset") as i64;
        let onset = report.fatigue.onset_rep.map(|r| r as i64);
        assert!(
            onset.is_some_and(|o| (o - truth).abs() <= 1),
            "seed {seed}: onset {onset:?} vs truth {truth}: {:?}",
            report.fatigue
        );
        assert_eq!(
            report.fatigue.level, "stop",
            "seed {seed}: {:?}",
            report.fatigue
        );
        assert!(
            report.fatigue.advice.contains("Build yourself up"),
            "{:?}",
            report.fatigue
        );

        let mut fresh = cfg.clone();
        fresh.fatigue = None;
        let (_, report) = run(&fresh, Exercise::Auto);
        assert_ne!(
            report.fatigue.level, "stop",
            "seed {seed}: a false stop: {:?}",
            report.fatigue
        );
    }
}

/// Front views make verdicts `unclear` rather than wrong (§3): back-led swings filmed at 60–75°
/// of yaw are never called `engine`, and no fault is claimed on them; at 30° the rep is put
/// back in the sagittal plane and judged (the whole oblique grid is `tests/oblique.rs`).
#[test]
fn front_views_abstain_rather_than_guess() {
    for yaw in [60.0, 75.0] {
        let cfg = SimConfig::from_preset("swing-back-led")
            .unwrap()
            .yaw(yaw)
            .reps(6);
        let (track, r) = run(&cfg, Exercise::Auto);
        assert_eq!(
            r.summary.rep_count as usize, track.truth.rep_count,
            "yaw {yaw}"
        );
        assert!(
            r.view.kind == "oblique" || r.view.kind == "front",
            "yaw {yaw}: {:?}",
            r.view
        );
        assert!(
            (r.view.yaw_deg.unwrap() - yaw).abs() <= 10.0,
            "yaw {yaw}: estimated {:?}",
            r.view.yaw_deg
        );
        for rep in &r.reps {
            assert_eq!(
                rep.verdict,
                Verdict::Unclear,
                "yaw {yaw} rep {}: {}",
                rep.index,
                rep.message
            );
            assert!(
                rep.faults.is_empty() && rep.message.contains("turn side-on"),
                "yaw {yaw}: {:?}",
                rep
            );
        }
    }
    let cfg = SimConfig::from_preset("swing-back-led")
        .unwrap()
        .yaw(30.0)
        .reps(6);
    let (_, r) = run(&cfg, Exercise::Auto);
    assert_eq!(r.view.kind, "oblique");
    assert!(
        r.reps
            .iter()
            .filter(|x| x.verdict == Verdict::Crane)
            .count()
            >= 5,
        "{:?}",
        r.reps.iter().map(|x| x.verdict).collect::<Vec<_>>()
    );
    assert!(r.reps.iter().all(|x| x.confidence < 1.0));
}

/// BlazePose sometimes swaps the left and right legs for a frame or two when they overlap in a
/// side view; the swap is repaired and the set reads the same.
#[test]
fn left_right_leg_swaps_are_repaired() {
    let cfg = SimConfig::from_preset("deadlift-good")
        .unwrap()
        .noise_px(1.0);
    let (track, clean) = run(&cfg, Exercise::Auto);
    let mut swapped = track.frames.clone();
    for (i, f) in swapped.iter_mut().enumerate() {
        if i % 37 < 2 && !f.landmarks.is_empty() {
            for l in [23, 25, 27, 29, 31] {
                f.landmarks.swap(l, l + 1);
            }
        }
    }
    let pt = posetrack::from_frames(swapped, Some(cfg.fps), Default::default());
    let r = analyse_track(&pt, Settings::default());
    assert_eq!(r.summary, clean.summary);
    for (a, b) in r.reps.iter().zip(&clean.reps) {
        let (la, lb) = (
            a.metrics["trunk_at_bottom_deg"],
            b.metrics["trunk_at_bottom_deg"],
        );
        assert!((la - lb).abs() < 1.5, "trunk at bottom {la} vs {lb}");
    }
}

/// One-legged variant (§1.2): the working leg is the stance leg, even when the free leg is the
/// one nearer the camera (and so the better seen).
#[test]
fn single_leg_rdl_is_measured_on_the_stance_leg() {
    let cfg = SimConfig::from_preset("single-leg-rdl")
        .unwrap()
        .noise_px(1.0);
    let (track, r) = run(&cfg, Exercise::Auto);
    assert_eq!(r.exercise, "single_leg_rdl");
    assert_eq!(r.summary.rep_count as usize, track.truth.rep_count);
    assert!(
        r.reps.iter().all(|x| x.verdict == Verdict::Engine),
        "{:?}",
        r.reps.iter().map(|x| &x.message).collect::<Vec<_>>()
    );
    // Make the free leg the better-seen one: the analysis must still measure the stance knee.
    let mut frames = track.frames.clone();
    for f in frames.iter_mut().filter(|f| f.has_person()) {
        for l in [23usize, 25, 27, 29, 31] {
            if let [a, b] = &mut f.landmarks[l..l + 2] {
                std::mem::swap(&mut a.visibility, &mut b.visibility);
            }
        }
    }
    let pt = posetrack::from_frames(frames, Some(cfg.fps), Default::default());
    let r2 = analyse_track(&pt, Settings::default());
    assert_eq!(r2.summary.rep_count as usize, track.truth.rep_count);
    for (rep, truth) in r2.reps.iter().zip(&track.truth.reps) {
        let knee = rep.metrics["knee_at_bottom_deg"];
        assert!(
            (knee - truth.knee_at_bottom_deg).abs() < 8.0,
            "rep {}: knee {knee:.0} vs stance knee {:.0}",
            rep.index,
            truth.knee_at_bottom_deg
        );
    }
}

/// A looped clip (the end jumps back to the start, as a fake camera does) or a one-frame glitch
/// is not a movement: the jump is not counted as a rep (§2: no joint turns at 1,200°/s).
#[test]
fn a_loop_or_a_glitch_is_not_a_rep() {
    let cfg = SimConfig::from_preset("deadlift-good")
        .unwrap()
        .reps(4)
        .noise_px(1.0);
    let track = sim::simulate(&cfg);
    assert_eq!(track.truth.rep_count, 4);
    let span = track.frames.last().unwrap().t_ms + 1000.0 / cfg.fps;
    let mut looped = track.frames.clone();
    looped.extend(track.frames.iter().map(|f| {
        let mut g = f.clone();
        g.t_ms += span;
        g
    }));
    // The pose model smooths the jump over a few frames: blend the first frames of the loop
    // from the last pose of the first pass.
    let n = track.frames.len();
    let last = track.frames[n - 1].clone();
    for (j, w) in [0.25, 0.5, 0.75].into_iter().enumerate() {
        let f = &mut looped[n + j];
        if f.has_person() && last.has_person() {
            for (l, m) in f.landmarks.iter_mut().zip(&last.landmarks) {
                l.x = m.x + w * (l.x - m.x);
                l.y = m.y + w * (l.y - m.y);
            }
        }
    }
    // And a glitch: one frame mid-standing replaced by a deep-hinge frame from a rep bottom.
    let bottom = track
        .frames
        .iter()
        .find(|f| (f.t_ms / 1000.0 - track.truth.reps[1].bottom_s).abs() < 0.02)
        .unwrap()
        .clone();
    let k = 30;
    looped[k] = hingecheck::pose::PoseFrame {
        t_ms: looped[k].t_ms,
        ..bottom
    };
    let pt = posetrack::from_frames(looped, Some(cfg.fps), Default::default());
    let r = analyse_track(&pt, Settings::default());
    assert_eq!(r.summary.rep_count, 8, "{:?}", r.notes);
    assert!(
        r.notes.iter().any(|n| n.contains("jumped")),
        "{:?}",
        r.notes
    );
}
