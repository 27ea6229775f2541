//! The spec's header, rows, duplicates and extension rules, file-level.

mod common;
use common::*;
use user_import::{Checker, ExistingUser, FileError, RowStatus, Warning};

#[test]
fn rows_are_numbered_as_the_spreadsheet_shows_them() {
    let report = check(&file(&[
        "Ann,Lee,ann@example.com,,,,",
        "Bob,,bob@example.com,,,,",
        ",,,,,,",
        "Cy,Dee,bad-email,,,,",
    ]));
    assert_eq!(counts(&report), (3, 1, 1, 2, 0));
    let rows: Vec<u32> = report.errors().iter().map(|e| e.row).collect();
    assert_eq!(rows, [3, 5]);
}

#[test]
fn blank_rows_are_skipped_and_counted() {
    let report = check(&file(&[
        ",,,,,,",
        "  , ,\t,,,,",
        "",
        "Ann,Lee,ann@example.com,,,,",
        ",,,",
    ]));
    assert_eq!(counts(&report), (1, 4, 1, 0, 0));
    assert!(report.errors().is_empty());
}

#[test]
fn short_rows_have_empty_cells() {
    let report = check(&file(&["Ann,Lee,ann@example.com", "Bob,Stone"]));
    assert_eq!(counts(&report), (2, 0, 1, 1, 0));
    assert_eq!(
        errors(&report),
        [(3, Some("Email".into()), "Email is required.".into())]
    );
}

#[test]
fn extra_cells_are_ignored_when_empty_and_an_error_otherwise() {
    let report = check(&file(&[
        "Ann,Lee,ann@example.com,,,,,, ,",
        "Bob,Stone,bob@example.com,,,,,x,,",
        "Cy,Dee,cy@example.com,,,,,x,\"y, z\",",
    ]));
    assert_eq!(counts(&report), (3, 0, 1, 2, 0));
    assert_eq!(
        errors(&report),
        [
            (
                3,
                None,
                "This row has 8 cells but the header has 7; the extra value \"x\" is not in any \
                 column. Move it into the right column or remove it."
                    .into()
            ),
            (
                4,
                None,
                "This row has 9 cells but the header has 7; the extra values \"x\", \"y, z\" are \
                 not in any column. Move them into the right column or remove them."
                    .into()
            ),
        ]
    );
}

#[test]
fn the_formula_guard_is_removed_on_import() {
    let report = check(&file(&[
        "'=Ann,'-Lee,ann@example.com,,'+44 20 7946 0958,'=Boss,",
    ]));
    assert_eq!(counts(&report).2, 1, "{:?}", errors(&report));
    let user = report.accepted().next().unwrap().user;
    assert_eq!(user.first_name, "=Ann");
    assert_eq!(user.last_name, "-Lee");
    assert_eq!(user.mobile_number.as_deref(), Some("+442079460958"));
    assert_eq!(user.job_title.as_deref(), Some("=Boss"));
    let report = check(&file(&["'Ann,Lee,'@ann@example.com,,,,"]));
    assert_eq!(report.errors()[0].column.as_deref(), Some("Email"));
}

#[test]
fn a_long_cell_is_an_error_for_that_cell_not_a_crash() {
    let long = "x".repeat(5_000);
    let report = check(&file(&[&format!("Ann,Lee,ann@example.com,,,,{long}")]));
    assert_eq!(
        report.errors()[0].message,
        "Department has 5,000 characters; a cell may have at most 1,000."
    );
    let report = check(&file(&[&format!("Ann,Lee,ann@example.com,,,,,{long}")]));
    assert!(
        report.errors()[0]
            .message
            .starts_with("This row has 8 cells but the header has 7; the extra value \"xxxx"),
        "cells past the header are extra cells, quoted short"
    );
    let report = check(&format!(
        "First Name,Last Name,Email,Notes\r\nAnn,Lee,ann@example.com,{long}\r\n{long},Lee,b@example.com,\r\n"
    ));
    assert_eq!(
        errors(&report),
        [
            (
                2,
                Some("Notes".into()),
                "Notes has 5,000 characters; a cell may have at most 1,000.".into()
            ),
            (
                3,
                Some("First Name".into()),
                "First Name has 5,000 characters; a cell may have at most 1,000.".into()
            ),
        ]
    );
}

#[test]
fn values_are_normalized() {
    let report = check(&file(&[
        " Zoë , O'Brien ,ZOE@Example.COM, 2041 ,(415) 555-0132, Boss ,  ",
    ]));
    let user = report.accepted().next().unwrap();
    assert_eq!(user.row, 2);
    assert_eq!(user.user.first_name, "Zoë");
    assert_eq!(user.user.last_name, "O'Brien");
    assert_eq!(user.user.email, "zoe@example.com");
    assert_eq!(user.user.extension.as_deref(), Some("2041"));
    assert_eq!(user.user.mobile_number.as_deref(), Some("+14155550132"));
    assert_eq!(user.user.job_title.as_deref(), Some("Boss"));
    assert_eq!(user.user.department, None);
}

