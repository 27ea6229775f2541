//! User Timing marks and measures (`performance.mark` / `performance.measure`)
//! that benchmarks and tests read after every check.

/// From the first byte fed to the checker to the report (timed in the
/// check worker, recorded on the page).
pub const CHECK_MEASURE: &str = "import:check";
/// From the file chosen to the results on screen.
pub const SHOWN_MEASURE: &str = "import:shown";

/// Set when a file is chosen or dropped.
pub const CHOSEN_MARK: &str = "import:chosen";

/// The `performance` object of the page or of the worker.
fn performance() -> Option<web_sys::Performance> {
    use wasm_bindgen::JsCast;
    js_sys::Reflect::get(&js_sys::global(), &"performance".into())
        .ok()?
        .dyn_into()
        .ok()
}

/// Milliseconds since the page (or worker) started (0 without a `performance` object).
pub fn now() -> f64 {
    performance().map_or(0.0, |p| p.now())
}

/// A time from [`now`] as milliseconds since the Unix epoch, comparable
/// across the page and its workers (their `now()` count from different
/// origins).
pub fn to_epoch(now: f64) -> f64 {
    performance().map_or(0.0, |p| p.time_origin()) + now
}

/// Records `name` as a measure of `duration` ms that began at `started_at`
/// (ms since the Unix epoch, as [`to_epoch`]): how the page records a
/// span timed in a worker.
pub(crate) fn measure_span(name: &str, started_at: f64, duration: f64) {
    let Some(p) = performance() else { return };
    let options = js_sys::Object::new();
    let start = started_at - p.time_origin();
    let _ = js_sys::Reflect::set(&options, &"start".into(), &start.into());
    let _ = js_sys::Reflect::set(&options, &"duration".into(), &duration.into());
    if let Ok(measure) = js_sys::Reflect::get(&p, &"measure".into()) {
        if let Some(measure) = wasm_bindgen::JsCast::dyn_ref::<js_sys::Function>(&measure) {
            let _ = measure.call2(&p, &name.into(), &options);
        }
    }
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
