//! The header row: which column holds which field.

use crate::error::{column_letters, FileError, Warning};
use crate::schema::{normalize_header, Field};

/// The uploaded header, mapped onto the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Columns {
    /// The header cells exactly as uploaded.
    pub(crate) headers: Vec<String>,
    /// For each field (in [`Field::ALL`] order), its column, if present.
    pub(crate) field_at: [Option<usize>; 7],
    /// For each column, the field it holds, if any.
    pub(crate) fields: Vec<Option<Field>>,
    /// The columns an error file repeats: all but the `Row` and `Errors`
    /// columns an earlier error file added.
    pub(crate) kept: Vec<usize>,
}

impl Columns {
    pub(crate) fn width(&self) -> usize {
        self.headers.len()
    }

    /// The column of `field`, if the file has it.
    pub(crate) fn column_of(&self, field: Field) -> Option<usize> {
        self.field_at[field as usize]
    }

    /// The field at column `index`, if any.
    pub(crate) fn field_of(&self, index: usize) -> Option<Field> {
        self.fields.get(index).copied().flatten()
    }

    /// How messages name column `index`: the field's template name, else
    /// the uploaded header, else Excel's column letter.
    pub(crate) fn name_of(&self, index: usize) -> String {
        if let Some(field) = self.field_of(index) {
            return field.header().to_string();
        }
        match self.headers.get(index).map(|h| h.trim()) {
            Some(h) if !h.is_empty() => h.to_string(),
            _ => format!("column {}", column_letters(index)),
        }
    }
}

/// Maps a header row. Unknown columns give a warning; a missing required
/// column, or two columns for one field, refuse the file.
///
/// Decisions where the spec is silent: a header cell that is empty is
/// ignored without a warning (Excel leaves empty columns at the right), and
/// the `Row` and `Errors` columns of an error file are dropped from the next
/// error file rather than repeated.
pub(crate) fn map_header(headers: Vec<String>) -> Result<(Columns, Option<Warning>), FileError> {
    let mut field_at = [None; 7];
    let mut kept = Vec::with_capacity(headers.len());
    let mut unknown = Vec::new();
    for (index, header) in headers.iter().enumerate() {
        let normalized = normalize_header(header);
        if normalized == "row" || normalized == "errors" {
            continue;
        }
        kept.push(index);
        if normalized.is_empty() {
            continue;
        }
        let Some(field) = Field::from_header(header) else {
            unknown.push(header.trim().to_string());
            continue;
        };
        if let Some(first) = field_at[field as usize] {
            let describe = |i: usize| format!("\"{}\" ({})", headers[i].trim(), column_letters(i));
            return Err(FileError::DuplicateColumns {
                field,
                first: describe(first),
                second: describe(index),
            });
        }
        field_at[field as usize] = Some(index);
    }
    let missing: Vec<Field> = Field::ALL
        .into_iter()
        .filter(|f| f.is_required() && field_at[*f as usize].is_none())
        .collect();
    if !missing.is_empty() {
        let found = headers
            .iter()
            .map(|h| h.trim().to_string())
            .filter(|h| !h.is_empty())
            .collect();
        return Err(FileError::MissingColumns { missing, found });
    }
    let warning = (!unknown.is_empty()).then_some(Warning::UnknownColumns { headers: unknown });
    let mut fields = vec![None; headers.len()];
    for field in Field::ALL {
        if let Some(column) = field_at[field as usize] {
            fields[column] = Some(field);
        }
    }
    Ok((
        Columns {
            headers,
            field_at,
            fields,
            kept,
        },
        warning,
    ))
}

/// How well `cells` reads as a header: how many cells mean a template
/// column (or the error file's `Row`/`Errors`). Used to choose the delimiter.
pub(crate) fn header_score(cells: &[String]) -> usize {
    cells
        .iter()
        .filter(|c| {
            let n = normalize_header(c);
            Field::from_header(c).is_some() || n == "row" || n == "errors"
        })
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn maps_template_and_alias_headers_in_any_order() {
        let (columns, warning) =
            map_header(headers(&["E-mail", "Surname", "first name", "Cell Phone"])).unwrap();
        assert_eq!(warning, None);
        assert_eq!(columns.column_of(Field::Email), Some(0));
        assert_eq!(columns.column_of(Field::LastName), Some(1));
        assert_eq!(columns.column_of(Field::FirstName), Some(2));
        assert_eq!(columns.column_of(Field::MobileNumber), Some(3));
        assert_eq!(columns.column_of(Field::Department), None);
        assert_eq!(columns.name_of(3), "Mobile Number");
    }

    #[test]
    fn missing_required_columns_name_all_and_list_what_was_found() {
        let err = map_header(headers(&["Name", " Phone ", "", "Surname"])).unwrap_err();
        assert_eq!(
            err,
            FileError::MissingColumns {
                missing: vec![Field::FirstName, Field::Email],
                found: headers(&["Name", "Phone", "Surname"]),
            }
        );
    }

    #[test]
    fn two_columns_for_one_field_name_both() {
        let err = map_header(headers(&["First Name", "Last Name", "Email", "Mail"])).unwrap_err();
        assert_eq!(
            err,
            FileError::DuplicateColumns {
                field: Field::Email,
                first: "\"Email\" (C)".into(),
                second: "\"Mail\" (D)".into(),
            }
        );
        assert_eq!(
            err.to_string(),
            "The columns \"Email\" (C) and \"Mail\" (D) both mean Email. Keep one and remove the other."
        );
    }

    #[test]
    fn unknown_columns_warn_and_error_file_columns_are_silent() {
        let (columns, warning) = map_header(headers(&[
            "Row",
            "First Name",
            "Last Name",
            "Email",
            "Office",
            "Errors",
            "",
            "Badge",
        ]))
        .unwrap();
        assert_eq!(
            warning,
            Some(Warning::UnknownColumns {
                headers: headers(&["Office", "Badge"])
            })
        );
        assert_eq!(columns.kept, [1, 2, 3, 4, 6, 7]);
        assert_eq!(columns.name_of(4), "Office");
        assert_eq!(columns.name_of(6), "column G");
    }

    #[test]
    fn score_counts_known_headers() {
        assert_eq!(header_score(&headers(&["First Name", "Email", "x"])), 2);
        assert_eq!(header_score(&headers(&["First Name;Email"])), 0);
    }
}
