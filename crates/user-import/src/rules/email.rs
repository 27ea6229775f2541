//! Email addresses.
//!
//! "Letters" are the ASCII letters: addresses with other letters
//! (`zoë@…`) are refused, because the mail and phone systems behind the
//! portal do not all accept them. The message says which character it was.

use crate::error::{quoted, ErrorCode, Problem};
use crate::vector::{load_partial, Bytes16, LANES};
use std::borrow::Cow;

const MAX_CHARS: usize = 254;
const LOCAL_MAX: usize = 64;
const LABEL_MAX: usize = 63;
const LOCAL_SPECIALS: &[u8] = b".!#$%&'*+/=?^_`{|}~-";

/// Checks an address and returns it lowercased (borrowed when it already
/// is): the form in which emails are compared and stored.
///
/// ```
/// use user_import::rules::normalize_email;
/// assert_eq!(normalize_email("Ann@Example.com").unwrap(), "ann@example.com");
/// assert!(normalize_email("ann@example").is_err());
/// ```
pub fn normalize_email(value: &str) -> Result<Cow<'_, str>, Problem> {
    check_email(value)?;
    Ok(lowercase(value))
}

/// An address as emails are compared and stored: lowercased, borrowed when
/// it already is (valid addresses are ASCII).
pub(crate) fn lowercase(value: &str) -> Cow<'_, str> {
    if value.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(value.to_ascii_lowercase())
    } else {
        Cow::Borrowed(value)
    }
}

/// Whether `value` is a valid address, without lowercasing it.
// Inlined in wasm: see `rules::check`.
#[cfg_attr(target_arch = "wasm32", inline(always))]
pub(crate) fn check_email(value: &str) -> Result<(), Problem> {
    let bytes = value.as_bytes();
    if is_common_address(bytes) || is_plainly_valid(bytes) {
        return Ok(());
    }
    check(value).map_err(|why| {
        Problem::new(
            ErrorCode::InvalidEmail,
            format!("Email {} is not a valid address: {why}", quoted(value)),
        )
    })
}

/// Byte classes for the one-pass check of the common case.
const LOCAL: u8 = 1;
const DOMAIN: u8 = 2;
const ALPHA: u8 = 4;

static CLASSES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        let alpha = c.is_ascii_alphabetic();
        let alnum = alpha || c.is_ascii_digit();
        let mut class = 0;
        if alnum {
            class |= LOCAL | DOMAIN;
        }
        if alpha {
            class |= ALPHA;
        }
        if c == b'-' {
            class |= DOMAIN;
        }
        let mut i = 0;
        while i < LOCAL_SPECIALS.len() {
            if LOCAL_SPECIALS[i] == c {
                class |= LOCAL;
            }
            i += 1;
        }
        table[b] = class;
        b += 1;
    }
    table
};

/// One pass over the bytes that accepts only addresses every rule allows
/// (most of them). Anything it does not accept goes through [`check`],
/// which finds what is wrong, so this never decides alone that an address
/// is invalid.
fn is_plainly_valid(bytes: &[u8]) -> bool {
    if bytes.len() > MAX_CHARS {
        return false;
    }
    // The local part: up to the first @, no leading, trailing or double
    // dot. Branch-free over its bytes: most addresses pass.
    let Some(at) = bytes.iter().position(|&b| b == b'@') else {
        return false;
    };
    let local = &bytes[..at];
    let mut classes = LOCAL;
    let mut double_dot = false;
    let mut previous_dot = true;
    for &b in local {
        classes &= CLASSES[usize::from(b)];
        let dot = b == b'.';
        double_dot |= dot & previous_dot;
        previous_dot = dot;
    }
    if classes & LOCAL == 0 || double_dot || previous_dot || at > LOCAL_MAX {
        return false;
    }
    // The domain: labels of 1–63 letters, digits and inner hyphens, at
    // least two, the last of letters only; a second @ fails the class test.
    let domain = &bytes[at + 1..];
    let mut labels = 0;
    let mut label_start = 0;
    let mut label_is_alphabetic = true;
    for (i, &b) in domain.iter().enumerate() {
        if b == b'.' {
            if !is_plain_label(&domain[label_start..i]) {
                return false;
            }
            labels += 1;
            label_start = i + 1;
            label_is_alphabetic = true;
            continue;
        }
        let class = CLASSES[usize::from(b)];
        if class & DOMAIN == 0 {
            return false;
        }
        label_is_alphabetic &= class & ALPHA != 0;
    }
    let tld = &domain[label_start..];
    labels >= 1 && is_plain_label(tld) && tld.len() >= 2 && label_is_alphabetic
}

