//! Conversions between `serde_json::Value` (the API's values) and jaq's `Val` (what jq runs on).

use jaq_json::{Num, Val};
use serde_json::{Map, Number, Value};

/// Convert a JSON value into jaq's value type.
pub fn to_val(v: &Value) -> Val {
    match v {
        Value::Null => Val::Null,
        Value::Bool(b) => Val::Bool(*b),
        Value::Number(n) => Val::Num(number_to_num(n)),
        Value::String(s) => Val::utf8_str(s.clone().into_bytes()),
        Value::Array(a) => a.iter().map(to_val).collect(),
        Value::Object(o) => Val::obj(
            o.iter()
                .map(|(k, v)| (Val::utf8_str(k.clone().into_bytes()), to_val(v)))
                .collect(),
        ),
    }
}

fn number_to_num(n: &Number) -> Num {
    if let Some(i) = n.as_i64() {
        Num::from_integral(i)
    } else if let Some(u) = n.as_u64() {
        Num::from_integral(u)
    } else {
        // As the request reader does: the double keeps JavaScript's text (see `js_number`).
        jaq_json::jq::js_number(n.as_f64().unwrap_or(f64::NAN))
    }
}

/// Convert a jaq value into JSON as jq prints it: NaN becomes `null`, infinities the largest
/// finite doubles, byte strings text (lossily), and non-string object keys their JSON text.
pub fn from_val(v: &Val) -> Value {
    match v {
        Val::Null => Value::Null,
        Val::Bool(b) => Value::Bool(*b),
        Val::Num(n) => num_to_json(n),
        Val::TStr(s) | Val::BStr(s) => Value::String(String::from_utf8_lossy(s).into_owned()),
        Val::Arr(a) => Value::Array(a.iter().map(from_val).collect()),
        Val::Obj(o) => {
            let mut m = Map::with_capacity(o.len());
            for (k, v) in o.iter() {
                m.insert(key_string(k), from_val(v));
            }
            Value::Object(m)
        }
    }
}

/// The string form of an object key.
pub fn key_string(k: &Val) -> String {
    match k {
        Val::TStr(s) | Val::BStr(s) => String::from_utf8_lossy(s).into_owned(),
        other => other.to_string(),
    }
}

fn num_to_json(n: &Num) -> Value {
    let float = |f: f64| {
        if f.is_nan() {
            Value::Null
        } else if f.is_infinite() {
            Value::from(if f > 0.0 { f64::MAX } else { f64::MIN })
        } else if f.fract() == 0.0 && f.abs() < 1e17 {
            // jq prints integral doubles without a fraction: 1.0 is 1.
            Value::from(f as i64)
        } else {
            Value::from(f)
        }
    };
    match n {
        Num::Int(i) => Value::from(*i as i64),
        Num::BigInt(b) => {
            let s = b.to_string();
            s.parse::<i64>()
                .map(Value::from)
                .or_else(|_| s.parse::<u64>().map(Value::from))
                .unwrap_or_else(|_| float(s.parse::<f64>().unwrap_or(f64::NAN)))
        }
        Num::Float(f) => float(*f),
        Num::Dec(s) => match s.parse::<i64>() {
            Ok(i) => Value::from(i),
            // A literal beyond doubles (`1e1000`) is written as such (`1E+1000`); read back as
            // a JavaScript double it is Infinity, which Port stores as null.
            Err(_) => match s.parse::<f64>() {
                Ok(f) if f.is_infinite() => Value::Null,
                Ok(f) => float(f),
                Err(_) => Value::Null,
            },
        },
    }
}

/// A double as jq 1.7 prints it (`jvp_dtoa_fmt`): the shortest digits that read back to the
/// same double, in plain notation unless the decimal exponent is below -4 or more than 15
/// places past the digits (then `d.ddde±XX`, at least two exponent digits); NaN is `null`
/// and infinities print as the largest finite doubles.
pub fn jq_number_text(f: f64) -> String {
    jaq_json::float_text(f)
}

fn num_text(n: &Num) -> String {
    match n {
        Num::Int(i) => i.to_string(),
        Num::BigInt(b) => b.to_string(),
        Num::Float(f) => jq_number_text(*f),
        Num::Dec(s) => match s.parse::<i64>() {
            Ok(i) => i.to_string(),
            Err(_) => jq_number_text(s.parse::<f64>().unwrap_or(f64::NAN)),
        },
    }
}

/// A value as `jq -c` (1.7) prints it: compact, numbers by [`jq_number_text`], integers and
/// integral literals as their digits.
pub fn to_jq_text(v: &Val) -> String {
    to_jq_text_with(v, num_text)
}

