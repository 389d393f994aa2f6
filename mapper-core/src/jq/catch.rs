//! `try A catch B` becomes `try A catch (_jq_message | B)`, so that `B` sees jq's wording of
//! the errors jaq's core raises (see [`super::messages`]). `B` is the single term jq's grammar
//! allows there; when its end cannot be found simply (a keyword term such as `if`), the
//! program is left as it is. Byte offsets of later compile errors shift in programs that use
//! `catch`.

use super::alternatives::{skip_comment, skip_group, skip_string};

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

fn ident_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && (is_ident(b[i]) || (b[i] == b':' && b.get(i + 1) == Some(&b':'))) {
        i += if b[i] == b':' { 2 } else { 1 };
    }
    i
}

/// End of the term (jaq's `atom` with its path suffix) starting at `i`, if it is simple.
fn atom_end(b: &[u8], i: usize) -> Option<usize> {
    let mut j = match *b.get(i)? {
        b'-' => return atom_end(b, skip_ws(b, i + 1)),
        b'(' | b'[' | b'{' => skip_group(b, i),
        b'"' => skip_string(b, i),
        b'@' => {
            let e = ident_end(b, i + 1);
            let s = skip_ws(b, e);
            if b.get(s) == Some(&b'"') {
                skip_string(b, s)
            } else {
                e
            }
        }
        b'$' => ident_end(b, i + 1),
        b'.' if b.get(i + 1) == Some(&b'.') => i + 2,
        b'.' => {
            let j = i + 1;
            match b.get(j) {
                Some(&c) if c.is_ascii_alphabetic() || c == b'_' => ident_end(b, j),
                Some(b'"') => skip_string(b, j),
                _ => j,
            }
        }
        c if c.is_ascii_digit() => {
            let mut j = i;
            while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'.') {
                j += 1;
            }
            j
        }
        c if c.is_ascii_alphabetic() || c == b'_' => {
            let e = ident_end(b, i);
            if matches!(
                &b[i..e],
                b"if"
                    | b"try"
                    | b"reduce"
                    | b"foreach"
                    | b"def"
                    | b"label"
                    | b"and"
                    | b"or"
                    | b"then"
                    | b"else"
                    | b"elif"
                    | b"end"
                    | b"as"
                    | b"catch"
            ) {
                return None;
            }
            if b.get(e) == Some(&b'(') {
                skip_group(b, e)
            } else {
                e
            }
        }
        _ => return None,
    };
    // Path suffix: `[...]`, `.name`, `."name"`, `.[...]`, `?`.
    loop {
        match b.get(j) {
            Some(b'[') => j = skip_group(b, j),
            Some(b'?') if b.get(j + 1) != Some(&b'/') => j += 1,
            Some(b'.') => match b.get(j + 1) {
                Some(b'[') => j = skip_group(b, j + 1),
                Some(b'"') => j = skip_string(b, j + 1),
                Some(&c) if c.is_ascii_alphabetic() || c == b'_' => j = ident_end(b, j + 1),
                _ => break,
            },
            _ => break,
        }
    }
    Some(j)
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// Rewrite every simple `catch` body; `None` when there is none.
pub fn rewrite(code: &str) -> Option<String> {
    let b = code.as_bytes();
    let mut edits = Vec::new(); // (start, end) of each catch body
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => i = skip_string(b, i),
            b'#' => i = skip_comment(b, i),
            c if (c.is_ascii_alphabetic() || c == b'_')
                && !(i > 0 && (is_ident(b[i - 1]) || b[i - 1] == b'.' || b[i - 1] == b'$' || b[i - 1] == b'@')) =>
            {
                let e = ident_end(b, i);
                if &b[i..e] == b"catch" {
                    let s = skip_ws(b, e);
                    if let Some(end) = atom_end(b, s) {
                        edits.push((s, end));
                    }
                }
                i = e;
            }
            _ => i += 1,
        }
    }
    if edits.is_empty() {
        return None;
    }
    // Bodies may nest (`catch (try x catch .)`): insert from the back.
    let mut out = code.to_owned();
    let mut points: Vec<(usize, &str)> = Vec::new();
    for (s, e) in edits {
        points.push((s, "(_jq_message | "));
        points.push((e, ")"));
    }
    points.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.len().cmp(&b.1.len())));
    for (p, text) in points {
        out.insert_str(p, text);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::rewrite;

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
        assert_eq!(rewrite(r#"try . catch if . then 1 else 2 end"#), None);
        assert_eq!(rewrite(r#""catch me""#), None);
    }
}
