//! Untrusted request bodies and queries, generated: whatever arrives, the
//! API answers below 500 with a JSON error that names the problem (or
//! stores what is valid), never panics or drops the connection, and keeps
//! serving. One server per property, a thousand requests each.

mod common;

use common::{Response, Server};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{json, Value};

const AMSTERDAM_ADMIN: &str = "alex@amsterdam.example";
const IMPORT: &str = "/api/locations/1/users/import";

/// Any JSON, a few levels deep, with the import's field names common
/// among the keys.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        (-1e6f64..1e6).prop_map(|f| json!(f)),
        ".{0,30}".prop_map(Value::String),
        "[a-zA-Z0-9.@+' -]{0,30}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 32, 6, |inner| {
        let key = prop_oneof![
            Just("users".to_string()),
            Just("first_name".to_string()),
            Just("last_name".to_string()),
            Just("email".to_string()),
            Just("extension".to_string()),
            Just("mobile_number".to_string()),
            Just("licenses".to_string()),
            "[a-z_]{1,12}",
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(key, inner, 0..8)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

/// Import bodies: well-formed `{"users": [...]}` with any users in it,
/// any JSON at all, or any bytes.
fn import_body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any_json(), 0..5)
            .prop_map(|users| serde_json::to_vec(&json!({ "users": users })).unwrap()),
        any_json().prop_map(|value| serde_json::to_vec(&value).unwrap()),
        prop::collection::vec(any::<u8>(), 0..300),
    ]
}

/// The answer is a deliberate one: below 500, and an error names itself.
fn assert_answered(response: &Response, what: &str) -> Result<(), TestCaseError> {
    prop_assert!(response.status < 500, "{} for {what}", response.status);
    if response.status >= 400 && response.status != 405 {
        let error = serde_json::from_slice::<Value>(&response.body)
            .ok()
            .and_then(|body| body["error"].as_str().map(str::to_string));
        prop_assert!(
            error.is_some_and(|e| !e.is_empty()),
            "{} without a JSON error for {what}: {}",
            response.status,
            String::from_utf8_lossy(&response.body)
        );
    }
    Ok(())
}

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: 1000,
        failure_persistence: None,
        ..Config::default()
    })
}

#[test]
fn any_import_body_gets_a_deliberate_answer() {
    let server = Server::demo();
    let bearer = format!("Bearer {}", server.account(AMSTERDAM_ADMIN).api_token);
    runner()
        .run(&import_body(), |body| {
            let response = server.request("POST", IMPORT, &[("Authorization", &bearer)], &body);
            assert_answered(&response, &String::from_utf8_lossy(&body))
        })
        .unwrap();
    let me = server.request("GET", "/api/me", &[("Authorization", &bearer)], b"");
    assert_eq!(me.status, 200, "still serving");
}

#[test]
fn any_list_query_gets_a_deliberate_answer() {
    let server = Server::demo();
    let bearer = format!("Bearer {}", server.account(AMSTERDAM_ADMIN).api_token);
    let query = "[a-zA-Z0-9%&=_.+-]{0,40}";
    runner()
        .run(&query, |query| {
            let path = format!("/api/locations/1/users?{query}");
            let response = server.request("GET", &path, &[("Authorization", &bearer)], b"");
            assert_answered(&response, &path)
        })
        .unwrap();
}
