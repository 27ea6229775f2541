//! Assigning an extension and application licenses to a user, after
//! import: a small form that checks the extension with the rules crate
//! before it asks the portal, and shows the portal's answer.

use crate::api::{self, PortalUser, UserPatch};
use leptos::prelude::*;
use leptos::task::spawn_local;
use user_import::{rules, Field, LICENSES};

/// The form for one user; `on_saved` gets the user as stored.
#[component]
pub fn AssignUser(
    location: i64,
    user: PortalUser,
    on_saved: Callback<PortalUser>,
) -> impl IntoView {
    let extension = RwSignal::new(user.extension.clone().unwrap_or_default());
    let licenses = RwSignal::new(user.licenses.clone());
    let problem = RwSignal::new(None::<String>);
    let saving = RwSignal::new(false);
    let id = user.id;
    let field_id = format!("assign-extension-{id}");

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = extension.get_untracked();
        let wanted = match rules::normalize(Field::Extension, rules::prepare_cell(&typed)) {
            Ok(value) => value.map(|v| v.into_owned()),
            Err(p) => {
                problem.set(Some(p.message));
                return;
            }
        };
        let patch = UserPatch {
            extension: Some(wanted),
            licenses: Some(licenses.get_untracked()),
        };
        problem.set(None);
        saving.set(true);
        spawn_local(async move {
            match api::patch_user(location, id, &patch).await {
                Ok(saved) => on_saved.run(saved),
                Err(failure) => problem.set(Some(failure.message())),
            }
            saving.set(false);
        });
    };

    view! {
        <form class="assign" on:submit=save data-testid="assign-form">
            <label for=field_id.clone()>"Extension"</label>
            <input
                id=field_id
                type="text"
                inputmode="numeric"
                autocomplete="off"
                maxlength="6"
                prop:value=move || extension.get()
                on:input=move |ev| extension.set(event_target_value(&ev))
                aria-invalid=move || problem.get().is_some().to_string()
            />
            <fieldset class="licenses">
                <legend>"Application licenses"</legend>
                {LICENSES
                    .iter()
                    .map(|license| {
                        let key = license.key.to_string();
                        let checked_key = key.clone();
                        view! {
                            <label class="check">
                                <input
                                    type="checkbox"
                                    value=license.key
                                    prop:checked=move || licenses.with(|l| l.contains(&checked_key))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        let key = key.clone();
                                        licenses.update(|l| {
                                            l.retain(|k| *k != key);
                                            if on {
                                                l.push(key);
                                            }
                                        });
                                    }
                                />
                                {license.name}
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <button type="submit" class="btn btn-primary" disabled=move || saving.get()>
                {move || if saving.get() { "Saving…" } else { "Save" }}
            </button>
            {move || problem.get().map(|message| view! { <p class="error" role="alert">{message}</p> })}
        </form>
    }
}
