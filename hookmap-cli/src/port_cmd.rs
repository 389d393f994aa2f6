//! `hookmap pull` and `hookmap push`: a webhook's configuration from Port, and to Port once
//! its cases pass. What a push sends is planned here ([`Plan`]), and `hookmap diff` shows the
//! same plan without sending it.

use crate::host::Out;
use crate::port_api::{self, ApiError, PortApi, WEBHOOK_KEYS};
use crate::reporter;
use crate::source::{self, ConfigSpec, Loaded};
use crate::testcase::{self, CaseResult, Options};
use crate::{EXIT_BAD_INPUT, EXIT_FAILED, EXIT_PORT_API};
use mapper_core::diff::{differences_under, Change, Difference};
use mapper_core::MapperOptions;
use serde_json::{Map, Value};
use std::path::PathBuf;

/// Arguments of `hookmap pull`.
#[derive(clap::Args)]
pub struct PullArgs {
    /// Write the configuration to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// The webhook's identifier in Port.
    identifier: String,
}

/// Arguments shared by `push` and `diff`: the configuration, and the cases to run with it.
#[derive(clap::Args)]
pub struct TargetArgs {
    /// The configuration to push: Port's JSON, a Terraform file
    /// (`main.tf#port_webhook.NAME` when it holds several) or `terraform show -json`.
    #[arg(long, short, value_name = "FILE[#port_webhook.NAME]")]
    pub config: ConfigSpec,
    /// The webhook's identifier in Port, when the configuration holds none (a bare array of
    /// mappings).
    #[arg(long)]
    pub identifier: Option<String>,
    /// Case folders to run with this configuration first (their requests, expected entities
    /// and blueprints; a case's own configuration is not used).
    #[arg(long = "cases", value_name = "DIR", num_args = 1..)]
    pub cases: Vec<PathBuf>,
    /// Run the cases in strict mode.
    #[arg(long)]
    pub strict: bool,
}

/// Arguments of `hookmap push`.
#[derive(clap::Args)]
pub struct PushArgs {
    #[command(flatten)]
    target: TargetArgs,
}

/// Print an API error on standard error; the exit code for it.
pub fn api_failed(out: &mut Out, e: &ApiError) -> u8 {
    out.err(&format!("hookmap: {e}"));
    EXIT_PORT_API
}

/// Run `hookmap pull`: the live configuration as JSON, Port's metadata and the secret left out.
pub fn pull(args: PullArgs, out: &mut Out) -> u8 {
    let mut api = match PortApi::from_env(out.host()) {
        Ok(a) => a,
        Err(e) => return api_failed(out, &e),
    };
    let webhook = match api.get_webhook(out.host(), &args.identifier) {
        Ok(Some(w)) => w,
        Ok(None) => {
            out.err(&format!(
                "hookmap: Port has no webhook {:?} at {}",
                args.identifier,
                api.base()
            ));
            return EXIT_PORT_API;
        }
        Err(e) => return api_failed(out, &e),
    };
    let had_secret = webhook.pointer("/security/secret").is_some_and(|s| !s.is_null());
    let mut text = serde_json::to_string_pretty(&port_api::configuration_of(webhook)).expect("values serialise");
    text.push('\n');
    match &args.output {
        Some(path) => {
            if let Err(e) = out.host().write(path, text.as_bytes()) {
                out.err(&format!("hookmap: cannot write {}: {e}", path.display()));
                return EXIT_BAD_INPUT;
            }
        }
        None => out.print(&text),
    }
    if had_secret {
        out.err("hookmap: security.secret left out (push keeps Port's secret when the file has none)");
    }
    0
}

/// What a push would do.
pub struct Plan {
    /// The webhook's identifier.
    pub identifier: String,
    /// The configuration as read.
    pub loaded: Loaded,
    /// What the file says, as Port's API takes it (no secret added).
    pub desired: Value,
    /// The live webhook, if Port has it.
    pub live: Option<Value>,
}

