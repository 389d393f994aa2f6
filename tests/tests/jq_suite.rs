//! jq's own test suite (`tests/data/conformance/jq/*.test`, format in its README) run through
//! hookmap's engine in standard (non-Port) mode.
//!
//! Prints `N passed, M failed` per file and in total, writes every failing case (program,
//! input, expected, got) to `target/jq-suite-report.txt`, and fails when
//! - the total passed falls below [`FLOOR`] (raise it as the engine improves; never lower it),
//! - a failing case is missing from `tests/jq-known-differences.json`, or a listed case passes.
//!
//! Rules, as jq's own runner (`src/jq_test.c`) applies them:
//! - outputs are compared as JSON values (numbers by value), in order; after the expected
//!   outputs, one more output is a failure, an error is not (jq stops at the first error);
//! - `%%FAIL` blocks pass when the program does not compile. **Decision:** the expected
//!   message is not compared, even without `IGNORE MSG`: those messages come from jq's bison
//!   parser (`syntax error, unexpected INVALID_CHARACTER ...`) and hookmap words its compile
//!   errors differently on purpose, with precise spans.
//!
//! Every case runs in its own thread with a large stack and a deadline, so a runaway program
//! fails its case instead of blocking `make test`; programs that cannot terminate (or would
//! overflow any stack) in jaq are skipped by [`DENY`] and count as failures.

use hookmap_tests::{conformance_dir, tests_dir};
use mapper_core::jq::{Dialect, Output, Program, RunContext};
use mapper_core::value::from_val;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

/// The least number of cases that must pass (of 879). Raise it; never lower it.
const FLOOR: usize = 845;

/// Stack of the thread a case runs on.
const STACK: usize = 256 << 20;

/// How long one case may run before it counts as a hang.
/// (The slowest case, jq.test:1895, takes about 5 s in a debug build; the deadline leaves room
/// for a loaded 2-core machine.)
const DEADLINE: Duration = Duration::from_secs(60);

/// Cases (`file:line`) that are never run because they cannot finish in jaq.
const DENY: &[(&str, &str)] = &[(
    "jq.test:1641",
    "`\"abc\" * 1000000000`: jaq builds the 3 GB string that jq refuses to build",
)];

/// One test block of a `.test` file.
#[derive(Debug, Clone)]
struct Case {
    /// `file:line` of the program line.
    id: String,
    program: String,
    /// `None` for a `%%FAIL` block.
    input: Option<String>,
    /// Expected outputs (or, for `%%FAIL`, the expected message, if it is compared by jq).
    expected: Vec<String>,
}

/// Split a `.test` file into cases as jq's runner reads it.
fn parse_file(name: &str, text: &str) -> Vec<Case> {
    let skip = |l: &str| {
        let t = l.trim_start_matches([' ', '\t']);
        t.is_empty() || t.starts_with('#')
    };
    let lines: Vec<&str> = text.lines().collect();
    let mut cases = Vec::new();
    let mut i = 0;
    let mut must_fail = false;
    while i < lines.len() {
        let line = lines[i];
        i += 1;
        if skip(line) {
            continue;
        }
        if line == "%%FAIL" || line == "%%FAIL IGNORE MSG" {
            must_fail = true;
            continue;
        }
        let id = format!("{name}:{i}");
        let program = line.to_owned();
        if must_fail {
            must_fail = false;
            let mut expected = Vec::new();
            while i < lines.len() && !skip(lines[i]) {
                expected.push(lines[i].to_owned());
                i += 1;
            }
            cases.push(Case {
                id,
                program,
                input: None,
                expected,
            });
            continue;
        }
        let input = lines.get(i).map(|l| l.to_string()).unwrap_or_default();
        i += 1;
        let mut expected = Vec::new();
        while i < lines.len() && !skip(lines[i]) {
            expected.push(lines[i].to_owned());
            i += 1;
        }
        cases.push(Case {
            id,
            program,
            input: Some(input),
            expected,
        });
    }
    cases
}

