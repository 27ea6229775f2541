//! The results of a check: the figures, the file's problems and warnings,
//! the rejected rows cell by cell (a virtualized table), the error file.
//!
//! Every value from the file is rendered as text, never as markup.

use std::sync::Arc;

use leptos::html;
use leptos::prelude::*;
use user_import::{CellEdit, Counts};

use crate::check_client::CheckClient;
use crate::check_protocol::ErrorLine;

use crate::checked::{format_size, group_thousands, CheckedFile};
use crate::download::ObjectUrl;
use crate::perf::after_next_paint;
use crate::virtual_rows::px;
use crate::virtual_rows::visible_window;

/// The height of one line of the error table, in pixels (CSS follows it).
pub const ERROR_ROW_PX: u32 = 48;
/// Lines rendered above and below the visible ones.
pub const ERROR_OVERSCAN: usize = 6;
/// The error table's viewport before it is measured.
const DEFAULT_VIEWPORT_PX: f64 = 384.0;
/// Lines fetched beyond the visible ones, each way, when the table asks
/// the worker for more: a scroll of a page or two needs no new request.
pub const ERROR_LINES_AHEAD: usize = 100;

/// The whole results view of one checked file.
#[component]
pub fn Results(
    checked: Arc<CheckedFile>,
    /// A rejected cell corrected in the error table; without it the table
    /// only shows.
    #[prop(optional)]
    on_fix: Option<Callback<CellEdit>>,
) -> impl IntoView {
    let has_file_errors = checked.has_file_errors();
    let has_errors = checked.error_count() > 0;
    view! {
        <section class="results" aria-labelledby="results-title" data-testid="results">
            <div class="results-header">
                <h3 id="results-title" class="file-name">{checked.file_name.clone()}</h3>
                <span class="muted">{format_size(checked.file_size)}</span>
                <span class="checked-line" data-testid="checked-line">{checked.checked_line()}</span>
            </div>
            {has_file_errors.then(|| view! { <FileErrors errors=checked.summary.file_errors.clone()/> })}
            <Figures counts=checked.counts()/>
            <Notices checked=checked.clone()/>
            {has_errors.then(|| view! { <ErrorTable checked=checked.clone() on_fix=on_fix/> })}
        </section>
    }
}

/// Problems with the whole file: nothing in it can be imported.
#[component]
fn FileErrors(errors: Vec<String>) -> impl IntoView {
    view! {
        <div class="alert alert-error" role="alert" data-testid="file-errors">
            <p class="alert-title">"This file cannot be imported"</p>
            <ul>{errors.into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}</ul>
        </div>
    }
}

/// The figures, each marked with `data-count` for tests.
#[component]
pub fn Figures(counts: Counts) -> impl IntoView {
    let figures: [(&str, &str, u32, &str); 7] = [
        ("rows", "Rows", counts.rows, ""),
        ("accepted", "Accepted", counts.accepted, "good"),
        ("rejected", "Rejected", counts.rejected, "bad"),
        ("superseded", "Superseded", counts.superseded, "warn"),
        ("blank", "Blank", counts.blank_rows, ""),
        ("new", "New users", counts.new, ""),
        ("updates", "Updates", counts.updates, ""),
    ];
    view! {
        <dl class="figures">
            {figures
                .into_iter()
                .map(|(key, label, value, tone)| {
                    let tone = if value > 0 { tone } else { "" };
                    view! {
                        <div class="figure" data-tone=tone>
                            <dt>{label}</dt>
                            <dd data-count=key>{value}</dd>
                        </div>
                    }
                })
                .collect_view()}
        </dl>
    }
}

