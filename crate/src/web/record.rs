//! The frame record: everything the page reads after a frame, as one fixed `#[repr(C)]` struct
//! in wasm memory (the Game of Life way: JS makes one typed view over `memory.buffer` at a
//! pointer it asks for once, and reads fields at fixed offsets; nothing is serialised per frame).
//!
//! The enums the record carries cross as `#[repr(u8)]` numbers and are exported to JS by
//! wasm-bindgen (`Phase.Top === 0`, …), so the page keeps no list of names of its own; the
//! record's layout itself is exported too ([`frame_layout`]), so the page keeps no offsets.
//! ARCHITECTURE.md documents the layout field by field.
//!
//! Each enum here mirrors one of the core's, with an exhaustive `From` (a variant added in the
//! core does not compile until it is given a number here). Numbers are part of the contract:
//! append new variants, never renumber.

use crate::analyzer::Live;
use crate::coach::drill::{DrillLive, HandIssue as CoreHandIssue, Stage as CoreStage};
use crate::motion::reps::Phase as CorePhase;
use crate::motion::view::{FramingIssue, ViewKind as CoreViewKind};
use crate::report::{FaultCode, Verdict as CoreVerdict};
use wasm_bindgen::prelude::*;

/// The live phase, as the HUD words it (top, down, up, paused).
#[wasm_bindgen]
#[repr(u8)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Phase {
    /// Standing, at the top between reps.
    #[default]
    Top = 0,
    /// Going down (the hinge).
    Down = 1,
    /// Coming up (the ascent the verdict is about).
    Up = 2,
    /// Tracking lost: waiting for the lifter to come back.
    Paused = 3,
}

impl From<CorePhase> for Phase {
    fn from(p: CorePhase) -> Self {
        match p {
            CorePhase::Top => Phase::Top,
            CorePhase::Descent => Phase::Down,
            CorePhase::Ascent => Phase::Up,
            CorePhase::Paused => Phase::Paused,
        }
    }
}

/// Crane versus engine, per rep.
#[wasm_bindgen]
#[repr(u8)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Verdict {
    /// The hips drove the rep; the back held.
    #[default]
    Engine = 0,
    /// The back did the hips' work.
    Crane = 1,
    /// The view or tracking did not allow a judgement.
    Unclear = 2,
}

impl From<CoreVerdict> for Verdict {
    fn from(v: CoreVerdict) -> Self {
        match v {
            CoreVerdict::Engine => Verdict::Engine,
            CoreVerdict::Crane => Verdict::Crane,
            CoreVerdict::Unclear => Verdict::Unclear,
        }
    }
}

/// The fault a rep's spoken cue is about (docs/product.md's fault codes), or `None`.
#[wasm_bindgen]
#[repr(u8)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Fault {
    #[default]
    None = 0,
    BackLeadsAscent = 1,
    HipsShootUp = 2,
    TrunkLeadsDescent = 3,
    SpinalFlexionDepth = 4,
    RoundedBack = 5,
    SquatNotHinge = 6,
    KneesLocked = 7,
    LeanBackLockout = 8,
    IncompleteLockout = 9,
    ArmsLiftBell = 10,
    HeadCrank = 11,
    BarDrift = 12,
    HeelLift = 13,
    Twisting = 14,
}

impl From<Option<FaultCode>> for Fault {
    fn from(f: Option<FaultCode>) -> Self {
        let Some(f) = f else { return Fault::None };
        match f {
            FaultCode::BackLeadsAscent => Fault::BackLeadsAscent,
            FaultCode::HipsShootUp => Fault::HipsShootUp,
            FaultCode::TrunkLeadsDescent => Fault::TrunkLeadsDescent,
            FaultCode::SpinalFlexionDepth => Fault::SpinalFlexionDepth,
            FaultCode::RoundedBack => Fault::RoundedBack,
            FaultCode::SquatNotHinge => Fault::SquatNotHinge,
            FaultCode::KneesLocked => Fault::KneesLocked,
            FaultCode::LeanBackLockout => Fault::LeanBackLockout,
            FaultCode::IncompleteLockout => Fault::IncompleteLockout,
            FaultCode::ArmsLiftBell => Fault::ArmsLiftBell,
            FaultCode::HeadCrank => Fault::HeadCrank,
            FaultCode::BarDrift => Fault::BarDrift,
            FaultCode::HeelLift => Fault::HeelLift,
            FaultCode::Twisting => Fault::Twisting,
        }
    }
}

