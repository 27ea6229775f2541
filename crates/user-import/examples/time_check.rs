//! `cargo run --release -p user-import --example time_check [ROWS]`: checks a
//! generated file a few times and prints rows/s (a quick look; the figures
//! in the README come from `cargo bench`).
use std::time::Instant;
use user_import::sample::{generate, SampleOptions};

fn main() {
    let rows: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let file = generate(&SampleOptions {
        rows,
        ..SampleOptions::default()
    });
    println!("{} rows, {:.1} MB", rows, file.len() as f64 / 1e6);
    for _ in 0..5 {
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
