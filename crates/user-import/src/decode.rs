//! Bytes to text: the byte-order mark, UTF-16, the Windows-1252 fallback,
//! and the files that are not text at all.
//!
//! UTF-8 and Windows-1252 agree on every ASCII byte, and every byte the CSV
//! syntax cares about (quotes, delimiters, line ends) is ASCII. So 8-bit
//! files are parsed as bytes and each *cell* is decoded when it is complete:
//! no second copy of the file, and no cell is ever cut in half by a chunk
//! boundary. The encoding is decided by the first cell that holds a
//! non-ASCII byte: valid UTF-8 there means UTF-8 for the whole file,
//! anything else means Windows-1252 (everything before it was ASCII, which
//! reads the same either way). UTF-16 is transcoded to UTF-8 chunk by chunk
//! before parsing.

use crate::parse::HighBytes;

/// How the file's text was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Encoding {
    /// UTF-8, with or without a byte-order mark (also: plain ASCII).
    Utf8,
    Utf16Le,
    Utf16Be,
    /// Not valid UTF-8, so read as Windows-1252 (Excel's "CSV" on Western
    /// Windows); the report warns about it.
    Windows1252,
}

impl std::fmt::Display for Encoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf16Le => "UTF-16 LE",
            Encoding::Utf16Be => "UTF-16 BE",
            Encoding::Windows1252 => "Windows-1252",
        })
    }
}

/// What the first bytes of a file say about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sniff {
    /// Text; skip `bom_len` bytes, then read as `encoding` (`None`: decide
    /// on the first non-ASCII cell).
    Text {
        bom_len: usize,
        encoding: Option<Encoding>,
    },
    /// Not a CSV text file; the reason says what it looks like.
    NotText(NotText),
}

/// Why a file is not CSV text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum NotText {
    /// A zip container: an Excel `.xlsx` workbook (or an OpenDocument sheet).
    Xlsx,
    /// The old binary Excel format, `.xls`.
    Xls,
    /// UTF-16 without the byte-order mark that says which one.
    Utf16WithoutBom,
    /// A known binary format (image, PDF) or NUL bytes.
    Binary,
}

/// How many leading bytes [`sniff`] wants to see (fewer is fine at the end
/// of a short file).
pub(crate) const SNIFF_LEN: usize = 8;

/// Looks at the first bytes of a file (up to [`SNIFF_LEN`]).
pub(crate) fn sniff(head: &[u8]) -> Sniff {
    const BINARY_MAGIC: [&[u8]; 5] = [b"%PDF-", b"\x89PNG", b"GIF8", b"\xFF\xD8\xFF", b"\x1F\x8B"];
    let text = |bom_len, encoding| Sniff::Text { bom_len, encoding };
    if head.starts_with(b"\xEF\xBB\xBF") {
        return text(3, Some(Encoding::Utf8));
    }
    if head.starts_with(b"\xFF\xFE") {
        return text(2, Some(Encoding::Utf16Le));
    }
    if head.starts_with(b"\xFE\xFF") {
        return text(2, Some(Encoding::Utf16Be));
    }
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return Sniff::NotText(NotText::Xlsx);
    }
    if head.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        return Sniff::NotText(NotText::Xls);
    }
    if BINARY_MAGIC.iter().any(|magic| head.starts_with(magic)) {
        return Sniff::NotText(NotText::Binary);
    }
    if looks_like_bomless_utf16(head) {
        return Sniff::NotText(NotText::Utf16WithoutBom);
    }
    text(0, None)
}

/// ASCII text in UTF-16 has a NUL in every other byte.
fn looks_like_bomless_utf16(head: &[u8]) -> bool {
    if head.len() < 4 {
        return false;
    }
    let pairs = head.chunks_exact(2);
    let le = pairs.clone().all(|p| p[0] != 0 && p[1] == 0);
    let be = pairs.clone().all(|p| p[0] == 0 && p[1] != 0);
    le || be
}

/// The encoding of an 8-bit file, decided by its first non-ASCII cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CellDecoder {
    decided: Option<Encoding>,
}

