//! Finding the bytes that matter to the parser, sixteen at a time.
//!
//! [`classify`] turns a block of 16 bytes into bit masks (bit `i` for byte
//! `i`): where the delimiter is, where quotes are, where a line ends (CR, LF,
//! or a NUL, which stops the parse), and which bytes are not ASCII. The
//! parser walks lines block by block and reads every cell boundary from the
//! masks, so a byte is looked at once, by one vector comparison per kind
//! ([`crate::vector`]).

use crate::vector::{load_partial, Bytes16, LANES};

/// Bit masks of one 16-byte block: bit `i` describes byte `i`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Masks {
    pub(crate) delimiter: u32,
    pub(crate) quote: u32,
    /// CR, LF and NUL: a line ends, or the input is not text.
    pub(crate) line_end: u32,
    /// Bytes ≥ 0x80.
    pub(crate) non_ascii: u32,
}

impl Masks {
    /// Keeps only the first `n` bytes' bits.
    pub(crate) fn first(self, n: u32) -> Masks {
        let keep = if n >= 16 { 0xFFFF } else { (1 << n) - 1 };
        Masks {
            delimiter: self.delimiter & keep,
            quote: self.quote & keep,
            line_end: self.line_end & keep,
            non_ascii: self.non_ascii & keep,
        }
    }
}

/// Bytes in a block.
pub(crate) const BLOCK: usize = LANES;

/// The masks of `bytes[at..at + 16]`; past the end of `bytes`, no bits.
#[inline]
pub(crate) fn classify_at(bytes: &[u8], at: usize, delimiter: u8) -> Masks {
    let rest = bytes.get(at..).unwrap_or_default();
    match rest.first_chunk() {
        Some(block) => classify(block, delimiter),
        None => masks_of(load_partial(rest), delimiter).first(rest.len() as u32),
    }
}

/// The masks of one block.
#[inline]
pub(crate) fn classify(block: &[u8; BLOCK], delimiter: u8) -> Masks {
    masks_of(Bytes16::load(block), delimiter)
}

#[inline]
fn masks_of(v: Bytes16, delimiter: u8) -> Masks {
    Masks {
        delimiter: v.eq(delimiter).bits(),
        quote: v.eq(b'"').bits(),
        line_end: v.eq(b'\r').or(v.eq(b'\n')).or(v.eq(0)).bits(),
        // The high bit of each byte.
        non_ascii: v.bits(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(text: &[u8]) -> [u8; BLOCK] {
        text.try_into().expect("16 bytes")
    }

    #[test]
    fn masks_mark_each_kind_of_byte() {
        let masks = classify(&block(b"a,\"b\"\r\n\0\xC3\xA9;,zz\xFF,"), b',');
        assert_eq!(masks.delimiter, 1 << 1 | 1 << 11 | 1 << 15);
        assert_eq!(masks.quote, 1 << 2 | 1 << 4);
        assert_eq!(masks.line_end, 1 << 5 | 1 << 6 | 1 << 7);
        assert_eq!(masks.non_ascii, 1 << 8 | 1 << 9 | 1 << 14);
        assert_eq!(
            classify(&block(b"a;b;c;d;e;f;g;h;"), b';').delimiter,
            0xAAAA
        );
    }

    #[test]
    fn a_short_tail_has_no_bits_past_its_end() {
        let masks = classify_at(b"x,\"\r\n\xC3", 1, b',');
        assert_eq!(
            masks,
            Masks {
                delimiter: 1,
                quote: 1 << 1,
                line_end: 1 << 2 | 1 << 3,
                non_ascii: 1 << 4,
            }
        );
        assert_eq!(classify_at(b"abc", 3, b','), Masks::default());
        assert_eq!(classify_at(b"abc", 7, b','), Masks::default());
    }
}
