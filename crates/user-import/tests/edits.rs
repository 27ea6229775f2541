//! Cells corrected by hand after a check (the app's inline fix): the file is
//! checked again with the corrections, and every rule sees them.

mod common;
use common::*;
use user_import::{CellEdit, Checker, ExistingUser, Report};

fn recheck(text: &str, edits: &[(u32, usize, &str)]) -> Report {
    recheck_with(text, edits, Vec::new())
}

fn recheck_with(text: &str, edits: &[(u32, usize, &str)], existing: Vec<ExistingUser>) -> Report {
    let mut checker = Checker::builder()
        .existing_users(existing)
        .edits(edits.iter().map(|&(row, column, value)| CellEdit {
            row,
            column,
            value: value.to_string(),
        }))
        .build();
    checker.feed(text.as_bytes());
    checker.finish()
}

#[test]
fn a_fixed_cell_makes_its_row_accepted_and_rows_keep_their_numbers() {
    let text = file(&["Ann,Lee,ann@", ",,", "Bo,Ray,bo@example.com,99"]);
    let before = check(&text);
    assert_eq!(counts(&before), (2, 1, 0, 2, 0));
    let email = before.column_index("Email").unwrap();
    let extension = before.column_index("Extension").unwrap();

    let after = recheck(&text, &[(2, email, "ann@example.com")]);
    assert_eq!(counts(&after), (2, 1, 1, 1, 0));
    assert_eq!(errors(&after)[0].0, 4, "the next row keeps its number");

    let fixed = recheck(
        &text,
        &[(2, email, "ann@example.com"), (4, extension, "2099")],
    );
    assert_eq!(counts(&fixed), (2, 1, 2, 0, 0));
    let emails: Vec<String> = fixed.accepted().map(|a| a.user.email).collect();
    assert_eq!(emails, ["ann@example.com", "bo@example.com"]);
}

#[test]
fn the_last_edit_of_a_cell_wins_and_edits_reach_past_short_rows() {
    let text = file(&["Ann,Lee"]);
    let report = recheck(&text, &[(2, 2, "x@"), (2, 2, "ann@example.com")]);
    assert_eq!(counts(&report), (1, 0, 1, 0, 0));
    assert_eq!(report.row_cells(2).unwrap()[2], "ann@example.com");
}

#[test]
fn duplicate_and_extension_rules_see_the_correction() {
    let text = file(&["Ann,Lee,ann@example.com,2041", "Bo,Ray,bo@example.com,2041"]);
    assert_eq!(counts(&check(&text)), (2, 0, 0, 2, 0));
    // Giving Bo another extension ends the clash for both.
    let report = recheck(&text, &[(3, 3, "2042")]);
    assert_eq!(counts(&report), (2, 0, 2, 0, 0));
    // Giving Bo Ann's email makes row 2 superseded by row 3.
    let report = recheck(&text, &[(3, 2, "ANN@example.com"), (3, 3, "")]);
    assert_eq!(counts(&report), (2, 0, 1, 0, 1));
    // An existing user's extension is refused after a correction too.
    let existing = vec![ExistingUser::new("cy@example.com", Some("2050"), "Cy Ray")];
    let report = recheck_with(&text, &[(3, 3, "2050")], existing);
    assert_eq!(counts(&report), (2, 0, 1, 1, 0));
    assert!(errors(&report)[0].2.contains("belongs to Cy Ray"));
}

#[test]
fn the_error_file_holds_the_corrected_values() {
    let text = file(&["Ann,Lee,ann@,=1+1"]);
    let report = recheck(&text, &[(2, 2, "ann@example")]);
    let error_file = String::from_utf8(report.error_file()).unwrap();
    assert!(
        error_file.contains("\r\n2,Ann,Lee,ann@example,'=1+1,"),
        "{error_file}"
    );
}

#[test]
fn an_edit_of_the_header_row_or_past_the_end_changes_nothing() {
    let text = file(&["Ann,Lee,ann@example.com"]);
    let report = recheck(&text, &[(1, 0, "Nom"), (9, 2, "x@")]);
    assert_eq!(counts(&report), (1, 0, 1, 0, 0));
    assert_eq!(report.header()[0], "First Name");
}
