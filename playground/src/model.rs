//! The playground's state: what the user typed, the options, and the latest evaluation.

use crate::examples::EXAMPLES;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::rc::Rc;
use yew::Reducible;

/// Everything the user controls; persisted in the URL hash and in localStorage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Inputs {
    /// The request (`{body, headers, queryParams}`), or only its body when `body_only`.
    pub request: String,
    /// The webhook configuration (full object or mappings array).
    pub config: String,
    /// An optional blueprint (or an array of them).
    pub blueprint: String,
    /// The request pane holds only the body.
    pub body_only: bool,
    /// Port's silent cases become errors.
    pub strict: bool,
    /// The webhook secret for the signature panel (not shared in links).
    #[serde(skip_serializing)]
    pub secret: String,
    /// Which example the inputs came from (for names of downloads).
    pub example: usize,
}

impl Default for Inputs {
    fn default() -> Self {
        Self::example(0)
    }
}

impl Inputs {
    /// The inputs of an example.
    pub fn example(i: usize) -> Self {
        let e = &EXAMPLES[i.min(EXAMPLES.len() - 1)];
        Self {
            request: e.request.to_owned(),
            config: e.config.to_owned(),
            blueprint: e.blueprint.to_owned(),
            body_only: false,
            strict: false,
            secret: String::new(),
            example: i,
        }
    }
}

pub use mapper_core::diagnostic::{Diagnostic, Document, Severity};
pub use mapper_core::{FieldOutcome, FieldTrace, MapResult};

/// The signature check of the request against the secret.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SignatureCheck {
    /// Whether the request's signature header verifies.
    pub valid: bool,
    /// Why not.
    #[serde(default)]
    pub reason: Option<String>,
    /// Which header was checked.
    pub header: String,
}

/// The header a sender would attach.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Signed {
    /// Header name.
    pub header: String,
    /// Header value.
    pub value: String,
}

/// What the evaluation worker answered.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Output {
    /// `{entities, diagnostics}`, when the configuration and request were valid.
    #[serde(default)]
    pub result: Option<MapResult>,
    /// Every evaluated field.
    #[serde(default)]
    pub fields: Vec<FieldTrace>,
    /// Compile-time warnings.
    #[serde(default)]
    pub warnings: Vec<Diagnostic>,
    /// Configuration errors.
    #[serde(default)]
    pub config: Vec<Diagnostic>,
    /// Request errors.
    #[serde(default)]
    pub request: Vec<Diagnostic>,
    /// Blueprint errors.
    #[serde(default)]
    pub blueprint: Vec<Diagnostic>,
    /// The signature check, when a secret is given.
    #[serde(default)]
    pub signature: Option<SignatureCheck>,
    /// The signature header for the request body.
    #[serde(default)]
    pub signed: Option<Signed>,
    /// The body as signed (compact JSON).
    #[serde(default)]
    pub raw_body: Option<String>,
    /// Milliseconds from posting the input to the answer.
    #[serde(default)]
    pub elapsed_ms: f64,
    /// An unexpected failure in the worker.
    #[serde(default)]
    pub fatal: Option<String>,
}

impl Output {
    /// The entities of the result as JSON (empty when there is no result).
    pub fn entities(&self) -> Vec<Value> {
        self.result
            .iter()
            .flat_map(|r| &r.entities)
            .filter_map(|e| serde_json::to_value(e).ok())
            .collect()
    }

    /// Every diagnostic of the answer, with the pane it is shown in.
    pub fn diagnostics(&self) -> Vec<(Pane, Diagnostic)> {
        let lists = [
            (&self.request, Pane::Request),
            (&self.config, Pane::Mapping),
            (&self.blueprint, Pane::Blueprint),
            (&self.warnings, Pane::Mapping),
        ];
        let runtime = self.result.iter().flat_map(|r| &r.diagnostics);
        lists
            .into_iter()
            .flat_map(|(list, pane)| list.iter().map(move |d| (pane, d)))
            .chain(runtime.map(|d| (Pane::Mapping, d)))
            .map(|(pane, d)| (Pane::of(d).unwrap_or(pane), d.clone()))
            .collect()
    }
}

/// The evaluation's state.
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    /// Nothing evaluated yet.
    Idle,
    /// An evaluation is running.
    Running,
    /// The latest evaluation answered.
    Done,
    /// Stopped: too long, or the worker failed; the message says which.
    Stopped(String),
}

/// The whole state of the page.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    /// What the user typed.
    pub inputs: Inputs,
    /// Bumped when the inputs are replaced (example, reset, share link): editors reload.
    pub revision: u64,
    /// The latest answer.
    pub output: Option<Rc<Output>>,
    /// The evaluation state.
    pub status: Status,
    /// A short message after an action (copied, ...).
    pub notice: Option<String>,
    /// The jq path of the request value last clicked (`.body.stack.id`).
    pub path: Option<String>,
    /// The answer before `output`, for what changed; none after the inputs were replaced.
    pub previous: Option<Rc<Output>>,
    /// The `revision` `output` was computed for.
    pub output_revision: u64,
}

impl Default for State {
    fn default() -> Self {
        Self {
            inputs: Inputs::default(),
            revision: 0,
            output: None,
            status: Status::Idle,
            notice: None,
            path: None,
            previous: None,
            output_revision: 0,
        }
    }
}

/// Which editor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    /// The request.
    Request,
    /// The webhook configuration.
    Mapping,
    /// The blueprint.
    Blueprint,
}

