//! A resumable CSV parser: bytes in, in chunks of any size; records out.
//!
//! It follows RFC 4180 the way Excel reads it:
//! - a quote opens a quoted cell only as the cell's first byte; elsewhere it
//!   is an ordinary character (`O"Brien` stays as it is);
//! - `""` inside a quoted cell is one quote; text after a closing quote is
//!   kept (`"ab"c` reads `abc`);
//! - CRLF, LF and CR all end a record, and an empty line is a record of one
//!   empty cell (so row numbers match the spreadsheet's).
//!
//! It counts lines (for messages), remembers where an open quote started,
//! and refuses NUL bytes, which no CSV text contains. Cells are delivered as
//! raw bytes; decoding them is the caller's concern.

use crate::scan::{classify_at, Masks, BLOCK};

/// The completed cells of one record, as the parser hands them over:
/// borrowed from the input when a whole line was at hand, else from the
/// record the parser built; valid until the next record.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RawRecord<'a> {
    bytes: &'a [u8],
    ends: &'a [usize],
    /// Bytes between one cell's end and the next one's start: 1 when the
    /// record was copied whole with its delimiters, 0 when built cell by
    /// cell.
    gap: usize,
    /// Line on which the record starts (1-based, lines of the whole input).
    /// Messages name the line of an opening quote instead; the tests read it.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) line: u64,
    /// What the parser saw of bytes above 0x7F in `bytes`.
    high_bytes: HighBytes,
}

/// Where a record's bytes above 0x7F are, as far as the parser knows: its
/// fast path sees every byte's class anyway, so the decoder can skip what
/// is known to be ASCII.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum HighBytes {
    /// Not looked at (a record built byte by byte).
    #[default]
    Unknown,
    /// Every byte is ASCII.
    None,
    /// Every byte outside `start..end` is ASCII.
    Within { start: usize, end: usize },
}

impl<'a> RawRecord<'a> {
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    pub(crate) fn cell(&self, i: usize) -> &'a [u8] {
        let start = if i == 0 {
            0
        } else {
            self.ends[i - 1] + self.gap
        };
        &self.bytes[start..self.ends[i]]
    }

    /// See the field: 0 or 1.
    pub(crate) fn gap(&self) -> usize {
        self.gap
    }

    /// Every cell's bytes, one after another (with the delimiters between
    /// them when [`gap`](RawRecord::gap) is 1).
    pub(crate) fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Where each cell ends in [`bytes`](RawRecord::bytes).
    pub(crate) fn ends(&self) -> &'a [usize] {
        self.ends
    }

    /// See [`HighBytes`].
    pub(crate) fn high_bytes(&self) -> HighBytes {
        self.high_bytes
    }

    pub(crate) fn cells(&self) -> impl Iterator<Item = &'a [u8]> + '_ {
        (0..self.len()).map(|i| self.cell(i))
    }
}

/// The record being built, reused from record to record.
#[derive(Debug, Default, Clone)]
struct RecordBuffer {
    bytes: Vec<u8>,
    ends: Vec<usize>,
    /// As in [`RawRecord`].
    gap: usize,
    line: u64,
    high_bytes: HighBytes,
}

impl RecordBuffer {
    /// The record, its cells' bytes from `bytes` if given (a line of the
    /// input that the ends point into), else from this buffer.
    fn as_record<'a>(&'a self, bytes: Option<&'a [u8]>) -> RawRecord<'a> {
        RawRecord {
            bytes: bytes.unwrap_or(&self.bytes),
            ends: &self.ends,
            gap: self.gap,
            line: self.line,
            high_bytes: self.high_bytes,
        }
    }

    fn clear(&mut self) {
        self.bytes.clear();
        self.ends.clear();
        self.gap = 0;
        self.high_bytes = HighBytes::Unknown;
    }
}

