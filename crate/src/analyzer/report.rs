//! The set's report, built on demand from what the analyser kept: the judged reps (each judged
//! again for its words and metrics: cheap) and the recording's tallies (frames, view, side,
//! framing, cuts), which grow in fixed memory however long the session.

use super::set::{RepRecord, SetLog};
use crate::coach::judge::Judgement;
use crate::coach::lift::{Exercise, Lift};
use crate::coach::messages;
use crate::motion::body::CalibrationSource;
use crate::motion::contour::{BackContour, ContourIssue};
use crate::motion::view::{self, FramingIssue, ViewKind, ViewState, YAW_GRADED_DEG};
use crate::pose::FrameError;
use crate::report::{
    CalibrationReport, FrameCounts, RepReport, Report, SetExercise, Summary, Verdict, ViewReport,
};
use crate::signal::features::Side;

/// What the recording was like, tallied frame by frame for the report.
#[derive(Clone, Debug)]
pub(super) struct Recording {
    pub counts: FrameCounts,
    rejected_first: Option<String>,
    side_votes: [u32; 2],
    /// Yaw estimates in 1° bins (0–90°), for the set's median view without growing memory.
    yaw_bins: [u32; 91],
    framing_seen: Vec<(FramingIssue, u32)>,
    /// Jumps in the pose stream (a looped or edited clip), and "ascents" too fast to be real.
    pub cuts: u32,
    /// Frames with a mask, and why their outlines were not read (by `ContourIssue`).
    masks: u64,
    back_read: u64,
    back_issues: [u64; 4],
}

impl Default for Recording {
    fn default() -> Self {
        Recording {
            counts: FrameCounts::default(),
            rejected_first: None,
            side_votes: [0, 0],
            yaw_bins: [0; 91],
            framing_seen: Vec::new(),
            cuts: 0,
            masks: 0,
            back_read: 0,
            back_issues: [0; 4],
        }
    }
}

impl Recording {
    /// A frame's back outline (a frame with a mask).
    pub fn observe_back(&mut self, c: Option<&BackContour>) {
        let Some(c) = c else { return };
        self.masks += 1;
        match c.issue {
            None => self.back_read += 1,
            Some(i) => self.back_issues[i as usize] += 1,
        }
    }

    /// Whether the back's outline was read on most of the frames with a mask.
    fn back_outline_read(&self) -> bool {
        self.masks >= 10 && self.back_read * 2 >= self.masks
    }

    /// Why the back's outline could not be read on most of the frames with a mask, if so.
    fn back_refused(&self) -> Option<ContourIssue> {
        if self.masks < 10 || self.back_outline_read() {
            return None;
        }
        let (k, _) = self
            .back_issues
            .iter()
            .enumerate()
            .max_by_key(|(_, n)| **n)?;
        [
            ContourIssue::NoOutline,
            ContourIssue::Sparse,
            ContourIssue::Ragged,
            ContourIssue::Loose,
        ]
        .get(k)
        .copied()
    }

    /// A frame refused (the first reason is reported).
    pub fn reject(&mut self, e: &FrameError) {
        self.counts.rejected += 1;
        self.rejected_first.get_or_insert_with(|| e.to_string());
    }

    /// A frame with the lifter's body frame: the view it was seen from.
    pub fn observe(&mut self, yaw_deg: Option<f64>, near: Side, view: &ViewState) {
        if let Some(y) = yaw_deg.filter(|y| y.is_finite()) {
            self.yaw_bins[y.round().clamp(0.0, 90.0) as usize] += 1;
        }
        self.side_votes[(near == Side::Right) as usize] += 1;
        for issue in &view.issues {
            match self.framing_seen.iter_mut().find(|(i, _)| i == issue) {
                Some((_, n)) => *n += 1,
                None => self.framing_seen.push((*issue, 1)),
            }
        }
    }

    /// The view over the recording: the median yaw, the side nearer the camera (once the body
    /// frame is known) and the framing issues seen on over a third of the analysed frames.
    fn view(&self, side_known: bool) -> ViewReport {
        let total: u32 = self.yaw_bins.iter().sum();
        let mut acc = 0;
        let yaw = self
            .yaw_bins
            .iter()
            .position(|&n| {
                acc += n;
                total > 0 && acc * 2 >= total
            })
            .map(|k| k as f64);
        let frames_seen = self.counts.analysed.max(1) as u32;
        ViewReport {
            kind: yaw.map(view::kind_of).unwrap_or_default(),
            yaw_deg: yaw.map(|y| y.round()),
            camera_side: side_known.then(|| {
                if self.side_votes[1] > self.side_votes[0] {
                    "right".into()
                } else {
                    "left".into()
                }
            }),
            issues: self
                .framing_seen
                .iter()
                .filter(|(_, n)| *n * 3 > frames_seen)
                .map(|(i, _)| i.message().to_string())
                .collect(),
        }
    }
}

/// What the report is built from besides the set and the recording.
pub(super) struct Context {
    pub exercise: Exercise,
    pub drill: Option<serde_json::Value>,
    pub standing: CalibrationSource,
    pub side_known: bool,
    pub lift_unsure: bool,
}

