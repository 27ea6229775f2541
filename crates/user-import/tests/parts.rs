//! A file checked in two parts and joined (`user_import::part`) gives the
//! report of the whole file, or is refused; never a different report.

mod common;
use common::*;
use proptest::prelude::*;
use user_import::sample::{generate, SampleOptions};
use user_import::{CellEdit, Checker, ExistingUser, Part, PartRefused, Report};

/// How the later part's rows reach the first part's checker.
#[derive(Debug, Clone, Copy)]
enum Handoff {
    /// All at the end ([`Checker::finish_part`]).
    Whole,
    /// A piece after every chunk ([`Checker::take_part`]), the rest at the end.
    Pieces,
    /// As pieces, each through its byte form ([`Part::write_bytes`]).
    Bytes,
}

/// `bytes` checked in two parts: the first up to `split`, the later one
/// from there, its checker given the file's first `head` bytes for the
/// header (at most `split`), each fed in chunks of `chunk` bytes.
fn check_in_parts(
    bytes: &[u8],
    split: usize,
    head: usize,
    chunk: usize,
) -> Result<Report, PartRefused> {
    check_handing_off(bytes, split, head, chunk, Handoff::Whole)
}

fn check_handing_off(
    bytes: &[u8],
    split: usize,
    head: usize,
    chunk: usize,
    handoff: Handoff,
) -> Result<Report, PartRefused> {
    let mut first = Checker::new();
    for piece in bytes[..split].chunks(chunk) {
        first.feed(piece);
    }
    let mut later = Checker::builder().later_part().build();
    for piece in bytes[..head.min(split)].chunks(chunk) {
        later.feed(piece);
    }
    later.begin_part()?;
    let hand_on = |first: &mut Checker, part: Part| match handoff {
        Handoff::Bytes => {
            let mut posted = Vec::new();
            part.write_bytes(&mut posted)?;
            first.append_part(Part::from_bytes(&posted)?)
        }
        Handoff::Whole | Handoff::Pieces => first.append_part(part),
    };
    for piece in bytes[split..].chunks(chunk) {
        later.feed(piece);
        if !matches!(handoff, Handoff::Whole) {
            hand_on(&mut first, later.take_part())?;
        }
    }
    hand_on(&mut first, later.finish_part())?;
    Ok(first.finish())
}

/// Why `bytes` split at `split` (the later part given all of the file
/// before it) cannot be joined, if it can not.
fn refusal(bytes: &[u8], split: usize) -> Option<PartRefused> {
    check_in_parts(bytes, split, split, 64).err()
}

/// Every figure, message and file of two reports is the same.
fn assert_same(joined: &Report, whole: &Report) {
    assert_eq!(joined.counts(), whole.counts());
    assert_eq!(errors(joined), errors(whole));
    assert_eq!(file_errors(joined), file_errors(whole));
    assert_eq!(warnings(joined), warnings(whole));
    assert_eq!(joined.encoding(), whole.encoding());
    assert_eq!(joined.error_file(), whole.error_file());
    let users = |r: &Report| r.accepted().map(|a| (a.row, a.user)).collect::<Vec<_>>();
    assert_eq!(users(joined), users(whole));
    assert_eq!(
        joined.rows().collect::<Vec<_>>(),
        whole.rows().collect::<Vec<_>>()
    );
}

/// Where each line after the first ends (the byte after its LF).
fn line_starts(bytes: &[u8]) -> Vec<usize> {
    (0..bytes.len())
        .filter(|&i| bytes[i] == b'\n')
        .map(|i| i + 1)
        .collect()
}

#[test]
fn a_generated_file_joins_at_every_line_end_into_the_whole_report() {
    let bytes = generate(&SampleOptions {
        rows: 300,
        ..SampleOptions::default()
    });
    let whole = user_import::check(&bytes);
    let header_end = line_starts(&bytes)[0];
    for split in line_starts(&bytes) {
        for head in [header_end, split.min(header_end + 100), split] {
            let joined = check_in_parts(&bytes, split, head, 4096)
                .unwrap_or_else(|why| panic!("split at {split}, head {head}: {why}"));
            assert_same(&joined, &whole);
        }
        for handoff in [Handoff::Pieces, Handoff::Bytes] {
            let joined = check_handing_off(&bytes, split, split, 1000, handoff)
                .unwrap_or_else(|why| panic!("split at {split}, {handoff:?}: {why}"));
            assert_same(&joined, &whole);
        }
    }
}

#[test]
fn duplicates_and_shared_extensions_across_the_parts_are_found() {
    let text = file(&[
        "Ann,Lee,ann@example.com,2041,,,",
        "Bob,Stone,bob@example.com,2042,,,",
        "Cy,Dow,cy@example.com,2041,,,",
        "Ann,Lee,ANN@example.com,2043,,,",
    ]);
    let bytes = text.as_bytes();
    let split = line_starts(bytes)[2];
    let joined = check_in_parts(bytes, split, split, 5).unwrap();
    let whole = user_import::check(bytes);
    assert_same(&joined, &whole);
    // Row 2 is replaced by row 5 of the later part; row 4 (later part)
    // shares 2041 with row 2… which no longer counts, so no clash.
    assert_eq!(counts(&joined), counts(&whole));
    assert_eq!(whole.counts().superseded, 1);
}

