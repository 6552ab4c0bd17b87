//! What to simulate: the lift, the rep programme (tempo, depth, crane-versus-engine timing,
//! faults), fatigue drift over the set, rep-to-rep variability, camera, landmark noise, the
//! hands-on-pelvis drill, and the named presets the CLI and the web demo use.

use super::body::{Camera, Facing};
use serde::{Deserialize, Serialize};

/// The movement being simulated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum SimLift {
    /// Two-hand kettlebell swing: hike from the floor, N swings, park.
    #[default]
    Swing,
    /// Kettlebell deadlift from the floor between the feet.
    Deadlift,
    /// Romanian / straight-leg deadlift from standing, holding the bell.
    Rdl,
    /// Single-leg RDL: standing on the near leg, the far leg swinging back in line with the
    /// trunk (the camera on the stance side).
    SingleLegRdl,
    /// Clean from the floor to the rack.
    Clean,
    /// Bodyweight squat, arms forward (not a hinge).
    Squat,
    /// One-leg pistol squat, free leg forward, arms forward (not a hinge).
    Pistol,
    /// The thumb-on-crest / index-on-trochanter drill (biomechanics §1.5, the seed text).
    Drill,
}

impl SimLift {
    /// False for the squat and the pistol: the negatives a hinge checker must not call hinges.
    pub fn is_hinge(self) -> bool {
        !matches!(self, SimLift::Squat | SimLift::Pistol)
    }
    pub fn name(self) -> &'static str {
        match self {
            SimLift::Swing => "swing",
            SimLift::Deadlift => "deadlift",
            SimLift::Rdl => "rdl",
            SimLift::SingleLegRdl => "single_leg_rdl",
            SimLift::Clean => "clean",
            SimLift::Squat => "squat",
            SimLift::Pistol => "pistol",
            SimLift::Drill => "drill",
        }
    }
}

/// How a rep's ascent (and descent) is driven.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum RepPattern {
    /// The engine: the hips drive first, the rigid trunk (crane) follows.
    #[default]
    Engine,
    /// The crane pulled by hand: the chest comes up first by spinal extension (un-rounding)
    /// while the hips stay back; the pelvis lags with the hips.
    BackLed,
    /// Deadlift: the hips rise and the knees straighten first while the trunk angle stays or
    /// grows, then the back finishes the lift.
    HipsShootUp,
    /// Large lumbar and thoracic flexion at the bottom (depth from the spine, rounding late in
    /// the descent), un-rounding on the way up.
    RoundedBack,
    /// A hinge lift done as a squat: knees far forward, trunk upright.
    SquatNotHinge,
}

impl RepPattern {
    /// Patterns whose expected verdict is "crane" whatever the measured lead.
    pub fn is_crane(self) -> bool {
        matches!(
            self,
            RepPattern::BackLed | RepPattern::HipsShootUp | RepPattern::RoundedBack
        )
    }
}

/// One rep's programme. All angles in degrees, times in seconds unless the name says ms.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RepProgram {
    pub pattern: RepPattern,
    /// Ascent: onset of the trunk rise minus onset of the hip drive, ms (positive = hips lead).
    pub lead_ms: f64,
    /// Descent: onset of the trunk incline minus onset of the hips moving back, ms
    /// (positive = hips back first).
    pub descent_lead_ms: f64,
    /// Duration of the descent (swing: the whole drop from the float to the backswing bottom).
    pub descent_s: f64,
    /// Duration of the ascent drivers (bottom → lockout) at nominal hip speed.
    pub ascent_s: f64,
    /// Pause at the bottom (floor lifts: the bell rests on the floor).
    pub pause_bottom_s: f64,
    /// Pause at the top (swing: the float, lockout → bell apex).
    pub pause_top_s: f64,
    /// Trunk inclination θ_T at the bottom (depth).
    pub depth_deg: f64,
    /// Knee flexion at the bottom.
    pub knee_deg: f64,
    /// Shin angle at the bottom (+ = knee ahead of the ankle).
    pub shin_deg: f64,
    /// Lumbar flexion λ at the bottom.
    pub lumbar_deg: f64,
    /// Thoracic flexion κ at the bottom.
    pub thoracic_deg: f64,
    /// Hip-drive speed factor: the hip drive lasts `ascent_s / hip_speed` (1 = nominal).
    pub hip_speed: f64,
    /// Trunk angle at lockout (negative = leaning back; ≤ −10 is the lean-back fault).
    pub lockout_trunk_deg: f64,
    /// Hip flexion left at lockout (≥ 10 is an incomplete lockout).
    pub lockout_shortfall_deg: f64,
    /// Neck extension relative to the trunk at the bottom (≥ 20 is head cranking).
    pub head_crank_deg: f64,
    /// Swing: the arms lift the bell (early shoulder flexion, bent elbows, high apex).
    pub arms_lift: bool,
    /// Swing: arm angle at the float apex (85 ≈ chest height).
    pub float_deg: f64,
}