/// How the camera sees the lifter (from the yaw estimate).
#[wasm_bindgen]
#[repr(u8)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ViewKind {
    Side = 0,
    Oblique = 1,
    Front = 2,
    #[default]
    Unknown = 3,
}

impl From<CoreViewKind> for ViewKind {
    fn from(k: CoreViewKind) -> Self {
        match k {
            CoreViewKind::Side => ViewKind::Side,
            CoreViewKind::Oblique => ViewKind::Oblique,
            CoreViewKind::Front => ViewKind::Front,
            CoreViewKind::Unknown => ViewKind::Unknown,
        }
    }
}

/// Framing advice, as bit numbers of the record's `framing` set (`1 << Framing.MoveCloser`).
/// The numbers follow the order of importance the framing coach speaks them in: the lowest set
/// bit is the advice to give first.
#[wasm_bindgen]
#[repr(u8)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framing {
    TurnSideOn = 0,
    TurnLeftLittle = 1,
    TurnLeftEighth = 2,
    TurnLeftQuarter = 3,
    TurnRightLittle = 4,
    TurnRightEighth = 5,
    TurnRightQuarter = 6,
    NotWholeBody = 7,
    MoveCloser = 8,
    MoveBack = 9,
    CameraTooHigh = 10,
    CameraTooLow = 11,
    MoreLight = 12,
    NoPerson = 13,
    /// The pose model saw more than one person.
    SecondPerson = 14,
    /// An oblique view kept: graded where the angle allows (information).
    ObliqueAccepted = 15,
    /// The back's outline is hidden by loose clothing or hair (a set filmed with masks).
    BackHidden = 16,
}

/// Every framing code, in the order of importance.
pub const FRAMINGS: [Framing; 17] = [
    Framing::TurnSideOn,
    Framing::TurnLeftLittle,
    Framing::TurnLeftEighth,
    Framing::TurnLeftQuarter,
    Framing::TurnRightLittle,
    Framing::TurnRightEighth,
    Framing::TurnRightQuarter,
    Framing::NotWholeBody,
    Framing::MoveCloser,
    Framing::MoveBack,
    Framing::CameraTooHigh,
    Framing::CameraTooLow,
    Framing::MoreLight,
    Framing::NoPerson,
    Framing::SecondPerson,
    Framing::ObliqueAccepted,
    Framing::BackHidden,
];

impl From<FramingIssue> for Framing {
    fn from(i: FramingIssue) -> Self {
        match i {
            FramingIssue::TurnSideOn => Framing::TurnSideOn,
            FramingIssue::TurnLeftLittle => Framing::TurnLeftLittle,
            FramingIssue::TurnLeftEighth => Framing::TurnLeftEighth,
            FramingIssue::TurnLeftQuarter => Framing::TurnLeftQuarter,
            FramingIssue::TurnRightLittle => Framing::TurnRightLittle,
            FramingIssue::TurnRightEighth => Framing::TurnRightEighth,
            FramingIssue::TurnRightQuarter => Framing::TurnRightQuarter,
            FramingIssue::ObliqueAccepted => Framing::ObliqueAccepted,
            FramingIssue::BackHidden => Framing::BackHidden,
            FramingIssue::NotWholeBody => Framing::NotWholeBody,
            FramingIssue::MoveCloser => Framing::MoveCloser,
            FramingIssue::MoveBack => Framing::MoveBack,
            FramingIssue::CameraTooHigh => Framing::CameraTooHigh,
            FramingIssue::CameraTooLow => Framing::CameraTooLow,
            FramingIssue::MoreLight => Framing::MoreLight,
            FramingIssue::NoPerson => Framing::NoPerson,
        }
    }
}

