//! The application licenses a user can be given after import: the one list
//! that the app offers and the API accepts.

/// A license: the key the API stores and the name people see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct License {
    pub key: &'static str,
    pub name: &'static str,
}

/// Every application license, in the order the app lists them.
pub const LICENSES: &[License] = &[
    License {
        key: "desktop",
        name: "Desktop app",
    },
    License {
        key: "mobile",
        name: "Mobile app",
    },
    License {
        key: "web",
        name: "Web app",
    },
    License {
        key: "teams",
        name: "Microsoft Teams",
    },
];

/// The license with this key.
///
/// ```
/// assert_eq!(user_import::license("teams").unwrap().name, "Microsoft Teams");
/// assert!(user_import::license("Teams").is_none());
/// ```
pub fn license(key: &str) -> Option<&'static License> {
    LICENSES.iter().find(|license| license.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_lowercase_words() {
        for (i, each) in LICENSES.iter().enumerate() {
            assert!(each.key.bytes().all(|b| b.is_ascii_lowercase()));
            assert_eq!(license(each.key).map(|l| l.name), Some(each.name));
            assert!(LICENSES[..i].iter().all(|other| other.key != each.key));
        }
    }
}
