//! Benchmarks (measured, never asserted): the per-frame cost of the analysis and of building
//! the overlay scene, and a 60-minute simulated track analysed end to end — the numbers
//! docs/product.md budgets (per frame median ≤ 50 µs, p99 ≤ 250 µs in wasm; a 60-minute track in
//! ≤ 2 s natively). Used by `hingecheck bench` and `cargo bench`.

use crate::analyzer::{Analyzer, Settings};
use crate::overlay::{scene, Options};
use crate::sim::{simulate, SimConfig};
use std::fmt;
use std::time::Instant;

/// What one run measured.
#[derive(Clone, Debug)]
pub struct BenchResult {
    pub minutes: f64,
    pub frames: usize,
    pub reps: u32,
    pub true_reps: usize,
    pub simulate_s: f64,
    pub analyse_s: f64,
    pub push_median_us: f64,
    pub push_p99_us: f64,
    pub push_max_us: f64,
    pub scene_median_us: f64,
    pub scene_p99_us: f64,
}

fn pct(v: &mut [f64], p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    v[((v.len() - 1) as f64 * p).round() as usize]
}

/// Simulates `minutes` of 30 fps swings (noise as a webcam), analyses them in one go, then
/// again frame by frame with a timer around each frame and each overlay scene.
pub fn run(minutes: f64) -> BenchResult {
    let mut cfg = SimConfig::from_preset("swing-good").expect("preset");
    let cycle_s =
        cfg.rep.descent_s + cfg.rep.ascent_s + cfg.rep.pause_top_s + cfg.rep.pause_bottom_s;
    cfg.reps = ((minutes * 60.0 / cycle_s.max(0.5)) as usize).max(1);
    let t0 = Instant::now();
    let track = simulate(&cfg);
    let simulate_s = t0.elapsed().as_secs_f64();

    let t1 = Instant::now();
    let mut a = Analyzer::new(Settings::default());
    for f in &track.frames {
        let _ = a.push(f);
    }
    let report = a.finish();
    let analyse_s = t1.elapsed().as_secs_f64();

    // Frame by frame, on the first five minutes (enough samples, bounded memory for timings).
    let n = track.frames.len().min(9000);
    let mut a = Analyzer::new(Settings::default());
    let mut push = Vec::with_capacity(n);
    let mut draw = Vec::with_capacity(n);
    let opts = Options {
        width: 1280.0,
        height: 720.0,
        ..Default::default()
    };
    let mut last = None;
    for f in &track.frames[..n] {
        let t = Instant::now();
        let live = a.push(f).map(|l| l.new_rep).unwrap_or(false);
        push.push(t.elapsed().as_secs_f64() * 1e6);
        if live {
            last = a.report().reps.last().cloned();
        }
        let t = Instant::now();
        let s = scene(a.live(), last.as_ref(), &opts);
        std::hint::black_box(&s);
        draw.push(t.elapsed().as_secs_f64() * 1e6);
    }
    BenchResult {
        minutes,
        frames: track.frames.len(),
        reps: report.summary.rep_count,
        true_reps: track.truth.rep_count,
        simulate_s,
        analyse_s,
        push_median_us: pct(&mut push.clone(), 0.5),
        push_p99_us: pct(&mut push.clone(), 0.99),
        push_max_us: pct(&mut push, 1.0),
        scene_median_us: pct(&mut draw.clone(), 0.5),
        scene_p99_us: pct(&mut draw, 0.99),
    }
}

impl fmt::Display for BenchResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Hinge Check native benchmark ({} min of simulated 30 fps swings, {} frames, {} reps counted of {} simulated)", self.minutes, self.frames, self.reps, self.true_reps)?;
        writeln!(f, "  simulate track            {:>9.3} s", self.simulate_s)?;
        writeln!(
            f,
            "  analyse whole track       {:>9.3} s   (budget ≤ 2 s for 60 min)",
            self.analyse_s
        )?;
        writeln!(
            f,
            "  per frame: push median    {:>9.1} µs  (budget ≤ 50 µs in wasm)",
            self.push_median_us
        )?;
        writeln!(
            f,
            "  per frame: push p99       {:>9.1} µs  (budget ≤ 250 µs in wasm)",
            self.push_p99_us
        )?;
        writeln!(f, "  per frame: push max       {:>9.1} µs  (a rep's zero-phase analysis, split over two frames)", self.push_max_us)?;
        writeln!(
            f,
            "  overlay scene median      {:>9.1} µs",
            self.scene_median_us
        )?;
        writeln!(
            f,
            "  overlay scene p99         {:>9.1} µs",
            self.scene_p99_us
        )
    }
}
