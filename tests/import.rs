//! Browser tests of choosing a file and the results of its check, driven
//! only through the documented hooks (`data-testid`, `data-count`, the one
//! file input, the `import:*` measures). Run in headless Chromium:
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown -p voice-portal`
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use leptos::prelude::*;
use user_import::{ExistingUser, User};
use voice_portal::check_file::{check_file, CheckError, CheckOptions};
use voice_portal::{ImportDialog, UserManagement};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};

mod common;
use common::{container, count, document, find, get, sleep, text, until};

wasm_bindgen_test_configure!(run_in_browser);

// ---------------------------------------------------------------- helpers

/// The figure marked `data-count=key`, as a number.
fn figure(root: &Element, key: &str) -> u32 {
    let el = get(root, &format!("[data-count={key}]"));
    text(&el)
        .parse()
        .unwrap_or_else(|_| panic!("{key}: {:?}", text(&el)))
}

fn csv_file(name: &str, text: &str) -> web_sys::File {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(text.as_bytes()));
    let options = web_sys::FilePropertyBag::new();
    options.set_type("text/csv");
    web_sys::File::new_with_u8_array_sequence_and_options(&parts, name, &options).unwrap()
}

fn files_of(file: &web_sys::File) -> web_sys::DataTransfer {
    let transfer = web_sys::DataTransfer::new().unwrap();
    transfer.items().add_with_file(file).unwrap();
    transfer
}

/// Sets `file` on the dialog's one file input and fires `change`.
fn choose(dialog: &Element, file: &web_sys::File) {
    assert_eq!(count(dialog, "input[type=file]"), 1);
    let input: HtmlInputElement = get(dialog, "input[type=file]").unchecked_into();
    input.set_files(files_of(file).files().as_ref());
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let change = web_sys::Event::new_with_event_init_dict("change", &init).unwrap();
    input.dispatch_event(&change).unwrap();
}

/// The import dialog mounted on its own, and the users it hands over.
struct Dialog {
    root: HtmlElement,
    imported: RwSignal<Option<Vec<User>>>,
    /// Unmounts the dialog when the test ends.
    _mounted: Box<dyn std::any::Any>,
}

fn mount_dialog(existing: Vec<ExistingUser>) -> Dialog {
    let root = container();
    let imported = RwSignal::new(None::<Vec<User>>);
    let mounted = leptos::mount::mount_to(root.clone(), move || {
        let open = RwSignal::new(true);
        let on_import = Callback::new(move |users: Vec<User>| imported.set(Some(users)));
        view! {
            <ImportDialog open=open existing_users=existing.clone() on_import=on_import/>
        }
    });
    Dialog {
        root,
        imported,
        _mounted: Box::new(mounted),
    }
}

impl Dialog {
    fn el(&self) -> HtmlElement {
        get(&self.root, "[data-testid=import-dialog]")
    }

    /// Chooses a file and waits for its results.
    async fn check(&self, name: &str, csv: &str) {
        let before = find(&self.root, "[data-testid=results]");
        choose(&self.el(), &csv_file(name, csv));
        until("the results", || {
            let now = find(&self.root, "[data-testid=results]");
            now.is_some() && now != before
        })
        .await;
    }

    fn import_button(&self) -> web_sys::HtmlButtonElement {
        get(&self.root, "[data-testid=import-accepted]").unchecked_into()
    }
}

async fn fetch_bytes(url: &str) -> Result<Vec<u8>, JsValue> {
    let response: web_sys::Response =
        JsFuture::from(web_sys::window().unwrap().fetch_with_str(url))
            .await?
            .unchecked_into();
    let buffer = JsFuture::from(response.array_buffer()?).await?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// The row numbers of the error table's lines in the DOM.
fn shown_rows(root: &Element) -> Vec<u32> {
    let lines = root.query_selector_all("tr.error-line").unwrap();
    (0..lines.length())
        .map(|i| {
            let line: Element = lines.item(i).unwrap().unchecked_into();
            line.get_attribute("data-row").unwrap().parse().unwrap()
        })
        .collect()
}

fn measures(name: &str) -> u32 {
    web_sys::window()
        .unwrap()
        .performance()
        .unwrap()
        .get_entries_by_name(name)
        .length()
}

/// Rows 2–7: a row superseded by a later one with the same email, two
/// rejected rows, a blank row, two accepted users.
const MIXED: &str = "First Name,Last Name,Email,Extension\n\
                     Ann,Lee,ann@example.com,2041\n\
                     Bob,,bob@example.com,\n\
                     ,,,\n\
                     Cy,Moss,cy@example,\n\
                     Ann,Lee,ANN@example.com,2042\n\
                     Dee,Park,dee@example.com,\n";

/// `n` rows with an invalid email each.
fn rejected_rows(n: usize) -> String {
    let mut csv = String::from("First Name,Last Name,Email\n");
    for i in 0..n {
        csv.push_str(&format!("Ann,Lee,ann{i}-at-example.com\n"));
    }
    csv
}

// ------------------------------------------------------------------ tests

#[wasm_bindgen_test]
async fn counts_for_a_file_with_errors_duplicates_and_a_blank_row() {
    let dialog = mount_dialog(Vec::new());
    dialog.check("team.csv", MIXED).await;
    let root = dialog.el();
    let expected = user_import::check(MIXED.as_bytes()).counts();
    assert_eq!(
        (expected.rows, expected.accepted, expected.rejected),
        (5, 2, 2)
    );
    assert_eq!(figure(&root, "rows"), 5);
    assert_eq!(figure(&root, "accepted"), 2);
    assert_eq!(figure(&root, "rejected"), 2);
    assert_eq!(figure(&root, "superseded"), 1);
    assert_eq!(figure(&root, "blank"), 1);
    assert_eq!(figure(&root, "new"), 2);
    assert_eq!(figure(&root, "updates"), 0);

    let lines: Vec<String> = shown_rows(&root)
        .into_iter()
        .map(|r| r.to_string())
        .collect();
    assert_eq!(lines, ["3", "5"]);
    let line = get(&root, "tr.error-line");
    assert_eq!(line.offset_height(), 48, "the row height the table assumes");
    let table = text(&get(&root, "[data-testid=error-table]"));
    assert!(table.contains("Last Name is required"), "{table}");
    assert!(table.contains("cy@example"), "{table}");
    let warnings = text(&get(&root, "[data-testid=warnings]"));
    assert!(
        warnings.contains("Row 2 (ann@example.com) is replaced by row 6"),
        "{warnings}"
    );
    let checked = text(&get(&root, "[data-testid=checked-line]"));
    assert!(checked.starts_with("Checked 5 rows in "), "{checked}");
    let announced = text(&get(&root, "[data-testid=announcement]"));
    assert!(announced.contains("2 accepted, 2 rejected"), "{announced}");
}

#[wasm_bindgen_test]
async fn existing_users_of_the_location_count_as_updates() {
    let dialog = mount_dialog(vec![
        ExistingUser::new("dee@example.com", None, "Dee Park"),
        ExistingUser::new("zed@example.com", Some("2042"), "Zed Stone"),
    ]);
    dialog.check("team.csv", MIXED).await;
    let root = dialog.el();
    // Row 6 takes Zed's extension, so only Dee is left, as an update.
    assert_eq!(figure(&root, "accepted"), 1);
    assert_eq!(figure(&root, "new"), 0);
    assert_eq!(figure(&root, "updates"), 1);
    assert!(text(&root).contains("Zed Stone"));
}

#[wasm_bindgen_test]
async fn the_error_table_renders_only_the_rows_in_view() {
    let dialog = mount_dialog(Vec::new());
    dialog.check("many.csv", &rejected_rows(20_000)).await;
    let root = dialog.el();
    assert_eq!(figure(&root, "rejected"), 20_000);
    let table = get(&root, "[data-testid=error-table]");
    assert_eq!(
        get(&table, "table")
            .get_attribute("aria-rowcount")
            .as_deref(),
        Some("20001")
    );
    // Lines still on their way from the worker have no row yet.
    let first_row = || shown_rows(&table).first().copied().unwrap_or(0);
    assert!(count(&root, "tr") < 100, "{} tr", count(&root, "tr"));
    assert_eq!(first_row(), 2);
    let line = get(&table, "tr.error-line");
    assert_eq!(line.offset_height(), 48, "the row height the table assumes");

    table.set_scroll_top(48 * 10_000);
    table
        .dispatch_event(&web_sys::Event::new("scroll").unwrap())
        .unwrap();
    until("the rows near row 10,000 to show", || {
        (9_900..10_002).contains(&first_row())
    })
    .await;
    assert!(count(&root, "tr") < 100, "{} tr", count(&root, "tr"));
    assert!(text(&table).contains("ann10000-at-example.com"));

    table.set_scroll_top(i32::MAX);
    table
        .dispatch_event(&web_sys::Event::new("scroll").unwrap())
        .unwrap();
    until("the last row to show", || {
        text(&table).contains("ann19999-at-example.com")
    })
    .await;
    assert!(count(&root, "tr") < 100, "{} tr", count(&root, "tr"));
}

#[wasm_bindgen_test]
async fn the_error_file_link_holds_the_report_error_file() {
    let dialog = mount_dialog(Vec::new());
    dialog.check("C:\\exports\\team.v2.csv", MIXED).await;
    until("the error file link", || {
        find(&dialog.root, "a[data-testid=error-file]").is_some()
    })
    .await;
    let link = get(&dialog.root, "a[data-testid=error-file]");
    assert_eq!(
        link.get_attribute("download").as_deref(),
        Some("team.v2-errors.csv")
    );
    let href = link.get_attribute("href").unwrap();
    assert!(href.starts_with("blob:"), "{href}");
    let bytes = fetch_bytes(&href).await.unwrap();
    assert_eq!(bytes, user_import::check(MIXED.as_bytes()).error_file());

    // Another file replaces the results and revokes the old link.
    dialog.check("other.csv", &rejected_rows(3)).await;
    until("the new error file link", || {
        find(&dialog.root, "a[data-testid=error-file]")
            .and_then(|a| a.get_attribute("href"))
            .is_some_and(|h| h != href)
    })
    .await;
    assert_eq!(figure(&dialog.el(), "rejected"), 3);
    assert!(
        fetch_bytes(&href).await.is_err(),
        "the old blob URL is revoked"
    );
}

#[wasm_bindgen_test]
async fn import_is_enabled_only_when_users_are_accepted() {
    let dialog = mount_dialog(Vec::new());
    assert!(dialog.import_button().disabled(), "nothing chosen yet");

    dialog.check("bad.csv", &rejected_rows(2)).await;
    assert_eq!(figure(&dialog.el(), "accepted"), 0);
    assert!(dialog.import_button().disabled());

    dialog.check("team.csv", MIXED).await;
    assert!(!dialog.import_button().disabled());
    dialog.import_button().click();
    // The accepted users come from the check worker.
    until("the users handed over", || {
        dialog.imported.get_untracked().is_some()
    })
    .await;
    let users = dialog.imported.get_untracked().expect("users handed over");
    let emails: Vec<&str> = users.iter().map(|u| u.email.as_str()).collect();
    assert_eq!(emails, ["ann@example.com", "dee@example.com"]);
}

#[wasm_bindgen_test]
async fn markup_in_cells_is_shown_as_text() {
    let dialog = mount_dialog(Vec::new());
    let csv = "First Name,Last Name,Email,Department\n\
               <script>window.xss=1</script>,\"\"\"><img src=x onerror=window.xss=2>\",x@example.com,\"<img src=y onerror=window.xss=3>\"\n";
    dialog
        .check("<img src=z onerror=window.xss=4>.csv", csv)
        .await;
    let root = dialog.el();
    assert_eq!(figure(&root, "rejected"), 1);
    assert_eq!(count(&root, "img"), 0);
    assert_eq!(count(&root, "script"), 0);
    let shown = text(&root);
    assert!(shown.contains("<script>window.xss=1</script>"), "{shown}");
    assert!(
        shown.contains("\"><img src=x onerror=window.xss=2>"),
        "{shown}"
    );
    assert!(
        shown.contains("<img src=z onerror=window.xss=4>.csv"),
        "{shown}"
    );
    let xss = js_sys::Reflect::get(&web_sys::window().unwrap(), &"xss".into()).unwrap();
    assert!(xss.is_undefined());
}

#[wasm_bindgen_test]
async fn file_errors_are_shown_and_nothing_is_accepted() {
    let dialog = mount_dialog(Vec::new());
    dialog
        .check("people.csv", "Name,Phone\nAnn,555 0100\n")
        .await;
    let root = dialog.el();
    let alert = get(&root, "[data-testid=file-errors]");
    assert_eq!(alert.get_attribute("role").as_deref(), Some("alert"));
    let message = text(&alert);
    assert!(
        message.contains("First Name, Last Name, Email"),
        "{message}"
    );
    assert!(message.contains("\"Name\", \"Phone\""), "{message}");
    assert_eq!(figure(&root, "accepted"), 0);
    assert!(dialog.import_button().disabled());

    dialog.check("empty.csv", "").await;
    assert!(text(&get(&root, "[data-testid=file-errors]")).contains("The file is empty"));
}

#[wasm_bindgen_test]
async fn performance_measures_are_set_after_every_check() {
    let performance = web_sys::window().unwrap().performance().unwrap();
    // The test before may still record its measure after its next paint.
    sleep(Duration::from_millis(300)).await;
    performance.clear_measures();
    let dialog = mount_dialog(Vec::new());
    dialog.check("team.csv", MIXED).await;
    assert_eq!(measures("import:check"), 1);
    until("import:shown", || measures("import:shown") == 1).await;
    dialog.check("team.csv", MIXED).await;
    assert_eq!(measures("import:check"), 2);
    until("the second import:shown", || measures("import:shown") == 2).await;
}

#[wasm_bindgen_test]
async fn a_dropped_file_is_checked() {
    let dialog = mount_dialog(Vec::new());
    let dialog_el = dialog.el();
    let transfer = files_of(&csv_file("dropped.csv", MIXED));
    let init = web_sys::DragEventInit::new();
    init.set_bubbles(true);
    init.set_cancelable(true);
    init.set_data_transfer(Some(&transfer));
    let fire = |kind: &str| {
        let ev = web_sys::DragEvent::new_with_event_init_dict(kind, &init).unwrap();
        get(&dialog_el, "h2").dispatch_event(&ev).unwrap();
        ev
    };
    fire("dragenter");
    let over = fire("dragover");
    assert!(over.default_prevented(), "the dialog accepts drops");
    until("the drop highlight", || {
        dialog.el().class_list().contains("dragging")
    })
    .await;
    let drop = fire("drop");
    assert!(drop.default_prevented());
    until("the results", || {
        find(&dialog.root, "[data-testid=results]").is_some()
    })
    .await;
    assert!(!dialog.el().class_list().contains("dragging"));
    assert_eq!(figure(&dialog.el(), "accepted"), 2);
}

#[wasm_bindgen_test]
async fn a_large_file_shows_a_progress_bar() {
    let dialog = mount_dialog(Vec::new());
    let mut csv = String::from("First Name,Last Name,Email\n");
    let mut i = 0_u32;
    while csv.len() < voice_portal::check_file::CHUNK_BYTES + 100_000 {
        csv.push_str(&format!("Ann,Lee,ann{i}@example.com\n"));
        i += 1;
    }
    choose(&dialog.el(), &csv_file("big.csv", &csv));
    // The bar shows while the file is read and checked chunk by chunk.
    let mut seen = Vec::new();
    while find(&dialog.root, "[data-testid=results]").is_none() {
        if let Some(bar) = find(&dialog.root, "[role=progressbar]") {
            let now = bar.get_attribute("aria-valuenow").unwrap();
            seen.push(now.parse::<u32>().unwrap());
        }
        sleep(Duration::from_millis(1)).await;
    }
    assert!(!seen.is_empty(), "a progress bar was shown");
    assert!(seen.iter().all(|v| *v <= 100), "{seen:?}");
    assert!(find(&dialog.root, "[role=progressbar]").is_none());
    assert_eq!(figure(&dialog.el(), "accepted"), i);
}

#[wasm_bindgen_test]
async fn a_check_in_small_chunks_equals_a_whole_check() {
    let csv = format!(
        "\u{feff}{MIXED}{}",
        "Zoë,O'Brien,zoe@example.com,\r\n".repeat(3)
    );
    let blob = csv_file("t.csv", &csv);
    let mut seen = Vec::new();
    let options = CheckOptions {
        chunk_bytes: 7,
        ..CheckOptions::default()
    };
    let done = check_file(&blob, options, |progress, total| {
        assert_eq!(total, csv.len() as u64);
        seen.push(progress.bytes);
        true
    })
    .await
    .unwrap();
    let whole = user_import::check(csv.as_bytes());
    assert_eq!(done.report.counts(), whole.counts());
    assert_eq!(done.report.errors(), whole.errors());
    assert_eq!(done.report.error_file(), whole.error_file());
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
    assert_eq!(seen.last().copied(), Some(csv.len() as u64));
    assert!(done.check_ms >= 0.0);

    let options = CheckOptions {
        chunk_bytes: 7,
        ..CheckOptions::default()
    };
    let stopped = check_file(&blob, options, |_, _| false).await;
    assert_eq!(stopped.unwrap_err(), CheckError::Cancelled);
    // One slice only: still cancelled before the report.
    let stopped = check_file(&blob, CheckOptions::default(), |_, _| false).await;
    assert_eq!(stopped.unwrap_err(), CheckError::Cancelled);
}

#[wasm_bindgen_test]
async fn a_file_over_the_size_limit_is_refused_before_it_is_read() {
    let csv = "First Name,Last Name,Email\nAnn,Lee,ann@example.com\n".repeat(40);
    let options = CheckOptions {
        max_bytes: 1_000,
        ..CheckOptions::default()
    };
    let mut read = Vec::new();
    let done = check_file(&csv_file("big.csv", &csv), options, |progress, _| {
        read.push(progress.bytes);
        true
    })
    .await
    .unwrap();
    assert_eq!(
        done.report.file_errors(),
        [user_import::FileError::TooLarge { limit_bytes: 1_000 }]
    );
    assert_eq!(done.report.counts().rows, 0);
    assert_eq!(
        read,
        [csv.len() as u64],
        "only the final call, nothing read"
    );
}

#[wasm_bindgen_test]
async fn a_new_file_overtakes_a_check_in_progress() {
    let dialog = mount_dialog(Vec::new());
    choose(&dialog.el(), &csv_file("big.csv", &numbered_users(200_000)));
    until("the check to start", || {
        find(&dialog.root, "[data-testid=checking]").is_some()
    })
    .await;
    dialog.check("team.csv", MIXED).await;
    assert_eq!(figure(&dialog.el(), "rows"), 5);
    // The overtaken check never replaces the results.
    sleep(Duration::from_millis(1500)).await;
    assert_eq!(figure(&dialog.el(), "rows"), 5);
    assert!(text(&dialog.el()).contains("team.csv"));
}

#[wasm_bindgen_test]
async fn stop_checking_drops_the_check_and_waits_for_another_file() {
    let dialog = mount_dialog(Vec::new());
    let mut big = String::from("First Name,Last Name,Email\n");
    while big.len() < 8 * 1024 * 1024 {
        big.push_str("Ann,Lee,ann@example.com\n");
    }
    choose(&dialog.el(), &csv_file("big.csv", &big));
    until("the stop button", || {
        find(&dialog.root, "[data-testid=cancel-check]").is_some()
    })
    .await;
    get(&dialog.root, "[data-testid=cancel-check]").click();
    until("the drop zone again", || {
        find(&dialog.root, "[data-testid=dropzone]").is_some()
    })
    .await;
    // The stopped check never shows results.
    sleep(Duration::from_millis(1500)).await;
    assert!(find(&dialog.root, "[data-testid=results]").is_none());
    dialog.check("team.csv", MIXED).await;
    assert_eq!(figure(&dialog.el(), "rows"), 5);
}

#[wasm_bindgen_test]
async fn cancel_while_the_users_are_handed_over_imports_nothing() {
    let dialog = mount_dialog(Vec::new());
    dialog.check("team.csv", &numbered_users(5_000)).await;
    dialog.import_button().click();
    get(&dialog.root, "[data-testid=cancel]").click();
    sleep(Duration::from_millis(1000)).await;
    assert!(dialog.imported.get_untracked().is_none());
}

#[wasm_bindgen_test]
async fn the_dialog_keeps_focus_and_hands_over_the_accepted_users() {
    let root = container();
    let _app = leptos::mount::mount_to(root.clone(), || leptos::view! { <UserManagement/> });
    let open_button = get(&root, "[data-testid=import-csv]");
    open_button.click();
    until("the dialog", || {
        find(&root, "[data-testid=import-dialog]").is_some()
    })
    .await;
    let dialog = get(&root, "[data-testid=import-dialog]");
    until("focus in the dialog", || {
        document()
            .active_element()
            .is_some_and(|a| dialog.contains(Some(&a)))
    })
    .await;

    let press = |key: &str, shift: bool| {
        let init = web_sys::KeyboardEventInit::new();
        init.set_key(key);
        init.set_shift_key(shift);
        init.set_bubbles(true);
        init.set_cancelable(true);
        let ev =
            web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
        document()
            .active_element()
            .unwrap()
            .dispatch_event(&ev)
            .unwrap();
    };
    // Shift+Tab on the first control wraps to the last, Tab back to the first.
    let first = document().active_element().unwrap();
    press("Tab", true);
    let last = document().active_element().unwrap();
    assert_ne!(first, last);
    assert!(dialog.contains(Some(&last)));
    press("Tab", false);
    assert_eq!(document().active_element().unwrap(), first);

    choose(&dialog, &csv_file("team.csv", MIXED));
    until("the results", || {
        find(&root, "[data-testid=results]").is_some()
    })
    .await;
    get(&root, "[data-testid=import-accepted]").click();
    until("the dialog to close", || {
        find(&root, "[data-testid=import-dialog]").is_none()
    })
    .await;
    assert_eq!(
        text(&get(&root, "[data-testid=ready-to-import]")),
        "2 users ready to import"
    );
    until("focus back on IMPORT.CSV", || {
        document().active_element().as_ref() == Some(open_button.unchecked_ref())
    })
    .await;

    // Escape closes the dialog.
    open_button.click();
    until("the dialog", || {
        find(&root, "[data-testid=import-dialog]").is_some()
    })
    .await;
    until("focus in the dialog", || {
        document().active_element().is_some_and(|a| {
            find(&root, "[data-testid=import-dialog]").is_some_and(|d| d.contains(Some(&a)))
        })
    })
    .await;
    press("Escape", false);
    until("Escape to close the dialog", || {
        find(&root, "[data-testid=import-dialog]").is_none()
    })
    .await;
}

#[wasm_bindgen_test]
async fn a_rejected_cell_is_corrected_in_place_and_its_row_joins_the_accepted() {
    let dialog = mount_dialog(Vec::new());
    dialog.check("team.csv", MIXED).await;
    assert_eq!(
        (
            figure(&dialog.el(), "accepted"),
            figure(&dialog.el(), "rejected")
        ),
        (2, 2)
    );
    // Row 5's email lacks a top-level domain.
    let fix = dialog
        .el()
        .query_selector("tr.error-line[data-row='5'] [data-testid=fix-cell]")
        .unwrap()
        .expect("a fix button on row 5's Email")
        .unchecked_into::<HtmlElement>();
    assert_eq!(text(&fix), "Email");
    fix.click();
    until("the cell editor", || {
        find(&dialog.root, "[data-testid=cell-fixer]").is_some()
    })
    .await;
    let input: web_sys::HtmlInputElement =
        get(&dialog.root, "[data-testid=cell-fixer] input").unchecked_into();
    assert_eq!(input.value(), "cy@example", "the cell as uploaded");
    input.set_value("cy@example.com");
    input
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    let before = find(&dialog.root, "[data-testid=results]");
    get(&dialog.root, "[data-testid=recheck]").click();
    until("the results of the re-check", || {
        let now = find(&dialog.root, "[data-testid=results]");
        now.is_some() && now != before && figure(&dialog.el(), "accepted") == 3
    })
    .await;
    assert_eq!(figure(&dialog.el(), "rejected"), 1);
    assert_eq!(shown_rows(&dialog.el()), [3], "only Bob's row is left");

    // A second correction keeps the first.
    get(
        &dialog.root,
        "tr.error-line[data-row='3'] [data-testid=fix-cell]",
    )
    .click();
    until("the cell editor", || {
        find(&dialog.root, "[data-testid=cell-fixer]").is_some()
    })
    .await;
    let input: web_sys::HtmlInputElement =
        get(&dialog.root, "[data-testid=cell-fixer] input").unchecked_into();
    input.set_value("Stone");
    input
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    get(&dialog.root, "[data-testid=recheck]").click();
    until("every row accepted", || {
        find(&dialog.root, "[data-count=accepted]").is_some()
            && figure(&dialog.el(), "accepted") == 4
    })
    .await;
    assert_eq!(figure(&dialog.el(), "rejected"), 0);
    dialog.import_button().click();
    until("the users handed over", || {
        dialog.imported.get_untracked().is_some()
    })
    .await;
    let users = dialog
        .imported
        .get_untracked()
        .expect("the users handed over");
    let emails: Vec<&str> = users.iter().map(|u| u.email.as_str()).collect();
    assert_eq!(
        emails,
        [
            "bob@example.com",
            "cy@example.com",
            "ann@example.com",
            "dee@example.com"
        ]
    );
}

/// A file of `rows` valid users, each with its own email.
fn numbered_users(rows: usize) -> String {
    let mut csv = String::from("First Name,Last Name,Email\n");
    for i in 0..rows {
        csv.push_str(&format!("Ann,Lee,ann{i}@example.com\n"));
    }
    csv
}
