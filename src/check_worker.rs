//! The worker side of a check: receives [`Request`]s and the file's chunks
//! (the page reads the file: see [`crate::posted_chunks`]), checks them with
//! [`check_posted`], keeps the newest report, and answers with
//! [`Reply`]s. It runs in a dedicated Web Worker (the `check-worker`
//! binary, [`serve_page`]), so that checking never blocks the page; tests
//! serve a `MessagePort` on the page instead ([`serve`]), with the same
//! messages.
//!
//! Memory: one report at a time. A new check or a release frees the one
//! before, and the file arrives in chunks, never whole (the page keeps at
//! most [`crate::file_pump::MOST_BYTES_IN_FLIGHT`] on their way).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use user_import::Report;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::check_file::{check_posted, CheckError, CheckOptions};
use crate::check_protocol::{
    bytes_beside, error_lines, from_message, to_message, CheckSummary, Envelope, Reply, Request,
    USERS_PER_MESSAGE,
};
use crate::download::{bytes_to_blob, CSV_MEDIA_TYPE};
use crate::posted_chunks::{posted_chunks, ChunkSender, PostedChunks};

/// The most error lines sent in one reply (a window of the table).
pub const MOST_LINES_PER_REPLY: usize = 1_000;

/// About the most progress replies for one check (one per percent of the
/// file, and the last).
pub const PROGRESS_REPLIES_PER_FILE: u64 = 100;

/// Where requests come from and replies go.
#[derive(Clone)]
pub enum WorkerEndpoint {
    /// The worker's own global scope: the page that started it.
    Scope(web_sys::DedicatedWorkerGlobalScope),
    /// One end of a `MessageChannel` (checks on the page, for tests).
    Port(web_sys::MessagePort),
}

impl WorkerEndpoint {
    fn post(&self, message: &JsValue) {
        let posted = match self {
            WorkerEndpoint::Scope(scope) => scope.post_message(message),
            WorkerEndpoint::Port(port) => port.post_message(message),
        };
        // Posting a string and a Blob cannot fail to be cloned.
        debug_assert!(posted.is_ok());
    }

    fn set_onmessage(&self, handler: &js_sys::Function) {
        match self {
            WorkerEndpoint::Scope(scope) => scope.set_onmessage(Some(handler)),
            WorkerEndpoint::Port(port) => port.set_onmessage(Some(handler)),
        }
    }
}

/// Serves the page that started this worker (the `check-worker` binary).
pub fn serve_page() {
    serve(WorkerEndpoint::Scope(js_sys::global().unchecked_into()));
    warm_up();
}

/// Rows of each warm-up check.
pub const WARM_UP_ROWS: usize = 5_000;

/// Warm-up checks. The browser optimizes a wasm function only once it has
/// run for a while (V8: a budget of about 1.8 MB of code executed), and a
/// function still waiting for that runs unoptimized through the first real
/// file. Three checks of the sample took the end of the check
/// (`Checker::finish`) of a 100,000-row file from 15.4 ms to 8.3 ms; they
/// still left a dozen functions to be optimized during the first real
/// check (`--js-flags=--trace-wasm-compilation-times`): the messages of
/// rejected rows, phone numbers written anew, emails compared, the
/// allocator. Ten checks of a sample with many rejected rows and duplicate
/// emails ([`WARM_UP_BAD_PER_MILLE`], [`WARM_UP_DUPLICATE_PER_MILLE`])
/// leave four small ones (in the rules crate's module of `bench/naive-csv`,
/// traced the same way), and took the app's check of a 100,000-row file
/// from a median of 41–45 ms to 36 ms (20 fresh pages of each build in
/// turns, twice; README, "The warm-up").
pub const WARM_UP_CHECKS: usize = 10;

/// Of each 1,000 rows of the warm-up sample, how many break a rule: far
/// more than in a real file, so that the code of rejected rows runs often
/// enough to be optimized.
pub const WARM_UP_BAD_PER_MILLE: u32 = 300;

/// Of each 1,000 rows of the warm-up sample, how many repeat an earlier
/// row's email (the code of superseded rows, likewise).
pub const WARM_UP_DUPLICATE_PER_MILLE: u32 = 100;

