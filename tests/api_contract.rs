//! The app's API client against the contract, `crates/portal-api/openapi.json`
//! (the reference server is held to the same document by its own tests):
//! every field the client reads or sends is a property of the document's
//! schema, and every property the document requires is one the client reads.
#![cfg(target_arch = "wasm32")]

use serde_json::Value;
use voice_portal::api::{ApiFailure, ImportResult, Location, Me, PortalUser, UserPage, UserPatch};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn schema(name: &str) -> Value {
    let doc: Value =
        serde_json::from_str(include_str!("../crates/portal-api/openapi.json")).unwrap();
    doc["components"]["schemas"][name].clone()
}

fn keys(value: &Value) -> Vec<String> {
    let mut keys: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    keys
}

/// The client's struct, serialized, has exactly the schema's properties.
fn same_fields(name: &str, client: Value) {
    let schema = schema(name);
    assert_eq!(keys(&client), keys(&schema["properties"]), "{name}");
    let mut required: Vec<String> = schema["required"]
        .as_array()
        .map(|r| r.iter().map(|v| v.as_str().unwrap().to_string()).collect())
        .unwrap_or_default();
    required.sort();
    assert_eq!(
        required,
        keys(&client),
        "{name}: the client reads every field"
    );
}

#[wasm_bindgen_test]
fn the_client_reads_what_the_document_says() {
    same_fields("User", serde_json::to_value(PortalUser::default()).unwrap());
    same_fields("Page", serde_json::to_value(UserPage::default()).unwrap());
    same_fields(
        "ImportResult",
        serde_json::to_value(ImportResult::default()).unwrap(),
    );
    let location = Location {
        id: 1,
        name: "HQ".into(),
        service: "BV".into(),
    };
    same_fields("Location", serde_json::to_value(&location).unwrap());
    let me = Me {
        id: 1,
        name: "Ann".into(),
        email: "ann@example.com".into(),
        role: "partner".into(),
        locations: vec![location],
        csrf_token: None,
    };
    same_fields("Me", serde_json::to_value(&me).unwrap());
}

#[wasm_bindgen_test]
fn a_patch_sends_only_documented_fields() {
    let patch = UserPatch {
        extension: Some(None),
        licenses: Some(vec!["teams".into()]),
    };
    let sent = serde_json::to_value(&patch).unwrap();
    assert_eq!(keys(&sent), keys(&schema("UserPatch")["properties"]));
    assert_eq!(sent["extension"], Value::Null, "null removes the extension");
    let nothing = serde_json::to_value(UserPatch::default()).unwrap();
    assert_eq!(nothing, serde_json::json!({}), "absent fields are kept");
}

#[wasm_bindgen_test]
fn failures_say_whether_to_retry() {
    let expired = ApiFailure::from_answer(
        401,
        r#"{"error":"unauthorized","detail":"Your session has expired."}"#,
    );
    assert!(expired.is_signed_out() && !expired.is_retryable());
    assert_eq!(expired.message(), "Your session has expired.");
    let proxy = ApiFailure::from_answer(502, "<html>Bad gateway</html>");
    assert!(proxy.is_retryable());
    assert_eq!(proxy.message(), "The portal answered with an error (502).");
    assert!(ApiFailure::Network("offline".into()).is_retryable());
    let reused = ApiFailure::from_answer(422, r#"{"error":"idempotency_key_reused","detail":"x"}"#);
    assert!(!reused.is_retryable());
    let csrf = ApiFailure::from_answer(403, r#"{"error":"csrf","detail":"x"}"#);
    assert!(csrf.is_retryable(), "Retry refreshes the CSRF token first");
}
