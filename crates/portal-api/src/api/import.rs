//! `POST /api/locations/{id}/users/import`: create or update users by email.
//!
//! The server trusts nothing the browser decided: every user is checked
//! again with the rules crate ([`user_import::check_batch`]), against the
//! location's users. A batch is one transaction. An `Idempotency-Key` makes
//! a retry safe: the same key with the same body answers the first response
//! again and writes nothing; with another body it is refused (422).
//!
//! Decisions where the spec is silent:
//! - An optional field that is not given (absent, `null` or empty) keeps the
//!   stored value on update, as an empty CSV cell means "not given".
//! - A user entry that is not an object of strings is rejected on its own
//!   (the batch goes on); a body that is not JSON is refused as a whole (400).
//! - The key belongs to the caller and the location, and is kept for good.
//! - Only a 200 response is remembered: a refused request changed nothing,
//!   so sending it again is safe anyway.

use super::auth::Caller;
use super::error::ApiError;
use super::locations::access;
use super::users::{ApiUser, USER_COLUMNS};
use super::AppState;
use crate::db::now;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use rusqlite::{Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use user_import::{check_batch, BatchRejection, ExistingUser, User, UserInput};

/// The most users one request may carry.
pub const MAX_USERS: usize = 1_000;
/// The header that makes a request safe to retry.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";
const MAX_KEY_CHARS: usize = 255;

#[derive(Deserialize)]
struct ImportRequest {
    users: Vec<serde_json::Value>,
}

/// What an import answers.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct ImportResponse {
    pub created: Vec<ApiUser>,
    pub updated: Vec<ApiUser>,
    pub rejected: Vec<BatchRejection>,
}

pub async fn import(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Response, ApiError> {
    let body = super::read_body(body)?;
    let key = idempotency_key(&headers)?;
    let account = caller.account.id;
    let fail = state
        .faults
        .as_ref()
        .is_some_and(|faults| faults.next_import_fails());
    let (status, json, replayed) = state
        .db
        .run(move |connection| {
            let location = access(connection, account, &id)?;
            if let Some(key) = &key {
                if let Some((status, json)) = replay(connection, account, location.id, key, &body)? {
                    return Ok((status, json, true));
                }
            }
            let inputs = parse_users(&body)?;
            let transaction = connection.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let response = import_batch(&transaction, location.id, &inputs)?;
            let json = serde_json::to_string(&response).map_err(ApiError::internal)?;
            if let Some(key) = &key {
                transaction.execute(
                    "INSERT INTO idempotency (account_id, location_id, key, request, status, response, created_at)
                     VALUES (?1, ?2, ?3, ?4, 200, ?5, ?6)",
                    (account, location.id, key, &body[..], &json, now()),
                )?;
            }
            if fail {
                // The test-only fault switch: the batch's writes are undone,
                // as when the server dies before committing.
                drop(transaction);
                return Err(ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "The server could not store this batch (test fault); nothing was changed. Retry it.",
                ));
            }
            transaction.commit()?;
            Ok((200, json, false))
        })
        .await?;
    let mut response = (
        StatusCode::from_u16(status).map_err(ApiError::internal)?,
        [(
            axum::http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        json,
    )
        .into_response();
    if replayed {
        response
            .headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    Ok(response)
}

fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get(IDEMPOTENCY_KEY) else {
        return Ok(None);
    };
    let key = value.to_str().unwrap_or("");
    if key.is_empty() || key.len() > MAX_KEY_CHARS || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ApiError::bad_request(
            "bad_idempotency_key",
            format!("Idempotency-Key must be 1 to {MAX_KEY_CHARS} visible ASCII characters (a UUID, say)."),
        ));
    }
    Ok(Some(key.to_string()))
}

/// The stored response to this key, when the body is the same; 422 when
/// the key was used for another body.
fn replay(
    connection: &Connection,
    account: i64,
    location: i64,
    key: &str,
    body: &[u8],
) -> Result<Option<(u16, String)>, ApiError> {
    let stored: Option<(Vec<u8>, u16, String)> = connection
        .query_row(
            "SELECT request, status, response FROM idempotency
              WHERE account_id = ?1 AND location_id = ?2 AND key = ?3",
            (account, location, key),
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .optional()?;
    match stored {
        None => Ok(None),
        Some((request, status, response)) if request == body => Ok(Some((status, response))),
        Some(_) => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency_key_reused",
            format!("The Idempotency-Key '{key}' was already used for another request; use a new key for new users."),
        )),
    }
}

