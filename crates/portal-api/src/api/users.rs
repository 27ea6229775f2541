//! A location's users: the paged list, the directory the browser checks a
//! file against, and the assignment of an extension and licenses.

use super::auth::Caller;
use super::error::ApiError;
use super::locations::access;
use super::AppState;
use crate::db::now;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use rusqlite::{Connection, OptionalExtension, Row};
use serde::{Deserialize, Deserializer, Serialize};
use user_import::{license, rules, ExistingUser, Field};

/// A user as the API shows it; optional values are `null` when not given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiUser {
    pub id: i64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub extension: Option<String>,
    pub mobile_number: Option<String>,
    pub job_title: Option<String>,
    pub department: Option<String>,
    /// License keys (see `user_import::LICENSES`), in that list's order.
    pub licenses: Vec<String>,
}

/// The columns [`ApiUser::from_row`] reads, in its order.
pub const USER_COLUMNS: &str =
    "id, email, first_name, last_name, extension, mobile_number, job_title, department, licenses";

impl ApiUser {
    pub fn from_row(row: &Row<'_>) -> rusqlite::Result<ApiUser> {
        let licenses: String = row.get(8)?;
        Ok(ApiUser {
            id: row.get(0)?,
            email: row.get(1)?,
            first_name: row.get(2)?,
            last_name: row.get(3)?,
            extension: row.get(4)?,
            mobile_number: row.get(5)?,
            job_title: row.get(6)?,
            department: row.get(7)?,
            licenses: licenses
                .split(',')
                .filter(|k| !k.is_empty())
                .map(str::to_string)
                .collect(),
        })
    }
}

/// The most users one page may hold.
pub const PAGE_LIMIT: u32 = 1_000;

#[derive(Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    offset: u32,
    limit: Option<u32>,
    /// Only users whose name or email contains this (any case).
    #[serde(default)]
    q: String,
}

/// One page of users, by last name, first name and id.
#[derive(Debug, Serialize, Deserialize)]
pub struct Page {
    /// How many users match, on every page.
    pub total: u64,
    pub offset: u32,
    pub users: Vec<ApiUser>,
}

/// `GET /api/locations/{id}/users?offset=&limit=&q=`.
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    query: Result<Query<PageQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Page>, ApiError> {
    let query = super::read_query(query)?;
    let limit = query.limit.unwrap_or(100);
    if !(1..=PAGE_LIMIT).contains(&limit) {
        return Err(ApiError::bad_request(
            "bad_limit",
            format!("limit must be between 1 and {PAGE_LIMIT}, not {limit}."),
        ));
    }
    let account = caller.account.id;
    let page = state
        .db
        .run(move |connection| {
            let location = access(connection, account, &id)?;
            page(connection, location.id, &query.q, query.offset, limit)
        })
        .await?;
    Ok(Json(page))
}

fn page(
    connection: &Connection,
    location: i64,
    q: &str,
    offset: u32,
    limit: u32,
) -> Result<Page, ApiError> {
    // The index users_by_name serves the order; a search (rare, and fine
    // as a scan of one location even at 100,000 users) filters on the way.
    const MATCHES: &str = "location_id = ?1 \
        AND (?2 = '' OR instr(lower(first_name || ' ' || last_name || ' ' || email), ?2) > 0)";
    let q = q.trim().to_lowercase();
    let total: u64 = connection
        .prepare_cached(&format!("SELECT count(*) FROM users WHERE {MATCHES}"))?
        .query_row((location, &q), |row| row.get(0))?;
    let mut statement = connection.prepare_cached(&format!(
        "SELECT {USER_COLUMNS} FROM users WHERE {MATCHES}
          ORDER BY last_name COLLATE NOCASE, first_name COLLATE NOCASE, id
          LIMIT ?3 OFFSET ?4"
    ))?;
    let users = statement
        .query_map((location, &q, limit, offset), ApiUser::from_row)?
        .collect::<Result<_, _>>()?;
    Ok(Page {
        total,
        offset,
        users,
    })
}

#[derive(Serialize)]
pub struct Directory {
    users: Vec<ExistingUser>,
}

