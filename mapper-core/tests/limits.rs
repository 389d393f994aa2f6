//! Hostile expressions and payloads end with a diagnostic naming the limit and the field; the
//! process survives and the next request maps normally.

use mapper_core::diagnostic::{Code, Document};
use mapper_core::jq::Limits;
use mapper_core::{Error, FieldOutcome, Mapper, MapperOptions, Severity};
use serde_json::{json, Value};

fn mapper(identifier: &str, limits: Limits) -> Mapper {
    let config = json!([{"blueprint": "b", "entity": {"identifier": identifier, "properties": {"ok": ".body.ok"}}}]);
    Mapper::new(
        &config,
        MapperOptions {
            limits,
            ..Default::default()
        },
    )
    .expect("the config compiles")
}

/// Map once with the hostile identifier, then check a normal request still maps; the
/// identifier's diagnostic's code and message.
fn limit_message(identifier: &str, limits: Limits) -> (Code, String) {
    let m = mapper(identifier, limits);
    let r = m.map_value(&json!({"body": {"ok": 1}})).unwrap();
    assert!(r.entities.is_empty(), "{identifier}: the entity is dropped");
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.field == "mappings[0].entity.identifier")
        .expect("a diagnostic on the identifier");
    assert_eq!(
        d.severity,
        Severity::Error,
        "{identifier}: a limit is an error, strict or not"
    );
    // The engine is fine afterwards: another mapper on the same thread maps normally.
    let ok = mapper("\"fine\"", Limits::default())
        .map_value(&json!({"body": {"ok": 2}}))
        .unwrap();
    assert_eq!(ok.entities[0].identifier(), &json!("fine"));
    (d.code, d.message.clone())
}

/// Time enough for recursion to reach the stack limit first, even on a loaded machine.
fn patient() -> Limits {
    Limits {
        time_limit_ms: Some(20_000.0),
        ..Limits::default()
    }
}

fn fast() -> Limits {
    Limits {
        time_limit_ms: Some(200.0),
        ..Limits::default()
    }
}

#[test]
fn deep_recursion_stops_at_the_stack_limit() {
    let (code, msg) = limit_message("def f: 1 + f; f", patient());
    assert_eq!(code, Code::LimitRecursion);
    assert!(msg.starts_with("recursion limit:"), "{msg}");
}

#[test]
fn try_cannot_swallow_a_limit() {
    let (code, msg) = limit_message("def f: try (1 + f) catch 0; f", patient());
    assert_eq!(code, Code::LimitRecursion);
    assert!(msg.starts_with("recursion limit:"), "{msg}");
}

#[test]
fn endless_loops_stop_at_the_deadline() {
    for program in [
        "def f: f; f",
        "last(repeat(1))",
        "[limit(1e15; repeat(1))] | length",
        "until(false; .)",
    ] {
        let (code, msg) = limit_message(program, fast());
        assert_eq!(code, Code::LimitTime, "{program}");
        assert!(msg.starts_with("time limit:"), "{program}: {msg}");
    }
}

#[test]
fn huge_ranges_stop_at_the_size_limit() {
    let limits = Limits {
        max_range_values: 100_000,
        ..fast()
    };
    let (code, msg) = limit_message("[range(1e9)] | length", limits);
    assert_eq!(code, Code::LimitSize);
    assert!(msg.starts_with("size limit: `range`"), "{msg}");
}

#[test]
fn huge_values_stop_at_the_value_limit() {
    let (code, msg) = limit_message("\"x\" * 9000000", fast());
    assert_eq!(code, Code::LimitSize);
    assert!(
        msg.starts_with("size limit: the expression yielded a value larger than 8 MiB"),
        "{msg}"
    );
}

#[test]
fn legitimate_recursion_and_loops_still_work() {
    let m = mapper(
        "def fac: if . <= 1 then 1 else . * (. - 1 | fac) end; 20 | fac | tostring",
        Limits::default(),
    );
    assert_eq!(
        m.map_value(&json!({"body": {}})).unwrap().entities[0].identifier(),
        &json!("2432902008176640000")
    );
    let m = mapper("[range(100000)] | length | tostring", Limits::default());
    assert_eq!(
        m.map_value(&json!({"body": {}})).unwrap().entities[0].identifier(),
        &json!("100000")
    );
}

#[test]
fn input_is_an_error_not_a_crash() {
    // Port's own engine crashes its process on `input`; here it is "No more inputs" -> null.
    let m = mapper("\"x\"", Limits::default());
    let config = json!([{"blueprint": "b", "entity": {"identifier": "\"x\"", "properties": {"i": "input"}}}]);
    let _ = m;
    let m = Mapper::new(&config, MapperOptions::default()).unwrap();
    let r = m.map_value(&json!({"body": {}})).unwrap();
    let Some(d) = r
        .diagnostics
        .iter()
        .find(|d| d.field == "mappings[0].entity.properties.i")
    else {
        panic!("{r:?}")
    };
    assert!(d.message.contains("No more inputs"), "{}", d.message);
}

fn nested(depth: usize) -> String {
    format!("{}1{}", "[".repeat(depth), "]".repeat(depth))
}

#[test]
fn deeply_nested_requests_and_configs_are_refused_with_their_place() {
    let m = mapper("\"x\"", Limits::default());
    let body = format!("{{\"body\": {}}}", nested(10_000));
    let Err(Error::Request(d)) = m.map_json(body.as_bytes()) else {
        panic!("refused")
    };
    assert!(d[0].message.contains("recursion limit exceeded"), "{}", d[0].message);
    assert_eq!(d[0].code, Code::JsonSyntax);
    assert_eq!(
        d[0].location.map(|l| (l.document, l.line)),
        Some((Document::Request, 1))
    );
    let config = format!(
        "[{{\"blueprint\": \"b\", \"entity\": {{\"identifier\": \".a\"}}, \"x\": {}}}]",
        nested(10_000)
    );
    let Err(Error::Config(d)) = Mapper::from_json(&config, MapperOptions::default()) else {
        panic!("refused")
    };
    assert!(d[0].message.contains("recursion limit exceeded"), "{}", d[0].message);
    // A request nested within the limit maps.
    let ok = format!("{{\"body\": {}}}", nested(100));
    assert!(m.map_json(ok.as_bytes()).is_ok());
}

#[test]
fn limits_are_reported_in_the_trace_too() {
    let m = mapper("def f: f; f", fast());
    let req = mapper_core::Request::from_value(&json!({"body": {}})).unwrap();
    let (_, traces) = m.map_traced(&req);
    let t = traces
        .iter()
        .find(|t| t.field == "mappings[0].entity.identifier")
        .unwrap();
    assert!(
        matches!(&t.outcome, FieldOutcome::Limit { message } if message.starts_with("time limit:")),
        "{t:?}"
    );
    let _: Value = json!(null);
}
