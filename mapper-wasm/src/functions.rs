//! Free functions: `evaluate`, `verifySignature`, `validateEntity`.

use crate::convert::{error, from_js, to_js};
use mapper_core::config::SecurityConfig;
use mapper_core::jq::RunContext;
use mapper_core::signature::{sign, verify, Verified};
use mapper_core::value::from_val;
use mapper_core::{Blueprint, CreateEntity, Entity};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct EvaluateOptions {
    #[serde(default)]
    port: bool,
}

#[derive(Serialize)]
struct Evaluated {
    outputs: Vec<serde_json::Value>,
    diagnostics: Vec<mapper_core::Diagnostic>,
}

/// Run a jq program on `input`: `{outputs, diagnostics}`, each diagnostic with its `code`.
/// Standard jq by default (every output, up to the first error, which is an error diagnostic);
/// `{port: true}` answers as Port does, with the function every mapping field and `hookmap jq
/// --port` use (`mapper_core::answer`): the first output only, `[null]` for an error, a limit or a
/// program that does not compile, `[]` for no output, and every silent Port behaviour as a
/// diagnostic.
#[wasm_bindgen]
pub fn evaluate(filter: &str, input: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let options: EvaluateOptions = if options.is_undefined() || options.is_null() {
        EvaluateOptions::default()
    } else {
        from_js(options, "options")?
    };
    let input: jaq_json::Val = if input.is_undefined() {
        jaq_json::Val::Null
    } else {
        from_js(input, "input")?
    };
    let ctx = RunContext::start(
        std::sync::Arc::new(crate::mapper::DateClock),
        mapper_core::jq::Limits::default(),
    );
    let result = if options.port {
        let answer = mapper_core::answer::port_answer(filter, &input, &ctx);
        Evaluated {
            outputs: answer.stored.value().into_iter().map(from_val).collect(),
            diagnostics: answer.diagnostics,
        }
    } else {
        let (outputs, diagnostics) = mapper_core::answer::jq_outputs(filter, &input, &ctx);
        Evaluated {
            outputs: outputs.iter().map(from_val).collect(),
            diagnostics,
        }
    };
    Ok(to_js(&result))
}

/// What a jq program over `{body, headers, queryParams}` reads of a request, by name:
/// `{headers, queryParams}` (see `Mapper.requestReads`). Port's dialect; a program that does not
/// compile reads nothing.
#[wasm_bindgen(js_name = "requestReads")]
pub fn request_reads(filter: &str) -> JsValue {
    let expr = mapper_core::expression::Expression::new(filter, mapper_core::jq::Dialect::Port);
    to_js(&mapper_core::RequestReads::of(&expr))
}

#[derive(Serialize)]
struct Verification {
    valid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    /// For a refusal: `signature-mismatch`, `signature-missing` or `security-incomplete`.
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<mapper_core::diagnostic::Code>,
}

/// Verify a raw body (string or bytes) against `security` and the request's headers (an
/// object of name → value): `{valid, reason?, code?}`.
#[wasm_bindgen(js_name = "verifySignature")]
pub fn verify_signature(security: JsValue, raw_body: JsValue, headers: JsValue) -> Result<JsValue, JsValue> {
    let security: serde_json::Value = if security.is_undefined() {
        serde_json::Value::Null
    } else {
        from_js(security, "security")?
    };
    let security = SecurityConfig::from_value(&security).map_err(|d| error(&mapper_core::Error::Config(d)))?;
    let body: Vec<u8> = match raw_body.as_string() {
        Some(s) => s.into_bytes(),
        None if raw_body.is_instance_of::<js_sys::Uint8Array>() => js_sys::Uint8Array::new(&raw_body).to_vec(),
        None if raw_body.is_instance_of::<js_sys::ArrayBuffer>() => js_sys::Uint8Array::new(&raw_body).to_vec(),
        None => {
            return Err(crate::convert::argument_error(
                "rawBody",
                "expected a string, a Uint8Array or an ArrayBuffer",
            ))
        }
    };
    let headers: serde_json::Map<String, serde_json::Value> = if headers.is_undefined() || headers.is_null() {
        Default::default()
    } else {
        from_js(headers, "headers")?
    };
    let headers = headers.iter().filter_map(|(k, v)| v.as_str().map(|v| (k.as_str(), v)));
    let outcome = verify(security.as_ref(), &body, headers);
    Ok(to_js(&match outcome {
        Ok(Verified::Valid) => Verification {
            valid: true,
            reason: None,
            code: None,
        },
        Ok(Verified::NotRequired) => Verification {
            valid: true,
            reason: Some("no signature is configured".into()),
            code: None,
        },
        Err(e) => Verification {
            valid: false,
            reason: Some(e.to_string()),
            code: Some(e.code()),
        },
    }))
}

