//! The messages between the page and the check worker, and what a finished
//! check looks like from the page ([`CheckSummary`], [`ErrorLine`]).
//!
//! Only what is shown crosses: the figures and sentences of a report, the
//! window of error lines in view, the error file as a `Blob`, and the
//! accepted users (in batches) when they are imported. The report itself
//! stays in the worker. Every message is `{json, blob?, bytes?}`
//! ([`to_message`], [`from_message`], [`with_bytes`], [`bytes_beside`]): the
//! JSON of an [`Envelope`] and, beside it, the error file (worker → page),
//! which the browser passes without copying it through wasm, or a chunk of
//! the chosen file (page → worker), whose memory is transferred.

use js_sys::{Object, Reflect, Uint8Array};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use user_import::{CellEdit, Counts, ExistingUser, Report, User, Warning};
use wasm_bindgen::{JsCast, JsValue};

/// Superseded rows listed by name in a summary; the rest are counted.
pub const SUPERSEDED_LISTED: usize = 50;
/// Error lines sent with a summary, so the first lines show at once.
pub const FIRST_ERROR_LINES: usize = 100;
/// Accepted users per message when they are handed to the page.
pub const USERS_PER_MESSAGE: usize = 1_000;

/// A message with its request number: a reply carries the number of the
/// request it answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope<M> {
    pub id: u32,
    pub message: M,
}

/// `envelope` as a message to post, with `blob` beside it.
pub fn to_message<M: Serialize>(envelope: &Envelope<M>, blob: Option<&web_sys::Blob>) -> JsValue {
    let data = Object::new();
    let json = serde_json::to_string(envelope).unwrap_or_default();
    let _ = Reflect::set(&data, &"json".into(), &json.into());
    if let Some(blob) = blob {
        let _ = Reflect::set(&data, &"blob".into(), blob);
    }
    data.into()
}

/// `message` (from [`to_message`]) with a chunk of bytes beside it. Post it
/// with the chunk's buffer in the transfer list, so it moves, not copies.
pub fn with_bytes(message: JsValue, bytes: &Uint8Array) -> JsValue {
    let _ = Reflect::set(&message, &"bytes".into(), bytes);
    message
}

/// The chunk of bytes beside a posted message, if any.
pub fn bytes_beside(data: &JsValue) -> Option<Uint8Array> {
    Reflect::get(data, &"bytes".into())
        .ok()
        .and_then(|bytes| bytes.dyn_into::<Uint8Array>().ok())
}

/// A posted message's envelope, and the blob beside it if any; why not,
/// when it is not one of these messages.
pub fn from_message<M: DeserializeOwned>(
    data: &JsValue,
) -> Result<(Envelope<M>, Option<web_sys::Blob>), String> {
    let json = Reflect::get(data, &"json".into())
        .ok()
        .and_then(|json| json.as_string())
        .ok_or_else(|| "a message without JSON".to_owned())?;
    let envelope = serde_json::from_str(&json).map_err(|err| err.to_string())?;
    let blob = Reflect::get(data, &"blob".into())
        .ok()
        .and_then(|blob| blob.dyn_into::<web_sys::Blob>().ok());
    Ok((envelope, blob))
}

/// What the page asks of the worker. (Serde's default representation of
/// enums: an internally tagged one costs the page kilobytes of wasm.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Request {
    /// Check a file of `size` bytes, whose bytes follow in [`Request::Chunk`]
    /// messages and a [`Request::FileEnd`]. A new check cancels the one
    /// before it and frees its report.
    Check {
        size: u64,
        chunk_bytes: usize,
        existing_users: Vec<ExistingUser>,
        edits: Vec<CellEdit>,
    },
    /// The next bytes of check `check`'s file, beside this message.
    Chunk { check: u32 },
    /// Check `check`'s file has no more bytes.
    FileEnd { check: u32 },
    /// The page could not read the rest of check `check`'s file.
    FileUnreadable { check: u32, message: String },
    /// Lines `start..end` of the error table of check `check`.
    ErrorLines {
        check: u32,
        start: usize,
        end: usize,
    },
    /// The error file of check `check`, as a `Blob`.
    ErrorFile { check: u32 },
    /// The accepted users of check `check`, in [`Reply::Users`] batches.
    AcceptedUsers { check: u32 },
    /// Stop check `check` (if it still runs) and free its report.
    Release { check: u32 },
}

