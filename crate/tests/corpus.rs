//! The accuracy benchmark on lifts of many people: `../shared/data/corpus` (172 labelled
//! tracks, six sources) and the development tracks (`tests/data/dev-labels.json`, labels of
//! our own over `../shared/data/tracks`), scored as `hingecheck eval` scores them, pooled and
//! leave-one-source-out. A regression guard, not a timed test: it fails when the figures fall
//! below where they stand, and when the thresholds the product ships are not the ones the fit
//! gives on this data. Without `../shared` it says so and checks nothing.

use hingecheck::coach::fit::{self, Rulebook};
use hingecheck::eval::{self, Evaluation};
use std::path::PathBuf;

fn labels() -> Option<Vec<PathBuf>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let corpus = root.join("../shared/data/corpus/labels.json");
    if !corpus.is_file() {
        eprintln!(
            "SKIPPED: ../shared/data/corpus is absent; the multi-lifter benchmark is not run"
        );
        println!("SKIPPED: ../shared/data/corpus is absent; the multi-lifter benchmark is not run");
        return None;
    }
    Some(vec![corpus, root.join("tests/data/dev-labels.json")])
}

fn runs(files: &[PathBuf]) -> Vec<eval::ClipRun> {
    let mut runs = Vec::new();
    for f in files {
        let list = eval::read_labels(f).unwrap_or_else(|e| panic!("{e}"));
        runs.extend(eval::run_all(&list, f.parent().unwrap()));
    }
    assert!(
        runs.iter().all(|r| r.error.is_none()),
        "unreadable tracks: {:?}",
        runs.iter()
            .filter_map(|r| r.error.clone())
            .collect::<Vec<_>>()
    );
    runs
}

fn evaluate(files: &[PathBuf]) -> Evaluation {
    let ev = eval::evaluate(&runs(files));
    eprintln!("{}", ev.table(true));
    ev
}

#[test]
fn the_corpus_meets_the_bar_pooled_and_leaving_each_source_out() {
    let Some(files) = labels() else { return };
    let ev = evaluate(&files);
    let (m, l) = (ev.mean, ev.loso_mean);
    // Rep counts: exact on ≥ 95 % of clips, averaged over sources.
    assert!(
        m.rep_exact_pct >= 95.0,
        "rep counts exact {:.0} %",
        m.rep_exact_pct
    );
    // False alarms on good lifts: ≤ 10 %, and a new source (left out of the fit) within 10
    // points of that.
    assert!(
        m.false_alarm_pct <= 10.0,
        "false alarms {:.0} %",
        m.false_alarm_pct
    );
    assert!(
        l.false_alarm_pct <= m.false_alarm_pct + 10.0,
        "false alarms leaving a source out {:.0} % vs pooled {:.0} %",
        l.false_alarm_pct,
        m.false_alarm_pct
    );
    // Faults found on bad lifts: not below where they stand (the bar, 60 %, is not
    // reached yet: see README "How well it works"), and a new source within 10 points.
    assert!(m.found_pct >= 35.0, "faults found {:.0} %", m.found_pct);
    assert!(
        (l.found_pct - m.found_pct).abs() <= 10.0,
        "faults found leaving a source out {:.0} % vs pooled {:.0} %",
        l.found_pct,
        m.found_pct
    );
}

#[test]
fn the_corpus_alone_keeps_false_alarms_down() {
    let Some(files) = labels() else { return };
    let ev = evaluate(&files[..1]);
    assert!(ev.mean.rep_exact_pct >= 95.0, "{:?}", ev.mean);
    assert!(ev.mean.false_alarm_pct <= 10.0, "{:?}", ev.mean);
    // The bar, on the corpus alone: a source left out of the fit (a new lifter, camera
    // and pose model) gets false alarms and finds faults within 10 points of the pooled figures.
    let (m, l) = (ev.mean, ev.loso_mean);
    assert!(
        l.false_alarm_pct <= m.false_alarm_pct + 10.0,
        "corpus alone: false alarms leaving a source out {:.0} % vs pooled {:.0} %",
        l.false_alarm_pct,
        m.false_alarm_pct
    );
    assert!(
        (l.found_pct - m.found_pct).abs() <= 10.0,
        "corpus alone: faults found leaving a source out {:.0} % vs pooled {:.0} %",
        l.found_pct,
        m.found_pct
    );
}