/// What the advice says (shown and spoken; fetched once per code by the page).
pub fn framing_text(f: Framing) -> &'static str {
    let core = match f {
        Framing::SecondPerson => {
            return "Someone else is in view: only one lifter at a time, please";
        }
        Framing::TurnSideOn => FramingIssue::TurnSideOn,
        Framing::TurnLeftLittle => FramingIssue::TurnLeftLittle,
        Framing::TurnLeftEighth => FramingIssue::TurnLeftEighth,
        Framing::TurnLeftQuarter => FramingIssue::TurnLeftQuarter,
        Framing::TurnRightLittle => FramingIssue::TurnRightLittle,
        Framing::TurnRightEighth => FramingIssue::TurnRightEighth,
        Framing::TurnRightQuarter => FramingIssue::TurnRightQuarter,
        Framing::ObliqueAccepted => FramingIssue::ObliqueAccepted,
        Framing::BackHidden => FramingIssue::BackHidden,
        Framing::NotWholeBody => FramingIssue::NotWholeBody,
        Framing::MoveCloser => FramingIssue::MoveCloser,
        Framing::MoveBack => FramingIssue::MoveBack,
        Framing::CameraTooHigh => FramingIssue::CameraTooHigh,
        Framing::CameraTooLow => FramingIssue::CameraTooLow,
        Framing::MoreLight => FramingIssue::MoreLight,
        Framing::NoPerson => FramingIssue::NoPerson,
    };
    core.message()
}

/// The fatigue state after the latest rep (docs/biomechanics.md §7).
#[wasm_bindgen]
#[repr(u8)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum FatigueLevel {
    /// No sign of the engine tiring (or too few reps to say).
    #[default]
    None = 0,
    /// A marker fired on two reps in a row: stay crisp.
    Notice = 1,
    /// The back is taking over: stop the set.
    Stop = 2,
    /// Crane reps from the first reps on: technique, not fatigue.
    Technique = 3,
}

impl From<crate::report::FatigueLevel> for FatigueLevel {
    fn from(l: crate::report::FatigueLevel) -> Self {
        use crate::report::FatigueLevel as L;
        match l {
            L::None => FatigueLevel::None,
            L::Notice => FatigueLevel::Notice,
            L::Stop => FatigueLevel::Stop,
            L::Technique => FatigueLevel::Technique,
        }
    }
}

/// What became of the latest frame.
#[wasm_bindgen]
#[repr(u8)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum FrameStatus {
    /// Analysed, with a person in it.
    Analysed = 0,
    /// Analysed: nobody in view.
    NoPerson = 1,
    /// Refused (`lastError()` says why); the rest of the record is the last good frame's.
    Rejected = 2,
    /// No frame yet.
    #[default]
    None = 3,
}

/// The drill's step (exercise `drill`), or `Off` outside the drill.
#[wasm_bindgen]
#[repr(u8)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum DrillStage {
    #[default]
    Off = 0,
    Stand = 1,
    FindCrest = 2,
    FindTrochanter = 3,
    Hang = 4,
    BackOnly = 5,
    CraneUp = 6,
    EngineUp = 7,
    SlowHinge = 8,
    Done = 9,
}

impl From<CoreStage> for DrillStage {
    fn from(s: CoreStage) -> Self {
        match s {
            CoreStage::Stand => DrillStage::Stand,
            CoreStage::FindCrest => DrillStage::FindCrest,
            CoreStage::FindTrochanter => DrillStage::FindTrochanter,
            CoreStage::Hang => DrillStage::Hang,
            CoreStage::BackOnly => DrillStage::BackOnly,
            CoreStage::CraneUp => DrillStage::CraneUp,
            CoreStage::EngineUp => DrillStage::EngineUp,
            CoreStage::SlowHinge => DrillStage::SlowHinge,
            CoreStage::Done => DrillStage::Done,
        }
    }
}

impl DrillStage {
    /// The core's stage (None for `Off`).
    pub fn core(self) -> Option<CoreStage> {
        Some(match self {
            DrillStage::Off => return None,
            DrillStage::Stand => CoreStage::Stand,
            DrillStage::FindCrest => CoreStage::FindCrest,
            DrillStage::FindTrochanter => CoreStage::FindTrochanter,
            DrillStage::Hang => CoreStage::Hang,
            DrillStage::BackOnly => CoreStage::BackOnly,
            DrillStage::CraneUp => CoreStage::CraneUp,
            DrillStage::EngineUp => CoreStage::EngineUp,
            DrillStage::SlowHinge => CoreStage::SlowHinge,
            DrillStage::Done => CoreStage::Done,
        })
    }
}

