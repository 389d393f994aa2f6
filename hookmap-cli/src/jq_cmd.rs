//! `hookmap jq`: standard jq (`jq -c`), or exactly Port's answer with `--port`.

use crate::host::Out;
use crate::input::read;
use jaq_json::Val;
use mapper_core::answer::Stored;
use mapper_core::expression::Expression;
use mapper_core::jq::{Dialect, Limits, Output, Program, RunContext};
use mapper_core::path::JsonPath;
use std::path::PathBuf;

/// Arguments of `hookmap jq`.
#[derive(clap::Args)]
pub struct JqArgs {
    /// Port's semantics: single-quote rewrite, `env` = {}, first output only, `null` for an
    /// error or a limit, nothing for no output, the diagnostics on stderr; always exit 0.
    #[arg(long)]
    port: bool,
    /// Compact output (always on; accepted for `jq -c` habits).
    #[arg(short = 'c', long = "compact-output")]
    _compact: bool,
    /// Print string outputs without quotes, like `jq -r`.
    #[arg(short = 'r', long = "raw-output")]
    raw: bool,
    /// Stop a run (per input) after this many milliseconds, reporting the limit (default: none,
    /// like jq; with `--port`, 500 as for a mapping field). Recursion too deep for the stack is
    /// always stopped.
    #[arg(long = "time-limit", value_name = "MS")]
    time_limit_ms: Option<f64>,
    /// Use `null` as the single input instead of reading any, like `jq -n`.
    #[arg(short = 'n', long = "null-input")]
    null_input: bool,
    /// The jq program.
    filter: String,
    /// The input file, holding one or more JSON values (`-` or nothing: standard input).
    file: Option<PathBuf>,
}

/// "Cannot parse FILE at line L, column C: what" from jaq's "byte offset N: what".
fn parse_message(name: &str, bytes: &[u8], error: &str) -> String {
    let (offset, what) = error
        .strip_prefix("byte offset ")
        .and_then(|rest| rest.split_once(": "))
        .and_then(|(n, what)| Some((n.parse::<usize>().ok()?, what)))
        .unwrap_or((0, error));
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = before.len() - before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1) + 1;
    format!("Cannot parse {name} at line {line}, column {column}: {what}")
}

fn env_object(out: &mut Out) -> Val {
    Val::obj(
        out.host()
            .env_all()
            .into_iter()
            .map(|(k, v)| (Val::utf8_str(k), Val::utf8_str(v)))
            .collect(),
    )
}

/// Print one output; false once standard output's reader went away.
fn print(out: &mut Out, v: &Val, raw: bool) -> bool {
    match v {
        Val::TStr(s) if raw => out.bytes(s),
        // Numbers exactly as jq 1.7 prints them (1e1000 -> 1.7976931348623157e+308, 1e-05).
        _ => out.print(&mapper_core::value::to_jq_text(v)),
    }
    out.bytes(b"\n");
    !out.closed()
}

/// Run `hookmap jq`. Exit codes as jq's: 0 ok, 2 unreadable input, 3 compile error, 5 a
/// runtime error happened; `--port` always exits 0 once the input is read.
pub fn run(args: JqArgs, out: &mut Out) -> u8 {
    let file = args.file.clone().unwrap_or_else(|| PathBuf::from("-"));
    let bytes = if args.null_input {
        b"null".to_vec()
    } else {
        match read(out, &file) {
            Ok(b) => b,
            Err(e) => {
                out.err(&format!("jq: error: {e}"));
                return 2;
            }
        }
    };
    if args.port {
        return run_port(&args, out, &file, &bytes);
    }
    let program = match Program::compile(&args.filter, Dialect::Standard) {
        Ok(p) => p,
        Err(errs) => {
            for e in &errs {
                out.err(&format!(
                    "jq: error: {} at bytes {}..{} of the program",
                    e.message, e.span.start, e.span.end
                ));
            }
            out.err(&format!(
                "jq: {} compile error{}",
                errs.len(),
                if errs.len() == 1 { "" } else { "s" }
            ));
            return 3;
        }
    };
    let name = file.display().to_string();
    let mut parse_error = None;
    // jaq's reader, like jq's: numbers beyond f64 (1e1000) and big integers are read as jq reads them.
    let values =
        jaq_json::read::parse_many(&bytes).map(|r| r.map_err(|e| parse_message(&name, &bytes, &e.to_string())));
    let stream = jaq_std::input::RcIter::new(values);
    let inputs: jaq_std::input::Inputs<'_, Val> = &stream;
    let mut failed = false;
    let mut halted = None;
    // Standard jq has no deadline unless `--time-limit` sets one.
    let limits = Limits {
        time_limit_ms: args.time_limit_ms,
        ..Limits::default()
    };
    let env = env_object(out);
    let clock = out.host().clock();
    // Each input gets its own deadline, as each is its own run of the program.
    let context = || RunContext {
        env: env.clone(),
        ..RunContext::start(clock.clone(), limits)
    };
    for (n, value) in inputs.enumerate() {
        let ctx = context();
        let value = match value {
            Ok(v) => v,
            Err(e) => {
                parse_error = Some(e);
                break;
            }
        };
        program.run(value, &ctx, Some(inputs), |o| match o {
            Output::Value(v) => print(out, &v, args.raw),
            Output::Error(_) | Output::LimitExceeded(_) => {
                let message = o.error_message().unwrap_or_default();
                out.err(&format!("jq: error (at {name}:{}): {message}", n));
                failed = true;
                false // like jq, an uncaught error ends the program for this input
            }
            Output::Halt(code) => {
                halted = Some(code);
                false
            }
        });
        if halted.is_some() || out.closed() {
            break;
        }
    }
    if let Some(e) = parse_error {
        out.err(&format!("jq: error: {e}"));
        return 2;
    }
    match halted {
        Some(code) => code.clamp(0, 255) as u8,
        None if failed => 5,
        None => 0,
    }
}

/// `hookmap jq --port`: Port's answer for each input ([`mapper_core::answer`], as a mapping
/// field gets it), compiled once. The answer is printed (nothing when Port leaves the key out),
/// its diagnostics go to stderr as `hookmap map` prints them; exit 0 once the input is read.
fn run_port(args: &JqArgs, out: &mut Out, file: &std::path::Path, bytes: &[u8]) -> u8 {
    let place = JsonPath::root("program");
    let expr = Expression::new(&args.filter, Dialect::Port);
    for d in expr.compile_diagnostics(&place) {
        out.err(&d.to_string());
    }
    // As a mapping field: a mapping's default limits (500 ms per input, recursion, size)
    // unless `--time-limit` says otherwise.
    let limits = Limits {
        time_limit_ms: args.time_limit_ms.or(Limits::default().time_limit_ms),
        ..Limits::default()
    };
    let name = file.display().to_string();
    for value in jaq_json::read::parse_many(bytes) {
        let value = match value {
            Ok(v) => v,
            Err(e) => {
                out.err(&format!("jq: error: {}", parse_message(&name, bytes, &e.to_string())));
                return 2;
            }
        };
        // Each input gets its own deadline, as each is its own run of the program.
        let ctx = RunContext::start(out.host().clock(), limits);
        let answer = expr.answer(&value, &ctx, &place);
        match &answer.stored {
            Stored::Value(v) => {
                print(out, v, args.raw);
            }
            Stored::Null => out.print("null\n"),
            Stored::Absent => {}
        }
        if out.closed() {
            return 0; // the reader went away (`| head`)
        }
        for d in &answer.diagnostics {
            out.err(&d.to_string());
        }
    }
    0
}
