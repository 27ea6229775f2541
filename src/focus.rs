//! Keyboard focus in a modal dialog: into it when it opens, and Tab kept
//! inside it while it is open.

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, KeyboardEvent};

/// What Tab can reach (the hidden file input is left out by its tabindex).
const FOCUSABLE: &str = "a[href], button:not([disabled]), \
    input:not([disabled]):not([tabindex='-1']), select:not([disabled]), \
    textarea:not([disabled]), summary, [tabindex]:not([tabindex='-1'])";

/// The elements inside `root` that Tab reaches, in document order.
pub fn focusable_in(root: &Element) -> Vec<HtmlElement> {
    let Ok(list) = root.query_selector_all(FOCUSABLE) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|node| node.dyn_into::<HtmlElement>().ok())
        .collect()
}

/// Moves focus to the first focusable element in `root`, or to `root`.
pub fn focus_first(root: &HtmlElement) {
    match focusable_in(root).first() {
        Some(first) => {
            let _ = first.focus();
        }
        None => {
            let _ = root.focus();
        }
    }
}

/// On Tab at the last element (Shift+Tab at the first), wraps around.
pub fn trap_tab(root: &HtmlElement, ev: &KeyboardEvent) {
    if ev.key() != "Tab" {
        return;
    }
    let items = focusable_in(root);
    let (Some(first), Some(last)) = (items.first(), items.last()) else {
        ev.prevent_default();
        return;
    };
    let active = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element());
    let inside = active
        .as_ref()
        .is_some_and(|a| root.contains(Some(a)) && a != root.unchecked_ref::<Element>());
    let at = |el: &HtmlElement| active.as_ref() == Some(el.unchecked_ref::<Element>());
    let target = if ev.shift_key() {
        (!inside || at(first)).then_some(last)
    } else {
        (!inside || at(last)).then_some(first)
    };
    if let Some(target) = target {
        ev.prevent_default();
        let _ = target.focus();
    }
}
