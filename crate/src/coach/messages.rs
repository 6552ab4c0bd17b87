//! What the coach says, in the seed's language: the crane (pelvis and spine, held rigid by
//! the back) and the engine (glutes and hamstrings, which hoist). One place for every
//! sentence the lifter reads or hears, so wording stays consistent and honest about what a
//! camera can see.

use crate::report::{FaultCode, Severity};

/// The message for a fault, given its severity and the measured value that triggered it
/// (already formatted). A warning of the crane's sequencing is worded as "a little early", not as
/// the crane itself: the rep's verdict stays engine and the words must not say otherwise.
pub fn fault_message(code: FaultCode, severity: Severity, detail: &str) -> String {
    let text = match (code, severity) {
        (FaultCode::BackLeadsAscent, Severity::Warning) => "The chest started up a little early — keep the hips leading the rise; the back only holds the crane.",
        (FaultCode::HipsShootUp, Severity::Warning) => "The hips rose a little ahead of the chest — push the floor away so hips and chest rise together.",
        (code, _) => fault_text(code),
    };
    if detail.is_empty() {
        text.to_string()
    } else {
        format!("{text} ({detail})")
    }
}

fn fault_text(code: FaultCode) -> &'static str {
    match code {
        FaultCode::BackLeadsAscent => "Your chest came up before your hips drove — let the engine hoist: drive the hips through, the back only holds the crane.",
        FaultCode::HipsShootUp => "Your hips shot up first and the back finished the lift — the crane pulled up by hand. Push the floor away so hips and chest rise together.",
        FaultCode::TrunkLeadsDescent => "Your trunk bowed before your hips went back — send the hips back first and let the chest follow.",
        FaultCode::SpinalFlexionDepth => "You went past where your pelvis stops — that extra depth came from bending the spine. Stop where the pelvis stops.",
        FaultCode::RoundedBack => "Your back looked rounded at the bottom — keep the steel crane rigid: chest proud, spine long. (The camera sees the trunk line, not the spine itself: do the drill to check your pelvic limit.)",
        FaultCode::SquatNotHinge => "That was a squat, not a hinge — knees forward and trunk upright. Sit the hips back and keep the shins more vertical.",
        FaultCode::KneesLocked => "Knees locked straight at the bottom — soften them a little.",
        FaultCode::LeanBackLockout => "You leaned back at the top — stand tall with the hips through; no extra tilt.",
        FaultCode::IncompleteLockout => "You did not finish the lockout — stand all the way up and squeeze the glutes.",
        FaultCode::ArmsLiftBell => "Your arms lifted the bell — let the hip snap float it; the arms are just ropes.",
        FaultCode::HeadCrank => "You cranked your head up — keep the neck long, in line with the trunk.",
        FaultCode::BarDrift => "The bell drifted away from you — keep it close, over the middle of the foot.",
        FaultCode::HeelLift => "Your heels came up — keep your weight through the whole foot.",
        FaultCode::Twisting => "You turned toward the camera during the rep — stay side-on; this rep is less certain.",
    }
}

/// A short spoken cue for a verdict (the page speaks it after each rep). On an engine rep a
/// crane code can only be a warning: the cue then praises the engine and names the drift, never
/// says "crane".
pub fn spoken_cue(code: Option<FaultCode>, engine: bool) -> &'static str {
    match code {
        Some(FaultCode::BackLeadsAscent) if engine => "Engine. Keep the hips leading.",
        Some(FaultCode::HipsShootUp) if engine => "Engine. Chest and hips together.",
        Some(FaultCode::BackLeadsAscent) => "Crane. Chest came up first. Hips drive.",
        Some(FaultCode::HipsShootUp) => "Crane. Hips shot up. Chest and hips together.",
        Some(FaultCode::RoundedBack) => "Back rounding. Keep the crane rigid.",
        Some(FaultCode::SpinalFlexionDepth) => "Too deep. Stop where the pelvis stops.",
        Some(FaultCode::LeanBackLockout) => "Don't lean back. Stand tall.",
        Some(FaultCode::SquatNotHinge) => "Squat, not hinge. Hips back.",
        Some(FaultCode::TrunkLeadsDescent) => "Hips back first.",
        Some(FaultCode::IncompleteLockout) => "Finish the lockout.",
        Some(FaultCode::ArmsLiftBell) => "Arms are ropes. Snap the hips.",
        _ if engine => "Engine. Good rep.",
        _ => "Rep counted.",
    }
}

pub const ENGINE: &str = "Engine: your hips drove the rep and the back held the crane.";
/// After a fault that is not the crane's (a squat, say): the sequencing itself was sound.
pub const SEQUENCE_SOUND: &str = "Hips and chest did rise together: no crane.";
/// A rep counted but not measured (the pose was lost or too short a stretch was seen).
pub const UNCLEAR_UNMEASURED: &str = "Rep counted — the camera did not see enough of it to judge.";
pub const UNCLEAR_VIEW: &str =
    "Can't judge this rep: turn side-on to the camera so hips and chest can be told apart.";
pub const UNCLEAR_OBLIQUE_FPS: &str = "Can't time this rep from this angle at this frame rate: turn side-on to the camera, or give it 15 frames a second or more (the lite pose model, a faster device, a 24–30 fps video) so hips and chest can be told apart.";
pub const UNCLEAR_TRACKING: &str =
    "Can't judge this rep: the camera lost you around the bottom or the lockout.";
