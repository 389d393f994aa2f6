//! The engine's behaviour, rule by rule: Port's dialect, the strict option, mapping keys, and
//! the exact place named by every error.

use mapper_core::diagnostic::{Code, Document};
use mapper_core::{Diagnostic, Entity, Error, FieldOutcome, FixedClock, MapResult, Mapper, MapperOptions, Severity};
use serde_json::{json, Value};
use std::sync::Arc;

fn mapper(config: Value) -> Mapper {
    Mapper::new(&config, MapperOptions::default()).unwrap_or_else(|e| panic!("config should compile: {e}"))
}

fn strict(config: Value) -> Mapper {
    Mapper::new(
        &config,
        MapperOptions {
            strict: true,
            ..Default::default()
        },
    )
    .unwrap_or_else(|e| panic!("config should compile: {e}"))
}

fn one(props: Value) -> Value {
    json!([{"blueprint": "svc", "entity": {"identifier": "\"id-1\"", "properties": props}}])
}

fn map(m: &Mapper, body: Value) -> MapResult {
    m.map_value(&json!({"body": body, "headers": {"X-Thing": "v"}, "queryParams": {"q": "1"}}))
        .unwrap()
}

fn props(r: &MapResult) -> &serde_json::Map<String, Value> {
    match &r.entities[0] {
        Entity::Create(e) => &e.properties,
        other => panic!("expected a create entity, got {other:?}"),
    }
}

fn only<'a>(r: &'a MapResult, field: &str) -> &'a Diagnostic {
    let found: Vec<_> = r.diagnostics.iter().filter(|d| d.field == field).collect();
    assert_eq!(found.len(), 1, "one diagnostic at {field}: {:?}", r.diagnostics);
    found[0]
}

fn config_errors(config: Value) -> Vec<Diagnostic> {
    match Mapper::new(&config, MapperOptions::default()) {
        Err(Error::Config(d)) => d,
        other => panic!("expected a config error, got {other:?}"),
    }
}

// ---- Port's dialect, one rule at a time ----

#[test]
fn single_quotes_become_double_quotes_with_a_warning() {
    let m = mapper(one(json!({"s": ".body.state == 'FINISHED'"})));
    assert_eq!(props(&map(&m, json!({"state": "FINISHED"})))["s"], json!(true));
    let w = &m.warnings()[0];
    assert_eq!(w.field, "mappings[0].entity.properties.s");
    assert_eq!(w.severity, Severity::Warning);
    assert_eq!(w.span.map(|s| s.start), Some(15), "points at the first rewritten quote");
}

#[test]
fn env_and_dollar_env_are_empty_objects() {
    let m = mapper(one(json!({"a": "env", "b": "$ENV", "c": "$ENV.HOME"})));
    let r = map(&m, json!({}));
    assert_eq!(props(&r)["a"], json!({}));
    assert_eq!(props(&r)["b"], json!({}));
    assert_eq!(props(&r)["c"], Value::Null);
    assert!(only(&r, "mappings[0].entity.properties.a").message.contains("env"));
}

#[test]
fn only_the_first_output_counts() {
    let m = mapper(one(json!({"first": ".body.xs[]"})));
    let r = map(&m, json!({"xs": [3, 4, 5]}));
    assert_eq!(props(&r)["first"], json!(3));
    assert!(only(&r, "mappings[0].entity.properties.first")
        .message
        .contains("more than one output"));
}

#[test]
fn no_output_leaves_the_key_out() {
    let m = mapper(one(json!({"gone": "empty", "kept": "1"})));
    let r = map(&m, json!({}));
    assert!(!props(&r).contains_key("gone"));
    assert_eq!(props(&r)["kept"], json!(1));
    assert!(only(&r, "mappings[0].entity.properties.gone")
        .message
        .contains("no output"));
}

#[test]
fn an_error_yields_null_and_a_warning_naming_the_field() {
    let m = mapper(one(json!({"n": ".body.s | tonumber", "ok": ".body.s"})));
    let r = map(&m, json!({"s": "abc"}));
    assert_eq!(props(&r)["n"], Value::Null);
    assert_eq!(props(&r)["ok"], json!("abc"));
    let d = only(&r, "mappings[0].entity.properties.n");
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(d.mapping, Some(0));
    assert_eq!(d.expression.as_deref(), Some(".body.s | tonumber"));
    assert!(d.message.contains("Port stores null"), "{}", d.message);
}