/// A JSON text parsed as the engine parses its input.
fn parse_val(text: &str) -> Result<jaq_json::Val, String> {
    let text = text.trim_start_matches('\u{feff}');
    jaq_json::read::parse_single(text.as_bytes()).map_err(|e| format!("{e:?}"))
}

/// A JSON text parsed as the engine parses its input, then printed as jq prints values.
fn parse_json(text: &str) -> Result<Value, String> {
    parse_val(text).map(|v| from_val(&v))
}

/// jq's value equality: numbers compare as doubles, objects regardless of key order.
fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        // jq's `jv_equal` compares a computed number with a literal as doubles.
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_eq(a, b)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

/// Run one case; `Ok(())` when it passes, else what the engine did instead.
fn run_case(case: &Case) -> Result<(), String> {
    let compiled = Program::compile(&case.program, Dialect::Standard);
    let Some(input) = &case.input else {
        return match compiled {
            Err(_) => Ok(()),
            Ok(_) => Err("compiled, but jq refuses to compile it".into()),
        };
    };
    let program = compiled.map_err(|errs| {
        let msgs: Vec<String> = errs.iter().map(|e| e.message.clone()).collect();
        format!("compile error: {}", msgs.join("; "))
    })?;
    let input = parse_val(input).map_err(|e| format!("input does not parse: {e}"))?;
    let expected: Vec<Value> = case
        .expected
        .iter()
        .map(|l| parse_json(l))
        .collect::<Result<_, _>>()
        .map_err(|e| format!("expected output does not parse: {e}"))?;
    let mut got: Vec<String> = Vec::new();
    let mut problem = None;
    let mut n = 0;
    // jq's test script runs with `PAGER=less` in the environment (man.test reads it).
    let ctx = RunContext {
        now: 0.0,
        env: parse_val(r#"{"PAGER":"less"}"#).expect("an object"),
        ..RunContext::default()
    };
    program.run(input, &ctx, None, |out| match out {
        Output::Value(v) => {
            let v = from_val(&v);
            got.push(serde_json::to_string(&v).unwrap_or_default());
            match expected.get(n) {
                Some(want) if json_eq(want, &v) => {}
                Some(_) => problem = Some(format!("output {} differs", n + 1)),
                None => problem = Some("superfluous result".to_owned()),
            }
            n += 1;
            problem.is_none()
        }
        Output::Error(_) | Output::LimitExceeded(_) => {
            got.push(format!("error: {}", out.error_message().unwrap_or_default()));
            false
        }
        Output::Halt(c) => {
            got.push(format!("halt({c})"));
            false
        }
    });
    if problem.is_none() && n < expected.len() {
        problem = Some("insufficient results".to_owned());
    }
    match problem {
        None => Ok(()),
        Some(p) => Err(format!("{p}; got:\n    {}", got.join("\n    "))),
    }
}

/// Run a case on its own thread, with a big stack and a deadline.
fn guarded(case: &Case) -> Result<(), String> {
    if let Some((_, why)) = DENY.iter().find(|(id, _)| *id == case.id) {
        return Err(format!("not run: {why}"));
    }
    let (tx, rx) = mpsc::channel();
    let owned = case.clone();
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || {
            let r = std::panic::catch_unwind(|| run_case(&owned)).unwrap_or_else(|_| Err("panicked".to_owned()));
            let _ = tx.send(r);
        })
        .expect("spawn a case thread");
    match rx.recv_timeout(DEADLINE) {
        Ok(r) => r,
        // The thread is left running; the process ends with the test.
        Err(_) => Err(format!("no answer within {DEADLINE:?}")),
    }
}

/// The checked-in list of failing cases: `file:line` → {program, category}; categories with
/// their reasons.
struct Known {
    categories: BTreeMap<String, String>,
    cases: BTreeMap<String, (String, String)>,
    /// Cases standard mode passes as jq 1.8 while Port mode answers as jq 1.7.1.
    jq_18_only: Vec<String>,
}