/// Memory the warm-up writes once and frees, so that the first real check
/// finds it ready: wasm memory a worker has not used yet costs the first
/// check that grows into it (the browser maps each new page on its first
/// write), and freed memory stays with the worker (wasm memory never
/// shrinks) for the checks that follow. A 100,000-row file (8.4 MB) needs
/// less than this; a larger one finds this much ready.
///
/// Measured in headless Chromium on this project's 2-core VM (2026-11-27
/// 03:53–03:56 UTC, builds in turns, each check the first of a fresh
/// worker): 100,000 rows checked in 44.6–87.9 ms, median 63.5, against
/// 65.4–103.7 ms, median 75 (ten each); 1,000,000 rows in 557–655 ms
/// against 659–732 ms (three each), with the renderer's peak 5–10 MB
/// higher (734–739 MB against 723–732 MB). An earlier try with 32 MB on a
/// slower VM, when the worker still read the file itself, showed no gain
/// (README, "Known gaps").
pub const WARM_MEMORY_BYTES: usize = 48 * 1024 * 1024;

/// Checks a small generated file a few times, right after the worker
/// starts (when the Import users dialog opens, while the person looks for
/// their file). Browsers first run wasm with a baseline compiler and
/// optimize the code that runs often; without this, the first real file
/// of a session is checked by unoptimized code. Then it readies
/// [`WARM_MEMORY_BYTES`] of memory. The checks take 46–64 ms here (15–34
/// ms for the three checks of the ordinary sample before) and the memory
/// 26–49 ms (five fresh workers of each, 2026-11-27 13:38 UTC; memory
/// costs about 0.55–0.8 ms a megabyte here, which is what the first real
/// check saves); requests that arrive meanwhile wait. The sample's seed is
/// not the benchmark's.
fn warm_up() {
    let sample = user_import::sample::generate(&user_import::sample::SampleOptions {
        rows: WARM_UP_ROWS,
        seed: 0x5eed_cafe,
        bad_per_mille: WARM_UP_BAD_PER_MILLE,
        duplicate_per_mille: WARM_UP_DUPLICATE_PER_MILLE,
    });
    for _ in 0..WARM_UP_CHECKS {
        drop(user_import::check(&sample));
    }
    // Written, not only allocated: fresh wasm memory reads as zeros
    // without being mapped, and the allocator may hand it out untouched.
    let ready = vec![1_u8; WARM_MEMORY_BYTES];
    drop(std::hint::black_box(ready));
}

/// Answers the requests that arrive at `endpoint`, for as long as the page lives.
pub fn serve(endpoint: WorkerEndpoint) {
    let worker = Rc::new(CheckWorker {
        endpoint: endpoint.clone(),
        current: Cell::new(0),
        report: RefCell::new(None),
        feed: RefCell::new(None),
    });
    let handler = worker.clone();
    let on_message =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            handler.receive(&ev.data());
        });
    endpoint.set_onmessage(on_message.as_ref().unchecked_ref());
    // The handler lives as long as the worker (or page) does.
    on_message.forget();
    worker.reply(0, &Reply::Ready, None);
}

struct CheckWorker {
    endpoint: WorkerEndpoint,
    /// The request number of the check that may run or be asked about.
    current: Cell<u32>,
    /// The current check's report, once it is finished.
    report: RefCell<Option<(u32, Report)>>,
    /// Where the running check's chunks go, and its number. Dropping the
    /// sender cancels the check.
    feed: RefCell<Option<(u32, ChunkSender)>>,
}

