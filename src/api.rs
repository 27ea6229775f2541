//! The portal API client: the calls of `crates/portal-api/openapi.json`,
//! over `fetch`, with the session cookie and its CSRF token.
//!
//! The base URL comes from the page at run time (see [`api_base`]), so the
//! built `dist/` can be put behind any portal API without a rebuild. Every
//! failure becomes an [`ApiFailure`] that says whether a retry may help and
//! whether the session has ended, so the import can stop without losing
//! anything.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use user_import::{BatchRejection, ExistingUser, User};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The `<meta name="…">` whose `content` is the API's base URL.
pub const API_BASE_META: &str = "portal-api-base";
/// Where the API is when the page does not say: the same origin.
pub const DEFAULT_API_BASE: &str = "/api";
/// A request that has not answered after this long is given up (and may
/// be retried: import requests carry an idempotency key).
const TIMEOUT_MS: i32 = 60_000;

/// The API's base URL, from `<meta name="portal-api-base" content="…">` in
/// `index.html` (edit it when deploying `dist/`), else `/api`.
pub fn api_base() -> String {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| {
            d.query_selector(&format!("meta[name=\"{API_BASE_META}\"]"))
                .ok()
                .flatten()
        })
        .and_then(|meta| meta.get_attribute("content"))
        .map(|base| base.trim().trim_end_matches('/').to_string())
        .filter(|base| !base.is_empty())
        .unwrap_or_else(|| DEFAULT_API_BASE.to_string())
}

thread_local! {
    /// The session's CSRF token, from `GET /me`, sent with every change.
    static CSRF_TOKEN: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Why a call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiFailure {
    /// No answer: offline, the server is down, or the request timed out.
    Network(String),
    /// The server answered with an error status.
    Status {
        status: u16,
        /// The API's stable error word (`unauthorized`, `too_large`, …).
        error: String,
        /// The API's sentence for a person.
        detail: String,
    },
}

impl ApiFailure {
    /// Sending the same request again may work (with the same idempotency
    /// key, so nothing is stored twice).
    pub fn is_retryable(&self) -> bool {
        match self {
            ApiFailure::Network(_) => true,
            ApiFailure::Status { status, error, .. } => {
                *status >= 500 || *status == 408 || *status == 429 || error == "csrf"
            }
        }
    }

    /// The session has ended: sign in again, then retry.
    pub fn is_signed_out(&self) -> bool {
        matches!(self, ApiFailure::Status { status: 401, .. })
    }

    /// What to tell the person.
    pub fn message(&self) -> String {
        match self {
            ApiFailure::Network(why) => {
                format!("The portal could not be reached ({why}). Check the connection and retry.")
            }
            ApiFailure::Status { status, detail, .. } if detail.is_empty() => {
                format!("The portal answered with an error ({status}).")
            }
            ApiFailure::Status { detail, .. } => detail.clone(),
        }
    }
}

/// A location the caller manages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    pub id: i64,
    pub name: String,
    /// `BV` or `BV+`.
    pub service: String,
}

/// `GET /me`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub id: i64,
    pub name: String,
    pub email: String,
    /// `partner` or `location_admin`.
    pub role: String,
    pub locations: Vec<Location>,
    pub csrf_token: Option<String>,
}

/// A stored user.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PortalUser {
    pub id: i64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub extension: Option<String>,
    pub mobile_number: Option<String>,
    pub job_title: Option<String>,
    pub department: Option<String>,
    pub licenses: Vec<String>,
}

/// `GET /locations/{id}/users`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct UserPage {
    pub total: u64,
    pub offset: u32,
    pub users: Vec<PortalUser>,
}

/// The answer to one import batch.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ImportResult {
    pub created: Vec<PortalUser>,
    pub updated: Vec<PortalUser>,
    pub rejected: Vec<BatchRejection>,
}

/// `PATCH /locations/{id}/users/{user_id}`: absent fields are kept.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct UserPatch {
    /// `Some(None)` removes the extension.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extension: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub licenses: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct Locations {
    locations: Vec<Location>,
}

#[derive(Deserialize)]
struct Directory {
    users: Vec<ExistingUser>,
}

#[derive(Serialize)]
struct ImportBody<'a> {
    users: &'a [User],
}

/// Who is signed in; keeps the session's CSRF token for later changes.
pub async fn me() -> Result<Me, ApiFailure> {
    let me: Me = call("GET", "/me", None, &[]).await?;
    CSRF_TOKEN.with(|t| *t.borrow_mut() = me.csrf_token.clone());
    Ok(me)
}

/// The caller's locations whose name contains `query`.
pub async fn locations(query: &str) -> Result<Vec<Location>, ApiFailure> {
    let path = format!("/locations?q={}", encode(query));
    Ok(call::<Locations>("GET", &path, None, &[]).await?.locations)
}

/// One page of a location's users, by name.
pub async fn users(
    location: i64,
    offset: u32,
    limit: u32,
    query: &str,
) -> Result<UserPage, ApiFailure> {
    let path = format!(
        "/locations/{location}/users?offset={offset}&limit={limit}&q={}",
        encode(query)
    );
    call("GET", &path, None, &[]).await
}

/// Every user's email, extension and name, for the check of a file.
pub async fn directory(location: i64) -> Result<Vec<ExistingUser>, ApiFailure> {
    let path = format!("/locations/{location}/directory");
    Ok(call::<Directory>("GET", &path, None, &[]).await?.users)
}

