//! Checks a chosen file: reads it as the browser streams it and feeds it to
//! the rules crate's [`Checker`]. The check worker
//! ([`crate::check_worker`]) runs this; no views and no page here.

use std::fmt;

use js_sys::{Promise, Uint8Array};
use user_import::{CellEdit, Checker, ExistingUser, Limits, Progress, Report};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::perf;

/// The most bytes checked at a time (the browser's chunks are smaller,
/// 64 KiB to 1 MiB). The check runs in a worker, so a chunk may take longer
/// than a page's frame; after each it reports progress.
pub const CHUNK_BYTES: usize = 4 * 1024 * 1024;
/// The most milliseconds of checking between two yields to the event loop,
/// where the worker reads its messages (a cancel). Each yield costs a
/// message round trip (1–3 ms measured), so small chunks share one.
pub const YIELD_EVERY_MS: f64 = 50.0;

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

/// Checks `file` chunk by chunk as the browser reads it, yielding to the
/// event loop between chunks so cancels are read. After each chunk (at most
/// [`CheckOptions::chunk_bytes`]) `keep_going` gets the progress and the
/// file size; returning `false` cancels the check. It is called once more,
/// with all bytes done, when the report is ready.
///
/// The time it returns runs from the first byte fed to the report ready.
pub async fn check_file(
    file: &web_sys::Blob,
    options: CheckOptions,
    mut keep_going: impl FnMut(Progress, u64) -> bool,
) -> Result<FileCheck, CheckError> {
    let size = file.size() as u64;
    let most_at_a_time = options.chunk_bytes.max(1);
    let mut checker = Checker::builder()
        .max_bytes(options.max_bytes)
        .expected_bytes(size)
        .existing_users(options.existing_users)
        .edits(options.edits)
        .build();

    // Sized once for the largest piece checked at a time, and filled
    // without being zeroed first: growing it with the stream's chunks
    // (64 KiB to 2 MiB in Chromium) reallocated, copied and zeroed it each
    // time, 7–8 ms of a 100,000-row check; the copies themselves take
    // 0.2–0.6 ms a chunk.
    let mut buffer: Vec<u8> =
        Vec::with_capacity(most_at_a_time.min(usize::try_from(size).unwrap_or(usize::MAX)));
    let mut started_at = None;
    let mut last_yield = perf::now();
    // A file over the size limit is refused before a byte is read.
    if !checker.is_stopped() {
        let mut reader = ChunkReader::new(file)?;
        while let Some(chunk) = reader.next().await? {
            let len = chunk.length();
            let mut at = 0;
            while at < len && !checker.is_stopped() {
                let end = len.min(at.saturating_add(most_at_a_time as u32));
                let piece = fill(&mut buffer, &chunk.subarray(at, end));
                at = end;
                if started_at.is_none() {
                    started_at = Some(perf::now());
                }
                checker.feed(piece);
                if perf::now() - last_yield >= YIELD_EVERY_MS {
                    yield_to_event_loop().await;
                    last_yield = perf::now();
                }
                if !keep_going(checker.progress(), size) {
                    reader.stop();
                    return Err(CheckError::Cancelled);
                }
            }
            if checker.is_stopped() {
                reader.stop();
                break;
            }
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

/// Copies `bytes` into `buffer`'s memory and returns them there. The
/// buffer grows only if it must (a file that grew after its size was read).
fn fill<'a>(buffer: &'a mut Vec<u8>, bytes: &Uint8Array) -> &'a [u8] {
    let len = bytes.length() as usize;
    buffer.clear();
    buffer.reserve(len);
    bytes.copy_to_uninit(&mut buffer.spare_capacity_mut()[..len])
}

/// Reads a file as the browser streams it (`Blob.stream()`), one read
/// ahead of the check, so that the browser reads while the worker checks.
///
/// Measured in this project's Chromium on a 2-core VM (a worker reading
/// while it checks, 2026-11-26): the check waited 3–5 ms for the stream's
/// chunks of a 100,000-row file (8.4 MB) against 18–24 ms for slices read
/// with `Blob.slice().arrayBuffer()` two at a time, and 3 ms against
/// 137–152 ms at 1,000,000 rows (85 MB).
struct ChunkReader {
    reader: web_sys::ReadableStreamDefaultReader,
    /// The read requested ahead.
    ahead: Option<JsFuture>,
}

impl ChunkReader {
    fn new(file: &web_sys::Blob) -> Result<ChunkReader, CheckError> {
        let reader = file
            .stream()
            .get_reader()
            .dyn_into::<web_sys::ReadableStreamDefaultReader>()
            .map_err(|other| unreadable(other.into()))?;
        Ok(ChunkReader {
            reader,
            ahead: None,
        })
    }

    /// The next chunk, in file order; `None` at the end.
    async fn next(&mut self) -> Result<Option<Uint8Array>, CheckError> {
        let read = match self.ahead.take() {
            Some(read) => read,
            None => JsFuture::from(self.reader.read()),
        };
        let result: web_sys::ReadableStreamReadResult =
            read.await.map_err(unreadable)?.unchecked_into();
        if result.get_done().unwrap_or(true) {
            return Ok(None);
        }
        self.ahead = Some(JsFuture::from(self.reader.read()));
        Ok(Some(result.get_value().unchecked_into()))
    }

    /// Reads nothing more (the check has stopped).
    fn stop(&mut self) {
        self.ahead = None;
        // The cancel's own outcome changes nothing for the check.
        let _ = self.reader.cancel();
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
