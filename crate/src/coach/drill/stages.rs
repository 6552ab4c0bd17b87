//! The drill's steps, in order: what each asks the lifter to do (the instruction read and
//! spoken), its short name for tables, which step follows, and which verdict it asks for; and
//! how many movements each moving step wants (`Targets`).

use crate::report::Verdict;
use serde::{Deserialize, Serialize};

/// The steps of the drill, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Stand tall, side-on.
    Stand,
    /// Thumb on the top of the hip bone.
    FindCrest,
    /// Index finger on the top of the thigh bone.
    FindTrochanter,
    /// Hinge into the hang and hold still.
    Hang,
    /// Raise the back about an inch, pelvis left where it is (several times).
    BackOnly,
    /// Come fully upright with the lower back leading (the crane pulled up by hand).
    CraneUp,
    /// Come up letting the hips move the pelvis; the spine follows (the engine).
    EngineUp,
    /// Hinge slowly as deep as you can, then come up: where the pelvis stops is θ_T*.
    SlowHinge,
    Done,
}

impl Stage {
    /// What the lifter reads (and hears) at this stage.
    pub fn instruction(self) -> &'static str {
        match self {
            Stage::Stand => "Stand tall, side-on to the camera, whole body in view.",
            Stage::FindCrest => "Put your thumb on the top of your hip bone — the iliac crest — and leave it there.",
            Stage::FindTrochanter => "Now put your index finger on the top of your thigh bone — the greater trochanter — and leave it there.",
            Stage::Hang => "Hinge at the hips into the hang and hold still: this is your static hip hinge.",
            Stage::BackOnly => "Leave your pelvis where it is and raise your back about an inch, then go back down. Feel the lower back working.",
            Stage::CraneUp => "Now come all the way up with your lower back leading — the crane pulled up by hand. Then hinge back down.",
            Stage::EngineUp => "Brace the crane. Turn the engine on: squeeze your glutes and come up letting the hips move the pelvis. The back just holds.",
            Stage::SlowHinge => "Hinge down slowly, as deep as you can, then come back up.",
            Stage::Done => "Drill done.",
        }
    }
    /// The step's short name, for tables.
    pub fn label(self) -> &'static str {
        match self {
            Stage::Stand => "stand tall",
            Stage::FindCrest => "find crest",
            Stage::FindTrochanter => "find trochanter",
            Stage::Hang => "hang",
            Stage::BackOnly => "back only",
            Stage::CraneUp => "back-led up",
            Stage::EngineUp => "hips-led up",
            Stage::SlowHinge => "slow hinge",
            Stage::Done => "done",
        }
    }
    /// The step after this one (`Done` stays done).
    pub(super) fn next(self) -> Stage {
        match self {
            Stage::Stand => Stage::FindCrest,
            Stage::FindCrest => Stage::FindTrochanter,
            Stage::FindTrochanter => Stage::Hang,
            Stage::Hang => Stage::BackOnly,
            Stage::BackOnly => Stage::CraneUp,
            Stage::CraneUp => Stage::EngineUp,
            Stage::EngineUp => Stage::SlowHinge,
            Stage::SlowHinge | Stage::Done => Stage::Done,
        }
    }
    /// What the stage asks the lifter to do, for comparing with what was seen.
    pub(super) fn expects(self) -> Option<Verdict> {
        match self {
            Stage::BackOnly | Stage::CraneUp => Some(Verdict::Crane),
            Stage::EngineUp => Some(Verdict::Engine),
            _ => None,
        }
    }
}

/// How many movements each moving stage wants (the seed: "several", "five or so", "five").
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Targets {
    pub back_only: usize,
    pub crane_up: usize,
    pub engine_up: usize,
}

impl Default for Targets {
    fn default() -> Self {
        Targets {
            back_only: 3,
            crane_up: 3,
            engine_up: 5,
        }
    }
}
