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
//! enclosing group, as a pipe after `as` does. Spans of later compile errors refer to the
//! rewritten text (only for programs that use `?//`).

/// Rewrite every `?//` alternative of `code`; `None` when there is none (or it is malformed,
/// which the parser then reports).
pub fn rewrite(code: &str) -> Option<String> {
    let mut code = code.to_owned();
    let mut changed = false;
    for n in 0.. {
        match rewrite_first(&code, n) {
            Some(next) => {
                code = next;
                changed = true;
            }
            None => break,
        }
    }
    changed.then_some(code)
}

/// Index after the string literal starting at `i` (a `"`), interpolations included.
pub(super) fn skip_string(b: &[u8], mut i: usize) -> usize {
    i += 1;
    while i < b.len() {
        match b[i] {
            b'"' => return i + 1,
            b'\\' if b.get(i + 1) == Some(&b'(') => i = skip_group(b, i + 1),
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
    b.len()
}

/// Index of the newline that ends the `#` comment starting at `i` (or the end).
pub(super) fn skip_comment(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i] != b'\n' {
        i += 1;
    }
    i
}

/// Where scanning resumes when a string literal or a `#` comment starts at `i` (their
/// contents are not code); `None` anywhere else.
pub(super) fn skip_inert(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => Some(skip_string(b, i)),
        b'#' => Some(skip_comment(b, i)),
        _ => None,
    }
}

/// Index after the group whose opener (`(`, `[` or `{`) is at `i`.
pub(super) fn skip_group(b: &[u8], mut i: usize) -> usize {
    let mut depth = 0;
    while i < b.len() {
        if let Some(next) = skip_inert(b, i) {
            i = next;
            continue;
        }
        match b[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    b.len()
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// Positions of `?//` outside strings and comments.
fn find_alt(b: &[u8]) -> Option<usize> {
    let mut i = 0;
    while i < b.len() {
        if let Some(next) = skip_inert(b, i) {
            i = next;
            continue;
        }
        match b[i] {
            b'?' if b[i..].starts_with(b"?//") => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// The pattern starting at `i`: `$name`, `[...]` or `{...}`; returns its end.
fn pattern_end(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b'[' | b'{' => Some(skip_group(b, i)),
        b'$' => {
            let mut j = i + 1;
            while j < b.len() && is_ident(b[j]) {
                j += 1;
            }
            (j > i + 1).then_some(j)
        }
        _ => None,
    }
}

/// Start of the pattern that ends just before `end` (skipping whitespace backwards).
fn pattern_start(b: &[u8], end: usize) -> Option<usize> {
    let mut e = end;
    while e > 0 && b[e - 1].is_ascii_whitespace() {
        e -= 1;
    }
    let last = *b.get(e.checked_sub(1)?)?;
    if last == b']' || last == b'}' {
        // Find the opener whose group ends at `e`.
        (0..e)
            .rev()
            .find(|&s| matches!(b[s], b'[' | b'{') && skip_group(b, s) == e)
    } else {
        let mut s = e;
        while s > 0 && is_ident(b[s - 1]) {
            s -= 1;
        }
        (s > 0 && b[s - 1] == b'$').then(|| s - 1)
    }
}

/// Where the body starting at `i` ends: an unmatched closer, a `;`, or a keyword that closes
/// an enclosing construct, at depth 0.
fn body_end(b: &[u8], mut i: usize) -> usize {
    let mut ifs = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i = skip_string(b, i);
                continue;
            }
            b'(' | b'[' | b'{' => {
                i = skip_group(b, i);
                continue;
            }
            b')' | b']' | b'}' | b';' => return i,
            c if is_ident(c) && (i == 0 || !is_ident(b[i - 1]) && b[i - 1] != b'$' && b[i - 1] != b'.') => {
                let mut j = i;
                while j < b.len() && is_ident(b[j]) {
                    j += 1;
                }
                match &b[i..j] {
                    b"if" => ifs += 1,
                    b"end" if ifs > 0 => ifs -= 1,
                    b"end" | b"then" | b"elif" | b"else" | b"catch" if ifs == 0 => return i,
                    _ => {}
                }
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    b.len()
}

/// Variables a pattern binds (every `$name` in it).
fn variables(p: &str) -> Vec<String> {
    let b = p.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'"' {
            i = skip_string(b, i);
            continue;
        }
        if b[i] == b'$' {
            let end = pattern_end(b, i).unwrap_or(i + 1);
            let name = &p[i..end];
            if end > i + 1 && name != "$__loc__" && !out.iter().any(|o| o == name) {
                out.push(name.to_owned());
            }
            i = end;
            continue;
        }
        i += 1;
    }
    out
}

fn rewrite_first(code: &str, n: usize) -> Option<String> {
    let b = code.as_bytes();
    let first_alt = find_alt(b)?;
    let p1_start = pattern_start(b, first_alt)?;
    // `as` before the first pattern.
    let mut a = p1_start;
    while a > 0 && b[a - 1].is_ascii_whitespace() {
        a -= 1;
    }
    if a < 2 || &b[a - 2..a] != b"as" || (a > 2 && is_ident(b[a - 3])) {
        return None;
    }
    let mut patterns = vec![code[p1_start..first_alt].trim_end().to_owned()];
    let mut i = first_alt;
    while b[i..].starts_with(b"?//") {
        let s = skip_ws(b, i + 3);
        let e = pattern_end(b, s)?;
        patterns.push(code[s..e].to_owned());
        i = skip_ws(b, e);
    }
    if b.get(i) != Some(&b'|') {
        return None;
    }
    let body_start = i + 1;
    let end = body_end(b, body_start);
    let body = &code[body_start..end];
    let all: Vec<String> = patterns
        .iter()
        .flat_map(|p| variables(p))
        .fold(Vec::new(), |mut acc, v| {
            if !acc.contains(&v) {
                acc.push(v);
            }
            acc
        });
    let var = format!("$__alt{n}");
    let branch = |p: &str| {
        let own = variables(p);
        let nulls: String = all
            .iter()
            .filter(|v| !own.contains(v))
            .map(|v| format!("null as {v} | "))
            .collect();
        format!("({nulls}{var} as {p} | {body})")
    };
    let mut chain = branch(patterns.last().expect("at least two patterns"));
    for p in patterns.iter().rev().skip(1) {
        chain = format!("(try {} catch {chain})", branch(p));
    }
    Some(format!("{}{var} | {chain}{}", &code[..p1_start], &code[end..]))
}

#[cfg(test)]
mod tests {
    use super::rewrite;

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
    }
}
