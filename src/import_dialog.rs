//! The Import users dialog: the template, the guidelines, choosing or
//! dropping a CSV file, the check's progress, and the results.

use std::sync::Arc;

use leptos::html;
use leptos::prelude::*;
use user_import::{CellEdit, ExistingUser, User};
use web_sys::{DragEvent, HtmlInputElement};

use crate::check_client::CheckClient;
use crate::check_file::{CheckError, CheckOptions};
use crate::checked::{format_size, CheckedFile};
use crate::focus::{focus_first, trap_tab};
use crate::results::Results;
use crate::{download_template, perf, Guidelines};

/// Where the dialog is: nothing chosen yet, checking a file, or its results.
#[derive(Debug, Clone)]
enum Step {
    Idle,
    Checking { name: String, size: u64 },
    Checked(Arc<CheckedFile>),
    Failed { name: String, message: String },
}

/// The Import users dialog.
#[component]
pub fn ImportDialog(
    /// Cleared when the dialog is closed.
    open: RwSignal<bool>,
    /// The location's current users, so that the check tells new users from
    /// updates and refuses extensions they hold.
    #[prop(optional, into)]
    existing_users: Signal<Vec<ExistingUser>>,
    /// Receives the accepted users on IMPORT ACCEPTED USERS.
    #[prop(optional)]
    on_import: Option<Callback<Vec<User>>>,
) -> impl IntoView {
    let show_guidelines = RwSignal::new(false);
    let download_error = RwSignal::new(None::<String>);
    let step = RwSignal::new(Step::Idle);
    let progress = RwSignal::new(0.0_f64);
    // Set while the accepted users come from the worker, on IMPORT.
    let handing_over = RwSignal::new(false);
    // The newest check's number in the worker, released when the dialog closes.
    let newest_check = StoredValue::new(None::<u32>);
    // Bumped for every file, so a check that was overtaken stops.
    let generation = StoredValue::new(0_u64);
    // dragenter/dragleave come in pairs for every element crossed.
    let drag_depth = RwSignal::new(0_i32);
    // The file checked last, and the cells corrected in its results: a
    // correction checks the same file again with every correction so far.
    let chosen_file = StoredValue::new_local(None::<web_sys::File>);
    let edits = RwSignal::new(Vec::<CellEdit>::new());
    let dialog_ref = NodeRef::<html::Div>::new();
    let input_ref = NodeRef::<html::Input>::new();
    let close = move || open.set(false);

    Effect::new(move |_| {
        if let Some(dialog) = dialog_ref.get() {
            focus_first(&dialog);
        }
    });
    // Started now, so the checker is ready by the time a file is chosen.
    let _ = CheckClient::shared();
    on_cleanup(move || {
        if let Some(Some(check)) = newest_check.try_get_value() {
            CheckClient::release_shared(check);
        }
    });

    let check = move |file: web_sys::File| {
        perf::mark(perf::CHOSEN_MARK);
        let run = generation.get_value() + 1;
        generation.set_value(run);
        let current = move || generation.try_get_value() == Some(run);
        let name = file.name();
        let size = file.size() as u64;
        progress.set(0.0);
        step.set(Step::Checking {
            name: name.clone(),
            size,
        });
        chosen_file.set_value(Some(file.clone()));
        let options = CheckOptions {
            existing_users: existing_users.get_untracked(),
            edits: edits.get_untracked(),
            ..CheckOptions::default()
        };
        let client = match CheckClient::shared() {
            Ok(client) => client,
            Err(err) => {
                step.set(Step::Failed {
                    name,
                    message: err.to_string(),
                });
                return;
            }
        };
        let (check_id, result) = client.check(&file, options, move |bytes, _rows| {
            if current() && size > 0 {
                let _ = progress.try_set(bytes as f64 * 100.0 / size as f64);
            }
        });
        newest_check.set_value(Some(check_id));
        leptos::task::spawn_local(async move {
            let result = result.await;
            if !current() {
                return;
            }
            match result {
                Ok(summary) => {
                    perf::measure_span(perf::CHECK_MEASURE, summary.started_at, summary.check_ms);
                    let checked = CheckedFile::new(&name, size, check_id, summary);
                    step.set(Step::Checked(Arc::new(checked)));
                    perf::after_next_paint(|| {
                        perf::measure(perf::SHOWN_MEASURE, perf::CHOSEN_MARK, None)
                    });
                }
                Err(CheckError::Cancelled) => {}
                Err(err) => step.set(Step::Failed {
                    name,
                    message: err.to_string(),
                }),
            }
        });
    };

    // Stops the check in progress; the dialog goes back to choosing a file.
    let cancel_check = Callback::new(move |()| {
        generation.set_value(generation.get_value() + 1);
        if let Some(check) = newest_check.get_value() {
            CheckClient::release_shared(check);
        }
        newest_check.set_value(None);
        step.set(Step::Idle);
    });
    let on_file_chosen = move |ev: web_sys::Event| {
        let input: HtmlInputElement = event_target(&ev);
        let file = input.files().and_then(|files| files.get(0));
        // Cleared, so that choosing the same file again is a change too.
        input.set_value("");
        if let Some(file) = file {
            edits.set(Vec::new());
            check(file);
        }
    };
    let on_drop = move |ev: DragEvent| {
        ev.prevent_default();
        drag_depth.set(0);
        let file = ev
            .data_transfer()
            .and_then(|dt| dt.files())
            .and_then(|files| files.get(0));
        if let Some(file) = file {
            edits.set(Vec::new());
            check(file);
        }
    };
    let on_fix = Callback::new(move |edit: CellEdit| {
        edits.update(|all| all.push(edit));
        if let Some(file) = chosen_file.get_value() {
            check(file);
        }
    });
    let on_drag_over = move |ev: DragEvent| {
        ev.prevent_default();
        if let Some(dt) = ev.data_transfer() {
            dt.set_drop_effect("copy");
        }
    };
    let choose_file = move |_| {
        if let Some(input) = input_ref.get_untracked() {
            input.click();
        }
    };
    let download = move |_| match download_template() {
        Ok(()) => download_error.set(None),
        Err(err) => download_error.set(Some(crate::download::describe(
            &err,
            "The template could not be downloaded.",
        ))),
    };
    let accepted = move || {
        step.with(|s| match s {
            Step::Checked(checked) if !checked.has_file_errors() => checked.counts().accepted,
            _ => 0,
        })
    };
    let import_accepted = move |_| {
        let (Step::Checked(checked), Some(on_import)) = (step.get_untracked(), on_import) else {
            return;
        };
        handing_over.set(true);
        leptos::task::spawn_local(async move {
            let users = match CheckClient::shared() {
                Ok(client) => client.accepted_users(checked.check).await,
                Err(err) => Err(err),
            };
            let closed =
                handing_over.try_set(false).is_some() || !open.try_get_untracked().unwrap_or(false);
            if closed {
                // The dialog was closed (Cancel, Esc) before the users came:
                // nothing is imported.
                return;
            }
            match users {
                Ok(users) => on_import.run(users),
                Err(err) => {
                    let _ = step.try_set(Step::Failed {
                        name: checked.file_name.clone(),
                        message: err.to_string(),
                    });
                }
            }
        });
    };
    let announcement = move || {
        step.with(|s| match s {
            Step::Idle | Step::Failed { .. } => String::new(),
            Step::Checking { name, .. } => format!("Checking {name}…"),
            Step::Checked(checked) => checked.summary(),
        })
    };

    view! {
        <div
            class="backdrop"
            on:click=move |_| close()
            on:dragover=move |ev: DragEvent| ev.prevent_default()
            on:drop=move |ev: DragEvent| ev.prevent_default()
        ></div>
        <div
            class="dialog"
            class:dragging={move || drag_depth.get() > 0}
            role="dialog"
            aria-modal="true"
            aria-labelledby="import-dialog-title"
            aria-describedby="import-dialog-description"
            data-testid="import-dialog"
            tabindex="-1"
            node_ref=dialog_ref
            on:keydown=move |ev| {
                if ev.key() == "Escape" {
                    close();
                } else if let Some(dialog) = dialog_ref.get_untracked() {
                    trap_tab(&dialog, &ev);
                }
            }
            on:dragenter=move |ev: DragEvent| {
                ev.prevent_default();
                drag_depth.update(|d| *d += 1);
            }
            on:dragleave=move |_| drag_depth.update(|d| *d = (*d - 1).max(0))
            on:dragover=on_drag_over
            on:drop=on_drop
        >
            <h2 id="import-dialog-title">"Import users"</h2>
            <p id="import-dialog-description" class="muted">
                "Upload a CSV file with one user per row. It is checked here in your browser; \
                 nothing is imported until you confirm."
            </p>
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
                    class="btn btn-primary"
                    data-testid="upload"
                    on:click=choose_file
                >
                    "UPLOAD AND IMPORT"
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
            <input
                type="file"
                class="visually-hidden"
                accept=".csv,text/csv"
                tabindex="-1"
                aria-hidden="true"
                node_ref=input_ref
                on:change=on_file_chosen
            />
            <Show when=move || show_guidelines.get()>
                <Guidelines/>
            </Show>
            {move || {
                download_error
                    .get()
                    .map(|msg| view! { <p class="error" role="alert">{msg}</p> })
            }}
            <p class="visually-hidden" role="status" aria-live="polite" data-testid="announcement">
                {announcement}
            </p>
            {move || match step.get() {
                Step::Idle => view! { <DropZone active=Signal::derive(move || drag_depth.get() > 0)/> }.into_any(),
                Step::Checking { name, size } => view! { <Checking name=name size=size progress=progress on_cancel=cancel_check/> }.into_any(),
                Step::Checked(checked) => view! { <Results checked=checked on_fix=on_fix/> }.into_any(),
                Step::Failed { name, message } => {
                    view! {
                        <div class="alert alert-error" role="alert" data-testid="read-error">
                            <p class="alert-title">{name}</p>
                            <p>{message}</p>
                        </div>
                    }
                        .into_any()
                }
            }}
            <div class="dialog-footer">
                <button type="button" class="btn btn-text" data-testid="cancel" on:click=move |_| close()>
                    "Cancel"
                </button>
                <button
                    type="button"
                    class="btn btn-primary"
                    data-testid="import-accepted"
                    disabled=move || accepted() == 0 || handing_over.get()
                    aria-busy=move || handing_over.get().to_string()
                    on:click=import_accepted
                >
                    "IMPORT ACCEPTED USERS"
                </button>
            </div>
        </div>
    }
}

