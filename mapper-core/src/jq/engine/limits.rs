//! Resource limits: hostile programs end with an error naming the limit instead of hanging,
//! exhausting memory or overflowing the stack (which aborts a native process).
//!
//! Every definition body (the prelude's and the program's) starts with `_hookmap_tick`, a
//! native that checks the stack depth and, every few hundred calls, the deadline. Recursion,
//! loops (`repeat`, `until`, `while`, `recurse`) and endless programs all go through
//! definitions. `range`, the one generator that makes values without calling a definition, is
//! replaced by a counting version.

use super::data::{Data, RunData};
use jaq_core::box_iter::box_once;
use jaq_core::load::lex::{StrPart, Tok, Token};
use jaq_core::native::{v, Fun};
use jaq_core::{Exn, Native, ValXs};
use jaq_json::Val;

/// Limits on one evaluation. The defaults keep a request well under a second and far from
/// any crash; hosts can tighten them (Workers' CPU budget) or loosen them (batch jobs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Stack an expression may use for recursion, in bytes, where the thread's remaining
    /// stack can't be read (the wasm build). Natively, recursion stops when less than
    /// [`STACK_RESERVE`] of the thread's stack is left, whatever its size.
    pub max_stack_bytes: usize,
    /// Wall-clock time a whole request may take, in milliseconds (`None`: no deadline).
    pub time_limit_ms: Option<f64>,
    /// Values `range` may produce in one evaluation (bounds `[range(1e9)]`'s memory).
    pub max_range_values: u64,
    /// Size of the value an expression may yield (about its JSON length), in bytes: bounds
    /// `"x" * 1e9` and friends before they reach an entity, a response or a log.
    pub max_value_bytes: usize,
    /// Nesting depth of any value an expression yields: deeper values (which jq programs can
    /// build, `reduce range(1e5) as $i (0; [.])`) would overflow the recursive walks that
    /// print, compare or drop them in the host.
    pub max_value_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            // Most of the wasm build's 1 MiB shadow stack.
            max_stack_bytes: 768 * 1024,
            time_limit_ms: Some(500.0),
            max_range_values: 10_000_000,
            max_value_bytes: 8 * 1024 * 1024,
            max_value_depth: 512,
        }
    }
}

/// Whether `v` is bigger than `limit` bytes (about its JSON length); stops counting early.
pub fn exceeds(v: &Val, limit: usize) -> bool {
    fn size(v: &Val, budget: &mut isize) {
        if *budget < 0 {
            return;
        }
        match v {
            Val::Null | Val::Bool(_) => *budget -= 5,
            Val::Num(_) => *budget -= 8,
            Val::TStr(s) | Val::BStr(s) => *budget -= s.len() as isize + 2,
            Val::Arr(a) => {
                *budget -= 2;
                for x in a.iter() {
                    *budget -= 1;
                    size(x, budget);
                    if *budget < 0 {
                        return;
                    }
                }
            }
            Val::Obj(o) => {
                *budget -= 2;
                for (k, x) in o.iter() {
                    size(k, budget);
                    size(x, budget);
                    if *budget < 0 {
                        return;
                    }
                }
            }
        }
    }
    let mut budget = limit as isize;
    size(v, &mut budget);
    budget < 0
}

/// Whether `v` nests deeper than `limit` levels (a scalar is level 0); stops at the limit, so
/// the walk itself never recurses deeper than that.
pub fn too_deep(v: &Val, limit: usize) -> bool {
    match v {
        Val::Arr(a) => limit == 0 || a.iter().any(|x| too_deep(x, limit - 1)),
        Val::Obj(o) => limit == 0 || o.values().any(|x| too_deep(x, limit - 1)),
        _ => false,
    }
}

/// Which resource limit ended a program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitKind {
    /// The request's time limit.
    Time,
    /// The stack (recursion) limit.
    Recursion,
    /// A size limit (a value's bytes, `range`'s values).
    Size,
    /// The depth limit of an output value.
    Depth,
}

