//! Where a webhook configuration comes from: Port's JSON, a Terraform file's `port_webhook`
//! resource, or the JSON of `terraform show -json`. Every command that reads a configuration
//! (`--config`, a test case's) reads it here, so each form is accepted everywhere, and a
//! configuration read from Terraform keeps the place of each value for its diagnostics.

use crate::host::Out;
use crate::terraform::{self, Problem, Webhook};
use mapper_core::location::SourceIndex;
use mapper_core::{Code, Diagnostic, Document, Error, Location, Mapper, MapperOptions, Severity};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A configuration argument: a file, and for a file holding several webhooks the one meant
/// (`main.tf#port_webhook.spacelift`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigSpec {
    /// The file (`-`: standard input).
    pub path: PathBuf,
    /// The resource chosen, when one is: `port_webhook.spacelift`, `spacelift`, or an address
    /// in a module (`module.hooks.port_webhook.spacelift`, in `terraform show -json`).
    pub resource: Option<String>,
}

impl ConfigSpec {
    /// Read `FILE` or `FILE#port_webhook.NAME` (`FILE#NAME` too).
    pub fn parse(arg: &str) -> Self {
        match arg.rsplit_once('#') {
            Some((file, name)) if !file.is_empty() && !name.is_empty() && !name.contains('/') => Self {
                path: PathBuf::from(file),
                resource: Some(name.to_owned()),
            },
            _ => Self {
                path: PathBuf::from(arg),
                resource: None,
            },
        }
    }

    /// A plain file.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            resource: None,
        }
    }

    /// The file as written in messages.
    pub fn display(&self) -> String {
        self.path.display().to_string()
    }
}

impl std::str::FromStr for ConfigSpec {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self::parse(s))
    }
}

/// The form a configuration was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// Port's JSON: a webhook object, an array of mappings, or one mapping.
    Json,
    /// A Terraform file (HCL) holding `port_webhook` resources.
    Terraform,
    /// `terraform show -json` of a plan or a state.
    TerraformShow,
}

/// A configuration, read.
#[derive(Debug)]
pub struct Loaded {
    /// The file it was read from.
    pub spec: ConfigSpec,
    /// The form it was written in.
    pub form: Form,
    /// The configuration as Port's API takes it.
    pub value: Value,
    /// The file's text.
    pub text: String,
    /// Where each value is in `text`, for a Terraform file.
    pub index: Option<SourceIndex>,
    /// What reading it found to warn about (a provider default that differs from Port's).
    pub warnings: Vec<Diagnostic>,
}

/// Why a configuration could not be read: a message for an unreadable file, or diagnostics
/// with their places for a file that could be read.
#[derive(Debug)]
pub enum LoadError {
    /// The file could not be read (the message names it).
    Unreadable(String),
    /// The file was read and is not a configuration.
    Invalid(Vec<Diagnostic>),
}

impl LoadError {
    /// Print on standard error, each line prefixed with the file.
    pub fn report(&self, out: &mut Out, file: &str) {
        match self {
            LoadError::Unreadable(m) => out.err(&format!("hookmap: {m}")),
            LoadError::Invalid(ds) => crate::input::report(out, file, ds),
        }
    }

    /// The diagnostics (an unreadable file's message as one).
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        match self {
            LoadError::Unreadable(m) => vec![Diagnostic::about(
                Code::JsonSyntax,
                Severity::Error,
                "config",
                m.clone(),
            )],
            LoadError::Invalid(ds) => ds.clone(),
        }
    }
}

fn is_terraform_file(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "tf")
}

/// Read the configuration `spec` names: a `.tf` file as Terraform, anything else as JSON (a
/// `terraform show -json` document is recognised by its shape).
pub fn load(out: &mut Out, spec: &ConfigSpec) -> Result<Loaded, LoadError> {
    let text = crate::input::read_text(out, &spec.path).map_err(LoadError::Unreadable)?;
    from_text(spec, text)
}

