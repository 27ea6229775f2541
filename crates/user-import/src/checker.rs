//! The streaming check: feed a file's bytes in chunks of any size, read the
//! progress at any time, and finish with a [`Report`].
//!
//! ```
//! use user_import::Checker;
//!
//! let file = "First Name,Last Name,Email\r\nZoë,O'Brien,zoe@example.com\r\n";
//! let mut checker = Checker::new();
//! for chunk in file.as_bytes().chunks(7) {
//!     checker.feed(chunk);
//! }
//! assert_eq!(checker.progress().rows, 1);
//! let report = checker.finish();
//! assert_eq!(report.counts().accepted, 1);
//! ```

use crate::decode::{
    push_windows_1252_record, sniff, CellDecoder, Encoding, Sniff, Utf16Decoder, SNIFF_LEN,
};
use crate::email_index::{EmailClaims, EmailIndex};
use crate::error::{quoted, ErrorCode, FileError, RowError, Warning};
use crate::header::{header_score, map_header, Columns};
use crate::parse::{Flow, ParseEnd, Parser, RawRecord};
use crate::report::{Directory, ExistingUser, Report, RowMeta};
use crate::rules::{self, extension_number, prepare_cell};
use crate::schema::{group_thousands, Field, CELL_MAX_CHARS};
use crate::store::RowStore;

/// The limits past which a file is refused as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Data rows that are not blank.
    pub max_rows: u32,
    /// Bytes of the file as uploaded.
    pub max_bytes: u64,
}

impl Default for Limits {
    /// The product's limits: 1,000,000 rows and 256 MiB.
    fn default() -> Limits {
        Limits {
            max_rows: 1_000_000,
            max_bytes: 256 * 1024 * 1024,
        }
    }
}

/// The longest a header line may be before the file is refused.
const HEADER_MAX_BYTES: usize = 1024 * 1024;

/// Options for a [`Checker`].
///
/// ```
/// use user_import::{CheckerBuilder, ExistingUser};
///
/// let checker = CheckerBuilder::new()
///     .max_rows(5_000)
///     .existing_users([ExistingUser::new("ann@example.com", Some("2041"), "Ann Lee")])
///     .build();
/// # drop(checker);
/// ```
#[derive(Debug, Clone, Default)]
pub struct CheckerBuilder {
    limits: Limits,
    directory: Option<Directory>,
    expected_bytes: u64,
    edits: Vec<CellEdit>,
}

/// A cell corrected by hand after a check (in the app's results table): the
/// file is checked again as if the cell had held `value`, so every rule,
/// duplicates and extensions included, sees the correction, and rows keep
/// their numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CellEdit {
    /// The row as a spreadsheet numbers it (a data row).
    pub row: u32,
    /// The column's index in the uploaded header, from 0
    /// (see [`Report::column_index`](crate::Report::column_index)).
    pub column: usize,
    pub value: String,
}

impl CheckerBuilder {
    pub fn new() -> CheckerBuilder {
        CheckerBuilder::default()
    }

    /// Refuse files with more data rows than this (default 1,000,000).
    pub fn max_rows(mut self, rows: u32) -> CheckerBuilder {
        self.limits.max_rows = rows;
        self
    }

    /// Refuse files larger than this many bytes (default 256 MiB).
    pub fn max_bytes(mut self, bytes: u64) -> CheckerBuilder {
        self.limits.max_bytes = bytes;
        self
    }

    /// The file's size, if known: the check then sizes its storage once
    /// instead of growing it (faster, and less memory at the peak), and a
    /// file over the size limit is refused at once, before a byte is read.
    ///
    /// ```
    /// use user_import::{Checker, FileError};
    /// let checker = Checker::builder().max_bytes(1_000).expected_bytes(5_000).build();
    /// assert!(checker.is_stopped());
    /// let report = checker.finish();
    /// assert_eq!(report.file_errors(), [FileError::TooLarge { limit_bytes: 1_000 }]);
    /// ```
    pub fn expected_bytes(mut self, bytes: u64) -> CheckerBuilder {
        self.expected_bytes = bytes;
        self
    }

