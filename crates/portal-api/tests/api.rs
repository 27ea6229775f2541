//! The portal API over real HTTP: `portal-api serve --db :memory: --demo
//! --test-hooks` on an ephemeral loopback port, one fresh server per test.

mod common;

use common::{Response, Server, TempDb};
use serde_json::{json, Value};

const PARTNER: &str = "pat@partner.example";
const AMSTERDAM_ADMIN: &str = "alex@amsterdam.example";
const ROTTERDAM_ADMIN: &str = "robin@rotterdam.example";
/// The demo locations' ids, in the order the demo makes them.
const AMSTERDAM: i64 = 1;
const ROTTERDAM: i64 = 2;

/// Calls as a demo account with its API token.
struct Client<'a> {
    server: &'a Server,
    token: String,
}

impl<'a> Client<'a> {
    fn new(server: &'a Server, email: &str) -> Client<'a> {
        Client {
            server,
            token: server.account(email).api_token,
        }
    }

    fn send(&self, method: &str, path: &str, extra: &[(&str, &str)], body: &[u8]) -> Response {
        let bearer = format!("Bearer {}", self.token);
        let mut headers = vec![("Authorization", bearer.as_str())];
        headers.extend_from_slice(extra);
        self.server.request(method, path, &headers, body)
    }

    fn get(&self, path: &str) -> Response {
        self.send("GET", path, &[], b"")
    }

    fn import(&self, location: i64, key: Option<&str>, users: &Value) -> Response {
        let body = serde_json::to_vec(&json!({ "users": users })).unwrap();
        let headers: Vec<(&str, &str)> = key.map(|k| ("Idempotency-Key", k)).into_iter().collect();
        self.send(
            "POST",
            &format!("/api/locations/{location}/users/import"),
            &headers,
            &body,
        )
    }

    fn users(&self, location: i64) -> Vec<Value> {
        let page = self.get(&format!("/api/locations/{location}/users?limit=1000"));
        assert_eq!(page.status, 200, "{:?}", page.json());
        page.json()["users"].as_array().unwrap().clone()
    }

    fn user(&self, location: i64, email: &str) -> Option<Value> {
        self.users(location)
            .into_iter()
            .find(|u| u["email"] == email)
    }
}

fn user(first: &str, email: &str) -> Value {
    json!({"first_name": first, "last_name": "Tester", "email": email})
}

fn emails(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap())
        .collect()
}

#[test]
fn creates_then_updates_by_email_in_any_case() {
    let server = Server::demo();
    let alex = Client::new(&server, AMSTERDAM_ADMIN);
    let before = alex.users(AMSTERDAM).len();

    let created = alex.import(
        AMSTERDAM,
        Some("a-1"),
        &json!([{"first_name": " Ann ", "last_name": "Lee", "email": "Ann.Lee@Example.com",
                 "mobile_number": "(415) 555-0132", "job_title": "Engineer"}]),
    );
    assert_eq!(created.status, 200);
    let body = created.json();
    assert_eq!(emails(&body["created"]), ["ann.lee@example.com"]);
    assert_eq!(body["created"][0]["first_name"], "Ann");
    assert_eq!(body["created"][0]["mobile_number"], "+14155550132");
    assert_eq!(
        (
            body["updated"].as_array().unwrap().len(),
            body["rejected"].as_array().unwrap().len()
        ),
        (0, 0)
    );

    let updated = alex.import(
        AMSTERDAM,
        Some("a-2"),
        &json!([{"first_name": "Anna", "last_name": "Lee", "email": "ANN.LEE@example.COM", "department": "R&D"}]),
    );
    let body = updated.json();
    assert_eq!(emails(&body["updated"]), ["ann.lee@example.com"]);
    assert_eq!(body["created"], json!([]));
    let stored = alex.user(AMSTERDAM, "ann.lee@example.com").unwrap();
    assert_eq!(stored["first_name"], "Anna");
    assert_eq!(stored["department"], "R&D");
    // Not given on update: kept.
    assert_eq!(stored["job_title"], "Engineer");
    assert_eq!(stored["mobile_number"], "+14155550132");
    assert_eq!(alex.users(AMSTERDAM).len(), before + 1);
}

