//! A structural JSON diff: every place where two values differ, as a [`JsonPath`] and a
//! [`Change`]. `hookmap test` reports a failing case with it (and points at the place in
//! `expected.json`); `hookmap diff` shows a configuration's changes against Port's with it.

use crate::path::JsonPath;
use serde_json::Value;
use std::fmt;

/// How the value at one place differs.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// Both have a value there, and they differ.
    Changed {
        /// The value on the left (expected, or live).
        from: Value,
        /// The value on the right (actual, or local).
        to: Value,
    },
    /// Only the left has a value there.
    Removed(Value),
    /// Only the right has a value there.
    Added(Value),
}

/// One place where two values differ.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    /// Where, from the root of both values (`$[0].properties.link`).
    pub path: JsonPath,
    /// What differs there.
    pub change: Change,
}

/// Every difference between `left` and `right`: objects key by key (the left's keys first, in
/// order), arrays index by index, anything else by equality. Paths start at `$`.
pub fn differences(left: &Value, right: &Value) -> Vec<Difference> {
    differences_under("$", left, right)
}

/// [`differences`], with paths under another root name (`""`: `mappings[0].blueprint`).
pub fn differences_under(root: &'static str, left: &Value, right: &Value) -> Vec<Difference> {
    let mut out = Vec::new();
    walk(JsonPath::root(root), left, right, &mut out);
    out
}

/// Every difference between `expected` and `actual`, as `path: expected X, got Y` lines (how a
/// failing test case reads).
pub fn diff(expected: &Value, actual: &Value) -> Vec<String> {
    differences(expected, actual)
        .iter()
        .map(Difference::to_string)
        .collect()
}

fn walk(path: JsonPath, l: &Value, r: &Value, out: &mut Vec<Difference>) {
    match (l, r) {
        (Value::Object(lo), Value::Object(ro)) => {
            for (k, lv) in lo {
                match ro.get(k) {
                    Some(rv) => walk(path.key(k), lv, rv, out),
                    None => out.push(Difference {
                        path: path.key(k),
                        change: Change::Removed(lv.clone()),
                    }),
                }
            }
            for (k, rv) in ro {
                if !lo.contains_key(k) {
                    out.push(Difference {
                        path: path.key(k),
                        change: Change::Added(rv.clone()),
                    });
                }
            }
        }
        (Value::Array(la), Value::Array(ra)) => {
            for i in 0..la.len().max(ra.len()) {
                match (la.get(i), ra.get(i)) {
                    (Some(lv), Some(rv)) => walk(path.index(i), lv, rv, out),
                    (Some(lv), None) => out.push(Difference {
                        path: path.index(i),
                        change: Change::Removed(lv.clone()),
                    }),
                    (None, Some(rv)) => out.push(Difference {
                        path: path.index(i),
                        change: Change::Added(rv.clone()),
                    }),
                    (None, None) => {}
                }
            }
        }
        _ if l == r => {}
        _ => out.push(Difference {
            path,
            change: Change::Changed {
                from: l.clone(),
                to: r.clone(),
            },
        }),
    }
}

/// A value on one line, cut at 120 characters.
pub fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 120 {
        format!("{}…", s.chars().take(120).collect::<String>())
    } else {
        s
    }
}

impl fmt::Display for Change {
    /// As a test failure says it: the left is what was expected.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Change::Changed { from, to } => write!(f, "expected {}, got {}", short(from), short(to)),
            Change::Removed(v) => write!(f, "expected {}, missing", short(v)),
            Change::Added(v) => write!(f, "unexpected {}", short(v)),
        }
    }
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.change)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_each_difference() {
        let d = diff(
            &json!([{"a": 1, "b": [1, 2], "c": "x", "x-y": true}]),
            &json!([{"a": 2, "b": [1], "d": null, "x-y": false}]),
        );
        assert_eq!(
            d,
            [
                "$[0].a: expected 1, got 2",
                "$[0].b[1]: expected 2, missing",
                "$[0].c: expected \"x\", missing",
                "$[0][\"x-y\"]: expected true, got false",
                "$[0].d: unexpected null"
            ]
        );
        assert!(diff(&json!({"a": [1, {"b": 2}]}), &json!({"a": [1, {"b": 2}]})).is_empty());
    }

    #[test]
    fn differences_carry_their_path_and_values() {
        let d = differences(&json!({"m": [1]}), &json!({"m": [1, {"k": 2}]}));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].path, JsonPath::root("$").key("m").index(1));
        assert_eq!(d[0].change, Change::Added(json!({"k": 2})));
    }
}
