//! Checks a file's bytes as they come and feeds them to the rules crate's
//! [`Checker`]: chunks the page reads and posts to the check worker
//! ([`check_posted`], what [`crate::check_worker`] runs), or a `Blob` read
//! on the checking thread itself ([`check_file`]). No views and no page here.

use std::fmt;

use js_sys::{Promise, Uint8Array};
use user_import::{CellEdit, Checker, ExistingUser, Limits, Progress, Report};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

use crate::file_chunks::FileChunks;
use crate::perf;
use crate::posted_chunks::PostedChunks;

/// The most bytes checked at a time (the browser's chunks are smaller,
/// 64 KiB to 2 MiB in Chromium). The check runs in a worker, so a chunk
/// may take longer than a page's frame; after each it reports progress.
pub const CHUNK_BYTES: usize = 4 * 1024 * 1024;
/// The most milliseconds of checking between two yields to the event loop,
/// where the worker reads its messages (a cancel; the page's next chunks
/// while earlier ones are still queued). Each yield costs a message round
/// trip (1–3 ms measured), so small chunks share one.
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

/// Checks `file` chunk by chunk as the browser reads it, on this thread,
/// yielding to the event loop between chunks so cancels are read. After
/// each chunk (at most [`CheckOptions::chunk_bytes`]) `keep_going` gets the
/// progress and the file size; returning `false` cancels the check. It is
/// called once more, with all bytes done, when the report is ready.
///
/// The time it returns runs from the first byte fed to the report ready.
pub async fn check_file(
    file: &web_sys::Blob,
    options: CheckOptions,
    keep_going: impl FnMut(Progress, u64) -> bool,
) -> Result<FileCheck, CheckError> {
    let size = file.size() as u64;
    if size > options.max_bytes {
        // Refused before a byte is read.
        return check_chunks(NoChunks, size, options, keep_going).await;
    }
    check_chunks(FileChunks::new(file)?, size, options, keep_going).await
}

/// As [`check_file`], for a file of `size` bytes whose chunks another
/// thread reads and posts (the check worker: see [`crate::posted_chunks`]).
pub async fn check_posted(
    chunks: PostedChunks,
    size: u64,
    options: CheckOptions,
    keep_going: impl FnMut(Progress, u64) -> bool,
) -> Result<FileCheck, CheckError> {
    check_chunks(chunks, size, options, keep_going).await
}

/// Where a check's bytes come from, in file order.
trait ChunkSource {
    /// The next chunk; `None` at the end of the file.
    async fn next(&mut self) -> Result<Option<Uint8Array>, CheckError>;
    /// Nothing more is wanted.
    fn stop(&mut self);
}

impl ChunkSource for FileChunks {
    async fn next(&mut self) -> Result<Option<Uint8Array>, CheckError> {
        FileChunks::next(self).await
    }

    fn stop(&mut self) {
        FileChunks::stop(self);
    }
}

impl ChunkSource for PostedChunks {
    async fn next(&mut self) -> Result<Option<Uint8Array>, CheckError> {
        PostedChunks::next(self).await
    }

    /// The page stops posting when the check's answer reaches it.
    fn stop(&mut self) {}
}

/// A file that is not read at all (refused for its size).
struct NoChunks;

impl ChunkSource for NoChunks {
    async fn next(&mut self) -> Result<Option<Uint8Array>, CheckError> {
        Ok(None)
    }

    fn stop(&mut self) {}
}

async fn check_chunks(
    mut chunks: impl ChunkSource,
    size: u64,
    options: CheckOptions,
    mut keep_going: impl FnMut(Progress, u64) -> bool,
) -> Result<FileCheck, CheckError> {
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
    // Counted from the first byte: waiting for the page's chunks is not
    // checking (the worker's event loop runs meanwhile).
    let mut last_yield = 0.0;
    // A file over the size limit is refused before a byte is read.
    if !checker.is_stopped() {
        while let Some(chunk) = chunks.next().await? {
            let len = chunk.length();
            let mut at = 0;
            while at < len && !checker.is_stopped() {
                let end = len.min(at.saturating_add(most_at_a_time as u32));
                let piece = fill(&mut buffer, &chunk.subarray(at, end));
                at = end;
                if started_at.is_none() {
                    let now = perf::now();
                    started_at = Some(now);
                    last_yield = now;
                }
                checker.feed(piece);
                if perf::now() - last_yield >= YIELD_EVERY_MS {
                    yield_to_event_loop().await;
                    last_yield = perf::now();
                }
                if !keep_going(checker.progress(), size) {
                    chunks.stop();
                    return Err(CheckError::Cancelled);
                }
            }
            if checker.is_stopped() {
                chunks.stop();
                break;
            }
        }
    } else {
        chunks.stop();
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