impl Default for RepProgram {
    fn default() -> Self {
        RepProgram::for_lift(SimLift::Swing)
    }
}

impl RepProgram {
    /// Good-form defaults for a lift.
    pub fn for_lift(lift: SimLift) -> RepProgram {
        let base = RepProgram {
            pattern: RepPattern::Engine,
            lead_ms: 60.0,
            descent_lead_ms: 60.0,
            descent_s: 1.5,
            ascent_s: 1.2,
            pause_bottom_s: 0.6,
            pause_top_s: 1.0,
            depth_deg: 55.0,
            knee_deg: 90.0,
            shin_deg: 20.0,
            lumbar_deg: 0.0,
            thoracic_deg: 6.0,
            hip_speed: 1.0,
            lockout_trunk_deg: 0.0,
            lockout_shortfall_deg: 0.0,
            head_crank_deg: 0.0,
            arms_lift: false,
            float_deg: 85.0,
        };
        match lift {
            SimLift::Swing => RepProgram {
                lead_ms: 50.0,
                descent_lead_ms: 40.0,
                descent_s: 0.75,
                ascent_s: 0.45,
                pause_bottom_s: 0.0,
                pause_top_s: 0.35,
                depth_deg: 65.0,
                knee_deg: 28.0,
                shin_deg: 6.0,
                thoracic_deg: 4.0,
                lockout_trunk_deg: -2.0,
                ..base
            },
            SimLift::Deadlift | SimLift::Drill => base,
            SimLift::Rdl | SimLift::SingleLegRdl => RepProgram {
                descent_lead_ms: 80.0,
                descent_s: 1.8,
                ascent_s: 1.5,
                pause_bottom_s: 0.2,
                pause_top_s: 0.8,
                depth_deg: 82.0,
                knee_deg: 18.0,
                shin_deg: -3.0,
                thoracic_deg: 8.0,
                ..base
            },
            SimLift::Clean => RepProgram {
                descent_s: 1.4,
                ascent_s: 0.9,
                pause_top_s: 1.2,
                depth_deg: 50.0,
                knee_deg: 85.0,
                ..base
            },
            SimLift::Squat => RepProgram {
                lead_ms: 0.0,
                descent_lead_ms: 0.0,
                descent_s: 1.3,
                ascent_s: 1.1,
                pause_bottom_s: 0.2,
                pause_top_s: 0.8,
                depth_deg: 35.0,
                knee_deg: 115.0,
                shin_deg: 35.0,
                thoracic_deg: 3.0,
                ..base
            },
            SimLift::Pistol => RepProgram {
                lead_ms: 0.0,
                descent_lead_ms: 0.0,
                descent_s: 1.8,
                ascent_s: 1.6,
                pause_bottom_s: 0.3,
                pause_top_s: 1.0,
                depth_deg: 40.0,
                knee_deg: 120.0,
                shin_deg: 38.0,
                thoracic_deg: 3.0,
                ..base
            },
        }
    }

    /// Switches to a pattern and sets its characteristic parameters (the lead times, spinal
    /// flexion at the bottom, knee bend). Fields can be adjusted afterwards.
    pub fn with_pattern(mut self, pattern: RepPattern) -> RepProgram {
        self.pattern = pattern;
        let ascent_ms = self.ascent_s * 1000.0;
        match pattern {
            RepPattern::Engine => {
                self.lead_ms = self.lead_ms.max(50.0);
                self.lumbar_deg = 0.0;
            }
            RepPattern::BackLed => {
                // Clearly back-led: the chest well up before the hips drive. Real landmark
                // timing scatters ≈ 100 ms between the reps of one set (measured on the
                // labelled corpus): a back-led rep leads by ≥ 300 ms, well clear of it.
                self.lead_ms = -(300.0f64).max(0.5 * ascent_ms);
                self.lumbar_deg = 15.0;
                self.thoracic_deg = 10.0;
            }
            RepPattern::HipsShootUp => {
                self.lead_ms = -150.0;
            }
            RepPattern::RoundedBack => {
                self.lead_ms = -40.0;
                self.lumbar_deg = 25.0;
                self.thoracic_deg = 15.0;
            }
            RepPattern::SquatNotHinge => {
                self.lead_ms = 20.0;
                self.knee_deg = (self.knee_deg + 45.0).min(120.0);
                self.shin_deg = (self.shin_deg + 15.0).min(35.0);
                self.depth_deg = (self.depth_deg - 22.0).max(25.0);
            }
        }
        self
    }
}

