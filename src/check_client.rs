//! The page's side of a check: starts the check worker, sends it
//! [`Request`]s and turns its [`Reply`]s into futures. The page never holds
//! a report: it gets a [`CheckSummary`] and asks for the rest (a window of
//! error lines, the error file, the accepted users) when it shows them.
//!
//! The worker is the `check-worker` binary, which trunk writes next to
//! `index.html` (see `index.html`); it is started when the Import users
//! dialog opens, so it is ready by the time a file is chosen, and it is
//! not part of the page's first load. Tests run the same worker code on the
//! page through a `MessageChannel` ([`CheckClient::on_page`]).
//!
//! The page reads the chosen file and posts it to the worker chunk by chunk
//! ([`crate::file_pump`]), a bounded distance ahead of the check, so the
//! worker's thread does nothing but check.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::future::Future;
use std::rc::{Rc, Weak};

use futures_channel::oneshot;
use js_sys::{Array, Reflect, Uint8Array};
use user_import::User;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::check_file::{CheckError, CheckOptions};
use crate::check_protocol::{
    from_message, to_message, with_bytes, CheckSummary, Envelope, ErrorLine, Reply, Request,
};
use crate::file_pump::{pump_file, InFlight, Piece};

/// The worker's loader script, relative to the page (trunk's `data-loader-shim`).
pub const WORKER_SCRIPT: &str = "check-worker_loader.js";

thread_local! {
    static SHARED: RefCell<Option<CheckClient>> = const { RefCell::new(None) };
}

/// A connection to the check worker. Cloning shares it.
#[derive(Clone)]
pub struct CheckClient(Rc<Inner>);

enum PageEndpoint {
    Worker(web_sys::Worker),
    Port(web_sys::MessagePort),
}

/// A message to post, and the buffers that move with it.
type Outgoing = (JsValue, Option<Array>);

struct Inner {
    endpoint: PageEndpoint,
    next_id: Cell<u32>,
    /// Messages sent before the worker said it listens: a wasm worker would
    /// drop them. `None` once it is ready.
    waiting: RefCell<Option<Vec<Outgoing>>>,
    pending: RefCell<HashMap<u32, Pending>>,
    /// Why the worker stopped (its script failed to load, or it crashed).
    broken: RefCell<Option<String>>,
    _on_message: Closure<dyn Fn(web_sys::MessageEvent)>,
    _on_error: Option<Closure<dyn Fn(web_sys::Event)>>,
}

/// A request waiting for its final reply.
struct Pending {
    on_partial: Option<Box<dyn FnMut(Reply)>>,
    /// A check's file on its way to the worker.
    in_flight: Option<ClosedOnDrop>,
    done: oneshot::Sender<(Reply, Option<web_sys::Blob>)>,
}

/// A check's [`InFlight`], closed once its request is over, however it ends
/// (answered, or failed with the worker): the page reads no more of the file.
struct ClosedOnDrop(Rc<InFlight>);

impl Drop for ClosedOnDrop {
    fn drop(&mut self) {
        self.0.close();
    }
}

impl CheckClient {
    /// The page's client: started on first use and kept for the page's
    /// life; started again if its worker stopped.
    pub fn shared() -> Result<CheckClient, CheckError> {
        SHARED.with(|shared| {
            let mut shared = shared.borrow_mut();
            if let Some(client) = shared.as_ref().filter(|c| c.0.broken.borrow().is_none()) {
                return Ok(client.clone());
            }
            let client = CheckClient::in_worker(WORKER_SCRIPT)?;
            *shared = Some(client.clone());
            Ok(client)
        })
    }

    /// Stops check `check` of the shared client if it still runs, and frees
    /// its report; starts no worker (one that stopped kept nothing).
    pub fn release_shared(check: u32) {
        SHARED.with(|shared| {
            if let Some(client) = shared.borrow().as_ref() {
                client.release(check);
            }
        });
    }

    /// Makes `client` the one [`CheckClient::shared`] returns (tests use
    /// [`CheckClient::on_page`], as they have no worker script to load).
    pub fn install(client: CheckClient) {
        SHARED.with(|shared| *shared.borrow_mut() = Some(client));
    }

