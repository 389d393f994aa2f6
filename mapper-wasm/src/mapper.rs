//! The `Mapper` class: a configuration compiled once.

use crate::convert::{argument_error, error, from_js, json_text, to_js};
use mapper_core::{Blueprint, Clock, Mapper, MapperOptions, Request};
use serde::Deserialize;
use std::sync::Arc;
use wasm_bindgen::prelude::*;

/// `Date.now()`, in seconds: jq's `now` inside the module.
pub(crate) struct DateClock;

impl Clock for DateClock {
    fn now(&self) -> f64 {
        js_sys::Date::now() / 1000.0
    }
}

/// Options of `new Mapper(config, options)`.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Options {
    #[serde(default)]
    strict: bool,
    /// Hints in results (`missing-key-path`).
    #[serde(default)]
    hints: bool,
    #[serde(default)]
    blueprints: Blueprints,
    /// Wall-clock limit per request in milliseconds (default 500; 0: none).
    #[serde(default, rename = "timeLimitMs")]
    time_limit_ms: Option<f64>,
}

/// The `blueprints` option: blueprint objects, or JSON text holding one blueprint or an array
/// of them (then every problem is located in that text).
#[derive(Deserialize)]
#[serde(untagged)]
enum Blueprints {
    Text(String),
    Objects(Vec<serde_json::Value>),
}

impl Default for Blueprints {
    fn default() -> Self {
        Self::Objects(Vec::new())
    }
}

impl Blueprints {
    fn read(&self) -> Result<Vec<Blueprint>, Vec<mapper_core::Diagnostic>> {
        match self {
            Self::Text(text) => Blueprint::all_from_json(text),
            Self::Objects(list) => {
                let mut blueprints = Vec::with_capacity(list.len());
                for (i, b) in list.iter().enumerate() {
                    match Blueprint::from_value(b) {
                        Ok(b) => blueprints.push(b),
                        Err(mut d) => {
                            for x in &mut d {
                                x.field = format!(
                                    "options.blueprints[{i}]{}",
                                    x.field.strip_prefix("blueprint").unwrap_or(&x.field)
                                );
                            }
                            return Err(d);
                        }
                    }
                }
                Ok(blueprints)
            }
        }
    }
}

/// A webhook configuration compiled once, ready to map requests.
#[wasm_bindgen(js_name = "RawMapper")]
pub struct JsMapper {
    inner: Mapper,
}

