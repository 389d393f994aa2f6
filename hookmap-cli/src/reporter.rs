//! How `hookmap test` reports: lines for people (`PASS`/`FAIL`, each difference, a count),
//! GitHub Actions annotations at the differing value in the expected file and at each error
//! diagnostic in the configuration, or JUnit XML for CI systems that read it.

use crate::testcase::{CaseProblem, CaseResult, Outcome, RequestResult};
use mapper_core::diff::Change;
use mapper_core::location::SourceIndex;
use mapper_core::{Diagnostic, Document, Location};

/// A report's form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Reporter {
    /// Lines for people.
    Text,
    /// Lines for people, and GitHub Actions annotations (`::error file=...,line=...::...`).
    Github,
    /// JUnit XML.
    Junit,
}

/// The name of a request in a report: the case's folder, and the request's file when the case
/// holds several (`cases/run requests/failed.json`).
pub fn label(result: &CaseResult, request: Option<&RequestResult>) -> String {
    let dir = result.case.dir.display().to_string();
    match request {
        Some(r) if r.request.name != "request.json" || result.case.requests.len() > 1 => {
            format!("{dir} {}", r.request.name)
        }
        _ => dir,
    }
}

/// The text report: `PASS`/`FAIL` per request (`UPDATED`/`CREATED` with `--update`), the lines
/// that explain a failure, indented.
pub fn text_lines(results: &[CaseResult]) -> Vec<String> {
    let mut lines = Vec::new();
    for result in results {
        if result.problem.is_some() {
            lines.push(format!("FAIL {}", label(result, None)));
            lines.extend(result.failure_lines(None).iter().map(|l| indent(l)));
            continue;
        }
        for r in &result.requests {
            let name = label(result, Some(r));
            match &r.outcome {
                Outcome::Passed | Outcome::Unchanged => lines.push(format!("PASS {name}")),
                Outcome::Written { created: true } => lines.push(format!("CREATED {}", r.request.expected.display())),
                Outcome::Written { created: false } => lines.push(format!("UPDATED {}", r.request.expected.display())),
                Outcome::Failed(_) | Outcome::Invalid(_) => {
                    lines.push(format!("FAIL {name}"));
                    lines.extend(result.failure_lines(Some(r)).iter().map(|l| indent(l)));
                }
            }
        }
    }
    let (passed, failed) = totals(results);
    let written = results
        .iter()
        .flat_map(|r| &r.requests)
        .filter(|r| matches!(r.outcome, Outcome::Written { .. }))
        .count();
    if written > 0 {
        lines.push(format!("{passed} passed, {failed} failed, {written} written"));
    } else {
        lines.push(format!("{passed} passed, {failed} failed"));
    }
    lines
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("    {l}")).collect::<Vec<_>>().join("\n")
}

/// Requests passed (or written) and failed over every case.
pub fn totals(results: &[CaseResult]) -> (usize, usize) {
    results
        .iter()
        .map(CaseResult::counts)
        .fold((0, 0), |(p, f), (cp, cf)| (p + cp, f + cf))
}

/// GitHub Actions annotations for every failure: at the differing value in the expected file,
/// at each error diagnostic's place in the configuration (or blueprint), else at the file.
pub fn github_annotations(results: &[CaseResult]) -> Vec<String> {
    let mut lines = Vec::new();
    for result in results {
        match &result.problem {
            Some(CaseProblem::Message(m)) => {
                lines.push(annotation(&result.case.dir.display().to_string(), None, m));
            }
            Some(CaseProblem::Diagnostics { file, diagnostics }) => {
                for d in diagnostics.iter().filter(|d| d.is_error()) {
                    lines.push(annotation(file, d.location, &diagnostic_message(d)));
                }
            }
            None => {}
        }
        for r in &result.requests {
            let name = label(result, Some(r));
            match &r.outcome {
                Outcome::Failed(differences) => {
                    let index = r
                        .expected_text
                        .as_deref()
                        .and_then(|t| SourceIndex::new(Document::Expected, t));
                    let file = r.request.expected.display().to_string();
                    for d in differences {
                        let at = index.as_ref().and_then(|i| i.locate(&d.path, None, false));
                        let message = match &d.change {
                            Change::Changed { .. } | Change::Removed(_) => format!("{name}: {d}"),
                            Change::Added(_) => format!("{name}: {d} (not in the expected entities)"),
                        };
                        lines.push(annotation(&file, at, &message));
                    }
                }
                Outcome::Invalid(m) => {
                    lines.push(annotation(&r.request.request.display().to_string(), None, m));
                }
                _ => {}
            }
            if r.outcome.failed() {
                for d in &r.errors {
                    lines.push(annotation(
                        &result.config_file,
                        d.location,
                        &format!("{name}: {}", diagnostic_message(d)),
                    ));
                }
            }
        }
    }
    lines
}