impl Plan {
    /// The body to send: every key the file holds; `security` merged over Port's, since a
    /// `PATCH` replaces an object whole and the file (pulled, or with the secret in a Terraform
    /// variable) usually has no secret.
    pub fn body(&self) -> Value {
        let mut body = self.desired.clone();
        if let (Some(live), Value::Object(b)) = (&self.live, &mut body) {
            if let (Some(Value::Object(live_sec)), Some(Value::Object(sec))) = (live.get("security"), b.get("security"))
            {
                let mut merged = live_sec.clone();
                for (k, v) in sec {
                    merged.insert(k.clone(), v.clone());
                }
                b.insert("security".into(), Value::Object(merged));
            }
        }
        body
    }

    /// The configuration's changes against the live one, field by field, on the keys the body
    /// holds (a key the file leaves out is not changed); the secret's value is never shown.
    pub fn changes(&self) -> Vec<Difference> {
        let body = self.body();
        let Value::Object(body) = &body else {
            return Vec::new();
        };
        let live = self.live.clone().unwrap_or(Value::Object(Map::new()));
        let live_kept: Map<String, Value> = body
            .keys()
            .filter_map(|k| live.get(k).map(|v| (k.clone(), v.clone())))
            .collect();
        let mut found = differences_under("", &Value::Object(live_kept), &Value::Object(body.clone()));
        for d in &mut found {
            if d.path.to_string() == "security.secret" {
                d.change = match &d.change {
                    Change::Changed { .. } => Change::Changed {
                        from: Value::String("(secret)".into()),
                        to: Value::String("(another secret)".into()),
                    },
                    Change::Added(_) => Change::Added(Value::String("(secret)".into())),
                    Change::Removed(_) => Change::Removed(Value::String("(secret)".into())),
                };
            }
        }
        found
    }
}

