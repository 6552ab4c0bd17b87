//! `cargo bench`: the analysis's per-frame cost and a 60-minute simulated track, against the
//! budgets in docs/product.md (numbers only; nothing is asserted). The same as `hingecheck bench`.

fn main() {
    let minutes = std::env::var("HINGECHECK_BENCH_MINUTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60.0);
    print!("{}", hingecheck::bench::run(minutes));
}
