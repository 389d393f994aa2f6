//! hookmap's one jq front end. Analyses of jq source read jaq's own lexer output (token trees
//! whose texts are slices of the source, so a token's position is where its text starts) or
//! jaq's parse tree.
//!
//! The only pass over a program's raw bytes is the nesting pre-check
//! ([`super::nesting::estimate`]): jaq's lexer and parser recurse once per level, so programs
//! too deep for them are refused (here: not analysed) before anything recursive reads them.

use jaq_core::load::lex::{Lexer, Tok, Token};
use jaq_core::load::parse::{Parser, Term};

/// A token of a program; its text is a slice of the program.
pub type Tk<'s> = Token<&'s str>;

/// The token trees of `code`; `None` when it does not lex, or nests deeper than the nesting
/// limit allows anything to read (jaq's lexer recurses once per bracket).
pub fn lex(code: &str) -> Option<Vec<Tk<'_>>> {
    if super::nesting::estimate(code) > super::nesting::MAX_NESTING {
        return None;
    }
    Lexer::new(code).lex().ok()
}

/// The parse tree of `tokens` as one term (`None` when they do not parse).
pub fn parse<'s>(tokens: &[Tk<'s>]) -> Option<Term<&'s str>> {
    Parser::new(tokens).parse(|p| p.term()).ok()
}

/// The parse tree of `code` as one term (`None` when it does not lex or parse; see [`lex`]).
pub fn parse_code(code: &str) -> Option<Term<&str>> {
    parse(&lex(code)?)
}

/// Whether the text `b` starts exactly where the text `a` ends (no space or comment between).
pub fn adjacent(a: &str, b: &str) -> bool {
    a.as_ptr() as usize + a.len() == b.as_ptr() as usize
}

/// Whether `t` is the word (identifier or keyword) `w`.
pub fn is_word(t: &Tk<'_>, w: &str) -> bool {
    matches!(t.1, Tok::Word) && t.0 == w
}

/// Whether `t` is the symbol `s` (an operator, `.`, `.name`, `;`, `:`, `,`, `?`).
pub fn is_sym(t: &Tk<'_>, s: &str) -> bool {
    matches!(t.1, Tok::Sym) && t.0 == s
}
