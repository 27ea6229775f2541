//! `portal-api`: the reference portal API, and the `check` command.
//!
//! ```text
//! portal-api check FILE.csv [--json] [--error-file OUT.csv]
//! portal-api serve [--port 8080] [--dist dist] [--db portal.db] [--demo]
//! ```

mod api;
mod check;
mod db;
mod demo;
mod serve;

use std::process::ExitCode;

const USAGE: &str = "\
usage: portal-api check FILE.csv [--json] [--error-file OUT.csv]
       portal-api serve [--port 8080] [--dist dist] [--db portal.db] [--demo] [--test-hooks]

  check    validate a CSV file of users exactly as the browser does
           (location-independent rules only)
             --json              print one JSON object on stdout
             --error-file OUT    write the error file (rejected rows) to OUT
           exit status: 0 nothing rejected, 1 rows rejected, 2 file error
  serve    the portal API under /api and the built app (trunk build --release
           -> dist/) on 127.0.0.1
             --port N            0 picks a free port; the address is printed
             --dist DIR          the built app (default dist)
             --db FILE           the SQLite database, created and migrated on
                                 start (default portal.db; :memory: for tests)
             --demo              add demo accounts and locations, and print a
                                 sign-in link and an API token for each
             --test-hooks        test-only fault switches under /api/test/
                                 (never in production)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("check") => match check::Options::parse(&args[1..]) {
            Ok(options) => check::run(&options),
            Err(message) => usage_error(&message),
        },
        Some("serve") => match serve::Options::parse(&args[1..]) {
            Ok(options) => match serve::run(&options) {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    eprintln!("portal-api serve: {error}");
                    ExitCode::FAILURE
                }
            },
            Err(message) => usage_error(&message),
        },
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => usage_error(&format!("unknown command '{other}'")),
        None => usage_error("a command is required"),
    }
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("portal-api: {message}\n\n{USAGE}");
    ExitCode::from(2)
}