/// Warnings: encoding, unknown columns, and the rows superseded by later ones.
#[component]
fn Notices(checked: Arc<CheckedFile>) -> impl IntoView {
    let general = checked.summary.warnings.clone();
    let superseded = checked.counts().superseded as usize;
    let listed = checked.summary.superseded.clone();
    if general.is_empty() && superseded == 0 {
        return None;
    }
    let more = superseded.saturating_sub(listed.len());
    Some(view! {
        <div class="alert alert-warning" data-testid="warnings">
            <ul>
                {general.into_iter().map(|w| view! { <li>{w}</li> }).collect_view()}
                {(superseded > 0).then(|| view! {
                    <li>
                        {superseded_sentence(superseded)}
                        <details>
                            <summary>"Show the replaced rows"</summary>
                            <ul class="superseded-list">
                                {listed.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}
                                {(more > 0).then(|| view! {
                                    <li class="muted">{format!("and {} more", group_thousands(more as u64))}</li>
                                })}
                            </ul>
                        </details>
                    </li>
                })}
            </ul>
        </div>
    })
}

fn superseded_sentence(superseded: usize) -> String {
    if superseded == 1 {
        "1 row has the same email as a later row; the later row wins and this one is not imported."
            .to_owned()
    } else {
        format!(
            "{} rows have the same email as a later row; the later rows win and these are not imported.",
            group_thousands(superseded as u64)
        )
    }
}

/// The lines of the error table at hand: those from `start`, as the worker
/// sent them.
#[derive(Debug, Clone, Default)]
struct LoadedLines {
    start: usize,
    lines: Vec<ErrorLine>,
}

impl LoadedLines {
    fn get(&self, index: usize) -> Option<&ErrorLine> {
        self.lines.get(index.checked_sub(self.start)?)
    }
}

/// The cell being corrected: the line it was opened from, and every
/// problem of that cell.
#[derive(Debug, Clone)]
struct Fixing {
    line: ErrorLine,
    problems: Vec<String>,
}