/// A limit that ended a program: which one, and the message that names it for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitHit {
    /// Which limit.
    pub kind: LimitKind,
    /// What happened, worded for the person who wrote the expression.
    pub message: String,
}

impl std::fmt::Display for LimitHit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// A value over [`Limits::max_value_depth`].
pub fn depth_exceeded(limits: &Limits) -> LimitHit {
    LimitHit {
        kind: LimitKind::Depth,
        message: format!(
            "depth limit: the expression yielded a value nested more than {} levels deep",
            limits.max_value_depth
        ),
    }
}

/// A value over [`Limits::max_value_bytes`].
pub fn size_exceeded(limits: &Limits) -> LimitHit {
    LimitHit {
        kind: LimitKind::Size,
        message: format!(
            "size limit: the expression yielded a value larger than {} MiB",
            limits.max_value_bytes / (1024 * 1024)
        ),
    }
}

/// The halt code that marks "a limit was hit" (the message is kept in [`RunData`]).
/// `halt` can't be caught by `try`, so a limit can't be swallowed by the program.
pub const LIMIT_HALT: i32 = i32::MIN + 0x4c49;

/// Natively, the stack kept free below the deepest recursion (for the unwinding, and for
/// natives that recurse on their own, such as printing a deep value).
pub const STACK_RESERVE: usize = 256 * 1024;

/// Natively, the most stack definitions may recurse into, however big the stack: programs run
/// on a region of several GiB (`eval_stack`) so that deep values can be walked and dropped, and
/// recursion stays bounded well inside it.
pub const NATIVE_RECURSION_BUDGET: usize = 64 * 1024 * 1024;

/// How often (in ticks) the deadline is compared with the clock.
const CLOCK_EVERY: u32 = 256;

/// The current stack position (grows downwards on every target we build for).
#[inline(always)]
pub fn stack_position() -> usize {
    let marker = 0u8;
    core::hint::black_box(&marker) as *const u8 as usize
}

/// Record the limit that was hit and produce the exception that ends the program.
fn trip<'a>(data: &RunData<'_>, hit: LimitHit) -> Exn<'a, Val> {
    data.limit.replace(Some(hit));
    Exn::halt(LIMIT_HALT)
}

/// Whether the recursion has gone as deep as the stack allows.
fn stack_exhausted(data: &RunData<'_>) -> bool {
    let position = stack_position();
    let used = data.stack_base.saturating_sub(position);
    #[cfg(not(target_family = "wasm"))]
    if let Some(left) = super::eval_stack::remaining(position).or_else(stacker::remaining_stack) {
        return left < STACK_RESERVE || used > NATIVE_RECURSION_BUDGET;
    }
    used > data.limits.max_stack_bytes
}

/// The checks `_hookmap_tick` runs on every definition call.
fn check<'a>(data: &RunData<'_>) -> Result<(), Exn<'a, Val>> {
    if stack_exhausted(data) {
        return Err(trip(
            data,
            LimitHit {
                kind: LimitKind::Recursion,
                message: "recursion limit: the expression recursed deeper than the stack allows; look for a definition that calls itself without end".to_owned(),
            },
        ));
    }
    let ticks = data.ticks.get().wrapping_add(1);
    data.ticks.set(ticks);
    if ticks % CLOCK_EVERY == 0 {
        if let (Some(deadline), Some(clock)) = (data.deadline, data.clock) {
            if clock.now() > deadline {
                return Err(trip(data, time_message(data)));
            }
        }
    }
    Ok(())
}

fn time_message(data: &RunData<'_>) -> LimitHit {
    LimitHit {
        kind: LimitKind::Time,
        message: format!(
            "time limit: the request took longer than {} ms (an endless loop such as `def f: f; f`, or too much work)",
            data.limits.time_limit_ms.unwrap_or_default()
        ),
    }
}

