//! A user as the portal stores it, and the check of one user given field by
//! field (as the API receives them) rather than as a CSV row.

use crate::error::Problem;
use crate::rules::normalize;
use crate::schema::Field;

/// A user ready to import: every value checked and normalized (trimmed,
/// email lowercased, mobile number in E.164).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct User {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub extension: Option<String>,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub mobile_number: Option<String>,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub job_title: Option<String>,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub department: Option<String>,
}

/// A user as someone sent it (an API request body): any field may be
/// missing or wrong until [`UserInput::validate`] says otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default))]
pub struct UserInput {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub extension: Option<String>,
    pub mobile_number: Option<String>,
    pub job_title: Option<String>,
    pub department: Option<String>,
}

/// One field's problem, for a user given field by field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    pub field: Field,
    pub problem: Problem,
}

impl UserInput {
    fn get(&self, field: Field) -> &str {
        let value = match field {
            Field::FirstName => &self.first_name,
            Field::LastName => &self.last_name,
            Field::Email => &self.email,
            Field::Extension => &self.extension,
            Field::MobileNumber => &self.mobile_number,
            Field::JobTitle => &self.job_title,
            Field::Department => &self.department,
        };
        value.as_deref().unwrap_or("")
    }

    /// Applies every column's rule, exactly as to a CSV cell (trimmed, the
    /// formula guard undone); every problem is reported, not only the first.
    ///
    /// ```
    /// use user_import::UserInput;
    /// let input = UserInput {
    ///     first_name: Some(" Zoë ".into()),
    ///     last_name: Some("O'Brien".into()),
    ///     email: Some("Zoe@Example.com".into()),
    ///     ..UserInput::default()
    /// };
    /// let user = input.validate().unwrap();
    /// assert_eq!(user.first_name, "Zoë");
    /// assert_eq!(user.email, "zoe@example.com");
    /// ```
    pub fn validate(&self) -> Result<User, Vec<FieldProblem>> {
        User::from_cells(|field| self.get(field))
    }
}

impl User {
    /// Builds a user from raw cells (`cell` gives the cell of each column,
    /// `""` where there is none); every problem is reported.
    pub(crate) fn from_cells<'a>(
        cell: impl Fn(Field) -> &'a str,
    ) -> Result<User, Vec<FieldProblem>> {
        let mut user = User::default();
        let mut problems = Vec::new();
        for field in Field::ALL {
            let prepared = crate::rules::prepare_cell(cell(field));
            match normalize(field, prepared) {
                Ok(value) => user.set(field, value.map(|v| v.into_owned())),
                Err(problem) => problems.push(FieldProblem { field, problem }),
            }
        }
        if problems.is_empty() {
            Ok(user)
        } else {
            Err(problems)
        }
    }

    fn set(&mut self, field: Field, value: Option<String>) {
        match field {
            Field::FirstName => self.first_name = value.unwrap_or_default(),
            Field::LastName => self.last_name = value.unwrap_or_default(),
            Field::Email => self.email = value.unwrap_or_default(),
            Field::Extension => self.extension = value,
            Field::MobileNumber => self.mobile_number = value,
            Field::JobTitle => self.job_title = value,
            Field::Department => self.department = value,
        }
    }

    /// The value of one column, `None` when not given.
    pub fn get(&self, field: Field) -> Option<&str> {
        match field {
            Field::FirstName => Some(&self.first_name),
            Field::LastName => Some(&self.last_name),
            Field::Email => Some(&self.email),
            Field::Extension => self.extension.as_deref(),
            Field::MobileNumber => self.mobile_number.as_deref(),
            Field::JobTitle => self.job_title.as_deref(),
            Field::Department => self.department.as_deref(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    fn input(first: &str, last: &str, email: &str) -> UserInput {
        UserInput {
            first_name: Some(first.into()),
            last_name: Some(last.into()),
            email: Some(email.into()),
            ..UserInput::default()
        }
    }

    #[test]
    fn a_full_user_is_normalized() {
        let user = UserInput {
            extension: Some(" 2041 ".into()),
            mobile_number: Some("'+44 20 7946 0958".into()),
            job_title: Some("Account Manager".into()),
            department: Some("".into()),
            ..input("Zoë", " O'Brien", "ZOE.OBRIEN@example.com ")
        }
        .validate()
        .unwrap();
        assert_eq!(
            user,
            User {
                first_name: "Zoë".into(),
                last_name: "O'Brien".into(),
                email: "zoe.obrien@example.com".into(),
                extension: Some("2041".into()),
                mobile_number: Some("+442079460958".into()),
                job_title: Some("Account Manager".into()),
                department: None,
            }
        );
        assert_eq!(user.get(Field::Department), None);
        assert_eq!(user.get(Field::Extension), Some("2041"));
    }

    #[test]
    fn every_problem_is_reported() {
        let problems = UserInput {
            extension: Some("9".into()),
            ..input("", "<b>", "nope")
        }
        .validate()
        .unwrap_err();
        let fields: Vec<(Field, ErrorCode)> =
            problems.iter().map(|p| (p.field, p.problem.code)).collect();
        assert_eq!(
            fields,
            [
                (Field::FirstName, ErrorCode::Required),
                (Field::LastName, ErrorCode::ForbiddenCharacter),
                (Field::Email, ErrorCode::InvalidEmail),
                (Field::Extension, ErrorCode::InvalidExtension),
            ]
        );
    }

    #[test]
    fn missing_fields_are_empty() {
        let problems = UserInput::default().validate().unwrap_err();
        assert_eq!(problems.len(), 3);
    }
}