/// The errors, one line per problem, in a scroll container that renders
/// only the lines in view (the DOM stays the same size for any file). The
/// lines come from the check worker a window at a time: the first ones
/// with the summary, the others as they scroll into view.
#[component]
fn ErrorTable(checked: Arc<CheckedFile>, on_fix: Option<Callback<CellEdit>>) -> impl IntoView {
    let fixing = RwSignal::new(None::<Fixing>);
    let total = checked.error_count();
    let rows_with_errors = checked.counts().rejected;
    let check = checked.check;
    let scroll_top = RwSignal::new(0.0_f64);
    let viewport = RwSignal::new(DEFAULT_VIEWPORT_PX);
    let window = Memo::new(move |_| {
        visible_window(
            total,
            f64::from(ERROR_ROW_PX),
            scroll_top.get(),
            viewport.get(),
            ERROR_OVERSCAN,
        )
    });
    let first = checked.summary.first_lines.clone();
    // The range asked for last; the lines of an older request are dropped.
    let requested = StoredValue::new((0, first.len()));
    let loaded = RwSignal::new(LoadedLines {
        start: 0,
        lines: first,
    });
    Effect::new(move |_| {
        let w = window.get();
        let (from, to) = requested.get_value();
        if w.start >= from && w.end <= to {
            return;
        }
        let range = (
            w.start.saturating_sub(ERROR_LINES_AHEAD),
            (w.end + ERROR_LINES_AHEAD).min(total),
        );
        requested.set_value(range);
        leptos::task::spawn_local(async move {
            let Ok(client) = CheckClient::shared() else {
                return;
            };
            if let Ok((start, lines)) = client.error_lines(check, range.0, range.1).await {
                if requested.try_get_value() == Some(range) {
                    loaded.set(LoadedLines { start, lines });
                }
            }
        });
    });
    let scroller = NodeRef::<html::Div>::new();
    let measure = move || {
        if let Some(el) = scroller.get_untracked() {
            scroll_top.set(f64::from(el.scroll_top()));
            let height = f64::from(el.client_height());
            if height > 0.0 && height != viewport.get_untracked() {
                viewport.set(height);
            }
        }
    };
    // Measured in the next frame, where the browser lays the page out
    // anyway: measured at once, the layout would be forced inside the task
    // that builds the results, and make it a long one (15–17 ms of 35–48 ms
    // in a Chromium trace of a 100,000-row file's results).
    Effect::new(move |_| {
        if scroller.get().is_some() {
            request_animation_frame(measure);
        }
    });
    let header = Arc::new(checked.header().to_vec());
    let link = view! { <ErrorFileLink checked=checked.clone()/> };
    let open_fixer = on_fix.map(|_| {
        Callback::new(move |line: ErrorLine| {
            let problems = loaded.with_untracked(|l| {
                l.lines
                    .iter()
                    .filter(|other| {
                        other.row == line.row && other.column_index == line.column_index
                    })
                    .map(|other| other.message.clone())
                    .collect()
            });
            fixing.set(Some(Fixing { line, problems }));
        })
    });
    let line = move |index: usize| {
        let header = header.clone();
        move || {
            loaded.with(|l| match l.get(index) {
                Some(line) => error_line_view(line, &header, index, open_fixer).into_any(),
                None => pending_line_view(index).into_any(),
            })
        }
    };

    view! {
        <section class="errors" aria-labelledby="errors-title">
            <div class="errors-header">
                <h3 id="errors-title">"Errors"</h3>
                <span class="muted">
                    {format!(
                        "{} {} in {} {}",
                        group_thousands(total as u64),
                        if total == 1 { "problem" } else { "problems" },
                        group_thousands(rows_with_errors.into()),
                        if rows_with_errors == 1 { "row" } else { "rows" },
                    )}
                </span>
                {link}
            </div>
            {move || {
                let fixing_now = fixing.get()?;
                let on_fix = on_fix?;
                Some(view! { <CellFixer fixing=fixing_now close=fixing on_fix=on_fix/> })
            }}
            <div
                class="table-scroll"
                node_ref=scroller
                tabindex="0"
                role="region"
                aria-label="Errors, row by row"
                data-testid="error-table"
                on:scroll=move |_| measure()
            >
                // The padding stands in for the lines that are not rendered.
                <div
                    class="table-window"
                    style:padding-top=move || px(window.get().top_px)
                    style:padding-bottom=move || px(window.get().bottom_px)
                >
                    <table class="error-table" aria-rowcount={total + 1}>
                        <thead>
                            <tr aria-rowindex="1">
                                <th scope="col" class="cell-row">"Row"</th>
                                <th scope="col" class="cell-column">"Column"</th>
                                <th scope="col" class="cell-message">"Problem"</th>
                                <th scope="col" class="cell-values">"Row as uploaded"</th>
                            </tr>
                        </thead>
                        <tbody>
                            <For
                                each=move || { let w = window.get(); w.start..w.end }
                                key=|index| *index
                                children=line
                            />
                        </tbody>
                    </table>
                </div>
            </div>
        </section>
    }
}

/// A line of the error table whose text is still on its way from the worker.
fn pending_line_view(index: usize) -> impl IntoView {
    view! {
        <tr
            class="error-line-pending"
            aria-rowindex={index + 2}
            aria-busy="true"
            style:height=format!("{ERROR_ROW_PX}px")
        >
            <td colspan="4" class="muted">"…"</td>
        </tr>
    }
}

