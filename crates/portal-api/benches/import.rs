//! Imports 100,000 users through the reference API over loopback, in
//! batches of 1,000 (as the app sends them), into a fresh database file,
//! then reads pages of the list. A benchmark, not a test: it prints times.
//!
//! `cargo bench -p portal-api --bench import` (release build; optional
//! argument: the number of users).

#[path = "../tests/common/mod.rs"]
mod common;

use common::{Server, TempDb};
use std::time::Instant;
use user_import::sample::{generate, SampleOptions};

const BATCH: usize = 1_000;

fn main() {
    let wanted: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    // Realistic users: the same generator as the rules' benchmarks, without
    // bad rows or duplicates, checked by the rules as the browser would.
    let file = generate(&SampleOptions {
        rows: wanted,
        seed: 7,
        bad_per_mille: 0,
        duplicate_per_mille: 0,
    });
    let report = user_import::check(&file);
    let users: Vec<serde_json::Value> = report
        .accepted()
        .map(|accepted| {
            let u = accepted.user;
            serde_json::json!({
                "first_name": u.first_name, "last_name": u.last_name, "email": u.email,
                "extension": u.extension, "mobile_number": u.mobile_number,
                "job_title": u.job_title, "department": u.department,
            })
        })
        .collect();
    let bodies: Vec<Vec<u8>> = users
        .chunks(BATCH)
        .map(|chunk| serde_json::to_vec(&serde_json::json!({ "users": chunk })).unwrap())
        .collect();

    let db = TempDb::new();
    let server = Server::start(&["--db", db.path().to_str().unwrap(), "--demo"]);
    let bearer = format!(
        "Bearer {}",
        server.account("alex@amsterdam.example").api_token
    );
    let path = "/api/locations/1/users/import";

    let started = Instant::now();
    let mut created = 0;
    let mut rejected = 0;
    for (i, body) in bodies.iter().enumerate() {
        let key = format!("bench-{i}");
        let response = server.request(
            "POST",
            path,
            &[("Authorization", &bearer), ("Idempotency-Key", &key)],
            body,
        );
        assert_eq!(
            response.status,
            200,
            "{}",
            String::from_utf8_lossy(&response.body)
        );
        let json = response.json();
        created += json["created"].as_array().unwrap().len();
        rejected += json["rejected"].as_array().unwrap().len();
    }
    let elapsed = started.elapsed();
    println!(
        "imported {} users ({created} created, {rejected} rejected) in {} batches of {BATCH}: {:.2} s ({:.0} users/s)",
        users.len(),
        bodies.len(),
        elapsed.as_secs_f64(),
        users.len() as f64 / elapsed.as_secs_f64()
    );

    let total_users = users.len() + 4;
    for offset in [0, total_users / 2, total_users.saturating_sub(100)] {
        let started = Instant::now();
        let page = server.request(
            "GET",
            &format!("/api/locations/1/users?offset={offset}&limit=100"),
            &[("Authorization", &bearer)],
            b"",
        );
        assert_eq!(page.status, 200);
        println!(
            "page of 100 at offset {offset} of {}: {:.1} ms",
            page.json()["total"],
            started.elapsed().as_secs_f64() * 1e3
        );
    }
    let started = Instant::now();
    let directory = server.request(
        "GET",
        "/api/locations/1/directory",
        &[("Authorization", &bearer)],
        b"",
    );
    println!(
        "directory of {} users ({} KB): {:.1} ms",
        directory.json()["users"].as_array().unwrap().len(),
        directory.body.len() / 1024,
        started.elapsed().as_secs_f64() * 1e3
    );
}