fn known_differences() -> Known {
    let path = tests_dir().join("jq-known-differences.json");
    let text = std::fs::read_to_string(&path).expect("jq-known-differences.json is readable");
    let v: Value = serde_json::from_str(&text).expect("jq-known-differences.json is JSON");
    let str_of = |v: &Value, what: &str| {
        v.as_str()
            .unwrap_or_else(|| panic!("{what} must be a string"))
            .to_owned()
    };
    let categories = v["categories"]
        .as_object()
        .expect("`categories` is an object")
        .iter()
        .map(|(k, r)| (k.clone(), str_of(r, "a category's reason")))
        .collect();
    let cases = v["cases"]
        .as_object()
        .expect("`cases` is an object")
        .iter()
        .map(|(id, c)| {
            (
                id.clone(),
                (str_of(&c["program"], "program"), str_of(&c["category"], "category")),
            )
        })
        .collect();
    let jq_18_only = v["jq_1_8_only"]
        .as_object()
        .expect("`jq_1_8_only` is an object")
        .keys()
        .cloned()
        .collect();
    Known {
        categories,
        cases,
        jq_18_only,
    }
}

fn report_path() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| tests_dir().join("../target"));
    std::fs::create_dir_all(&target).ok();
    target.join("jq-suite-report.txt")
}

#[test]
fn jq_suite_passes_at_least_the_floor_and_every_failure_is_known() {
    let dir = conformance_dir().join("jq");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("the jq suite folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "test"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no .test files in {}", dir.display());

    let (mut total_pass, mut total_fail) = (0, 0);
    let mut report = String::new();
    let mut failing: BTreeMap<String, Case> = BTreeMap::new();
    let mut passing: Vec<String> = Vec::new();
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(file).expect("a readable .test file");
        let (mut pass, mut fail) = (0, 0);
        for case in parse_file(&name, &text) {
            match guarded(&case) {
                Ok(()) => {
                    pass += 1;
                    passing.push(case.id.clone());
                }
                Err(why) => {
                    fail += 1;
                    let _ = writeln!(
                        report,
                        "## {}\nprogram:  {}\ninput:    {}\nexpected: {}\n{why}\n",
                        case.id,
                        case.program,
                        case.input.as_deref().unwrap_or("(must not compile)"),
                        case.expected.join("\n          "),
                    );
                    failing.insert(case.id.clone(), case);
                }
            }
        }
        println!("{name}: {pass} passed, {fail} failed");
        total_pass += pass;
        total_fail += fail;
    }
    println!("total: {total_pass} passed, {total_fail} failed");
    let path = report_path();
    std::fs::write(
        &path,
        format!("total: {total_pass} passed, {total_fail} failed\n\n{report}"),
    )
    .expect("write the report");
    println!("failing cases: {}", path.display());

    let known = known_differences();
    let mut problems = Vec::new();
    for (id, case) in &failing {
        match known.cases.get(id) {
            None => problems.push(format!(
                "{id} fails and is not in jq-known-differences.json: {}",
                case.program
            )),
            Some((program, _)) if *program != case.program => problems.push(format!(
                "{id}: jq-known-differences.json names program {program:?}, the suite has {:?}",
                case.program
            )),
            Some((_, cat)) if !known.categories.contains_key(cat) => {
                problems.push(format!("{id}: unknown category {cat:?}"))
            }
            Some(_) => {}
        }
    }
    for id in known.cases.keys() {
        if !failing.contains_key(id) {
            let state = if passing.contains(id) {
                "now passes"
            } else {
                "is not a case of the suite"
            };
            problems.push(format!("{id} {state}: remove it from jq-known-differences.json"));
        }
    }
    for id in &known.jq_18_only {
        if !passing.contains(id) {
            problems.push(format!(
                "{id} is listed under jq_1_8_only but does not pass in standard mode"
            ));
        }
    }
    for cat in known.categories.keys() {
        if !known.cases.values().any(|(_, c)| c == cat) {
            problems.push(format!("category {cat:?} has no case left: remove it"));
        }
    }
    assert!(
        total_pass >= FLOOR,
        "only {total_pass} cases pass, below the floor of {FLOOR} (see {})",
        path.display()
    );
    assert!(
        problems.is_empty(),
        "jq-known-differences.json is out of date:\n{}",
        problems.join("\n")
    );
}
