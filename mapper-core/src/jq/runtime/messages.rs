//! jaq's wording of the errors its core operations raise, reworded as jq words them. jaq's
//! indexing, iteration and arithmetic cannot be redefined on top of jaq, so the message is
//! translated where it becomes visible: in `try ... catch` (see [`super::catch`]) and in a
//! program's error outputs.

use crate::jq::Dialect;
use crate::value::TypeName;
use serde_json::Value;

/// JSON text as jq's `jv_dump_string_trunc` writes it into a buffer of `size` bytes: whole when
/// it fits (`size - 1` bytes), else its first `size - 4` bytes and `...`.
fn truncated(json: &str, size: usize) -> String {
    if json.len() < size {
        return json.to_string();
    }
    // jq cuts bytes, not characters; a character cut in two becomes U+FFFD.
    format!("{}...", String::from_utf8_lossy(&json.as_bytes()[..size - 4]))
}

/// `type (json)`, the JSON text (as jaq printed it, so big numbers keep their digits) cut as
/// jq cuts it: in a buffer of 15 bytes in Port's engine (11 and `...`), of 30 in jq 1.8 (26
/// and `...`).
fn describe((v, json): &(Value, &str), dialect: Dialect) -> String {
    let size = match dialect {
        Dialect::Port => 15,
        Dialect::Standard => 30,
    };
    let json = truncated(json, size);
    format!("{} ({json})", v.type_name())
}

