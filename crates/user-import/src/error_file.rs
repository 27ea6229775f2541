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
}
