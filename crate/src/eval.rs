//! The accuracy benchmark: every labelled track of a corpus (`labels.json`, the layout of
//! `../shared/data/corpus`) through the analysis with its lift, scored against its label —
//! rep counts, false alarms on good lifts, faults found on bad ones, and the share of reps the
//! camera could not judge — per clip, per source and averaged over sources, pooled and
//! leave-one-source-out (every number tuned on the corpus tuned again without the source being
//! scored). `hingecheck eval` prints it; a test holds the figures above a bar.

use crate::analyzer::{Analyzer, Settings};
pub use crate::coach::fit::Expect;
use crate::coach::fit::{self, Rulebook, TrainingRep};
use crate::coach::judge::judge;
use crate::coach::lift::{Exercise, Lift};
use crate::coach::measure::RepMeasure;
use crate::coach::rules::ViewClass;
use crate::pose::posetrack;
use crate::report::{FaultCode, Severity, Verdict};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One labelled clip (an entry of `labels.json`).
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct Label {
    #[serde(default)]
    pub id: String,
    pub source: String,
    pub exercise: String,
    pub view: String,
    pub class: String,
    pub reps: u32,
    #[serde(default)]
    pub lifter: Option<String>,
    #[serde(default)]
    pub notes: String,
    pub track: String,
}

impl Label {
    pub fn expect(&self) -> Expect {
        match self.class.as_str() {
            "correct" => Expect::Good,
            "bad" => Expect::Bad,
            c => serde_json::from_value::<FaultCode>(serde_json::Value::String(c.to_string()))
                .map(Expect::Fault)
                .unwrap_or(Expect::CountOnly),
        }
    }
    /// The lift to analyse the clip as; `None` for movements that are not a hinge lift (a row
    /// from a hinge hold): no hinge reps are expected there.
    pub fn exercise(&self) -> Option<Exercise> {
        match self.exercise.as_str() {
            "deadlift" | "barbell-deadlift" => Some(Exercise::Deadlift),
            "kettlebell-deadlift" | "kettlebell_deadlift" => Some(Exercise::KettlebellDeadlift),
            "swing" => Some(Exercise::Swing),
            "rdl" | "sldl" | "stiff-leg-deadlift" => Some(Exercise::Rdl),
            "clean" => Some(Exercise::Clean),
            _ => None,
        }
    }
    /// Hinge reps the analysis should count.
    pub fn expected_reps(&self) -> u32 {
        if self.exercise().is_some() {
            self.reps
        } else {
            0
        }
    }
}

/// Reads `labels.json`: an object of id → label.
pub fn read_labels(path: &Path) -> Result<Vec<Label>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let map: BTreeMap<String, Label> = serde_json::from_str(&text)
        .map_err(|e| format!("{}: not a labels file: {e}", path.display()))?;
    if map.is_empty() {
        return Err(format!("{}: no labelled clips", path.display()));
    }
    Ok(map
        .into_iter()
        .map(|(id, mut l)| {
            l.id = id;
            l
        })
        .collect())
}

/// The source a clip comes from: the repository (or name) its `source` starts with.
pub fn source_key(l: &Label) -> String {
    l.source
        .split(['@', ' '])
        .next()
        .unwrap_or(&l.source)
        .to_string()
}

/// A short name for a source: the ids' common prefix (`bbdl-b`, `kinect`), else its key.
fn source_names(labels: &[Label]) -> BTreeMap<String, String> {
    let mut ids: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for l in labels {
        ids.entry(source_key(l)).or_default().push(&l.id);
    }
    ids.into_iter()
        .map(|(k, v)| {
            let first = v[0];
            let mut n = first.len();
            for id in &v[1..] {
                n = n.min(
                    first
                        .chars()
                        .zip(id.chars())
                        .take_while(|(a, b)| a == b)
                        .count(),
                );
            }
            let prefix = first[..n].trim_end_matches(|c: char| c != '-' && c != '_');
            let prefix = prefix.trim_end_matches(['-', '_']);
            let name = if prefix.is_empty() || v.len() == 1 {
                k.rsplit('/').next().unwrap_or(&k).to_string()
            } else {
                prefix.to_string()
            };
            (k, name)
        })
        .collect()
}

