//! `hookmap verify`.

use crate::input::read;
use crate::map_cmd::load_mapper;
use crate::EXIT_BAD_INPUT;
use mapper_core::signature::{verify, Verified};
use std::path::PathBuf;

/// Arguments of `hookmap verify`.
#[derive(clap::Args)]
pub struct VerifyArgs {
    /// The webhook configuration holding `security`.
    #[arg(long, short)]
    config: PathBuf,
    /// A request header, `Name: value` (repeatable).
    #[arg(long = "header", short = 'H')]
    headers: Vec<String>,
    /// The raw request body, byte for byte as received (`-`: standard input).
    body: PathBuf,
}

/// Run `hookmap verify`: exit 0 when valid (or no check is configured), 1 when not.
pub fn run(args: VerifyArgs) -> u8 {
    let mapper = match load_mapper(&args.config, &[], false, false) {
        Ok(m) => m,
        Err(code) => return code,
    };
    let mut headers = Vec::new();
    for h in &args.headers {
        match h.split_once(':') {
            Some((name, value)) if !name.trim().is_empty() => {
                headers.push((name.trim().to_owned(), value.trim().to_owned()))
            }
            _ => {
                eprintln!("hookmap: --header {h:?} is not `Name: value`");
                return 2;
            }
        }
    }
    let body = match read(&args.body) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("hookmap: {e}");
            return EXIT_BAD_INPUT;
        }
    };
    match verify(
        mapper.config().security.as_ref(),
        &body,
        headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    ) {
        Ok(Verified::Valid) => {
            println!("valid");
            0
        }
        Ok(Verified::NotRequired) => {
            println!("valid: the configuration asks for no signature");
            0
        }
        Err(e) => {
            eprintln!("invalid: {e}");
            1
        }
    }
}
