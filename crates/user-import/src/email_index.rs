//! "The last row wins": which rows share an email (ignoring ASCII case),
//! settled once every row is read.
//!
//! While the rows stream in, each valid email is only noted, as 8 bytes
//! (a 32-bit hash key and the row) appended to a list: no table is probed
//! per row. A hash table's random accesses cost more than the rest of the
//! row's storage (its misses grow with the file, and a 100,000-row file's
//! table is larger than a core's cache). At the end, one radix sort lines
//! up the rows of each key in row order; a key's rows are confirmed
//! against their stored emails, so a hash collision never merges two
//! addresses.
//!
//! ```text
//! claims (key, row):  (9, 0) (4, 1) (9, 2) (7, 3) (9, 4)
//! sorted:             (4, 1) (7, 3) (9, 0) (9, 2) (9, 4)
//! superseded:         row 0 by row 2, row 2 by row 4
//! ```

use crate::keyed_rows::{key_of, keyed_row, row_of, rows_of_key, sort_keyed_rows};
use crate::vector::short_word;

/// The valid emails of the rows read so far, as they were read.
#[derive(Debug, Default)]
pub(crate) struct EmailClaims {
    /// Keyed rows (see [`crate::keyed_rows`]), in row order.
    claims: Vec<u64>,
}

impl EmailClaims {
    /// Room for about `rows` emails.
    pub(crate) fn with_capacity(rows: usize) -> EmailClaims {
        EmailClaims {
            claims: Vec::with_capacity(rows),
        }
    }

    /// Notes that `row` (counted from 0, each row after the last one
    /// noted) holds `email`, in any case.
    pub(crate) fn claim(&mut self, email: &str, row: u32) {
        debug_assert!(self.claims.last().is_none_or(|&c| row_of(c) < row));
        self.claims.push(keyed_row(key(email), row));
    }

    /// Settles every email: calls `superseded(earlier, later)` for each row
    /// whose email a later row holds (the next one that does), and returns
    /// the index of the rows that hold each email last. `email_of` gives
    /// the email of a row that claimed one.
    pub(crate) fn settle<'s>(
        self,
        email_of: impl Fn(u32) -> &'s str,
        mut superseded: impl FnMut(u32, u32),
    ) -> EmailIndex {
        let sorted = sort_keyed_rows(self.claims);
        for group in sorted.chunk_by(|&a, &b| key_of(a) == key_of(b)) {
            if group.len() < 2 {
                continue;
            }
            // Each row's email read once: the rows are far apart in the
            // store, so each read is a miss in the cache.
            let first = email_of(row_of(group[0]));
            if group[1..]
                .iter()
                .all(|&c| email_of(row_of(c)).eq_ignore_ascii_case(first))
            {
                for pair in group.windows(2) {
                    superseded(row_of(pair[0]), row_of(pair[1]));
                }
                continue;
            }
            // A hash collision: rows of different emails under one key,
            // told apart by the emails themselves.
            let mut by_email: Vec<(String, u32)> = group
                .iter()
                .map(|&c| (email_of(row_of(c)).to_ascii_lowercase(), row_of(c)))
                .collect();
            by_email.sort_unstable();
            for pair in by_email.windows(2) {
                if pair[0].0 == pair[1].0 {
                    superseded(pair[0].1, pair[1].1);
                }
            }
        }
        EmailIndex { sorted }
    }
}

/// Every claimed email's rows, as keyed rows sorted by key then row: see
/// [`EmailClaims::settle`].
#[derive(Debug, Default)]
pub(crate) struct EmailIndex {
    sorted: Vec<u64>,
}

impl EmailIndex {
    /// The last row that holds `email` (any case), if any. `email_of` gives
    /// the email of a row that claimed one.
    pub(crate) fn holder<'s>(&self, email: &str, email_of: impl Fn(u32) -> &'s str) -> Option<u32> {
        rows_of_key(&self.sorted, key(email))
            .iter()
            .rev()
            .map(|&c| row_of(c))
            .find(|&row| email_of(row).eq_ignore_ascii_case(email))
    }
}

