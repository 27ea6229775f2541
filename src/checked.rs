//! The data behind the results view: one checked file as the check worker
//! summed it up ([`CheckSummary`]), the sentences and figures the views
//! need. No views here. The report itself stays in the worker; the views ask
//! it for more (error lines, the error file) by the check's number.

use user_import::Counts;

use crate::check_protocol::CheckSummary;

/// A checked file, as the results view shows it.
#[derive(Debug)]
pub struct CheckedFile {
    pub file_name: String,
    pub file_size: u64,
    /// The check's number in the worker, to ask it for more.
    pub check: u32,
    pub summary: CheckSummary,
}

impl CheckedFile {
    pub fn new(file_name: &str, file_size: u64, check: u32, summary: CheckSummary) -> CheckedFile {
        CheckedFile {
            file_name: file_name.to_owned(),
            file_size,
            check,
            summary,
        }
    }

    /// Lines of the error table: one per row error.
    pub fn error_count(&self) -> usize {
        self.summary.error_count
    }

    /// The check's figures.
    pub fn counts(&self) -> Counts {
        self.summary.counts
    }

    /// The uploaded header cells.
    pub fn header(&self) -> &[String] {
        &self.summary.header
    }

    /// The file cannot be imported at all.
    pub fn has_file_errors(&self) -> bool {
        !self.summary.file_errors.is_empty()
    }

    /// The error file's name: the uploaded file's stem and `-errors.csv`.
    pub fn error_file_name(&self) -> String {
        user_import::error_file_name(&self.file_name)
    }

    /// "Checked 12,345 rows in 38 ms".
    pub fn checked_line(&self) -> String {
        let rows = self.counts().rows;
        format!(
            "Checked {} {} in {}",
            group_thousands(u64::from(rows)),
            plural(rows, "row", "rows"),
            format_ms(self.summary.check_ms)
        )
    }

    /// One sentence for screen readers: what the check found.
    pub fn summary(&self) -> String {
        let c = &self.counts();
        if self.has_file_errors() {
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
    fn sentences_of_a_checked_file() {
        let file = "First Name,Last Name,Email,Dept\n\
                    Ann,Lee,ann@example.com,Sales\n\
                    ,Stone,bob@example,IT\n\
                    Cy,Moss,cy@example.com,\n";
        let report = user_import::check(file.as_bytes());
        let checked = CheckedFile::new(
            "team.csv",
            file.len() as u64,
            1,
            CheckSummary::of(&report, 3.0, 0.0),
        );
        assert_eq!(checked.error_count(), 2);
        let first_lines = &checked.summary.first_lines;
        assert_eq!(
            first_lines.iter().map(|l| l.row).collect::<Vec<_>>(),
            [3, 3]
        );
        assert_eq!(checked.error_file_name(), "team-errors.csv");
        assert_eq!(checked.checked_line(), "Checked 3 rows in 3 ms");
        assert_eq!(
            checked.summary(),
            "Checked 3 rows in 3 ms: 2 accepted, 1 rejected."
        );
    }
}
