//! The CLI's output formatting: a report as the table a coach reads, a drill as its steps.
//! (The benchmark's own table is `hingecheck::eval::Evaluation::table`.)

use hingecheck::report::Report;

/// The drill's movements as a table.
pub fn drill_table(d: &hingecheck::coach::drill::DrillReport) -> String {
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

pub fn table(r: &Report) -> String {
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
                .get("pull_hip_rise_index")
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
        let mut trusted: Vec<(&str, f64)> = Vec::new();
        for f in r.reps.iter().flat_map(|x| &x.faults) {
            if let Some(y) = f.trusted_to_yaw_deg {
                if !trusted.iter().any(|(c, _)| *c == f.code.as_str()) {
                    trusted.push((f.code.as_str(), y));
                }
            }
        }
        if !trusted.is_empty() {
            let list: Vec<String> = trusted
                .iter()
                .map(|(c, y)| format!("{c} to {y:.0}°"))
                .collect();
            let _ = writeln!(
                s,
                "Filmed at an angle: each finding holds up to this far off side-on: {}",
                list.join(", ")
            );
        }
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