impl CellDecoder {
    pub(crate) fn new(decided: Option<Encoding>) -> CellDecoder {
        CellDecoder { decided }
    }

    /// The encoding so far; `None` while every cell has been ASCII.
    pub(crate) fn encoding(&self) -> Option<Encoding> {
        self.decided
    }

    /// Appends `cell` to `out` as text. Returns true when this cell made the
    /// decision for Windows-1252 (the caller warns once).
    ///
    /// In a file that is UTF-8, a byte sequence that is not valid UTF-8
    /// becomes U+FFFD, which the rules then refuse in that cell: the file
    /// is damaged there and guessing would store a wrong name.
    pub(crate) fn decode_into(&mut self, cell: &[u8], out: &mut String) -> bool {
        if self.decided == Some(Encoding::Windows1252) {
            push_windows_1252(cell, out);
            return false;
        }
        match std::str::from_utf8(cell) {
            Ok(text) => {
                if self.decided.is_none() && !cell.is_ascii() {
                    self.decided = Some(Encoding::Utf8);
                }
                out.push_str(text);
                false
            }
            Err(_) if self.decided.is_none() => {
                self.decided = Some(Encoding::Windows1252);
                push_windows_1252(cell, out);
                true
            }
            Err(_) => {
                out.push_str(&String::from_utf8_lossy(cell));
                false
            }
        }
    }

    /// A whole record's bytes as text, when they are valid UTF-8 and the
    /// file is not Windows-1252: then every cell keeps its length, so the
    /// caller's cell boundaries (`ends`) stay right. `None` when the record
    /// must be decoded cell by cell.
    ///
    /// Cells joined without delimiters (`joined`) can make valid UTF-8
    /// although a cell alone is not (`\xE9` then `\x80\x80` is `退`): then
    /// a cell ends inside a character, and the record is decoded cell by
    /// cell. Cells with a delimiter between them cannot: the delimiter is
    /// ASCII, so it stands between two characters.
    ///
    /// `high` is what the parser saw of the bytes above 0x7F: only the span
    /// that holds them is validated, since ASCII is valid UTF-8 and a span
    /// between ASCII bytes starts and ends on character boundaries.
    pub(crate) fn decode_unchanged<'a>(
        &mut self,
        bytes: &'a [u8],
        ends: &[usize],
        joined: bool,
        high: HighBytes,
    ) -> Option<&'a str> {
        if self.decided == Some(Encoding::Windows1252) {
            return ascii_in_place(bytes, high);
        }
        let text = match high {
            HighBytes::Unknown => std::str::from_utf8(bytes).ok()?,
            HighBytes::None => {
                debug_assert!(bytes.is_ascii());
                // SAFETY: the parser saw no byte above 0x7F: all ASCII.
                unsafe { std::str::from_utf8_unchecked(bytes) }
            }
            HighBytes::Within { start, end } => {
                if !is_short_utf8(bytes.get(start..end)?) {
                    return None;
                }
                debug_assert!(bytes[..start].is_ascii() && bytes[end..].is_ascii());
                // SAFETY: the bytes outside `start..end` are ASCII (the
                // parser saw every high byte inside), so they are valid
                // UTF-8 and the span starts and ends between characters;
                // the span itself was just validated.
                unsafe { std::str::from_utf8_unchecked(bytes) }
            }
        };
        if joined && !ends.iter().all(|&end| text.is_char_boundary(end)) {
            return None;
        }
        if self.decided.is_none() && !is_all_ascii(bytes, high) {
            self.decided = Some(Encoding::Utf8);
        }
        Some(text)
    }
}

/// A record of a Windows-1252 file as text, when it is all ASCII, which
/// reads the same in Windows-1252 and in UTF-8: the records of a file saved
/// by Excel as "CSV (Comma delimited)" that have no accented letter then
/// stay in place, as they would in UTF-8.
fn ascii_in_place(bytes: &[u8], high: HighBytes) -> Option<&str> {
    if !is_all_ascii(bytes, high) {
        return None;
    }
    debug_assert!(bytes.is_ascii());
    // SAFETY: ASCII is valid UTF-8.
    Some(unsafe { std::str::from_utf8_unchecked(bytes) })
}