/// The common address, decided sixteen bytes at a time: at most 64 bytes,
/// letters, digits, `.`, `_`, `+` and `-` before the @, a domain of
/// letters, digits, hyphens and dots. Each kind of byte becomes a bit mask
/// ([`Bytes16`]), and the rules become tests on the masks. `false` leaves
/// the address to [`is_plainly_valid`], so this never refuses one alone.
// Inlined in wasm: see `rules::check`.
#[cfg_attr(target_arch = "wasm32", inline(always))]
fn is_common_address(bytes: &[u8]) -> bool {
    let len = bytes.len();
    if len == 0 || len > 64 {
        return false;
    }
    let (mut alpha, mut digit, mut dot, mut hyphen, mut at, mut local_extra) = (0, 0, 0, 0, 0, 0);
    for (i, chunk) in bytes.chunks(LANES).enumerate() {
        let v = load_partial(chunk);
        let shift = i * LANES;
        let bits = |lanes: Bytes16| u64::from(lanes.bits()) << shift;
        alpha |= bits(v.with(0x20).between(b'a', b'z'));
        digit |= bits(v.between(b'0', b'9'));
        dot |= bits(v.eq(b'.'));
        hyphen |= bits(v.eq(b'-'));
        at |= bits(v.eq(b'@'));
        local_extra |= bits(v.eq(b'_').or(v.eq(b'+')));
    }
    // The padding of the last block is NUL: in no mask.
    let all = u64::MAX >> (64 - len);
    if at.count_ones() != 1 {
        return false;
    }
    let at_pos = at.trailing_zeros();
    let local = (1u64 << at_pos) - 1;
    let domain = all & !local & !at;
    let alnum = alpha | digit;
    // The local part: not empty, its characters, no dot at its ends or
    // twice in a row.
    let local_dots = dot & local;
    if local == 0
        || (alnum | dot | hyphen | local_extra) & local != local
        || local_dots & (1 | 1 << (at_pos - 1) | local_dots >> 1) != 0
    {
        return false;
    }
    // The domain: its characters, at least one dot, no empty label, no
    // label that starts or ends with a hyphen. Labels are short enough:
    // the whole address is at most 64 bytes.
    if domain == 0 {
        return false;
    }
    let first = 1u64 << (at_pos + 1);
    let last = 1u64 << (len - 1);
    let dots = dot & domain;
    if (alnum | dot | hyphen) & domain != domain || dots == 0 {
        return false;
    }
    let label_starts = first | dots << 1;
    let label_ends = last | dots >> 1;
    if dots & (first | last | dots >> 1) != 0 || hyphen & (label_starts | label_ends) & domain != 0
    {
        return false;
    }
    // The ending: two letters or more after the last dot.
    let last_dot = u64::BITS - 1 - dots.leading_zeros();
    let ending = all & !(u64::MAX >> (u64::BITS - 1 - last_dot));
    ending.count_ones() >= 2 && alpha & ending == ending
}

/// A domain label's length and ends (its bytes are checked as they are read).
fn is_plain_label(label: &[u8]) -> bool {
    match label {
        [first, .., last] | [first @ last] => {
            label.len() <= LABEL_MAX && *first != b'-' && *last != b'-'
        }
        [] => false,
    }
}

/// Why `value` is not an address, in words that end the message.
fn check(value: &str) -> Result<(), String> {
    if value.len() > MAX_CHARS && value.chars().count() > MAX_CHARS {
        return Err(format!("it is longer than {MAX_CHARS} characters."));
    }
    let at_signs = value.bytes().filter(|&b| b == b'@').count();
    let (local, domain) = match value.split_once('@') {
        None => return Err("it has no @.".to_string()),
        Some(_) if at_signs > 1 => {
            return Err(format!(
                "it has {at_signs} @ signs; an address has exactly one."
            ));
        }
        Some(parts) => parts,
    };
    check_local(local)?;
    check_domain(domain)
}

fn check_local(local: &str) -> Result<(), String> {
    if local.is_empty() {
        return Err("there is nothing before the @.".to_string());
    }
    if local.len() > LOCAL_MAX {
        return Err(format!(
            "the part before the @ is longer than {LOCAL_MAX} characters."
        ));
    }
    if let Some(c) = local.chars().find(|&c| {
        !(c.is_ascii_alphanumeric() || c.is_ascii() && LOCAL_SPECIALS.contains(&(c as u8)))
    }) {
        return Err(format!(
            "it contains {}, which an address cannot contain.",
            describe(c)
        ));
    }
    if local.starts_with('.') || local.ends_with('.') {
        return Err("the part before the @ cannot start or end with a dot.".to_string());
    }
    if local.as_bytes().windows(2).any(|pair| pair == b"..") {
        return Err("it has two dots in a row.".to_string());
    }
    Ok(())
}

