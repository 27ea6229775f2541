//! `cargo run --release -p user-import --example generate ROWS OUT.csv
//! [BAD_PER_MILLE DUPLICATE_PER_MILLE]`: writes the deterministic sample
//! file the benchmarks use (names with accents and apostrophes, mixed phone
//! formats, quoted cells with commas, by default about 2% bad rows and 1%
//! duplicate emails: 20 and 10 per mille).
use user_import::sample::{generate, SampleOptions};

const USAGE: &str = "usage: generate ROWS OUT.csv [BAD_PER_MILLE DUPLICATE_PER_MILLE]";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(rows), Some(out)) = (args.first().and_then(|a| a.parse().ok()), args.get(1)) else {
        eprintln!("{USAGE}");
        std::process::exit(2);
    };
    let defaults = SampleOptions::default();
    let per_mille = |at: usize, default: u32| match args.get(at) {
        None => default,
        Some(arg) => match arg.parse::<u32>() {
            Ok(n) if n <= 1000 => n,
            _ => {
                eprintln!("{USAGE} (per mille: 0 to 1000, not {arg:?})");
                std::process::exit(2);
            }
        },
    };
    let file = generate(&SampleOptions {
        rows,
        bad_per_mille: per_mille(2, defaults.bad_per_mille),
        duplicate_per_mille: per_mille(3, defaults.duplicate_per_mille),
        ..defaults
    });
    if let Err(error) = std::fs::write(out, &file) {
        eprintln!("cannot write {out}: {error}");
        std::process::exit(1);
    }
    println!("{out}: {rows} rows, {} bytes", file.len());
}