    /// The location's current users: the check then refuses extensions they
    /// hold (under another email) and tells new users from updates.
    pub fn existing_users(
        mut self,
        users: impl IntoIterator<Item = ExistingUser>,
    ) -> CheckerBuilder {
        self.directory = Some(Directory::new(users));
        self
    }

    /// Cells corrected by hand; a later edit of the same cell wins.
    ///
    /// ```
    /// use user_import::{CellEdit, Checker};
    /// let file = b"First Name,Last Name,Email\nAnn,Lee,ann@\n";
    /// let mut checker = Checker::builder()
    ///     .edits([CellEdit { row: 2, column: 2, value: "ann@example.com".into() }])
    ///     .build();
    /// checker.feed(file);
    /// let report = checker.finish();
    /// assert_eq!(report.counts().accepted, 1);
    /// ```
    pub fn edits(mut self, edits: impl IntoIterator<Item = CellEdit>) -> CheckerBuilder {
        self.edits.extend(edits);
        self
    }

    pub fn build(self) -> Checker {
        let too_large = self.expected_bytes > self.limits.max_bytes;
        let mut checker = Checker {
            limits: self.limits,
            bytes_seen: 0,
            head: Vec::with_capacity(SNIFF_LEN),
            sniffed: false,
            utf16: None,
            utf16_out: Vec::new(),
            preamble: Some(Vec::new()),
            line_offset: 0,
            parser: None,
            rows: Rows {
                expected_bytes: self.expected_bytes.min(self.limits.max_bytes),
                edits: sorted_edits(self.edits),
                ..Rows::new(self.directory, self.limits.max_rows)
            },
            stopped: false,
        };
        if too_large {
            checker.fail(FileError::TooLarge {
                limit_bytes: checker.limits.max_bytes,
            });
        }
        checker
    }
}

/// How far a check has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Progress {
    /// Bytes fed so far.
    pub bytes: u64,
    /// Data rows (not blank) read so far.
    pub rows: u32,
}

/// A check in progress. Feed it the file in chunks, then [`finish`](Checker::finish).
///
/// Memory: the cells of the data rows (about the size of the file), a
/// little per row, and the chunk being fed; never a second copy of the file
/// as one string.
#[derive(Debug)]
pub struct Checker {
    limits: Limits,
    bytes_seen: u64,
    head: Vec<u8>,
    sniffed: bool,
    utf16: Option<Utf16Decoder>,
    utf16_out: Vec<u8>,
    /// Text before the header line is complete (the delimiter is unknown
    /// until then); `None` once parsing has begun.
    preamble: Option<Vec<u8>>,
    /// Lines skipped before the parser (a `sep=` line), for line numbers.
    line_offset: u64,
    parser: Option<Parser>,
    rows: Rows,
    /// A file error ended the check; further bytes are ignored.
    stopped: bool,
}

impl Default for Checker {
    fn default() -> Checker {
        Checker::new()
    }
}

impl Checker {
    /// A checker with the product's limits and no location.
    pub fn new() -> Checker {
        CheckerBuilder::new().build()
    }

    pub fn builder() -> CheckerBuilder {
        CheckerBuilder::new()
    }

    /// Bytes and rows read so far.
    pub fn progress(&self) -> Progress {
        Progress {
            bytes: self.bytes_seen,
            rows: self.rows.data_rows,
        }
    }

    /// Whether a file-level error has already decided the outcome (feeding
    /// more is pointless; [`finish`](Checker::finish) reports it).
    pub fn is_stopped(&self) -> bool {
        self.stopped
    }

