//! Judging a measured rep: the faults of docs/biomechanics.md §5–§6 with the codes of docs/product.md,
//! the verdict `engine` / `crane` / `unclear`, a confidence, and the message in the seed's
//! words. Pure: the same measurement judged for another lift gives that lift's answer, so
//! `auto` can settle on the lift after the fact.

use super::lift::Lift;
use super::measure::RepMeasure;
use super::messages::{self, fault_message};
use super::rules::{self, LiftGroup};
use super::thresholds::Thresholds;
use crate::motion::view::view_confidence;
use crate::report::{Fault, FaultCode, Severity, Verdict};
use std::collections::BTreeMap;

/// The user's pelvic-limit trunk angle θ_T* from the drill (§1.5), when calibrated.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PelvicLimit {
    pub trunk_deg: f64,
}

/// The judgement of one rep.
#[derive(Clone, Debug, PartialEq)]
pub struct Judgement {
    pub faults: Vec<Fault>,
    pub verdict: Verdict,
    pub confidence: f64,
    pub message: String,
    /// The crane fault behind a crane verdict, for the spoken cue.
    pub main: Option<FaultCode>,
    pub metrics: BTreeMap<String, f64>,
}

fn sev(s: u8) -> Option<Severity> {
    match s {
        0 => None,
        1 => Some(Severity::Warning),
        _ => Some(Severity::Fault),
    }
}

struct Findings(Vec<Fault>);

impl Findings {
    /// A finding with its own words.
    fn add_text(&mut self, code: FaultCode, s: u8, message: String) {
        if let Some(severity) = sev(s) {
            self.0.push(Fault {
                trusted_to_yaw_deg: None,
                code,
                severity,
                message,
            });
        }
    }

    fn add(&mut self, code: FaultCode, s: u8, detail: String) {
        if let Some(severity) = sev(s) {
            self.0.push(Fault {
                trusted_to_yaw_deg: None,
                code,
                severity,
                message: fault_message(code, severity, &detail),
            });
        }
    }
}

