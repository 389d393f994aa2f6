//! Bytes read into a jq string as jq reads them (`jvp_utf8_next`, in jq 1.7 and 1.8 alike):
//! each invalid sequence becomes one U+FFFD, and a sequence cut short by the end of the text, or
//! by a byte that does not continue it, is one sequence. (Rust's `from_utf8_lossy` splits them
//! differently: jq reads the bytes `e9 65` as one U+FFFD, Rust as U+FFFD and `e`.)

/// The length jq gives a sequence starting with `first`: 1-4, 0 for a byte that starts none,
/// `None` for a continuation byte.
fn coding_length(first: u8) -> Option<usize> {
    match first {
        0x00..=0x7f => Some(1),
        0x80..=0xbf => None,
        0xc2..=0xdf => Some(2),
        0xe0..=0xef => Some(3),
        0xf0..=0xf4 => Some(4),
        _ => Some(0),
    }
}

/// `bytes` as the jq string jq makes of them (`jvp_string_copy_replace_bad`).
pub fn jq_lossy(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let rest = &bytes[i..];
        let (len, ok) = match coding_length(rest[0]) {
            Some(1) => (1, true),
            None | Some(0) => (1, false),
            Some(n) if n > rest.len() => (rest.len(), false),
            Some(n) => match rest[1..n].iter().position(|&b| coding_length(b).is_some()) {
                Some(p) => (p + 1, false),
                None => (n, true),
            },
        };
        // A complete sequence may still be overlong, a surrogate or past U+10FFFF.
        match std::str::from_utf8(&rest[..len]).ok().filter(|_| ok) {
            Some(s) => out.push_str(s),
            None => out.push(char::REPLACEMENT_CHARACTER),
        }
        i += len;
    }
    out
}

/// A string as jq 1.7's `@urid` sees the text outside its `%` escapes: copied byte by byte, so
/// each byte of a non-ASCII character becomes U+FFFD, and a NUL byte ends the text.
pub fn bytewise(bytes: &[u8]) -> String {
    bytes
        .iter()
        .take_while(|&&b| b != 0)
        .map(|&b| {
            if b < 0x80 {
                b as char
            } else {
                char::REPLACEMENT_CHARACTER
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_sequences_as_jq_reads_them() {
        // `"null" | @base64d` is 9e e9 65: Port's engine stores "\u{fffd}\u{fffd}".
        assert_eq!(jq_lossy(&[0x9e, 0xe9, 0x65]), "\u{fffd}\u{fffd}");
        assert_eq!(jq_lossy(&[0xe9, 0x65, 0x66]), "\u{fffd}ef");
        assert_eq!(jq_lossy("héllo ✓".as_bytes()), "héllo ✓");
        assert_eq!(jq_lossy(&[0xc0, 0x80, b'a']), "\u{fffd}\u{fffd}a");
        assert_eq!(jq_lossy(&[0xed, 0xa0, 0x80]), "\u{fffd}");
        assert_eq!(
            bytewise("Knäckebröd".as_bytes()),
            "Kn\u{fffd}\u{fffd}ckebr\u{fffd}\u{fffd}d"
        );
        assert_eq!(bytewise(b"a\0b"), "a");
    }
}
