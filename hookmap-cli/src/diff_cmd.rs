//! `hookmap diff`: what a push would change: the configuration against Port's live one, field
//! by field, and the entities of the cases' requests mapped with each (the engine's backtest).

use crate::host::Out;
use crate::port_api::PortApi;
use crate::port_cmd::{api_failed, change_line, plan, print_changes, TargetArgs};
use crate::testcase::{self, Case};
use crate::EXIT_FAILED;
use mapper_core::backtest::{backtest, EntityChangeKind, Verdict};
use mapper_core::diff::short;
use mapper_core::{Mapper, MapperOptions};

/// Arguments of `hookmap diff`.
#[derive(clap::Args)]
pub struct DiffArgs {
    #[command(flatten)]
    target: TargetArgs,
    /// Exit 1 when the push would change something (as `git diff --exit-code`).
    #[arg(long)]
    exit_code: bool,
}

/// Run `hookmap diff`.
pub fn run(args: DiffArgs, out: &mut Out) -> u8 {
    let target = &args.target;
    let mut api = match PortApi::from_env(out.host()) {
        Ok(a) => a,
        Err(e) => return api_failed(out, &e),
    };
    let plan = match plan(out, target, &mut api) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let changes = plan.changes();
    let mut changed = !changes.is_empty();
    match &plan.live {
        None => out.line(&format!(
            "webhook {} does not exist at {}: push creates it",
            plan.identifier,
            api.base()
        )),
        Some(_) => print_changes(out, "a push changes", &plan.identifier, api.base(), &changes),
    }
    if plan.live.is_none() {
        for c in &changes {
            out.line(&change_line(c));
        }
    }
    if target.cases.is_empty() {
        return exit(args.exit_code, changed);
    }
    // The cases' requests, mapped with the live configuration and with the file's.
    let mut requests: Vec<(String, Vec<u8>)> = Vec::new();
    for dir in &target.cases {
        let found = match testcase::discover(out, dir) {
            Ok(f) => f,
            Err(m) => {
                out.err(&format!("hookmap: {m}"));
                return crate::EXIT_BAD_INPUT;
            }
        };
        for d in found {
            let case: Case = match testcase::read_case(out, &d) {
                Ok(c) => c,
                Err(m) => {
                    out.err(&format!("hookmap: {m}"));
                    return crate::EXIT_BAD_INPUT;
                }
            };
            for r in &case.requests {
                match crate::input::read(out, &r.request) {
                    Ok(b) => requests.push((format!("{} {}", d.display(), r.name), b)),
                    Err(m) => {
                        out.err(&format!("hookmap: {m}"));
                        return crate::EXIT_BAD_INPUT;
                    }
                }
            }
        }
    }
    let options = MapperOptions {
        strict: target.strict,
        clock: out.host().clock(),
        ..MapperOptions::default()
    };
    let candidate = match plan.loaded.mapper(options.clone()) {
        Ok(m) => m,
        Err(e) => {
            crate::input::report(out, &target.config.display(), e.diagnostics());
            return crate::EXIT_BAD_INPUT;
        }
    };
    // No live webhook maps nothing: every entity is new.
    let live_config = plan
        .live
        .clone()
        .map(crate::port_api::configuration_of)
        .unwrap_or_else(|| serde_json::json!({"mappings": []}));
    let live = match Mapper::new(&live_config, options) {
        Ok(m) => m,
        Err(e) => {
            out.err("hookmap: Port's live configuration does not compile here:");
            crate::input::report(out, "live", e.diagnostics());
            return crate::EXIT_BAD_INPUT;
        }
    };
    let result = backtest(&live, &candidate, requests.iter().map(|(_, b)| b.as_slice()));
    out.line(&format!(
        "cases: {} request{}, {} unchanged, {} changed, {} newly failing, {} newly fixed",
        result.total,
        if result.total == 1 { "" } else { "s" },
        result.unchanged,
        result.changed,
        result.newly_failing,
        result.newly_fixed
    ));
    for r in &result.requests {
        changed = true;
        let verdict = match r.verdict {
            Verdict::Unchanged => "unchanged",
            Verdict::Changed => "changed",
            Verdict::NewlyFailing => "newly failing",
            Verdict::NewlyFixed => "newly fixed",
        };
        out.line(&format!("  {}: {verdict}", requests[r.index].0));
        for e in &r.entities {
            let (sign, kind) = match e.kind {
                EntityChangeKind::Added => ("+", "added"),
                EntityChangeKind::Removed => ("-", "removed"),
                EntityChangeKind::Changed => ("~", "changed"),
            };
            out.line(&format!(
                "    {sign} {} {} {} ({kind})",
                e.operation,
                e.blueprint,
                short(&e.identifier)
            ));
            if e.kind == EntityChangeKind::Changed {
                for f in &e.fields {
                    let show = |v: &Option<serde_json::Value>| v.as_ref().map_or("(left out)".to_owned(), short);
                    out.line(&format!(
                        "        {}: {} → {}",
                        f.field,
                        show(&f.before),
                        show(&f.after)
                    ));
                }
            }
        }
        if !r.errors.is_empty() {
            let codes: Vec<&str> = r.errors.iter().map(|c| c.as_str()).collect();
            out.line(&format!("    errors: {}", codes.join(", ")));
        }
    }
    exit(args.exit_code, changed)
}

fn exit(exit_code: bool, changed: bool) -> u8 {
    if exit_code && changed {
        EXIT_FAILED
    } else {
        0
    }
}
