//! The spec's "The file" section: encodings, delimiters, line ends, quotes,
//! files that are not CSV, empty files and the limits.

mod common;
use common::*;
use user_import::{Checker, Encoding, FileError, NotText};

const ROWS: &[&str] = &[
    "Zoë,O'Brien,zoe@example.com,2041,,,",
    "Łukasz,Nowak,lukasz@example.com,,,,",
];

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let mut out = if big_endian {
        vec![0xFE, 0xFF]
    } else {
        vec![0xFF, 0xFE]
    };
    for unit in text.encode_utf16() {
        out.extend(if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        });
    }
    out
}

fn names(report: &user_import::Report) -> Vec<String> {
    report.accepted().map(|u| u.user.first_name).collect()
}

#[test]
fn utf8_with_and_without_bom() {
    let text = file(ROWS);
    for bytes in [
        text.as_bytes().to_vec(),
        [b"\xEF\xBB\xBF", text.as_bytes()].concat(),
    ] {
        let report = user_import::check(&bytes);
        assert_eq!(names(&report), ["Zoë", "Łukasz"]);
        assert_eq!(report.encoding(), Encoding::Utf8);
        assert!(report.warnings().is_empty());
        assert_eq!(
            report.header()[0],
            "First Name",
            "the BOM is not part of the header"
        );
    }
}

#[test]
fn utf16_le_and_be_with_bom_in_any_chunking() {
    let text = file(ROWS);
    for (big_endian, encoding) in [(false, Encoding::Utf16Le), (true, Encoding::Utf16Be)] {
        let bytes = utf16(&text, big_endian);
        for chunk in [1, 3, 8, 1 << 20] {
            let report = check_chunked(&bytes, chunk);
            assert_eq!(names(&report), ["Zoë", "Łukasz"], "chunk {chunk}");
            assert_eq!(report.encoding(), encoding);
            assert!(report.warnings().is_empty());
        }
    }
}

#[test]
fn windows_1252_is_read_with_a_warning() {
    let mut bytes = format!("{HEADER}\r\n").into_bytes();
    bytes.extend_from_slice(b"Zo\xEB,O\x92Brien,zoe@example.com,,,Caf\xE9 \x80 manager,\r\n");
    let report = user_import::check(&bytes);
    let users: Vec<_> = report.accepted().collect();
    assert_eq!(users[0].user.first_name, "Zoë");
    assert_eq!(users[0].user.last_name, "O’Brien");
    assert_eq!(users[0].user.job_title.as_deref(), Some("Café € manager"));
    assert_eq!(report.encoding(), Encoding::Windows1252);
    assert_eq!(warnings(&report).len(), 1);
    assert!(warnings(&report)[0].contains("read as Windows-1252"));
}

/// A name ending in `é` next to one starting with `’` is, in Windows-1252,
/// `\xE9,\x92`; joined without the comma (as a record split over two
/// chunks, or with a doubled quote, is built) the bytes read as valid UTF-8.
/// Found by the chunking property test: it panicked here.
#[test]
fn windows_1252_cells_that_join_into_utf8_are_read_cell_by_cell() {
    let mut bytes = format!("{HEADER}\r\n").into_bytes();
    bytes.extend_from_slice(b"Ren\xE9,\x92\x92Neill,rene@example.com,,,\"a \"\"b\"\"\",\r\n");
    let whole = user_import::check(&bytes);
    for chunk in [1, 2, 7] {
        let chunked = check_chunked(&bytes, chunk);
        assert_eq!(errors(&chunked), errors(&whole), "{chunk}");
        assert_eq!(chunked.error_file(), whole.error_file(), "{chunk}");
    }
    let users: Vec<_> = whole.accepted().collect();
    assert_eq!(users[0].user.first_name, "René");
    assert_eq!(users[0].user.last_name, "’’Neill");
    assert_eq!(users[0].user.job_title.as_deref(), Some("a \"b\""));
    assert_eq!(whole.encoding(), Encoding::Windows1252);
}