    /// Feeds the next chunk of the file.
    pub fn feed(&mut self, chunk: &[u8]) {
        if self.stopped {
            return;
        }
        self.bytes_seen = self.bytes_seen.saturating_add(chunk.len() as u64);
        if self.bytes_seen > self.limits.max_bytes {
            self.fail(FileError::TooLarge {
                limit_bytes: self.limits.max_bytes,
            });
            return;
        }
        if self.sniffed {
            self.decode(chunk);
            return;
        }
        // The first bytes decide what the file is; a first chunk that holds
        // them all (almost always) is read where it is.
        if self.head.is_empty() && chunk.len() >= SNIFF_LEN {
            self.sniff_start(chunk);
            return;
        }
        let wanted = SNIFF_LEN - self.head.len();
        let (head, rest) = chunk.split_at(wanted.min(chunk.len()));
        self.head.extend_from_slice(head);
        if self.head.len() == SNIFF_LEN {
            let head = std::mem::take(&mut self.head);
            self.sniff_start(&head);
            self.decode(rest);
        }
    }

    /// Ends the input and returns the report.
    pub fn finish(mut self) -> Report {
        if !self.stopped && !self.sniffed {
            let head = std::mem::take(&mut self.head);
            self.sniff_start(&head);
        }
        if !self.stopped {
            if let Some(decoder) = &mut self.utf16 {
                let mut tail = Vec::new();
                decoder.finish(&mut tail);
                self.push_text(&tail);
            }
        }
        if !self.stopped {
            if let Some(preamble) = self.preamble.take() {
                self.start_parser(&preamble);
            }
        }
        if !self.stopped {
            if let Some(parser) = &mut self.parser {
                let rows = &mut self.rows;
                parser.finish(&mut |record| rows.record(record));
                if let Some(end) = parser.stopped() {
                    self.parse_ended(end);
                }
            }
        }
        self.rows.finish()
    }

    /// Decides from the file's first bytes (up to [`SNIFF_LEN`] of `start`)
    /// what it is, then decodes all of `start`.
    fn sniff_start(&mut self, start: &[u8]) {
        self.sniffed = true;
        match sniff(&start[..start.len().min(SNIFF_LEN)]) {
            Sniff::NotText(what) => self.fail(FileError::NotText { what }),
            Sniff::Text { bom_len, encoding } => {
                match encoding {
                    Some(Encoding::Utf16Le) => self.utf16 = Some(Utf16Decoder::new(false)),
                    Some(Encoding::Utf16Be) => self.utf16 = Some(Utf16Decoder::new(true)),
                    _ => {}
                }
                self.rows.decoder = CellDecoder::new(encoding.map(|e| match e {
                    // UTF-16 reaches the parser as UTF-8.
                    Encoding::Utf16Le | Encoding::Utf16Be => Encoding::Utf8,
                    other => other,
                }));
                self.rows.encoding = encoding;
                self.decode(&start[bom_len..]);
            }
        }
    }

    fn decode(&mut self, bytes: &[u8]) {
        if self.stopped || bytes.is_empty() {
            return;
        }
        match &mut self.utf16 {
            Some(decoder) => {
                let mut out = std::mem::take(&mut self.utf16_out);
                out.clear();
                decoder.decode(bytes, &mut out);
                self.push_text(&out);
                self.utf16_out = out;
            }
            None => self.push_text(bytes),
        }
    }

    /// Text (UTF-8 or 8-bit) on its way to the parser.
    fn push_text(&mut self, text: &[u8]) {
        if self.stopped || text.is_empty() {
            return;
        }
        if let Some(preamble) = &mut self.preamble {
            // A first chunk that holds the whole header line (almost every
            // file) is parsed where it is, not copied.
            if preamble.is_empty() && preamble_is_complete(text) {
                self.preamble = None;
                self.start_parser(text);
                return;
            }
            preamble.extend_from_slice(text);
            if preamble_is_complete(preamble) {
                let preamble = self.preamble.take().unwrap_or_default();
                self.start_parser(&preamble);
            } else if preamble.len() > HEADER_MAX_BYTES {
                self.fail(FileError::HeaderTooLong {
                    limit_bytes: HEADER_MAX_BYTES,
                });
            }
            return;
        }
        self.parse(text);
    }

