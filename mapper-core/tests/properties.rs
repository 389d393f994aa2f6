//! Property tests (issue 8): mapping never panics, Port mode never refuses a well-shaped
//! request, the three ways of handing a request in agree, and Port's single-quote rewrite
//! keeps its invariants. Few cases each, so `make test` stays quick; `fuzz/` goes further.

use mapper_core::jq::{rewrite_single_quotes, Dialect, Limits, Program};
use mapper_core::{MapResult, Mapper, MapperOptions, Request};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

const SPACELIFT: &str = include_str!("../../examples/spacelift/config.json");

fn options() -> MapperOptions {
    MapperOptions {
        limits: Limits {
            time_limit_ms: Some(20.0),
            ..Limits::default()
        },
        ..MapperOptions::default()
    }
}

/// Any JSON value, a few levels deep, with keys the expressions below read.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        "\\PC{0,12}".prop_map(Value::String),
        prop_oneof![Just("FINISHED"), Just("2025-04-25T16:51:28Z"), Just("'"), Just("")].prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 32, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![Just("id".to_owned()), Just("stack".to_owned()), "\\PC{0,6}"],
                    inner
                ),
                0..5
            )
            .prop_map(|kvs| Value::Object(kvs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// A request of the right shape: any body, string headers and query parameters.
fn request() -> impl Strategy<Value = Value> {
    let strings = prop::collection::btree_map("[A-Za-z-]{1,8}", "\\PC{0,8}", 0..3);
    let names = prop_oneof![Just("X-Id".to_owned()), Just("x-id".to_owned()), "[A-Za-z-]{1,8}"];
    let headers = prop::collection::btree_map(names, "\\PC{0,8}", 0..4);
    (json_value(), headers, strings)
        .prop_map(|(body, headers, query)| json!({"body": body, "headers": headers, "queryParams": query}))
}

/// A jq expression from a small grammar of what mappings write (and some they shouldn't).
fn expression() -> impl Strategy<Value = String> {
    let atom = prop_oneof![
        Just(".body".to_owned()),
        Just(".body.id".to_owned()),
        Just(".body.stack.id".to_owned()),
        Just(".body[]?".to_owned()),
        Just(".headers".to_owned()),
        Just("'quoted'".to_owned()),
        Just("null".to_owned()),
        Just("1e1000".to_owned()),
        Just("env".to_owned()),
        Just("input".to_owned()),
        Just("error".to_owned()),
        Just("def f: f; f".to_owned()),
        Just("[range(1e9)]".to_owned()),
    ];
    atom.prop_recursive(3, 12, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} | {b}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} // {b}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} + {b}")),
            inner.clone().prop_map(|a| format!("[{a}] | tostring")),
            inner.clone().prop_map(|a| format!("select({a})")),
            inner.clone().prop_map(|a| format!("try ({a}) catch \"c\"")),
            (inner.clone(), inner).prop_map(|(a, b)| format!("if {a} then {b} else \"x\" end")),
        ]
    })
}

