//! The outcome of a check: counts, file errors, warnings, every row error,
//! the accepted users, and the error file.
//!
//! The rules that look across rows run here, once every row is known:
//! an extension claimed by two users of the file, and one that belongs to
//! an existing user of the location. (Duplicate emails were settled just
//! before, by [`crate::email_index`]: the last row wins.)

use crate::decode::Encoding;
use crate::error::{ErrorCode, FileError, RowError, Warning};
use crate::header::Columns;
use crate::keyed_rows::{key_of, keyed_row, row_of, rows_of_key, sort_keyed_rows};
use crate::rules::{email_key, extension_number, prepare_cell};
use crate::schema::Field;
use crate::store::RowStore;
use crate::user::User;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

/// What the check keeps of each data row besides its cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RowMeta {
    pub(crate) row: u32,
    /// The row broke a rule: its own cells, or (once the report has looked
    /// across rows) an extension another row or user holds.
    pub(crate) has_errors: bool,
    pub(crate) email_valid: bool,
    /// The extension as a number (valid extensions have no leading zero);
    /// 0 when none or invalid.
    pub(crate) extension: u32,
    /// The next row (index) with the same email; once the report is
    /// built, the last one, which wins.
    pub(crate) superseded_by: Option<u32>,
}

impl RowMeta {
    pub(crate) fn new(row: u32) -> RowMeta {
        RowMeta {
            row,
            has_errors: false,
            email_valid: false,
            extension: 0,
            superseded_by: None,
        }
    }
}

/// A user who already exists in the location.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ExistingUser {
    pub email: String,
    pub extension: Option<String>,
    /// How messages name the user, e.g. "Ann Lee".
    pub name: String,
}

impl ExistingUser {
    pub fn new(email: &str, extension: Option<&str>, name: &str) -> ExistingUser {
        ExistingUser {
            email: email.to_string(),
            extension: extension.map(str::to_string),
            name: name.to_string(),
        }
    }
}

/// The location's users, as the location-dependent rules need them.
#[derive(Debug, Clone, Default)]
pub(crate) struct Directory {
    emails: HashSet<String>,
    extension_owner: HashMap<u32, ExistingUser>,
}

impl Directory {
    pub(crate) fn new(users: impl IntoIterator<Item = ExistingUser>) -> Directory {
        let mut directory = Directory::default();
        for mut user in users {
            user.email = user.email.trim().to_ascii_lowercase();
            directory.emails.insert(user.email.clone());
            let extension = user
                .extension
                .as_deref()
                .and_then(|e| crate::rules::check_extension(e.trim()).ok())
                .map(extension_number);
            if let Some(extension) = extension {
                directory.extension_owner.insert(extension, user);
            }
        }
        directory
    }
}

/// Where a data row ended up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(tag = "status", rename_all = "snake_case"))]
pub enum RowStatus {
    Accepted,
    Rejected,
    /// A later row with the same email replaces this one.
    Superseded {
        by_row: u32,
    },
}

/// The figures of a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Counts {
    /// Data rows that are not blank.
    pub rows: u32,
    pub blank_rows: u32,
    /// 0 whenever there is a file error.
    pub accepted: u32,
    pub rejected: u32,
    pub superseded: u32,
    /// Of the accepted: users the location does not have yet (all of them
    /// when the check was not given the location's users).
    pub new: u32,
    /// Of the accepted: existing users of the location, to be updated.
    pub updates: u32,
}

/// A user ready to import, with the row they came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptedUser {
    pub row: u32,
    pub user: User,
}

/// A row that is not imported because of its errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedRow<'a> {
    pub row: u32,
    /// The row's cells as uploaded, one per header column.
    pub cells: Vec<&'a str>,
    pub errors: &'a [RowError],
}

/// A row replaced by a later row with the same email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupersededRow {
    pub row: u32,
    pub email: String,
    pub by_row: u32,
}

