//! Port's engine (jq 1.7's grammar) binds `TERM as $x | BODY` tighter than the binary operators
//! before it: `1 + 2 as $x | -$x` is `1 + (2 as $x | -$x)` (-1), `[-1 as $x | 1, $x]` is
//! `[-(1 as $x | 1, $x)]`. jq 1.8 and jaq bind the whole left-hand expression
//! (`(1 + 2) as $x | ...`, -3). In Port's dialect these edits put jq 1.7's parentheses in.

use crate::jq::front::syntax::edit::Edits;
use crate::jq::front::syntax::{self, Tk};
use jaq_core::load::lex::Tok;

/// Whether `t` is an operator a binding can be the right operand of.
fn is_operator(t: &Tk<'_>) -> bool {
    match t.1 {
        Tok::Sym => t.0 == "," || syntax::BINARY_OPERATORS.contains(&t.0),
        Tok::Word => matches!(t.0, "and" | "or"),
        _ => false,
    }
}

/// The edits that parenthesise every binding that is the right operand of an operator.
pub fn edits(code: &str, tokens: &[Tk<'_>]) -> Edits {
    let mut wraps: Vec<std::ops::Range<usize>> = Vec::new();
    syntax::visit_all(tokens, |seq, i| {
        let binding = syntax::is_word(&seq[i], "as")
            && seq.get(i + 1).is_some_and(syntax::is_pattern)
            && seq.get(i + 2).is_some_and(|t| syntax::is_sym(t, "|"));
        if !binding {
            return;
        }
        // The term before `as`: the earliest start whose atom ends right at `as`.
        let Some(start) = (0..i)
            .rev()
            .take_while(|&j| {
                !is_operator(&seq[j]) && !matches!(seq[j].1, Tok::Sym if seq[j].0 == "|" || seq[j].0 == ";")
            })
            .filter(|&j| syntax::atom_end(seq, j) == Some(i))
            .last()
        else {
            return;
        };
        if start == 0 || !is_operator(&seq[start - 1]) {
            return;
        }
        let end = syntax::term_end(seq, i + 3);
        let close = match seq.get(end) {
            Some(t) => syntax::span(code, t.0).start,
            None => syntax::span(code, seq[end - 1].0).end,
        };
        wraps.push(syntax::span(code, seq[start].0).start..close);
    });
    Edits::wrap(&wraps, "(", ")")
}

#[cfg(test)]
mod tests {
    fn rewrite(code: &str) -> Option<String> {
        crate::jq::front::syntax::edit::rewritten(code, super::edits)
    }

    #[test]
    fn bindings_after_operators_are_operands() {
        // jq.test: each rewritten form answers as jq does (-1, "ax,y", [-1,-1]).
        assert_eq!(rewrite("1 + 2 as $x | -$x").as_deref(), Some("1 + (2 as $x | -$x)"));
        assert_eq!(
            rewrite(r#""x" as $x | "a"+"y" as $y | $x+","+$y"#).as_deref(),
            Some(r#""x" as $x | "a"+("y" as $y | $x+","+$y)"#)
        );
        assert_eq!(rewrite("[-1 as $x | 1,$x]").as_deref(), Some("[-(1 as $x | 1,$x)]"));
        assert_eq!(
            rewrite("if . then 1 + .a as $x | $x else 0 end").as_deref(),
            Some("if . then 1 + (.a as $x | $x )else 0 end")
        );
        for same in [
            ". as $x | $x + 1",
            ".a | .b as $x | $x",
            "reduce .[] as $x (0; . + $x)",
            "[.[] as [$a] | $a]",
            "f(.) as $x | $x",
        ] {
            assert_eq!(rewrite(same), None, "{same}");
        }
    }
}
