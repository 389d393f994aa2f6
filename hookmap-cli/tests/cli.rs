//! The `hookmap` command line, run as a user runs it.

use serde_json::{json, Value};
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn hookmap(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hookmap"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("hookmap starts");
    let _ = child.stdin.take().unwrap().write_all(stdin); // it may exit without reading
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn spacelift() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/data/conformance/spacelift")
}

fn s(p: PathBuf) -> String {
    p.to_string_lossy().into_owned()
}

fn tmp(name: &str, contents: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hookmap-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, contents).unwrap();
    p
}

#[test]
fn map_prints_the_spacelift_entity() {
    let dir = spacelift();
    let out = hookmap(
        &[
            "map",
            "--config",
            &s(dir.join("config.json")),
            &s(dir.join("request.json")),
        ],
        b"",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let result: Value = serde_json::from_slice(&out.stdout).unwrap();
    let expected: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    assert_eq!(result["entities"], expected);
    assert_eq!(result["diagnostics"], json!([]));
}

#[test]
fn map_reads_stdin_and_wraps_a_body_only_payload() {
    let dir = spacelift();
    let request: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("request.json")).unwrap()).unwrap();
    let body = serde_json::to_vec(&request["body"]).unwrap();
    let out = hookmap(&["map", "--config", &s(dir.join("config.json")), "--body", "-"], &body);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let result: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(result["entities"][0]["identifier"], "ai-agent");
    // Without --body the same payload is refused, with a hint.
    let out = hookmap(&["map", "--config", &s(dir.join("config.json"))], &body);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        text(&out.stderr).contains("request.account: unknown key `account`"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn ndjson_maps_one_request_per_line_and_keeps_lines_aligned() {
    let dir = spacelift();
    let request = std::fs::read_to_string(dir.join("request.json")).unwrap();
    let line = serde_json::to_string(&serde_json::from_str::<Value>(&request).unwrap()).unwrap();
    let input = format!("{line}\n{{not json\n\n{line}\n");
    let out = hookmap(
        &["map", "--config", &s(dir.join("config.json")), "--ndjson"],
        input.as_bytes(),
    );
    let lines: Vec<Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["entities"][0]["identifier"], "ai-agent");
    assert_eq!(lines[1]["entities"], json!([]));
    assert!(lines[1]["diagnostics"][0]["message"]
        .as_str()
        .unwrap()
        .starts_with("line 2: invalid JSON"));
    assert_eq!(lines[2], lines[0]);
    assert_eq!(out.status.code(), Some(3), "a bad line makes the exit code say so");
}

