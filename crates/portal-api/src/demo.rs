//! `serve --demo`: a partner, two location administrators and three
//! locations (BV and BV+) with some users, and a sign-in link and an API
//! token for each account. Running it again on the same database adds
//! nothing and prints the same links.

use crate::db::{now, random_token};
use rusqlite::{Connection, OptionalExtension};

struct DemoAccount {
    name: &'static str,
    email: &'static str,
    role: &'static str,
    /// Indexes into [`LOCATIONS`].
    locations: &'static [usize],
}

const LOCATIONS: &[(&str, &str)] = &[
    ("Amsterdam Headquarters", "BV+"),
    ("Rotterdam Harbour Office", "BV"),
    ("Utrecht Service Centre", "BV"),
];

const ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        name: "Pat Partner",
        email: "pat@partner.example",
        role: "partner",
        locations: &[0, 1, 2],
    },
    DemoAccount {
        name: "Alex de Vries",
        email: "alex@amsterdam.example",
        role: "location_admin",
        locations: &[0],
    },
    DemoAccount {
        name: "Robin Jansen",
        email: "robin@rotterdam.example",
        role: "location_admin",
        locations: &[1],
    },
];

/// (location index, first, last, email, extension, mobile, title, department)
type DemoUser = (
    usize,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    &'static str,
    &'static str,
);

const USERS: &[DemoUser] = &[
    (
        0,
        "Zoë",
        "O'Brien",
        "zoe.obrien@example.com",
        Some("2041"),
        Some("+442079460958"),
        "Account Manager",
        "Sales",
    ),
    (
        0,
        "Sanne",
        "Bakker",
        "sanne.bakker@example.com",
        Some("2042"),
        Some("+31612345678"),
        "Office Manager",
        "Operations",
    ),
    (
        0,
        "Daan",
        "Visser",
        "daan.visser@example.com",
        Some("2043"),
        None,
        "Support Engineer",
        "Support",
    ),
    (
        0,
        "Émile",
        "Laurent",
        "emile.laurent@example.com",
        None,
        Some("+33612345678"),
        "Controller",
        "Finance",
    ),
    (
        1,
        "Fleur",
        "de Boer",
        "fleur.deboer@example.com",
        Some("3001"),
        None,
        "Harbour Master",
        "Operations",
    ),
    (
        1,
        "Lucas",
        "Smit",
        "lucas.smit@example.com",
        Some("3002"),
        Some("+31687654321"),
        "Planner",
        "Logistics",
    ),
    (
        2,
        "Noor",
        "Meijer",
        "noor.meijer@example.com",
        Some("4001"),
        None,
        "Team Lead",
        "Service",
    ),
];

/// A demo account's credentials.
pub struct SignIn {
    pub name: &'static str,
    pub email: &'static str,
    pub role: &'static str,
    pub locations: Vec<&'static str>,
    pub link_token: String,
    pub api_token: String,
}

/// Creates the demo data unless it is there, and returns each account's
/// credentials.
pub fn create(connection: &mut Connection) -> rusqlite::Result<Vec<SignIn>> {
    let transaction = connection.transaction()?;
    let mut location_ids = Vec::new();
    for (name, service) in LOCATIONS {
        let id: Option<i64> = transaction
            .query_row("SELECT id FROM locations WHERE name = ?1", [name], |r| {
                r.get(0)
            })
            .optional()?;
        let id = match id {
            Some(id) => id,
            None => {
                transaction.execute(
                    "INSERT INTO locations (name, service) VALUES (?1, ?2)",
                    (name, service),
                )?;
                let id = transaction.last_insert_rowid();
                for &(_, first, last, email, extension, mobile, title, department) in
                    USERS.iter().filter(|u| LOCATIONS[u.0].0 == *name)
                {
                    transaction.execute(
                        "INSERT INTO users (location_id, email, first_name, last_name, extension,
                                            mobile_number, job_title, department, created_at, updated_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
                        (id, email, first, last, extension, mobile, title, department, now()),
                    )?;
                }
                id
            }
        };
        location_ids.push(id);
    }
    let mut sign_ins = Vec::new();
    for account in ACCOUNTS {
        let id: Option<i64> = transaction
            .query_row(
                "SELECT id FROM accounts WHERE email = ?1",
                [account.email],
                |r| r.get(0),
            )
            .optional()?;
        let id = match id {
            Some(id) => id,
            None => {
                transaction.execute(
                    "INSERT INTO accounts (name, email, role) VALUES (?1, ?2, ?3)",
                    (account.name, account.email, account.role),
                )?;
                let id = transaction.last_insert_rowid();
                for &location in account.locations {
                    transaction.execute(
                        "INSERT INTO grants (account_id, location_id) VALUES (?1, ?2)",
                        (id, location_ids[location]),
                    )?;
                }
                id
            }
        };
        sign_ins.push(SignIn {
            name: account.name,
            email: account.email,
            role: account.role,
            locations: account.locations.iter().map(|&l| LOCATIONS[l].0).collect(),
            link_token: credential(&transaction, id, "sign_in_link")?,
            api_token: credential(&transaction, id, "api_token")?,
        });
    }
    transaction.commit()?;
    Ok(sign_ins)
}

/// The account's credential of this kind, made when it has none.
fn credential(connection: &Connection, account: i64, kind: &str) -> rusqlite::Result<String> {
    let token: Option<String> = connection
        .query_row(
            "SELECT token FROM credentials WHERE account_id = ?1 AND kind = ?2",
            (account, kind),
            |r| r.get(0),
        )
        .optional()?;
    match token {
        Some(token) => Ok(token),
        None => {
            let token = random_token();
            connection.execute(
                "INSERT INTO credentials (token, account_id, kind) VALUES (?1, ?2, ?3)",
                (&token, account, kind),
            )?;
            Ok(token)
        }
    }
}

/// What `serve --demo` prints: one block per account.
pub fn describe(sign_ins: &[SignIn], base_url: &str) -> String {
    let mut out = String::from("Demo accounts (open a sign-in link in the browser):\n");
    for s in sign_ins {
        let role = if s.role == "partner" {
            "partner"
        } else {
            "location administrator"
        };
        out.push_str(&format!(
            "  {} <{}>, {role} of {}\n    sign in:   {base_url}api/sign-in?token={}\n    API token: {}\n",
            s.name,
            s.email,
            s.locations.join(", "),
            s.link_token,
            s.api_token
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;

    #[test]
    fn demo_data_is_made_once_and_every_demo_user_passes_the_rules() {
        let db = Db::open(":memory:").unwrap();
        let first = db.run_now(create).unwrap();
        let again = db.run_now(create).unwrap();
        assert_eq!(first.len(), 3);
        assert_eq!(first[0].link_token, again[0].link_token);
        let users: i64 = db
            .run_now(|c| c.query_row("SELECT count(*) FROM users", [], |r| r.get(0)))
            .unwrap();
        assert_eq!(users as usize, USERS.len());
        for &(_, first, last, email, extension, mobile, title, department) in USERS {
            let input = user_import::UserInput {
                first_name: Some(first.into()),
                last_name: Some(last.into()),
                email: Some(email.into()),
                extension: extension.map(Into::into),
                mobile_number: mobile.map(Into::into),
                job_title: Some(title.into()),
                department: Some(department.into()),
            };
            let user = input.validate().unwrap();
            assert_eq!(user.email, email);
            assert_eq!(user.mobile_number.as_deref(), mobile);
        }
    }
}
