//! Port's rules: everything that makes Port mode answer as Port's engine
//! (`@port-labs/jq-node-bindings`, libjq at jq commit 588ff187, `jq-1.7.1-83`) where standard
//! jq answers otherwise. Nothing outside this folder tests for Port's dialect by name, except
//! [`super::Dialect`]'s table of what each dialect uses.

pub mod builtins;
pub(crate) mod grammar;
pub(crate) mod precedence;
pub mod quotes;

use crate::jq::front::syntax::{self, Tk};
use core::ops::Range;

/// Why Port's engine does not compile a program that jq 1.8 compiles, and where (a byte range
/// of `code`, the program after the quote rewrite): a call of a filter it lacks
/// ([`builtins::undefined_call`]), or jq 1.7's grammar ([`grammar`]).
pub(crate) fn refusal(code: &str, tokens: &[Tk<'_>]) -> Option<(String, Range<usize>)> {
    if let Some(u) = builtins::undefined_call(code, tokens) {
        return Some((u.message(), u.span.start..u.span.end));
    }
    let (at, message) = grammar::first_refused(tokens)
        .map(|at| (at, grammar::message(at)))
        .or_else(|| grammar::first_refused_fold(tokens).map(|(at, why)| (at, grammar::fold_message(at, why))))?;
    Some((message, syntax::span(code, at)))
}
