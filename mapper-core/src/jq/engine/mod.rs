//! Compiling a program once and running it on many inputs: the prelude of each dialect, the
//! run-time data natives see, resource limits, and the stack region programs run on.

pub mod data;
pub mod eval_stack;
pub mod limits;
pub(crate) mod prelude;
pub(crate) mod program;
pub(crate) mod reach;
