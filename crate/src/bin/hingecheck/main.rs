//! `hingecheck`: the command line over the analysis core (a thin binary; the work is in the
//! library). `analyze` reads a posetrack and prints the report; `eval` scores a labelled
//! corpus; `simulate` writes simulated tracks; `show` prints a saved report; `bench` measures
//! the per-frame cost. Flags are parsed once (clap), validated into domain types, and every
//! error leaves through one exit: code 2 and one clear line on stderr, never a panic.

// Native only: the wasm build of the crate (and its wasm tests) has no command line.
#![cfg_attr(target_arch = "wasm32", no_main)]
#![cfg(not(target_arch = "wasm32"))]

mod printer;

use clap::{Parser, Subcommand};
use hingecheck::coach::judge::PelvicLimit;
use hingecheck::coach::lift::Exercise;
use hingecheck::pose::posetrack;
use hingecheck::report::Report;
use hingecheck::sim::{self, SimConfig};
use hingecheck::{analyse_track, Settings};
use std::path::PathBuf;
use std::process::ExitCode;

const PRESETS: &str = "swing-good swing-back-led swing-fatigue deadlift-good \
deadlift-hips-shoot-up deadlift-rounded deadlift-squat rdl-good clean-good pistol squat drill";

#[derive(Parser)]
#[command(
    name = "hingecheck",
    version,
    about = "Hip-hinge form analysis: did the hips (the engine) drive the rep, or the back (the crane)?"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Analyse a posetrack and print the per-rep report.
    #[command(alias = "analyse")]
    Analyze {
        /// A posetrack file (.posetrack.json or .posetrack.json.gz).
        file: PathBuf,
        /// auto, swing, deadlift, clean, rdl or drill.
        #[arg(short, long, default_value = "auto")]
        exercise: String,
        /// Your drill's pelvic-limit trunk angle θ_T* (degrees), to check depth from spinal flexion.
        #[arg(long, value_name = "DEG")]
        pelvic_limit: Option<f64>,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Score every labelled track of a corpus (labels.json): rep counts, false alarms, faults
    /// found, per source and averaged, pooled and leave-one-source-out.
    Eval {
        /// One or more labels files (each one's tracks are found relative to its folder).
        #[arg(required = true)]
        labels: Vec<PathBuf>,
        /// Print the whole evaluation as JSON.
        #[arg(long)]
        json: bool,
        /// Only the per-source table and the summary (no per-clip lines).
        #[arg(long)]
        by_source: bool,
        /// Also write every counted rep's measurement (JSON lines) to this file.
        #[arg(long, value_name = "FILE")]
        dump_reps: Option<PathBuf>,
        /// Read a clip's track from this folder where it has one (ID.*.posetrack.json.gz: the
        /// page's own track of the clip's video, with person masks, as tools/mask-tracks.sh
        /// makes them); the others keep the labelled track.
        #[arg(long, value_name = "DIR")]
        tracks: Option<PathBuf>,
    },
    /// Write a simulated lifter's track (exact ground truth for tests and demos).
    Simulate {
        /// One of the presets (see --help).
        #[arg(short, long, help = format!("one of: {PRESETS}"))]
        preset: String,
        #[arg(long)]
        reps: Option<usize>,
        /// Camera yaw away from a pure side view (degrees).
        #[arg(long, allow_negative_numbers = true)]
        yaw: Option<f64>,
        /// Landmark noise (px at 720p).
        #[arg(long)]
        noise: Option<f64>,
        #[arg(long)]
        fps: Option<f64>,
        #[arg(long)]
        seed: Option<u64>,
        /// Output posetrack (.posetrack.json or .posetrack.json.gz).
        #[arg(short, long)]
        out: PathBuf,
        /// Also write the ground truth (JSON).
        #[arg(long)]
        truth: Option<PathBuf>,
    },
    /// Print a saved report (e.g. one exported by the page).
    Show { report: PathBuf },
    /// Measure the per-frame cost and a long simulated track (a benchmark, not a test).
    Bench {
        #[arg(long, default_value_t = 60.0, allow_negative_numbers = true)]
        minutes: f64,
    },
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hingecheck: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), String> {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion)
                || matches!(
                    e.kind(),
                    ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
                )
            {
                print!("{e}");
                return Ok(());
            }
            // One line: clap's first, without its "error: " prefix.
            let text = e.to_string();
            let line = text
                .lines()
                .next()
                .unwrap_or("bad arguments")
                .trim_start_matches("error: ");
            return Err(format!("{line} (see hingecheck --help)"));
        }
    };
    match cli.command {
        Command::Analyze {
            file,
            exercise,
            pelvic_limit,
            json,
        } => {
            let settings = Settings {
                exercise: exercise.parse::<Exercise>()?,
                pelvic_limit: pelvic_limit.map(pelvic_limit_deg).transpose()?,
                ..Default::default()
            };
            let track =
                posetrack::read_file(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            let report = analyse_track(&track, settings);
            if json {
                println!("{}", report.to_json_pretty());
            } else {
                print!("{}", printer::table(&report));
            }
        }
        Command::Eval {
            labels,
            json,
            by_source,
            dump_reps,
            tracks,
        } => {
            let own = match &tracks {
                Some(dir) => hingecheck::eval::tracks_in(dir)?,
                None => Default::default(),
            };
            let mut runs = Vec::new();
            for file in &labels {
                let list = hingecheck::eval::read_labels(file)?;
                let base = file.parent().unwrap_or(std::path::Path::new("."));
                runs.extend(hingecheck::eval::run_all_with(&list, base, &own));
            }
            if let Some(dir) = &tracks {
                if !runs.iter().any(|r| r.own_track) {
                    return Err(format!(
                        "{}: no track there is named after a labelled clip (ID.posetrack.json.gz or ID.NAME.posetrack.json.gz)",
                        dir.display()
                    ));
                }
            }
            if let Some(p) = dump_reps {
                std::fs::write(&p, hingecheck::eval::dump_reps(&runs))
                    .map_err(|e| format!("{}: {e}", p.display()))?;
            }
            let ev = hingecheck::eval::evaluate(&runs);
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&ev).map_err(|e| e.to_string())?
                );
            } else {
                print!("{}", ev.table(by_source));
            }
        }
        Command::Simulate {
            preset,
            reps,
            yaw,
            noise,
            fps,
            seed,
            out,
            truth,
        } => simulate(&preset, reps, yaw, noise, fps, seed, &out, truth)?,
        Command::Show { report } => {
            let text = std::fs::read_to_string(&report)
                .map_err(|e| format!("{}: {e}", report.display()))?;
            let r = Report::from_json(&text).map_err(|e| format!("{}: {e}", report.display()))?;
            print!("{}", printer::table(&r));
        }
        Command::Bench { minutes } => {
            if !(minutes > 0.0 && minutes <= 600.0) {
                return Err("--minutes must be in 0..600".into());
            }
            print!("{}", hingecheck::bench::run(minutes));
        }
    }
    Ok(())
}

