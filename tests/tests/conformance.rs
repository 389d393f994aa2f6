//! The conformance corpus: every Spacelift and Port-docs case maps to what Port's own engine
//! yields (or fails exactly as `known-differences.json` says, and why), and every config-only
//! example compiles.

use hookmap_cli::native::NativeHost;
use hookmap_cli::testcase::{discover, run_dir, Options};
use hookmap_cli::Out;
use hookmap_tests::{conformance_dir, tests_dir};
use mapper_core::{Mapper, MapperOptions};
use serde_json::Value;

const CASE_DIRS: &[&str] = &["spacelift", "port-docs", "port-docs-history", "port-docs-nocheck"];

fn known_differences() -> serde_json::Map<String, Value> {
    let text = std::fs::read_to_string(tests_dir().join("known-differences.json"))
        .expect("known-differences.json is readable");
    match serde_json::from_str(&text).expect("known-differences.json is JSON") {
        Value::Object(o) => o,
        _ => panic!("known-differences.json must be an object keyed by case folder"),
    }
}

#[test]
fn every_case_matches_port_or_is_a_listed_difference() {
    let root = conformance_dir();
    let known = known_differences();
    let mut seen = Vec::new();
    let (mut passed, mut problems) = (0, Vec::new());
    let mut host = NativeHost::default();
    let mut out = Out::new(&mut host);
    for dir in CASE_DIRS {
        for case in discover(&mut out, &root.join(dir)).expect("case folders") {
            let name = case.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
            let failures = run_dir(&mut out, &case, Options::default()).failures();
            let outcome = if failures.is_empty() { Ok(()) } else { Err(failures) };
            match (known.get(&name), outcome) {
                (None, Ok(())) => passed += 1,
                (None, Err(lines)) => problems.push(format!("{name} fails:\n    {}", lines.join("\n    "))),
                (Some(k), Ok(())) => problems.push(format!(
                    "{name} now passes: remove it from known-differences.json ({})",
                    k["reason"]
                )),
                (Some(k), Err(lines)) => {
                    let want = k["failure"].as_str().expect("failure is a string");
                    if lines.first().is_some_and(|l| l.starts_with(want)) {
                        passed += 1;
                    } else {
                        problems.push(format!(
                            "{name} fails differently than listed:\n    want: {want}\n    got:  {}",
                            lines.join("\n          ")
                        ));
                    }
                }
            }
            seen.push(name);
        }
    }
    for k in known.keys() {
        if !seen.contains(k) {
            problems.push(format!("known-differences.json lists {k}, which is not a case"));
        }
    }
    println!("conformance: {passed} of {} cases as expected", seen.len());
    assert_eq!(
        seen.len(),
        32,
        "the corpus has 32 mapping cases (1 Spacelift + 31 Port docs)"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_config_only_example_compiles() {
    let root = conformance_dir().join("port-docs-configonly");
    let mut count = 0;
    let mut failures = Vec::new();
    let mut host = NativeHost::default();
    let mut out = Out::new(&mut host);
    for case in discover(&mut out, &root).expect("config-only folders") {
        let text = std::fs::read_to_string(case.join("config.json")).unwrap();
        if let Err(e) = Mapper::from_json(&text, MapperOptions::default()) {
            failures.push(format!("{}: {e}", case.display()));
        }
        count += 1;
    }
    assert_eq!(count, 38, "port-docs-configonly has 38 configs");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn spacelift_blueprint_accepts_the_spacelift_entity_and_catches_a_violation() {
    let dir = conformance_dir().join("spacelift");
    let bp = mapper_core::Blueprint::from_json(&std::fs::read_to_string(dir.join("blueprint.json")).unwrap()).unwrap();
    let config = std::fs::read_to_string(dir.join("config.json")).unwrap();
    let request = std::fs::read(dir.join("request.json")).unwrap();
    let mapper = Mapper::from_json(
        &config,
        MapperOptions {
            blueprints: vec![bp.clone()],
            ..Default::default()
        },
    )
    .unwrap();
    let result = mapper.map_json(&request).unwrap();
    assert_eq!(result.entities.len(), 1);
    assert!(result.diagnostics.is_empty(), "{:?}", result.diagnostics);
    // The same mapping writing a number into the url-formatted `link` breaks the blueprint.
    let broken = config.replace(r#""link": ".body.stack.url""#, r#""link": ".body.stateVersion""#);
    assert_ne!(broken, config);
    let mapper = Mapper::from_json(
        &broken,
        MapperOptions {
            blueprints: vec![bp],
            ..Default::default()
        },
    )
    .unwrap();
    let result = mapper.map_json(&request).unwrap();
    assert!(result.entities.is_empty(), "a blueprint violation drops the entity");
    assert_eq!(result.diagnostics[0].field, "mappings[0].entity.properties.link");
    assert_eq!(result.diagnostics[0].message, "expected a string, found a number");
}
