//! The Voice portal single-page app (Leptos, client-side rendering).
//!
//! The User management page and its Import users dialog: choose or drop a
//! CSV file, the browser checks it with the rules crate and shows the
//! results. The markers that tests rely on (`data-testid`, `data-count`,
//! the `import:*` performance measures) are documented in the architecture.
//!
//! Modules: [`api`] is the portal API client; a file is checked in a Web
//! Worker: [`check_client`] is the page's side (it reads the file with
//! [`file_pump`] and [`file_chunks`]), [`check_worker`] the worker's (it
//! checks the chunks it is posted, [`posted_chunks`], with [`check_file`]),
//! [`check_protocol`] the messages between them; [`checked`] is the data
//! the results show; [`import_run`] posts the accepted users in batches;
//! the rest are views, composed by [`portal`].

pub mod api;
pub mod assign_user;
pub mod check_client;
pub mod check_file;
pub mod check_protocol;
pub mod check_worker;
pub mod checked;
pub mod download;
pub mod file_chunks;
pub mod file_pump;
mod focus;
pub mod import_dialog;
pub mod import_progress;
pub mod import_run;
pub mod location_picker;
pub mod perf;
pub mod portal;
pub mod posted_chunks;
pub mod results;
pub mod user_list;
pub mod virtual_rows;

use leptos::html;
use leptos::prelude::*;
use user_import::{ExistingUser, User};
use wasm_bindgen::JsValue;

pub use import_dialog::ImportDialog;
pub use portal::App;
/// The name under which the CSV template is saved (from the rules crate).
pub use user_import::TEMPLATE_FILE_NAME;
/// The media type of the CSV template (the bytes carry a UTF-8 BOM).
pub const TEMPLATE_MEDIA_TYPE: &str = download::CSV_MEDIA_TYPE;

/// Mounts the app on `<body>` for the lifetime of the page.
pub fn mount() {
    leptos::mount::mount_to_body(App);
}

/// The User management heading with its IMPORT.CSV entry point and the
/// Import users dialog.
#[component]
pub fn UserManagement(
    /// The location's name, shown under the heading.
    #[prop(optional, into)]
    location_name: String,
    /// The location's current users.
    #[prop(optional, into)]
    existing_users: Signal<Vec<ExistingUser>>,
    /// False while the location's users are loading: a file checked then
    /// could not tell new users from updates.
    #[prop(optional, into)]
    ready: Option<Signal<bool>>,
    /// Receives the accepted users on IMPORT ACCEPTED USERS (the dialog
    /// closes); without it, they are only counted on the page.
    #[prop(optional)]
    on_import: Option<Callback<Vec<User>>>,
) -> impl IntoView {
    let ready_to_open = move || ready.is_none_or(|r| r.get());
    let dialog_open = RwSignal::new(false);
    let handed_over = RwSignal::new(Vec::<User>::new());
    let open_button = NodeRef::<html::Button>::new();

    // Focus goes back to IMPORT.CSV when the dialog closes.
    Effect::new(move |was_open: Option<bool>| {
        let is_open = dialog_open.get();
        if was_open == Some(true) && !is_open {
            if let Some(button) = open_button.get_untracked() {
                let _ = button.focus();
            }
        }
        is_open
    });
    let hand_over = Callback::new(move |users: Vec<User>| {
        dialog_open.set(false);
        match on_import {
            Some(on_import) => on_import.run(users),
            None => handed_over.set(users),
        }
    });
    let ready_text = move || {
        let n = handed_over.with(Vec::len);
        match n {
            0 => String::new(),
            1 => "1 user ready to import".to_owned(),
            n => format!(
                "{} users ready to import",
                checked::group_thousands(n as u64)
            ),
        }
    };

    view! {
        <section class="card" aria-labelledby="user-management-title">
            <div class="card-header">
                <h1 id="user-management-title">"User management"</h1>
                <button
                    type="button"
                    class="btn btn-primary"
                    data-testid="import-csv"
                    aria-haspopup="dialog"
                    node_ref=open_button
                    disabled=move || !ready_to_open()
                    aria-busy=move || (!ready_to_open()).to_string()
                    on:click=move |_| dialog_open.set(true)
                >
                    "IMPORT.CSV"
                </button>
            </div>
            <p class="muted">
                {(!location_name.is_empty()).then(|| view! { <strong>{location_name.clone()}</strong> " · " })}
                "Create or update the users of this location from a CSV file."
            </p>
            <p class="ready" role="status" data-testid="ready-to-import">{ready_text}</p>
        </section>
        <Show when=move || dialog_open.get()>
            <ImportDialog open=dialog_open existing_users=existing_users on_import=hand_over/>
        </Show>
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
