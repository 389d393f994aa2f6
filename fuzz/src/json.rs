//! JSON payloads from the fuzzer's bytes: nested objects, arrays, odd numbers and strings, with
//! the keys the generated expressions read (`id`, `name`, `items`, ...) so they meet real data.

use arbitrary::{Result, Unstructured};
use serde_json::{Map, Number, Value};

/// Keys both payloads and expressions use, so field access often finds something.
pub const KEYS: &[&str] = &[
    "id", "name", "items", "state", "a", "b", "labels", "url", "", "0", "é", "a b",
];

/// Strings that tend to matter to jq builtins (dates, numbers, regexes, formats, Unicode).
const STRINGS: &[&str] = &[
    "",
    "x",
    "FINISHED",
    "2025-04-25T16:51:28Z",
    "2015-03-05T23:51:47.877Z",
    "1e1000",
    "-0",
    "0x10",
    "nan",
    "[1,2",
    "{\"a\":1}",
    "a,b,,c",
    "\u{0}",
    "\u{1F600}",
    "e\u{301}",
    "\\(",
    "'",
    "AAAA====",
    "%FF%",
    "  padded  ",
];

/// Numbers at the edges of what JSON, f64 and jq's integer handling agree on.
fn number(u: &mut Unstructured<'_>) -> Result<Value> {
    Ok(match u.int_in_range(0..=6u8)? {
        0 => Value::from(u.arbitrary::<i64>()?),
        1 => Value::from(u.arbitrary::<u64>()?),
        2 => Number::from_f64(u.arbitrary::<f64>()?).map_or(Value::Null, Value::Number),
        3 => Value::from(*u.choose(&[0.0, -0.0, 1e300, -1e300, 5e-324, 0.1, 1.5, 9007199254740993.0])?),
        _ => Value::from(u.int_in_range(-3i64..=10)?),
    })
}

fn string(u: &mut Unstructured<'_>) -> Result<String> {
    Ok(if u.ratio(1u8, 2)? {
        (*u.choose(STRINGS)?).to_owned()
    } else {
        u.arbitrary::<String>()?
    })
}

/// A JSON value at most `depth` levels deep.
pub fn value(u: &mut Unstructured<'_>, depth: u32) -> Result<Value> {
    let leaf = depth == 0 || u.is_empty();
    Ok(match u.int_in_range(0..=if leaf { 3 } else { 5u8 })? {
        0 => Value::Null,
        1 => Value::Bool(u.arbitrary()?),
        2 => number(u)?,
        3 => Value::String(string(u)?),
        4 => {
            let n = u.int_in_range(0..=4usize)?;
            Value::Array((0..n).map(|_| value(u, depth - 1)).collect::<Result<_>>()?)
        }
        _ => {
            let n = u.int_in_range(0..=4usize)?;
            let mut o = Map::new();
            for _ in 0..n {
                let k = if u.ratio(3u8, 4)? {
                    (*u.choose(KEYS)?).to_owned()
                } else {
                    string(u)?
                };
                o.insert(k, value(u, depth - 1)?);
            }
            Value::Object(o)
        }
    })
}