/// Why the hands do not count as on the pelvis (the drill), or `Ok`.
#[wasm_bindgen]
#[repr(u8)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Hands {
    #[default]
    Ok = 0,
    HandsNotVisible = 1,
    FingersTogether = 2,
    IndexNotOnTrochanter = 3,
    ThumbNotOnCrest = 4,
}

impl From<Option<CoreHandIssue>> for Hands {
    fn from(h: Option<CoreHandIssue>) -> Self {
        match h {
            None => Hands::Ok,
            Some(CoreHandIssue::HandsNotVisible) => Hands::HandsNotVisible,
            Some(CoreHandIssue::FingersTogether) => Hands::FingersTogether,
            Some(CoreHandIssue::IndexNotOnTrochanter) => Hands::IndexNotOnTrochanter,
            Some(CoreHandIssue::ThumbNotOnCrest) => Hands::ThumbNotOnCrest,
        }
    }
}

/// Bit numbers of the record's `flags` (`flags & (1 << Flag.NewRep)`).
#[wasm_bindgen]
#[repr(u8)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flag {
    /// Standing is calibrated (still, or from lockouts).
    Calibrated = 0,
    /// The lifter was found: the chart's signals (trunk, hip, knee) are valid.
    Lifter = 1,
    /// A counted rep arrived on this frame: the rep block and the fatigue fields are new.
    NewRep = 2,
    /// The drill moved to another step on this frame.
    DrillStageChanged = 3,
    /// The drill judged a movement on this frame (`drillReport()` has it).
    DrillMovement = 4,
    /// The latest rep was judged again on this frame (its back's outline read once the
    /// lifter's standing curve was known, or at the end): the rep block holds the new verdict.
    RepRevised = 5,
}

/// The [`Flag`]s as masks.
pub mod flag {
    use super::Flag;
    pub const CALIBRATED: u8 = 1 << Flag::Calibrated as u8;
    pub const LIFTER: u8 = 1 << Flag::Lifter as u8;
    pub const NEW_REP: u8 = 1 << Flag::NewRep as u8;
    pub const DRILL_STAGE_CHANGED: u8 = 1 << Flag::DrillStageChanged as u8;
    pub const DRILL_MOVEMENT: u8 = 1 << Flag::DrillMovement as u8;
    pub const REP_REVISED: u8 = 1 << Flag::RepRevised as u8;
}

/// Landmarks of a BlazePose frame (the reserved depth block holds x, y, z per landmark).
pub const DEPTH_LANDMARKS: usize = crate::pose::LANDMARKS;
/// Numbers in the reserved segmentation-mask summary.
pub const MASK_SUMMARY: usize = 16;

