//! Full mapping with generated jq expressions and payloads: a configuration of one to three
//! mappings (identifier, title, properties, filter, `itemsToParse`, create or delete) built
//! from a small jq grammar, compiled and applied to a generated request. Nothing panics,
//! hangs or overflows the stack, and `map_json`, `map_value` and `map` agree.
#![no_main]

use arbitrary::{Arbitrary, Result, Unstructured};
use hookmap_fuzz::setup::{options, timing_dependent};
use hookmap_fuzz::{jq, json};
use libfuzzer_sys::fuzz_target;
use mapper_core::{Mapper, Request};
use serde_json::{json, Map, Value};

/// A generated configuration and request.
#[derive(Debug)]
struct Case {
    config: Value,
    request: Value,
}

/// An expression: mostly from the grammar, sometimes raw fuzzer text.
fn expression(u: &mut Unstructured<'_>) -> Result<String> {
    if u.ratio(1u8, 8)? {
        u.arbitrary()
    } else {
        jq::expr(u, 4)
    }
}

fn mapping(u: &mut Unstructured<'_>) -> Result<Value> {
    let mut entity = Map::new();
    entity.insert("identifier".into(), expression(u)?.into());
    if u.arbitrary()? {
        entity.insert("title".into(), expression(u)?.into());
    }
    let mut properties = Map::new();
    for i in 0..u.int_in_range(0..=3u8)? {
        properties.insert(format!("p{i}"), expression(u)?.into());
    }
    entity.insert("properties".into(), properties.into());
    let mut m = Map::new();
    m.insert("blueprint".into(), "b".into());
    m.insert("entity".into(), entity.into());
    if u.arbitrary()? {
        m.insert("filter".into(), expression(u)?.into());
    }
    if u.arbitrary()? {
        m.insert("itemsToParse".into(), expression(u)?.into());
    }
    if u.ratio(1u8, 4)? {
        m.insert(
            "operation".into(),
            json!({"type": "delete", "deleteDependents": u.arbitrary::<bool>()?}),
        );
    }
    Ok(m.into())
}

impl<'a> Arbitrary<'a> for Case {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let n = u.int_in_range(1..=3u8)?;
        let mappings = (0..n).map(|_| mapping(u)).collect::<Result<Vec<_>>>()?;
        let request = json!({
            "body": json::value(u, 5)?,
            "headers": {"Content-Type": "application/json", "X-Id": json::value(u, 0)?.to_string()},
            "queryParams": {"q": "1"},
        });
        Ok(Case {
            config: json!({"identifier": "fuzz", "mappings": mappings}),
            request,
        })
    }
}

fuzz_target!(|case: Case| {
    let Ok(m) = Mapper::new(&case.config, options()) else {
        return;
    };
    let bytes = serde_json::to_vec(&case.request).expect("a JSON value serialises");
    let via_json = m.map_json(&bytes).expect("a well-formed request maps");
    let via_value = m.map_value(&case.request).expect("a well-formed request maps");
    let direct = m.map(&Request::from_json(&bytes).expect("a well-formed request parses"));
    let source = case.config.to_string();
    // `now` and the deadline are the only things that may differ between runs.
    if source.contains("now") || [&via_json, &via_value, &direct].into_iter().any(timing_dependent) {
        return;
    }
    assert_eq!(via_json, via_value, "map_json and map_value disagree");
    assert_eq!(via_json, direct, "map_json and map disagree");
});
