//! The naive loop that `architecture.md` measures the budgets' machine
//! with, and the product's check, behind one interface: native functions,
//! and `extern "C"` exports for a bare wasm module (no wasm-bindgen, so
//! node and a browser page load it with `WebAssembly.instantiate`).

use std::collections::HashMap;

/// The naive loop: the `csv` crate reading `StringRecord`s, three checks
/// (a first name, an email with `@` and a dotted domain, a mobile number
/// of 8–15 digits when given) and a `HashMap` of the accepted emails,
/// lowercased, for the duplicate rule. Returns the accepted rows plus the
/// distinct emails, so that no work can be optimized away.
pub fn naive_check(file: &[u8]) -> u32 {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(file);
    let mut record = csv::StringRecord::new();
    let mut emails: HashMap<String, u32> = HashMap::new();
    let (mut accepted, mut row) = (0, 0);
    while reader.read_record(&mut record).unwrap_or(false) {
        row += 1;
        let cell = |i| record.get(i).unwrap_or("").trim();
        let (first, email, mobile) = (cell(0), cell(2), cell(4));
        let email_ok = email
            .rsplit_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'));
        let digits = mobile.bytes().filter(u8::is_ascii_digit).count();
        let mobile_ok = mobile.is_empty() || (8..=15).contains(&digits);
        if !first.is_empty() && email_ok && mobile_ok {
            accepted += 1;
            emails.insert(email.to_ascii_lowercase(), row);
        }
    }
    accepted + emails.len() as u32
}

/// The product's whole check (every rule, the report): accepted rows.
pub fn product_check(file: &[u8]) -> u32 {
    user_import::check(file).counts().accepted
}

/// Timing helpers for the native binaries (`src/bin`).
#[cfg(not(target_arch = "wasm32"))]
pub mod timing {
    use std::time::Instant;

    /// Milliseconds `work` took.
    pub fn millis(work: impl FnOnce()) -> f64 {
        let start = Instant::now();
        work();
        start.elapsed().as_secs_f64() * 1e3
    }

    /// The median of `times` (the lower one of an even count, as `run.mjs`
    /// takes it).
    pub fn median(times: &[f64]) -> f64 {
        let mut sorted = times.to_vec();
        sorted.sort_by(f64::total_cmp);
        sorted[(sorted.len() - 1) / 2]
    }
}

/// A buffer of `len` bytes in the module's memory, for the caller to fill
/// (never freed: the harness keeps one file for all its rounds).
#[no_mangle]
pub extern "C" fn alloc(len: usize) -> *mut u8 {
    Box::leak(vec![0u8; len].into_boxed_slice()).as_mut_ptr()
}

/// Writes `len` bytes of fresh memory once and frees them, as the app's
/// check worker readies its memory (`check_worker::WARM_MEMORY_BYTES`).
#[no_mangle]
pub extern "C" fn warm_memory(len: usize) {
    drop(std::hint::black_box(vec![1_u8; len]));
}

/// # Safety
/// `ptr..ptr + len` is a buffer from [`alloc`].
#[no_mangle]
pub unsafe extern "C" fn run_naive(ptr: *const u8, len: usize) -> u32 {
    naive_check(std::slice::from_raw_parts(ptr, len))
}

/// # Safety
/// `ptr..ptr + len` is a buffer from [`alloc`].
#[no_mangle]
pub unsafe extern "C" fn run_product(ptr: *const u8, len: usize) -> u32 {
    product_check(std::slice::from_raw_parts(ptr, len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_loops_read_the_same_file() {
        let file = b"First Name,Last Name,Email,Extension,Mobile Number\n\
            Ann,Lee,ann@example.com,,+44 20 7946 0958\n\
            Bob,Ray,bob@example,,\n\
            Cy,Ng,ANN@example.com,,\n";
        // Ann and Cy pass the naive checks, one distinct email between them.
        assert_eq!(naive_check(file), 2 + 1);
        // The product also refuses bob@example (no dot), and Cy's row
        // supersedes Ann's (same email).
        assert_eq!(product_check(file), 1);
    }
}
