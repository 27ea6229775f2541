//! Names, job titles and departments.

use crate::error::{ErrorCode, Problem};
use crate::schema::{Field, NAME_FORBIDDEN, NAME_MAX_CHARS, TEXT_MAX_CHARS};

/// First and last names: 1–50 characters, at least one letter, no control
/// characters, none of `< > " \ / % #`.
// Inlined in wasm: see `rules::check`.
#[cfg_attr(target_arch = "wasm32", inline(always))]
pub(super) fn check_name(field: Field, value: &str) -> Result<&str, Problem> {
    let scan = Scan::of(value.as_bytes());
    if scan.flags & (CONTROL | FORBIDDEN | LOOK_CLOSER) == 0
        && scan.flags & LETTER != 0
        && scan.chars <= NAME_MAX_CHARS
    {
        return Ok(value);
    }
    check_name_fully(field, value)
}

/// The name rule character by character: for the cells the one-pass
/// [`Scan`] cannot accept, and for its tests.
fn check_name_fully(field: Field, value: &str) -> Result<&str, Problem> {
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

/// Byte classes of the one-pass scan.
/// A C0 control character or DEL.
const CONTROL: u8 = 1;
/// An ASCII character a name cannot contain ([`NAME_FORBIDDEN`]).
const FORBIDDEN: u8 = 2;
/// An ASCII letter.
const LETTER: u8 = 4;
/// The first byte of U+0080–U+009F (C1 controls, `C2 80`–`C2 9F`) or of
/// U+FFFD (`EF BF BD`): the cell needs the character-by-character rule.
/// No other character that a rule refuses starts with a byte over 0x7F.
const LOOK_CLOSER: u8 = 8;

static CLASSES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = if c < 0x20 || c == 0x7F {
            CONTROL
        } else if c.is_ascii_alphabetic() {
            LETTER
        } else if matches!(c, b'<' | b'>' | b'"' | b'\\' | b'/' | b'%' | b'#') {
            FORBIDDEN
        } else if c == 0xC2 || c == 0xEF {
            LOOK_CLOSER
        } else {
            0
        };
        b += 1;
    }
    table
};

/// What a pass over a cell's bytes learns: the classes of its bytes,
/// OR-ed, and its length in characters (exact when the cell is longer than
/// a name may be; else its length in bytes, which is no less). Most cells
/// are decided by it without decoding a character.
struct Scan {
    flags: u8,
    chars: usize,
}

impl Scan {
    fn of(bytes: &[u8]) -> Scan {
        let flags = bytes
            .iter()
            .fold(0, |flags, &b| flags | CLASSES[usize::from(b)]);
        // A cell has at most as many characters as bytes: most are counted
        // without a look at their bytes.
        let chars = if bytes.len() <= NAME_MAX_CHARS {
            bytes.len()
        } else {
            bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count()
        };
        Scan { flags, chars }
    }
}

// Inlined in wasm: see `rules::check`.
#[cfg_attr(target_arch = "wasm32", inline(always))]
pub(super) fn check_text(field: Field, value: &str) -> Result<&str, Problem> {
    let scan = Scan::of(value.as_bytes());
    if scan.flags & (CONTROL | LOOK_CLOSER) == 0 && scan.chars <= TEXT_MAX_CHARS {
        return Ok(value);
    }
    check_common(field, value, TEXT_MAX_CHARS)?;
    Ok(value)
}

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

    /// The one-pass scan accepts only what the full rules accept, and the
    /// rules answer the same either way (same value or same problem).
    #[test]
    fn the_one_pass_scan_agrees_with_the_full_rules() {
        let edges = [
            "Ann",
            "O'Brien",
            "A<b",
            "12",
            "a\\b",
            "Zoë",
            " x",
            "李",
            "--",
            "Zo\u{FFFD}",
            "A\u{85}B",
            "\u{A0}Ann",
            "Ann\u{7F}",
            "Ｎ",
            "é",
        ];
        for value in edges {
            assert_eq!(
                check_name(Field::FirstName, value),
                check_name_fully(Field::FirstName, value),
                "{value:?}"
            );
        }
        for value in [
            &"x".repeat(51),
            &"é".repeat(50),
            &"é".repeat(51),
            &"李".repeat(101),
        ] {
            assert_eq!(
                check_name(Field::FirstName, value),
                check_name_fully(Field::FirstName, value)
            );
            let full =
                check_common(Field::JobTitle, value, TEXT_MAX_CHARS).map(|()| value.as_str());
            assert_eq!(check_text(Field::JobTitle, value), full);
        }
    }

    proptest::proptest! {
        #[test]
        fn the_one_pass_scan_agrees_on_any_text(value in "[a-zA-Z0-9 '<>\"\\\\/%#\t\u{7f}\u{80}-\u{a0}éÆ李\u{FFFD}\u{FEFF}-]{0,60}") {
            proptest::prop_assert_eq!(check_name(Field::LastName, &value), check_name_fully(Field::LastName, &value));
            let full = check_common(Field::Department, &value, TEXT_MAX_CHARS).map(|()| value.as_str());
            proptest::prop_assert_eq!(check_text(Field::Department, &value), full);
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
