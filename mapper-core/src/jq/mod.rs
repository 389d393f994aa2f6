//! jq programs on top of jaq: compilation with precise error spans, and evaluation with
//! Port's dialect or standard jq semantics.

pub mod data;
mod dialect;
mod natives;
mod prelude;
mod program;

pub use dialect::{rewrite_single_quotes, Rewrite};
pub use program::{CompileError, Dialect, Evaluation, Output, Program, RunContext, Span};
