//! Where jq 1.7's grammar (Port's engine, commit 588ff187) is narrower than jq 1.8's and jaq's,
//! so that a program Port refuses (and stores null for) is refused in Port's dialect too:
//! - an object value must be a term, a negated term or a pipe of those: `{x: .a | .b}` and
//!   `{x: -1}` compile there, `{x: .a + 1}`, `{x: .a // 1}` and `{x: if . then 1 else 2 end}`
//!   do not;
//! - `reduce` and `foreach` take a term as their source (`reduce .[] / .[] as $x` and
//!   `foreach -.[] as $x` do not compile), and are no terms themselves (no `as` after one).

use crate::jq::front::syntax::{self, Tk};
use jaq_core::load::lex::Tok;
use std::ops::ControlFlow;

/// Keywords that start or continue an expression that is not a term in jq 1.7's grammar.
const KEYWORDS: &[&str] = &[
    "and", "or", "as", "if", "then", "elif", "else", "end", "try", "catch", "reduce", "foreach", "def", "label",
];

/// The first object value Port's engine refuses: the token where the value stops being a term
/// (its operator or keyword), as a slice of the program.
pub fn first_refused<'s>(tokens: &[Tk<'s>]) -> Option<&'s str> {
    let mut found = None;
    let _ = syntax::visit(tokens, &mut |seq, i| {
        if let Some(inner) = syntax::block(&seq[i], '{') {
            if let Some(at) = refused_in(inner) {
                found = Some(at);
                return ControlFlow::Break(());
            }
        }
        ControlFlow::Continue(())
    });
    found
}

/// The offending token of the first refused value among an object's entries.
fn refused_in<'s>(entries: &[Tk<'s>]) -> Option<&'s str> {
    for entry in entries.split(|t| syntax::is_sym(t, ",")) {
        let Some(colon) = entry.iter().position(|t| syntax::is_sym(t, ":")) else {
            continue;
        };
        for segment in entry[colon + 1..].split(|t| syntax::is_sym(t, "|")) {
            let start = segment.iter().take_while(|t| syntax::is_sym(t, "-")).count();
            let term = &segment[start..];
            let offending = term.iter().enumerate().find(|(k, t)| match t.1 {
                Tok::Sym if t.0 == "?" => !optional_path_step(term, *k),
                Tok::Sym => syntax::BINARY_OPERATORS.contains(&t.0),
                Tok::Word => KEYWORDS.contains(&t.0),
                _ => false,
            });
            if let Some((_, t)) = offending {
                return Some(t.0);
            }
        }
    }
    None
}

/// Whether the `?` at `term[k]` is part of a term in jq 1.7's grammar: only a path step takes
/// one there (`.a?`, `."a"?`, `.[0]?`, `.[]?`, `x[1:2]?`); after any other term (`1?`, `f?`,
/// `[1]?`) it is the expression-level `Exp '?'`, which an object value can't be.
fn optional_path_step(term: &[Tk<'_>], k: usize) -> bool {
    let Some(prev) = k.checked_sub(1).map(|p| &term[p]) else {
        return false;
    };
    match &prev.1 {
        Tok::Sym => prev.0.starts_with('.') && prev.0.len() > 1 && prev.0 != "..",
        Tok::Str(_) => k >= 2 && syntax::is_sym(&term[k - 2], "."),
        // An index, iteration or slice follows a term; at the start it builds an array.
        Tok::Block(_) => prev.0.starts_with('[') && k >= 2,
        _ => false,
    }
}

/// The first `reduce`/`foreach` Port's engine refuses: its keyword, and what is wrong.
pub fn first_refused_fold<'s>(tokens: &[Tk<'s>]) -> Option<(&'s str, &'static str)> {
    let mut found = None;
    let _ = syntax::visit(tokens, &mut |seq, i| {
        let t = &seq[i];
        if !(syntax::is_word(t, "reduce") || syntax::is_word(t, "foreach")) {
            return ControlFlow::Continue(());
        }
        let Some(as_at) = seq[i + 1..]
            .iter()
            .position(|t| syntax::is_word(t, "as"))
            .map(|p| p + i + 1)
        else {
            return ControlFlow::Continue(());
        };
        let source_is_term =
            !seq.get(i + 1).is_some_and(|t| syntax::is_sym(t, "-")) && syntax::atom_end(seq, i + 1) == Some(as_at);
        let why = if !source_is_term {
            Some("takes a term as its source there")
        } else {
            syntax::atom_end(seq, i)
                .and_then(|end| seq.get(end))
                .filter(|next| syntax::is_word(next, "as"))
                .map(|_| "is no term there, so `as` cannot follow it")
        };
        match why {
            Some(why) => {
                found = Some((t.0, why));
                ControlFlow::Break(())
            }
            None => ControlFlow::Continue(()),
        }
    });
    found
}

