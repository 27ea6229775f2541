//! Who is calling: a browser session (an HttpOnly, SameSite=Strict cookie,
//! with a CSRF token for every state-changing request) or a script with
//! `Authorization: Bearer <token>`. Sign-in is by link (the reference
//! server prints one per demo account); sign-out ends the session.

use super::error::ApiError;
use super::AppState;
use crate::db::{now, random_token};
use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "portal_session";
/// The header that carries the session's CSRF token.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// How long a browser session lasts.
pub const SESSION_SECONDS: i64 = 12 * 60 * 60;

/// A signed-in account, as the API sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Account {
    pub id: i64,
    pub name: String,
    pub email: String,
    /// `partner` or `location_admin`.
    pub role: String,
}

/// The caller of a request, once authenticated (and, for a browser
/// session's state-changing request, CSRF-checked).
#[derive(Debug, Clone)]
pub struct Caller {
    pub account: Account,
    /// The session's CSRF token; `None` for a Bearer token.
    pub csrf: Option<String>,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Caller, ApiError> {
        let credential = credential(&parts.headers)?;
        let changes_state = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        let sent_csrf = parts
            .headers
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        state
            .db
            .run(move |connection| {
                let caller = authenticate(connection, &credential)?;
                if changes_state {
                    if let Some(csrf) = &caller.csrf {
                        let sent = sent_csrf.as_deref().unwrap_or("");
                        if !constant_time_eq(sent.as_bytes(), csrf.as_bytes()) {
                            return Err(ApiError::forbidden(
                                "csrf",
                                "This request needs the session's CSRF token in the X-CSRF-Token \
                                 header (GET /api/me gives it). Reload the page and try again.",
                            ));
                        }
                    }
                }
                Ok(caller)
            })
            .await
    }
}

/// A credential as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Credential {
    Bearer(String),
    Session(String),
}

/// The Bearer token, else the session cookie, else 401.
fn credential(headers: &HeaderMap) -> Result<Credential, ApiError> {
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                ApiError::unauthorized("The Authorization header must be 'Bearer <token>'.")
            })?;
        return Ok(Credential::Bearer(token.to_string()));
    }
    session_cookie(headers)
        .map(Credential::Session)
        .ok_or_else(|| {
            ApiError::unauthorized(
                "Not signed in: sign in, or send 'Authorization: Bearer <token>'.",
            )
        })
}

fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_string())
}

