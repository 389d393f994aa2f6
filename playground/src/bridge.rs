//! The browser side of the playground (`playground/js/bridge.mjs`, loaded as
//! `globalThis.HookmapBridge`): editors, the evaluation worker, share links, clipboard, download.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// Create a CodeMirror editor in `element`; returns its id. `on_path` (a function, or null)
    /// receives the JSON of the path of each value clicked; `traced`: hovering a jq string shows
    /// its value in the latest evaluation.
    #[wasm_bindgen(js_namespace = HookmapBridge, js_name = createEditor)]
    pub fn create_editor(
        element: &web_sys::HtmlElement,
        text: &str,
        label: &str,
        on_change: &js_sys::Function,
        on_path: &JsValue,
        traced: bool,
    ) -> u32;
    /// Insert text at an editor's cursor, as an undoable edit.
    #[wasm_bindgen(js_namespace = HookmapBridge, js_name = insertAtCursor)]
    pub fn insert_at_cursor(id: u32, text: &str);
    /// Ask the evaluation worker (`scaffold`, `complete`) with the JSON of the question: a
    /// Promise of the JSON of its answer.
    #[wasm_bindgen(js_namespace = HookmapBridge)]
    pub fn ask(kind: &str, input_json: &str) -> js_sys::Promise;
    /// Replace an editor's whole text as an edit (reported, undoable with Ctrl+Z).
    #[wasm_bindgen(js_namespace = HookmapBridge, js_name = replaceText)]
    pub fn replace_text(id: u32, text: &str);
    /// Replace an editor's text without reporting an edit.
    #[wasm_bindgen(js_namespace = HookmapBridge, js_name = setText)]
    pub fn set_text(id: u32, text: &str);
    /// Underline diagnostics (a JS array) in an editor, each at its `location`.
    #[wasm_bindgen(js_namespace = HookmapBridge, js_name = showDiagnostics)]
    pub fn show_diagnostics(id: u32, diagnostics: &JsValue);
    /// Select a diagnostic's place (its `location`) in an editor and focus it.
    #[wasm_bindgen(js_namespace = HookmapBridge)]
    pub fn reveal(id: u32, diagnostic: &JsValue);
    /// Start the evaluation worker with `schedule` (`{limitMs, patienceMs}`, see
    /// [`crate::schedule`]); results and status changes come back through the callbacks.
    #[wasm_bindgen(js_namespace = HookmapBridge, js_name = startEvaluator)]
    pub fn start_evaluator(
        worker_url: &str,
        on_result: &js_sys::Function,
        on_status: &js_sys::Function,
        schedule: &JsValue,
    );
    /// Evaluate (JSON of the inputs); cancels a running evaluation.
    #[wasm_bindgen(js_namespace = HookmapBridge)]
    pub fn evaluate(input_json: &str);
    /// Compress a JSON text for the URL hash (a Promise of a string).
    #[wasm_bindgen(js_namespace = HookmapBridge, js_name = encodeState)]
    pub fn encode_state(json: &str) -> js_sys::Promise;
    /// Decompress a URL-hash state (a Promise of a string or null).
    #[wasm_bindgen(js_namespace = HookmapBridge, js_name = decodeState)]
    pub fn decode_state(encoded: &str) -> js_sys::Promise;
    /// Copy text to the clipboard (a Promise of a boolean).
    #[wasm_bindgen(js_namespace = HookmapBridge)]
    pub fn copy(text: &str) -> js_sys::Promise;
    /// Download files (`[{name, text}]` as JSON) as a zip archive.
    #[wasm_bindgen(js_namespace = HookmapBridge)]
    pub fn download(name: &str, files_json: &str);
}

/// A Rust value as a JS value (through JSON), for the bridge.
pub fn to_js<T: serde::Serialize>(v: &T) -> JsValue {
    js_sys::JSON::parse(&serde_json::to_string(v).unwrap_or_else(|_| "null".into())).unwrap_or(JsValue::NULL)
}