/// What the worker answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Reply {
    /// The worker listens (sent once, before anything else).
    Ready,
    /// How far a check is (a partial reply: more follow).
    Progress { bytes: u64, rows: u32 },
    /// A check finished.
    Checked(Box<CheckSummary>),
    /// A check stopped: cancelled, or overtaken by a newer one.
    Cancelled,
    /// The file could not be read; the message says what to do.
    Unreadable { message: String },
    /// Lines of the error table, from line `start`.
    ErrorLines { start: usize, lines: Vec<ErrorLine> },
    /// The error file is the `Blob` beside this message.
    ErrorFile,
    /// A batch of accepted users (a partial reply: more follow).
    Users { users: Vec<User> },
    /// All accepted users were sent.
    UsersDone { total: usize },
    /// The check asked about is not the worker's current one.
    Gone,
    /// A request the worker could not read (a bug, never the user's file).
    Invalid { message: String },
}

impl Reply {
    /// Replies after which more come for the same request.
    pub fn is_partial(&self) -> bool {
        matches!(self, Reply::Progress { .. } | Reply::Users { .. })
    }

    /// The reply's name, for messages about replies that were not expected
    /// (no `Debug`: it would bring float formatting into the page's wasm).
    pub fn name(&self) -> &'static str {
        match self {
            Reply::Ready => "ready",
            Reply::Progress { .. } => "progress",
            Reply::Checked(_) => "checked",
            Reply::Cancelled => "cancelled",
            Reply::Unreadable { .. } => "unreadable",
            Reply::ErrorLines { .. } => "error lines",
            Reply::ErrorFile => "error file",
            Reply::Users { .. } => "users",
            Reply::UsersDone { .. } => "users done",
            Reply::Gone => "gone",
            Reply::Invalid { .. } => "invalid",
        }
    }
}

/// A finished check, as the page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckSummary {
    /// Milliseconds from the first byte fed to the report.
    pub check_ms: f64,
    /// When the first byte was fed, in ms since the Unix epoch (the worker's
    /// `performance.timeOrigin + now()`), so the page can set its measure.
    pub started_at: f64,
    pub counts: Counts,
    /// Problems with the whole file, as sentences.
    pub file_errors: Vec<String>,
    /// Warnings other than superseded rows (encoding, unknown columns), as sentences.
    pub warnings: Vec<String>,
    /// The first [`SUPERSEDED_LISTED`] superseded rows, as sentences.
    pub superseded: Vec<String>,
    /// The uploaded header cells.
    pub header: Vec<String>,
    /// Lines of the error table: one per row error.
    pub error_count: usize,
    /// The first [`FIRST_ERROR_LINES`] lines of the error table.
    pub first_lines: Vec<ErrorLine>,
}

/// One line of the error table: one problem of one row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorLine {
    pub row: u32,
    /// The column's name; `None` for the row as a whole.
    pub column: Option<String>,
    /// The column's index in the header, when the problem is in a cell of
    /// the file (so it can be corrected in place).
    pub column_index: Option<usize>,
    pub message: String,
    /// The previous line is about the same row.
    pub continues_row: bool,
    /// The row's cells as uploaded, one per header column.
    pub cells: Vec<String>,
}

impl CheckSummary {
    /// The summary of `report`, checked in `check_ms` from `started_at`.
    pub fn of(report: &Report, check_ms: f64, started_at: f64) -> CheckSummary {
        let counts = report.counts();
        CheckSummary {
            check_ms,
            started_at,
            counts,
            file_errors: report.file_errors().iter().map(|e| e.to_string()).collect(),
            warnings: report
                .warnings()
                .iter()
                .filter(|w| !matches!(w, Warning::Superseded { .. }))
                .map(|w| w.to_string())
                .collect(),
            superseded: report
                .superseded()
                .take(SUPERSEDED_LISTED)
                .map(|s| {
                    format!(
                        "Row {} ({}) is replaced by row {}",
                        s.row, s.email, s.by_row
                    )
                })
                .collect(),
            header: report.header().to_vec(),
            error_count: report.errors().len(),
            first_lines: error_lines(report, 0, FIRST_ERROR_LINES),
        }
    }
}

