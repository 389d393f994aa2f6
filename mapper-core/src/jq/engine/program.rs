//! Compiling a jq program once and running it on many inputs.

use super::data::{no_inputs, Data, RunData};
use super::limits::{self, Limits};
use super::{prelude, reach};
use crate::jq::front::syntax::{self, edit::Edits, edit::Source};
use crate::jq::front::{alternatives, checks, nesting};
use crate::jq::port::quotes;
use crate::jq::runtime::{messages, natives};
use crate::jq::Dialect;
use core::cell::Cell;
use jaq_core::load::{lex, parse, Arena, File, Loader};
use jaq_core::{compile, Ctx, Vars};
use jaq_json::Val;
use std::sync::OnceLock;

/// A byte range inside a jq expression (`start..end`, end exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Span {
    /// First byte of the range.
    pub start: usize,
    /// One past the last byte of the range.
    pub end: usize,
}

/// One reason a jq program does not compile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (bytes {}..{})", span.start, span.end)]
pub struct CompileError {
    /// What is wrong, worded for the person who wrote the expression.
    pub message: String,
    /// Where in the expression (as written, before any dialect rewrite).
    pub span: Span,
}

/// Host-supplied facts a running program can observe, and the limits it runs under.
#[derive(Clone)]
pub struct RunContext {
    /// Seconds since the Unix epoch: what `now` returns.
    pub now: f64,
    /// What `env` and `$ENV` return (`{}` in Port's dialect).
    pub env: Val,
    /// Stack, time and size limits.
    pub limits: Limits,
    /// When the whole request must be done, in seconds on `clock` (see [`RunContext::start`]).
    pub deadline: Option<f64>,
    /// The clock deadlines are checked against (`None`: no deadline).
    pub clock: Option<std::sync::Arc<dyn crate::clock::Clock>>,
}

impl std::fmt::Debug for RunContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunContext")
            .field("now", &self.now)
            .field("limits", &self.limits)
            .field("deadline", &self.deadline)
            .finish_non_exhaustive()
    }
}

impl Default for RunContext {
    fn default() -> Self {
        Self {
            now: 0.0,
            env: Val::obj(Default::default()),
            limits: Limits::default(),
            deadline: None,
            clock: None,
        }
    }
}

impl RunContext {
    /// A context for one request starting now on `clock`: `now` and the deadline from it.
    pub fn start(clock: std::sync::Arc<dyn crate::clock::Clock>, limits: Limits) -> Self {
        let now = clock.now();
        Self {
            now,
            env: Val::obj(Default::default()),
            limits,
            deadline: limits.time_limit_ms.map(|ms| now + ms / 1000.0),
            clock: Some(clock),
        }
    }
}

/// What a program yields under Port's "first output only" rule.
#[derive(Debug, Clone)]
pub enum Evaluation {
    /// The first output, and whether more outputs followed (Port drops them).
    Value {
        /// The first output.
        value: Val,
        /// True when the program produced a second output that was dropped.
        dropped_outputs: bool,
    },
    /// The program produced no output (Port leaves the key out).
    NoOutput,
    /// The program failed before its first output (Port stores `null`); the jq error message.
    Error(String),
    /// A resource limit ended the program (see [`Limits`]).
    LimitExceeded(limits::LimitHit),
}

/// A compiled jq program.
pub struct Program {
    filter: jaq_core::Filter<Data>,
    dialect: Dialect,
    /// Byte offsets where Port's single-quote rewrite changed the program.
    rewritten_quotes: Vec<usize>,
    /// True when the program reads `$ENV` (which Port empties).
    reads_env_var: bool,
    /// The value of `$__loc__`, built once.
    loc: Val,
}

impl std::fmt::Debug for Program {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Program")
            .field("dialect", &self.dialect)
            .finish_non_exhaustive()
    }
}

/// The prelude of a dialect: Port's follows jq 1.7.1, standard jq follows jq 1.8.
fn prelude_defs(dialect: Dialect) -> &'static reach::Prelude {
    static PORT: OnceLock<reach::Prelude> = OnceLock::new();
    static STANDARD: OnceLock<reach::Prelude> = OnceLock::new();
    match dialect {
        Dialect::Port => PORT.get_or_init(|| reach::Prelude::new(instrumented(prelude::defs(Dialect::Port)))),
        Dialect::Standard => {
            STANDARD.get_or_init(|| reach::Prelude::new(instrumented(prelude::defs(Dialect::Standard))))
        }
    }
}

