//! Values across the boundary: plain JS objects in and out (maps as objects, not `Map`s), and
//! errors as objects the JS layer turns into `MapperError`s.

use mapper_core::{Diagnostic, Error};
use serde::Serialize;
use wasm_bindgen::JsValue;

/// Serialise to a plain, JSON-compatible JS value.
pub fn to_js<T: Serialize + ?Sized>(v: &T) -> JsValue {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).unwrap_or_else(|e| JsValue::from_str(&e.to_string()))
}

/// The object thrown for invalid input: `{hookmapError: kind, message, diagnostics}`.
#[derive(Serialize)]
struct Thrown<'a> {
    #[serde(rename = "hookmapError")]
    kind: &'a str,
    message: String,
    diagnostics: &'a [Diagnostic],
}

/// A thrown value for an engine error.
pub fn error(e: &Error) -> JsValue {
    let kind = match e {
        Error::Config(_) => "config",
        Error::Blueprint(_) => "blueprint",
        Error::Request(_) => "request",
    };
    to_js(&Thrown { kind, message: e.to_string(), diagnostics: e.diagnostics() })
}

/// A thrown value for an argument the caller passed wrongly (not a configuration problem).
pub fn argument_error(what: &str, message: impl Into<String>) -> JsValue {
    let d = Diagnostic::error(what, message);
    to_js(&Thrown { kind: "argument", message: format!("invalid {what}: {}", d.message), diagnostics: &[d] })
}

/// Read a JS value as JSON; `what` names the argument in the error.
pub fn from_js<T: serde::de::DeserializeOwned>(v: JsValue, what: &str) -> Result<T, JsValue> {
    serde_wasm_bindgen::from_value(v).map_err(|e| argument_error(what, e.to_string()))
}