/// Where the parser stopped for good.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ParseEnd {
    /// A NUL byte: not a text file.
    Nul,
    /// The input ended inside a quoted cell. `record_line` and `quote_line`
    /// are 1-based; `cell` is the 0-based index of the cell in its record.
    UnclosedQuote {
        record_line: u64,
        quote_line: u64,
        cell: usize,
    },
}

/// What the consumer of records tells the parser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flow {
    Continue,
    Stop,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// At the start of a cell (also the start of a record).
    StartCell,
    Unquoted,
    Quoted,
    /// Saw a quote inside a quoted cell: `""`, or the closing quote.
    QuoteInQuoted,
    /// A record ended with CR; a following LF belongs to it.
    AfterCr,
}

const QUOTE: u8 = b'"';

#[derive(Debug, Clone)]
pub(crate) struct Parser {
    state: State,
    record: RecordBuffer,
    /// The line the cursor is on (1-based).
    line: u64,
    /// The previous byte was CR (so an LF now does not start a new line).
    after_cr: bool,
    quote_line: u64,
    stopped: Option<ParseEnd>,
    delimiter: u8,
}

impl Parser {
    pub(crate) fn new(delimiter: u8) -> Parser {
        Parser {
            state: State::StartCell,
            record: RecordBuffer {
                line: 1,
                ..RecordBuffer::default()
            },
            line: 1,
            after_cr: false,
            quote_line: 0,
            stopped: None,
            delimiter,
        }
    }

    /// Why the parser stopped for good, if it did.
    pub(crate) fn stopped(&self) -> Option<ParseEnd> {
        self.stopped
    }

