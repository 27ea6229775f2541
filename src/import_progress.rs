//! The import as it runs and after: a progress bar, the reason a batch
//! failed with Retry and a CSV of what is left, then the imported users
//! (created and updated) and the users the server refused.

use crate::api::PortalUser;
use crate::assign_user::AssignUser;
use crate::download::save_csv;
use crate::import_run::{retry, ImportRun, RunState};
use leptos::prelude::*;
use leptos::task::spawn_local;
use user_import::group_thousands;

/// The file name of the users not imported yet.
pub const REMAINING_FILE_NAME: &str = "users-not-imported.csv";
/// The file name of the users the server refused.
pub const REFUSED_FILE_NAME: &str = "users-refused.csv";

/// The progress of `run`, and its outcome once done.
#[component]
pub fn ImportProgress(run: RwSignal<ImportRun>) -> impl IntoView {
    let total = move || run.with(|r| r.users_total());
    let sent = move || run.with(|r| r.users_sent());
    let state = move || run.with(|r| r.state.clone());
    let percent = move || {
        let total = total().max(1);
        sent() * 100 / total
    };

    view! {
        <section class="import-progress" aria-labelledby="import-progress-title">
            <h3 id="import-progress-title">
                {move || match state() {
                    RunState::Sending => "Importing users…",
                    RunState::Stopped(_) => "Import stopped",
                    RunState::Done => "Import finished",
                }}
            </h3>
            <div
                class="progress"
                role="progressbar"
                aria-label="Users imported"
                aria-valuemin="0"
                aria-valuemax=move || total().to_string()
                aria-valuenow=move || sent().to_string()
                data-testid="import-progress"
            >
                <div class="progress-bar" style:width=move || format!("{}%", percent())></div>
            </div>
            <p class="muted" aria-live="polite">
                {move || format!("{} of {} users sent", group_thousands(sent() as u64), group_thousands(total() as u64))}
            </p>
            {move || match state() {
                RunState::Stopped(failure) => Some(view! { <Stopped run=run message=failure.message() signed_out=failure.is_signed_out()/> }.into_any()),
                RunState::Done => Some(view! { <Outcome run=run/> }.into_any()),
                RunState::Sending => None,
            }}
        </section>
    }
}

/// A failed batch: why, Retry, and the users not imported yet as a CSV.
#[component]
fn Stopped(run: RwSignal<ImportRun>, message: String, signed_out: bool) -> impl IntoView {
    let remaining = move || run.with(|r| r.remaining().count());
    let download = move |_| {
        let bytes =
            run.with_untracked(|r| user_import::users_file(r.remaining().map(|u| (u, &[][..]))));
        let _ = save_csv(&bytes, REMAINING_FILE_NAME);
    };
    let advice = if signed_out {
        "Sign in again (open your sign-in link in a new tab), then come back and press Retry."
    } else {
        "Press Retry: the batch is sent again with the same key, so nobody is stored twice."
    };
    view! {
        <div class="alert alert-error" role="alert" data-testid="import-failed">
            <p><strong>{message}</strong></p>
            <p>
                {advice} " "
                {move || format!("{} users are not imported yet; none of them is lost.", group_thousands(remaining() as u64))}
            </p>
            <div class="alert-actions">
                <button type="button" class="btn btn-primary" data-testid="retry" on:click=move |_| spawn_local(retry(run))>
                    "Retry"
                </button>
                <button type="button" class="btn" data-testid="download-remaining" on:click=download>
                    "Download users not imported"
                </button>
            </div>
        </div>
    }
}

