//! Mapper options for fuzzing: the real clock with a short deadline and small size limits, so
//! hostile generated programs end within milliseconds and stay far below libFuzzer's memory cap.

use mapper_core::jq::Limits;
use mapper_core::{MapResult, Mapper, MapperOptions, SystemClock};
use std::sync::Arc;

/// The Spacelift example: the product's own configuration (see `examples/spacelift`).
pub const SPACELIFT_CONFIG: &str = include_str!("../../examples/spacelift/config.json");

/// Limits that end any program fast: 50 ms per request, 100k `range` values, 1 MiB values.
pub fn limits() -> Limits {
    Limits {
        time_limit_ms: Some(50.0),
        max_range_values: 100_000,
        max_value_bytes: 1024 * 1024,
        ..Limits::default()
    }
}

/// Default options with [`limits`] and the system clock (a fixed clock never trips a deadline).
pub fn options() -> MapperOptions {
    MapperOptions {
        clock: Arc::new(SystemClock),
        limits: limits(),
        ..MapperOptions::default()
    }
}

thread_local! {
    static SPACELIFT: Mapper = Mapper::from_json(SPACELIFT_CONFIG, options()).expect("the Spacelift example compiles");
}

/// Run `f` with the Spacelift mapper, compiled once per thread (a mapper is not `Sync`).
pub fn with_spacelift<R>(f: impl FnOnce(&Mapper) -> R) -> R {
    SPACELIFT.with(f)
}

/// Whether a result may differ between two runs of the same request: a deadline hit depends
/// on the machine's load.
pub fn timing_dependent(r: &MapResult) -> bool {
    r.diagnostics.iter().any(|d| d.message.starts_with("time limit"))
}
