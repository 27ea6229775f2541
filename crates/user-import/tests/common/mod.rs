//! Small helpers shared by the integration tests.
#![allow(dead_code)]

use user_import::{Checker, Report};

pub const HEADER: &str = "First Name,Last Name,Email,Extension,Mobile Number,Job Title,Department";

/// Checks `text` fed in one piece.
pub fn check(text: &str) -> Report {
    user_import::check(text.as_bytes())
}

/// Checks `bytes` fed in chunks of `chunk` bytes.
pub fn check_chunked(bytes: &[u8], chunk: usize) -> Report {
    let mut checker = Checker::new();
    for piece in bytes.chunks(chunk.max(1)) {
        checker.feed(piece);
    }
    checker.finish()
}

/// A file with the template header and these data lines, CRLF.
pub fn file(lines: &[&str]) -> String {
    let mut text = format!("{HEADER}\r\n");
    for line in lines {
        text.push_str(line);
        text.push_str("\r\n");
    }
    text
}

/// `(rows, blank, accepted, rejected, superseded)`.
pub fn counts(report: &Report) -> (u32, u32, u32, u32, u32) {
    let c = report.counts();
    (c.rows, c.blank_rows, c.accepted, c.rejected, c.superseded)
}

/// Every error as `(row, column, message)`.
pub fn errors(report: &Report) -> Vec<(u32, Option<String>, String)> {
    report
        .errors()
        .iter()
        .map(|e| (e.row, e.column.clone(), e.message.clone()))
        .collect()
}

pub fn file_errors(report: &Report) -> Vec<String> {
    report.file_errors().iter().map(|e| e.to_string()).collect()
}

pub fn warnings(report: &Report) -> Vec<String> {
    report.warnings().iter().map(|w| w.to_string()).collect()
}

pub fn emails(report: &Report) -> Vec<String> {
    report.accepted().map(|u| u.user.email).collect()
}
