//! A check's bytes as the page posts them to the worker: a queue that the
//! worker's message handler fills ([`ChunkSender`]) and the check empties
//! ([`PostedChunks`]).
//!
//! Why the page reads the file and not the worker: a stream's reads need
//! the reading thread's event loop, and the worker's is busy checking. Read
//! by the worker, the stream's own work ran between the checker's chunks
//! and added to the check's time (64–216 ms of waiting in a 1,000,000-row
//! check; README, "In the browser"). Read by the page, whose thread is idle
//! meanwhile, the chunks are already waiting when the checker wants them.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::poll_fn;
use std::rc::Rc;
use std::task::{Poll, Waker};

use js_sys::Uint8Array;

use crate::check_file::CheckError;

#[derive(Default)]
struct Queue {
    chunks: VecDeque<Uint8Array>,
    /// How the input ended: `Ok` at the file's end, `Err` when it could not
    /// be read or the check was cancelled. Chunks queued before it come first.
    end: Option<Result<(), CheckError>>,
    waker: Option<Waker>,
}

/// The worker's end that receives the page's chunks.
pub struct ChunkSender(Rc<RefCell<Queue>>);

/// The check's end: the chunks in the order they were posted.
pub struct PostedChunks(Rc<RefCell<Queue>>);

/// A new, empty queue.
pub fn posted_chunks() -> (ChunkSender, PostedChunks) {
    let queue = Rc::new(RefCell::new(Queue::default()));
    (ChunkSender(queue.clone()), PostedChunks(queue))
}

impl ChunkSender {
    /// Queues the next chunk of the file.
    pub fn push(&self, chunk: Uint8Array) {
        self.update(|queue| {
            if queue.end.is_none() {
                queue.chunks.push_back(chunk);
            }
        });
    }

    /// The file has no more bytes.
    pub fn end(&self) {
        self.finish(Ok(()));
    }

    /// The page could not read the file, or the check was cancelled: the
    /// check ends with `error` once the chunks before it are read.
    pub fn fail(&self, error: CheckError) {
        self.finish(Err(error));
    }

    fn finish(&self, end: Result<(), CheckError>) {
        self.update(|queue| {
            queue.end.get_or_insert(end);
        });
    }

    fn update(&self, change: impl FnOnce(&mut Queue)) {
        let waker = {
            let mut queue = self.0.borrow_mut();
            change(&mut queue);
            queue.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl Drop for ChunkSender {
    /// A sender dropped without an end (a newer check replaced it) cancels.
    fn drop(&mut self) {
        self.finish(Err(CheckError::Cancelled));
    }
}

impl PostedChunks {
    /// The next chunk; `None` at the file's end.
    pub async fn next(&mut self) -> Result<Option<Uint8Array>, CheckError> {
        poll_fn(|cx| {
            let mut queue = self.0.borrow_mut();
            if let Some(chunk) = queue.chunks.pop_front() {
                return Poll::Ready(Ok(Some(chunk)));
            }
            match &queue.end {
                Some(Ok(())) => Poll::Ready(Ok(None)),
                Some(Err(error)) => Poll::Ready(Err(error.clone())),
                None => {
                    queue.waker = Some(cx.waker().clone());
                    Poll::Pending
                }
            }
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn chunk(bytes: &[u8]) -> Uint8Array {
        Uint8Array::from(bytes)
    }

    async fn read_all(chunks: &mut PostedChunks) -> (Vec<u8>, Result<(), CheckError>) {
        let mut read = Vec::new();
        loop {
            match chunks.next().await {
                Ok(Some(chunk)) => read.extend(chunk.to_vec()),
                Ok(None) => return (read, Ok(())),
                Err(err) => return (read, Err(err)),
            }
        }
    }

    #[wasm_bindgen_test]
    async fn chunks_come_in_order_then_the_end() {
        let (sender, mut chunks) = posted_chunks();
        sender.push(chunk(b"First Name,"));
        sender.push(chunk(b"Email\n"));
        sender.end();
        sender.push(chunk(b"after the end"));
        assert_eq!(
            read_all(&mut chunks).await,
            (b"First Name,Email\n".to_vec(), Ok(()))
        );
    }

    #[wasm_bindgen_test]
    async fn a_failure_comes_after_the_chunks_before_it() {
        let (sender, mut chunks) = posted_chunks();
        sender.push(chunk(b"abc"));
        sender.fail(CheckError::Unreadable("gone".into()));
        sender.end();
        let (read, end) = read_all(&mut chunks).await;
        assert_eq!(read, b"abc");
        assert_eq!(end, Err(CheckError::Unreadable("gone".into())));
    }

    #[wasm_bindgen_test]
    async fn a_dropped_sender_cancels_and_wakes_the_reader() {
        let (sender, mut chunks) = posted_chunks();
        let reading = wasm_bindgen_futures::JsFuture::from(
            wasm_bindgen_futures::future_to_promise(async move {
                let (read, end) = read_all(&mut chunks).await;
                assert_eq!(read, b"x");
                assert_eq!(end, Err(CheckError::Cancelled));
                Ok(wasm_bindgen::JsValue::TRUE)
            }),
        );
        // The reader waits for a chunk, then for more, before the sender goes.
        crate::check_file::yield_to_event_loop().await;
        sender.push(chunk(b"x"));
        crate::check_file::yield_to_event_loop().await;
        drop(sender);
        assert_eq!(reading.await.unwrap(), wasm_bindgen::JsValue::TRUE);
    }
}