/// A replacement programme for one rep (1-based).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RepOverride {
    pub rep: usize,
    pub program: RepProgram,
}

/// The engine running out of fuel: parameters drift rep by rep after `after_rep`.
///
/// Rep `r > after_rep` has `n = r − after_rep` reps of drift: hip speed × (1 − n·loss),
/// lead + n·lead drift, depth + n·creep, knee + n·knee drift.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FatigueDrift {
    pub after_rep: usize,
    /// Fractional loss of hip-drive speed per rep (0.04 = 4 %/rep).
    pub hip_speed_loss_per_rep: f64,
    /// Added to `lead_ms` per rep (negative = toward back-led).
    pub lead_drift_ms_per_rep: f64,
    /// Added to the bottom trunk angle per rep.
    pub depth_creep_deg_per_rep: f64,
    /// Added to the bottom knee flexion per rep (negative = straighter legs).
    pub knee_drift_deg_per_rep: f64,
}

/// Thresholds that define the ground-truth fatigue onset rep (biomechanics §7.3 markers):
/// hip-drive speed loss ≥ 15 % (M1), lead drift ≥ 50 ms (M3), depth creep ≥ 8° (M4).
pub const FATIGUE_SPEED_LOSS: f64 = 0.15;
pub const FATIGUE_LEAD_DRIFT_MS: f64 = 50.0;
pub const FATIGUE_DEPTH_CREEP_DEG: f64 = 8.0;

impl Default for FatigueDrift {
    fn default() -> Self {
        FatigueDrift {
            after_rep: 8,
            hip_speed_loss_per_rep: 0.04,
            lead_drift_ms_per_rep: -30.0,
            depth_creep_deg_per_rep: 1.5,
            knee_drift_deg_per_rep: -1.0,
        }
    }
}

impl FatigueDrift {
    /// Reps of drift accumulated at rep `rep` (1-based).
    pub fn drift_reps(&self, rep: usize) -> usize {
        rep.saturating_sub(self.after_rep)
    }

    /// Hip-drive speed factor at a rep (never below 0.3).
    pub fn speed_factor(&self, rep: usize) -> f64 {
        (1.0 - self.drift_reps(rep) as f64 * self.hip_speed_loss_per_rep).max(0.3)
    }

    /// Applies the drift of rep `rep` to its programme.
    pub fn apply(&self, rep: usize, p: &mut RepProgram) {
        let n = self.drift_reps(rep) as f64;
        p.hip_speed *= self.speed_factor(rep);
        p.lead_ms += n * self.lead_drift_ms_per_rep;
        p.depth_deg += n * self.depth_creep_deg_per_rep;
        p.knee_deg = (p.knee_deg + n * self.knee_drift_deg_per_rep).max(0.0);
    }

    /// Whether the programmed drift at `rep` has reached a fatigue threshold.
    pub fn reached(&self, rep: usize) -> bool {
        let n = self.drift_reps(rep) as f64;
        n > 0.0
            && (1.0 - self.speed_factor(rep) >= FATIGUE_SPEED_LOSS - 1e-9
                || (n * self.lead_drift_ms_per_rep).abs() >= FATIGUE_LEAD_DRIFT_MS - 1e-9
                || n * self.depth_creep_deg_per_rep >= FATIGUE_DEPTH_CREEP_DEG - 1e-9)
    }

    /// The ground-truth fatigue onset: the first rep (1-based, ≤ `reps`) at which the
    /// programmed drift reaches any threshold; `None` if it never does within the set.
    pub fn onset_rep(&self, reps: usize) -> Option<usize> {
        (1..=reps).find(|&r| self.reached(r))
    }
}

