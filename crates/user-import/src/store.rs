//! The rows of a file kept compactly: all cell text in one arena, so a
//! million rows cost a handful of allocations, not millions.

/// The cells of every data row, `width` cells a row (the header's width:
/// short rows are padded with empty cells; the cells past the header are
/// only looked at while the row is checked).
///
/// Every cell is followed by one separator byte, so a row copied whole
/// with its delimiters needs one copy, not one a cell.
#[derive(Debug, Clone, Default)]
pub(crate) struct RowStore {
    text: String,
    /// End of each cell in `text`; cell `k` starts one byte after cell
    /// `k - 1` ends.
    ends: Vec<u32>,
    width: usize,
}

const SEPARATOR: char = ',';

impl RowStore {
    /// A store sized for a file of `bytes` bytes (cells take about the
    /// file's size; a cell end, 4 bytes, is needed for about every 12).
    pub(crate) fn with_capacity(width: usize, bytes: u64) -> RowStore {
        let bytes = usize::try_from(bytes).unwrap_or(0);
        RowStore {
            text: String::with_capacity(bytes),
            ends: Vec::with_capacity(bytes / 12),
            width,
        }
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.ends.len().checked_div(self.width).unwrap_or(0)
    }

    /// Appends a row given as its cells' text and where each cell ends in
    /// it, with `gap` (0 or 1) bytes between cells; cells past `width` are
    /// dropped, missing ones are empty.
    pub(crate) fn push_joined(&mut self, text: &str, ends: &[usize], gap: usize) {
        let kept = ends.len().min(self.width);
        let base = self.text.len();
        if gap == 1 {
            // Cells and the delimiters between them in one copy: each
            // delimiter is the separator of the cell before it.
            let kept_len = if kept == 0 { 0 } else { ends[kept - 1] };
            self.text.push_str(&text[..kept_len]);
            if u32::try_from(base + kept_len).is_ok() {
                // Every end fits: converted without a check each.
                self.ends
                    .extend(ends[..kept].iter().map(|&end| (base + end) as u32));
            } else {
                self.ends
                    .extend(ends[..kept].iter().map(|&end| offset(base + end)));
            }
            if kept > 0 {
                self.text.push(SEPARATOR);
            }
        } else {
            let mut start = 0;
            for &end in &ends[..kept] {
                self.text.push_str(&text[start..end]);
                self.ends.push(offset(self.text.len()));
                self.text.push(SEPARATOR);
                start = end;
            }
        }
        for _ in kept..self.width {
            self.ends.push(offset(self.text.len()));
            self.text.push(SEPARATOR);
        }
    }

    /// Appends a row of cells.
    #[cfg(test)]
    pub(crate) fn push<'a>(&mut self, cells: impl Iterator<Item = &'a str>) {
        let cells: Vec<&str> = cells.collect();
        let text = cells.concat();
        let ends: Vec<usize> = cells
            .iter()
            .scan(0, |end, cell| {
                *end += cell.len();
                Some(*end)
            })
            .collect();
        self.push_joined(&text, &ends, 0);
    }

    pub(crate) fn cell(&self, row: usize, column: usize) -> &str {
        let k = row * self.width + column;
        let start = if k == 0 {
            0
        } else {
            self.ends[k - 1] as usize + 1
        };
        self.text.get(start..self.ends[k] as usize).unwrap_or("")
    }

    pub(crate) fn row(&self, row: usize) -> impl Iterator<Item = &str> {
        (0..self.width).map(move |c| self.cell(row, c))
    }
}

/// The file is at most 256 MiB and decoding at most triples it, so offsets
/// fit in 32 bits; saturate rather than wrap if a caller raised the limits
/// past that.
fn offset(at: usize) -> u32 {
    u32::try_from(at).unwrap_or(u32::MAX)
}

/// Which row holds each email, for "the last row wins" in one pass.
///
/// Keys are 32 bits of a hash of the email with ASCII letters lowercased
/// (a valid address is ASCII), computed without building a lowercased
/// copy, so the index allocates nothing per row. A key match is confirmed
/// against the stored email, ignoring ASCII case; a true collision (about
/// one in 40,000 rows of a 100,000-row file) falls back to an exact map of
/// lowercased emails. 32-bit keys halve the table (8 bytes a row, not 16):
/// its random accesses were the check's main cache misses.
#[derive(Debug, Default)]
pub(crate) struct EmailIndex {
    by_hash: std::collections::HashMap<u32, u32, BuildKeyHasher>,
    collisions: std::collections::HashMap<Box<str>, u32>,
}

impl EmailIndex {
    /// An index sized for about `rows` emails.
    pub(crate) fn with_capacity(rows: usize) -> EmailIndex {
        EmailIndex {
            by_hash: std::collections::HashMap::with_capacity_and_hasher(rows, BuildKeyHasher),
            collisions: std::collections::HashMap::new(),
        }
    }