#[test]
fn a_quoted_cell_across_the_split_is_refused() {
    let text = file(&[
        "Ann,Lee,ann@example.com,,,\"Head of",
        "Sales\",",
        "Bob,Stone,bob@example.com,,,,",
    ]);
    let bytes = text.as_bytes();
    let split = line_starts(bytes)[1];
    assert_eq!(refusal(bytes, split), Some(PartRefused::NotAtRecordStart));
}

#[test]
fn a_split_inside_a_line_is_refused() {
    let text = file(&[
        "Ann,Lee,ann@example.com,,,,",
        "Bob,Stone,bob@example.com,,,,",
    ]);
    let bytes = text.as_bytes();
    let split = line_starts(bytes)[1] + 3;
    assert_eq!(refusal(bytes, split), Some(PartRefused::NotAtRecordStart));
}

#[test]
fn a_split_between_cr_and_lf_is_refused() {
    // The LF belongs to the record before; alone, a part would read it as
    // a blank row.
    let text = file(&[
        "Ann,Lee,ann@example.com,,,,",
        "Bob,Stone,bob@example.com,,,,",
    ]);
    let bytes = text.as_bytes();
    let split = line_starts(bytes)[1] - 1;
    assert_eq!(bytes[split], b'\n');
    assert_eq!(refusal(bytes, split), Some(PartRefused::NotAtRecordStart));
}

#[test]
fn a_head_without_the_whole_header_is_refused() {
    let text = file(&["Ann,Lee,ann@example.com,,,,"]);
    let bytes = text.as_bytes();
    let split = line_starts(bytes)[0];
    assert_eq!(
        check_in_parts(bytes, split, 10, 64).err(),
        Some(PartRefused::HeaderUnread)
    );
}

#[test]
fn encodings_decided_differently_by_the_parts_are_refused() {
    // The first part decides UTF-8 (ë); the later part's é is not UTF-8, so
    // alone it would read Windows-1252, where one checker refuses the cell.
    let mut bytes = format!("{HEADER}\r\nZoë,Lee,zoe@example.com,,,,\r\n").into_bytes();
    let split = bytes.len();
    bytes.extend_from_slice(b"Ren\xE9,Roy,rene@example.com,,,,\r\n");
    assert_eq!(refusal(&bytes, split), Some(PartRefused::EncodingDiffers));
    // An ASCII first part takes the later part's decision, and its warning.
    let mut bytes = format!("{HEADER}\r\nAnn,Lee,ann@example.com,,,,\r\n").into_bytes();
    let split = bytes.len();
    bytes.extend_from_slice(b"Ren\xE9,Roy,rene@example.com,,,,\r\n");
    let joined = check_in_parts(&bytes, split, split, 64).unwrap();
    assert_same(&joined, &user_import::check(&bytes));
    assert_eq!(joined.encoding(), user_import::Encoding::Windows1252);
}

#[test]
fn parts_over_the_row_limit_together_are_refused() {
    let text = file(&[
        "Ann,Lee,ann@example.com,,,,",
        "Bob,Stone,bob@example.com,,,,",
    ]);
    let bytes = text.as_bytes();
    let split = line_starts(bytes)[1];
    let mut first = Checker::builder().max_rows(1).build();
    first.feed(&bytes[..split]);
    let mut later = Checker::builder().later_part().build();
    later.feed(&bytes[..split]);
    later.begin_part().unwrap();
    later.feed(&bytes[split..]);
    assert_eq!(
        first.append_part(later.finish_part()),
        Err(PartRefused::TooManyRows)
    );
}

#[test]
fn edits_and_file_errors_are_refused() {
    let text = file(&["Ann,Lee,ann@,,,,", "Bob,Stone,bob@example.com,,,,"]);
    let bytes = text.as_bytes();
    let split = line_starts(bytes)[1];
    let later_part = || {
        let mut later = Checker::builder().later_part().build();
        later.feed(&bytes[..split]);
        later.begin_part().unwrap();
        later.feed(&bytes[split..]);
        later.finish_part()
    };
    let mut first = Checker::builder()
        .edits([CellEdit {
            row: 2,
            column: 2,
            value: "ann@example.com".into(),
        }])
        .build();
    first.feed(&bytes[..split]);
    assert_eq!(first.append_part(later_part()), Err(PartRefused::Edits));

    // The later part ends inside an unclosed quote.
    let mut unclosed = bytes.to_vec();
    unclosed.extend_from_slice(b"Cy,\"Dow,cy@example.com\r\n");
    let mut first = Checker::new();
    first.feed(&unclosed[..split]);
    let mut later = Checker::builder().later_part().build();
    later.feed(&unclosed[..split]);
    later.begin_part().unwrap();
    later.feed(&unclosed[split..]);
    assert!(matches!(
        first.append_part(later.finish_part()),
        Err(PartRefused::FileError(_))
    ));
}