/// The imported users (created and updated) and the refused ones.
#[component]
fn Outcome(run: RwSignal<ImportRun>) -> impl IntoView {
    let location = run.with_untracked(|r| r.location);
    let imported = RwSignal::new(run.with_untracked(|r| {
        let created = r.created().cloned().map(|u| (u, true));
        let updated = r.updated().cloned().map(|u| (u, false));
        created.chain(updated).collect::<Vec<(PortalUser, bool)>>()
    }));
    let refused = run.with_untracked(|r| r.refused());
    let created = run.with_untracked(|r| r.created().count());
    let updated = run.with_untracked(|r| r.updated().count());
    let refused_count = refused.len();
    // The first refused users with the portal's reasons; the file has all.
    const REFUSED_SHOWN: usize = 20;
    let refused_lines: Vec<String> = refused
        .iter()
        .take(REFUSED_SHOWN)
        .map(|r| format!("{}: {}", r.user.email, r.errors.join("; ")))
        .collect();
    let download_refused = move |_| {
        let bytes = user_import::users_file(refused.iter().map(|r| (&r.user, &r.errors[..])));
        let _ = save_csv(&bytes, REFUSED_FILE_NAME);
    };

    view! {
        <p class="summary" data-testid="import-summary">
            <span data-imported="created">{group_thousands(created as u64)}</span> " created, "
            <span data-imported="updated">{group_thousands(updated as u64)}</span> " updated"
            {(refused_count > 0).then(|| view! {
                ", " <span data-imported="refused">{group_thousands(refused_count as u64)}</span> " refused by the portal"
            })}
        </p>
        {(refused_count > 0).then(|| view! {
            <div class="alert alert-warning" role="status" data-testid="refused">
                <p>"The portal refused these users; nothing else was changed for them."</p>
                <ul>
                    {refused_lines.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
                </ul>
                {(refused_count > REFUSED_SHOWN).then(|| view! {
                    <p>{format!("and {} more, all in the file.", group_thousands((refused_count - REFUSED_SHOWN) as u64))}</p>
                })}
                <button type="button" class="btn" data-testid="download-refused" on:click=download_refused>
                    "Download refused users"
                </button>
            </div>
        })}
        <ImportedList location=location users=imported/>
    }
}

/// The imported users, each with its extension and licenses to assign.
#[component]
pub fn ImportedList(location: i64, users: RwSignal<Vec<(PortalUser, bool)>>) -> impl IntoView {
    // A long list shows its first users; the User management list has all.
    const SHOWN: usize = 200;
    let editing = RwSignal::new(None::<i64>);
    let total = move || users.with(|u| u.len());
    view! {
        <table class="imported" data-testid="imported-list">
            <caption class="visually-hidden">"Imported users"</caption>
            <thead>
                <tr><th>"Name"</th><th>"Email"</th><th>"Extension"</th><th>"Licenses"</th><th>""</th><th></th></tr>
            </thead>
            <tbody>
                <For
                    each=move || users.get().into_iter().take(SHOWN).enumerate()
                    key=|(_, (user, _))| (user.id, user.extension.clone(), user.licenses.clone())
                    children=move |(index, (user, created))| {
                        let id = user.id;
                        let shown = user.clone();
                        view! {
                            <tr data-user-id=id>
                                <td>{format!("{} {}", shown.first_name, shown.last_name)}</td>
                                <td>{shown.email.clone()}</td>
                                <td>{shown.extension.clone().unwrap_or_default()}</td>
                                <td>{license_names(&shown.licenses)}</td>
                                <td><span class=if created { "badge badge-new" } else { "badge" }>{if created { "created" } else { "updated" }}</span></td>
                                <td>
                                    <button type="button" class="btn btn-text" data-testid="assign"
                                        aria-expanded=move || (editing.get() == Some(id)).to_string()
                                        on:click=move |_| editing.update(|e| *e = if *e == Some(id) { None } else { Some(id) })>
                                        "Assign"
                                    </button>
                                </td>
                            </tr>
                            <Show when=move || editing.get() == Some(id)>
                                <tr class="assign-row"><td colspan="6">
                                    <AssignUser
                                        location=location
                                        user=user.clone()
                                        on_saved=Callback::new(move |saved: PortalUser| {
                                            users.update(|list| if let Some(entry) = list.get_mut(index) { entry.0 = saved; });
                                            editing.set(None);
                                        })
                                    />
                                </td></tr>
                            </Show>
                        }
                    }
                />
            </tbody>
        </table>
        {move || (total() > SHOWN).then(|| view! {
            <p class="muted">{format!("The first {SHOWN} of {} imported users; User management lists them all.", group_thousands(total() as u64))}</p>
        })}
    }
}

/// License keys as the names people know.
pub fn license_names(keys: &[String]) -> String {
    keys.iter()
        .map(|k| user_import::license(k).map_or(k.as_str(), |l| l.name))
        .collect::<Vec<_>>()
        .join(", ")
}
