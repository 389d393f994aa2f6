//! The prelude of each dialect: jaq's core, std and JSON libraries, then hookmap's jq
//! definitions that make programs behave as jq does, from `.jq` files:
//!
//! - `library/common.jq`: the same in Port's engine and jq 1.8;
//! - `library/standard.jq`: jq 1.8, where it differs from Port's engine;
//! - `port/builtins.jq`: Port's engine (jq 1.7.1-83), where it differs from jq 1.8.
//!
//! Later definitions shadow earlier ones; a `_jaq_*` alias defined before an override keeps
//! jaq's own filter reachable from it.

use crate::jq::Dialect;

/// Definitions shared by both dialects.
const COMMON: &str = include_str!("../library/common.jq");
/// Standard jq (jq 1.8), where it differs from Port's engine.
const STANDARD: &str = include_str!("../library/standard.jq");
/// Port's engine (libjq at jq commit 588ff187), where it differs from jq 1.8.
const PORT: &str = include_str!("../port/builtins.jq");

/// The `.jq` text of what `dialect` defines beyond [`COMMON`].
fn own(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Port => PORT,
        Dialect::Standard => STANDARD,
    }
}

/// Every prelude definition of a dialect, parsed once: jaq's core, std and JSON libraries,
/// then ours.
pub fn defs(dialect: Dialect) -> Vec<jaq_core::load::parse::Def<&'static str>> {
    let parse =
        |code: &'static str| jaq_core::load::parse(code, |p| p.defs()).expect("the compatibility prelude parses");
    let version = parse(own(dialect));
    let shared = parse(COMMON);
    // `_compat_*` aliases name [`COMMON`]'s definitions, so they follow it; other `_*`
    // definitions (aliases of jaq's filters, `_typeval`) precede it, unless they override one
    // of its own (`_strindices`); the rest override it.
    let (compat, version): (Vec<_>, Vec<_>) = version.into_iter().partition(|d| d.name.starts_with("_compat_"));
    let (typeval, rest): (Vec<_>, Vec<_>) = version
        .into_iter()
        .partition(|d| d.name.starts_with("_") && !shared.iter().any(|s| s.name == d.name));
    jaq_core::defs()
        .chain(jaq_std::defs())
        .chain(jaq_json::defs())
        .chain(typeval)
        .chain(shared)
        .chain(compat)
        .chain(rest)
        .collect()
}