fn authenticate(connection: &Connection, credential: &Credential) -> Result<Caller, ApiError> {
    let (token, kind) = match credential {
        Credential::Bearer(token) => (token, "api_token"),
        Credential::Session(token) => (token, "session"),
    };
    let found = connection
        .query_row(
            "SELECT a.id, a.name, a.email, a.role, c.csrf, c.expires_at
               FROM credentials c JOIN accounts a ON a.id = c.account_id
              WHERE c.token = ?1 AND c.kind = ?2",
            (token, kind),
            |row| {
                Ok((
                    Account {
                        id: row.get(0)?,
                        name: row.get(1)?,
                        email: row.get(2)?,
                        role: row.get(3)?,
                    },
                    row.get::<_, Option<String>>(4)?,
                    row.get::<_, Option<i64>>(5)?,
                ))
            },
        )
        .optional()?;
    match found {
        Some((_, _, Some(expires_at))) if expires_at <= now() => Err(ApiError::unauthorized(
            "Your session has expired: sign in again. Nothing you had not sent was lost.",
        )),
        Some((account, csrf, _)) => Ok(Caller {
            account,
            csrf: if kind == "session" { csrf } else { None },
        }),
        None if kind == "session" => Err(ApiError::unauthorized(
            "Your session is not valid any more: sign in again.",
        )),
        None => Err(ApiError::unauthorized("This API token is not valid.")),
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[derive(Deserialize)]
pub struct SignInQuery {
    token: Option<String>,
}

/// `GET /api/sign-in?token=…`: a sign-in link. Starts a browser session and
/// sends the browser to the app.
pub async fn sign_in(
    State(state): State<AppState>,
    Query(query): Query<SignInQuery>,
) -> Result<Response, ApiError> {
    let link = query.token.unwrap_or_default();
    let (session, _) = state
        .db
        .run(move |connection| {
            let account: Option<i64> = connection
                .query_row(
                    "SELECT account_id FROM credentials WHERE token = ?1 AND kind = 'sign_in_link'",
                    [&link],
                    |row| row.get(0),
                )
                .optional()?;
            let account =
                account.ok_or_else(|| ApiError::unauthorized("This sign-in link is not valid."))?;
            start_session(connection, account)
        })
        .await?;
    let cookie = format!(
        "{SESSION_COOKIE}={session}; Path=/; HttpOnly; SameSite=Strict; Max-Age={SESSION_SECONDS}"
    );
    Ok((
        StatusCode::SEE_OTHER,
        [
            (
                header::SET_COOKIE,
                HeaderValue::from_str(&cookie).map_err(ApiError::internal)?,
            ),
            (header::LOCATION, HeaderValue::from_static("/")),
        ],
    )
        .into_response())
}

/// Creates a session for `account`: its token and its CSRF token.
pub fn start_session(connection: &Connection, account: i64) -> Result<(String, String), ApiError> {
    let (token, csrf) = (random_token(), random_token());
    connection.execute(
        "INSERT INTO credentials (token, account_id, kind, csrf, expires_at) VALUES (?1, ?2, 'session', ?3, ?4)",
        (&token, account, &csrf, now() + SESSION_SECONDS),
    )?;
    Ok((token, csrf))
}

/// `POST /api/sign-out`: ends the browser session (a Bearer token stays).
pub async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    _caller: Caller,
) -> Result<Response, ApiError> {
    if let Some(token) = session_cookie(&headers) {
        state
            .db
            .run(move |connection| {
                connection.execute(
                    "DELETE FROM credentials WHERE token = ?1 AND kind = 'session'",
                    [token],
                )?;
                Ok::<_, ApiError>(())
            })
            .await?;
    }
    let expired = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    Ok((
        StatusCode::NO_CONTENT,
        [(
            header::SET_COOKIE,
            HeaderValue::from_str(&expired).map_err(ApiError::internal)?,
        )],
    )
        .into_response())
}

/// What `GET /api/me` answers.
#[derive(Serialize)]
pub struct Me {
    #[serde(flatten)]
    account: Account,
    locations: Vec<super::locations::Location>,
    /// Send it back in `X-CSRF-Token` with every POST, PATCH or DELETE;
    /// `null` for Bearer tokens, which need none.
    csrf_token: Option<String>,
}

/// `GET /api/me`: who is signed in and the locations they may manage.
pub async fn me(State(state): State<AppState>, caller: Caller) -> Result<Json<Me>, ApiError> {
    let account = caller.account.id;
    let locations = state
        .db
        .run(move |connection| super::locations::search(connection, account, ""))
        .await?;
    Ok(Json(Me {
        account: caller.account,
        locations,
        csrf_token: caller.csrf,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn bearer_comes_before_the_cookie() {
        let h = headers(&[
            ("authorization", "Bearer abc"),
            ("cookie", "portal_session=xyz"),
        ]);
        assert_eq!(credential(&h), Ok(Credential::Bearer("abc".into())));
    }

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let h = headers(&[("cookie", "theme=dark; portal_session=xyz; other=1")]);
        assert_eq!(credential(&h), Ok(Credential::Session("xyz".into())));
    }

    #[test]
    fn no_credential_or_a_bad_scheme_is_401() {
        assert_eq!(
            credential(&HeaderMap::new()).unwrap_err().status,
            StatusCode::UNAUTHORIZED
        );
        let basic = headers(&[("authorization", "Basic YTpi")]);
        assert_eq!(
            credential(&basic).unwrap_err().status,
            StatusCode::UNAUTHORIZED
        );
    }

    #[test]
    fn constant_time_eq_compares() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
