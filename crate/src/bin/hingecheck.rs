//! `hingecheck`: the command line over the analysis core (a thin binary; the work is in the
//! library). `analyze` reads a posetrack and prints the report; `simulate` writes simulated
//! tracks; `bench` measures the per-frame cost. Bad input: exit code 2 and one clear line on
//! stderr, never a panic.

use hingecheck::analyzer::{analyse_track, Settings};
use hingecheck::coach::lift::Exercise;
use hingecheck::pose::posetrack;
use hingecheck::report::Report;
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage:
  hingecheck analyze FILE [--exercise auto|swing|deadlift|clean|rdl|drill] [--json]
  hingecheck simulate --preset NAME [--reps N] [--yaw DEG] [--noise PX] [--fps F] [--seed S] -o FILE
  hingecheck bench [--minutes M]
  hingecheck help";

fn fail(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("hingecheck: {msg}");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("analyze") | Some("analyse") => analyze(&args[1..]),
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
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--json" => json = true,
            "--exercise" | "-e" => match it.next().map(|s| s.parse::<Exercise>()) {
                Some(Ok(e)) => exercise = e,
                Some(Err(e)) => return fail(e),
                None => return fail("--exercise needs a value: auto, swing, deadlift, clean, rdl or drill"),
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
    let Some(file) = file else { return fail(format!("analyze needs a FILE\n{USAGE}")) };
    let track = match posetrack::read_file(&file) {
        Ok(t) => t,
        Err(e) => return fail(format!("{}: {e}", file.display())),
    };
    let report = analyse_track(&track, Settings { exercise, ..Default::default() });
    if json {
        println!("{}", report.to_json_pretty());
    } else {
        print!("{}", table(&report));
    }
    ExitCode::SUCCESS
}

fn table(r: &Report) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(s, "Exercise: {}   view: {} (yaw {}°, {} side to camera)   reps: {}   engine {} · crane {} · unclear {}",
        r.exercise, r.view.kind, r.view.yaw_deg.map(|y| format!("{y:.0}")).unwrap_or("?".into()), r.view.camera_side.as_deref().unwrap_or("?"),
        r.summary.rep_count, r.summary.engine, r.summary.crane, r.summary.unclear);
    let _ = writeln!(s, "{:>3}  {:>7} {:>7} {:>7}  {:<8} {:>5}  {:>7} {:>6} {:>6} {:>6}  faults", "rep", "start", "bottom", "lockout", "verdict", "conf", "lead ms", "trunk°", "knee°", "rise");
    for rep in &r.reps {
        let m = |k: &str| rep.metrics.get(k).map(|v| format!("{v:.0}")).unwrap_or("–".into());
        let rise = rep.metrics.get("hip_rise_index").map(|v| format!("{v:+.2}")).unwrap_or("–".into());
        let faults: Vec<String> = rep.faults.iter().map(|f| format!("{}{}", f.code.as_str(), if f.severity == hingecheck::report::Severity::Fault { "!" } else { "?" })).collect();
        let _ = writeln!(s, "{:>3}  {:>7.2} {:>7.2} {:>7.2}  {:<8} {:>5.2}  {:>7} {:>6} {:>6} {:>6}  {}", rep.index, rep.start_s, rep.bottom_s, rep.lockout_s,
            format!("{:?}", rep.verdict).to_lowercase(), rep.confidence, m("lead_ms"), m("trunk_at_bottom_deg"), m("knee_at_bottom_deg"), rise, faults.join(" "));
    }
    let _ = writeln!(s, "Fatigue: {}{}", r.fatigue.advice, r.fatigue.onset_rep.map(|n| format!(" (onset at rep {n})")).unwrap_or_default());
    for n in &r.notes {
        let _ = writeln!(s, "Note: {n}");
    }
    s
}