#[test]
fn jq_standard_mode_is_like_jq_c() {
    let out = hookmap(&["jq", ".[] | .a"], br#"[{"a":1},{"a":[2]},{"a":"x"}]"#);
    assert_eq!(text(&out.stdout), "1\n[2]\n\"x\"\n");
    assert!(out.status.success());
    let out = hookmap(&["jq", ".a, error(\"boom\"), 3"], b"{\"a\":1} {\"a\":2}");
    assert_eq!(text(&out.stdout), "1\n2\n");
    assert!(text(&out.stderr).contains("boom"));
    assert_eq!(out.status.code(), Some(5));
    let out = hookmap(&["jq", ".a |"], b"{}");
    assert_eq!(out.status.code(), Some(3));
    assert!(text(&out.stderr).contains("expected term"), "{}", text(&out.stderr));
}

#[test]
fn jq_port_mode_prints_exactly_ports_answer() {
    let cases: [(&str, &str); 5] = [
        (".[]", "1\n"),
        ("error(\"x\")", "null\n"),
        ("empty", ""),
        ("'single'", "\"single\"\n"),
        ("$ENV", "{}\n"),
    ];
    for (filter, want) in cases {
        let out = hookmap(&["jq", "--port", filter], b"[1,2]");
        assert_eq!(text(&out.stdout), want, "{filter}");
        assert_eq!(out.status.code(), Some(0), "{filter}");
    }
    let f = tmp("neg.json", br#"{"a": 4}"#);
    let out = hookmap(&["jq", "--port", "--", "-.a", &s(f)], b"");
    assert_eq!(text(&out.stdout), "-4\n");
}

#[test]
fn jq_port_answers_like_a_mapping_field_when_a_limit_is_hit() {
    // The hostile programs of docs/limits.md's bad-input table: Port stores null, so
    // `hookmap jq --port` prints null (the diagnostic on stderr), exits 0, within a second.
    let request = std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/data/conformance/spacelift/request.json"),
    )
    .expect("request.json");
    let programs = [
        ("def f: f; f", "time limit"),
        ("def f: 1 + f; f", "recursion limit"),
        ("[range(1e9)] | length", "limit"),
        ("\"x\" * 1000000000", "size limit"),
        ("reduce range(1e5) as $i (0; [.])", "limit"),
        ("input", "No more inputs"),
    ];
    for (program, want) in programs {
        let start = std::time::Instant::now();
        let out = hookmap(&["jq", "--port", program], &request);
        let took = start.elapsed();
        assert_eq!(text(&out.stdout), "null\n", "{program}");
        assert_eq!(out.status.code(), Some(0), "{program}");
        assert!(text(&out.stderr).contains(want), "{program}: {}", text(&out.stderr));
        // A second is the promise; a loaded debug build gets some slack. (`"x" * 1e9` builds
        // its string before the size limit sees it: seconds in a debug build, so not timed.)
        if !program.starts_with("\"x\"") {
            assert!(took < std::time::Duration::from_secs(3), "{program} took {took:?}");
        }
    }
}

#[test]
fn jq_port_answers_as_ports_engine_on_the_issue_examples() {
    // Each answer is port-exec's (Port's engine, jq 588ff187), as recorded in
    // tests/data/port-oracle.
    let cases: &[(&str, &[u8], &str)] = &[
        ("[leaf_paths]", b"{\"a\":[1]}", "null\n"),
        ("ltrimstr(\"a\")", b"[1,2]", "null\n"),
        ("rtrimstr(1)", b"\"abc\"", "null\n"),
        ("from_entries", b"[{\"k\":\"a\",\"v\":1}]", "null\n"),
        ("from_entries", b"[{\"name\":\"a\",\"value\":1}]", "{\"a\":1}\n"),
        ("@base32", b"\"foobar\"", "null\n"),
        (
            "gmtime",
            b"1745599888.383",
            "[2025,3,25,16,51,28.382999897003174,5,114]\n",
        ),
        ("todate", b"1745599888.383", "\"2025-04-25T16:51:28Z\"\n"),
        ("flatten", b"{\"a\":[1,[2]]}", "[1,2]\n"),
        ("in([1,2])", b"{}", "null\n"),
        ("has(0)", b"{\"a\":1}", "null\n"),
        ("ltrimstr(\"a\")?", b"[1,2]", ""),
        ("if . then \"t\" end", b"null", "null\n"),
        ("[limit(-1; 1, 2)]", b"null", "null\n"),
        // Number literals keep their text; `%` truncates both sides to integers.
        ("1e3 | tostring", b"null", "\"1E+3\"\n"),
        (". % 2", b"2.5", "0\n"),
        (". % 2", b"100000000000000000000", "1\n"),
        ("(-1.5) | . % 2", b"null", "-1\n"),
        ("9223372036854775807 % 10", b"null", "-8\n"),
        // An error inside `?` produces nothing, whatever raised it.
        ("(. as [$a, $b] | $a)?", b"{}", ""),
        // Syntax jq 1.7 does not have: Port stores null.
        ("{x: .a + 1}", b"{\"a\":1}", "null\n"),
        ("1 + 2 as $x | -$x", b"null", "-1\n"),
    ];
    for (program, input, want) in cases {
        let out = hookmap(&["jq", "--port", program], input);
        assert_eq!(text(&out.stdout), *want, "{program}");
        assert_eq!(out.status.code(), Some(0), "{program}");
    }
    let out = hookmap(&["jq", "--port", "[leaf_paths]"], b"{}");
    assert!(
        text(&out.stderr).contains("use paths(scalars)"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn verify_checks_the_raw_body() {
    let config = tmp("sec.json", br#"{"mappings": [], "security": {"secret": "dev-secret", "signatureHeaderName": "x-signature-256", "signatureAlgorithm": "sha256", "signaturePrefix": "sha256="}}"#);
    let body = tmp("body.json", br#"{"hello": "world"}"#);
    let sec = mapper_core::config::SecurityConfig {
        secret: Some("dev-secret".into()),
        signature_header_name: Some("x-signature-256".into()),
        signature_algorithm: Some(mapper_core::config::SignatureAlgorithm::Sha256),
        signature_prefix: Some("sha256=".into()),
        request_identifier_path: None,
    };
    let (_, sig) = mapper_core::signature::sign(Some(&sec), br#"{"hello": "world"}"#)
        .unwrap()
        .unwrap();
    let good = format!("X-Signature-256: {sig}");
    let out = hookmap(
        &[
            "verify",
            "--config",
            &s(config.clone()),
            "--header",
            &good,
            &s(body.clone()),
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let bad = format!("X-Signature-256: {}0", &sig[..sig.len() - 1]);
    let out = hookmap(
        &[
            "verify",
            "--config",
            &s(config.clone()),
            "--header",
            &bad,
            &s(body.clone()),
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("does not match the body"));
    let out = hookmap(&["verify", "--config", &s(config), &s(body)], b"");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("missing signature header `x-signature-256`"));
}

#[test]
fn test_reports_each_case_and_a_diff() {
    let out = hookmap(&["test", &s(spacelift())], b"");
    assert!(out.status.success(), "{}", text(&out.stdout));
    assert!(text(&out.stdout).ends_with("1 passed, 0 failed\n"));
    let dir = std::env::temp_dir().join(format!("hookmap-case-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for f in ["config.json", "request.json"] {
        std::fs::copy(spacelift().join(f), dir.join(f)).unwrap();
    }
    let mut expected: Value =
        serde_json::from_str(&std::fs::read_to_string(spacelift().join("expected.json")).unwrap()).unwrap();
    expected[0]["properties"]["branch"] = json!("develop");
    std::fs::write(dir.join("expected.json"), expected.to_string()).unwrap();
    let out = hookmap(&["test", &s(dir)], b"");
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("$[0].properties.branch: expected \"develop\", got \"main\""),
        "{stdout}"
    );
    assert!(stdout.ends_with("0 passed, 1 failed\n"));
}

#[test]
fn bad_files_and_arguments_get_clear_errors() {
    let out = hookmap(&["map", "--config", "/nonexistent/config.json"], b"{}");
    assert_eq!(out.status.code(), Some(3));
    assert!(
        text(&out.stderr).contains("cannot read /nonexistent/config.json"),
        "{}",
        text(&out.stderr)
    );
    let bad = tmp("bad.json", b"[\n  {\"blueprint\": }\n]");
    let out = hookmap(&["map", "--config", &s(bad)], b"{}");
    assert_eq!(out.status.code(), Some(3));
    assert!(text(&out.stderr).contains("line 2, column 17"), "{}", text(&out.stderr));
    let out = hookmap(&["map"], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--config"));
    let out = hookmap(&["test", "/nonexistent"], b"");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn hostile_mappings_end_with_a_diagnostic_and_the_process_survives() {
    let programs = [
        ("def f: 1 + f; f", "recursion limit"),
        ("def f: f; f", "time limit"),
        ("[range(1e9)] | length", "limit"),
        ("\"x\" * 1000000000", "size limit"),
        ("input", "No more inputs"),
    ];
    let properties: serde_json::Map<String, Value> = programs
        .iter()
        .enumerate()
        .map(|(i, (p, _))| (format!("p{i}"), json!(p)))
        .collect();
    let config = tmp(
        "hostile.json",
        json!([{"blueprint": "b", "entity": {"identifier": "\"id\"", "properties": properties}}])
            .to_string()
            .as_bytes(),
    );
    let out = hookmap(&["map", "--config", &s(config), "--body", "-"], b"{}");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let result: Value = serde_json::from_slice(&out.stdout).unwrap();
    for (i, (program, want)) in programs.iter().enumerate() {
        let field = format!("mappings[0].entity.properties.p{i}");
        let found = result["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["field"] == field.as_str() && d["message"].as_str().unwrap().contains(want));
        assert!(found, "{program}: {}", result["diagnostics"]);
    }
}

#[test]
fn a_config_that_is_not_utf8_is_refused_by_name() {
    let bad = tmp("latin1.json", b"[{\"blueprint\": \"caf\xe9\"}]");
    let out = hookmap(&["map", "--config", &s(bad)], b"{}");
    assert_eq!(out.status.code(), Some(3));
    assert!(
        text(&out.stderr).contains("is not UTF-8 text: invalid byte at offset 19"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn jq_reads_numbers_as_jq_does() {
    let out = hookmap(&["jq", "."], b"1e1000 100000000000000000000 0.00001");
    assert_eq!(
        text(&out.stdout),
        "1.7976931348623157e+308\n100000000000000000000\n1e-05\n"
    );
    let out = hookmap(&["jq", "."], b"{\n \"a\": ,\n}");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("at line 2, column 7"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn values_nested_hundreds_of_thousands_deep_do_not_crash_the_cli() {
    // Building is iterative; walking and dropping such a value recurse once per level. Programs
    // run on the engine's own stack region, so this ends normally instead of aborting.
    let out = hookmap(&["jq", "-n", "reduce range(300000) as $i (0; [.]) | length"], b"");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "1\n");
}

/// A jq error, an empty output and several outputs: three diagnostics with three codes, each
/// located in the configuration file; the configuration's own warnings are in the output too.
#[test]
fn map_prints_a_code_and_a_location_for_every_diagnostic() {
    let config = tmp(
        "three-codes.json",
        br#"[{"blueprint": "b", "entity": {"identifier": "'x'", "properties": {
  "err": ".body.n | error(\"boom\")",
  "none": "empty",
  "many": ".body.list[]"
}}}]"#,
    );
    let request = tmp("three-codes-request.json", br#"{"body": {"n": 1, "list": [1, 2]}}"#);
    let out = hookmap(&["map", "--config", &s(config), &s(request)], b"");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let result: Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<&str> = result["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().expect("every diagnostic has a code"))
        .collect();
    // The quote rewrite of `'x'` (found when compiling), then the three of mapping.
    assert_eq!(codes, ["quote-rewrite", "jq-error", "no-output", "extra-outputs"]);
    let lines: Vec<u64> = result["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["location"]["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [1, 2, 3, 4]);
    assert!(
        text(&out.stderr).contains("warning[quote-rewrite]"),
        "{}",
        text(&out.stderr)
    );
}

fn example(name: &str, file: &str) -> String {
    s(PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../examples")
        .join(name)
        .join(file))
}

#[test]
fn scaffold_proposes_a_mapping_that_maps_the_request() {
    let out = hookmap(
        &[
            "scaffold",
            "--blueprint",
            &example("spacelift", "blueprint.json"),
            &example("spacelift", "request.json"),
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let config: Value = serde_json::from_slice(&out.stdout).unwrap();
    let entity = &config["mappings"][0]["entity"];
    assert_eq!(entity["identifier"], ".body.stack.id");
    assert_eq!(entity["properties"]["repository"], ".body.stack.repository");
    assert_eq!(entity["properties"]["branch"], ".body.run.branch");
    assert_eq!(entity["properties"]["state"], ".body.state");
    assert_eq!(entity["properties"]["description"], ".body.stack.description");
    assert!(text(&out.stderr).contains("properties.space"), "{}", text(&out.stderr));
    // What it prints is a configuration `hookmap map` takes.
    let cfg = tmp("scaffolded.json", &out.stdout);
    let mapped = hookmap(
        &[
            "map",
            "-c",
            &s(cfg),
            "-b",
            &example("spacelift", "blueprint.json"),
            &example("spacelift", "request.json"),
        ],
        b"",
    );
    assert_eq!(mapped.status.code(), Some(0), "{}", text(&mapped.stderr));
    let result: Value = serde_json::from_slice(&mapped.stdout).unwrap();
    assert_eq!(result["entities"][0]["identifier"], "ai-agent");
    assert_eq!(result["diagnostics"], json!([]));
}

#[test]
fn scaffold_reports_a_bad_request_with_its_place() {
    let out = hookmap(
        &["scaffold", "--blueprint", &example("spacelift", "blueprint.json"), "-"],
        b"{\"body\": ",
    );
    assert_eq!(out.status.code(), Some(3));
    assert!(text(&out.stderr).contains("json-syntax"), "{}", text(&out.stderr));
}

#[test]
fn map_with_hints_names_a_missing_key_and_the_closest_one() {
    let config = tmp(
        "typo.json",
        br#"[{"blueprint": "b", "entity": {"identifier": ".body.stack.id", "properties": {"branch": ".body.run.brnch"}}}]"#,
    );
    let request = example("spacelift", "request.json");
    let out = hookmap(&["map", "--hints", "-c", &s(config.clone()), &request], b"");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let result: Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = &result["diagnostics"][0];
    assert_eq!(d["code"], "missing-key-path");
    assert_eq!(d["severity"], "hint");
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("did you mean `.body.run.branch`?"),
        "{d}"
    );
    assert_eq!(d["location"]["line"], 1);
    // Without --hints, the result is Port's: no diagnostics.
    let plain = hookmap(&["map", "-c", &s(config), &request], b"");
    let result: Value = serde_json::from_slice(&plain.stdout).unwrap();
    assert_eq!(result["diagnostics"], json!([]));
}
