//! Mobile numbers, stored as E.164 (`+` and 8–15 digits).

use crate::error::{quoted, ErrorCode, Problem};
use crate::vector::{load_partial, LANES};

const EXAMPLE: &str = "+44 20 7946 0958";

/// Normalizes a mobile number to E.164.
///
/// Spaces, `-`, `.`, `(` and `)` are removed; then a number with `+` keeps
/// its 8–15 digits, ten digits starting 2–9 are North American (`+1`), and
/// eleven digits starting with 1 get back the `+` that Excel dropped.
/// Anything else must be written with its country code.
///
/// ```
/// use user_import::rules::normalize_phone;
/// assert_eq!(normalize_phone("+44 20 7946 0958").unwrap(), "+442079460958");
/// assert_eq!(normalize_phone("415.555.0132").unwrap(), "+14155550132");
/// assert_eq!(normalize_phone("14155550132").unwrap(), "+14155550132");
/// assert!(normalize_phone("020 7946 0958").is_err());
/// ```
pub fn normalize_phone(value: &str) -> Result<String, Problem> {
    let mut out = String::with_capacity(16);
    write_phone(value, &mut out)?;
    Ok(out)
}

/// [`normalize_phone`] into a buffer the caller reuses (the check of a
/// large file allocates nothing per number).
pub(crate) fn write_phone(value: &str, out: &mut String) -> Result<(), Problem> {
    let fail = |why: String| {
        Err(Problem::new(
            ErrorCode::InvalidMobileNumber,
            format!("Mobile Number {} {why}", quoted(value)),
        ))
    };
    if value.bytes().any(|b| b == b'E' || b == b'e') && looks_like_excel_scientific(value) {
        return fail(
            "was turned into a number by Excel and has lost digits. Format the column as Text, \
             type the numbers again with their country code, and export again."
                .to_string(),
        );
    }
    out.clear();
    let mut plus = false;
    for c in value.chars() {
        match c {
            '0'..='9' => out.push(c),
            '+' if !plus && out.is_empty() => plus = true,
            '-' | '.' | '(' | ')' => {}
            c if c.is_whitespace() => {}
            c => {
                return fail(format!(
                "contains '{c}'; write only the number, with its country code, such as {EXAMPLE}."
            ))
            }
        }
    }
    let digits = out.len();
    let first = out.as_bytes().first().copied();
    if plus {
        if first == Some(b'0') {
            return fail(format!(
                "has a country code starting with 0; write it as + and the country code, such as {EXAMPLE}."
            ));
        }
        if !(8..=15).contains(&digits) {
            return fail(format!(
                "has {digits} digits after the +; a number with its country code has 8 to 15, such as {EXAMPLE}."
            ));
        }
        out.insert(0, '+');
        return Ok(());
    }
    match (digits, first) {
        (10, Some(b'2'..=b'9')) => {
            out.insert_str(0, "+1");
            Ok(())
        }
        (11, Some(b'1')) => {
            out.insert(0, '+');
            Ok(())
        }
        _ if out.starts_with("00") && digits > 2 => fail(format!(
            "starts with 00; write the country code after a + instead, such as +{} for this number.",
            &out[2..]
        )),
        _ => fail(format!(
            "needs its country code; write it with + and the country code, such as {EXAMPLE}."
        )),
    }
}

/// Whether `value` is a valid number, without writing it (the check of a
/// large file calls this for every cell). It counts the digits of the
/// common forms without a branch per byte (numbers mix their formats,
/// which a branch per byte would keep guessing wrong); anything else, and
/// every refusal, goes to [`write_phone`], which has the messages.
// Inlined in wasm: see `rules::check`.
#[cfg_attr(target_arch = "wasm32", inline(always))]
pub(crate) fn check_phone(value: &str, scratch: &mut String) -> Result<(), Problem> {
    let bytes = value.as_bytes();
    let tally = if bytes.len() <= LANES {
        Tally::of_short(bytes)
    } else {
        Tally::of(bytes)
    };
    let plus = tally.pluses == 1;
    let valid = !tally.other
        && tally.pluses <= 1
        && (!plus || tally.plus_leads)
        && if plus {
            tally.first_digit != b'0' && (8..=15).contains(&tally.digits)
        } else {
            (tally.digits == 10 && tally.first_digit >= b'2')
                || (tally.digits == 11 && tally.first_digit == b'1')
        };
    if valid {
        Ok(())
    } else {
        write_phone(value, scratch)
    }
}

