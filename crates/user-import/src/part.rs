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
use crate::error::{ErrorCode, FileError, RowError};
use crate::header::{map_header, Columns};
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

    /// The part as bytes, to hand to another thread (a Web Worker posts
    /// them with their buffer transferred); [`Part::from_bytes`] reads them
    /// back. A refused part has no byte form: the reason is returned.
    ///
    /// ```
    /// use user_import::{Checker, Part};
    ///
    /// let file = "First Name,Last Name,Email\nAnn,Lee,ann@example.com\nBob,Stone,bob@\n";
    /// let split = file.find("Bob").unwrap();
    /// let mut later = Checker::builder().later_part().build();
    /// later.feed(file[..split].as_bytes());
    /// later.begin_part().unwrap();
    /// later.feed(file[split..].as_bytes());
    /// let mut bytes = Vec::new();
    /// later.finish_part().write_bytes(&mut bytes).unwrap();
    ///
    /// let mut first = Checker::new();
    /// first.feed(file[..split].as_bytes());
    /// first.append_part(Part::from_bytes(&bytes).unwrap()).unwrap();
    /// assert_eq!(first.finish().errors()[0].row, 3);
    /// ```
    pub fn write_bytes(&self, out: &mut Vec<u8>) -> Result<(), PartRefused> {
        if let Some(why) = &self.refused {
            return Err(why.clone());
        }
        let (text, ends) = self.store.raw();
        let claims = self.emails.keyed_rows();
        out.reserve(64 + text.len() + 4 * ends.len() + 9 * self.metas.len() + 8 * claims.len());
        out.extend_from_slice(MAGIC);
        for n in [
            self.records_before,
            self.records,
            self.data_rows,
            self.blank_rows,
        ] {
            put_u32(out, n);
        }
        out.push(encoding_byte(self.sniffed));
        out.push(encoding_byte(self.decided));
        let headers = self.columns.as_ref().map_or(&[][..], |c| &c.headers[..]);
        put_len(out, headers.len());
        for header in headers {
            put_str(out, header);
        }
        put_len(out, self.store.width());
        put_str(out, text);
        put_len(out, ends.len());
        for &end in ends {
            put_u32(out, end);
        }
        put_len(out, self.metas.len());
        for meta in &self.metas {
            put_u32(out, meta.row);
            out.push(u8::from(meta.has_errors) | u8::from(meta.email_valid) << 1);
            put_u32(out, meta.extension);
        }
        put_len(out, self.errors.len());
        for error in &self.errors {
            put_u32(out, error.row);
            out.push(code_byte(error.code));
            match &error.column {
                Some(column) => {
                    out.push(1);
                    put_str(out, column);
                }
                None => out.push(0),
            }
            put_str(out, &error.message);
        }
        put_len(out, claims.len());
        for &claim in claims {
            out.extend_from_slice(&claim.to_le_bytes());
        }
        Ok(())
    }

    /// A part from [`Part::write_bytes`]. Bytes that are not such a part
    /// (cut short, damaged, from another version) are refused as
    /// [`PartRefused::Garbled`], never trusted: every count, offset and
    /// row number is checked before it is used.
    pub fn from_bytes(bytes: &[u8]) -> Result<Part, PartRefused> {
        read_part(&mut Reader { bytes }).ok_or(PartRefused::Garbled)
    }
}

/// The first bytes of a part's byte form (and its version).
const MAGIC: &[u8; 4] = b"UIP1";

fn put_u32(out: &mut Vec<u8>, n: u32) {
    out.extend_from_slice(&n.to_le_bytes());
}

/// Lengths fit in 32 bits: a file is at most 256 MiB.
fn put_len(out: &mut Vec<u8>, len: usize) {
    put_u32(out, u32::try_from(len).unwrap_or(u32::MAX));
}

fn put_str(out: &mut Vec<u8>, text: &str) {
    put_len(out, text.len());
    out.extend_from_slice(text.as_bytes());
}

fn encoding_byte(encoding: Option<Encoding>) -> u8 {
    match encoding {
        None => 0,
        Some(Encoding::Utf8) => 1,
        Some(Encoding::Utf16Le) => 2,
        Some(Encoding::Utf16Be) => 3,
        Some(Encoding::Windows1252) => 4,
    }
}

fn encoding_of(byte: u8) -> Option<Option<Encoding>> {
    Some(match byte {
        0 => None,
        1 => Some(Encoding::Utf8),
        2 => Some(Encoding::Utf16Le),
        3 => Some(Encoding::Utf16Be),
        4 => Some(Encoding::Windows1252),
        _ => return None,
    })
}

/// Every row error code, by its number in the byte form.
const CODES: [ErrorCode; 13] = [
    ErrorCode::Required,
    ErrorCode::TooLong,
    ErrorCode::NoLetter,
    ErrorCode::ControlCharacter,
    ErrorCode::ForbiddenCharacter,
    ErrorCode::Unreadable,
    ErrorCode::InvalidEmail,
    ErrorCode::InvalidExtension,
    ErrorCode::InvalidMobileNumber,
    ErrorCode::CellTooLong,
    ErrorCode::TooManyCells,
    ErrorCode::DuplicateExtension,
    ErrorCode::ExtensionTaken,
];

fn code_byte(code: ErrorCode) -> u8 {
    CODES.iter().position(|&c| c == code).unwrap_or(0) as u8
}

