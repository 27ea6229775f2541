//! Sixteen bytes compared at once: the few vector operations that the
//! parser ([`crate::scan`]) and the email and mobile number rules need,
//! written once against [`Bytes16`] and carried out by
//! - SSE2 on x86-64 (every x86-64 processor has it);
//! - simd128 on wasm32 when it is enabled (the app's build:
//!   `.cargo/config.toml`);
//! - plain arrays elsewhere, which also define what each operation means
//!   (a property test holds the vector versions to them natively; in wasm,
//!   the browser tests hold the rules' quick paths to the full rules,
//!   `tests/rules_in_wasm.rs`).
//!
//! A comparison gives lanes of all ones or all zeros; [`Bytes16::bits`]
//! gathers each lane's high bit into bit `i` of a `u32`.

#[cfg(target_arch = "x86_64")]
pub(crate) use sse2::Bytes16;

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub(crate) use simd128::Bytes16;

#[cfg(not(any(
    target_arch = "x86_64",
    all(target_arch = "wasm32", target_feature = "simd128")
)))]
pub(crate) use portable::Bytes16;

pub(crate) const LANES: usize = 16;

/// The first 16 bytes of `bytes`, or all of fewer, with NUL in the lanes
/// past them: callers mask those lanes' bits off.
///
/// Read as two words that go into the vector from registers. Written to
/// a 16-byte block first (two 8-byte stores) and loaded from there, as
/// before, the load waited for the stores: a processor cannot forward two
/// stores to one wider load. That wait was the hottest instruction of the
/// wasm row check (`perf` over V8's code in node: 8% of the row check's
/// samples at the email's block, 2.6% at the mobile number's); from
/// registers, the 100,000-row check took a median of 27.2 ms against 27.9
/// in a Chromium page (README, "Benchmarks"). Nor is it a
/// `copy_from_slice` of the length: a copy of a length known only at run
/// time is a call to `memcpy` (in wasm, `memory.copy`).
#[inline]
pub(crate) fn load_partial(bytes: &[u8]) -> Bytes16 {
    let bytes = &bytes[..bytes.len().min(LANES)];
    let (low, high) = match bytes.len() {
        // The second word ends where the bytes do; its first bytes, which
        // the first word holds, are shifted out.
        9.. => (
            word_at(bytes, 0),
            word_at(bytes, bytes.len() - 8) >> (8 * (LANES - bytes.len())),
        ),
        _ => (short_word(bytes), 0),
    };
    Bytes16::from_words(low, high)
}

/// Up to eight bytes as a little-endian word, zero above them, read
/// without a copy of a run-time length (see [`load_partial`]).
#[inline]
pub(crate) fn short_word(bytes: &[u8]) -> u64 {
    debug_assert!(bytes.len() <= 8);
    let len = bytes.len();
    let half_at = |at: usize| u64::from(u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()));
    let byte_at = |at: usize| u64::from(bytes[at]) << (8 * at);
    match len {
        8 => word_at(bytes, 0),
        // Two halves, which overlap below eight bytes.
        4.. => half_at(0) | half_at(len - 4) << (8 * (len - 4)),
        // The first, middle and last byte: all there are, some twice.
        1.. => byte_at(0) | byte_at(len / 2) | byte_at(len - 1),
        0 => 0,
    }
}

#[inline(always)]
fn word_at(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap())
}

/// The operations in their plain form: the definition of each, and the
/// implementation where no vector unit is used.
#[cfg_attr(
    any(
        target_arch = "x86_64",
        all(target_arch = "wasm32", target_feature = "simd128")
    ),
    allow(dead_code)
)]
mod portable {
    use super::LANES;

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub(crate) struct Bytes16([u8; LANES]);

    impl Bytes16 {
        #[inline]
        pub(crate) fn load(block: &[u8; LANES]) -> Bytes16 {
            Bytes16(*block)
        }

        /// Lanes 0–7 from `low`'s bytes, 8–15 from `high`'s, in
        /// little-endian order.
        #[inline]
        pub(crate) fn from_words(low: u64, high: u64) -> Bytes16 {
            let mut block = [0; LANES];
            block[..8].copy_from_slice(&low.to_le_bytes());
            block[8..].copy_from_slice(&high.to_le_bytes());
            Bytes16(block)
        }

        fn map(self, f: impl Fn(u8) -> bool) -> Bytes16 {
            Bytes16(self.0.map(|b| if f(b) { 0xFF } else { 0 }))
        }

        /// Lanes equal to `b`.
        #[inline]
        pub(crate) fn eq(self, b: u8) -> Bytes16 {
            self.map(|x| x == b)
        }