impl Pane {
    /// The pane of the document a diagnostic's location is in, when it has one.
    pub fn of(d: &Diagnostic) -> Option<Pane> {
        d.location.and_then(|l| match l.document {
            Document::Request => Some(Pane::Request),
            Document::Config => Some(Pane::Mapping),
            Document::Blueprint => Some(Pane::Blueprint),
            // A test case's file: the playground has no pane for it.
            Document::Expected => None,
        })
    }
}

/// What can happen to the state.
pub enum Action {
    /// An editor's text changed.
    Edit(Pane, String),
    /// The body-only toggle.
    BodyOnly(bool),
    /// The strict toggle.
    Strict(bool),
    /// The signature panel's secret.
    Secret(String),
    /// Load an example.
    Example(usize),
    /// Replace all inputs (share link, localStorage).
    Load(Inputs),
    /// Back to the default example.
    Reset,
    /// An evaluation answered.
    Result(Rc<Output>),
    /// The evaluation state changed.
    Status(Status),
    /// Show a short message.
    Notice(Option<String>),
    /// A value of the request pane was clicked: its path (keys and indexes) in the pane's JSON.
    Clicked(Vec<Value>),
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            Action::Edit(Pane::Request, t) => s.inputs.request = t,
            Action::Edit(Pane::Mapping, t) => s.inputs.config = t,
            Action::Edit(Pane::Blueprint, t) => s.inputs.blueprint = t,
            Action::BodyOnly(b) => {
                s.inputs.request = convert_request(&s.inputs.request, b);
                s.inputs.body_only = b;
                s.revision += 1;
            }
            Action::Strict(b) => s.inputs.strict = b,
            Action::Secret(t) => s.inputs.secret = t,
            Action::Example(i) => {
                let secret = std::mem::take(&mut s.inputs.secret);
                s.inputs = Inputs {
                    secret,
                    ..Inputs::example(i)
                };
                s.revision += 1;
            }
            Action::Load(inputs) => {
                s.inputs = inputs;
                s.revision += 1;
            }
            Action::Reset => {
                s.inputs = Inputs::default();
                s.revision += 1;
            }
            Action::Result(o) => {
                // What changed is shown between answers to edits, not after a new example.
                let same_inputs = s.output_revision == s.revision;
                s.previous = s.output.take().filter(|_| same_inputs);
                s.output_revision = s.revision;
                s.output = Some(o);
                s.status = Status::Done;
            }
            Action::Status(st) => s.status = st,
            Action::Notice(n) => s.notice = n,
            Action::Clicked(steps) => s.path = Some(request_path(&steps, s.inputs.body_only)),
        }
        Rc::new(s)
    }
}

/// The jq path of a value of the request pane (quoted as jq needs, by the engine's own
/// `jq_path`); `.body` first when the pane holds only the body.
pub fn request_path(steps: &[Value], body_only: bool) -> String {
    use mapper_core::scaffold::{jq_path, Step};
    let prefix = body_only.then(|| Step::Key("body".into()));
    let steps: Vec<Step> = prefix
        .into_iter()
        .chain(steps.iter().filter_map(|s| match s {
            Value::String(k) => Some(Step::Key(k.clone())),
            Value::Number(n) => n.as_u64().map(|i| Step::Index(i as usize)),
            _ => None,
        }))
        .collect();
    jq_path(&steps)
}

/// The text of a jq path inside a JSON string of the mapping editor (quotes and backslashes
/// escaped): `."x-signature-256"` becomes `.\"x-signature-256\"`.
pub fn in_json_string(path: &str) -> String {
    let quoted = serde_json::to_string(path).unwrap_or_default();
    quoted[1..quoted.len() - 1].to_owned()
}

/// Switch the request pane between a whole request and its body, keeping what can be kept.
fn convert_request(text: &str, to_body_only: bool) -> String {
    let Ok(v) = serde_json::from_str::<Value>(text) else {
        return text.to_owned();
    };
    let out = if to_body_only {
        match v.get("body") {
            Some(b) => b.clone(),
            None => v,
        }
    } else {
        serde_json::json!({"body": v, "headers": {}, "queryParams": {}})
    };
    serde_json::to_string_pretty(&out).unwrap_or_else(|_| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_only_toggle_round_trips() {
        let whole = r#"{"body": {"a": 1}, "headers": {"X": "y"}, "queryParams": {}}"#;
        let body = convert_request(whole, true);
        assert_eq!(
            serde_json::from_str::<Value>(&body).unwrap(),
            serde_json::json!({"a": 1})
        );
        let back: Value = serde_json::from_str(&convert_request(&body, false)).unwrap();
        assert_eq!(
            back,
            serde_json::json!({"body": {"a": 1}, "headers": {}, "queryParams": {}})
        );
        assert_eq!(convert_request("{not json", true), "{not json");
    }

    #[test]
    fn clicked_paths_are_quoted_for_jq_and_for_json() {
        let steps = |v: Value| v.as_array().unwrap().clone();
        assert_eq!(
            request_path(&steps(serde_json::json!(["body", "stack", "id"])), false),
            ".body.stack.id"
        );
        assert_eq!(
            request_path(&steps(serde_json::json!(["stack", "labels", 0])), true),
            ".body.stack.labels[0]"
        );
        let header = request_path(&steps(serde_json::json!(["headers", "x-signature-256"])), false);
        assert_eq!(header, r#".headers."x-signature-256""#);
        assert_eq!(in_json_string(&header), r#".headers.\"x-signature-256\""#);
    }

    #[test]
    fn the_secret_is_never_shared() {
        let inputs = Inputs {
            secret: "s3cret".into(),
            ..Inputs::default()
        };
        assert!(!serde_json::to_string(&inputs).unwrap().contains("s3cret"));
    }
}