    /// Chooses the delimiter from the header line (or, at the end of a
    /// short input, from whatever there is), then parses the preamble.
    fn start_parser(&mut self, preamble: &[u8]) {
        let (skip, delimiter) = match sep_line(preamble) {
            Some((line_len, delimiter)) => (line_len, delimiter),
            None => (0, choose_delimiter(preamble)),
        };
        if skip > 0 {
            self.line_offset = 1;
        }
        self.rows.line_offset = self.line_offset;
        self.parser = Some(Parser::new(delimiter));
        self.parse(&preamble[skip..]);
    }

    fn parse(&mut self, text: &[u8]) {
        let Some(parser) = &mut self.parser else {
            return;
        };
        let rows = &mut self.rows;
        if parser.feed(text, &mut |record| rows.record(record)) == Flow::Stop {
            if let Some(end) = parser.stopped() {
                self.parse_ended(end);
            }
            self.stopped = true;
        }
    }

    fn parse_ended(&mut self, end: ParseEnd) {
        let error = match end {
            ParseEnd::Nul => FileError::NotText {
                what: crate::decode::NotText::Binary,
            },
            ParseEnd::UnclosedQuote {
                quote_line, cell, ..
            } => FileError::UnclosedQuote {
                row: self.rows.records + 1,
                line: quote_line + self.line_offset,
                column: match &self.rows.columns {
                    Some(columns) => columns.name_of(cell),
                    None => format!("column {}", crate::error::column_letters(cell)),
                },
            },
        };
        self.fail(error);
    }

    fn fail(&mut self, error: FileError) {
        self.rows.file_errors.push(error);
        self.stopped = true;
    }
}

/// Whether `text` holds the whole header line (after a `sep=` line and
/// leading blank lines), so the delimiter can be chosen.
fn preamble_is_complete(text: &[u8]) -> bool {
    header_line(text).is_some()
}

/// The header line: the first line with something in it besides white
/// space, delimiters and quotes, up to its end (line ends inside quotes do
/// not count). `None` while it is incomplete.
fn header_line(text: &[u8]) -> Option<&[u8]> {
    let mut start = 0;
    let mut in_quotes = false;
    let mut has_content = false;
    for (i, &b) in text.iter().enumerate() {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\r' | b'\n' if !in_quotes => {
                if has_content {
                    return Some(&text[start..i]);
                }
                start = i + 1;
            }
            b' ' | b'\t' | b',' | b';' | b'|' => {}
            _ => has_content = true,
        }
    }
    None
}

/// Excel's `sep=;` first line: its length with the line end, and the
/// delimiter it names. Quotes around it and trailing delimiters (a
/// spreadsheet re-saving it) are tolerated.
fn sep_line(text: &[u8]) -> Option<(usize, u8)> {
    let end = text.iter().position(|&b| b == b'\r' || b == b'\n')?;
    let line_len = match &text[end..] {
        [b'\r', b'\n', ..] => end + 2,
        _ => end + 1,
    };
    let line = &text[..end];
    let line = line.strip_prefix(b"\"").unwrap_or(line);
    if line.len() < 5 || !line[..4].eq_ignore_ascii_case(b"sep=") {
        return None;
    }
    let delimiter = line[4];
    let allowed = delimiter == b'\t' || (delimiter.is_ascii_punctuation() && delimiter != b'"');
    let rest_ok = line[5..]
        .iter()
        .all(|&b| b == delimiter || b == b'"' || b == b' ' || b == b'\t');
    (allowed && rest_ok).then_some((line_len, delimiter))
}

/// The candidate delimiter under which the header line reads best: the most
/// template headers, then the most cells, then the order `,` `;` TAB `|`.
fn choose_delimiter(text: &[u8]) -> u8 {
    const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];
    let Some(line) = header_line(text).or_else(|| (!text.is_empty()).then_some(text)) else {
        return b',';
    };
    let mut best = (b',', 0, 0);
    for delimiter in CANDIDATES {
        let cells = split_line(line, delimiter);
        let score = (header_score(&cells), cells.len());
        if score > (best.1, best.2) {
            best = (delimiter, score.0, score.1);
        }
    }
    best.0
}

