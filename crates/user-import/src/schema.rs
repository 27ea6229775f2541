//! The template's columns: one definition that the header matcher, the
//! validator, the downloadable template and the IMPORT GUIDELINES all read.
//!
//! ```
//! use user_import::Field;
//!
//! assert_eq!(Field::Email.header(), "Email");
//! assert!(Field::Email.is_required());
//! assert_eq!(Field::from_header("E-mail"), Some(Field::Email));
//! assert_eq!(Field::from_header("cell phone"), Some(Field::MobileNumber));
//! ```

/// One column of the import template, in template order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Field {
    FirstName,
    LastName,
    Email,
    Extension,
    MobileNumber,
    JobTitle,
    Department,
}

/// What the guidelines say of one column; see [`Field::spec`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    pub field: Field,
    /// The header text exactly as the template writes it.
    pub header: &'static str,
    /// The machine name used in JSON (`first_name`, ...).
    pub key: &'static str,
    pub required: bool,
    /// The rule in words, as the guidelines show it.
    pub rule: &'static str,
    pub example: &'static str,
    /// Other header spellings that mean this column (already normalized:
    /// lowercase, without spaces, `_`, `-` or `.`).
    pub aliases: &'static [&'static str],
}

/// The longest a first or last name may be, in characters.
pub const NAME_MAX_CHARS: usize = 50;
/// The longest a job title or department may be, in characters.
pub const TEXT_MAX_CHARS: usize = 100;
/// The longest any cell may be, in characters, before it is refused outright.
pub const CELL_MAX_CHARS: usize = 1_000;
/// Characters a name may not contain (they break downstream systems and
/// mark pasted markup or formulas).
pub const NAME_FORBIDDEN: &[char] = &['<', '>', '"', '\\', '/', '%', '#'];

const SPECS: [FieldSpec; 7] = [
    FieldSpec {
        field: Field::FirstName,
        header: "First Name",
        key: "first_name",
        required: true,
        rule: "1–50 characters, at least one letter; no control characters and none of < > \" \\ / % #",
        example: "Zoë",
        aliases: &["first", "givenname", "fname"],
    },
    FieldSpec {
        field: Field::LastName,
        header: "Last Name",
        key: "last_name",
        required: true,
        rule: "1–50 characters, at least one letter; no control characters and none of < > \" \\ / % #",
        example: "O'Brien",
        aliases: &["last", "surname", "familyname", "lname"],
    },
    FieldSpec {
        field: Field::Email,
        header: "Email",
        key: "email",
        required: true,
        rule: "a valid address such as name@company.com (at most 254 characters); each user needs their own, and if several rows share one, the last row wins",
        example: "zoe.obrien@example.com",
        aliases: &["emailaddress", "mail"],
    },
    FieldSpec {
        field: Field::Extension,
        header: "Extension",
        key: "extension",
        required: false,
        rule: "2–6 digits, the first 1–8 (0 is the operator, 9 the outside line); each user needs their own",
        example: "2041",
        aliases: &["ext", "extensionnumber"],
    },
    FieldSpec {
        field: Field::MobileNumber,
        header: "Mobile Number",
        key: "mobile_number",
        required: false,
        rule: "with its country code, such as +44 20 7946 0958; 10-digit North American numbers may omit +1",
        example: "+44 20 7946 0958",
        aliases: &["mobile", "mobilephone", "cell", "cellphone"],
    },
    FieldSpec {
        field: Field::JobTitle,
        header: "Job Title",
        key: "job_title",
        required: false,
        rule: "at most 100 characters; no control characters",
        example: "Account Manager",
        aliases: &["title"],
    },
    FieldSpec {
        field: Field::Department,
        header: "Department",
        key: "department",
        required: false,
        rule: "at most 100 characters; no control characters",
        example: "Sales",
        aliases: &["dept"],
    },
];

impl Field {
    /// Every column, in template order.
    pub const ALL: [Field; 7] = [
        Field::FirstName,
        Field::LastName,
        Field::Email,
        Field::Extension,
        Field::MobileNumber,
        Field::JobTitle,
        Field::Department,
    ];

    /// Everything the guidelines say of this column.
    pub fn spec(self) -> &'static FieldSpec {
        &SPECS[self as usize]
    }

    /// The header text as the template writes it, e.g. `Mobile Number`.
    pub fn header(self) -> &'static str {
        self.spec().header
    }

    /// The machine name, e.g. `mobile_number`.
    pub fn key(self) -> &'static str {
        self.spec().key
    }

    pub fn is_required(self) -> bool {
        self.spec().required
    }

    /// The column a header cell means, if any. Case, surrounding and inner
    /// spaces, `_`, `-` and `.` do not matter, and the aliases count.
    pub fn from_header(text: &str) -> Option<Field> {
        let wanted = normalize_header(text);
        Field::ALL.into_iter().find(|field| {
            let spec = field.spec();
            normalize_header(spec.header) == wanted || spec.aliases.contains(&wanted.as_str())
        })
    }
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.header())
    }
}

