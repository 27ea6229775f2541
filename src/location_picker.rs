//! Choosing the location to manage: a search over the caller's locations.
//! A location administrator has one, which is chosen at once.

use crate::api::{self, Location};
use leptos::prelude::*;

/// The caller's locations, searchable; sets `selected`.
#[component]
pub fn LocationPicker(mine: Vec<Location>, selected: RwSignal<Option<Location>>) -> impl IntoView {
    if mine.len() == 1 && selected.get_untracked().is_none() {
        selected.set(mine.first().cloned());
    }
    let query = RwSignal::new(String::new());
    let found = LocalResource::new(move || {
        let q = query.get();
        async move { api::locations(&q).await }
    });

    view! {
        <section class="card location-picker" aria-labelledby="location-title">
            <h2 id="location-title">"Location"</h2>
            <label class="visually-hidden" for="location-search">"Search locations"</label>
            <input
                id="location-search"
                type="search"
                placeholder="Search your locations"
                data-testid="location-search"
                on:input=move |ev| query.set(event_target_value(&ev))
            />
            <ul class="locations" data-testid="locations">
                {move || found.get().map(|answer| match answer {
                    Ok(locations) if locations.is_empty() => view! { <li class="muted">"No location matches."</li> }.into_any(),
                    Ok(locations) => locations
                        .into_iter()
                        .map(|location| {
                            let id = location.id;
                            let chosen = location.clone();
                            view! {
                                <li>
                                    <button
                                        type="button"
                                        class="location"
                                        aria-pressed=move || selected.with(|s| s.as_ref().is_some_and(|s| s.id == id)).to_string()
                                        data-location-id=id
                                        on:click=move |_| selected.set(Some(chosen.clone()))
                                    >
                                        <span class="location-name">{location.name.clone()}</span>
                                        <span class="badge">{location.service.clone()}</span>
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                        .into_any(),
                    Err(failure) => view! { <li class="error" role="alert">{failure.message()}</li> }.into_any(),
                })}
            </ul>
        </section>
    }
}
