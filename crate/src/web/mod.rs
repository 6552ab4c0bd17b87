//! The wasm boundary: the one JavaScript-facing surface of Hinge Check (wasm32 only).
//!
//! One call per frame. The page writes a frame's 33 × 4 landmark numbers into an input block in
//! wasm memory and calls [`HingeCheck::feed`]; the analysis writes what the page reads every
//! frame into a fixed [`record::FrameRecord`], which JS reads through one typed view (no
//! serialising). Words (the rep's message, the spoken cue, framing advice, the drill's
//! instruction) are fetched only when they change; the full report is built only on demand
//! (review, export, `window.hingecheck.report()`), and crosses as JSON.
//!
//! Everything behind it is the same Rust the CLI runs. Nothing here may panic: bad input comes
//! back as an error value or a status code with a message.

mod paint;
pub mod record;

use crate::analyzer::{analyse_track, Analyzer, Settings};
use crate::coach::drill::Targets;
use crate::coach::judge::PelvicLimit;
use crate::coach::lift::Exercise;
use crate::overlay::{scene, Options};
use crate::pose::posetrack::{self, PoseTrack};
use crate::pose::{MaskCrop, PoseFrame, LANDMARKS, MASK_BYTES};
use crate::report::{FatigueReport, RepReport};
use crate::sim::{simulate, SimConfig};
use record::{flag, FatigueLevel, Fault, FrameRecord, Verdict};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use web_sys::CanvasRenderingContext2d;

/// Numbers in one frame's landmarks (x, y, z, visibility per BlazePose landmark).
pub const FRAME_NUMBERS: usize = LANDMARKS * 4;

/// A field of a plain JS object (settings), or None when absent (undefined or null).
fn field(v: &JsValue, name: &str) -> Option<JsValue> {
    js_sys::Reflect::get(v, &JsValue::from_str(name))
        .ok()
        .filter(|x| !x.is_undefined() && !x.is_null())
}

/// A numeric field, or an error that names it.
fn number(v: &JsValue, name: &str) -> Result<Option<f64>, JsError> {
    field(v, name)
        .map(|x| {
            x.as_f64()
                .ok_or_else(|| JsError::new(&format!("bad settings: {name} must be a number")))
        })
        .transpose()
}

