//! `naive-csv FILE.csv [ROUNDS]`: both loops natively, in turns.
use naive_csv::timing::{median, millis};

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: naive-csv FILE.csv [ROUNDS]");
    let rounds: usize = std::env::args()
        .nth(2)
        .and_then(|r| r.parse().ok())
        .unwrap_or(10);
    let file = std::fs::read(&path).expect("a readable file");
    let time = |check: fn(&[u8]) -> u32| {
        millis(|| {
            std::hint::black_box(check(&file));
        })
    };
    let (mut naive, mut product) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        naive.push(time(naive_csv::naive_check));
        product.push(time(naive_csv::product_check));
    }
    report("native", &naive, &product);
}

fn report(place: &str, naive: &[f64], product: &[f64]) {
    let best = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
    println!(
        "{place}: naive csv loop best {:.1} ms, median {:.1} ms | user_import::check best {:.1} ms, median {:.1} ms",
        best(naive), median(naive), best(product), median(product)
    );
}
