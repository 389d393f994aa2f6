//! Values across the boundary: plain JS objects in and out (maps as objects, not `Map`s), and
//! errors as objects the JS layer turns into `MapperError`s.
//!
//! Values cross as JSON text: `JSON.stringify`/`JSON.parse` are native and fast, and one
//! JSON (de)serializer in the module (serde_json) keeps it small; serde-wasm-bindgen walked the
//! objects with one boundary call per value and added its own copy of every deserializer.

use mapper_core::diagnostic::Code;
use mapper_core::{Diagnostic, Error, Severity};
use serde::Serialize;
use wasm_bindgen::JsValue;

/// Serialise to a plain, JSON-compatible JS value.
pub fn to_js<T: Serialize + ?Sized>(v: &T) -> JsValue {
    let text = serde_json::to_string(v).unwrap_or_else(|e| serde_json::to_string(&e.to_string()).unwrap_or_default());
    js_sys::JSON::parse(&text).unwrap_or(JsValue::NULL)
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
    to_js(&Thrown {
        kind,
        message: e.to_string(),
        diagnostics: e.diagnostics(),
    })
}

/// A thrown value for an argument the caller passed wrongly (not a configuration problem).
pub fn argument_error(what: &str, message: impl Into<String>) -> JsValue {
    let d = Diagnostic::about(Code::InvalidArgument, Severity::Error, what, message);
    to_js(&Thrown {
        kind: "argument",
        message: format!("invalid {what}: {}", d.message),
        diagnostics: &[d],
    })
}

/// Read a JS value as JSON; `what` names the argument in the error.
pub fn from_js<T: serde::de::DeserializeOwned>(v: JsValue, what: &str) -> Result<T, JsValue> {
    let text = json_text(&v, what)?;
    serde_json::from_str(&text).map_err(|e| argument_error(what, e.to_string()))
}

/// `JSON.stringify(v)`, with an error naming the argument when it is not JSON-compatible
/// (a `BigInt`, a cycle, `undefined`).
pub fn json_text(v: &JsValue, what: &str) -> Result<String, JsValue> {
    match js_sys::JSON::stringify(v) {
        Ok(s) => s
            .as_string()
            .ok_or_else(|| argument_error(what, "must be a JSON value, not undefined or a function")),
        Err(e) => {
            let msg = js_sys::Error::from(e).message();
            Err(argument_error(
                what,
                format!("is not JSON-compatible: {}", String::from(msg)),
            ))
        }
    }
}