/// Whether a record's `bytes` are all ASCII, from what the parser saw of
/// them (`high`), reading them only when it saw nothing.
fn is_all_ascii(bytes: &[u8], high: HighBytes) -> bool {
    match high {
        HighBytes::None => true,
        HighBytes::Within { .. } => false,
        HighBytes::Unknown => bytes.is_ascii(),
    }
}

/// Appends a record of a Windows-1252 file to `text` as UTF-8, and each of
/// its cell ends (`cell_ends`, positions in `bytes`) to `ends`, moved by
/// what the characters before it grew.
///
/// Each byte is one character, and a cell ends between two bytes, so the
/// record converts whole, delimiters and all, in place of a call per cell:
/// runs of ASCII (most of an accented record) are copied in one go, and
/// only the bytes above 0x7F are looked up. A 100,000-row file in
/// Windows-1252 took a median of 33 ms in a Chromium page against 45 ms
/// decoded cell by cell (README, "Files in Windows-1252").
///
/// Inlined into the check of a record, its one caller on the hot path:
/// with a second caller ([`push_windows_1252`]) the compiler left it a
/// call, which added 1.3% to the instructions of such a check (callgrind).
#[inline(always)]
pub(crate) fn push_windows_1252_record(
    bytes: &[u8],
    cell_ends: &[usize],
    text: &mut String,
    ends: &mut Vec<usize>,
) {
    let base = text.len();
    text.reserve(bytes.len() + bytes.len() / 2);
    // Bytes the text has grown by so far, beyond one a byte.
    let mut grown = 0;
    let mut next_end = 0;
    let mut from = 0;
    while let Some(high) = first_high_byte(&bytes[from..]).map(|i| from + i) {
        // Cells that end at or before this byte are not moved by it.
        while let Some(&end) = cell_ends.get(next_end).filter(|&&end| end <= high) {
            ends.push(base + end + grown);
            next_end += 1;
        }
        push_ascii(&bytes[from..high], text);
        let c = windows_1252_char(bytes[high]);
        text.push(c);
        grown += c.len_utf8() - 1;
        from = high + 1;
    }
    push_ascii(&bytes[from..], text);
    ends.extend(cell_ends[next_end..].iter().map(|&end| base + end + grown));
}

/// Appends bytes known to be ASCII.
fn push_ascii(ascii: &[u8], text: &mut String) {
    debug_assert!(ascii.is_ascii());
    // SAFETY: the caller found no byte above 0x7F in `ascii`, and ASCII is
    // valid UTF-8.
    text.push_str(unsafe { std::str::from_utf8_unchecked(ascii) });
}