/// Read the configuration and turn it into the webhook body Port's API takes.
fn desired_body(loaded: &Loaded, identifier: Option<&str>) -> Result<(String, Value), String> {
    let mut body = match &loaded.value {
        Value::Object(o) if o.contains_key("blueprint") && !o.contains_key("mappings") => {
            let mut b = Map::new();
            b.insert("mappings".into(), Value::Array(vec![loaded.value.clone()]));
            b
        }
        Value::Object(o) => o
            .iter()
            .filter(|(k, _)| WEBHOOK_KEYS.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        Value::Array(_) => {
            let mut b = Map::new();
            b.insert("mappings".into(), loaded.value.clone());
            b
        }
        _ => return Err("the configuration is not a webhook".into()),
    };
    let in_file = body.get("identifier").and_then(Value::as_str).map(str::to_owned);
    let id = match (in_file, identifier) {
        (Some(f), Some(a)) if f != a => {
            return Err(format!(
                "the configuration's identifier is {f:?} and --identifier says {a:?}: leave one out"
            ))
        }
        (Some(f), _) => f,
        (None, Some(a)) => a.to_owned(),
        (None, None) => {
            return Err(format!(
                "{} holds no webhook identifier: add \"identifier\", or give --identifier",
                loaded.spec.display()
            ))
        }
    };
    body.insert("identifier".into(), Value::String(id.clone()));
    Ok((id, Value::Object(body)))
}

/// Read the configuration, check it compiles, and fetch the live webhook: what a push does
/// before sending anything.
pub fn plan(out: &mut Out, target: &TargetArgs, api: &mut PortApi) -> Result<Plan, u8> {
    let loaded = source::load(out, &target.config).map_err(|e| {
        e.report(out, &target.config.display());
        EXIT_BAD_INPUT
    })?;
    // A configuration that does not compile (or that Port's API would refuse) is never sent.
    let options = MapperOptions {
        strict: target.strict,
        clock: out.host().clock(),
        ..MapperOptions::default()
    };
    if let Err(e) = loaded.mapper(options) {
        crate::input::report(out, &target.config.display(), e.diagnostics());
        return Err(EXIT_BAD_INPUT);
    }
    let (identifier, desired) = desired_body(&loaded, target.identifier.as_deref()).map_err(|m| {
        out.err(&format!("hookmap: {m}"));
        EXIT_BAD_INPUT
    })?;
    let live = api
        .get_webhook(out.host(), &identifier)
        .map_err(|e| api_failed(out, &e))?;
    Ok(Plan {
        identifier,
        loaded,
        desired,
        live,
    })
}

/// Run `target.cases` with the configuration about to be pushed.
pub fn run_cases(out: &mut Out, target: &TargetArgs, loaded: &Loaded) -> Vec<CaseResult> {
    let options = Options {
        update: false,
        strict: target.strict,
    };
    testcase::run_dirs(out, &target.cases, options, Some(loaded))
}

/// What `diff` and `push` print about a webhook's configuration: `{what} webhook ID at URL (N
/// changes)`, then a line per change.
pub fn print_changes(out: &mut Out, what: &str, identifier: &str, base: &str, changes: &[Difference]) {
    out.line(&format!(
        "{what} webhook {identifier} at {base}: {} change{}",
        changes.len(),
        if changes.len() == 1 { "" } else { "s" }
    ));
    for c in changes {
        out.line(&change_line(c));
    }
}

/// A change as `diff` and `push` print it: `~ path: from → to`, `+ path: value`, `- path: value`.
pub fn change_line(d: &Difference) -> String {
    use mapper_core::diff::short;
    match &d.change {
        Change::Changed { from, to } => format!("  ~ {}: {} → {}", d.path, short(from), short(to)),
        Change::Added(v) => format!("  + {}: {}", d.path, short(v)),
        Change::Removed(v) => format!("  - {}: {}", d.path, short(v)),
    }
}

/// Run `hookmap push`: the cases first; then create the webhook (`POST`) or change the keys
/// the file holds (`PATCH`), only when every case passed.
pub fn push(args: PushArgs, out: &mut Out) -> u8 {
    let target = &args.target;
    let mut api = match PortApi::from_env(out.host()) {
        Ok(a) => a,
        Err(e) => return api_failed(out, &e),
    };
    // The configuration and cases are checked before Port is asked anything.
    let loaded = match source::load(out, &target.config) {
        Ok(l) => l,
        Err(e) => {
            e.report(out, &target.config.display());
            return EXIT_BAD_INPUT;
        }
    };
    let results = run_cases(out, target, &loaded);
    if !results.is_empty() {
        for l in reporter::text_lines(&results) {
            out.line(&l);
        }
        let (_, failed) = reporter::totals(&results);
        if failed > 0 {
            out.err(&format!(
                "hookmap: push refused: {failed} case request{} failed; nothing was sent to Port",
                if failed == 1 { "" } else { "s" }
            ));
            return EXIT_FAILED;
        }
    } else {
        out.err("hookmap: no --cases given: pushing without running any case");
    }
    let plan = match plan(out, target, &mut api) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let changes = plan.changes();
    let sent = match &plan.live {
        None => {
            let mut body = plan.body();
            let Value::Object(b) = &mut body else {
                unreachable!("bodies are objects")
            };
            if !b.contains_key("title") {
                out.err(&format!(
                    "hookmap: Port's API needs a title to create webhook {:?}: add \"title\" to the configuration",
                    plan.identifier
                ));
                return EXIT_BAD_INPUT;
            }
            if !b.contains_key("enabled") {
                // Port's API requires it on creation; true is its documented default.
                b.insert("enabled".into(), Value::Bool(true));
            }
            if b.get("security").and_then(|s| s.get("secret")).is_none() {
                out.err("hookmap: warning: the webhook is created without a secret: requests are not verified until one is set (in Port, or as security.secret)");
            }
            api.create_webhook(out.host(), &body).map(|_| "created")
        }
        Some(_) if changes.is_empty() => Ok("unchanged"),
        Some(_) => api
            .patch_webhook(out.host(), &plan.identifier, &plan.body())
            .map(|_| "updated"),
    };
    match sent {
        Ok(what) => {
            print_changes(out, what, &plan.identifier, api.base(), &changes);
            0
        }
        Err(e) => api_failed(out, &e),
    }
}
