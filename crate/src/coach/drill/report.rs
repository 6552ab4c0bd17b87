//! What the drill reports: each judged movement (`Movement`), what it stores for the lift
//! analysis (`Calibration`: standing and hang, the pelvic limit θ_T*), the drill's report
//! (`DrillReport`, with its summary's words) and the live state the page shows (`DrillLive`).
//! All of it is serialised as it is (the CLI's `--json`, the page's `drillReport()`) and reads
//! back typed (`hingecheck show`).

use super::hands::HandIssue;
use super::stages::Stage;
use crate::report::Verdict;
use serde::{Deserialize, Serialize};

/// One judged drill movement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Movement {
    pub index: u32,
    /// The stage it was done in (what was asked).
    pub stage: Stage,
    pub start_s: f64,
    pub top_s: f64,
    /// Came fully upright (false: a partial, back-only lift).
    pub to_upright: bool,
    /// engine | crane | unclear (abstained).
    pub verdict: Verdict,
    pub confidence: f64,
    /// Trunk-line rise and pelvic-line rotation over the movement (deg).
    pub trunk_rise_deg: f64,
    pub pelvis_rise_deg: Option<f64>,
    /// Pelvic rotation per degree of trunk rise over the movement.
    pub pelvis_share: Option<f64>,
    /// Mean of (spine progress − pelvis progress) over the rise, the spine being the trunk line
    /// minus the pelvic line: positive = the back un-bent ahead of the pelvis (the crane),
    /// negative = the pelvis turned ahead of the spine (the engine).
    pub trunk_lead_index: Option<f64>,
    /// t_on(trunk) − t_on(pelvis): positive = the pelvic line moved first (engine).
    pub lead_ms: Option<f64>,
    /// Whether the verdict is what the stage asked for.
    pub as_asked: Option<bool>,
    /// Why it abstained, if it did.
    pub abstain: Option<String>,
    pub message: String,
}

/// What the drill stores for the lift analysis (kept in the browser, exportable, deletable).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct Calibration {
    pub standing_trunk_deg: Option<f64>,
    pub standing_pelvic_line_deg: Option<f64>,
    pub hang_trunk_deg: Option<f64>,
    pub hang_pelvic_line_deg: Option<f64>,
    /// θ_T*: the trunk angle at which the pelvis stops tilting (the pelvic limit).
    pub pelvic_limit_trunk_deg: Option<f64>,
    /// The pelvis's anterior rotation from standing at the limit.
    pub pelvic_range_deg: Option<f64>,
}

/// The drill's report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct DrillReport {
    pub stage: Option<Stage>,
    pub movements: Vec<Movement>,
    pub calibration: Calibration,
    pub summary: String,
}

/// What the page shows live.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DrillLive {
    pub stage: Stage,
    pub instruction: String,
    /// Movements done in this stage and how many it wants.
    pub count: usize,
    pub target: usize,
    /// Live pelvic line (from thumb to index) and trunk line angles (deg), and the pelvis's
    /// and trunk's changes from standing.
    pub pelvic_line_deg: Option<f64>,
    pub trunk_deg: Option<f64>,
    pub pelvis_change_deg: Option<f64>,
    pub trunk_change_deg: Option<f64>,
    pub hands: Option<HandIssue>,
    /// 0..1 now: the pelvic line turning as the trunk rises (the engine), and the trunk rising
    /// while the pelvic line stays (the crane pulled up by hand).
    pub engine: f64,
    pub crane: f64,
    /// Set on the frame the stage changed, for the page to speak the new instruction.
    pub stage_changed: bool,
    /// Set on the frame a movement was judged.
    pub new_movement: bool,
}

/// The summary of a drill: per moving stage, how many movements were seen as what was asked,
/// and the pelvic limit, as sentences.
pub(super) fn summary(movements: &[Movement], calib: &Calibration) -> String {
    let judged = |stage: Stage| movements.iter().filter(move |m| m.stage == stage);
    let mut lines = Vec::new();
    for (stage, asked, name) in [
        (Stage::BackOnly, Verdict::Crane, "Back-only lifts"),
        (
            Stage::CraneUp,
            Verdict::Crane,
            "Lifts with the back leading",
        ),
        (Stage::EngineUp, Verdict::Engine, "Engine lifts"),
    ] {
        let all: Vec<&Movement> = judged(stage).collect();
        if all.is_empty() {
            continue;
        }
        let seen = all.iter().filter(|m| m.verdict == asked).count();
        let unclear = all.iter().filter(|m| m.verdict == Verdict::Unclear).count();
        let word = if asked == Verdict::Crane {
            "crane"
        } else {
            "engine"
        };
        lines.push(format!(
            "{name}: {seen} of {} seen as {word}{}",
            all.len(),
            if unclear > 0 {
                format!(" ({unclear} unclear)")
            } else {
                String::new()
            }
        ));
    }
    if let Some(l) = calib.pelvic_limit_trunk_deg {
        lines.push(format!("Your pelvis stops tilting at a trunk angle of {l:.0}°: hinge no deeper than that in your lifts"));
    }
    if lines.is_empty() {
        String::new()
    } else {
        format!("{}.", lines.join(". "))
    }
}

/// Rounds to 0.1 (angles as reported).
pub(super) fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// Rounds to 0.001 (times as reported, s).
pub(super) fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The report's JSON (what the CLI's `--json` and the page's `drillReport()` give) keeps its
    /// words, and a saved report reads back typed as it was.
    #[test]
    fn a_drill_report_keeps_its_json_and_reads_back() {
        let report = DrillReport {
            stage: Some(Stage::Done),
            movements: vec![Movement {
                index: 1,
                stage: Stage::EngineUp,
                start_s: 37.4,
                top_s: 39.0,
                to_upright: true,
                verdict: Verdict::Engine,
                confidence: 0.86,
                trunk_rise_deg: 51.3,
                pelvis_rise_deg: Some(40.1),
                pelvis_share: Some(0.79),
                trunk_lead_index: Some(-0.25),
                lead_ms: Some(93.0),
                as_asked: Some(true),
                abstain: None,
                message: "Engine.".into(),
            }],
            calibration: Calibration {
                standing_trunk_deg: Some(-0.1),
                pelvic_limit_trunk_deg: Some(51.9),
                pelvic_range_deg: Some(47.7),
                ..Default::default()
            },
            summary: "Engine lifts: 1 of 1 seen as engine.".into(),
        };
        let value = serde_json::to_value(&report).expect("serialises");
        assert_eq!(
            value,
            json!({
                "stage": "done",
                "movements": [{
                    "index": 1, "stage": "engine_up", "start_s": 37.4, "top_s": 39.0,
                    "to_upright": true, "verdict": "engine", "confidence": 0.86,
                    "trunk_rise_deg": 51.3, "pelvis_rise_deg": 40.1, "pelvis_share": 0.79,
                    "trunk_lead_index": -0.25, "lead_ms": 93.0, "as_asked": true,
                    "abstain": null, "message": "Engine."
                }],
                "calibration": {
                    "standing_trunk_deg": -0.1, "standing_pelvic_line_deg": null,
                    "hang_trunk_deg": null, "hang_pelvic_line_deg": null,
                    "pelvic_limit_trunk_deg": 51.9, "pelvic_range_deg": 47.7
                },
                "summary": "Engine lifts: 1 of 1 seen as engine."
            })
        );
        let back: DrillReport = serde_json::from_value(value).expect("reads back");
        assert_eq!(back, report);
    }
}