/// The frame record (little-endian, C layout; offsets in [`frame_layout`] and ARCHITECTURE.md).
///
/// Every field is rewritten after each frame except the rep block, which changes only on the
/// frame a rep arrives (`flags & NEW_REP`) or is judged again (`flags & REP_REVISED`) and holds
/// the latest rep until the next one.
#[repr(C)]
#[derive(Clone, Debug)]
pub struct FrameRecord {
    /// Media time of the latest analysed frame (s); NaN before the first.
    pub time_s: f64,
    /// Frames fed so far, refused ones included (a sequence number: it changes every frame).
    pub frames: u32,
    /// Frames refused so far.
    pub rejected: u32,
    /// Reps counted so far.
    pub rep_count: u32,
    /// Framing advice now, a bit set over [`Framing`].
    pub framing: u32,
    /// 0..1: the hips driving now (the engine); in the drill, the pelvic line turning.
    pub engine: f32,
    /// 0..1: the trunk rising without the hips now (the crane pulled by hand).
    pub crane: f32,
    /// The chart's live signals (deg), NaN while the lifter is not found.
    pub trunk_deg: f32,
    pub hip_deg: f32,
    pub knee_deg: f32,
    /// Estimated camera yaw (deg, 0 = side-on), NaN when unknown.
    pub yaw_deg: f32,
    /// [`FrameStatus`].
    pub status: u8,
    /// [`Phase`].
    pub phase: u8,
    /// [`ViewKind`].
    pub view: u8,
    /// A bit set over [`Flag`].
    pub flags: u8,
    /// The drill ([`DrillStage`], `Off` outside it), its hands check ([`Hands`]), movements
    /// done in this step and how many it wants.
    pub drill_stage: u8,
    pub drill_hands: u8,
    pub drill_count: u8,
    pub drill_target: u8,
    /// The drill's live pelvic line and trunk line (deg), NaN when not seen.
    pub drill_pelvic_deg: f32,
    pub drill_trunk_deg: f32,
    /// The latest rep: its 1-based index (0 = none yet), [`Verdict`], confidence 0..1, the
    /// [`Fault`] its spoken cue is about, and its lockout time (s).
    pub rep_index: u32,
    pub rep_confidence: f32,
    pub rep_lockout_s: f64,
    pub rep_verdict: u8,
    pub rep_cue: u8,
    /// The fatigue state after the latest rep ([`FatigueLevel`]).
    pub fatigue_level: u8,
    pub _pad: u8,
    /// The rep where the engine started to tire (0 = none).
    pub fatigue_onset_rep: u32,
    /// The latest rep's words, UTF-8 in wasm memory: address and length in bytes. Three parts
    /// separated by U+001F: the rep's message, the spoken cue, the fatigue advice. Rewritten
    /// only on a rep event: the page decodes them then, without a call.
    pub rep_words: [u32; 2],
    /// RESERVED for depth (oblique views): world landmarks x, y, z (m, hip-centred) per
    /// BlazePose landmark. NaN until the analysis uses depth (the page does not send it yet).
    pub depth: [f32; DEPTH_LANDMARKS * 3],
    /// The back's outline on this frame (a frame with a mask, `motion::contour`): [0] 0 when
    /// read, else why not (1 no outline, 2 sparse, 3 ragged, 4 loose clothing or hair); [1] the
    /// low band's angle and [2] the upper band's (deg from vertical, + toward the facing); [3]
    /// the lumbar curve over standing ΔΛ and [4] the pelvic tilt over standing (deg), once the
    /// standing curve is known. NaN where not measured; the rest reserved.
    pub mask: [f32; MASK_SUMMARY],
}

impl Default for FrameRecord {
    fn default() -> Self {
        FrameRecord {
            time_s: f64::NAN,
            frames: 0,
            rejected: 0,
            rep_count: 0,
            framing: 0,
            engine: 0.0,
            crane: 0.0,
            trunk_deg: f32::NAN,
            hip_deg: f32::NAN,
            knee_deg: f32::NAN,
            yaw_deg: f32::NAN,
            status: FrameStatus::None as u8,
            phase: Phase::Top as u8,
            view: ViewKind::Unknown as u8,
            flags: 0,
            drill_stage: DrillStage::Off as u8,
            drill_hands: Hands::Ok as u8,
            drill_count: 0,
            drill_target: 0,
            drill_pelvic_deg: f32::NAN,
            drill_trunk_deg: f32::NAN,
            rep_index: 0,
            rep_confidence: f32::NAN,
            rep_lockout_s: f64::NAN,
            rep_verdict: Verdict::Engine as u8,
            rep_cue: Fault::None as u8,
            fatigue_level: FatigueLevel::None as u8,
            _pad: 0,
            fatigue_onset_rep: 0,
            rep_words: [0, 0],
            depth: [f32::NAN; DEPTH_LANDMARKS * 3],
            mask: [f32::NAN; MASK_SUMMARY],
        }
    }
}

fn f32_or_nan(v: Option<f64>) -> f32 {
    v.filter(|v| v.is_finite()).map_or(f32::NAN, |v| v as f32)
}

