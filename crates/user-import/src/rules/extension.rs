//! Extensions: 2–6 digits, the first 1–8.

use crate::error::{quoted, ErrorCode, Problem};

/// Checks an extension: 2–6 ASCII digits, the first not 0 (the operator)
/// or 9 (the outside line). The value is stored as written.
///
/// ```
/// use user_import::rules::check_extension;
/// assert_eq!(check_extension("2041"), Ok("2041"));
/// assert!(check_extension("9001").is_err());
/// ```
// Inlined in wasm: see `rules::check`.
#[cfg_attr(target_arch = "wasm32", inline(always))]
pub fn check_extension(value: &str) -> Result<&str, Problem> {
    let fail = |why: &str| {
        Err(Problem::new(
            ErrorCode::InvalidExtension,
            format!("Extension {} {why}", quoted(value)),
        ))
    };
    if !value.bytes().all(|b| b.is_ascii_digit()) {
        return fail("must be digits only, such as 2041.");
    }
    if !(2..=6).contains(&value.len()) {
        return fail("must have 2 to 6 digits, such as 2041.");
    }
    match value.as_bytes()[0] {
        b'0' => fail("cannot start with 0, which dials the operator."),
        b'9' => fail("cannot start with 9, which dials an outside line."),
        _ => Ok(value),
    }
}

/// An extension as a number, for quick comparison; valid extensions have no
/// leading zero, so equal numbers mean equal extensions.
pub(crate) fn extension_number(valid: &str) -> u32 {
    valid.bytes().fold(0, |n, b| n * 10 + u32::from(b - b'0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(value: &str) -> String {
        check_extension(value).unwrap_err().message
    }

    #[test]
    fn valid_extensions() {
        for ext in ["10", "2041", "888888", "123456"] {
            assert_eq!(check_extension(ext), Ok(ext));
        }
    }

    #[test]
    fn each_rule_has_its_message() {
        assert_eq!(
            message("1"),
            "Extension \"1\" must have 2 to 6 digits, such as 2041."
        );
        assert_eq!(
            message("1234567"),
            "Extension \"1234567\" must have 2 to 6 digits, such as 2041."
        );
        assert_eq!(
            message("20a1"),
            "Extension \"20a1\" must be digits only, such as 2041."
        );
        assert_eq!(
            message("2 041"),
            "Extension \"2 041\" must be digits only, such as 2041."
        );
        assert_eq!(
            message("٢٠٤١"),
            "Extension \"٢٠٤١\" must be digits only, such as 2041."
        );
        assert_eq!(
            message("0123"),
            "Extension \"0123\" cannot start with 0, which dials the operator."
        );
        assert_eq!(
            message("9123"),
            "Extension \"9123\" cannot start with 9, which dials an outside line."
        );
    }

    #[test]
    fn numbers_identify_extensions() {
        assert_eq!(extension_number("2041"), 2041);
        assert_eq!(extension_number("888888"), 888_888);
    }
}