/// The bytes not read yet; each read is `None` past the end.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, len: usize) -> Option<&'a [u8]> {
        if len > self.bytes.len() {
            return None;
        }
        let (taken, rest) = self.bytes.split_at(len);
        self.bytes = rest;
        Some(taken)
    }

    fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    /// A count of items of at least `item_len` bytes each, refused if the
    /// bytes left cannot hold them (so nothing is sized by a false count).
    fn count(&mut self, item_len: usize) -> Option<usize> {
        let count = self.u32()? as usize;
        (count.checked_mul(item_len)? <= self.bytes.len()).then_some(count)
    }

    fn string(&mut self) -> Option<String> {
        let len = self.u32()? as usize;
        String::from_utf8(self.take(len)?.to_vec()).ok()
    }
}

fn read_part(r: &mut Reader<'_>) -> Option<Part> {
    if r.take(MAGIC.len())? != MAGIC {
        return None;
    }
    let (records_before, records, data_rows, blank_rows) = (r.u32()?, r.u32()?, r.u32()?, r.u32()?);
    let sniffed = encoding_of(r.u8()?)?;
    let decided = encoding_of(r.u8()?)?;
    let header_count = r.count(4)?;
    let headers = (0..header_count)
        .map(|_| r.string())
        .collect::<Option<Vec<_>>>()?;
    let columns = match headers.is_empty() {
        true => None,
        false => Some(map_header(headers).ok()?.0),
    };
    let width = r.u32()? as usize;
    let text = r.string()?;
    let end_count = r.count(4)?;
    let ends = (0..end_count)
        .map(|_| r.u32())
        .collect::<Option<Vec<_>>>()?;
    let store = RowStore::from_raw(width, text, ends)?;
    let meta_count = r.count(9)?;
    let mut metas = Vec::with_capacity(meta_count);
    let mut last_row = records_before;
    for _ in 0..meta_count {
        let row = r.u32()?;
        let flags = r.u8()?;
        let extension = r.u32()?;
        // Data rows come after the part began, in order, up to its end.
        if row <= last_row || row > records || flags > 3 {
            return None;
        }
        last_row = row;
        let mut meta = RowMeta::new(row);
        meta.has_errors = flags & 1 != 0;
        meta.email_valid = flags & 2 != 0;
        meta.extension = extension;
        metas.push(meta);
    }
    if data_rows as usize != metas.len() || store.rows() != metas.len() {
        return None;
    }
    let error_count = r.count(4 + 1 + 1 + 4)?;
    let mut errors = Vec::with_capacity(error_count);
    for _ in 0..error_count {
        let row = r.u32()?;
        let code = *CODES.get(usize::from(r.u8()?))?;
        let column = match r.u8()? {
            0 => None,
            1 => Some(r.string()?),
            _ => return None,
        };
        let message = r.string()?;
        if row <= records_before || row > records {
            return None;
        }
        errors.push(RowError {
            row,
            column,
            code,
            message,
        });
    }
    let claim_count = r.count(8)?;
    let claims = (0..claim_count)
        .map(|_| r.u64())
        .collect::<Option<Vec<_>>>()?;
    let emails = EmailClaims::from_keyed_rows(claims, metas.len() as u32)?;
    if !r.bytes.is_empty() || columns.as_ref().map_or(0, |c| c.width()) != width {
        return None;
    }
    Some(Part {
        refused: None,
        records_before,
        records,
        data_rows,
        blank_rows,
        sniffed,
        decided,
        columns,
        store,
        metas,
        errors,
        emails,
    })
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
    /// The parts' headers differ.
    HeaderDiffers,
    /// The later part's bytes ([`Part::from_bytes`]) are not a part.
    Garbled,
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
            PartRefused::Garbled => f.write_str("the later part's bytes are not a part"),
        }
    }
}

impl std::error::Error for PartRefused {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_code_has_its_own_number() {
        // A new code must be added to CODES: this match stops compiling
        // until it is handled here too.
        for code in CODES {
            match code {
                ErrorCode::Required
                | ErrorCode::TooLong
                | ErrorCode::NoLetter
                | ErrorCode::ControlCharacter
                | ErrorCode::ForbiddenCharacter
                | ErrorCode::Unreadable
                | ErrorCode::InvalidEmail
                | ErrorCode::InvalidExtension
                | ErrorCode::InvalidMobileNumber
                | ErrorCode::CellTooLong
                | ErrorCode::TooManyCells
                | ErrorCode::DuplicateExtension
                | ErrorCode::ExtensionTaken => {}
            }
            assert_eq!(CODES[usize::from(code_byte(code))], code);
        }
    }

    #[test]
    fn bytes_cut_short_anywhere_are_refused() {
        let file = "First Name,Last Name,Email\nAnn,Lee,ann@\nBob,Stone,bob@example.com\n";
        let split = file.find("Ann").unwrap();
        let mut later = crate::Checker::builder().later_part().build();
        later.feed(&file.as_bytes()[..split]);
        later.begin_part().unwrap();
        later.feed(&file.as_bytes()[split..]);
        let mut bytes = Vec::new();
        later.finish_part().write_bytes(&mut bytes).unwrap();
        assert!(Part::from_bytes(&bytes).is_ok());
        for len in 0..bytes.len() {
            assert_eq!(
                Part::from_bytes(&bytes[..len]).err(),
                Some(PartRefused::Garbled)
            );
        }
    }
}