/// One rep's report entry (rep `k`, 0-based, among the counted).
pub(super) fn rep_report(set: &SetLog, k: usize, r: &RepRecord) -> RepReport {
    rep_entry(k, r, set.judge().judge(&r.measure, r.lift))
}

/// One rep's report entry from its judgement `j`.
pub(super) fn rep_entry(k: usize, r: &RepRecord, j: Judgement) -> RepReport {
    let m = &r.measure;
    let swing = r.lift == Lift::Swing;
    // The report's times run start ≤ bottom ≤ lockout ≤ end. (A swing's lockout is the float's
    // top, which can come after the rep's measured end; a bottom refined between two samples
    // can land a fraction past a lockout one sample later.)
    let start = m.t_start;
    let lockout = (if swing { m.t_top } else { m.t_lockout }).max(start);
    let bottom = (if swing { m.t_trunk_max } else { m.t_bottom }).clamp(start, lockout);
    let end = m.t_end.max(lockout);
    RepReport {
        index: k as u32 + 1,
        start_s: round3(start),
        bottom_s: round3(bottom),
        lockout_s: round3(lockout),
        end_s: round3(end),
        verdict: j.verdict,
        confidence: j.confidence,
        faults: j.faults,
        metrics: j.metrics,
        message: j.message,
    }
}

/// The report over the set so far.
pub(super) fn build(set: &SetLog, rec: &Recording, cx: Context) -> Report {
    let lift = set.lift();
    let reps: Vec<RepReport> = set
        .counted()
        .enumerate()
        .map(|(k, r)| rep_report(set, k, r))
        .collect();
    let mut summary = Summary {
        rep_count: reps.len() as u32,
        ..Default::default()
    };
    for r in &reps {
        match r.verdict {
            Verdict::Engine => summary.engine += 1,
            Verdict::Crane => summary.crane += 1,
            Verdict::Unclear => summary.unclear += 1,
        }
    }
    let pelvic_limit = set.judge().pelvic_limit;
    let mut notes = Vec::new();
    match lift {
        Some(Lift::NotHinge) => {
            notes.push(
                if set.pistols() * 2 >= set.movements() {
                    messages::NOT_A_HINGE_PISTOL
                } else {
                    messages::NOT_A_HINGE_SQUAT
                }
                .to_string(),
            );
            notes.push(messages::squat_movements(set.movements()));
        }
        Some(_) => {
            notes.push(
                if rec.back_outline_read() {
                    messages::TIER_C_NOTE
                } else {
                    messages::TIER_A_NOTE
                }
                .to_string(),
            );
            if pelvic_limit.is_none() {
                notes.push(messages::NO_DEPTH_CLAIM.to_string());
            }
        }
        None if cx.drill.is_some() => notes.push(messages::DRILL_NOTE.to_string()),
        None => notes.push(messages::NO_REPS_YET.to_string()),
    }
    if cx.lift_unsure {
        notes.push(match lift {
            Some(l) => messages::lift_unsure(&l.name().replace('_', " ")),
            None => messages::LIFT_UNKNOWN.to_string(),
        });
    }
    if lift == Some(Lift::Deadlift) && cx.exercise == Exercise::Auto {
        notes.push(messages::KETTLEBELL_HINT.to_string());
    }
    let skipped = set.movements() - reps.len();
    if skipped > 0 && lift == Some(Lift::Swing) {
        notes.push(messages::not_counted_without_float(skipped));
    }
    let view = rec.view(cx.side_known);
    if lift.is_some_and(|l| l != Lift::NotHinge) {
        match (view.kind, view.yaw_deg) {
            (ViewKind::Oblique, Some(y)) if y <= YAW_GRADED_DEG => {
                notes.push(messages::oblique_note(y))
            }
            (ViewKind::Oblique | ViewKind::Front, _) => notes.push(messages::FRONT_NOTE.into()),
            _ => {}
        }
    }
    if let Some(why) = rec.back_refused() {
        notes.push(messages::back_outline_refused(why.message()));
    }
    if cx.standing == CalibrationSource::FromLockouts {
        notes.push(messages::STANDING_FROM_LOCKOUTS.to_string());
    }
    // (Not for a set that is no hinge at all: its quick trunk moves are not a video's cuts.)
    if rec.cuts > 0 && lift != Some(Lift::NotHinge) {
        notes.push(messages::video_jumped(rec.cuts));
    }
    if let Some(e) = &rec.rejected_first {
        notes.push(messages::frames_rejected(rec.counts.rejected, e));
    }
    Report {
        lift_unsure: cx.lift_unsure,
        exercise: match (lift, cx.exercise) {
            (Some(l), _) => l.into(),
            (None, Exercise::Drill) => SetExercise::Drill,
            (None, _) => SetExercise::Unknown,
        },
        view,
        reps,
        summary,
        fatigue: set.fatigue(),
        calibration: CalibrationReport {
            standing: cx.standing,
            pelvic_limit_trunk_deg: pelvic_limit.map(|p| p.trunk_deg),
        },
        notes,
        frames: rec.counts.clone(),
        drill: cx.drill,
        version: format!("hingecheck {}", env!("CARGO_PKG_VERSION")),
    }
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}
