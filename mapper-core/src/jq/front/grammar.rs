//! Two corners of jq's grammar that jaq's parser lacks, rewritten into equivalent jq:
//! - `reduce`/`foreach` over any expression (`reduce .[] / .[] as $i (...)`): jaq takes an
//!   atom there ([`syntax::atom_end`]), so a source that is not one is parenthesised;
//! - `$name: pattern` in object destructuring (`. as {$b: [$c]}`), which binds `$name` to the
//!   value and destructures it too: it becomes `name: $name, name: pattern`.

use super::syntax::edit::{Edits, Piece};
use super::syntax::{self, Tk};

/// The edits of both rewrites (they never touch the same tokens).
pub fn edits(code: &str, tokens: &[Tk<'_>]) -> Edits {
    let mut edits = Edits::new();
    syntax::visit_all(tokens, |seq, i| {
        let t = &seq[i];
        if syntax::is_word(t, "reduce") || syntax::is_word(t, "foreach") {
            fold_source(code, seq, i, &mut edits);
        }
        let pattern = if syntax::is_word(t, "as") {
            seq.get(i + 1)
        } else if syntax::is_alternative(seq, i) {
            seq.get(i + 2)
        } else {
            None
        };
        if let Some(p) = pattern {
            key_variables(code, p, &mut edits);
        }
    });
    edits
}

/// Parenthesise the source of the `reduce`/`foreach` at `seq[i]` unless it is an atom.
fn fold_source(code: &str, seq: &[Tk<'_>], i: usize, edits: &mut Edits) {
    let Some(as_) = (i + 1..seq.len())
        .take_while(|&j| !syntax::is_sym(&seq[j], ";") && !syntax::is_sym(&seq[j], "|"))
        .find(|&j| syntax::is_word(&seq[j], "as"))
    else {
        return;
    };
    if as_ == i + 1 || syntax::atom_end(seq, i + 1) == Some(as_) {
        return;
    }
    edits.insert(syntax::span(code, seq[i].0).end, " (");
    edits.insert(syntax::span(code, seq[as_].0).start, ") ");
}

/// `$name:` in the pattern `p` (and the patterns inside it) becomes `name: $name, name:`.
fn key_variables(code: &str, p: &Tk<'_>, edits: &mut Edits) {
    let Some(inner) = syntax::block(p, '{').or_else(|| syntax::block(p, '[')) else {
        return;
    };
    for (k, t) in inner.iter().enumerate() {
        match inner.get(k + 1) {
            Some(colon) if syntax::is_var(t) && syntax::is_sym(colon, ":") => {
                let name = &t.0[1..];
                let var = syntax::span(code, t.0);
                edits.replace(
                    var.start..syntax::span(code, colon.0).end,
                    vec![
                        format!("{name}: ").into(),
                        Piece::Copy(var),
                        format!(", {name}:").into(),
                    ],
                );
            }
            _ => key_variables(code, t, edits),
        }
    }
}

#[cfg(test)]
mod tests {
    fn rewrite(code: &str) -> Option<String> {
        super::super::syntax::edit::rewritten(code, super::edits)
    }

    #[test]
    fn fold_sources_are_parenthesised() {
        assert_eq!(
            rewrite("[reduce .[] / .[] as $i (0; . + $i)]").as_deref(),
            Some("[reduce ( .[] / .[] ) as $i (0; . + $i)]")
        );
        assert_eq!(rewrite("reduce .[] as $x (0; . + $x)"), None);
        assert_eq!(rewrite("reduce range(0; 3)[0]? as $x (0; . + $x)"), None);
        assert_eq!(rewrite(r#""reduce 1 + 1 as""#), None);
    }

    #[test]
    fn key_variables_bind_and_destructure() {
        assert_eq!(
            rewrite(". as {$a, $b:[$c, $d]} | $b").as_deref(),
            Some(". as {$a, b: $b, b:[$c, $d]} | $b")
        );
        assert_eq!(
            rewrite(". as [{$a: {$b: $c}}] | $b").as_deref(),
            Some(". as [{a: $a, a: {b: $b, b: $c}}] | $b")
        );
        assert_eq!(rewrite("{$a, b: 1}"), None);
    }
}