/// Natural rep-to-rep variation (standard deviations; 0 = every rep exactly as programmed).
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RepVariability {
    pub lead_sd_ms: f64,
    pub depth_sd_deg: f64,
    /// Relative SD of the descent and ascent durations.
    pub tempo_sd: f64,
}

/// Landmark imperfections as a pose model produces them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Noise {
    /// Gaussian landmark noise (px, per coordinate).
    pub sigma_px: f64,
    /// Noise of the hand points 15–22 (px); `None` = 2.5 × `sigma_px`.
    pub hand_sigma_px: Option<f64>,
    /// z noise as a multiple of the x noise: 5, as measured on the real video tracks (hips and
    /// shoulders, residual from a 0.3 s local quadratic: z 3.7 % of the trunk length, x 0.7 %;
    /// median ratio 4.8 over 56 tracks of 5 sources).
    pub z_sigma_scale: f64,
    /// Correlation time of the noise (s, first-order autoregressive); 0 = white.
    pub correlation_s: f64,
    /// Fraction of frames with no person (isolated frames and short bursts).
    pub dropout_rate: f64,
    /// Longest dropout burst (frames).
    pub dropout_burst_max: usize,
    /// Per-frame chance that a landmark group's visibility dips (3–10 frames, 0.15–0.45).
    pub visibility_dip_rate: f64,
    /// Per-frame chance that the hands drop out (visibility < 0.5, 3–12 frames).
    pub hand_dropout_rate: f64,
    /// Timestamp jitter (ms, SD; clamped to ±40 % of the frame period, order kept).
    pub jitter_ms: f64,
}

impl Default for Noise {
    fn default() -> Self {
        Noise::none()
    }
}

impl Noise {
    /// Perfect landmarks and timestamps.
    pub fn none() -> Noise {
        Noise {
            sigma_px: 0.0,
            hand_sigma_px: None,
            z_sigma_scale: 5.0,
            correlation_s: 0.0,
            dropout_rate: 0.0,
            dropout_burst_max: 3,
            visibility_dip_rate: 0.0,
            hand_dropout_rate: 0.0,
            jitter_ms: 0.0,
        }
    }

    /// A good webcam at 2–3 m: 1.5 px noise, 0.5 % dropped frames, rare visibility dips,
    /// 2 ms timestamp jitter.
    pub fn typical() -> Noise {
        Noise {
            sigma_px: 1.5,
            dropout_rate: 0.005,
            visibility_dip_rate: 0.003,
            jitter_ms: 2.0,
            ..Noise::none()
        }
    }

    /// `typical()` with a different landmark noise (0 turns every imperfection off).
    pub fn px(sigma_px: f64) -> Noise {
        if sigma_px <= 0.0 {
            Noise::none()
        } else {
            Noise {
                sigma_px,
                ..Noise::typical()
            }
        }
    }

    pub(crate) fn hand_sigma(&self) -> f64 {
        self.hand_sigma_px.unwrap_or(2.5 * self.sigma_px)
    }
}

/// How a floor lift (deadlift, clean) ends after the bell is set down.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Finish {
    /// Stay down `finish_hold_s`, then stand up empty-handed, hands at the thighs. (From the
    /// landmarks this stand-up looks like one more lift: a camera cannot see whether the hands
    /// still hold the bell.)
    StandUpEmpty,
    /// Stay down with the bell until the clip ends (as the labelled real clips do).
    #[default]
    StayDown,
}

/// The hands-on-pelvis drill (seed text; biomechanics §1.5).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DrillProgram {
    /// Trunk angle in the static hinge hold (the "hang").
    pub hang_trunk_deg: f64,
    /// Lumbar and thoracic flexion in the hang (what the back-only lifts extend).
    pub hang_lumbar_deg: f64,
    pub hang_thoracic_deg: f64,
    /// Soft knees throughout.
    pub knee_deg: f64,
    /// ψ_max: the pelvis's anterior-tilt limit reached in the slow hinge.
    pub pelvis_max_deg: f64,
    /// Static hold in the hang.
    pub hold_s: f64,
    /// Back-only lifts: the pelvis stays, the back comes up about an inch.
    pub back_only_lifts: usize,
    /// Lumbar extension of each back-only lift.
    pub back_only_lumbar_deg: f64,
    /// Full lifts to upright with the lower back leading (the seed's "crane pulled by hand").
    pub crane_lifts: usize,
    /// Full lifts to upright with the pelvis moving first (the engine).
    pub engine_lifts: usize,
    /// Duration of a rise to upright.
    pub lift_s: f64,
    /// The slow continuous hinge to the pelvic limit and beyond.
    pub slow_hinge_s: f64,
    /// Spinal flexion at the end of the slow hinge (beyond the pelvic limit).
    pub slow_hinge_lumbar_deg: f64,
    pub slow_hinge_thoracic_deg: f64,
    /// The hands leave the pelvis after this many lifts (ground truth: abstain from then on).
    pub hands_leave_after_lifts: Option<usize>,
}

