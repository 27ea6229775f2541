//! The rules for a batch of users given field by field, as the portal API
//! receives them (`POST …/users/import`), rather than as CSV rows.
//!
//! The same rules as for a file, so a server never accepts what the browser
//! would refuse: every field's rule, the last user with an email wins, an
//! extension given to two users of the batch rejects both, and one that an
//! existing user of the location has (under another email) rejects the user.
//! Users are numbered by their index in the batch (from 0), as in the API.
//!
//! ```
//! use user_import::{check_batch, ExistingUser, UserInput};
//!
//! let user = |email: &str, extension: &str| UserInput {
//!     first_name: Some("Ann".into()),
//!     last_name: Some("Lee".into()),
//!     email: Some(email.into()),
//!     extension: Some(extension.into()),
//!     ..UserInput::default()
//! };
//! let batch = [user("ann@example.com", "2041"), user("bob@example.com", "2042")];
//! let owners = |extension: &str| -> Result<Option<ExistingUser>, ()> {
//!     Ok((extension == "2042").then(|| ExistingUser::new("cy@example.com", Some("2042"), "Cy Ray")))
//! };
//! let checked = check_batch(&batch, owners).unwrap();
//! assert_eq!(checked.accepted.len(), 1);
//! assert_eq!(checked.rejected[0].index, 1);
//! assert!(checked.rejected[0].errors[0].contains("belongs to Cy Ray"));
//! ```

use crate::report::{duplicate_extension_message, extension_taken_message, NAMED_CLASHES};
use crate::rules::{email_key, extension_number, normalize, prepare_cell};
use crate::schema::Field;
use crate::user::{User, UserInput};
use crate::ExistingUser;
use std::collections::HashMap;

/// A user of the batch that passes every rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchUser {
    /// The user's index in the batch.
    pub index: usize,
    pub user: User,
}

/// A user of the batch that is refused, with every reason.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BatchRejection {
    pub index: usize,
    /// The email as sent (trimmed), so the caller can tell whom it is about.
    pub email: String,
    /// One message per problem, each naming its field.
    pub errors: Vec<String>,
}

/// The verdict on a whole batch: every index is in exactly one of the lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchCheck {
    pub accepted: Vec<BatchUser>,
    /// In index order.
    pub rejected: Vec<BatchRejection>,
}

/// Checks a batch. `extension_owner` looks up who in the location has an
/// extension (a valid one, as the rules write it); its error stops the check.
pub fn check_batch<E>(
    users: &[UserInput],
    mut extension_owner: impl FnMut(&str) -> Result<Option<ExistingUser>, E>,
) -> Result<BatchCheck, E> {
    let checked: Vec<Checked> = users.iter().map(Checked::new).collect();

    // The last user with an email wins; only valid emails take part.
    let mut last_with: HashMap<&str, usize> = HashMap::new();
    for (index, user) in checked.iter().enumerate() {
        if let Some(key) = user.email_key.as_deref() {
            last_with.insert(key, index);
        }
    }
    let replaced_by = |index: usize| -> Option<usize> {
        let key = checked[index].email_key.as_deref()?;
        let last = last_with[key];
        (last != index).then_some(last)
    };

    let mut errors: Vec<Vec<String>> = checked.iter().map(|c| c.problems.clone()).collect();
    for (index, errors) in errors.iter_mut().enumerate() {
        if let Some(last) = replaced_by(index) {
            errors.push(format!(
                "User {index} is replaced by user {last}, which has the same email; \
                 only the last one is imported."
            ));
        }
    }

    // Extensions of the users that are not replaced, valid or not otherwise.
    let mut claims: Vec<(u32, usize)> = (0..checked.len())
        .filter(|&i| replaced_by(i).is_none())
        .filter_map(|i| Some((checked[i].extension?, i)))
        .collect();
    claims.sort_unstable();
    for group in claims.chunk_by(|a, b| a.0 == b.0) {
        if group.len() > 1 {
            for &(extension, index) in group {
                let others: Vec<String> = group
                    .iter()
                    .filter(|(_, i)| *i != index)
                    .take(NAMED_CLASHES)
                    .map(|&(_, i)| describe_user(i, checked[i].email_key.as_deref()))
                    .collect();
                errors[index].push(duplicate_extension_message(
                    extension,
                    &others,
                    group.len() - 1,
                ));
            }
            continue;
        }
        let (extension, index) = group[0];
        if let Some(owner) = extension_owner(&extension.to_string())? {
            if Some(owner.email.to_ascii_lowercase().as_str())
                != checked[index].email_key.as_deref()
            {
                errors[index].push(extension_taken_message(extension, &owner));
            }
        }
    }

    let mut outcome = BatchCheck::default();
    for (index, (user, errors)) in checked.into_iter().zip(errors).enumerate() {
        match user.user {
            Some(valid) if errors.is_empty() => {
                outcome.accepted.push(BatchUser { index, user: valid })
            }
            _ => outcome.rejected.push(BatchRejection {
                index,
                email: prepare_cell(users[index].email.as_deref().unwrap_or("")).to_string(),
                errors,
            }),
        }
    }
    Ok(outcome)
}

