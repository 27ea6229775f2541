//! The error file: written for a person to open in Excel, fix, and upload
//! again as it is.
//!
//! UTF-8 with a byte-order mark (so Excel reads accents right), CRLF line
//! ends, commas, RFC 4180 quoting. Columns: `Row` (the row number in the
//! uploaded file), every uploaded column in its order and spelling, then
//! `Errors` (every message of the row, joined with `; `). Cells that a
//! spreadsheet would run as a formula get a leading `'`, which the import
//! removes again.

use crate::error::RowError;
use crate::schema::Field;
use crate::user::User;

pub(crate) const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Writes an error file from the kept header cells and the rejected rows
/// (row number, cells in the same columns, errors).
pub(crate) fn write<'a>(
    headers: &[&str],
    rows: impl Iterator<Item = (u32, Vec<&'a str>, &'a [RowError])>,
) -> Vec<u8> {
    let mut out = UTF8_BOM.to_vec();
    let mut line: Vec<String> = Vec::with_capacity(headers.len() + 2);
    line.push("Row".to_string());
    line.extend(headers.iter().map(|h| h.to_string()));
    line.push("Errors".to_string());
    write_line(&mut out, &line);
    for (row, cells, errors) in rows {
        line.clear();
        line.push(row.to_string());
        line.extend(cells.iter().map(|c| c.to_string()));
        let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
        line.push(messages.join("; "));
        write_line(&mut out, &line);
    }
    out
}

/// A file of users in the template's columns, for users who could not be
/// imported (a failed batch, or rows the server refused): same format as the
/// error file, with an `Errors` column when any user comes with messages. It
/// imports again as it is once fixed.
///
/// ```
/// use user_import::{users_file, User};
/// let ann = User { first_name: "Ann".into(), last_name: "Lee".into(),
///                  email: "ann@example.com".into(), mobile_number: Some("+14155550132".into()),
///                  ..User::default() };
/// let file = users_file([(&ann, &[][..])]);
/// let report = user_import::check(&file);
/// assert_eq!(report.accepted().next().unwrap().user, ann);
/// ```
pub fn users_file<'a>(users: impl IntoIterator<Item = (&'a User, &'a [String])>) -> Vec<u8> {
    let users: Vec<(&User, &[String])> = users.into_iter().collect();
    let with_errors = users.iter().any(|(_, errors)| !errors.is_empty());
    let mut out = UTF8_BOM.to_vec();
    let mut line: Vec<String> = Field::ALL.iter().map(|f| f.header().to_string()).collect();
    if with_errors {
        line.push("Errors".to_string());
    }
    write_line(&mut out, &line);
    for (user, errors) in users {
        line.clear();
        line.extend(
            Field::ALL
                .iter()
                .map(|&f| user.get(f).unwrap_or("").to_string()),
        );
        if with_errors {
            line.push(errors.join("; "));
        }
        write_line(&mut out, &line);
    }
    out
}

fn write_line(out: &mut Vec<u8>, cells: &[String]) {
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_cell(out, cell);
    }
    out.extend_from_slice(b"\r\n");
}

/// One cell, guarded against formulas, then quoted when it must be.
fn write_cell(out: &mut Vec<u8>, cell: &str) {
    let guard = needs_formula_guard(cell);
    let quote = cell.contains([',', '"', '\r', '\n']);
    if quote {
        out.push(b'"');
    }
    if guard {
        out.push(b'\'');
    }
    for b in cell.bytes() {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    if quote {
        out.push(b'"');
    }
}

/// CSV injection: a cell that starts with `=`, `+`, `-`, `@`, TAB or CR.
pub fn needs_formula_guard(cell: &str) -> bool {
    matches!(
        cell.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    )
}

/// The error file's name: the uploaded file's stem and `-errors.csv`.
///
/// ```
/// use user_import::error_file_name;
/// assert_eq!(error_file_name("users.csv"), "users-errors.csv");
/// assert_eq!(error_file_name("C:\\exports\\team.v2.CSV"), "team.v2-errors.csv");
/// assert_eq!(error_file_name("staff"), "staff-errors.csv");
/// ```
pub fn error_file_name(uploaded: &str) -> String {
    let name = uploaded.rsplit(['/', '\\']).next().unwrap_or(uploaded);
    let stem = match name.rfind('.') {
        Some(dot) if dot > 0 => &name[..dot],
        _ => name,
    };
    let stem = if stem.is_empty() { "users" } else { stem };
    format!("{stem}-errors.csv")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    fn error(row: u32, message: &str) -> RowError {
        RowError {
            row,
            column: None,
            code: ErrorCode::Required,
            message: message.to_string(),
        }
    }

    fn text(bytes: &[u8]) -> &str {
        std::str::from_utf8(bytes.strip_prefix(UTF8_BOM).expect("BOM")).unwrap()
    }

    #[test]
    fn header_rows_and_errors_with_crlf() {
        let errors = [
            error(3, "Email is required."),
            error(3, "Extension \"9\" is bad."),
        ];
        let out = write(
            &["First Name", "Email"],
            [(3, vec!["Ann", ""], &errors[..])].into_iter(),
        );
        assert_eq!(
            text(&out),
            "Row,First Name,Email,Errors\r\n3,Ann,,\"Email is required.; Extension \"\"9\"\" is bad.\"\r\n"
        );
    }

    #[test]
    fn cells_are_quoted_when_they_must_be() {
        let mut out = Vec::new();
        write_line(
            &mut out,
            &[
                "a,b".into(),
                "say \"hi\"".into(),
                "two\nlines".into(),
                " plain ".into(),
            ],
        );
        assert_eq!(
            out,
            b"\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\", plain \r\n"
        );
    }

    #[test]
    fn formulas_are_guarded() {
        let mut out = Vec::new();
        write_line(
            &mut out,
            &[
                "=HYPERLINK(\"x\")".into(),
                "+44 20".into(),
                "-1".into(),
                "@SUM".into(),
                "\tx".into(),
                "\rx".into(),
                "a=b".into(),
            ],
        );
        assert_eq!(
            out,
            b"\"'=HYPERLINK(\"\"x\"\")\",'+44 20,'-1,'@SUM,'\tx,\"'\rx\",a=b\r\n"
        );
    }

    #[test]
    fn a_users_file_is_the_template_with_an_errors_column_when_needed() {
        let ann = User {
            first_name: "Ann".into(),
            last_name: "O'Lee, Jr".into(),
            email: "ann@example.com".into(),
            extension: Some("2041".into()),
            mobile_number: Some("+14155550132".into()),
            job_title: Some("=Boss".into()),
            department: None,
        };
        let plain = users_file([(&ann, &[][..])]);
        assert_eq!(
            String::from_utf8(plain.clone()).unwrap(),
            "\u{feff}First Name,Last Name,Email,Extension,Mobile Number,Job Title,Department\r\n\
             Ann,\"O'Lee, Jr\",ann@example.com,2041,'+14155550132,'=Boss,\r\n"
        );
        let report = crate::check(&plain);
        assert_eq!(report.accepted().next().unwrap().user, ann);

        let why = ["Extension 2041 belongs to Bo Lee (bo@example.com)".to_string()];
        let with_errors = String::from_utf8(users_file([(&ann, &why[..])])).unwrap();
        assert!(with_errors.starts_with("\u{feff}First Name,"));
        assert!(with_errors.contains("Department,Errors\r\n"));
        assert!(with_errors.ends_with(",Extension 2041 belongs to Bo Lee (bo@example.com)\r\n"));
        assert!(
            crate::check(with_errors.as_bytes()).warnings().is_empty(),
            "Errors is ignored on re-import"
        );
    }
}
