//! Shared pieces of hookmap's fuzz targets: short limits, the Spacelift mapper, and generators
//! of JSON payloads and jq expressions from the fuzzer's bytes.

pub mod jq;
pub mod json;
pub mod setup;
