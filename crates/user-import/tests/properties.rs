//! Untrusted bytes: whatever arrives, the check never panics, always ends,
//! and its figures add up; feeding in chunks never changes the outcome.

mod common;
use common::*;
use proptest::prelude::*;

/// Bytes that look like CSV often enough to reach every rule.
fn csv_like() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b",".to_vec()),
        Just(b";".to_vec()),
        Just(b"\"".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r".to_vec()),
        Just(b"@".to_vec()),
        Just(b"ann@example.com".to_vec()),
        Just(b"2041".to_vec()),
        Just(b"+44 20 7946 0958".to_vec()),
        Just("Zoë".as_bytes().to_vec()),
        Just(b"'=".to_vec()),
        Just(b"\xE9".to_vec()),
        Just(b"\xEF\xBB\xBF".to_vec()),
        Just(b"\xFF\xFE".to_vec()),
        Just(b"sep=;".to_vec()),
        Just(b"\0".to_vec()),
        prop::collection::vec(any::<u8>(), 0..4),
        "[A-Za-z ]{0,6}".prop_map(String::into_bytes),
    ];
    prop::collection::vec(piece, 0..60).prop_map(|pieces| pieces.concat())
}

fn with_header(body: Vec<u8>) -> Vec<u8> {
    [format!("{HEADER}\r\n").into_bytes(), body].concat()
}

fn assert_invariants(report: &user_import::Report) {
    let c = report.counts();
    if report.file_errors().is_empty() {
        assert_eq!(c.accepted + c.rejected + c.superseded, c.rows);
    } else {
        assert_eq!(c.accepted, 0);
        assert_eq!(report.accepted().count(), 0);
    }
    assert_eq!(c.new + c.updates, c.accepted);
    assert_eq!(report.rejected().count() as u32, c.rejected);
    // Every rejected row has a reason; errors are in file order.
    assert!(report.rejected().all(|r| !r.errors.is_empty()));
    assert!(report.errors().windows(2).all(|w| w[0].row <= w[1].row));
    let _ = report.error_file();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4096, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        assert_invariants(&user_import::check(&bytes));
    }

    #[test]
    fn csv_like_bytes_keep_the_invariants(body in csv_like()) {
        assert_invariants(&user_import::check(&body));
        assert_invariants(&user_import::check(&with_header(body)));
    }

    #[test]
    fn chunking_never_changes_the_outcome(body in csv_like(), chunk in 1usize..17) {
        let bytes = with_header(body);
        let whole = user_import::check(&bytes);
        let chunked = check_chunked(&bytes, chunk);
        prop_assert_eq!(errors(&chunked), errors(&whole));
        prop_assert_eq!(file_errors(&chunked), file_errors(&whole));
        prop_assert_eq!(warnings(&chunked), warnings(&whole));
        prop_assert_eq!(counts(&chunked), counts(&whole));
        prop_assert_eq!(chunked.error_file(), whole.error_file());
    }

    #[test]
    fn accepted_users_pass_the_rules_again(body in csv_like()) {
        let report = user_import::check(&with_header(body));
        for accepted in report.accepted() {
            let u = accepted.user;
            let input = user_import::UserInput {
                first_name: Some(u.first_name.clone()),
                last_name: Some(u.last_name.clone()),
                email: Some(u.email.clone()),
                extension: u.extension.clone(),
                mobile_number: u.mobile_number.clone(),
                job_title: u.job_title.clone(),
                department: u.department.clone(),
            };
            prop_assert_eq!(input.validate().unwrap(), u, "normalizing is idempotent");
        }
    }
}

/// A field as an API caller might send it: missing, empty, plausible or junk.
fn api_field() -> impl Strategy<Value = Option<String>> {
    prop::option::of(prop_oneof![
        Just(String::new()),
        Just("Ann".to_string()),
        Just(" ann@example.com ".to_string()),
        Just("ANN@example.com".to_string()),
        Just("bo@example.com".to_string()),
        Just("2041".to_string()),
        Just("0123".to_string()),
        Just("+44 20 7946 0958".to_string()),
        Just("'=1+1".to_string()),
        ".{0,12}",
    ])
}

