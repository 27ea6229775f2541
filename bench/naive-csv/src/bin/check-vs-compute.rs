//! `check-vs-compute FILE.csv [PAIRS]`: is a slow check the machine's?
//! Alternates `user_import::check` with a loop that only computes (a
//! multiply-xorshift hash over the same bytes, four passes) and prints how
//! the two times move together, and the check's median when the compute
//! loop was at its fastest and at its slowest.
use naive_csv::timing::{median, millis};

fn compute_only(file: &[u8]) -> u64 {
    let mut hash = 0x9E37_79B9_7F4A_7C15u64;
    for _ in 0..4 {
        for word in file.chunks_exact(8) {
            let word = u64::from_le_bytes(word.try_into().expect("8 bytes"));
            hash = (hash ^ word).wrapping_mul(0xff51_afd7_ed55_8ccd);
            hash ^= hash >> 29;
        }
    }
    hash
}

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: check-vs-compute FILE.csv [PAIRS]");
    let n: usize = std::env::args()
        .nth(2)
        .and_then(|p| p.parse().ok())
        .unwrap_or(200)
        .max(8);
    let file = std::fs::read(&path).expect("a readable file");
    let mut pairs: Vec<(f64, f64)> = (0..n)
        .map(|_| {
            let compute = millis(|| {
                std::hint::black_box(compute_only(&file));
            });
            let check = millis(|| {
                std::hint::black_box(user_import::check(&file));
            });
            (compute, check)
        })
        .collect();
    let mean = |f: fn(&(f64, f64)) -> f64| pairs.iter().map(f).sum::<f64>() / n as f64;
    let (mean_compute, mean_check) = (mean(|p| p.0), mean(|p| p.1));
    let (mut cov, mut var_compute, mut var_check) = (0.0, 0.0, 0.0);
    for (compute, check) in &pairs {
        cov += (compute - mean_compute) * (check - mean_check);
        var_compute += (compute - mean_compute).powi(2);
        var_check += (check - mean_check).powi(2);
    }
    let correlation = cov / (var_compute.sqrt() * var_check.sqrt());
    let checks_of = |pairs: &[(f64, f64)]| pairs.iter().map(|p| p.1).collect::<Vec<_>>();
    let all_checks = median(&checks_of(&pairs));
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let quarter = n / 4;
    let fastest = median(&checks_of(&pairs[..quarter]));
    let slowest = median(&checks_of(&pairs[n - quarter..]));
    println!(
        "{n} pairs: compute-only loop {:.1}–{:.1} ms; check median {all_checks:.1} ms, \
         {fastest:.1} ms in the quarter of pairs where the compute loop was fastest, \
         {slowest:.1} ms in its slowest quarter; correlation {correlation:.2}",
        pairs[0].0,
        pairs[n - 1].0,
    );
}
