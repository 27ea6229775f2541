//! The data behind the results view: one checked file, its report, and what
//! the views need at hand (the cells of a rejected row by its number, the
//! sentences and figures). No views here.

use user_import::{Counts, Report, RowError, User};

/// A checked file, as the results view shows it.
#[derive(Debug)]
pub struct CheckedFile {
    pub file_name: String,
    pub file_size: u64,
    /// Milliseconds from the first byte fed to the report.
    pub check_ms: f64,
    pub report: Report,
    pub counts: Counts,
    rejected: RejectedCells,
}

/// One line of the error table: one problem of one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorLine<'a> {
    pub row: u32,
    /// The column's name; `None` for the row as a whole.
    pub column: Option<&'a str>,
    pub message: &'a str,
    /// The previous line is about the same row.
    pub continues_row: bool,
}

impl CheckedFile {
    pub fn new(file_name: &str, file_size: u64, check_ms: f64, report: Report) -> CheckedFile {
        CheckedFile {
            file_name: file_name.to_owned(),
            file_size,
            check_ms,
            counts: report.counts(),
            rejected: RejectedCells::new(&report),
            report,
        }
    }

    /// Lines of the error table: one per row error.
    pub fn error_count(&self) -> usize {
        self.report.errors().len()
    }

    /// The `index`th line of the error table.
    pub fn error_line(&self, index: usize) -> Option<ErrorLine<'_>> {
        let errors = self.report.errors();
        let error: &RowError = errors.get(index)?;
        Some(ErrorLine {
            row: error.row,
            column: error.column.as_deref(),
            message: &error.message,
            continues_row: index > 0 && errors[index - 1].row == error.row,
        })
    }

    /// The cells of a rejected row as uploaded, one per header column.
    pub fn cells_of(&self, row: u32) -> Vec<&str> {
        self.rejected.cells_of(row)
    }

    /// The uploaded header cells.
    pub fn header(&self) -> &[String] {
        self.report.header()
    }

    /// The error file's name: the uploaded file's stem and `-errors.csv`.
    pub fn error_file_name(&self) -> String {
        user_import::error_file_name(&self.file_name)
    }

    /// The users to import (none when the file has a file-level error).
    pub fn accepted_users(&self) -> Vec<User> {
        self.report.accepted().map(|a| a.user).collect()
    }

    /// "Checked 12,345 rows in 38 ms".
    pub fn checked_line(&self) -> String {
        let rows = self.counts.rows;
        format!(
            "Checked {} {} in {}",
            group_thousands(u64::from(rows)),
            plural(rows, "row", "rows"),
            format_ms(self.check_ms)
        )
    }

    /// One sentence for screen readers: what the check found.
    pub fn summary(&self) -> String {
        let c = &self.counts;
        if !self.report.file_errors().is_empty() {
            // The file errors themselves are announced as an alert.
            return format!("{}. The file cannot be imported.", self.checked_line());
        }
        let mut parts = vec![
            format!("{} accepted", group_thousands(c.accepted.into())),
            format!("{} rejected", group_thousands(c.rejected.into())),
        ];
        if c.superseded > 0 {
            parts.push(format!(
                "{} superseded",
                group_thousands(c.superseded.into())
            ));
        }
        if c.blank_rows > 0 {
            parts.push(format!(
                "{} blank {} skipped",
                group_thousands(c.blank_rows.into()),
                plural(c.blank_rows, "row", "rows")
            ));
        }
        format!("{}: {}.", self.checked_line(), parts.join(", "))
    }
}

/// The cells of every rejected row, in one string, found by row number.
#[derive(Debug, Default)]
struct RejectedCells {
    /// Row numbers, ascending.
    rows: Vec<u32>,
    /// Per row, its first cell in `cell_ends` (one more entry than rows).
    first_cell: Vec<u32>,
    /// Per cell, where it ends in `text` (it starts where the previous ends).
    cell_ends: Vec<u32>,
    text: String,
}

