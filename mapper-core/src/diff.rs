//! A structural JSON diff for test failures: one line per differing path.

use serde_json::Value;

/// Every difference between `expected` and `actual`, as `path: expected X, got Y` lines.
pub fn diff(expected: &Value, actual: &Value) -> Vec<String> {
    let mut out = Vec::new();
    walk("$", expected, actual, &mut out);
    out
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 120 {
        format!("{}…", s.chars().take(120).collect::<String>())
    } else {
        s
    }
}

fn key_path(base: &str, k: &str) -> String {
    if k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && !k.is_empty() {
        format!("{base}.{k}")
    } else {
        format!("{base}[{}]", Value::from(k))
    }
}

fn walk(path: &str, e: &Value, a: &Value, out: &mut Vec<String>) {
    match (e, a) {
        (Value::Object(eo), Value::Object(ao)) => {
            for (k, ev) in eo {
                match ao.get(k) {
                    Some(av) => walk(&key_path(path, k), ev, av, out),
                    None => out.push(format!("{}: expected {}, missing", key_path(path, k), short(ev))),
                }
            }
            for (k, av) in ao {
                if !eo.contains_key(k) {
                    out.push(format!("{}: unexpected {}", key_path(path, k), short(av)));
                }
            }
        }
        (Value::Array(ea), Value::Array(aa)) => {
            for (i, (ev, av)) in ea.iter().zip(aa).enumerate() {
                walk(&format!("{path}[{i}]"), ev, av, out);
            }
            if ea.len() != aa.len() {
                out.push(format!("{path}: expected {} items, got {}", ea.len(), aa.len()));
            }
        }
        _ if e == a => {}
        _ => out.push(format!("{path}: expected {}, got {}", short(e), short(a))),
    }
}

#[cfg(test)]
mod tests {
    use super::diff;
    use serde_json::json;

    #[test]
    fn names_each_difference() {
        let d = diff(
            &json!([{"a": 1, "b": [1, 2], "c": "x"}]),
            &json!([{"a": 2, "b": [1], "d": null}]),
        );
        assert_eq!(
            d,
            [
                "$[0].a: expected 1, got 2",
                "$[0].b: expected 2 items, got 1",
                "$[0].c: expected \"x\", missing",
                "$[0].d: unexpected null"
            ]
        );
        assert!(diff(&json!({"a": [1, {"b": 2}]}), &json!({"a": [1, {"b": 2}]})).is_empty());
    }
}
