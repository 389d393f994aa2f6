//! Inputs the fuzzers (fuzz/, issue 8) and their follow-up probes found crashing the engine,
//! each reproduced as the plain test that failed before its fix. Runs of the programs happen on
//! the test's own 2 MiB thread, the smallest stack hookmap runs on natively.

use mapper_core::jq::{Dialect, Limits, Program};
use mapper_core::{Mapper, MapperOptions, Severity};
use serde_json::json;

/// Compile `code` as a mapping's identifier and return the `jq-compile` messages (warnings:
/// Port stores null for an expression that does not compile), after mapping a request with it.
fn compile_errors(code: &str) -> Vec<String> {
    let config = json!([{"blueprint": "b", "entity": {"identifier": code}}]);
    let m = Mapper::new(&config, MapperOptions::default()).expect("a configuration maps");
    m.map_value(&json!({"body": {}})).expect("a request maps");
    m.warnings()
        .iter()
        .filter(|d| d.code == mapper_core::Code::JqCompile)
        .map(|d| d.message.clone())
        .collect()
}

/// Deeply nested programs overflowed the stack in jaq's parser (SIGABRT, found by the
/// `dialect` target's follow-up probes at a few thousand levels; 200 in a debug build).
#[test]
fn deeply_nested_programs_are_a_compile_error_not_a_stack_overflow() {
    let n = 10_000;
    for code in [
        format!("{}1{}", "(".repeat(n), ")".repeat(n)),
        format!("{}1{}", "[".repeat(n), "]".repeat(n)),
        format!("{}1", "(".repeat(n)),
        format!("1{}", " + 1".repeat(n)),
        format!(".{}", " | .".repeat(n)),
        format!("{}.", ". as $x | ".repeat(n)),
        format!("{}1", "-".repeat(n)),
        format!("{}1{}", "if . then ".repeat(n), " else . end".repeat(n)),
        format!("{}1", "try ".repeat(n)),
        format!("\"{}1{}\"", "\\(\"".repeat(n), "\")".repeat(n)),
    ] {
        for dialect in [Dialect::Port, Dialect::Standard] {
            let errs = Program::compile(&code, dialect).err().expect("refused");
            assert!(errs[0].message.starts_with("nesting limit:"), "{}", errs[0].message);
        }
        let msgs = compile_errors(&code);
        assert!(msgs.iter().any(|m| m.starts_with("nesting limit:")), "{msgs:?}");
    }
}

/// Nesting that real programs use still compiles and runs.
#[test]
fn ordinary_nesting_still_compiles() {
    let code = format!("{}1{}", "(".repeat(60), ")".repeat(60));
    assert!(Program::compile(&code, Dialect::Port).is_ok());
    let m = Mapper::new(
        &json!([{"blueprint": "b", "entity": {"identifier": "[.body.id, (.body.items // [] | length | tostring)] | join(\"-\")"}}]),
        MapperOptions::default(),
    )
    .unwrap();
    let r = m.map_value(&json!({"body": {"id": "x"}})).unwrap();
    assert_eq!(r.entities[0].identifier(), &json!("x-0"));
    assert!(r.diagnostics.iter().all(|d| d.severity != Severity::Error));
}

/// Values nested hundreds of thousands of levels deep, built at run time, used to overflow
/// the stack of an ordinary thread where jaq dropped or walked them (aborting the process).
/// Programs now run on a stack region of their own (src/jq/engine/eval_stack.rs), outputs deeper than
/// the depth limit are refused, and paths are limited. Run on a thread with a 512 KiB stack.
#[test]
fn deep_runtime_values_do_not_overflow() {
    let outcome = std::thread::Builder::new()
        .stack_size(512 * 1024)
        .spawn(|| {
            let cases = [
                // (program, the identifier stored, a diagnostic that must appear)
                ("reduce range(100000) as $i (0; [.])", None, "depth limit"),
                ("setpath([range(100000) | \"a\"]; 1) | \"done\"", None, "Path too deep"),
                ("\"[\" * 100000 | fromjson", None, "jq error"),
                // Built a million levels deep, then dropped inside jaq: no output is deep.
                (
                    "reduce range(1000000) as $i (0; [.]) | \"dropped\"",
                    Some("dropped"),
                    "",
                ),
                (
                    "[reduce range(300) as $i (0; [.])] | flatten | length | tostring",
                    Some("1"),
                    "",
                ),
            ];
            let options = MapperOptions {
                limits: Limits {
                    time_limit_ms: Some(30_000.0),
                    ..Limits::default()
                },
                ..MapperOptions::default()
            };
            cases
                .iter()
                .map(|(code, want, diagnostic)| {
                    let config = json!([{"blueprint": "b", "entity": {"identifier": code}}]);
                    let m = Mapper::new(&config, options.clone()).unwrap();
                    let r = m.map_value(&json!({"body": {}})).unwrap();
                    let got = r.entities.first().map(|e| e.identifier().clone());
                    let messages: Vec<String> = r.diagnostics.iter().map(|d| d.message.clone()).collect();
                    (
                        code.to_string(),
                        got == want.map(|w| json!(w)),
                        diagnostic.is_empty() || messages.iter().any(|m| m.contains(diagnostic)),
                        messages,
                    )
                })
                .collect::<Vec<_>>()
        })
        .unwrap()
        .join()
        .expect("the mapping thread survives");
    for (code, identifier_ok, diagnostic_ok, messages) in outcome {
        assert!(identifier_ok && diagnostic_ok, "{code}: {messages:?}");
    }
}

/// Found by tests/properties.rs: serde_json's default float parsing is off by an ulp on some
/// inputs, so a number read by `map_json` printed differently from the same number given to
/// `map_value` (and from what Port prints). Fixed with serde_json's `float_roundtrip`.
#[test]
fn floats_parse_exactly_in_map_json() {
    let m = Mapper::new(
        &json!([{"blueprint": "b", "entity": {"identifier": ".body | tostring"}}]),
        MapperOptions::default(),
    )
    .unwrap();
    let text = br#"{"body": -9.885580273296213e-192}"#;
    let via_json = m.map_json(text).unwrap();
    // Port's binding gives jq the text JavaScript writes (`-9.885580273296213e-192`), which
    // libjq keeps as a literal and writes as decNumber does.
    assert_eq!(via_json.entities[0].identifier(), &json!("-9.885580273296213E-192"));
    let value: serde_json::Value = serde_json::from_slice(text).unwrap();
    assert_eq!(m.map_value(&value).unwrap(), via_json);
}