/// What [`check_phone`] needs to know of a number's bytes.
#[derive(Debug, PartialEq, Eq)]
struct Tally {
    /// A byte other than digits, `+` and the separators.
    other: bool,
    digits: u32,
    pluses: u32,
    /// The first digit, or 0 if there is none.
    first_digit: u8,
    /// No digit comes before the first `+`.
    plus_leads: bool,
}

impl Tally {
    /// One pass over the bytes, a table lookup each.
    fn of(bytes: &[u8]) -> Tally {
        let (mut classes, mut digits, mut pluses) = (0, 0, 0);
        for &b in bytes {
            let class = CLASSES[usize::from(b)];
            classes |= class;
            digits += u32::from(class & DIGIT != 0);
            pluses += u32::from(class & PLUS != 0);
        }
        let first_digit = bytes.iter().position(u8::is_ascii_digit);
        let first_plus = bytes.iter().position(|&b| b == b'+');
        Tally {
            other: classes & OTHER != 0,
            digits,
            pluses,
            first_digit: first_digit.map_or(0, |i| bytes[i]),
            plus_leads: match (first_plus, first_digit) {
                (Some(plus), Some(digit)) => plus < digit,
                _ => true,
            },
        }
    }

    /// The same for up to sixteen bytes (every common form): each kind of
    /// byte a bit mask, the counts their bits, no loop. The 100,000-row
    /// check took 27.3 → 26.9 and 28.6 → 27.0 ms (medians of 60, in turns
    /// in a Chromium page; README, "Benchmarks").
    // Inlined in wasm: see `rules::check`.
    #[cfg_attr(target_arch = "wasm32", inline(always))]
    fn of_short(bytes: &[u8]) -> Tally {
        debug_assert!(bytes.len() <= LANES);
        let v = load_partial(bytes);
        let all = (1u32 << bytes.len()) - 1;
        let digit = v.between(b'0', b'9').bits();
        let plus = v.eq(b'+').bits();
        // `(` `)` and `-` `.` are neighbours in ASCII.
        let separator = v
            .eq(b' ')
            .or(v.between(b'(', b')'))
            .or(v.between(b'-', b'.'))
            .bits();
        let first_digit = match digit {
            0 => 0,
            _ => bytes[digit.trailing_zeros() as usize],
        };
        Tally {
            other: all & !(digit | plus | separator) != 0,
            digits: digit.count_ones(),
            pluses: plus.count_ones(),
            first_digit,
            // Digits below the lowest +.
            plus_leads: plus == 0 || digit & (plus & plus.wrapping_neg()).wrapping_sub(1) == 0,
        }
    }
}

/// Byte classes for [`check_phone`].
const DIGIT: u8 = 1;
const PLUS: u8 = 2;
/// Anything but digits, `+` and the separators `-` `.` `(` `)` and space.
const OTHER: u8 = 4;

static CLASSES: [u8; 256] = {
    let mut table = [OTHER; 256];
    let mut b = b'0';
    while b <= b'9' {
        table[b as usize] = DIGIT;
        b += 1;
    }
    table[b'+' as usize] = PLUS;
    let separators = *b"-.() ";
    let mut i = 0;
    while i < separators.len() {
        table[separators[i] as usize] = 0;
        i += 1;
    }
    table
};