/// The signature header a sender attaches to `raw_body` under `security`:
/// `{header, value}`, or `null` when `security` asks for no signature.
#[wasm_bindgen(js_name = "signPayload")]
pub fn sign_payload(security: JsValue, raw_body: &str) -> Result<JsValue, JsValue> {
    let security: serde_json::Value = from_js(security, "security")?;
    let security = SecurityConfig::from_value(&security).map_err(|d| error(&mapper_core::Error::Config(d)))?;
    match sign(security.as_ref(), raw_body.as_bytes()) {
        Ok(Some((header, value))) => Ok(to_js(&serde_json::json!({"header": header, "value": value}))),
        Ok(None) => Ok(JsValue::NULL),
        Err(e) => Err(crate::convert::argument_error("security", e.to_string())),
    }
}

/// Validate an entity (as `map` returns it, or without `operation`) against a blueprint:
/// the violations, each naming its field (`properties.link`).
#[wasm_bindgen(js_name = "validateEntity")]
pub fn validate_entity(entity: JsValue, blueprint: JsValue) -> Result<JsValue, JsValue> {
    let blueprint: serde_json::Value = from_js(blueprint, "blueprint")?;
    let blueprint = Blueprint::from_value(&blueprint).map_err(|d| error(&mapper_core::Error::Blueprint(d)))?;
    let entity: serde_json::Value = from_js(entity, "entity")?;
    let entity: CreateEntity = if entity.get("operation").is_some() {
        match serde_json::from_value::<Entity>(entity) {
            Ok(Entity::Create(e)) => e,
            Ok(Entity::Delete(_)) => return Ok(to_js(&Vec::<()>::new())),
            Err(e) => return Err(crate::convert::argument_error("entity", e.to_string())),
        }
    } else {
        serde_json::from_value(entity).map_err(|e| crate::convert::argument_error("entity", e.to_string()))?
    };
    Ok(to_js(&blueprint.validate_entity(&entity)))
}

/// Check request text without mapping it: the problems, each located in `text` (JSON syntax,
/// UTF-8, the shape `{body, headers, queryParams}`); empty when it is a valid request. With
/// `bodyOnly`, `text` is a body-only payload (any JSON value).
#[wasm_bindgen(js_name = "checkRequest")]
pub fn check_request(text: &[u8], body_only: bool) -> JsValue {
    match mapper_core::Request::read(text, body_only) {
        Ok(_) => to_js(&Vec::<()>::new()),
        Err(e) => to_js(e.diagnostics()),
    }
}

#[derive(Serialize)]
struct ReadRequest {
    request: Option<serde_json::Value>,
    diagnostics: Vec<mapper_core::Diagnostic>,
}

/// Read request text as the engine reads it: `{request, diagnostics}`, the request
/// `{body, headers, queryParams}` as jq sees it (a body-only payload wrapped, lowercase header
/// aliases added), or `null` with the problems, each located in `text`.
#[wasm_bindgen(js_name = "readRequest")]
pub fn read_request(text: &[u8], body_only: bool) -> JsValue {
    to_js(&match mapper_core::Request::read(text, body_only) {
        Ok(r) => ReadRequest {
            request: Some(from_val(r.val())),
            diagnostics: Vec::new(),
        },
        Err(e) => ReadRequest {
            request: None,
            diagnostics: e.diagnostics().to_vec(),
        },
    })
}