fn diagnostic_message(d: &Diagnostic) -> String {
    format!("[{}] {}: {}", d.code, d.field, d.message)
}

/// `::error file=F,line=L,col=C,endLine=..,endColumn=..::message`, escaped as GitHub's workflow
/// commands require.
fn annotation(file: &str, at: Option<Location>, message: &str) -> String {
    let mut props = format!("file={}", escape_property(file));
    if let Some(l) = at {
        props.push_str(&format!(
            ",line={},col={},endLine={},endColumn={}",
            l.line, l.column, l.end_line, l.end_column
        ));
    }
    format!("::error {props}::{}", escape_data(message))
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The JUnit XML report: a `testsuite` per case, a `testcase` per request, a `failure` holding
/// the lines that explain it.
pub fn junit(results: &[CaseResult]) -> String {
    let (_, failed) = totals(results);
    let tests: usize = results.iter().map(|r| r.requests.len().max(1)).sum();
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str(&format!(
        "<testsuites name=\"hookmap\" tests=\"{tests}\" failures=\"{failed}\" errors=\"0\">\n"
    ));
    for result in results {
        let (_, f) = result.counts();
        let suite = result.case.dir.display().to_string();
        x.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{f}\" errors=\"0\">\n",
            xml(&suite),
            result.requests.len().max(1)
        ));
        if result.problem.is_some() {
            x.push_str(&format!(
                "    <testcase classname=\"{0}\" name=\"{1}\" file=\"{1}\">\n",
                xml(&suite),
                xml(&result.config_file)
            ));
            failure(&mut x, "the case could not run", &result.failure_lines(None));
            x.push_str("    </testcase>\n");
        }
        for r in &result.requests {
            x.push_str(&format!(
                "    <testcase classname=\"{}\" name=\"{}\" file=\"{}\"",
                xml(&suite),
                xml(&r.request.name),
                xml(&r.request.request.display().to_string())
            ));
            if r.outcome.failed() {
                x.push_str(">\n");
                let summary = match &r.outcome {
                    Outcome::Failed(ds) => format!("{} difference(s) from {}", ds.len(), r.request.expected.display()),
                    _ => "the request could not run".to_owned(),
                };
                failure(&mut x, &summary, &result.failure_lines(Some(r)));
                x.push_str("    </testcase>\n");
            } else {
                x.push_str("/>\n");
            }
        }
        x.push_str("  </testsuite>\n");
    }
    x.push_str("</testsuites>\n");
    x
}

fn failure(x: &mut String, message: &str, lines: &[String]) {
    x.push_str(&format!(
        "      <failure message=\"{}\" type=\"mismatch\">{}</failure>\n",
        xml(message),
        xml(&lines.join("\n"))
    ));
}

/// Text as XML character data or an attribute value; characters XML 1.0 cannot hold at all
/// (control characters other than tab and newline) become U+FFFD.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_escape_what_github_reads_as_syntax() {
        let a = annotation("cases/a,b:c/expected.json", None, "100% wrong\nsecond line");
        assert_eq!(
            a,
            "::error file=cases/a%2Cb%3Ac/expected.json::100%25 wrong%0Asecond line"
        );
    }

    #[test]
    fn xml_text_escapes_markup_and_drops_what_xml_cannot_hold() {
        assert_eq!(
            xml("<a href=\"x\">&'\u{1}"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;\u{FFFD}"
        );
    }
}