/// One line of the error table: row, column, problem, and the row's cells;
/// with `open_fixer`, a cell's column is a button that opens its editor.
fn error_line_view(
    line: &ErrorLine,
    header: &[String],
    index: usize,
    open_fixer: Option<Callback<ErrorLine>>,
) -> impl IntoView {
    let row = line.row;
    let column = line
        .column
        .clone()
        .unwrap_or_else(|| "Whole row".to_owned());
    let message = line.message.clone();
    let message_title = message.clone();
    let shown: Vec<&str> = line
        .cells
        .iter()
        .map(|c| {
            if c.trim().is_empty() {
                "—"
            } else {
                c.as_str()
            }
        })
        .collect();
    let values = shown.join(" · ");
    let values_title = header
        .iter()
        .zip(&line.cells)
        .map(|(h, c)| format!("{h}: {c}"))
        .collect::<Vec<_>>()
        .join("\n");
    let fix_button = match (open_fixer, line.column_index) {
        (Some(open_fixer), Some(_)) => {
            let target = line.clone();
            Some(view! {
                <button
                    type="button"
                    class="fix"
                    data-testid="fix-cell"
                    title="Correct this cell"
                    on:click=move |_| open_fixer.run(target.clone())
                >
                    {column.clone()}
                </button>
            })
        }
        _ => None,
    };
    let column_view = match fix_button {
        Some(button) => button.into_any(),
        None => view! { <div class="clamp">{column}</div> }.into_any(),
    };
    view! {
        <tr
            class="error-line"
            class:continues=line.continues_row
            data-row=row
            aria-rowindex={index + 2}
            style:height=format!("{ERROR_ROW_PX}px")
        >
            <td class="cell-row">{row}</td>
            <td class="cell-column">{column_view}</td>
            <td class="cell-message">
                <div class="clamp" title=message_title>{message}</div>
            </td>
            <td class="cell-values" title=values_title>{values}</td>
        </tr>
    }
}

/// The editor of one rejected cell: its value as uploaded (or as corrected
/// so far) and its problems; Re-check checks the file again with it.
#[component]
fn CellFixer(
    fixing: Fixing,
    /// Cleared to close the editor.
    close: RwSignal<Option<Fixing>>,
    on_fix: Callback<CellEdit>,
) -> impl IntoView {
    let Fixing { line, problems } = fixing;
    let row = line.row;
    let index = line.column_index.unwrap_or(0);
    let column = line.column.clone().unwrap_or_default();
    let current = line.cells.get(index).cloned().unwrap_or_default();
    let value = RwSignal::new(current);
    let input = NodeRef::<html::Input>::new();
    Effect::new(move |_| {
        if let Some(el) = input.get() {
            let _ = el.focus();
            el.select();
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        close.set(None);
        on_fix.run(CellEdit {
            row,
            column: index,
            value: value.get_untracked(),
        });
    };
    view! {
        <form class="cell-fixer" data-testid="cell-fixer" on:submit=submit>
            <label for="cell-fixer-value">{format!("Row {row} · {column}")}</label>
            <div class="cell-fixer-line">
                <input
                    id="cell-fixer-value"
                    type="text"
                    node_ref=input
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                    on:keydown=move |ev| {
                        if ev.key() == "Escape" {
                            ev.stop_propagation();
                            close.set(None);
                        }
                    }
                />
                <button type="submit" class="btn btn-primary" data-testid="recheck">"Re-check"</button>
                <button type="button" class="btn btn-text" on:click=move |_| close.set(None)>"Cancel"</button>
            </div>
            <ul class="muted">{problems.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
        </form>
    }
}

/// The **Download error file** link: a `blob:` URL of the error file that
/// the check worker builds once the results are on screen (they do not wait
/// for it); revoked when the results go away.
#[component]
pub fn ErrorFileLink(checked: Arc<CheckedFile>) -> impl IntoView {
    let url = RwSignal::new(None::<ObjectUrl>);
    let file_name = checked.error_file_name();
    let check = checked.check;
    after_next_paint(move || {
        leptos::task::spawn_local(async move {
            let Ok(client) = CheckClient::shared() else {
                return;
            };
            if let Ok(blob) = client.error_file(check).await {
                if let Ok(made) = ObjectUrl::from_blob(&blob) {
                    // Dropped (so revoked) at once if the results went away meanwhile.
                    let _ = url.try_set(Some(made));
                }
            }
        });
    });
    on_cleanup(move || {
        let _ = url.try_update(|url| url.take());
    });
    move || {
        url.with(|url| {
            url.as_ref().map(|url| {
                view! {
                    <a
                        class="btn"
                        data-testid="error-file"
                        download=file_name.clone()
                        href=url.as_str().to_owned()
                    >
                        "Download error file"
                    </a>
                }
            })
        })
    }
}