/// `_hookmap_tick`: identity (also in path expressions and updates) that enforces the limits.
fn tick() -> Fun<Data> {
    let native = Native::new(|cv| match check(*cv.0.data()) {
        Ok(()) => box_once(Ok(cv.1)),
        Err(e) => box_once(Err(e)),
    })
    .with_paths(|cv| match check(*cv.0.data()) {
        Ok(()) => box_once(Ok(cv.1)),
        Err(e) => box_once(Err(e)),
    })
    .with_update(|cv, f| match check(*cv.0.data()) {
        Ok(()) => f(cv.1),
        Err(e) => box_once(Err(e)),
    });
    ("_hookmap_tick", v(0), native)
}

/// `range($from; $to; $by)` as jaq's native, counting the values it makes against the limit
/// and checking the deadline as it goes.
fn range() -> Fun<Data> {
    let native = Native::new(|mut cv| {
        use core::cmp::Ordering::{Equal, Greater, Less};
        let by: Val = cv.0.pop_var();
        let to: Val = cv.0.pop_var();
        let from: Val = cv.0.pop_var();
        let data: &RunData<'_> = *cv.0.data();
        let cmp = by.partial_cmp(&Val::from(0isize)).unwrap_or(Equal);
        let mut next: Result<Val, Exn<'_, Val>> = Ok(from);
        let mut done = false;
        Box::new(core::iter::from_fn(move || {
            if done {
                return None;
            }
            match next.clone() {
                Ok(x) => {
                    let more = match cmp {
                        Greater => x < to,
                        Less => x > to,
                        Equal => x != to,
                    };
                    if !more {
                        return None;
                    }
                    let made = data.range_values.get() + 1;
                    data.range_values.set(made);
                    if made > data.limits.max_range_values {
                        done = true;
                        let msg = format!(
                            "size limit: `range` made more than {} values in one evaluation",
                            data.limits.max_range_values
                        );
                        return Some(Err(trip(
                            data,
                            LimitHit {
                                kind: LimitKind::Size,
                                message: msg,
                            },
                        )));
                    }
                    if made % 1024 == 0 {
                        if let Err(e) = check(data) {
                            done = true;
                            return Some(Err(e));
                        }
                    }
                    next = (x.clone() + by.clone()).map_err(|e| Exn::from(e));
                    Some(Ok(x))
                }
                Err(e) => {
                    done = true;
                    Some(Err(e))
                }
            }
        })) as ValXs<'_, Val>
    });
    ("range", v(3), native)
}

/// The natives this module adds (`range` replaces jaq's).
pub fn natives() -> Vec<Fun<Data>> {
    vec![tick(), range()]
}

