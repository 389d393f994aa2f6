//! jq's JSON reader checks each bare word of the text (`true`, `null`, a number) as it ends;
//! jaq's reader stops at the first value and words errors its own way. [`first_invalid`] finds
//! the first bare word jq refuses and words the error as jq does, so `fromjson` of
//! `"2025-04-25T16:51:28Z"` fails as in jq (`Invalid numeric literal at line 1, column 14`).

/// jq's message for the first bare word of `text` that is neither a literal (`true`, `false`,
/// `null`, `nan`) nor a number, or `None` when every word is one.
pub fn first_invalid(text: &[u8]) -> Option<String> {
    let (mut line, mut line_start) = (1usize, 0usize);
    let mut word_start = None;
    let mut i = 0;
    // Where a word ends: its error is reported at the byte that ended it (or at the end).
    let check = |word: &[u8], at: usize, line: usize, line_start: usize, eof: bool| -> Option<String> {
        let invalid = match word.first() {
            Some(b'\'') => Some("Invalid string literal; expected \", but got '"),
            Some(b't' | b'f' | b'n') => {
                (!matches!(word, b"true" | b"false" | b"null" | b"nan")).then_some("Invalid literal")
            }
            _ => std::str::from_utf8(word)
                .ok()
                .filter(|w| w.parse::<f64>().is_ok())
                .is_none()
                .then_some("Invalid numeric literal"),
        }?;
        let (column, eof) = if eof {
            (at - line_start, " at EOF")
        } else {
            (at - line_start + 1, "")
        };
        Some(format!("{invalid}{eof} at line {line}, column {column}"))
    };
    while i < text.len() {
        let b = text[i];
        let ends_word = matches!(
            b,
            b' ' | b'\t' | b'\r' | b'\n' | b'"' | b'[' | b'{' | b':' | b',' | b']' | b'}'
        );
        if ends_word {
            if let Some(start) = word_start.take() {
                if let Some(e) = check(&text[start..i], i, line, line_start, false) {
                    return Some(e);
                }
            }
        } else if word_start.is_none() {
            word_start = Some(i);
        }
        match b {
            b'\n' => {
                line += 1;
                line_start = i + 1;
            }
            b'"' => {
                // Skip the string, escapes included.
                i += 1;
                while i < text.len() && text[i] != b'"' {
                    i += if text[i] == b'\\' { 2 } else { 1 };
                }
            }
            _ => {}
        }
        i += 1;
    }
    let start = word_start?;
    check(&text[start..], text.len(), line, line_start, true)
}

/// Where the top-level value starting at or after `from` ends in `text`, as jq's reader splits
/// values: a string, an array or object (to its matching bracket), or a bare word (to the next
/// space or structural character). `None` when no value starts there or it is unfinished.
pub fn value_end(text: &[u8], from: usize) -> Option<usize> {
    let start = from + text.get(from..)?.iter().position(|b| !b.is_ascii_whitespace())?;
    let mut depth = 0usize;
    let mut i = start;
    while i < text.len() {
        match text[i] {
            b'"' => {
                i += 1;
                while i < text.len() && text[i] != b'"' {
                    i += if text[i] == b'\\' { 2 } else { 1 };
                }
                if i >= text.len() {
                    return None;
                }
            }
            b'[' | b'{' => depth += 1,
            b']' | b'}' => depth = depth.checked_sub(1)?,
            b' ' | b'\t' | b'\r' | b'\n' | b':' | b',' if depth == 0 => return Some(i),
            _ => {}
        }
        i += 1;
        if depth == 0 && matches!(text[i - 1], b'"' | b']' | b'}') {
            return Some(i);
        }
        if depth == 0 && matches!(text.get(i), Some(b'[' | b'{' | b'"')) {
            return Some(i);
        }
    }
    (depth == 0).then_some(text.len())
}

#[cfg(test)]
mod tests {
    use super::first_invalid;

    #[test]
    fn words_as_jq_reads_them() {
        // Each as Port's engine answers `try fromjson catch .` (without "(while parsing ...)").
        let cases = [
            (
                "2025-04-25T16:51:28Z",
                Some("Invalid numeric literal at line 1, column 14"),
            ),
            ("abc", Some("Invalid numeric literal at EOF at line 1, column 3")),
            (
                r#"{"a":1}x"#,
                Some("Invalid numeric literal at EOF at line 1, column 8"),
            ),
            ("nul", Some("Invalid literal at EOF at line 1, column 3")),
            ("1.5.5", Some("Invalid numeric literal at EOF at line 1, column 5")),
            ("tru e", Some("Invalid literal at line 1, column 4")),
            (" 12x ,", Some("Invalid numeric literal at line 1, column 5")),
            ("x:1", Some("Invalid numeric literal at line 1, column 2")),
            (
                "{'a': 123}",
                Some("Invalid string literal; expected \", but got ' at line 1, column 5"),
            ),
            (r#"{"a": [1, 2.5e3, true, null, "x y"]}"#, None),
            ("nan", None),
        ];
        for (text, want) in cases {
            assert_eq!(first_invalid(text.as_bytes()).as_deref(), want, "{text}");
        }
    }
}
