//! Compares the analyser with the simulator's truth for one configuration, rep by rep:
//! `cargo run --release --example simcheck -- swing engine 0 0 1.0 65`
//! (lift, pattern, noise px, yaw deg, ascent scale, depth deg).

use hingecheck::pose::posetrack;
use hingecheck::sim::{self, Finish, RepPattern, SimConfig, SimLift};
use hingecheck::{analyse_track, Settings};

fn main() {
    let a: Vec<String> = std::env::args().skip(1).collect();
    let lift = match a.first().map(String::as_str) {
        Some("deadlift") => SimLift::Deadlift,
        Some("rdl") => SimLift::Rdl,
        Some("clean") => SimLift::Clean,
        _ => SimLift::Swing,
    };
    let pattern = match a.get(1).map(String::as_str) {
        Some("back") => RepPattern::BackLed,
        Some("hips") => RepPattern::HipsShootUp,
        Some("rounded") => RepPattern::RoundedBack,
        _ => RepPattern::Engine,
    };
    let num = |i: usize, d: f64| a.get(i).and_then(|s| s.parse().ok()).unwrap_or(d);
    let (noise, yaw, asc, depth) = (num(2, 0.0), num(3, 0.0), num(4, 1.0), num(5, f64::NAN));
    let mut cfg = SimConfig::new(lift)
        .reps(6)
        .pattern(pattern)
        .noise_px(noise)
        .yaw(yaw)
        .every_rep(|p| {
            p.ascent_s *= asc;
            if depth.is_finite() {
                p.depth_deg = depth;
            }
        });
    if let Some(l) = a.get(6).and_then(|s| s.parse::<f64>().ok()) {
        cfg = cfg.every_rep(|p| p.lead_ms = l);
    }
    cfg.finish = Finish::StayDown;
    let track = sim::simulate(&cfg);
    let pt = posetrack::from_frames(track.frames.clone(), Some(cfg.fps), Default::default());
    // SIMCHECK_OUT=FILE writes the simulated track (to trace it frame by frame).
    if let Some(out) = std::env::var_os("SIMCHECK_OUT") {
        posetrack::write_file(&pt, std::path::Path::new(&out)).expect("write the track");
    }
    let r = analyse_track(&pt, Settings::default());
    println!(
        "{} reps (truth {}), exercise {}",
        r.summary.rep_count, track.truth.rep_count, r.exercise
    );
    for (rep, t) in r.reps.iter().zip(&track.truth.reps) {
        let m = |k: &str| rep.metrics.get(k).copied().unwrap_or(f64::NAN);
        println!(
            "rep {}: {:?} up@rise {:.1} bottom {:.2}/{:.2} lock {:.2}/{:.2} lead {:.0}/{:.0} riselead {:.0} Lrise {:.2} L_asc {:.2} f20 {:.2} up@hip {:.1} rise {:.2} trunk {:.0}/{:.0} knee {:.0}/{:.0}  {}",
            rep.index, rep.verdict, m("trunk_up_at_rise_onset_deg"), rep.bottom_s, t.bottom_s, rep.lockout_s, t.lockout_s, m("lead_ms"), t.lead_ms.unwrap_or(f64::NAN), m("hip_rise_lead_ms"), m("trunk_lead_index_rise"), m("trunk_lead_index"), m("f20"), m("trunk_up_at_hip_onset_deg"), m("hip_rise_index"),
            m("trunk_at_bottom_deg"), t.trunk_at_bottom_deg, m("knee_at_bottom_deg"), t.knee_at_bottom_deg,
            rep.faults.iter().map(|f| format!("{}{}", f.code.as_str(), if f.severity == hingecheck::report::Severity::Fault { "!" } else { "?" })).collect::<Vec<_>>().join(" ")
        );
    }
}