fn pelvic_limit_deg(d: f64) -> Result<PelvicLimit, String> {
    if (0.0..=120.0).contains(&d) {
        Ok(PelvicLimit { trunk_deg: d })
    } else {
        Err(format!(
            "--pelvic-limit {d}: a trunk angle in 0..120 degrees (the drill's θ_T*)"
        ))
    }
}

#[allow(clippy::too_many_arguments)]
fn simulate(
    name: &str,
    reps: Option<usize>,
    yaw: Option<f64>,
    noise: Option<f64>,
    fps: Option<f64>,
    seed: Option<u64>,
    out: &std::path::Path,
    truth_out: Option<PathBuf>,
) -> Result<(), String> {
    let mut cfg = SimConfig::from_preset(name)
        .ok_or_else(|| format!("unknown preset \"{name}\": use one of {PRESETS}"))?;
    if let Some(r) = reps {
        if !(1..=10_000).contains(&r) {
            return Err("--reps must be 1..10000".into());
        }
        cfg.reps = r;
    }
    if let Some(y) = yaw {
        if !(-89.0..=89.0).contains(&y) {
            return Err("--yaw must be within ±89 degrees".into());
        }
        cfg.camera.yaw_deg = y;
    }
    if let Some(n) = noise {
        if !(0.0..=100.0).contains(&n) {
            return Err("--noise must be 0..100 px".into());
        }
        cfg.noise.sigma_px = n;
    }
    if let Some(f) = fps {
        if !(5.0..=240.0).contains(&f) {
            return Err("--fps must be 5..240".into());
        }
        cfg.fps = f;
    }
    if let Some(s) = seed {
        cfg.seed = s;
    }
    let track = sim::simulate(&cfg);
    let mut extra = serde_json::Map::new();
    extra.insert(
        "source".into(),
        serde_json::Value::from(format!("hingecheck simulate --preset {name}")),
    );
    extra.insert("keypointCount".into(), serde_json::Value::from(33));
    let pt = posetrack::from_frames(track.frames, Some(cfg.fps), extra);
    posetrack::write_file(&pt, out).map_err(|e| format!("{}: {e}", out.display()))?;
    if let Some(t) = truth_out {
        let text = serde_json::to_string_pretty(&track.truth).unwrap_or_default();
        std::fs::write(&t, text).map_err(|e| format!("{}: {e}", t.display()))?;
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
    Ok(())
}
