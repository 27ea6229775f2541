//! `cargo bench -p user-import`: the whole check (bytes → report) of a
//! generated 100,000-row file, fed in one piece and in 1 MiB chunks (as
//! the app feeds it, with the file's size given beforehand), and checked
//! for a location that has users (as the app always checks it).
//! Budget: 3,000,000 rows/s on one core.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use user_import::sample::{generate, SampleOptions};
use user_import::{Checker, ExistingUser};

const ROWS: usize = 100_000;

fn check(c: &mut Criterion) {
    let file = generate(&SampleOptions {
        rows: ROWS,
        ..SampleOptions::default()
    });
    let mut group = c.benchmark_group("check");
    group.throughput(Throughput::Elements(ROWS as u64));
    group.sample_size(30);
    group.bench_function("100k rows, whole", |b| {
        b.iter(|| black_box(user_import::check(black_box(&file))).counts())
    });
    // As the app feeds a file: in chunks, its size known beforehand.
    group.bench_function("100k rows, 1 MiB chunks", |b| {
        b.iter(|| {
            let mut checker = Checker::builder().expected_bytes(file.len() as u64).build();
            for chunk in file.chunks(1 << 20) {
                checker.feed(black_box(chunk));
            }
            black_box(checker.finish()).counts()
        })
    });
    // The app checks a file for a location, whose users' extensions are
    // taken: a few users, as in the reference server's demo data, one of
    // whom has the extension of the file's first row.
    let users: Vec<ExistingUser> = (0..8)
        .map(|i| {
            let email = format!("existing{i}@example.com");
            let extension = if i == 0 { 100_000 } else { 2000 + i };
            ExistingUser::new(&email, Some(&extension.to_string()), "Existing User")
        })
        .collect();
    group.bench_function("100k rows, a location of 8 users", |b| {
        b.iter(|| {
            let mut checker = Checker::builder()
                .expected_bytes(file.len() as u64)
                .existing_users(users.clone())
                .build();
            checker.feed(black_box(&file));
            black_box(checker.finish()).counts()
        })
    });
    group.bench_function("100k rows, check + accepted users + error file", |b| {
        b.iter(|| {
            let report = user_import::check(black_box(&file));
            (report.accepted().count(), report.error_file().len())
        })
    });
    group.finish();
}

criterion_group!(benches, check);
criterion_main!(benches);
