//! The portal API under `/api`, as `openapi.json` (beside this crate's
//! `Cargo.toml`) describes it. Every route checks who calls
//! ([`auth::Caller`]) and, for a location's data, that the location is
//! theirs ([`locations::access`]).

mod auth;
mod error;
mod import;
mod locations;
mod test_hooks;
mod users;

pub use error::ApiError;
pub use test_hooks::Faults;

use crate::db::Db;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{DefaultBodyLimit, Query};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::Router;
use std::sync::Arc;

/// The OpenAPI 3 document of this API; a test checks it against the routes.
pub const OPENAPI: &str = include_str!("../../openapi.json");

/// The largest request body: 1,000 users of the longest allowed values
/// (about 1.7 KB each as JSON) fit with room to spare.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    /// `Some` only with `--test-hooks`.
    pub faults: Option<Arc<Faults>>,
}

/// Every route: method and path, as the router below and `openapi.json`
/// have them (the test-only hooks are not part of the API). The unit test
/// below holds the document to this list; `tests/api.rs` calls each route.
#[cfg(test)]
const ROUTES: &[(&str, &str)] = &[
    ("GET", "/api/me"),
    ("GET", "/api/sign-in"),
    ("POST", "/api/sign-out"),
    ("GET", "/api/locations"),
    ("GET", "/api/locations/{id}"),
    ("GET", "/api/locations/{id}/users"),
    ("GET", "/api/locations/{id}/directory"),
    ("POST", "/api/locations/{id}/users/import"),
    ("PATCH", "/api/locations/{id}/users/{user_id}"),
    ("GET", "/api/openapi.json"),
];

/// The API router, to be nested under `/api`.
pub fn router(state: AppState) -> Router {
    let mut api = Router::new()
        .route("/me", get(auth::me))
        .route("/sign-in", get(auth::sign_in))
        .route("/sign-out", post(auth::sign_out))
        .route("/locations", get(locations::list))
        .route("/locations/{id}", get(locations::one))
        .route("/locations/{id}/users", get(users::list))
        .route("/locations/{id}/directory", get(users::directory))
        .route("/locations/{id}/users/import", post(import::import))
        .route("/locations/{id}/users/{user_id}", patch(users::patch))
        .route("/openapi.json", get(openapi));
    if state.faults.is_some() {
        api = api
            .route("/test/fail-imports", post(test_hooks::fail_imports))
            .route("/test/expire-sessions", post(test_hooks::expire_sessions));
    }
    api.fallback(no_such_endpoint)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

async fn openapi() -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        OPENAPI,
    )
        .into_response()
}

async fn no_such_endpoint() -> ApiError {
    ApiError::not_found(
        "no_such_endpoint",
        "There is no such API endpoint; see /api/openapi.json.",
    )
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "This endpoint does not take this method; see /api/openapi.json.",
    )
}

/// The body, or 413 when it is over [`MAX_BODY_BYTES`].
fn read_body(
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Bytes, ApiError> {
    body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::too_large(format!(
                "The request body is over {} MiB; send at most 1,000 users per request.",
                MAX_BODY_BYTES / (1024 * 1024)
            ))
        } else {
            ApiError::bad_request("unreadable_body", rejection.body_text())
        }
    })
}

/// The query string's parameters, or 400 saying which one is wrong.
fn read_query<T>(query: Result<Query<T>, QueryRejection>) -> Result<T, ApiError> {
    query
        .map(|Query(value)| value)
        .map_err(|rejection| ApiError::bad_request("bad_query", rejection.body_text()))
}

/// JSON, or 400 saying where it goes wrong.
fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|error| {
        ApiError::bad_request(
            "malformed_body",
            format!("The body is not the JSON this endpoint takes: {error}."),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_openapi_document_has_exactly_the_routes() {
        let doc: serde_json::Value = serde_json::from_str(OPENAPI).unwrap();
        let mut documented: Vec<(String, String)> = doc["paths"]
            .as_object()
            .unwrap()
            .iter()
            .flat_map(|(path, item)| {
                item.as_object()
                    .unwrap()
                    .keys()
                    .map(move |method| (method.to_uppercase(), path.clone()))
            })
            .collect();
        documented.sort();
        let mut routes: Vec<(String, String)> = ROUTES
            .iter()
            .map(|(m, p)| (m.to_string(), p.to_string()))
            .collect();
        routes.sort();
        assert_eq!(documented, routes);
    }

    #[test]
    fn the_openapi_document_lists_the_licenses_of_the_rules_crate() {
        let doc: serde_json::Value = serde_json::from_str(OPENAPI).unwrap();
        let keys: Vec<&str> = user_import::LICENSES.iter().map(|l| l.key).collect();
        for schema in ["User", "UserPatch"] {
            let listed =
                &doc["components"]["schemas"][schema]["properties"]["licenses"]["items"]["enum"];
            assert_eq!(listed, &serde_json::json!(keys), "{schema}");
        }
    }

    #[test]
    fn the_body_limit_fits_a_full_batch_of_the_longest_users() {
        let long = |n: usize| "é".repeat(n);
        let user = serde_json::json!({
            "first_name": long(50), "last_name": long(50),
            "email": format!("{}@{}.com", "a".repeat(64), "b".repeat(60)),
            "extension": "123456", "mobile_number": "+1 (415) 555-0132 ",
            "job_title": long(100), "department": long(100),
        });
        let body = serde_json::json!({"users": vec![user; import::MAX_USERS]});
        assert!(serde_json::to_vec(&body).unwrap().len() < MAX_BODY_BYTES);
    }
}