/// One clip through the analysis.
#[derive(Clone, Debug)]
pub struct ClipRun {
    pub label: Label,
    pub source: String,
    /// The counted reps: what was measured and the lift they were judged as.
    pub reps: Vec<(RepMeasure, Lift)>,
    /// The lift `auto` settles on for the same track (short clips included).
    pub auto_lift: Option<Lift>,
    /// The pose model the track came from (`metadata.model`; BlazePose when unsaid). Every
    /// source sets thresholds: each is real lifters seen by a real sensor, and a rule must hold
    /// for all of them.
    pub pose_model: String,
    /// The track was read from a `--tracks` folder (the page's own track of the clip's video),
    /// not the labels file's.
    pub own_track: bool,
    pub error: Option<String>,
}

/// Tracks that stand in for labelled ones: in `dir`, `ID.posetrack.json[.gz]` or
/// `ID.NAME.posetrack.json[.gz]` (what `tools/mask-tracks.sh` writes: the page's own track of a
/// clip's video, with the person masks the back's outline is read from). The first name in
/// sorted order wins where a clip has several.
pub fn tracks_in(dir: &Path) -> Result<BTreeMap<String, PathBuf>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.ends_with(".posetrack.json") || n.ends_with(".posetrack.json.gz"))
        .collect();
    names.sort();
    let mut out = BTreeMap::new();
    for n in names {
        let stem = n.split(".posetrack.json").next().unwrap_or(&n);
        let id = stem.split('.').next().unwrap_or(stem);
        out.entry(id.to_string()).or_insert_with(|| dir.join(&n));
    }
    Ok(out)
}

/// Where `tools/mask-tracks.sh` keeps the page's tracks: `$HINGECHECK_MASK_TRACKS`, else
/// `$XDG_CACHE_HOME/hingecheck/mask-tracks`, else `~/.cache/hingecheck/mask-tracks`.
pub fn page_tracks_cache() -> Option<PathBuf> {
    let var = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    var("HINGECHECK_MASK_TRACKS")
        .or_else(|| var("XDG_CACHE_HOME").map(|c| c.join("hingecheck/mask-tracks")))
        .or_else(|| var("HOME").map(|h| h.join(".cache/hingecheck/mask-tracks")))
}

/// Runs every labelled track (paths relative to the labels file's folder).
pub fn run_all(labels: &[Label], base: &Path) -> Vec<ClipRun> {
    run_all_with(labels, base, &BTreeMap::new())
}

/// Runs every labelled track, reading a clip's track from `own` where it has one there
/// (`tracks_in`).
pub fn run_all_with(
    labels: &[Label],
    base: &Path,
    own: &BTreeMap<String, PathBuf>,
) -> Vec<ClipRun> {
    let names = source_names(labels);
    labels
        .iter()
        .map(|l| {
            let source = names
                .get(&source_key(l))
                .cloned()
                .unwrap_or_else(|| source_key(l));
            let own_path = own.get(&l.id);
            let own_track = own_path.is_some();
            let path: PathBuf = own_path.cloned().unwrap_or_else(|| base.join(&l.track));
            match posetrack::read_file(&path) {
                Err(e) => ClipRun {
                    label: l.clone(),
                    source,
                    reps: Vec::new(),
                    auto_lift: None,
                    pose_model: String::new(),
                    own_track,
                    error: Some(format!("{}: {e}", path.display())),
                },
                Ok(track) => {
                    let run = |exercise: Exercise| {
                        let mut a = Analyzer::new(Settings {
                            exercise,
                            ..Default::default()
                        });
                        for f in &track.frames {
                            let _ = a.push(f);
                        }
                        a.finish();
                        a
                    };
                    let reps = match l.exercise() {
                        Some(e) => run(e).counted_measures(),
                        None => {
                            // Not a hinge lift: whatever auto counts as hinge reps.
                            let a = run(Exercise::Auto);
                            a.counted_measures()
                        }
                    };
                    let auto_lift = run(Exercise::Auto).lift();
                    let pose_model = track
                        .meta
                        .extra
                        .get("model")
                        .and_then(|v| v.as_str())
                        .unwrap_or("blazepose")
                        .to_ascii_lowercase();
                    ClipRun {
                        label: l.clone(),
                        source,
                        reps,
                        auto_lift,
                        pose_model,
                        own_track,
                        error: None,
                    }
                }
            }
        })
        .collect()
}