/// Where the first byte above 0x7F is, eight bytes at a time.
fn first_high_byte(bytes: &[u8]) -> Option<usize> {
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    let mut words = bytes.chunks_exact(8);
    let mut at = 0;
    for word in &mut words {
        let word = u64::from_le_bytes(word.try_into().expect("eight bytes"));
        let high = word & HIGH_BITS;
        if high != 0 {
            return Some(at + (high.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    let tail = words.remainder().iter().position(|&b| b > 0x7F)?;
    Some(at + tail)
}

/// Windows-1252's 0x80–0x9F; the rest of 0xA0–0xFF is Latin-1. The five
/// unassigned bytes map to the C1 control of the same value, as browsers do.
const WINDOWS_1252_HIGH: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž', '\u{8F}',
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}', 'ž', 'Ÿ',
];

/// Appends `bytes`, read as Windows-1252, to `out`: a cell, converted as a
/// record with no cell ends to move.
fn push_windows_1252(bytes: &[u8], out: &mut String) {
    push_windows_1252_record(bytes, &[], out, &mut Vec::new());
}

/// One byte of Windows-1252 as a character.
fn windows_1252_char(b: u8) -> char {
    match b {
        0x80..=0x9F => WINDOWS_1252_HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

/// UTF-16 to UTF-8, fed in chunks of any size (a chunk may end inside a
/// code unit or between the halves of a surrogate pair).
#[derive(Debug, Clone)]
pub(crate) struct Utf16Decoder {
    big_endian: bool,
    odd_byte: Option<u8>,
    high_surrogate: Option<u16>,
}

impl Utf16Decoder {
    pub(crate) fn new(big_endian: bool) -> Utf16Decoder {
        Utf16Decoder {
            big_endian,
            odd_byte: None,
            high_surrogate: None,
        }
    }

    /// Appends the UTF-8 for `input` to `out`.
    pub(crate) fn decode(&mut self, mut input: &[u8], out: &mut Vec<u8>) {
        out.reserve(input.len() + input.len() / 2);
        if let Some(first) = self.odd_byte.take() {
            match input.split_first() {
                Some((&second, rest)) => {
                    self.unit(self.combine(first, second), out);
                    input = rest;
                }
                None => {
                    self.odd_byte = Some(first);
                    return;
                }
            }
        }
        // Four code units at a time: ASCII (most of a file) is written as
        // is, one byte a unit; anything else goes unit by unit.
        let mut quads = input.chunks_exact(8);
        for quad in &mut quads {
            let word = u64::from_le_bytes(quad.try_into().expect("eight bytes"));
            match self.ascii_quad(word) {
                Some(ascii) => out.extend_from_slice(&ascii),
                None => self.units(quad, out),
            }
        }
        let tail = quads.remainder();
        let (pairs, odd) = tail.split_at(tail.len() & !1);
        self.units(pairs, out);
        self.odd_byte = odd.first().copied();
    }

    /// The four code units in `word` (eight bytes of input, read
    /// little-endian) as four ASCII bytes, when each is ASCII and no high
    /// surrogate waits for its other half (it would be a lone one).
    fn ascii_quad(&self, word: u64) -> Option<[u8; 4]> {
        // The bits that must be 0 in each unit's two bytes as they lie in
        // the input: the high byte, and the top bit of the low one.
        let (not_ascii, low_byte_at) = if self.big_endian {
            (0x80FF_80FF_80FF_80FF_u64, 8)
        } else {
            (0xFF80_FF80_FF80_FF80_u64, 0)
        };
        if word & not_ascii != 0 || self.high_surrogate.is_some() {
            return None;
        }
        let low_bytes = word >> low_byte_at;
        let byte = |unit: u32| (low_bytes >> (16 * unit)) as u8;
        Some([byte(0), byte(1), byte(2), byte(3)])
    }

    /// Decodes whole code units, two bytes each.
    fn units(&mut self, pairs: &[u8], out: &mut Vec<u8>) {
        for pair in pairs.chunks_exact(2) {
            self.unit(self.combine(pair[0], pair[1]), out);
        }
    }

    /// Flushes what a truncated file left half done, as U+FFFD.
    pub(crate) fn finish(&mut self, out: &mut Vec<u8>) {
        if self.high_surrogate.take().is_some() || self.odd_byte.take().is_some() {
            push_char(char::REPLACEMENT_CHARACTER, out);
        }
    }

    fn combine(&self, a: u8, b: u8) -> u16 {
        if self.big_endian {
            u16::from_be_bytes([a, b])
        } else {
            u16::from_le_bytes([a, b])
        }
    }

    fn unit(&mut self, unit: u16, out: &mut Vec<u8>) {
        if let Some(high) = self.high_surrogate.take() {
            if (0xDC00..=0xDFFF).contains(&unit) {
                let c = 0x10000 + ((u32::from(high) - 0xD800) << 10) + (u32::from(unit) - 0xDC00);
                push_char(
                    char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER),
                    out,
                );
                return;
            }
            push_char(char::REPLACEMENT_CHARACTER, out);
        }
        match unit {
            0xD800..=0xDBFF => self.high_surrogate = Some(unit),
            0xDC00..=0xDFFF => push_char(char::REPLACEMENT_CHARACTER, out),
            _ => push_char(
                char::from_u32(u32::from(unit)).unwrap_or(char::REPLACEMENT_CHARACTER),
                out,
            ),
        }
    }
}

fn push_char(c: char, out: &mut Vec<u8>) {
    let mut buf = [0; 4];
    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
}

/// Whether `bytes` is UTF-8: `str::from_utf8(bytes).is_ok()`, for the
/// short span of high bytes in a record (a name's accented letters), which
/// most records of real exports have. The core library's validator is a
/// call set up for long input, word by word; inline and byte by byte,
/// a 100,000-row check took 3.5% less time in Chromium (README,
/// "Benchmarks"). The byte ranges are those of the Unicode Standard's
/// table of well-formed UTF-8 (Table 3-7): no overlong forms, no
/// surrogates, nothing past U+10FFFF.
#[inline]
fn is_short_utf8(bytes: &[u8]) -> bool {
    let mut i = 0;
    while let Some(&lead) = bytes.get(i) {
        if lead < 0x80 {
            i += 1;
            continue;
        }
        // The sequence's length, and the range of its second byte.
        let (len, low, high) = match lead {
            0xC2..=0xDF => (2, 0x80, 0xBF),
            0xE0 => (3, 0xA0, 0xBF),
            0xE1..=0xEC | 0xEE..=0xEF => (3, 0x80, 0xBF),
            0xED => (3, 0x80, 0x9F),
            0xF0 => (4, 0x90, 0xBF),
            0xF1..=0xF3 => (4, 0x80, 0xBF),
            0xF4 => (4, 0x80, 0x8F),
            _ => return false,
        };
        let Some([second, rest @ ..]) = bytes.get(i + 1..i + len) else {
            return false;
        };
        if !(low..=high).contains(second) || !rest.iter().all(|&b| b & 0xC0 == 0x80) {
            return false;
        }
        i += len;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_utf8_agrees_with_the_core_library_on_every_three_bytes() {
        // Every sequence of up to three bytes whose first byte is high
        // (those that start with ASCII repeat the shorter ones after it),
        // and in front of ASCII, to test the end of the span.
        for first in 0x80..=0xFF_u8 {
            for second in 0..=0xFF_u8 {
                for third in 0..=0xFF_u8 {
                    let bytes = [first, second, third];
                    assert_eq!(
                        is_short_utf8(&bytes),
                        std::str::from_utf8(&bytes).is_ok(),
                        "{bytes:02X?}"
                    );
                }
                let bytes = [first, second];
                assert_eq!(is_short_utf8(&bytes), std::str::from_utf8(&bytes).is_ok());
            }
            assert!(!is_short_utf8(&[first]));
            assert!(!is_short_utf8(&[b'a', first]));
        }
        assert!(is_short_utf8(b""));
    }

    #[test]
    fn short_utf8_agrees_with_the_core_library_on_four_byte_characters() {
        // Every lead of four bytes and every second byte; the last two at
        // the edges of the continuation range.
        let edges = [0x7F, 0x80, 0xBF, 0xC0];
        for first in 0xF0..=0xFF_u8 {
            for second in 0..=0xFF_u8 {
                for third in edges {
                    for fourth in edges {
                        let bytes = [first, second, third, fourth];
                        assert_eq!(
                            is_short_utf8(&bytes),
                            std::str::from_utf8(&bytes).is_ok(),
                            "{bytes:02X?}"
                        );
                    }
                }
            }
        }
    }

    proptest::proptest! {
        /// Longer spans, four-byte characters among them: the same answer
        /// as the core library's.
        #[test]
        fn short_utf8_agrees_with_the_core_library(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::num::u8::ANY,
                    0x80..=0xBF_u8,
                    0xF0..=0xF4_u8,
                    proptest::sample::select(vec![0xE0_u8, 0xED, 0x8F, 0x90, 0x9F, 0xA0]),
                ],
                0..12,
            ),
            text in "\\PC{0,6}",
        ) {
            proptest::prop_assert_eq!(is_short_utf8(&bytes), std::str::from_utf8(&bytes).is_ok());
            proptest::prop_assert!(is_short_utf8(text.as_bytes()));
        }

        /// A cell of ASCII copied whole reads as byte by byte would, and
        /// so does any other cell.
        #[test]
        fn windows_1252_cells_read_as_single_bytes(
            bytes in proptest::prop_oneof![
                proptest::collection::vec(0x00..=0x7F_u8, 0..40),
                proptest::collection::vec(proptest::num::u8::ANY, 0..40),
            ],
        ) {
            let mut out = String::from("kept");
            push_windows_1252(&bytes, &mut out);
            let byte_by_byte: String =
                "kept".chars().chain(bytes.iter().map(|&b| windows_1252_char(b))).collect();
            proptest::prop_assert_eq!(out, byte_by_byte);
        }

        /// A record converted whole has the text of each cell converted
        /// alone, whatever its cells, delimiters and accents.
        #[test]
        fn windows_1252_records_read_as_their_cells(
            cells in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::collection::vec(0x20..=0x7F_u8, 0..20),
                    proptest::collection::vec(proptest::num::u8::ANY, 0..20),
                ],
                1..8,
            ),
            gap in 0..=1_usize,
            kept in "[a-z\u{e9}]{0,3}",
        ) {
            let mut bytes = Vec::new();
            let mut cell_ends = Vec::new();
            for (i, cell) in cells.iter().enumerate() {
                if i > 0 && gap == 1 {
                    bytes.push(b',');
                }
                bytes.extend_from_slice(cell);
                cell_ends.push(bytes.len());
            }
            let mut text = kept.clone();
            let mut ends = vec![7];
            push_windows_1252_record(&bytes, &cell_ends, &mut text, &mut ends);
            proptest::prop_assert_eq!(ends.len(), cells.len() + 1);
            proptest::prop_assert!(text.starts_with(&kept));
            for (i, cell) in cells.iter().enumerate() {
                let start = if i == 0 { kept.len() } else { ends[i] + gap };
                let mut alone = String::new();
                push_windows_1252(cell, &mut alone);
                proptest::prop_assert_eq!(&text[start..ends[i + 1]], alone.as_str());
            }
            proptest::prop_assert_eq!(ends[cells.len()], text.len());
        }
    }

    fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
        text.encode_utf16()
            .flat_map(|u| {
                if big_endian {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                }
            })
            .collect()
    }

    fn decode_utf16_in_chunks(bytes: &[u8], big_endian: bool, chunk: usize) -> String {
        let mut decoder = Utf16Decoder::new(big_endian);
        let mut out = Vec::new();
        for piece in bytes.chunks(chunk) {
            decoder.decode(piece, &mut out);
        }
        decoder.finish(&mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn sniffs_byte_order_marks() {
        let text = |bom_len, encoding| Sniff::Text { bom_len, encoding };
        assert_eq!(sniff(b"\xEF\xBB\xBFFirst"), text(3, Some(Encoding::Utf8)));
        assert_eq!(sniff(b"\xFF\xFEF\0"), text(2, Some(Encoding::Utf16Le)));
        assert_eq!(sniff(b"\xFE\xFF\0F"), text(2, Some(Encoding::Utf16Be)));
        assert_eq!(sniff(b"First,La"), text(0, None));
        assert_eq!(sniff(b""), text(0, None));
    }

    #[test]
    fn sniffs_spreadsheets_and_binaries() {
        assert_eq!(
            sniff(b"PK\x03\x04\x14\0\x06\0"),
            Sniff::NotText(NotText::Xlsx)
        );
        assert_eq!(
            sniff(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"),
            Sniff::NotText(NotText::Xls)
        );
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n"), Sniff::NotText(NotText::Binary));
        assert_eq!(sniff(b"%PDF-1.7"), Sniff::NotText(NotText::Binary));
        assert_eq!(
            sniff(b"F\0i\0r\0s\0"),
            Sniff::NotText(NotText::Utf16WithoutBom)
        );
        assert_eq!(
            sniff(b"\0F\0i\0r\0s"),
            Sniff::NotText(NotText::Utf16WithoutBom)
        );
    }

    #[test]
    fn first_non_ascii_cell_decides_utf8() {
        let mut decoder = CellDecoder::new(None);
        let mut out = String::new();
        assert!(!decoder.decode_into(b"Ann", &mut out));
        assert_eq!(decoder.encoding(), None);
        assert!(!decoder.decode_into("Zoë".as_bytes(), &mut out));
        assert_eq!(decoder.encoding(), Some(Encoding::Utf8));
        assert_eq!(out, "AnnZoë");
    }

    #[test]
    fn first_invalid_cell_decides_windows_1252_once() {
        let mut decoder = CellDecoder::new(None);
        let mut out = String::new();
        assert!(decoder.decode_into(b"Zo\xEB", &mut out));
        assert!(!decoder.decode_into(b"\x80 \x93quoted\x94 \x9F", &mut out));
        assert_eq!(out, "Zoë€ “quoted” Ÿ");
        assert_eq!(decoder.encoding(), Some(Encoding::Windows1252));
    }

    #[test]
    fn once_windows_1252_every_cell_is_read_as_such() {
        let mut decoder = CellDecoder::new(None);
        let mut out = String::new();
        assert!(decoder.decode_into(b"\xE9", &mut out));
        // Valid UTF-8 by accident: still Windows-1252 in this file.
        assert!(!decoder.decode_into(b"\xC3\xA9", &mut out));
        assert_eq!(out, "é\u{c3}©");
        assert_eq!(
            decoder.decode_unchanged("Zoë".as_bytes(), &[4], false, HighBytes::Unknown),
            None
        );
        let span = HighBytes::Within { start: 2, end: 4 };
        assert_eq!(
            decoder.decode_unchanged("Zoë".as_bytes(), &[4], false, span),
            None
        );
    }

    #[test]
    fn ascii_records_stay_in_place_in_a_windows_1252_file() {
        let mut decoder = CellDecoder::new(Some(Encoding::Windows1252));
        for high in [HighBytes::None, HighBytes::Unknown] {
            assert_eq!(
                decoder.decode_unchanged(b"Ann,Lee", &[3, 7], false, high),
                Some("Ann,Lee")
            );
        }
        assert_eq!(decoder.encoding(), Some(Encoding::Windows1252));
    }

    #[test]
    fn whole_records_are_read_in_place_when_they_are_utf8() {
        let mut decoder = CellDecoder::new(None);
        assert_eq!(
            decoder.decode_unchanged(b"Ann,Lee", &[3, 7], false, HighBytes::Unknown),
            Some("Ann,Lee")
        );
        assert_eq!(decoder.encoding(), None);
        assert_eq!(
            decoder.decode_unchanged("Zoë".as_bytes(), &[4], true, HighBytes::Unknown),
            Some("Zoë")
        );
        assert_eq!(decoder.encoding(), Some(Encoding::Utf8));
        assert_eq!(
            decoder.decode_unchanged(b"Zo\xEB", &[3], false, HighBytes::Unknown),
            None
        );
    }

    #[test]
    fn only_the_span_of_high_bytes_is_validated() {
        let mut decoder = CellDecoder::new(None);
        let ascii = HighBytes::None;
        assert_eq!(
            decoder.decode_unchanged(b"Ann,Lee", &[3, 7], false, ascii),
            Some("Ann,Lee")
        );
        assert_eq!(decoder.encoding(), None, "ASCII decides nothing");
        let zoe = "Zoë,Lee".as_bytes();
        let span = HighBytes::Within { start: 2, end: 4 };
        assert_eq!(
            decoder.decode_unchanged(zoe, &[4, 8], false, span),
            Some("Zoë,Lee")
        );
        assert_eq!(decoder.encoding(), Some(Encoding::Utf8));
        // A span of broken UTF-8 is refused; the record is then decoded
        // cell by cell.
        let broken = HighBytes::Within { start: 2, end: 3 };
        assert_eq!(
            decoder.decode_unchanged(b"Zo\xEB,Lee", &[3, 7], false, broken),
            None
        );
    }

    #[test]
    fn cells_that_join_into_a_character_are_decoded_one_by_one() {
        let mut decoder = CellDecoder::new(None);
        // `\xE9` and `\x80\x80`, joined without a delimiter: `退`.
        assert_eq!(
            decoder.decode_unchanged(b"\xE9\x80\x80", &[1, 3], true, HighBytes::Unknown),
            None
        );
        assert_eq!(decoder.encoding(), None, "no decision from a false reading");
        assert_eq!(
            decoder.decode_unchanged(b"\xE9\x80\x80", &[3], true, HighBytes::Unknown),
            Some("退")
        );
    }

    #[test]
    fn damaged_utf8_after_the_decision_becomes_replacement_characters() {
        let mut decoder = CellDecoder::new(Some(Encoding::Utf8));
        let mut out = String::new();
        assert!(!decoder.decode_into(b"Zo\xEB", &mut out));
        assert_eq!(out, "Zo\u{FFFD}");
    }

    #[test]
    fn windows_1252_unassigned_bytes_are_c1_controls() {
        let mut out = String::new();
        push_windows_1252(b"\x81\x8D\x8F\x90\x9D", &mut out);
        assert!(out.chars().all(char::is_control));
    }

    #[test]
    fn utf16_decodes_in_any_chunking() {
        let text = "First Name,Email\r\nZoë,😀@example.com\r\n";
        for big_endian in [false, true] {
            let bytes = utf16(text, big_endian);
            for chunk in [1, 2, 3, 5, 7, 1024] {
                assert_eq!(decode_utf16_in_chunks(&bytes, big_endian, chunk), text);
            }
        }
    }

    proptest::proptest! {
        /// Any code units, ASCII runs among them (the four-at-a-time path),
        /// in any chunking: the core library's reading, a lone surrogate or
        /// an odd last byte as U+FFFD.
        #[test]
        fn utf16_decodes_as_the_core_library_does(
            units in proptest::collection::vec(
                proptest::prop_oneof![
                    4 => 0x00..=0x7F_u16,
                    1 => 0x80..=0x7FF_u16,
                    1 => 0xD800..=0xDFFF_u16,
                    1 => proptest::num::u16::ANY,
                ],
                0..40,
            ),
            big_endian in proptest::bool::ANY,
            odd_byte in proptest::option::of(proptest::num::u8::ANY),
            chunk in 1..20_usize,
        ) {
            let mut bytes: Vec<u8> = units
                .iter()
                .flat_map(|u| if big_endian { u.to_be_bytes() } else { u.to_le_bytes() })
                .collect();
            let mut expected: String = char::decode_utf16(units.iter().copied())
                .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
                .collect();
            if let Some(b) = odd_byte {
                bytes.push(b);
                // A lone high surrogate at the end and the odd byte each
                // make one U+FFFD; the decoder reports them as one.
                if !matches!(units.last(), Some(0xD800..=0xDBFF)) {
                    expected.push(char::REPLACEMENT_CHARACTER);
                }
            }
            proptest::prop_assert_eq!(decode_utf16_in_chunks(&bytes, big_endian, chunk), expected);
        }
    }

    #[test]
    fn utf16_lone_surrogates_and_odd_tails_become_replacement_characters() {
        let lone_high = [0x3D, 0xD8, b'A', 0];
        assert_eq!(decode_utf16_in_chunks(&lone_high, false, 1), "\u{FFFD}A");
        let lone_low = [0x00, 0xDC];
        assert_eq!(decode_utf16_in_chunks(&lone_low, false, 1), "\u{FFFD}");
        assert_eq!(decode_utf16_in_chunks(b"A\0B", false, 2), "A\u{FFFD}");
        assert_eq!(decode_utf16_in_chunks(&[0x3D, 0xD8], false, 2), "\u{FFFD}");
    }
}
