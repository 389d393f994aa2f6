//! The Port-engine differential corpus (`tests/data/port-oracle/`, made by
//! `scripts/port-oracle.py` with Port's own engine): every probe through hookmap's Port mode,
//! as `hookmap jq --port` runs it and as a mapping field, compared with what Port stored.
//!
//! Prints the match rate per category and in total, writes every difference to
//! `target/port-oracle-report.txt`, and fails when
//! - a probe differs from the recorded answer and is not listed in
//!   `tests/port-known-differences.json`, or a listed probe no longer differs (the list only
//!   shrinks), or a listed reason is not described;
//! - the corpus holds fewer than [`MIN_PROBES`] probes.
//!
//! Answers compare as Port stores them: numbers as JavaScript doubles (the binding converts
//! jq's numbers with `napi_create_double`), an error is `null`, no output is `<absent>`.
//! `HOOKMAP_UPDATE=1` rewrites the list's cases: fixed ones leave it, new ones join it under
//! the reason `unexamined` (which the test refuses, so each must be given a real reason).

use hookmap_tests::port::{self, same};
use hookmap_tests::tests_dir;
use mapper_core::jq::{Dialect, Program};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The corpus must keep at least this many probes.
const MIN_PROBES: usize = 3000;

/// Stack of the thread the probes run on (the mapping engine's own limits stop recursion).
const STACK: usize = 256 << 20;

/// Reasons of the list that name a difference of port-exec's harness (the jq command line fed
/// the raw text), not of the engine: Port's binding runs libjq without files and hands it the
/// request through JavaScript, as hookmap's mapping does.
const HARNESS_REASONS: &[&str] = &["cli-harness", "input-through-javascript"];

#[derive(Debug, Clone, serde::Deserialize)]
struct Probe {
    category: String,
    expr: String,
    input: String,
    output: Value,
}

/// The key of a probe in the known-differences list.
fn key(p: &Probe) -> String {
    format!("{} | {}", p.input, p.expr)
}