/// The thresholds the product ships are what the fit gives on all the labelled lifts.
#[test]
fn the_shipped_thresholds_are_the_fit() {
    let Some(files) = labels() else { return };
    let runs = runs(&files);
    let reps = eval::training(runs.iter());
    let (fitted, notes) = fit::fit(&reps);
    let shipped = Rulebook::shipped();
    let close = |a: f64, b: f64| (a == b) || (a - b).abs() <= 1e-3 * a.abs().max(1.0);
    for n in notes.iter().filter(|n| {
        n.fitted || n.band != n.est || n.view == hingecheck::coach::rules::ViewClass::Oblique
    }) {
        let rule = hingecheck::coach::rules::FITTED
            .iter()
            .find(|r| r.name == n.rule)
            .unwrap();
        let mut s = shipped.group(n.view, n.group);
        let mut f = fitted.group(n.view, n.group);
        let (sb, fb) = (*(rule.band)(&mut s), *(rule.band)(&mut f));
        assert!(
            close(sb.warn, fb.warn) && close(sb.fault, fb.fault),
            "{} ({:?}): shipped {:?}, fit {:?} — regenerate with \
             `cargo test --release --test corpus -- --ignored print_fit`",
            n.rule,
            n.group,
            sb,
            fb
        );
    }
}

/// Prints the fitted values as `coach::thresholds::fitted::VALUES`.
#[test]
#[ignore]
fn print_fit() {
    let Some(files) = labels() else { return };
    let runs = runs(&files);
    let (_, notes) = fit::fit(&eval::training(runs.iter()));
    println!("{}", fit::as_source(&notes));
}

/// The page's own tracks of the corpus videos (the browser pose model with person masks, made
/// by `tools/mask-tracks.sh` into a cache outside the repository): the benchmark as a user who
/// opens these videos in Clip mode meets it, the back judged from its outline. Skipped, with a
/// message, when the cache does not hold a track for every video of the barbell sources.
#[test]
fn through_the_page_the_backs_outline_finds_rounded_backs_without_false_alarms() {
    let Some(files) = labels() else { return };
    let dir = eval::page_tracks_cache().unwrap_or_default();
    let own = eval::tracks_in(&dir).unwrap_or_default();
    let list = eval::read_labels(&files[0]).unwrap_or_else(|e| panic!("{e}"));
    let with_video: Vec<&eval::Label> = list.iter().filter(|l| l.id.starts_with("bbdl-")).collect();
    let missing: Vec<&str> = with_video
        .iter()
        .filter(|l| !own.contains_key(&l.id))
        .map(|l| l.id.as_str())
        .collect();
    if !missing.is_empty() {
        let msg = format!(
            "SKIPPED: the page's tracks of {} corpus videos are not in {} (make them with tools/mask-tracks.sh)",
            missing.len(),
            dir.display()
        );
        eprintln!("{msg}");
        println!("{msg}");
        return;
    }
    let runs = eval::run_all_with(&list, files[0].parent().unwrap(), &own);
    assert!(runs.iter().all(|r| r.error.is_none()));
    let ev = eval::evaluate(&runs);
    eprintln!("{}", ev.table(false));
    let through_page: Vec<_> = ev.clips.iter().filter(|c| c.own_track).collect();
    assert!(through_page.len() >= with_video.len());
    // No more false alarms through the page than the bar allows, on every source read there
    // and averaged, pooled and leaving each source out.
    for (name, f) in ev.sources.iter().chain(&ev.loso_sources) {
        if through_page.iter().any(|c| &c.source == name) {
            assert!(
                f.false_alarms * 10 <= f.good,
                "{name}: false alarms {} of {} good clips through the page",
                f.false_alarms,
                f.good
            );
        }
    }
    assert!(ev.mean.false_alarm_pct <= 10.0, "{:?}", ev.mean);
    assert!(ev.loso_mean.false_alarm_pct <= 10.0, "{:?}", ev.loso_mean);
    // Rep counts exact on ≥ 95 % of clips, averaged over sources: the edited social-media
    // clips' cuts, title frames and a lifter leaving the picture, as the browser model reads
    // them.
    assert!(ev.mean.rep_exact_pct >= 95.0, "{:?}", ev.mean);
    // The rounded backs (labelled from the spine line drawn on the skin) are found from the
    // back's outline: what the tracks alone cannot show.
    for c in ev
        .clips
        .iter()
        .chain(&ev.loso_clips)
        .filter(|c| c.class == "rounded_back")
    {
        assert_eq!(c.fault_found, Some(true), "{}: {:?}", c.id, c.reps);
    }
    // Faults found, averaged over sources: not below where they stand through the page (52 %,
    // leaving each source out 48 %; the bar, 60 %, is not reached: README).
    assert!(ev.mean.found_pct >= 45.0, "{:?}", ev.mean);
    assert!(ev.loso_mean.found_pct >= 45.0, "{:?}", ev.loso_mean);
    assert!((ev.mean.found_pct - ev.loso_mean.found_pct).abs() <= 10.0);
}
