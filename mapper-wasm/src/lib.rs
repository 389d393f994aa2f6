//! wasm-bindgen bindings of `mapper-core`: the raw API the npm package `hookmap` wraps.
//!
//! This crate stays thin: it converts values across the boundary and maps errors. The
//! package's JavaScript layer (`js/`) turns thrown error objects into `MapperError`s, picks the
//! right way to load the module per runtime, and re-instantiates it after a panic.

mod convert;
mod functions;
mod mapper;
mod panic;

pub use functions::{
    backtest, check_request, complete, evaluate, scaffold, sign_payload, validate_entity, verify_signature,
};
pub use mapper::JsMapper;

/// Install the panic hook once, when the module is instantiated.
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    panic::install();
}
