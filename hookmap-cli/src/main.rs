//! `hookmap`: map webhook requests with Port mappings, run jq, verify signatures, and unit-test
//! mappings, from the command line.

mod input;
mod jq_cmd;
mod map_cmd;
mod scaffold_cmd;
mod test_cmd;
mod verify_cmd;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// mimalloc instead of the system allocator: mapping is dominated by small allocations.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Exit code for bad input (unreadable file, invalid JSON, invalid configuration or request).
pub const EXIT_BAD_INPUT: u8 = 3;

#[derive(Parser)]
#[command(
    name = "hookmap",
    version,
    about = "Port webhook mappings, run locally: map requests, run jq, verify signatures, test mappings"
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
    /// Run mapping test cases: folders holding config.json, request.json, expected.json.
    Test {
        /// Case folders, or folders of case folders.
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
    },
}

/// Stack of the thread the commands run on. Only the pages used are committed. Programs run
/// on the engine's own stack region (`jq::eval_stack`), so this room is for what happens
/// outside them: `hookmap jq` reads its input files with jaq's recursive reader, and an input
/// nested a million levels deep is read instead of aborting.
const STACK_BYTES: usize = 1 << 30;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let run = move || match cli.command {
        Command::Map(args) => map_cmd::run(args),
        Command::Jq(args) => jq_cmd::run(args),
        Command::Verify(args) => verify_cmd::run(args),
        Command::Scaffold(args) => scaffold_cmd::run(args),
        Command::Test { dirs } => test_cmd::run(&dirs),
    };
    let code = std::thread::Builder::new()
        .name("hookmap".into())
        .stack_size(STACK_BYTES)
        .spawn(run)
        .map_or_else(
            |e| {
                eprintln!("hookmap: cannot start: {e}");
                EXIT_BAD_INPUT
            },
            |t| t.join().unwrap_or(EXIT_BAD_INPUT),
        );
    ExitCode::from(code)
}