/// A generated file saved in Windows-1252 (characters it lacks, such as
/// `Ł` and `ễ`, replaced first) is checked as its UTF-8 twin is. Its
/// accented records are converted whole; a mistake in where a cell ends
/// after an accent would move or change a cell here.
#[test]
fn a_windows_1252_file_reads_as_its_utf8_twin() {
    let (utf8, windows_1252) = windows_1252_twin(&varied_sample());
    let twin = user_import::check(utf8.as_bytes());
    assert_checks_as(&windows_1252, Encoding::Windows1252, &twin);
    assert!(twin.counts().accepted > 1_000 && twin.counts().rejected > 100);
}

/// A generated file saved as UTF-16 (as Excel's "Unicode Text" saves it,
/// with a byte order mark) is checked as the UTF-8 file is. Most of it is
/// ASCII, which the decoder converts four code units at a time.
#[test]
fn a_utf16_file_reads_as_its_utf8_twin() {
    // A character outside the Basic Multilingual Plane: a surrogate pair.
    let text = varied_sample().replacen("Sales,", "Sales 😀,", 50);
    let twin = user_import::check(text.as_bytes());
    for (big_endian, encoding) in [(false, Encoding::Utf16Le), (true, Encoding::Utf16Be)] {
        assert_checks_as(&utf16(&text, big_endian), encoding, &twin);
    }
    assert!(users(&twin).iter().any(|u| u.contains('😀')));
}

/// A generated file of 3,000 rows, 30% of them rejected and 10% with an
/// earlier row's email.
fn varied_sample() -> String {
    let options = user_import::sample::SampleOptions {
        rows: 3_000,
        bad_per_mille: 300,
        duplicate_per_mille: 100,
        ..Default::default()
    };
    String::from_utf8(user_import::sample::generate(&options)).unwrap()
}

/// `bytes` is read as `encoding` and checked as `twin` was (the same
/// counts, errors and users), whole and in chunks, of 97 bytes among them,
/// which split characters.
fn assert_checks_as(bytes: &[u8], encoding: Encoding, twin: &user_import::Report) {
    for chunk in [usize::MAX, 1 << 16, 97] {
        let report = check_chunked(bytes, chunk);
        assert_eq!(report.encoding(), encoding);
        assert_eq!(counts(&report), counts(twin), "chunk {chunk}");
        assert_eq!(errors(&report), errors(twin), "chunk {chunk}");
        assert_eq!(users(&report), users(twin), "chunk {chunk}");
    }
}

/// Every accepted user, every field.
fn users(report: &user_import::Report) -> Vec<String> {
    report.accepted().map(|u| format!("{:?}", u.user)).collect()
}

/// `text` with the characters Windows-1252 lacks replaced by `?`, in UTF-8
/// and in Windows-1252.
fn windows_1252_twin(text: &str) -> (String, Vec<u8>) {
    let byte_of = |c: char| match c {
        '\0'..='\u{7F}' | '\u{A0}'..='\u{FF}' => Some(c as u8),
        '€' => Some(0x80),
        '’' => Some(0x92),
        '“' => Some(0x93),
        '”' => Some(0x94),
        _ => None,
    };
    let utf8: String = text
        .chars()
        .map(|c| if byte_of(c).is_some() { c } else { '?' })
        .collect();
    let bytes = utf8.chars().map(|c| byte_of(c).unwrap()).collect();
    (utf8, bytes)
}

#[test]
fn a_damaged_utf8_cell_is_refused_not_guessed() {
    let mut bytes = file(&["Zoë,Lee,zoe@example.com,,,,"]).into_bytes();
    bytes.extend_from_slice(b"Bj\xF6rn,Lee,bjorn@example.com,,,,\r\n");
    let report = user_import::check(&bytes);
    assert_eq!(report.encoding(), Encoding::Utf8);
    assert_eq!(counts(&report), (2, 0, 1, 1, 0));
    assert!(report.errors()[0].message.contains("could not be read"));
}

#[test]
fn every_delimiter_is_detected() {
    for delimiter in [",", ";", "\t", "|"] {
        let text = format!(
            "First Name{d}Last Name{d}Email{d}Notes\r\nAnn{d}Lee{d}ann@example.com{d}\"Sales, EMEA{d} lead\"\r\n",
            d = delimiter
        );
        let report = check(&text);
        assert_eq!(counts(&report), (1, 0, 1, 0, 0), "{delimiter:?}");
        assert_eq!(report.header().len(), 4, "{delimiter:?}");
        let rejected_file = report.error_file();
        assert!(rejected_file.ends_with(b"Row,First Name,Last Name,Email,Notes,Errors\r\n"));
    }
}

