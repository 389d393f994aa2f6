//! hookmap patch: jq's semantics for the core operations jaq implements differently.
//!
//! jq converts numbers to integers in a few fixed ways (`dtoi` for `%`, a clamp to C `int`
//! and truncation for array indices, `parse_slice` for slices); these helpers reproduce them,
//! so that `%`, indexing, slicing and updates answer as jq does (see `PATCHES.md`).

use crate::{Num, Val};
use alloc::format;
use alloc::string::{String, ToString};

/// Which jq the core operations answer as. Port's engine (libjq at jq commit 588ff187,
/// `jq-1.7.1-83`) and jq 1.8 differ in four places:
/// - `%` converts 2^63 with a plain C cast, which x86-64 turns into `INTMAX_MIN` (so
///   `9223372036854775807 % 10` is `-8`); jq 1.8 clamps it to `INTMAX_MAX` (`7`);
/// - negating a literal gives a double in Port's engine, the exact literal in jq 1.8;
/// - number literals (of the program and of the input) print as decNumber writes them
///   ([`canonical_literal`]: `1e3` is `1E+3`); jq 1.8 prints them as written;
/// - an array index past [`MAX_NEW_INDEX`] runs Port's engine out of memory ([`index_too_large`]).
///
/// The operations are `std::ops` implementations on [`Val`] with no context to read, so the
/// choice is made per thread, for the span of one run ([`EngineScope`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Engine {
    /// jq 1.8 (also the choice outside any run).
    #[default]
    Jq18,
    /// Port's engine: libjq at jq commit 588ff187 (`jq-1.7.1-83`).
    Port,
}

#[cfg(feature = "std")]
std::thread_local! {
    static ENGINE: core::cell::Cell<Engine> = const { core::cell::Cell::new(Engine::Jq18) };
}

/// The engine the core operations answer as on this thread.
pub fn engine() -> Engine {
    #[cfg(feature = "std")]
    return ENGINE.with(|e| e.get());
    #[cfg(not(feature = "std"))]
    Engine::Jq18
}

/// True while the core operations answer as Port's engine on this thread.
pub(crate) fn port_engine() -> bool {
    engine() == Engine::Port
}

/// The core operations answer as one engine on this thread while this value lives, and as the
/// previous one after (a run may print values of another dialect's run).
#[must_use = "the engine is chosen only while the scope lives"]
pub struct EngineScope(Engine);

impl EngineScope {
    /// Answer as `engine` on this thread until the scope is dropped.
    pub fn enter(engine: Engine) -> Self {
        let previous = self::engine();
        #[cfg(feature = "std")]
        ENGINE.with(|e| e.set(engine));
        Self(previous)
    }
}

impl Drop for EngineScope {
    fn drop(&mut self) {
        #[cfg(feature = "std")]
        ENGINE.with(|e| e.set(self.0));
    }
}

/// jq's `dtoi`: a double to `intmax_t`, saturating at the range's ends.
pub(crate) fn dtoi(n: f64) -> i64 {
    const MIN: f64 = i64::MIN as f64;
    if n < MIN {
        i64::MIN
    } else if -n < MIN || (-n == MIN && !port_engine()) {
        i64::MAX
    } else if -n == MIN {
        // jq 1.7's cast of 2^63: out of range, x86-64 yields the "integer indefinite" value.
        i64::MIN
    } else {
        n as i64
    }
}

/// jq's `a % b` on two numbers: both truncated to integers; `Err(())` when the divisor is 0.
pub(crate) fn rem(a: &Num, b: &Num) -> Result<Num, ()> {
    let (a, b) = (a.as_f64(), b.as_f64());
    if a.is_nan() || b.is_nan() {
        return Ok(Num::Float(f64::NAN));
    }
    let b = dtoi(b);
    if b == 0 {
        return Err(());
    }
    // jq avoids `INTMAX_MIN % -1` (an overflow) by answering 0 for every `% -1`.
    Ok(Num::from_integral(if b == -1 { 0 } else { dtoi(a) % b }))
}

/// An index as jq's `jv_get`/`jv_set` read it: NaN is `None`, anything else is clamped to
/// C `int` and truncated towards zero.
pub(crate) fn array_index(n: &Num) -> Option<isize> {
    let d = match n {
        Num::Int(i) => return Some((*i).clamp(i32::MIN as isize, i32::MAX as isize)),
        n => n.as_f64(),
    };
    (!d.is_nan()).then(|| d.clamp(i32::MIN as f64, i32::MAX as f64) as isize)
}

/// The largest array index an update may create (jq 1.8 refuses more: "Array index too
/// large"); jq 1.7 tries to allocate and runs out of memory.
pub const MAX_NEW_INDEX: usize = 1 << 26;

/// The halt code of an array index past [`MAX_NEW_INDEX`] in Port's engine mode: jq 1.7 tries to
/// allocate the array and aborts ("cannot allocate memory"), so no `try` catches it and Port
/// stores `null`. Hosts report it as a size limit.
pub const TOO_LARGE_HALT: i32 = i32::MIN + 0x4f4f;

/// jq 1.8's error for an array index past [`MAX_NEW_INDEX`].
pub const INDEX_TOO_LARGE: &str = "Array index too large";

/// The exception of an update that would create an array index past [`MAX_NEW_INDEX`]: jq 1.8's
/// catchable [`INDEX_TOO_LARGE`], or in Port's engine mode the halt [`TOO_LARGE_HALT`].
pub fn index_too_large<'a>() -> jaq_core::Exn<'a, Val> {
    if port_engine() {
        jaq_core::Exn::halt(TOO_LARGE_HALT)
    } else {
        jaq_core::Exn::from(jaq_core::Error::str(INDEX_TOO_LARGE))
    }
}

