//! Tests of the simulator itself.
use super::*;

#[test]
fn dump_presets() {
    for (name, _) in PRESETS {
        let cfg = SimConfig::from_preset(name).unwrap();
        let t = simulate(&cfg);
        println!("== {name}: reps {} dur {:.1} frames {} empty {} fatigue {:?}", t.truth.rep_count, t.truth.duration_s, t.truth.frame_count, t.truth.empty_frames, t.truth.fatigue_onset_rep);
        for r in &t.truth.reps {
            println!("  #{} start {:.2} bot {:.2} lock {:.2} end {:.2} lead {:?} (prog {:.0}) dlead {:?} (prog {:.0}) asc {:.0} trunk {:.1} knee {:.1} phiH {:.1} lockT {:.1} vhip {:.2} vtr {:.0} {:?} {:?}",
              r.index, r.start_s, r.bottom_s, r.lockout_s, r.end_s, r.lead_ms.map(|x| x.round()), r.programmed_lead_ms, r.descent_lead_ms.map(|x| x.round()), r.programmed_descent_lead_ms, r.ascent_ms, r.trunk_at_bottom_deg, r.knee_at_bottom_deg, r.hip_flexion_at_bottom_deg, r.trunk_at_lockout_deg, r.peak_hip_speed_mps, r.peak_trunk_rise_dps, r.verdict, r.faults);
        }
        if let Some(d) = &t.truth.drill {
            println!("  drill limit {:?} leave {:?}", d.pelvic_limit_trunk_deg, d.hands_leave_s);
            for m in &d.movements { println!("   {:?} {:.2}-{:.2}-{:.2} up {} hands {} dpsi {:.1} dlam {:.1} dth {:.1} {:?}", m.kind, m.start_s, m.top_s, m.end_s, m.to_upright, m.hands_on_pelvis, m.pelvis_change_deg, m.lumbar_change_deg, m.trunk_change_deg, m.pelvic_limit_trunk_deg); }
        }
    }
}