/// What the checker hands over to become a report.
pub(crate) struct Parts {
    pub(crate) encoding: Encoding,
    pub(crate) blank_rows: u32,
    pub(crate) columns: Option<Columns>,
    pub(crate) store: RowStore,
    pub(crate) metas: Vec<RowMeta>,
    pub(crate) errors: Vec<RowError>,
    pub(crate) warnings: Vec<Warning>,
    pub(crate) file_errors: Vec<FileError>,
    pub(crate) directory: Option<Directory>,
    /// The row that last held each email.
    pub(crate) emails: crate::email_index::EmailIndex,
}

/// The result of checking a file.
///
/// ```
/// let file = "First Name,Last Name,Email,Extension\n\
///             Ann,Lee,ann@example.com,2041\n\
///             Bob,,bob@example.com,\n\
///             Ann,Lee,ANN@example.com,2042\n";
/// let report = user_import::check(file.as_bytes());
/// let counts = report.counts();
/// assert_eq!((counts.rows, counts.accepted, counts.rejected, counts.superseded), (3, 1, 1, 1));
/// assert_eq!(report.errors()[0].message, "Last Name is required.");
/// assert_eq!(report.warnings()[0].to_string(), "row 2 (ann@example.com) is replaced by row 4");
/// let users: Vec<_> = report.accepted().collect();
/// assert_eq!(users[0].user.extension.as_deref(), Some("2042"));
/// ```
#[derive(Debug, Clone)]
pub struct Report {
    encoding: Encoding,
    columns: Option<Columns>,
    store: RowStore,
    metas: Vec<RowMeta>,
    statuses: Vec<RowStatus>,
    errors: Vec<RowError>,
    warnings: Vec<Warning>,
    file_errors: Vec<FileError>,
    counts: Counts,
}

impl Report {
    pub(crate) fn build(parts: Parts) -> Report {
        let Parts {
            encoding,
            blank_rows,
            columns,
            store,
            mut metas,
            errors,
            mut warnings,
            file_errors,
            directory,
            emails,
        } = parts;
        let email_column = columns.as_ref().and_then(|c| c.column_of(Field::Email));
        let cross = {
            let email_of = |index: usize| row_email(&metas, &store, email_column, index);
            let claims = extension_claims(&metas);
            let mut cross = extension_conflicts(&metas, &claims, &email_of);
            if let Some(directory) = &directory {
                cross.extend(extensions_taken(&metas, &claims, directory, &email_of));
            }
            cross
        };
        for (index, _) in &cross {
            metas[*index].has_errors = true;
        }

        // The row that finally wins each email: a superseding row may be
        // superseded in turn, always by a later one, so from the last row
        // back each row's superseder already names its winner.
        for i in (0..metas.len()).rev() {
            if let Some(by) = metas[i].superseded_by {
                metas[i].superseded_by = Some(metas[by as usize].superseded_by.unwrap_or(by));
            }
        }
        let statuses: Vec<RowStatus> = metas
            .iter()
            .map(|meta| match meta.superseded_by {
                Some(by) => RowStatus::Superseded {
                    by_row: metas[by as usize].row,
                },
                None if meta.has_errors => RowStatus::Rejected,
                None => RowStatus::Accepted,
            })
            .collect();

        // Every error of the rows that still count, in file order.
        let mut errors: Vec<RowError> = errors;
        errors.extend(cross.into_iter().map(|(_, e)| e));
        errors.sort_by_key(|e| e.row);
        // Errors and rows are both in row order: each error's row is found
        // from the one before, not by a search of every row. The 20,000
        // errors of a 1,000,000-row file took 5–7 ms searched one by one,
        // 2.7–3.7 ms this way (natively; in Chromium the whole check went
        // from a median of 298.5 to 292.1 ms, bench-wasm-versions.sh).
        let mut at = 0;
        errors.retain(|e| {
            let found = find_row_from(&metas, at, e.row);
            let (Ok(next) | Err(next)) = found;
            at = next;
            found.is_ok_and(|i| !matches!(statuses[i], RowStatus::Superseded { .. }))
        });

        for (i, status) in statuses.iter().enumerate() {
            if let RowStatus::Superseded { by_row } = *status {
                warnings.push(Warning::Superseded {
                    row: metas[i].row,
                    email: row_email(&metas, &store, email_column, i).into_owned(),
                    by_row,
                });
            }
        }

        let mut counts = Counts {
            rows: metas.len() as u32,
            blank_rows,
            ..Counts::default()
        };
        for status in &statuses {
            match status {
                RowStatus::Accepted => counts.accepted += 1,
                RowStatus::Rejected => counts.rejected += 1,
                RowStatus::Superseded { .. } => counts.superseded += 1,
            }
        }
        // An accepted row updates a user of the location when it holds
        // that user's email (an accepted row is the last of its email).
        // Looked up from the location's side: it has fewer emails than the
        // file has rows, as a rule.
        if let (Some(directory), Some(column)) = (
            &directory,
            columns.as_ref().and_then(|c| c.column_of(Field::Email)),
        ) {
            let email_in_row = |i: u32| prepare_cell(store.cell(i as usize, column));
            counts.updates = directory
                .emails
                .iter()
                .filter_map(|email| emails.holder(email, email_in_row))
                .filter(|&i| matches!(statuses[i as usize], RowStatus::Accepted))
                .count() as u32;
        }
        counts.new = counts.accepted - counts.updates;
        if !file_errors.is_empty() {
            counts.accepted = 0;
            counts.new = 0;
            counts.updates = 0;
        }

        Report {
            encoding,
            columns,
            store,
            metas,
            statuses,
            errors,
            warnings,
            file_errors,
            counts,
        }
    }

