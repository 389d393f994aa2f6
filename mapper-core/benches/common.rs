//! The Spacelift example, shared by the benchmarks.

use std::path::PathBuf;

/// `../shared/conformance/spacelift`, or `$HOOKMAP_SHARED/conformance/spacelift`.
pub fn spacelift_dir() -> PathBuf {
    let shared = std::env::var_os("HOOKMAP_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"));
    shared.join("conformance/spacelift")
}

/// (config JSON text, request JSON bytes).
pub fn spacelift() -> (String, Vec<u8>) {
    let dir = spacelift_dir();
    (
        std::fs::read_to_string(dir.join("config.json")).expect("config.json"),
        std::fs::read(dir.join("request.json")).expect("request.json"),
    )
}
