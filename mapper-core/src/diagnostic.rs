//! Diagnostics: every problem hookmap reports, with the place it happened.

use crate::jq::Span;
use serde::{Deserialize, Serialize};
use std::fmt;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The entity (or configuration, or request) can't be used as it is.
    Error,
    /// Port would silently do something here (store `null`, drop an output, ...).
    Warning,
}

/// One problem, and where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Index of the mapping it concerns, if any.
    pub mapping: Option<usize>,
    /// Index of the `itemsToParse` item it concerns, if any.
    pub item: Option<usize>,
    /// The place, as a path: `mappings[0].entity.properties.link`, `request.headers`, `security`.
    pub field: String,
    /// What is wrong and what to do about it.
    pub message: String,
    /// The jq expression at that place, when there is one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[cfg_attr(test, ts(optional))]
    pub expression: Option<String>,
    /// The byte range inside `expression` the message points at.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[cfg_attr(test, ts(optional))]
    pub span: Option<Span>,
    /// For JSON syntax errors: the 1-based line in the document.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[cfg_attr(test, ts(optional))]
    pub line: Option<usize>,
    /// For JSON syntax errors: the 1-based column in the document.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[cfg_attr(test, ts(optional))]
    pub column: Option<usize>,
}

impl Diagnostic {
    /// An error at `field`.
    pub fn error(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, field, message)
    }

    /// A warning at `field`.
    pub fn warning(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, field, message)
    }

    fn new(severity: Severity, field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity,
            mapping: None,
            item: None,
            field: field.into(),
            message: message.into(),
            expression: None,
            span: None,
            line: None,
            column: None,
        }
    }

    /// The same diagnostic, attributed to a mapping.
    pub fn in_mapping(mut self, mapping: usize) -> Self {
        self.mapping = Some(mapping);
        self
    }

    /// The same diagnostic, attributed to an `itemsToParse` item.
    pub fn at_item(mut self, item: Option<usize>) -> Self {
        self.item = item;
        self
    }

    /// The same diagnostic, pointing into an expression.
    pub fn with_expression(mut self, expression: &str, span: Option<Span>) -> Self {
        self.expression = Some(expression.to_owned());
        self.span = span;
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// A JSON syntax error in `what` (e.g. `config`), at a 1-based line and column.
    pub fn json_syntax(what: &str, err: &serde_json::Error) -> Self {
        let message = strip_position(&err.to_string());
        let mut d = Self::error(
            what,
            format!(
                "invalid JSON: {message} at line {}, column {}",
                err.line(),
                err.column()
            ),
        );
        d.line = Some(err.line());
        d.column = Some(err.column());
        d
    }
}

/// serde_json appends " at line L column C"; we print the position our own way.
fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_owned(),
        None => msg.to_owned(),
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{sev}: {}", self.field)?;
        if let Some(item) = self.item {
            write!(f, " (item {item})")?;
        }
        write!(f, ": {}", self.message)?;
        if let (Some(expr), Some(span)) = (&self.expression, self.span) {
            write!(
                f,
                "\n    {expr}\n    {}{}",
                " ".repeat(expr.get(..span.start).map_or(0, |s| s.chars().count())),
                "^".repeat(expr.get(span.start..span.end).map_or(1, |s| s.chars().count().max(1)))
            )?;
        }
        Ok(())
    }
}

/// Render a list of diagnostics one per line (used by error `Display`s).
pub fn render(diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}
