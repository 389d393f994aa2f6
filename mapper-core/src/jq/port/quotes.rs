//! Port's jq dialect: the textual rewrite `@port-labs/jq-node-bindings` applies
//! before handing a program to libjq.

use crate::jq::front::syntax::edit::Edits;

/// The outcome of rewriting a program with Port's single-quote rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rewrite {
    /// The program after the rewrite; byte offsets are unchanged (each `'` becomes `"`).
    pub code: String,
    /// Byte offsets of every quote that was rewritten.
    pub rewritten: Vec<usize>,
}

/// Apply Port's single-quote rewrite.
///
/// Port runs `/(^|\s)'(?!\s|")|(?<!\s|")'(\s|$)/g` and replaces each match's quote with `"`:
/// a `'` that opens a string (at the start or after whitespace, not followed by whitespace or
/// `"`) or closes one (not preceded by whitespace or `"`, followed by whitespace or the end).
/// Matches don't overlap and the scan resumes after the whitespace a match consumed, exactly as
/// JavaScript's global `replace` does, so the result is byte-for-byte Port's.
pub fn rewrite_single_quotes(code: &str) -> Rewrite {
    let rewritten = single_quotes(code);
    let (code, _) = edits(&rewritten).apply(code);
    Rewrite { code, rewritten }
}

/// The edits of the rewrite (each quote at `quotes` becomes `"`), for the compiler's map of
/// rewritten positions (one byte for one byte: positions do not move).
pub(crate) fn edits(quotes: &[usize]) -> Edits {
    let mut edits = Edits::new();
    for &at in quotes {
        edits.replace(at..at + 1, vec!["\"".into()]);
    }
    edits
}

/// Byte offsets of the quotes Port's rewrite changes. The rewrite is defined on the raw text
/// (a `'` is no jq token, so jaq's lexer can't see it): this is the one textual rewrite, a
/// faithful implementation of Port's regular expression.
pub(crate) fn single_quotes(code: &str) -> Vec<usize> {
    // Most expressions have no quote at all.
    if !code.contains('\'') {
        return Vec::new();
    }
    let chars: Vec<(usize, char)> = code.char_indices().collect();
    let mut rewritten = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = chars[i];
        let next = chars.get(i + 1).map(|&(_, c)| c);
        // Alternative 1: (^|\s)'(?!\s|")
        if c.is_whitespace() || i == 0 {
            let quote_at = if c == '\'' && i == 0 {
                Some(i)
            } else if c.is_whitespace() && next == Some('\'') {
                Some(i + 1)
            } else {
                None
            };
            if let Some(q) = quote_at {
                let after = chars.get(q + 1).map(|&(_, c)| c);
                if !matches!(after, Some(a) if a.is_whitespace() || a == '"') {
                    rewritten.push(chars[q].0);
                    i = q + 1;
                    continue;
                }
            }
        }
        // Alternative 2: (?<!\s|")'(\s|$)
        if c == '\'' {
            let before = if i == 0 { None } else { Some(chars[i - 1].1) };
            let ok_before = !matches!(before, Some(b) if b.is_whitespace() || b == '"');
            let ok_after = match next {
                None => true,
                Some(n) => n.is_whitespace(),
            };
            if ok_before && ok_after {
                rewritten.push(pos);
                // The match consumed the following whitespace character too.
                i += if next.is_some() { 2 } else { 1 };
                continue;
            }
        }
        i += 1;
    }
    rewritten
}

#[cfg(test)]
mod tests {
    use super::rewrite_single_quotes as rw;

    #[test]
    fn quoted_literal_becomes_a_string() {
        assert_eq!(rw("'Success'").code, "\"Success\"");
        assert_eq!(rw(".a == 'x'").code, ".a == \"x\"");
        assert_eq!(
            rw("if .a then 'b' else 'c' end").code,
            "if .a then \"b\" else \"c\" end"
        );
    }

    #[test]
    fn quotes_inside_words_stay() {
        assert_eq!(rw("\"don't\"").code, "\"don't\"");
        assert!(rw(".body.x").rewritten.is_empty());
    }

    #[test]
    fn quote_next_to_double_quote_is_kept() {
        // `'"` is not an opening quote: (?!\s|")
        assert_eq!(rw(" '\"").code, " '\"");
    }

    #[test]
    fn adjacent_matches_share_no_whitespace() {
        // "'a' 'b'": the closing quote of 'a' consumes the space, so the opening quote of
        // 'b' has no whitespace before it left to match alternative 1 and is matched by
        // nothing -- exactly what JavaScript's global replace does.
        assert_eq!(rw("'a' 'b'").code, "\"a\" 'b\"");
    }
}
