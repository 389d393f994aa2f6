//! The raw bindings, run by `wasm-pack test --node`: values cross as plain JS objects, errors
//! carry every diagnostic with its path, and the answers are the engine's.

use js_sys::{Array, Reflect, JSON};
use mapper_wasm::{evaluate, validate_entity, verify_signature, JsMapper};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

const CONFIG: &str = include_str!("../../examples/spacelift/config.json");
const REQUEST: &str = include_str!("../../examples/spacelift/request.json");
const EXPECTED: &str = include_str!("../../examples/spacelift/expected.json");

fn js(text: &str) -> JsValue {
    JSON::parse(text).expect("test JSON parses")
}

fn json(v: &JsValue) -> serde_json::Value {
    serde_json::from_str(&String::from(JSON::stringify(v).unwrap())).unwrap()
}

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).unwrap()
}

#[wasm_bindgen_test]
fn maps_the_spacelift_request_from_plain_objects() {
    let mapper = JsMapper::new(js(CONFIG), JsValue::UNDEFINED).unwrap();
    let result = mapper.map(js(REQUEST)).unwrap();
    let entities = get(&result, "entities");
    assert!(Array::is_array(&entities), "entities is a plain array");
    let first = Array::from(&entities).get(0);
    assert!(get(&first, "properties").is_object());
    assert!(
        !get(&first, "properties").is_instance_of::<js_sys::Map>(),
        "objects, not Maps"
    );
    assert_eq!(
        json(&entities),
        serde_json::from_str::<serde_json::Value>(EXPECTED).unwrap()
    );
}

#[wasm_bindgen_test]
fn map_json_equals_map() {
    let mapper = JsMapper::new(JsValue::from_str(CONFIG), JsValue::UNDEFINED).unwrap();
    let text = mapper.map_json(REQUEST).unwrap();
    let via_json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(via_json, json(&mapper.map(js(REQUEST)).unwrap()));
}