/// A user entry of the body: the input to check, or why it is not one.
enum Entry {
    Input(UserInput),
    NotAUser(String),
}

fn parse_users(body: &[u8]) -> Result<Vec<Entry>, ApiError> {
    let request: ImportRequest = super::parse_json(body)?;
    if request.users.len() > MAX_USERS {
        return Err(ApiError::too_large(format!(
            "This request has {} users; send at most {MAX_USERS} per request.",
            request.users.len()
        )));
    }
    Ok(request
        .users
        .into_iter()
        .map(|value| match serde_json::from_value::<UserInput>(value) {
            Ok(input) => Entry::Input(input),
            Err(error) => Entry::NotAUser(format!("This is not a user: {error}.")),
        })
        .collect())
}

/// Checks and stores one batch inside `transaction`.
fn import_batch(
    transaction: &Transaction<'_>,
    location: i64,
    entries: &[Entry],
) -> Result<ImportResponse, ApiError> {
    let inputs: Vec<UserInput> = entries
        .iter()
        .map(|entry| match entry {
            Entry::Input(input) => input.clone(),
            Entry::NotAUser(_) => UserInput::default(),
        })
        .collect();
    let mut owner = transaction.prepare_cached(
        "SELECT email, extension, first_name || ' ' || last_name FROM users
          WHERE location_id = ?1 AND extension = ?2",
    )?;
    let checked = check_batch(&inputs, |extension| {
        owner
            .query_row((location, extension), |row| {
                Ok(ExistingUser {
                    email: row.get(0)?,
                    extension: row.get(1)?,
                    name: row.get(2)?,
                })
            })
            .optional()
    })?;

    let mut response = ImportResponse::default();
    for accepted in &checked.accepted {
        let (user, created) = upsert(transaction, location, &accepted.user)?;
        if created {
            response.created.push(user);
        } else {
            response.updated.push(user);
        }
    }
    response.rejected = checked.rejected;
    for rejection in &mut response.rejected {
        if let Entry::NotAUser(why) = &entries[rejection.index] {
            rejection.errors = vec![why.clone()];
        }
    }
    Ok(response)
}

/// Creates the user, or updates the one with this email; `true` when created.
fn upsert(
    transaction: &Transaction<'_>,
    location: i64,
    user: &User,
) -> Result<(ApiUser, bool), ApiError> {
    let existing: Option<i64> = transaction
        .prepare_cached("SELECT id FROM users WHERE location_id = ?1 AND email = ?2")?
        .query_row((location, &user.email), |row| row.get(0))
        .optional()?;
    let time = now();
    let id = match existing {
        Some(id) => {
            transaction
                .prepare_cached(
                    "UPDATE users SET first_name = ?1, last_name = ?2,
                            extension = coalesce(?3, extension),
                            mobile_number = coalesce(?4, mobile_number),
                            job_title = coalesce(?5, job_title),
                            department = coalesce(?6, department),
                            updated_at = ?7
                      WHERE id = ?8",
                )?
                .execute((
                    &user.first_name,
                    &user.last_name,
                    &user.extension,
                    &user.mobile_number,
                    &user.job_title,
                    &user.department,
                    time,
                    id,
                ))?;
            id
        }
        None => {
            transaction
                .prepare_cached(
                    "INSERT INTO users (location_id, email, first_name, last_name, extension,
                                        mobile_number, job_title, department, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
                )?
                .execute((
                    location,
                    &user.email,
                    &user.first_name,
                    &user.last_name,
                    &user.extension,
                    &user.mobile_number,
                    &user.job_title,
                    &user.department,
                    time,
                ))?;
            transaction.last_insert_rowid()
        }
    };
    let stored = transaction
        .prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"))?
        .query_row([id], ApiUser::from_row)?;
    Ok((stored, existing.is_none()))
}