        /// Lanes from `low` to `high` (both at most 0x7E).
        #[inline]
        pub(crate) fn between(self, low: u8, high: u8) -> Bytes16 {
            debug_assert!(low <= high && high < 0x7F);
            self.map(|x| (low..=high).contains(&x))
        }

        /// Each lane with the bits of `bits` set (`| 0x20` folds ASCII
        /// letters to lower case).
        #[inline]
        pub(crate) fn with(self, bits: u8) -> Bytes16 {
            Bytes16(self.0.map(|x| x | bits))
        }

        #[inline]
        pub(crate) fn or(self, other: Bytes16) -> Bytes16 {
            Bytes16(std::array::from_fn(|i| self.0[i] | other.0[i]))
        }

        /// The high bit of each lane, lane `i` in bit `i`.
        #[inline]
        pub(crate) fn bits(self) -> u32 {
            self.0
                .iter()
                .enumerate()
                .fold(0, |bits, (i, &x)| bits | u32::from(x >> 7) << i)
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod sse2 {
    use super::LANES;
    use std::arch::x86_64::{
        __m128i, _mm_and_si128, _mm_cmpeq_epi8, _mm_cmpgt_epi8, _mm_cmplt_epi8, _mm_loadu_si128,
        _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8, _mm_set_epi64x,
    };

    #[derive(Debug, Clone, Copy)]
    pub(crate) struct Bytes16(__m128i);

    // SAFETY (every `unsafe` below): SSE2 is part of the x86-64 baseline,
    // so these instructions exist on every processor this code runs on;
    // the one load reads exactly the 16 bytes of its argument.
    impl Bytes16 {
        #[inline]
        pub(crate) fn load(block: &[u8; LANES]) -> Bytes16 {
            Bytes16(unsafe { _mm_loadu_si128(block.as_ptr().cast::<__m128i>()) })
        }

        #[inline]
        pub(crate) fn from_words(low: u64, high: u64) -> Bytes16 {
            Bytes16(unsafe { _mm_set_epi64x(high as i64, low as i64) })
        }

        #[inline]
        pub(crate) fn eq(self, b: u8) -> Bytes16 {
            Bytes16(unsafe { _mm_cmpeq_epi8(self.0, _mm_set1_epi8(b as i8)) })
        }

        /// Signed comparisons: bytes over 0x7F are negative, so below
        /// `low`, which is why `high` must be under 0x7F.
        #[inline]
        pub(crate) fn between(self, low: u8, high: u8) -> Bytes16 {
            debug_assert!(low <= high && high < 0x7F);
            unsafe {
                let above = _mm_cmpgt_epi8(self.0, _mm_set1_epi8((low as i8).wrapping_sub(1)));
                let below = _mm_cmplt_epi8(self.0, _mm_set1_epi8(high as i8 + 1));
                Bytes16(_mm_and_si128(above, below))
            }
        }

        #[inline]
        pub(crate) fn with(self, bits: u8) -> Bytes16 {
            Bytes16(unsafe { _mm_or_si128(self.0, _mm_set1_epi8(bits as i8)) })
        }

        #[inline]
        pub(crate) fn or(self, other: Bytes16) -> Bytes16 {
            Bytes16(unsafe { _mm_or_si128(self.0, other.0) })
        }

        #[inline]
        pub(crate) fn bits(self) -> u32 {
            unsafe { _mm_movemask_epi8(self.0) as u32 }
        }
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd128 {
    use super::LANES;
    use core::arch::wasm32::{
        u64x2, u8x16_bitmask, u8x16_eq, u8x16_ge, u8x16_le, u8x16_splat, v128, v128_and, v128_load,
        v128_or,
    };

    #[derive(Debug, Clone, Copy)]
    pub(crate) struct Bytes16(v128);

    impl Bytes16 {
        #[inline]
        pub(crate) fn load(block: &[u8; LANES]) -> Bytes16 {
            // SAFETY: reads exactly the 16 bytes of `block`; wasm allows
            // unaligned loads.
            Bytes16(unsafe { v128_load(block.as_ptr().cast::<v128>()) })
        }

        #[inline]
        pub(crate) fn from_words(low: u64, high: u64) -> Bytes16 {
            Bytes16(u64x2(low, high))
        }

        #[inline]
        pub(crate) fn eq(self, b: u8) -> Bytes16 {
            Bytes16(u8x16_eq(self.0, u8x16_splat(b)))
        }

        #[inline]
        pub(crate) fn between(self, low: u8, high: u8) -> Bytes16 {
            debug_assert!(low <= high && high < 0x7F);
            let above = u8x16_ge(self.0, u8x16_splat(low));
            let below = u8x16_le(self.0, u8x16_splat(high));
            Bytes16(v128_and(above, below))
        }

        #[inline]
        pub(crate) fn with(self, bits: u8) -> Bytes16 {
            Bytes16(v128_or(self.0, u8x16_splat(bits)))
        }

        #[inline]
        pub(crate) fn or(self, other: Bytes16) -> Bytes16 {
            Bytes16(v128_or(self.0, other.0))
        }

        #[inline]
        pub(crate) fn bits(self) -> u32 {
            u32::from(u8x16_bitmask(self.0))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Each operation of the vector unit in use gives the same bits as
        /// its plain definition.
        #[test]
        fn the_vector_operations_are_the_plain_ones(
            block in proptest::array::uniform16(proptest::sample::select(
                b"\0\t\r\n \"',.-/09:;@AZ[`az{|~\x7F\x80\xC3\xDA\xFF".to_vec(),
            )),
            b in proptest::num::u8::ANY,
            low in 0u8..0x7F,
            high in 0u8..0x7F,
        ) {
            let (low, high) = (low.min(high), low.max(high));
            let plain = portable::Bytes16::load(&block);
            let vector = Bytes16::load(&block);
            proptest::prop_assert_eq!(vector.bits(), plain.bits());
            proptest::prop_assert_eq!(vector.eq(b).bits(), plain.eq(b).bits());
            proptest::prop_assert_eq!(vector.between(low, high).bits(), plain.between(low, high).bits());
            proptest::prop_assert_eq!(vector.with(0x20).eq(b).bits(), plain.with(0x20).eq(b).bits());
            proptest::prop_assert_eq!(
                vector.eq(b).or(vector.eq(b'\r')).bits(),
                plain.eq(b).or(plain.eq(b'\r')).bits()
            );
        }
    }

    #[test]
    fn words_fill_the_lanes_in_order() {
        let block: [u8; LANES] = std::array::from_fn(|i| 0xF0 | i as u8);
        let (low, high) = block.split_at(8);
        let words = Bytes16::from_words(
            u64::from_le_bytes(low.try_into().unwrap()),
            u64::from_le_bytes(high.try_into().unwrap()),
        );
        for (lane, &b) in block.iter().enumerate() {
            assert_eq!(words.eq(b).bits(), 1 << lane);
        }
    }

    #[test]
    fn a_short_word_is_the_bytes_zero_padded_at_every_length() {
        let bytes: Vec<u8> = (0xF1..=0xF8).collect();
        for len in 0..=8 {
            let mut padded = [0; 8];
            padded[..len].copy_from_slice(&bytes[..len]);
            assert_eq!(
                short_word(&bytes[..len]),
                u64::from_le_bytes(padded),
                "{len} bytes"
            );
        }
    }

    #[test]
    fn a_partial_load_has_nul_past_its_bytes() {
        let v = load_partial(b"a,b");
        assert_eq!(v.eq(b',').bits(), 0b10);
        assert_eq!(v.eq(0).bits(), 0xFFF8);
        assert_eq!(load_partial(&[b'x'; 20]).eq(b'x').bits(), 0xFFFF);
    }

    #[test]
    fn a_partial_load_keeps_every_byte_in_its_lane_at_every_length() {
        let bytes: Vec<u8> = (1..=20).collect();
        for len in 0..=bytes.len() {
            let v = load_partial(&bytes[..len]);
            let loaded = len.min(LANES);
            for (lane, &b) in bytes.iter().enumerate().take(LANES) {
                let expected = if lane < loaded { 1 << lane } else { 0 };
                assert_eq!(v.eq(b).bits(), expected, "length {len}, lane {lane}");
            }
            let nul_lanes = (0xFFFF_u32 >> loaded) << loaded;
            assert_eq!(v.eq(0).bits(), nul_lanes, "length {len}");
        }
    }

    #[test]
    fn bits_follow_the_lanes() {
        let block = *b"a,b,\xC3\xA9\"\r\n09az AZ";
        let v = Bytes16::load(&block);
        assert_eq!(v.eq(b',').bits(), 0b1010);
        assert_eq!(v.bits(), 0b11_0000, "bytes over 0x7F");
        assert_eq!(v.between(b'0', b'9').bits(), 0b11 << 9);
        assert_eq!(
            v.with(0x20).between(b'a', b'z').bits(),
            1 | 1 << 2 | 0b11 << 11 | 0b11 << 14
        );
    }
}
