//! `hookmap export`: a configuration in another form: Port's JSON (what Port's API receives,
//! from a Terraform file too), or a Terraform `port_webhook` resource.

use crate::host::Out;
use crate::source::{self, ConfigSpec};
use crate::EXIT_BAD_INPUT;
use mapper_core::MapperOptions;

/// The forms `export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Port's JSON (the body of `POST /v1/webhooks`).
    Json,
    /// A Terraform `port_webhook` resource (port-labs/port-labs provider).
    Terraform,
}

/// Arguments of `hookmap export`.
#[derive(clap::Args)]
pub struct ExportArgs {
    /// The configuration: Port's JSON, a Terraform file or `terraform show -json`.
    #[arg(long, short, value_name = "FILE[#port_webhook.NAME]")]
    config: ConfigSpec,
    /// The form to write.
    #[arg(long, value_enum)]
    format: Format,
    /// The Terraform resource's name (default: from the webhook's identifier).
    #[arg(long)]
    name: Option<String>,
    /// Write to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<std::path::PathBuf>,
}

/// A Terraform name from an identifier: letters, digits, `_` and `-`, not starting with a digit.
fn resource_name(identifier: Option<&str>) -> String {
    let name: String = identifier
        .unwrap_or("")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    match name.chars().next() {
        None => "webhook".into(),
        Some(c) if c.is_ascii_digit() || c == '-' => format!("webhook_{name}"),
        Some(_) => name,
    }
}

/// Run `hookmap export`.
pub fn run(args: ExportArgs, out: &mut Out) -> u8 {
    let loaded = match source::load(out, &args.config) {
        Ok(l) => l,
        Err(e) => {
            e.report(out, &args.config.display());
            return EXIT_BAD_INPUT;
        }
    };
    // Only a configuration that compiles is exported; its warnings are said.
    let options = MapperOptions {
        clock: out.host().clock(),
        ..MapperOptions::default()
    };
    match loaded.mapper(options) {
        Ok(m) => crate::input::report(out, &args.config.display(), m.warnings()),
        Err(e) => {
            crate::input::report(out, &args.config.display(), e.diagnostics());
            return EXIT_BAD_INPUT;
        }
    }
    let text = match args.format {
        Format::Json => {
            let mut t = serde_json::to_string_pretty(&loaded.value).expect("values serialise");
            t.push('\n');
            t
        }
        Format::Terraform => {
            let name = args
                .name
                .clone()
                .unwrap_or_else(|| resource_name(loaded.value.get("identifier").and_then(|v| v.as_str())));
            crate::terraform::to_hcl(&name, &loaded.value)
        }
    };
    match &args.output {
        Some(path) => {
            if let Err(e) = out.host().write(path, text.as_bytes()) {
                out.err(&format!("hookmap: cannot write {}: {e}", path.display()));
                return EXIT_BAD_INPUT;
            }
            0
        }
        None => {
            out.print(&text);
            0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::resource_name;

    #[test]
    fn resource_names_are_terraform_identifiers() {
        assert_eq!(resource_name(Some("spacelift-runs")), "spacelift-runs");
        assert_eq!(resource_name(Some("1st hook")), "webhook_1st_hook");
        assert_eq!(resource_name(None), "webhook");
    }
}
