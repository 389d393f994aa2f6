//! The Spacelift example, shared by the benchmarks.

use std::path::PathBuf;

/// The repository's copy of the Spacelift example (`tests/data/conformance/spacelift`).
pub fn spacelift_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/data/conformance/spacelift")
}

/// (config JSON text, request JSON bytes).
pub fn spacelift() -> (String, Vec<u8>) {
    let dir = spacelift_dir();
    (
        std::fs::read_to_string(dir.join("config.json")).expect("config.json"),
        std::fs::read(dir.join("request.json")).expect("request.json"),
    )
}
