//! The Port dialect rewrite on arbitrary text: the output has the same length, differs only
//! where a `'` became `"` (exactly at the reported offsets), and compiling the text in either
//! dialect never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mapper_core::jq::{rewrite_single_quotes, Dialect, Program};

fuzz_target!(|data: &[u8]| {
    let Ok(code) = std::str::from_utf8(data) else { return };
    let r = rewrite_single_quotes(code);
    assert_eq!(r.code.len(), code.len(), "the rewrite keeps byte offsets");
    let changed: Vec<usize> = code
        .bytes()
        .zip(r.code.bytes())
        .enumerate()
        .filter(|(_, (a, b))| a != b)
        .map(|(i, (a, b))| {
            assert_eq!((a, b), (b'\'', b'"'), "only ' becomes \" (at byte {i})");
            i
        })
        .collect();
    assert_eq!(changed, r.rewritten, "the reported offsets are the changed bytes");
    let _ = Program::compile(code, Dialect::Port);
    let _ = Program::compile(code, Dialect::Standard);
});
