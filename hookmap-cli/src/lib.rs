//! The `hookmap` command line, as a library: every command runs on a [`Host`] (files, streams,
//! environment, HTTP), so the native binary (`src/main.rs`) and the npm package's `hookmap` bin
//! (the same code in wasm, mapper-wasm/cli) are thin front ends over one implementation:
//! the same arguments, output bytes and exit codes.
//!
//! Exit codes (docs/cli.md): 0 success; 1 a test case failed, a push was refused over failing
//! cases, a signature is invalid, or `diff` found changes with `--exit-code`; 2 a usage error
//! (and `jq`: unreadable input); 3 bad input (an unreadable or invalid configuration, request,
//! blueprint or case); 4 Port's API failed or refused (credentials, network, an error answer);
//! `jq` also exits 5 when a program failed, as jq does.

#![warn(missing_docs)]

pub mod host;
mod input;
#[cfg(not(target_family = "wasm"))]
pub mod native;
pub mod source;
pub mod terraform;
pub mod testcase;

mod diff_cmd;
mod export_cmd;
mod jq_cmd;
mod map_cmd;
pub mod port_api;
mod port_cmd;
mod reporter;
mod scaffold_cmd;
mod test_cmd;
mod verify_cmd;

use clap::{Parser, Subcommand};
pub use host::{Host, HttpRequest, HttpResponse, Out};

/// Exit code: a test failed, a signature is invalid, a push was refused.
pub const EXIT_FAILED: u8 = 1;
/// Exit code: bad input (an unreadable or invalid configuration, request, blueprint or case).
pub const EXIT_BAD_INPUT: u8 = 3;
/// Exit code: Port's API could not be reached, or refused (credentials, an error answer).
pub const EXIT_PORT_API: u8 = 4;

#[derive(Parser)]
#[command(
    name = "hookmap",
    version,
    about = "Port webhook mappings, run locally: map requests, run jq, verify signatures, test mappings, keep them as code"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Map a request with a webhook configuration and print {entities, diagnostics} as JSON.
    Map(map_cmd::MapArgs),
    /// Run a jq program like `jq -c` (or exactly as Port does with --port).
    Jq(jq_cmd::JqArgs),
    /// Propose a mapping for a blueprint from a sample request (a webhook configuration as JSON).
    Scaffold(scaffold_cmd::ScaffoldArgs),
    /// Verify a request body's signature against the configuration's `security`.
    Verify(verify_cmd::VerifyArgs),
    /// Run mapping test cases (folders holding a configuration, requests and expected entities).
    Test(test_cmd::TestArgs),
    /// Write a configuration in another form: Port's JSON, or a Terraform `port_webhook`.
    Export(export_cmd::ExportArgs),
    /// Print a webhook's live configuration from Port's API, as JSON (its secret left out).
    Pull(port_cmd::PullArgs),
    /// Run the cases, then create or update the webhook in Port (only if every case passes).
    Push(port_cmd::PushArgs),
    /// Show what a push would change: the configuration field by field, and the entities of
    /// the cases' requests.
    Diff(diff_cmd::DiffArgs),
}

/// Run `hookmap` with `args` (the program name first) on `host`; returns the exit code.
pub fn run(args: &[String], host: &mut dyn Host) -> u8 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to standard output (exit 0); usage errors to standard error.
            let text = e.render().to_string();
            let mut out = Out::new(host);
            if e.use_stderr() {
                out.err(text.trim_end());
            } else {
                out.print(&text);
            }
            return u8::try_from(e.exit_code()).unwrap_or(2);
        }
    };
    let mut out = Out::new(host);
    let code = match cli.command {
        Command::Map(args) => map_cmd::run(args, &mut out),
        Command::Jq(args) => jq_cmd::run(args, &mut out),
        Command::Scaffold(args) => scaffold_cmd::run(args, &mut out),
        Command::Verify(args) => verify_cmd::run(args, &mut out),
        Command::Test(args) => test_cmd::run(args, &mut out),
        Command::Export(args) => export_cmd::run(args, &mut out),
        Command::Pull(args) => port_cmd::pull(args, &mut out),
        Command::Push(args) => port_cmd::push(args, &mut out),
        Command::Diff(args) => diff_cmd::run(args, &mut out),
    };
    out.flush();
    code
}
