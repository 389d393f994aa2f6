//! Two corners of jq's grammar that jaq's parser lacks, rewritten into equivalent jq:
//! - `reduce`/`foreach` over any expression (`reduce .[] / .[] as $i (...)`): the source is
//!   parenthesised;
//! - `$name: pattern` in object destructuring (`. as {$b: [$c]}`), which binds `$name` to the
//!   value and destructures it too: it becomes `name: $name, name: pattern`.
//!
//! Byte offsets of later compile errors shift in programs that use either.

use super::alternatives::{skip_comment, skip_group, skip_string};

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// The word starting at `i`, if `i` starts one (not a field `.x`, variable `$x` or a word's
/// middle).
fn word_at(b: &[u8], i: usize) -> Option<&[u8]> {
    if !(b[i].is_ascii_alphabetic() || b[i] == b'_')
        || (i > 0 && (is_ident(b[i - 1]) || b[i - 1] == b'.' || b[i - 1] == b'$'))
    {
        return None;
    }
    let mut j = i;
    while j < b.len() && is_ident(b[j]) {
        j += 1;
    }
    Some(&b[i..j])
}

/// Apply both rewrites; `None` when neither applies.
pub fn rewrite(code: &str) -> Option<String> {
    let a = fold_sources(code);
    let b = key_variables(a.as_deref().unwrap_or(code));
    b.or(a)
}

/// Parenthesise the source of every `reduce`/`foreach` that is not a single group already.
fn fold_sources(code: &str) -> Option<String> {
    let b = code.as_bytes();
    let mut inserts = Vec::new(); // (position, text)
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => i = skip_string(b, i),
            b'#' => i = skip_comment(b, i),
            _ => match word_at(b, i) {
                Some(w @ (b"reduce" | b"foreach")) => {
                    let start = i + w.len();
                    let mut j = start;
                    let mut end = None;
                    while j < b.len() {
                        match b[j] {
                            b'"' => j = skip_string(b, j),
                            b'(' | b'[' | b'{' => j = skip_group(b, j),
                            b')' | b']' | b'}' | b';' | b'|' => break,
                            _ => match word_at(b, j) {
                                Some(b"as") => {
                                    end = Some(j);
                                    break;
                                }
                                Some(w) => j += w.len(),
                                None => j += 1,
                            },
                        }
                    }
                    if let Some(end) = end {
                        let src = code[start..end].trim();
                        let single = src.starts_with('(') && skip_group(src.as_bytes(), 0) == src.len();
                        let simple = src
                            .bytes()
                            .all(|c| is_ident(c) || matches!(c, b'.' | b'[' | b']' | b'$' | b'?'));
                        if !single && !simple {
                            inserts.push((start, " ("));
                            inserts.push((end, ") "));
                        }
                    }
                    i = start;
                }
                Some(w) => i += w.len(),
                None => i += 1,
            },
        }
    }
    apply(code, inserts)
}

/// `$name:` inside an object pattern (after `as` or `?//`) becomes `name: $name, name:`.
fn key_variables(code: &str) -> Option<String> {
    let b = code.as_bytes();
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => i = skip_string(b, i),
            b'#' => i = skip_comment(b, i),
            b'?' if b[i..].starts_with(b"?//") => {
                i = pattern_edits(code, i + 3, &mut edits);
            }
            _ => match word_at(b, i) {
                Some(b"as") => i = pattern_edits(code, i + 2, &mut edits),
                Some(w) => i += w.len(),
                None => i += 1,
            },
        }
    }
    if edits.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(code.len() + 16);
    let mut copied = 0;
    for (s, e, text) in edits {
        out.push_str(&code[copied..s]);
        out.push_str(&text);
        copied = e;
    }
    out.push_str(&code[copied..]);
    Some(out)
}

/// Record the `$name:` edits of the pattern after position `i`; return where it ends.
fn pattern_edits(code: &str, mut i: usize, edits: &mut Vec<(usize, usize, String)>) -> usize {
    let b = code.as_bytes();
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    if b.get(i) != Some(&b'{') && b.get(i) != Some(&b'[') {
        return i;
    }
    let end = skip_group(b, i);
    let mut j = i;
    while j < end {
        match b[j] {
            b'"' => j = skip_string(b, j),
            b'$' => {
                let mut k = j + 1;
                while k < end && is_ident(b[k]) {
                    k += 1;
                }
                let mut colon = k;
                while colon < end && b[colon].is_ascii_whitespace() {
                    colon += 1;
                }
                if k > j + 1 && b.get(colon) == Some(&b':') && &code[j..k] != "$__loc__" {
                    let name = &code[j + 1..k];
                    edits.push((j, colon + 1, format!("{name}: ${name}, {name}:")));
                }
                j = k;
            }
            _ => j += 1,
        }
    }
    end
}

/// Insert texts at byte positions of `code` (in any order); `None` when there is nothing to insert.
pub(super) fn apply(code: &str, mut inserts: Vec<(usize, &str)>) -> Option<String> {
    if inserts.is_empty() {
        return None;
    }
    inserts.sort_by_key(|(p, _)| *p);
    let mut out = String::with_capacity(code.len() + 4 * inserts.len());
    let mut copied = 0;
    for (p, text) in inserts {
        out.push_str(&code[copied..p]);
        out.push_str(text);
        copied = p;
    }
    out.push_str(&code[copied..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::rewrite;

    #[test]
    fn fold_sources_are_parenthesised() {
        assert_eq!(
            rewrite("[reduce .[] / .[] as $i (0; . + $i)]").as_deref(),
            Some("[reduce ( .[] / .[] ) as $i (0; . + $i)]")
        );
        assert_eq!(rewrite("reduce .[] as $x (0; . + $x)"), None);
        assert_eq!(rewrite(r#""reduce 1 + 1 as""#), None);
    }

    #[test]
    fn key_variables_bind_and_destructure() {
        assert_eq!(
            rewrite(". as {$a, $b:[$c, $d]} | $b").as_deref(),
            Some(". as {$a, b: $b, b:[$c, $d]} | $b")
        );
        assert_eq!(rewrite("{$a, b: 1}"), None);
    }
}
