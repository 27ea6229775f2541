//! Browser tests of the SPA shell, run in headless Chromium by
//! `wasm-bindgen-test-runner` (see `.cargo/config.toml` and `webdriver.json`):
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown -p voice-portal`
#![cfg(target_arch = "wasm32")]

use voice_portal::UserManagement;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

mod common;
use common::{container, find, until};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn import_button_opens_the_dialog_and_cancel_closes_it() {
    let root = container();
    let _app = leptos::mount::mount_to(root.clone(), || leptos::view! { <UserManagement/> });

    assert!(root.text_content().unwrap().contains("User management"));
    assert!(find(&root, "[data-testid=import-dialog]").is_none());

    let button = root.query_selector_all("button").unwrap();
    let import = (0..button.length())
        .filter_map(|i| button.item(i))
        .map(|n| n.unchecked_into::<HtmlElement>())
        .find(|b| b.text_content().as_deref() == Some("IMPORT.CSV"))
        .expect("an IMPORT.CSV button");
    import.click();

    until("the dialog to open", || {
        find(&root, "[data-testid=import-dialog]").is_some()
    })
    .await;
    let dialog = find(&root, "[data-testid=import-dialog]").unwrap();
    assert_eq!(dialog.get_attribute("role").as_deref(), Some("dialog"));
    assert_eq!(dialog.get_attribute("aria-modal").as_deref(), Some("true"));
    for id in ["download-template", "guidelines", "cancel"] {
        assert!(
            find(&dialog, &format!("button[data-testid={id}]")).is_some(),
            "dialog button {id}"
        );
    }

    find(&dialog, "[data-testid=cancel]").unwrap().click();
    until("the dialog to close", || {
        find(&root, "[data-testid=import-dialog]").is_none()
    })
    .await;

    // It opens again after a close.
    import.click();
    until("the dialog to reopen", || {
        find(&root, "[data-testid=import-dialog]").is_some()
    })
    .await;
}

#[wasm_bindgen_test]
async fn guidelines_come_from_the_schema() {
    let root = container();
    let _dialog = leptos::mount::mount_to(root.clone(), || {
        let open = leptos::prelude::RwSignal::new(true);
        leptos::view! { <voice_portal::ImportDialog open=open/> }
    });
    assert!(find(&root, "[data-testid=guidelines-text]").is_none());
    find(&root, "[data-testid=guidelines]").unwrap().click();
    until("the guidelines to show", || {
        find(&root, "[data-testid=guidelines-text]").is_some()
    })
    .await;
    let text = find(&root, "[data-testid=guidelines-text]")
        .unwrap()
        .text_content()
        .unwrap();
    let guidelines = user_import::guidelines();
    assert!(text.contains(&guidelines.notes[0]), "{text}");
    for column in guidelines.columns {
        assert!(
            text.contains(column.header) && text.contains(column.example),
            "{text}"
        );
    }
}

#[wasm_bindgen_test]
fn template_blob_holds_the_rules_crate_template() {
    let blob = voice_portal::template_blob().unwrap();
    assert_eq!(blob.size() as usize, user_import::template_csv().len());
    assert_eq!(blob.type_(), voice_portal::TEMPLATE_MEDIA_TYPE);
}

#[wasm_bindgen_test]
fn template_downloads_as_users_template_csv() {
    assert_eq!(voice_portal::TEMPLATE_FILE_NAME, "users-template.csv");
}
