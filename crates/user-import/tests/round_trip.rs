//! The error file: its exact bytes, and that once corrected it imports as
//! it is, with no warnings and no errors.

mod common;
use common::*;

const UPLOAD: &str = "First Name,Last Name,E-mail,Mobile,Title,Dept\r\n\
Ann,Lee,ann@example.com,+44 20 7946 0958,=Boss,\"Sales, EMEA\"\r\n\
Bob,,bob@example.com,+1 415 555 0132,-lead-,@home\r\n\
Cy,Dee,cy@example,020 7946 0958,\"Sales \"\"Pro\"\"\",\"R&D, Labs\"\r\n\
Dan,Ray,dan@example.com,,,\r\n";

#[test]
fn the_error_file_has_bom_crlf_row_columns_errors_and_guards() {
    let report = check(UPLOAD);
    assert_eq!(counts(&report), (4, 0, 2, 2, 0));
    let bytes = report.error_file();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    assert_eq!(
        text,
        "Row,First Name,Last Name,E-mail,Mobile,Title,Dept,Errors\r\n\
         3,Bob,,bob@example.com,'+1 415 555 0132,'-lead-,'@home,Last Name is required.\r\n\
         4,Cy,Dee,cy@example,020 7946 0958,\"Sales \"\"Pro\"\"\",\"R&D, Labs\",\
         \"Email \"\"cy@example\"\" is not a valid address: the domain \"\"example\"\" needs a dot \
         and an ending, as in example.com.; Mobile Number \"\"020 7946 0958\"\" needs its country \
         code; write it with + and the country code, such as +44 20 7946 0958.\"\r\n"
    );
    assert_eq!(user_import::error_file_name("team.csv"), "team-errors.csv");
}

#[test]
fn a_corrected_error_file_imports_cleanly() {
    let report = check(UPLOAD);
    let error_file = String::from_utf8(report.error_file()).unwrap();
    // What a person does in Excel: fix the cells, keep everything else.
    let corrected = error_file.replace("3,Bob,,", "3,Bob,Stone,").replace(
        "cy@example,020 7946 0958",
        "cy@example.com,+44 20 7946 0958",
    );
    let again = check(&corrected);
    assert!(again.file_errors().is_empty());
    assert!(again.warnings().is_empty(), "{:?}", warnings(&again));
    assert!(again.errors().is_empty(), "{:?}", errors(&again));
    assert_eq!(counts(&again), (2, 0, 2, 0, 0));
    let users: Vec<_> = again.accepted().map(|u| u.user).collect();
    assert_eq!(users[0].mobile_number.as_deref(), Some("+14155550132"));
    assert_eq!(
        users[0].job_title.as_deref(),
        Some("-lead-"),
        "the guard is gone"
    );
    assert_eq!(users[0].department.as_deref(), Some("@home"));
    assert_eq!(users[1].job_title.as_deref(), Some("Sales \"Pro\""));
}

#[test]
fn an_uncorrected_error_file_gives_the_same_errors_and_the_same_file() {
    let report = check(UPLOAD);
    let again = check(std::str::from_utf8(&report.error_file()).unwrap());
    let messages = |r: &user_import::Report| -> Vec<String> {
        r.errors().iter().map(|e| e.message.clone()).collect()
    };
    assert_eq!(messages(&again), messages(&report));
    // Rows are renumbered by the new upload, but cells and errors match.
    let strip_rows = |bytes: Vec<u8>| -> Vec<String> {
        String::from_utf8(bytes)
            .unwrap()
            .split("\r\n")
            .map(|l| l.split_once(',').map_or(l, |(_, rest)| rest).to_string())
            .collect()
    };
    assert_eq!(
        strip_rows(again.error_file()),
        strip_rows(report.error_file())
    );
}

#[test]
fn a_file_without_a_header_gives_an_error_file_with_the_frame_only() {
    let report = check("");
    assert_eq!(report.error_file(), b"\xEF\xBB\xBFRow,Errors\r\n");
}
