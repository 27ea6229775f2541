//! `cargo run --release -p user-import --example generate ROWS OUT.csv`:
//! writes the deterministic sample file the benchmarks use (names with
//! accents and apostrophes, mixed phone formats, quoted cells with commas,
//! about 2% bad rows and 1% duplicate emails).
use user_import::sample::{generate, SampleOptions};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(rows), Some(out)) = (args.first().and_then(|a| a.parse().ok()), args.get(1)) else {
        eprintln!("usage: generate ROWS OUT.csv");
        std::process::exit(2);
    };
    let file = generate(&SampleOptions {
        rows,
        ..SampleOptions::default()
    });
    if let Err(error) = std::fs::write(out, &file) {
        eprintln!("cannot write {out}: {error}");
        std::process::exit(1);
    }
    println!("{out}: {rows} rows, {} bytes", file.len());
}