/// vendor/jaq-core's path-expression errors (jq's words, whole values), cut as jq cuts the
/// values: keys in 15 bytes, values in 30, in jq 1.7 and 1.8 alike.
fn path_expression(msg: &str) -> Option<String> {
    const RESULT: &str = "Invalid path expression with result ";
    const ITERATE: &str = "Invalid path expression near attempt to iterate through ";
    const ACCESS: &str = "Invalid path expression near attempt to access element ";
    if let Some(v) = msg.strip_prefix(RESULT) {
        return Some(format!("{RESULT}{}", truncated(v, 30)));
    }
    if let Some(v) = msg.strip_prefix(ITERATE) {
        return Some(format!("{ITERATE}{}", truncated(v, 30)));
    }
    let rest = msg.strip_prefix(ACCESS)?;
    let ((_, k), rest) = value_prefix(rest)?;
    let v = rest.strip_prefix(" of ")?;
    Some(format!("{ACCESS}{} of {}", truncated(k, 15), truncated(v, 30)))
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

/// What runtime/regex.rs puts between a regex and regex-lite's reason it does not compile.
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
pub fn translate(msg: &str, dialect: Dialect) -> Option<String> {
    if msg.starts_with("Invalid path expression ") {
        return path_expression(msg);
    }
    if let Some(rest) = msg.strip_prefix("cannot use ") {
        let (v, rest) = value_prefix(rest)?;
        // A math function's argument that is no number (jaq's `ValT::as_f64`).
        if rest == " as number" {
            return Some(format!("{} number required", describe(&v, dialect)));
        }
        // A slice of what is no array or string: jq indexes it with the slice's object.
        if rest == " as rangeable (array or string)" {
            return Some(format!("Cannot index {} with object", v.0.type_name()));
        }
        if rest == " as iterable (array or object)" {
            return Some(match (&v.0, dialect) {
                // jq 1.8 leaves the value out for null; Port's engine (jq 588ff187) writes it.
                (Value::Null, Dialect::Standard) => "Cannot iterate over null".to_owned(),
                _ => format!("Cannot iterate over {}", describe(&v, dialect)),
            });
        }
        return None;
    }
    if let Some(rest) = msg.strip_prefix("cannot index ") {
        let (v, rest) = value_prefix(rest)?;
        let k = whole_value(rest.strip_prefix(" with ")?)?;
        return Some(match (&k.0, dialect) {
            (_, Dialect::Standard) => format!("Cannot index {} with {}", v.0.type_name(), describe(&k, dialect)),
            // Port's engine (jq 588ff187) names the key's type: `Cannot index number with string "a"`.
            (Value::String(s), Dialect::Port) => format!("Cannot index {} with string \"{s}\"", v.0.type_name()),
            (k, Dialect::Port) => format!("Cannot index {} with {}", v.0.type_name(), k.type_name()),
        });
    }
    // A regex that does not compile (runtime/regex.rs): oniguruma's words for what regex-lite found.
    if let Some((re, found)) = msg.split_once(REGEX_INVALID) {
        let onig = ONIG_WORDS
            .iter()
            .find(|(lite, _)| found.starts_with(lite))
            .map_or(found, |(_, onig)| onig);
        return Some(match dialect {
            Dialect::Standard => format!("{re}{REGEX_INVALID}{onig}"),
            Dialect::Port => format!("Regex failure: {onig}"),
        });
    }
    // vendor/jaq-json: `cannot negate V`, `cannot divide L by R` (with ` (remainder)` for `%`).
    if let Some(rest) = msg.strip_prefix("cannot negate ") {
        let v = whole_value(rest)?;
        return Some(format!("{} cannot be negated", describe(&v, dialect)));
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
            describe(&l, dialect),
            describe(&r, dialect)
        ));
    }
    if let Some(rest) = msg.strip_prefix("cannot calculate ") {
        let (l, rest) = value_prefix(rest)?;
        let rest = rest.strip_prefix(' ')?;
        let (op, rest) = rest.split_once(' ')?;
        let r = whole_value(rest)?;
        let verb = match (op, dialect) {
            ("+", _) => "added",
            ("-", _) => "subtracted",
            ("*", _) => "multiplied",
            ("/", _) => "divided",
            ("%", Dialect::Port) => "divided (remainder)",
            ("%", Dialect::Standard) => "divided",
            _ => return None,
        };
        return Some(format!(
            "{} and {} cannot be {verb}",
            describe(&l, dialect),
            describe(&r, dialect)
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::translate;
    use crate::jq::Dialect::{Port, Standard};

    #[test]
    fn jq_wording() {
        // jq.test: `try .a[] catch .` on {"a":123}; `.a` on 1; `{} - 1`.
        assert_eq!(
            translate("cannot use 123 as iterable (array or object)", Port).unwrap(),
            "Cannot iterate over number (123)"
        );
        assert_eq!(
            translate(r#"cannot index 1 with "a""#, Port).unwrap(),
            r#"Cannot index number with string "a""#
        );
        assert_eq!(
            translate(r#"cannot index 1 with "a""#, Standard).unwrap(),
            r#"Cannot index number with string ("a")"#
        );
        assert_eq!(
            translate(r#"cannot calculate {} - 1"#, Port).unwrap(),
            "object ({}) and number (1) cannot be subtracted"
        );
        // jq.test: `try (1/0) catch .`, `try (1%0) catch .`, `try -. catch .` on "foo".
        assert_eq!(
            translate("cannot divide 1 by 0", Port).unwrap(),
            "number (1) and number (0) cannot be divided because the divisor is zero"
        );
        assert_eq!(
            translate("cannot divide 2.5 by 0 (remainder)", Port).unwrap(),
            "number (2.5) and number (0) cannot be divided (remainder) because the divisor is zero"
        );
        assert_eq!(
            translate(r#"cannot negate "foo""#, Port).unwrap(),
            r#"string ("foo") cannot be negated"#
        );
        // jq.test-style regex errors: `"x" | test("(")`.
        let lite = "( (at offset 0) is not a valid regex: found open group without closing ')'";
        assert_eq!(
            translate(lite, Port).unwrap(),
            "Regex failure: end pattern with unmatched parenthesis"
        );
        assert_eq!(
            translate(lite, Standard).unwrap(),
            "( (at offset 0) is not a valid regex: end pattern with unmatched parenthesis"
        );
        assert_eq!(translate("my own error", Port), None);
        // Port's engine: `"abcdefghijklmnop" | try floor catch .`.
        assert_eq!(
            translate(r#"cannot use "abcdefghijklmnop" as number"#, Port).unwrap(),
            r#"string ("abcdefghij...) number required"#
        );
        // jq.test-style: `1 | .[1:2]`, as `rindex` does on an object's value.
        for dialect in [Port, Standard] {
            assert_eq!(
                translate("cannot use 1 as rangeable (array or string)", dialect).unwrap(),
                "Cannot index number with object"
            );
        }
        // Path expressions, as Port's engine words them (jq 1.8 alike): values in 30 bytes,
        // keys in 15, cut bytes becoming U+FFFD.
        let long = format!("[{}]", (0..100).map(|i| i.to_string()).collect::<Vec<_>>().join(","));
        for dialect in [Port, Standard] {
            assert_eq!(
                translate(&format!("Invalid path expression with result {long}"), dialect).unwrap(),
                "Invalid path expression with result [0,1,2,3,4,5,6,7,8,9,10,11..."
            );
            assert_eq!(
                translate(
                    r#"Invalid path expression near attempt to access element {"start":1,"end":2} of [{"b":0}]"#,
                    dialect
                )
                .unwrap(),
                r#"Invalid path expression near attempt to access element {"start":1,... of [{"b":0}]"#
            );
            assert_eq!(
                translate(
                    "Invalid path expression near attempt to iterate through \"abééééééééééééééééé\"",
                    dialect
                )
                .unwrap(),
                "Invalid path expression near attempt to iterate through \"abééééééééééé\u{fffd}..."
            );
        }
    }
}
