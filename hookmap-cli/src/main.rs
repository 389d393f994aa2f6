//! `hookmap`: map webhook requests with Port mappings, run jq, verify signatures, unit-test
//! mappings and keep them as code, from the command line. The commands live in the library
//! ([`hookmap_cli::run`]); this is the native front end: the machine's files, streams and
//! network ([`hookmap_cli::native::NativeHost`]).

use hookmap_cli::native::NativeHost;
use std::process::ExitCode;

/// mimalloc instead of the system allocator: mapping is dominated by small allocations.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Stack of the thread the commands run on. Only the pages used are committed. Programs run
/// on the engine's own stack region (`jq::eval_stack`), so this room is for what happens
/// outside them: `hookmap jq` reads its input files with jaq's recursive reader, and an input
/// nested a million levels deep is read instead of aborting.
const STACK_BYTES: usize = 1 << 30;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args_os().map(|a| a.to_string_lossy().into_owned()).collect();
    let run = move || hookmap_cli::run(&args, &mut NativeHost::default());
    let code = std::thread::Builder::new()
        .name("hookmap".into())
        .stack_size(STACK_BYTES)
        .spawn(run)
        .map_or_else(
            |e| {
                eprintln!("hookmap: cannot start: {e}");
                hookmap_cli::EXIT_BAD_INPUT
            },
            |t| t.join().unwrap_or(hookmap_cli::EXIT_BAD_INPUT),
        );
    ExitCode::from(code)
}
