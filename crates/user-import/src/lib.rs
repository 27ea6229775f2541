//! # user-import: the rules of the bulk user import
//!
//! What a CSV file of users means, decided in one place for the browser, the
//! reference API and the `check` command. Pure Rust: no I/O, no async, no
//! browser; it builds for native targets and for `wasm32-unknown-unknown`.
//!
//! Bytes in, a [`Report`] out: file errors, warnings, every row error with
//! its row and column, the accepted users (normalized), the superseded
//! duplicates, the blank-row count, and the error file.
//!
//! ```
//! let file = "\u{feff}First Name;Last Name;E-mail;Mobile\r\n\
//!             Zoë;O'Brien;Zoe.OBrien@Example.com;+44 20 7946 0958\r\n\
//!             ;;;\r\n\
//!             Bob;Stone;bob@example;555-0100\r\n";
//! let report = user_import::check(file.as_bytes());
//!
//! let counts = report.counts();
//! assert_eq!((counts.rows, counts.blank_rows, counts.accepted, counts.rejected), (2, 1, 1, 1));
//!
//! let zoe = &report.accepted().next().unwrap().user;
//! assert_eq!(zoe.email, "zoe.obrien@example.com");
//! assert_eq!(zoe.mobile_number.as_deref(), Some("+442079460958"));
//!
//! let errors = report.errors();
//! assert_eq!((errors[0].row, errors[0].column.as_deref()), (4, Some("Email")));
//! assert!(report.error_file().starts_with(b"\xEF\xBB\xBFRow,First Name,Last Name,E-mail,Mobile,Errors\r\n4,"));
//! ```
//!
//! Large files are fed in chunks through a [`Checker`], which reports
//! [`Progress`] and never holds a second copy of the file as a string.
//!
//! ## Decisions where the spec is silent
//! Each is tested where the rule lives.
//! - **Encoding.** The first cell with a non-ASCII byte decides: valid UTF-8
//!   means UTF-8, anything else Windows-1252 (with a warning). In a UTF-8
//!   file, a later cell with bytes that are not UTF-8 is refused ("could not
//!   be read") rather than guessed. UTF-16 without a byte-order mark is
//!   refused with the advice to save as CSV UTF-8.
//! - **Header.** The first record that is not blank is the header, so blank
//!   lines above it are skipped (rows keep the spreadsheet's numbers). Empty
//!   header cells are ignored without a warning. The `Row` and `Errors`
//!   columns of an earlier error file are not repeated in the next one.
//! - **Formula guard.** A leading `'` is removed before TAB and CR too, not
//!   only before `=`, `+`, `-`, `@`: the error file guards those as well, and
//!   a corrected error file must re-import as it is.
//! - **Email.** "Letters" are ASCII letters (`zoë@…` is refused, naming the
//!   `ë`).
//! - **Phone numbers.** `0044…` is refused with the `+44…` it should be;
//!   Excel's scientific notation (`4.42079E+11`) is explained as such.
//! - **Extensions.** A clash counts every row that is not superseded and has
//!   a valid extension, even a row rejected for another reason (fixing that
//!   row would bring the clash back). A message names at most three other
//!   rows, then "and N more".
//! - **Duplicates.** A row replaced by a row that is itself replaced names
//!   the last one ("row 2 … is replaced by row 9"). Errors of superseded rows
//!   are not reported: those rows are not imported whatever they hold.
//! - **Extra cells.** The count is up to the last non-empty cell, and the
//!   message quotes the extra values so nothing typed there is lost unseen.
//!   Cells over 1,000 characters are refused in any column, template or not.
//! - **Limits.** The 1,000,000-row limit counts rows that are not blank.

mod batch;
mod checker;
mod decode;
mod email_index;
mod error;
pub mod error_file;
mod header;
mod keyed_rows;
mod licenses;
mod parse;
mod report;
pub mod rules;
pub mod sample;
mod scan;
mod schema;
mod store;
mod user;
mod vector;

pub use batch::{check_batch, BatchCheck, BatchRejection, BatchUser};
pub use checker::{CellEdit, Checker, CheckerBuilder, Limits, Progress};
pub use decode::{Encoding, NotText};
pub use error::{ErrorCode, FileError, Problem, RowError, Warning};
pub use error_file::{error_file_name, users_file};
pub use licenses::{license, License, LICENSES};
pub use report::{
    AcceptedUser, Counts, ExistingUser, RejectedRow, Report, RowStatus, SupersededRow,
};
pub use schema::{
    group_thousands, guidelines, template_csv, Field, FieldSpec, Guidelines, CELL_MAX_CHARS,
    NAME_MAX_CHARS, TEMPLATE_FILE_NAME, TEXT_MAX_CHARS,
};
pub use user::{FieldProblem, User, UserInput};

/// Checks a whole file held in memory, with the product's limits and no
/// location (the location-dependent extension rule needs
/// [`CheckerBuilder::existing_users`]).
pub fn check(bytes: &[u8]) -> Report {
    let mut checker = Checker::builder()
        .expected_bytes(bytes.len() as u64)
        .build();
    checker.feed(bytes);
    checker.finish()
}