/// A value as compact JSON text, each number written by `number` (jq's way, or Port's engine's).
pub(crate) fn to_jq_text_with(v: &Val, number: fn(&Num) -> String) -> String {
    fn go(v: &Val, number: fn(&Num) -> String, out: &mut String) {
        match v {
            Val::Null => out.push_str("null"),
            Val::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Val::Num(n) => out.push_str(&number(n)),
            Val::TStr(s) | Val::BStr(s) => {
                out.push_str(&serde_json::to_string(&String::from_utf8_lossy(s)).unwrap_or_default())
            }
            Val::Arr(a) => {
                out.push('[');
                for (i, x) in a.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    go(x, number, out);
                }
                out.push(']');
            }
            Val::Obj(o) => {
                out.push('{');
                for (i, (k, x)) in o.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&serde_json::to_string(&key_string(k)).unwrap_or_default());
                    out.push(':');
                    go(x, number, out);
                }
                out.push('}');
            }
        }
    }
    let mut out = String::new();
    go(v, number, &mut out);
    out
}

/// A value rendered as compact JSON, for messages.
pub fn compact(v: &Val) -> String {
    serde_json::to_string(&from_val(v)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn round_trip_keeps_order_and_types() {
        let v = json!({"b": 1, "a": [true, null, 1.5, "x", {"z": -3}], "big": 18446744073709551615u64});
        assert_eq!(from_val(&to_val(&v)), v);
    }

    fn jq_literal(text: &str) -> Val {
        jaq_json::read::parse_single(text.as_bytes()).unwrap()
    }

    #[test]
    fn numbers_survive_as_jq_17_prints_them() {
        // The examples of issue 3 and jq 1.7's `jq -c .` on the same literals.
        assert_eq!(to_jq_text(&jq_literal("100000000000")), "100000000000");
        assert_eq!(to_jq_text(&jq_literal("1.5")), "1.5");
        assert_eq!(to_jq_text(&jq_literal("1e1000")), "1.7976931348623157e+308");
        assert_eq!(to_jq_text(&jq_literal("-1e1000")), "-1.7976931348623157e+308");
        assert_eq!(
            to_jq_text(&jq_literal("[1.0,3.0e0,0.1,1e-5,1e17,12345.678]")),
            "[1,3,0.1,1e-05,1e+17,12345.678]"
        );
        // Stored, a literal beyond doubles is what JavaScript makes of `1E+1000`: Infinity,
        // which JSON writes as null (port-exec: `1e1000` is null).
        assert_eq!(from_val(&jq_literal("1e1000")), json!(null));
        assert_eq!(from_val(&jq_literal("100000000000")), json!(100000000000i64));
    }

    #[test]
    fn jq_number_text_switches_notation_where_jq_does() {
        assert_eq!(jq_number_text(0.0001), "0.0001");
        assert_eq!(jq_number_text(0.00001), "1e-05");
        // jv_dtoa.c's rule `decpt <= -4 || decpt > ndigits + 15`: 1e15 is plain, 1e16 is not.
        assert_eq!(jq_number_text(1e15), "1000000000000000");
        assert_eq!(jq_number_text(1e16), "1e+16");
        assert_eq!(jq_number_text(-2.5e-7), "-2.5e-07");
        assert_eq!(jq_number_text(f64::NAN), "null");
    }

    #[test]
    fn special_floats_print_like_jq() {
        assert_eq!(num_to_json(&Num::Float(f64::NAN)), Value::Null);
        assert_eq!(num_to_json(&Num::Float(f64::INFINITY)), json!(f64::MAX));
        assert_eq!(num_to_json(&Num::Float(2.0)), json!(2));
    }
}

/// The jq type of a value (`null`, `boolean`, `number`, `string`, `array`, `object`), for both
/// kinds of value the engine holds: one naming for every message.
pub trait TypeName {
    /// jq's name of the value's type.
    fn type_name(&self) -> &'static str;

    /// The name with an article, for sentences: `a string`, `an object`, `null`.
    fn type_with_article(&self) -> &'static str {
        match self.type_name() {
            "boolean" => "a boolean",
            "number" => "a number",
            "string" => "a string",
            "array" => "an array",
            "object" => "an object",
            _ => "null",
        }
    }
}

impl TypeName for Value {
    fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }
}

impl TypeName for Val {
    fn type_name(&self) -> &'static str {
        match self {
            Val::Null => "null",
            Val::Bool(_) => "boolean",
            Val::Num(_) => "number",
            Val::TStr(_) | Val::BStr(_) => "string",
            Val::Arr(_) => "array",
            Val::Obj(_) => "object",
        }
    }
}
