//! What can be wrong: with the whole file, with one row or cell, and what is
//! only worth a warning. Every message names where (row, column) and says
//! what to do.

use crate::decode::NotText;
use crate::schema::{group_thousands, Field};
use std::fmt;

/// A problem with one cell or row, machine-readable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum ErrorCode {
    /// A required cell is empty.
    Required,
    /// Longer than the column allows.
    TooLong,
    /// A name without a single letter.
    NoLetter,
    /// A control character (tab, line break, ...) inside a value.
    ControlCharacter,
    /// One of the characters a name may not contain.
    ForbiddenCharacter,
    /// U+FFFD: bytes the file's encoding could not read.
    Unreadable,
    InvalidEmail,
    InvalidExtension,
    InvalidMobileNumber,
    /// A cell over 1,000 characters, whatever its column.
    CellTooLong,
    /// Non-empty cells past the header's last column.
    TooManyCells,
    /// The same extension for two users of the file.
    DuplicateExtension,
    /// The extension belongs to an existing user of the location.
    ExtensionTaken,
}

/// What is wrong with one value, as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub code: ErrorCode,
    /// A sentence that names the column and says what to do.
    pub message: String,
}

impl Problem {
    /// Cold: a rule's failing path, message and all, is laid out away from
    /// the path of a valid value, which the check of a row runs inline.
    #[cold]
    pub(crate) fn new(code: ErrorCode, message: String) -> Problem {
        Problem { code, message }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// A problem in one row of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RowError {
    /// The row as a spreadsheet numbers it: the header is row 1.
    pub row: u32,
    /// The column's template name (`Email`), or the uploaded header of a
    /// column the template does not have; `None` for the row as a whole.
    pub column: Option<String>,
    pub code: ErrorCode,
    pub message: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "row {}: {}", self.row, self.message)
    }
}

/// A problem with the file as a whole: nothing in it is accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(tag = "kind", rename_all = "snake_case"))]
pub enum FileError {
    /// No bytes, or nothing but white space.
    Empty,
    /// A header row and nothing below it but blank rows.
    NoDataRows,
    NotText {
        what: NotText,
    },
    /// Required columns missing from the header.
    MissingColumns {
        missing: Vec<Field>,
        found: Vec<String>,
    },
    /// Two columns that mean the same field.
    DuplicateColumns {
        field: Field,
        first: String,
        second: String,
    },
    /// A quote that opens and never closes.
    UnclosedQuote {
        row: u32,
        line: u64,
        column: String,
    },
    TooManyRows {
        limit: u32,
    },
    TooLarge {
        limit_bytes: u64,
    },
    /// The header line runs on past any sensible length.
    HeaderTooLong {
        limit_bytes: usize,
    },
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileError::Empty => f.write_str(
                "The file is empty. Download the template, add one row per user, and upload it.",
            ),
            FileError::NoDataRows => f.write_str(
                "The file has a header row but no users below it. Add one row per user under the header.",
            ),
            FileError::NotText { what } => match what {
                NotText::Xlsx => f.write_str(
                    "This is an Excel workbook (.xlsx), not a CSV file. In Excel choose \
                     File > Save As > \"CSV UTF-8 (Comma delimited)\" and upload that file.",
                ),
                NotText::Xls => f.write_str(
                    "This is an old Excel workbook (.xls), not a CSV file. In Excel choose \
                     File > Save As > \"CSV UTF-8 (Comma delimited)\" and upload that file.",
                ),
                NotText::Utf16WithoutBom => f.write_str(
                    "This file is UTF-16 text without a byte-order mark, so it cannot be read \
                     safely. Save it as \"CSV UTF-8\" and upload it again.",
                ),
                NotText::Binary => f.write_str(
                    "This is not a CSV text file (it contains binary data). Export the users \
                     from your spreadsheet as CSV and upload that file.",
                ),
            },
            FileError::MissingColumns { missing, found } => {
                let plural = if missing.len() == 1 { "" } else { "s" };
                let missing: Vec<&str> = missing.iter().map(|f| f.header()).collect();
                write!(
                    f,
                    "The required column{plural} {} {} missing. ",
                    missing.join(", "),
                    if plural.is_empty() { "is" } else { "are" }
                )?;
                if found.is_empty() {
                    f.write_str("The header row is empty. ")?;
                } else {
                    let found: Vec<String> = found.iter().map(|h| format!("\"{h}\"")).collect();
                    write!(f, "The header row has: {}. ", found.join(", "))?;
                }
                f.write_str("Nothing was imported; start from the template's header row.")
            }
            FileError::DuplicateColumns {
                field,
                first,
                second,
            } => write!(
                f,
                "The columns {first} and {second} both mean {field}. Keep one and remove the other."
            ),
            FileError::UnclosedQuote { row, line, column } => write!(
                f,
                "Row {row} (line {line}): a quote opens in the {column} cell and is never closed, \
                 so everything after it would be read into that one cell. Close the quote (\") or \
                 remove it."
            ),
            FileError::TooManyRows { limit } => write!(
                f,
                "The file has more than {} users, the most one import takes. Split it into \
                 several files.",
                group_thousands(u64::from(*limit))
            ),
            FileError::TooLarge { limit_bytes } => write!(
                f,
                "The file is larger than {} MB, the most one import takes. Split it into \
                 several files.",
                limit_bytes / (1024 * 1024)
            ),
            FileError::HeaderTooLong { limit_bytes } => write!(
                f,
                "The first row is longer than {} KB; this does not look like a CSV file with a \
                 header row.",
                limit_bytes / 1024
            ),
        }
    }
}