#[test]
fn strict_turns_each_silent_case_into_an_error_that_drops_the_entity() {
    for expr in [".body.xs[]", "empty", "error(\"boom\")", "env"] {
        let m = strict(one(json!({"p": expr})));
        let r = map(&m, json!({"xs": [1, 2]}));
        assert!(r.entities.is_empty(), "{expr}: entity dropped");
        assert_eq!(
            only(&r, "mappings[0].entity.properties.p").severity,
            Severity::Error,
            "{expr}"
        );
    }
    // Compile-time warnings refuse the configuration in strict mode.
    let e = Mapper::new(
        &one(json!({"p": "'x'"})),
        MapperOptions {
            strict: true,
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(e.diagnostics()[0].field, "mappings[0].entity.properties.p");
}

#[test]
fn headers_are_reachable_in_lowercase() {
    let m = mapper(one(json!({"h": ".headers[\"x-thing\"]", "q": ".queryParams.q"})));
    let r = map(&m, json!({}));
    assert_eq!(props(&r)["h"], json!("v"));
    assert_eq!(props(&r)["q"], json!("1"));
}

#[test]
fn now_comes_from_the_host_clock() {
    let cfg = one(json!({"t": "now | todate"}));
    let m = Mapper::new(
        &cfg,
        MapperOptions {
            clock: Arc::new(FixedClock(1745599888.9)),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(props(&map(&m, json!({})))["t"], json!("2025-04-25T16:51:28Z"));
}

// ---- mappings ----

#[test]
fn filter_selects_mappings_and_entities_keep_mapping_order() {
    let m = mapper(json!([
        {"blueprint": "a", "filter": ".body.kind == \"x\"", "entity": {"identifier": "\"a1\""}},
        {"blueprint": "b", "entity": {"identifier": "\"b1\""}},
        {"blueprint": "c", "filter": "false", "entity": {"identifier": "\"c1\""}},
        {"blueprint": "d", "filter": "\"yes\"", "entity": {"identifier": "\"d1\""}}
    ]));
    let r = map(&m, json!({"kind": "x"}));
    let ids: Vec<_> = r.entities.iter().map(|e| e.identifier().clone()).collect();
    assert_eq!(ids, [json!("a1"), json!("b1")]);
    assert!(only(&r, "mappings[3].filter").message.contains("not true"));
}

#[test]
fn items_to_parse_maps_each_item_with_its_own_filter_and_index() {
    let m = mapper(
        json!([{"blueprint": "label", "itemsToParse": ".body.stack.labels", "filter": ".item != \"skip\"",
        "entity": {"identifier": ".item", "properties": {"stack": ".body.stack.id", "n": ".item | tonumber"}}}]),
    );
    let r = map(&m, json!({"stack": {"id": "s", "labels": ["a", "skip", "c"]}}));
    let ids: Vec<_> = r.entities.iter().map(|e| e.identifier().clone()).collect();
    assert_eq!(ids, [json!("a"), json!("c")]);
    let items: Vec<_> = r.diagnostics.iter().map(|d| d.item).collect();
    assert_eq!(items, [Some(0), Some(2)], "tonumber fails on items 0 and 2, each named");
}

#[test]
fn items_to_parse_gives_each_item_the_whole_request_and_only_its_own_item() {
    // The input object is shared between items and its `item` replaced in place: an output
    // holding the input (`.`) must not see a later item.
    let m = mapper(json!([{"blueprint": "n", "itemsToParse": ".body.list",
        "entity": {"identifier": ".item.id", "properties": {"all": ".", "keys": "keys_unsorted", "n": ".item.n"}}}]));
    let r = map(
        &m,
        json!({"list": [{"id": "a", "n": 1}, {"id": "b", "n": 2}, {"id": "c"}]}),
    );
    assert_eq!(r.entities.len(), 3);
    for (e, (id, n)) in r
        .entities
        .iter()
        .zip([("a", json!(1)), ("b", json!(2)), ("c", Value::Null)])
    {
        let Entity::Create(e) = e else {
            panic!("a create entity")
        };
        assert_eq!(e.identifier, json!(id));
        assert_eq!(e.properties["n"], n);
        assert_eq!(e.properties["all"]["item"]["id"], json!(id));
        assert_eq!(e.properties["all"]["headers"]["X-Thing"], "v");
        assert_eq!(e.properties["keys"], json!(["body", "headers", "queryParams", "item"]));
    }
}

#[test]
fn items_to_parse_stops_at_500() {
    let m = mapper(
        json!([{"blueprint": "n", "itemsToParse": "[range(600)]", "entity": {"identifier": ".item | tostring"}}]),
    );
    let r = map(&m, json!({}));
    assert_eq!(r.entities.len(), 500);
    assert_eq!(r.entities[499].identifier(), &json!("499"));
    assert!(only(&r, "mappings[0].itemsToParse").message.contains("600 items"));
}

#[test]
fn items_to_parse_must_yield_an_array() {
    let m = mapper(json!([{"blueprint": "n", "itemsToParse": ".body", "entity": {"identifier": ".item"}}]));
    let r = map(&m, json!({"a": 1}));
    assert!(r.entities.is_empty());
    assert_eq!(only(&r, "mappings[0].itemsToParse").severity, Severity::Error);
}

#[test]
fn delete_operations_in_both_forms() {
    let m = mapper(json!([
        {"blueprint": "a", "operation": "delete", "entity": {"identifier": "\"x\""}},
        {"blueprint": "b", "operation": {"type": "delete", "deleteDependents": true}, "entity": {"identifier": "\"y\""}},
        {"blueprint": "c", "operation": {"type": "create"}, "entity": {"identifier": "\"z\""}}
    ]));
    let r = map(&m, json!({}));
    assert_eq!(
        serde_json::to_value(&r.entities).unwrap(),
        json!([
            {"operation": "delete", "blueprint": "a", "identifier": "x"},
            {"operation": "delete", "blueprint": "b", "identifier": "y", "deleteDependents": true},
            {"operation": "create", "blueprint": "c", "identifier": "z", "properties": {}, "relations": {}}
        ])
    );
}

#[test]
fn search_queries_evaluate_their_leaves() {
    let m = mapper(json!([{"blueprint": "svc", "entity": {
        "identifier": {"combinator": "'and'", "rules": [{"property": "'$title'", "operator": "'='", "value": ".body.name"}]},
        "relations": {"owner": {"combinator": "\"or\"", "rules": [{"property": "\"email\"", "operator": "\"in\"", "value": ".body.emails"}]}}}}]));
    let r = map(&m, json!({"name": "api", "emails": ["a@b.io"]}));
    assert_eq!(
        r.entities[0].identifier(),
        &json!({"combinator": "and", "rules": [{"property": "$title", "operator": "=", "value": "api"}]})
    );
    let Entity::Create(e) = &r.entities[0] else { panic!() };
    assert_eq!(e.relations["owner"]["rules"][0]["value"], json!(["a@b.io"]));
}

#[test]
fn identifier_rules() {
    let m = mapper(json!([
        {"blueprint": "a", "entity": {"identifier": ".body.n"}},
        {"blueprint": "b", "entity": {"identifier": "\"has space\""}},
        {"blueprint": "c", "entity": {"identifier": ".body.missing"}},
        {"blueprint": "d", "entity": {"identifier": "[1]"}},
        {"blueprint": "e", "entity": {"identifier": "\"x\" * 1001"}}
    ]));
    let r = map(&m, json!({"n": 231009949}));
    assert_eq!(r.entities.len(), 1);
    assert_eq!(r.entities[0].identifier(), &json!("231009949"));
    assert_eq!(only(&r, "mappings[0].entity.identifier").severity, Severity::Warning);
    for i in 1..5 {
        assert_eq!(
            only(&r, &format!("mappings[{i}].entity.identifier")).severity,
            Severity::Error,
            "mapping {i}"
        );
    }
}

#[test]
fn disabled_webhooks_drop_every_event() {
    let m = mapper(json!({"enabled": false, "mappings": one(json!({}))}));
    let r = map(&m, json!({}));
    assert!(r.entities.is_empty());
    assert_eq!(r.diagnostics[0].field, "enabled");
}

#[test]
fn request_identifier_path_is_evaluated_on_the_request() {
    let m = mapper(json!({"mappings": [], "security": {"requestIdentifierPath": ".headers[\"x-thing\"]"}}));
    let req = mapper_core::Request::from_value(&json!({"body": {}, "headers": {"X-Thing": "d-1"}})).unwrap();
    assert_eq!(m.request_identifier(&req), Some(json!("d-1")));
}

#[test]
fn a_signed_webhook_identifying_deliveries_by_a_header_is_warned() {
    let signed = json!({"signatureHeaderName": "x-sig", "signatureAlgorithm": "sha256", "requestIdentifierPath": ".headers[\"X-GitHub-Delivery\"]"});
    let m = mapper(json!({"mappings": [], "security": signed}));
    let w: Vec<_> = m
        .warnings()
        .iter()
        .filter(|d| d.code == mapper_core::Code::UnsignedIdentifier)
        .collect();
    assert_eq!(w.len(), 1, "{:?}", m.warnings());
    assert_eq!(w[0].field, "security.requestIdentifierPath");
    assert!(
        w[0].message
            .starts_with("reads the header x-github-delivery, which the signature does not cover"),
        "{}",
        w[0].message
    );
    // From the body: covered by the signature, no warning; unsigned: nothing to cover.
    let body = json!({"mappings": [], "security": {"signatureHeaderName": "x-sig", "requestIdentifierPath": ".body.delivery_id"}});
    assert!(mapper(body)
        .warnings()
        .iter()
        .all(|d| d.code != mapper_core::Code::UnsignedIdentifier));
    let unsigned = json!({"mappings": [], "security": {"requestIdentifierPath": ".headers.id"}});
    assert!(mapper(unsigned)
        .warnings()
        .iter()
        .all(|d| d.code != mapper_core::Code::UnsignedIdentifier));
}

#[test]
fn request_reads_name_what_the_mappings_read_of_headers_and_query() {
    let m = mapper(
        json!([{"blueprint": "b", "filter": ".headers[\"X-Event\"] == \"push\"", "entity": {"identifier": ".body.id", "properties": {"p": ".queryParams.page"}}}]),
    );
    let r = m.request_reads();
    assert_eq!(r.headers, Some(vec!["x-event".to_owned()]));
    assert_eq!(r.query_params, Some(vec!["page".to_owned()]));
    let all =
        mapper(json!([{"blueprint": "b", "entity": {"identifier": ".body.id", "properties": {"h": ".headers"}}}]));
    assert_eq!(all.request_reads().headers, None);
}

// ---- bad configurations: every problem at its exact place, all at once ----

#[test]
fn unknown_keys_and_wrong_types_name_their_path() {
    let d = config_errors(
        json!({"mappings": [{"blueprint": 5, "entity": {"identifier": ".a", "propertes": {}, "properties": {"link": 3}}, "filtr": "true"}], "secrity": {}}),
    );
    let got: Vec<(&str, &str)> = d.iter().map(|d| (d.field.as_str(), d.message.as_str())).collect();
    assert_eq!(got, [
        ("secrity", "unknown key `secrity` (did you mean `security`?); allowed keys: identifier, title, description, icon, enabled, mappings, security, integrationType"),
        ("mappings[0].filtr", "unknown key `filtr` (did you mean `filter`?); allowed keys: blueprint, operation, filter, itemsToParse, entity"),
        ("mappings[0].blueprint", "`blueprint` must be a string, found a number"),
        ("mappings[0].entity.propertes", "unknown key `propertes` (did you mean `properties`?); allowed keys: identifier, title, icon, team, properties, relations"),
        ("mappings[0].entity.properties.link", "expected a jq expression (a string), found a number (write \"3\" for the constant)"),
    ]);
}

#[test]
fn every_compile_error_is_reported_at_once_with_its_span() {
    let config = json!([{"blueprint": "svc", "filter": ".a ==", "entity": {"identifier": ".id", "properties": {"link": ".body | nosuchfn", "ok": ".x"}}}]);
    // Port's engine maps a configuration whose expressions do not compile (null there): a
    // warning each; strict makes them errors that refuse the configuration.
    let m = Mapper::new(&config, MapperOptions::default()).expect("the configuration compiles");
    let warnings: Vec<_> = m.warnings().iter().filter(|d| d.code == Code::JqCompile).collect();
    let strict = match Mapper::new(
        &config,
        MapperOptions {
            strict: true,
            ..MapperOptions::default()
        },
    ) {
        Err(Error::Config(d)) => d,
        other => panic!("strict refuses it, got {other:?}"),
    };
    for d in [warnings, strict.iter().collect()] {
        assert_eq!(d.len(), 2, "{d:?}");
        assert_eq!(d[0].field, "mappings[0].filter");
        assert_eq!(d[0].span.map(|s| (s.start, s.end)), Some((5, 5)));
        assert_eq!(d[1].field, "mappings[0].entity.properties.link");
        assert_eq!(d[1].message, "nosuchfn/0 is not defined");
        assert_eq!(d[1].span.map(|s| (s.start, s.end)), Some((8, 16)));
        assert_eq!(d[1].expression.as_deref(), Some(".body | nosuchfn"));
    }
    assert!(strict.iter().all(|d| d.severity == Severity::Error));
}

/// A field whose expression does not compile in Port's engine is `null`, the rest of the
/// entity as usual; a `filter` or `itemsToParse` that does not compile skips the mapping (null
/// is not true, and null items are none), as Port's engine decides.
#[test]
fn a_field_that_does_not_compile_stores_null_and_the_rest_maps() {
    let m = mapper(one(json!({
        "broken": "'Run ' + .body.id",
        "missing": "[.body | leaf_paths]",
        "grammar": "{x: .body.n + 1}",
        "ok": ".body.id",
    })));
    let r = map(&m, json!({"id": "r1", "n": 1}));
    assert_eq!(
        Value::Object(props(&r).clone()),
        json!({"broken": null, "missing": null, "grammar": null, "ok": "r1"})
    );
    let compile: Vec<_> = m
        .warnings()
        .iter()
        .filter(|d| d.code == Code::JqCompile)
        .map(|d| d.field.as_str())
        .collect();
    assert_eq!(
        compile,
        [
            "mappings[0].entity.properties.broken",
            "mappings[0].entity.properties.missing",
            "mappings[0].entity.properties.grammar"
        ]
    );
    // No run diagnostics for them: compiling said why.
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);

    for (key, expr) in [
        ("filter", ".body.kind == 'x' and"),
        ("itemsToParse", ".body.items | leaf_paths"),
    ] {
        let config = json!([
            {"blueprint": "skipped", key: expr, "entity": {"identifier": "'a'"}},
            {"blueprint": "kept", "entity": {"identifier": "'b'"}}
        ]);
        let m = Mapper::new(&config, MapperOptions::default()).unwrap();
        let r = m.map_value(&json!({"body": {"kind": "x", "items": [1]}})).unwrap();
        let blueprints: Vec<_> = r.entities.iter().map(|e| e.blueprint()).collect();
        assert_eq!(blueprints, ["kept"], "{key}");
    }

    // An identifier that does not compile is null: that entity can't be stored.
    let m = mapper(json!([{"blueprint": "b", "entity": {"identifier": ".body.id +", "properties": {}}}]));
    let r = map(&m, json!({"id": "x"}));
    assert!(r.entities.is_empty());
    assert_eq!(r.diagnostics[0].code, Code::IdentifierMissing);
}

#[test]
fn invalid_json_names_line_and_column() {
    let e = Mapper::from_json("[\n  {\"blueprint\": \"x\",}\n]", MapperOptions::default()).unwrap_err();
    let d = &e.diagnostics()[0];
    assert_eq!(d.code, Code::JsonSyntax);
    let l = d.location.expect("a location");
    assert_eq!((l.document, l.line, l.column), (Document::Config, 2, 21));
}

#[test]
fn missing_and_malformed_mapping_keys() {
    let d = config_errors(
        json!({"mappings": [{"entity": {}}, {"blueprint": "b", "operation": "remove", "entity": {"identifier": ".a"}}, 7], "security": {"signatureAlgorithm": "md5"}}),
    );
    let fields: Vec<_> = d.iter().map(|d| d.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "mappings[0]",
            "mappings[0].entity",
            "mappings[1].operation",
            "mappings[2]",
            "security.signatureAlgorithm"
        ]
    );
}

#[test]
fn bad_requests_name_their_place() {
    let m = mapper(one(json!({})));
    let e = m
        .map_json(br#"{"body": {}, "headers": {"X-A": 1}, "queryParams": {"q": {"a": 1}}}"#)
        .unwrap_err();
    let fields: Vec<_> = e.diagnostics().iter().map(|d| d.field.as_str()).collect();
    assert_eq!(fields, ["request.headers[\"X-A\"]", "request.queryParams.q"]);
    // Each points at the offending value in the request text: `1` and `{"a": 1}`.
    let places: Vec<_> = e
        .diagnostics()
        .iter()
        .map(|d| (d.code, d.location.map(|l| (l.document, l.line, l.column, l.end_column))))
        .collect();
    assert_eq!(
        places,
        [
            (Code::WrongType, Some((Document::Request, 1, 33, 34))),
            (Code::WrongType, Some((Document::Request, 1, 58, 66)))
        ]
    );
    let e = m.map_json(b"{\"body\": {\"a\": tru}}").unwrap_err();
    let l = e.diagnostics()[0].location.expect("a location");
    assert_eq!((e.diagnostics()[0].code, l.line, l.column), (Code::JsonSyntax, 1, 19));
    assert!(matches!(m.map_json(b"[]"), Err(Error::Request(_))));
}

#[test]
fn tracing_reports_each_field_with_its_value_even_when_the_entity_is_dropped() {
    let m = strict(
        json!([{"blueprint": "svc", "filter": ".body.go", "entity": {"identifier": ".body.id", "properties": {"a": ".body.a", "gone": "empty", "bad": "error(\"no\")"}}}]),
    );
    let request = mapper_core::Request::from_value(&json!({"body": {"go": true, "id": "x", "a": [1]}})).unwrap();
    let (result, traces) = m.map_traced(&request);
    assert!(result.entities.is_empty(), "strict drops the entity");
    assert_eq!(result, m.map(&request), "tracing doesn't change the result");
    let rows: Vec<(String, FieldOutcome)> = traces.iter().map(|t| (t.field.clone(), t.outcome.clone())).collect();
    let value = |v: Value| FieldOutcome::Value { value: v };
    assert_eq!(
        rows,
        [
            ("mappings[0].filter".to_owned(), value(json!(true))),
            ("mappings[0].entity.identifier".to_owned(), value(json!("x"))),
            ("mappings[0].entity.properties.a".to_owned(), value(json!([1]))),
            ("mappings[0].entity.properties.gone".to_owned(), FieldOutcome::NoOutput),
            (
                "mappings[0].entity.properties.bad".to_owned(),
                FieldOutcome::Error {
                    message: "no".to_owned()
                }
            ),
        ]
    );
    assert_eq!(traces[2].expression, ".body.a");
}

#[test]
fn invalid_utf8_in_a_request_is_refused_with_its_place() {
    let m = mapper(one(json!({})));
    let e = m.map_json(b"{\"body\": {\"a\": \"\xff\xfe\"}}").unwrap_err();
    let d = &e.diagnostics()[0];
    assert_eq!(d.field, "request");
    assert_eq!(d.code, Code::InvalidUtf8);
    // `{"body": {"a": "` is 16 characters: the bad byte is at column 17.
    let l = d.location.expect("a location");
    assert_eq!((l.document, l.line, l.column), (Document::Request, 1, 17));
}

/// A jq error, no output and several outputs: three codes, each located at its expression in
/// the configuration text.
#[test]
fn silent_port_behaviours_have_codes_and_locations() {
    let config = r#"[{"blueprint": "b", "entity": {"identifier": "\"x\"", "properties": {
  "err": ".body.n | ltrimstr(\"a\") | error(\"boom\")",
  "none": "empty",
  "many": ".body.list[]"
}}}]"#;
    let m = Mapper::from_json(config, MapperOptions::default()).unwrap();
    let result = m.map_json(br#"{"body": {"n": "abc", "list": [1, 2]}}"#).unwrap();
    let got: Vec<_> = result
        .diagnostics
        .iter()
        .map(|d| (d.code, d.location.map(|l| (l.document, l.line, l.column, l.end_line))))
        .collect();
    let col = |line: usize, s: &str| config.lines().nth(line - 1).unwrap().find(s).unwrap() + 1;
    assert_eq!(
        got,
        [
            (Code::JqError, Some((Document::Config, 2, col(2, "\".body.n"), 2))),
            (Code::NoOutput, Some((Document::Config, 3, col(3, "\"empty"), 3))),
            (
                Code::ExtraOutputs,
                Some((Document::Config, 4, col(4, "\".body.list"), 4))
            ),
        ]
    );
}