/// `4.42079E+11`: what Excel writes for a long number in a General column.
fn looks_like_excel_scientific(value: &str) -> bool {
    let Some((mantissa, exponent)) = value.split_once(['E', 'e']) else {
        return false;
    };
    let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
    let mantissa_ok = match mantissa.split_once('.') {
        Some((int, frac)) => {
            !int.is_empty()
                && !frac.is_empty()
                && (int.bytes().chain(frac.bytes())).all(|b| b.is_ascii_digit())
        }
        None => !mantissa.is_empty() && mantissa.bytes().all(|b| b.is_ascii_digit()),
    };
    mantissa_ok && !exponent.is_empty() && exponent.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(value: &str) -> String {
        normalize_phone(value).unwrap()
    }

    fn why(value: &str) -> String {
        let p = normalize_phone(value).unwrap_err();
        assert_eq!(p.code, ErrorCode::InvalidMobileNumber);
        p.message
            .strip_prefix(&format!("Mobile Number {} ", quoted(value)))
            .expect(&p.message)
            .to_string()
    }

    #[test]
    fn international_numbers_keep_their_digits() {
        assert_eq!(ok("+44 20 7946 0958"), "+442079460958");
        assert_eq!(ok("+1 (415) 555-0132"), "+14155550132");
        assert_eq!(ok("+49.30.1234.5678"), "+493012345678");
        assert_eq!(ok("+12345678"), "+12345678");
        assert_eq!(ok("+123456789012345"), "+123456789012345");
        assert_eq!(ok("+44\u{a0}20\u{a0}7946\u{a0}0958"), "+442079460958");
    }

    #[test]
    fn north_american_numbers_get_plus_one() {
        assert_eq!(ok("(415) 555-0132"), "+14155550132");
        assert_eq!(ok("4155550132"), "+14155550132");
        assert_eq!(ok("1-415-555-0132"), "+14155550132");
        assert_eq!(ok("14155550132"), "+14155550132");
    }

    #[test]
    fn numbers_without_country_code_are_refused_with_an_example() {
        for value in ["020 7946 0958", "0155550132", "555-0132", "123456789012"] {
            assert_eq!(
                why(value),
                "needs its country code; write it with + and the country code, such as +44 20 7946 0958.",
                "{value}"
            );
        }
    }

    #[test]
    fn double_zero_prefix_is_explained() {
        assert_eq!(
            why("0044 20 7946 0958"),
            "starts with 00; write the country code after a + instead, such as +442079460958 for this number."
        );
    }

    #[test]
    fn plus_numbers_need_8_to_15_digits_not_starting_with_0() {
        assert_eq!(
            why("+1234567"),
            "has 7 digits after the +; a number with its country code has 8 to 15, such as +44 20 7946 0958."
        );
        assert!(why("+1234567890123456").starts_with("has 16 digits"));
        assert!(why("+0 20 7946 0958").starts_with("has a country code starting with 0"));
        assert!(why("+").starts_with("has 0 digits"));
    }

    #[test]
    fn letters_and_extensions_are_named() {
        assert_eq!(
            why("+1 415 555 0132 x12"),
            "contains 'x'; write only the number, with its country code, such as +44 20 7946 0958."
        );
        assert!(why("++44 20 7946 0958").starts_with("contains '+'"));
        assert!(why("n/a").starts_with("contains 'n'"));
    }

    #[test]
    fn excel_scientific_notation_is_explained() {
        assert!(why("4.42079E+11").starts_with("was turned into a number by Excel"));
        assert!(why("4E+11").starts_with("was turned into a number by Excel"));
        assert!(!looks_like_excel_scientific("+44 20 7946 0958"));
        assert!(!looks_like_excel_scientific("E+11"));
    }

    #[test]
    fn counting_refuses_a_plus_that_is_doubled_or_after_a_digit() {
        let mut scratch = String::new();
        for value in [
            "++14155550132",
            "+(+44) 20 7946 0958",
            "4+41234567",
            "1+4155550132",
            "+",
        ] {
            assert!(check_phone(value, &mut scratch).is_err(), "{value}");
            assert!(normalize_phone(value).is_err(), "{value}");
        }
        assert!(check_phone("(+44) 20 7946 0958", &mut scratch).is_ok());
    }

    proptest::proptest! {
        #[test]
        fn counting_decides_as_writing_does(
            value in "[0-9+ ().eE\t\u{a0}-]{0,20}|[0-9+ ().-]{0,20}|\\+?[0-9 -]{7,16}"
        ) {
            let mut scratch = String::new();
            proptest::prop_assert_eq!(check_phone(&value, &mut scratch), normalize_phone(&value).map(drop));
        }

        /// The masks count as the table does, at every length they take.
        #[test]
        fn short_numbers_are_tallied_as_long_ones_are(
            value in "[0-9+ ().eE\t\u{a0}xX-]{0,16}"
        ) {
            let bytes = &value.as_bytes()[..value.len().min(LANES)];
            proptest::prop_assert_eq!(Tally::of_short(bytes), Tally::of(bytes));
        }
    }
}