/// One judged rep, as scored.
#[derive(Clone, Debug, Serialize)]
pub struct RepOutcome {
    pub verdict: Verdict,
    /// Codes with their severity: `code!` fault, `code?` warning.
    pub faults: Vec<String>,
}

/// One clip, scored.
#[derive(Clone, Debug, Serialize)]
pub struct ClipOutcome {
    pub id: String,
    pub source: String,
    pub view: String,
    pub class: String,
    pub exercise: String,
    pub reps_labelled: u32,
    pub reps_found: u32,
    pub rep_count_exact: bool,
    /// Good clips: a fault-severity item or a crane on any rep.
    pub false_alarm: Option<bool>,
    /// Bad clips with complete reps: the label's fault on most reps.
    pub fault_found: Option<bool>,
    pub unclear: u32,
    pub reps: Vec<RepOutcome>,
    pub expected: String,
    pub auto_lift: Option<String>,
    pub lift_detected_right: Option<bool>,
    /// Read from a `--tracks` folder (the page's own track of the video), not the labels'.
    pub own_track: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

fn label_lift(l: &Label) -> Option<Lift> {
    l.exercise().and_then(Lift::forced)
}

/// Judges a clip's reps with a rulebook and scores them against its label.
pub fn score_clip(run: &ClipRun, book: &Rulebook) -> ClipOutcome {
    let l = &run.label;
    let reps: Vec<RepOutcome> = run
        .reps
        .iter()
        .map(|(m, lift)| {
            let j = judge(m, *lift, &book.for_lift(*lift, ViewClass::of(m)), None);
            RepOutcome {
                verdict: j.verdict,
                faults: j
                    .faults
                    .iter()
                    .map(|f| {
                        format!(
                            "{}{}",
                            f.code.as_str(),
                            if f.severity == Severity::Fault {
                                "!"
                            } else {
                                "?"
                            }
                        )
                    })
                    .collect(),
            }
        })
        .collect();
    let n = reps.len() as u32;
    let expect = l.expect();
    let any_fault = |r: &RepOutcome| r.faults.iter().any(|f| f.ends_with('!'));
    let false_alarm = (expect == Expect::Good && l.exercise().is_some()).then(|| {
        reps.iter()
            .any(|r| r.verdict == Verdict::Crane || any_fault(r))
    });
    let hit = |r: &RepOutcome| match expect {
        Expect::Bad => r.verdict == Verdict::Crane || any_fault(r),
        Expect::Fault(code) => {
            (code.is_crane() && r.verdict == Verdict::Crane)
                || r.faults
                    .iter()
                    .any(|f| f.trim_end_matches(['!', '?']) == code.as_str())
        }
        _ => false,
    };
    let fault_found = (matches!(expect, Expect::Bad | Expect::Fault(_)) && l.expected_reps() > 0)
        .then(|| n > 0 && 2 * reps.iter().filter(|r| hit(r)).count() as u32 > n);
    let expected = match expect {
        Expect::Good => "no fault, no crane".to_string(),
        Expect::Bad => "a fault or crane".to_string(),
        Expect::Fault(c) if c.is_crane() => format!("{} or crane", c.as_str()),
        Expect::Fault(c) => c.as_str().to_string(),
        Expect::CountOnly => "count only".to_string(),
    };
    let want_lift = label_lift(l);
    ClipOutcome {
        id: l.id.clone(),
        source: run.source.clone(),
        view: l.view.clone(),
        class: l.class.clone(),
        exercise: l.exercise.clone(),
        reps_labelled: l.expected_reps(),
        reps_found: n,
        rep_count_exact: n == l.expected_reps(),
        false_alarm,
        fault_found,
        unclear: reps
            .iter()
            .filter(|r| r.verdict == Verdict::Unclear)
            .count() as u32,
        reps,
        expected,
        auto_lift: run.auto_lift.map(|l| l.name().to_string()),
        lift_detected_right: want_lift.map(|w| {
            // An RDL label covers stiff-leg and single-leg variants.
            let got = run.auto_lift;
            // (A kettlebell deadlift auto-detects as a deadlift: the camera cannot tell the
            // implement.)
            got == Some(w)
                || (w == Lift::Rdl && got == Some(Lift::SingleLegRdl))
                || (w == Lift::KettlebellDeadlift && got == Some(Lift::Deadlift))
        }),
        own_track: run.own_track,
        error: run.error.clone(),
    }
}

/// Figures for a group of clips (a source, or all).
#[derive(Clone, Debug, Default, Serialize)]
pub struct Figures {
    pub clips: u32,
    pub rep_exact: u32,
    pub good: u32,
    pub false_alarms: u32,
    pub bad: u32,
    pub found: u32,
    pub reps: u32,
    pub unclear: u32,
    pub lift_known: u32,
    pub lift_right: u32,
}

impl Figures {
    pub fn of<'a>(clips: impl Iterator<Item = &'a ClipOutcome>) -> Figures {
        let mut f = Figures::default();
        for c in clips {
            f.clips += 1;
            f.rep_exact += c.rep_count_exact as u32;
            if let Some(fa) = c.false_alarm {
                f.good += 1;
                f.false_alarms += fa as u32;
            }
            if let Some(found) = c.fault_found {
                f.bad += 1;
                f.found += found as u32;
            }
            f.reps += c.reps_found;
            f.unclear += c.unclear;
            if let Some(r) = c.lift_detected_right {
                f.lift_known += 1;
                f.lift_right += r as u32;
            }
        }
        f
    }
    pub fn rep_exact_pct(&self) -> Option<f64> {
        pct(self.rep_exact, self.clips)
    }
    pub fn false_alarm_pct(&self) -> Option<f64> {
        pct(self.false_alarms, self.good)
    }
    pub fn found_pct(&self) -> Option<f64> {
        pct(self.found, self.bad)
    }
    pub fn unclear_pct(&self) -> Option<f64> {
        pct(self.unclear, self.reps)
    }
    pub fn lift_pct(&self) -> Option<f64> {
        pct(self.lift_right, self.lift_known)
    }
}

