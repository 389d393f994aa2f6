//! The TypeScript declarations of the result types, generated from the Rust types by `ts-rs`
//! so the npm package's types match what the code returns. The test fails when the checked-in
//! file (`mapper-wasm/js/types.d.ts`) is stale; `HOOKMAP_UPDATE=1 cargo test -p mapper-core`
//! rewrites it (and every other generated file).

use crate::backtest::{Backtest, EntityChange, EntityChangeKind, FieldChange, RequestChange, Verdict};
use crate::diagnostic::{Code, Diagnostic, Document, Location, Severity};
use crate::entity::{CreateEntity, DeleteEntity, Entity, FieldOutcome, FieldTrace, MapResult};
use crate::jq::Span;
use ts_rs::{Config, TS};

fn declarations() -> String {
    // usize fields are small counts and offsets: plain numbers, not bigint.
    let cfg = Config::new().with_large_int("number");
    let decls = [
        MapResult::decl(&cfg),
        Entity::decl(&cfg),
        CreateEntity::decl(&cfg),
        DeleteEntity::decl(&cfg),
        Diagnostic::decl(&cfg),
        Code::decl(&cfg),
        Location::decl(&cfg),
        Document::decl(&cfg),
        FieldTrace::decl(&cfg),
        FieldOutcome::decl(&cfg),
        Severity::decl(&cfg),
        Backtest::decl(&cfg),
        RequestChange::decl(&cfg),
        Verdict::decl(&cfg),
        EntityChange::decl(&cfg),
        EntityChangeKind::decl(&cfg),
        FieldChange::decl(&cfg),
        Span::decl(&cfg),
        crate::request::demand::RequestReads::decl(&cfg),
        "type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]?: JsonValue } | null;"
            .to_owned(),
    ];
    let mut out = String::from(
        "// Generated from mapper-core's Rust types by ts-rs (mapper-core/src/ts_types.rs). Do not edit.\n\n",
    );
    for d in decls {
        out.push_str("export ");
        out.push_str(&d);
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

#[test]
fn typescript_declarations_are_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../mapper-wasm/js/types.d.ts");
    let want = declarations();
    if std::env::var_os("HOOKMAP_UPDATE").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "{} is stale: run `HOOKMAP_UPDATE=1 cargo test -p mapper-core`\n--- generated:\n{want}",
        path.display()
    );
}