impl std::error::Error for FileError {}

/// Worth telling, not a reason to refuse anything.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(tag = "kind", rename_all = "snake_case"))]
pub enum Warning {
    /// The file was not UTF-8 and was read as Windows-1252.
    Windows1252,
    /// Columns the template does not have; their cells are ignored.
    UnknownColumns { headers: Vec<String> },
    /// An earlier row with the same email, replaced by a later one.
    Superseded {
        row: u32,
        email: String,
        by_row: u32,
    },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::Windows1252 => f.write_str(
                "The file is not UTF-8, so it was read as Windows-1252 (Western European). If \
                 names with accents look wrong, save the file as \"CSV UTF-8\" and upload it again.",
            ),
            Warning::UnknownColumns { headers } => {
                let plural = headers.len() != 1;
                let quoted: Vec<String> = headers.iter().map(|h| format!("\"{h}\"")).collect();
                write!(
                    f,
                    "The column{} {} {} not part of the template and {} ignored.",
                    if plural { "s" } else { "" },
                    quoted.join(", "),
                    if plural { "are" } else { "is" },
                    if plural { "are" } else { "is" },
                )
            }
            Warning::Superseded { row, email, by_row } => {
                write!(f, "row {row} ({email}) is replaced by row {by_row}")
            }
        }
    }
}

/// A value for a message: quoted, and cut short when long. It is written
/// straight into the message (`format!("Email {} …", quoted(value))`)
/// rather than built as a string of its own first: a file in which every
/// row breaks a rule has a message for every row, and the extra string
/// (made, grown, freed) was about a tenth of checking such a file.
pub(crate) fn quoted(value: &str) -> Quoted<'_> {
    Quoted(value)
}

/// See [`quoted`].
pub(crate) struct Quoted<'a>(&'a str);

impl std::fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        const SHOWN: usize = 40;
        let value = self.0;
        f.write_str("\"")?;
        match value.char_indices().nth(SHOWN) {
            Some((cut, _)) => {
                f.write_str(&value[..cut])?;
                f.write_str("…")?;
            }
            None => f.write_str(value)?,
        }
        f.write_str("\"")
    }
}

/// Excel's letters for a 0-based column index: A, B, ..., Z, AA, ...
pub(crate) fn column_letters(index: usize) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_follow_excel() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn long_values_are_cut_in_messages() {
        assert_eq!(quoted("ann").to_string(), "\"ann\"");
        let long = "é".repeat(50);
        assert_eq!(
            quoted(&long).to_string(),
            format!("\"{}…\"", "é".repeat(40))
        );
    }

    #[test]
    fn missing_columns_name_every_missing_one_and_what_was_found() {
        let e = FileError::MissingColumns {
            missing: vec![Field::FirstName, Field::Email],
            found: vec!["Name".into(), "Phone".into()],
        };
        assert_eq!(
            e.to_string(),
            "The required columns First Name, Email are missing. The header row has: \"Name\", \
             \"Phone\". Nothing was imported; start from the template's header row."
        );
        let e = FileError::MissingColumns {
            missing: vec![Field::Email],
            found: vec![],
        };
        assert!(e
            .to_string()
            .starts_with("The required column Email is missing. The header row is empty."));
    }

    #[test]
    fn superseded_warning_reads_as_the_spec_shows() {
        let w = Warning::Superseded {
            row: 4,
            email: "ann@example.com".into(),
            by_row: 9,
        };
        assert_eq!(
            w.to_string(),
            "row 4 (ann@example.com) is replaced by row 9"
        );
    }

    #[test]
    fn limits_are_stated() {
        assert!(FileError::TooManyRows { limit: 1_000_000 }
            .to_string()
            .contains("more than 1,000,000 users"));
        assert!(FileError::TooLarge {
            limit_bytes: 256 * 1024 * 1024
        }
        .to_string()
        .contains("larger than 256 MB"));
    }

    #[test]
    fn xlsx_gets_the_save_as_csv_hint() {
        let e = FileError::NotText {
            what: NotText::Xlsx,
        };
        assert!(e.to_string().contains("Save As"));
        assert!(e.to_string().contains("not a CSV file"));
    }
}