fn split_line(line: &[u8], delimiter: u8) -> Vec<String> {
    let mut parser = Parser::new(delimiter);
    let mut cells = Vec::new();
    let mut take = |record: RawRecord<'_>| {
        if cells.is_empty() {
            cells = record
                .cells()
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect();
        }
        Flow::Stop
    };
    if parser.feed(line, &mut take) == Flow::Continue {
        parser.finish(&mut take);
    }
    cells
}

/// Everything the check learns from the records, row by row.
#[derive(Debug)]
pub(crate) struct Rows {
    pub(crate) decoder: CellDecoder,
    pub(crate) encoding: Option<Encoding>,
    pub(crate) line_offset: u64,
    /// Records seen, the header and blank ones included: the last one's row
    /// number as a spreadsheet shows it.
    pub(crate) records: u32,
    pub(crate) data_rows: u32,
    pub(crate) blank_rows: u32,
    pub(crate) columns: Option<Columns>,
    pub(crate) store: RowStore,
    pub(crate) metas: Vec<RowMeta>,
    pub(crate) errors: Vec<RowError>,
    pub(crate) warnings: Vec<Warning>,
    pub(crate) file_errors: Vec<FileError>,
    emails: EmailClaims,
    directory: Option<Directory>,
    max_rows: u32,
    /// The current record's decoded cells, reused.
    current: DecodedRecord,
    /// A buffer the rules reuse.
    scratch: String,
    /// Bytes the file is expected to have, to size the row store once.
    expected_bytes: u64,
    /// Cells corrected by hand, by row then column, one per cell.
    edits: Vec<CellEdit>,
}

impl Rows {
    fn new(directory: Option<Directory>, max_rows: u32) -> Rows {
        Rows {
            decoder: CellDecoder::new(None),
            encoding: None,
            line_offset: 0,
            records: 0,
            data_rows: 0,
            blank_rows: 0,
            columns: None,
            store: RowStore::default(),
            metas: Vec::new(),
            errors: Vec::new(),
            warnings: Vec::new(),
            file_errors: Vec::new(),
            emails: EmailClaims::default(),
            directory,
            max_rows,
            current: DecodedRecord::default(),
            scratch: String::new(),
            expected_bytes: 0,
            edits: Vec::new(),
        }
    }

    fn record(&mut self, record: RawRecord<'_>) -> Flow {
        self.records = self.records.saturating_add(1);
        let edits = self.edits_of_this_row();
        let unchanged = self.decoder.decode_unchanged(
            record.bytes(),
            record.ends(),
            record.gap() == 0,
            record.high_bytes(),
        );
        // Most records: valid UTF-8 and not corrected, checked where the
        // parser left them, without a copy.
        if let (Some(text), true) = (unchanged, edits.is_empty()) {
            let cells = Cells {
                text,
                ends: record.ends(),
                gap: record.gap(),
            };
            return self.cells(cells);
        }
        let mut current = std::mem::take(&mut self.current);
        current.clear();
        if let Some(text) = unchanged {
            current.text.push_str(text);
            current.ends.extend_from_slice(record.ends());
            current.gap = record.gap();
        } else if self.decoder.encoding() == Some(Encoding::Windows1252) {
            push_windows_1252_record(
                record.bytes(),
                record.ends(),
                &mut current.text,
                &mut current.ends,
            );
            current.gap = record.gap();
        } else {
            for cell in record.cells() {
                if self.decoder.decode_into(cell, &mut current.text) {
                    self.warnings.insert(0, Warning::Windows1252);
                }
                current.end_cell();
            }
        }
        if !edits.is_empty() {
            current.apply_edits(&self.edits[edits]);
        }
        let flow = self.cells(current.as_cells());
        self.current = current;
        flow
    }

    /// Where this row's hand-corrected cells are in `edits` (none before the
    /// header is known: edits are of data rows).
    fn edits_of_this_row(&self) -> std::ops::Range<usize> {
        if self.edits.is_empty() || self.columns.is_none() {
            return 0..0;
        }
        let row = self.records;
        let first = self.edits.partition_point(|e| e.row < row);
        let count = self.edits[first..]
            .iter()
            .take_while(|e| e.row == row)
            .count();
        first..first + count
    }

