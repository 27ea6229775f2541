//! The import run (batches, keys, retry, what is left) and its progress
//! view, in headless Chromium without a server: the run's state is set by
//! hand, as the API's answers would set it.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use user_import::{BatchRejection, User};
use voice_portal::api::{ApiFailure, ImportResult, PortalUser};
use voice_portal::import_progress::ImportProgress;
use voice_portal::import_run::{ImportRun, RunState, BATCH_SIZE};
use wasm_bindgen_test::*;

mod common;
use common::{container, until};

wasm_bindgen_test_configure!(run_in_browser);

fn user(i: usize) -> User {
    User {
        first_name: "Ann".into(),
        last_name: format!("Lee{i}"),
        email: format!("ann{i}@example.com"),
        ..User::default()
    }
}

fn stored(user: &User, id: i64) -> PortalUser {
    PortalUser {
        id,
        email: user.email.clone(),
        first_name: user.first_name.clone(),
        last_name: user.last_name.clone(),
        ..PortalUser::default()
    }
}

fn run_of(n: usize) -> ImportRun {
    let mut next = 0;
    ImportRun::new(1, (0..n).map(user).collect(), || {
        next += 1;
        format!("key-{next}")
    })
}

/// What the server would answer to batch `b`: every user created, but the
/// first refused.
fn answer(run: &ImportRun, b: usize) -> ImportResult {
    let users = &run.batches[b].users;
    ImportResult {
        created: users[1..]
            .iter()
            .enumerate()
            .map(|(i, u)| stored(u, i as i64))
            .collect(),
        updated: Vec::new(),
        rejected: vec![BatchRejection {
            index: 0,
            email: users[0].email.clone(),
            errors: vec!["Extension 2041 belongs to Zoë O'Brien".into()],
        }],
    }
}

#[wasm_bindgen_test]
fn users_are_split_in_batches_with_a_key_each() {
    let run = run_of(2 * BATCH_SIZE + 1);
    let sizes: Vec<usize> = run.batches.iter().map(|b| b.users.len()).collect();
    assert_eq!(sizes, [BATCH_SIZE, BATCH_SIZE, 1]);
    let keys: Vec<&str> = run.batches.iter().map(|b| b.key.as_str()).collect();
    assert_eq!(keys, ["key-1", "key-2", "key-3"]);
    assert_eq!(run.next_batch(), Some(0));
    assert_eq!(run_of(0).batches.len(), 0);
}

#[wasm_bindgen_test]
fn a_failure_keeps_every_user_not_imported_and_retry_goes_on_from_it() {
    let mut run = run_of(2 * BATCH_SIZE + 1);
    let first = answer(&run, 0);
    run.record(0, first);
    run.state = RunState::Stopped(ApiFailure::Network("offline".into()));
    assert_eq!(run.users_sent(), BATCH_SIZE);
    assert_eq!(run.remaining().count(), BATCH_SIZE + 1);
    assert_eq!(
        run.remaining().next().unwrap().email,
        format!("ann{BATCH_SIZE}@example.com")
    );
    assert_eq!(
        run.next_batch(),
        Some(1),
        "the failed batch is sent again, with its key"
    );
    assert_eq!(run.batches[1].key, "key-2");

    let second = answer(&run, 1);
    run.record(1, second);
    let third = answer(&run, 2);
    run.record(2, third);
    assert_eq!(run.state, RunState::Done);
    assert_eq!(run.remaining().count(), 0);
    assert_eq!(run.created().count(), 2 * (BATCH_SIZE - 1));
    let refused = run.refused();
    assert_eq!(refused.len(), 3);
    assert_eq!(
        refused[1].user.email,
        format!("ann{BATCH_SIZE}@example.com")
    );
}

#[wasm_bindgen_test]
async fn the_progress_view_shows_the_bar_the_failure_with_retry_and_the_outcome() {
    let root = container();
    let run = RwSignal::new(run_of(1_500));
    let _mounted =
        leptos::mount::mount_to(root.clone(), move || view! { <ImportProgress run=run/> });
    let select = |s: &str| root.query_selector(s).unwrap();

    let bar = select("[data-testid=import-progress]").unwrap();
    assert_eq!(bar.get_attribute("role").as_deref(), Some("progressbar"));
    assert_eq!(bar.get_attribute("aria-valuemax").as_deref(), Some("1500"));
    assert_eq!(bar.get_attribute("aria-valuenow").as_deref(), Some("0"));

    run.update(|r| {
        let first = answer(r, 0);
        r.record(0, first);
        r.state = RunState::Stopped(ApiFailure::Status {
            status: 401,
            error: "unauthorized".into(),
            detail: "Your session has expired: sign in again.".into(),
        });
    });
    until("the failure", || {
        select("[data-testid=import-failed]").is_some()
    })
    .await;
    let failed = select("[data-testid=import-failed]").unwrap();
    let text = failed.text_content().unwrap();
    assert!(text.contains("Your session has expired"), "{text}");
    assert!(text.contains("500 users are not imported yet"), "{text}");
    assert_eq!(failed.get_attribute("role").as_deref(), Some("alert"));
    assert!(select("[data-testid=retry]").is_some());
    assert!(select("[data-testid=download-remaining]").is_some());
    assert_eq!(bar.get_attribute("aria-valuenow").as_deref(), Some("1000"));

    run.update(|r| {
        let second = answer(r, 1);
        r.record(1, second);
    });
    until("the outcome", || {
        select("[data-testid=import-summary]").is_some()
    })
    .await;
    assert!(select("[data-testid=import-failed]").is_none());
    let summary = select("[data-testid=import-summary]")
        .unwrap()
        .text_content()
        .unwrap();
    assert_eq!(summary, "1,498 created, 0 updated, 2 refused by the portal");
    let refused = select("[data-testid=refused]")
        .unwrap()
        .text_content()
        .unwrap();
    assert!(
        refused.contains("ann0@example.com: Extension 2041 belongs to Zoë O'Brien"),
        "the portal's reason is on screen: {refused}"
    );
    assert!(select("[data-testid=download-refused]").is_some());
    let listed = root
        .query_selector_all("[data-testid=imported-list] tbody tr")
        .unwrap()
        .length();
    assert_eq!(listed, 200, "a long list shows its first users");
}