#[test]
fn every_error_of_a_row_is_reported_in_column_order() {
    let report = check(&file(&["<Ann>,,ann@,0,123,,"]));
    let columns: Vec<Option<String>> = report.errors().iter().map(|e| e.column.clone()).collect();
    let names = [
        "First Name",
        "Last Name",
        "Email",
        "Extension",
        "Mobile Number",
    ];
    assert_eq!(columns, names.map(|n| Some(n.to_string())));
}

#[test]
fn headers_match_aliases_in_any_order_and_unknown_ones_warn() {
    let text = "Surname,E-Mail,given name,Cell,Office,Row,Errors\r\nLee,ann@example.com,Ann,4155550132,HQ,7,old\r\n";
    let report = check(text);
    assert_eq!(counts(&report), (1, 0, 1, 0, 0));
    assert_eq!(
        warnings(&report),
        ["The column \"Office\" is not part of the template and is ignored."]
    );
    assert_eq!(
        report
            .accepted()
            .next()
            .unwrap()
            .user
            .mobile_number
            .as_deref(),
        Some("+14155550132")
    );
}

#[test]
fn missing_and_duplicate_columns_refuse_the_file() {
    let report = check("Name,Mail,Phone\r\nAnn,ann@example.com,1\r\n");
    assert_eq!(counts(&report).2, 0);
    assert_eq!(
        file_errors(&report),
        ["The required columns First Name, Last Name are missing. The header row has: \"Name\", \
          \"Mail\", \"Phone\". Nothing was imported; start from the template's header row."]
    );
    let report = check("First Name,Last Name,Email,Surname\r\nAnn,Lee,ann@example.com,Lee\r\n");
    assert!(matches!(
        report.file_errors(),
        [FileError::DuplicateColumns { .. }]
    ));
    assert_eq!(report.counts().accepted, 0);
}

#[test]
fn the_last_row_wins_and_earlier_rows_are_superseded() {
    let report = check(&file(&[
        "Ann,Old,ann@example.com,2041,,,",
        "Bob,Stone,bob@example.com,,,,",
        "Ann,Older,ANN@example.com,,,,",
        "Ann,New,Ann@Example.com,2041,,,",
    ]));
    assert_eq!(counts(&report), (4, 0, 2, 0, 2));
    assert_eq!(
        warnings(&report),
        [
            "row 2 (ann@example.com) is replaced by row 5",
            "row 4 (ann@example.com) is replaced by row 5",
        ]
    );
    let ann = report
        .accepted()
        .find(|u| u.user.email == "ann@example.com")
        .unwrap();
    assert_eq!((ann.row, ann.user.last_name.as_str()), (5, "New"));
    let statuses: Vec<RowStatus> = report.rows().map(|(_, s)| s).collect();
    assert_eq!(
        statuses,
        [
            RowStatus::Superseded { by_row: 5 },
            RowStatus::Accepted,
            RowStatus::Superseded { by_row: 5 },
            RowStatus::Accepted
        ]
    );
}

#[test]
fn the_last_row_wins_even_when_it_has_errors() {
    let report = check(&file(&[
        "Ann,Lee,ann@example.com,,,,",
        "Ann,,ann@example.com,,,,",
    ]));
    assert_eq!(counts(&report), (2, 0, 0, 1, 1));
    assert_eq!(
        errors(&report),
        [(3, Some("Last Name".into()), "Last Name is required.".into())]
    );
    assert_eq!(
        report.accepted().count(),
        0,
        "the earlier row is not imported either"
    );
    let error_file = String::from_utf8(report.error_file()).unwrap();
    assert_eq!(
        error_file.lines().count(),
        2,
        "only the winning row: {error_file}"
    );
}

#[test]
fn superseded_rows_with_errors_leave_no_errors_behind() {
    let report = check(&file(&[
        "Ann,,ann@example.com,0,,,",
        "Ann,Lee,ann@example.com,,,,",
    ]));
    assert_eq!(counts(&report), (2, 0, 1, 0, 1));
    assert!(report.errors().is_empty());
    assert_eq!(report.rejected().count(), 0);
}

#[test]
fn only_valid_emails_take_part_in_duplicates() {
    let report = check(&file(&[
        "Ann,Lee,not-an-email,,,,",
        "Bob,Lee,not-an-email,,,,",
    ]));
    assert_eq!(counts(&report), (2, 0, 0, 2, 0));
}

#[test]
fn an_extension_claimed_twice_rejects_both_rows_naming_each_other() {
    let report = check(&file(&[
        "Ann,Lee,ann@example.com,2041,,,",
        "Bob,Stone,bob@example.com,2041,,,",
        "Cy,Dee,cy@example.com,2042,,,",
    ]));
    assert_eq!(counts(&report), (3, 0, 1, 2, 0));
    assert_eq!(
        errors(&report),
        [
            (2, Some("Extension".into()), "Extension 2041 is also given to row 3 (bob@example.com); each user needs their own.".into()),
            (3, Some("Extension".into()), "Extension 2041 is also given to row 2 (ann@example.com); each user needs their own.".into()),
        ]
    );
}