/// Prefix every definition body with `_hookmap_tick`.
pub fn instrument_def(mut def: jaq_core::load::parse::Def<&'static str>) -> jaq_core::load::parse::Def<&'static str> {
    use jaq_core::load::parse::{BinaryOp, Term};
    let body = core::mem::take(&mut def.body);
    def.body = Term::BinOp(
        Box::new(Term::Call("_hookmap_tick", Vec::new())),
        BinaryOp::Pipe(None),
        Box::new(instrument_term(body)),
    );
    def
}

/// Instrument the local definitions inside a term.
fn instrument_term(t: jaq_core::load::parse::Term<&'static str>) -> jaq_core::load::parse::Term<&'static str> {
    use jaq_core::load::parse::Term;
    match t {
        Term::Def(defs, rest) => Term::Def(
            defs.into_iter().map(instrument_def).collect(),
            Box::new(instrument_term(*rest)),
        ),
        other => other,
    }
}

/// Text offsets where `_hookmap_tick | (` and `)` go so that every `def` body of a program
/// starts with the tick: `(position, text)` pairs, in order. Nested definitions included.
pub fn program_edits(code: &str, tokens: &[Token<&str>]) -> Option<Vec<(usize, &'static str)>> {
    let at = |s: &str| crate::jq::front::syntax::span(code, s).start;
    fn is(t: &Token<&str>, s: &str) -> bool {
        t.0 == s && matches!(t.1, Tok::Word | Tok::Sym)
    }
    fn walk<'c>(
        ts: &[Token<&'c str>],
        at: &dyn Fn(&str) -> usize,
        edits: &mut Vec<(usize, &'static str)>,
    ) -> Option<()> {
        let mut i = 0;
        while i < ts.len() {
            i = step(ts, i, at, edits)?;
        }
        Some(())
    }
    /// Handle the token at `i` (descending into blocks, strings and definitions); the next index.
    fn step<'c>(
        ts: &[Token<&'c str>],
        i: usize,
        at: &dyn Fn(&str) -> usize,
        edits: &mut Vec<(usize, &'static str)>,
    ) -> Option<usize> {
        match &ts[i].1 {
            Tok::Word if ts[i].0 == "def" => def(ts, i, at, edits),
            Tok::Block(inner) => walk(inner, at, edits).map(|()| i + 1),
            Tok::Str(parts) => {
                for p in parts {
                    if let StrPart::Term(t) = p {
                        walk(core::slice::from_ref(t), at, edits)?;
                    }
                }
                Some(i + 1)
            }
            _ => Some(i + 1),
        }
    }
    /// `def name[(params)]: body;` starting at `i`; returns the index after its `;`.
    fn def<'c>(
        ts: &[Token<&'c str>],
        i: usize,
        at: &dyn Fn(&str) -> usize,
        edits: &mut Vec<(usize, &'static str)>,
    ) -> Option<usize> {
        let mut j = i + 2; // `def` and the name
        if matches!(ts.get(j)?.1, Tok::Block(_)) {
            j += 1;
        }
        if !is(ts.get(j)?, ":") {
            return None;
        }
        let colon = &ts[j];
        j += 1;
        while !is(ts.get(j)?, ";") {
            j = step(ts, j, at, edits)?;
        }
        edits.push((at(colon.0) + colon.0.len(), " _hookmap_tick | ("));
        edits.push((at(ts[j].0), ")"));
        Some(j + 1)
    }
    let mut edits = Vec::new();
    walk(tokens, &at, &mut edits)?;
    edits.sort_by_key(|(pos, _)| *pos);
    Some(edits)
}

/// The program with every definition body prefixed by `_hookmap_tick`, or `None` when it
/// defines nothing (or its tokens are not as the parser wants them).
pub fn instrument_program(code: &str, tokens: &[Token<&str>]) -> Option<String> {
    let mut edits = crate::jq::front::syntax::edit::Edits::new();
    for (at, text) in program_edits(code, tokens)? {
        edits.insert(at, text);
    }
    (!edits.is_empty()).then(|| edits.apply(code).0)
}

#[cfg(test)]
mod tests {
    fn instrument_program(code: &str) -> Option<String> {
        super::instrument_program(code, &crate::jq::front::syntax::lex(code).unwrap())
    }

    #[test]
    fn every_definition_body_starts_with_the_tick() {
        assert_eq!(instrument_program(".a"), None);
        assert_eq!(
            instrument_program("def f: 1 + f; f").as_deref(),
            Some("def f: _hookmap_tick | ( 1 + f); f")
        );
        assert_eq!(
            instrument_program("def f(g; $x): def h: g; [h, $x]; (def k: 1; k) | f(.; 2)").as_deref(),
            Some("def f(g; $x): _hookmap_tick | ( def h: _hookmap_tick | ( g); [h, $x]); (def k: _hookmap_tick | ( 1); k) | f(.; 2)")
        );
        assert_eq!(
            instrument_program("\"\\(def s: 1; s)\"").as_deref(),
            Some("\"\\(def s: _hookmap_tick | ( 1); s)\"")
        );
    }
}
