//! `hingecheck`: the command line over the analysis core (a thin binary; the work is in the
//! library). `analyze` reads a posetrack and prints the report; `simulate` writes simulated
//! tracks; `bench` measures the per-frame cost. Bad input: exit code 2 and one clear line on
//! stderr, never a panic.

// Native only: the wasm build of the crate (and its wasm tests) has no command line.
#![cfg_attr(target_arch = "wasm32", no_main)]
#![cfg(not(target_arch = "wasm32"))]

use hingecheck::analyzer::{analyse_track, Settings};
use hingecheck::coach::lift::Exercise;
use hingecheck::pose::posetrack;
use hingecheck::report::Report;
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage:
  hingecheck analyze FILE [--exercise auto|swing|deadlift|clean|rdl|drill] [--pelvic-limit DEG] [--json]
        (--pelvic-limit: your drill's θ_T*, to check depth from spinal flexion)
  hingecheck simulate --preset NAME [--reps N] [--yaw DEG] [--noise PX] [--fps F] [--seed S] -o FILE
  hingecheck show REPORT.json        (print a saved report, e.g. one exported by the page)
  hingecheck bench [--minutes M]
  hingecheck help

presets: swing-good swing-back-led swing-fatigue deadlift-good deadlift-hips-shoot-up
         deadlift-rounded deadlift-squat rdl-good clean-good pistol squat drill";

fn fail(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("hingecheck: {msg}");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("analyze") | Some("analyse") => analyze(&args[1..]),
        Some("simulate") => simulate(&args[1..]),
        Some("bench") => bench(&args[1..]),
        Some("show") => show(&args[1..]),
        Some("help") | Some("--help") | Some("-h") | None => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => fail(format!("unknown command \"{other}\"\n{USAGE}")),
    }
}

fn analyze(args: &[String]) -> ExitCode {
    let mut file: Option<PathBuf> = None;
    let mut json = false;
    let mut exercise = Exercise::Auto;
    let mut pelvic_limit = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--json" => json = true,
            "--pelvic-limit" => match num::<f64>(&mut it, a) {
                Ok(d) if (0.0..=120.0).contains(&d) => {
                    pelvic_limit = Some(hingecheck::coach::judge::PelvicLimit { trunk_deg: d })
                }
                Ok(d) => {
                    return fail(format!(
                        "--pelvic-limit {d}: a trunk angle in 0..120 degrees (the drill's θ_T*)"
                    ))
                }
                Err(e) => return fail(e),
            },
            "--exercise" | "-e" => match it.next().map(|s| s.parse::<Exercise>()) {
                Some(Ok(e)) => exercise = e,
                Some(Err(e)) => return fail(e),
                None => {
                    return fail(
                        "--exercise needs a value: auto, swing, deadlift, clean, rdl or drill",
                    )
                }
            },
            s if s.starts_with('-') => return fail(format!("unknown option \"{s}\"\n{USAGE}")),
            s => {
                if file.is_some() {
                    return fail("give one FILE to analyze");
                }
                file = Some(PathBuf::from(s));
            }
        }
    }
    let Some(file) = file else {
        return fail(format!("analyze needs a FILE\n{USAGE}"));
    };
    let track = match posetrack::read_file(&file) {
        Ok(t) => t,
        Err(e) => return fail(format!("{}: {e}", file.display())),
    };
    let report = analyse_track(
        &track,
        Settings {
            exercise,
            pelvic_limit,
            ..Default::default()
        },
    );
    if json {
        println!("{}", report.to_json_pretty());
    } else {
        print!("{}", table(&report));
    }
    ExitCode::SUCCESS
}

/// Parses `--flag VALUE` as a number.
fn num<T: std::str::FromStr>(it: &mut std::slice::Iter<String>, flag: &str) -> Result<T, String> {
    let v = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
    v.parse::<T>()
        .map_err(|_| format!("{flag}: \"{v}\" is not a valid number"))
}