/// The prelude with every definition body starting with the limits' tick.
fn instrumented(defs: Vec<parse::Def<&'static str>>) -> Vec<parse::Def<&'static str>> {
    defs.into_iter().map(limits::instrument_def).collect()
}

/// Load and compile `code` on top of the given prelude definitions; the errors' spans are in
/// `code` (messages that name a position name the one in `src`'s original text).
fn compile_with(
    code: &str,
    defs: Vec<parse::Def<&'static str>>,
    src: &Source,
) -> Result<jaq_core::Filter<Data>, Vec<CompileError>> {
    let arena = Arena::default();
    let modules = Loader::new(defs)
        .load(&arena, File { code, path: () })
        .map_err(|errs| load_errors(code, errs, src))?;
    compile::Compiler::default()
        .with_funs(natives::all())
        .with_global_vars(["$ENV", "$__loc__"])
        .compile(modules)
        .map_err(|errs| undefined_errors(code, errs))
}

/// `$__loc__`: jq gives the file and line of each occurrence; hookmap's programs are one
/// `<top-level>` text, and the line is always reported as 1.
fn loc() -> Val {
    Val::obj(
        [
            (Val::utf8_str("file"), Val::utf8_str("<top-level>")),
            (Val::utf8_str("line"), Val::from(1isize)),
        ]
        .into_iter()
        .collect(),
    )
}

impl Program {
    /// Compile `code` in the given dialect, reporting every error with its span.
    pub fn compile(code: &str, dialect: Dialect) -> Result<Self, Vec<CompileError>> {
        let quotes = dialect.quotes(code);
        let (text, _) = quotes::edits(&quotes).apply(code);
        let tokens = syntax::lex(&text);
        Self::compile_lexed(code, dialect, quotes, &text, tokens)
    }

    /// Compile `code` whose dialect's quote rewrite (`quotes`) gave `text`, already lexed into
    /// `tokens` (`None`: it does not lex, or nests too deep): the front end's first pass reads
    /// those tokens, so an expression analysed once ([`crate::expression`]) is not lexed again.
    pub(crate) fn compile_lexed<'t>(
        code: &str,
        dialect: Dialect,
        quotes: Vec<usize>,
        text: &'t str,
        tokens: Option<Vec<syntax::Tk<'t>>>,
    ) -> Result<Self, Vec<CompileError>> {
        let whole = |message| {
            vec![CompileError {
                message,
                span: Span {
                    start: 0,
                    end: code.len(),
                },
            }]
        };
        let rewritten_quotes = quotes;
        let mut src = Source::new(code);
        src.apply(quotes::edits(&rewritten_quotes));
        // Before anything parses it: jaq recurses once per level (issue 8, found by fuzzing).
        if let Some(message) = nesting::check(text) {
            return Err(whole(message));
        }
        // What the dialect's engine refuses (Port's: filters it lacks, jq 1.7's grammar) does
        // not compile there (Port stores null).
        if let Some((message, at)) = tokens.as_deref().and_then(|ts| dialect.refusal(text, ts)) {
            let r = src.original(at);
            return Err(vec![CompileError {
                message,
                span: Span {
                    start: r.start,
                    end: r.end,
                },
            }]);
        }
        // The front end's rewrites; the text is lexed again only after one changes it. `code`
        // is the text the tokens are slices of.
        let mut rewrites = Rewrites::new(text.len(), dialect);
        let (mut code, mut tokens) = (text, tokens);
        loop {
            let Some(edits) = tokens.as_deref().and_then(|ts| rewrites.next(code, ts)) else {
                break;
            };
            drop(tokens);
            src.apply(edits);
            if let Some(message) = rewrites.too_big(src.text()) {
                return Err(whole(message));
            }
            code = src.text();
            tokens = syntax::lex_checked(code);
        }
        // Errors are found in the rewritten text and reported in the text as written.
        let original = |span: Span| {
            let r = src.original(span.start..span.end);
            Span {
                start: r.start,
                end: r.end,
            }
        };
        // A text copied more than once (the body of `?//` alternatives) reports its errors once.
        let at_original = |errs: Vec<CompileError>| {
            errs.into_iter().fold(Vec::new(), |mut out: Vec<CompileError>, e| {
                let e = CompileError {
                    span: original(e.span),
                    message: e.message,
                };
                if !out.contains(&e) {
                    out.push(e);
                }
                out
            })
        };
        // The rewritten text's tokens serve the checks, the prelude and the limits; jaq's
        // loader lexes it again.
        let tokens = tokens.as_deref();
        if let Some((message, at)) = tokens.and_then(checks::check) {
            let span = if within(code, at) {
                original(token_span(code, at))
            } else {
                Span { start: 0, end: 0 }
            };
            return Err(vec![CompileError { message, span }]);
        }
        let prelude = prelude_defs(dialect);
        // Compile with just the prelude definitions the program reaches; should that fail,
        // compile again with all of them, so errors are reported exactly as before.
        let filter = match tokens.map(|ts| compile_with(code, prelude.for_tokens(ts), &src)) {
            Some(Ok(filter)) => filter,
            _ => compile_with(code, prelude.all().to_vec(), &src).map_err(at_original)?,
        };
        // The program's own definitions get the limits' tick too. It compiled as written, so
        // errors keep their spans; the instrumented text is compiled only when it has `def`s.
        let filter = match tokens.and_then(|ts| limits::instrument_program(code, ts)) {
            Some(instrumented) => {
                let defs = prelude
                    .for_program(&instrumented)
                    .unwrap_or_else(|| prelude.all().to_vec());
                compile_with(&instrumented, defs, &Source::new(&instrumented)).unwrap_or(filter)
            }
            None => filter,
        };
        Ok(Self {
            filter,
            dialect,
            rewritten_quotes,
            reads_env_var: tokens.is_some_and(reads_env_var),
            loc: loc(),
        })
    }

    /// The dialect the program was compiled in.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// Byte offsets of quotes Port's single-quote rewrite changed (empty in standard jq).
    pub fn rewritten_quotes(&self) -> &[usize] {
        &self.rewritten_quotes
    }

    /// True when the program reads the `$ENV` variable (Port makes it `{}`); calls of `env`
    /// are detected while running instead.
    pub fn reads_env_var(&self) -> bool {
        self.reads_env_var
    }

    /// Run the program on `input`, handing each output (or error) to `sink` until it
    /// returns `false` or the outputs end. Returns whether `env` was called.
    pub fn run(
        &self,
        input: Val,
        ctx: &RunContext,
        inputs: Option<jaq_std::input::Inputs<'_, Val>>,
        sink: impl FnMut(Output) -> bool,
    ) -> bool {
        // Natively on a stack region of its own: deep values are dropped there (eval_stack.rs).
        super::eval_stack::run(|| self.run_here(input, ctx, inputs, sink))
    }

    fn run_here(
        &self,
        input: Val,
        ctx: &RunContext,
        inputs: Option<jaq_std::input::Inputs<'_, Val>>,
        mut sink: impl FnMut(Output) -> bool,
    ) -> bool {
        // jaq-json's core operations answer as the dialect's engine (vendor/jaq-json/PATCHES.md).
        let _engine = jaq_json::jq::EngineScope::enter(self.dialect.engine());
        let empty = no_inputs();
        let data = RunData {
            lut: &self.filter.lut,
            dialect: self.dialect,
            now: ctx.now,
            env: &ctx.env,
            inputs: inputs.unwrap_or(&empty),
            env_used: Cell::new(false),
            limits: &ctx.limits,
            deadline: ctx.deadline,
            clock: ctx.clock.as_deref(),
            ticks: Cell::new(0),
            stack_base: limits::stack_position(),
            range_values: Cell::new(0),
            limit: Default::default(),
        };
        let run_ctx = Ctx::<Data>::new(&data, Vars::new([ctx.env.clone(), self.loc.clone()]));
        for out in self.filter.id.run((run_ctx, input)) {
            let out = match out {
                Ok(v) if limits::too_deep(&v, ctx.limits.max_value_depth) => {
                    Output::LimitExceeded(limits::depth_exceeded(&ctx.limits))
                }
                Ok(v) => Output::Value(v),
                Err(exn) => match exn.get_err() {
                    Ok(err) => {
                        let msg = error_message(err);
                        // A string repeated past jaq-json's cap is a value too big: a size limit.
                        if msg == jaq_json::jq::REPEAT_TOO_LONG {
                            Output::LimitExceeded(limits::size_exceeded(&ctx.limits))
                        } else {
                            Output::Error(messages::translate(&msg, self.dialect).unwrap_or(msg))
                        }
                    }
                    Err(exn) => match exn.get_halt() {
                        Ok(limits::LIMIT_HALT) if data.limit.borrow().is_some() => match data.limit.take() {
                            Some(hit) => Output::LimitExceeded(hit),
                            None => Output::Error("internal: a limit was hit but not recorded".into()),
                        },
                        // jaq-json's stand-in for jq 1.7 running out of memory (Port's engine mode).
                        Ok(jaq_json::jq::TOO_LARGE_HALT) => Output::LimitExceeded(limits::size_exceeded(&ctx.limits)),
                        Ok(code) => Output::Halt(code),
                        Err(_) => Output::Error("internal control flow escaped".into()),
                    },
                },
            };
            let stop = matches!(out, Output::Halt(_) | Output::LimitExceeded(_));
            if !sink(out) || stop {
                break;
            }
        }
        data.env_used.get()
    }

    /// Run with Port's rule: the first output counts; report whether more followed, and
    /// whether `env` was called.
    pub fn first(&self, input: Val, ctx: &RunContext) -> (Evaluation, bool) {
        let mut result = Evaluation::NoOutput;
        let env_used = self.run(input, ctx, None, |out| match (&mut result, out) {
            (Evaluation::NoOutput, Output::Value(value)) => {
                if limits::exceeds(&value, ctx.limits.max_value_bytes) {
                    result = Evaluation::LimitExceeded(limits::size_exceeded(&ctx.limits));
                    return false;
                }
                result = Evaluation::Value {
                    value,
                    dropped_outputs: false,
                };
                true
            }
            (Evaluation::NoOutput, Output::Error(e)) => {
                result = Evaluation::Error(e);
                false
            }
            (_, Output::LimitExceeded(msg)) => {
                result = Evaluation::LimitExceeded(msg);
                false
            }
            // Port's engine stores what it printed: `halt` (exit 0, no output) leaves the key
            // out; any other exit code is an error.
            (Evaluation::NoOutput, Output::Halt(0)) => false,
            (Evaluation::NoOutput, Output::Halt(code)) => {
                result = Evaluation::Error(format!("halt({code}) stopped the program"));
                false
            }
            (Evaluation::Value { dropped_outputs, .. }, Output::Value(_)) => {
                *dropped_outputs = true;
                false
            }
            _ => false,
        });
        (result, env_used)
    }
}