/// Header text reduced to what matters when matching: lowercase letters and
/// digits, without white space, `_`, `-` or `.`.
pub(crate) fn normalize_header(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '_' | '-' | '.'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The downloadable template: the header row alone (no sample rows that
/// could be imported by mistake), UTF-8 with a byte-order mark, CRLF.
///
/// ```
/// let bytes = user_import::template_csv();
/// assert!(bytes.starts_with(b"\xEF\xBB\xBFFirst Name,Last Name,Email,"));
/// assert!(bytes.ends_with(b"Department\r\n"));
/// ```
pub fn template_csv() -> Vec<u8> {
    let mut out = crate::error_file::UTF8_BOM.to_vec();
    let headers: Vec<&str> = Field::ALL.iter().map(|f| f.header()).collect();
    out.extend_from_slice(headers.join(",").as_bytes());
    out.extend_from_slice(b"\r\n");
    out
}

/// The file name the template downloads as.
pub const TEMPLATE_FILE_NAME: &str = "users-template.csv";

/// The IMPORT GUIDELINES, derived from the same definitions as the validator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guidelines {
    /// Every column in template order, with its rule and an example.
    pub columns: &'static [FieldSpec],
    /// General notes: required columns, duplicates, the file format.
    pub notes: Vec<String>,
}

/// The guidelines shown in the Import users dialog.
///
/// ```
/// let g = user_import::guidelines();
/// assert_eq!(g.columns.len(), 7);
/// assert!(g.notes[0].contains("First Name, Last Name and Email"));
/// ```
pub fn guidelines() -> Guidelines {
    let required: Vec<&str> = Field::ALL
        .iter()
        .filter(|f| f.is_required())
        .map(|f| f.header())
        .collect();
    let required = match required.as_slice() {
        [init @ .., last] if !init.is_empty() => format!("{} and {}", init.join(", "), last),
        _ => required.join(""),
    };
    let limits = crate::Limits::default();
    Guidelines {
        columns: &SPECS,
        notes: vec![
            format!("Every user needs {required}; the other columns may be left empty."),
            "Each email belongs to one user. When several rows share an email, the last row \
             wins: the earlier rows are not imported and are listed as replaced."
                .to_string(),
            "An existing user of the location with the same email is updated; anyone else is \
             created."
                .to_string(),
            "Headers are matched without regard to case, spaces, '-', '_' or '.', and common \
             names such as 'E-mail' or 'Surname' are understood. Other columns are ignored."
                .to_string(),
            format!(
                "Save the file as CSV (UTF-8 is best; comma, semicolon, tab or '|' separated), \
                 at most {} rows and {} MB.",
                group_thousands(limits.max_rows as u64),
                limits.max_bytes / (1024 * 1024)
            ),
            "Rows with errors are not imported: download the error file, fix it in Excel and \
             upload it again as it is."
                .to_string(),
        ],
    }
}

/// `1000000` → `1,000,000`, for messages and counts people read.
///
/// ```
/// assert_eq!(user_import::group_thousands(1_234_567), "1,234,567");
/// assert_eq!(user_import::group_thousands(999), "999");
/// ```
pub fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_are_in_field_order() {
        for (i, field) in Field::ALL.iter().enumerate() {
            assert_eq!(SPECS[i].field, *field);
        }
    }

    #[test]
    fn header_matching_ignores_case_spaces_and_punctuation() {
        for text in [
            "first_name",
            "FIRST NAME",
            "FirstName",
            "first-name",
            " First.Name ",
        ] {
            assert_eq!(Field::from_header(text), Some(Field::FirstName), "{text}");
        }
    }

    #[test]
    fn every_alias_of_the_spec_matches() {
        let cases = [
            (Field::FirstName, &["first", "given name", "fname"][..]),
            (
                Field::LastName,
                &["last", "surname", "family name", "lname"],
            ),
            (Field::Email, &["email address", "e-mail", "mail", "EMAIL"]),
            (Field::Extension, &["ext", "extension number", "Ext."]),
            (
                Field::MobileNumber,
                &["mobile", "mobile phone", "cell", "cell phone", "cellphone"],
            ),
            (Field::JobTitle, &["title", "Job-Title"]),
            (Field::Department, &["dept", "Dept."]),
        ];
        for (field, texts) in cases {
            for text in texts {
                assert_eq!(Field::from_header(text), Some(field), "{text}");
            }
        }
    }

    #[test]
    fn unknown_headers_match_nothing() {
        for text in ["", "Name", "Phone", "Row", "Errors", "Office"] {
            assert_eq!(Field::from_header(text), None, "{text}");
        }
    }

    #[test]
    fn template_is_the_header_row_alone_with_bom_and_crlf() {
        assert_eq!(
            template_csv(),
            b"\xEF\xBB\xBFFirst Name,Last Name,Email,Extension,Mobile Number,Job Title,Department\r\n"
        );
    }

    #[test]
    fn guidelines_name_the_required_columns_and_the_duplicate_rule() {
        let g = guidelines();
        assert_eq!(
            g.notes[0],
            "Every user needs First Name, Last Name and Email; the other columns may be left empty."
        );
        assert!(g.notes.iter().any(|n| n.contains("the last row wins")));
        assert!(g
            .notes
            .iter()
            .any(|n| n.contains("1,000,000 rows and 256 MB")));
        assert_eq!(g.columns.iter().filter(|c| c.required).count(), 3);
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(1000), "1,000");
        assert_eq!(group_thousands(1_000_000), "1,000,000");
    }
}