fn pct(a: u32, b: u32) -> Option<f64> {
    (b > 0).then(|| 100.0 * a as f64 / b as f64)
}

/// The mean over sources of each percentage (sources without that kind of clip left out).
#[derive(Clone, Copy, Debug, Default, Serialize, PartialEq)]
pub struct Means {
    pub rep_exact_pct: f64,
    pub false_alarm_pct: f64,
    pub found_pct: f64,
    pub unclear_pct: f64,
    pub lift_pct: f64,
}

impl Means {
    pub fn of(sources: &[(String, Figures)]) -> Means {
        let mean = |f: fn(&Figures) -> Option<f64>| {
            let v: Vec<f64> = sources.iter().filter_map(|(_, s)| f(s)).collect();
            if v.is_empty() {
                f64::NAN
            } else {
                v.iter().sum::<f64>() / v.len() as f64
            }
        };
        Means {
            rep_exact_pct: mean(Figures::rep_exact_pct),
            false_alarm_pct: mean(Figures::false_alarm_pct),
            found_pct: mean(Figures::found_pct),
            unclear_pct: mean(Figures::unclear_pct),
            lift_pct: mean(Figures::lift_pct),
        }
    }
}

/// The whole benchmark.
#[derive(Clone, Debug, Serialize)]
pub struct Evaluation {
    /// Pooled: the rulebook fitted on every source.
    pub clips: Vec<ClipOutcome>,
    pub sources: Vec<(String, Figures)>,
    pub mean: Means,
    /// Leave-one-source-out: each source scored with a rulebook fitted without it.
    pub loso_clips: Vec<ClipOutcome>,
    pub loso_sources: Vec<(String, Figures)>,
    pub loso_mean: Means,
    /// The same split by the labels' view (side, oblique, front), pooled and left-one-out.
    pub views: Vec<(String, Figures)>,
    pub loso_views: Vec<(String, Figures)>,
    /// The pooled fit: each tuned number and how it was set.
    pub fit: Vec<fit::FitNote>,
}

