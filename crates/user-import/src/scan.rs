//! Finding the bytes that matter to the parser, sixteen at a time.
//!
//! [`classify`] turns a block of 16 bytes into bit masks (bit `i` for byte
//! `i`): where the delimiter is, where quotes are, where a line ends (CR, LF,
//! or a NUL, which stops the parse), and which bytes are not ASCII. The
//! parser walks lines block by block and reads every cell boundary from the
//! masks, so a byte is looked at once, by one vector comparison per kind.
//!
//! Three implementations give the same masks (a property test holds them to
//! the portable one):
//! - x86-64: SSE2, which every x86-64 processor has;
//! - wasm32 built with `simd128` (the worker: `.cargo/config.toml`);
//! - elsewhere: eight bytes at a time in a `u64` (SWAR).

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

pub(crate) const BLOCK: usize = 16;

/// The masks of `bytes[at..at + 16]`; past the end of `bytes`, no bits.
#[inline]
pub(crate) fn classify_at(bytes: &[u8], at: usize, delimiter: u8) -> Masks {
    match bytes.get(at..).and_then(<[u8]>::first_chunk) {
        Some(block) => classify(block, delimiter),
        None => {
            let rest = bytes.get(at..).unwrap_or_default();
            let mut block = [b' '; BLOCK];
            block[..rest.len()].copy_from_slice(rest);
            classify(&block, delimiter).first(rest.len() as u32)
        }
    }
}

/// The masks of one block.
#[inline]
pub(crate) fn classify(block: &[u8; BLOCK], delimiter: u8) -> Masks {
    #[cfg(target_arch = "x86_64")]
    {
        sse2::classify(block, delimiter)
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        simd128::classify(block, delimiter)
    }
    #[cfg(not(any(
        target_arch = "x86_64",
        all(target_arch = "wasm32", target_feature = "simd128")
    )))]
    {
        classify_words(block, delimiter)
    }
}

/// The masks, eight bytes at a time in a `u64`.
#[cfg_attr(
    any(
        target_arch = "x86_64",
        all(target_arch = "wasm32", target_feature = "simd128")
    ),
    allow(dead_code)
)]
fn classify_words(block: &[u8; BLOCK], delimiter: u8) -> Masks {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // The high bit of each byte that is zero; exact per byte (no borrow
    // from one byte into the next).
    let zero_bytes = |x: u64| !(((x & !HIGHS).wrapping_add(!HIGHS)) | x | !HIGHS);
    // The high bits gathered into the low eight bits, byte 0 in bit 0.
    let gather = |highs: u64| (highs.wrapping_mul(0x0002_0408_1020_4081) >> 56) as u32;
    let word_masks = |word: u64| {
        let eq = |b: u8| zero_bytes(word ^ (u64::from(b) * ONES));
        Masks {
            delimiter: gather(eq(delimiter)),
            quote: gather(eq(b'"')),
            line_end: gather(eq(b'\r') | eq(b'\n') | zero_bytes(word)),
            non_ascii: gather(word & HIGHS),
        }
    };
    let (low, high) = block.split_at(BLOCK / 2);
    let low = word_masks(u64::from_le_bytes(low.try_into().unwrap_or_default()));
    let high = word_masks(u64::from_le_bytes(high.try_into().unwrap_or_default()));
    Masks {
        delimiter: low.delimiter | high.delimiter << 8,
        quote: low.quote | high.quote << 8,
        line_end: low.line_end | high.line_end << 8,
        non_ascii: low.non_ascii | high.non_ascii << 8,
    }
}

/// The definition of the masks, one byte at a time.
#[cfg(test)]
fn classify_portable(block: &[u8; BLOCK], delimiter: u8) -> Masks {
    let mut masks = Masks::default();
    for (i, &b) in block.iter().enumerate() {
        let bit = 1 << i;
        if b == delimiter {
            masks.delimiter |= bit;
        }
        if b == b'"' {
            masks.quote |= bit;
        }
        if matches!(b, b'\r' | b'\n' | 0) {
            masks.line_end |= bit;
        }
        if b >= 0x80 {
            masks.non_ascii |= bit;
        }
    }
    masks
}

#[cfg(target_arch = "x86_64")]
mod sse2 {
    use super::{Masks, BLOCK};
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
        _mm_setzero_si128,
    };

    #[inline]
    pub(super) fn classify(block: &[u8; BLOCK], delimiter: u8) -> Masks {
        // SAFETY: SSE2 is part of every x86-64 processor (the target's
        // baseline), and the load reads exactly the 16 bytes of `block`.
        unsafe {
            let v = _mm_loadu_si128(block.as_ptr().cast::<__m128i>());
            let eq = |b: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8));
            let line_end = _mm_or_si128(
                _mm_or_si128(eq(b'\r'), eq(b'\n')),
                _mm_cmpeq_epi8(v, _mm_setzero_si128()),
            );
            Masks {
                delimiter: _mm_movemask_epi8(eq(delimiter)) as u32,
                quote: _mm_movemask_epi8(eq(b'"')) as u32,
                line_end: _mm_movemask_epi8(line_end) as u32,
                // The sign bit of each byte.
                non_ascii: _mm_movemask_epi8(v) as u32,
            }
        }
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd128 {
    use super::{Masks, BLOCK};
    use core::arch::wasm32::{u8x16_bitmask, u8x16_eq, u8x16_splat, v128, v128_load, v128_or};

    #[inline]
    pub(super) fn classify(block: &[u8; BLOCK], delimiter: u8) -> Masks {
        // SAFETY: this module is built only with simd128 enabled, and the
        // load reads exactly the 16 bytes of `block` (unaligned loads are
        // allowed in wasm).
        unsafe {
            let v = v128_load(block.as_ptr().cast::<v128>());
            let eq = |b: u8| u8x16_eq(v, u8x16_splat(b));
            let line_end = v128_or(v128_or(eq(b'\r'), eq(b'\n')), eq(0));
            Masks {
                delimiter: u32::from(u8x16_bitmask(eq(delimiter))),
                quote: u32::from(u8x16_bitmask(eq(b'"'))),
                line_end: u32::from(u8x16_bitmask(line_end)),
                // The sign bit of each byte.
                non_ascii: u32::from(u8x16_bitmask(v)),
            }
        }
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

    proptest::proptest! {
        #[test]
        fn the_vector_masks_are_the_portable_ones(
            bytes in proptest::collection::vec(proptest::sample::select(b",;\t|\"\r\n\0a \x7F\x80\xC3\xFF".to_vec()), BLOCK),
            delimiter in proptest::sample::select(b",;\t|".to_vec()),
        ) {
            let block = block(&bytes);
            let want = classify_portable(&block, delimiter);
            proptest::prop_assert_eq!(classify(&block, delimiter), want);
            proptest::prop_assert_eq!(classify_words(&block, delimiter), want);
        }
    }
}
