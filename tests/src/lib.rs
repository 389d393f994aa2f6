//! Helpers shared by the cross-crate tests.

use std::path::PathBuf;

/// The conformance corpus: `$HOOKMAP_SHARED/conformance`, or `../shared/conformance` beside
/// the repository (where CI puts it).
pub fn conformance_dir() -> PathBuf {
    let shared = std::env::var_os("HOOKMAP_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"));
    let dir = shared.join("conformance");
    assert!(
        dir.is_dir(),
        "the conformance corpus is missing at {} (set HOOKMAP_SHARED)",
        dir.display()
    );
    dir
}

/// This crate's own folder (`tests/`), where the known-differences list lives.
pub fn tests_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}
