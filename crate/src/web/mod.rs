//! The wasm boundary: the one JavaScript-facing surface of Hinge Check (wasm32 only). Frames
//! cross as flat numbers (a Float32Array of 33 × 4), settings and reports as plain objects via
//! serde-wasm-bindgen. Everything behind it is the same Rust the CLI runs. Nothing here may
//! panic: bad input comes back as an error value or a status code with a message.

mod paint;

use crate::analyzer::{analyse_track, Analyzer, Settings};
use crate::coach::drill::Targets;
use crate::coach::judge::PelvicLimit;
use crate::coach::lift::Exercise;
use crate::overlay::{scene, Options};
use crate::pose::posetrack::{self, PoseTrack};
use crate::pose::{PoseFrame, LANDMARKS};
use crate::report::RepReport;
use crate::sim::{simulate, SimConfig};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use web_sys::CanvasRenderingContext2d;

/// Settings from the page.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct JsSettings {
    exercise: Option<String>,
    pelvic_limit_deg: Option<f64>,
    /// Drill: movements wanted per stage, `{backOnly, craneUp, engineUp}`.
    drill_targets: Option<JsTargets>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsTargets {
    back_only: usize,
    crane_up: usize,
    engine_up: usize,
}

fn settings_from(v: JsValue) -> Result<Settings, JsError> {
    if v.is_undefined() || v.is_null() {
        return Ok(Settings::default());
    }
    let s: JsSettings = serde_wasm_bindgen::from_value(v)
        .map_err(|e| JsError::new(&format!("bad settings: {e}")))?;
    let exercise = match s.exercise.as_deref() {
        None => Exercise::Auto,
        Some(e) => e.parse::<Exercise>().map_err(|e| JsError::new(&e))?,
    };
    let pelvic_limit = match s.pelvic_limit_deg {
        Some(d) if d.is_finite() && (0.0..=120.0).contains(&d) => {
            Some(PelvicLimit { trunk_deg: d })
        }
        Some(d) => {
            return Err(JsError::new(&format!(
                "pelvicLimitDeg {d} is not a trunk angle in 0..120°"
            )))
        }
        None => None,
    };
    let drill = match s.drill_targets {
        Some(t)
            if [t.back_only, t.crane_up, t.engine_up]
                .iter()
                .all(|n| (1..=20).contains(n)) =>
        {
            Targets {
                back_only: t.back_only,
                crane_up: t.crane_up,
                engine_up: t.engine_up,
            }
        }
        Some(_) => {
            return Err(JsError::new(
                "drillTargets must be 1..20 movements per stage",
            ))
        }
        None => Targets::default(),
    };
    Ok(Settings {
        exercise,
        pelvic_limit,
        drill,
    })
}

fn to_js<T: Serialize>(v: &T) -> Result<JsValue, JsError> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&e.to_string()))
}

/// The live analyser the page feeds every frame.
#[wasm_bindgen]
pub struct HingeCheck {
    analyzer: Analyzer,
    last_error: Option<String>,
    people: u32,
    /// The latest rep's report, kept for drawing (built once per rep, not per frame).
    last: Option<RepReport>,
}

#[wasm_bindgen]
impl HingeCheck {
    /// `settings`: `{ exercise?: "auto"|"swing"|"deadlift"|"clean"|"rdl", pelvicLimitDeg?: number }`.
    #[wasm_bindgen(constructor)]
    pub fn new(settings: JsValue) -> Result<HingeCheck, JsError> {
        Ok(HingeCheck {
            analyzer: Analyzer::new(settings_from(settings)?),
            last_error: None,
            people: 0,
            last: None,
        })
    }

    /// One frame: media time (ms), the image size the landmarks refer to, 33 × 4 numbers
    /// (x, y normalised, z, visibility) or an empty array when nobody was found, and how many
    /// people the model saw. Returns 1 when a new rep report is ready, 0 otherwise, −1 when
    /// the frame was rejected (`lastError()` says why).
    pub fn push(
        &mut self,
        t_ms: f64,
        width: f64,
        height: f64,
        landmarks: &[f32],
        people: u32,
    ) -> i32 {
        self.people = people;
        let frame = match PoseFrame::from_flat(t_ms, width, height, landmarks) {
            Ok(f) => f,
            Err(e) => {
                self.last_error = Some(e.to_string());
                self.analyzer.reject(&e);
                return -1;
            }
        };
        match self.analyzer.push(&frame).map(|l| l.new_rep) {
            Ok(new_rep) => {
                if new_rep {
                    self.last = self.analyzer.last_rep();
                }
                i32::from(new_rep)
            }
            Err(e) => {
                self.last_error = Some(e.to_string());
                -1
            }
        }
    }

    #[wasm_bindgen(js_name = lastError)]
    pub fn last_error(&self) -> Option<String> {
        self.last_error.clone()
    }

    /// Standing calibration now (after the countdown): succeeds if the last second was still.
    pub fn calibrate(&mut self) -> Result<(), JsError> {
        self.analyzer.calibrate().map_err(|e| JsError::new(&e))
    }

