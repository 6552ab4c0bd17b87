//! Runs the drill analysis on one simulated drill and prints it beside the truth:
//! `cargo run --release --example drillcheck -- NOISE_PX HAND_FRACTION YAW LIFT_S SEED`.

use hingecheck::coach::lift::Exercise;
use hingecheck::sim::{self, SimConfig};
use hingecheck::{Analyzer, Settings};

fn main() {
    let a: Vec<f64> = std::env::args()
        .skip(1)
        .filter_map(|s| s.parse().ok())
        .collect();
    let get = |i: usize, d: f64| a.get(i).copied().unwrap_or(d);
    let mut cfg = SimConfig::from_preset("drill")
        .expect("preset")
        .noise_px(get(0, 1.5))
        .yaw(get(2, 0.0))
        .seed(get(4, 1.0) as u64);
    let stature_px = cfg.camera.scale(cfg.stature_m) * cfg.stature_m;
    cfg.noise.hand_sigma_px = Some(get(1, 0.005) * stature_px);
    cfg.drill.lift_s = get(3, 1.6);
    let track = sim::simulate(&cfg);
    let mut an = Analyzer::new(Settings {
        exercise: Exercise::Drill,
        ..Default::default()
    });
    let mut stage = None;
    for f in &track.frames {
        let _ = an.push(f);
        if let Some(l) = an.drill_live() {
            if Some(l.stage) != stage {
                println!("{:6.2}s stage {:?}", f.t_ms / 1000.0, l.stage);
                stage = Some(l.stage);
            }
        }
    }
    let r = an.drill_report().expect("drill");
    for m in &r.movements {
        println!("{:2} {:?} {:?} {:.2}-{:.2} up={} rise {:.1} pel {:?} share {:?} idx {:?} lead {:?} {:?}", m.index, m.stage, m.verdict, m.start_s, m.top_s, m.to_upright, m.trunk_rise_deg, m.pelvis_rise_deg, m.pelvis_share, m.trunk_lead_index, m.lead_ms, m.abstain);
    }
    let t = track.truth.drill.as_ref().expect("truth");
    println!(
        "θ_T* {:?} truth {:?}",
        r.calibration.pelvic_limit_trunk_deg, t.pelvic_limit_trunk_deg
    );
    for m in &t.movements {
        println!(
            "  truth {:?} {:.2}-{:.2} trunk {:.1} pelvis {:.1}",
            m.kind, m.start_s, m.top_s, m.trunk_change_deg, m.pelvis_change_deg
        );
    }
}