impl Default for DrillProgram {
    fn default() -> Self {
        DrillProgram {
            hang_trunk_deg: 50.0,
            hang_lumbar_deg: 12.0,
            hang_thoracic_deg: 4.0,
            knee_deg: 15.0,
            pelvis_max_deg: 48.0,
            hold_s: 3.0,
            back_only_lifts: 3,
            back_only_lumbar_deg: 11.0,
            crane_lifts: 3,
            engine_lifts: 5,
            lift_s: 1.6,
            slow_hinge_s: 6.0,
            slow_hinge_lumbar_deg: 30.0,
            slow_hinge_thoracic_deg: 8.0,
            hands_leave_after_lifts: None,
        }
    }
}

/// Everything that defines one simulated clip. Deterministic given `seed`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SimConfig {
    pub lift: SimLift,
    /// Counted reps.
    pub reps: usize,
    /// The programme of every rep unless overridden.
    pub rep: RepProgram,
    /// Replacement programmes for single reps.
    pub per_rep: Vec<RepOverride>,
    pub fatigue: Option<FatigueDrift>,
    pub variability: RepVariability,
    pub stature_m: f64,
    pub camera: Camera,
    pub noise: Noise,
    pub fps: f64,
    /// Standing still at the start (the calibration window). 0 = start mid-set: no standing,
    /// no setup; the clip opens at the top of the first rep (swing: at a float apex).
    pub start_still_s: f64,
    /// Standing still at the end.
    pub end_still_s: f64,
    /// Floor lifts: what happens after the set-down.
    pub finish: Finish,
    /// Floor lifts: time spent down after the set-down.
    pub finish_hold_s: f64,
    pub drill: DrillProgram,
    pub seed: u64,
    /// Person masks around the trunk, as the page cuts them (none by default).
    pub masks: Option<super::mask::MaskSim>,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig::new(SimLift::Swing)
    }
}

/// The named presets: (name, what it simulates).
pub const PRESETS: &[(&str, &str)] = &[
    (
        "swing-good",
        "10 two-hand swings, hips lead by 50 ms (engine), hike and park",
    ),
    (
        "swing-back-led",
        "10 swings, rounded at the bottom, the chest rises ≥ 300 ms before the hips drive",
    ),
    (
        "deadlift-good",
        "5 kettlebell deadlifts from the floor, hips lead by 60 ms",
    ),
    (
        "deadlift-hips-shoot-up",
        "5 deadlifts: knees straighten first, trunk stays, back finishes",
    ),
    (
        "deadlift-rounded",
        "5 deadlifts with λ 25°, κ 15° at the bottom (depth from the spine)",
    ),
    (
        "deadlift-squat",
        "5 deadlifts done as squats: knees ~120°, trunk ~33°",
    ),
    (
        "rdl-good",
        "6 Romanian deadlifts: knees 18°, trunk to 82°, wrists below the knees",
    ),
    ("clean-good", "5 cleans floor → rack"),
    (
        "single-leg-rdl",
        "6 single-leg RDLs on the near leg, the free leg swinging back in line with the trunk",
    ),
    (
        "pistol",
        "5 one-leg pistol squats, free leg forward (not a hinge)",
    ),
    ("squat", "8 bodyweight squats, arms forward (not a hinge)"),
    (
        "drill",
        "the hands-on-pelvis drill: hang, back-only lifts, crane and engine lifts, slow hinge",
    ),
    (
        "swing-fatigue",
        "20 swings; from rep 9 the hips slow 4 %/rep and the lead drifts −30 ms/rep",
    ),
];