/// Lines `start..end` of `report`'s error table (fewer at its end).
pub fn error_lines(report: &Report, start: usize, end: usize) -> Vec<ErrorLine> {
    let errors = report.errors();
    let end = end.min(errors.len());
    let start = start.min(end);
    // The rows are looked up once each: neighbouring lines share rows.
    let mut cells_of_row: Option<(u32, Vec<String>)> = None;
    (start..end)
        .map(|index| {
            let error = &errors[index];
            if cells_of_row.as_ref().map(|(row, _)| *row) != Some(error.row) {
                let cells = report
                    .row_cells(error.row)
                    .map(|cells| cells.iter().map(|c| c.to_string()).collect())
                    .unwrap_or_default();
                cells_of_row = Some((error.row, cells));
            }
            ErrorLine {
                row: error.row,
                column: error.column.clone(),
                column_index: error.column.as_deref().and_then(|c| report.column_index(c)),
                message: error.message.clone(),
                continues_row: index > 0 && errors[index - 1].row == error.row,
                cells: cells_of_row
                    .as_ref()
                    .map(|(_, c)| c.clone())
                    .unwrap_or_default(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn report(csv: &str) -> Report {
        user_import::check(csv.as_bytes())
    }

    #[wasm_bindgen_test]
    fn a_summary_holds_the_figures_sentences_and_first_lines() {
        let report = report(
            "First Name,Last Name,Email,Shoe size\n\
             Ann,Lee,ann@example.com,Sales\n\
             ,Stone,bob@example,IT\n\
             Ann,Lee,ann@example.com,Ops\n",
        );
        let summary = CheckSummary::of(&report, 3.0, 1_000.0);
        assert_eq!(summary.counts.rows, 3);
        assert_eq!(summary.counts.rejected, 1);
        assert_eq!(summary.error_count, 2);
        assert_eq!(
            summary.superseded,
            ["Row 2 (ann@example.com) is replaced by row 4"]
        );
        assert_eq!(summary.warnings.len(), 1, "the unknown column Shoe size");
        assert_eq!(summary.first_lines.len(), 2);
        let second = &summary.first_lines[1];
        assert_eq!(second.row, 3);
        assert_eq!(second.column.as_deref(), Some("Email"));
        assert_eq!(second.column_index, Some(2));
        assert!(second.continues_row);
        assert_eq!(second.cells, ["", "Stone", "bob@example", "IT"]);
    }

    #[wasm_bindgen_test]
    fn error_lines_are_clamped_to_the_table() {
        let report = report("First Name,Last Name,Email\n,,x\n");
        assert_eq!(error_lines(&report, 0, 1_000).len(), report.errors().len());
        assert!(error_lines(&report, 50, 60).is_empty());
        assert!(error_lines(&report, 9, 2).is_empty());
    }

    #[wasm_bindgen_test]
    fn messages_carry_their_envelope_and_blob() {
        let envelope = Envelope {
            id: 4,
            message: Request::ErrorFile { check: 2 },
        };
        let blob = web_sys::Blob::new().unwrap();
        let (read, beside) = from_message::<Request>(&to_message(&envelope, Some(&blob))).unwrap();
        assert_eq!(read, envelope);
        assert!(beside.is_some());
        let (_, beside) = from_message::<Request>(&to_message(&envelope, None)).unwrap();
        assert!(beside.is_none());
        let not_a_message = from_message::<Request>(&JsValue::from_str("hello")).unwrap_err();
        assert_eq!(not_a_message, "a message without JSON");
    }

    #[wasm_bindgen_test]
    fn messages_survive_the_trip_as_json() {
        let request = Envelope {
            id: 7,
            message: Request::ErrorLines {
                check: 3,
                start: 10,
                end: 40,
            },
        };
        let json = serde_json::to_string(&request).unwrap();
        assert_eq!(
            serde_json::from_str::<Envelope<Request>>(&json).unwrap(),
            request
        );
        let reply = Envelope {
            id: 7,
            message: Reply::Unreadable {
                message: "gone".into(),
            },
        };
        let json = serde_json::to_string(&reply).unwrap();
        assert_eq!(
            serde_json::from_str::<Envelope<Reply>>(&json).unwrap(),
            reply
        );
        assert!(Reply::Progress { bytes: 1, rows: 1 }.is_partial());
        assert!(!Reply::Gone.is_partial());
    }
}
