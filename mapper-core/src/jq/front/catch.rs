//! `try A catch B` becomes `try A catch (_jq_message | B)`, so that `B` sees jq's wording of
//! the errors jaq's core raises (see [`super::messages`]). `B` is the atom jq's grammar allows
//! there ([`syntax::atom_end`]); when its end is not simple to find (`def`, `label`), the body
//! is left as it is.

use super::syntax::edit::Edits;
use super::syntax::{self, Tk};

/// The edits that wrap every `catch` body of the program.
pub fn edits(code: &str, tokens: &[Tk<'_>]) -> Edits {
    let mut bodies = Vec::new();
    syntax::visit_all(tokens, |seq, i| {
        if syntax::is_word(&seq[i], "catch") {
            if let Some(end) = syntax::atom_end(seq, i + 1) {
                let start = syntax::span(code, seq[i + 1].0).start;
                bodies.push(start..syntax::span(code, seq[end - 1].0).end);
            }
        }
    });
    // Bodies nest (`catch (try x catch .)`, `catch try x catch .`).
    Edits::wrap(&bodies, "(_jq_message | ", ")")
}

#[cfg(test)]
mod tests {
    fn rewrite(code: &str) -> Option<String> {
        super::super::syntax::edit::rewritten(code, super::edits)
    }

    #[test]
    fn catch_bodies_see_jq_messages() {
        assert_eq!(
            rewrite("try .a catch .").as_deref(),
            Some("try .a catch (_jq_message | .)")
        );
        assert_eq!(
            rewrite(r#"try error("x") catch ["KO", .] | length"#).as_deref(),
            Some(r#"try error("x") catch (_jq_message | ["KO", .]) | length"#)
        );
        assert_eq!(
            rewrite(r#"try . catch if . then 1 else 2 end"#).as_deref(),
            Some(r#"try . catch (_jq_message | if . then 1 else 2 end)"#)
        );
        assert_eq!(
            rewrite("try 1 catch try 2 catch .").as_deref(),
            Some("try 1 catch (_jq_message | try 2 catch (_jq_message | .))")
        );
        assert_eq!(
            rewrite("try 1 catch (try 2 catch .)").as_deref(),
            Some("try 1 catch (_jq_message | (try 2 catch (_jq_message | .)))")
        );
        assert_eq!(
            rewrite(r#""\(try 1 catch .a)""#).as_deref(),
            Some(r#""\(try 1 catch (_jq_message | .a))""#)
        );
        assert_eq!(rewrite("try . catch def f: 1; f"), None);
        assert_eq!(rewrite(r#""catch me" # catch ."#), None);
    }
}
