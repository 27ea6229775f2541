//! `portal-api`: the reference portal API, and the `check` command.
//!
//! ```text
//! portal-api check FILE.csv [--json] [--error-file OUT.csv]
//! portal-api serve [--port 8080] [--dist dist]
//! ```

mod check;
mod serve;

use std::process::ExitCode;

const USAGE: &str = "\
usage: portal-api check FILE.csv [--json] [--error-file OUT.csv]
       portal-api serve [--port 8080] [--dist dist]

  check    validate a CSV file of users exactly as the browser does
           (location-independent rules only)
             --json              print one JSON object on stdout
             --error-file OUT    write the error file (rejected rows) to OUT
           exit status: 0 nothing rejected, 1 rows rejected, 2 file error
  serve    serve the built app (trunk build --release -> dist/) on 127.0.0.1";

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
