//! The errors hookmap's API returns.

use crate::diagnostic::{render, Diagnostic};

/// Why a configuration, blueprint or request was refused. Every variant carries all the
/// problems found (not only the first), each naming its place.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The webhook configuration is invalid: bad JSON, wrong types, unknown keys, or jq that
    /// does not compile.
    #[error("invalid webhook configuration:\n{}", render(.0))]
    Config(Vec<Diagnostic>),
    /// A blueprint is invalid.
    #[error("invalid blueprint:\n{}", render(.0))]
    Blueprint(Vec<Diagnostic>),
    /// The request is invalid: bad JSON or not `{body, headers, queryParams}`.
    #[error("invalid request:\n{}", render(.0))]
    Request(Vec<Diagnostic>),
}

impl Error {
    /// Every problem, in the order found.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Self::Config(d) | Self::Blueprint(d) | Self::Request(d) => d,
        }
    }
}
