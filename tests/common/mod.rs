//! What the browser tests share: a container on the page, finding elements,
//! and waiting for the reactive system (wasm32 only).
#![allow(dead_code)] // each test file uses part of this

use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Element, HtmlElement};

pub fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A fresh container in `<body>`, with the app's stylesheet on the page.
/// The check worker's code runs on the page (behind a `MessageChannel`):
/// the test runner does not serve the worker's script.
pub fn container() -> HtmlElement {
    use_checks_on_page();
    let document = document();
    if document.get_element_by_id("app-css").is_none() {
        let style = document.create_element("style").unwrap();
        style.set_id("app-css");
        style.set_text_content(Some(include_str!("../../style/main.css")));
        document.head().unwrap().append_child(&style).unwrap();
    }
    let div = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&div).unwrap();
    div.unchecked_into()
}

/// Makes the page's check client run the worker's code on the page (once).
pub fn use_checks_on_page() {
    thread_local! {
        static INSTALLED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }
    if !INSTALLED.with(|i| i.replace(true)) {
        use voice_portal::check_client::CheckClient;
        CheckClient::install(CheckClient::on_page());
    }
}

pub fn find(root: &Element, selector: &str) -> Option<HtmlElement> {
    root.query_selector(selector)
        .unwrap()
        .map(|e| e.unchecked_into())
}

pub fn get(root: &Element, selector: &str) -> HtmlElement {
    find(root, selector).unwrap_or_else(|| panic!("no {selector}"))
}

pub fn count(root: &Element, selector: &str) -> u32 {
    root.query_selector_all(selector).unwrap().length()
}

pub fn text(el: &Element) -> String {
    el.text_content().unwrap_or_default()
}

/// Waits (up to 10 s) for `cond`, letting the reactive system run.
pub async fn until(what: &str, mut cond: impl FnMut() -> bool) {
    for _ in 0..1000 {
        if cond() {
            return;
        }
        sleep(Duration::from_millis(10)).await;
    }
    panic!("timed out waiting for: {what}");
}

pub async fn sleep(duration: Duration) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(
                &resolve,
                duration.as_millis() as i32,
            )
            .unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}