fn by(clips: &[ClipOutcome], key: impl Fn(&ClipOutcome) -> &str) -> Vec<(String, Figures)> {
    let mut names: Vec<String> = clips.iter().map(|c| key(c).to_string()).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .map(|n| {
            let f = Figures::of(clips.iter().filter(|c| key(c) == n));
            (n, f)
        })
        .collect()
}

/// What the fit learns from: every counted rep of every clip with a form label.
pub fn training<'a>(runs: impl Iterator<Item = &'a ClipRun>) -> Vec<TrainingRep<'a>> {
    runs.flat_map(|r| {
        let expect = r.label.expect();
        r.reps.iter().map(move |(m, lift)| TrainingRep {
            source: &r.source,
            clip: &r.label.id,
            expect,
            lift: *lift,
            measure: m,
        })
    })
    .collect()
}

/// Scores runs: pooled (fitted on all) and leave-one-source-out.
pub fn evaluate(runs: &[ClipRun]) -> Evaluation {
    let (book, notes) = fit::fit(&training(runs.iter()));
    let clips: Vec<ClipOutcome> = runs.iter().map(|r| score_clip(r, &book)).collect();
    let sources = by(&clips, |c| &c.source);
    let mut loso_clips = Vec::new();
    for (name, _) in &sources {
        let (held_out, rest): (Vec<&ClipRun>, Vec<&ClipRun>) =
            runs.iter().partition(|r| &r.source == name);
        let (book, _) = fit::fit(&training(rest.into_iter()));
        loso_clips.extend(held_out.iter().map(|r| score_clip(r, &book)));
    }
    loso_clips.sort_by(|a, b| a.id.cmp(&b.id));
    let loso_sources = by(&loso_clips, |c| &c.source);
    Evaluation {
        mean: Means::of(&sources),
        views: by(&clips, |c| &c.view),
        loso_views: by(&loso_clips, |c| &c.view),
        clips,
        sources,
        loso_mean: Means::of(&loso_sources),
        loso_clips,
        loso_sources,
        fit: notes,
    }
}

/// Every counted rep's measurement as JSON lines (for studying the rules).
pub fn dump_reps(runs: &[ClipRun]) -> String {
    let mut out = String::new();
    for r in runs {
        for (k, (m, lift)) in r.reps.iter().enumerate() {
            let line = serde_json::json!({
                "id": r.label.id, "source": r.source, "view": r.label.view,
                "class": r.label.class, "exercise": r.label.exercise, "rep": k + 1,
                "lift": lift.name(), "m": m,
            });
            out.push_str(&line.to_string());
            out.push('\n');
        }
    }
    out
}

fn fmt_pct(v: Option<f64>) -> String {
    v.map_or("   –".to_string(), |v| format!("{v:4.0}"))
}

fn fmt_frac(a: u32, b: u32) -> String {
    if b == 0 {
        "   –   ".to_string()
    } else {
        format!("{a:>3}/{b:<3}")
    }
}

