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
}