/// The compile error's message for a refused `reduce`/`foreach`.
pub fn fold_message(keyword: &str, why: &str) -> String {
    format!(
        "`{keyword}` {why} in Port's engine (jq 1.7.1-83), so Port stores null; put the source \
         (or the whole `{keyword}`) in parentheses"
    )
}

/// The compile error's message for a refused object value.
pub fn message(at: &str) -> String {
    format!(
        "Port's engine (jq 1.7.1-83) accepts only a term or a pipe of terms as an object value, \
         and `{at}` makes this one an expression, so Port stores null; put the value in \
         parentheses: {{key: (...)}}"
    )
}

#[cfg(test)]
mod tests {
    use crate::jq::front::syntax::lex;

    fn refused(code: &str) -> Option<String> {
        super::first_refused(&lex(code).unwrap()).map(str::to_owned)
    }

    fn refused_fold(code: &str) -> Option<&'static str> {
        super::first_refused_fold(&lex(code).unwrap()).map(|(_, why)| why)
    }

    #[test]
    fn folds_take_and_are_terms() {
        // Each as port-exec answers: null (a syntax error) or a value.
        assert!(refused_fold("[-foreach -.[] as $x (0; . + $x)]").is_some());
        assert!(refused_fold("[reduce .[] / .[] as $i (0; . + $i)]").is_some());
        assert!(refused_fold("reduce .[] as $x (0; . + $x) as $x | $x").is_some());
        assert!(refused_fold("[foreach .[] as $x (0; . + $x) as $x | $x]").is_some());
        for ok in [
            "reduce (1, 2) as $x (0; . + $x) | . + 1",
            "-reduce (1, 2) as $x (0; . + $x)",
            "reduce .[] as [$a, $b] (0; . + $a)",
            "[foreach .items[]? as $i (0; . + 1; [$i, .])]",
            "reduce (.[] / .[]) as $i (0; . + $i)",
        ] {
            assert_eq!(refused_fold(ok), None, "{ok}");
        }
    }

    #[test]
    fn only_terms_and_pipes_of_terms() {
        // Each as port-exec answers: null (a syntax error) or the object.
        assert_eq!(refused("{x: if true then 1 else 2 end}").as_deref(), Some("if"));
        assert_eq!(refused("{x: .a + 1}").as_deref(), Some("+"));
        assert_eq!(refused("{x: .a // 1}").as_deref(), Some("//"));
        assert_eq!(refused("{x: try 1}").as_deref(), Some("try"));
        assert_eq!(refused("{a: 1 as $x | $x}").as_deref(), Some("as"));
        assert_eq!(refused("{x: 1, y: false or true}").as_deref(), Some("or"));
        assert_eq!(refused("[{x: {y: .a - 1}}]").as_deref(), Some("-"));
        for ok in [
            "{x: (if true then 1 else 2 end)}",
            "{x: .a | .b}",
            "{x: -1}",
            "{x: 1 | -.}",
            r#"{x: "a" | ascii_upcase}"#,
            "{x: .a?, y: .[0]?, z: $__loc__}",
            r#"{x: @base64 "a\(1 + 2)"}"#,
            "{(1, 2 | tostring): 3}",
            "{x: [1 + 2]}",
            "{$__loc__, a}",
            ". as {a: $x, b: [$y]} | $x",
            "{x: ..}",
        ] {
            assert_eq!(refused(ok), None, "{ok}");
        }
    }
}