    /// Records that row `index` holds `email` (any case) and returns the
    /// row that held it before, if any. `email_of` gives the email of an
    /// earlier row (any case).
    pub(crate) fn claim<'s>(
        &mut self,
        email: &str,
        index: u32,
        email_of: impl Fn(u32) -> &'s str,
    ) -> Option<u32> {
        use std::collections::hash_map::Entry;
        match self.by_hash.entry(key(email)) {
            Entry::Vacant(slot) => {
                slot.insert(index);
                None
            }
            Entry::Occupied(mut slot) => {
                if email_of(*slot.get()).eq_ignore_ascii_case(email) {
                    Some(slot.insert(index))
                } else {
                    let key = email.to_ascii_lowercase().into_boxed_str();
                    self.collisions.insert(key, index)
                }
            }
        }
    }

    /// The row that last claimed `email` (any case), if any.
    pub(crate) fn holder<'s>(&self, email: &str, email_of: impl Fn(u32) -> &'s str) -> Option<u32> {
        match self.by_hash.get(&key(email)) {
            Some(&index) if email_of(index).eq_ignore_ascii_case(email) => Some(index),
            Some(_) => self.collisions.get(&*email.to_ascii_lowercase()).copied(),
            None => None,
        }
    }
}

/// An email's key in the index: 32 bits of its hash, ignoring ASCII case.
fn key(email: &str) -> u32 {
    hash_ignoring_ascii_case(email.as_bytes()) as u32
}

/// A fast 64-bit hash for short keys (FxHash's mixing, 8 bytes at a time)
/// that reads ASCII capitals as small letters: `hash("Ann@X.io") ==
/// hash("ann@x.io")`.
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
    let mut tail = [0; 8];
    tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    // A final avalanche so the map's low bits depend on every byte.
    let h = mix(h, ascii_lowercase_word(u64::from_le_bytes(tail)));
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

/// The index's keys are hashes already; its hasher only spreads their 32
/// bits over the 64 the table uses.
#[derive(Debug, Default, Clone, Copy)]
struct BuildKeyHasher;

impl std::hash::BuildHasher for BuildKeyHasher {
    type Hasher = KeyHasher;
    fn build_hasher(&self) -> KeyHasher {
        KeyHasher(0)
    }
}

#[derive(Debug, Default, Clone, Copy)]
struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only u32 keys are hashed; fold anything else in anyway.
        for &b in bytes {
            self.0 = (self.0 << 8) ^ u64::from(b);
        }
    }
    fn write_u32(&mut self, n: u32) {
        // Spread the key over all 64 bits: the table takes its buckets from
        // the low bits and its tags from the top ones.
        self.0 = u64::from(n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_with_delimiters_are_stored_like_cell_by_cell_ones() {
        let mut joined = RowStore::with_capacity(3, 0);
        let mut cells = RowStore::with_capacity(3, 0);
        for row in [&["a", "b"][..], &["c", "d", "e", "f"], &["", "é", ""], &[]] {
            let text = row.join(";");
            let ends: Vec<usize> = row
                .iter()
                .scan(0, |end, cell| {
                    let cell_end = *end + cell.len();
                    *end = cell_end + 1;
                    Some(cell_end)
                })
                .collect();
            joined.push_joined(&text, &ends, 1);
            cells.push(row.iter().copied());
        }
        for r in 0..4 {
            assert_eq!(
                joined.row(r).collect::<Vec<_>>(),
                cells.row(r).collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn rows_are_padded_and_cut_to_the_width() {
        let mut store = RowStore::with_capacity(3, 0);
        store.push(["a", "b"].into_iter());
        store.push(["c", "d", "e", "f"].into_iter());
        store.push(["", "é", ""].into_iter());
        assert_eq!(store.len(), 3);
        assert_eq!(store.row(0).collect::<Vec<_>>(), ["a", "b", ""]);
        assert_eq!(store.row(1).collect::<Vec<_>>(), ["c", "d", "e"]);
        assert_eq!(store.cell(2, 1), "é");
    }

    /// Claims each email in turn (row = position); what each claim returned.
    fn previous_holders(emails: &[&str]) -> Vec<Option<u32>> {
        let mut index = EmailIndex::default();
        let of = |i: u32| emails[i as usize];
        emails
            .iter()
            .enumerate()
            .map(|(i, e)| index.claim(e, i as u32, of))
            .collect()
    }

    #[test]
    fn the_index_returns_the_previous_holder() {
        let previous = previous_holders(&["ann@x.io", "bob@x.io", "ann@x.io", "ann@x.io"]);
        assert_eq!(previous, [None, None, Some(0), Some(2)]);
    }

    #[test]
    fn the_index_ignores_ascii_case() {
        let previous = previous_holders(&["Ann@X.io", "bob@x.io", "ANN@x.IO", "ann@x.io"]);
        assert_eq!(previous, [None, None, Some(0), Some(2)]);
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
    fn colliding_keys_fall_back_to_exact_emails() {
        let (a, b) = colliding_emails();
        assert_ne!(a, b);
        let previous = previous_holders(&[&a, &b, &b, &a, &b.to_uppercase()]);
        assert_eq!(previous, [None, None, Some(1), Some(0), Some(2)]);
    }

    #[test]
    fn the_holder_is_the_last_row_to_claim_an_email() {
        let (a, b) = colliding_emails();
        let upper_b = b.to_uppercase();
        let emails = [
            a.as_str(),
            "ann@x.io",
            b.as_str(),
            "ANN@x.io",
            upper_b.as_str(),
        ];
        let of = |i: u32| emails[i as usize];
        let mut index = EmailIndex::default();
        for (i, email) in emails.iter().enumerate() {
            index.claim(email, i as u32, of);
        }
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
