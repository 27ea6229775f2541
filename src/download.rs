//! Files the page hands to the user: Blobs, object URLs, downloads.

use leptos::prelude::set_timeout;
use wasm_bindgen::{JsCast, JsValue};

/// The media type of the CSV files the page offers (template, error file).
pub const CSV_MEDIA_TYPE: &str = "text/csv;charset=utf-8";

/// Bytes as a `Blob` of the given media type.
pub fn bytes_to_blob(bytes: &[u8], media_type: &str) -> Result<web_sys::Blob, JsValue> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(media_type);
    web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
}

/// A `blob:` URL that is revoked when dropped.
#[derive(Debug, PartialEq, Eq)]
pub struct ObjectUrl(String);

impl ObjectUrl {
    /// An object URL for bytes of the given media type.
    pub fn from_bytes(bytes: &[u8], media_type: &str) -> Result<ObjectUrl, JsValue> {
        ObjectUrl::from_blob(&bytes_to_blob(bytes, media_type)?)
    }

    /// An object URL for a Blob.
    pub fn from_blob(blob: &web_sys::Blob) -> Result<ObjectUrl, JsValue> {
        web_sys::Url::create_object_url_with_blob(blob).map(ObjectUrl)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Drop for ObjectUrl {
    fn drop(&mut self) {
        let _ = web_sys::Url::revoke_object_url(&self.0);
    }
}

/// Saves CSV bytes (the template, files of users) as `file_name`.
pub fn save_csv(bytes: &[u8], file_name: &str) -> Result<(), JsValue> {
    save_blob(&bytes_to_blob(bytes, CSV_MEDIA_TYPE)?, file_name)
}

/// Saves a Blob as `file_name` through a temporary object URL.
pub fn save_blob(blob: &web_sys::Blob, file_name: &str) -> Result<(), JsValue> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let url = web_sys::Url::create_object_url_with_blob(blob)?;
    let anchor: web_sys::HtmlAnchorElement = document.create_element("a")?.unchecked_into();
    anchor.set_href(&url);
    anchor.set_download(file_name);
    anchor.click();
    // Revoke later: revoking at once can cancel the download in some browsers.
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(10),
    );
    Ok(())
}

/// A JavaScript error as a sentence, or `fallback`.
pub fn describe(err: &JsValue, fallback: &str) -> String {
    err.as_string()
        .or_else(|| {
            err.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| fallback.to_owned())
}
