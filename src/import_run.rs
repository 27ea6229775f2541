//! Importing the accepted users: batches of at most [`BATCH_SIZE`], posted in
//! order, each under its own idempotency key, chosen once when the import
//! starts. A batch that fails stops the run with the reason and keeps every
//! user not yet imported; Retry sends the failed batch again with the same
//! key, so a batch that was stored but whose answer was lost is not stored
//! twice.

use crate::api::{self, ApiFailure, ImportResult, PortalUser};
use leptos::prelude::*;
use user_import::User;

/// The most users one request carries (the API's limit).
pub const BATCH_SIZE: usize = 1_000;

/// One request's worth of users.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    /// The idempotency key: the same on every retry of this batch.
    pub key: String,
    pub users: Vec<User>,
    /// The server's answer, once it has one.
    pub result: Option<ImportResult>,
}

/// Where a run stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunState {
    Sending,
    /// A batch failed; the run waits for Retry.
    Stopped(ApiFailure),
    Done,
}

/// An import of a list of users into one location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRun {
    pub location: i64,
    pub batches: Vec<Batch>,
    pub state: RunState,
}

/// A user the server refused, with its reasons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub user: User,
    pub errors: Vec<String>,
}

impl ImportRun {
    /// A run that has sent nothing yet; `new_key` makes each batch's key.
    pub fn new(location: i64, users: Vec<User>, mut new_key: impl FnMut() -> String) -> ImportRun {
        // Moved, not cloned, into the batches: 100,000 users cloned were a
        // long task of the page.
        let mut users = users.into_iter().peekable();
        let mut batches = Vec::new();
        while users.peek().is_some() {
            batches.push(Batch {
                key: new_key(),
                users: users.by_ref().take(BATCH_SIZE).collect(),
                result: None,
            });
        }
        ImportRun {
            location,
            batches,
            state: RunState::Sending,
        }
    }

    /// Whether batches are being sent (a run with no users never is).
    pub fn is_sending(&self) -> bool {
        self.state == RunState::Sending && !self.batches.is_empty()
    }

    /// The first batch without an answer.
    pub fn next_batch(&self) -> Option<usize> {
        self.batches.iter().position(|b| b.result.is_none())
    }

    /// Records a batch's answer; the run is done after the last one.
    pub fn record(&mut self, batch: usize, result: ImportResult) {
        self.batches[batch].result = Some(result);
        if self.next_batch().is_none() {
            self.state = RunState::Done;
        }
    }

    pub fn users_total(&self) -> usize {
        self.batches.iter().map(|b| b.users.len()).sum()
    }

    /// Users in batches the server has answered (stored or refused).
    pub fn users_sent(&self) -> usize {
        self.answered().map(|(b, _)| b.users.len()).sum()
    }

    pub fn created(&self) -> impl Iterator<Item = &PortalUser> {
        self.answered().flat_map(|(_, r)| &r.created)
    }

    pub fn updated(&self) -> impl Iterator<Item = &PortalUser> {
        self.answered().flat_map(|(_, r)| &r.updated)
    }

    /// The users the server refused, with its reasons.
    pub fn refused(&self) -> Vec<Refused> {
        self.answered()
            .flat_map(|(batch, result)| {
                result.rejected.iter().filter_map(|r| {
                    Some(Refused {
                        user: batch.users.get(r.index)?.clone(),
                        errors: r.errors.clone(),
                    })
                })
            })
            .collect()
    }

    /// The users not imported yet: the failed batch and those after it.
    pub fn remaining(&self) -> impl Iterator<Item = &User> {
        self.batches
            .iter()
            .filter(|b| b.result.is_none())
            .flat_map(|b| &b.users)
    }

    fn answered(&self) -> impl Iterator<Item = (&Batch, &ImportResult)> {
        self.batches
            .iter()
            .filter_map(|b| Some((b, b.result.as_ref()?)))
    }
}

/// Sends the batches of `run` from where it stands, one at a time, until the
/// last is answered or one fails.
pub async fn drive(run: RwSignal<ImportRun>) {
    // try_*: if the page that owns the run is gone (signed out), stop
    // quietly rather than panic; the server has what was answered.
    if run.try_update(|r| r.state = RunState::Sending).is_none() {
        return;
    }
    loop {
        let next = run.try_with_untracked(|r| {
            r.next_batch().map(|i| {
                (
                    i,
                    r.location,
                    r.batches[i].key.clone(),
                    r.batches[i].users.clone(),
                )
            })
        });
        let Some(next) = next else {
            return;
        };
        let Some((index, location, key, users)) = next else {
            let _ = run.try_update(|r| r.state = RunState::Done);
            return;
        };
        let answer = api::import_batch(location, &key, &users).await;
        let recorded = match answer {
            Ok(result) => run.try_update(|r| r.record(index, result)),
            Err(failure) => {
                let _ = run.try_update(|r| r.state = RunState::Stopped(failure));
                return;
            }
        };
        if recorded.is_none() {
            return;
        }
    }
}

/// Retry after a failure: first refresh the session's CSRF token (the
/// person may have signed in again in another tab), then go on.
pub async fn retry(run: RwSignal<ImportRun>) {
    if run.try_update(|r| r.state = RunState::Sending).is_none() {
        return;
    }
    if let Err(failure) = api::me().await {
        let _ = run.try_update(|r| r.state = RunState::Stopped(failure));
        return;
    }
    drive(run).await;
}
