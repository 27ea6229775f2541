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
        }
    }

    fn clear(&mut self) {
        self.bytes.clear();
        self.ends.clear();
        self.gap = 0;
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
    /// Bytes that end an unquoted run: the delimiter, CR, LF, NUL.
    stops_unquoted: [u8; 4],
    /// Bytes that end a quoted run: the quote, CR, LF, NUL.
    stops_quoted: [u8; 4],
    stopped: Option<ParseEnd>,
    delimiter: u8,
}

impl Parser {
    pub(crate) fn new(delimiter: u8) -> Parser {
        let stops_unquoted = [delimiter, b'\r', b'\n', 0];
        let stops_quoted = [QUOTE, b'\r', b'\n', 0];
        Parser {
            state: State::StartCell,
            record: RecordBuffer {
                line: 1,
                ..RecordBuffer::default()
            },
            line: 1,
            after_cr: false,
            quote_line: 0,
            stops_unquoted,
            stops_quoted,
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
                    i += self.take_run(&input[i..], self.stops_unquoted);
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
                    i += self.take_run(&input[i..], self.stops_quoted);
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

    /// Copies the bytes before the next of `stops` into the record and
    /// returns how many there were.
    fn take_run(&mut self, input: &[u8], stops: [u8; 4]) -> usize {
        let run = run_length(input, &stops);
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
        let len = run_length(input, &[b'\r', b'\n', QUOTE, 0]);
        // The cells of a line without quotes are read where they are, in
        // the input; a quoted line's are copied without their quotes.
        let (len, end, in_place) = match *input.get(len)? {
            end @ (b'\r' | b'\n') => {
                let line = &input[..len];
                push_positions(line, self.delimiter, 0, &mut self.record.ends);
                self.record.ends.push(len);
                (len, end, Some(line))
            }
            QUOTE => {
                let len = len + run_length(&input[len..], &[b'\r', b'\n', 0]);
                let end = *input.get(len)?;
                if end == 0 || !split_quoted_line(&input[..len], self.delimiter, &mut self.record) {
                    self.record.clear();
                    return None;
                }
                (len, end, None)
            }
            _ => return None,
        };
        self.record.line = self.line;
        self.record.gap = 1;
        self.after_cr = false;
        Some((len + 1, self.deliver(end, in_place, on_record)))
    }

    /// The record ends with the line end `b` (CR or LF): count the line,
    /// deliver the record, and start the next.
    fn end_record(&mut self, b: u8, on_record: &mut dyn FnMut(RawRecord<'_>) -> Flow) -> Flow {
        self.deliver(b, None, on_record)
    }

    /// [`end_record`](Parser::end_record) for a record whose cells are in
    /// `line` (of the input) if given, else in the record built.
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
                } else if self.stops_unquoted.contains(&b) {
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
                } else if self.stops_unquoted.contains(&b) {
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
        self.end_record(b, on_record)
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

/// Splits a line with quotes into `record` (delimiter-joined, `gap` 1) when
/// every quote opens a cell or closes it just before a delimiter or the
/// line end, as spreadsheets write them; the cells lose their quotes.
/// `false` (and a partly filled record) for anything else: a doubled quote
/// (`""`), a quote inside an unquoted cell, text after a closing quote, or
/// a quoted cell that goes on past the line end.
fn split_quoted_line(line: &[u8], delimiter: u8, record: &mut RecordBuffer) -> bool {
    // Stretch by stretch: the text up to the next quote is copied as it is
    // (its delimiters end cells), then the quoted cell without its quotes.
    let mut i = 0;
    loop {
        let stretch = &line[i..];
        let quote = run_length(stretch, &[QUOTE]);
        push_positions(
            &stretch[..quote],
            delimiter,
            record.bytes.len(),
            &mut record.ends,
        );
        record.bytes.extend_from_slice(&stretch[..quote]);
        let open = i + quote;
        if open == line.len() {
            record.ends.push(record.bytes.len());
            return true;
        }
        // A quote opens a cell: at the line's start or after a delimiter.
        if open > 0 && line[open - 1] != delimiter {
            return false;
        }
        let inside = &line[open + 1..];
        let close = run_length(inside, &[QUOTE]);
        if close == inside.len() {
            return false;
        }
        record.bytes.extend_from_slice(&inside[..close]);
        record.ends.push(record.bytes.len());
        // After the closing quote: the line's end or a delimiter.
        i = open + close + 2;
        match line.get(i) {
            None => return true,
            Some(&b) if b == delimiter => {
                record.bytes.push(delimiter);
                i += 1;
            }
            Some(_) => return false,
        }
    }
}

/// Appends the position of every `byte` in `bytes`, plus `base`, eight
/// bytes at a time.
fn push_positions(bytes: &[u8], byte: u8, base: usize, out: &mut Vec<usize>) {
    let splat = u64::from(byte) * ONES;
    let mut chunks = bytes.chunks_exact(8);
    let mut offset = base;
    for chunk in &mut chunks {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word) ^ splat;
        // Exact per byte (no borrow between bytes): the high bit is set
        // where the byte is zero, that is where it equals `byte`.
        let mut found = !(((x & !HIGHS).wrapping_add(!HIGHS)) | x | !HIGHS);
        while found != 0 {
            out.push(offset + (found.trailing_zeros() / 8) as usize);
            found &= found - 1;
        }
        offset += 8;
    }
    for (i, &b) in chunks.remainder().iter().enumerate() {
        if b == byte {
            out.push(offset + i);
        }
    }
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// How many bytes at the start of `bytes` are not stop bytes.
#[inline]
fn run_length<const N: usize>(bytes: &[u8], stops: &[u8; N]) -> usize {
    let splat = stops.map(|b| u64::from(b) * ONES);
    let mut chunks = bytes.chunks_exact(8);
    let mut offset = 0;
    for chunk in &mut chunks {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        let word = u64::from_le_bytes(word);
        // A byte of `word ^ stop` is zero where the byte is `stop`; the
        // classic zero-byte test marks it (and maybe bytes above it, which
        // the lowest mark makes harmless).
        let mut found = 0;
        for stop in splat {
            let x = word ^ stop;
            found |= x.wrapping_sub(ONES) & !x & HIGHS;
        }
        if found != 0 {
            return offset + (found.trailing_zeros() / 8) as usize;
        }
        offset += 8;
    }
    let tail = chunks.remainder();
    offset
        + tail
            .iter()
            .position(|b| stops.contains(b))
            .unwrap_or(tail.len())
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
    fn run_length_finds_the_first_stop_anywhere_in_a_word() {
        let stops = [b',', b'\r', b'\n', 0];
        for len in 0..20 {
            for at in 0..=len {
                let mut bytes = vec![b'x'; len];
                if at < len {
                    bytes[at] = b',';
                }
                // Bytes just above a stop must not hide it.
                if at + 1 < len {
                    bytes[at + 1] = 0x01;
                }
                assert_eq!(run_length(&bytes, &stops), at.min(len), "{len} {at}");
            }
        }
        assert_eq!(run_length(b"\x80\xff\x01\x2d\x2b\r", &stops), 5);
        assert_eq!(
            run_length(b"\x80\x81\x82\x83\x84\x85\x86\x87\x00", &stops),
            8
        );
    }

    #[test]
    fn positions_are_exact_in_every_byte_of_a_word() {
        for len in 0..24 {
            for pattern in [0u32, 0x5555_5555, 0xFFFF_FFFF, 0x0F0F_0F0F, 0x1234_5678] {
                let bytes: Vec<u8> = (0..len)
                    .map(|i| {
                        if pattern >> (i % 32) & 1 == 1 {
                            b','
                        } else {
                            [0x2b, 0x2d, 0xac, 0x01][i % 4]
                        }
                    })
                    .collect();
                let want: Vec<usize> = (0..len).filter(|&i| bytes[i] == b',').collect();
                let mut got = Vec::new();
                push_positions(&bytes, b',', 0, &mut got);
                assert_eq!(got, want, "{bytes:?}");
            }
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
