//! Request parsing on arbitrary bytes: `Request::from_json` never panics, and any request it
//! accepts maps with the Spacelift config, `map_json` agreeing with `map`.
#![no_main]

use hookmap_fuzz::setup::{timing_dependent, with_spacelift};
use libfuzzer_sys::fuzz_target;
use mapper_core::Request;

fuzz_target!(|data: &[u8]| with_spacelift(|m| {
    let parsed = Request::from_json(data);
    match (parsed, m.map_json(data)) {
        (Ok(request), Ok(via_json)) => {
            let _ = request.header("content-type");
            let direct = m.map(&request);
            if !timing_dependent(&direct) && !timing_dependent(&via_json) {
                assert_eq!(direct, via_json, "map_json and map disagree");
            }
        }
        (Err(a), Err(b)) => assert_eq!(a, b, "map_json and Request::from_json report different errors"),
        (a, b) => panic!("Request::from_json and map_json disagree: {a:?} vs {b:?}"),
    }
}));