    /// Starts the worker at `script` (relative to the page).
    pub fn in_worker(script: &str) -> Result<CheckClient, CheckError> {
        let url = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.base_uri().ok().flatten())
            .and_then(|base| web_sys::Url::new_with_base(script, &base).ok())
            .map_or_else(|| script.to_owned(), |url| url.href());
        let worker = web_sys::Worker::new(&url).map_err(|err| {
            CheckError::CheckerUnavailable(crate::download::describe(&err, "no Web Worker"))
        })?;
        Ok(CheckClient::connect(PageEndpoint::Worker(worker)))
    }

    /// Runs the worker's code on this page, behind a `MessageChannel`: the
    /// same messages, without a second thread.
    pub fn on_page() -> CheckClient {
        let channel = web_sys::MessageChannel::new().expect("MessageChannel");
        crate::check_worker::serve(crate::check_worker::WorkerEndpoint::Port(channel.port2()));
        CheckClient::connect(PageEndpoint::Port(channel.port1()))
    }

    fn connect(endpoint: PageEndpoint) -> CheckClient {
        let inner = Rc::new_cyclic(|weak: &Weak<Inner>| {
            let on_message = {
                let weak = weak.clone();
                Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
                    if let Some(inner) = weak.upgrade() {
                        inner.receive(&ev.data());
                    }
                })
            };
            let on_error = match &endpoint {
                PageEndpoint::Worker(worker) => {
                    let weak = weak.clone();
                    let on_error =
                        Closure::<dyn Fn(web_sys::Event)>::new(move |ev: web_sys::Event| {
                            let why = Reflect::get(&ev, &"message".into())
                                .ok()
                                .and_then(|m| m.as_string())
                                .unwrap_or_else(|| "its script could not be loaded".to_owned());
                            if let Some(inner) = weak.upgrade() {
                                inner.stop(why);
                            }
                        });
                    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
                    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
                    Some(on_error)
                }
                PageEndpoint::Port(port) => {
                    port.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
                    None
                }
            };
            Inner {
                endpoint,
                next_id: Cell::new(0),
                waiting: RefCell::new(Some(Vec::new())),
                pending: RefCell::new(HashMap::new()),
                broken: RefCell::new(None),
                _on_message: on_message,
                _on_error: on_error,
            }
        });
        CheckClient(inner)
    }

    /// Checks `file`; `on_progress` gets the bytes and rows done as the
    /// worker goes. Returns the check's number (to ask about it, or release
    /// it) and its summary to come. A newer check cancels this one.
    pub fn check(
        &self,
        file: &web_sys::Blob,
        options: CheckOptions,
        mut on_progress: impl FnMut(u64, u32) + 'static,
    ) -> (u32, impl Future<Output = Result<CheckSummary, CheckError>>) {
        let size = file.size() as u64;
        let request = Request::Check {
            size,
            chunk_bytes: options.chunk_bytes,
            existing_users: options.existing_users,
            edits: options.edits,
        };
        let in_flight = Rc::new(InFlight::default());
        let on_partial = {
            let in_flight = in_flight.clone();
            Box::new(move |reply: Reply| {
                if let Reply::Progress { bytes, rows } = reply {
                    in_flight.acknowledge(bytes);
                    on_progress(bytes, rows);
                }
            })
        };
        let (id, done) = self
            .0
            .send_check(&request, in_flight.clone(), Some(on_partial));
        // A file over the size limit is refused before a byte is read.
        if size <= options.max_bytes {
            let inner = self.0.clone();
            let file = file.clone();
            wasm_bindgen_futures::spawn_local(async move {
                pump_file(&file, &in_flight, |piece| inner.hand_on(id, piece)).await;
            });
        }
        let inner = self.0.clone();
        (id, async move {
            match inner.answer(done).await? {
                (Reply::Checked(summary), _) => Ok(*summary),
                (Reply::Unreadable { message }, _) => Err(CheckError::Unreadable(message)),
                (Reply::Cancelled, _) => Err(CheckError::Cancelled),
                (other, _) => Err(unexpected(&other)),
            }
        })
    }

    /// Lines `start..end` of check `check`'s error table (fewer at its end);
    /// returns where they start.
    pub async fn error_lines(
        &self,
        check: u32,
        start: usize,
        end: usize,
    ) -> Result<(usize, Vec<ErrorLine>), CheckError> {
        let (_, done) = self
            .0
            .send(&Request::ErrorLines { check, start, end }, None);
        match self.0.answer(done).await? {
            (Reply::ErrorLines { start, lines }, _) => Ok((start, lines)),
            (other, _) => Err(unexpected(&other)),
        }
    }

    /// Check `check`'s error file.
    pub async fn error_file(&self, check: u32) -> Result<web_sys::Blob, CheckError> {
        let (_, done) = self.0.send(&Request::ErrorFile { check }, None);
        match self.0.answer(done).await? {
            (Reply::ErrorFile, Some(blob)) => Ok(blob),
            (other, _) => Err(unexpected(&other)),
        }
    }

    /// Check `check`'s accepted users (they come in batches).
    pub async fn accepted_users(&self, check: u32) -> Result<Vec<User>, CheckError> {
        let received = Rc::new(RefCell::new(Vec::new()));
        let on_partial = {
            let received = received.clone();
            Box::new(move |reply: Reply| {
                if let Reply::Users { users } = reply {
                    received.borrow_mut().extend(users);
                }
            })
        };
        let (_, done) = self
            .0
            .send(&Request::AcceptedUsers { check }, Some(on_partial));
        match self.0.answer(done).await? {
            (Reply::UsersDone { total }, _) if total == received.borrow().len() => {
                Ok(received.take())
            }
            (other, _) => Err(unexpected(&other)),
        }
    }

    /// Stops check `check` if it still runs, and frees its report.
    pub fn release(&self, check: u32) {
        if let Some(in_flight) = self
            .0
            .pending
            .borrow()
            .get(&check)
            .and_then(|p| p.in_flight.as_ref())
        {
            in_flight.0.close();
        }
        self.0.notify(&Request::Release { check }, None);
    }
}

