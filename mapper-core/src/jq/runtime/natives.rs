//! Native filters we provide on top of jaq's: the host clock, `env`, and jq-compatible
//! replacements for the jaq natives whose behaviour differs from jq 1.7.

use super::{base32, c_time, json_literals, messages, numbers, paths, regex, utf8};
use crate::jq::engine::data::Data;
use jaq_core::box_iter::box_once;
use jaq_core::native::{bome, run, v, Filter, Fun};
use jaq_core::{Error, Exn, RunPtr};
use jaq_json::Val;
use jaq_std::ValT as _;

/// Names of jaq natives we replace (or remove) and must therefore drop from jaq's lists.
/// (jaq's regex natives `matches`, `split_matches` and `split_` stay, as jaq's own definitions
/// refer to them, but the prelude shadows every definition that uses them with jq's, built on
/// our `_match_impl`.)
const REPLACED: &[&str] = &["now", "env", "input", "inputs", "range"];

/// Every native filter a hookmap program can call.
pub fn all() -> Vec<Fun<Data>> {
    let libm = super::libm::natives();
    let keep = |(name, _, _): &Fun<Data>| !REPLACED.contains(name) && !libm.iter().any(|f| f.0 == *name);
    let mut funs: Vec<Fun<Data>> = jaq_core::funs::<Data>()
        .chain(jaq_std::funs::<Data>())
        .chain(jaq_json::funs::<Data>())
        .filter(keep)
        .collect();
    funs.extend(jaq_std::input::funs::<Data>().into_vec().into_iter().map(run::<Data>));
    funs.extend(ours().into_vec().into_iter().map(run::<Data>));
    funs.extend(crate::jq::engine::limits::natives());
    funs.extend(libm);
    funs
}

/// `name/arity` of every public filter (jq's `builtins`): natives and prelude definitions
/// whose names do not start with `_`.
fn builtin_names() -> &'static [String] {
    static NAMES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        let natives = all()
            .into_iter()
            .map(|(name, args, _)| format!("{name}/{}", args.len()));
        let defs = crate::jq::engine::prelude::defs(crate::jq::Dialect::Standard)
            .into_iter()
            .map(|d| format!("{}/{}", d.name, d.args.len()));
        let mut names: Vec<String> = natives.chain(defs).filter(|n| !n.starts_with('_')).collect();
        names.sort();
        names.dedup();
        names
    })
}

/// A jq error carrying `msg` as its (string) value.
fn err(msg: String) -> Error<Val> {
    Error::new(Val::utf8_str(msg))
}

