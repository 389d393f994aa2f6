//! Port's date functions (`tests/data/port-dates/`, made by `scripts/port-dates.py` with Port's
//! own engine): `strftime`, `mktime`, `gmtime` and `todate` on broken-down times with missing,
//! negative, huge or out-of-range fields, and every glibc conversion under flags, widths and
//! modifiers. Port mode must store exactly what Port stored, every probe: these are C's
//! functions over a plain struct, with nothing left to approximate (`mapper-core/src/jq/runtime/c_time.rs`).

use hookmap_tests::tests_dir;
use mapper_core::jq::{Limits, RunContext};
use mapper_core::value::from_val;
use serde_json::Value;

#[derive(serde::Deserialize)]
struct Probe {
    expr: String,
    output: Value,
}

/// What Port mode stores for `expr` on `null`: the one Port answer (`mapper_core::answer`), as
/// `hookmap jq --port` computes it.
fn port_answer(expr: &str) -> Value {
    let ctx = RunContext::start(std::sync::Arc::new(mapper_core::SystemClock), Limits::default());
    match mapper_core::answer::port_answer(expr, &jaq_json::Val::Null, &ctx)
        .stored
        .value()
    {
        Some(value) => from_val(value),
        None => Value::String("<absent>".into()),
    }
}

/// Numbers compare as the doubles Port stores.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b)),
        _ => a == b,
    }
}

#[test]
fn dates_as_ports_engine_stores_them() {
    let text = std::fs::read_to_string(tests_dir().join("data/port-dates/probes.jsonl"))
        .expect("tests/data/port-dates/probes.jsonl");
    let probes: Vec<Probe> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("a probe line"))
        .collect();
    assert!(probes.len() >= 1000, "only {} probes", probes.len());
    let differing: Vec<String> = probes
        .iter()
        .filter_map(|p| {
            let got = port_answer(&p.expr);
            (!same(&got, &p.output)).then(|| format!("{}\n  port:    {}\n  hookmap: {got}", p.expr, p.output))
        })
        .collect();
    eprintln!(
        "Port date corpus: {} / {} identical",
        probes.len() - differing.len(),
        probes.len()
    );
    assert!(
        differing.is_empty(),
        "{} differ:\n{}",
        differing.len(),
        differing.join("\n")
    );
}