impl SimConfig {
    /// Good-form defaults for a lift: landscape side view facing right, 30 fps, no noise,
    /// 2.5 s standing still, seed 1.
    pub fn new(lift: SimLift) -> SimConfig {
        let reps = match lift {
            SimLift::Swing => 10,
            SimLift::Rdl | SimLift::SingleLegRdl => 6,
            SimLift::Squat => 8,
            SimLift::Drill => 0,
            _ => 5,
        };
        SimConfig {
            lift,
            reps,
            rep: RepProgram::for_lift(lift),
            per_rep: Vec::new(),
            fatigue: None,
            variability: RepVariability::default(),
            stature_m: 1.75,
            camera: Camera::landscape(),
            noise: Noise::none(),
            fps: 30.0,
            start_still_s: 2.5,
            end_still_s: 1.0,
            finish: Finish::StayDown,
            finish_hold_s: 1.0,
            drill: DrillProgram::default(),
            seed: 1,
            masks: None,
        }
    }

    /// A named preset (see [`PRESETS`]); `None` if unknown. All use `Noise::typical()`
    /// (1.5 px, hands 3.75 px, 0.5 % dropped frames in bursts of ≤ 3, rare visibility dips,
    /// 2 ms timestamp jitter), a 1280×720 side view facing right at yaw 0, 30 fps, a 1.75 m
    /// lifter, 2.5 s standing still first, seed 1.
    ///
    /// | preset | lift, reps | programme |
    /// |---|---|---|
    /// | `swing-good` | swing, 10 | engine: lead +50 ms, descent lead +40 ms; drop 0.75 s, upswing 0.45 s, float 0.35 s; bottom θ_T 65°, knee 28°, arms −40° (between the legs); float 85°; lockout −2° (plank) |
    /// | `swing-back-led` | swing, 10 | back-led: λ 15°, κ 10° at the bottom, the spine un-rounds from −220 ms (programmed), the pelvis with the hips; measured lead ≈ −170 ms |
    /// | `swing-fatigue` | swing, 20 | `swing-good` plus `FatigueDrift::default()`: after rep 8, hip speed −4 %/rep, lead −30 ms/rep, depth +1.5°/rep, knee −1°/rep; fatigue onset rep 10 |
    /// | `deadlift-good` | deadlift, 5 | engine: lead +60 ms, descent lead +60 ms; descent 1.5 s, 0.6 s on the floor, ascent 1.2 s, 1.0 s at lockout; bottom θ_T 55°, knee 90°, shin 20°, κ 6°; then set-down, 1 s down, stand up empty-handed |
    /// | `deadlift-hips-shoot-up` | deadlift, 5 | knees 90° → 36° with the hips staying back and the trunk 4° deeper (0.3 s), then the back finishes with the hips 150 ms late |
    /// | `deadlift-rounded` | deadlift, 5 | λ 25°, κ 15° at the bottom (rounding late in the descent), lead −40 ms |
    /// | `deadlift-squat` | deadlift, 5 | squat-not-hinge: knee 120°, shin 35°, θ_T 33°, lead +20 ms |
    /// | `rdl-good` | rdl, 6 | from standing with the bell: θ_T 82°, knee 18°, shin −3°, κ 8°, wrists below the knees; descent 1.8 s, ascent 1.5 s |
    /// | `clean-good` | clean, 5 | floor → rack: bottom θ_T 50°, knee 85°; pull 0.9 s, elbows bend after the hips extend; 1.2 s in the rack (wrists at shoulder height, elbows forward); lowering arms first |
    /// | `squat` | squat, 8 | bodyweight, arms forward: θ_T 35°, knee 115°, shin 35°; not a hinge |
    /// | `pistol` | pistol, 5 | one leg, free (far) leg forward off the floor, arms forward: θ_T 40°, knee 120°; not a hinge |
    /// | `drill` | drill | `DrillProgram::default()`: hands placed, hang at θ_T 50° (λ 12°, κ 4°), 3 back-only lifts (λ −11°), 2 crane and 5 engine lifts to upright, a 6 s slow hinge to ψ_max 48° then λ 30°; hand noise 1.5 % of stature, hand dropouts |
    pub fn from_preset(name: &str) -> Option<SimConfig> {
        let lift = match name {
            "swing-good" | "swing-back-led" | "swing-fatigue" => SimLift::Swing,
            "deadlift-good" | "deadlift-hips-shoot-up" | "deadlift-rounded" | "deadlift-squat" => {
                SimLift::Deadlift
            }
            "rdl-good" => SimLift::Rdl,
            "single-leg-rdl" => SimLift::SingleLegRdl,
            "clean-good" => SimLift::Clean,
            "pistol" => SimLift::Pistol,
            "squat" => SimLift::Squat,
            "drill" => SimLift::Drill,
            _ => return None,
        };
        let mut cfg = SimConfig::new(lift);
        cfg.noise = Noise::typical();
        match name {
            "swing-back-led" => cfg.rep = cfg.rep.with_pattern(RepPattern::BackLed),
            "deadlift-hips-shoot-up" => cfg.rep = cfg.rep.with_pattern(RepPattern::HipsShootUp),
            "deadlift-rounded" => cfg.rep = cfg.rep.with_pattern(RepPattern::RoundedBack),
            "deadlift-squat" => cfg.rep = cfg.rep.with_pattern(RepPattern::SquatNotHinge),
            "swing-fatigue" => {
                cfg.reps = 20;
                cfg.fatigue = Some(FatigueDrift::default());
            }
            "drill" => {
                // Hand points: 0.5 % of body height of white noise (≈ 3 px at 720p), ten times
                // the frame-to-frame jitter measured on BlazePose's thumb and index points in
                // the real deadlift clips (≈ 0.2 px at B ≈ 250 px) to stand for their coarser
                // accuracy; the hands now and then drop below visibility 0.5.
                let stature_px = cfg.camera.scale(cfg.stature_m) * cfg.stature_m;
                cfg.noise.hand_sigma_px = Some(0.005 * stature_px);
                cfg.noise.hand_dropout_rate = 0.004;
            }
            _ => {}
        }
        Some(cfg)
    }