/// Posts one batch (at most 1,000 users) under its idempotency key.
pub async fn import_batch(
    location: i64,
    key: &str,
    users: &[User],
) -> Result<ImportResult, ApiFailure> {
    let body = serde_json::to_string(&ImportBody { users })
        .map_err(|e| ApiFailure::Network(e.to_string()))?;
    let path = format!("/locations/{location}/users/import");
    call("POST", &path, Some(body), &[("Idempotency-Key", key)]).await
}

/// Assigns an extension and licenses.
pub async fn patch_user(
    location: i64,
    user: i64,
    patch: &UserPatch,
) -> Result<PortalUser, ApiFailure> {
    let body = serde_json::to_string(patch).map_err(|e| ApiFailure::Network(e.to_string()))?;
    call(
        "PATCH",
        &format!("/locations/{location}/users/{user}"),
        Some(body),
        &[],
    )
    .await
}

/// A fresh idempotency key (random, from the browser's crypto).
pub fn new_idempotency_key() -> String {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .and_then(|c| c.get_random_values_with_u8_array(&mut bytes).ok())
        .is_some();
    if !filled {
        // No crypto (never in a real browser): time and Math.random.
        let seed = js_sys::Date::now() as u64 ^ (js_sys::Math::random() * 1e15) as u64;
        bytes[..8].copy_from_slice(&seed.to_le_bytes());
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn encode(text: &str) -> String {
    String::from(js_sys::encode_uri_component(text))
}

/// One call: JSON in and out, the CSRF token on changes, a timeout.
async fn call<T: DeserializeOwned>(
    method: &str,
    path: &str,
    body: Option<String>,
    extra_headers: &[(&str, &str)],
) -> Result<T, ApiFailure> {
    let (status, text) = fetch_text(method, path, body, extra_headers).await?;
    let text = if text.is_empty() { "null" } else { &text };
    serde_json::from_str(text).map_err(|e| ApiFailure::Status {
        status,
        error: "unexpected_answer".into(),
        detail: format!("The portal's answer was not understood: {e}."),
    })
}

/// The request itself, apart from the generic part so that its code is in
/// the wasm once: the status and body of a 2xx answer, else the failure.
#[inline(never)]
async fn fetch_text(
    method: &str,
    path: &str,
    body: Option<String>,
    extra_headers: &[(&str, &str)],
) -> Result<(u16, String), ApiFailure> {
    let network = |error: JsValue| ApiFailure::Network(describe(&error));
    let window = web_sys::window().ok_or_else(|| ApiFailure::Network("no window".into()))?;
    let headers = web_sys::Headers::new().map_err(network)?;
    headers.set("Accept", "application/json").map_err(network)?;
    if body.is_some() {
        headers
            .set("Content-Type", "application/json")
            .map_err(network)?;
    }
    if method != "GET" {
        if let Some(token) = CSRF_TOKEN.with(|t| t.borrow().clone()) {
            headers.set("X-CSRF-Token", &token).map_err(network)?;
        }
    }
    for (name, value) in extra_headers {
        headers.set(name, value).map_err(network)?;
    }
    let abort = web_sys::AbortController::new().map_err(network)?;
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    init.set_headers(&headers);
    init.set_credentials(web_sys::RequestCredentials::SameOrigin);
    init.set_signal(Some(&abort.signal()));
    if let Some(body) = &body {
        init.set_body(&JsValue::from_str(body));
    }
    let url = format!("{}{path}", api_base());
    let request = web_sys::Request::new_with_str_and_init(&url, &init).map_err(network)?;
    let timer = {
        let abort = abort.clone();
        let on_timeout = wasm_bindgen::closure::Closure::once_into_js(move || abort.abort());
        window
            .set_timeout_with_callback_and_timeout_and_arguments_0(
                on_timeout.unchecked_ref(),
                TIMEOUT_MS,
            )
            .ok()
    };
    let answer = JsFuture::from(window.fetch_with_request(&request)).await;
    let response: web_sys::Response = match answer {
        Ok(response) => response.unchecked_into(),
        Err(error) => {
            if let Some(timer) = timer {
                window.clear_timeout_with_handle(timer);
            }
            return Err(network(error));
        }
    };
    let text = JsFuture::from(response.text().map_err(network)?).await;
    if let Some(timer) = timer {
        window.clear_timeout_with_handle(timer);
    }
    let text = text.map_err(network)?.as_string().unwrap_or_default();
    let status = response.status();
    if !(200..300).contains(&status) {
        return Err(ApiFailure::from_answer(status, &text));
    }
    Ok((status, text))
}

impl ApiFailure {
    /// The failure for an error status, from the API's `{"error", "detail"}`
    /// body (a proxy's HTML error page gives a general message).
    pub fn from_answer(status: u16, body: &str) -> ApiFailure {
        #[derive(Deserialize)]
        struct ErrorBody {
            error: String,
            detail: String,
        }
        let parsed = serde_json::from_str::<ErrorBody>(body).ok();
        let (error, detail) =
            parsed.map_or((String::new(), String::new()), |e| (e.error, e.detail));
        ApiFailure::Status {
            status,
            error,
            detail,
        }
    }
}

fn describe(error: &JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "no answer".to_string())
}
