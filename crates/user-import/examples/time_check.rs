//! `cargo run --release -p user-import --example time_check [ROWS | FILE.csv] [RUNS]`:
//! checks a generated file (or a file from disk) a few times and prints
//! rows/s (a quick look, and a loop to profile; the figures in the README
//! come from `cargo bench`).
use std::time::Instant;
use user_import::sample::{generate, SampleOptions};

fn main() {
    let what = std::env::args().nth(1).unwrap_or_else(|| "100000".into());
    let runs: usize = std::env::args()
        .nth(2)
        .and_then(|a| a.parse().ok())
        .unwrap_or(5);
    let file = match what.parse::<usize>() {
        Ok(rows) => generate(&SampleOptions {
            rows,
            ..SampleOptions::default()
        }),
        Err(_) => std::fs::read(&what).expect("a row count or a readable file"),
    };
    let rows = user_import::check(&file).counts().rows as usize;
    println!("{} rows, {:.1} MB", rows, file.len() as f64 / 1e6);
    for _ in 0..runs {
        let start = Instant::now();
        let report = user_import::check(&file);
        let secs = start.elapsed().as_secs_f64();
        let c = report.counts();
        println!(
            "{:.1} ms, {:.0} rows/s (accepted {}, rejected {}, superseded {})",
            secs * 1e3,
            rows as f64 / secs,
            c.accepted,
            c.rejected,
            c.superseded
        );
    }
}