#[test]
fn excel_sep_line_is_honoured_and_skipped() {
    let text = "sep=;\r\nFirst Name;Last Name;Email;Job Title\r\nAnn;Lee;ann@example.com;Sales, EMEA\r\nBob;;bob@example.com;x\r\n";
    let report = check(text);
    assert_eq!(counts(&report), (2, 0, 1, 1, 0));
    assert_eq!(report.header()[0], "First Name");
    assert_eq!(
        report.accepted().next().unwrap().user.job_title.unwrap(),
        "Sales, EMEA"
    );
    // Rows are numbered as the spreadsheet shows them: the sep line is hidden.
    assert_eq!(report.errors()[0].row, 3);
}

#[test]
fn crlf_lf_and_cr_line_ends() {
    let lf = file(ROWS).replace("\r\n", "\n");
    let cr = file(ROWS).replace("\r\n", "\r");
    for text in [file(ROWS), lf, cr] {
        assert_eq!(names(&check(&text)), ["Zoë", "Łukasz"]);
    }
}

#[test]
fn multi_line_quoted_cells_are_one_row() {
    let text = "First Name,Last Name,Email,Notes\r\n\
                Ann,Lee,ann@example.com,\"Prefers\r\nmornings\"\r\n\
                Bob,,bob@example.com,\r\n\
                Cy,Dee,cy@example.com,\"Title\nwith a break\"\r\n";
    let report = check(text);
    assert_eq!(counts(&report), (3, 0, 2, 1, 0));
    assert_eq!(errors(&report)[0].0, 3, "Bob is on row 3 though on line 4");
    let text = file(&["Ann,Lee,ann@example.com,,,\"Head of\r\nSales\","]);
    assert_eq!(
        errors(&check(&text))[0].2,
        "Job Title contains a line break, which is not allowed; remove it."
    );
}

#[test]
fn an_unclosed_quote_is_named_where_it_opens() {
    let text = file(&[
        "Ann,Lee,ann@example.com,,,,",
        "Bob,Stone,bob@example.com,,,\"Sales,",
        "Cy,Dee,cy@example.com,,,,",
        "Di,Eve,di@example.com,,,,",
    ]);
    for chunk in [1, 5, 1 << 20] {
        let report = check_chunked(text.as_bytes(), chunk);
        assert_eq!(
            report.file_errors(),
            [FileError::UnclosedQuote {
                row: 3,
                line: 3,
                column: "Job Title".into()
            }]
        );
        assert_eq!(report.counts().accepted, 0);
        assert!(file_errors(&report)[0].starts_with(
            "Row 3 (line 3): a quote opens in the Job Title cell and is never closed"
        ));
    }
}

#[test]
fn a_stray_quote_that_swallows_rows_is_hinted() {
    let mut lines = vec!["Ann,Lee,ann@example.com,,,\"Sales".to_string()];
    for i in 0..40 {
        lines.push(format!(
            "User{i},Long-Name-To-Fill-The-Cell,user{i}@example.com,,,,"
        ));
    }
    lines.push("closing\",".to_string());
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let report = check(&file(&refs));
    let message = &report.errors()[0].message;
    assert!(message.starts_with("Job Title has 2,"), "{message}");
    assert!(
        message.contains("a quote is probably missing or extra"),
        "{message}"
    );
}

#[test]
fn xlsx_and_binary_files_are_not_csv() {
    let cases: [(&[u8], NotText); 5] = [
        (
            b"PK\x03\x04\x14\x00\x06\x00\x08\x00rest-of-zip",
            NotText::Xlsx,
        ),
        (b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00", NotText::Xls),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", NotText::Binary),
        (
            b"First Name,Last Name,Email\r\nA\x00B,C,d@e.fg\r\n",
            NotText::Binary,
        ),
        (b"F\x00i\x00r\x00s\x00t\x00", NotText::Utf16WithoutBom),
    ];
    for (bytes, what) in cases {
        let report = user_import::check(bytes);
        assert_eq!(report.file_errors(), [FileError::NotText { what }]);
        assert_eq!(report.counts().accepted, 0);
    }
    let xlsx = user_import::check(b"PK\x03\x04\x14\x00\x06\x00");
    assert!(file_errors(&xlsx)[0].contains("save as") || file_errors(&xlsx)[0].contains("Save As"));
}