    /// One record's cells, decoded: skips blank rows, reads the header, or
    /// checks a data row.
    fn cells(&mut self, cells: Cells<'_>) -> Flow {
        // Stops at the first character that is not white space: at once,
        // in almost every record.
        let blank = cells.iter().all(|c| c.chars().all(char::is_whitespace));
        if self.columns.is_none() {
            if blank {
                return Flow::Continue;
            }
            return self.header(cells);
        }
        if blank {
            self.blank_rows += 1;
            return Flow::Continue;
        }
        if self.data_rows >= self.max_rows {
            self.file_errors.push(FileError::TooManyRows {
                limit: self.max_rows,
            });
            return Flow::Stop;
        }
        self.data_rows += 1;
        self.data_row(cells);
        Flow::Continue
    }

    fn header(&mut self, cells: Cells<'_>) -> Flow {
        let headers: Vec<String> = cells.iter().map(str::to_string).collect();
        match map_header(headers) {
            Ok((columns, warning)) => {
                self.warnings.extend(warning);
                self.store = RowStore::with_capacity(columns.width(), self.expected_bytes);
                // About 80 bytes a row in real exports.
                let rows = (self.expected_bytes / 80) as usize;
                self.metas.reserve(rows);
                self.emails = EmailClaims::with_capacity(rows);
                self.columns = Some(columns);
                Flow::Continue
            }
            Err(error) => {
                self.file_errors.push(error);
                Flow::Stop
            }
        }
    }

    /// Checks a record as a data row and stores it.
    fn data_row(&mut self, record: Cells<'_>) {
        let Some(columns) = &self.columns else {
            return;
        };
        let row = self.records;
        let index = self.metas.len() as u32;
        let errors_before = self.errors.len();
        let mut meta = RowMeta::new(row);
        let mut valid_email = None;
        if let Some(error) = extra_cells_error(record, columns.width(), row) {
            self.errors.push(error);
        }
        // Every column of the header, in order; cells the row does not reach
        // are empty.
        for column in 0..columns.width() {
            let raw = record.get(column);
            if let Some(error) = cell_too_long_error(raw, columns, column, row) {
                self.errors.push(error);
                continue;
            }
            let Some(field) = columns.field_of(column) else {
                continue;
            };
            let value = prepare_cell(raw);
            match rules::check(field, value, &mut self.scratch) {
                Ok(()) if value.is_empty() => {}
                Ok(()) => match field {
                    Field::Email => {
                        meta.email_valid = true;
                        valid_email = Some(value);
                    }
                    Field::Extension => meta.extension = extension_number(value),
                    _ => {}
                },
                Err(problem) => self.errors.push(RowError {
                    row,
                    column: Some(field.header().to_string()),
                    code: problem.code,
                    message: problem.message,
                }),
            }
        }
        meta.has_errors = self.errors.len() > errors_before;
        self.store.push_joined(record.text, record.ends, record.gap);
        self.metas.push(meta);
        if let Some(email) = valid_email {
            self.emails.claim(email, index);
        }
    }

    fn finish(mut self) -> Report {
        if self.file_errors.is_empty() {
            if self.columns.is_none() {
                self.file_errors.push(FileError::Empty);
            } else if self.data_rows == 0 {
                self.file_errors.push(FileError::NoDataRows);
            }
        }
        let emails = self.settle_emails();
        Report::build(self.into_parts(emails))
    }

    /// The last row wins: which rows share an email, settled now that every
    /// row is known (each superseded row learns the next one with its
    /// email), and the index of the rows that hold each email last.
    fn settle_emails(&mut self) -> EmailIndex {
        let claims = std::mem::take(&mut self.emails);
        let Some(column) = self
            .columns
            .as_ref()
            .and_then(|c| c.column_of(Field::Email))
        else {
            return EmailIndex::default();
        };
        let (store, metas) = (&self.store, &mut self.metas);
        claims.settle(
            |row| prepare_cell(store.cell(row as usize, column)),
            |earlier, later| metas[earlier as usize].superseded_by = Some(later),
        )
    }