/// `GET /api/locations/{id}/directory`: every user's email, extension and
/// name, which the browser needs to count new users and updates and to
/// check extensions against the location before anything is sent.
pub async fn directory(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Directory>, ApiError> {
    let account = caller.account.id;
    let users = state
        .db
        .run(move |connection| {
            let location = access(connection, account, &id)?;
            let mut statement = connection.prepare_cached(
                "SELECT email, extension, first_name || ' ' || last_name FROM users WHERE location_id = ?1 ORDER BY id",
            )?;
            let users = statement
                .query_map([location.id], |row| {
                    Ok(ExistingUser {
                        email: row.get(0)?,
                        extension: row.get(1)?,
                        name: row.get(2)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok::<_, ApiError>(users)
        })
        .await?;
    Ok(Json(Directory { users }))
}

/// The body of `PATCH …/users/{user_id}`: each field absent keeps the value.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    /// `"2041"` sets, `null` removes.
    #[serde(default, deserialize_with = "present")]
    extension: Option<Option<String>>,
    /// The whole set of license keys.
    licenses: Option<Vec<String>>,
}

/// Tells a field sent as `null` (`Some(None)`) from one not sent (`None`).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(deserializer).map(Some)
}

/// `PATCH /api/locations/{id}/users/{user_id}`: assigns an extension and
/// application licenses.
pub async fn patch(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, user_id)): Path<(String, String)>,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Json<ApiUser>, ApiError> {
    let body = super::read_body(body)?;
    let patch: UserPatch = super::parse_json(&body)?;
    let extension = match &patch.extension {
        Some(Some(raw)) => {
            let value = rules::normalize(Field::Extension, rules::prepare_cell(raw))
                .map_err(|problem| ApiError::bad_request("invalid_extension", problem.message))?;
            Some(value.map(|v| v.into_owned()))
        }
        Some(None) => Some(None),
        None => None,
    };
    let licenses = match &patch.licenses {
        Some(keys) => Some(license_set(keys)?),
        None => None,
    };
    let account = caller.account.id;
    let user = state
        .db
        .run(move |connection| {
            let location = access(connection, account, &id)?;
            let transaction = connection.transaction()?;
            let user = find_user(&transaction, location.id, &user_id)?;
            if let Some(Some(extension)) = &extension {
                let owner: Option<(String, String)> = transaction
                    .query_row(
                        "SELECT email, first_name || ' ' || last_name FROM users
                          WHERE location_id = ?1 AND extension = ?2 AND id <> ?3",
                        (location.id, extension, user.id),
                        |row| Ok((row.get(0)?, row.get(1)?)),
                    )
                    .optional()?;
                if let Some((email, name)) = owner {
                    return Err(ApiError::new(
                        StatusCode::CONFLICT,
                        "extension_taken",
                        format!(
                            "Extension {extension} belongs to {name} ({email}); choose another."
                        ),
                    ));
                }
            }
            if let Some(extension) = &extension {
                transaction.execute(
                    "UPDATE users SET extension = ?1, updated_at = ?2 WHERE id = ?3",
                    (extension, now(), user.id),
                )?;
            }
            if let Some(licenses) = &licenses {
                transaction.execute(
                    "UPDATE users SET licenses = ?1, updated_at = ?2 WHERE id = ?3",
                    (licenses, now(), user.id),
                )?;
            }
            let user = find_user(&transaction, location.id, &user.id.to_string())?;
            transaction.commit()?;
            Ok(user)
        })
        .await?;
    Ok(Json(user))
}

/// The stored form of a license set: known keys only, in the list's order.
fn license_set(keys: &[String]) -> Result<String, ApiError> {
    if let Some(unknown) = keys.iter().find(|key| license(key).is_none()) {
        let known: Vec<&str> = user_import::LICENSES.iter().map(|l| l.key).collect();
        return Err(ApiError::bad_request(
            "unknown_license",
            format!(
                "There is no license '{unknown}'; the licenses are {}.",
                known.join(", ")
            ),
        ));
    }
    let set: Vec<&str> = user_import::LICENSES
        .iter()
        .map(|l| l.key)
        .filter(|key| keys.iter().any(|k| k == key))
        .collect();
    Ok(set.join(","))
}

fn find_user(connection: &Connection, location: i64, user_id: &str) -> Result<ApiUser, ApiError> {
    let unknown = || {
        ApiError::not_found(
            "unknown_user",
            format!("This location has no user {user_id}."),
        )
    };
    let id: i64 = user_id.parse().map_err(|_| unknown())?;
    connection
        .query_row(
            &format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1 AND location_id = ?2"),
            (id, location),
            ApiUser::from_row,
        )
        .optional()?
        .ok_or_else(unknown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn license_sets_are_ordered_and_checked() {
        let keys = |k: &[&str]| k.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            license_set(&keys(&["teams", "desktop", "teams"])).unwrap(),
            "desktop,teams"
        );
        assert_eq!(license_set(&[]).unwrap(), "");
        assert_eq!(
            license_set(&keys(&["fax"])).unwrap_err().error,
            "unknown_license"
        );
    }

    #[test]
    fn a_patch_tells_null_from_absent() {
        let patch: UserPatch = serde_json::from_str(r#"{"extension": null}"#).unwrap();
        assert_eq!(patch.extension, Some(None));
        let patch: UserPatch = serde_json::from_str(r#"{"licenses": []}"#).unwrap();
        assert_eq!(patch.extension, None);
        assert!(serde_json::from_str::<UserPatch>(r#"{"email": "x"}"#).is_err());
    }
}
