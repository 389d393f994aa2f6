//! `hookmap verify`.

use crate::host::Out;
use crate::input::read;
use crate::map_cmd::load_mapper;
use crate::source::ConfigSpec;
use crate::EXIT_BAD_INPUT;
use mapper_core::signature::{verify, Verified};
use std::path::PathBuf;

/// Arguments of `hookmap verify`.
#[derive(clap::Args)]
pub struct VerifyArgs {
    /// The webhook configuration holding `security` (JSON or Terraform, as for `map`).
    #[arg(long, short, value_name = "FILE[#port_webhook.NAME]")]
    config: ConfigSpec,
    /// A request header, `Name: value` (repeatable).
    #[arg(long = "header", short = 'H')]
    headers: Vec<String>,
    /// The raw request body, byte for byte as received (`-`: standard input).
    body: PathBuf,
}

/// Run `hookmap verify`: exit 0 when valid (or no check is configured), 1 when not.
pub fn run(args: VerifyArgs, out: &mut Out) -> u8 {
    let mapper = match load_mapper(out, &args.config, &[], false, false) {
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
                out.err(&format!("hookmap: --header {h:?} is not `Name: value`"));
                return 2;
            }
        }
    }
    let body = match read(out, &args.body) {
        Ok(b) => b,
        Err(e) => {
            out.err(&format!("hookmap: {e}"));
            return EXIT_BAD_INPUT;
        }
    };
    match verify(
        mapper.config().security.as_ref(),
        &body,
        headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    ) {
        Ok(Verified::Valid) => {
            out.line("valid");
            0
        }
        Ok(Verified::NotRequired) => {
            out.line("valid: the configuration asks for no signature");
            0
        }
        Err(e) => {
            out.err(&format!("invalid: {e}"));
            1
        }
    }
}