#[test]
fn empty_files_and_files_without_users() {
    for text in ["", "\u{feff}", "\r\n\r\n", " , , \n"] {
        let report = check(text);
        assert_eq!(report.file_errors(), [FileError::Empty], "{text:?}");
    }
    for text in [
        HEADER.to_string(),
        format!("{HEADER}\r\n"),
        format!("{HEADER}\r\n,,,,,,\r\n\r\n"),
    ] {
        let report = check(&text);
        assert_eq!(report.file_errors(), [FileError::NoDataRows], "{text:?}");
    }
    assert_eq!(
        file_errors(&check(HEADER))[0],
        "The file has a header row but no users below it. Add one row per user under the header."
    );
}

#[test]
fn a_file_without_a_line_end_is_read_whole() {
    let text = format!("{HEADER}\r\nAnn,Lee,ann@example.com,,,,");
    assert_eq!(counts(&check(&text)), (1, 0, 1, 0, 0));
    let text = "First Name,Last Name,Email";
    assert_eq!(check(text).file_errors(), [FileError::NoDataRows]);
}

#[test]
fn leading_blank_lines_before_the_header_are_skipped_but_counted_as_rows() {
    let text = format!("\r\n,,,\r\n{}", file(&["Ann,,ann@example.com,,,,"]));
    let report = check(&text);
    assert_eq!(
        report.errors()[0].row,
        4,
        "the header is on spreadsheet row 3"
    );
}

#[test]
fn row_limit_is_a_file_error_that_states_it() {
    let text = file(&["A,B,a@x.io,,,,", "", "C,D,c@x.io,,,,", "E,F,e@x.io,,,,"]);
    let mut checker = Checker::builder().max_rows(2).build();
    checker.feed(text.as_bytes());
    assert!(checker.is_stopped());
    let report = checker.finish();
    assert_eq!(report.file_errors(), [FileError::TooManyRows { limit: 2 }]);
    assert_eq!(report.counts().accepted, 0);
    assert!(file_errors(&report)[0].contains("more than 2 users"));
}

#[test]
fn byte_limit_is_a_file_error_that_states_it() {
    let text = file(ROWS);
    let mut checker = Checker::builder().max_bytes(100).build();
    for chunk in text.as_bytes().chunks(30) {
        checker.feed(chunk);
    }
    let report = checker.finish();
    assert_eq!(
        report.file_errors(),
        [FileError::TooLarge { limit_bytes: 100 }]
    );
    let default = FileError::TooLarge {
        limit_bytes: user_import::Limits::default().max_bytes,
    };
    assert!(default.to_string().contains("larger than 256 MB"));
}

#[test]
fn a_header_line_that_never_ends_is_refused() {
    let mut checker = Checker::new();
    let chunk = vec![b'x'; 64 * 1024];
    for _ in 0..20 {
        checker.feed(&chunk);
    }
    assert!(checker.is_stopped());
    let report = checker.finish();
    assert!(matches!(
        report.file_errors(),
        [FileError::HeaderTooLong { .. }]
    ));
}

#[test]
fn progress_counts_bytes_and_rows() {
    let text = file(ROWS);
    let mut checker = Checker::new();
    checker.feed(text.as_bytes());
    let progress = checker.progress();
    assert_eq!(progress.bytes, text.len() as u64);
    assert_eq!(progress.rows, 2);
}

#[test]
fn any_chunking_gives_the_same_report() {
    let text = file(&[
        "Zoë,\"O'Brien, Jr\",zoe@example.com,2041,+44 20 7946 0958,\"Head of\nSales\",R&D",
        "Bob,,bob@example.com,2041,,,",
        ",,,,,,",
        "Ann,Lee,ZOE@example.com,,,,",
    ]);
    let whole = check(&text);
    for chunk in 1..40 {
        let report = check_chunked(text.as_bytes(), chunk);
        assert_eq!(errors(&report), errors(&whole), "chunk {chunk}");
        assert_eq!(warnings(&report), warnings(&whole));
        assert_eq!(counts(&report), counts(&whole));
        assert_eq!(report.error_file(), whole.error_file());
    }
}
