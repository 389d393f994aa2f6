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
        Num::Float(n.as_f64().unwrap_or(f64::NAN))
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
            Err(_) => float(s.parse::<f64>().unwrap_or(f64::NAN)),
        },
    }
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

    #[test]
    fn special_floats_print_like_jq() {
        assert_eq!(num_to_json(&Num::Float(f64::NAN)), Value::Null);
        assert_eq!(num_to_json(&Num::Float(f64::INFINITY)), json!(f64::MAX));
        assert_eq!(num_to_json(&Num::Float(2.0)), json!(2));
    }
}
