//! The one switch between Port's engine and standard jq, and the table of what each dialect
//! uses: its quote rewrite, the refusals of its grammar, the front end's rewrites, and the
//! engine of jaq-json's core operations. The prelude's library is chosen in
//! [`super::engine::prelude`].

use super::front::syntax::{edit::Edits, Tk};
use super::front::{catch, grammar, literals};
use super::port;
use core::ops::Range;

/// Which flavour of jq a program is written in. Decided when a program is compiled, it travels
/// with the program into every run (the run data natives see), so nothing else asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Dialect {
    /// Port's: `'single'` quotes are rewritten to `"double"`, `env`/`$ENV` are `{}`, and the
    /// engine is Port's libjq (jq commit 588ff187, `jq-1.7.1-83`) with its grammar, library,
    /// messages and number handling.
    #[default]
    Port,
    /// Plain jq, as of jq 1.8 where 1.8 and 1.7 differ.
    Standard,
}

/// A rewrite of the front end: the edits it makes to a program (its text and tokens).
pub(crate) type Rewrite = fn(&str, &[Tk<'_>]) -> Edits;

impl Dialect {
    /// Byte offsets of the quotes the dialect rewrites before anything reads the program
    /// (Port's `'single'` quotes; none in standard jq).
    pub(crate) fn quotes(self, code: &str) -> Vec<usize> {
        match self {
            Self::Port => port::quotes::single_quotes(code),
            Self::Standard => Vec::new(),
        }
    }

    /// Why the dialect's engine does not compile a program (its text after the quote rewrite,
    /// and its tokens) that jaq would, with where: Port's engine lacks filters and has jq 1.7's
    /// grammar.
    pub(crate) fn refusal(self, code: &str, tokens: &[Tk<'_>]) -> Option<(String, Range<usize>)> {
        match self {
            Self::Port => port::refusal(code, tokens),
            Self::Standard => None,
        }
    }

    /// The front end's rewrites after `?//` alternatives, in order: fractions without integer
    /// digits, grammar corners, (jq 1.7's `as` precedence,) catch bodies.
    pub(crate) fn rewrites(self) -> &'static [Rewrite] {
        match self {
            Self::Port => &[literals::edits, grammar::edits, port::precedence::edits, catch::edits],
            // jq 1.8 binds `as` as jaq does.
            Self::Standard => &[literals::edits, grammar::edits, catch::edits],
        }
    }

    /// Which jq jaq-json's core operations answer as (vendor/jaq-json/PATCHES.md).
    pub(crate) fn engine(self) -> jaq_json::jq::Engine {
        match self {
            Self::Port => jaq_json::jq::Engine::Port,
            Self::Standard => jaq_json::jq::Engine::Jq18,
        }
    }
}
