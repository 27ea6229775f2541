//! A million rows: the limit is exact, and a generated file of that size is
//! checked in full. (Speed is measured by `cargo bench`, not asserted here.)

use user_import::sample::{generate, SampleOptions};
use user_import::{Checker, FileError};

fn sample(rows: usize) -> Vec<u8> {
    generate(&SampleOptions {
        rows,
        ..SampleOptions::default()
    })
}

#[test]
fn a_million_rows_is_allowed_and_one_more_is_not() {
    let file = sample(1_000_001);
    let cut = file.len() - (file.iter().rev().skip(2).position(|&b| b == b'\n').unwrap() + 2);
    let (million, _) = file.split_at(cut);

    let mut checker = Checker::new();
    for chunk in million.chunks(1 << 20) {
        checker.feed(chunk);
    }
    let report = checker.finish();
    assert!(
        report.file_errors().is_empty(),
        "{:?}",
        report.file_errors()
    );
    let c = report.counts();
    assert_eq!(c.rows, 1_000_000);
    assert_eq!(c.accepted + c.rejected + c.superseded, c.rows);
    assert!(
        c.rejected > 15_000 && c.rejected < 25_000,
        "about 2% bad: {c:?}"
    );
    assert!(
        c.superseded > 5_000 && c.superseded < 15_000,
        "about 1% duplicates: {c:?}"
    );

    let mut checker = Checker::new();
    for chunk in file.chunks(1 << 20) {
        checker.feed(chunk);
    }
    let report = checker.finish();
    assert_eq!(
        report.file_errors(),
        [FileError::TooManyRows { limit: 1_000_000 }]
    );
    assert_eq!(report.counts().accepted, 0);
}