    /// Sets the number of counted reps.
    pub fn reps(mut self, n: usize) -> Self {
        self.reps = n;
        self
    }
    /// Sets the camera yaw (deg; 0 = pure side view).
    pub fn yaw(mut self, deg: f64) -> Self {
        self.camera.yaw_deg = deg;
        self
    }
    pub fn facing(mut self, facing: Facing) -> Self {
        self.camera.facing = facing;
        self
    }
    pub fn camera(mut self, camera: Camera) -> Self {
        self.camera = camera;
        self
    }
    /// Landmark noise in px with the other imperfections of `Noise::typical()`; 0 = none.
    pub fn noise_px(mut self, sigma_px: f64) -> Self {
        let hand = self.noise.hand_sigma_px;
        let hand_drop = self.noise.hand_dropout_rate;
        self.noise = Noise::px(sigma_px);
        if sigma_px > 0.0 {
            self.noise.hand_sigma_px = hand;
            self.noise.hand_dropout_rate = hand_drop;
        }
        self
    }
    pub fn noise(mut self, noise: Noise) -> Self {
        self.noise = noise;
        self
    }
    pub fn fps(mut self, fps: f64) -> Self {
        self.fps = fps;
        self
    }
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
    /// Standing still at the start (0 = start mid-set).
    pub fn start_still(mut self, s: f64) -> Self {
        self.start_still_s = s;
        self
    }
    /// Every rep gets this pattern (with its characteristic parameters).
    pub fn pattern(mut self, pattern: RepPattern) -> Self {
        self.rep = self.rep.with_pattern(pattern);
        self
    }
    /// Edits the default programme of every rep.
    pub fn every_rep(mut self, f: impl FnOnce(&mut RepProgram)) -> Self {
        f(&mut self.rep);
        self
    }
    /// Overrides one rep (1-based), starting from the default programme.
    pub fn with_rep(mut self, rep: usize, f: impl FnOnce(&mut RepProgram)) -> Self {
        let mut program = self.rep.clone();
        f(&mut program);
        self.per_rep.retain(|o| o.rep != rep);
        self.per_rep.push(RepOverride { rep, program });
        self
    }
    pub fn fatigue(mut self, drift: FatigueDrift) -> Self {
        self.fatigue = Some(drift);
        self
    }

    /// The programme of rep `rep` (1-based) before fatigue and variability.
    pub fn program_for(&self, rep: usize) -> &RepProgram {
        self.per_rep
            .iter()
            .rev()
            .find(|o| o.rep == rep)
            .map(|o| &o.program)
            .unwrap_or(&self.rep)
    }
}
