//! The page's side of a check's bytes: reads the chosen file and hands it
//! on (to the check worker, see [`crate::posted_chunks`] for why the page
//! reads): a file of up to [`READ_WHOLE_UP_TO`] bytes whole, before the
//! check starts; a larger one as the browser streams it, never more than
//! [`MOST_BYTES_IN_FLIGHT`] ahead of what the check has acknowledged.

use std::cell::{Cell, RefCell};
use std::future::poll_fn;
use std::task::{Poll, Waker};

use js_sys::Uint8Array;

use crate::check_file::CheckError;
use crate::file_chunks::{read_whole, FileChunks};

/// The most bytes of a streamed file read but not yet checked (a file read
/// whole is up to [`READ_WHOLE_UP_TO`] ahead): the page reads faster than the
/// worker checks (85 MB in 120–320 ms against 0.5–0.8 s here), and without
/// a bound a large file would pile up in the worker's message queue
/// (memory: the 3× budget of a 1,000,000-row file). Measured on a
/// 1,000,000-row file (2026-11-27 03:07–03:12 UTC, runs in turns): with
/// 16 MiB the check waited 5–10 ms for chunks and added 214–217 MB to the
/// renderer; with 8 MiB, 14–25 ms and 187–215 MB (191–205 MB when the
/// worker read the file itself, waiting 64–216 ms). One 16 MiB run reached
/// 2.7× the file; 8 MiB keeps most of the gain further from the 3× budget.
pub const MOST_BYTES_IN_FLIGHT: u64 = 8 * 1024 * 1024;

/// The largest file read whole (one `Blob.arrayBuffer()`) and handed on in
/// one piece before its check starts, rather than streamed beside it.
///
/// Streamed, a check starts with the file's first chunk, then waits for
/// each next one and takes it from a message between its own pieces (10
/// to 30 chunks for 8.4 MB); read whole, it runs from its first byte to
/// its last without a pause. Measured in headless Chromium
/// (2026-11-27, 100,000 rows, 8.4 MB; builds in turns, a page per check;
/// README, "In the browser"), read whole first against streamed: the check
/// 33–53 ms (median 37) against 34–69 (53), 14 rounds; 33–53 (38) against
/// 40–76 (56) and 32–56 (46) against 43–72 (54), 20 rounds each. The
/// results are on screen about as soon (medians 95 against 93, 95 against
/// 96, 109 against 100 ms): the reading comes first, but the check is that
/// much shorter. A larger file streams, so that memory stays bounded (a
/// 1,000,000-row file read whole would break the 3× memory budget);
/// 16 MiB is about 190,000 rows of the template.
pub const READ_WHOLE_UP_TO: u64 = 16 * 1024 * 1024;

/// How far the check has come, as the reader sees it: bytes acknowledged
/// (the check's progress), and whether the check is over; and how far the
/// reader may run ahead of it.
#[derive(Debug)]
pub struct InFlight {
    /// The most bytes read ahead of the acknowledged ones.
    most: u64,
    /// The largest file read whole, all of it ahead of the check.
    whole_up_to: u64,
    acknowledged: Cell<u64>,
    closed: Cell<bool>,
    waker: RefCell<Option<Waker>>,
}

impl Default for InFlight {
    fn default() -> InFlight {
        InFlight::with_limit(MOST_BYTES_IN_FLIGHT).reading_whole_up_to(READ_WHOLE_UP_TO)
    }
}

impl InFlight {
    /// At most `most_bytes` read ahead of the check (then one more chunk at
    /// most: a chunk is never split). Every file is streamed.
    pub fn with_limit(most_bytes: u64) -> InFlight {
        InFlight {
            most: most_bytes,
            whole_up_to: 0,
            acknowledged: Cell::new(0),
            closed: Cell::new(false),
            waker: RefCell::new(None),
        }
    }

    /// A file of up to `bytes` bytes is read whole before its check starts.
    pub fn reading_whole_up_to(self, bytes: u64) -> InFlight {
        InFlight {
            whole_up_to: bytes,
            ..self
        }
    }

    /// The check has taken `bytes` bytes of the file.
    pub fn acknowledge(&self, bytes: u64) {
        if bytes > self.acknowledged.get() {
            self.acknowledged.set(bytes);
            self.wake();
        }
    }

    /// The check is over (answered, cancelled or failed): read no more.
    pub fn close(&self) {
        self.closed.set(true);
        self.wake();
    }

    pub fn is_closed(&self) -> bool {
        self.closed.get()
    }

    fn wake(&self) {
        let waker = self.waker.borrow_mut().take();
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Waits until `sent` bytes leave room for more; false once closed.
    async fn room_after(&self, sent: u64) -> bool {
        poll_fn(|cx| {
            if self.closed.get() {
                return Poll::Ready(false);
            }
            if sent.saturating_sub(self.acknowledged.get()) < self.most {
                return Poll::Ready(true);
            }
            *self.waker.borrow_mut() = Some(cx.waker().clone());
            Poll::Pending
        })
        .await
    }
}

/// What the reader hands on.
pub enum Piece<'a> {
    /// The next chunk of the file.
    Chunk(&'a Uint8Array),
    /// The file has no more bytes.
    End,
    /// The file could not be read; why.
    Unreadable(String),
}

/// Reads `file` and gives each piece to `hand_on`, in order, until the
/// file ends, cannot be read, or `in_flight` is closed. A file of up to
/// the size `in_flight` allows is read whole and handed on as one chunk.
pub async fn pump_file(file: &web_sys::Blob, in_flight: &InFlight, mut hand_on: impl FnMut(Piece)) {
    if file.size() as u64 <= in_flight.whole_up_to {
        let read = read_whole(file).await;
        if in_flight.is_closed() {
            return;
        }
        return match read {
            Ok(bytes) => {
                hand_on(Piece::Chunk(&bytes));
                hand_on(Piece::End);
            }
            Err(err) => hand_on(Piece::Unreadable(why(err))),
        };
    }
    let mut chunks = match FileChunks::new(file) {
        Ok(chunks) => chunks,
        Err(err) => return hand_on(Piece::Unreadable(why(err))),
    };
    let mut sent = 0_u64;
    loop {
        if !in_flight.room_after(sent).await {
            return chunks.stop();
        }
        let next = chunks.next().await;
        if in_flight.is_closed() {
            return chunks.stop();
        }
        match next {
            Ok(Some(chunk)) => {
                sent += u64::from(chunk.length());
                hand_on(Piece::Chunk(&chunk));
            }
            Ok(None) => return hand_on(Piece::End),
            Err(err) => return hand_on(Piece::Unreadable(why(err))),
        }
    }
}

fn why(err: CheckError) -> String {
    match err {
        CheckError::Unreadable(why) => why,
        other => other.to_string(),
    }
}
