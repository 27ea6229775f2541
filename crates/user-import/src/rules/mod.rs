//! The rule of each column: a cell's text (already trimmed) in, the value
//! to store or what is wrong with it out. One file per kind of value.
//!
//! ```
//! use user_import::{rules, Field};
//!
//! let email = rules::normalize(Field::Email, "Ann.Lee@Example.COM").unwrap();
//! assert_eq!(email.as_deref(), Some("ann.lee@example.com"));
//!
//! let mobile = rules::normalize(Field::MobileNumber, "(415) 555-0132").unwrap();
//! assert_eq!(mobile.as_deref(), Some("+14155550132"));
//!
//! let problem = rules::normalize(Field::Extension, "0123").unwrap_err();
//! assert!(problem.message.contains("cannot start with 0"));
//! ```

mod email;
mod extension;
mod phone;
mod text;

use crate::error::{ErrorCode, Problem};
use crate::schema::Field;
use std::borrow::Cow;

pub use email::normalize_email;

/// The key of a stored email cell for the duplicate rule: the cell as the
/// rules read it, lowercased.
pub(crate) fn email_key(raw: &str) -> Cow<'_, str> {
    email::lowercase(prepare_cell(raw))
}
pub use extension::check_extension;
pub(crate) use extension::extension_number;
pub use phone::normalize_phone;

/// The value to store for `field`, from a trimmed cell: `Ok(None)` for an
/// empty optional cell, an error naming the column otherwise.
pub fn normalize(field: Field, value: &str) -> Result<Option<Cow<'_, str>>, Problem> {
    if value.is_empty() {
        return if field.is_required() {
            Err(Problem::new(
                ErrorCode::Required,
                format!("{field} is required."),
            ))
        } else {
            Ok(None)
        };
    }
    let normalized = match field {
        Field::FirstName | Field::LastName => text::check_name(field, value).map(Cow::Borrowed)?,
        Field::JobTitle | Field::Department => text::check_text(field, value).map(Cow::Borrowed)?,
        Field::Email => normalize_email(value)?,
        Field::Extension => check_extension(value).map(Cow::Borrowed)?,
        Field::MobileNumber => Cow::Owned(normalize_phone(value)?),
    };
    Ok(Some(normalized))
}

/// Whether a trimmed cell passes `field`'s rule, without building the
/// value: the check of a large file calls this for every cell. `scratch` is
/// a buffer the caller reuses.
///
/// In wasm, this function, [`prepare_cell`] and each rule's one-pass
/// accept (`check_name`, `check_text`, `check_email` and its
/// `is_common_address`, `check_phone`) are inlined into the check of a
/// row: LLVM left them as calls there, one or more per cell, each passing
/// slices and a `Result` through memory. Inlined, a 100,000-row check took
/// about 13% less time in Chromium (README, "Benchmarks"). Natively LLVM
/// already inlines what pays: forcing this function inline there added
/// 4.6% instructions (callgrind) for the same time.
#[cfg_attr(target_arch = "wasm32", inline(always))]
pub fn check(field: Field, value: &str, scratch: &mut String) -> Result<(), Problem> {
    if value.is_empty() {
        return normalize(field, value).map(drop);
    }
    match field {
        Field::FirstName | Field::LastName => text::check_name(field, value).map(drop),
        Field::JobTitle | Field::Department => text::check_text(field, value).map(drop),
        Field::Email => email::check_email(value),
        Field::Extension => check_extension(value).map(drop),
        Field::MobileNumber => phone::check_phone(value, scratch),
    }
}

/// A cell as the rules read it: without the error file's formula guard (a
/// leading `'` before `=`, `+`, `-`, `@`, TAB or CR) and without surrounding
/// white space.
///
/// The spec names `=`, `+`, `-` and `@`; TAB and CR are undone too, because
/// the error file guards them as well and a corrected error file must
/// re-import as it is.
///
/// ```
/// use user_import::rules::prepare_cell;
/// assert_eq!(prepare_cell("  '+44 20 7946 0958 "), "'+44 20 7946 0958");
/// assert_eq!(prepare_cell("'+44 20 7946 0958"), "+44 20 7946 0958");
/// assert_eq!(prepare_cell("'Neill"), "'Neill");
/// ```
// Inlined in wasm: see [`check`].
#[cfg_attr(target_arch = "wasm32", inline(always))]
pub fn prepare_cell(raw: &str) -> &str {
    let unguarded = match raw.as_bytes() {
        [b'\'', b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r', ..] => &raw[1..],
        _ => raw,
    };
    // Most cells start and end with a visible ASCII character.
    match unguarded.as_bytes() {
        [] => unguarded,
        [first, .., last] | [first @ last]
            if first.is_ascii_graphic() && last.is_ascii_graphic() =>
        {
            unguarded
        }
        _ => unguarded.trim(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_required_cells_are_required() {
        for field in [Field::FirstName, Field::LastName, Field::Email] {
            let problem = normalize(field, "").unwrap_err();
            assert_eq!(problem.code, ErrorCode::Required);
            assert_eq!(problem.message, format!("{} is required.", field.header()));
        }
    }

    #[test]
    fn empty_optional_cells_are_not_given() {
        for field in [
            Field::Extension,
            Field::MobileNumber,
            Field::JobTitle,
            Field::Department,
        ] {
            assert_eq!(normalize(field, ""), Ok(None));
        }
    }

    #[test]
    fn the_formula_guard_is_undone_before_trimming() {
        assert_eq!(prepare_cell("'=SUM(A1)"), "=SUM(A1)");
        assert_eq!(prepare_cell("'-5"), "-5");
        assert_eq!(prepare_cell("'@ann"), "@ann");
        assert_eq!(prepare_cell("'\tBob "), "Bob");
        assert_eq!(prepare_cell("'\r\nBob"), "Bob");
        assert_eq!(prepare_cell("'"), "'");
        assert_eq!(prepare_cell("\u{a0}Ann\u{a0}"), "Ann");
    }
}