pub const UNCLEAR_SMALL: &str =
    "Can't judge who led this rep: the hips and chest moved too little to time.";
pub const NO_DEPTH_CLAIM: &str = "Depth is reported as the trunk angle only: do the thumb-and-finger drill so depth beyond your pelvic limit can be checked.";
pub const TIER_A_NOTE: &str = "Crane vs engine is judged from the trunk line (hip to shoulder) and the hips' drive: the camera sees the chest rise before the hips, not the spine or the pelvis themselves.";
/// The note for a set whose back outline was read (a set filmed with masks, side-on).
pub const TIER_C_NOTE: &str = "Crane vs engine is judged from the trunk line (hip to shoulder) and the hips' drive; the back itself from its outline in the person mask: a rounded back is how far your trunk tipped past your pelvis at the bottom, against your own standing (read side-on, within 20°). The outline is your skin or your top, not the spine.";
pub const NOT_A_HINGE_PISTOL: &str = "This looks like one-legged squats (pistols), not a hip hinge: no hinge reps are judged. Hinge Check judges swings, deadlifts, cleans and RDLs.";
pub const NOT_A_HINGE_SQUAT: &str = "This looks like squats with the arms out front, not a hip hinge: no hinge reps are judged. Hinge Check judges swings, deadlifts, cleans and RDLs.";
pub const BUILD_UP: &str = "Build yourself up: fewer reps, a lighter bell or more rest, and add volume only when the engine lasts longer.";
pub const DRILL_NOTE: &str = "The drill reads your pelvis from the thumb (on the hip bone) and index finger (on the thigh bone) landmarks: when the camera cannot see both on the pelvis it says so rather than guess.";

/// Auto saw too little to be sure of the lift; `{lift}` is what the reps looked like.
pub fn lift_unsure(lift: &str) -> String {
    format!(
        "Not sure which lift this was (it looked like a {lift}, from too few or mixed reps): choose the lift so the checks that depend on it are the right ones."
    )
}
pub const LIFT_UNKNOWN: &str =
    "Could not tell which lift this was: choose the lift to have the reps judged.";
/// A floor lift found by auto is judged by the rules that hold for barbells too.
pub const KETTLEBELL_HINT: &str = "Judged as a deadlift with any implement: if it was a kettlebell lifted from between the feet, choose \"kettlebell deadlift\" — with the bell between the feet the hips and chest should rise together, and hips rising first is judged more strictly.";

/// A rounded back seen in the outline of the back itself (a set filmed with masks).
pub fn rounded_back_seen(bend: f64, fault: bool) -> String {
    if fault {
        format!("Your lower back rounded at the bottom — your trunk tipped {bend:.0}° further than your pelvis turned, the spine bending between them. Keep the steel crane rigid: hinge at the hips, chest proud, spine long.")
    } else {
        format!("Your lower back began to round at the bottom — your trunk tipped {bend:.0}° further than your pelvis turned. Stop where the hips stop and keep the spine long.")
    }
}

/// Report notes about the set as a whole.
pub const NO_REPS_YET: &str = "No hinge reps seen yet.";
pub const STANDING_FROM_LOCKOUTS: &str =
    "No still standing was seen before the set: the lockouts were used as the standing reference.";

/// The set was filmed obliquely (yaw in degrees off side-on) and graded as far as that allows.
pub fn oblique_note(yaw: f64) -> String {
    format!("Filmed about {yaw:.0}° off side-on: each rep was put back in your side view and graded where the angle allows (who led: hips or chest, the squat and the lockout up to 50°; the head, heels and a twist only near side-on). Side-on is still best.")
}
pub const FRONT_NOTE: &str = "Filmed from the front: reps are counted but not graded — hips and chest cannot be told apart from there. Turn side-on to the camera.";

/// The masks came but the back's outline could not be read on most frames.
pub fn back_outline_refused(why: &str) -> String {
    format!("The back's outline could not be read on most frames ({why}): the lower back's curve was not judged from it.")
}

pub fn squat_movements(n: usize) -> String {
    format!("{n} squat-pattern movements seen.")
}

pub fn not_counted_without_float(n: usize) -> String {
    format!("{n} movement(s) without a float were not counted (the park or a set-down).")
}

pub fn video_jumped(n: u32) -> String {
    format!("The video jumped {n} time(s) (a cut or a loop, or a move faster than a lifter can make): not counted as reps.")
}

pub fn frames_rejected(n: u64, first: &str) -> String {
    format!("{n} frame(s) were rejected (first: {first}).")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_engine_rep_is_never_spoken_or_written_as_the_crane() {
        for code in [FaultCode::BackLeadsAscent, FaultCode::HipsShootUp] {
            assert!(spoken_cue(Some(code), true).starts_with("Engine"));
            assert!(spoken_cue(Some(code), false).starts_with("Crane"));
            let warned = fault_message(code, Severity::Warning, "");
            let faulted = fault_message(code, Severity::Fault, "");
            assert!(!warned.contains("crane pulled") && !warned.contains("came up before"));
            assert_ne!(warned, faulted);
        }
    }
}
