//! jq programs on top of jaq: compilation with precise error spans, and evaluation with
//! Port's dialect or standard jq semantics.

mod alternatives;
mod base32;
mod c_time;
mod catch;
mod checks;
pub mod data;
mod dialect;
pub mod eval_stack;
mod grammar;
mod json_literals;
mod libm;
pub mod limits;
mod literals;
mod messages;
mod natives;
mod nesting;
mod numbers;
mod paths;
mod port_engine;
mod port_grammar;
mod precedence;

/// The advice for a jq error where Port's engine and current jq differ (see `port-differs`).
pub use port_engine::differs_hint;
mod prelude;
mod program;
mod reach;
mod regex;
pub(crate) mod syntax;
mod utf8;

pub use dialect::{rewrite_single_quotes, Rewrite};
pub use limits::{LimitHit, LimitKind, Limits};
pub use program::{CompileError, Dialect, Evaluation, Output, Program, RunContext, Span};
