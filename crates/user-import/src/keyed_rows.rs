//! Rows grouped by a 32-bit key (an email's hash, an extension) with one
//! sort: each row is packed with its key into a `u64`, key in the high
//! half, so that ascending order is by key, then by row.
//!
//! ```text
//! keyed rows:  (9, 0) (4, 1) (9, 2) (7, 3)
//! sorted:      (4, 1) (7, 3) (9, 0) (9, 2)   rows 0 and 2 share key 9
//! ```

/// `row` with its `key`.
pub(crate) fn keyed_row(key: u32, row: u32) -> u64 {
    u64::from(key) << 32 | u64::from(row)
}

pub(crate) fn key_of(keyed_row: u64) -> u32 {
    (keyed_row >> 32) as u32
}

pub(crate) fn row_of(keyed_row: u64) -> u32 {
    keyed_row as u32
}

/// The rows of `key` in keyed rows sorted by [`sort_keyed_rows`], in row
/// order (none if no row has it): two binary searches.
pub(crate) fn rows_of_key(sorted: &[u64], key: u32) -> &[u64] {
    let start = sorted.partition_point(|&c| key_of(c) < key);
    let end = start + sorted[start..].partition_point(|&c| key_of(c) == key);
    &sorted[start..end]
}

/// Keyed rows given in row order, sorted: by key, then by row.
///
/// Since the rows come in order, a stable sort of the keys alone gives that
/// order: an LSD radix sort of the 32 key bits, a byte a pass, which reads
/// and writes memory in order. A comparison sort of a large list costs
/// several times as much, most of it in mispredicted branches.
pub(crate) fn sort_keyed_rows(mut rows: Vec<u64>) -> Vec<u64> {
    debug_assert!(rows.windows(2).all(|w| row_of(w[0]) < row_of(w[1])));
    if rows.len() < 1024 {
        rows.sort_unstable();
        return rows;
    }
    let mut scratch = vec![0; rows.len()];
    for shift in [32, 40, 48, 56] {
        let bucket = |c: u64| (c >> shift) as usize & 0xFF;
        let mut starts = [0; 256];
        for &c in &rows {
            starts[bucket(c)] += 1;
        }
        let mut sum = 0;
        for start in &mut starts {
            (*start, sum) = (sum, sum + *start);
        }
        for &c in &rows {
            let b = bucket(c);
            scratch[starts[b]] = c;
            starts[b] += 1;
        }
        std::mem::swap(&mut rows, &mut scratch);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_rows_come_back_out() {
        let packed = keyed_row(0xDEAD_BEEF, 7);
        assert_eq!((key_of(packed), row_of(packed)), (0xDEAD_BEEF, 7));
    }

    #[test]
    fn the_radix_sort_orders_like_a_comparison_sort() {
        // Keys from a simple generator, rows ascending (as they come).
        let mut state = 12345_u64;
        let rows: Vec<u64> = (0..5000)
            .map(|row| {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
                // Few distinct keys, so that many rows share one, spread
                // over all four bytes of the key.
                let key = ((state >> 33) % 700 * 0x9E37_79B9) as u32;
                keyed_row(key, row)
            })
            .collect();
        let mut want = rows.clone();
        want.sort_unstable();
        assert_eq!(sort_keyed_rows(rows), want);
    }

    #[test]
    fn the_rows_of_a_key_are_found_in_row_order() {
        let sorted = sort_keyed_rows(vec![
            keyed_row(9, 0),
            keyed_row(4, 1),
            keyed_row(9, 2),
            keyed_row(7, 3),
        ]);
        assert_eq!(rows_of_key(&sorted, 9), [keyed_row(9, 0), keyed_row(9, 2)]);
        assert_eq!(rows_of_key(&sorted, 4), [keyed_row(4, 1)]);
        assert!(rows_of_key(&sorted, 5).is_empty());
        assert!(rows_of_key(&sorted, 10).is_empty());
        assert!(rows_of_key(&[], 9).is_empty());
    }

    proptest::proptest! {
        /// Keys one bit apart, so that the order hangs on each bit alone:
        /// a bit that no pass sorts on would show.
        #[test]
        fn every_key_bit_orders(
            base in proptest::num::u32::ANY,
            bits in proptest::collection::vec(0..33_u32, 1024..1500),
        ) {
            let rows: Vec<u64> = bits
                .iter()
                .enumerate()
                .map(|(row, &bit)| keyed_row(base ^ 1_u32.checked_shl(bit).unwrap_or(0), row as u32))
                .collect();
            let mut want = rows.clone();
            want.sort_unstable();
            proptest::prop_assert_eq!(sort_keyed_rows(rows), want);
        }
    }
}
