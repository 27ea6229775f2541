//! The location's users on the User management page: a virtualized list
//! (the DOM holds only the rows in view) that fetches the pages it shows
//! from the portal, with a search and the assign form for the chosen user.

use crate::api::{self, PortalUser};
use crate::assign_user::AssignUser;
use crate::import_progress::license_names;
use crate::virtual_rows::{px, visible_window};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::{HashMap, HashSet};
use user_import::group_thousands;

/// Users per request.
const PAGE: u32 = 100;
/// Every row is this tall (CSS `.user-row` agrees), so the window is exact.
const ROW_PX: f64 = 44.0;
const VIEWPORT_PX: f64 = 440.0;
const OVERSCAN: usize = 6;

/// The pages fetched so far for one location and search.
#[derive(Default)]
struct Pages {
    /// Which location, search and refresh these pages belong to; answers
    /// for an older one are dropped.
    generation: u32,
    total: Option<u64>,
    loaded: HashMap<u32, Vec<PortalUser>>,
    requested: HashSet<u32>,
}

/// The users of `location`; bump `refresh` to load them again (after an import).
#[component]
pub fn UserList(location: i64, #[prop(into)] refresh: Signal<u32>) -> impl IntoView {
    let query = RwSignal::new(String::new());
    let pages = RwSignal::new(Pages::default());
    let problem = RwSignal::new(None::<String>);
    let scroll_top = RwSignal::new(0.0_f64);
    let selected = RwSignal::new(None::<PortalUser>);
    let viewport = NodeRef::<html::Div>::new();

    let fetch = move |page: u32| {
        let (generation, q) = pages.with_untracked(|p| (p.generation, query.get_untracked()));
        pages.update(|p| {
            p.requested.insert(page);
        });
        spawn_local(async move {
            let answer = api::users(location, page * PAGE, PAGE, &q).await;
            pages.update(|p| {
                if p.generation != generation {
                    return;
                }
                match answer {
                    Ok(found) => {
                        p.total = Some(found.total);
                        p.loaded.insert(page, found.users);
                    }
                    Err(failure) => {
                        p.requested.remove(&page);
                        problem.set(Some(failure.message()));
                    }
                }
            });
        });
    };

    // A new search or a refresh starts over from the top.
    Effect::new(move |_| {
        query.track();
        refresh.track();
        pages.update(|p| {
            let generation = p.generation + 1;
            *p = Pages {
                generation,
                ..Pages::default()
            };
        });
        problem.set(None);
        scroll_top.set(0.0);
        if let Some(el) = viewport.get_untracked() {
            el.set_scroll_top(0);
        }
        fetch(0);
    });

    let window = Memo::new(move |_| {
        let total = pages.with(|p| p.total.unwrap_or(0)) as usize;
        visible_window(total, ROW_PX, scroll_top.get(), VIEWPORT_PX, OVERSCAN)
    });

    // Fetch the pages the window needs.
    Effect::new(move |_| {
        let w = window.get();
        if w.end == 0 {
            return;
        }
        let first = (w.start as u32) / PAGE;
        let last = ((w.end - 1) as u32) / PAGE;
        for page in first..=last {
            if !pages.with_untracked(|p| p.requested.contains(&page)) {
                fetch(page);
            }
        }
    });

    let row = move |index: usize| -> Option<PortalUser> {
        pages.with(|p| {
            p.loaded
                .get(&(index as u32 / PAGE))
                .and_then(|users| users.get(index % PAGE as usize).cloned())
        })
    };

    view! {
        <div class="user-list">
            <div class="list-toolbar">
                <label class="visually-hidden" for="user-search">"Search users"</label>
                <input
                    id="user-search"
                    type="search"
                    placeholder="Search by name or email"
                    on:input=move |ev| query.set(event_target_value(&ev))
                    data-testid="user-search"
                />
                <span class="muted" data-testid="user-total" aria-live="polite">
                    {move || pages.with(|p| p.total).map(|t| format!("{} users", group_thousands(t)))}
                </span>
            </div>
            {move || problem.get().map(|message| view! { <p class="error" role="alert">{message}</p> })}
            <div
                class="list-viewport"
                node_ref=viewport
                // Short lists take only the room they need.
                style:height=move || px((pages.with(|p| p.total.unwrap_or(0)) as f64 * ROW_PX).clamp(ROW_PX * 2.0, VIEWPORT_PX))
                on:scroll=move |_| {
                    if let Some(el) = viewport.get_untracked() {
                        scroll_top.set(f64::from(el.scroll_top()));
                    }
                }
                role="table"
                aria-label="Users of this location"
                aria-rowcount=move || pages.with(|p| p.total.unwrap_or(0)).to_string()
                data-testid="user-list"
            >
                <div style:height=move || px(window.get().top_px)></div>
                <For
                    each=move || { let w = window.get(); w.start..w.end }
                    key=|index| *index
                    children=move |index| {
                        view! {
                            <div
                                class="user-row"
                                role="row"
                                aria-rowindex=index + 1
                                style:height=px(ROW_PX)
                            >
                                {move || match row(index) {
                                    Some(user) => {
                                        let chosen = user.clone();
                                        view! {
                                            <span role="cell" class="name">{format!("{} {}", user.first_name, user.last_name)}</span>
                                            <span role="cell" class="email">{user.email.clone()}</span>
                                            <span role="cell" class="ext">{user.extension.clone().unwrap_or_default()}</span>
                                            <span role="cell" class="lic">{license_names(&user.licenses)}</span>
                                            <span role="cell">
                                                <button type="button" class="btn btn-text" data-testid="assign"
                                                    on:click=move |_| selected.set(Some(chosen.clone()))>
                                                    "Assign"
                                                </button>
                                            </span>
                                        }
                                            .into_any()
                                    }
                                    None => view! { <span role="cell" class="muted">"Loading…"</span> }.into_any(),
                                }}
                            </div>
                        }
                    }
                />
                <div style:height=move || px(window.get().bottom_px)></div>
            </div>
            {move || selected.get().map(|user| {
                let name = format!("{} {}", user.first_name, user.last_name);
                view! {
                    <div class="assign-panel" data-testid="assign-panel">
                        <h3>{format!("Assign to {name}")}</h3>
                        <AssignUser
                            location=location
                            user=user
                            on_saved=Callback::new(move |saved: PortalUser| {
                                pages.update(|p| {
                                    for users in p.loaded.values_mut() {
                                        for u in users.iter_mut().filter(|u| u.id == saved.id) {
                                            *u = saved.clone();
                                        }
                                    }
                                });
                                selected.set(None);
                            })
                        />
                    </div>
                }
            })}
        </div>
    }
}
