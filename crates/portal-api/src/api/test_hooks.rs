//! Test-only switches, mounted only when the server runs with
//! `--test-hooks` (never by default): end-to-end tests use them to make an
//! import batch fail and to expire sessions, and check that nothing is lost.

use super::error::ApiError;
use super::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use std::sync::atomic::{AtomicU32, Ordering};

/// Which import requests fail: after `pass` more succeed, `fail` fail.
#[derive(Debug, Default)]
pub struct Faults {
    pass: AtomicU32,
    fail: AtomicU32,
}

impl Faults {
    /// Whether the import request now arriving must fail (and counts it).
    pub fn next_import_fails(&self) -> bool {
        let take = |counter: &AtomicU32| {
            counter
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok()
        };
        if take(&self.pass) {
            return false;
        }
        take(&self.fail)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FailImports {
    /// How many import requests still succeed first.
    #[serde(default)]
    pass: u32,
    /// How many fail after those (503, with every write undone).
    fail: u32,
}

/// `POST /api/test/fail-imports {"pass": 1, "fail": 1}`.
pub async fn fail_imports(
    State(state): State<AppState>,
    Json(plan): Json<FailImports>,
) -> Result<StatusCode, ApiError> {
    let faults = state
        .faults
        .as_ref()
        .ok_or_else(|| ApiError::internal("test hooks are off"))?;
    faults.pass.store(plan.pass, Ordering::SeqCst);
    faults.fail.store(plan.fail, Ordering::SeqCst);
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/test/expire-sessions`: every browser session expires now.
pub async fn expire_sessions(State(state): State<AppState>) -> Result<StatusCode, ApiError> {
    state
        .db
        .run(|connection| {
            connection.execute(
                "UPDATE credentials SET expires_at = 0 WHERE kind = 'session'",
                [],
            )?;
            Ok::<_, ApiError>(())
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passes_then_fails_then_passes() {
        let faults = Faults::default();
        faults.pass.store(1, Ordering::SeqCst);
        faults.fail.store(2, Ordering::SeqCst);
        let seen: Vec<bool> = (0..5).map(|_| faults.next_import_fails()).collect();
        assert_eq!(seen, [false, true, true, false, false]);
    }
}
