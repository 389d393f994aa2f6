//! Helpers shared by the cross-crate tests.

use std::path::PathBuf;

/// The conformance corpus, copied into the repository: `tests/data/conformance` (sources in
/// `tests/data/README.md`).
pub fn conformance_dir() -> PathBuf {
    let dir = tests_dir().join("data/conformance");
    assert!(dir.is_dir(), "the conformance corpus is missing at {}", dir.display());
    dir
}

/// This crate's own folder (`tests/`), where the known-differences list lives.
pub fn tests_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// What Port stores, as the corpus tests compare it.
pub mod port {
    use mapper_core::diagnostic::Code;
    use mapper_core::jq::{Limits, RunContext};
    use mapper_core::value::from_val;
    use mapper_core::{Entity, Mapper, MapperOptions};
    use serde_json::{json, Map, Value};

    /// The mark of a probe without output (Port leaves the key out).
    pub const ABSENT: &str = "<absent>";

    /// Equality of stored answers: numbers as JavaScript doubles (Port's binding converts jq's
    /// numbers with `napi_create_double`), objects regardless of key order.
    pub fn same(a: &Value, b: &Value) -> bool {
        match (a, b) {
            (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
            (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b)),
            (Value::Object(x), Value::Object(y)) => {
                x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
            }
            _ => a == b,
        }
    }

    /// What Port mode stores for `expr` on `input`: the one Port answer (`mapper_core::answer`),
    /// as `hookmap jq --port` and the npm package compute it.
    pub fn jq_answer(expr: &str, input: &jaq_json::Val) -> Value {
        let ctx = RunContext::start(std::sync::Arc::new(mapper_core::SystemClock), Limits::default());
        match mapper_core::answer::port_answer(expr, input, &ctx).stored.value() {
            Some(value) => from_val(value),
            None => Value::String(ABSENT.into()),
        }
    }

    /// What a mapping stores for each expression on one request (its JSON text): one property
    /// per expression, on one entity. A field that hits a resource limit drops the entity with
    /// an error naming the field; its answer is Port mode's for a limit, `null`, as `hookmap jq
    /// --port` prints it (the entity's other fields are lost with it: a limit hit on a shared
    /// input shows as a difference in each).
    pub fn mapping_answers(exprs: &[String], request_text: &str) -> Vec<Value> {
        let properties: Map<String, Value> = exprs
            .iter()
            .enumerate()
            .map(|(i, e)| (format!("p{i}"), Value::String(e.clone())))
            .collect();
        let config = json!([{ "blueprint": "probe", "entity": { "identifier": "'x'", "properties": properties } }]);
        let mapper = Mapper::new(&config, MapperOptions::default()).expect("the probe mapping compiles");
        let result = mapper
            .map_json(request_text.as_bytes())
            .expect("the probe request is read");
        let props = match result.entities.first() {
            Some(Entity::Create(e)) => e.properties.clone(),
            _ => Map::new(),
        };
        let limited: Vec<String> = result
            .diagnostics
            .iter()
            .filter(|d| {
                matches!(
                    d.code,
                    Code::LimitTime | Code::LimitRecursion | Code::LimitSize | Code::LimitDepth
                )
            })
            .map(|d| d.field.clone())
            .collect();
        (0..exprs.len())
            .map(|i| {
                let name = format!("p{i}");
                if limited.iter().any(|f| f.rsplit('.').next() == Some(name.as_str())) {
                    return Value::Null;
                }
                props
                    .get(&name)
                    .cloned()
                    .unwrap_or_else(|| Value::String(ABSENT.into()))
            })
            .collect()
    }
}
