//! jq programs on top of jaq: compilation with precise error spans, and evaluation with
//! Port's dialect or standard jq semantics.
//!
//! Each folder does one job, so a rule is found by what it is:
//! - `front/`: the one front end. jaq's tokens and parse tree, the edits made on them, and the
//!   rewrites that make jaq's parser read a program as jq does (`?//`, `.5`, `catch` bodies).
//! - [`port`] (`port/`): Port's rules, and only Port's: the single-quote rewrite, the filters Port's engine
//!   lacks, jq 1.7's grammar, its definitions (`port/builtins.jq`), and Port's answer for a
//!   program (what Port stores, with coded diagnostics).
//! - `runtime/`: the native functions programs call (paths, regular expressions, dates, numbers,
//!   decoders, jq's error messages).
//! - [`engine`] (`engine/`): compiling and running a program: the prelude (jq's library, `library/*.jq`),
//!   the run-time data, limits, and the stack programs run on.
//!
//! [`Dialect`] is the one switch between Port's engine and standard jq; it is decided when a
//! program is compiled and travels with its run.

mod dialect;
pub mod engine;
pub(crate) mod front;
pub mod port;
pub(crate) mod runtime;

pub use dialect::Dialect;
pub use engine::limits::{LimitHit, LimitKind, Limits};
pub use engine::program::{CompileError, Evaluation, Output, Program, RunContext, Span};
pub use port::builtins::differs_hint;
pub use port::quotes::{rewrite_single_quotes, Rewrite};