impl CheckWorker {
    fn receive(self: &Rc<Self>, data: &JsValue) {
        let (Envelope { id, message }, _) = match from_message::<Request>(data) {
            Ok(read) => read,
            Err(message) => return self.reply(0, &Reply::Invalid { message }, None),
        };
        match message {
            Request::Check {
                size,
                chunk_bytes,
                existing_users,
                edits,
            } => {
                self.current.set(id);
                self.report.borrow_mut().take();
                let options = CheckOptions {
                    chunk_bytes,
                    existing_users,
                    edits,
                    ..CheckOptions::default()
                };
                let (sender, chunks) = posted_chunks();
                // The sender of the check before is dropped: it is cancelled.
                self.feed.replace(Some((id, sender)));
                wasm_bindgen_futures::spawn_local(self.clone().check(id, chunks, size, options));
            }
            Request::Chunk { check } => match bytes_beside(data) {
                Some(bytes) => self.to_feed(check, |feed| feed.push(bytes)),
                None => {
                    let message = "a chunk without bytes".to_owned();
                    self.reply(id, &Reply::Invalid { message }, None);
                }
            },
            Request::FileEnd { check } => self.to_feed(check, ChunkSender::end),
            Request::FileUnreadable { check, message } => {
                self.to_feed(check, |feed| feed.fail(CheckError::Unreadable(message)));
            }
            Request::ErrorLines { check, start, end } => {
                let end = end.min(start.saturating_add(MOST_LINES_PER_REPLY));
                let reply = self.with_report(check, |report| Reply::ErrorLines {
                    start,
                    lines: error_lines(report, start, end),
                });
                self.reply(id, &reply.unwrap_or(Reply::Gone), None);
            }
            Request::ErrorFile { check } => {
                let blob = self
                    .with_report(check, |report| {
                        bytes_to_blob(&report.error_file(), CSV_MEDIA_TYPE).ok()
                    })
                    .flatten();
                match blob {
                    Some(blob) => self.reply(id, &Reply::ErrorFile, Some(&blob)),
                    None => self.reply(id, &Reply::Gone, None),
                }
            }
            Request::AcceptedUsers { check } => {
                // Built and sent a batch at a time: never every user at once.
                let total = self.with_report(check, |report| {
                    let mut users = report.accepted().map(|a| a.user);
                    let mut total = 0;
                    loop {
                        let batch: Vec<_> = users.by_ref().take(USERS_PER_MESSAGE).collect();
                        if batch.is_empty() {
                            break total;
                        }
                        total += batch.len();
                        self.reply(id, &Reply::Users { users: batch }, None);
                    }
                });
                let last = total.map_or(Reply::Gone, |total| Reply::UsersDone { total });
                self.reply(id, &last, None);
            }
            Request::Release { check } => {
                if self.current.get() == check {
                    self.current.set(0);
                    self.report.borrow_mut().take();
                }
                self.end_feed(check);
            }
        }
    }

    /// `give` applied to check `check`'s feed, if that check is still fed.
    fn to_feed(&self, check: u32, give: impl FnOnce(&ChunkSender)) {
        if let Some((_, feed)) = self.feed.borrow().as_ref().filter(|(id, _)| *id == check) {
            give(feed);
        }
    }

    /// Check `check` takes no more chunks (if it still runs, it is cancelled).
    fn end_feed(&self, check: u32) {
        let ended = {
            let mut feed = self.feed.borrow_mut();
            match feed.as_ref() {
                Some((id, _)) if *id == check => feed.take(),
                _ => None,
            }
        };
        drop(ended);
    }

    /// `answer` applied to check `check`'s report, if it is the one kept.
    fn with_report<T>(&self, check: u32, answer: impl FnOnce(&Report) -> T) -> Option<T> {
        self.report
            .borrow()
            .as_ref()
            .filter(|(id, _)| *id == check)
            .map(|(_, report)| answer(report))
    }

    async fn check(
        self: Rc<Self>,
        id: u32,
        chunks: PostedChunks,
        size: u64,
        options: CheckOptions,
    ) {
        let mut reported = 0;
        let result = check_posted(chunks, size, options, |progress, size| {
            if self.current.get() != id {
                return false;
            }
            // The browser streams a large file in hundreds of chunks; the
            // bar needs a step per percent at most.
            let step = size / PROGRESS_REPLIES_PER_FILE;
            if progress.bytes >= size || progress.bytes >= reported + step {
                reported = progress.bytes;
                let reply = Reply::Progress {
                    bytes: progress.bytes,
                    rows: progress.rows,
                };
                self.reply(id, &reply, None);
            }
            true
        })
        .await;
        // Chunks still on their way are dropped.
        self.end_feed(id);
        let reply = match result {
            Ok(done) if self.current.get() == id => {
                let summary = CheckSummary::of(&done.report, done.check_ms, done.started_at);
                *self.report.borrow_mut() = Some((id, done.report));
                Reply::Checked(Box::new(summary))
            }
            Ok(_) | Err(CheckError::Cancelled) => Reply::Cancelled,
            Err(err) => Reply::Unreadable {
                message: err.to_string(),
            },
        };
        self.reply(id, &reply, None);
    }

    fn reply(&self, id: u32, message: &Reply, blob: Option<&web_sys::Blob>) {
        self.endpoint
            .post(&to_message(&Envelope { id, message }, blob));
    }
}