/// A compile error's span is carried through the JSON string's escapes to the text typed.
#[test]
fn compile_errors_point_into_the_json_text_through_escapes() {
    let config = r#"[{"blueprint": "b", "entity": {"identifier": "\"\u00e9\" + nosuchfn"}}]"#;
    let m = Mapper::from_json(config, MapperOptions::default()).unwrap();
    let d = &m.warnings()[0];
    assert_eq!(d.code, Code::JqCompile);
    let l = d.location.expect("a location");
    let start = config.find("nosuchfn").unwrap() + 1;
    assert_eq!((l.line, l.column, l.end_column), (1, start, start + "nosuchfn".len()));
}

/// Unknown keys point at the key, blueprint violations at the property's expression.
#[test]
fn config_and_blueprint_diagnostics_are_located() {
    let config = "[{\"blueprint\": \"b\",\n  \"entty\": {}}]";
    let e = Mapper::from_json(config, MapperOptions::default()).unwrap_err();
    let unknown = e
        .diagnostics()
        .iter()
        .find(|d| d.code == Code::UnknownKey)
        .expect("unknown-key");
    let l = unknown.location.unwrap();
    assert_eq!((l.line, l.column, l.end_column), (2, 3, 10));

    let blueprint = mapper_core::Blueprint::from_json(
        r#"{"identifier": "b", "schema": {"properties": {"n": {"type": "number"}}}}"#,
    )
    .unwrap();
    let options = MapperOptions {
        blueprints: vec![blueprint],
        ..MapperOptions::default()
    };
    let config = "[{\"blueprint\": \"b\", \"entity\": {\"identifier\": \"\\\"x\\\"\",\n  \"properties\": {\"n\": \".body.s\"}}}]";
    let m = Mapper::from_json(config, options).unwrap();
    let result = m.map_json(br#"{"body": {"s": "text"}}"#).unwrap();
    let d = &result.diagnostics[0];
    assert_eq!(d.code, Code::BlueprintType);
    let l = d.location.unwrap();
    assert_eq!(
        (l.line, l.column),
        (2, config.lines().nth(1).unwrap().find("\".body.s").unwrap() + 1)
    );
}

#[test]
fn where_ports_engine_differs_from_jq_the_warning_says_so() {
    // Port's engine (jq 588ff187) refuses ltrimstr on a non-string and from_entries with k/v
    // (port-exec answers null for both): a `port-differs` warning with what works in both.
    let m = mapper(one(json!({
        "trimmed": ".body.tags | ltrimstr(\"x\")",
        "entries": ".body.kv | from_entries",
        "plain": ".body.tags | .a"
    })));
    let r = map(&m, json!({"tags": ["a"], "kv": [{"k": "a", "v": 1}]}));
    assert_eq!(props(&r)["trimmed"], Value::Null);
    assert_eq!(props(&r)["entries"], Value::Null);
    let trimmed = only(&r, "mappings[0].entity.properties.trimmed");
    assert_eq!(trimmed.code, Code::PortDiffers);
    assert!(trimmed.message.contains("if type == \"string\""), "{}", trimmed.message);
    assert_eq!(
        only(&r, "mappings[0].entity.properties.entries").code,
        Code::PortDiffers
    );
    assert_eq!(only(&r, "mappings[0].entity.properties.plain").code, Code::JqError);
}

/// Port's API limits on a webhook (port-docs `static/apispec.yaml`): identifier and title at
/// most 30 characters, description at most 200; Ocean's mapping keys refused on a create
/// mapping; a delete mapping's entity holding an identifier expression and nothing else. Each
/// a coded diagnostic located at the key in the text.
#[test]
fn ports_api_limits_on_a_configuration() {
    let at_limit = json!({
        "identifier": "a".repeat(30), "title": "é".repeat(30), "description": "😀".repeat(200),
        "mappings": [{"blueprint": "b", "entity": {"identifier": ".id"}}]
    });
    assert!(
        Mapper::new(&at_limit, MapperOptions::default()).is_ok(),
        "at the limits, in characters"
    );
    let text = serde_json::to_string_pretty(&json!({
        "identifier": "a".repeat(31), "title": "é".repeat(31), "description": "😀".repeat(201),
        "mappings": [
            {"blueprint": "b", "itemsToParse": ".body.xs", "itemsToParseName": "x", "entity": {"identifier": ".item.id"}},
            {"blueprint": "b", "itemsToParseTopLevelTransform": false, "entity": {"identifier": ".id"}},
            {"blueprint": "b", "operation": "delete", "entity": {"identifier": ".id", "title": ".t", "properties": {}}},
            {"blueprint": "b", "operation": {"type": "delete"}, "entity": {"identifier": {"combinator": "'and'", "rules": []}}}
        ]
    }))
    .unwrap();
    let errors = match Mapper::from_json(&text, MapperOptions::default()) {
        Err(Error::Config(d)) => d,
        other => panic!("refused, got {other:?}"),
    };
    let got: Vec<_> = errors.iter().map(|d| (d.code, d.field.as_str())).collect();
    assert_eq!(
        got,
        [
            (Code::TooLong, "identifier"),
            (Code::TooLong, "title"),
            (Code::TooLong, "description"),
            (Code::OceanKey, "mappings[0].itemsToParseName"),
            (Code::OceanKey, "mappings[1].itemsToParseTopLevelTransform"),
            (Code::DeleteEntity, "mappings[2].entity.title"),
            (Code::DeleteEntity, "mappings[2].entity.properties"),
            (Code::DeleteEntity, "mappings[3].entity.identifier"),
        ]
    );
    assert!(errors[1].message.contains("31 characters") && errors[1].message.contains("at most 30"));
    assert!(errors[3].message.contains("Ocean"));
    // Located at the key in the text.
    for d in &errors {
        let l = d.location.unwrap_or_else(|| panic!("{} has a location", d.field));
        let line = text.lines().nth(l.line - 1).unwrap();
        let key = d.field.rsplit('.').next().unwrap();
        assert!(
            line.contains(&format!("\"{key}\"")),
            "{} at line {}: {line}",
            d.field,
            l.line
        );
    }
    // On a delete mapping, whose schema takes other keys, an Ocean key is ignored: a warning.
    let m = mapper(
        json!([{"blueprint": "b", "operation": "delete", "itemsToParseName": "x", "entity": {"identifier": ".id"}}]),
    );
    assert_eq!(m.warnings()[0].code, Code::IgnoredKey);
}

/// Search queries are checked against Port's rules once their jq leaves ran: an operator Port
/// refuses there drops the entity (`search-query`, located inside the query in the text).
#[test]
fn search_queries_follow_ports_rules_where_they_stand() {
    let text = r#"[{"blueprint": "b", "entity": {
  "identifier": {"combinator": "'and'", "rules": [{"property": "'$identifier'", "operator": "'contains'", "value": ".body.id"}]},
  "relations": {"owner": {"combinator": "'and'", "rules": [{"property": "'email'", "operator": "'contains'", "value": ".body.mail"}]}}
}}]"#;
    let m = Mapper::from_json(text, MapperOptions::default()).unwrap();
    let r = m.map_value(&json!({"body": {"id": "x", "mail": "@acme"}})).unwrap();
    assert!(r.entities.is_empty(), "the identifier's operator is refused");
    let d: Vec<_> = r
        .diagnostics
        .iter()
        .map(|d| (d.code, d.severity, d.field.as_str()))
        .collect();
    assert_eq!(
        d,
        [(
            Code::SearchQuery,
            Severity::Error,
            "mappings[0].entity.identifier.rules[0].operator"
        )]
    );
    let l = r.diagnostics[0].location.expect("located in the text");
    assert_eq!(l.line, 2);
    // `contains` is allowed in a relation; `=` and `in` in an identifier.
    let ok = text.replacen("'contains'", "'='", 1);
    let r = Mapper::from_json(&ok, MapperOptions::default())
        .unwrap()
        .map_value(&json!({"body": {"id": "x", "mail": "@acme"}}))
        .unwrap();
    assert_eq!(r.entities.len(), 1, "{:?}", r.diagnostics);
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
}
