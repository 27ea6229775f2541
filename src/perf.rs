//! User Timing marks and measures (`performance.mark` / `performance.measure`)
//! that benchmarks and tests read after every check.

/// From the first byte fed to the checker to the report.
pub const CHECK_MEASURE: &str = "import:check";
/// From the file chosen to the results on screen.
pub const SHOWN_MEASURE: &str = "import:shown";

/// Set when a file is chosen or dropped.
pub const CHOSEN_MARK: &str = "import:chosen";
/// Set just before the first byte is fed to the checker.
pub const CHECK_START_MARK: &str = "import:check-start";
/// Set when the report is ready.
pub const CHECK_END_MARK: &str = "import:check-end";

fn performance() -> Option<web_sys::Performance> {
    web_sys::window()?.performance()
}

/// Milliseconds since the page started (0 without a `performance` object).
pub fn now() -> f64 {
    performance().map_or(0.0, |p| p.now())
}

pub(crate) fn mark(name: &str) {
    if let Some(p) = performance() {
        let _ = p.mark(name);
    }
}

/// Measures from the latest `start` mark to the latest `end` mark, or to now.
pub(crate) fn measure(name: &str, start: &str, end: Option<&str>) {
    if let Some(p) = performance() {
        let _ = match end {
            Some(end) => p.measure_with_start_mark_and_end_mark(name, start, end),
            None => p.measure_with_start_mark(name, start),
        };
    }
}

/// Runs `f` once the next frame has been painted.
pub fn after_next_paint(f: impl FnOnce() + 'static) {
    leptos::prelude::request_animation_frame(move || {
        leptos::prelude::set_timeout(f, std::time::Duration::ZERO)
    });
}