    /// The index in the uploaded header of the column an error names (its
    /// template name, or the uploaded spelling of another column), to
    /// correct that cell with a [`CellEdit`](crate::CellEdit).
    ///
    /// ```
    /// let report = user_import::check(b"E-mail,First Name,Last Name\nann@,Ann,Lee\n");
    /// assert_eq!(report.column_index(report.errors()[0].column.as_deref().unwrap()), Some(0));
    /// ```
    pub fn column_index(&self, column: &str) -> Option<usize> {
        let columns = self.columns.as_ref()?;
        Field::ALL
            .iter()
            .find(|field| field.header() == column)
            .and_then(|&field| columns.column_of(field))
            .or_else(|| self.header().iter().position(|h| h.trim() == column))
    }

    /// The cells of data row `row` as uploaded (as edited, after a
    /// [`CellEdit`](crate::CellEdit)), one per header column.
    pub fn row_cells(&self, row: u32) -> Option<Vec<&str>> {
        let index = index_of_row(&self.metas, row)?;
        Some(self.store.row(index).collect())
    }

    pub fn counts(&self) -> Counts {
        self.counts
    }

    /// How the file's text was read.
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// Problems with the whole file; when there are any, nothing is accepted.
    pub fn file_errors(&self) -> &[FileError] {
        &self.file_errors
    }

    /// Encoding and unknown-column warnings first, then each superseded row.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// Every error of every rejected row, in file order.
    pub fn errors(&self) -> &[RowError] {
        &self.errors
    }

    /// The errors of one row (by its spreadsheet row number).
    pub fn errors_of(&self, row: u32) -> &[RowError] {
        let start = self.errors.partition_point(|e| e.row < row);
        let end = self.errors.partition_point(|e| e.row <= row);
        &self.errors[start..end]
    }

    /// The uploaded header cells, as written; empty when there was none.
    pub fn header(&self) -> &[String] {
        self.columns.as_ref().map_or(&[], |c| &c.headers)
    }

