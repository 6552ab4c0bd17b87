//! Per-frame back-outline stats of a posetrack with masks (exploratory).
use hingecheck::pose::posetrack;
use hingecheck::{Analyzer, Settings};
fn main() {
    let p = std::env::args().nth(1).unwrap();
    let t = posetrack::read_file(std::path::Path::new(&p)).unwrap();
    let mut a = Analyzer::new(Settings::default());
    let (mut n, mut issues) = (0, std::collections::BTreeMap::new());
    let mut offs = vec![];
    let mut rows = vec![];
    for f in &t.frames {
        let Ok(l) = a.push(f) else { continue };
        if let Some(c) = &l.back {
            n += 1;
            *issues.entry(format!("{:?}", c.issue)).or_insert(0) += 1;
            if c.offset_low.is_finite() {
                offs.push(c.offset_low);
            }
            let found = c.points.iter().filter(|p| p.is_some()).count();
            rows.push(format!("{:.2} trunk {:.0} {:?} found {found} off {:.3} rms {:.4}/{:.4} low {:.1} curve {:.1} flex {:?}", f.t_ms / 1000.0, l.sig.map(|s| s.trunk).unwrap_or(f64::NAN), c.issue, c.offset_low, c.rms_low, c.rms_up, c.theta_low, c.curve(), l.back_bend.map(|v| v.round())));
        }
    }
    offs.sort_by(|a, b| a.total_cmp(b));
    println!(
        "{p}: {n} masks {issues:?} offset_low p10/p50/p90 {:.3} {:.3} {:.3}",
        offs.get(offs.len() / 10).unwrap_or(&f64::NAN),
        offs.get(offs.len() / 2).unwrap_or(&f64::NAN),
        offs.get(offs.len() * 9 / 10).unwrap_or(&f64::NAN)
    );
    if std::env::var_os("ROWS").is_some() {
        for r in rows
            .iter()
            .step_by(std::env::var("ROWS").unwrap().parse().unwrap())
        {
            println!("  {r}");
        }
    }
}