#[test]
fn a_superseded_row_does_not_claim_its_extension() {
    let report = check(&file(&[
        "Ann,Lee,ann@example.com,2041,,,",
        "Bob,Stone,bob@example.com,2041,,,",
        "Ann,Lee,ann@example.com,2042,,,",
    ]));
    assert_eq!(counts(&report), (3, 0, 2, 0, 1));
}

#[test]
fn many_claims_of_one_extension_name_a_few_and_count_the_rest() {
    let lines: Vec<String> = (0..6)
        .map(|i| format!("U{i},Lee,u{i}@example.com,2041,,,"))
        .collect();
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let report = check(&file(&refs));
    assert_eq!(report.counts().rejected, 6);
    assert_eq!(
        report.errors()[0].message,
        "Extension 2041 is also given to row 3 (u1@example.com), row 4 (u2@example.com), row 5 \
         (u3@example.com) and 2 more; each user needs their own."
    );
}

#[test]
fn an_extension_of_an_existing_user_is_refused_naming_them() {
    let text = file(&[
        "Ann,Lee,ann@example.com,2041,,,",
        "Bob,Stone,BOB@example.com,2050,,,",
        "Cy,Dee,cy@example.com,,,,",
    ]);
    let mut checker = Checker::builder()
        .existing_users([
            ExistingUser::new("bob@example.com", Some("2050"), "Bob Stone"),
            ExistingUser::new("Dan@Example.com", Some("2041"), "Dan Ray"),
            ExistingUser::new("cy@example.com", None, "Cy Dee"),
        ])
        .build();
    checker.feed(text.as_bytes());
    let report = checker.finish();
    assert_eq!(
        errors(&report),
        [(
            2,
            Some("Extension".into()),
            "Extension 2041 belongs to Dan Ray (dan@example.com), an existing user of this \
             location; choose another or leave it empty."
                .into()
        )]
    );
    let c = report.counts();
    assert_eq!((c.accepted, c.new, c.updates), (2, 0, 2));
}

#[test]
fn an_update_is_an_accepted_row_that_holds_a_users_email() {
    let text = file(&[
        "Ann,Lee,ANN@example.com,,,,",   // 2: updates ann (any case)
        "Bob,Stone,bob@example.com,,,,", // 3: superseded by row 4
        "Bob,Stone,bob@example.com,,,,", // 4: updates bob
        "Cy,Dee,cy@example.com,,,,",     // 5: superseded by row 6, which fails
        ",Dee,cy@example.com,,,,",       // 6: rejected (no first name)
        "Eve,Ng,eve@example.com,,,,",    // 7: new
        "Fay,Ong,fay@example,,,,",       // 8: rejected (bad email)
    ]);
    let mut checker = Checker::builder()
        .existing_users([
            ExistingUser::new(" Ann@Example.com ", None, "Ann Lee"),
            ExistingUser::new("bob@example.com", None, "Bob Stone"),
            ExistingUser::new("cy@example.com", None, "Cy Dee"),
            ExistingUser::new("fay@example", None, "Fay Ong"),
            ExistingUser::new("gus@example.com", None, "Gus Poe"),
        ])
        .build();
    checker.feed(text.as_bytes());
    let c = checker.finish().counts();
    assert_eq!(
        (c.accepted, c.new, c.updates, c.rejected, c.superseded),
        (3, 1, 2, 2, 2)
    );
}

#[test]
fn without_a_location_every_accepted_user_is_new() {
    let c = check(&file(&["Ann,Lee,ann@example.com,,,,"])).counts();
    assert_eq!((c.accepted, c.new, c.updates), (1, 1, 0));
}

#[test]
fn counts_always_add_up() {
    let report = check(&file(&[
        "Ann,Lee,ann@example.com,2041,,,",
        "Bob,,bob@example.com,2041,,,",
        "Ann,Lee,ann@example.com,,,,",
        ",,,,,,",
    ]));
    let c = report.counts();
    assert_eq!(c.accepted + c.rejected + c.superseded, c.rows);
    assert!(matches!(report.warnings()[0], Warning::Superseded { .. }));
}

#[test]
fn ten_thousand_duplicates_keep_the_last_of_each() {
    let mut text = file(&[]);
    for round in 0..5 {
        for i in 0..2_000 {
            text.push_str(&format!("User{i},Round{round},user{i}@example.com,,,,\r\n"));
        }
    }
    let report = check(&text);
    assert_eq!(counts(&report), (10_000, 0, 2_000, 0, 8_000));
    assert!(report.accepted().all(|u| u.user.last_name == "Round4"));
    assert_eq!(report.warnings().len(), 8_000);
}
