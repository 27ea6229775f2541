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

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::future::Future;
use std::rc::{Rc, Weak};

use futures_channel::oneshot;
use js_sys::Reflect;
use user_import::User;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::check_file::{CheckError, CheckOptions};
use crate::check_protocol::{
    from_message, to_message, CheckSummary, Envelope, ErrorLine, Reply, Request,
};

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

struct Inner {
    endpoint: PageEndpoint,
    next_id: Cell<u32>,
    /// Messages sent before the worker said it listens: a wasm worker would
    /// drop them. `None` once it is ready.
    waiting: RefCell<Option<Vec<JsValue>>>,
    pending: RefCell<HashMap<u32, Pending>>,
    /// Why the worker stopped (its script failed to load, or it crashed).
    broken: RefCell<Option<String>>,
    _on_message: Closure<dyn Fn(web_sys::MessageEvent)>,
    _on_error: Option<Closure<dyn Fn(web_sys::Event)>>,
}

/// A request waiting for its final reply.
struct Pending {
    on_partial: Option<Box<dyn FnMut(Reply)>>,
    done: oneshot::Sender<(Reply, Option<web_sys::Blob>)>,
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
        let request = Request::Check {
            chunk_bytes: options.chunk_bytes,
            existing_users: options.existing_users,
            edits: options.edits,
        };
        let on_partial = Box::new(move |reply: Reply| {
            if let Reply::Progress { bytes, rows } = reply {
                on_progress(bytes, rows);
            }
        });
        let (id, done) = self.0.send(&request, Some(file), Some(on_partial));
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
            .send(&Request::ErrorLines { check, start, end }, None, None);
        match self.0.answer(done).await? {
            (Reply::ErrorLines { start, lines }, _) => Ok((start, lines)),
            (other, _) => Err(unexpected(&other)),
        }
    }

    /// Check `check`'s error file.
    pub async fn error_file(&self, check: u32) -> Result<web_sys::Blob, CheckError> {
        let (_, done) = self.0.send(&Request::ErrorFile { check }, None, None);
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
            .send(&Request::AcceptedUsers { check }, None, Some(on_partial));
        match self.0.answer(done).await? {
            (Reply::UsersDone { total }, _) if total == received.borrow().len() => {
                Ok(received.take())
            }
            (other, _) => Err(unexpected(&other)),
        }
    }

    /// Stops check `check` if it still runs, and frees its report.
    pub fn release(&self, check: u32) {
        self.0.notify(&Request::Release { check });
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
    /// Sends `request` (with `file` beside it); returns its number and its
    /// final reply to come.
    fn send(
        &self,
        request: &Request,
        file: Option<&web_sys::Blob>,
        on_partial: Option<Box<dyn FnMut(Reply)>>,
    ) -> (u32, oneshot::Receiver<(Reply, Option<web_sys::Blob>)>) {
        let id = self.next_id();
        let (done, answer) = oneshot::channel();
        if self.broken.borrow().is_some() {
            // `done` is dropped: the answer is that the worker stopped.
            return (id, answer);
        }
        self.pending
            .borrow_mut()
            .insert(id, Pending { on_partial, done });
        self.post_when_ready(id, request, file);
        (id, answer)
    }

    /// Sends `request`, which gets no reply.
    fn notify(&self, request: &Request) {
        let id = self.next_id();
        if self.broken.borrow().is_none() {
            self.post_when_ready(id, request, None);
        }
    }

    fn next_id(&self) -> u32 {
        let id = self.next_id.get() + 1;
        self.next_id.set(id);
        id
    }

    fn post_when_ready(&self, id: u32, request: &Request, file: Option<&web_sys::Blob>) {
        let data = to_message(
            &Envelope {
                id,
                message: request,
            },
            file,
        );
        match self.waiting.borrow_mut().as_mut() {
            Some(waiting) => waiting.push(data),
            None => self.post(&data),
        }
    }

    fn post(&self, data: &JsValue) {
        let _ = match &self.endpoint {
            PageEndpoint::Worker(worker) => worker.post_message(data),
            PageEndpoint::Port(port) => port.post_message(data),
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
                for data in waiting {
                    self.post(&data);
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
        // Dropping the senders fails their futures.
        let pending = std::mem::take(&mut *self.pending.borrow_mut());
        drop(pending);
    }
}
