//! Prints the live analysis of a posetrack frame by frame as CSV (for looking at a clip's
//! signals when a count or a verdict is wrong):
//! `cargo run --release --example trace -- TRACK.posetrack.json.gz [exercise] > trace.csv`

use hingecheck::pose::posetrack;
use hingecheck::{Analyzer, Settings};

fn main() {
    let a: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = a.first() else {
        eprintln!("usage: trace TRACK [exercise]");
        std::process::exit(2);
    };
    let track = posetrack::read_file(std::path::Path::new(path)).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2)
    });
    let exercise = a.get(1).and_then(|s| s.parse().ok()).unwrap_or_default();
    let mut an = Analyzer::new(Settings {
        exercise,
        ..Default::default()
    });
    println!(
        "t,person,phase,reps,dhip,trunk,knee,hip_y,shoulder_y,bell_y,quality,yaw,b,facing,calib"
    );
    for f in &track.frames {
        let person = f.has_person();
        let Ok(l) = an.push(f) else { continue };
        let (dhip, trunk, knee, hy, sy, by, q) = match (&l.sig, &l.standing) {
            (Some(s), Some(st)) if person => (
                s.hip - st.hip,
                s.trunk,
                s.knee - st.knee,
                s.hip_y,
                s.shoulder_y,
                s.bell_y,
                s.quality,
            ),
            _ => (
                f64::NAN,
                f64::NAN,
                f64::NAN,
                f64::NAN,
                f64::NAN,
                f64::NAN,
                f64::NAN,
            ),
        };
        let (b, facing) = l
            .frame
            .map(|fr| (fr.b, fr.facing))
            .unwrap_or((f64::NAN, 0.0));
        println!(
            "{:.3},{},{},{},{:.1},{:.1},{:.1},{:.3},{:.3},{:.3},{:.2},{:.0},{:.0},{},{}",
            l.t,
            person as u8,
            l.phase.label(),
            l.rep_count,
            dhip,
            trunk,
            knee,
            hy,
            sy,
            by,
            q,
            l.view.yaw_deg.unwrap_or(f64::NAN),
            b,
            facing,
            l.calibrated as u8
        );
    }
    let r = an.finish();
    eprintln!(
        "reps {} movements {} notes {:?}",
        r.reps.len(),
        an.movements_seen(),
        r.notes
    );
}