fn check_domain(domain: &str) -> Result<(), String> {
    if domain.is_empty() {
        return Err("there is nothing after the @.".to_string());
    }
    if let Some(c) = domain
        .chars()
        .find(|&c| !(c.is_ascii_alphanumeric() || c == '-' || c == '.'))
    {
        return Err(format!(
            "it contains {}, which an address cannot contain.",
            describe(c)
        ));
    }
    let mut labels = 0;
    let mut last = "";
    for label in domain.split('.') {
        labels += 1;
        last = label;
        if label.is_empty() {
            return Err(
                "the domain has an empty part (two dots in a row, or a dot at an end).".to_string(),
            );
        }
        if label.len() > LABEL_MAX {
            return Err(format!(
                "a part of the domain is longer than {LABEL_MAX} characters."
            ));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(format!(
                "the domain part \"{label}\" cannot start or end with a hyphen."
            ));
        }
    }
    if labels < 2 {
        return Err(format!(
            "the domain \"{domain}\" needs a dot and an ending, as in example.com."
        ));
    }
    if last.len() < 2 || !last.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(format!(
            "the domain ends in \".{last}\", which is not a domain ending (such as .com)."
        ));
    }
    Ok(())
}

fn describe(c: char) -> String {
    match c {
        ' ' => "a space".to_string(),
        c if c.is_whitespace() || c.is_control() => format!("the character U+{:04X}", u32::from(c)),
        c => format!("'{c}'"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn why(value: &str) -> String {
        let p = normalize_email(value).unwrap_err();
        assert_eq!(p.code, ErrorCode::InvalidEmail);
        let prefix = format!("Email {} is not a valid address: ", quoted(value));
        p.message
            .strip_prefix(&prefix)
            .expect(&p.message)
            .to_string()
    }

    #[test]
    fn valid_addresses_are_lowercased() {
        let cases = [
            ("zoe.obrien@example.com", "zoe.obrien@example.com"),
            ("Zoe.OBrien@Example.COM", "zoe.obrien@example.com"),
            (
                "o'brien+voice@sub-1.example.co.uk",
                "o'brien+voice@sub-1.example.co.uk",
            ),
            ("a!#$%&'*+/=?^_`{|}~-z@x.io", "a!#$%&'*+/=?^_`{|}~-z@x.io"),
            ("1@2.ab", "1@2.ab"),
        ];
        for (input, want) in cases {
            assert_eq!(normalize_email(input).unwrap(), want, "{input}");
        }
    }

    #[test]
    fn lowercase_input_is_not_copied() {
        assert!(matches!(
            normalize_email("a@b.co").unwrap(),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn at_signs() {
        assert_eq!(why("ann.example.com"), "it has no @.");
        assert_eq!(
            why("ann@@example.com"),
            "it has 2 @ signs; an address has exactly one."
        );
        assert_eq!(why("@example.com"), "there is nothing before the @.");
        assert_eq!(why("ann@"), "there is nothing after the @.");
    }

    #[test]
    fn local_part_rules() {
        assert_eq!(
            why(&format!("{}@example.com", "a".repeat(65))),
            "the part before the @ is longer than 64 characters."
        );
        assert!(normalize_email(&format!("{}@example.com", "a".repeat(64))).is_ok());
        assert_eq!(
            why(".ann@example.com"),
            "the part before the @ cannot start or end with a dot."
        );
        assert_eq!(
            why("ann.@example.com"),
            "the part before the @ cannot start or end with a dot."
        );
        assert_eq!(why("an..n@example.com"), "it has two dots in a row.");
        assert_eq!(
            why("ann lee@example.com"),
            "it contains a space, which an address cannot contain."
        );
        assert_eq!(
            why("zoë@example.com"),
            "it contains 'ë', which an address cannot contain."
        );
        assert_eq!(
            why("a(b)@example.com"),
            "it contains '(', which an address cannot contain."
        );
    }

    #[test]
    fn domain_rules() {
        assert_eq!(
            why("ann@example"),
            "the domain \"example\" needs a dot and an ending, as in example.com."
        );
        assert_eq!(
            why("ann@example..com"),
            "the domain has an empty part (two dots in a row, or a dot at an end)."
        );
        assert_eq!(
            why("ann@example.com."),
            "the domain has an empty part (two dots in a row, or a dot at an end)."
        );
        assert_eq!(
            why("ann@-example.com"),
            "the domain part \"-example\" cannot start or end with a hyphen."
        );
        assert_eq!(
            why(&format!("ann@{}.com", "a".repeat(64))),
            "a part of the domain is longer than 63 characters."
        );
        assert!(normalize_email(&format!("ann@{}.com", "a".repeat(63))).is_ok());
        assert_eq!(
            why("ann@example.c"),
            "the domain ends in \".c\", which is not a domain ending (such as .com)."
        );
        assert_eq!(
            why("ann@example.c0m"),
            "the domain ends in \".c0m\", which is not a domain ending (such as .com)."
        );
        assert_eq!(
            why("ann@exa_mple.com"),
            "it contains '_', which an address cannot contain."
        );
    }

    proptest::proptest! {
        #[test]
        fn the_fast_path_never_accepts_what_the_rules_refuse(value in "[a-zA-Z0-9.@_+'-]{0,30}|.{0,30}") {
            if is_plainly_valid(value.as_bytes()) {
                proptest::prop_assert!(check(&value).is_ok(), "{}", value);
            }
        }

        #[test]
        fn the_vector_path_never_accepts_what_the_rules_refuse(value in "[a-zA-Z0-9.@_+'-]{0,70}|.{0,40}") {
            if is_common_address(value.as_bytes()) {
                proptest::prop_assert!(check(&value).is_ok(), "{}", value);
            }
        }

        /// On the characters it knows, the vector path is the whole rule.
        #[test]
        fn the_vector_path_decides_common_addresses_alone(
            value in "[a-zA-Z0-9._+-]{0,30}@[a-zA-Z0-9.@-]{0,20}\\.[a-zA-Z0-9.-]{0,6}"
        ) {
            if value.len() <= 64 {
                proptest::prop_assert_eq!(is_common_address(value.as_bytes()), check(&value).is_ok(), "{}", value);
            }
        }

        /// On ASCII, the one-pass check is the whole rule: it decides the
        /// same as the rule, both ways.
        #[test]
        fn the_fast_path_decides_ascii_addresses_alone(
            value in "[a-zA-Z0-9.'+_@-]{0,12}@[a-zA-Z0-9.@-]{0,12}\\.[a-zA-Z0-9-]{0,4}"
        ) {
            proptest::prop_assert_eq!(is_plainly_valid(value.as_bytes()), check(&value).is_ok(), "{}", value);
        }
    }

    #[test]
    fn the_vector_path_takes_common_addresses_of_up_to_64_bytes() {
        let longest = format!("{}@example.com", "a".repeat(52));
        for ok in [
            "ann@example.com",
            "Ann.Lee+x_y-z@Mail-1.Example.CO.uk",
            "1@2.ab",
            &longest,
        ] {
            assert!(is_common_address(ok.as_bytes()), "{ok}");
        }
        let longer = format!("a{longest}");
        let others = ["o'brien@example.com", "zoë@example.com", &longer];
        let broken = [
            "a@b-.io",
            "a@b.-c.io",
            "a@b..io",
            "a@.b.io",
            "a@b.io.",
            "a@b@c.io",
            "a b@c.io",
        ];
        for other in others.iter().chain(&broken).chain(&INVALID) {
            assert!(!is_common_address(other.as_bytes()), "{other}");
        }
    }

    /// Addresses that neither fast path may accept.
    const INVALID: [&str; 11] = [
        "",
        "@a.io",
        "a@",
        "a@b",
        "a..b@c.io",
        ".a@c.io",
        "a.@c.io",
        "a@-b.io",
        "a@b.c",
        "a@b.c0",
        "a@@b.io",
    ];

    #[test]
    fn the_fast_path_takes_ordinary_addresses() {
        for ok in ["ann@example.com", "o'brien+x@a-b.co.uk", "1@2.ab"] {
            assert!(is_plainly_valid(ok.as_bytes()), "{ok}");
        }
        for odd in INVALID {
            assert!(!is_plainly_valid(odd.as_bytes()), "{odd}");
        }
    }

    #[test]
    fn at_most_254_characters() {
        let label = "a".repeat(60);
        let long = format!("{}@{label}.{label}.{label}.{label}.com", "b".repeat(10));
        assert!(long.len() > 254);
        assert_eq!(why(&long), "it is longer than 254 characters.");
    }
}
