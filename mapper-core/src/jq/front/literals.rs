//! jq number literals that jaq's lexer does not read as one: a fraction without integer
//! digits (`.5`, `select(. > .00005)`), which jaq lexes as `.` followed by the number `5`,
//! becomes `0.5`.

use super::syntax::edit::Edits;
use super::syntax::{self, Tk};
use jaq_core::load::lex::Tok;

/// The edits that put a `0` before every `.` that starts a number.
pub fn edits(code: &str, tokens: &[Tk<'_>]) -> Edits {
    let mut edits = Edits::new();
    syntax::visit_all(tokens, |seq, i| {
        let (dot, Some(num)) = (&seq[i], seq.get(i + 1)) else {
            return;
        };
        if !(syntax::is_sym(dot, ".") && matches!(num.1, Tok::Num) && syntax::adjacent(dot.0, num.0)) {
            return;
        }
        // Not a `.` that continues a word, number or path (`.a.5`, `1..5`): jq rejects those.
        let continues = i.checked_sub(1).map(|p| &seq[p]).is_some_and(|prev| {
            syntax::adjacent(prev.0, dot.0)
                && prev
                    .0
                    .ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        });
        if !continues {
            edits.insert(syntax::span(code, dot.0).start, "0");
        }
    });
    edits
}

#[cfg(test)]
mod tests {
    fn rewrite(code: &str) -> Option<String> {
        super::super::syntax::edit::rewritten(code, super::edits)
    }

    #[test]
    fn leading_dot_fractions_get_a_zero() {
        assert_eq!(rewrite("select(.>.00005)").as_deref(), Some("select(.>0.00005)"));
        assert_eq!(rewrite(".5, 1.5").as_deref(), Some("0.5, 1.5"));
        assert_eq!(rewrite(r#""\(.5)""#).as_deref(), Some(r#""\(0.5)""#));
        assert_eq!(rewrite(r#".a | ".5" # .5"#), None);
        assert_eq!(rewrite(".[0]"), None);
        assert_eq!(rewrite(".a.5"), None);
    }
}
