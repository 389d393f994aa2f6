//! jq's destructuring alternatives `TERM as P1 ?// P2 ?// ... | BODY`, which jaq's parser
//! does not know, rewritten into jq jaq understands:
//!
//! ```text
//! TERM as $__altN | try (null as $x | $__altN as P1 | BODY) catch (... $__altN as Pn | BODY)
//! ```
//!
//! As in jq, every variable of every pattern is bound in each alternative (`null` where that
//! pattern lacks it), an error while destructuring or in BODY moves on to the next
//! alternative, and an error in the last one propagates. BODY extends to the end of the
//! enclosing term, as a pipe after `as` does ([`syntax::term_end`]). The patterns and BODY are
//! copies of the written text ([`Piece::Copy`]), so errors in them point at what was written.

use super::syntax::edit::{Edits, Piece};
use super::syntax::{self, Tk};
use core::ops::ControlFlow;

/// The edit that rewrites the first `?//` of the program (in source order), whose variable is
/// `$__alt{n}`; `None` when there is none, or it is malformed (the parser then reports it).
/// Rewritten bodies may hold further alternatives: the caller rewrites until there are none.
pub fn edit(code: &str, tokens: &[Tk<'_>], n: usize) -> Option<Edits> {
    let mut found = None;
    let _ = syntax::visit(tokens, &mut |seq, i| {
        if syntax::is_alternative(seq, i) {
            found = Some((seq, i));
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    });
    let (seq, first_alt) = found?;
    // `as P1`
    let p1 = first_alt.checked_sub(1)?;
    if !syntax::is_pattern(&seq[p1]) || !syntax::is_word(&seq[p1.checked_sub(1)?], "as") {
        return None;
    }
    let mut patterns = vec![&seq[p1]];
    let mut i = first_alt;
    while syntax::is_alternative(seq, i) {
        let p = seq.get(i + 2).filter(|t| syntax::is_pattern(t))?;
        patterns.push(p);
        i += 3;
    }
    let bar = seq.get(i).filter(|t| syntax::is_sym(t, "|"))?;
    let end = syntax::term_end(seq, i + 1);
    let body_start = syntax::span(code, bar.0).end;
    let body_end = if end > i + 1 {
        syntax::span(code, seq[end - 1].0).end
    } else {
        body_start
    };
    let body = body_start..body_end;

    let all = patterns
        .iter()
        .flat_map(|p| syntax::pattern_variables(p))
        .fold(Vec::new(), |mut acc, v| {
            if !acc.contains(&v) {
                acc.push(v);
            }
            acc
        });
    let var = format!("$__alt{n}");
    let branch = |p: &Tk<'_>, out: &mut Vec<Piece>| {
        let own = syntax::pattern_variables(p);
        let nulls: String = all
            .iter()
            .filter(|v| !own.contains(v))
            .map(|v| format!("null as {v} | "))
            .collect();
        out.push(format!("({nulls}{var} as ").into());
        out.push(Piece::Copy(syntax::span(code, p.0)));
        out.push(" | ".into());
        out.push(Piece::Copy(body.clone()));
        out.push(")".into());
    };
    // (try B1 catch (try B2 catch ... Bn))
    let (last, firsts) = patterns.split_last()?;
    let mut pieces = vec![format!("{var} | ").into()];
    for p in firsts {
        pieces.push("(try ".into());
        branch(p, &mut pieces);
        pieces.push(" catch ".into());
    }
    branch(last, &mut pieces);
    pieces.extend((0..firsts.len()).map(|_| Piece::from(")")));

    let mut edits = Edits::new();
    edits.replace(syntax::span(code, seq[p1].0).start..body_end, pieces);
    Some(edits)
}

#[cfg(test)]
mod tests {
    use super::super::syntax::{edit::Source, lex};

    /// Rewrite every alternative, as compiling does.
    fn rewrite(code: &str) -> Option<String> {
        let mut src = Source::new(code);
        for n in 0.. {
            let tokens = lex(src.text())?;
            let Some(edits) = super::edit(src.text(), &tokens, n) else {
                break;
            };
            drop(tokens);
            src.apply(edits);
        }
        (src.text() != code).then(|| src.text().to_owned())
    }

    #[test]
    fn every_variable_is_bound_in_every_alternative() {
        assert_eq!(
            rewrite(".[] as [$a] ?// $b | [$a, $b]").unwrap(),
            ".[] as $__alt0 | (try (null as $b | $__alt0 as [$a] |  [$a, $b]) \
             catch (null as $a | $__alt0 as $b |  [$a, $b]))"
        );
    }

    #[test]
    fn body_stops_at_the_enclosing_group_and_strings_are_opaque() {
        let out = rewrite(r#"[. as [$a] ?// $a | "?//\($a)"], 1"#).unwrap();
        assert!(out.ends_with(r#"catch ($__alt0 as $a |  "?//\($a)"))], 1"#), "{out}");
        assert_eq!(rewrite(r#""a ?// b""#), None);
        // Key expressions are not bindings; a trailing comment stays outside the body.
        let out = rewrite(". as {($k): $a} ?// [$a] | $a # ?// c").unwrap();
        assert!(!out.contains("null as $k"), "{out}");
        assert!(out.ends_with("$a)) # ?// c"), "{out}");
    }

    #[test]
    fn nested_alternatives_and_definitions_in_bodies() {
        let out = rewrite(". as [$a] ?// $a | . as [$b] ?// $b | def f: $a; [f, $b]").unwrap();
        assert!(!out.contains("?//"), "{out}");
        assert!(out.contains("$__alt1") && out.contains("$__alt2"), "{out}");
        assert!(out.ends_with("def f: $a; [f, $b]))))"), "{out}");
    }
}
