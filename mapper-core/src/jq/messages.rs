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
    let json = if json.len() > max {
        let mut end = keep;
        while !json.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}...", &json[..end])
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

/// jq's message for a jaq core error message, or `None` when it is not one of those.
pub fn translate(msg: &str, jq_18: bool) -> Option<String> {
    if let Some(rest) = msg.strip_prefix("cannot use ") {
        let (v, rest) = value_prefix(rest)?;
        if rest == " as iterable (array or object)" {
            return Some(match v.0 {
                Value::Null => "Cannot iterate over null".to_owned(),
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
        assert_eq!(translate("my own error", false), None);
    }
}
