//! `hookmap map`.

use crate::input::{read, read_text, report};
use crate::EXIT_BAD_INPUT;
use mapper_core::{Blueprint, Error, MapResult, Mapper, MapperOptions};
use std::io::{BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Arguments of `hookmap map`.
#[derive(clap::Args)]
pub struct MapArgs {
    /// The webhook configuration (webhook object or mappings array).
    #[arg(long, short)]
    config: PathBuf,
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

/// Load a mapper from files, printing problems on stderr.
pub fn load_mapper(config: &Path, blueprints: &[PathBuf], strict: bool, hints: bool) -> Result<Mapper, u8> {
    let mut options = MapperOptions {
        strict,
        hints,
        ..MapperOptions::default()
    };
    for path in blueprints {
        let text = read_text(path).map_err(|e| {
            eprintln!("hookmap: {e}");
            EXIT_BAD_INPUT
        })?;
        match Blueprint::from_json(&text) {
            Ok(b) => options.blueprints.push(b),
            Err(diags) => {
                report(path, &diags);
                return Err(EXIT_BAD_INPUT);
            }
        }
    }
    let text = read_text(config).map_err(|e| {
        eprintln!("hookmap: {e}");
        EXIT_BAD_INPUT
    })?;
    match Mapper::from_json(&text, options) {
        Ok(m) => {
            report(config, m.warnings());
            Ok(m)
        }
        Err(e) => {
            report(config, e.diagnostics());
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
pub fn run(args: MapArgs) -> u8 {
    let mapper = match load_mapper(&args.config, &args.blueprint, args.strict, args.hints) {
        Ok(m) => m,
        Err(code) => return code,
    };
    let source = args.request.unwrap_or_else(|| PathBuf::from("-"));
    if args.ndjson {
        return run_ndjson(&mapper, &source, args.body);
    }
    let bytes = match read(&source) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("hookmap: {e}");
            return EXIT_BAD_INPUT;
        }
    };
    match map_request(&mapper, &bytes, args.body) {
        Ok(mut result) => {
            // The configuration's own warnings (a quote rewrite, `"filter": true`, ...) belong
            // to this result too, first, as they were found first.
            result.diagnostics.splice(0..0, mapper.warnings().iter().cloned());
            println!("{}", serde_json::to_string_pretty(&result).expect("results serialise"));
            0
        }
        Err(e) => {
            report(&source, e.diagnostics());
            EXIT_BAD_INPUT
        }
    }
}

/// One request per line in, one result per line out; a bad line yields a result holding only
/// its error diagnostics, so output lines always match input lines.
fn run_ndjson(mapper: &Mapper, source: &Path, body_only: bool) -> u8 {
    let reader: Box<dyn BufRead> = if source.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        match std::fs::File::open(source) {
            Ok(f) => Box::new(std::io::BufReader::with_capacity(1 << 16, f)),
            Err(e) => {
                eprintln!("hookmap: cannot read {}: {e}", source.display());
                return EXIT_BAD_INPUT;
            }
        }
    };
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut bad = false;
    for (n, line) in reader.split(b'\n').enumerate() {
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                eprintln!("hookmap: reading line {}: {e}", n + 1);
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
        if serde_json::to_writer(&mut out, &result).is_err() || out.write_all(b"\n").is_err() {
            return 0; // the reader went away (e.g. `| head`)
        }
    }
    let _ = out.flush();
    if bad {
        EXIT_BAD_INPUT
    } else {
        0
    }
}