/// What a mapping stores for each probe on one input: one property per probe, reading the
/// input as the request's body (`.body | ( EXPR )`). `None` where the wrapping itself changes
/// whether the program compiles (a top-level `def` cannot be wrapped, nor `import`).
fn mapping_answers(probes: &[&Probe], input_text: &str) -> Vec<Option<Value>> {
    let wrapped = |p: &Probe| format!(".body | ( {} )", p.expr);
    let compiles = |code: &str| Program::compile(code, Dialect::Port).is_ok();
    let comparable: Vec<bool> = probes
        .iter()
        .map(|p| compiles(&wrapped(p)) == compiles(&p.expr))
        .collect();
    let exprs: Vec<String> = probes.iter().map(|p| wrapped(p)).collect();
    let request = format!(r#"{{"body": {input_text}, "headers": {{}}, "queryParams": {{}}}}"#);
    let answers = port::mapping_answers(&exprs, &request);
    answers
        .into_iter()
        .zip(comparable)
        .map(|(a, ok)| ok.then_some(a))
        .collect()
}

#[derive(Default)]
struct Tally {
    probes: usize,
    identical: usize,
}

#[test]
fn port_mode_answers_as_ports_engine() {
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(run)
        .expect("spawn")
        .join()
        .expect("the differential corpus run");
}

fn run() {
    let dir = tests_dir().join("data/port-oracle");
    let probes: Vec<Probe> = std::fs::read_to_string(dir.join("probes.jsonl"))
        .expect("tests/data/port-oracle/probes.jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).expect("a probe line"))
        .collect();
    let inputs: BTreeMap<String, String> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("inputs.json")).expect("inputs.json")).expect("inputs");
    assert!(probes.len() >= MIN_PROBES, "only {} probes", probes.len());

    let list_path = tests_dir().join("port-known-differences.json");
    let list: Value = serde_json::from_str(&std::fs::read_to_string(&list_path).expect("the list")).expect("JSON");
    let reasons = list["reasons"].as_object().cloned().unwrap_or_default();
    let listed = list["cases"].as_object().cloned().unwrap_or_default();

    // Group by input: one mapping per input holds every probe on it.
    let mut by_input: BTreeMap<&str, Vec<&Probe>> = BTreeMap::new();
    for p in &probes {
        by_input.entry(p.input.as_str()).or_default().push(p);
    }
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    let mut differing: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut report = String::new();
    for (name, group) in &by_input {
        let text = inputs.get(*name).unwrap_or_else(|| panic!("input {name} is recorded"));
        let input = jaq_json::read::parse_single(text.as_bytes()).expect("a recorded input parses");
        let mapped = std::panic::catch_unwind(|| mapping_answers(group, text))
            .unwrap_or_else(|_| vec![Some(Value::String("<panic>".into())); group.len()]);
        for (p, mapped) in group.iter().zip(mapped) {
            // A panic (a bug: bad input must never panic) counts as a difference.
            let got = std::panic::catch_unwind(|| port::jq_answer(&p.expr, &input))
                .unwrap_or_else(|_| Value::String("<panic>".into()));
            let jq_ok = same(&got, &p.output);
            let map_ok = mapped.as_ref().is_none_or(|m| same(m, &p.output));
            let t = tallies.entry(p.category.clone()).or_default();
            t.probes += 1;
            if jq_ok && map_ok {
                t.identical += 1;
                continue;
            }
            let how = match (jq_ok, &mapped) {
                (false, _) => format!("jq --port: {got}"),
                (true, Some(m)) => format!("mapping: {m}"),
                (true, None) => unreachable!(),
            };
            let _ = writeln!(
                report,
                "[{}] {}\n  input:    {}\n  port:     {}\n  hookmap:  {how}\n",
                p.category,
                p.expr,
                text.chars().take(200).collect::<String>(),
                p.output
            );
            differing.insert(key(p), (p.category.clone(), how));
        }
    }

    let total: usize = tallies.values().map(|t| t.probes).sum();
    let identical: usize = tallies.values().map(|t| t.identical).sum();
    let mut summary = String::new();
    for (cat, t) in &tallies {
        let _ = writeln!(
            summary,
            "  {cat:<18} {:>5} / {:<5} {:6.2}%",
            t.identical,
            t.probes,
            100.0 * t.identical as f64 / t.probes as f64
        );
    }
    let _ = writeln!(
        summary,
        "  {:<18} {identical:>5} / {total:<5} {:6.2}% identical to Port's engine",
        "total",
        100.0 * identical as f64 / total as f64
    );
    // Probes where port-exec's command line differs from Port's binding (a file name, the
    // request's text as typed): listed with these reasons, and counted apart here.
    let harness_only = differing
        .keys()
        .filter(|k| {
            listed
                .get(*k)
                .and_then(Value::as_str)
                .is_some_and(|r| HARNESS_REASONS.contains(&r))
        })
        .count();
    let _ = writeln!(
        summary,
        "  {:<18} {identical:>5} / {:<5} {:6.2}% outside the {harness_only} probes where port-exec's command line is not Port's binding ({})",
        "engine",
        total - harness_only,
        100.0 * identical as f64 / (total - harness_only) as f64,
        HARNESS_REASONS.join(", ")
    );
    eprintln!("Port-engine differential corpus:\n{summary}");
    let target = tests_dir().join("../target");
    let _ = std::fs::create_dir_all(&target);
    let _ = std::fs::write(target.join("port-oracle-report.txt"), format!("{summary}\n{report}"));

    if std::env::var_os("HOOKMAP_UPDATE").is_some() {
        let cases: Map<String, Value> = differing
            .keys()
            .map(|k| {
                let reason = listed.get(k).cloned().unwrap_or_else(|| json!("unexamined"));
                (k.clone(), reason)
            })
            .collect();
        let mut list = list.clone();
        list["cases"] = Value::Object(cases);
        let text = serde_json::to_string_pretty(&list).expect("JSON") + "\n";
        std::fs::write(&list_path, text).expect("write the list");
        return;
    }
    let mut problems = Vec::new();
    for (k, (cat, how)) in &differing {
        match listed.get(k).and_then(Value::as_str) {
            None => problems.push(format!("differs and is not listed: [{cat}] {k} ({how})")),
            Some(r) if !reasons.contains_key(r) => problems.push(format!("{k}: reason `{r}` is not described")),
            Some(_) => {}
        }
    }
    for (k, reason) in &listed {
        // A case that hits the 500 ms limit only on a loaded machine may pass or not.
        if !differing.contains_key(k) && reason != "load-dependent" {
            problems.push(format!("listed but now identical (remove it from the list): {k}"));
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s) with tests/port-known-differences.json (report: target/port-oracle-report.txt):\n{}",
        problems.len(),
        problems.join("\n")
    );
}
