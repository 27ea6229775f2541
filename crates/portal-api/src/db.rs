//! The reference server's SQLite database: accounts, locations, users,
//! credentials and idempotency records. One connection behind a mutex, so
//! every transaction runs alone (an import batch is one transaction) and
//! `:memory:` works; the schema is created and migrated when it opens.

use rusqlite::Connection;
use std::sync::{Arc, Mutex};

/// The migrations, in order; `PRAGMA user_version` counts those applied.
/// Never edit one that has shipped: add the next.
const MIGRATIONS: &[&str] = &[r#"
CREATE TABLE accounts (
    id    INTEGER PRIMARY KEY,
    name  TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    role  TEXT NOT NULL CHECK (role IN ('partner', 'location_admin'))
);
CREATE TABLE locations (
    id      INTEGER PRIMARY KEY,
    name    TEXT NOT NULL,
    service TEXT NOT NULL CHECK (service IN ('BV', 'BV+'))
);
-- Which locations an account may manage: a partner many, an administrator one.
CREATE TABLE grants (
    account_id  INTEGER NOT NULL REFERENCES accounts (id),
    location_id INTEGER NOT NULL REFERENCES locations (id),
    PRIMARY KEY (account_id, location_id)
) WITHOUT ROWID;
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    location_id   INTEGER NOT NULL REFERENCES locations (id),
    email         TEXT NOT NULL CHECK (email = lower(email)),
    first_name    TEXT NOT NULL,
    last_name     TEXT NOT NULL,
    extension     TEXT,
    mobile_number TEXT,
    job_title     TEXT,
    department    TEXT,
    licenses      TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    UNIQUE (location_id, email),
    UNIQUE (location_id, extension)
);
CREATE INDEX users_by_name
    ON users (location_id, last_name COLLATE NOCASE, first_name COLLATE NOCASE, id);
-- Sign-in links, API tokens and browser sessions (with their CSRF token).
CREATE TABLE credentials (
    token      TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    kind       TEXT NOT NULL CHECK (kind IN ('sign_in_link', 'api_token', 'session')),
    csrf       TEXT,
    expires_at INTEGER
) WITHOUT ROWID;
-- The first response to each Idempotency-Key, with the request it answered.
CREATE TABLE idempotency (
    account_id  INTEGER NOT NULL,
    location_id INTEGER NOT NULL,
    key         TEXT NOT NULL,
    request     BLOB NOT NULL,
    status      INTEGER NOT NULL,
    response    TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (account_id, location_id, key)
) WITHOUT ROWID;
"#];

/// The database, shared by every request.
#[derive(Clone)]
pub struct Db {
    connection: Arc<Mutex<Connection>>,
}

impl Db {
    /// Opens (or creates) the database at `path`; `:memory:` keeps it in
    /// memory for the life of the process.
    pub fn open(path: &str) -> rusqlite::Result<Db> {
        let mut connection = Connection::open(path)?;
        connection.busy_timeout(std::time::Duration::from_secs(5))?;
        if path != ":memory:" {
            connection.pragma_update(None, "journal_mode", "WAL")?;
            connection.pragma_update(None, "synchronous", "NORMAL")?;
        }
        connection.pragma_update(None, "foreign_keys", true)?;
        migrate(&mut connection)?;
        Ok(Db {
            connection: Arc::new(Mutex::new(connection)),
        })
    }

    /// Runs `work` with the connection on a blocking thread, so a long
    /// transaction never stalls the async workers.
    pub async fn run<T, E>(
        &self,
        work: impl FnOnce(&mut Connection) -> Result<T, E> + Send + 'static,
    ) -> Result<T, E>
    where
        T: Send + 'static,
        E: Send + 'static + From<rusqlite::Error>,
    {
        let connection = self.connection.clone();
        tokio::task::spawn_blocking(move || {
            // A panic while holding the lock cannot leave a transaction
            // open (rusqlite rolls back on drop), so the data is sound.
            let mut connection = connection
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            work(&mut connection)
        })
        .await
        .unwrap_or_else(|join_error| std::panic::resume_unwind(join_error.into_panic()))
    }

    /// Runs `work` with the connection on this thread (start-up, demo data).
    pub fn run_now<T>(&self, work: impl FnOnce(&mut Connection) -> T) -> T {
        let mut connection = self
            .connection
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        work(&mut connection)
    }
}

/// Applies the migrations this database has not seen yet, each in its own
/// transaction.
fn migrate(connection: &mut Connection) -> rusqlite::Result<()> {
    let applied: usize = connection.pragma_query_value(None, "user_version", |row| row.get(0))?;
    for (version, sql) in MIGRATIONS.iter().enumerate().skip(applied) {
        let transaction = connection.transaction()?;
        transaction.execute_batch(sql)?;
        transaction.pragma_update(None, "user_version", version + 1)?;
        transaction.commit()?;
    }
    Ok(())
}

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// A fresh random token: 32 bytes from the OS, as 64 hex digits.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the OS random number generator");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_run_once_and_leave_the_version() {
        let path = std::env::temp_dir().join(format!("portal-migrate-{}.db", std::process::id()));
        let path = path.to_str().unwrap().to_string();
        let _ = std::fs::remove_file(&path);
        for _ in 0..2 {
            let db = Db::open(&path).unwrap();
            let version: usize = db
                .run_now(|c| c.pragma_query_value(None, "user_version", |r| r.get(0)))
                .unwrap();
            assert_eq!(version, MIGRATIONS.len());
        }
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{path}{suffix}"));
        }
    }

    #[test]
    fn the_schema_refuses_a_second_user_with_an_extension() {
        let db = Db::open(":memory:").unwrap();
        db.run_now(|c| {
            c.execute_batch(
                "INSERT INTO locations (id, name, service) VALUES (1, 'HQ', 'BV');
                 INSERT INTO users (location_id, email, first_name, last_name, extension, created_at, updated_at)
                     VALUES (1, 'ann@example.com', 'Ann', 'Lee', '2041', 0, 0);",
            )
            .unwrap();
            let again = c.execute(
                "INSERT INTO users (location_id, email, first_name, last_name, extension, created_at, updated_at)
                     VALUES (1, 'bob@example.com', 'Bob', 'Lee', '2041', 0, 0)",
                [],
            );
            assert!(again.is_err());
            let upper = c.execute(
                "INSERT INTO users (location_id, email, first_name, last_name, created_at, updated_at)
                     VALUES (1, 'Cy@example.com', 'Cy', 'Lee', 0, 0)",
                [],
            );
            assert!(upper.is_err(), "emails are stored lowercased");
        });
    }

    #[test]
    fn tokens_are_random_and_long() {
        let (a, b) = (random_token(), random_token());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
    }
}