fn simulate(args: &[String]) -> ExitCode {
    use hingecheck::sim::{self, SimConfig};
    let mut preset: Option<String> = None;
    let mut out: Option<PathBuf> = None;
    let mut truth_out: Option<PathBuf> = None;
    let (mut reps, mut yaw, mut noise, mut fps, mut seed) = (
        None::<usize>,
        None::<f64>,
        None::<f64>,
        None::<f64>,
        None::<u64>,
    );
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let r: Result<(), String> = match a.as_str() {
            "--preset" | "-p" => it
                .next()
                .map(|v| preset = Some(v.clone()))
                .ok_or("--preset needs a name".into()),
            "-o" | "--out" => it
                .next()
                .map(|v| out = Some(PathBuf::from(v)))
                .ok_or("-o needs a file".into()),
            "--truth" => it
                .next()
                .map(|v| truth_out = Some(PathBuf::from(v)))
                .ok_or("--truth needs a file".into()),
            "--reps" => num(&mut it, a).map(|v| reps = Some(v)),
            "--yaw" => num(&mut it, a).map(|v| yaw = Some(v)),
            "--noise" => num(&mut it, a).map(|v| noise = Some(v)),
            "--fps" => num(&mut it, a).map(|v| fps = Some(v)),
            "--seed" => num(&mut it, a).map(|v| seed = Some(v)),
            s => Err(format!("unknown option \"{s}\"\n{USAGE}")),
        };
        if let Err(e) = r {
            return fail(e);
        }
    }
    let Some(name) = preset else {
        return fail(format!("simulate needs --preset NAME\n{USAGE}"));
    };
    let Some(mut cfg) = SimConfig::from_preset(&name) else {
        return fail(format!("unknown preset \"{name}\"\n{USAGE}"));
    };
    if let Some(r) = reps {
        if !(1..=10_000).contains(&r) {
            return fail("--reps must be 1..10000");
        }
        cfg.reps = r;
    }
    if let Some(y) = yaw {
        if !(-89.0..=89.0).contains(&y) {
            return fail("--yaw must be within ±89 degrees");
        }
        cfg.camera.yaw_deg = y;
    }
    if let Some(n) = noise {
        if !(0.0..=100.0).contains(&n) {
            return fail("--noise must be 0..100 px");
        }
        cfg.noise.sigma_px = n;
    }
    if let Some(f) = fps {
        if !(5.0..=240.0).contains(&f) {
            return fail("--fps must be 5..240");
        }
        cfg.fps = f;
    }
    if let Some(s) = seed {
        cfg.seed = s;
    }
    let Some(out) = out else {
        return fail("simulate needs -o FILE (.posetrack.json or .posetrack.json.gz)");
    };
    let track = sim::simulate(&cfg);
    let mut extra = serde_json::Map::new();
    extra.insert(
        "source".into(),
        serde_json::Value::from(format!("hingecheck simulate --preset {name}")),
    );
    extra.insert("keypointCount".into(), serde_json::Value::from(33));
    let pt = posetrack::from_frames(track.frames, Some(cfg.fps), extra);
    if let Err(e) = posetrack::write_file(&pt, &out) {
        return fail(format!("{}: {e}", out.display()));
    }
    if let Some(t) = truth_out {
        let text = serde_json::to_string_pretty(&track.truth).unwrap_or_default();
        if let Err(e) = std::fs::write(&t, text) {
            return fail(format!("{}: {e}", t.display()));
        }
    }
    let what = match &track.truth.drill {
        Some(d) => {
            use hingecheck::sim::DrillKind;
            let lifts = d
                .movements
                .iter()
                .filter(|m| matches!(m.kind, DrillKind::Crane | DrillKind::Engine))
                .count();
            format!("a drill with {lifts} crane or engine lifts")
        }
        None => format!("{} reps of {name}", track.truth.rep_count),
    };
    eprintln!(
        "wrote {} ({} frames, {what})",
        out.display(),
        pt.frames.len()
    );
    ExitCode::SUCCESS
}

fn show(args: &[String]) -> ExitCode {
    let [file] = args else {
        return fail("show needs one REPORT.json");
    };
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => return fail(format!("{file}: {e}")),
    };
    match Report::from_json(&text) {
        Ok(r) => {
            print!("{}", table(&r));
            ExitCode::SUCCESS
        }
        Err(e) => fail(format!("{file}: {e}")),
    }
}

/// The per-frame cost and a long track, measured (a benchmark, not a test).
fn bench(args: &[String]) -> ExitCode {
    let mut minutes = 60.0;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--minutes" => match num::<f64>(&mut it, a) {
                Ok(m) if m > 0.0 && m <= 600.0 => minutes = m,
                Ok(_) => return fail("--minutes must be in 0..600"),
                Err(e) => return fail(e),
            },
            s => return fail(format!("unknown option \"{s}\"")),
        }
    }
    let b = hingecheck::bench::run(minutes);
    print!("{b}");
    ExitCode::SUCCESS
}

