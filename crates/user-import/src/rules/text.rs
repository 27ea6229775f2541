//! Names, job titles and departments.

use crate::error::{ErrorCode, Problem};
use crate::schema::{Field, NAME_FORBIDDEN, NAME_MAX_CHARS, TEXT_MAX_CHARS};

/// First and last names: 1–50 characters, at least one letter, no control
/// characters, none of `< > " \ / % #`.
pub(super) fn check_name(field: Field, value: &str) -> Result<&str, Problem> {
    if is_plain_ascii_name(value.as_bytes()) {
        return Ok(value);
    }
    check_common(field, value, NAME_MAX_CHARS)?;
    let mut has_letter = false;
    for c in value.chars() {
        if NAME_FORBIDDEN.contains(&c) {
            let forbidden: Vec<String> = NAME_FORBIDDEN.iter().map(char::to_string).collect();
            return Err(Problem::new(
                ErrorCode::ForbiddenCharacter,
                format!(
                    "{field} contains '{c}', which a name cannot contain (none of {}).",
                    forbidden.join(" ")
                ),
            ));
        }
        // The Unicode tables are slow: ask them only until a letter is found.
        has_letter = has_letter || c.is_alphabetic();
    }
    if !has_letter {
        return Err(Problem::new(
            ErrorCode::NoLetter,
            format!(
                "{field} {} has no letters; enter a name.",
                crate::error::quoted(value)
            ),
        ));
    }
    Ok(value)
}

/// The common case in one pass: printable ASCII, none of the forbidden
/// characters, a letter, not too long. Anything else takes the full path,
/// which says what is wrong (or accepts it: accents, other scripts).
fn is_plain_ascii_name(bytes: &[u8]) -> bool {
    let mut has_letter = false;
    for &b in bytes {
        if !(0x20..0x7F).contains(&b)
            || matches!(b, b'<' | b'>' | b'"' | b'\\' | b'/' | b'%' | b'#')
        {
            return false;
        }
        has_letter |= b.is_ascii_alphabetic();
    }
    has_letter && bytes.len() <= NAME_MAX_CHARS
}

/// Job title and department: at most 100 characters, no control characters.
pub(super) fn check_text(field: Field, value: &str) -> Result<&str, Problem> {
    check_common(field, value, TEXT_MAX_CHARS)?;
    Ok(value)
}

/// Length, control characters and unreadable characters, in one pass.
fn check_common(field: Field, value: &str, max_chars: usize) -> Result<(), Problem> {
    // Printable ASCII, the common case, can hold neither control nor
    // unreadable characters, and its length in characters is its length.
    let printable_ascii = value.bytes().all(|b| (0x20..0x7F).contains(&b));
    let chars = if printable_ascii {
        value.len()
    } else {
        let mut chars = 0;
        for c in value.chars() {
            chars += 1;
            if c.is_control() {
                return Err(Problem::new(
                    ErrorCode::ControlCharacter,
                    format!(
                        "{field} contains {}, which is not allowed; remove it.",
                        describe_control(c)
                    ),
                ));
            }
            if c == char::REPLACEMENT_CHARACTER {
                return Err(Problem::new(
                    ErrorCode::Unreadable,
                    format!(
                        "{field} contains a character that could not be read (\u{FFFD}); the \
                         file's encoding is damaged here. Save the file as \"CSV UTF-8\" and \
                         upload it again."
                    ),
                ));
            }
        }
        chars
    };
    if chars > max_chars {
        return Err(Problem::new(
            ErrorCode::TooLong,
            format!("{field} has {chars} characters; at most {max_chars} are allowed."),
        ));
    }
    Ok(())
}

fn describe_control(c: char) -> String {
    match c {
        '\t' => "a tab".to_string(),
        '\r' | '\n' => "a line break".to_string(),
        _ => format!("the control character U+{:04X}", u32::from(c)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name_error(value: &str) -> (ErrorCode, String) {
        let p = check_name(Field::FirstName, value).unwrap_err();
        (p.code, p.message)
    }

    #[test]
    fn ordinary_names_pass_as_they_are() {
        for name in [
            "Zoë",
            "O'Brien",
            "Jean-Luc",
            "李",
            "Ng",
            "X Æ A-12",
            "Ólafur Þór",
        ] {
            assert_eq!(check_name(Field::LastName, name), Ok(name));
        }
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        assert!(check_name(Field::FirstName, &"é".repeat(50)).is_ok());
        assert_eq!(
            name_error(&"é".repeat(51)),
            (
                ErrorCode::TooLong,
                "First Name has 51 characters; at most 50 are allowed.".to_string()
            )
        );
    }

    #[test]
    fn a_name_needs_a_letter() {
        assert_eq!(
            name_error("123"),
            (
                ErrorCode::NoLetter,
                "First Name \"123\" has no letters; enter a name.".to_string()
            )
        );
        assert_eq!(name_error("--").0, ErrorCode::NoLetter);
    }

    #[test]
    fn forbidden_characters_are_named() {
        for c in ['<', '>', '"', '\\', '/', '%', '#'] {
            let (code, message) = name_error(&format!("An{c}n"));
            assert_eq!(code, ErrorCode::ForbiddenCharacter);
            assert!(
                message.starts_with(&format!("First Name contains '{c}'")),
                "{message}"
            );
        }
    }

    #[test]
    fn control_characters_are_refused_everywhere() {
        assert_eq!(
            name_error("A\tB").1,
            "First Name contains a tab, which is not allowed; remove it."
        );
        assert_eq!(name_error("A\nB").0, ErrorCode::ControlCharacter);
        let p = check_text(Field::Department, "Sales\u{7}").unwrap_err();
        assert_eq!(
            p.message,
            "Department contains the control character U+0007, which is not allowed; remove it."
        );
    }

    #[test]
    fn unreadable_characters_are_refused() {
        assert_eq!(name_error("Zo\u{FFFD}").0, ErrorCode::Unreadable);
        assert_eq!(
            check_text(Field::JobTitle, "\u{FFFD}").unwrap_err().code,
            ErrorCode::Unreadable
        );
    }

    #[test]
    fn the_fast_path_agrees_with_the_full_rule() {
        for value in [
            "Ann",
            "O'Brien",
            "A<b",
            "12",
            "a\\b",
            &"x".repeat(51),
            "Zoë",
            " x",
        ] {
            if is_plain_ascii_name(value.as_bytes()) {
                let slow_ok = check_common(Field::FirstName, value, NAME_MAX_CHARS).is_ok()
                    && !value.chars().any(|c| NAME_FORBIDDEN.contains(&c))
                    && value.chars().any(char::is_alphabetic);
                assert!(slow_ok, "{value}");
            }
        }
    }

    #[test]
    fn titles_and_departments_allow_100_characters_of_anything_printable() {
        assert!(check_text(Field::JobTitle, &"x".repeat(100)).is_ok());
        assert!(check_text(Field::JobTitle, "R&D / <Ops> #1 100%").is_ok());
        let p = check_text(Field::JobTitle, &"x".repeat(101)).unwrap_err();
        assert_eq!(
            p.message,
            "Job Title has 101 characters; at most 100 are allowed."
        );
    }
}