/// One item of a program's output stream.
#[derive(Debug, Clone)]
pub enum Output {
    /// An output value.
    Value(Val),
    /// A jq error, worded as its message.
    Error(String),
    /// `halt` or `halt_error` was called with this exit code.
    Halt(i32),
    /// A resource limit ended the program.
    LimitExceeded(limits::LimitHit),
}

impl Output {
    /// The message of a jq error or of the limit that ended the program.
    pub fn error_message(&self) -> Option<&str> {
        match self {
            Self::Error(e) => Some(e),
            Self::LimitExceeded(hit) => Some(&hit.message),
            Self::Value(_) | Self::Halt(_) => None,
        }
    }
}

/// The message of a jq error: the string itself for `error("...")`, else the value as JSON.
fn error_message(err: jaq_core::Error<Val>) -> String {
    match err.into_val() {
        Val::TStr(s) | Val::BStr(s) => String::from_utf8_lossy(&s).into_owned(),
        other => format!("{other} (not a string)"),
    }
}

/// The front end's rewrites of what jaq's parser does not read as jq does, one at a time, each
/// on jaq's tokens of the text so far: `?//` alternatives (one at a time: bodies are copied),
/// then the dialect's rewrites ([`Dialect::rewrites`]). A text that does not lex is left as it
/// is (jaq then reports where).
struct Rewrites {
    rewrites: &'static [crate::jq::dialect::Rewrite],
    /// The `?//` alternatives rewritten so far.
    alternative: usize,
    alternatives_done: bool,
    /// The next of `rewrites` to run.
    next: usize,
    /// The largest the text may grow to.
    max_len: usize,
}

