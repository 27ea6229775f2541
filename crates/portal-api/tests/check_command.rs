//! `portal-api check` as a user runs it: real files, real exit codes.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn check(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_portal-api"))
        .arg("check")
        .args(args)
        .output()
        .expect("run portal-api")
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).expect("one JSON object on stdout")
}

#[test]
fn a_clean_file_exits_0() {
    let out = check(&[fixture("clean.csv").to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let report = json(&out);
    assert_eq!(report["rows"], 2);
    assert_eq!(report["accepted"], 2);
    assert_eq!(report["errors"], Value::Array(vec![]));
}

#[test]
fn rejected_rows_exit_1_with_every_error_and_the_counts() {
    let dir = std::env::temp_dir().join(format!("check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let error_file = dir.join("errors.csv");
    let out = check(&[
        fixture("errors-and-duplicates.csv").to_str().unwrap(),
        "--json",
        "--error-file",
        error_file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    let counts: Vec<&Value> = ["rows", "blank_rows", "accepted", "rejected", "superseded"]
        .iter()
        .map(|k| &report[*k])
        .collect();
    assert_eq!(counts, [4, 1, 1, 2, 1]);
    assert_eq!(report["file_errors"], Value::Array(vec![]));
    assert_eq!(
        report["warnings"],
        serde_json::json!([
            "The column \"Office\" is not part of the template and is ignored.",
            "row 2 (zoe@example.com) is replaced by row 6"
        ])
    );
    let errors: Vec<(u64, &str)> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["row"].as_u64().unwrap(), e["column"].as_str().unwrap()))
        .collect();
    assert_eq!(
        errors,
        [
            (3, "Last Name"),
            (3, "Mobile Number"),
            (5, "Email"),
            (5, "Mobile Number")
        ]
    );
    assert_eq!(report["errors"][0]["message"], "Last Name is required.");

    let bytes = std::fs::read(&error_file).unwrap();
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap()).unwrap();
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "Row,First Name,Last Name,E-mail,Ext,Mobile,Office,Errors"
    );
    assert!(lines[1].starts_with("3,Bob,,bob@example.com,2041,'=1+1,HQ,\"Last Name is required.; "));
    assert!(lines[2].starts_with("5,Cy,Dee,cy@example,,020 7946 0958,,"));
    assert_eq!(lines[3], "");
    assert_eq!(lines.len(), 4);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_file_level_error_exits_2() {
    let out = check(&[fixture("workbook.csv").to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(2));
    let report = json(&out);
    assert_eq!(report["accepted"], 0);
    assert!(report["file_errors"][0]
        .as_str()
        .unwrap()
        .contains("Excel workbook"));
}

#[test]
fn the_summary_is_readable_without_json() {
    let out = check(&[fixture("errors-and-duplicates.csv").to_str().unwrap()]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("4 rows: 1 accepted, 2 rejected, 1 replaced by a later row"));
    assert!(text.contains("row 3: Last Name is required."));
}

#[test]
fn a_missing_file_or_bad_arguments_exit_2_with_a_message() {
    let out = check(&["no-such-file.csv"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-file.csv"));
    let out = check(&[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("usage: portal-api check"));
}
