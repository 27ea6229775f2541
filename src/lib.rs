//! The Voice portal single-page app (Leptos, client-side rendering).
//!
//! This is the placeholder shell: a header, the User management page and the
//! Import users dialog with its stable test hooks (`data-testid`). The real
//! import flow (file check in a worker, results, import) replaces the body
//! of [`ImportDialog`] later; the markers documented in the architecture stay.

pub mod api;
pub mod check_file;
pub mod checked;
pub mod download;
pub mod perf;
pub mod virtual_rows;

use leptos::prelude::*;
use wasm_bindgen::JsValue;

/// The name under which the CSV template is saved (from the rules crate).
pub use user_import::TEMPLATE_FILE_NAME;
/// The media type of the CSV template (the bytes carry a UTF-8 BOM).
pub const TEMPLATE_MEDIA_TYPE: &str = download::CSV_MEDIA_TYPE;

/// Mounts the app on `<body>` for the lifetime of the page.
pub fn mount() {
    leptos::mount::mount_to_body(App);
}

/// The whole app: the portal header and the User management page.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <header class="topbar">
            <span class="brand">"Voice portal"</span>
        </header>
        <main class="page">
            <UserManagement/>
        </main>
    }
}

/// The User management page with its IMPORT.CSV entry point.
#[component]
pub fn UserManagement() -> impl IntoView {
    let dialog_open = RwSignal::new(false);

    view! {
        <section class="card" aria-labelledby="user-management-title">
            <div class="card-header">
                <h1 id="user-management-title">"User management"</h1>
                <button
                    type="button"
                    class="btn btn-primary"
                    data-testid="import-csv"
                    aria-haspopup="dialog"
                    on:click=move |_| dialog_open.set(true)
                >
                    "IMPORT.CSV"
                </button>
            </div>
            <p class="muted">"Create or update the users of a location from a CSV file."</p>
        </section>
        <Show when=move || dialog_open.get()>
            <ImportDialog open=dialog_open/>
        </Show>
    }
}

/// The Import users dialog (placeholder: template download and guidelines).
#[component]
pub fn ImportDialog(
    /// Cleared when the dialog is closed.
    open: RwSignal<bool>,
) -> impl IntoView {
    let show_guidelines = RwSignal::new(false);
    let download_error = RwSignal::new(None::<String>);
    let close = move || open.set(false);

    let download = move |_| match download_template() {
        Ok(()) => download_error.set(None),
        Err(err) => download_error.set(Some(download::describe(
            &err,
            "The template could not be downloaded.",
        ))),
    };

    view! {
        <div class="backdrop" on:click=move |_| close()></div>
        <div
            class="dialog"
            role="dialog"
            aria-modal="true"
            aria-labelledby="import-dialog-title"
            data-testid="import-dialog"
            on:keydown=move |ev| {
                if ev.key() == "Escape" {
                    close();
                }
            }
        >
            <h2 id="import-dialog-title">"Import users"</h2>
            <div class="dialog-actions">
                <button
                    type="button"
                    class="btn"
                    data-testid="download-template"
                    on:click=download
                >
                    "DOWNLOAD TEMPLATE"
                </button>
                <button
                    type="button"
                    class="btn"
                    data-testid="guidelines"
                    aria-expanded=move || show_guidelines.get().to_string()
                    on:click=move |_| show_guidelines.update(|shown| *shown = !*shown)
                >
                    "IMPORT GUIDELINES"
                </button>
            </div>
            <Show when=move || show_guidelines.get()>
                <Guidelines/>
            </Show>
            {move || {
                download_error
                    .get()
                    .map(|msg| view! { <p class="error" role="alert">{msg}</p> })
            }}
            <div class="dialog-footer">
                <button type="button" class="btn btn-text" data-testid="cancel" on:click=move |_| close()>
                    "Cancel"
                </button>
            </div>
        </div>
    }
}

/// IMPORT GUIDELINES, generated from the same schema as the validator.
#[component]
pub fn Guidelines() -> impl IntoView {
    let guidelines = user_import::guidelines();
    view! {
        <div class="guidelines" data-testid="guidelines-text">
            <ul>
                {guidelines.notes.into_iter().map(|note| view! { <li>{note}</li> }).collect_view()}
            </ul>
            <table>
                <thead>
                    <tr><th>"Column"</th><th>"Required"</th><th>"Rule"</th><th>"Example"</th></tr>
                </thead>
                <tbody>
                    {guidelines
                        .columns
                        .iter()
                        .map(|column| {
                            view! {
                                <tr>
                                    <td>{column.header}</td>
                                    <td>{if column.required { "yes" } else { "no" }}</td>
                                    <td>{column.rule}</td>
                                    <td>{column.example}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// The CSV template from the rules crate as a `Blob` of type [`TEMPLATE_MEDIA_TYPE`].
pub fn template_blob() -> Result<web_sys::Blob, JsValue> {
    download::bytes_to_blob(&user_import::template_csv(), TEMPLATE_MEDIA_TYPE)
}

/// Saves the CSV template as [`TEMPLATE_FILE_NAME`] through a temporary Blob URL.
pub fn download_template() -> Result<(), JsValue> {
    download::save_blob(&template_blob()?, TEMPLATE_FILE_NAME)
}
