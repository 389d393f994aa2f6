//! Config parsing on arbitrary text: `WebhookConfig::from_json` and `Mapper::from_json` never
//! panic, and a configuration that compiles maps a small request and the Spacelift request.
#![no_main]

use hookmap_fuzz::setup::options;
use libfuzzer_sys::fuzz_target;
use mapper_core::{Mapper, WebhookConfig};

const REQUEST: &[u8] = br#"{"body": {"id": 1, "items": [{"id": "a"}, 2]}, "headers": {"X-A": "b"}, "queryParams": {}}"#;
const SPACELIFT_REQUEST: &[u8] = include_bytes!("../../examples/spacelift/request.json");

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let parsed = WebhookConfig::from_json(text);
    let mapper = Mapper::from_json(text, options());
    // Both read the same JSON: a syntax error in one is a syntax error in the other.
    if mapper.is_ok() {
        assert!(parsed.is_ok(), "a config the mapper compiled failed to parse");
    }
    if let Ok(m) = mapper {
        for request in [REQUEST, SPACELIFT_REQUEST] {
            let _ = m.map_json(request).expect("a valid request maps");
        }
    }
});