impl RejectedCells {
    fn new(report: &Report) -> RejectedCells {
        let mut cells = RejectedCells::default();
        for rejected in report.rejected() {
            cells.rows.push(rejected.row);
            cells.first_cell.push(cells.cell_ends.len() as u32);
            for cell in rejected.cells {
                cells.text.push_str(cell);
                cells.cell_ends.push(cells.text.len() as u32);
            }
        }
        cells.first_cell.push(cells.cell_ends.len() as u32);
        cells
    }

    fn cells_of(&self, row: u32) -> Vec<&str> {
        let Ok(k) = self.rows.binary_search(&row) else {
            return Vec::new();
        };
        (self.first_cell[k] as usize..self.first_cell[k + 1] as usize)
            .map(|c| {
                let start = if c == 0 {
                    0
                } else {
                    self.cell_ends[c - 1] as usize
                };
                &self.text[start..self.cell_ends[c] as usize]
            })
            .collect()
    }
}

pub use user_import::group_thousands;

/// A duration for people: `"38 ms"`, `"1.2 s"`.
pub fn format_ms(ms: f64) -> String {
    if ms < 1.0 {
        "less than 1 ms".to_owned()
    } else if ms < 999.5 {
        format!("{} ms", ms.round() as u64)
    } else {
        format!("{} s", tenths((ms / 100.0).round() as u64))
    }
}

/// A file size for people: `"812 bytes"`, `"12 KB"`, `"8.5 MB"`.
pub fn format_size(bytes: u64) -> String {
    const KB: u64 = 1024;
    if bytes < KB {
        format!("{bytes} {}", if bytes == 1 { "byte" } else { "bytes" })
    } else if bytes < KB * KB - KB / 2 {
        format!("{} KB", (bytes + KB / 2) / KB)
    } else {
        format!("{} MB", tenths((bytes * 10 + KB * KB / 2) / (KB * KB)))
    }
}

/// `85` → `"8.5"` (integers only: no float formatting in the wasm).
fn tenths(n: u64) -> String {
    format!("{}.{}", n / 10, n % 10)
}

fn plural<'a>(n: u32, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn numbers_read_as_people_write_them() {
        assert_eq!(format_ms(0.4), "less than 1 ms");
        assert_eq!(format_ms(37.6), "38 ms");
        assert_eq!(format_ms(1234.0), "1.2 s");
        assert_eq!(format_size(1), "1 byte");
        assert_eq!(format_size(12 * 1024), "12 KB");
        assert_eq!(format_size(8_900_000), "8.5 MB");
        assert_eq!(format_size(1024 * 1024 - 1), "1.0 MB");
        assert_eq!(format_ms(999.4), "999 ms");
        assert_eq!(format_ms(999.6), "1.0 s");
    }

    #[wasm_bindgen_test]
    fn cells_and_lines_of_rejected_rows() {
        let file = "First Name,Last Name,Email,Dept\n\
                    Ann,Lee,ann@example.com,Sales\n\
                    ,Stone,bob@example,IT\n\
                    Cy,Moss,cy@example.com,\n";
        let checked = CheckedFile::new(
            "team.csv",
            file.len() as u64,
            3.0,
            user_import::check(file.as_bytes()),
        );
        assert_eq!(checked.cells_of(3), ["", "Stone", "bob@example", "IT"]);
        assert!(checked.cells_of(2).is_empty());
        assert_eq!(checked.error_count(), 2);
        let first = checked.error_line(0).unwrap();
        let second = checked.error_line(1).unwrap();
        assert_eq!(
            (first.row, first.column, first.continues_row),
            (3, Some("First Name"), false)
        );
        assert_eq!(
            (second.row, second.column, second.continues_row),
            (3, Some("Email"), true)
        );
        assert!(checked.error_line(2).is_none());
        assert_eq!(checked.error_file_name(), "team-errors.csv");
        assert_eq!(checked.checked_line(), "Checked 3 rows in 3 ms");
        assert_eq!(
            checked.summary(),
            "Checked 3 rows in 3 ms: 2 accepted, 1 rejected."
        );
    }
}