fn unexpected(reply: &Reply) -> CheckError {
    match reply {
        Reply::Gone => CheckError::CheckerUnavailable(
            "the file's check is no longer kept; choose the file again".to_owned(),
        ),
        other => CheckError::CheckerUnavailable(format!("unexpected answer: {}", other.name())),
    }
}

impl Inner {
    /// Sends `request`; returns its number and its final reply to come.
    fn send(
        &self,
        request: &Request,
        on_partial: Option<Box<dyn FnMut(Reply)>>,
    ) -> (u32, oneshot::Receiver<(Reply, Option<web_sys::Blob>)>) {
        let id = self.next_id();
        let (done, answer) = oneshot::channel();
        if self.broken.borrow().is_some() {
            // `done` is dropped: the answer is that the worker stopped.
            return (id, answer);
        }
        self.pending.borrow_mut().insert(
            id,
            Pending {
                on_partial,
                in_flight: None,
                done,
            },
        );
        self.post_when_ready(id, request, None);
        (id, answer)
    }

    /// As [`Inner::send`], for a check whose file follows in chunks.
    fn send_check(
        &self,
        request: &Request,
        in_flight: Rc<InFlight>,
        on_partial: Option<Box<dyn FnMut(Reply)>>,
    ) -> (u32, oneshot::Receiver<(Reply, Option<web_sys::Blob>)>) {
        let (id, answer) = self.send(request, on_partial);
        match self.pending.borrow_mut().get_mut(&id) {
            Some(pending) => pending.in_flight = Some(ClosedOnDrop(in_flight)),
            // The worker has stopped: nothing is read.
            None => in_flight.close(),
        }
        (id, answer)
    }

    /// Hands a piece of check `check`'s file on to the worker; a chunk's
    /// memory moves to the worker, it is not copied.
    fn hand_on(&self, check: u32, piece: Piece) {
        match piece {
            Piece::Chunk(chunk) => self.notify(&Request::Chunk { check }, Some(chunk)),
            Piece::End => self.notify(&Request::FileEnd { check }, None),
            Piece::Unreadable(message) => {
                self.notify(&Request::FileUnreadable { check, message }, None)
            }
        }
    }

