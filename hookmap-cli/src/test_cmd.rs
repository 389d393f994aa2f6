//! `hookmap test`: mapping unit tests from case folders ([`crate::testcase`]).

use crate::host::Out;
use crate::reporter::{self, Reporter};
use crate::testcase::{self, Options};
use std::path::PathBuf;

/// Arguments of `hookmap test`.
#[derive(clap::Args)]
pub struct TestArgs {
    /// Write each request's expected entities (`expected.json`, `expected/NAME.json`) from what
    /// Port would store, instead of comparing; the report names each file written.
    #[arg(long)]
    update: bool,
    /// Map every case in strict mode (Port's silent behaviours are errors).
    #[arg(long)]
    strict: bool,
    /// How to report: lines for people, those and GitHub Actions annotations, or JUnit XML.
    #[arg(long, value_enum, default_value = "text")]
    reporter: Reporter,
    /// Write the report to this file instead of standard output (a JUnit report for CI).
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Case folders, or folders holding case folders (searched below).
    #[arg(required = true)]
    dirs: Vec<PathBuf>,
}

/// Run `hookmap test`. Exit 0 when every request passed (or was written), 1 when one failed
/// or a case could not run, 3 when the report could not be written.
pub fn run(args: TestArgs, out: &mut Out) -> u8 {
    let options = Options {
        update: args.update,
        strict: args.strict,
    };
    let results = testcase::run_dirs(out, &args.dirs, options, None);
    let report = match args.reporter {
        Reporter::Text => lines(reporter::text_lines(&results)),
        Reporter::Github => {
            let mut l = reporter::text_lines(&results);
            l.extend(reporter::github_annotations(&results));
            lines(l)
        }
        Reporter::Junit => reporter::junit(&results),
    };
    match &args.output {
        Some(path) => {
            if let Err(e) = out.host().write(path, report.as_bytes()) {
                out.err(&format!("hookmap: cannot write {}: {e}", path.display()));
                return crate::EXIT_BAD_INPUT;
            }
            // The count still goes to the console.
            let (passed, failed) = reporter::totals(&results);
            out.line(&format!(
                "{passed} passed, {failed} failed (report: {})",
                path.display()
            ));
        }
        None => out.print(&report),
    }
    let (_, failed) = reporter::totals(&results);
    if failed > 0 {
        crate::EXIT_FAILED
    } else {
        0
    }
}

fn lines(l: Vec<String>) -> String {
    let mut s = l.join("\n");
    s.push('\n');
    s
}