    #[wasm_bindgen(js_name = repCount)]
    pub fn rep_count(&self) -> u32 {
        self.analyzer.live().rep_count
    }

    pub fn phase(&self) -> String {
        self.analyzer.live().phase.label().to_string()
    }

    /// 0..1: the hips driving now (the engine).
    pub fn engine(&self) -> f64 {
        self.analyzer.live().engine
    }

    /// 0..1: the trunk rising without the hips now (the crane pulled by hand).
    pub fn crane(&self) -> f64 {
        self.analyzer.live().crane
    }

    /// Whether standing has been calibrated (still, or from lockouts).
    pub fn calibrated(&self) -> bool {
        self.analyzer.live().calibrated
    }

    /// `[t_s, trunk°, hip°, knee°]` of the live signals for the chart, or empty before the
    /// lifter is found.
    pub fn signals(&self) -> Vec<f64> {
        let l = self.analyzer.live();
        match (l.sig, l.points.is_some()) {
            (Some(s), true) => vec![l.t, s.trunk, s.hip, s.knee],
            _ => Vec::new(),
        }
    }

    /// Framing advice now: `[{code, message}]`.
    pub fn framing(&self) -> Result<JsValue, JsError> {
        let mut v: Vec<(String, String)> = self
            .analyzer
            .live()
            .view
            .issues
            .iter()
            .map(|i| {
                (
                    serde_json::to_value(i)
                        .ok()
                        .and_then(|v| v.as_str().map(String::from))
                        .unwrap_or_default(),
                    i.message().to_string(),
                )
            })
            .collect();
        if self.people > 1 {
            v.push((
                "second_person".into(),
                "Someone else is in view: only one lifter at a time, please".into(),
            ));
        }
        let objs: Vec<serde_json::Value> = v
            .into_iter()
            .map(|(c, m)| serde_json::json!({"code": c, "message": m}))
            .collect();
        to_js(&objs)
    }

    /// The report so far (the product's schema).
    pub fn report(&self) -> Result<JsValue, JsError> {
        to_js(&self.analyzer.report())
    }

    /// Ends a recording (a rep cut at its lockout counts) and returns the final report.
    pub fn finish(&mut self) -> Result<JsValue, JsError> {
        let r = self.analyzer.finish();
        self.last = r.reps.last().cloned();
        to_js(&r)
    }

    /// The latest counted rep's report, or null.
    #[wasm_bindgen(js_name = lastRep)]
    pub fn last_rep(&self) -> Result<JsValue, JsError> {
        to_js(&self.last)
    }

    /// A short spoken cue for the latest rep.
    #[wasm_bindgen(js_name = lastCue)]
    pub fn last_cue(&self) -> Option<String> {
        self.analyzer.last_cue().map(String::from)
    }

    /// The drill's live state (stage, instruction, counts, pelvic and trunk line angles, crane
    /// and engine indicators), or null outside the drill.
    pub fn drill(&self) -> Result<JsValue, JsError> {
        to_js(&self.analyzer.drill_live())
    }

    /// The drill's report (movements, calibration with the pelvic limit θ_T*, summary).
    #[wasm_bindgen(js_name = drillReport)]
    pub fn drill_report(&self) -> Result<JsValue, JsError> {
        to_js(&self.analyzer.drill_report())
    }

    /// Skips the current drill stage.
    #[wasm_bindgen(js_name = drillSkip)]
    pub fn drill_skip(&mut self) {
        self.analyzer.drill_skip();
    }

    /// Draws the overlay on a canvas that covers the video picture exactly.
    #[allow(clippy::too_many_arguments)]
    pub fn draw(
        &self,
        ctx: &CanvasRenderingContext2d,
        width: f64,
        height: f64,
        mirror: bool,
        text_scale: f64,
        clock: f64,
        hud: bool,
        drill: bool,
    ) {
        let settings = self.analyzer.settings();
        let opts = Options {
            width,
            height,
            mirror,
            text_scale: if text_scale.is_finite() && text_scale > 0.1 {
                text_scale.min(5.0)
            } else {
                1.0
            },
            clock: if clock.is_finite() { clock } else { 0.0 },
            drill,
            pelvic_limit_deg: settings.pelvic_limit.map(|p| p.trunk_deg),
            hud,
        };
        paint::paint(ctx, &scene(self.analyzer.live(), self.last.as_ref(), &opts));
    }
}

/// A posetrack (read from a file, or simulated) the page can replay frame by frame.
#[wasm_bindgen]
pub struct Track {
    track: PoseTrack,
    truth: Option<String>,
}

