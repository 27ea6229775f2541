//! Checks a chosen file: reads it in slices and feeds them to the rules
//! crate's [`Checker`]. The check worker ([`crate::check_worker`]) runs
//! this; no views and no page here.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;

use js_sys::{Promise, Uint8Array};
use user_import::{CellEdit, Checker, ExistingUser, Limits, Progress, Report};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

use crate::perf;

/// The longest slice read and checked at a time. The check runs in a
/// worker, so a slice may take longer than a page's frame; after each slice
/// it reports progress.
pub const CHUNK_BYTES: usize = 4 * 1024 * 1024;
/// The most milliseconds of checking between two yields to the event loop,
/// where the worker reads its messages (a cancel). Each yield costs a
/// message round trip (1–3 ms measured), so the small first slices share one.
pub const YIELD_EVERY_MS: f64 = 50.0;
/// The first slice: small, so that checking starts as soon as possible.
pub const FIRST_SLICE_BYTES: usize = 256 * 1024;

/// How to check a file.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// The most bytes read and checked at a time.
    pub chunk_bytes: usize,
    /// The location's users (for new/update counts and taken extensions).
    pub existing_users: Vec<ExistingUser>,
    /// Cells corrected by hand in the results (checked as if the file held them).
    pub edits: Vec<CellEdit>,
    /// The size limit (the product's: 256 MiB). A larger file is refused
    /// before a byte of it is read.
    pub max_bytes: u64,
}

impl Default for CheckOptions {
    fn default() -> CheckOptions {
        CheckOptions {
            chunk_bytes: CHUNK_BYTES,
            existing_users: Vec::new(),
            edits: Vec::new(),
            max_bytes: Limits::default().max_bytes,
        }
    }
}

/// A finished check.
#[derive(Debug, Clone)]
pub struct FileCheck {
    pub report: Report,
    /// Milliseconds from the first byte fed to the report.
    pub check_ms: f64,
    /// When the first byte was fed, in ms since the Unix epoch.
    pub started_at: f64,
}

/// Why a check did not finish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckError {
    /// The caller stopped it (another file was chosen, the dialog closed).
    Cancelled,
    /// The browser could not read the file (moved, deleted, no permission).
    Unreadable(String),
    /// The check worker could not start or stopped; says why.
    CheckerUnavailable(String),
}

impl fmt::Display for CheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CheckError::Cancelled => f.write_str("The check was cancelled."),
            CheckError::Unreadable(why) => write!(
                f,
                "The file could not be read ({why}). Choose it again, or copy it to this computer first."
            ),
            CheckError::CheckerUnavailable(why) => write!(
                f,
                "The file could not be checked: the checker stopped ({why}). Reload the page and choose the file again."
            ),
        }
    }
}

/// Checks `file` slice by slice, yielding to the event loop between slices
/// so the page stays responsive. After each slice `keep_going` gets the
/// progress and the file size; returning `false` cancels the check. It is
/// called once more, with all bytes done, when the report is ready.
///
/// The time it returns runs from the first byte fed to the report ready.
pub async fn check_file(
    file: &web_sys::Blob,
    options: CheckOptions,
    mut keep_going: impl FnMut(Progress, u64) -> bool,
) -> Result<FileCheck, CheckError> {
    let size = file.size() as u64;
    let max_slice = options.chunk_bytes.max(1) as u64;
    let mut checker = Checker::builder()
        .max_bytes(options.max_bytes)
        .expected_bytes(size)
        .existing_users(options.existing_users)
        .edits(options.edits)
        .build();

    let mut buffer = Vec::new();
    let mut started_at = None;
    let mut slices = SliceReader::new(file, max_slice);
    let mut last_yield = perf::now();
    if checker.is_stopped() {
        slices.stop();
    }
    while let Some(read) = slices.next() {
        let bytes = read.await?;
        buffer.resize(bytes.length() as usize, 0);
        bytes.copy_to(&mut buffer);
        if started_at.is_none() {
            started_at = Some(perf::now());
        }
        checker.feed(&buffer);
        if checker.is_stopped() {
            slices.stop();
        }
        if !slices.is_done() && perf::now() - last_yield >= YIELD_EVERY_MS {
            yield_to_event_loop().await;
            last_yield = perf::now();
        }
        if !keep_going(checker.progress(), size) {
            return Err(CheckError::Cancelled);
        }
    }
    let started_at = started_at.unwrap_or_else(perf::now);
    let report = checker.finish();
    let check_ms = perf::now() - started_at;
    keep_going(
        Progress {
            bytes: size,
            rows: report.counts().rows,
        },
        size,
    );
    Ok(FileCheck {
        report,
        check_ms,
        started_at: perf::to_epoch(started_at),
    })
}