/// An email's key: 32 bits of its hash, ignoring ASCII case.
///
/// Inlined in wasm, with its hash, into the check of a row, which calls
/// it for every valid email: as calls they cost about 1% of a 100,000-row
/// check in Chromium (medians 26.9 → 26.4 and 26.2 → 26.0 ms in turns).
#[cfg_attr(target_arch = "wasm32", inline(always))]
fn key(email: &str) -> u32 {
    hash_ignoring_ascii_case(email.as_bytes()) as u32
}

/// A fast 64-bit hash for short keys (FxHash's mixing, 8 bytes at a time)
/// that reads ASCII capitals as small letters: `hash("Ann@X.io") ==
/// hash("ann@x.io")`.
// Inlined in wasm: see `key`.
#[cfg_attr(target_arch = "wasm32", inline(always))]
fn hash_ignoring_ascii_case(bytes: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mix = |h: u64, w: u64| (h.rotate_left(5) ^ w).wrapping_mul(K);
    let mut h = bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        h = mix(h, ascii_lowercase_word(u64::from_le_bytes(word)));
    }
    // Read without a copy of its length: a call to `memcpy` once per email
    // of the file (without it, the native 100,000-row check took 20.3–21.0
    // ms against 21.8–22.2).
    let tail = short_word(chunks.remainder());
    // A final avalanche so the key's bits depend on every byte.
    let h = mix(h, ascii_lowercase_word(tail));
    (h ^ (h >> 29)).wrapping_mul(0xbf58_476d_1ce4_e5b9) ^ (h >> 32)
}