    /// Every data row's number and status, in file order.
    pub fn rows(&self) -> impl Iterator<Item = (u32, RowStatus)> + '_ {
        self.metas
            .iter()
            .zip(&self.statuses)
            .map(|(m, s)| (m.row, *s))
    }

    /// The users to import, in file order; none when there is a file error.
    pub fn accepted(&self) -> impl Iterator<Item = AcceptedUser> + '_ {
        let columns = self
            .columns
            .as_ref()
            .filter(|_| self.file_errors.is_empty());
        self.indices_with(|s| matches!(s, RowStatus::Accepted))
            .filter_map(move |i| {
                let columns = columns?;
                let cell = |field: Field| {
                    columns
                        .column_of(field)
                        .map_or("", |c| self.store.cell(i, c))
                };
                // Accepted rows passed these very rules, so this succeeds.
                let user = User::from_cells(cell).ok()?;
                Some(AcceptedUser {
                    row: self.metas[i].row,
                    user,
                })
            })
    }

    /// The rows not imported because of their errors, in file order.
    pub fn rejected(&self) -> impl Iterator<Item = RejectedRow<'_>> + '_ {
        self.indices_with(|s| matches!(s, RowStatus::Rejected))
            .map(move |i| {
                let row = self.metas[i].row;
                RejectedRow {
                    row,
                    cells: self.store.row(i).collect(),
                    errors: self.errors_of(row),
                }
            })
    }

    /// The rows replaced by a later row with the same email.
    pub fn superseded(&self) -> impl Iterator<Item = SupersededRow> + '_ {
        self.warnings.iter().filter_map(|w| match w {
            Warning::Superseded { row, email, by_row } => Some(SupersededRow {
                row: *row,
                email: email.clone(),
                by_row: *by_row,
            }),
            _ => None,
        })
    }

    /// The error file: the rejected rows, ready to fix in Excel and upload
    /// again (see [`crate::error_file`]).
    pub fn error_file(&self) -> Vec<u8> {
        let Some(columns) = &self.columns else {
            return crate::error_file::write(&[], std::iter::empty());
        };
        let headers: Vec<&str> = columns
            .kept
            .iter()
            .map(|&i| columns.headers[i].as_str())
            .collect();
        let rows = self.rejected().map(|r| {
            let cells: Vec<&str> = columns.kept.iter().map(|&i| r.cells[i]).collect();
            (r.row, cells, r.errors)
        });
        crate::error_file::write(&headers, rows)
    }

    fn indices_with(&self, keep: fn(&RowStatus) -> bool) -> impl Iterator<Item = usize> + '_ {
        self.statuses
            .iter()
            .enumerate()
            .filter(move |(_, s)| keep(s))
            .map(|(i, _)| i)
    }
}

fn index_of_row(metas: &[RowMeta], row: u32) -> Option<usize> {
    find_row_from(metas, 0, row).ok()
}

/// Where data row `row` is in `metas` (rows ascending), looked for from
/// index `from` on: `Ok(index)`, or `Err(index)` of the first later row
/// (`metas.len()` if none), as `binary_search` answers. It gallops from
/// `from`, so that it reads few rows when `row` is near.
fn find_row_from(metas: &[RowMeta], from: usize, row: u32) -> Result<usize, usize> {
    let rest = &metas[from.min(metas.len())..];
    // Doubles until `rest[bound]` reaches `row` (or the end); `rest[bound /
    // 2]` is then before it (or the start), so the answer is in between.
    let mut bound = 1;
    while bound < rest.len() && rest[bound].row < row {
        bound *= 2;
    }
    let window = &rest[bound / 2..rest.len().min(bound)];
    let at = metas.len() - rest.len() + bound / 2 + window.partition_point(|m| m.row < row);
    match metas.get(at) {
        Some(meta) if meta.row == row => Ok(at),
        _ => Err(at),
    }
}

/// Row `index`'s email as the duplicate rule reads it (empty when it is not
/// valid), copied only where a message needs it.
fn row_email<'s>(
    metas: &[RowMeta],
    store: &'s RowStore,
    email_column: Option<usize>,
    index: usize,
) -> Cow<'s, str> {
    match (metas[index].email_valid, email_column) {
        (true, Some(column)) => email_key(store.cell(index, column)),
        _ => Cow::Borrowed(""),
    }
}

/// How many other rows a duplicate-extension message names before "and N more".
pub(crate) const NAMED_CLASHES: usize = 3;

/// The rows that give an extension and are not superseded (whatever their
/// other errors), keyed by extension and sorted: the rows of each
/// extension side by side, for both extension rules.
fn extension_claims(metas: &[RowMeta]) -> Vec<u64> {
    let claims: Vec<u64> = metas
        .iter()
        .enumerate()
        .filter(|(_, m)| m.extension != 0 && m.superseded_by.is_none())
        .map(|(i, m)| keyed_row(m.extension, i as u32))
        .collect();
    sort_keyed_rows(claims)
}