#[test]
fn a_mixed_batch_stores_the_good_and_explains_the_rest() {
    let server = Server::demo();
    let alex = Client::new(&server, AMSTERDAM_ADMIN);
    let response = alex.import(
        AMSTERDAM,
        None,
        &json!([
            user("Good", "good@example.com"),
            {"first_name": "<script>", "last_name": "", "email": "bad@", "extension": "0123"},
            "not a user",
            user("Early", "dup@example.com"),
            user("Late", "DUP@example.com"),
        ]),
    );
    assert_eq!(response.status, 200);
    let body = response.json();
    assert_eq!(
        emails(&body["created"]),
        ["good@example.com", "dup@example.com"]
    );
    assert_eq!(
        body["created"][1]["first_name"], "Late",
        "the last user with an email wins"
    );
    let rejected = body["rejected"].as_array().unwrap();
    let indexes: Vec<i64> = rejected
        .iter()
        .map(|r| r["index"].as_i64().unwrap())
        .collect();
    assert_eq!(indexes, [1, 2, 3]);
    let errors = |i: usize| {
        rejected[i]["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e.as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(errors(0).len(), 4, "{:?}", errors(0));
    assert!(errors(0).iter().any(|e| e.starts_with("First Name")));
    assert!(errors(0).iter().any(|e| e.starts_with("Last Name")));
    assert!(errors(0).iter().any(|e| e.starts_with("Email")));
    assert!(errors(0).iter().any(|e| e.starts_with("Extension")));
    assert!(errors(1)[0].starts_with("This is not a user"));
    assert!(errors(2)[0].contains("replaced by user 4"));
    assert!(alex.user(AMSTERDAM, "bad@").is_none());
}

#[test]
fn an_extension_of_an_existing_user_or_given_twice_is_refused() {
    let server = Server::demo();
    let alex = Client::new(&server, AMSTERDAM_ADMIN);
    // The demo gives 2041 to Zoë O'Brien.
    let body = alex
        .import(
            AMSTERDAM,
            None,
            &json!([
                {"first_name": "Ann", "last_name": "Lee", "email": "ann@example.com", "extension": "2041"},
                {"first_name": "Bo", "last_name": "Lee", "email": "bo@example.com", "extension": "2077"},
                {"first_name": "Cy", "last_name": "Lee", "email": "cy@example.com", "extension": "2077"},
            ]),
        )
        .json();
    assert_eq!(body["created"], json!([]));
    let rejected = &body["rejected"];
    assert!(rejected[0]["errors"][0]
        .as_str()
        .unwrap()
        .contains("belongs to Zoë O'Brien (zoe.obrien@example.com)"));
    assert!(rejected[1]["errors"][0]
        .as_str()
        .unwrap()
        .contains("user 2 (cy@example.com)"));
    assert!(rejected[2]["errors"][0]
        .as_str()
        .unwrap()
        .contains("user 1 (bo@example.com)"));

    let own = alex
        .import(
            AMSTERDAM,
            None,
            &json!([{"first_name": "Zoë", "last_name": "O'Brien", "email": "ZOE.OBRIEN@example.com", "extension": "2041"}]),
        )
        .json();
    assert_eq!(
        emails(&own["updated"]),
        ["zoe.obrien@example.com"],
        "her own extension is hers"
    );
}

#[test]
fn an_idempotent_retry_answers_the_same_and_writes_nothing() {
    let server = Server::demo();
    let alex = Client::new(&server, AMSTERDAM_ADMIN);
    let users = json!([user("Ann", "ann@example.com"), user("Bo", "bo@example.com")]);
    let first = alex.import(AMSTERDAM, Some("batch-0001"), &users);
    assert_eq!(first.status, 200);
    assert_eq!(first.header("idempotent-replayed"), None);
    let stored = alex.users(AMSTERDAM);

    let retry = alex.import(AMSTERDAM, Some("batch-0001"), &users);
    assert_eq!(retry.status, 200);
    assert_eq!(retry.header("idempotent-replayed"), Some("true"));
    assert_eq!(retry.body, first.body, "the first response, byte for byte");
    assert_eq!(
        emails(&retry.json()["created"]),
        ["ann@example.com", "bo@example.com"]
    );
    assert_eq!(alex.users(AMSTERDAM), stored, "nothing written");

    // The same key with another body is refused, and writes nothing.
    let other = alex.import(
        AMSTERDAM,
        Some("batch-0001"),
        &json!([user("Cy", "cy@example.com")]),
    );
    assert_eq!(other.status, 422);
    assert_eq!(other.error(), "idempotency_key_reused");
    assert!(alex.user(AMSTERDAM, "cy@example.com").is_none());

    // A key is the caller's: another account may use the same one.
    let pat = Client::new(&server, PARTNER);
    let theirs = pat.import(
        AMSTERDAM,
        Some("batch-0001"),
        &json!([user("Cy", "cy@example.com")]),
    );
    assert_eq!(theirs.status, 200);
    assert_eq!(emails(&theirs.json()["created"]), ["cy@example.com"]);

    let bad_key = alex.import(AMSTERDAM, Some("has space"), &users);
    assert_eq!(
        (bad_key.status, bad_key.error().as_str()),
        (400, "bad_idempotency_key")
    );
}

#[test]
fn without_credentials_or_with_a_bad_token_it_is_401() {
    let server = Server::demo();
    for path in ["/api/me", "/api/locations", "/api/locations/1/users"] {
        let response = server.request("GET", path, &[], b"");
        assert_eq!(response.status, 401, "{path}");
        assert_eq!(response.error(), "unauthorized");
        assert!(response
            .header("content-type")
            .unwrap()
            .starts_with("application/json"));
    }
    let forged = server.request("GET", "/api/me", &[("Authorization", "Bearer 0000")], b"");
    assert_eq!(forged.status, 401);
    let cookie = server.request(
        "GET",
        "/api/me",
        &[("Cookie", "portal_session=forged")],
        b"",
    );
    assert_eq!(cookie.status, 401);
    let anonymous_import = server.request(
        "POST",
        "/api/locations/1/users/import",
        &[],
        b"{\"users\":[]}",
    );
    assert_eq!(anonymous_import.status, 401);
}

#[test]
fn a_location_administrator_sees_only_their_location() {
    let server = Server::demo();
    let alex = Client::new(&server, AMSTERDAM_ADMIN);
    let me = alex.get("/api/me").json();
    assert_eq!(me["role"], "location_admin");
    assert_eq!(me["locations"].as_array().unwrap().len(), 1);
    assert_eq!(
        me["csrf_token"],
        Value::Null,
        "a Bearer token needs no CSRF token"
    );

    let other = alex.get(&format!("/api/locations/{ROTTERDAM}/users"));
    assert_eq!(
        (other.status, other.error().as_str()),
        (403, "not_your_location")
    );
    assert_eq!(
        alex.get(&format!("/api/locations/{ROTTERDAM}/directory"))
            .status,
        403
    );
    assert_eq!(alex.get(&format!("/api/locations/{ROTTERDAM}")).status, 403);
    let write = alex.import(ROTTERDAM, None, &json!([user("Ann", "ann@example.com")]));
    assert_eq!(write.status, 403);
    let patch = alex.send(
        "PATCH",
        &format!("/api/locations/{ROTTERDAM}/users/5"),
        &[],
        b"{\"licenses\":[]}",
    );
    assert_eq!(patch.status, 403);
    let robin = Client::new(&server, ROTTERDAM_ADMIN);
    assert!(robin.user(ROTTERDAM, "ann@example.com").is_none());

    assert_eq!(alex.get("/api/locations/999/users").status, 404);
    assert_eq!(alex.get("/api/locations/abc/users").status, 404);
    let searched = alex.get("/api/locations?q=rotter").json();
    assert_eq!(
        searched["locations"],
        json!([]),
        "search shows only one's own"
    );

    // A partner sees their three, and can search them.
    let pat = Client::new(&server, PARTNER);
    assert_eq!(
        pat.get("/api/me").json()["locations"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let found = pat.get("/api/locations?q=ROTTER").json();
    assert_eq!(found["locations"][0]["name"], "Rotterdam Harbour Office");
    assert_eq!(found["locations"][0]["service"], "BV");
    assert_eq!(
        pat.get(&format!("/api/locations/{ROTTERDAM}/users")).status,
        200
    );
    assert_eq!(
        pat.get("/api/locations?q=%25").json()["locations"],
        json!([]),
        "% is literal"
    );
}

#[test]
fn too_many_users_or_too_large_a_body_is_413() {
    let server = Server::demo();
    let alex = Client::new(&server, AMSTERDAM_ADMIN);
    let many: Vec<Value> = (0..1001)
        .map(|i| user("Ann", &format!("ann{i}@example.com")))
        .collect();
    let response = alex.import(AMSTERDAM, None, &json!(many));
    assert_eq!(
        (response.status, response.error().as_str()),
        (413, "too_large")
    );
    assert!(response.json()["detail"]
        .as_str()
        .unwrap()
        .contains("1001 users"));
    assert_eq!(alex.users(AMSTERDAM).len(), 4, "nothing stored");

    let huge = format!(
        "{{\"users\":[{{\"first_name\":\"{}\"}}]}}",
        "x".repeat(5 * 1024 * 1024)
    );
    let response = alex.send(
        "POST",
        &format!("/api/locations/{AMSTERDAM}/users/import"),
        &[],
        huge.as_bytes(),
    );
    assert_eq!(
        (response.status, response.error().as_str()),
        (413, "too_large")
    );
}

#[test]
fn a_malformed_body_is_400_with_where_it_goes_wrong() {
    let server = Server::demo();
    let alex = Client::new(&server, AMSTERDAM_ADMIN);
    let path = format!("/api/locations/{AMSTERDAM}/users/import");
    for body in [
        &b"{\"users\": [}"[..],
        b"",
        b"[]",
        b"{\"users\": 5}",
        b"\xff\xfe",
    ] {
        let response = alex.send("POST", &path, &[], body);
        assert_eq!(response.status, 400, "{:?}", String::from_utf8_lossy(body));
        assert_eq!(response.error(), "malformed_body");
    }
    let response = alex.send("POST", &path, &[], b"{\"users\": [}");
    assert!(response.json()["detail"]
        .as_str()
        .unwrap()
        .contains("line 1 column"));
    assert_eq!(
        server
            .request("GET", "/api/no/such/thing", &[], b"")
            .error(),
        "no_such_endpoint"
    );
    assert_eq!(alex.send("DELETE", "/api/me", &[], b"").status, 405);
}

#[test]
fn two_batches_at_once_with_overlapping_emails_lose_nothing_and_duplicate_nothing() {
    let server = Server::demo();
    let token = server.account(AMSTERDAM_ADMIN).api_token;
    // Users 0..600 and 300..900: 300 in both, posted at the same moment, ten times.
    let batch = |from: usize, to: usize, name: &str| {
        let users: Vec<Value> = (from..to)
            .map(|i| user(name, &format!("u{i}@example.com")))
            .collect();
        serde_json::to_vec(&json!({ "users": users })).unwrap()
    };
    for round in 0..10 {
        let bodies = [batch(0, 600, "Left"), batch(300, 900, "Right")];
        let results: Vec<Response> = std::thread::scope(|scope| {
            let handles: Vec<_> = bodies
                .iter()
                .enumerate()
                .map(|(i, body)| {
                    let key = format!("round-{round}-{i}");
                    let bearer = format!("Bearer {token}");
                    let server = &server;
                    scope.spawn(move || {
                        server.request(
                            "POST",
                            &format!("/api/locations/{AMSTERDAM}/users/import"),
                            &[("Authorization", &bearer), ("Idempotency-Key", &key)],
                            body,
                        )
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let mut created = 0;
        let mut updated = 0;
        for result in &results {
            assert_eq!(result.status, 200);
            let body = result.json();
            created += body["created"].as_array().unwrap().len();
            updated += body["updated"].as_array().unwrap().len();
            assert_eq!(body["rejected"], json!([]));
        }
        if round == 0 {
            assert_eq!((created, updated), (900, 300), "each email created once");
        } else {
            assert_eq!((created, updated), (0, 1200));
        }
    }
    let alex = Client::new(&server, AMSTERDAM_ADMIN);
    let page = alex
        .get(&format!("/api/locations/{AMSTERDAM}/users?limit=1"))
        .json();
    assert_eq!(page["total"], 4 + 900);
    let users = alex
        .get(&format!("/api/locations/{AMSTERDAM}/directory"))
        .json();
    let mut seen: Vec<&str> = users["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap())
        .collect();
    let all = seen.len();
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), all, "no email twice");
}

#[test]
fn a_browser_session_needs_its_csrf_token_to_change_anything() {
    let server = Server::demo();
    let link = server.account(AMSTERDAM_ADMIN).sign_in_url;
    let path = link.split_once(&server.address).unwrap().1;
    let signed_in = server.request("GET", path, &[], b"");
    assert_eq!(signed_in.status, 303);
    assert_eq!(signed_in.header("location"), Some("/"));
    let set_cookie = signed_in.header("set-cookie").unwrap();
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(set_cookie.contains(attribute), "{set_cookie}");
    }
    let cookie = set_cookie.split(';').next().unwrap().to_string();

    let me = server.request("GET", "/api/me", &[("Cookie", &cookie)], b"");
    assert_eq!(me.status, 200);
    assert_eq!(me.json()["email"], AMSTERDAM_ADMIN);
    let csrf = me.json()["csrf_token"].as_str().unwrap().to_string();
    assert_eq!(me.header("cache-control"), Some("no-store"));

    let import = format!("/api/locations/{AMSTERDAM}/users/import");
    let body = serde_json::to_vec(&json!({"users": [user("Ann", "ann@example.com")]})).unwrap();
    let without = server.request("POST", &import, &[("Cookie", &cookie)], &body);
    assert_eq!((without.status, without.error().as_str()), (403, "csrf"));
    let wrong = server.request(
        "POST",
        &import,
        &[("Cookie", &cookie), ("X-CSRF-Token", "0000")],
        &body,
    );
    assert_eq!(wrong.status, 403);
    let with = server.request(
        "POST",
        &import,
        &[("Cookie", &cookie), ("X-CSRF-Token", &csrf)],
        &body,
    );
    assert_eq!(with.status, 200);

    let out = server.request(
        "POST",
        "/api/sign-out",
        &[("Cookie", &cookie), ("X-CSRF-Token", &csrf)],
        b"",
    );
    assert_eq!(out.status, 204);
    assert!(out.header("set-cookie").unwrap().contains("Max-Age=0"));
    assert_eq!(
        server
            .request("GET", "/api/me", &[("Cookie", &cookie)], b"")
            .status,
        401
    );

    let bad_link = server.request("GET", "/api/sign-in?token=nope", &[], b"");
    assert_eq!(bad_link.status, 401);
}

#[test]
fn an_expired_session_is_401_and_says_so() {
    let server = Server::demo();
    let link = server.account(PARTNER).sign_in_url;
    let signed_in = server.request("GET", link.split_once(&server.address).unwrap().1, &[], b"");
    let cookie = signed_in
        .header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(
        server
            .request("GET", "/api/me", &[("Cookie", &cookie)], b"")
            .status,
        200
    );
    assert_eq!(
        server
            .request("POST", "/api/test/expire-sessions", &[], b"")
            .status,
        204
    );
    let expired = server.request("GET", "/api/me", &[("Cookie", &cookie)], b"");
    assert_eq!(expired.status, 401);
    assert!(expired.json()["detail"]
        .as_str()
        .unwrap()
        .contains("expired"));
}

#[test]
fn a_failed_batch_writes_nothing_and_its_retry_stores_everyone_once() {
    let server = Server::demo();
    let alex = Client::new(&server, AMSTERDAM_ADMIN);
    let plan = server.request(
        "POST",
        "/api/test/fail-imports",
        &[],
        br#"{"pass": 1, "fail": 1}"#,
    );
    assert_eq!(plan.status, 204);
    let first = json!([user("Ann", "ann@example.com")]);
    let second = json!([user("Bo", "bo@example.com"), user("Cy", "cy@example.com")]);
    assert_eq!(alex.import(AMSTERDAM, Some("k-1"), &first).status, 200);
    let failed = alex.import(AMSTERDAM, Some("k-2"), &second);
    assert_eq!(
        (failed.status, failed.error().as_str()),
        (503, "unavailable")
    );
    assert!(
        alex.user(AMSTERDAM, "bo@example.com").is_none(),
        "the batch is one transaction"
    );
    let retried = alex.import(AMSTERDAM, Some("k-2"), &second);
    assert_eq!(retried.status, 200);
    assert_eq!(
        retried.header("idempotent-replayed"),
        None,
        "the failure was not remembered"
    );
    assert_eq!(
        emails(&retried.json()["created"]),
        ["bo@example.com", "cy@example.com"]
    );
    assert_eq!(alex.users(AMSTERDAM).len(), 4 + 3);
}

#[test]
fn the_test_hooks_are_off_by_default() {
    let db = TempDb::new();
    let server = Server::start(&["--db", db.path().to_str().unwrap(), "--demo"]);
    let response = server.request("POST", "/api/test/fail-imports", &[], br#"{"fail": 1}"#);
    assert_eq!(
        (response.status, response.error().as_str()),
        (404, "no_such_endpoint")
    );
}

#[test]
fn extensions_and_licenses_are_assigned_after_import() {
    let server = Server::demo();
    let alex = Client::new(&server, AMSTERDAM_ADMIN);
    let ann = alex
        .import(AMSTERDAM, None, &json!([user("Ann", "ann@example.com")]))
        .json()["created"][0]
        .clone();
    let path = format!("/api/locations/{AMSTERDAM}/users/{}", ann["id"]);

    let patched = alex.send(
        "PATCH",
        &path,
        &[],
        br#"{"extension": " 2050 ", "licenses": ["teams", "desktop"]}"#,
    );
    assert_eq!(patched.status, 200, "{:?}", patched.json());
    assert_eq!(patched.json()["extension"], "2050");
    assert_eq!(patched.json()["licenses"], json!(["desktop", "teams"]));

    let taken = alex.send("PATCH", &path, &[], br#"{"extension": "2041"}"#);
    assert_eq!(
        (taken.status, taken.error().as_str()),
        (409, "extension_taken")
    );
    assert!(taken.json()["detail"]
        .as_str()
        .unwrap()
        .contains("Zoë O'Brien"));
    let invalid = alex.send("PATCH", &path, &[], br#"{"extension": "9000"}"#);
    assert_eq!(
        (invalid.status, invalid.error().as_str()),
        (400, "invalid_extension")
    );
    let license = alex.send("PATCH", &path, &[], br#"{"licenses": ["fax"]}"#);
    assert_eq!(
        (license.status, license.error().as_str()),
        (400, "unknown_license")
    );
    let unknown_field = alex.send("PATCH", &path, &[], br#"{"email": "x@example.com"}"#);
    assert_eq!(unknown_field.status, 400);

    let cleared = alex.send("PATCH", &path, &[], br#"{"extension": null}"#);
    assert_eq!(cleared.json()["extension"], Value::Null);
    assert_eq!(
        cleared.json()["licenses"],
        json!(["desktop", "teams"]),
        "absent: kept"
    );
    let missing = alex.send(
        "PATCH",
        &format!("/api/locations/{AMSTERDAM}/users/99999"),
        &[],
        b"{}",
    );
    assert_eq!(
        (missing.status, missing.error().as_str()),
        (404, "unknown_user")
    );
}

#[test]
fn users_are_paged_by_name_with_a_total() {
    let server = Server::demo();
    let alex = Client::new(&server, AMSTERDAM_ADMIN);
    let users: Vec<Value> = (0..250)
        .map(|i| json!({"first_name": "Ann", "last_name": format!("Name{i:03}"), "email": format!("ann{i}@example.com")}))
        .collect();
    assert_eq!(alex.import(AMSTERDAM, None, &json!(users)).status, 200);
    let page = alex
        .get(&format!(
            "/api/locations/{AMSTERDAM}/users?offset=100&limit=50"
        ))
        .json();
    assert_eq!(page["total"], 254);
    assert_eq!(page["offset"], 100);
    let names: Vec<&str> = page["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["last_name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 50);
    let mut sorted = names.clone();
    sorted.sort_by_key(|n| n.to_lowercase());
    assert_eq!(names, sorted);
    let searched = alex
        .get(&format!("/api/locations/{AMSTERDAM}/users?q=NAME24"))
        .json();
    assert_eq!(searched["total"], 10);
    assert_eq!(
        alex.get(&format!("/api/locations/{AMSTERDAM}/users?limit=0"))
            .status,
        400
    );
    assert_eq!(
        alex.get(&format!("/api/locations/{AMSTERDAM}/users?limit=1001"))
            .status,
        400
    );
}

#[test]
fn the_database_file_keeps_users_across_restarts() {
    let db = TempDb::new();
    let path = db.path().to_str().unwrap().to_string();
    let token = {
        let server = Server::start(&["--db", &path, "--demo"]);
        let alex = Client::new(&server, AMSTERDAM_ADMIN);
        assert_eq!(
            alex.import(AMSTERDAM, None, &json!([user("Ann", "ann@example.com")]))
                .status,
            200
        );
        alex.token
    };
    let server = Server::start(&["--db", &path, "--demo"]);
    assert_eq!(
        server.account(AMSTERDAM_ADMIN).api_token,
        token,
        "the demo is made once"
    );
    let alex = Client::new(&server, AMSTERDAM_ADMIN);
    assert!(alex.user(AMSTERDAM, "ann@example.com").is_some());
}

#[test]
fn every_route_of_the_openapi_document_is_served() {
    let server = Server::demo();
    let doc: Value = serde_json::from_str(include_str!("../openapi.json")).unwrap();
    let served = server.request("GET", "/api/openapi.json", &[], b"").json();
    assert_eq!(served, doc);
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let concrete = path.replace("{id}", "1").replace("{user_id}", "1");
            let response = server.request(&method.to_uppercase(), &concrete, &[], b"");
            assert!(
                response.status != 404 && response.status != 405,
                "{method} {path}: {} {}",
                response.status,
                String::from_utf8_lossy(&response.body)
            );
            let documented = item[method]["responses"].as_object().unwrap();
            assert!(
                documented.contains_key(&response.status.to_string()),
                "{method} {path} answered {}, which the document does not list",
                response.status
            );
        }
    }
}
