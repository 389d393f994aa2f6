//! Helpers shared by the cross-crate tests.

use std::path::PathBuf;

/// The conformance corpus, copied into the repository: `tests/data/conformance` (sources in
/// `tests/data/README.md`).
pub fn conformance_dir() -> PathBuf {
    let dir = tests_dir().join("data/conformance");
    assert!(dir.is_dir(), "the conformance corpus is missing at {}", dir.display());
    dir
}

/// This crate's own folder (`tests/`), where the known-differences list lives.
pub fn tests_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}
