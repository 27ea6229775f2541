//! The rules crate's quick paths as the app runs them: in wasm, where its
//! sixteen-byte blocks are simd128 vectors (`.cargo/config.toml`), not the
//! SSE2 ones its own tests run natively. Each quick accept must decide as
//! the full rule does, for values that put every kind of byte in every
//! lane. Run in headless Chromium:
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown -p voice-portal`
#![cfg(target_arch = "wasm32")]

use user_import::{rules, Field};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// `base` with `byte` written over each position in turn, and `base` cut
/// to every length: every lane of a block holds the odd byte once.
fn variants(base: &str, bytes: &[char]) -> Vec<String> {
    let chars: Vec<char> = base.chars().collect();
    let mut out: Vec<String> = (0..=chars.len())
        .map(|len| chars[..len].iter().collect())
        .collect();
    for &byte in bytes {
        for at in 0..chars.len() {
            let mut changed = chars.clone();
            changed[at] = byte;
            out.push(changed.into_iter().collect());
        }
    }
    out
}

fn assert_quick_path_agrees(field: Field, values: &[String]) {
    let mut scratch = String::new();
    for value in values {
        assert_eq!(
            rules::check(field, value, &mut scratch),
            rules::normalize(field, value).map(drop),
            "{field}: {value:?}"
        );
    }
}

#[wasm_bindgen_test]
fn mobile_numbers_are_decided_as_the_full_rule_decides() {
    let mut values = Vec::new();
    for base in [
        "+44 20 7946 0958",
        "(415) 555-0132",
        "1-415-555-0132",
        "+442079460958",
    ] {
        values.extend(variants(base, &['+', 'x', '0', '1', ' ', '\u{e9}']));
    }
    assert_quick_path_agrees(Field::MobileNumber, &values);
}

#[wasm_bindgen_test]
fn emails_are_decided_as_the_full_rule_decides() {
    let mut values = Vec::new();
    for base in [
        "ann.lee@example.com",
        "first.last+tag@mail.example.co.uk",
        "a.very-long_local.part.of.an.address@sub.domain.example.org",
    ] {
        values.extend(variants(base, &['@', '.', '-', '_', ' ', 'Z', '\u{e9}']));
    }
    assert_quick_path_agrees(Field::Email, &values);
}