#[test]
fn existing_users_are_judged_over_both_parts() {
    let text = file(&[
        "Ann,Lee,ann@example.com,2041,,,",
        "Bob,Stone,bob@example.com,3000,,,",
    ]);
    let bytes = text.as_bytes();
    let split = line_starts(bytes)[1];
    let users = || {
        [ExistingUser::new(
            "bob@example.com",
            Some("2041"),
            "Bob Stone",
        )]
    };
    let mut first = Checker::builder().existing_users(users()).build();
    first.feed(&bytes[..split]);
    let mut later = Checker::builder().later_part().build();
    later.feed(&bytes[..split]);
    later.begin_part().unwrap();
    later.feed(&bytes[split..]);
    first.append_part(later.finish_part()).unwrap();
    let joined = first.finish();
    let mut one = Checker::builder().existing_users(users()).build();
    one.feed(bytes);
    assert_same(&joined, &one.finish());
    assert_eq!(joined.counts().updates, 1);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

    #[test]
    fn a_join_is_the_whole_report_or_refused(
        body in prop::collection::vec(
            prop_oneof![
                Just(b",".to_vec()),
                Just(b"\"".to_vec()),
                Just(b"\r\n".to_vec()),
                Just(b"\n".to_vec()),
                Just(b"\r".to_vec()),
                Just(b"ann@example.com".to_vec()),
                Just(b"ANN@example.com".to_vec()),
                Just(b"2041".to_vec()),
                Just(b"+44 20 7946 0958".to_vec()),
                Just("Zoë".as_bytes().to_vec()),
                Just(b"\xE9".to_vec()),
                Just(b"'=".to_vec()),
                prop::collection::vec(any::<u8>(), 0..3),
                "[A-Za-z ]{0,6}".prop_map(String::into_bytes),
            ],
            0..60,
        ),
        split_at in any::<prop::sample::Index>(),
        head_at in any::<prop::sample::Index>(),
        chunk in 1usize..9,
        handoff in prop_oneof![Just(Handoff::Whole), Just(Handoff::Pieces), Just(Handoff::Bytes)],
    ) {
        let bytes = [format!("{HEADER}\r\n").into_bytes(), body.concat()].concat();
        // Mostly at line ends, where a join can work; anywhere otherwise.
        let starts = line_starts(&bytes);
        let split = if starts.is_empty() || split_at.index(4) == 0 {
            split_at.index(bytes.len() + 1)
        } else {
            *split_at.get(&starts)
        };
        // Mostly the whole header and some of the rows after it, as a
        // caller gives it; any length otherwise.
        let header_end = starts.first().copied().unwrap_or(0);
        let head = if split >= header_end && head_at.index(4) != 0 {
            header_end + head_at.index(split - header_end + 1)
        } else {
            head_at.index(split + 1)
        };
        if let Ok(joined) = check_handing_off(&bytes, split, head, chunk, handoff) {
            assert_same(&joined, &user_import::check(&bytes));
        }
    }

    #[test]
    fn arbitrary_bytes_are_never_a_part_that_panics(
        bytes in prop::collection::vec(any::<u8>(), 0..300),
    ) {
        let mut first = Checker::new();
        first.feed(format!("{HEADER}\r\n").as_bytes());
        if let Ok(part) = Part::from_bytes(&bytes) {
            let _ = first.append_part(part);
        }
        let _ = first.finish().error_file();
    }

    #[test]
    fn damaged_part_bytes_are_refused_or_harmless(
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
    ) {
        let text = file(&[
            "Ann,Lee,ann@,2041,,,",
            "Bob,Stone,bob@example.com,2041,+44 20 7946 0958,,",
            "Zoë,O'Brien,ANN@example.com,,,,",
        ]);
        let split = line_starts(text.as_bytes())[1];
        let mut later = Checker::builder().later_part().build();
        later.feed(&text.as_bytes()[..split]);
        later.begin_part().unwrap();
        later.feed(&text.as_bytes()[split..]);
        let mut bytes = Vec::new();
        later.finish_part().write_bytes(&mut bytes).unwrap();
        for (at, value) in flips {
            *at.get_mut(&mut bytes) = value;
        }
        let mut first = Checker::new();
        first.feed(&text.as_bytes()[..split]);
        if let Ok(part) = Part::from_bytes(&bytes) {
            let _ = first.append_part(part);
        }
        let report = first.finish();
        let _ = (report.error_file(), report.accepted().count(), report.warnings().len());
    }

    #[test]
    fn arbitrary_heads_and_parts_never_panic(
        head in prop::collection::vec(any::<u8>(), 0..200),
        part in prop::collection::vec(any::<u8>(), 0..200),
        first in prop::collection::vec(any::<u8>(), 0..200),
    ) {
        let mut later = Checker::builder().later_part().build();
        later.feed(&head);
        let _ = later.begin_part();
        later.feed(&part);
        let mut checker = Checker::new();
        checker.feed(&first);
        let _ = checker.append_part(later.finish_part());
        let _ = checker.finish().error_file();
    }
}