#[wasm_bindgen_test]
fn invalid_config_throws_every_diagnostic_with_its_path_and_span() {
    let text = r#"[{"blueprint": "b", "entity": {"identifier": ".a |", "properties": {"x": "nosuch"}}}]"#;
    // Port maps it (null where an expression does not compile): warnings; strict refuses it.
    let lenient = JsMapper::new(js(text), JsValue::UNDEFINED).expect("Port maps it");
    let warnings = json(&lenient.warnings());
    assert_eq!(warnings[0]["code"], "jq-compile");
    assert_eq!(warnings[1]["code"], "jq-compile");
    let thrown = JsMapper::new(js(text), js(r#"{"strict": true}"#))
        .err()
        .expect("the config is refused");
    assert_eq!(get(&thrown, "hookmapError").as_string().as_deref(), Some("config"));
    let diagnostics = json(&get(&thrown, "diagnostics"));
    assert_eq!(diagnostics[0]["field"], "mappings[0].entity.identifier");
    assert_eq!(diagnostics[0]["span"], serde_json::json!({"start": 4, "end": 4}));
    assert_eq!(diagnostics[1]["field"], "mappings[0].entity.properties.x");
    assert_eq!(diagnostics[1]["message"], "nosuch/0 is not defined");
}

#[wasm_bindgen_test]
fn invalid_request_names_the_place() {
    let mapper = JsMapper::new(js(CONFIG), JsValue::UNDEFINED).unwrap();
    let thrown = mapper.map(js(r#"{"body": {}, "headers": {"X-A": 1}}"#)).err().unwrap();
    assert_eq!(
        json(&get(&thrown, "diagnostics"))[0]["field"],
        "request.headers[\"X-A\"]"
    );
    let thrown = mapper.map_json("{\"body\": [1,}").err().unwrap();
    let d = &json(&get(&thrown, "diagnostics"))[0];
    assert_eq!(d["code"], "json-syntax");
    assert_eq!(
        d["location"],
        serde_json::json!({"document": "request", "line": 1, "column": 13, "endLine": 1, "endColumn": 14})
    );
}

#[wasm_bindgen_test]
fn strict_and_blueprints_options() {
    let options = js(
        r#"{"strict": true, "blueprints": [{"identifier": "space_lift_stack", "schema": {"properties": {"link": {"type": "number"}}}}]}"#,
    );
    let mapper = JsMapper::new(js(CONFIG), options).unwrap();
    let result = json(&mapper.map(js(REQUEST)).unwrap());
    assert_eq!(result["entities"], serde_json::json!([]));
    let fields: Vec<&str> = result["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["field"].as_str().unwrap())
        .collect();
    assert!(fields.contains(&"mappings[0].entity.properties.link"), "{fields:?}");
    let bad = JsMapper::new(js(CONFIG), js(r#"{"stict": true}"#)).err().unwrap();
    assert_eq!(get(&bad, "hookmapError").as_string().as_deref(), Some("argument"));
}

#[wasm_bindgen_test]
fn evaluate_standard_and_port() {
    let input = js(r#"{"a": [1, 2]}"#);
    assert_eq!(
        json(&evaluate(".a[]", input.clone(), JsValue::UNDEFINED).unwrap()),
        serde_json::json!({"outputs": [1, 2], "diagnostics": []})
    );
    let codes = |v: &serde_json::Value| -> Vec<String> {
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| format!("{}/{}", d["code"].as_str().unwrap(), d["severity"].as_str().unwrap()))
            .collect()
    };
    let port = json(&evaluate(".a[]", input.clone(), js(r#"{"port": true}"#)).unwrap());
    assert_eq!(port["outputs"], serde_json::json!([1]));
    assert_eq!(codes(&port), ["extra-outputs/warning"]);
    let error = json(&evaluate("error(\"x\")", input.clone(), js(r#"{"port": true}"#)).unwrap());
    assert_eq!(error["outputs"], serde_json::json!([null]));
    assert_eq!(codes(&error), ["jq-error/warning"]);
    // A limit: Port stores null (it was `[]` before the one Port answer).
    let limit = json(&evaluate("def f: 1 + f; f", input.clone(), js(r#"{"port": true}"#)).unwrap());
    assert_eq!(limit["outputs"], serde_json::json!([null]));
    assert_eq!(codes(&limit), ["limit-recursion/error"]);
    let standard = json(&evaluate(".a[] | error(\"x\")", input, JsValue::UNDEFINED).unwrap());
    assert_eq!(standard["outputs"], serde_json::json!([]));
    assert_eq!(codes(&standard), ["jq-error/error"]);
    let now = json(&evaluate("now", JsValue::NULL, JsValue::UNDEFINED).unwrap())["outputs"][0]
        .as_f64()
        .unwrap();
    assert!(now > 1.7e9, "now comes from Date.now(): {now}");
}

#[wasm_bindgen_test]
fn verify_signature_on_strings_and_bytes() {
    let security = js(
        r#"{"secret": "Jefe", "signatureHeaderName": "x-signature-256", "signatureAlgorithm": "sha256", "signaturePrefix": "sha256="}"#,
    );
    let body = "what do ya want for nothing?";
    let headers =
        js(r#"{"X-Signature-256": "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"}"#);
    assert_eq!(
        json(&verify_signature(security.clone(), body.into(), headers.clone()).unwrap()),
        serde_json::json!({"valid": true})
    );
    let bytes = js_sys::Uint8Array::from(body.as_bytes());
    assert_eq!(
        json(&verify_signature(security.clone(), bytes.into(), headers).unwrap())["valid"],
        true
    );
    let v = json(&verify_signature(security, body.into(), js("{}")).unwrap());
    assert_eq!(
        v,
        serde_json::json!({"valid": false, "reason": "missing signature header `x-signature-256`", "code": "signature-missing"})
    );
}

#[wasm_bindgen_test]
fn validate_entity_names_fields() {
    let entity = js(
        r#"{"operation": "create", "blueprint": "b", "identifier": "i", "properties": {"link": "not a url"}, "relations": {}}"#,
    );
    let blueprint =
        js(r#"{"identifier": "b", "schema": {"properties": {"link": {"type": "string", "format": "url"}}}}"#);
    let d = json(&validate_entity(entity, blueprint).unwrap());
    assert_eq!(d[0]["field"], "properties.link");
    assert_eq!(d[0]["message"], "\"not a url\" is not a valid url");
}

#[wasm_bindgen_test]
fn requests_are_checked_with_located_problems() {
    // A body-only payload: the syntax error is placed in the payload's own text.
    let d = json(&mapper_wasm::check_request(b"{\n  \"a\": [1,]\n}", true));
    assert_eq!(d[0]["code"], "json-syntax");
    assert_eq!(d[0]["location"]["line"], 2);
    // A request whose header is not a string: the value is located.
    let d = json(&mapper_wasm::check_request(
        br#"{"body": {}, "headers": {"h": 1}}"#,
        false,
    ));
    assert_eq!(d[0]["code"], "wrong-type");
    assert_eq!(d[0]["location"]["column"], 31);
    assert_eq!(
        json(&mapper_wasm::check_request(br#"{"body": {}}"#, false)),
        serde_json::json!([])
    );
}

#[wasm_bindgen_test]
fn body_only_mapping_and_security_come_from_the_engine() {
    let mapper = JsMapper::new(js(CONFIG), JsValue::UNDEFINED).unwrap();
    let body = br#"{"stack": {"id": "s1"}}"#;
    let result: serde_json::Value = serde_json::from_str(&mapper.map_body_json_bytes(body).unwrap()).unwrap();
    let request = format!(r#"{{"body": {}}}"#, std::str::from_utf8(body).unwrap());
    let whole: serde_json::Value = serde_json::from_str(&mapper.map_json(&request).unwrap()).unwrap();
    assert_eq!(result, whole);
    assert!(mapper.security().is_null());
}
