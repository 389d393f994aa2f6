//! The bindings in a real browser (`wasm-pack test --headless --chrome`). Kept in their own file
//! with `run_in_browser`, so under `--chrome` they can't be skipped silently.

use js_sys::{Reflect, JSON};
use mapper_wasm::{evaluate, JsMapper};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const CONFIG: &str = include_str!("../../examples/spacelift/config.json");
const REQUEST: &str = include_str!("../../examples/spacelift/request.json");
const EXPECTED: &str = include_str!("../../examples/spacelift/expected.json");

#[wasm_bindgen_test]
fn runs_in_a_browser_window() {
    let has_document = Reflect::has(&js_sys::global(), &JsValue::from_str("document")).unwrap_or(false);
    assert!(has_document, "this test must run in a browser, not in Node");
}

#[wasm_bindgen_test]
fn maps_the_spacelift_request_in_the_browser() {
    let mapper = JsMapper::new(JsValue::from_str(CONFIG), JsValue::UNDEFINED).unwrap();
    let result: serde_json::Value = serde_json::from_str(&mapper.map_json(REQUEST).unwrap()).unwrap();
    assert_eq!(
        result["entities"],
        serde_json::from_str::<serde_json::Value>(EXPECTED).unwrap()
    );
}

#[wasm_bindgen_test]
fn now_uses_the_browser_clock() {
    let out = evaluate("now | floor", JsValue::NULL, JsValue::UNDEFINED).unwrap();
    let text = String::from(JSON::stringify(&out).unwrap());
    let secs = serde_json::from_str::<serde_json::Value>(&text).unwrap()["outputs"][0]
        .as_f64()
        .unwrap();
    let wall = js_sys::Date::now() / 1000.0;
    assert!((secs - wall).abs() < 5.0, "now = {secs}, Date.now() = {wall}");
}
