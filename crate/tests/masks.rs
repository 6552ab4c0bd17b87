//! The back's outline on real masks (issue 10): posetracks with the browser pose model's
//! segmentation masks, made from the real videos in `../shared/data` by `tools/mask-tracks.sh`
//! into a cache outside the repository (`hingecheck::eval::page_tracks_cache`:
//! `$HINGECHECK_MASK_TRACKS`, else under `$XDG_CACHE_HOME` or `~/.cache`; `tools/test.sh` makes
//! them before the native tests). Skipped, with a message, when the cache is absent.
//!
//! - The shirtless barbell pulls labelled `rounded_back` (the spine line drawn on the skin) get
//!   `rounded_back` as a fault; the same lifter's good pulls do not.
//! - A lifter in a loose hoodie: the rounded set gets `rounded_back` as a fault on 7 of its 10
//!   reps at least, the correct set on 1 at most, the hips-first set not on most.
//!
//! Each rep's spine bend (ΔΣ, what the rule judges) and lumbar curve (ΔΛ) at the bottom are
//! printed.

use hingecheck::report::{FaultCode, Report, Severity};
use hingecheck::{analyse_track, Exercise, Settings};
use std::path::PathBuf;

fn cache() -> Option<PathBuf> {
    let dir = hingecheck::eval::page_tracks_cache()?;
    if dir
        .join("kb-deadlift-r-side.full.posetrack.json.gz")
        .exists()
    {
        Some(dir)
    } else {
        eprintln!(
            "SKIPPED: no mask tracks in {} (make them with tools/mask-tracks.sh)",
            dir.display()
        );
        None
    }
}

fn analyse(dir: &std::path::Path, id: &str, exercise: Exercise) -> Report {
    let path = dir.join(format!("{id}.full.posetrack.json.gz"));
    let track = hingecheck::pose::posetrack::read_file(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let r = analyse_track(
        &track,
        Settings {
            exercise,
            ..Default::default()
        },
    );
    let proxies: Vec<String> = r
        .reps
        .iter()
        .map(|x| {
            let flag = x
                .faults
                .iter()
                .find(|f| f.code == FaultCode::RoundedBack)
                .map_or("", |f| {
                    if f.severity == Severity::Fault {
                        "!"
                    } else {
                        "?"
                    }
                });
            match (
                x.metrics.get("spine_bend_deg"),
                x.metrics.get("lumbar_flexion_deg"),
            ) {
                (Some(b), Some(l)) => format!("{b:.0}°/{l:.0}°{flag}"),
                _ => "–".to_string(),
            }
        })
        .collect();
    eprintln!(
        "{id}: spine bend / lumbar curve at the bottom of each rep (! fault, ? warning): {}",
        proxies.join(" ")
    );
    r
}

fn rounded(r: &Report) -> usize {
    r.reps
        .iter()
        .filter(|x| {
            x.faults
                .iter()
                .any(|f| f.code == FaultCode::RoundedBack && f.severity == Severity::Fault)
        })
        .count()
}

#[test]
fn rounded_backs_on_real_masks_are_faults_and_good_backs_are_not() {
    let Some(dir) = cache() else { return };
    for id in ["bbdl-b-bad007", "bbdl-b-bad008"] {
        let r = analyse(&dir, id, Exercise::Deadlift);
        assert!(!r.reps.is_empty());
        assert_eq!(
            rounded(&r),
            r.reps.len(),
            "{id}: the rounded back is a fault"
        );
    }
    for id in ["bbdl-b-good014", "bbdl-b-good015"] {
        let r = analyse(&dir, id, Exercise::Deadlift);
        assert!(!r.reps.is_empty());
        assert!(
            !r.reps
                .iter()
                .any(|x| x.faults.iter().any(|f| f.code == FaultCode::RoundedBack)),
            "{id}: a good back is not called rounded"
        );
    }
    let c = analyse(&dir, "kb-deadlift-c-side", Exercise::KettlebellDeadlift);
    let r = analyse(&dir, "kb-deadlift-r-side", Exercise::KettlebellDeadlift);
    let h = analyse(&dir, "kb-deadlift-h-side", Exercise::KettlebellDeadlift);
    eprintln!(
        "rounded_back faults: correct set {}/{}, rounded set {}/{}, hips-first set {}/{}",
        rounded(&c),
        c.reps.len(),
        rounded(&r),
        r.reps.len(),
        rounded(&h),
        h.reps.len()
    );
    assert!(rounded(&c) <= 1, "the correct set is not called rounded");
    assert!(
        rounded(&r) >= 7 && r.reps.len() <= 11,
        "the rounded set: 7 of its 10 reps at least"
    );
    // The report says what the back was judged from: its outline, not the landmarks alone.
    assert!(
        r.notes
            .iter()
            .any(|n| n.contains("outline in the person mask")),
        "{:?}",
        r.notes
    );
    assert!(
        2 * rounded(&h) < h.reps.len(),
        "the hips-first set is not called rounded on most reps"
    );
}

/// A pull that opens at the bottom: its back can only be read against the lifter's standing,
/// seen after the lockout. The rep is told with its back judged — crane, `rounded_back` as a
/// fault — long before the recording ends: either it arrives once the standing is seen, or it
/// arrives earlier without a back item and is told again (`rep_revised`) once it is. The final
/// report is what the lifter was last told.
#[test]
fn a_rep_that_opens_at_the_bottom_is_told_with_its_back_once_standing_is_seen() {
    let Some(dir) = cache() else { return };
    let path = dir.join("bbdl-b-bad007.full.posetrack.json.gz");
    let track = hingecheck::pose::posetrack::read_file(&path).unwrap();
    let mut a = hingecheck::Analyzer::new(Settings {
        exercise: Exercise::Deadlift,
        ..Default::default()
    });
    let (mut arrived, mut revised) = (Vec::new(), Vec::new());
    for f in &track.frames {
        let Ok(live) = a.push(f) else { continue };
        let (new, again) = (live.new_rep, live.rep_revised);
        if new || again {
            let ev = a.latest_rep().expect("a rep event");
            let at = (f.t_ms / 1000.0, ev.report);
            if new {
                arrived.push(at);
            } else {
                revised.push(at);
            }
        }
    }
    let end = track.frames.last().unwrap().t_ms / 1000.0;
    let report = a.finish();
    assert_eq!(arrived.len(), 1, "one rep arrives");
    let rounded = |r: &hingecheck::report::RepReport| {
        r.faults
            .iter()
            .any(|f| f.code == FaultCode::RoundedBack && f.severity == Severity::Fault)
    };
    let (t_told, told) = if rounded(&arrived[0].1) {
        assert!(revised.is_empty(), "told once: {revised:?}");
        &arrived[0]
    } else {
        assert!(
            !arrived[0].1.metrics.contains_key("lumbar_flexion_deg"),
            "an earlier arrival's back waits for standing"
        );
        assert_eq!(revised.len(), 1, "told again once: {revised:?}");
        &revised[0]
    };
    println!(
        "arrived {:.2} s ({:?}), told {t_told:.2} s (end {end:.2} s): {:?}, {}",
        arrived[0].0, arrived[0].1.verdict, told.verdict, told.message
    );
    assert!(
        *t_told < end - 1.0,
        "told mid-set ({t_told:.2} s of {end:.2} s)"
    );
    assert_eq!(told.verdict, hingecheck::Verdict::Crane);
    assert!(rounded(told));
    assert_eq!(
        &report.reps[0], told,
        "the final report is what the lifter was told"
    );
}