fn ours() -> Box<[Filter<RunPtr<Data>>]> {
    Box::new([
        ("now", v(0), |cv| box_once(Ok(Val::from(cv.0.data().now)))),
        ("env", v(0), |cv| {
            let data = cv.0.data();
            data.env_used.set(true);
            box_once(Ok(data.env.clone()))
        }),
        ("_match_impl", v(3), |mut cv| {
            let test = cv.0.pop_var();
            let flags = cv.0.pop_var();
            let re = cv.0.pop_var();
            let test = !matches!(test, Val::Null | Val::Bool(false));
            let dialect = cv.0.data().dialect;
            bome(regex::match_impl(&cv.1, &re, &flags, test, dialect).map_err(err))
        }),
        ("_setpath", v(2), |mut cv| {
            let value = cv.0.pop_var();
            let path = cv.0.pop_var();
            let dialect = cv.0.data().dialect;
            // An index too large: in Port's engine mode, the halt of jq 1.7 running out of memory.
            box_once(paths::setpath(cv.1, &path, value, dialect).map_err(|m| match m {
                m if m == jaq_json::jq::INDEX_TOO_LARGE => jaq_json::jq::index_too_large(),
                m => Exn::from(err(m)),
            }))
        }),
        ("_c_mktime", v(0), |cv| {
            let t = c_time::Tm::from_val(&cv.1).ok_or("mktime requires parsed datetime inputs");
            bome(
                t.and_then(|tm| c_time::mktime(&tm))
                    .map(|t| Val::from(t as f64))
                    .map_err(|m| err(m.to_owned())),
            )
        }),
        ("_c_strftime", v(2), |mut cv| {
            let name = cv.0.pop_var();
            let fmt = cv.0.pop_var();
            let name = name.as_utf8_bytes().map(String::from_utf8_lossy).unwrap_or_default();
            let out = match (c_time::Tm::from_val(&cv.1), fmt.as_utf8_bytes()) {
                (None, _) => Err(format!("{name}/1 requires parsed datetime inputs")),
                (Some(tm), Some(f)) => c_time::strftime(&tm, &String::from_utf8_lossy(f))
                    .ok_or_else(|| format!("{name}/1: unknown system failure")),
                (Some(_), None) => Err(format!("{name}/1 requires a string format")),
            };
            bome(out.map(Val::utf8_str).map_err(err))
        }),
        ("_c_gmtime", v(0), |cv| {
            let tm = cv.1.as_f64().and_then(c_time::gmtime);
            let tm = tm.ok_or_else(|| err("error converting number of seconds since epoch to datetime".to_owned()));
            bome(tm.map(|tm| tm.fields().into_iter().map(|f| Val::from(f as f64)).collect()))
        }),
        ("_delpaths", v(1), |mut cv| {
            let ps = cv.0.pop_var();
            bome(paths::delpaths(cv.1, &ps).map_err(err))
        }),
        ("_json_nesting_ok", v(0), |cv| {
            // jq's parser stops at 10000 levels; jaq's recurses without a limit.
            let ok = match &cv.1 {
                Val::TStr(s) | Val::BStr(s) => json_nesting(s) <= MAX_JSON_NESTING,
                _ => true,
            };
            if ok {
                bome(Ok(cv.1))
            } else {
                bome(Err(err("Exceeds depth limit for parsing".to_owned())))
            }
        }),
        ("_json_words_ok", v(0), |cv| {
            // jq refuses a bare word that is no literal where jaq's reader stops before it.
            let invalid = match &cv.1 {
                Val::TStr(s) | Val::BStr(s) => json_literals::first_invalid(s)
                    .map(|e| format!("{e} (while parsing '{}')", String::from_utf8_lossy(s))),
                _ => None,
            };
            match invalid {
                Some(e) => bome(Err(err(e))),
                None => bome(Ok(cv.1)),
            }
        }),
        ("_json_one_value", v(0), |cv| {
            // jq's `jv_parse_sized`: exactly one value; jaq's reader yields every value it finds.
            let problem = match &cv.1 {
                Val::TStr(s) | Val::BStr(s) => {
                    let mut values = jaq_json::read::parse_many(s);
                    // jq meets a bare word it refuses (`NaN1`, which jaq's reader reads as two
                    // values) before it finishes a second value.
                    let first_end = json_literals::value_end(s, 0);
                    let second_end = first_end.and_then(|end| json_literals::value_end(s, end));
                    let refused_word = second_end
                        .or(first_end)
                        .is_some_and(|end| json_literals::first_invalid(&s[..end]).is_some());
                    match (values.next(), values.next()) {
                        (None, _) => Some("Expected JSON value"),
                        (Some(Ok(_)), Some(Ok(_))) if !refused_word => Some("Unexpected extra JSON values"),
                        // One value, or a syntax error `_json_words_ok` and jaq's reader report as jq does.
                        _ => None,
                    }
                    .map(|what| format!("{what} (while parsing '{}')", String::from_utf8_lossy(s)))
                }
                _ => None,
            };
            match problem {
                Some(e) => bome(Err(err(e))),
                None => bome(Ok(cv.1)),
            }
        }),
        ("_encode_base32", v(0), |cv| bome(base32::encode(&cv.1).map_err(err))),
        ("_decode_base32", v(0), |cv| bome(base32::decode(&cv.1).map_err(err))),
        ("_decode_base64", v(0), |cv| {
            bome(base32::decode_base64(&cv.1).map_err(err))
        }),
        ("_decode_uri", v(0), |cv| bome(base32::decode_uri(&cv.1).map_err(err))),
        ("_bytewise", v(0), |cv| {
            let text = match &cv.1 {
                Val::TStr(s) | Val::BStr(s) => utf8::bytewise(s),
                _ => return bome(Ok(cv.1)),
            };
            bome(Ok(Val::utf8_str(text)))
        }),
        ("_tonumber", v(0), |cv| {
            bome(numbers::parse(&cv.1).ok_or_else(|| err(String::new())))
        }),
        // A caught error's message as jq words it (front/catch.rs puts it before `catch` bodies).
        ("_jq_message", v(0), |cv| {
            let dialect = cv.0.data().dialect;
            let msg = match &cv.1 {
                Val::TStr(s) | Val::BStr(s) => core::str::from_utf8(s)
                    .ok()
                    .and_then(|m| messages::translate(m, dialect)),
                _ => None,
            };
            box_once(Ok(msg.map_or(cv.1, Val::utf8_str)))
        }),
        ("_tonumber_literal", v(0), |cv| {
            bome(numbers::parse_literal(&cv.1).ok_or_else(|| err(String::new())))
        }),
        ("_port_tojson", v(0), |cv| {
            box_once(Ok(Val::utf8_str(numbers::port_tojson(&cv.1))))
        }),
        // jaq defines `scalb(x; e)` as `x * pow(2; e)` (so `scalb("x"; 2)` is "xxxx"); jq calls
        // C's `scalb`, on numbers only.
        ("_scalb", v(2), |mut cv| {
            let e = cv.0.pop_var();
            let x = cv.0.pop_var();
            let number = |v: &Val| v.as_f64().ok_or_else(|| Error::typ(v.clone(), "number"));
            bome((|| Ok(Val::from(numbers::scalb(number(&x)?, number(&e)?))))())
        }),
        // jaq defines these as `0 / 0` and `1 / 0`, which jq's division refuses.
        ("_nan", v(0), |_| box_once(Ok(Val::from(f64::NAN)))),
        ("_infinite", v(0), |_| box_once(Ok(Val::from(f64::INFINITY)))),
        ("input_line_number", v(0), |_| box_once(Ok(Val::from(0isize)))),
        ("builtins", v(0), |_| {
            box_once(Ok(builtin_names().iter().map(|n| Val::utf8_str(n.clone())).collect()))
        }),
    ])
}

/// The deepest JSON text `fromjson` parses, as jq's parser.
const MAX_JSON_NESTING: usize = 10_000;

/// How deeply `text` nests `[`/`{` outside strings (an upper bound for invalid JSON).
fn json_nesting(text: &[u8]) -> usize {
    let (mut depth, mut deepest, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for &b in text {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}