/// The drill's movements as a table.
fn drill_table(d: &hingecheck::coach::drill::DrillReport) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Drill (find your hinge): reached step \"{}\"",
        d.stage
            .unwrap_or(hingecheck::coach::drill::Stage::Stand)
            .label()
    );
    let c = &d.calibration;
    // (+ 0.0 turns a −0 into 0: "−0°" reads as a sign that means something.)
    let f = |v: Option<f64>| {
        v.map(|x| format!("{:.0}°", x.round() + 0.0))
            .unwrap_or("–".into())
    };
    let _ = writeln!(s, "  standing: trunk {}, pelvic line {}   hang: trunk {}, pelvic line {}   pelvic limit θ_T*: {}",
        f(c.standing_trunk_deg), f(c.standing_pelvic_line_deg), f(c.hang_trunk_deg), f(c.hang_pelvic_line_deg), f(c.pelvic_limit_trunk_deg));
    let _ = writeln!(
        s,
        "{:>3}  {:<12} {:>7} {:>7}  {:<8} {:>5}  {:>6} {:>7} {:>6}  note",
        "#", "asked", "start", "top", "seen", "conf", "trunk°", "pelvis°", "index"
    );
    for m in &d.movements {
        let _ = writeln!(
            s,
            "{:>3}  {:<12} {:>7.2} {:>7.2}  {:<8} {:>5.2}  {:>6.1} {:>7} {:>6}  {}",
            m.index,
            m.stage.label(),
            m.start_s,
            m.top_s,
            format!("{:?}", m.verdict).to_lowercase(),
            m.confidence,
            m.trunk_rise_deg,
            m.pelvis_rise_deg
                .map(|v| format!("{v:.1}"))
                .unwrap_or("–".into()),
            m.trunk_lead_index
                .map(|v| format!("{v:+.2}"))
                .unwrap_or("–".into()),
            m.abstain.clone().unwrap_or_else(|| m.message.clone())
        );
    }
    if !d.summary.is_empty() {
        let _ = writeln!(s, "Summary: {}", d.summary);
    }
    s
}

fn table(r: &Report) -> String {
    use std::fmt::Write;
    if let Some(d) = r.drill.as_ref().and_then(|v| {
        serde_json::from_value::<hingecheck::coach::drill::DrillReport>(v.clone()).ok()
    }) {
        let mut s = drill_table(&d);
        for n in &r.notes {
            let _ = writeln!(s, "Note: {n}");
        }
        return s;
    }
    let mut s = String::new();
    let _ = writeln!(s, "Exercise: {}   view: {} (yaw {}°, {} side to camera)   reps: {}   engine {} · crane {} · unclear {}",
        r.exercise, r.view.kind, r.view.yaw_deg.map(|y| format!("{y:.0}")).unwrap_or("?".into()), r.view.camera_side.as_deref().unwrap_or("?"),
        r.summary.rep_count, r.summary.engine, r.summary.crane, r.summary.unclear);
    if r.reps.is_empty() {
        let _ = writeln!(s, "No hinge reps to judge.");
    } else {
        let _ = writeln!(
            s,
            "{:>3}  {:>7} {:>7} {:>7}  {:<8} {:>5}  {:>7} {:>6} {:>6} {:>6}  faults",
            "rep",
            "start",
            "bottom",
            "lockout",
            "verdict",
            "conf",
            "hips ms",
            "trunk°",
            "knee°",
            "rise"
        );
        for rep in &r.reps {
            let m = |k: &str| {
                rep.metrics
                    .get(k)
                    .map(|v| format!("{v:.0}"))
                    .unwrap_or("–".into())
            };
            let rise = rep
                .metrics
                .get("hip_rise_index")
                .map(|v| format!("{v:+.2}"))
                .unwrap_or("–".into());
            let faults: Vec<String> = rep
                .faults
                .iter()
                .map(|f| {
                    format!(
                        "{}{}",
                        f.code.as_str(),
                        if f.severity == hingecheck::report::Severity::Fault {
                            "!"
                        } else {
                            "?"
                        }
                    )
                })
                .collect();
            let _ = writeln!(
                s,
                "{:>3}  {:>7.2} {:>7.2} {:>7.2}  {:<8} {:>5.2}  {:>7} {:>6} {:>6} {:>6}  {}",
                rep.index,
                rep.start_s,
                rep.bottom_s,
                rep.lockout_s,
                format!("{:?}", rep.verdict).to_lowercase(),
                rep.confidence,
                m("hips_lead_ms"),
                m("trunk_at_bottom_deg"),
                m("knee_at_bottom_deg"),
                rise,
                faults.join(" ")
            );
        }
        let _ = writeln!(s, "Key: hips ms = how long the hips moved before the chest rose (negative: the chest led, the crane); rise = how far the hips rose ahead of the shoulders off the floor (large: the hips shot up); fault! warning?");
    }
    if !r.fatigue.advice.is_empty() {
        let _ = writeln!(
            s,
            "Fatigue: {}{}",
            r.fatigue.advice,
            r.fatigue
                .onset_rep
                .map(|n| format!(" (onset at rep {n})"))
                .unwrap_or_default()
        );
    }
    for n in &r.notes {
        let _ = writeln!(s, "Note: {n}");
    }
    s
}
