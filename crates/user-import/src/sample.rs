//! Deterministic, realistic import files for tests and benchmarks.
//!
//! Names with accents and apostrophes, mixed phone formats, quoted cells
//! with commas (about 11% of cells), about 2% bad rows and 1% duplicate
//! emails; the same seed always gives the same bytes. The product uses it
//! only to warm up the check worker (the page's wasm leaves it out).
//!
//! ```
//! use user_import::sample::{generate, SampleOptions};
//!
//! let file = generate(&SampleOptions { rows: 1_000, ..SampleOptions::default() });
//! let report = user_import::check(&file);
//! assert_eq!(report.counts().rows, 1_000);
//! assert!(report.counts().rejected > 0 && report.counts().superseded > 0);
//! ```

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleOptions {
    pub rows: usize,
    pub seed: u64,
    /// Out of 1,000 rows, how many break a rule.
    pub bad_per_mille: u32,
    /// Out of 1,000 rows, how many repeat an earlier row's email.
    pub duplicate_per_mille: u32,
}

impl Default for SampleOptions {
    fn default() -> SampleOptions {
        SampleOptions {
            rows: 100_000,
            seed: 2026,
            bad_per_mille: 20,
            duplicate_per_mille: 10,
        }
    }
}

const FIRST: &[&str] = &[
    "Zoë",
    "Ann",
    "Björn",
    "José",
    "Siobhán",
    "François",
    "Łukasz",
    "Mary-Jane",
    "Ólafur",
    "Chloé",
    "Dmitri",
    "Aoife",
    "Jürgen",
    "Renée",
    "Nuño",
    "Kai",
    "Amélie",
    "Seán",
    "Ingrid",
    "Mateo",
];
const LAST: &[&str] = &[
    "O'Brien",
    "Müller",
    "García",
    "D'Angelo",
    "Nguyễn",
    "Smith",
    "Ångström",
    "Dubois",
    "O'Connor",
    "Kowalski",
    "Jensen",
    "Martín",
    "Van der Berg",
    "Ó Súilleabháin",
    "Lee",
    "Fernández",
    "Schröder",
    "MacLeod",
    "Rossi",
    "Novák",
];
const TITLES: &[&str] = &[
    "Account Manager",
    "Engineer",
    "Manager, Sales",
    "Director",
    "Support Agent",
    "VP, Operations",
    "Analyst",
    "Receptionist",
];
const DEPARTMENTS: &[&str] = &[
    "Sales",
    "Support",
    "R&D",
    "Finance",
    "Sales, EMEA",
    "Operations",
    "HR",
];
const DOMAINS: &[&str] = &["example.com", "example.co.uk"];

/// A file in the template's columns, CRLF line ends, UTF-8 without BOM.
pub fn generate(options: &SampleOptions) -> Vec<u8> {
    let mut rng = SplitMix(options.seed);
    let mut out = Vec::with_capacity(options.rows * 90 + 100);
    out.extend_from_slice(
        b"First Name,Last Name,Email,Extension,Mobile Number,Job Title,Department\r\n",
    );
    let mut line = String::with_capacity(256);
    for i in 0..options.rows {
        line.clear();
        let first = FIRST[rng.below(FIRST.len())];
        let last = LAST[rng.below(LAST.len())];
        let duplicate = i > 10 && rng.below(1000) < options.duplicate_per_mille as usize;
        let email_id = if duplicate { rng.below(i) } else { i };
        let domain = DOMAINS[email_id % 2];
        let email = format!(
            "user{email_id}.{}@{domain}",
            ascii_slug(LAST[email_id % LAST.len()])
        );
        let extension = if i % 2 == 0 {
            (100_000 + i / 2).to_string()
        } else {
            String::new()
        };
        let mobile = match rng.below(5) {
            0 => format!("+44 20 7946 {:04}", i % 10_000),
            1 => format!("(415) 555-{:04}", i % 10_000),
            2 => format!("+49 30 {:08}", i % 100_000_000),
            3 => format!("1-212-555-{:04}", i % 10_000),
            _ => String::new(),
        };
        let title = TITLES[rng.below(TITLES.len())];
        let department = DEPARTMENTS[rng.below(DEPARTMENTS.len())];
        let mut cells = [
            first.to_string(),
            last.to_string(),
            email,
            extension,
            mobile,
            title.to_string(),
            department.to_string(),
        ];
        if rng.below(1000) < options.bad_per_mille as usize {
            match rng.below(5) {
                0 => cells[2] = cells[2].replace('@', " at "),
                1 => cells[1].clear(),
                2 => cells[4] = "020 7946 0958".to_string(),
                3 => cells[3] = "0123".to_string(),
                _ => cells[0] = "<b>Bob</b>".to_string(),
            }
        }
        for (c, cell) in cells.iter().enumerate() {
            if c > 0 {
                line.push(',');
            }
            if cell.contains([',', '"']) {
                line.push('"');
                line.push_str(&cell.replace('"', "\"\""));
                line.push('"');
            } else {
                line.push_str(cell);
            }
        }
        line.push_str("\r\n");
        out.extend_from_slice(line.as_bytes());
    }
    out
}

fn ascii_slug(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphabetic)
        .flat_map(|c| c.to_lowercase())
        .collect()
}

/// SplitMix64: small, fast, and the same everywhere.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_bytes() {
        let options = SampleOptions {
            rows: 500,
            ..SampleOptions::default()
        };
        assert_eq!(generate(&options), generate(&options));
        assert_ne!(
            generate(&options),
            generate(&SampleOptions {
                seed: 7,
                ..options.clone()
            })
        );
    }
}