/// Where a file can be dropped before one is chosen.
#[component]
fn DropZone(active: Signal<bool>) -> impl IntoView {
    view! {
        <div class="dropzone" class:active=move || active.get() data-testid="dropzone">
            <p class="dropzone-title">"Drop a CSV file here"</p>
            <p class="muted">"or choose UPLOAD AND IMPORT. Start from the template to get the columns right."</p>
        </div>
    }
}

/// Files at least this large get a progress bar while they are checked.
pub const PROGRESS_FROM_BYTES: u64 = 1024 * 1024;

/// The file being checked, with a progress bar and a way to stop when it
/// is large.
#[component]
fn Checking(
    name: String,
    size: u64,
    progress: RwSignal<f64>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let large = size >= PROGRESS_FROM_BYTES;
    view! {
        <div class="checking" data-testid="checking">
            <p>
                "Checking " <strong>{name}</strong> " (" {format_size(size)} ")…"
                {large.then(|| view! {
                    " "
                    <button
                        type="button"
                        class="btn btn-text"
                        data-testid="cancel-check"
                        on:click=move |_| on_cancel.run(())
                    >
                        "Stop checking"
                    </button>
                })}
            </p>
            {large.then(|| view! {
                <div
                    class="progress"
                    role="progressbar"
                    aria-label="Checking the file"
                    aria-valuemin="0"
                    aria-valuemax="100"
                    aria-valuenow=move || progress.get().round() as u32
                >
                    <div class="progress-bar" style:width=move || format!("{}%", progress.get().round() as u32)></div>
                </div>
            })}
        </div>
    }
}
