//! Port's answer for an expression on one input: what Port stores (its first output, nothing,
//! or `null` after an error, a limit or a program that does not compile) and the coded
//! diagnostics that say why. Written once: the mapper answers every field with it, and
//! `hookmap jq --port`, the npm package's `evaluate(…, {port: true})` and the tests answer a
//! single program with [`port_answer`].

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::expression::{Expression, Run};
use crate::jq::{Dialect, Evaluation, LimitKind, RunContext, Span};
use crate::path::JsonPath;
use jaq_json::Val;

/// What Port stores for one expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Stored {
    /// The first output (which may be `null`).
    Value(Val),
    /// `null`, for an error, a resource limit, or a program that does not compile.
    Null,
    /// Nothing: the expression produced no output, and Port leaves the key out.
    Absent,
}

impl Stored {
    /// The value Port stores, `None` when the key is left out.
    pub fn value(&self) -> Option<&Val> {
        match self {
            Self::Value(v) => Some(v),
            Self::Null => Some(&Val::Null),
            Self::Absent => None,
        }
    }

    /// [`Stored::value`], taken.
    pub fn into_value(self) -> Option<Val> {
        match self {
            Self::Value(v) => Some(v),
            Self::Null => Some(Val::Null),
            Self::Absent => None,
        }
    }
}

/// Port's answer: what it stores, and every diagnostic that explains it.
#[derive(Debug, Clone)]
pub struct PortAnswer {
    /// What Port stores.
    pub stored: Stored,
    /// Why, as coded diagnostics: silent Port behaviours are warnings, resource limits errors.
    pub diagnostics: Vec<Diagnostic>,
}

/// The diagnostic code of a resource limit.
pub(crate) fn limit_code(kind: LimitKind) -> Code {
    match kind {
        LimitKind::Time => Code::LimitTime,
        LimitKind::Recursion => Code::LimitRecursion,
        LimitKind::Size => Code::LimitSize,
        LimitKind::Depth => Code::LimitDepth,
    }
}

impl Expression {
    /// What compiling the expression reports, placed at `place`: Port's rewrite of `'single'`
    /// quotes (`quote-rewrite`) and each compile error (`jq-compile`: Port stores `null`), as
    /// warnings.
    pub fn compile_diagnostics(&self, place: &JsonPath) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        if let Some(&at) = self.rewritten_quotes().first() {
            out.push(
                Diagnostic::warning(
                    Code::QuoteRewrite,
                    place,
                    "Port rewrites 'single' quotes to \"double\" quotes in this expression; standard jq would reject it",
                )
                .with_expression(self.source(), Some(Span { start: at, end: at + 1 })),
            );
        }
        for e in self.compile_errors() {
            out.push(
                Diagnostic::warning(Code::JqCompile, place, e.message.clone())
                    .with_expression(self.source(), Some(e.span)),
            );
        }
        out
    }

    /// Port's answer on `input`: what this run stores and the run's diagnostics, placed at
    /// `place` (compiling reports its own: [`Expression::compile_diagnostics`]).
    pub fn answer(&self, input: &Val, run: &RunContext, place: &JsonPath) -> PortAnswer {
        self.evaluate(input, run).answer(self, place)
    }
}

impl Run {
    /// Port's answer for this run of `expr`, its diagnostics placed at `place`.
    pub fn answer(self, expr: &Expression, place: &JsonPath) -> PortAnswer {
        let mut diagnostics = Vec::new();
        let mut say = |code, severity, message: String| {
            diagnostics.push(Diagnostic::new(code, severity, place, message).with_expression(expr.source(), None));
        };
        if !expr.compile_errors().is_empty() {
            // Port's engine does not compile it and stores null; compiling said why.
            return PortAnswer {
                stored: Stored::Null,
                diagnostics,
            };
        }
        if self.env_used || expr.reads_env_var() {
            say(
                Code::EnvRead,
                Severity::Warning,
                "reads `env`/`$ENV`, which Port replaces with {}".into(),
            );
        }
        let stored = match self.evaluation {
            Evaluation::Value { value, dropped_outputs } => {
                if dropped_outputs {
                    say(
                        Code::ExtraOutputs,
                        Severity::Warning,
                        "produced more than one output; Port keeps only the first".into(),
                    );
                }
                Stored::Value(value)
            }
            Evaluation::NoOutput => {
                say(
                    Code::NoOutput,
                    Severity::Warning,
                    "produced no output; Port leaves this key out".into(),
                );
                Stored::Absent
            }
            Evaluation::Error(msg) => {
                match crate::jq::differs_hint(expr.source(), &msg) {
                    // Where Port's engine errs and current jq would not: say so, with what works in both.
                    Some(hint) => say(
                        Code::PortDiffers,
                        Severity::Warning,
                        format!("jq error: {msg}; Port stores null. {hint}"),
                    ),
                    None => say(
                        Code::JqError,
                        Severity::Warning,
                        format!("jq error: {msg}; Port stores null"),
                    ),
                }
                Stored::Null
            }
            Evaluation::LimitExceeded(hit) => {
                // Port would hang or crash here: always an error.
                say(limit_code(hit.kind), Severity::Error, hit.message);
                Stored::Null
            }
        };
        PortAnswer { stored, diagnostics }
    }
}

/// Port's answer for `program` (jq in Port's dialect) on `input`: compiling's diagnostics,
/// then the run's, placed at `program`.
pub fn port_answer(program: &str, input: &Val, run: &RunContext) -> PortAnswer {
    let place = JsonPath::root("program");
    let expr = Expression::new(program, Dialect::Port);
    let mut answer = expr.answer(input, run, &place);
    answer.diagnostics.splice(0..0, expr.compile_diagnostics(&place));
    answer
}

/// Standard jq's answer for `program` on `input`: every output up to the first error, which
/// ends the program as in jq. Its compile errors (`jq-compile`), that error (`jq-error`) or the
/// limit that stopped it (`limit-*`) are error diagnostics placed at `program`.
pub fn jq_outputs(program: &str, input: &Val, run: &RunContext) -> (Vec<Val>, Vec<Diagnostic>) {
    let place = JsonPath::root("program");
    let program = match crate::jq::Program::compile(program, Dialect::Standard) {
        Ok(p) => p,
        Err(errs) => {
            let diagnostics = errs
                .into_iter()
                .map(|e| Diagnostic::error(Code::JqCompile, &place, e.message).with_expression(program, Some(e.span)))
                .collect();
            return (Vec::new(), diagnostics);
        }
    };
    let (mut outputs, mut diagnostics) = (Vec::new(), Vec::new());
    program.run(input.clone(), run, None, |o| match o {
        crate::jq::Output::Value(v) => {
            outputs.push(v);
            true
        }
        crate::jq::Output::Error(msg) => {
            diagnostics.push(Diagnostic::error(Code::JqError, &place, format!("jq error: {msg}")));
            false
        }
        crate::jq::Output::LimitExceeded(hit) => {
            diagnostics.push(Diagnostic::error(limit_code(hit.kind), &place, hit.message));
            false
        }
        crate::jq::Output::Halt(code) => {
            diagnostics.push(Diagnostic::error(
                Code::JqError,
                &place,
                format!("halt({code}) stopped the program"),
            ));
            false
        }
    });
    (outputs, diagnostics)
}