/// A field path or literal: what the fast path answers, and what `map_json` parses the request
/// body down to (every other part of the body is skipped).
fn field_path() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(".body.id".to_owned()),
        Just(".body.stack.id".to_owned()),
        Just(".body.stack.id | tostring".to_owned()),
        Just(".body.stack".to_owned()),
        Just(".body[0].id".to_owned()),
        Just(".body.stack[\"id\"]".to_owned()),
        Just(".headers.id".to_owned()),
        Just(".headers[\"x-id\"]".to_owned()),
        Just(".headers[\"X-Id\"]".to_owned()),
        Just(".item.id".to_owned()),
        Just(".item".to_owned()),
        Just("\"literal\"".to_owned()),
        Just("true".to_owned()),
        // a path piped into the interpreter: only the path's value is built
        Just(".body.stack | tostring | length".to_owned()),
        Just(".body.stack.id | type".to_owned()),
        Just(".headers[\"x-id\"] | ascii_downcase".to_owned()),
        Just(".body | keys".to_owned()),
        // paths, literals and operators: only the paths are built
        Just(".body.id == \"x\" or .body.stack.id != null".to_owned()),
        Just("if .body.id then .body.stack else \"n\" end".to_owned()),
        Just(".body.stack.id // .headers[\"x-id\"]".to_owned()),
        Just("(.body[0].id, .body.id) == 1".to_owned()),
        Just("\"\\(.body.id)-\\(.body.stack.id)\"".to_owned()),
        // read as Port rewrites its quotes, and with comments
        Just(".body.id == 'x' or .body.stack.id != 'y'".to_owned()),
        Just("# the id\n.body.stack.id # (a string)".to_owned()),
        // reads everything
        Just(".body.stack |= 1 | .body.id".to_owned()),
        Just(".body.stack.id += 1".to_owned()),
        Just(".body.id = 1".to_owned()),
    ]
}

/// A mapping array with generated identifier, title, property, filter and items.
fn config() -> impl Strategy<Value = Value> {
    (expression(), expression(), expression(), prop::option::of(expression()), any::<bool>()).prop_map(
        |(identifier, title, prop, filter, items)| {
            let mut m = json!({"blueprint": "b", "entity": {"identifier": identifier, "title": title, "properties": {"p": prop}}});
            if let Some(f) = filter {
                m["filter"] = f.into();
            }
            if items {
                m["itemsToParse"] = ".body | arrays".into();
            }
            json!([m])
        },
    )
}

fn timing_dependent(r: &MapResult) -> bool {
    r.diagnostics.iter().any(|d| d.message.starts_with("time limit"))
}

