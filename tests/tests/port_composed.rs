//! The composed-program corpus (`tests/data/port-composed/`, made by
//! `scripts/port-composed.py` with Port's own engine): programs composed as mapping authors
//! write them, on realistic webhook requests, each answered by hookmap's Port mode twice, as
//! `hookmap jq --port` answers it and as a mapping field (one mapping per request, a property
//! per program), and compared with what Port stored.
//!
//! Prints both match rates (`make test` shows them), writes the differences to
//! `target/port-composed-report.txt`, and fails when the mapping-level rate is not the
//! jq-level rate (a field maps as Port maps it, whatever its program does), when a probe
//! differs and `tests/port-composed-differences.json` does not list it (with a reason of
//! `tests/port-known-differences.json`), or when a listed one no longer differs.

use hookmap_tests::port::{self, same};
use hookmap_tests::tests_dir;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The corpus must keep at least this many probes.
const MIN_PROBES: usize = 3000;

/// Stack of the thread the probes run on (the engine's own limits stop recursion).
const STACK: usize = 256 << 20;

#[derive(serde::Deserialize)]
struct Probe {
    payload: String,
    expr: String,
    output: Value,
}

#[test]
fn composed_programs_answer_as_ports_engine_in_jq_and_in_mappings() {
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(run)
        .expect("spawn")
        .join()
        .expect("the composed corpus run");
}

fn run() {
    let dir = tests_dir().join("data/port-composed");
    let probes: Vec<Probe> = std::fs::read_to_string(dir.join("probes.jsonl"))
        .expect("tests/data/port-composed/probes.jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).expect("a probe line"))
        .collect();
    let payloads: BTreeMap<String, String> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("payloads.json")).expect("payloads.json"))
            .expect("payloads");
    assert!(probes.len() >= MIN_PROBES, "only {} probes", probes.len());
    let list_path = tests_dir().join("port-composed-differences.json");
    let list: Value = serde_json::from_str(&std::fs::read_to_string(&list_path).expect("the list")).expect("JSON");
    let listed = list["cases"].as_object().cloned().unwrap_or_default();
    let reasons: Value = serde_json::from_str(
        &std::fs::read_to_string(tests_dir().join("port-known-differences.json")).expect("the reasons"),
    )
    .expect("JSON");
    let reasons = reasons["reasons"].as_object().cloned().unwrap_or_default();

    let mut by_payload: BTreeMap<&str, Vec<&Probe>> = BTreeMap::new();
    for p in &probes {
        by_payload.entry(p.payload.as_str()).or_default().push(p);
    }
    let (mut jq_ok, mut map_ok) = (0usize, 0usize);
    let mut differing = BTreeMap::new();
    let mut report = String::new();
    for (name, group) in &by_payload {
        let text = payloads
            .get(*name)
            .unwrap_or_else(|| panic!("payload {name} is recorded"));
        let request = jaq_json::read::parse_single(text.as_bytes()).expect("a recorded request parses");
        // As a mapping reads it: the request normalised (lowercase header aliases).
        let request = mapper_core::Request::from_val(request)
            .expect("a request")
            .val()
            .clone();
        let exprs: Vec<String> = group.iter().map(|p| p.expr.clone()).collect();
        let mapped = std::panic::catch_unwind(|| port::mapping_answers(&exprs, text))
            .unwrap_or_else(|_| vec![Value::String("<panic>".into()); group.len()]);
        for (p, mapped) in group.iter().zip(mapped) {
            let got = std::panic::catch_unwind(|| port::jq_answer(&p.expr, &request))
                .unwrap_or_else(|_| Value::String("<panic>".into()));
            let (j, m) = (same(&got, &p.output), same(&mapped, &p.output));
            jq_ok += usize::from(j);
            map_ok += usize::from(m);
            if !(j && m) {
                let _ = writeln!(
                    report,
                    "[{name}] {}\n  port:      {}\n  jq --port: {got}\n  mapping:   {mapped}\n",
                    p.expr, p.output
                );
                differing.insert(format!("{name} | {}", p.expr), (j, m));
            }
        }
    }
    let total = probes.len();
    let rate = |n: usize| 100.0 * n as f64 / total as f64;
    let summary = format!(
        "Composed programs on real-shaped requests (tests/data/port-composed), identical to Port's engine:\n  \
         hookmap jq --port  {jq_ok:>5} / {total}  {:6.2}%\n  inside mappings    {map_ok:>5} / {total}  {:6.2}%\n",
        rate(jq_ok),
        rate(map_ok)
    );
    eprintln!("{summary}");
    let target = tests_dir().join("../target");
    let _ = std::fs::create_dir_all(&target);
    let _ = std::fs::write(target.join("port-composed-report.txt"), format!("{summary}\n{report}"));

    let mut problems = Vec::new();
    if map_ok != jq_ok {
        problems.push(format!(
            "inside mappings {map_ok} probes match, through jq --port {jq_ok}: a field must map as Port maps it"
        ));
    }
    for (k, (j, m)) in &differing {
        match listed.get(k).and_then(Value::as_str) {
            None => problems.push(format!(
                "differs and is not listed (jq --port ok: {j}, mapping ok: {m}): {k}"
            )),
            Some(r) if !reasons.contains_key(r) => problems.push(format!("{k}: reason `{r}` is not described")),
            Some(_) => {}
        }
    }
    for k in listed.keys() {
        if !differing.contains_key(k) {
            problems.push(format!("listed but now identical (remove it from the list): {k}"));
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s) (report: target/port-composed-report.txt):\n{}",
        problems.len(),
        problems.join("\n")
    );
}
