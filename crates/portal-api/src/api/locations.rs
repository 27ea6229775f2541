//! Locations: the ones a caller may see, and the access check every
//! location route makes (404 for an unknown location, 403 for another's).

use super::auth::Caller;
use super::error::ApiError;
use super::AppState;
use axum::extract::{Path, Query, State};
use axum::Json;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

/// A location as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    pub id: i64,
    pub name: String,
    /// `BV` or `BV+`.
    pub service: String,
}

/// At most this many locations answer one search.
const SEARCH_LIMIT: i64 = 100;

/// The locations `account` may see whose name contains `query` (any case),
/// by name.
pub fn search(
    connection: &Connection,
    account: i64,
    query: &str,
) -> Result<Vec<Location>, ApiError> {
    let pattern = format!("%{}%", escape_like(query.trim()));
    let mut statement = connection.prepare_cached(
        "SELECT l.id, l.name, l.service
           FROM locations l JOIN grants g ON g.location_id = l.id
          WHERE g.account_id = ?1 AND l.name LIKE ?2 ESCAPE '\\'
          ORDER BY l.name COLLATE NOCASE, l.id
          LIMIT ?3",
    )?;
    let rows = statement.query_map((account, pattern, SEARCH_LIMIT), |row| {
        Ok(Location {
            id: row.get(0)?,
            name: row.get(1)?,
            service: row.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// The location `id` when `account` may manage it: 404 when there is no
/// such location, 403 when it is someone else's.
pub fn access(connection: &Connection, account: i64, id: &str) -> Result<Location, ApiError> {
    let unknown = || ApiError::not_found("unknown_location", format!("There is no location {id}."));
    let id: i64 = id.parse().map_err(|_| unknown())?;
    let found = connection
        .query_row(
            "SELECT l.id, l.name, l.service,
                    EXISTS (SELECT 1 FROM grants WHERE account_id = ?2 AND location_id = l.id)
               FROM locations l WHERE l.id = ?1",
            (id, account),
            |row| {
                Ok((
                    Location {
                        id: row.get(0)?,
                        name: row.get(1)?,
                        service: row.get(2)?,
                    },
                    row.get::<_, bool>(3)?,
                ))
            },
        )
        .optional()?;
    match found {
        None => Err(unknown()),
        Some((_, false)) => Err(ApiError::forbidden(
            "not_your_location",
            format!("Location {id} is not one you manage."),
        )),
        Some((location, true)) => Ok(location),
    }
}

#[derive(Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

#[derive(Serialize)]
pub struct Locations {
    locations: Vec<Location>,
}

/// `GET /api/locations?q=`: the caller's locations whose name contains `q`.
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    query: Result<Query<SearchQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Locations>, ApiError> {
    let query = super::read_query(query)?;
    let account = caller.account.id;
    let locations = state.db.run(move |c| search(c, account, &query.q)).await?;
    Ok(Json(Locations { locations }))
}

/// `GET /api/locations/{id}`: one location.
pub async fn one(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Location>, ApiError> {
    let account = caller.account.id;
    Ok(Json(state.db.run(move |c| access(c, account, &id)).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_in_a_query_are_literal() {
        assert_eq!(escape_like("50%_off\\"), "50\\%\\_off\\\\");
    }
}
