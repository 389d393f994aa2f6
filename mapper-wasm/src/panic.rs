//! Panics surface as JavaScript errors carrying the panic message.

use std::sync::Once;

/// Prefix of the message of an error thrown by a panic; the JS layer recognises it and
/// re-instantiates the module before the next call.
pub const PANIC_PREFIX: &str = "hookmap panicked: ";

/// Log the panic to the console (`console_error_panic_hook`) and throw it as a JS `Error`.
pub fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            console_error_panic_hook::hook(info);
            wasm_bindgen::throw_str(&format!("{PANIC_PREFIX}{info}"));
        }));
    });
}

/// Panic on purpose, so tests can check that a panic becomes a JS error and that the next
/// call works. Not part of the documented API.
#[wasm_bindgen::prelude::wasm_bindgen(js_name = "__panicForTests")]
pub fn panic_for_tests(message: &str) {
    install();
    panic!("{message}");
}

/// The field whose expression was running when the module trapped (a stack overflow in V8
/// unwinds wasm without returning): the JS layer reads it from the old instance to name the
/// field in its error, then starts a fresh instance.
#[wasm_bindgen::prelude::wasm_bindgen(js_name = "interruptedField")]
pub fn interrupted_field() -> String {
    mapper_core::interrupted_field()
}