/// The length of the slice that starts at `offset`: [`FIRST_SLICE_BYTES`]
/// for the first two, then as long as all before it (the slices double), up
/// to `max_slice`. Small slices first, so that checking starts at once and
/// the next read is done before the check needs it.
fn slice_len(max_slice: u64, offset: u64) -> u64 {
    offset.max(FIRST_SLICE_BYTES as u64).min(max_slice.max(1))
}

/// Reads a file slice after slice, two reads ahead of the check, so the
/// browser reads while the worker checks.
struct SliceReader<'f> {
    file: &'f web_sys::Blob,
    size: u64,
    max_slice: u64,
    /// Where the next slice to request starts.
    next: u64,
    in_flight: VecDeque<SliceRead>,
}

type SliceRead = Pin<Box<dyn Future<Output = Result<Uint8Array, CheckError>>>>;

/// Reads requested before the one being checked.
const READS_AHEAD: usize = 2;

impl<'f> SliceReader<'f> {
    /// Reads nothing until [`next`](SliceReader::next) is called.
    fn new(file: &'f web_sys::Blob, max_slice: u64) -> SliceReader<'f> {
        SliceReader {
            file,
            size: file.size() as u64,
            max_slice,
            next: 0,
            in_flight: VecDeque::new(),
        }
    }

    /// Keeps [`READS_AHEAD`] reads going while the file has bytes left.
    fn request(&mut self) {
        while self.in_flight.len() < READS_AHEAD && self.next < self.size {
            let end = (self.next + slice_len(self.max_slice, self.next)).min(self.size);
            self.in_flight
                .push_back(Box::pin(read_slice(self.file, self.next, end)));
            self.next = end;
        }
    }

    /// The next slice's read, in file order; `None` at the end.
    fn next(&mut self) -> Option<SliceRead> {
        self.request();
        let read = self.in_flight.pop_front();
        self.request();
        read
    }

    /// Requests nothing more (the check has stopped).
    fn stop(&mut self) {
        self.next = self.size;
        self.in_flight.clear();
    }

    fn is_done(&self) -> bool {
        self.in_flight.is_empty() && self.next >= self.size
    }
}

/// Starts reading bytes `start..end` of the file.
fn read_slice(
    file: &web_sys::Blob,
    start: u64,
    end: u64,
) -> impl std::future::Future<Output = Result<Uint8Array, CheckError>> {
    let promise = file
        .slice_with_f64_and_f64(start as f64, end as f64)
        .map(|slice| slice.array_buffer());
    async move {
        let buffer = JsFuture::from(promise.map_err(unreadable)?)
            .await
            .map_err(unreadable)?;
        Ok(Uint8Array::new(&buffer))
    }
}

fn unreadable(err: JsValue) -> CheckError {
    CheckError::Unreadable(crate::download::describe(&err, "unknown error"))
}

/// Lets the browser handle input and paint before the next slice: a message
/// to ourselves, which (unlike a nested `setTimeout`) is not delayed by 4 ms.
pub(crate) async fn yield_to_event_loop() {
    let channel = web_sys::MessageChannel::new().ok();
    let promise = Promise::new(&mut |resolve, _reject| match &channel {
        Some(channel) => {
            channel.port1().set_onmessage(Some(&resolve));
            if channel.port2().post_message(&JsValue::NULL).is_err() {
                let _ = resolve.call0(&JsValue::NULL);
            }
        }
        None => {
            let _ = resolve.call0(&JsValue::NULL);
        }
    });
    let _ = JsFuture::from(promise).await;
    // Held until here so the channel outlives its message.
    drop(channel);
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn slices_start_small_then_double_up_to_the_most() {
        let max = CHUNK_BYTES as u64;
        let first = FIRST_SLICE_BYTES as u64;
        let mut offset = 0;
        let mut lens = Vec::new();
        while offset < 12 * 1024 * 1024 {
            let len = slice_len(max, offset);
            lens.push(len / 1024);
            offset += len;
        }
        assert_eq!(lens, [256, 256, 512, 1024, 2048, 4096, 4096]);
        assert_eq!(slice_len(max, 0), first);
        assert_eq!(slice_len(7, 0), 7);
        assert_eq!(slice_len(7, 100), 7);
        assert_eq!(slice_len(max, 10_000_000), max);
    }
}