/// Eight bytes with each of `A`..=`Z` made small (bytes from 0x80 untouched).
fn ascii_lowercase_word(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // Per byte, with its high bit cleared (so no carry crosses bytes): the
    // high bit of `low + (0x80 - b'A')` is set from 'A' up, and that of
    // `low + (0x80 - b'Z' - 1)` from past 'Z' up.
    let low = word & !HIGHS;
    let from_a = low + (0x80 - u64::from(b'A')) * ONES;
    let past_z = low + (0x80 - u64::from(b'Z') - 1) * ONES;
    let capitals = from_a & !past_z & !word & HIGHS;
    // 0x80 >> 2 is 0x20, the difference between a capital and its small letter.
    word | (capitals >> 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Claims each email in turn (row = position) and settles them: which
    /// row supersedes each, and the index.
    fn settle(emails: &[&str]) -> (Vec<Option<u32>>, EmailIndex) {
        let mut claims = EmailClaims::default();
        for (row, email) in emails.iter().enumerate() {
            claims.claim(email, row as u32);
        }
        let mut superseded_by = vec![None; emails.len()];
        let index = claims.settle(
            |row| emails[row as usize],
            |earlier, later| {
                assert_eq!(superseded_by[earlier as usize], None, "once each");
                superseded_by[earlier as usize] = Some(later);
            },
        );
        (superseded_by, index)
    }

    #[test]
    fn each_row_is_superseded_by_the_next_with_its_email() {
        let (superseded_by, _) = settle(&["ann@x.io", "bob@x.io", "ann@x.io", "ann@x.io"]);
        assert_eq!(superseded_by, [Some(2), None, Some(3), None]);
    }

    #[test]
    fn emails_are_compared_ignoring_ascii_case() {
        let (superseded_by, _) = settle(&["Ann@X.io", "bob@x.io", "ANN@x.IO", "ann@x.io"]);
        assert_eq!(superseded_by, [Some(2), None, Some(3), None]);
    }

    #[test]
    fn large_lists_are_settled_like_small_ones() {
        // 3,000 rows (the radix sort) of 1,000 emails: row r holds email
        // r % 1000, so row r is superseded by row r + 1000.
        let emails: Vec<String> = (0..3000)
            .map(|r| format!("user{}@x.io", r % 1000))
            .collect();
        let emails: Vec<&str> = emails.iter().map(String::as_str).collect();
        let (superseded_by, index) = settle(&emails);
        for (row, by) in superseded_by.iter().enumerate() {
            let want = (row < 2000).then_some(row as u32 + 1000);
            assert_eq!(*by, want, "row {row}");
        }
        let of = |row: u32| emails[row as usize];
        assert_eq!(index.holder("USER7@x.io", of), Some(2007));
    }

    proptest::proptest! {
        #[test]
        fn settling_agrees_with_a_map_of_last_holders(
            picks in proptest::collection::vec((0..40_usize, proptest::bool::ANY), 0..2500),
        ) {
            // Up to 2,500 rows (either sort), each one of 40 emails, some
            // in capitals.
            let emails: Vec<String> = picks
                .iter()
                .map(|&(n, upper)| {
                    let email = format!("user{n}@x.io");
                    if upper { email.to_uppercase() } else { email }
                })
                .collect();
            let emails: Vec<&str> = emails.iter().map(String::as_str).collect();
            let mut want = vec![None; emails.len()];
            let mut last = std::collections::HashMap::new();
            for (row, email) in emails.iter().enumerate() {
                if let Some(earlier) = last.insert(email.to_ascii_lowercase(), row) {
                    want[earlier] = Some(row as u32);
                }
            }
            let (superseded_by, index) = settle(&emails);
            proptest::prop_assert_eq!(superseded_by, want);
            let of = |row: u32| emails[row as usize];
            for (email, &row) in &last {
                proptest::prop_assert_eq!(index.holder(email, of), Some(row as u32));
            }
        }
    }

    #[test]
    fn lowercasing_words_changes_only_capitals() {
        for byte in 0..=255_u8 {
            let word = u64::from_le_bytes([byte, b'Q', 0x80 | b'Q', byte, 0, 0xff, b'@', b'z']);
            let expected = u64::from_le_bytes([
                byte.to_ascii_lowercase(),
                b'q',
                0x80 | b'Q',
                byte.to_ascii_lowercase(),
                0,
                0xff,
                b'@',
                b'z',
            ]);
            assert_eq!(ascii_lowercase_word(word), expected, "byte {byte:#x}");
        }
    }

    /// Two addresses whose keys collide: found by a birthday search (about
    /// 80,000 tries for 32-bit keys).
    fn colliding_emails() -> (String, String) {
        let mut seen = std::collections::HashMap::new();
        for i in 0.. {
            let email = format!("user{i}@example.com");
            if let Some(other) = seen.insert(key(&email), email.clone()) {
                return (other, email);
            }
        }
        unreachable!()
    }

    #[test]
    fn colliding_keys_keep_their_emails_apart() {
        let (a, b) = colliding_emails();
        assert_ne!(a, b);
        let upper_b = b.to_uppercase();
        let (superseded_by, _) = settle(&[&a, &b, &b, &a, &upper_b]);
        assert_eq!(superseded_by, [Some(3), Some(2), Some(4), None, None]);
    }

    #[test]
    fn the_holder_is_the_last_row_with_an_email() {
        let (a, b) = colliding_emails();
        let upper_b = b.to_uppercase();
        let emails = [
            a.as_str(),
            "ann@x.io",
            b.as_str(),
            "ANN@x.io",
            upper_b.as_str(),
        ];
        let (_, index) = settle(&emails);
        let of = |row: u32| emails[row as usize];
        assert_eq!(index.holder("ann@x.io", of), Some(3));
        assert_eq!(index.holder(&a, of), Some(0));
        assert_eq!(index.holder(&b, of), Some(4), "the colliding one, any case");
        assert_eq!(index.holder("bob@x.io", of), None);
    }

    #[test]
    fn hash_depends_on_every_byte_and_the_length_but_not_ascii_case() {
        let hash = hash_ignoring_ascii_case;
        assert_ne!(hash(b"a@x.io"), hash(b"b@x.io"));
        assert_ne!(hash(b"a"), hash(b"a\0"));
        assert_ne!(hash(b"12345678a"), hash(b"12345678b"));
        assert_eq!(hash(b"Ann.Lee@Example.COM"), hash(b"ann.lee@example.com"));
        assert_ne!(hash(b"ann@x.io["), hash(b"ann@x.io{"), "[ is not a capital");
    }
}