    fn into_parts(self, emails: EmailIndex) -> crate::report::Parts {
        crate::report::Parts {
            encoding: match self.encoding {
                Some(utf16 @ (Encoding::Utf16Le | Encoding::Utf16Be)) => utf16,
                // A file of nothing but ASCII is UTF-8 too.
                _ => self.decoder.encoding().unwrap_or(Encoding::Utf8),
            },
            blank_rows: self.blank_rows,
            columns: self.columns,
            store: self.store,
            metas: self.metas,
            errors: self.errors,
            warnings: self.warnings,
            file_errors: self.file_errors,
            directory: self.directory,
            emails,
        }
    }
}

/// One record's cells as text, when they had to be decoded or corrected
/// (reused from record to record).
#[derive(Debug, Default)]
struct DecodedRecord {
    text: String,
    ends: Vec<usize>,
    /// As in the raw record: bytes between cells (0 or 1).
    gap: usize,
}

impl DecodedRecord {
    fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
        self.gap = 0;
    }

    fn end_cell(&mut self) {
        self.ends.push(self.text.len());
    }

    fn as_cells(&self) -> Cells<'_> {
        Cells {
            text: &self.text,
            ends: &self.ends,
            gap: self.gap,
        }
    }

    /// Puts hand-corrected cells (all of this record's row) in place.
    fn apply_edits(&mut self, edits: &[CellEdit]) {
        let current = self.as_cells();
        let width = current
            .len()
            .max(edits.iter().map(|e| e.column + 1).max().unwrap_or(0));
        let cells: Vec<String> = (0..width)
            .map(|i| match edits.iter().find(|e| e.column == i) {
                Some(edit) => edit.value.clone(),
                None => current.get(i).to_string(),
            })
            .collect();
        self.clear();
        for cell in &cells {
            self.text.push_str(cell);
            self.end_cell();
        }
    }
}

/// A record's cells: `text` holds them one after another, each ending at
/// its entry in `ends`, with `gap` bytes (the delimiter, 0 or 1) between.
#[derive(Debug, Clone, Copy)]
struct Cells<'a> {
    text: &'a str,
    ends: &'a [usize],
    gap: usize,
}

impl<'a> Cells<'a> {
    fn len(&self) -> usize {
        self.ends.len()
    }

    /// Cell `i`, or `""` past the end of the record.
    fn get(&self, i: usize) -> &'a str {
        let Some(&end) = self.ends.get(i) else {
            return "";
        };
        let start = match i.checked_sub(1) {
            // SAFETY: `i - 1 < i < ends.len()`.
            Some(before) => (unsafe { *self.ends.get_unchecked(before) }) + self.gap,
            None => 0,
        };
        debug_assert!(self.text.get(start..end).is_some(), "cell {i} of {self:?}");
        // SAFETY: every `Cells` is made from a record whose cell ends lie
        // in its text, in order, on character boundaries, with `gap` ASCII
        // delimiter bytes between cells: a raw record once
        // `CellDecoder::decode_unchanged` has accepted it (it validates the
        // text, and checks the ends of cells joined without a gap), or a
        // `DecodedRecord` (ends taken from `String::len` after each cell,
        // or, for a Windows-1252 record converted whole, its byte ends
        // moved by what the characters before them grew: every byte is a
        // whole character, so they fall between characters).
        // Slicing with a check cost 4% of the whole check (two builds timed
        // in turns, README); debug builds, and so every test and property
        // test, still check every cell (above).
        unsafe { self.text.get_unchecked(start..end) }
    }

    fn iter(&self) -> impl Iterator<Item = &'a str> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }
}

/// The edits by row then column, the last one of each cell kept.
fn sorted_edits(mut edits: Vec<CellEdit>) -> Vec<CellEdit> {
    // A stable sort keeps the order of edits to the same cell: the last wins.
    edits.sort_by_key(|e| (e.row, e.column));
    let mut kept: Vec<CellEdit> = Vec::with_capacity(edits.len());
    for edit in edits {
        match kept.last_mut() {
            Some(last) if (last.row, last.column) == (edit.row, edit.column) => *last = edit,
            _ => kept.push(edit),
        }
    }
    kept
}