/// Map one request every way the API offers; `map_json`, `map_value` and `map` must agree.
fn map_all_ways(m: &Mapper, request: &Value) -> Result<(), TestCaseError> {
    let bytes = serde_json::to_vec(request).unwrap();
    let via_json = m.map_json(&bytes);
    let via_value = m.map_value(request);
    prop_assert!(
        via_json.is_ok(),
        "Port mode refused a well-shaped request: {via_json:?}"
    );
    prop_assert!(
        via_value.is_ok(),
        "Port mode refused a well-shaped request: {via_value:?}"
    );
    let (via_json, via_value) = (via_json.unwrap(), via_value.unwrap());
    let direct = m.map(&Request::from_json(&bytes).unwrap());
    if ![&via_json, &via_value, &direct].into_iter().any(timing_dependent) {
        prop_assert_eq!(&via_json, &via_value);
        prop_assert_eq!(&via_json, &direct);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// (a, b, c) The Spacelift example on any well-shaped request: no panic, no `Err`, and
    /// the three entry points agree.
    #[test]
    fn spacelift_maps_any_request(request in request()) {
        let m = Mapper::from_json(SPACELIFT, options()).unwrap();
        map_all_ways(&m, &request)?;
    }

    /// (a, b, c) Generated configurations: those that compile map any well-shaped request
    /// without panicking or refusing it, the same way through every entry point.
    #[test]
    fn generated_configs_map_any_request(config in config(), request in request()) {
        if let Ok(m) = Mapper::new(&config, options()) {
            map_all_ways(&m, &request)?;
        }
    }

    /// (c) Mappings made only of field paths: `map_json` builds only the parts of the body they
    /// read, and must still agree with the other entry points (which build the whole body).
    #[test]
    fn field_path_configs_map_any_request(
        identifier in field_path(),
        title in field_path(),
        props in prop::collection::vec(field_path(), 2..6),
        items in prop::option::weighted(0.2, prop_oneof![Just(".body"), Just(".body.stack"), Just(".body.id")]),
        request in request(),
    ) {
        let properties: serde_json::Map<String, Value> =
            props.into_iter().enumerate().map(|(i, p)| (format!("p{i}"), p.into())).collect();
        let mut m = json!({"blueprint": "b", "entity": {"identifier": identifier, "title": title, "properties": properties}});
        if let Some(items) = items {
            m["itemsToParse"] = items.into();
        }
        let m = Mapper::new(&json!([m]), options()).unwrap();
        map_all_ways(&m, &request)?;
    }

    /// (d) The rewrite keeps byte offsets, changes only `'` into `"` at the reported offsets,
    /// and compiling the text in either dialect never panics.
    #[test]
    fn dialect_rewrite_invariants(code in prop_oneof!["[ '\"a-z.|()\\\\\t\n]{0,40}", "\\PC{0,40}"]) {
        let r = rewrite_single_quotes(&code);
        prop_assert_eq!(r.code.len(), code.len());
        let changed: Vec<usize> = code.bytes().zip(r.code.bytes()).enumerate()
            .filter(|(_, (a, b))| a != b).map(|(i, _)| i).collect();
        for &i in &changed {
            prop_assert_eq!((code.as_bytes()[i], r.code.as_bytes()[i]), (b'\'', b'"'));
        }
        prop_assert_eq!(changed, r.rewritten);
        // Compiling never panics, and errors point into the text as written.
        for dialect in [Dialect::Port, Dialect::Standard] {
            for e in Program::compile(&code, dialect).err().unwrap_or_default() {
                let (start, end) = (e.span.start, e.span.end);
                prop_assert!(start <= end && end <= code.len(), "{:?}", e);
                prop_assert!(code.is_char_boundary(start) && code.is_char_boundary(end), "{:?}", e);
            }
        }
    }

    /// (e) After every rewrite the compiler makes (Port's quotes, `?//`, `.5`, `reduce` over a
    /// non-atom, `$name:` patterns, `catch` bodies, Port's `as` precedence), a compile error
    /// points at the text as written.
    #[test]
    fn compile_errors_point_at_the_text_as_written(
        parts in prop::collection::vec(rewritten_part(), 1..5),
        seps in prop::collection::vec(prop_oneof![Just(" , "), Just(" | "), Just(" + "), Just("\n# c\n| ")], 5),
        at in any::<prop::sample::Index>(),
    ) {
        let mut parts = parts;
        parts.insert(at.index(parts.len() + 1), "nosuch");
        let mut code = String::new();
        for (i, p) in parts.iter().enumerate() {
            if i > 0 {
                code.push_str(seps[i - 1]);
            }
            code.push_str(p);
        }
        // `reduce` over a non-atom is jq 1.8's grammar (Port's engine refuses it), single
        // quotes are Port's dialect.
        let dialects = [
            (Dialect::Port, !code.contains("reduce .[] / 2")),
            (Dialect::Standard, !code.contains('\'')),
        ];
        for (dialect, _) in dialects.iter().filter(|(_, applies)| *applies) {
            let errs = Program::compile(&code, *dialect).err().unwrap_or_default();
            prop_assert_eq!(errs.len(), 1, "{}: {:?}", code, errs);
            prop_assert_eq!(&errs[0].message, "nosuch/0 is not defined");
            prop_assert_eq!(&code[errs[0].span.start..errs[0].span.end], "nosuch", "{}", code);
        }
    }
}

/// A part of a program the compiler rewrites before jaq reads it (or not).
fn rewritten_part() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just(". as [$a] ?// $a | $a"),
        Just(". as {$a: [$b]} ?// [$a] ?// $b | [$a, $b]"),
        Just(".5"),
        Just("[.25, -.5]"),
        Just("reduce .[] / 2 as $x (0; . + $x)"),
        Just(". as {$k: [$v]} | $v"),
        Just("try .a catch ."),
        Just("try 1 catch if . then 1 else 2 end"),
        Just("(try error catch try . catch .)"),
        Just("'quoted'"),
        Just("\"s \\(.5) \\(try 1 catch .)\""),
        Just(".a.b"),
        Just("(1)"),
        Just("1 + .a as $x | $x"),
    ]
}