/// The longest string `string * number` may build.
pub(crate) const MAX_REPEAT_BYTES: usize = 1 << 28;

/// The error of a longer one (jq 1.8's wording); hosts with a size limit may report it as such.
pub const REPEAT_TOO_LONG: &str = "Repeat string result too long";

/// A slice's bounds as jq's `parse_slice` computes them for a sequence of `len` elements:
/// `null` bounds are the ends, NaN start is 0 and NaN end is `len`, negative bounds count
/// from the end, the start rounds down and the end up.
pub(crate) fn slice_bounds(start: Option<&Val>, end: Option<&Val>, len: usize) -> Result<(usize, usize), Val> {
    let bound = |v: Option<&Val>, default: f64| match v {
        None | Some(Val::Null) => Ok(default),
        Some(Val::Num(n)) => Ok(n.as_f64()),
        Some(v) => Err(v.clone()),
    };
    let lenf = len as f64;
    let mut dstart = bound(start, 0.0)?;
    let mut dend = bound(end, lenf)?;
    if dstart.is_nan() {
        dstart = 0.0;
    }
    if dstart < 0.0 {
        dstart += lenf;
    }
    dstart = dstart.clamp(0.0, lenf);
    let start = dstart as usize; // rounds down
    if dend.is_nan() {
        dend = lenf;
    }
    if dend < 0.0 {
        dend += lenf;
    }
    if dend < 0.0 {
        dend = start as f64;
    }
    let mut end = if dend > lenf { len } else { dend as usize };
    if end < len && (end as f64) < dend {
        end += 1; // the end rounds up
    }
    Ok((start, end.max(start)))
}

/// A number literal (from the program or the input, not yet computed on) as jq 1.7 with
/// decNumber writes it: decNumber's to-scientific-string, so `1e3` is `1E+3`, `1.50` stays
/// `1.50`, `1e-5` is `0.00001`. `None` when `text` is no number.
pub fn canonical_literal(text: &str) -> Option<String> {
    let (neg, rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (mantissa, exp) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], rest[i + 1..].parse::<i64>().ok()?),
        None => (rest, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if !(int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())) || int.len() + frac.len() == 0 {
        return None;
    }
    let all = format!("{int}{frac}");
    let digits = all.trim_start_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    let exponent = exp.checked_sub(frac.len() as i64)?;
    let n = digits.len() as i64;
    let adjusted = exponent + n - 1;
    let sign = if neg { "-" } else { "" };
    let body = if exponent <= 0 && adjusted >= -6 {
        let point = n + exponent; // digits before the decimal point
        if exponent == 0 {
            digits.to_string()
        } else if point > 0 {
            format!("{}.{}", &digits[..point as usize], &digits[point as usize..])
        } else {
            format!("0.{}{digits}", "0".repeat((-point) as usize))
        }
    } else {
        let (first, rest) = digits.split_at(1);
        let rest = if rest.is_empty() { String::new() } else { format!(".{rest}") };
        let esign = if adjusted >= 0 { "+" } else { "-" };
        format!("{first}{rest}E{esign}{}", adjusted.abs())
    };
    Some(format!("{sign}{body}"))
}

/// A double as JavaScript writes it (`Number.prototype.toString`, which `JSON.stringify`
/// uses): the shortest round-trip digits, plain from 1e-7 up to 1e21, else `d.ddde±x`.
pub fn js_text(f: f64) -> String {
    if f.is_nan() || f.is_infinite() {
        return "null".to_string(); // JSON.stringify writes both as null
    }
    if f == 0.0 {
        return "0".to_string();
    }
    let sci = format!("{:e}", f.abs());
    let (mantissa, exp) = sci.split_once('e').expect("`{:e}` has an exponent");
    let exp: i32 = exp.parse().expect("an integer exponent");
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let k = digits.len() as i32;
    let n = exp + 1; // digits before the decimal point
    let sign = if f < 0.0 { "-" } else { "" };
    if k <= n && n <= 21 {
        format!("{sign}{digits}{}", "0".repeat((n - k) as usize))
    } else if 0 < n && n <= 21 {
        let (int, frac) = digits.split_at(n as usize);
        format!("{sign}{int}.{frac}")
    } else if -6 < n && n <= 0 {
        format!("{sign}0.{}{digits}", "0".repeat((-n) as usize))
    } else {
        let (first, rest) = digits.split_at(1);
        let rest = if rest.is_empty() { String::new() } else { format!(".{rest}") };
        let esign = if n - 1 >= 0 { '+' } else { '-' };
        format!("{sign}{first}{rest}e{esign}{}", (n - 1).abs())
    }
}

/// A double that arrived through JavaScript (Port's binding gives jq `JSON.stringify` of the
/// request), as jq reads that text: an integer, or a literal that keeps the text.
pub fn js_number(f: f64) -> Num {
    let text = js_text(f);
    if text.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
        Num::from_str_radix(&text, 10).unwrap_or(Num::Float(f))
    } else if f.is_finite() {
        Num::Dec(crate::Rc::new(text))
    } else {
        Num::Float(f)
    }
}

// The tests of these helpers are mapper-core/tests/jq_core.rs (this crate is not a workspace
// member, so that its `sync` feature is not unified into the build).
