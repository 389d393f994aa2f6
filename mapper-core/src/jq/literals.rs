//! jq number literals that jaq's lexer does not read: a fraction without integer digits
//! (`.5`, `select(. > .00005)`) becomes `0.5`. Byte offsets after such a literal shift by one
//! in later compile errors.

use super::alternatives::skip_inert;

/// `code` with a `0` before every `.` that starts a number, or `None` when there is none.
pub fn rewrite(code: &str) -> Option<String> {
    let b = code.as_bytes();
    let mut out = String::with_capacity(code.len() + 4);
    let (mut i, mut copied, mut changed) = (0, 0, false);
    while i < b.len() {
        if let Some(next) = skip_inert(b, i) {
            i = next;
            continue;
        }
        match b[i] {
            b'.' if b.get(i + 1).is_some_and(u8::is_ascii_digit)
                && !(i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_' || b[i - 1] == b'.')) =>
            {
                out.push_str(&code[copied..i]);
                out.push('0');
                copied = i;
                changed = true;
            }
            _ => {}
        }
        i += 1;
    }
    out.push_str(&code[copied..]);
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::rewrite;

    #[test]
    fn leading_dot_fractions_get_a_zero() {
        assert_eq!(rewrite("select(.>.00005)").as_deref(), Some("select(.>0.00005)"));
        assert_eq!(rewrite(".5, 1.5").as_deref(), Some("0.5, 1.5"));
        assert_eq!(rewrite(r#".a | ".5" # .5"#), None);
        assert_eq!(rewrite(".[0]"), None);
    }
}
