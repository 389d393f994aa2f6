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

/// A diagnostic as the engine reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// "error" or "warning".
    pub severity: String,
    /// Mapping index.
    #[serde(default)]
    pub mapping: Option<usize>,
    /// Item index.
    #[serde(default)]
    pub item: Option<usize>,
    /// The place (`mappings[0].entity.properties.link`).
    pub field: String,
    /// What is wrong.
    pub message: String,
    /// The jq expression, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expression: Option<String>,
    /// Byte span in the expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<Value>,
    /// JSON syntax errors: line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// JSON syntax errors: column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
}

impl Diagnostic {
    /// A blueprint violation (no expression, on an entity property or relation).
    pub fn is_blueprint_violation(&self) -> bool {
        self.expression.is_none()
            && (self.field.contains(".entity.properties.") || self.field.contains(".entity.relations."))
    }
}

/// One evaluated field (the per-field view).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct FieldTrace {
    /// Mapping index.
    pub mapping: usize,
    /// Item index.
    pub item: Option<usize>,
    /// The place.
    pub field: String,
    /// The expression.
    pub expression: String,
    /// Its value (absent: no output).
    #[serde(default)]
    pub value: Option<Value>,
    /// Its jq error.
    #[serde(default)]
    pub error: Option<String>,
}

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
    pub result: Option<Value>,
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
    /// The entities of the result (empty when there is no result).
    pub fn entities(&self) -> Vec<Value> {
        self.result
            .as_ref()
            .and_then(|r| r.get("entities"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    }

    /// The runtime diagnostics of the result.
    pub fn runtime_diagnostics(&self) -> Vec<Diagnostic> {
        self.result
            .as_ref()
            .and_then(|r| r.get("diagnostics"))
            .and_then(|d| serde_json::from_value(d.clone()).ok())
            .unwrap_or_default()
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
}

impl Default for State {
    fn default() -> Self {
        Self {
            inputs: Inputs::default(),
            revision: 0,
            output: None,
            status: Status::Idle,
            notice: None,
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
    /// The root name of diagnostic paths in this pane.
    pub fn root(self) -> &'static str {
        match self {
            Pane::Request => "request",
            Pane::Mapping => "",
            Pane::Blueprint => "blueprint",
        }
    }

    /// The pane a diagnostic's place is in.
    pub fn of(d: &Diagnostic) -> Pane {
        if d.field.starts_with("request") || d.field == "body" {
            Pane::Request
        } else if d.field.starts_with("blueprint") {
            Pane::Blueprint
        } else {
            Pane::Mapping
        }
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
                s.output = Some(o);
                s.status = Status::Done;
            }
            Action::Status(st) => s.status = st,
            Action::Notice(n) => s.notice = n,
        }
        Rc::new(s)
    }
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
    fn the_secret_is_never_shared() {
        let inputs = Inputs {
            secret: "s3cret".into(),
            ..Inputs::default()
        };
        assert!(!serde_json::to_string(&inputs).unwrap().contains("s3cret"));
    }
}
