//! A file checked in two parts at once, then joined: the rows of the
//! second part, checked by a second [`Checker`](crate::Checker), appended
//! to the first.
//!
//! Every rule of a single row depends only on the header and the row, so
//! two checkers can read the rows of one file side by side (two threads,
//! two Web Workers): the first reads the file up to a line end near the
//! middle, the second reads the header and then the rest. The rules that
//! look across rows (duplicate emails, shared extensions, existing users)
//! run once, when the first checker finishes with every row.
//!
//! The second part must start at a record: the first checker confirms that
//! its input ended exactly there
//! ([`Checker::at_record_start`](crate::Checker::at_record_start)), since a
//! quoted cell may span lines. Anything the parts could see differently
//! refuses the join ([`PartRefused`]); the caller then checks the whole
//! file with one checker. The joined report is the report of the whole
//! file, row for row (a property test splits files at every line end).
//!
//! ```
//! use user_import::Checker;
//!
//! let file = "First Name,Last Name,Email\r\n\
//!             Ann,Lee,ann@example.com\r\n\
//!             Bob,Stone,bob@example\r\n\
//!             Ann,Lee,ANN@example.com\r\n";
//! let split = file.find("Bob").unwrap();
//! let header_end = file.find("Ann").unwrap();
//!
//! // One checker for the first part…
//! let mut first = Checker::new();
//! first.feed(file[..split].as_bytes());
//! // …and, meanwhile, one for the header and the rest.
//! let mut second = Checker::builder().later_part().build();
//! second.feed(file[..header_end].as_bytes());
//! second.begin_part().unwrap();
//! second.feed(file[split..].as_bytes());
//!
//! assert!(first.at_record_start());
//! first.append_part(second.finish_part()).unwrap();
//! let report = first.finish();
//! assert_eq!(report.counts().superseded, 1);
//! assert_eq!(report.errors()[0].row, 3);
//! ```

use std::fmt;

use crate::decode::Encoding;
use crate::email_index::EmailClaims;
use crate::error::{FileError, RowError};
use crate::header::Columns;
use crate::report::RowMeta;
use crate::store::RowStore;

/// The rows a later-part checker found after [`Checker::begin_part`], for
/// [`Checker::append_part`]. Rows are numbered as in the part's own input
/// (its header, then the part) until they are appended.
///
/// [`Checker::begin_part`]: crate::Checker::begin_part
/// [`Checker::append_part`]: crate::Checker::append_part
#[derive(Debug)]
pub struct Part {
    /// Why the part cannot be joined, if its checker already knows.
    pub(crate) refused: Option<PartRefused>,
    /// Records (blank ones and the header included) read before the part
    /// began, and at its end.
    pub(crate) records_before: u32,
    pub(crate) records: u32,
    pub(crate) data_rows: u32,
    pub(crate) blank_rows: u32,
    /// The encoding the file's first bytes gave (a byte-order mark), and
    /// the one the part's cells decided, if any.
    pub(crate) sniffed: Option<Encoding>,
    pub(crate) decided: Option<Encoding>,
    pub(crate) columns: Option<Columns>,
    pub(crate) store: RowStore,
    pub(crate) metas: Vec<RowMeta>,
    pub(crate) errors: Vec<RowError>,
    pub(crate) emails: EmailClaims,
}

impl Part {
    /// A part that cannot be joined, for `why`.
    pub(crate) fn refused(why: PartRefused) -> Part {
        Part {
            refused: Some(why),
            records_before: 0,
            records: 0,
            data_rows: 0,
            blank_rows: 0,
            sniffed: None,
            decided: None,
            columns: None,
            store: RowStore::default(),
            metas: Vec::new(),
            errors: Vec::new(),
            emails: EmailClaims::default(),
        }
    }

    /// Data rows (not blank) in the part.
    pub fn data_rows(&self) -> u32 {
        self.data_rows
    }
}

/// Why two parts of a file cannot be joined: check the whole file with one
/// checker instead. Each is a case where the parts could read the file
/// differently from one checker reading it all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartRefused {
    /// The later part's checker had not read the header when the part
    /// began (give it more of the file's start), or was not built with
    /// [`CheckerBuilder::later_part`](crate::CheckerBuilder::later_part).
    HeaderUnread,
    /// The first part did not end at the start of a record (a quoted cell
    /// runs on past the split), or its checker was not at a record.
    NotAtRecordStart,
    /// A UTF-16 file: its bytes are not the text the parser reads.
    Transcoded,
    /// A file error in either part (it would end the whole check there).
    FileError(FileError),
    /// The two parts decided different encodings for their cells.
    EncodingDiffers,
    /// Together the parts pass the row limit.
    TooManyRows,
    /// Cells corrected by hand are numbered by the whole file's rows.
    Edits,
    /// The parts' headers have different widths.
    HeaderDiffers,
}

impl fmt::Display for PartRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PartRefused::HeaderUnread => {
                f.write_str("the later part began before its header was read")
            }
            PartRefused::NotAtRecordStart => {
                f.write_str("the first part does not end at the start of a record")
            }
            PartRefused::Transcoded => f.write_str("a UTF-16 file is not checked in parts"),
            PartRefused::FileError(error) => write!(f, "a part has a file error ({error})"),
            PartRefused::EncodingDiffers => f.write_str("the parts read different encodings"),
            PartRefused::TooManyRows => f.write_str("together the parts pass the row limit"),
            PartRefused::Edits => f.write_str("a check with corrected cells is not split"),
            PartRefused::HeaderDiffers => f.write_str("the parts read different headers"),
        }
    }
}

impl std::error::Error for PartRefused {}