impl Evaluation {
    /// The report as a coach reads it: per clip (unless `by_source_only`), per source (pooled
    /// beside leave-one-source-out), by view, and one closing line.
    pub fn table(&self, by_source_only: bool) -> String {
        let mut s = String::new();
        let own = self.clips.iter().filter(|c| c.own_track).count();
        if own > 0 {
            s.push_str(&format!(
                "{own} of {} clips read from the --tracks folder (marked *): the page's own tracks of their videos, masks included where the page made them\n\n",
                self.clips.len()
            ));
        }
        if !by_source_only {
            s.push_str("clip                             view     label           reps  verdicts (E/C/U)  faults seen                          expected → result\n");
            for c in &self.clips {
                let count = |v: Verdict| c.reps.iter().filter(|r| r.verdict == v).count();
                let mut faults: BTreeMap<&str, usize> = BTreeMap::new();
                for r in &c.reps {
                    for f in &r.faults {
                        *faults.entry(f.as_str()).or_default() += 1;
                    }
                }
                let faults = faults
                    .iter()
                    .map(|(f, n)| format!("{f}×{n}"))
                    .collect::<Vec<_>>()
                    .join(" ");
                let result = match (c.false_alarm, c.fault_found) {
                    (Some(true), _) => "FALSE ALARM",
                    (Some(false), _) => "ok",
                    (_, Some(true)) => "found",
                    (_, Some(false)) => "missed",
                    _ => "",
                };
                let count_mark = if c.rep_count_exact { " " } else { "≠" };
                s.push_str(&format!(
                    "{:<32} {:<8} {:<15} {:>2}/{:<2}{} {:>2}/{:>2}/{:>2}          {:<36} {} → {}{}\n",
                    truncate(&format!("{}{}", c.id, if c.own_track { "*" } else { "" }), 32),
                    c.view,
                    truncate(&c.class, 15),
                    c.reps_found,
                    c.reps_labelled,
                    count_mark,
                    count(Verdict::Engine),
                    count(Verdict::Crane),
                    count(Verdict::Unclear),
                    truncate(&faults, 36),
                    c.expected,
                    result,
                    c.error
                        .as_ref()
                        .map(|e| format!(" (error: {e})"))
                        .unwrap_or_default(),
                ));
            }
            s.push('\n');
        }
        s.push_str("source             clips  reps exact   false alarms   faults found   unclear reps   lift (auto)  |  leave-one-source-out: false alarms  faults found\n");
        for ((name, f), (_, lf)) in self.sources.iter().zip(&self.loso_sources) {
            s.push_str(&format!(
                "{:<18} {:>5}  {} {}%   {} {}%   {} {}%   {} {}%   {} {}% |  {} {}%   {} {}%\n",
                truncate(name, 18),
                f.clips,
                fmt_frac(f.rep_exact, f.clips),
                fmt_pct(f.rep_exact_pct()),
                fmt_frac(f.false_alarms, f.good),
                fmt_pct(f.false_alarm_pct()),
                fmt_frac(f.found, f.bad),
                fmt_pct(f.found_pct()),
                fmt_frac(f.unclear, f.reps),
                fmt_pct(f.unclear_pct()),
                fmt_frac(f.lift_right, f.lift_known),
                fmt_pct(f.lift_pct()),
                fmt_frac(lf.false_alarms, lf.good),
                fmt_pct(lf.false_alarm_pct()),
                fmt_frac(lf.found, lf.bad),
                fmt_pct(lf.found_pct()),
            ));
        }
        s.push_str("\nby view (the label's)  clips  reps exact   false alarms   faults found   unclear reps  |  leave-one-source-out: false alarms  faults found\n");
        for ((name, f), (_, lf)) in self.views.iter().zip(&self.loso_views) {
            s.push_str(&format!(
                "{:<21} {:>6}  {} {}%   {} {}%   {} {}%   {} {}% |  {} {}%   {} {}%\n",
                name,
                f.clips,
                fmt_frac(f.rep_exact, f.clips),
                fmt_pct(f.rep_exact_pct()),
                fmt_frac(f.false_alarms, f.good),
                fmt_pct(f.false_alarm_pct()),
                fmt_frac(f.found, f.bad),
                fmt_pct(f.found_pct()),
                fmt_frac(f.unclear, f.reps),
                fmt_pct(f.unclear_pct()),
                fmt_frac(lf.false_alarms, lf.good),
                fmt_pct(lf.false_alarm_pct()),
                fmt_frac(lf.found, lf.bad),
                fmt_pct(lf.found_pct()),
            ));
        }
        s.push_str("\nfitted thresholds (on the good lifts of every source; leave-one-source-out refits without the source scored)\n");
        for n in &self.fit {
            let fmt = |b: &crate::coach::thresholds::Band| format!("{:.3}/{:.3}", b.warn, b.fault);
            if n.fitted {
                let srcs = n
                    .sources
                    .iter()
                    .map(|(name, k, q)| format!("{name} {k}@{q:.2}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                s.push_str(&format!(
                    "  {:<28} {:<7} {:<16} warn/fault {:<16} (EST {}) noise {:.3}{} from {} sets, between sources {:.3}; good P90 per source: {}\n",
                    n.rule,
                    n.view.name(),
                    n.group.name(),
                    fmt(&n.band),
                    fmt(&n.est),
                    n.noise,
                    n.unit,
                    n.noise_sets,
                    n.between_sources,
                    srcs
                ));
            } else if n.view == ViewClass::Oblique {
                s.push_str(&format!(
                    "  {:<28} {:<7} {:<16} warn/fault {:<16} (side's {}, one noise width further out: {} oblique source(s) with good lifts, 3 needed to fit)\n",
                    n.rule,
                    n.view.name(),
                    n.group.name(),
                    fmt(&n.band),
                    fmt(&n.est),
                    n.sources.len(),
                ));
            } else {
                s.push_str(&format!(
                    "  {:<28} {:<7} {:<16} warn/fault {:<16} (EST {}; {} source(s) with good lifts: not fitted; fault line ≥ 2 × noise {:.3}{} beyond a sound rep or the warning)\n",
                    n.rule,
                    n.view.name(),
                    n.group.name(),
                    fmt(&n.band),
                    fmt(&n.est),
                    n.sources.len(),
                    n.noise,
                    n.unit,
                ));
            }
        }
        let (m, l) = (&self.mean, &self.loso_mean);
        s.push_str(&format!(
            "\nmean over {} sources: rep counts exact {:.0} %, false alarms {:.0} % of good clips (leave-one-source-out {:.0} %), faults found {:.0} % of bad clips (leave-one-source-out {:.0} %), unclear {:.0} % of reps, lift detected {:.0} %\n",
            self.sources.len(),
            m.rep_exact_pct,
            m.false_alarm_pct,
            l.false_alarm_pct,
            m.found_pct,
            l.found_pct,
            m.unclear_pct,
            m.lift_pct,
        ));
        s
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracks_in_names_each_clip_by_the_id_before_the_first_dot() {
        let dir = std::env::temp_dir().join(format!("hingecheck-tracks-in-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for n in [
            "bbdl-b-bad007.full.posetrack.json.gz",
            "bbdl-b-bad007.lite.posetrack.json.gz",
            "kinect-g-1-side.posetrack.json",
            "notes.txt",
            "bbdl-b-good014.mp4",
        ] {
            std::fs::write(dir.join(n), b"").unwrap();
        }
        let t = tracks_in(&dir).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(
            t.keys().collect::<Vec<_>>(),
            ["bbdl-b-bad007", "kinect-g-1-side"]
        );
        // Several tracks of one clip: the first in sorted order (full before lite).
        assert!(t["bbdl-b-bad007"].ends_with("bbdl-b-bad007.full.posetrack.json.gz"));
        assert!(tracks_in(Path::new("/no/such/folder")).is_err());
    }

    #[test]
    fn a_clip_without_its_own_track_keeps_the_labelled_one_and_a_bad_one_is_an_error() {
        let dir = std::env::temp_dir().join(format!("hingecheck-own-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("a.page.posetrack.json"), b"{not json").unwrap();
        let label = |id: &str| Label {
            id: id.into(),
            source: "src".into(),
            exercise: "deadlift".into(),
            view: "side".into(),
            class: "correct".into(),
            reps: 1,
            lifter: None,
            notes: String::new(),
            track: format!("{id}.posetrack.json"),
        };
        let own = tracks_in(&dir).unwrap();
        let runs = run_all_with(&[label("a"), label("b")], &dir, &own);
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(runs[0].own_track && !runs[1].own_track);
        // Both unreadable here, each with its own path named.
        assert!(runs[0]
            .error
            .as_ref()
            .unwrap()
            .contains("a.page.posetrack.json"));
        assert!(runs[1].error.as_ref().unwrap().contains("b.posetrack.json"));
    }
}