    /// Parses `input`, calling `on_record` for every complete record.
    pub(crate) fn feed(
        &mut self,
        input: &[u8],
        on_record: &mut dyn FnMut(RawRecord<'_>) -> Flow,
    ) -> Flow {
        let mut i = 0;
        while i < input.len() {
            if self.stopped.is_some() {
                return Flow::Stop;
            }
            if self.state == State::AfterCr && input[i] == b'\n' {
                i += 1;
                self.after_cr = false;
                self.state = State::StartCell;
                continue;
            }
            if matches!(self.state, State::StartCell | State::AfterCr)
                && self.record.ends.is_empty()
                && self.record.bytes.is_empty()
            {
                if let Some((used, flow)) = self.whole_line(&input[i..], on_record) {
                    i += used;
                    if flow == Flow::Stop {
                        return Flow::Stop;
                    }
                    continue;
                }
            }
            match self.state {
                State::Unquoted => {
                    i += self.take_run(&input[i..], false);
                    if i == input.len() {
                        break;
                    }
                    let b = input[i];
                    i += 1;
                    if self.end_of_cell(b, on_record) == Flow::Stop {
                        return Flow::Stop;
                    }
                }
                State::Quoted => {
                    i += self.take_run(&input[i..], true);
                    if i == input.len() {
                        break;
                    }
                    let b = input[i];
                    i += 1;
                    match b {
                        QUOTE => {
                            self.after_cr = false;
                            self.state = State::QuoteInQuoted;
                        }
                        0 => self.stopped = Some(ParseEnd::Nul),
                        _ => {
                            self.count_line(b);
                            self.record.bytes.push(b);
                        }
                    }
                }
                State::StartCell | State::AfterCr | State::QuoteInQuoted => {
                    let b = input[i];
                    i += 1;
                    if self.step(b, on_record) == Flow::Stop {
                        return Flow::Stop;
                    }
                }
            }
        }
        if self.stopped.is_some() {
            Flow::Stop
        } else {
            Flow::Continue
        }
    }

    /// Copies the bytes of a cell's text up to the next byte that matters
    /// into the record, and returns how many there were. That byte is a
    /// quote, CR, LF or NUL inside quotes; the delimiter, CR, LF or NUL
    /// outside.
    fn take_run(&mut self, input: &[u8], quoted: bool) -> usize {
        let run = if quoted {
            run_length(input, self.delimiter, |m| m.quote | m.line_end)
        } else {
            run_length(input, self.delimiter, |m| m.delimiter | m.line_end)
        };
        self.record.bytes.extend_from_slice(&input[..run]);
        if run > 0 {
            self.after_cr = false;
        }
        run
    }

    /// The fast path for most records: a whole line in the input at hand,
    /// without quotes or with quoted cells as spreadsheets write them
    /// (`"Manager, Sales"`). Delivers it and returns the bytes used (line
    /// end included); `None` leaves the record to the byte-by-byte path.
    fn whole_line(
        &mut self,
        input: &[u8],
        on_record: &mut dyn FnMut(RawRecord<'_>) -> Flow,
    ) -> Option<(usize, Flow)> {
        let Some(split) = split_line(input, self.delimiter, &mut self.record) else {
            self.record.clear();
            return None;
        };
        self.record.line = self.line;
        self.record.gap = 1;
        self.after_cr = false;
        // The cells of a line without quotes are read where they are, in
        // the input; a quoted line's were copied without their quotes.
        let in_place = split.in_place.then(|| &input[..split.len]);
        Some((split.len + 1, self.deliver(split.end, in_place, on_record)))
    }

    /// The record ends with the line end `b` (CR or LF): count the line,
    /// deliver the record (its cells in `line` of the input if given, else
    /// in the record built), and start the next.
    fn deliver(
        &mut self,
        b: u8,
        line: Option<&[u8]>,
        on_record: &mut dyn FnMut(RawRecord<'_>) -> Flow,
    ) -> Flow {
        self.count_line(b);
        self.state = if b == b'\r' {
            State::AfterCr
        } else {
            State::StartCell
        };
        let flow = on_record(self.record.as_record(line));
        self.record.clear();
        flow
    }

    /// Ends the input: delivers a last record without a line end, or
    /// reports an unclosed quote.
    pub(crate) fn finish(&mut self, on_record: &mut dyn FnMut(RawRecord<'_>) -> Flow) {
        if self.stopped.is_some() {
            return;
        }
        match self.state {
            State::Quoted => {
                self.stopped = Some(ParseEnd::UnclosedQuote {
                    record_line: self.record.line,
                    quote_line: self.quote_line,
                    cell: self.record.ends.len(),
                });
            }
            State::StartCell if self.record.ends.is_empty() => {}
            State::AfterCr => {}
            State::StartCell | State::Unquoted | State::QuoteInQuoted => {
                self.end_cell();
                on_record(self.record.as_record(None));
                self.record.clear();
                self.state = State::StartCell;
            }
        }
    }

    /// One byte in the states that look at every byte.
    fn step(&mut self, b: u8, on_record: &mut dyn FnMut(RawRecord<'_>) -> Flow) -> Flow {
        match self.state {
            State::AfterCr if b == b'\n' => {
                self.after_cr = false;
                self.state = State::StartCell;
                Flow::Continue
            }
            State::AfterCr | State::StartCell => {
                if self.state == State::AfterCr {
                    self.state = State::StartCell;
                }
                if self.record.ends.is_empty() && self.record.bytes.is_empty() {
                    self.record.line = self.line;
                }
                if b == QUOTE {
                    self.after_cr = false;
                    self.quote_line = self.line;
                    self.state = State::Quoted;
                    Flow::Continue
                } else if self.ends_unquoted_cell(b) {
                    self.end_of_cell(b, on_record)
                } else {
                    self.after_cr = false;
                    self.record.bytes.push(b);
                    self.state = State::Unquoted;
                    Flow::Continue
                }
            }
            State::QuoteInQuoted => {
                if b == QUOTE {
                    self.record.bytes.push(QUOTE);
                    self.state = State::Quoted;
                    Flow::Continue
                } else if self.ends_unquoted_cell(b) {
                    self.end_of_cell(b, on_record)
                } else {
                    self.after_cr = false;
                    self.record.bytes.push(b);
                    self.state = State::Unquoted;
                    Flow::Continue
                }
            }
            State::Unquoted | State::Quoted => unreachable!("handled by the run loops"),
        }
    }

    /// Whether `b` ends an unquoted cell: the delimiter, CR, LF or NUL.
    fn ends_unquoted_cell(&self, b: u8) -> bool {
        b == self.delimiter || matches!(b, b'\r' | b'\n' | 0)
    }

    /// `b` is the delimiter, CR, LF or NUL, outside quotes.
    fn end_of_cell(&mut self, b: u8, on_record: &mut dyn FnMut(RawRecord<'_>) -> Flow) -> Flow {
        if b == 0 {
            self.stopped = Some(ParseEnd::Nul);
            return Flow::Stop;
        }
        self.end_cell();
        if b == self.delimiter {
            self.after_cr = false;
            self.state = State::StartCell;
            return Flow::Continue;
        }
        self.deliver(b, None, on_record)
    }

    fn end_cell(&mut self) {
        self.record.ends.push(self.record.bytes.len());
    }

    /// Counts CR, LF and CRLF as one line end each.
    fn count_line(&mut self, b: u8) {
        match b {
            b'\r' => {
                self.line += 1;
                self.after_cr = true;
            }
            b'\n' => {
                if !self.after_cr {
                    self.line += 1;
                }
                self.after_cr = false;
            }
            _ => self.after_cr = false,
        }
    }
}

/// A line split by [`split_line`].
struct LineSplit {
    /// Bytes before the line end.
    len: usize,
    /// The line end: CR or LF.
    end: u8,
    /// The line has no quotes: its cells are in the input, not copied.
    in_place: bool,
}

/// Splits the line at the start of `input` into `record` (which is empty),
/// sixteen bytes at a time: its cell ends into `record.ends`, and for a line
/// with quotes, its bytes without them into `record.bytes` (delimiters
/// kept, as `gap` 1 says).
///
/// Quotes must be as spreadsheets write them: each opens a cell, or closes
/// one just before a delimiter or the line end. `None` (and a partly filled
/// record) for anything else, left to the byte-by-byte path: no line end in
/// `input`, a NUL, a doubled quote (`""`), a quote inside an unquoted cell,
/// text after a closing quote, or a quoted cell that goes on past the line
/// end.
fn split_line(input: &[u8], delimiter: u8, record: &mut RecordBuffer) -> Option<LineSplit> {
    // Bytes of the line before `copied` are in `record.bytes` (once a quote
    // is seen); `quotes` were left out, and an odd count of them means a
    // quoted cell is open. Few values live through the loop over a block's
    // events: Chromium's compiler keeps them in registers then, where with
    // two more (whether quotes are open, where the cell starts) it kept the
    // block's events on the stack in some builds (README, "The rules crate
    // in wasm").
    let mut copied = 0;
    let mut quotes = 0;
    let mut high = HighSpan::default();
    let mut at = 0;
    while at < input.len() {
        let masks = classify_at(input, at, delimiter);
        let mut events = masks.delimiter | masks.quote | masks.line_end;
        while events != 0 {
            let bit = events & events.wrapping_neg();
            events ^= bit;
            let i = at + bit.trailing_zeros() as usize;
            if bit & masks.quote != 0 {
                let fits = if quotes % 2 == 1 {
                    // The closing quote: the line's end or a delimiter next.
                    matches!(input.get(i + 1), Some(&b) if b == delimiter || b == b'\r' || b == b'\n')
                } else {
                    // The opening quote starts its cell: the line's first
                    // byte, or the one after a delimiter (outside quotes,
                    // as every quote before it is closed).
                    i == 0 || input[i - 1] == delimiter
                };
                if !fits {
                    return None;
                }
                append_run(&mut record.bytes, input, copied, i);
                copied = i + 1;
                quotes += 1;
            } else if quotes % 2 == 1 {
                if bit & masks.line_end != 0 {
                    return None;
                }
            } else if bit & masks.delimiter != 0 {
                record.ends.push(i - quotes);
            } else {
                let end = input[i];
                if end == 0 {
                    return None;
                }
                record.ends.push(i - quotes);
                high.note(masks.non_ascii & (bit - 1), at);
                let in_place = quotes == 0;
                if !in_place {
                    record.bytes.extend_from_slice(&input[copied..i]);
                }
                record.high_bytes = high.in_record(quotes, i - quotes);
                return Some(LineSplit {
                    len: i,
                    end,
                    in_place,
                });
            }
        }
        high.note(masks.non_ascii, at);
        at += BLOCK;
    }
    None
}

/// Appends `input[from..to]` to `out`. A short run (most cells) is copied
/// as a block of sixteen bytes, then cut to length: a copy of a size known
/// when compiling, not a call to `memcpy`.
#[inline]
fn append_run(out: &mut Vec<u8>, input: &[u8], from: usize, to: usize) {
    let len = out.len();
    match input[from..].first_chunk::<16>() {
        Some(block) if to - from <= 16 => {
            out.extend_from_slice(block);
            out.truncate(len + to - from);
        }
        _ => out.extend_from_slice(&input[from..to]),
    }
}

/// Where a line's bytes above 0x7F are: from the first one to the end of
/// the last one.
#[derive(Default)]
struct HighSpan {
    start: Option<usize>,
    end: usize,
}

impl HighSpan {
    /// Notes the high bytes of the block at `at`.
    fn note(&mut self, bits: u32, at: usize) {
        if bits != 0 {
            self.start
                .get_or_insert(at + bits.trailing_zeros() as usize);
            self.end = at + (u32::BITS - bits.leading_zeros()) as usize;
        }
    }

    /// The span in the record's bytes: `len` of them, `quotes` fewer than
    /// the line had. A byte moved back by at most `quotes`, so the span
    /// widened that much still holds every high byte.
    fn in_record(&self, quotes: usize, len: usize) -> HighBytes {
        match self.start {
            None => HighBytes::None,
            Some(start) => HighBytes::Within {
                start: start.saturating_sub(quotes),
                end: self.end.min(len),
            },
        }
    }
}

/// How many bytes at the start of `bytes` come before the first one that
/// `stops` picks out of its block's masks.
#[inline]
fn run_length(bytes: &[u8], delimiter: u8, stops: impl Fn(Masks) -> u32) -> usize {
    let mut at = 0;
    while at < bytes.len() {
        let found = stops(classify_at(bytes, at, delimiter));
        if found != 0 {
            return at + found.trailing_zeros() as usize;
        }
        at += BLOCK;
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses `input` fed in chunks of `chunk` bytes; each record as
    /// `(line, cells)`, and how the parse ended.
    fn parse_chunked(
        input: &[u8],
        delimiter: u8,
        chunk: usize,
    ) -> (Vec<(u64, Vec<String>)>, Option<ParseEnd>) {
        let mut parser = Parser::new(delimiter);
        let mut records = Vec::new();
        let mut collect = |r: RawRecord<'_>| {
            let cells = r
                .cells()
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect();
            records.push((r.line, cells));
            Flow::Continue
        };
        for piece in input.chunks(chunk.max(1)) {
            if parser.feed(piece, &mut collect) == Flow::Stop {
                break;
            }
        }
        parser.finish(&mut collect);
        (records, parser.stopped())
    }

    fn parse(input: &str) -> Vec<Vec<String>> {
        let (records, end) = parse_chunked(input.as_bytes(), b',', usize::MAX);
        assert_eq!(end, None);
        records.into_iter().map(|(_, cells)| cells).collect()
    }

    fn rows(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect()
    }

    #[test]
    fn plain_records_with_every_line_end() {
        let want = rows(&[&["a", "b"], &["c", "d"]]);
        assert_eq!(parse("a,b\r\nc,d\r\n"), want);
        assert_eq!(parse("a,b\nc,d\n"), want);
        assert_eq!(parse("a,b\rc,d\r"), want);
        assert_eq!(parse("a,b\nc,d"), want);
    }

    #[test]
    fn empty_lines_are_records_of_one_empty_cell() {
        assert_eq!(
            parse("a\r\n\r\nb\n\nc\r\rd"),
            rows(&[&["a"], &[""], &["b"], &[""], &["c"], &[""], &["d"]])
        );
    }

    #[test]
    fn empty_cells_and_trailing_delimiters() {
        assert_eq!(parse(",a,,\n"), rows(&[&["", "a", "", ""]]));
        assert_eq!(parse("a,"), rows(&[&["a", ""]]));
    }

    #[test]
    fn quoted_cells() {
        assert_eq!(
            parse("\"a,b\",\"say \"\"hi\"\"\",\"line\r\nbreak\"\n"),
            rows(&[&["a,b", "say \"hi\"", "line\r\nbreak"]])
        );
        assert_eq!(parse("\"\",x"), rows(&[&["", "x"]]));
    }

    #[test]
    fn quotes_inside_unquoted_cells_are_literal() {
        assert_eq!(parse("O\"Brien,a\"b\"\n"), rows(&[&["O\"Brien", "a\"b\""]]));
    }

    #[test]
    fn text_after_a_closing_quote_is_kept() {
        assert_eq!(parse("\"ab\"c,d"), rows(&[&["abc", "d"]]));
    }

    #[test]
    fn other_delimiters() {
        let (records, _) = parse_chunked(b"a;b\tc|d\n\"x;y\";z", b';', 3);
        let cells: Vec<_> = records.into_iter().map(|(_, c)| c).collect();
        assert_eq!(cells, rows(&[&["a", "b\tc|d"], &["x;y", "z"]]));
    }

    #[test]
    fn records_know_their_first_line() {
        let input = b"h\r\n\"multi\r\nline\"\r\nnext\n\nlast\rend";
        let (records, _) = parse_chunked(input, b',', usize::MAX);
        let lines: Vec<u64> = records.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, [1, 2, 4, 5, 6, 7]);
    }

    #[test]
    fn every_chunking_gives_the_same_records() {
        let input = b"First,Last\r\n\"Zo\xC3\xAB, \"\"Z\"\"\",\"O'Brien\r\nJr\"\r\n\r\nx,y\rz";
        let (whole, end) = parse_chunked(input, b',', usize::MAX);
        assert_eq!(end, None);
        for chunk in 1..input.len() {
            assert_eq!(
                parse_chunked(input, b',', chunk),
                (whole.clone(), None),
                "{chunk}"
            );
        }
    }

    proptest::proptest! {
        /// Fed a byte at a time, no line is ever whole in the input at
        /// hand, so every record takes the byte-by-byte path: the fast
        /// paths (plain lines, spreadsheet-quoted lines) must agree with it.
        #[test]
        fn the_whole_line_paths_agree_with_the_byte_by_byte_path(
            input in proptest::collection::vec(proptest::sample::select(b"ab;,\"\"\r\n\n \xC3\xA9\0".to_vec()), 0..64)
        ) {
            let whole = parse_chunked(&input, b',', usize::MAX);
            proptest::prop_assert_eq!(parse_chunked(&input, b',', 1), whole);
        }
    }

    #[test]
    fn unclosed_quote_names_where_it_opened() {
        let input = b"h1,h2\r\na,b\r\nc,\"open\r\nd,e\r\n";
        for chunk in [1, 4, usize::MAX] {
            let (records, end) = parse_chunked(input, b',', chunk);
            assert_eq!(records.len(), 2);
            assert_eq!(
                end,
                Some(ParseEnd::UnclosedQuote {
                    record_line: 3,
                    quote_line: 3,
                    cell: 1
                })
            );
        }
    }

    #[test]
    fn nul_stops_the_parser() {
        for input in [&b"a,b\0c\n"[..], b"\"a\0\"", b"\0", b"a\r\0"] {
            let (_, end) = parse_chunked(input, b',', 1);
            assert_eq!(end, Some(ParseEnd::Nul), "{input:?}");
        }
    }

    #[test]
    fn run_length_finds_the_first_stop_in_any_block() {
        let stops = |m: Masks| m.delimiter | m.line_end;
        for len in 0..40 {
            for at in 0..=len {
                let mut bytes = vec![b'x'; len];
                if at < len {
                    bytes[at] = b',';
                }
                assert_eq!(run_length(&bytes, b',', stops), at, "{len} {at}");
            }
        }
        assert_eq!(run_length(b"\x80\xff\x01\x2d\x2b\r", b',', stops), 5);
        assert_eq!(
            run_length(b"\x80\x81\x82\x83\x84\x85\x86\x87\x00", b',', stops),
            8
        );
        assert_eq!(run_length(b"a,b\"", b',', |m| m.quote), 3);
    }

    #[test]
    fn lines_are_split_where_they_lie_or_copied_without_quotes() {
        let split = |line: &[u8]| {
            let mut record = RecordBuffer::default();
            split_line(line, b',', &mut record).map(|s| {
                let bytes = if s.in_place {
                    line[..s.len].to_vec()
                } else {
                    record.bytes.clone()
                };
                (s.len, s.end, bytes, record.ends.clone(), record.high_bytes)
            })
        };
        assert_eq!(
            split(b"a,bc,,d\r\n"),
            Some((
                7,
                b'\r',
                b"a,bc,,d".to_vec(),
                vec![1, 4, 5, 7],
                HighBytes::None
            ))
        );
        // A line over several blocks, its high bytes anywhere.
        let long = b"Se\xC3\xA1n,M\xC3\xBCller,user2.garcia@example.com,100001,+44 20 7946 0002,\xE2\x82\xAC\n";
        let (len, _, bytes, ends, high) = split(long).expect("a plain line");
        assert_eq!(
            (len, bytes.len(), ends),
            (66, 66, vec![5, 13, 38, 45, 62, 66])
        );
        assert_eq!(high, HighBytes::Within { start: 2, end: 66 });
        assert_eq!(
            split(b"\"Manager, Sales\",R&D,\"\"\n"),
            Some((
                23,
                b'\n',
                b"Manager, Sales,R&D,".to_vec(),
                vec![14, 18, 19],
                HighBytes::None
            ))
        );
        // Every high byte lies in the span, in the copy's positions.
        let (_, _, bytes, _, high) = split(b"\"a\",\"b\",\"\xC3\xA9\"\n").expect("quoted");
        assert_eq!(bytes, b"a,b,\xC3\xA9");
        let HighBytes::Within { start, end } = high else {
            panic!("{high:?}")
        };
        assert!(start <= 4 && end == 6, "{start} {end}");
        for odd in [
            &b"a,b"[..],
            b"a,\0\n",
            b"\"a\"\"b\"\n",
            b"a\"b\n",
            b"\"a\"b,c\n",
            b"\"a\nb\"\n",
            b"\"a\"",
        ] {
            assert_eq!(split(odd), None, "{odd:?}");
        }
    }

    #[test]
    fn a_stop_from_the_consumer_stops_feeding() {
        let mut parser = Parser::new(b',');
        let mut seen = 0;
        let flow = parser.feed(b"a\nb\nc\n", &mut |_| {
            seen += 1;
            Flow::Stop
        });
        assert_eq!(flow, Flow::Stop);
        assert_eq!(seen, 1);
    }
}