/// Map each request (JSON text) with `live` and with `candidate`: how many are unchanged,
/// changed, newly failing or newly fixed, and for each changed one the field-level difference
/// of its entities (a `Backtest`).
#[wasm_bindgen(js_name = "backtest")]
pub fn backtest(live: &crate::mapper::JsMapper, candidate: &crate::mapper::JsMapper, requests: Vec<String>) -> JsValue {
    let report =
        mapper_core::backtest::backtest(live.inner(), candidate.inner(), requests.iter().map(|r| r.as_bytes()));
    to_js(&report)
}

/// Propose a mapping for `blueprint` from a sample `request` (`{body, headers, queryParams}`):
/// `{mapping, matches: [{field, path}], unmatched: [field]}`.
#[wasm_bindgen]
pub fn scaffold(blueprint: JsValue, request: JsValue) -> Result<JsValue, JsValue> {
    let blueprint: serde_json::Value = from_js(blueprint, "blueprint")?;
    let blueprint = Blueprint::from_value(&blueprint).map_err(|d| error(&mapper_core::Error::Blueprint(d)))?;
    let request: serde_json::Value = from_js(request, "request")?;
    Ok(to_js(&mapper_core::scaffold::scaffold(&blueprint, &request)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CompleteContext {
    /// `jq` (inside an expression), `property` or `relation` (at a key of the entity's
    /// `properties` or `relations`); or, instead, `path`.
    #[serde(default)]
    place: Option<String>,
    /// The path of the configuration string the cursor is in (keys and indexes, as the editor
    /// reads them from the text): the engine decides the place ([`mapper_core::complete::Place::in_config`]).
    #[serde(default)]
    path: Option<Vec<serde_json::Value>>,
    /// With `path`: the string is an object key.
    #[serde(default)]
    key: bool,
    /// With `path`: asked for (Ctrl+Space), rather than while typing.
    #[serde(default)]
    explicit: bool,
    /// The text before the cursor: the jq expression so far, or the key so far.
    #[serde(default)]
    before: String,
    #[serde(default)]
    request: serde_json::Value,
    #[serde(default)]
    blueprint: Option<serde_json::Value>,
}

/// Completions at the cursor of a mapping: `[{label, kind, detail, info?, replace}]`; the keys
/// of the request after a path prefix, the engine's builtins, a blueprint's property and
/// relation names.
#[wasm_bindgen]
pub fn complete(context: JsValue) -> Result<JsValue, JsValue> {
    use mapper_core::complete::{complete, complete_in_config, Place};
    use mapper_core::path::Step;
    let cx: CompleteContext = from_js(context, "context")?;
    // A blueprint that doesn't read offers no names (its problems are the blueprint pane's).
    let blueprint = cx.blueprint.as_ref().and_then(|b| Blueprint::from_value(b).ok());
    if let Some(path) = &cx.path {
        let steps: Option<Vec<Step>> = path
            .iter()
            .map(|s| match s {
                serde_json::Value::String(k) => Some(Step::Key(k.clone())),
                serde_json::Value::Number(n) => n.as_u64().map(|i| Step::Index(i as usize)),
                _ => None,
            })
            .collect();
        let Some(steps) = steps else {
            return Err(crate::convert::argument_error(
                "context.path",
                "expected keys (strings) and indexes (numbers)",
            ));
        };
        let out = complete_in_config(&steps, cx.key, &cx.before, cx.explicit, &cx.request, blueprint.as_ref());
        return Ok(to_js(&out));
    }
    let place = match cx.place.as_deref() {
        Some("jq") => Place::Jq,
        Some("property") => Place::PropertyKey,
        Some("relation") => Place::RelationKey,
        other => {
            return Err(crate::convert::argument_error(
                "context.place",
                format!("expected \"jq\", \"property\" or \"relation\" (or a `path`), got {other:?}"),
            ))
        }
    };
    Ok(to_js(&complete(place, &cx.before, &cx.request, blueprint.as_ref())))
}