fn api_user() -> impl Strategy<Value = user_import::UserInput> {
    prop::collection::vec(api_field(), 7).prop_map(|f| user_import::UserInput {
        first_name: f[0].clone(),
        last_name: f[1].clone(),
        email: f[2].clone(),
        extension: f[3].clone(),
        mobile_number: f[4].clone(),
        job_title: f[5].clone(),
        department: f[6].clone(),
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4096, ..ProptestConfig::default() })]

    /// A batch from the API: every user is accepted or rejected exactly once,
    /// no two accepted share an email or an extension, and each accepted user
    /// checks again to itself.
    #[test]
    fn a_batch_accounts_for_every_user(
        users in prop::collection::vec(api_user(), 0..12),
        taken in prop::option::of(Just("2041")),
    ) {
        let owner = |extension: &str| -> Result<Option<user_import::ExistingUser>, ()> {
            Ok((Some(extension) == taken).then(|| {
                user_import::ExistingUser::new("owner@example.com", Some(extension), "Owner")
            }))
        };
        let checked = user_import::check_batch(&users, owner).unwrap();
        let mut indexes: Vec<usize> = checked
            .accepted
            .iter()
            .map(|a| a.index)
            .chain(checked.rejected.iter().map(|r| r.index))
            .collect();
        indexes.sort_unstable();
        prop_assert_eq!(indexes, (0..users.len()).collect::<Vec<_>>());
        prop_assert!(checked.rejected.iter().all(|r| !r.errors.is_empty()));
        let mut emails: Vec<&str> = checked.accepted.iter().map(|a| a.user.email.as_str()).collect();
        let mut extensions: Vec<&str> = checked
            .accepted
            .iter()
            .filter_map(|a| a.user.extension.as_deref())
            .collect();
        let (e, x) = (emails.len(), extensions.len());
        emails.sort_unstable();
        emails.dedup();
        extensions.sort_unstable();
        extensions.dedup();
        prop_assert_eq!((emails.len(), extensions.len()), (e, x));
        if taken.is_some() {
            prop_assert!(!extensions.contains(&"2041"));
        }
        for accepted in &checked.accepted {
            let again = user_import::UserInput {
                first_name: Some(accepted.user.first_name.clone()),
                last_name: Some(accepted.user.last_name.clone()),
                email: Some(accepted.user.email.clone()),
                extension: accepted.user.extension.clone(),
                mobile_number: accepted.user.mobile_number.clone(),
                job_title: accepted.user.job_title.clone(),
                department: accepted.user.department.clone(),
            };
            let revalidated = again.validate();
            prop_assert_eq!(revalidated.as_ref(), Ok(&accepted.user));
        }
    }
}

/// A data row of small choices, so that rows share emails and extensions
/// with each other and with the location's users: `(email, extension)`.
fn row_with_extension() -> impl Strategy<Value = (&'static str, &'static str)> {
    (
        prop::sample::select(vec![
            "a@example.com",
            "B@example.com",
            "c@example.com",
            "bad",
        ]),
        prop::sample::select(vec!["", "2041", "2042", "2043", "0123"]),
    )
}

fn existing_user() -> impl Strategy<Value = (&'static str, &'static str)> {
    (
        prop::sample::select(vec!["a@example.com", "b@example.com", "z@example.com"]),
        prop::sample::select(vec!["2041", "2042", "2044", ""]),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

    /// An extension of an existing user is refused exactly in the rows that
    /// still count (not superseded) and give it under another email (or
    /// none that is valid); each such row names that user (the last of the
    /// location with it).
    #[test]
    fn extensions_of_existing_users_are_refused_where_they_should_be(
        rows in prop::collection::vec(row_with_extension(), 0..40),
        users in prop::collection::vec(existing_user(), 0..5),
    ) {
        let lines: Vec<String> = rows
            .iter()
            .map(|(email, extension)| format!("Ann,Lee,{email},{extension},,,"))
            .collect();
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        let existing = users.iter().enumerate().map(|(i, (email, extension))| {
            user_import::ExistingUser::new(email, Some(extension), &format!("User {i}"))
        });
        let mut checker = user_import::Checker::builder().existing_users(existing).build();
        checker.feed(file(&lines).as_bytes());
        let report = checker.finish();

        let statuses: Vec<user_import::RowStatus> = report.rows().map(|(_, s)| s).collect();
        let mut want = Vec::new();
        for (i, (email, extension)) in rows.iter().enumerate() {
            let row = i as u32 + 2;
            let owner = users.iter().enumerate().rev().find(|(_, (_, e))| e == extension && !e.is_empty());
            let superseded = matches!(statuses[i], user_import::RowStatus::Superseded { .. });
            if let Some((n, (owner_email, _))) = owner {
                if !superseded && !owner_email.eq_ignore_ascii_case(email) {
                    want.push((row, format!("Extension {extension} belongs to User {n} ({owner_email})")));
                }
            }
        }
        let got: Vec<(u32, String)> = report
            .errors()
            .iter()
            .filter(|e| e.code == user_import::ErrorCode::ExtensionTaken)
            .map(|e| (e.row, e.message.split(", an existing").next().unwrap_or("").to_string()))
            .collect();
        prop_assert_eq!(got, want);
        assert_invariants(&report);
    }
}
