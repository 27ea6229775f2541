//! Browser tests of the page's check client and the worker's side of the
//! protocol: every request and reply, run through a `MessageChannel` with
//! the same code the Web Worker runs (the end-to-end tests run the real
//! worker). Run in headless Chromium:
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown -p voice-portal`
#![cfg(target_arch = "wasm32")]

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use user_import::{CellEdit, ExistingUser};
use voice_portal::check_client::CheckClient;
use voice_portal::check_file::{CheckError, CheckOptions};
use voice_portal::check_protocol::{
    error_lines, from_message, to_message, with_bytes, Envelope, Reply, Request, FIRST_ERROR_LINES,
    USERS_PER_MESSAGE,
};
use voice_portal::check_worker::{serve, WorkerEndpoint, PROGRESS_REPLIES_PER_FILE};
use voice_portal::file_pump::{pump_file, InFlight, Piece};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn blob_of(text: &str) -> web_sys::Blob {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(text.as_bytes()));
    web_sys::Blob::new_with_u8_array_sequence(&parts).unwrap()
}

async fn bytes_of(blob: &web_sys::Blob) -> Vec<u8> {
    let buffer = JsFuture::from(blob.array_buffer()).await.unwrap();
    js_sys::Uint8Array::new(&buffer).to_vec()
}

/// `good` accepted users, then `bad` rows without a first name.
fn users_csv(good: usize, bad: usize) -> String {
    let mut csv = String::from("First Name,Last Name,Email,Extension\n");
    for i in 0..good {
        csv.push_str(&format!("Ann,Lee,ann{i}@example.com,\n"));
    }
    for i in 0..bad {
        csv.push_str(&format!(",Stone,bob{i}@example,\n"));
    }
    csv
}

fn small_chunks() -> CheckOptions {
    CheckOptions {
        chunk_bytes: 4096,
        ..CheckOptions::default()
    }
}

#[wasm_bindgen_test]
async fn progress_comes_a_percent_at_a_time_however_small_the_chunks() {
    let client = CheckClient::on_page();
    let csv = users_csv(4_000, 0);
    let progress = Rc::new(RefCell::new(Vec::new()));
    let seen = progress.clone();
    // About 30 bytes a row in chunks of 64 bytes: some 1,900 chunks.
    let options = CheckOptions {
        chunk_bytes: 64,
        ..CheckOptions::default()
    };
    let (_, summary) = client.check(&blob_of(&csv), options, move |bytes, _rows| {
        seen.borrow_mut().push(bytes)
    });
    assert_eq!(summary.await.unwrap().counts.accepted, 4_000);
    let progress = progress.borrow().clone();
    let most = PROGRESS_REPLIES_PER_FILE as usize + 1;
    assert!(
        (50..=most).contains(&progress.len()),
        "{} progress replies",
        progress.len()
    );
    assert_eq!(progress.last().copied(), Some(csv.len() as u64));
}

#[wasm_bindgen_test]
async fn a_check_answers_with_the_figures_lines_error_file_and_users() {
    let client = CheckClient::on_page();
    let csv = users_csv(2_500, 300);
    let progress = Rc::new(RefCell::new(Vec::new()));
    let seen = progress.clone();
    let (check, summary) = client.check(&blob_of(&csv), small_chunks(), move |bytes, _rows| {
        seen.borrow_mut().push(bytes)
    });
    let summary = summary.await.unwrap();
    let report = user_import::check(csv.as_bytes());

    assert_eq!(summary.counts, report.counts());
    assert_eq!(summary.error_count, 600, "two errors per bad row");
    assert_eq!(
        summary.first_lines,
        error_lines(&report, 0, FIRST_ERROR_LINES)
    );
    let progress = progress.borrow().clone();
    assert!(progress.len() > 2, "{} progress replies", progress.len());
    assert!(progress.windows(2).all(|w| w[0] <= w[1]));
    assert_eq!(progress.last().copied(), Some(csv.len() as u64));

    let (start, lines) = client.error_lines(check, 250, 270).await.unwrap();
    assert_eq!((start, lines), (250, error_lines(&report, 250, 270)));
    let (_, tail) = client.error_lines(check, 590, 5_000).await.unwrap();
    assert_eq!(tail.len(), 10, "clamped to the table");

    let error_file = client.error_file(check).await.unwrap();
    assert_eq!(bytes_of(&error_file).await, report.error_file());

    let users = client.accepted_users(check).await.unwrap();
    let expected: Vec<_> = report.accepted().map(|a| a.user).collect();
    assert!(
        expected.len() > USERS_PER_MESSAGE * 2,
        "more than two batches"
    );
    assert_eq!(users, expected);

    // Released: the report is gone, and asking about it says so.
    client.release(check);
    let gone = client.error_lines(check, 0, 10).await.unwrap_err();
    assert!(matches!(gone, CheckError::CheckerUnavailable(_)), "{gone}");
    assert!(gone.to_string().contains("choose the file again"), "{gone}");
}

#[wasm_bindgen_test]
async fn the_location_users_and_corrections_reach_the_worker() {
    let client = CheckClient::on_page();
    let csv = "First Name,Last Name,Email,Extension\n\
               Ann,Lee,ann@example.com,201\n\
               ,Stone,bob@example.com,\n";
    let options = CheckOptions {
        existing_users: vec![ExistingUser::new("ann@example.com", None, "Ann Lee")],
        edits: vec![CellEdit {
            row: 3,
            column: 0,
            value: "Bob".into(),
        }],
        ..CheckOptions::default()
    };
    let (_, summary) = client.check(&blob_of(csv), options, |_, _| {});
    let summary = summary.await.unwrap();
    assert_eq!(summary.counts.accepted, 2, "Bob's first name was corrected");
    assert_eq!((summary.counts.new, summary.counts.updates), (1, 1));
}

#[wasm_bindgen_test]
async fn a_newer_check_cancels_the_one_before() {
    let client = CheckClient::on_page();
    let (first, overtaken) =
        client.check(&blob_of(&users_csv(50_000, 0)), small_chunks(), |_, _| {});
    let (second, newest) = client.check(&blob_of(&users_csv(3, 1)), small_chunks(), |_, _| {});
    assert_ne!(first, second);
    assert_eq!(overtaken.await.unwrap_err(), CheckError::Cancelled);
    assert_eq!(newest.await.unwrap().counts.rows, 4);
    // Only the newest report is kept.
    assert!(client.error_file(first).await.is_err());
    assert!(client.error_file(second).await.is_ok());
}

#[wasm_bindgen_test]
async fn a_worker_that_cannot_start_fails_every_request_with_a_reason() {
    let client = CheckClient::in_worker("no-such-check-worker.js").unwrap();
    let (_, summary) = client.check(
        &blob_of(&users_csv(1, 0)),
        CheckOptions::default(),
        |_, _| {},
    );
    let err = summary.await.unwrap_err();
    assert!(matches!(err, CheckError::CheckerUnavailable(_)), "{err}");
    assert!(err.to_string().contains("Reload the page"), "{err}");
    // Later requests fail at once, with the same reason.
    let again = client.error_file(1).await.unwrap_err();
    assert_eq!(again, err);
}

/// Waits `ms` milliseconds (the event loop runs meanwhile).
async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}

/// What a pump has handed on so far.
#[derive(Default)]
struct Pumped {
    bytes: Cell<u64>,
    largest_chunk: Cell<u64>,
    ended: Cell<bool>,
}

/// Pumps `file` in the background into the returned record.
fn start_pump(file: web_sys::Blob, in_flight: Rc<InFlight>) -> Rc<Pumped> {
    let pumped = Rc::new(Pumped::default());
    let record = pumped.clone();
    wasm_bindgen_futures::spawn_local(async move {
        pump_file(&file, &in_flight, |piece| match piece {
            Piece::Chunk(chunk) => {
                let len = u64::from(chunk.length());
                record.bytes.set(record.bytes.get() + len);
                record
                    .largest_chunk
                    .set(record.largest_chunk.get().max(len));
            }
            Piece::End => record.ended.set(true),
            Piece::Unreadable(why) => panic!("unreadable: {why}"),
        })
        .await;
    });
    pumped
}

/// Acknowledges what the pump has handed on, as the check would, until it
/// hands on the end (a second at most).
async fn acknowledge_until_the_end(pumped: &Pumped, in_flight: &InFlight) {
    for _ in 0..1_000 {
        if pumped.ended.get() {
            return;
        }
        in_flight.acknowledge(pumped.bytes.get());
        sleep(1).await;
    }
}

#[wasm_bindgen_test]
async fn the_page_reads_ahead_of_the_check_only_as_far_as_allowed() {
    let size = 2 * 1024 * 1024;
    let limit = 256 * 1024;
    let in_flight = Rc::new(InFlight::with_limit(limit));
    let pumped = start_pump(blob_of(&"x".repeat(size as usize)), in_flight.clone());
    sleep(100).await;
    // Nothing acknowledged: it stops once the limit is reached.
    let read = pumped.bytes.get();
    assert!(!pumped.ended.get());
    assert!(
        read >= limit && read < limit + pumped.largest_chunk.get(),
        "{read} bytes read ahead"
    );
    // Acknowledged as the check would, it reads to the end.
    acknowledge_until_the_end(&pumped, &in_flight).await;
    assert!(pumped.ended.get());
    assert_eq!(pumped.bytes.get(), size);
}

#[wasm_bindgen_test]
async fn the_page_stops_reading_when_the_check_is_over() {
    let in_flight = Rc::new(InFlight::with_limit(64 * 1024));
    let pumped = start_pump(blob_of(&"x".repeat(1024 * 1024)), in_flight.clone());
    sleep(50).await;
    let read = pumped.bytes.get();
    assert!(read > 0);
    in_flight.close();
    in_flight.acknowledge(read);
    sleep(50).await;
    assert_eq!(pumped.bytes.get(), read, "nothing read after the close");
    assert!(!pumped.ended.get());
}

#[wasm_bindgen_test]
async fn a_file_up_to_the_whole_limit_is_read_and_handed_on_in_one_piece() {
    let size = 1024 * 1024;
    // Read ahead by far more than the streaming limit: a small file is
    // read before its check starts, not beside it.
    let in_flight = Rc::new(InFlight::with_limit(64 * 1024).reading_whole_up_to(size));
    let pumped = start_pump(blob_of(&"x".repeat(size as usize)), in_flight);
    for _ in 0..100 {
        if pumped.ended.get() {
            break;
        }
        sleep(5).await;
    }
    assert!(pumped.ended.get());
    assert_eq!(pumped.bytes.get(), size);
    assert_eq!(pumped.largest_chunk.get(), size, "one piece");
}

#[wasm_bindgen_test]
async fn a_file_over_the_whole_limit_is_streamed_within_the_read_ahead() {
    let size = 1024 * 1024;
    let limit = 64 * 1024;
    let in_flight = Rc::new(InFlight::with_limit(limit).reading_whole_up_to(size - 1));
    let pumped = start_pump(blob_of(&"x".repeat(size as usize)), in_flight.clone());
    sleep(100).await;
    // Read whole, it would have ended at once. Streamed, its end waits for
    // room (the browser may stream so small a file in one chunk).
    assert!(
        !pumped.ended.get(),
        "nothing acknowledged: not read to the end"
    );
    acknowledge_until_the_end(&pumped, &in_flight).await;
    assert!(pumped.ended.get());
    assert_eq!(pumped.bytes.get(), size);
}

#[wasm_bindgen_test]
async fn a_file_read_whole_is_not_handed_on_once_the_check_is_over() {
    let size = 1024 * 1024;
    let in_flight = Rc::new(InFlight::with_limit(64 * 1024).reading_whole_up_to(size));
    let pumped = start_pump(blob_of(&"x".repeat(size as usize)), in_flight.clone());
    // Closed while the read is on its way (it resolves in a later task).
    in_flight.close();
    sleep(100).await;
    assert_eq!(pumped.bytes.get(), 0);
    assert!(!pumped.ended.get());
}

#[wasm_bindgen_test]
async fn a_file_the_page_cannot_read_ends_its_check_with_the_reason() {
    let channel = web_sys::MessageChannel::new().unwrap();
    serve(WorkerEndpoint::Port(channel.port2()));
    let replies = Rc::new(RefCell::new(Vec::new()));
    let seen = replies.clone();
    let on_message = wasm_bindgen::closure::Closure::<dyn Fn(web_sys::MessageEvent)>::new(
        move |ev: web_sys::MessageEvent| {
            let (envelope, _) = from_message::<Reply>(&ev.data()).unwrap();
            seen.borrow_mut().push(envelope);
        },
    );
    let page = channel.port1();
    page.set_onmessage(Some(wasm_bindgen::JsCast::unchecked_ref(
        on_message.as_ref(),
    )));
    let post = |id: u32, message: Request, bytes: Option<&[u8]>| {
        let data = to_message(&Envelope { id, message }, None);
        let data: JsValue = match bytes {
            Some(bytes) => with_bytes(data, &js_sys::Uint8Array::from(bytes)),
            None => data,
        };
        page.post_message(&data).unwrap();
    };
    let request = Request::Check {
        size: 1_000,
        chunk_bytes: 4096,
        existing_users: Vec::new(),
        edits: Vec::new(),
    };
    post(1, request, None);
    post(
        2,
        Request::Chunk { check: 1 },
        Some(b"First Name,Last Name,Email\n"),
    );
    let message = "NotReadableError: the file changed".to_owned();
    post(3, Request::FileUnreadable { check: 1, message }, None);
    for _ in 0..200 {
        if replies
            .borrow()
            .iter()
            .any(|e| e.id == 1 && !e.message.is_partial())
        {
            break;
        }
        sleep(5).await;
    }
    let last = replies
        .borrow()
        .iter()
        .rfind(|e| e.id == 1)
        .cloned()
        .unwrap();
    match last.message {
        Reply::Unreadable { message } => {
            assert!(
                message.contains("NotReadableError: the file changed"),
                "{message}"
            );
            assert!(message.contains("Choose it again"), "{message}");
        }
        other => panic!("unexpected reply {}", other.name()),
    }
}