#[wasm_bindgen]
impl Track {
    pub fn len(&self) -> usize {
        self.track.frames.len()
    }
    #[wasm_bindgen(js_name = isEmpty)]
    pub fn is_empty(&self) -> bool {
        self.track.frames.is_empty()
    }
    pub fn width(&self) -> f64 {
        self.track.meta.width
    }
    pub fn height(&self) -> f64 {
        self.track.meta.height
    }
    pub fn fps(&self) -> f64 {
        self.track.meta.fps.unwrap_or(30.0)
    }
    /// Media time of frame `i` in ms (NaN past the end).
    #[wasm_bindgen(js_name = timeMs)]
    pub fn time_ms(&self, i: usize) -> f64 {
        self.track.frames.get(i).map(|f| f.t_ms).unwrap_or(f64::NAN)
    }
    /// Frame `i` as 33 × 4 numbers, or empty (no person / past the end).
    pub fn landmarks(&self, i: usize) -> Vec<f32> {
        match self.track.frames.get(i) {
            Some(f) => f
                .landmarks
                .iter()
                .flat_map(|l| [l.x as f32, l.y as f32, l.z as f32, l.visibility as f32])
                .collect(),
            None => Vec::new(),
        }
    }
    /// Frames dropped while reading, if any.
    pub fn problems(&self) -> Option<String> {
        self.track.problem_summary()
    }
    /// The simulator's ground truth (JSON), for simulated tracks.
    pub fn truth(&self) -> Option<String> {
        self.truth.clone()
    }
    /// The track as posetrack JSON.
    #[wasm_bindgen(js_name = toJson)]
    pub fn to_json(&self) -> String {
        posetrack::to_json(&self.track)
    }
}

/// Reads posetrack JSON text (the page decompresses `.gz` first).
#[wasm_bindgen(js_name = parsePosetrack)]
pub fn parse_posetrack(text: &str) -> Result<Track, JsError> {
    posetrack::read_json(text.as_bytes())
        .map(|track| Track { track, truth: None })
        .map_err(|e| JsError::new(&e.to_string()))
}

/// Analyses a whole posetrack (JSON text) and returns the report.
#[wasm_bindgen(js_name = analysePosetrack)]
pub fn analyse_posetrack(text: &str, settings: JsValue) -> Result<JsValue, JsError> {
    let track = posetrack::read_json(text.as_bytes()).map_err(|e| JsError::new(&e.to_string()))?;
    to_js(&analyse_track(&track, settings_from(settings)?))
}

/// A simulated lifter (the demo): a preset name, how many reps, a seed.
#[wasm_bindgen(js_name = simulatePreset)]
pub fn simulate_preset(name: &str, reps: u32, seed: u32) -> Result<Track, JsError> {
    let mut cfg = SimConfig::from_preset(name)
        .ok_or_else(|| JsError::new(&format!("unknown demo \"{name}\"")))?;
    if reps > 0 {
        cfg.reps = (reps as usize).min(200);
    }
    cfg.seed = seed as u64;
    let sim = simulate(&cfg);
    let fps = Some(cfg.fps);
    let truth = serde_json::to_string(&sim.truth).ok();
    let mut extra = serde_json::Map::new();
    extra.insert(
        "source".into(),
        serde_json::Value::from(format!("hingecheck simulator: {name}")),
    );
    Ok(Track {
        track: posetrack::from_frames(sim.frames, fps, extra),
        truth,
    })
}

/// Builds posetrack JSON from recorded frames: `landmarks` holds 132 numbers per frame
/// (all zero = nobody), `times_ms` one time per frame.
#[wasm_bindgen(js_name = posetrackJson)]
pub fn posetrack_json(
    landmarks: &[f32],
    times_ms: &[f64],
    width: f64,
    height: f64,
    fps: f64,
) -> Result<String, JsError> {
    if landmarks.len() != times_ms.len() * LANDMARKS * 4 {
        return Err(JsError::new(&format!(
            "{} numbers for {} frames: expected {} per frame",
            landmarks.len(),
            times_ms.len(),
            LANDMARKS * 4
        )));
    }
    let mut frames = Vec::with_capacity(times_ms.len());
    for (k, &t) in times_ms.iter().enumerate() {
        let chunk = &landmarks[k * LANDMARKS * 4..(k + 1) * LANDMARKS * 4];
        let flat: &[f32] = if chunk.iter().all(|v| *v == 0.0) {
            &[]
        } else {
            chunk
        };
        match PoseFrame::from_flat(t, width, height, flat) {
            Ok(f) => frames.push(f),
            Err(e) => return Err(JsError::new(&format!("frame {k}: {e}"))),
        }
    }
    let fps = (fps.is_finite() && fps > 0.0).then_some(fps);
    let mut extra = serde_json::Map::new();
    extra.insert(
        "source".into(),
        serde_json::Value::from("Hinge Check session"),
    );
    extra.insert("keypointCount".into(), serde_json::Value::from(33));
    Ok(posetrack::to_json(&posetrack::from_frames(
        frames, fps, extra,
    )))
}

/// The simulator's demo presets: `[{name, description}]`.
#[wasm_bindgen(js_name = demoPresets)]
pub fn demo_presets() -> Result<JsValue, JsError> {
    let v: Vec<serde_json::Value> = crate::sim::PRESETS
        .iter()
        .map(|(n, d)| serde_json::json!({"name": n, "description": d}))
        .collect();
    to_js(&v)
}

#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
