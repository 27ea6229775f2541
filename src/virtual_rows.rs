//! Which rows of a long list of fixed-height rows a scroll container shows,
//! so the DOM holds only those (plus a few above and below).

/// The tallest the list is made, in pixels: well under the browsers' limits
/// on an element's height. Longer lists scroll proportionally.
pub const MAX_HEIGHT_PX: f64 = 8_000_000.0;

/// The rows to render and the space to leave above and below them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Window {
    /// First row rendered.
    pub start: usize,
    /// One past the last row rendered.
    pub end: usize,
    pub top_px: f64,
    pub bottom_px: f64,
}

/// The window of `total` rows of `row_px` each seen through a viewport of
/// `viewport_px` scrolled to `scroll_top`, with `overscan` rows either side.
pub fn visible_window(
    total: usize,
    row_px: f64,
    scroll_top: f64,
    viewport_px: f64,
    overscan: usize,
) -> Window {
    let full = total as f64 * row_px;
    let height = full.min(MAX_HEIGHT_PX);
    let scroll_top = scroll_top.clamp(0.0, (height - viewport_px).max(0.0));
    // Where the viewport's top is in the full list: the same as scroll_top
    // unless the list is taller than MAX_HEIGHT_PX.
    let virtual_top = if full > height {
        let fraction = scroll_top / (height - viewport_px).max(1.0);
        fraction * (full - viewport_px).max(0.0)
    } else {
        scroll_top
    };
    let first = virtual_top / row_px;
    let start = (first.floor() as usize).saturating_sub(overscan).min(total);
    let last = ((virtual_top + viewport_px) / row_px).ceil() as usize;
    let end = (last + overscan).min(total).max(start);
    // Row `first` sits at the viewport's top.
    let top_px = (scroll_top - (first - start as f64) * row_px).max(0.0);
    let bottom_px = (height - top_px - (end - start) as f64 * row_px).max(0.0);
    Window {
        start,
        end,
        top_px,
        bottom_px,
    }
}

/// A CSS length in whole pixels (integers only: no float formatting in
/// the wasm, which costs kilobytes).
pub fn px(value: f64) -> String {
    format!("{}px", value.round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn short_lists_render_whole() {
        let w = visible_window(5, 48.0, 0.0, 480.0, 4);
        assert_eq!(
            w,
            Window {
                start: 0,
                end: 5,
                top_px: 0.0,
                bottom_px: 0.0
            }
        );
        assert_eq!(visible_window(0, 48.0, 0.0, 480.0, 4).end, 0);
    }

    #[wasm_bindgen_test]
    fn long_lists_render_the_viewport_and_overscan() {
        let w = visible_window(100_000, 48.0, 48_000.0, 480.0, 4);
        assert_eq!((w.start, w.end), (996, 1014));
        assert_eq!(w.top_px, 996.0 * 48.0);
        assert_eq!(w.top_px + 18.0 * 48.0 + w.bottom_px, 100_000.0 * 48.0);
        let bottom = visible_window(100_000, 48.0, 1e12, 480.0, 4);
        assert_eq!((bottom.end, bottom.bottom_px), (100_000, 0.0));
    }

    #[wasm_bindgen_test]
    fn huge_lists_scroll_proportionally_within_the_height_limit() {
        let total = 1_000_000;
        let height = MAX_HEIGHT_PX;
        let end = visible_window(total, 48.0, height - 480.0, 480.0, 4);
        assert_eq!(end.end, total);
        assert!((end.top_px + (end.end - end.start) as f64 * 48.0 - height).abs() < 1.0);
        let middle = visible_window(total, 48.0, (height - 480.0) / 2.0, 480.0, 4);
        assert!((middle.start as i64 - 500_000).abs() < 20, "{middle:?}");
        assert!(middle.end - middle.start < 30);
    }
}
