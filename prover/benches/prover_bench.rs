//! Prover benchmark (not a test): constraints per transition, setup and prove time, peak memory
//! for batch sizes 1, 4, 16, 64 at production depths (16/16). Each size runs in its own
//! process (`alstra-prover bench`) so that peak RSS is per size.
//!
//! `nice -n 19 cargo bench -p alstra-prover` (release). Environment:
//! `ALSTRA_BENCH_SIZES=1,4` to choose sizes, `ALSTRA_BENCH_DEPTH=16`,
//! `ALSTRA_BENCH_BUDGET_S=1800`: sizes are skipped once the budget is spent (reported as such).

use std::process::Command;
use std::time::Instant;

fn main() {
    let sizes: Vec<usize> = std::env::var("ALSTRA_BENCH_SIZES")
        .unwrap_or_else(|_| "1,4,16,64".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let depth: usize = std::env::var("ALSTRA_BENCH_DEPTH").ok().and_then(|s| s.parse().ok()).unwrap_or(16);
    let budget: f64 = std::env::var("ALSTRA_BENCH_BUDGET_S").ok().and_then(|s| s.parse().ok()).unwrap_or(1800.0);
    let start = Instant::now();
    println!("| batch size | constraints | constraints/transition | setup (s) | prove (s) | verify (ms) | peak RSS (MiB) |");
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    for n in sizes {
        if start.elapsed().as_secs_f64() > budget {
            println!("| {n} | not run: time budget of {budget} s spent | | | | | |");
            continue;
        }
        let out = Command::new(env!("CARGO_BIN_EXE_alstra-prover"))
            .args(["bench", "--batch-size", &n.to_string(), "--depth", &depth.to_string()])
            .output()
            .expect("run alstra-prover bench");
        let line = String::from_utf8_lossy(&out.stdout);
        match serde_json::from_str::<serde_json::Value>(line.trim()) {
            Ok(v) => println!(
                "| {n} | {} | {} | {:.1} | {:.1} | {:.1} | {} |",
                v["constraints"], v["constraints_per_transition"], v["setup_s"].as_f64().unwrap_or(0.0),
                v["prove_s"].as_f64().unwrap_or(0.0), v["verify_ms"].as_f64().unwrap_or(0.0), v["peak_rss_mib"]
            ),
            Err(_) => println!("| {n} | failed: {} | | | | | |", String::from_utf8_lossy(&out.stderr).lines().last().unwrap_or("")),
        }
    }
}