#[wasm_bindgen(js_class = "RawMapper")]
impl JsMapper {
    /// Compile `config` (an object, an array of mappings, or JSON text). Throws an error
    /// object listing every problem with its path and span.
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue, options: JsValue) -> Result<JsMapper, JsValue> {
        let options: Options = if options.is_undefined() || options.is_null() {
            Options::default()
        } else {
            from_js(options, "options")?
        };
        let blueprints = options
            .blueprints
            .read()
            .map_err(|d| error(&mapper_core::Error::Blueprint(d)))?;
        let mut limits = mapper_core::jq::Limits::default();
        if let Some(ms) = options.time_limit_ms {
            limits.time_limit_ms = (ms > 0.0).then_some(ms);
        }
        let options = MapperOptions {
            strict: options.strict,
            hints: options.hints,
            blueprints,
            clock: Arc::new(DateClock),
            limits,
        };
        let inner = match config.as_string() {
            Some(text) => Mapper::from_json(&text, options),
            None => {
                if config.is_undefined() || config.is_null() {
                    return Err(argument_error(
                        "config",
                        "a webhook configuration (object, mappings array or JSON text) is required",
                    ));
                }
                let value: serde_json::Value = from_js(config, "config")?;
                Mapper::new(&value, options)
            }
        }
        .map_err(|e| error(&e))?;
        Ok(JsMapper { inner })
    }

    /// The engine's mapper (for functions taking two of them, such as `backtest`).
    pub(crate) fn inner(&self) -> &Mapper {
        &self.inner
    }

    /// Compile-time warnings (things Port accepts that are probably not what was meant).
    #[wasm_bindgen(getter)]
    pub fn warnings(&self) -> JsValue {
        to_js(self.inner.warnings())
    }

    /// Map a request object `{body, headers, queryParams}`: `{entities, diagnostics}`.
    pub fn map(&self, request: JsValue) -> Result<JsValue, JsValue> {
        let text = json_text(&request, "request")?;
        let result = self.inner.map_json(text.as_bytes()).map_err(|e| error(&e))?;
        Ok(to_js(&result))
    }

    /// Map a request and report every evaluated field: `{result, fields}` where each field is
    /// `{mapping, item, field, expression, value?, error?}` (the playground's per-field view).
    pub fn trace(&self, request: JsValue) -> Result<JsValue, JsValue> {
        let val: jaq_json::Val = from_js(request, "request")?;
        let request = Request::from_val(val).map_err(|e| error(&e))?;
        let (result, fields) = self.inner.map_traced(&request);
        #[derive(serde::Serialize)]
        struct Traced<'a> {
            result: &'a mapper_core::MapResult,
            fields: &'a [mapper_core::FieldTrace],
        }
        Ok(to_js(&Traced {
            result: &result,
            fields: &fields,
        }))
    }

    /// Map request JSON text; the result as JSON text (the fast path: no object conversion).
    #[wasm_bindgen(js_name = "mapJson")]
    pub fn map_json(&self, request_json: &str) -> Result<String, JsValue> {
        let result = self.inner.map_json(request_json.as_bytes()).map_err(|e| error(&e))?;
        serde_json::to_string(&result).map_err(|e| argument_error("result", e.to_string()))
    }

    /// Map request JSON given as UTF-8 bytes; the result as JSON text. The JS layer encodes
    /// text with `TextEncoder` and calls this: a copy of the bytes crosses the boundary, much
    /// faster than wasm-bindgen's character-by-character string transfer (invalid UTF-8 is
    /// an error naming its place).
    #[wasm_bindgen(js_name = "mapJsonBytes")]
    pub fn map_json_bytes(&self, request: &[u8]) -> Result<String, JsValue> {
        let result = self.inner.map_json(request).map_err(|e| error(&e))?;
        serde_json::to_string(&result).map_err(|e| argument_error("result", e.to_string()))
    }

    /// Map a body-only payload given as UTF-8 bytes (the request is `{body, headers: {},
    /// queryParams: {}}`); the result as JSON text. Errors are located in the payload's text.
    #[wasm_bindgen(js_name = "mapBodyJsonBytes")]
    pub fn map_body_json_bytes(&self, body: &[u8]) -> Result<String, JsValue> {
        let result = self.inner.map_body_json(body).map_err(|e| error(&e))?;
        serde_json::to_string(&result).map_err(|e| argument_error("result", e.to_string()))
    }

    /// The configuration's `security` (`{secret?, signatureHeaderName?, signatureAlgorithm?,
    /// signaturePrefix?, requestIdentifierPath?}`), or `null` when it has none.
    #[wasm_bindgen(getter)]
    pub fn security(&self) -> JsValue {
        self.inner.config().security.as_ref().map_or(JsValue::NULL, to_js)
    }

    /// The delivery identity per `security.requestIdentifierPath`, or `undefined`.
    #[wasm_bindgen(js_name = "requestIdentifier")]
    pub fn request_identifier(&self, request: JsValue) -> Result<JsValue, JsValue> {
        let val: jaq_json::Val = from_js(request, "request")?;
        let request = Request::from_val(val).map_err(|e| error(&e))?;
        Ok(self
            .inner
            .request_identifier(&request)
            .map_or(JsValue::UNDEFINED, |v| to_js(&v)))
    }

    /// The headers and query parameters the mappings read, by name: `{headers, queryParams}`,
    /// each a sorted array (header names lowercase) or `null` when any may be read.
    #[wasm_bindgen(getter, js_name = "requestReads")]
    pub fn request_reads(&self) -> JsValue {
        to_js(&self.inner.request_reads())
    }

    /// False when the configuration says `enabled: false` (Port drops every event).
    #[wasm_bindgen(getter)]
    pub fn enabled(&self) -> bool {
        self.inner.config().enabled
    }
}