impl FrameRecord {
    /// The every-frame fields from the analyser's live state (the rep block is left as it is).
    pub fn observe(&mut self, live: &Live, people: u32, drill: Option<&DrillLive>) {
        self.frames = self.frames.wrapping_add(1);
        self.time_s = live.t;
        self.status = if live.points.is_some() {
            FrameStatus::Analysed
        } else {
            FrameStatus::NoPerson
        } as u8;
        self.phase = Phase::from(live.phase) as u8;
        self.rep_count = live.rep_count;
        self.engine = live.engine as f32;
        self.crane = live.crane as f32;
        let sig = live.sig.filter(|_| live.points.is_some());
        self.trunk_deg = f32_or_nan(sig.map(|s| s.trunk));
        self.hip_deg = f32_or_nan(sig.map(|s| s.hip));
        self.knee_deg = f32_or_nan(sig.map(|s| s.knee));
        self.view = ViewKind::from(live.view.kind) as u8;
        self.yaw_deg = f32_or_nan(live.view.yaw_deg);
        let mut framing = 0u32;
        for &i in &live.view.issues {
            framing |= 1 << Framing::from(i) as u32;
        }
        if people > 1 {
            framing |= 1 << Framing::SecondPerson as u32;
        }
        self.framing = framing;
        self.mask = [f32::NAN; MASK_SUMMARY];
        if let Some(c) = &live.back {
            self.mask[0] = c.issue.map_or(0.0, |i| 1.0 + i as u8 as f32);
            self.mask[1] = f32_or_nan(Some(c.theta_low));
            self.mask[2] = f32_or_nan(Some(c.theta_up));
            self.mask[3] = f32_or_nan(live.back_bend);
            self.mask[4] = f32_or_nan(live.back_pelvis);
        }
        let mut flags = 0;
        if live.calibrated {
            flags |= flag::CALIBRATED;
        }
        if sig.is_some() {
            flags |= flag::LIFTER;
        }
        if live.new_rep {
            flags |= flag::NEW_REP;
        }
        match drill {
            Some(d) => {
                self.drill_stage = DrillStage::from(d.stage) as u8;
                self.drill_hands = Hands::from(d.hands) as u8;
                self.drill_count = d.count.min(255) as u8;
                self.drill_target = d.target.min(255) as u8;
                self.drill_pelvic_deg = f32_or_nan(d.pelvic_line_deg);
                self.drill_trunk_deg = f32_or_nan(d.trunk_deg);
                if d.stage_changed {
                    flags |= flag::DRILL_STAGE_CHANGED;
                }
                if d.new_movement {
                    flags |= flag::DRILL_MOVEMENT;
                }
            }
            None => {
                self.drill_stage = DrillStage::Off as u8;
                self.drill_hands = Hands::Ok as u8;
            }
        }
        self.flags = flags;
    }

    /// A refused frame: counted, and flagged; the rest stays the last good frame's.
    pub fn refuse(&mut self) {
        self.frames = self.frames.wrapping_add(1);
        self.rejected = self.rejected.wrapping_add(1);
        self.status = FrameStatus::Rejected as u8;
        self.flags &=
            !(flag::NEW_REP | flag::REP_REVISED | flag::DRILL_STAGE_CHANGED | flag::DRILL_MOVEMENT);
    }
}

/// `name offset type` for every field, `;`-separated: the page builds its reader from this,
/// so no offset is written twice. Types: `f64`, `f32`, `u32`, `u8`; an enum's name (a `u8`
/// holding that exported enum); `bits:Enum` (a `u32` bit set over that enum); `flags:Enum` (a
/// `u8` bit set over that enum, read as one boolean per bit); `f32xN` (an array: the reserved
/// blocks).
pub fn frame_layout() -> String {
    use core::mem::offset_of;
    macro_rules! fields {
        ($($f:ident : $t:expr),* $(,)?) => {
            [$((stringify!($f), offset_of!(FrameRecord, $f), $t)),*]
        };
    }
    let depth = format!("f32x{}", DEPTH_LANDMARKS * 3);
    let mask = format!("f32x{MASK_SUMMARY}");
    let fields = fields![
        time_s: "f64",
        frames: "u32",
        rejected: "u32",
        rep_count: "u32",
        framing: "bits:Framing",
        engine: "f32",
        crane: "f32",
        trunk_deg: "f32",
        hip_deg: "f32",
        knee_deg: "f32",
        yaw_deg: "f32",
        status: "FrameStatus",
        phase: "Phase",
        view: "ViewKind",
        flags: "flags:Flag",
        drill_stage: "DrillStage",
        drill_hands: "Hands",
        drill_count: "u8",
        drill_target: "u8",
        drill_pelvic_deg: "f32",
        drill_trunk_deg: "f32",
        rep_index: "u32",
        rep_confidence: "f32",
        rep_lockout_s: "f64",
        rep_verdict: "Verdict",
        rep_cue: "Fault",
        fatigue_level: "FatigueLevel",
        fatigue_onset_rep: "u32",
        rep_words: "text",
        depth: depth.as_str(),
        mask: mask.as_str(),
    ];
    let mut out = String::new();
    for (i, (name, off, ty)) in fields.iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        out.push_str(&format!("{name} {off} {ty}"));
    }
    out
}