impl Rewrites {
    fn new(len: usize, dialect: Dialect) -> Self {
        Self {
            rewrites: dialect.rewrites(),
            alternative: 0,
            alternatives_done: false,
            next: 0,
            // Each `?//` copies the body after it into every alternative, so `?//`s in a row
            // double the program each (and rewriting one at a time, its work): bounded, as a
            // compiled program would be too big anyway.
            max_len: (16 * len).max(MAX_EXPANDED),
        }
    }

    /// The next rewrite's edits of `code` (its `tokens`), or `None` when all are done.
    fn next(&mut self, code: &str, tokens: &[syntax::Tk<'_>]) -> Option<Edits> {
        if !self.alternatives_done {
            let edits = alternatives::edit(code, tokens, self.alternative);
            self.alternative += 1;
            self.alternatives_done = edits.is_none();
            if edits.is_some() {
                return edits;
            }
        }
        while self.next < self.rewrites.len() {
            let edits = self.rewrites[self.next](code, tokens);
            self.next += 1;
            if !edits.is_empty() {
                return Some(edits);
            }
        }
        None
    }

    /// The size limit's message when the rewrites grew `code` beyond it.
    fn too_big(&self, code: &str) -> Option<String> {
        (code.len() > self.max_len || self.alternative > MAX_ALTERNATIVES).then(|| {
            format!(
                "size limit: the expression's `?//` alternatives expand to more than {MAX_ALTERNATIVES} alternatives or {} KiB of jq (each copies what follows it); split it with `def`s",
                self.max_len / 1024
            )
        })
    }
}

/// The least size the compiler's rewrites may grow a program to (see [`rewrite`]).
const MAX_EXPANDED: usize = 256 * 1024;

/// The most `?//` alternatives the compiler rewrites in one program, copies included.
const MAX_ALTERNATIVES: usize = 64;

fn span_of(code: &str, part: &str) -> Span {
    let r = jaq_core::load::span(code, part);
    // An error "at" the end of input, or a whole remaining input, is pointed at one character.
    let first_char = part.chars().next().map_or(0, char::len_utf8);
    let end = if r.start == r.end {
        r.end
    } else {
        r.start + first_char.max(1).min(r.end - r.start)
    };
    Span { start: r.start, end }
}

fn token_span(code: &str, part: &str) -> Span {
    let r = jaq_core::load::span(code, part);
    Span {
        start: r.start,
        end: r.end,
    }
}

/// True when `part` is a slice of `code` (errors in prelude files are not).
fn within(code: &str, part: &str) -> bool {
    let (c, p) = (code.as_ptr() as usize, part.as_ptr() as usize);
    p >= c && p + part.len() <= c + code.len()
}

fn load_errors(code: &str, errs: jaq_core::load::Errors<&str, ()>, src: &Source) -> Vec<CompileError> {
    use jaq_core::load::Error;
    let mut out = Vec::new();
    for (_file, err) in errs {
        match err {
            Error::Io(es) => out.extend(es.into_iter().map(|(path, msg)| CompileError {
                message: format!("cannot load module {path}: {msg}"),
                span: if within(code, path) {
                    token_span(code, path)
                } else {
                    Span { start: 0, end: 0 }
                },
            })),
            Error::Lex(es) => out.extend(es.into_iter().map(|(expect, found)| {
                let message = match expect {
                    lex::Expect::Delim(open) => {
                        let closer = match open {
                            "(" => "closing parenthesis `)`",
                            "[" => "closing bracket `]`",
                            "{" => "closing brace `}`",
                            _ => "closing quote `\"`",
                        };
                        let at = if within(code, open) {
                            let r = token_span(code, open);
                            src.original(r.start..r.end).start
                        } else {
                            0
                        };
                        format!("expected {closer} for the `{open}` at byte {at}")
                    }
                    lex::Expect::Digit => "expected a digit".into(),
                    lex::Expect::Ident => "expected an identifier".into(),
                    lex::Expect::Escape => "invalid string escape sequence".into(),
                    lex::Expect::Unicode => "expected a 4-digit hexadecimal code point after \\u".into(),
                    lex::Expect::Token => match found.chars().next() {
                        Some('\'') => "unexpected `'`: jq strings use double quotes".into(),
                        Some(c) => format!("unexpected character `{c}`"),
                        None => "unexpected end of expression".into(),
                    },
                    _ => "syntax error".into(),
                };
                let span = if within(code, found) {
                    span_of(code, found)
                } else {
                    Span {
                        start: code.len(),
                        end: code.len(),
                    }
                };
                CompileError { message, span }
            })),
            Error::Parse(es) => out.extend(es.into_iter().map(|(expect, found)| {
                let found_text = if found.is_empty() {
                    "end of expression".to_owned()
                } else {
                    format!("`{found}`")
                };
                let message = format!("expected {}, found {found_text}", expect.as_str());
                let span = if within(code, found) {
                    token_span(code, found)
                } else {
                    Span {
                        start: code.len(),
                        end: code.len(),
                    }
                };
                CompileError { message, span }
            })),
        }
    }
    out
}

fn undefined_errors(code: &str, errs: compile::Errors<&str, ()>) -> Vec<CompileError> {
    errs.into_iter()
        .flat_map(|(_file, es)| es)
        .map(|(name, undefined)| {
            let what = match undefined {
                compile::Undefined::Filter(arity) => format!("{name}/{arity} is not defined"),
                other => format!("undefined {} {name}", other.as_str()),
            };
            let span = if within(code, name) {
                token_span(code, name)
            } else {
                Span { start: 0, end: 0 }
            };
            CompileError { message: what, span }
        })
        .collect()
}

/// Whether the program (its tokens) mentions `$ENV` as a variable (outside string literals).
fn reads_env_var(tokens: &[syntax::Tk<'_>]) -> bool {
    let mut found = false;
    syntax::visit_all(tokens, |seq, i| {
        found |= matches!(seq[i].1, lex::Tok::Var) && seq[i].0 == "$ENV";
    });
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The one compile error of `code`, as the text it points at in `code`.
    fn error_at(code: &str, dialect: Dialect) -> (String, &str) {
        let errs = Program::compile(code, dialect).map(|_| ()).unwrap_err();
        assert_eq!(errs.len(), 1, "{code}: {errs:?}");
        let e = &errs[0];
        (e.message.clone(), &code[e.span.start..e.span.end])
    }

    #[test]
    fn errors_after_each_rewrite_point_at_the_text_as_written() {
        let undefined = |code| error_at(code, Dialect::Port);
        let nosuch = ("nosuch/0 is not defined".to_owned(), "nosuch");
        // Port's quotes, `?//` (the body is copied into every alternative), `.5`, `reduce` over
        // a non-atom, `$name:` patterns, `catch` bodies: each before and around the error.
        for code in [
            "'a' + nosuch",
            ". as [$a] ?// $a | $a + nosuch",
            ". as [$a] ?// $a | $a | . as [$b] ?// $b | [$b, nosuch]",
            ".5 + .25 + nosuch",
            ". as {$a: [$b]} | nosuch",
            ". as {$a: [$b]} ?// [$a] | nosuch",
            "try . catch nosuch",
            "try . catch .a | [nosuch]",
            "try (try 1 catch .) catch (.5 + nosuch)",
            "\"\\(try 1 catch .)\\(nosuch)\"",
        ] {
            assert_eq!(undefined(code), nosuch, "{code}");
        }
        // `reduce` over a non-atom is jq 1.8's (Port's engine refuses it: port_grammar.rs).
        for code in [
            "reduce .[] / 2 as $x (0; . + $x) | nosuch",
            "reduce .[] / 2 as $x (0; nosuch)",
        ] {
            assert_eq!(error_at(code, Dialect::Standard), nosuch, "{code}");
        }
        assert_eq!(
            undefined("try . catch . | .5 + $nosuch"),
            ("undefined variable $nosuch".to_owned(), "$nosuch")
        );
        // Checks made on the rewritten text.
        assert_eq!(
            undefined("try . catch .5 | {(0): 1}"),
            ("Cannot use number (0) as object key".to_owned(), "0")
        );
        // Parse errors: the token found, or the end of the program.
        assert_eq!(
            undefined("try .a catch . | .5 + (1 2)"),
            ("expected ), found `2`".to_owned(), "2")
        );
        let code = "try .a catch . | .5 +";
        let errs = Program::compile(code, Dialect::Port).map(|_| ()).unwrap_err();
        assert_eq!(
            errs[0].span,
            Span {
                start: code.len(),
                end: code.len()
            }
        );
        // A message naming a position names the one as written.
        let code = ". as {$a: $b} | try . catch [1, (2";
        let errs = Program::compile(code, Dialect::Standard).map(|_| ()).unwrap_err();
        assert_eq!(
            errs[0].message,
            "expected closing parenthesis `)` for the `(` at byte 32"
        );
        assert_eq!(&code[32..33], "(");
    }

    #[test]
    fn alternatives_in_a_row_are_bounded() {
        let step = ". as [$a] ?// $a | ";
        let ok = format!("{}$a", step.repeat(4));
        assert!(Program::compile(&ok, Dialect::Standard).is_ok());
        let huge = format!("{}$a", step.repeat(20));
        let errs = Program::compile(&huge, Dialect::Standard).map(|_| ()).unwrap_err();
        assert!(errs[0].message.starts_with("size limit: "), "{errs:?}");
        assert_eq!(
            errs[0].span,
            Span {
                start: 0,
                end: huge.len()
            }
        );
    }
}