/// One user after the field rules.
struct Checked {
    user: Option<User>,
    problems: Vec<String>,
    /// The lowercased email when it is valid.
    email_key: Option<String>,
    /// The extension when it is valid.
    extension: Option<u32>,
}

impl Checked {
    fn new(input: &UserInput) -> Checked {
        let field = |value: &Option<String>, field: Field| {
            normalize(field, prepare_cell(value.as_deref().unwrap_or("")))
                .ok()
                .flatten()
                .map(|v| v.into_owned())
        };
        let email_key = field(&input.email, Field::Email).map(|e| email_key(&e).into_owned());
        let extension = field(&input.extension, Field::Extension).map(|e| extension_number(&e));
        match input.validate() {
            Ok(user) => Checked {
                user: Some(user),
                problems: Vec::new(),
                email_key,
                extension,
            },
            Err(problems) => Checked {
                user: None,
                problems: problems.into_iter().map(|p| p.problem.message).collect(),
                email_key,
                extension,
            },
        }
    }
}

fn describe_user(index: usize, email: Option<&str>) -> String {
    match email {
        Some(email) => format!("user {index} ({email})"),
        None => format!("user {index}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(first: &str, email: &str, extension: Option<&str>) -> UserInput {
        UserInput {
            first_name: Some(first.into()),
            last_name: Some("Lee".into()),
            email: Some(email.into()),
            extension: extension.map(str::to_string),
            ..UserInput::default()
        }
    }

    fn nobody(_: &str) -> Result<Option<ExistingUser>, ()> {
        Ok(None)
    }

    fn accepted_indexes(check: &BatchCheck) -> Vec<usize> {
        check.accepted.iter().map(|u| u.index).collect()
    }

    #[test]
    fn valid_users_are_accepted_normalized() {
        let check = check_batch(&[user(" Ann ", "Ann@Example.com", Some("2041"))], nobody).unwrap();
        assert_eq!(check.rejected, []);
        assert_eq!(check.accepted[0].user.first_name, "Ann");
        assert_eq!(check.accepted[0].user.email, "ann@example.com");
        assert_eq!(check.accepted[0].user.extension.as_deref(), Some("2041"));
    }

    #[test]
    fn every_field_problem_is_reported() {
        let check = check_batch(&[user("", "not-an-email", Some("0123"))], nobody).unwrap();
        let rejected = &check.rejected[0];
        assert_eq!(
            (rejected.index, rejected.email.as_str()),
            (0, "not-an-email")
        );
        assert_eq!(rejected.errors.len(), 3, "{:?}", rejected.errors);
        assert!(rejected.errors[0].starts_with("First Name"));
    }

    #[test]
    fn the_last_user_with_an_email_wins_even_when_it_is_rejected() {
        let batch = [
            user("Ann", "ann@example.com", None),
            user("Bob", "bob@example.com", None),
            user("", "ANN@example.com", None),
        ];
        let check = check_batch(&batch, nobody).unwrap();
        assert_eq!(accepted_indexes(&check), [1]);
        assert_eq!(check.rejected.len(), 2);
        assert!(check.rejected[0].errors[0].contains("replaced by user 2"));
        assert!(check.rejected[1].errors[0].starts_with("First Name"));
    }

    #[test]
    fn an_extension_given_twice_rejects_both_naming_the_other() {
        let batch = [
            user("Ann", "ann@example.com", Some("2041")),
            user("Bob", "bob@example.com", Some("2041")),
            user("Cy", "cy@example.com", Some("2042")),
        ];
        let check = check_batch(&batch, nobody).unwrap();
        assert_eq!(accepted_indexes(&check), [2]);
        assert!(check.rejected[0].errors[0].contains("user 1 (bob@example.com)"));
        assert!(check.rejected[1].errors[0].contains("user 0 (ann@example.com)"));
    }

    #[test]
    fn an_extension_of_an_existing_user_is_refused_unless_it_is_theirs() {
        let owner = |extension: &str| -> Result<Option<ExistingUser>, ()> {
            Ok((extension == "2041")
                .then(|| ExistingUser::new("Ann@Example.com", Some("2041"), "Ann Lee")))
        };
        let batch = [
            user("Ann", "ann@example.com", Some("2041")),
            user("Bob", "bob@example.com", Some("2042")),
        ];
        assert_eq!(
            accepted_indexes(&check_batch(&batch, owner).unwrap()),
            [0, 1]
        );

        let batch = [user("Bob", "bob@example.com", Some("2041"))];
        let check = check_batch(&batch, owner).unwrap();
        assert!(check.rejected[0].errors[0].contains("belongs to Ann Lee (Ann@Example.com)"));
    }

    #[test]
    fn the_lookup_error_stops_the_check() {
        let failing = |_: &str| -> Result<Option<ExistingUser>, &str> { Err("database down") };
        let batch = [user("Ann", "ann@example.com", Some("2041"))];
        assert_eq!(check_batch(&batch, failing), Err("database down"));
    }

    #[test]
    fn an_empty_batch_is_fine() {
        assert_eq!(check_batch(&[], nobody).unwrap(), BatchCheck::default());
    }
}
