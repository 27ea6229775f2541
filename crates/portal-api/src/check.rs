//! `portal-api check`: the import rules without a browser. The file is read
//! in 1 MiB chunks through the same streaming checker the browser uses.

use serde_json::json;
use std::fs::File;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use user_import::{Checker, Report};

/// What the command line asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub file: PathBuf,
    pub json: bool,
    pub error_file: Option<PathBuf>,
}

impl Options {
    /// Parses the arguments after `check`.
    pub fn parse(args: &[String]) -> Result<Options, String> {
        let mut file = None;
        let mut json = false;
        let mut error_file = None;
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--json" => json = true,
                "--error-file" => {
                    let path = args.next().ok_or("--error-file needs a file name")?;
                    error_file = Some(PathBuf::from(path));
                }
                flag if flag.starts_with("--") => return Err(format!("unknown option '{flag}'")),
                path if file.is_none() => file = Some(PathBuf::from(path)),
                extra => return Err(format!("unexpected argument '{extra}'")),
            }
        }
        Ok(Options {
            file: file.ok_or("check needs a CSV file")?,
            json,
            error_file,
        })
    }
}

/// Exit status: 0 nothing rejected, 1 rows rejected, 2 a file-level error
/// (or a file that cannot be read).
pub fn run(options: &Options) -> ExitCode {
    let report = match check_file(options) {
        Ok(report) => report,
        Err(error) => {
            eprintln!("portal-api check: {}: {error}", options.file.display());
            return ExitCode::from(2);
        }
    };
    if let Some(path) = &options.error_file {
        if let Err(error) = std::fs::write(path, report.error_file()) {
            eprintln!("portal-api check: cannot write {}: {error}", path.display());
            return ExitCode::from(2);
        }
    }
    let mut out = std::io::stdout().lock();
    let printed = if options.json {
        writeln!(out, "{}", to_json(&report))
    } else {
        write_summary(&mut out, &report)
    };
    if printed.is_err() {
        return ExitCode::from(2);
    }
    ExitCode::from(exit_status(&report))
}

fn check_file(options: &Options) -> std::io::Result<Report> {
    let mut file = File::open(&options.file)?;
    let size = file.metadata()?.len();
    let mut checker = Checker::builder().expected_bytes(size).build();
    let mut chunk = vec![0; 1 << 20];
    loop {
        let n = file.read(&mut chunk)?;
        if n == 0 || checker.is_stopped() {
            break;
        }
        checker.feed(&chunk[..n]);
    }
    Ok(checker.finish())
}

pub fn exit_status(report: &Report) -> u8 {
    if !report.file_errors().is_empty() {
        2
    } else if report.counts().rejected > 0 {
        1
    } else {
        0
    }
}

/// The JSON object of the spec.
pub fn to_json(report: &Report) -> serde_json::Value {
    let c = report.counts();
    json!({
        "rows": c.rows,
        "blank_rows": c.blank_rows,
        "accepted": c.accepted,
        "rejected": c.rejected,
        "superseded": c.superseded,
        "file_errors": report.file_errors().iter().map(ToString::to_string).collect::<Vec<_>>(),
        "warnings": report.warnings().iter().map(ToString::to_string).collect::<Vec<_>>(),
        "errors": report.errors().iter().map(|e| json!({
            "row": e.row,
            "column": e.column,
            "message": e.message,
        })).collect::<Vec<_>>(),
    })
}

fn write_summary(out: &mut impl Write, report: &Report) -> std::io::Result<()> {
    for error in report.file_errors() {
        writeln!(out, "file error: {error}")?;
    }
    let c = report.counts();
    let plural = |n: u32, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    writeln!(
        out,
        "{}: {} accepted, {} rejected, {} replaced by a later row with the same email; {} skipped",
        plural(c.rows, "row", "rows"),
        c.accepted,
        c.rejected,
        c.superseded,
        plural(c.blank_rows, "blank row", "blank rows"),
    )?;
    for warning in report.warnings() {
        writeln!(out, "warning: {warning}")?;
    }
    for error in report.errors() {
        writeln!(out, "row {}: {}", error.row, error.message)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn options_in_any_order() {
        let o = Options::parse(&args(&["--json", "a.csv", "--error-file", "e.csv"])).unwrap();
        assert_eq!(
            o,
            Options {
                file: "a.csv".into(),
                json: true,
                error_file: Some("e.csv".into())
            }
        );
    }

    #[test]
    fn bad_options_are_explained() {
        assert_eq!(
            Options::parse(&args(&[])).unwrap_err(),
            "check needs a CSV file"
        );
        assert_eq!(
            Options::parse(&args(&["a.csv", "--error-file"])).unwrap_err(),
            "--error-file needs a file name"
        );
        assert_eq!(
            Options::parse(&args(&["a.csv", "--fast"])).unwrap_err(),
            "unknown option '--fast'"
        );
        assert_eq!(
            Options::parse(&args(&["a.csv", "b.csv"])).unwrap_err(),
            "unexpected argument 'b.csv'"
        );
    }

    #[test]
    fn exit_status_follows_the_spec() {
        let ok = user_import::check(b"First Name,Last Name,Email\nAnn,Lee,ann@example.com\n");
        let rejected = user_import::check(b"First Name,Last Name,Email\nAnn,,ann@example.com\n");
        let broken = user_import::check(b"");
        assert_eq!(exit_status(&ok), 0);
        assert_eq!(exit_status(&rejected), 1);
        assert_eq!(exit_status(&broken), 2);
    }
}