/// Judges a rep for a lift. Each rule speaks only where its gates let it (`coach::rules`):
/// the view close enough to side-on for what it reads, and the body parts it reads seen. The
/// verdict is `crane` when a crane rule found a fault, `engine` when the sequencing could be
/// judged and was sound, `unclear` when it could not.
pub fn judge(m: &RepMeasure, lift: Lift, th: &Thresholds, limit: Option<PelvicLimit>) -> Judgement {
    if !m.measured {
        return Judgement {
            faults: Vec::new(),
            verdict: Verdict::Unclear,
            confidence: 0.0,
            message: messages::UNCLEAR_UNMEASURED.to_string(),
            main: None,
            metrics: BTreeMap::new(),
        };
    }
    let mut f = Findings(Vec::new());
    let group = LiftGroup::of(lift);
    let floor = group.floor();
    let sequence = rules::sequence_seen(m);

    // ---- Ascent: crane versus engine (§5.2) ----
    // Floor lifts: the hips' first work is to rise off the floor, so the engine's onset and
    // progress are the hips' height; other lifts: the hips' forward drive (A1–A3 as written).
    let lead = rules::a1_lead(m, group).filter(|_| sequence);
    let index = rules::a2_index(m, group).filter(|_| sequence);
    let f20 = rules::a3_f20(m, group).filter(|_| sequence);
    let trunk_up = if floor {
        m.ascent.trunk_up_at_rise_onset
    } else {
        m.ascent.trunk_up_at_hip_onset
    }
    .unwrap_or(0.0);
    let t_asc_ms = m.t_asc * 1000.0;
    let fault_at = th.a1.fault.min(-th.a1_fault_frac * t_asc_ms);
    let a1 = lead.map(|lead| {
        if lead < fault_at && trunk_up >= th.a1_trunk_up_deg {
            2
        } else if lead < th.a1.warn {
            1
        } else {
            0
        }
    });
    let a2 = index.map(|l| th.a2.above(l));
    let a3 = f20.map(|v| th.a3.above(v)).unwrap_or(0);
    // §5.2: a fault needs A1 or A2 at fault and a second metric agreeing (A2/A1, or A3 F20);
    // A1 far past its fault line (1.5×, as §7.3 uses for "stop") with half the trunk recovery
    // before the hips moved stands on its own.
    let strong_a1 =
        lead.is_some_and(|l| l < 1.5 * fault_at) && trunk_up >= 0.5 * th.a1_trunk_up_deg;
    let back_leads = match (a1, a2) {
        (Some(x), Some(y))
            if (x == 2 && (y >= 1 || a3 >= 1)) || (y == 2 && (x >= 1 || a3 >= 1)) =>
        {
            2
        }
        (Some(2), None) if a3 >= 1 => 2,
        _ if strong_a1 => 2,
        (x, y) => x.unwrap_or(0).max(y.unwrap_or(0)).min(1),
    };
    if back_leads > 0 {
        let detail = match (lead, index) {
            (Some(l), _) if l < 0.0 => format!("chest {:.0} ms ahead of the hips", -l),
            (_, Some(l)) => format!("trunk-lead index {l:+.2}"),
            _ => String::new(),
        };
        f.add(FaultCode::BackLeadsAscent, back_leads, detail);
    }
    if floor && sequence {
        // The hips far ahead of the shoulders off the floor, or ahead of them while the trunk
        // tips further forward (the crane left to finish the lift).
        let rise = m.pull_hip_rise.map(|r| th.hip_rise.above(r)).unwrap_or(0);
        let gain = rules::hips_first_score(m)
            .map(|g| th.hips_first.above(g))
            .unwrap_or(0);
        f.add(
            FaultCode::HipsShootUp,
            rise.max(gain),
            format!(
                "hips rose ahead of the shoulders, index {:+.2}; trunk tipped {:.0}° further forward",
                m.pull_hip_rise.unwrap_or(f64::NAN),
                m.pull_trunk_gain.unwrap_or(0.0).max(0.0)
            ),
        );
    }

    // ---- Descent (§5.3) ----
    if sequence {
        let d1 = m.descent.lead_ms.map(|lead| {
            if lead < th.d1_fault_ms
                && m.descent.trunk_down_before_hips.unwrap_or(0.0) >= th.d1_trunk_deg
            {
                2
            } else if lead < th.d1_warn_ms {
                1
            } else {
                0
            }
        });
        let d2 = m.descent.l_desc.map(|l| th.d2.above(l));
        let bows = match (d1, d2) {
            (Some(x), Some(y)) if (x == 2 && y >= 1) || (y == 2 && x >= 1) => 2,
            _ => 0,
        };
        // Only a confirmed pattern is worth saying: a lone warning here is mostly timing noise.
        if bows == 2 && !m.from_unseen_start {
            f.add(
                FaultCode::TrunkLeadsDescent,
                bows,
                m.descent
                    .lead_ms
                    .map(|l| format!("trunk {:.0} ms ahead of the hips", -l))
                    .unwrap_or_default(),
            );
        }
    }

    // ---- Depth from the spine (§5.4) ----
    if let Some(lim) = limit.filter(|_| m.seen.trunk_bottom >= rules::SEEN) {
        let beyond = m.trunk_bottom - lim.trunk_deg;
        f.add(
            FaultCode::SpinalFlexionDepth,
            th.b1_deg.above(beyond),
            format!(
                "{beyond:.0}° past your pelvic limit of {:.0}°",
                lim.trunk_deg
            ),
        );
    }
    if let Some(back) = rules::back_seen(m) {
        // The outline of the back itself (a set filmed with masks): a fault when it bent well
        // past the lifter's own standing curve.
        let s = th.back_bend.above(back.spine_bottom);
        f.add_text(
            FaultCode::RoundedBack,
            s,
            messages::rounded_back_seen(back.spine_bottom, s >= 2),
        );
    } else if rules::head_seen(m)
        && m.hip_flexion_bottom > th.rounded_hip_deg
        && m.neck_change_bottom > th.rounded_neck_deg
        && m.trunk_bottom > th.rounded_trunk_deg
    {
        f.add(
            FaultCode::RoundedBack,
            1,
            format!(
                "trunk {:.0}° and hip angle {:.0}° with the head dropping",
                m.trunk_bottom, m.hip_flexion_bottom
            ),
        );
    }

    // ---- Squat instead of hinge, knees (§6) ----
    if rules::posture_seen(m) {
        let hi = m.hinge_index.map(|h| th.squat_hi.below(h)).unwrap_or(0);
        let knee = th.squat_knee.above(m.knee_change_bottom).min(1);
        let shin = th.squat_shin.above(m.shin_bottom).min(1);
        f.add(
            FaultCode::SquatNotHinge,
            hi.max(knee).max(shin),
            format!(
                "hinge index {:.0}, knees {:.0}°, trunk {:.0}°",
                m.hinge_index.unwrap_or(f64::NAN),
                m.knee_change_bottom,
                m.trunk_change_bottom
            ),
        );
    }
    if rules::knees_seen(m) && m.trunk_change_bottom > 45.0 {
        let s = th.knees_locked.below(m.knee_change_bottom);
        f.add(
            FaultCode::KneesLocked,
            if th.knees_locked_faults { s } else { s.min(1) },
            format!("knees bent only {:.0}°", m.knee_change_bottom.max(0.0)),
        );
    }

    // ---- Lockout (§6): only a lockout the camera saw ----
    if rules::lockout_seen(m) {
        f.add(
            FaultCode::LeanBackLockout,
            th.lean_back_deg.below(m.lock_trunk_change),
            format!("trunk {:+.0}° from standing", m.lock_trunk_change),
        );
        let incomplete = th.incomplete_hip_deg.above(m.lock_hip_change).max(
            if m.lock_knee_change > th.incomplete_knee_deg {
                1
            } else {
                0
            },
        );
        f.add(
            FaultCode::IncompleteLockout,
            incomplete,
            format!("hips {:.0}° short of standing", m.lock_hip_change),
        );
    }

    // ---- Arms, head, bell, heels, twisting (§6) ----
    if group == LiftGroup::Swing {
        if let Some(e) = m.elbow_upswing.filter(|_| m.seen.elbow_lock >= rules::SEEN) {
            f.add(
                FaultCode::ArmsLiftBell,
                th.elbow_deg.below(e),
                format!("elbows bent to {e:.0}°"),
            );
        }
    } else if floor && rules::arms_seen_at_lockout(m) {
        if let Some(w) = m.wrist_over_hip_lock {
            f.add(
                FaultCode::ArmsLiftBell,
                th.arms_wrist_over_hip.above(w),
                format!(
                    "hands {:.0} % of your height above the hips, elbows at {:.0}°",
                    w * 90.0,
                    m.elbow_lock.unwrap_or(f64::NAN)
                ),
            );
        }
    }
    if rules::head_seen(m) {
        let head = m.neck_change_bottom.min(m.neck_change_lock);
        if head < th.head_deg {
            f.add(
                FaultCode::HeadCrank,
                1,
                format!("head {:.0}° back from the trunk line", -head),
            );
        }
    }
    if floor && sequence {
        if let Some(d) = m.bar_drift {
            f.add(
                FaultCode::BarDrift,
                th.bar_drift.above(d),
                format!("{:.0} % of your height forward", d * 90.0),
            );
        }
    }
    if lift != Lift::Clean {
        if let Some(h) = rules::heel_lift_seen(m) {
            f.add(FaultCode::HeelLift, th.heel.above(h), String::new());
        }
    }
    // (Judged only near a side view: further out, the yaw estimate itself wanders that much.)
    let twist = m.yaw.is_some_and(|y| y <= rules::TWIST_MAX_YAW)
        && m.yaw_change.is_some_and(|y| y > th.twist_deg);
    if twist {
        f.add(FaultCode::Twisting, 1, String::new());
    }

    // ---- Confidence of the sequencing verdict (§5: view × visibility × gaps) ----
    let q = ((m.quality - 0.5) / 0.3).clamp(0.3, 1.0);
    let twist_factor = if twist { 0.85 } else { 1.0 };
    let measurable = lead.is_some() || index.is_some() || (floor && m.pull_hip_rise.is_some());
    let evidence = if (lead.is_some() && index.is_some()) || (floor && m.pull_hip_rise.is_some()) {
        1.0
    } else {
        0.85
    };
    let confidence = if sequence {
        (view_confidence(m.yaw) * q * twist_factor * evidence).clamp(0.0, 1.0)
    } else {
        0.0
    };

    let judged = sequence && measurable && confidence >= th.min_confidence;
    let mut faults = f.0;
    if !judged {
        // Sequencing that could not be judged with confidence says no more than a warning.
        for x in &mut faults {
            if matches!(x.code, FaultCode::BackLeadsAscent | FaultCode::HipsShootUp)
                && x.severity == Severity::Fault
            {
                x.severity = Severity::Warning;
                x.message = fault_message(x.code, Severity::Warning, "");
            }
        }
    }
    if rules::ViewClass::of(m) == rules::ViewClass::Oblique {
        for x in &mut faults {
            x.trusted_to_yaw_deg = Some(rules::trusted_to_yaw(x.code, m));
        }
    }
    faults.sort_by_key(|x| {
        (
            std::cmp::Reverse(x.severity),
            std::cmp::Reverse(x.code.is_crane()),
            x.code,
        )
    });
    let crane = faults
        .iter()
        .find(|x| x.severity == Severity::Fault && x.code.is_crane())
        .map(|x| x.code);
    let (verdict, message) = if let Some(code) = crane {
        (
            Verdict::Crane,
            faults
                .iter()
                .find(|x| x.code == code)
                .map(|x| x.message.clone())
                .unwrap_or_default(),
        )
    } else if !judged {
        let why = if !m.yaw.is_some_and(|y| y <= rules::SEQUENCE_MAX_YAW) {
            messages::UNCLEAR_VIEW
        } else if !rules::timing_trusted(m) {
            messages::UNCLEAR_OBLIQUE_FPS
        } else if sequence && !measurable {
            messages::UNCLEAR_SMALL
        } else {
            messages::UNCLEAR_TRACKING
        };
        // What the camera could judge still counts: a fault seen is said after why the
        // crane-versus-engine call was not made.
        let message = match faults.first() {
            Some(x) if x.severity == Severity::Fault => format!("{why} {}", x.message),
            _ => why.to_string(),
        };
        (Verdict::Unclear, message)
    } else {
        // The most important finding leads: a fault that is not the crane's (a squat, arms
        // lifting the bell) comes first, with the sound sequencing after it; a warning follows
        // the engine's praise.
        let message = match faults.first() {
            Some(x) if x.severity == Severity::Fault => {
                format!("{} {}", x.message, messages::SEQUENCE_SOUND)
            }
            Some(x) => format!("{} Also: {}", messages::ENGINE, x.message),
            None => messages::ENGINE.to_string(),
        };
        (Verdict::Engine, message)
    };

    Judgement {
        metrics: metrics(m, limit, lead),
        faults,
        verdict,
        confidence: (confidence * 100.0).round() / 100.0,
        message,
        main: crane,
    }
}