    /// Sends `request` (with `chunk` beside it), which gets no reply.
    fn notify(&self, request: &Request, chunk: Option<&Uint8Array>) {
        let id = self.next_id();
        if self.broken.borrow().is_none() {
            self.post_when_ready(id, request, chunk);
        }
    }

    fn next_id(&self) -> u32 {
        let id = self.next_id.get() + 1;
        self.next_id.set(id);
        id
    }

    /// Posts `request` (with `chunk` beside it, its buffer moved), or keeps
    /// it until the worker is ready.
    fn post_when_ready(&self, id: u32, request: &Request, chunk: Option<&Uint8Array>) {
        let mut data = to_message(
            &Envelope {
                id,
                message: request,
            },
            None,
        );
        let mut transfer = None;
        if let Some(chunk) = chunk {
            data = with_bytes(data, chunk);
            transfer = Some(Array::of1(&chunk.buffer()));
        }
        match self.waiting.borrow_mut().as_mut() {
            Some(waiting) => waiting.push((data, transfer)),
            None => self.post(&data, transfer.as_ref()),
        }
    }

    fn post(&self, data: &JsValue, transfer: Option<&Array>) {
        let _ = match (&self.endpoint, transfer) {
            (PageEndpoint::Worker(worker), None) => worker.post_message(data),
            (PageEndpoint::Worker(worker), Some(transfer)) => {
                worker.post_message_with_transfer(data, transfer)
            }
            (PageEndpoint::Port(port), None) => port.post_message(data),
            (PageEndpoint::Port(port), Some(transfer)) => {
                port.post_message_with_transferable(data, transfer)
            }
        };
    }

    async fn answer(
        &self,
        done: oneshot::Receiver<(Reply, Option<web_sys::Blob>)>,
    ) -> Result<(Reply, Option<web_sys::Blob>), CheckError> {
        done.await.map_err(|_| {
            let why = self.broken.borrow().clone().unwrap_or_default();
            CheckError::CheckerUnavailable(why)
        })
    }

    fn receive(&self, data: &JsValue) {
        let Ok((Envelope { id, message }, blob)) = from_message::<Reply>(data) else {
            return self.stop("it sent a message the page cannot read".to_owned());
        };
        match message {
            Reply::Ready => {
                let waiting = self.waiting.borrow_mut().take().unwrap_or_default();
                for (data, transfer) in waiting {
                    self.post(&data, transfer.as_ref());
                }
            }
            Reply::Invalid { message } => {
                // A bug in the page or the worker, never in the user's file.
                self.stop(format!("it could not read a request ({message})"));
            }
            partial if partial.is_partial() => {
                // Taken out while it runs: it may send requests itself.
                let on_partial = self
                    .pending
                    .borrow_mut()
                    .get_mut(&id)
                    .and_then(|p| p.on_partial.take());
                if let Some(mut on_partial) = on_partial {
                    on_partial(partial);
                    if let Some(p) = self.pending.borrow_mut().get_mut(&id) {
                        p.on_partial = Some(on_partial);
                    }
                }
            }
            last => {
                let pending = self.pending.borrow_mut().remove(&id);
                if let Some(pending) = pending {
                    let _ = pending.done.send((last, blob));
                }
            }
        }
    }

    /// The worker cannot go on: every request waiting fails with `why`, and
    /// the next [`CheckClient::shared`] starts a new worker.
    fn stop(&self, why: String) {
        self.broken.replace(Some(why));
        if let PageEndpoint::Worker(worker) = &self.endpoint {
            worker.terminate();
        }
        // Dropping the senders fails their futures (and stops the reading).
        let pending = std::mem::take(&mut *self.pending.borrow_mut());
        drop(pending);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn a_checks_file_is_read_no_further_once_its_request_is_dropped() {
        let in_flight = Rc::new(InFlight::default());
        let guard = ClosedOnDrop(in_flight.clone());
        assert!(!in_flight.is_closed());
        drop(guard);
        assert!(in_flight.is_closed());
    }
}
