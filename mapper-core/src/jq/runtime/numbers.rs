//! `tonumber` on strings, with each jq version's grammar; numbers as Port's engine writes
//! them in `tostring`/`tojson`.

use jaq_json::{Num, Val};

pub use jaq_json::jq::canonical_literal;

/// A number as Port's engine writes it in `tostring`/`tojson`: literals canonically, computed
/// doubles as jq 1.7 prints them (NaN `null`, infinities the largest doubles).
pub fn port_number_text(n: &Num) -> String {
    match n {
        Num::Int(i) => i.to_string(),
        Num::BigInt(b) => b.to_string(),
        Num::Float(f) => crate::value::jq_number_text(*f),
        Num::Dec(s) => {
            canonical_literal(s).unwrap_or_else(|| crate::value::jq_number_text(s.parse().unwrap_or(f64::NAN)))
        }
    }
}

/// A value's JSON text as Port's engine writes it (`tojson`), numbers by [`port_number_text`].
pub fn port_tojson(v: &Val) -> String {
    crate::value::to_jq_text_with(v, port_number_text)
}

/// True when `s` is `[+-]?(digits[.digits?]|.digits)([eE][+-]?digits)?`, jq 1.8's grammar.
fn well_formed(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        i += 1;
    }
    let int = digits(&mut i);
    let mut frac = 0;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        frac = digits(&mut i);
    }
    if int == 0 && frac == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// The number a string denotes by jq 1.8's grammar (no surrounding space, `+5` and `.5`
/// allowed), or `None` when it is not one. Port's engine reads the same grammar
/// ([`parse_literal`]).
pub fn parse(v: &Val) -> Option<Val> {
    let (Val::TStr(b) | Val::BStr(b)) = v else { return None };
    let s = core::str::from_utf8(b).ok()?;
    if !well_formed(s) {
        return None;
    }
    let s = s.strip_prefix('+').unwrap_or(s);
    if let Ok(i) = s.parse::<isize>() {
        return Some(Val::Num(Num::from_integral(i)));
    }
    s.parse::<f64>().ok().map(|f| Val::Num(Num::Float(f)))
}

/// `tonumber` in Port's engine: jq 1.8's grammar (no surrounding space, `+5` and `.5`
/// allowed), and the number keeps its text as a literal does (`"1e3" | tonumber | tostring`
/// is `"1E+3"` there).
pub fn parse_literal(v: &Val) -> Option<Val> {
    let n = parse(v)?;
    let (Val::TStr(b) | Val::BStr(b)) = v else { return None };
    let s = core::str::from_utf8(b).ok()?;
    Some(match n {
        Val::Num(Num::Float(_)) => Val::Num(Num::Dec(s.strip_prefix('+').unwrap_or(s).to_owned().into())),
        other => other,
    })
}

/// C's `scalb(x, e)` as glibc computes it (`__ieee754_scalb`): `x * 2^e` for an integral `e`,
/// NaN for a fractional one, the exponent clamped to ±65000.
pub fn scalb(x: f64, e: f64) -> f64 {
    if x.is_nan() || e.is_nan() {
        return x * e;
    }
    if e.is_infinite() {
        return if e > 0.0 { x * e } else { x / -e };
    }
    if e.round_ties_even() != e {
        return f64::NAN;
    }
    let e = e.clamp(-65000.0, 65000.0) as i32;
    // scalbn, in steps a double's exponent range can take (2^e alone may overflow).
    let (mut x, mut e) = (x, e);
    while e > 1000 {
        x *= 2f64.powi(1000);
        e -= 1000;
    }
    while e < -1000 {
        x *= 2f64.powi(-1000);
        e += 1000;
    }
    x * 2f64.powi(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(s: &str) -> Option<String> {
        parse(&Val::utf8_str(s.to_owned())).map(|v| crate::value::compact(&v))
    }

    #[test]
    fn scalb_as_glibc() {
        assert_eq!(scalb(2.0, 3.0), 16.0);
        assert!(scalb(1.5, 2.5).is_nan());
        assert_eq!(scalb(1.0, -1074.0), f64::from_bits(1)); // the smallest subnormal
        assert_eq!(scalb(1.0, 1e6), f64::INFINITY);
        assert_eq!(scalb(3.0, f64::NEG_INFINITY), 0.0);
    }

    #[test]
    fn jq_18_grammar() {
        // jq.test: ["1","2a","3"," 4","5 ","6.7",".89","-876","+5.43",21] | .[] |= try tonumber
        // is [1, 3, 6.7, 0.89, -876, 5.43, 21].
        let ok: Vec<_> = ["1", "2a", "3", " 4", "5 ", "6.7", ".89", "-876", "+5.43"]
            .iter()
            .filter_map(|s| num(s))
            .collect();
        assert_eq!(ok, ["1", "3", "6.7", "0.89", "-876", "5.43"]);
        assert_eq!(num("123\u{0}456"), None);
    }
}