/// The named metrics a rep report carries; `lead` is the A1 lead the verdict stood on.
fn metrics(m: &RepMeasure, limit: Option<PelvicLimit>, lead: Option<f64>) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    let mut put = |k: &str, v: Option<f64>, digits: i32| {
        if let Some(v) = v.filter(|v| v.is_finite()) {
            let p = 10f64.powi(digits);
            out.insert(k.to_string(), (v * p).round() / p);
        }
    };
    // A1–A3 over the whole ascent, bottom to lockout (§5.2), for every lift.
    put("lead_ms", m.ascent.lead_ms, 0);
    // The back's outline at the bottom (a set filmed with masks).
    put("lumbar_flexion_deg", m.back.map(|b| b.flexion_bottom), 1);
    put("spine_bend_deg", m.back.map(|b| b.spine_bottom), 1);
    put("pelvic_tilt_deg", m.back.map(|b| b.pelvis_bottom), 1);
    put("back_outline_seen", m.back.map(|b| b.seen), 2);
    // The lead the verdict stood on (floor lifts: the hips' rise; others: their drive), so a
    // table's lead and a message's "chest N ms ahead" are the same number.
    put("hips_lead_ms", lead, 0);
    put("trunk_lead_index", m.ascent.l_asc, 2);
    put("f20", m.ascent.f20, 2);
    put(
        "trunk_up_at_hip_onset_deg",
        m.ascent.trunk_up_at_hip_onset,
        1,
    );
    put("hip_rise_lead_ms", m.ascent.rise_lead_ms, 0);
    put(
        "trunk_up_at_rise_onset_deg",
        m.ascent.trunk_up_at_rise_onset,
        1,
    );
    put("trunk_lead_index_rise", m.ascent.l_rise, 2);
    put("f20_rise", m.ascent.f20_rise, 2);
    put("hip_rise_index", m.hip_rise, 2);
    // Floor lifts, from the pull's start (the lowest the hips went): what "hips shot up" is
    // judged on.
    put("pull_hip_rise_index", m.pull_hip_rise, 2);
    put("pull_trunk_tip_deg", m.pull_trunk_gain, 1);
    put("hips_first_score", rules::hips_first_score(m), 2);
    put(
        "trunk_gain_after_bottom_deg",
        Some(m.trunk_gain_after_bottom),
        1,
    );
    put("first_pull_back_angle_change_deg", m.first_pull, 1);
    put("descent_lead_ms", m.descent.lead_ms, 0);
    put("descent_lead_index", m.descent.l_desc, 2);
    put("hinge_ratio", m.descent.hinge_ratio, 2);
    put("depth_deg", Some(m.depth), 1);
    put("trunk_at_bottom_deg", Some(m.trunk_bottom), 1);
    put("knee_at_bottom_deg", Some(m.knee_change_bottom), 1);
    put("shin_at_bottom_deg", Some(m.shin_bottom), 1);
    put("hip_flexion_at_bottom_deg", Some(m.hip_flexion_bottom), 1);
    put("hinge_index", m.hinge_index, 0);
    put("lockout_trunk_deg", Some(m.lock_trunk_change), 1);
    put("lockout_hip_deg", Some(m.lock_hip_change), 1);
    put("head_at_bottom_deg", Some(m.neck_change_bottom), 1);
    put("elbow_upswing_deg", m.elbow_upswing, 0);
    put("bell_drift_b", m.bar_drift, 3);
    put("heel_rise_b", m.heel_rise, 3);
    put("ascent_s", Some(m.t_asc), 3);
    put("peak_hip_extension_deg_s", Some(m.peak_hip_ext_vel), 0);
    put("peak_hip_drive_b_s", Some(m.peak_hip_drive), 3);
    put("output", m.output, 3);
    put("yaw_deg", m.yaw, 0);
    put("yaw_change_deg", m.yaw_change, 0);
    put("tracking_quality", Some(m.quality), 2);
    if let Some(lim) = limit {
        put(
            "beyond_pelvic_limit_deg",
            Some(m.trunk_bottom - lim.trunk_deg),
            1,
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coach::measure::{BackMeasure, RepMeasure};

    /// A measured, side-on deadlift rep with everything seen and the back's outline read.
    fn rep(bend: f64, yaw: f64) -> RepMeasure {
        let mut m = RepMeasure {
            measured: true,
            yaw: Some(yaw),
            quality: 1.0,
            ..RepMeasure::default()
        };
        m.seen.trunk_bottom = 1.0;
        m.seen.trunk_ascent = 1.0;
        m.back = Some(BackMeasure {
            flexion_bottom: bend + 10.0,
            pelvis_bottom: 20.0,
            spine_bottom: bend,
            curve_bottom: bend + 10.0,
            low_bottom: 20.0,
            bend_bottom: bend + 10.0,
            seen: 1.0,
        });
        m
    }

    #[test]
    fn the_back_s_outline_past_the_fault_line_is_a_crane_near_side_on_only() {
        let th = Thresholds::est(Lift::Deadlift);
        let rounded = judge(&rep(50.0, 5.0), Lift::Deadlift, &th, None);
        let f = rounded
            .faults
            .iter()
            .find(|f| f.code == FaultCode::RoundedBack)
            .expect("rounded_back");
        assert_eq!(f.severity, Severity::Fault);
        assert_eq!(rounded.verdict, Verdict::Crane);
        assert!(
            rounded.message.contains("lower back rounded"),
            "{}",
            rounded.message
        );
        assert_eq!(rounded.metrics.get("spine_bend_deg"), Some(&50.0));
        // A hinge's usual bend of the spine is no fault.
        let sound = judge(&rep(25.0, 5.0), Lift::Deadlift, &th, None);
        assert!(!sound
            .faults
            .iter()
            .any(|f| f.code == FaultCode::RoundedBack));
        // Turned 30° from side-on, the outline is not the back's midline: not judged from it.
        let turned = judge(&rep(50.0, 30.0), Lift::Deadlift, &th, None);
        assert!(
            !turned
                .faults
                .iter()
                .any(|f| f.code == FaultCode::RoundedBack && f.severity == Severity::Fault),
            "{:?}",
            turned.faults
        );
    }

    #[test]
    fn no_lockout_fault_on_a_lockout_no_hip_can_reach() {
        use crate::motion::reps::RepEnd;
        let th = Thresholds::est(Lift::Deadlift);
        let lockout = |hip: f64| {
            let mut m = rep(20.0, 5.0);
            m.end = RepEnd::Lockout;
            m.standing_known = true;
            m.seen.trunk_lock = 1.0;
            m.seen.knee_lock = 1.0;
            m.seen.wrist_lock = 1.0;
            m.seen.elbow_lock = 1.0;
            m.wrist_over_hip_lock = Some(0.27);
            m.elbow_lock = Some(177.0);
            m.lock_hip_change = hip;
            judge(&m, Lift::Deadlift, &th, None)
        };
        let has = |j: &Judgement, c: FaultCode| j.faults.iter().any(|f| f.code == c);
        // Hands well above the hips at a lockout the camera saw: the arms lifted the bar.
        let seen = lockout(2.0);
        assert!(has(&seen, FaultCode::ArmsLiftBell), "{:?}", seen.faults);
        // The same hands at a "lockout" 130° past standing (a cut in an edited clip, a body the
        // model flipped): no posture, no lockout fault.
        let impossible = lockout(-132.0);
        assert!(
            !has(&impossible, FaultCode::ArmsLiftBell)
                && !has(&impossible, FaultCode::LeanBackLockout)
                && !has(&impossible, FaultCode::IncompleteLockout),
            "{:?}",
            impossible.faults
        );
    }
}
