//! The signed-in portal: who is signed in, the location picker, and the
//! chosen location's page (its users, the import, the import's outcome).
//! This is where the app meets the API; the components it composes take
//! their data as props, so browser tests can mount them without a server.

use crate::api::{self, Location, Me};
use crate::import_progress::ImportProgress;
use crate::import_run::{drive, ImportRun};
use crate::location_picker::LocationPicker;
use crate::user_list::UserList;
use crate::UserManagement;
use leptos::prelude::*;
use leptos::task::spawn_local;
use user_import::User;

/// The whole app: the header, then sign-in or the portal.
#[component]
pub fn App() -> impl IntoView {
    let me = LocalResource::new(api::me);
    view! {
        <header class="topbar">
            <span class="brand">"Voice portal"</span>
            {move || me.get().and_then(Result::ok).map(|me| view! {
                <span class="signed-in" data-testid="signed-in">{format!("{} · {}", me.name, role_name(&me.role))}</span>
            })}
        </header>
        <main class="page">
            {move || match me.get() {
                None => view! { <p class="muted" aria-busy="true">"Loading…"</p> }.into_any(),
                Some(Ok(me)) => view! { <Portal me=me/> }.into_any(),
                Some(Err(failure)) if failure.is_signed_out() => view! { <SignInNeeded/> }.into_any(),
                Some(Err(failure)) => view! {
                    <div class="alert alert-error" role="alert">
                        <p>{failure.message()}</p>
                        <button type="button" class="btn" on:click=move |_| me.refetch()>"Try again"</button>
                    </div>
                }
                    .into_any(),
            }}
        </main>
    }
}

fn role_name(role: &str) -> &'static str {
    if role == "partner" {
        "Partner"
    } else {
        "Location administrator"
    }
}

/// Nobody is signed in.
#[component]
fn SignInNeeded() -> impl IntoView {
    view! {
        <section class="card" data-testid="sign-in-needed">
            <h1>"Sign in"</h1>
            <p>"Open the sign-in link you were given to use the portal."</p>
            <p class="muted">
                "Running the reference server? " <code>"bash scripts/run.sh"</code>
                " prints a sign-in link for each demo account."
            </p>
        </section>
    }
}

/// The location picker and the chosen location's page. The import run
/// lives here, not in the location's page: choosing another location while
/// it sends does not stop it, and coming back shows how it went.
#[component]
fn Portal(me: Me) -> impl IntoView {
    let selected = RwSignal::new(None::<Location>);
    let run = RwSignal::new(ImportRun::new(0, Vec::new(), String::new));
    view! {
        <LocationPicker mine=me.locations selected=selected/>
        {move || selected.get().map(|location| view! { <LocationPage location=location run=run/> })}
    }
}

/// One location: its users, IMPORT.CSV (checked against the location's
/// users), and the import as it runs.
#[component]
fn LocationPage(location: Location, run: RwSignal<ImportRun>) -> impl IntoView {
    let id = location.id;
    // Bumped after an import, so the list and the directory are fresh.
    let refresh = RwSignal::new(0_u32);
    let directory = LocalResource::new(move || {
        refresh.track();
        api::directory(id)
    });
    // The run's card shows while it belongs to this location, until dismissed.
    let dismissed = RwSignal::new(false);
    let importing = Signal::derive(move || {
        !dismissed.get() && run.with(|r| r.location == id && !r.batches.is_empty())
    });
    let sending = move || run.with(ImportRun::is_sending);

    let existing_users =
        Signal::derive(move || directory.get().and_then(Result::ok).unwrap_or_default());
    // IMPORT.CSV waits for the location's users, and for an import to end.
    let directory_ready =
        Signal::derive(move || matches!(directory.get(), Some(Ok(_))) && !sending());
    let on_import = Callback::new(move |users: Vec<User>| {
        if run.with_untracked(ImportRun::is_sending) {
            return; // one import at a time; the button is disabled meanwhile
        }
        run.set(ImportRun::new(id, users, api::new_idempotency_key));
        dismissed.set(false);
        spawn_local(drive(run));
    });
    // Whenever the import stops sending (done, or stopped by a failure after
    // some batches were stored, and again after each Retry), the list and
    // the directory are loaded again.
    Effect::new(move |was_sending: Option<bool>| {
        let sending = sending();
        if was_sending == Some(true) && !sending {
            refresh.update(|r| *r += 1);
        }
        sending
    });

    view! {
        <UserManagement
            location_name=location.name.clone()
            existing_users=existing_users
            ready=directory_ready
            on_import=on_import
        />
        {move || match directory.get() {
            Some(Err(failure)) => Some(view! {
                <div class="alert alert-error" role="alert">
                    <p>{format!("The location's users could not be loaded: {}", failure.message())}</p>
                    <button type="button" class="btn" on:click=move |_| directory.refetch()>"Try again"</button>
                </div>
            }),
            _ => None,
        }}
        <Show when=move || importing.get()>
            <section class="card" aria-label="Import">
                <ImportProgress run=run/>
                <button type="button" class="btn btn-text" data-testid="dismiss-import"
                    disabled=sending
                    on:click=move |_| dismissed.set(true)>
                    "Dismiss"
                </button>
            </section>
        </Show>
        <section class="card" aria-labelledby="users-title">
            <h2 id="users-title">"Users"</h2>
            <UserList location=id refresh=refresh/>
        </section>
    }
}