/// Read a configuration from its text (see [`load`]).
pub fn from_text(spec: &ConfigSpec, text: String) -> Result<Loaded, LoadError> {
    if is_terraform_file(&spec.path) {
        let webhooks = terraform::read_hcl(&text).map_err(|ps| LoadError::Invalid(located(&text, ps)))?;
        let webhook = choose(spec, webhooks).map_err(|m| LoadError::Invalid(vec![terraform_error(m, None)]))?;
        let index = SourceIndex::from_places(Document::Config, &text, webhook.places.iter().cloned());
        let warnings = provider_warnings(Some(&index), &webhook.warnings);
        return Ok(Loaded {
            spec: spec.clone(),
            form: Form::Terraform,
            value: webhook.config,
            text,
            index: Some(index),
            warnings,
        });
    }
    let value: Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(_) => {
            // Mapper::from_json words the syntax error with its place.
            return match Mapper::from_json(&text, MapperOptions::default()) {
                Err(e) => Err(LoadError::Invalid(e.diagnostics().to_vec())),
                Ok(_) => Err(LoadError::Unreadable(format!("{} is not JSON", spec.display()))),
            };
        }
    };
    if terraform::is_show_json(&value) {
        let webhooks = terraform::read_show_json(&value)
            .map_err(|ms| LoadError::Invalid(ms.into_iter().map(|m| terraform_error(m, None)).collect()))?;
        let webhook = choose(spec, webhooks).map_err(|m| LoadError::Invalid(vec![terraform_error(m, None)]))?;
        return Ok(Loaded {
            spec: spec.clone(),
            form: Form::TerraformShow,
            warnings: provider_warnings(None, &webhook.warnings),
            value: webhook.config,
            text,
            index: None,
        });
    }
    if let Some(name) = &spec.resource {
        return Err(LoadError::Invalid(vec![terraform_error(
            format!(
                "`#{name}` chooses a Terraform resource, and {} is Port's JSON (one configuration): leave `#{name}` out",
                spec.display()
            ),
            None,
        )]));
    }
    Ok(Loaded {
        spec: spec.clone(),
        form: Form::Json,
        value,
        text,
        index: None,
        warnings: Vec::new(),
    })
}

/// The webhook `spec` chooses among those a Terraform document holds.
fn choose(spec: &ConfigSpec, mut webhooks: Vec<Webhook>) -> Result<Webhook, String> {
    let names = || webhooks.iter().map(|w| w.name.clone()).collect::<Vec<_>>().join(", ");
    match &spec.resource {
        Some(name) => match webhooks
            .iter()
            .position(|w| &w.name == name || w.name == format!("port_webhook.{name}"))
        {
            Some(i) => Ok(webhooks.swap_remove(i)),
            None if webhooks.is_empty() => Err(format!("{} holds no port_webhook resource", spec.display())),
            None => Err(format!("{} holds no {name}; it holds {}", spec.display(), names())),
        },
        None => match webhooks.len() {
            0 => Err(format!("{} holds no port_webhook resource", spec.display())),
            1 => Ok(webhooks.remove(0)),
            _ => Err(format!(
                "{} holds several port_webhook resources ({}): choose one with {}#port_webhook.NAME",
                spec.display(),
                names(),
                spec.display()
            )),
        },
    }
}

fn terraform_error(message: String, location: Option<Location>) -> Diagnostic {
    Diagnostic::about(Code::TerraformConfig, Severity::Error, "config", message).at(location)
}

/// What the provider does that the file may not say, as `terraform-provider` warnings (located
/// in a .tf file; `terraform show -json` has no places).
fn provider_warnings(index: Option<&SourceIndex>, problems: &[Problem]) -> Vec<Diagnostic> {
    problems
        .iter()
        .map(|p| {
            Diagnostic::about(Code::TerraformProvider, Severity::Warning, "config", p.message.clone())
                .at(index.map(|i| i.range_location(p.span.clone())))
        })
        .collect()
}

/// Problems of a Terraform document as located `terraform-config` errors.
fn located(text: &str, problems: Vec<Problem>) -> Vec<Diagnostic> {
    let index = SourceIndex::from_places(Document::Config, text, []);
    problems
        .into_iter()
        .map(|p| terraform_error(p.message, Some(index.range_location(p.span))))
        .collect()
}

impl Loaded {
    /// Compile it, every diagnostic located in the file it was read from; the reading's own
    /// warnings come first (they stay warnings in strict mode: they are about Terraform, not
    /// about what Port does silently).
    pub fn mapper(&self, options: MapperOptions) -> Result<Mapper, Error> {
        let mapper = match (&self.form, &self.index) {
            (Form::Json, _) => Mapper::from_json(&self.text, options),
            (_, Some(index)) => Mapper::from_value_at(&self.value, options, index.clone()),
            (_, None) => Mapper::new(&self.value, options),
        };
        match mapper {
            Ok(m) => Ok(m.with_warnings_first(self.warnings.clone())),
            Err(Error::Config(mut ds)) => {
                ds.splice(0..0, self.warnings.iter().cloned());
                Err(Error::Config(ds))
            }
            Err(e) => Err(e),
        }
    }
}