/// Settings from the page (read field by field: no deserialiser for JS objects is compiled in).
fn settings_from(v: JsValue) -> Result<Settings, JsError> {
    if v.is_undefined() || v.is_null() {
        return Ok(Settings::default());
    }
    if !v.is_object() {
        return Err(JsError::new("bad settings: not an object"));
    }
    let exercise = match field(&v, "exercise") {
        None => Exercise::Auto,
        Some(e) => e
            .as_string()
            .ok_or_else(|| JsError::new("bad settings: exercise must be a string"))?
            .parse::<Exercise>()
            .map_err(|e| JsError::new(&e))?,
    };
    let pelvic_limit = match number(&v, "pelvicLimitDeg")? {
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
    // Drill: movements wanted per stage, `{backOnly, craneUp, engineUp}`, each 1..20.
    let drill = match field(&v, "drillTargets") {
        None => Targets::default(),
        Some(t) => {
            let mut n = [0usize; 3];
            for (slot, name) in n.iter_mut().zip(["backOnly", "craneUp", "engineUp"]) {
                *slot = match number(&t, name)? {
                    Some(x) if x.fract() == 0.0 && (1.0..=20.0).contains(&x) => x as usize,
                    _ => {
                        return Err(JsError::new(
                            "drillTargets must be 1..20 movements per stage",
                        ))
                    }
                };
            }
            Targets {
                back_only: n[0],
                crane_up: n[1],
                engine_up: n[2],
            }
        }
    };
    Ok(Settings {
        exercise,
        pelvic_limit,
        drill,
        ..Settings::default()
    })
}

/// A value as a plain JS object, through JSON (the same text the CLI's `--json` writes).
fn to_js<T: Serialize>(v: &T) -> Result<JsValue, JsError> {
    let text = serde_json::to_string(v).map_err(|e| JsError::new(&e.to_string()))?;
    js_sys::JSON::parse(&text).map_err(|_| JsError::new("the report could not cross to JS"))
}

/// The live analyser the page feeds every frame.
#[wasm_bindgen]
pub struct HingeCheck {
    analyzer: Analyzer,
    /// What the page reads after each frame (boxed: its address never changes).
    record: Box<FrameRecord>,
    /// Where the page writes a frame's landmarks before [`HingeCheck::feed`].
    input: Box<[f32; FRAME_NUMBERS]>,
    /// Where the page writes a frame's person-mask crop (`pose::mask`) and its box, on the
    /// frames it has one.
    mask: Box<[u8; MASK_BYTES]>,
    mask_box: Box<[f32; 4]>,
    last_error: Option<String>,
    /// The latest counted rep's report (built once per rep: drawn, and its words fetched).
    last: Option<RepReport>,
    cue: Option<&'static str>,
    fatigue: FatigueReport,
    /// The latest rep's words, where the record's `rep_words` points: message, cue, advice.
    words: String,
}

#[wasm_bindgen]
impl HingeCheck {
    /// `settings`: `{ exercise?: "auto"|"swing"|"deadlift"|"clean"|"rdl"|"drill",
    /// pelvicLimitDeg?: number, drillTargets?: {backOnly, craneUp, engineUp} }`.
    #[wasm_bindgen(constructor)]
    pub fn new(settings: JsValue) -> Result<HingeCheck, JsError> {
        Ok(HingeCheck {
            analyzer: Analyzer::new(settings_from(settings)?),
            record: Box::default(),
            input: Box::new([0.0; FRAME_NUMBERS]),
            mask: Box::new([0; MASK_BYTES]),
            mask_box: Box::new([0.0; 4]),
            last_error: None,
            last: None,
            cue: None,
            fatigue: FatigueReport::default(),
            words: String::new(),
        })
    }

    /// Address of the frame record in wasm memory (fixed for this analyser's life).
    #[wasm_bindgen(js_name = framePtr)]
    pub fn frame_ptr(&self) -> *const FrameRecord {
        &*self.record
    }

    /// Address of the input block: 33 × 4 f32 (x, y normalised, z, visibility) that
    /// [`HingeCheck::feed`] reads (fixed for this analyser's life).
    #[wasm_bindgen(js_name = inputPtr)]
    pub fn input_ptr(&mut self) -> *mut f32 {
        self.input.as_mut_ptr()
    }

    /// Address of the mask block: a 128 × 128 person-mask crop, one byte a cell, row-major
    /// (fixed for this analyser's life). [`HingeCheck::feed`] reads it when told to.
    #[wasm_bindgen(js_name = maskPtr)]
    pub fn mask_ptr(&mut self) -> *mut u8 {
        self.mask.as_mut_ptr()
    }

    /// Address of the mask's box: 4 f32, the crop's x0, y0, x1, y1 in normalised image
    /// coordinates.
    #[wasm_bindgen(js_name = maskBoxPtr)]
    pub fn mask_box_ptr(&mut self) -> *mut f32 {
        self.mask_box.as_mut_ptr()
    }

    /// One frame, the page's one call per frame: media time (ms), the image size the landmarks
    /// refer to, how many numbers were written to the input block (132, or 0 when nobody was
    /// found), how many people the model saw, and whether the mask block holds this frame's
    /// mask crop (1) or not (0). Updates the frame record; returns 1 when a new rep arrived, 2
    /// when the latest rep was judged again (`REP_REVISED`), 0 otherwise, −1 when the frame was
    /// refused (`lastError()` says why). A mask with a broken
    /// box is dropped (`lastError()` says so) and the frame analysed without it.
    pub fn feed(
        &mut self,
        t_ms: f64,
        width: f64,
        height: f64,
        numbers: u32,
        people: u32,
        mask: u32,
    ) -> i32 {
        let n = (numbers as usize).min(FRAME_NUMBERS);
        let lm = *self.input;
        let flat: &[f32] = if numbers as usize > FRAME_NUMBERS {
            // More than a frame's worth cannot have been written: refuse it as PoseFrame would.
            &[f32::NAN; FRAME_NUMBERS + 1]
        } else {
            &lm[..n]
        };
        let crop = if mask != 0 && n > 0 {
            match MaskCrop::new(self.mask_box.map(f64::from), self.mask.to_vec()) {
                Ok(m) => Some(m),
                Err(e) => {
                    self.last_error = Some(format!("mask dropped: {e}"));
                    None
                }
            }
        } else {
            None
        };
        self.step(t_ms, width, height, flat, people, crop)
    }

    #[wasm_bindgen(js_name = lastError)]
    pub fn last_error(&self) -> Option<String> {
        self.last_error.clone()
    }

    /// Standing calibration now (after the countdown): succeeds if the last second was still.
    pub fn calibrate(&mut self) -> Result<(), JsError> {
        self.analyzer.calibrate().map_err(|e| JsError::new(&e))
    }

    /// The report so far (the product's schema), built now.
    pub fn report(&self) -> Result<JsValue, JsError> {
        to_js(&self.analyzer.report())
    }

    /// Ends a recording (a rep cut at its lockout counts) and returns the final report. The
    /// record's flags then say whether that made a new rep (`NEW_REP`: one cut at its lockout)
    /// or judged the latest again (`REP_REVISED`).
    pub fn finish(&mut self) -> Result<JsValue, JsError> {
        let r = self.analyzer.finish();
        self.record.rep_count = r.summary.rep_count;
        self.record.flags &= !(flag::NEW_REP | flag::REP_REVISED);
        self.rep_event();
        to_js(&r)
    }

    /// The drill's report (movements, calibration with the pelvic limit θ_T*, summary), or
    /// null outside the drill. Fetched when a movement is judged and at the end.
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

/// Rust-side API (the wasm tests, native callers): not exported to JS, where the frame record
/// carries all of it.
impl HingeCheck {
    /// One frame from a slice (what [`HingeCheck::feed`] does from the input block).
    pub fn push(
        &mut self,
        t_ms: f64,
        width: f64,
        height: f64,
        landmarks: &[f32],
        people: u32,
    ) -> i32 {
        self.step(t_ms, width, height, landmarks, people, None)
    }

    /// One frame with its mask crop (what [`HingeCheck::feed`] does with the mask block).
    pub fn push_with_mask(
        &mut self,
        t_ms: f64,
        width: f64,
        height: f64,
        landmarks: &[f32],
        people: u32,
        mask: Option<MaskCrop>,
    ) -> i32 {
        self.step(t_ms, width, height, landmarks, people, mask)
    }

    /// The frame record as it stands.
    pub fn record(&self) -> &FrameRecord {
        &self.record
    }

    pub fn rep_count(&self) -> u32 {
        self.analyzer.live().rep_count
    }

    /// The phase's word: top, down, up or paused.
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

    /// `[t_s, trunk°, hip°, knee°]` of the live signals, or empty before the lifter is found.
    pub fn signals(&self) -> Vec<f64> {
        let r = &self.record;
        if r.flags & flag::LIFTER == 0 {
            return Vec::new();
        }
        let l = self.analyzer.live();
        match l.sig {
            Some(s) => vec![l.t, s.trunk, s.hip, s.knee],
            None => Vec::new(),
        }
    }

    /// The latest counted rep's report, or null.
    pub fn last_rep(&self) -> Result<JsValue, JsError> {
        to_js(&self.last)
    }

    /// The spoken cue for the latest rep.
    pub fn last_cue(&self) -> Option<String> {
        self.cue.map(String::from)
    }

    /// The drill's live state, or null outside the drill.
    pub fn drill(&self) -> Result<JsValue, JsError> {
        to_js(&self.analyzer.drill_live())
    }

    fn step(
        &mut self,
        t_ms: f64,
        width: f64,
        height: f64,
        flat: &[f32],
        people: u32,
        mask: Option<MaskCrop>,
    ) -> i32 {
        let frame = match PoseFrame::from_flat(t_ms, width, height, flat) {
            Ok(mut f) => {
                f.mask = mask.map(Box::new);
                f
            }
            Err(e) => {
                self.last_error = Some(e.to_string());
                self.analyzer.reject(&e);
                self.record.refuse();
                return -1;
            }
        };
        if let Err(e) = self.analyzer.push(&frame) {
            self.last_error = Some(e.to_string());
            self.record.refuse();
            return -1;
        }
        let drill = self.analyzer.drill_live();
        self.record
            .observe(self.analyzer.live(), people, drill.as_ref());
        // A movement was measured: is the latest counted rep a new one? (Parks, set-downs and
        // not-hinge movements are measured too, but not counted.) Or the latest rep was judged
        // again: does the lifter hear something new?
        let revised = self.analyzer.live().rep_revised;
        let mut event = RepChange::None;
        if self.record.flags & flag::NEW_REP != 0 || revised {
            self.record.flags &= !flag::NEW_REP;
            event = self.rep_event();
        }
        match event {
            RepChange::New => 1,
            RepChange::Revised => 2,
            RepChange::None => 0,
        }
    }

    /// Fills the record's rep block when the latest counted rep is not the one it holds (a new
    /// rep: `NEW_REP`), or is but its words changed (judged again: `REP_REVISED`). Costs one
    /// rep's judgement, whatever the set's length.
    fn rep_event(&mut self) -> RepChange {
        let Some(ev) = self.analyzer.latest_rep() else {
            return RepChange::None;
        };
        let rep = ev.report;
        let change = match &self.last {
            Some(l) if l.index == rep.index && l.lockout_s == rep.lockout_s => {
                if l.verdict == rep.verdict && l.message == rep.message {
                    return RepChange::None;
                }
                RepChange::Revised
            }
            _ => RepChange::New,
        };
        self.cue = Some(ev.cue);
        self.fatigue = ev.fatigue;
        let r = &mut self.record;
        r.rep_index = rep.index;
        r.rep_confidence = rep.confidence as f32;
        r.rep_lockout_s = rep.lockout_s;
        r.rep_verdict = Verdict::from(rep.verdict) as u8;
        r.rep_cue = Fault::from(ev.cue_fault) as u8;
        r.fatigue_level = FatigueLevel::from(self.fatigue.level) as u8;
        r.fatigue_onset_rep = self.fatigue.onset_rep.unwrap_or(0);
        r.flags |= match change {
            RepChange::Revised => flag::REP_REVISED,
            _ => flag::NEW_REP,
        };
        self.words = [
            rep.message.as_str(),
            self.cue.unwrap_or_default(),
            &self.fatigue.advice,
        ]
        .join("\u{1f}");
        r.rep_words = [self.words.as_ptr() as usize as u32, self.words.len() as u32];
        self.last = Some(rep);
        change
    }
}

/// What a frame did to the latest counted rep.
#[derive(Clone, Copy, PartialEq, Eq)]
enum RepChange {
    None,
    New,
    Revised,
}

/// The frame record's layout, `name offset type;…` (see [`record::frame_layout`]).
#[wasm_bindgen(js_name = frameLayout)]
pub fn frame_layout() -> String {
    record::frame_layout()
}

/// What a framing advice says (shown and spoken), fetched once per code.
#[wasm_bindgen(js_name = framingMessage)]
pub fn framing_message(code: record::Framing) -> String {
    record::framing_text(code).to_string()
}

/// What the lifter reads (and hears) at a drill step, fetched when the step changes.
#[wasm_bindgen(js_name = drillInstruction)]
pub fn drill_instruction(stage: record::DrillStage) -> String {
    stage
        .core()
        .map(|s| s.instruction().to_string())
        .unwrap_or_default()
}

/// A posetrack (read from a file, or simulated) the page can replay frame by frame.
#[wasm_bindgen]
pub struct Track {
    track: PoseTrack,
    /// The simulator's ground truth (serialised only when asked: the page never does).
    truth: Option<crate::sim::SimTruth>,
}

#[wasm_bindgen]
impl Track {
    pub fn len(&self) -> usize {
        self.track.frames.len()
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
}

/// Rust-side API (the wasm tests): not exported to JS.
impl Track {
    pub fn is_empty(&self) -> bool {
        self.track.frames.is_empty()
    }
    /// The simulator's ground truth (JSON), for simulated tracks.
    pub fn truth(&self) -> Option<String> {
        self.truth
            .as_ref()
            .and_then(|t| serde_json::to_string(t).ok())
    }
    /// The track as posetrack JSON.
    pub fn to_json(&self) -> String {
        posetrack::to_json(&self.track)
    }
}

/// Reads posetrack JSON text (Rust-side: the wasm tests; the page reads posetracks in JS,
/// `www/app/posetrack.js`, so serde's reader stays out of its download).
pub fn parse_posetrack(text: &str) -> Result<Track, JsError> {
    posetrack::read_json(text.as_bytes())
        .map(|track| Track { track, truth: None })
        .map_err(|e| JsError::new(&e.to_string()))
}

/// Analyses a whole posetrack (JSON text) and returns the report (Rust-side: the wasm tests).
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
    let mut extra = serde_json::Map::new();
    extra.insert(
        "source".into(),
        serde_json::Value::from(format!("hingecheck simulator: {name}")),
    );
    Ok(Track {
        track: posetrack::from_frames(sim.frames, fps, extra),
        truth: Some(sim.truth),
    })
}

/// Builds posetrack JSON from recorded frames: `landmarks` holds 132 numbers per frame
/// (all zero = nobody), `times_ms` one time per frame; the frames with a mask crop are listed
/// in `mask_frames` (ascending), their boxes in `mask_boxes` (4 each) and their cells in
/// `mask_data` (128 × 128 each), all empty when the session kept no masks.
/// (Rust-side: the wasm tests hold the page's writer, `www/app/posetrack.js`, to this layout.)
#[allow(clippy::too_many_arguments)]
pub fn posetrack_json(
    landmarks: &[f32],
    times_ms: &[f64],
    width: f64,
    height: f64,
    fps: f64,
    mask_frames: &[u32],
    mask_boxes: &[f32],
    mask_data: &[u8],
) -> Result<String, JsError> {
    if mask_boxes.len() != mask_frames.len() * 4
        || mask_data.len() != mask_frames.len() * MASK_BYTES
    {
        return Err(JsError::new(&format!(
            "{} masked frames with {} box numbers and {} mask bytes: expected 4 and {MASK_BYTES} each",
            mask_frames.len(),
            mask_boxes.len(),
            mask_data.len()
        )));
    }
    if landmarks.len() != times_ms.len() * FRAME_NUMBERS {
        return Err(JsError::new(&format!(
            "{} numbers for {} frames: expected {} per frame",
            landmarks.len(),
            times_ms.len(),
            FRAME_NUMBERS
        )));
    }
    let mut frames = Vec::with_capacity(times_ms.len());
    for (k, &t) in times_ms.iter().enumerate() {
        let chunk = &landmarks[k * FRAME_NUMBERS..(k + 1) * FRAME_NUMBERS];
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
    for (j, &k) in mask_frames.iter().enumerate() {
        let frame = frames
            .get_mut(k as usize)
            .ok_or_else(|| JsError::new(&format!("mask {j} is for frame {k}, past the end")))?;
        let b = &mask_boxes[4 * j..4 * j + 4];
        let crop = MaskCrop::new(
            [b[0], b[1], b[2], b[3]].map(f64::from),
            mask_data[j * MASK_BYTES..(j + 1) * MASK_BYTES].to_vec(),
        )
        .map_err(|e| JsError::new(&format!("frame {k}: {e}")))?;
        if frame.has_person() {
            frame.mask = Some(Box::new(crop));
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

/// The simulator's demo presets: `[{name, description}]` (Rust-side: the wasm tests).
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
