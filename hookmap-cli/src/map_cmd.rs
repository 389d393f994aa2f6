//! `hookmap map`.

use crate::host::Out;
use crate::input::{read, read_text, report};
use crate::source::{self, ConfigSpec};
use crate::EXIT_BAD_INPUT;
use mapper_core::{Blueprint, Error, MapResult, Mapper, MapperOptions};
use std::io::BufRead;
use std::path::{Path, PathBuf};

/// Arguments of `hookmap map`.
#[derive(clap::Args)]
pub struct MapArgs {
    /// The webhook configuration: Port's JSON (webhook object or mappings array), a Terraform
    /// file (`main.tf`, `main.tf#port_webhook.NAME` when it holds several) or the JSON of
    /// `terraform show -json`.
    #[arg(long, short, value_name = "FILE[#port_webhook.NAME]")]
    config: ConfigSpec,
    /// A blueprint to validate entities against (repeatable).
    #[arg(long, short)]
    blueprint: Vec<PathBuf>,
    /// Turn Port's silent cases (error → null, dropped outputs, ...) into errors.
    #[arg(long)]
    strict: bool,
    /// Add hints: a field path reading a key the request doesn't have (`missing-key-path`,
    /// with the closest key present).
    #[arg(long)]
    hints: bool,
    /// The input is a body only: map it as {body, headers: {}, queryParams: {}}.
    #[arg(long)]
    body: bool,
    /// Map one request per input line, printing one compact result per line.
    #[arg(long)]
    ndjson: bool,
    /// The request file (`-` or nothing: standard input).
    request: Option<PathBuf>,
}

/// Load a mapper from files, printing problems on stderr (and the configuration's warnings).
pub fn load_mapper(
    out: &mut Out,
    config: &ConfigSpec,
    blueprints: &[PathBuf],
    strict: bool,
    hints: bool,
) -> Result<Mapper, u8> {
    let mut options = MapperOptions {
        strict,
        hints,
        clock: out.host().clock(),
        ..MapperOptions::default()
    };
    for path in blueprints {
        let text = read_text(out, path).map_err(|e| {
            out.err(&format!("hookmap: {e}"));
            EXIT_BAD_INPUT
        })?;
        match Blueprint::from_json(&text) {
            Ok(b) => options.blueprints.push(b),
            Err(diags) => {
                report(out, &path.display().to_string(), &diags);
                return Err(EXIT_BAD_INPUT);
            }
        }
    }
    let loaded = source::load(out, config).map_err(|e| {
        e.report(out, &config.display());
        EXIT_BAD_INPUT
    })?;
    match loaded.mapper(options) {
        Ok(m) => {
            report(out, &config.display(), m.warnings());
            Ok(m)
        }
        Err(e) => {
            report(out, &config.display(), e.diagnostics());
            Err(EXIT_BAD_INPUT)
        }
    }
}

/// Parse and map one request (building only the parts of its body the mapper reads).
fn map_request(mapper: &Mapper, bytes: &[u8], body_only: bool) -> Result<MapResult, Error> {
    if body_only {
        mapper.map_body_json(bytes)
    } else {
        mapper.map_json(bytes)
    }
}

/// Run `hookmap map`.
pub fn run(args: MapArgs, out: &mut Out) -> u8 {
    let mapper = match load_mapper(out, &args.config, &args.blueprint, args.strict, args.hints) {
        Ok(m) => m,
        Err(code) => return code,
    };
    let source = args.request.unwrap_or_else(|| PathBuf::from("-"));
    if args.ndjson {
        return run_ndjson(out, &mapper, &source, args.body);
    }
    let bytes = match read(out, &source) {
        Ok(b) => b,
        Err(e) => {
            out.err(&format!("hookmap: {e}"));
            return EXIT_BAD_INPUT;
        }
    };
    match map_request(&mapper, &bytes, args.body) {
        Ok(mut result) => {
            // The configuration's own warnings (a quote rewrite, `"filter": true`, ...) belong
            // to this result too, first, as they were found first.
            result.diagnostics.splice(0..0, mapper.warnings().iter().cloned());
            out.line(&serde_json::to_string_pretty(&result).expect("results serialise"));
            0
        }
        Err(e) => {
            report(out, &source.display().to_string(), e.diagnostics());
            EXIT_BAD_INPUT
        }
    }
}

/// One request per line in, one result per line out; a bad line yields a result holding only
/// its error diagnostics, so output lines always match input lines.
fn run_ndjson(out: &mut Out, mapper: &Mapper, source: &Path, body_only: bool) -> u8 {
    // One line in, one result out: memory stays flat however long the input.
    let reader = match out.host().open_lines(source) {
        Ok(r) => r,
        Err(e) => {
            out.err(&format!("hookmap: cannot read {}: {e}", source.display()));
            return EXIT_BAD_INPUT;
        }
    };
    let mut bad = false;
    for (n, line) in reader.split(b'\n').enumerate() {
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                out.err(&format!("hookmap: reading line {}: {e}", n + 1));
                return EXIT_BAD_INPUT;
            }
        };
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let result = match map_request(mapper, &line, body_only) {
            Ok(result) => result,
            Err(e) => {
                bad = true;
                let mut diagnostics = e.diagnostics().to_vec();
                for d in &mut diagnostics {
                    d.message = format!("line {}: {}", n + 1, d.message);
                }
                MapResult {
                    entities: Vec::new(),
                    diagnostics,
                }
            }
        };
        let mut text = serde_json::to_vec(&result).expect("results serialise");
        text.push(b'\n');
        out.bytes(&text);
        if out.closed() {
            return 0; // the reader went away (`| head`)
        }
    }
    if bad {
        EXIT_BAD_INPUT
    } else {
        0
    }
}