/// An extension given to two or more users of the file (`claims`, from
/// [`extension_claims`]): each such row is refused, naming the others.
fn extension_conflicts<'s>(
    metas: &[RowMeta],
    claims: &[u64],
    email_of: &dyn Fn(usize) -> Cow<'s, str>,
) -> Vec<(usize, RowError)> {
    let mut out = Vec::new();
    for group in claims.chunk_by(|&a, &b| key_of(a) == key_of(b)) {
        if group.len() < 2 {
            continue;
        }
        let extension = key_of(group[0]);
        for index in group.iter().map(|&c| row_of(c) as usize) {
            let others: Vec<String> = group
                .iter()
                .map(|&c| row_of(c) as usize)
                .filter(|&i| i != index)
                .take(NAMED_CLASHES)
                .map(|i| describe_row(metas[i].row, &email_of(i)))
                .collect();
            out.push((
                index,
                RowError {
                    row: metas[index].row,
                    column: Some(Field::Extension.header().to_string()),
                    code: ErrorCode::DuplicateExtension,
                    message: duplicate_extension_message(extension, &others, group.len() - 1),
                },
            ));
        }
    }
    out
}

/// An extension that belongs to an existing user of the location under
/// another email (`claims`, from [`extension_claims`]).
///
/// Looked up from the location's side, as the updates are: a location has
/// fewer extensions than a large file has rows, and in the sorted claims
/// each of its extensions is a binary search. Hashing every row's
/// extension instead cost a 100,000-row check with eight users in the
/// location 0.3–1.0 ms natively (`cargo bench`, "a location of 8 users"
/// against "whole") and about 0.9 ms in the app's worker (README). The
/// errors come in the location's order; the report puts every error in
/// row order.
fn extensions_taken<'s>(
    metas: &[RowMeta],
    claims: &[u64],
    directory: &Directory,
    email_of: &dyn Fn(usize) -> Cow<'s, str>,
) -> Vec<(usize, RowError)> {
    let mut out = Vec::new();
    for (&extension, owner) in &directory.extension_owner {
        for index in rows_of_key(claims, extension)
            .iter()
            .map(|&c| row_of(c) as usize)
        {
            if owner.email == *email_of(index) {
                continue;
            }
            out.push((
                index,
                RowError {
                    row: metas[index].row,
                    column: Some(Field::Extension.header().to_string()),
                    code: ErrorCode::ExtensionTaken,
                    message: extension_taken_message(extension, owner),
                },
            ));
        }
    }
    out
}

/// The message for an extension that `others` (named, at most
/// [`NAMED_CLASHES`] of them, out of `clashes`) are given too.
pub(crate) fn duplicate_extension_message(
    extension: u32,
    others: &[String],
    clashes: usize,
) -> String {
    let more = clashes - others.len();
    let more = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    format!(
        "Extension {extension} is also given to {}{more}; each user needs their own.",
        others.join(", ")
    )
}

/// The message for an extension that an existing user of the location has.
pub(crate) fn extension_taken_message(extension: u32, owner: &ExistingUser) -> String {
    format!(
        "Extension {extension} belongs to {} ({}), an existing user of this location; \
         choose another or leave it empty.",
        owner.name, owner.email
    )
}

fn describe_row(row: u32, email: &str) -> String {
    if email.is_empty() {
        format!("row {row}")
    } else {
        format!("row {row} ({email})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_galloping_search_agrees_with_a_search_of_every_row() {
        // Rows with gaps (blank rows), as a file's data rows have them.
        let metas: Vec<RowMeta> = [2, 3, 4, 7, 8, 9, 10, 15, 16, 40, 41, 42, 43, 44, 90]
            .into_iter()
            .map(RowMeta::new)
            .collect();
        for from in 0..=metas.len() + 1 {
            let start = from.min(metas.len());
            for row in 0..100 {
                let want = metas[start..]
                    .binary_search_by_key(&row, |m| m.row)
                    .map(|i| start + i)
                    .map_err(|i| start + i);
                assert_eq!(
                    find_row_from(&metas, from, row),
                    want,
                    "from {from}, row {row}"
                );
            }
        }
        assert_eq!(find_row_from(&[], 0, 5), Err(0));
    }
}