/// Non-empty cells past the header's last column: one error for the row
/// that quotes them, so that nothing typed there is lost unseen.
fn extra_cells_error(record: Cells<'_>, width: usize, row: u32) -> Option<RowError> {
    let last = (width..record.len()).rfind(|&i| !record.get(i).trim().is_empty())?;
    let extra: Vec<String> = (width..=last)
        .map(|i| record.get(i).trim())
        .filter(|c| !c.is_empty())
        .map(|cell| quoted(cell).to_string())
        .collect();
    let (values, pronoun, verb) = if extra.len() == 1 {
        ("value", "it", "is")
    } else {
        ("values", "them", "are")
    };
    Some(RowError {
        row,
        column: None,
        code: ErrorCode::TooManyCells,
        message: format!(
            "This row has {} cells but the header has {width}; the extra {values} {} {verb} not \
             in any column. Move {pronoun} into the right column or remove {pronoun}.",
            last + 1,
            extra.join(", "),
        ),
    })
}

/// A cell over 1,000 characters, in any column: refused before its rule
/// runs. One that spans lines most likely swallowed rows after a stray quote.
fn cell_too_long_error(raw: &str, columns: &Columns, column: usize, row: u32) -> Option<RowError> {
    if raw.len() <= CELL_MAX_CHARS {
        return None;
    }
    let chars = raw.chars().count();
    if chars <= CELL_MAX_CHARS {
        return None;
    }
    let name = columns.name_of(column);
    let hint = if raw.contains(['\r', '\n']) {
        " It runs over several lines: a quote is probably missing or extra."
    } else {
        ""
    };
    Some(RowError {
        row,
        message: format!(
            "{name} has {} characters; a cell may have at most {}.{hint}",
            group_thousands(chars as u64),
            group_thousands(CELL_MAX_CHARS as u64),
        ),
        column: Some(name),
        code: ErrorCode::CellTooLong,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sep_lines() {
        assert_eq!(sep_line(b"sep=;\r\nFirst"), Some((7, b';')));
        assert_eq!(sep_line(b"SEP=|\nFirst"), Some((6, b'|')));
        assert_eq!(sep_line(b"sep=\t\rFirst"), Some((6, b'\t')));
        assert_eq!(sep_line(b"\"sep=;\";;;;\r\n"), Some((13, b';')));
        assert_eq!(sep_line(b"sep=;"), None, "incomplete line");
        assert_eq!(sep_line(b"sep=a\n"), None);
        assert_eq!(sep_line(b"sep=\n"), None);
        assert_eq!(sep_line(b"separator,x\n"), None);
    }

    #[test]
    fn header_line_skips_blank_lines_and_respects_quotes() {
        assert_eq!(header_line(b"a,b\r\n"), Some(&b"a,b"[..]));
        assert_eq!(
            header_line(b",,,\r\n \n\"a\nb\",c\n"),
            Some(&b"\"a\nb\",c"[..])
        );
        assert_eq!(header_line(b"a,b"), None);
        assert_eq!(header_line(b"\"a\n"), None);
    }

    #[test]
    fn delimiter_follows_the_header() {
        assert_eq!(choose_delimiter(b"First Name,Last Name,Email\n"), b',');
        assert_eq!(choose_delimiter(b"First Name;Last Name;Email\n"), b';');
        assert_eq!(choose_delimiter(b"First Name\tLast Name\tEmail\n"), b'\t');
        assert_eq!(choose_delimiter(b"First Name|Last Name|Email\n"), b'|');
        // Known headers beat a delimiter that merely splits more.
        assert_eq!(
            choose_delimiter(b"First Name;Last Name;Email;Title, Dept\n"),
            b';'
        );
        assert_eq!(choose_delimiter(b"a;b;c\n"), b';');
        assert_eq!(choose_delimiter(b"abc\n"), b',');
        assert_eq!(choose_delimiter(b""), b',');
    }
}
