//! `hookmap scaffold`.

use crate::host::Out;
use crate::input::{read, read_text, report};
use crate::EXIT_BAD_INPUT;
use mapper_core::{Blueprint, Request};
use std::path::PathBuf;

/// Arguments of `hookmap scaffold`.
#[derive(clap::Args)]
pub struct ScaffoldArgs {
    /// The blueprint the mapping is for.
    #[arg(long, short)]
    blueprint: PathBuf,
    /// The input is a body only: read it as {body, headers: {}, queryParams: {}}.
    #[arg(long)]
    body: bool,
    /// A sample request (`-` or nothing: standard input).
    request: Option<PathBuf>,
}

/// Run `hookmap scaffold`: print a webhook configuration with the proposed mapping; the
/// blueprint fields nothing in the request matches are named on standard error.
pub fn run(args: ScaffoldArgs, out: &mut Out) -> u8 {
    let blueprint = match read_text(out, &args.blueprint) {
        Ok(text) => match Blueprint::from_json(&text) {
            Ok(b) => b,
            Err(diags) => {
                report(out, &args.blueprint.display().to_string(), &diags);
                return EXIT_BAD_INPUT;
            }
        },
        Err(e) => {
            out.err(&format!("hookmap: {e}"));
            return EXIT_BAD_INPUT;
        }
    };
    let source = args.request.unwrap_or_else(|| PathBuf::from("-"));
    let bytes = match read(out, &source) {
        Ok(b) => b,
        Err(e) => {
            out.err(&format!("hookmap: {e}"));
            return EXIT_BAD_INPUT;
        }
    };
    // The engine checks the request as `map` would; the scaffold reads its JSON.
    let checked = if args.body {
        Request::from_body_json(&bytes)
    } else {
        Request::from_json(&bytes)
    };
    if let Err(e) = checked {
        report(out, &source.display().to_string(), e.diagnostics());
        return EXIT_BAD_INPUT;
    }
    let mut request: serde_json::Value = serde_json::from_slice(&bytes).expect("checked above");
    if args.body {
        request = serde_json::json!({"body": request, "headers": {}, "queryParams": {}});
    }
    let proposal = mapper_core::scaffold::scaffold(&blueprint, &request);
    let config = serde_json::json!({ "mappings": [proposal.mapping] });
    out.line(&serde_json::to_string_pretty(&config).expect("values serialise"));
    if !proposal.unmatched.is_empty() {
        out.err(&format!(
            "hookmap: nothing in the request matches {} (left out of the mapping)",
            proposal.unmatched.join(", ")
        ));
    }
    0
}
