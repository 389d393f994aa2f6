//! jaq's wording of the errors its core operations raise, reworded as jq words them. jaq's
//! indexing, iteration and arithmetic cannot be redefined on top of jaq, so the message is
//! translated where it becomes visible: in `try ... catch` (see [`super::catch`]) and in a
//! program's error outputs.

use crate::value::TypeName;
use serde_json::Value;

/// `type (json)`, the JSON text (as jaq printed it, so big numbers keep their digits) cut as
/// jq cuts it: 11 characters and `...` in jq 1.7, 26 in 1.8.
fn describe((v, json): &(Value, &str), jq_18: bool) -> String {
    let (max, keep) = if jq_18 { (29, 26) } else { (14, 11) };
    // jq cuts bytes, not characters; a character cut in two becomes U+FFFD.
    let json = if json.len() > max {
        format!("{}...", String::from_utf8_lossy(&json.as_bytes()[..keep]))
    } else {
        json.to_string()
    };
    format!("{} ({json})", v.type_name())
}

/// One JSON value at the start of `s` with its text, and the rest.
fn value_prefix(s: &str) -> Option<((Value, &str), &str)> {
    let mut it = serde_json::Deserializer::from_str(s).into_iter::<Value>();
    let v = it.next()?.ok()?;
    let end = it.byte_offset();
    Some(((v, &s[..end]), &s[end..]))
}

fn whole_value(s: &str) -> Option<(Value, &str)> {
    serde_json::from_str(s).ok().map(|v| (v, s))
}

/// What jq/regex.rs puts between a regex and regex-lite's reason it does not compile.
pub const REGEX_INVALID: &str = " (at offset 0) is not a valid regex: ";

/// regex-lite's reasons (their start) and oniguruma's words for the same thing.
const ONIG_WORDS: &[(&str, &str)] = &[
    (
        "found open group without closing",
        "end pattern with unmatched parenthesis",
    ),
    ("found closing ')' without matching '('", "unmatched close parenthesis"),
    ("found unclosed character class", "premature end of char-class"),
    (
        "found counted repetition with a min bigger than its max",
        "upper is smaller than lower in repeat range",
    ),
    (
        "uncounted repetition operator must be applied to a sub-expression",
        "target of repeat operator is not specified",
    ),
    ("invalid range in character class", "empty range in char class"),
];

/// jq's message for a jaq core error message, or `None` when it is not one of those.
pub fn translate(msg: &str, jq_18: bool) -> Option<String> {
    if let Some(rest) = msg.strip_prefix("cannot use ") {
        let (v, rest) = value_prefix(rest)?;
        if rest == " as iterable (array or object)" {
            return Some(match v.0 {
                // jq 1.8 leaves the value out for null; Port's engine (jq 588ff187) writes it.
                Value::Null if jq_18 => "Cannot iterate over null".to_owned(),
                _ => format!("Cannot iterate over {}", describe(&v, jq_18)),
            });
        }
        return None;
    }
    if let Some(rest) = msg.strip_prefix("cannot index ") {
        let (v, rest) = value_prefix(rest)?;
        let k = whole_value(rest.strip_prefix(" with ")?)?;
        return Some(match (&k.0, jq_18) {
            (_, true) => format!("Cannot index {} with {}", v.0.type_name(), describe(&k, true)),
            // Port's engine (jq 588ff187) names the key's type: `Cannot index number with string "a"`.
            (Value::String(s), false) => format!("Cannot index {} with string \"{s}\"", v.0.type_name()),
            (k, false) => format!("Cannot index {} with {}", v.0.type_name(), k.type_name()),
        });
    }
    // A regex that does not compile (jq/regex.rs): oniguruma's words for what regex-lite found.
    if let Some((re, found)) = msg.split_once(REGEX_INVALID) {
        let onig = ONIG_WORDS
            .iter()
            .find(|(lite, _)| found.starts_with(lite))
            .map_or(found, |(_, onig)| onig);
        return Some(if jq_18 {
            format!("{re}{REGEX_INVALID}{onig}")
        } else {
            format!("Regex failure: {onig}")
        });
    }
    // vendor/jaq-json: `cannot negate V`, `cannot divide L by R` (with ` (remainder)` for `%`).
    if let Some(rest) = msg.strip_prefix("cannot negate ") {
        let v = whole_value(rest)?;
        return Some(format!("{} cannot be negated", describe(&v, jq_18)));
    }
    if let Some(rest) = msg.strip_prefix("cannot divide ") {
        let (l, rest) = value_prefix(rest)?;
        let rest = rest.strip_prefix(" by ")?;
        let (rest, verb) = match rest.strip_suffix(" (remainder)") {
            Some(r) => (r, "divided (remainder)"),
            None => (rest, "divided"),
        };
        let r = whole_value(rest)?;
        return Some(format!(
            "{} and {} cannot be {verb} because the divisor is zero",
            describe(&l, jq_18),
            describe(&r, jq_18)
        ));
    }
    if let Some(rest) = msg.strip_prefix("cannot calculate ") {
        let (l, rest) = value_prefix(rest)?;
        let rest = rest.strip_prefix(' ')?;
        let (op, rest) = rest.split_once(' ')?;
        let r = whole_value(rest)?;
        let verb = match op {
            "+" => "added",
            "-" => "subtracted",
            "*" => "multiplied",
            "/" => "divided",
            "%" if !jq_18 => "divided (remainder)",
            "%" => "divided",
            _ => return None,
        };
        return Some(format!(
            "{} and {} cannot be {verb}",
            describe(&l, jq_18),
            describe(&r, jq_18)
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::translate;

    #[test]
    fn jq_wording() {
        // jq.test: `try .a[] catch .` on {"a":123}; `.a` on 1; `{} - 1`.
        assert_eq!(
            translate("cannot use 123 as iterable (array or object)", false).unwrap(),
            "Cannot iterate over number (123)"
        );
        assert_eq!(
            translate(r#"cannot index 1 with "a""#, false).unwrap(),
            r#"Cannot index number with string "a""#
        );
        assert_eq!(
            translate(r#"cannot index 1 with "a""#, true).unwrap(),
            r#"Cannot index number with string ("a")"#
        );
        assert_eq!(
            translate(r#"cannot calculate {} - 1"#, false).unwrap(),
            "object ({}) and number (1) cannot be subtracted"
        );
        // jq.test: `try (1/0) catch .`, `try (1%0) catch .`, `try -. catch .` on "foo".
        assert_eq!(
            translate("cannot divide 1 by 0", false).unwrap(),
            "number (1) and number (0) cannot be divided because the divisor is zero"
        );
        assert_eq!(
            translate("cannot divide 2.5 by 0 (remainder)", false).unwrap(),
            "number (2.5) and number (0) cannot be divided (remainder) because the divisor is zero"
        );
        assert_eq!(
            translate(r#"cannot negate "foo""#, false).unwrap(),
            r#"string ("foo") cannot be negated"#
        );
        // jq.test-style regex errors: `"x" | test("(")`.
        let lite = "( (at offset 0) is not a valid regex: found open group without closing ')'";
        assert_eq!(
            translate(lite, false).unwrap(),
            "Regex failure: end pattern with unmatched parenthesis"
        );
        assert_eq!(
            translate(lite, true).unwrap(),
            "( (at offset 0) is not a valid regex: end pattern with unmatched parenthesis"
        );
        assert_eq!(translate("my own error", false), None);
    }
}
