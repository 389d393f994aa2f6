//! Terraform `port_webhook` resources (provider port-labs/port-labs; Pulumi's `port.Webhook` is the
//! same provider behind the Terraform bridge): read from `.tf` text or from `terraform show -json`
//! and turned into the JSON body the provider sends to Port's API (`POST/PUT /v1/webhooks`), with
//! the place of every value in the text; and a configuration written back as HCL.
//!
//! The conversion follows the provider's `port/webhook/webhookResourceToPortBody.go` (v2.23.1):
//! null attributes are left out, `enabled` defaults to `false`, `security` is always an object,
//! an entity identifier is JSON-decoded only when it is an object with `combinator` and `rules`,
//! a relation whenever it is a JSON object (and must then be a valid search query), properties
//! never. Only literal HCL is evaluated (plus `jsonencode`, and `port_blueprint.NAME.identifier`
//! of a blueprint of the same text whose identifier is a literal): everything else needs
//! Terraform, and the error says how to hand hookmap Terraform's own result instead.

use hcl_edit::expr::{Array, Expression, FuncCall, Object, ObjectKey, TraversalOperator};
use hcl_edit::structure::{Block, Body, Structure};
use hcl_edit::template::{Element, Template};
use hcl_edit::Span;
use mapper_core::path::Step;
use serde_json::{Map, Number, Value};
use std::collections::HashMap;
use std::fmt::Write as _;

/// A byte range in the configuration's text.
pub type Range = std::ops::Range<usize>;

/// Something about the text worth saying, with where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// What is wrong or worth knowing, naming the resource and the attribute.
    pub message: String,
    /// Where it is in the text (`0..0` for `terraform show -json` documents, which have no text).
    pub span: Range,
}

/// One `port_webhook` resource, as Port's API receives it from the provider.
#[derive(Debug, Clone)]
pub struct Webhook {
    /// The resource's name: `port_webhook.NAME`.
    pub name: String,
    /// The JSON body the provider sends (POST/PUT /v1/webhooks): keys `identifier` (when set), `title`, `icon`, `description` (when set), `enabled` (always: the schema's default is false), `security` (always an object, `{}` when unset, only the set fields), `mappings` (when non-empty), in the provider's order; per mapping `blueprint`, `filter`, `operation` (an object `{type, deleteDependents?}` when set), `itemsToParse`, `entity` (`identifier`, `title`, `icon`, `team`, `properties`, `relations`, omitted when null; properties/relations omitted when empty).
    pub config: Value,
    /// Where each value of `config` is in the text: its JSON path (mapper_core::path::Step) and the byte range of the HCL expression that gave it (for a string, the whole literal with its quotes; for a value decoded from `jsonencode(...)`, the range of the corresponding HCL expression inside the call). Every string leaf of `mappings` must be there.
    pub places: Vec<(Vec<Step>, Range)>,
    /// What the provider does that Port's API would not on its own: `enabled` not set (the provider sends false, Port's API defaults to true), `security.secret` given by a reference (left out: not needed to map), ...
    pub warnings: Vec<Problem>,
}

/// The end of every message about an expression hookmap cannot evaluate.
const TERRAFORM_ONLY: &str = "only Terraform can evaluate it: run `terraform show -json` (after \
`terraform apply`, or on a plan) and give hookmap that JSON";

/// The provider's attribute names (port/webhook/schema.go), by object.
const TOP_KEYS: &[&str] = &[
    "identifier",
    "title",
    "icon",
    "description",
    "enabled",
    "security",
    "mappings",
];
/// Attributes the provider computes: Terraform refuses them in a configuration.
const COMPUTED_KEYS: &[&str] = &[
    "id",
    "url",
    "webhook_key",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
];
const SECURITY_KEYS: &[&str] = &[
    "secret",
    "signature_header_name",
    "signature_algorithm",
    "signature_prefix",
    "request_identifier_path",
];
const MAPPING_KEYS: &[&str] = &["blueprint", "filter", "items_to_parse", "operation", "entity"];
const OPERATION_KEYS: &[&str] = &["type", "delete_dependents"];
const ENTITY_KEYS: &[&str] = &["identifier", "title", "icon", "team", "properties", "relations"];
/// `security` attributes and their JSON names (models.go `Security`), in the struct's order.
const SECURITY_JSON: &[(&str, &str)] = &[
    ("secret", "secret"),
    ("signature_header_name", "signatureHeaderName"),
    ("signature_algorithm", "signatureAlgorithm"),
    ("signature_prefix", "signaturePrefix"),
    ("request_identifier_path", "requestIdentifierPath"),
];

// ---------------------------------------------------------------------------------------------
// Values: what an HCL expression (or a `terraform show -json` value) evaluates to, with its place.

/// A value of the configuration with the range of the expression that gave it.
#[derive(Debug, Clone)]
struct Node {
    span: Range,
    kind: Kind,
}

#[derive(Debug, Clone)]
enum Kind {
    Null,
    Bool(bool),
    /// A number in Terraform's text form (`big.Float.Text('f', -1)`): what it becomes as a string.
    Num(String),
    Str(String),
    Arr(Vec<Node>),
    /// An object in its written order (HCL forbids repeated keys).
    Obj(Vec<Entry>),
    /// `jsonencode(inner)`: the text Terraform makes, and the literal it encodes (for places).
    Encoded {
        text: String,
        inner: Box<Node>,
    },
    /// An expression hookmap cannot evaluate: kept until the schema says whether it matters
    /// (inside `security.secret` it does not).
    Unknown(Unknown),
}

#[derive(Debug, Clone)]
struct Entry {
    key: String,
    key_span: Range,
    value: Node,
}

/// Why an expression has no value here.
#[derive(Debug, Clone)]
struct Unknown {
    /// A noun phrase naming what was found, e.g. "a reference (`var.x`)".
    what: String,
    span: Range,
    /// True when Terraform could evaluate it (a reference, a function...), false when the
    /// expression is wrong anyway (a `jsonencode` with two arguments...).
    terraform_only: bool,
}

impl Node {
    /// How the value's type is named in messages.
    fn type_name(&self) -> &'static str {
        match self.kind {
            Kind::Null => "null",
            Kind::Bool(_) => "a bool",
            Kind::Num(_) => "a number",
            Kind::Str(_) => "a string",
            Kind::Encoded { .. } => "a string (from jsonencode)",
            Kind::Arr(_) => "a list",
            Kind::Obj(_) => "an object",
            Kind::Unknown(_) => "an expression",
        }
    }

    /// The first expression inside that has no value, if any.
    fn first_unknown(&self) -> Option<&Unknown> {
        match &self.kind {
            Kind::Unknown(u) => Some(u),
            Kind::Arr(items) => items.iter().find_map(Node::first_unknown),
            Kind::Obj(entries) => entries.iter().find_map(|e| e.value.first_unknown()),
            _ => None,
        }
    }

    /// The node at a JSON path below this one (through objects and lists), if the path exists.
    fn at(&self, steps: &[Step]) -> Option<&Node> {
        let Some((first, rest)) = steps.split_first() else {
            return Some(self);
        };
        match (first, &self.kind) {
            (Step::Key(k), Kind::Obj(entries)) => entries.iter().find(|e| &e.key == k)?.value.at(rest),
            (Step::Index(i), Kind::Arr(items)) => items.get(*i)?.at(rest),
            _ => None,
        }
    }
}

/// The value of an attribute of an object (absent and `null` are both "not set").
fn field<'n>(entries: &'n [Entry], key: &str) -> Option<&'n Node> {
    entries
        .iter()
        .find(|e| e.key == key)
        .map(|e| &e.value)
        .filter(|n| !matches!(n.kind, Kind::Null))
}

// ---------------------------------------------------------------------------------------------
// HCL evaluation: literals only, plus what hookmap can know without Terraform.

/// A `port_blueprint` resource's identifier, when it is a literal (Terraform then has exactly
/// that value: the attribute is required and nothing changes it).
type Blueprints = HashMap<String, Option<String>>;

struct Eval<'t> {
    text: &'t str,
    blueprints: &'t Blueprints,
}

fn span_of(e: &impl Span) -> Range {
    e.span().unwrap_or(0..0)
}

/// A short one-line quote of the text at `span`, for messages.
fn snippet(text: &str, span: &Range) -> String {
    let raw = text.get(span.clone()).unwrap_or("");
    let one_line = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 60 {
        let short: String = one_line.chars().take(57).collect();
        format!("{short}...")
    } else {
        one_line
    }
}

impl Eval<'_> {
    fn eval(&self, expr: &Expression) -> Node {
        let span = span_of(expr);
        let kind = match expr {
            Expression::Null(_) => Kind::Null,
            Expression::Bool(b) => Kind::Bool(*b.value()),
            Expression::Number(n) => {
                let written = self.text.get(span.clone()).unwrap_or("");
                Kind::Num(canonical_number(written).unwrap_or_else(|| n.value().to_string()))
            }
            Expression::String(s) => Kind::Str(s.value().clone()),
            Expression::StringTemplate(t) => self.template(t),
            Expression::HeredocTemplate(h) => self.template(&h.template),
            // Parentheses change nothing; the place stays the whole expression.
            Expression::Parenthesis(p) => self.eval(p.inner()).kind,
            Expression::Array(a) => self.array(a),
            Expression::Object(o) => self.object(o),
            Expression::FuncCall(c) => self.call(c, &span),
            Expression::Variable(_) | Expression::Traversal(_) => self.reference(expr, &span),
            Expression::Conditional(_) => self.terraform_only("a conditional", &span),
            Expression::ForExpr(_) => self.terraform_only("a `for` expression", &span),
            Expression::UnaryOp(_) | Expression::BinaryOp(_) => self.terraform_only("an operator expression", &span),
        };
        Node { span, kind }
    }

    fn terraform_only(&self, what: &str, span: &Range) -> Kind {
        Kind::Unknown(Unknown {
            what: format!("{what} (`{}`)", snippet(self.text, span)),
            span: span.clone(),
            terraform_only: true,
        })
    }

    /// A template is a string when it is only literal text (`$${` and `%%{` already unescaped by
    /// the parser; heredoc indentation already stripped for `<<-`).
    fn template(&self, t: &Template) -> Kind {
        let mut out = String::new();
        for element in t.iter() {
            match element {
                Element::Literal(s) => out.push_str(s.value()),
                Element::Interpolation(i) => return self.terraform_only("string interpolation", &span_of(i)),
                Element::Directive(d) => return self.terraform_only("a template directive", &span_of(d.as_ref())),
            }
        }
        Kind::Str(out)
    }

    fn array(&self, a: &Array) -> Kind {
        Kind::Arr(a.iter().map(|e| self.eval(e)).collect())
    }

    fn object(&self, o: &Object) -> Kind {
        let mut entries = Vec::new();
        for (key, value) in o.iter() {
            let key_span = span_of(key);
            let key_text = match key {
                // A bare name is the key itself, as in Terraform (`{ url = ... }`).
                ObjectKey::Ident(id) => id.value().as_str().to_string(),
                ObjectKey::Expression(e) => match self.eval(e).kind {
                    Kind::Str(s) => s,
                    Kind::Num(n) => n,
                    Kind::Bool(b) => b.to_string(),
                    Kind::Unknown(u) => return Kind::Unknown(u),
                    _ => {
                        return Kind::Unknown(Unknown {
                            what: format!(
                                "an object key that is not a string (`{}`)",
                                snippet(self.text, &key_span)
                            ),
                            span: key_span,
                            terraform_only: false,
                        })
                    }
                },
            };
            entries.push(Entry {
                key: key_text,
                key_span,
                value: self.eval(value.expr()),
            });
        }
        Kind::Obj(entries)
    }

    /// `jsonencode(literal)` is the one function evaluated: search queries are written with it.
    fn call(&self, c: &FuncCall, span: &Range) -> Kind {
        let name = c.name.name.value().as_str();
        if !c.name.is_namespaced() && name == "jsonencode" {
            if c.args.len() != 1 || c.args.expand_final() {
                return Kind::Unknown(Unknown {
                    what: format!(
                        "a call of `jsonencode` that does not have exactly one argument (`{}`)",
                        snippet(self.text, span)
                    ),
                    span: span.clone(),
                    terraform_only: false,
                });
            }
            let Some(arg) = c.args.iter().next() else {
                return Kind::Null;
            };
            let inner = self.eval(arg);
            if let Some(u) = inner.first_unknown() {
                return Kind::Unknown(u.clone());
            }
            let mut text = String::new();
            encode_json(&inner, &mut text);
            return Kind::Encoded {
                text,
                inner: Box::new(inner),
            };
        }
        self.terraform_only("a function call", span)
    }

    fn reference(&self, expr: &Expression, span: &Range) -> Kind {
        if let Some(Some(identifier)) = blueprint_reference(expr).and_then(|b| self.blueprints.get(b)) {
            return Kind::Str(identifier.clone());
        }
        let rooted = match expr {
            Expression::Traversal(t) => matches!(t.expr, Expression::Variable(_)),
            _ => true,
        };
        let what = if rooted {
            "a reference"
        } else {
            "an index or attribute access"
        };
        self.terraform_only(what, span)
    }
}

/// `port_blueprint.NAME.identifier` → `NAME`.
fn blueprint_reference(expr: &Expression) -> Option<&str> {
    let Expression::Traversal(t) = expr else {
        return None;
    };
    let Expression::Variable(root) = &t.expr else {
        return None;
    };
    if root.value().as_str() != "port_blueprint" || t.operators.len() != 2 {
        return None;
    }
    let name = match t.operators[0].value() {
        TraversalOperator::GetAttr(name) => name.value().as_str(),
        _ => return None,
    };
    match t.operators[1].value() {
        TraversalOperator::GetAttr(attr) if attr.value().as_str() == "identifier" => Some(name),
        _ => None,
    }
}

/// Terraform's text for a number literal: plain decimal, no exponent, no trailing zeros
/// (cty's `big.Float.Text('f', -1)`), e.g. `1.50` → `1.5`, `1e3` → `1000`. `None` when the
/// literal is not a plain decimal or its exponent is absurd (the caller keeps it as written).
fn canonical_number(written: &str) -> Option<String> {
    let (negative, unsigned) = match written.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, written),
    };
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], unsigned[i + 1..].parse::<i64>().ok()?),
        None => (unsigned, 0),
    };
    if exponent.abs() > 4096 {
        return None;
    }
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !all_digits(int) || !all_digits(frac) {
        return None;
    }
    let digits = format!("{int}{frac}");
    let mut point = i64::try_from(int.len()).ok()? + exponent;
    let trimmed_start = digits.trim_start_matches('0');
    point -= i64::try_from(digits.len() - trimmed_start.len()).ok()?;
    let significant = trimmed_start.trim_end_matches('0');
    let sign = if negative { "-" } else { "" };
    if significant.is_empty() {
        return Some(format!("{sign}0"));
    }
    let len = i64::try_from(significant.len()).ok()?;
    let text = if point <= 0 {
        format!("0.{}{significant}", "0".repeat(usize::try_from(-point).ok()?))
    } else if point >= len {
        format!("{significant}{}", "0".repeat(usize::try_from(point - len).ok()?))
    } else {
        let (a, b) = significant.split_at(usize::try_from(point).ok()?);
        format!("{a}.{b}")
    };
    Some(format!("{sign}{text}"))
}

/// The JSON text of a literal as Terraform's `jsonencode` writes it: compact, object keys
/// sorted, strings escaped as Go's encoding/json does.
fn encode_json(node: &Node, out: &mut String) {
    match &node.kind {
        Kind::Null | Kind::Unknown(_) => out.push_str("null"),
        Kind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Kind::Num(n) => out.push_str(n),
        Kind::Str(s) | Kind::Encoded { text: s, .. } => go_json_string(s, out),
        Kind::Arr(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                encode_json(item, out);
            }
            out.push(']');
        }
        Kind::Obj(entries) => {
            let mut sorted: Vec<&Entry> = entries.iter().collect();
            sorted.sort_by(|a, b| a.key.cmp(&b.key));
            out.push('{');
            for (i, e) in sorted.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                go_json_string(&e.key, out);
                out.push(':');
                encode_json(&e.value, out);
            }
            out.push('}');
        }
    }
}

/// A JSON string as Go's `json.Marshal` writes it (HTML-safe: `<`, `>`, `&` as `\u003c`...;
/// U+2028/U+2029 escaped; `\b`, `\f` short since Go 1.22, which current Terraform is built with).
fn go_json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

// ---------------------------------------------------------------------------------------------
// The provider's conversion (webhookResourceToPortBody.go), shared by HCL and show-JSON input.

#[derive(Clone, Copy, PartialEq)]
enum Source {
    Hcl,
    ShowJson,
}

/// One resource being converted: the problems and places found along the way.
struct Conv {
    resource: String,
    source: Source,
    errors: Vec<Problem>,
    warnings: Vec<Problem>,
    places: Vec<(Vec<Step>, Range)>,
}

/// `a` + `.b`, for attribute paths in messages (`mappings[0].entity.identifier`).
fn sub(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn with(path: &[Step], step: Step) -> Vec<Step> {
    let mut p = path.to_vec();
    p.push(step);
    p
}

fn key(k: &str) -> Step {
    Step::Key(k.to_string())
}

impl Conv {
    fn new(resource: String, source: Source) -> Conv {
        Conv {
            resource,
            source,
            errors: Vec::new(),
            warnings: Vec::new(),
            places: Vec::new(),
        }
    }

    fn error(&mut self, path: &str, message: &str, span: &Range) {
        let message = if path.is_empty() {
            format!("{}: {message}", self.resource)
        } else {
            format!("{}: `{path}`: {message}", self.resource)
        };
        self.errors.push(Problem {
            message,
            span: span.clone(),
        });
    }

    fn warn(&mut self, message: String, span: &Range) {
        self.warnings.push(Problem {
            message: format!("{}: {message}", self.resource),
            span: span.clone(),
        });
    }

    fn unknown(&mut self, path: &str, u: &Unknown) {
        let message = if u.terraform_only {
            format!("{}: `{path}` is {}: {TERRAFORM_ONLY}", self.resource, u.what)
        } else {
            format!("{}: `{path}` is {}", self.resource, u.what)
        };
        self.errors.push(Problem {
            message,
            span: u.span.clone(),
        });
    }

    fn wrong_type(&mut self, node: &Node, path: &str, wanted: &str) {
        if let Kind::Unknown(u) = &node.kind {
            self.unknown(path, u);
        } else {
            let found = node.type_name();
            self.error(path, &format!("must be {wanted}, found {found}"), &node.span);
        }
    }

    fn place(&mut self, path: &[Step], span: &Range) {
        self.places.push((path.to_vec(), span.clone()));
    }

    /// Attribute names not in the schema: an error in a configuration (Terraform refuses them),
    /// a warning in a show-JSON document (a newer provider may have added them).
    fn check_keys(&mut self, entries: &[Entry], path: &str, allowed: &[&str]) {
        for e in entries {
            if allowed.contains(&e.key.as_str()) {
                continue;
            }
            let message = format!(
                "unknown attribute `{}` (the provider's schema has {})",
                e.key,
                allowed.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
            );
            self.unexpected(path, message, &e.key_span);
        }
    }

    fn unexpected(&mut self, path: &str, message: String, span: &Range) {
        match self.source {
            Source::Hcl => self.error(path, &message, span),
            Source::ShowJson => {
                let at = if path.is_empty() {
                    String::new()
                } else {
                    format!("`{path}`: ")
                };
                self.warn(format!("{at}{message}: ignored"), span);
            }
        }
    }

    /// A string attribute: Terraform converts numbers and bools to strings. `None` when null
    /// (or wrong, with the error recorded).
    fn string(&mut self, node: &Node, path: &str) -> Option<String> {
        match &node.kind {
            Kind::Null => None,
            Kind::Str(s) | Kind::Encoded { text: s, .. } | Kind::Num(s) => Some(s.clone()),
            Kind::Bool(b) => Some(b.to_string()),
            _ => {
                self.wrong_type(node, path, "a string");
                None
            }
        }
    }

    /// A bool attribute: Terraform converts the strings "true" and "false".
    fn boolean(&mut self, node: &Node, path: &str) -> Option<bool> {
        match &node.kind {
            Kind::Null => None,
            Kind::Bool(b) => Some(*b),
            Kind::Str(s) if s == "true" => Some(true),
            Kind::Str(s) if s == "false" => Some(false),
            _ => {
                self.wrong_type(node, path, "a bool");
                None
            }
        }
    }

    /// A nested object attribute, its names checked. `None` when null or wrong.
    fn object<'n>(&mut self, node: &'n Node, path: &str, allowed: &[&str]) -> Option<&'n [Entry]> {
        match &node.kind {
            Kind::Null => None,
            Kind::Obj(entries) => {
                self.check_keys(entries, path, allowed);
                Some(entries)
            }
            _ => {
                self.wrong_type(node, path, "an object");
                None
            }
        }
    }

    /// A required attribute: its node, or an error at the object that lacks it.
    fn required<'n>(&mut self, entries: &'n [Entry], name: &str, path: &str, owner: &Range) -> Option<&'n Node> {
        let node = field(entries, name);
        if node.is_none() {
            let message = format!("the required attribute `{name}` is missing");
            self.error(path, &message, owner);
        }
        node
    }

    /// An optional string attribute copied to `out` under `json_key` when set.
    fn opt_string(
        &mut self,
        out: &mut Map<String, Value>,
        entries: &[Entry],
        name: &str,
        json_key: &str,
        path: &str,
        jpath: &[Step],
    ) {
        let Some(node) = field(entries, name) else {
            return;
        };
        if let Some(s) = self.string(node, &sub(path, name)) {
            self.place(&with(jpath, key(json_key)), &node.span);
            out.insert(json_key.to_string(), Value::String(s));
        }
    }

    /// A map of strings (`properties`, `relations`), sorted by key as Go writes a map.
    fn string_map<'n>(&mut self, node: &'n Node, path: &str) -> Vec<(String, String, &'n Node)> {
        let entries = match &node.kind {
            Kind::Null => return Vec::new(),
            Kind::Obj(entries) => entries,
            _ => {
                self.wrong_type(node, path, "a map of strings");
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for e in entries {
            let item_path = sub(path, &e.key);
            if matches!(e.value.kind, Kind::Null) {
                self.error(&item_path, "a map of strings cannot hold null", &e.value.span);
            } else if let Some(s) = self.string(&e.value, &item_path) {
                out.push((e.key.clone(), s, &e.value));
            }
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    /// The whole webhook body, in the provider's key order (cli.Webhook).
    fn webhook(&mut self, attrs: &[Entry], header: &Range) -> Value {
        self.check_top_keys(attrs);
        let mut out = Map::new();
        if let Some(node) = field(attrs, "identifier") {
            // A plain Go string with omitempty: "" is not sent (Port then makes one up).
            if let Some(s) = self.string(node, "identifier").filter(|s| !s.is_empty()) {
                self.place(&[key("identifier")], &node.span);
                out.insert("identifier".into(), Value::String(s));
            }
        }
        for name in ["title", "icon", "description"] {
            self.opt_string(&mut out, attrs, name, name, "", &[]);
        }
        if self.source == Source::Hcl && !out.contains_key("title") {
            self.warn(
                "`title` is not set: the provider sends no title, and Port's API documents `title` as required for a webhook".into(),
                header,
            );
        }
        self.enabled(&mut out, attrs, header);
        let security = self.security(attrs);
        out.insert("security".into(), Value::Object(security));
        if let Some(mappings) = self.mappings(attrs) {
            out.insert("mappings".into(), Value::Array(mappings));
        }
        Value::Object(out)
    }

    fn check_top_keys(&mut self, attrs: &[Entry]) {
        for e in attrs {
            let name = e.key.as_str();
            if TOP_KEYS.contains(&name) {
                continue;
            }
            if COMPUTED_KEYS.contains(&name) {
                // In show JSON these are the provider's own values: nothing to map.
                if self.source == Source::Hcl {
                    self.error(
                        name,
                        "is read-only: the provider sets it, a configuration cannot",
                        &e.key_span,
                    );
                }
                continue;
            }
            let message = format!(
                "unknown attribute `{name}` (the provider's schema has {})",
                TOP_KEYS.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
            );
            self.unexpected("", message, &e.key_span);
        }
    }

    /// `enabled`: the schema's default is `false` (booldefault.StaticBool(false)), and the
    /// provider always sends it.
    fn enabled(&mut self, out: &mut Map<String, Value>, attrs: &[Entry], header: &Range) {
        let node = field(attrs, "enabled");
        let value = node.and_then(|n| self.boolean(n, "enabled"));
        match (value, node) {
            (Some(b), Some(n)) => {
                self.place(&[key("enabled")], &n.span);
                out.insert("enabled".into(), Value::Bool(b));
            }
            _ => {
                out.insert("enabled".into(), Value::Bool(false));
                if self.source == Source::Hcl && node.is_none() {
                    self.warn(
                        "`enabled` is not set: the Terraform provider sends `false` (a disabled webhook drops every event), while Port's API defaults to `true`; set `enabled = true`".into(),
                        header,
                    );
                }
            }
        }
    }

    /// `security`: always sent, as an object of the set fields (`{}` when unset).
    fn security(&mut self, attrs: &[Entry]) -> Map<String, Value> {
        let mut out = Map::new();
        let Some(node) = field(attrs, "security") else {
            return out;
        };
        let Some(entries) = self.object(node, "security", SECURITY_KEYS) else {
            return out;
        };
        self.place(&[key("security")], &node.span);
        let jpath = [key("security")];
        for (name, json_key) in SECURITY_JSON {
            if *name == "secret" {
                if let Some(Node {
                    kind: Kind::Unknown(u),
                    span,
                }) = field(entries, name)
                {
                    // The secret only verifies signatures: mapping does not need it, so an
                    // expression there (usually `var.x`) is no reason to refuse the file.
                    let message = format!(
                        "`security.secret` is {}: left out (hookmap does not need the secret to map, only to check signatures)",
                        u.what
                    );
                    self.warn(message, span);
                    continue;
                }
            }
            self.opt_string(&mut out, entries, name, json_key, "security", &jpath);
        }
        out
    }

    /// `mappings`: left out when null or empty (`len(state.Mappings) > 0`).
    fn mappings(&mut self, attrs: &[Entry]) -> Option<Vec<Value>> {
        let node = field(attrs, "mappings")?;
        let Kind::Arr(items) = &node.kind else {
            self.wrong_type(node, "mappings", "a list of mapping objects");
            return None;
        };
        if items.is_empty() {
            return None;
        }
        self.place(&[key("mappings")], &node.span);
        let list = items
            .iter()
            .enumerate()
            .filter_map(|(i, m)| self.mapping(m, i))
            .collect();
        Some(list)
    }

    /// One mapping, keys in cli.Mappings' order: blueprint, filter, operation, itemsToParse, entity.
    fn mapping(&mut self, node: &Node, i: usize) -> Option<Value> {
        let path = format!("mappings[{i}]");
        let jpath = vec![key("mappings"), Step::Index(i)];
        let entries = match &node.kind {
            Kind::Obj(entries) => entries,
            _ => {
                self.wrong_type(node, &path, "a mapping object");
                return None;
            }
        };
        self.check_keys(entries, &path, MAPPING_KEYS);
        self.place(&jpath, &node.span);
        let mut out = Map::new();
        if let Some(b) = self.required(entries, "blueprint", &path, &node.span) {
            // A plain Go string with omitempty: "" is not sent.
            if let Some(s) = self.string(b, &sub(&path, "blueprint")).filter(|s| !s.is_empty()) {
                self.place(&with(&jpath, key("blueprint")), &b.span);
                out.insert("blueprint".into(), Value::String(s));
            }
        }
        self.opt_string(&mut out, entries, "filter", "filter", &path, &jpath);
        if let Some(op) = self.operation(entries, &path, &jpath) {
            out.insert("operation".into(), op);
        }
        self.opt_string(&mut out, entries, "items_to_parse", "itemsToParse", &path, &jpath);
        if let Some(entity) = self.required(entries, "entity", &path, &node.span) {
            if let Some(e) = self.entity(entity, &sub(&path, "entity"), &with(&jpath, key("entity"))) {
                out.insert("entity".into(), e);
            }
        }
        Some(Value::Object(out))
    }

    /// `operation`: an object `{deleteDependents?, type}` (a Go map: keys sorted).
    fn operation(&mut self, entries: &[Entry], path: &str, jpath: &[Step]) -> Option<Value> {
        let node = field(entries, "operation")?;
        let path = sub(path, "operation");
        let jpath = with(jpath, key("operation"));
        let op = self.object(node, &path, OPERATION_KEYS)?;
        let type_node = self.required(op, "type", &path, &node.span)?;
        let kind = self.string(type_node, &sub(&path, "type"))?;
        if kind != "create" && kind != "delete" {
            let message = format!("must be \"create\" or \"delete\" (the provider's validator), found {kind:?}");
            self.error(&sub(&path, "type"), &message, &type_node.span);
            return None;
        }
        self.place(&jpath, &node.span);
        let mut out = Map::new();
        if let Some(dd) = field(op, "delete_dependents") {
            if let Some(b) = self.boolean(dd, &sub(&path, "delete_dependents")) {
                self.place(&with(&jpath, key("deleteDependents")), &dd.span);
                out.insert("deleteDependents".into(), Value::Bool(b));
            }
        }
        self.place(&with(&jpath, key("type")), &type_node.span);
        out.insert("type".into(), Value::String(kind));
        Some(Value::Object(out))
    }

    /// `entity`, keys in cli.EntityProperty's order.
    fn entity(&mut self, node: &Node, path: &str, jpath: &[Step]) -> Option<Value> {
        let entries = self.object(node, path, ENTITY_KEYS)?;
        self.place(jpath, &node.span);
        let mut out = Map::new();
        if let Some(id) = self.required(entries, "identifier", path, &node.span) {
            let id_path = sub(path, "identifier");
            if let Some(s) = self.string(id, &id_path) {
                let value = self.identifier(&s, id, &id_path, &with(jpath, key("identifier")));
                out.insert("identifier".into(), value);
            }
        }
        for name in ["title", "icon", "team"] {
            self.opt_string(&mut out, entries, name, name, path, jpath);
        }
        if let Some(props) = field(entries, "properties") {
            let list = self.string_map(props, &sub(path, "properties"));
            let ppath = with(jpath, key("properties"));
            if !list.is_empty() {
                self.place(&ppath, &props.span);
            }
            let mut map = Map::new();
            for (k, v, n) in list {
                // Properties are sent as written: the provider never decodes them.
                self.place(&with(&ppath, key(&k)), &n.span);
                map.insert(k, Value::String(v));
            }
            if !map.is_empty() {
                out.insert("properties".into(), Value::Object(map));
            }
        }
        if let Some(rels) = field(entries, "relations") {
            let rpath = sub(path, "relations");
            let list = self.string_map(rels, &rpath);
            let jrel = with(jpath, key("relations"));
            if !list.is_empty() {
                self.place(&jrel, &rels.span);
            }
            let mut map = Map::new();
            for (k, v, n) in list {
                if let Some(value) = self.relation(&k, &v, n, &sub(&rpath, &k), &with(&jrel, key(&k))) {
                    map.insert(k, value);
                }
            }
            if !map.is_empty() {
                out.insert("relations".into(), Value::Object(map));
            }
        }
        Some(Value::Object(out))
    }

    /// The entity identifier: a search query when its text is a JSON object with both
    /// `combinator` and `rules`, else the jq text as it is.
    fn identifier(&mut self, text: &str, node: &Node, path: &str, jpath: &[Step]) -> Value {
        let parsed = serde_json::from_str::<Value>(text).ok();
        let Some(Value::Object(query)) = parsed else {
            self.place(jpath, &node.span);
            return Value::String(text.to_string());
        };
        if !(query.contains_key("combinator") && query.contains_key("rules")) {
            let missing = if query.contains_key("combinator") {
                "rules"
            } else {
                "combinator"
            };
            let message = format!(
                "`{path}` is a JSON object without `{missing}`: the provider sends its text as a jq expression, not as a search query"
            );
            self.warn(message, &node.span);
            self.place(jpath, &node.span);
            return Value::String(text.to_string());
        }
        for (i, field) in missing_rule_fields(&query) {
            let message =
                format!("identifier rule at index {i} missing required field '{field}' (the provider's own check)");
            let span = rule_span(node, i);
            self.error(path, &message, &span);
        }
        let value = go_value(Value::Object(query));
        self.place_decoded(&value, node, jpath);
        value
    }

    /// A relation: a JSON object must be a search query (`combinator`, `rules`, and each object
    /// rule `property`, `operator`, `value`); anything else is the jq text as it is.
    fn relation(&mut self, name: &str, text: &str, node: &Node, path: &str, jpath: &[Step]) -> Option<Value> {
        let parsed = serde_json::from_str::<Value>(text).ok();
        let Some(Value::Object(query)) = parsed else {
            self.place(jpath, &node.span);
            return Some(Value::String(text.to_string()));
        };
        for required in ["combinator", "rules"] {
            if !query.contains_key(required) {
                let message =
                    format!("relation '{name}' missing required field '{required}' (the provider's own check)");
                self.error(path, &message, &node.span);
                return None;
            }
        }
        for (i, field) in missing_rule_fields(&query) {
            let message = format!(
                "relation '{name}' rule at index {i} missing required field '{field}' (the provider's own check)"
            );
            let span = rule_span(node, i);
            self.error(path, &message, &span);
        }
        let value = go_value(Value::Object(query));
        self.place_decoded(&value, node, jpath);
        Some(value)
    }

    /// Places for a value decoded from a string: inside `jsonencode(...)` each value has its own
    /// expression; a JSON text written as a string literal has only the literal.
    fn place_decoded(&mut self, value: &Value, source: &Node, jpath: &[Step]) {
        match &source.kind {
            Kind::Encoded { inner, .. } => self.place_tree(value, inner, jpath),
            _ => self.place_flat(value, &source.span, jpath),
        }
    }

    fn place_tree(&mut self, value: &Value, node: &Node, jpath: &[Step]) {
        self.place(jpath, &node.span);
        match (value, &node.kind) {
            (Value::Object(map), Kind::Obj(entries)) => {
                for (k, v) in map {
                    let child = with(jpath, key(k));
                    match entries.iter().find(|e| &e.key == k) {
                        Some(e) => self.place_tree(v, &e.value, &child),
                        None => self.place_flat(v, &node.span, &child),
                    }
                }
            }
            (Value::Array(list), Kind::Arr(items)) => {
                for (i, (v, n)) in list.iter().zip(items).enumerate() {
                    self.place_tree(v, n, &with(jpath, Step::Index(i)));
                }
            }
            _ => {}
        }
    }

    fn place_flat(&mut self, value: &Value, span: &Range, jpath: &[Step]) {
        self.place(jpath, span);
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    self.place_flat(v, span, &with(jpath, key(k)));
                }
            }
            Value::Array(list) => {
                for (i, v) in list.iter().enumerate() {
                    self.place_flat(v, span, &with(jpath, Step::Index(i)));
                }
            }
            _ => {}
        }
    }

    fn finish(self, name: String, config: Value) -> Result<Webhook, Vec<Problem>> {
        if !self.errors.is_empty() {
            return Err(self.errors);
        }
        Ok(Webhook {
            name,
            config,
            places: self.places,
            warnings: self.warnings,
        })
    }
}

/// For each rule (an object in `rules`, when `rules` is a list) the first of `property`,
/// `operator`, `value` it lacks, in the provider's order.
fn missing_rule_fields(query: &Map<String, Value>) -> Vec<(usize, &'static str)> {
    let Some(Value::Array(rules)) = query.get("rules") else {
        return Vec::new();
    };
    let mut missing = Vec::new();
    for (i, rule) in rules.iter().enumerate() {
        if let Value::Object(rule) = rule {
            if let Some(f) = ["property", "operator", "value"]
                .into_iter()
                .find(|f| !rule.contains_key(*f))
            {
                missing.push((i, f));
            }
        }
    }
    missing
}

/// Where rule `i` of a search query is: its object inside `jsonencode(...)`, else the string.
fn rule_span(node: &Node, i: usize) -> Range {
    if let Kind::Encoded { inner, .. } = &node.kind {
        if let Some(rule) = inner.at(&[key("rules"), Step::Index(i)]) {
            return rule.span.clone();
        }
    }
    node.span.clone()
}

/// A value as the provider sends it after `json.Unmarshal` into `interface{}`: objects become Go
/// maps (written with sorted keys) and numbers float64.
fn go_value(v: Value) -> Value {
    match v {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().map(|(k, v)| (k, go_value(v))).collect())
        }
        Value::Array(list) => Value::Array(list.into_iter().map(go_value).collect()),
        Value::Number(n) => Value::Number(go_number(&n)),
        other => other,
    }
}

fn go_number(n: &Number) -> Number {
    let Some(f) = n.as_f64() else {
        return n.clone();
    };
    // Integral float64s below 2^53 print as integers in Go; keep them integers here too.
    if f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 {
        #[allow(clippy::cast_possible_truncation)]
        return Number::from(f as i64);
    }
    Number::from_f64(f).unwrap_or_else(|| n.clone())
}

// ---------------------------------------------------------------------------------------------
// read_hcl

/// Every `port_webhook` resource of a .tf text, in order. Errors (all at once, each located):
/// HCL that does not parse (the parser's location), an attribute of the wrong type, a missing required attribute
/// (`mappings[].blueprint`, `entity`, `entity.identifier`, `operation.type`), an unknown attribute,
/// `operation.type` not "create"/"delete", the provider's own validation errors for search queries
/// (relation JSON objects without combinator/rules, rules without property/operator/value — same rules and
/// wording as webhookResourceToPortBody.go), and any expression only Terraform can evaluate: a reference
/// (`var.x`, `local.x`, `data.x.y`, `port_blueprint.x.identifier`, ...), a function other than `jsonencode`,
/// string interpolation `${...}` / template directives `%{...}`, conditionals, for-expressions, operators.
/// The message names what was found and says: "only Terraform can evaluate it: run `terraform show -json` (after
/// `terraform apply`, or on a plan) and give hookmap that JSON". EXCEPTION: any reference or expression inside
/// `security.secret` is not an error: the secret is left out (a warning says so) — it is not needed to map.
///
/// One reference is evaluated: `port_blueprint.NAME.identifier` when the same text has
/// `resource "port_blueprint" "NAME"` with a literal `identifier` (the attribute is required and
/// the provider keeps it as configured, so Terraform's value is that literal); its place is the
/// reference. `name` is `port_webhook.NAME`.
pub fn read_hcl(text: &str) -> Result<Vec<Webhook>, Vec<Problem>> {
    let body = hcl_edit::parser::parse_body(text).map_err(|e| vec![parse_problem(text, &e)])?;
    let blueprints = blueprint_identifiers(&body, text);
    let eval = Eval {
        text,
        blueprints: &blueprints,
    };
    let mut webhooks = Vec::new();
    let mut errors = Vec::new();
    for block in body.blocks() {
        if !block.has_ident("resource") {
            continue;
        }
        let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
        match labels.as_slice() {
            ["port_webhook", name] => match read_resource(block, name, &eval) {
                Ok(w) => webhooks.push(w),
                Err(p) => errors.extend(p),
            },
            ["port_webhook", ..] => errors.push(Problem {
                message: "a `resource \"port_webhook\"` block needs exactly one more label: the resource's name".into(),
                span: header_span(block),
            }),
            _ => {}
        }
    }
    if errors.is_empty() {
        Ok(webhooks)
    } else {
        Err(errors)
    }
}

fn parse_problem(text: &str, e: &hcl_edit::parser::Error) -> Problem {
    let mut start = e.location().offset().min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let end = text[start..].chars().next().map_or(start, |c| start + c.len_utf8());
    Problem {
        message: format!(
            "the text is not valid HCL: {} (line {}, column {})",
            e.message(),
            e.location().line(),
            e.location().column()
        ),
        span: start..end,
    }
}

/// `resource "TYPE" "NAME"`: where warnings about a whole resource point.
fn header_span(block: &Block) -> Range {
    let start = span_of(&block.ident).start;
    let end = block
        .labels
        .last()
        .and_then(Span::span)
        .map_or_else(|| span_of(&block.ident).end, |s| s.end);
    start..end.max(start)
}

/// The literal identifiers of the text's `port_blueprint` resources, by resource name.
fn blueprint_identifiers(body: &Body, text: &str) -> Blueprints {
    let empty = Blueprints::new();
    let eval = Eval {
        text,
        blueprints: &empty,
    };
    let mut out = Blueprints::new();
    for block in body.blocks() {
        let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
        let (true, ["port_blueprint", name]) = (block.has_ident("resource"), labels.as_slice()) else {
            continue;
        };
        let identifier = block
            .body
            .get_attribute("identifier")
            .and_then(|a| match eval.eval(&a.value).kind {
                Kind::Str(s) | Kind::Num(s) => Some(s),
                _ => None,
            });
        out.insert((*name).to_string(), identifier);
    }
    out
}

fn read_resource(block: &Block, name: &str, eval: &Eval) -> Result<Webhook, Vec<Problem>> {
    let address = format!("port_webhook.{name}");
    let mut conv = Conv::new(address.clone(), Source::Hcl);
    let mut entries = Vec::new();
    for structure in block.body.iter() {
        match structure {
            Structure::Attribute(a) => {
                let key = a.key.value().as_str();
                match key {
                    // Meta-arguments that change nothing in what the provider sends.
                    "depends_on" | "provider" => {}
                    "count" | "for_each" => {
                        let message = format!("`{key}` makes this resource several webhooks, which {TERRAFORM_ONLY}");
                        conv.error("", &message, &span_of(a));
                    }
                    _ => entries.push(Entry {
                        key: key.to_string(),
                        key_span: span_of(&a.key),
                        value: eval.eval(&a.value),
                    }),
                }
            }
            Structure::Block(b) => resource_block(&mut conv, b),
        }
    }
    let config = conv.webhook(&entries, &header_span(block));
    conv.finish(address, config)
}

/// A block inside the resource: Terraform's own (`lifecycle`...) are ignored; the provider's
/// schema has no blocks at all, only attributes written with `=`.
fn resource_block(conv: &mut Conv, b: &Block) {
    let ident = b.ident.value().as_str();
    let span = header_span(b);
    match ident {
        "lifecycle" | "provisioner" | "connection" => {}
        "security" | "mappings" | "entity" | "operation" => {
            let message = format!("`{ident}` is written as a block: the provider's schema has it as an attribute, write `{ident} = {{ ... }}`{}", if ident == "mappings" { " inside a list: `mappings = [{ ... }]`" } else { "" });
            conv.error("", &message, &span);
        }
        "dynamic" => conv.error("", &format!("a `dynamic` block: {TERRAFORM_ONLY}"), &span),
        _ => conv.error(
            "",
            &format!("unknown block `{ident}` (the provider's schema has no blocks)"),
            &span,
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// read_show_json

/// True when `doc` looks like `terraform show -json` output (`format_version` with `values` or `planned_values`).
pub fn is_show_json(doc: &Value) -> bool {
    doc.get("format_version").is_some() && (doc.get("values").is_some() || doc.get("planned_values").is_some())
}

/// The `port_webhook` resources of the JSON of `terraform show -json` (a state: `values.root_module` with its
/// `child_modules`; or a plan: `planned_values.root_module`): their snake_case `values` converted as the provider
/// converts its model (same rules as `read_hcl`, including jsonencode'd strings decoded for identifiers/relations).
/// `name` is the resource's `address` (e.g. `port_webhook.github` or `module.x.port_webhook.github`); `places` is empty
/// (the caller locates these in the JSON text itself). Errors say what is wrong with the document.
///
/// Warnings (a `jsonencode`d identifier that is not a search query, an attribute this version does
/// not know) have the span `0..0`. A state's `enabled` is never missing (the default is stored),
/// so no warning is given about it.
pub fn read_show_json(doc: &Value) -> Result<Vec<Webhook>, Vec<String>> {
    let (top, values) = if let Some(v) = doc.get("values") {
        ("values", v)
    } else if let Some(v) = doc.get("planned_values") {
        ("planned_values", v)
    } else {
        return Err(vec![
            "not the output of `terraform show -json`: it has neither `values` (a state) nor `planned_values` (a plan)"
                .into(),
        ]);
    };
    let Some(root) = values.get("root_module") else {
        // An empty state has no root module: no resources at all.
        return if values.is_null() || values.as_object().is_some_and(Map::is_empty) {
            Ok(Vec::new())
        } else {
            Err(vec![format!("`{top}` has no `root_module`")])
        };
    };
    let mut resources = Vec::new();
    let mut errors = Vec::new();
    collect_resources(root, &format!("{top}.root_module"), 0, &mut resources, &mut errors);
    let mut webhooks = Vec::new();
    for (where_, resource) in resources {
        match show_resource(resource, &where_) {
            Ok(Some(w)) => webhooks.push(w),
            Ok(None) => {}
            Err(e) => errors.extend(e),
        }
    }
    if errors.is_empty() {
        Ok(webhooks)
    } else {
        Err(errors)
    }
}

/// The resources of a module and of its child modules, with where each is in the document.
fn collect_resources<'d>(
    module: &'d Value,
    path: &str,
    depth: usize,
    out: &mut Vec<(String, &'d Value)>,
    errors: &mut Vec<String>,
) {
    if !module.is_object() {
        errors.push(format!("`{path}` is not an object"));
        return;
    }
    if depth > 64 {
        errors.push(format!("`{path}`: modules nested too deep"));
        return;
    }
    match module.get("resources") {
        None | Some(Value::Null) => {}
        Some(Value::Array(list)) => {
            for (i, r) in list.iter().enumerate() {
                out.push((format!("{path}.resources[{i}]"), r));
            }
        }
        Some(_) => errors.push(format!("`{path}.resources` is not a list")),
    }
    match module.get("child_modules") {
        None | Some(Value::Null) => {}
        Some(Value::Array(list)) => {
            for (i, m) in list.iter().enumerate() {
                collect_resources(m, &format!("{path}.child_modules[{i}]"), depth + 1, out, errors);
            }
        }
        Some(_) => errors.push(format!("`{path}.child_modules` is not a list")),
    }
}

fn show_resource(resource: &Value, where_: &str) -> Result<Option<Webhook>, Vec<String>> {
    if resource.get("type").and_then(Value::as_str) != Some("port_webhook")
        || resource.get("mode").and_then(Value::as_str) == Some("data")
    {
        return Ok(None);
    }
    let address = match (
        resource.get("address").and_then(Value::as_str),
        resource.get("name").and_then(Value::as_str),
    ) {
        (Some(a), _) => a.to_string(),
        (None, Some(n)) => format!("port_webhook.{n}"),
        (None, None) => {
            return Err(vec![format!(
                "`{where_}`: a `port_webhook` resource without `address` or `name`"
            )])
        }
    };
    let entries = match resource.get("values") {
        Some(Value::Object(map)) => json_entries(map, 0),
        _ => return Err(vec![format!("{address} (`{where_}`): `values` is not an object")]),
    };
    let mut conv = Conv::new(address.clone(), Source::ShowJson);
    let config = conv.webhook(&entries, &(0..0));
    conv.places.clear();
    conv.finish(address, config)
        .map(Some)
        .map_err(|problems| problems.into_iter().map(|p| p.message).collect())
}

/// A show-JSON value as a [`Node`] (no places: spans are `0..0`).
fn json_node(v: &Value, depth: usize) -> Node {
    let kind = match v {
        _ if depth > 128 => Kind::Unknown(Unknown {
            what: "nested too deep".into(),
            span: 0..0,
            terraform_only: false,
        }),
        Value::Null => Kind::Null,
        Value::Bool(b) => Kind::Bool(*b),
        Value::Number(n) => Kind::Num(canonical_number(&n.to_string()).unwrap_or_else(|| n.to_string())),
        Value::String(s) => Kind::Str(s.clone()),
        Value::Array(list) => Kind::Arr(list.iter().map(|v| json_node(v, depth + 1)).collect()),
        Value::Object(map) => Kind::Obj(json_entries(map, depth + 1)),
    };
    Node { span: 0..0, kind }
}

fn json_entries(map: &Map<String, Value>, depth: usize) -> Vec<Entry> {
    map.iter()
        .map(|(k, v)| Entry {
            key: k.clone(),
            key_span: 0..0,
            value: json_node(v, depth),
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// to_hcl

/// An HCL expression to write: one line, or an object/list spread over lines.
enum H {
    Line(String),
    Obj(Vec<HItem>),
    List(Vec<H>),
    Call(&'static str, Box<H>),
}

enum HItem {
    Attr(String, H),
    Comment(String),
}

/// A configuration (Port's JSON: a webhook object, as `read_hcl` produces or as Port's API returns it) written as a
/// Terraform `port_webhook` resource named `name`, that `read_hcl` reads back to the same JSON (except `enabled`,
/// which is always written explicitly): attributes in the schema's snake_case, `=` syntax (nested attributes, not
/// blocks), search-query identifiers/relations as `jsonencode({...})`, strings escaped for HCL (`${` → `$${`,
/// `%{` → `%%{`), keys that are not identifiers quoted. Port's metadata keys (url, webhookKey, createdAt, createdBy,
/// updatedAt, updatedBy, integrationType) and `security.secret` are not written (a comment says the secret is set
/// with a variable: write `secret = var.webhook_secret` commented out, or similar).
///
/// `name` may be an address (`port_webhook.x`, `module.m.port_webhook.x`): the resource is then
/// named `x`. Characters Terraform does not allow in a name become `_`. `enabled` missing from
/// `config` is written `true` (Port's API default). Keys hookmap does not know are listed in
/// comments, not written.
pub fn to_hcl(name: &str, config: &Value) -> String {
    let label = resource_label(name);
    let body = match config {
        Value::Object(map) => webhook_items(map),
        _ => vec![HItem::Comment(
            "the configuration is not a JSON object: nothing to write".into(),
        )],
    };
    let mut out = format!("resource \"port_webhook\" {} ", hcl_quote(&label));
    render(&H::Obj(body), 0, &mut out);
    out.push('\n');
    out
}

/// The resource name: the last part of an address, with only the characters Terraform allows.
fn resource_label(name: &str) -> String {
    let base = name.rsplit_once("port_webhook.").map_or(name, |(_, rest)| rest);
    let mut label: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !label.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        label.insert(0, '_');
    }
    label
}

fn webhook_items(map: &Map<String, Value>) -> Vec<HItem> {
    let mut items = Vec::new();
    for k in ["identifier", "title", "icon", "description"] {
        if let Some(v) = map.get(k).filter(|v| !v.is_null()) {
            items.push(HItem::Attr(k.into(), scalar(v)));
        }
    }
    let enabled = match map.get("enabled") {
        None | Some(Value::Null) => H::Line("true".into()),
        Some(v) => scalar(v),
    };
    items.push(HItem::Attr("enabled".into(), enabled));
    if let Some(Value::Object(sec)) = map.get("security") {
        let sec_items = security_items(sec);
        if !sec_items.is_empty() {
            items.push(HItem::Attr("security".into(), H::Obj(sec_items)));
        }
    }
    match map.get("mappings") {
        Some(Value::Array(list)) if !list.is_empty() => {
            items.push(HItem::Attr(
                "mappings".into(),
                H::List(list.iter().map(mapping_h).collect()),
            ));
        }
        Some(Value::Array(_) | Value::Null) | None => {}
        Some(_) => items.push(HItem::Comment("not written: `mappings` is not a list".into())),
    }
    // The provider's top-level attributes (the same names in Port's JSON) are the keys written;
    // Port's metadata (port_api.rs) and `integrationType`, which the provider lacks, go unsaid.
    let silent = [crate::port_api::METADATA_KEYS, &["integrationType"]].concat();
    unknown_comments(map, TOP_KEYS, &silent, &mut items);
    items
}

fn security_items(sec: &Map<String, Value>) -> Vec<HItem> {
    let mut items = Vec::new();
    if sec.get("secret").is_some_and(|v| !v.is_null()) {
        items.push(HItem::Comment(
            "secret = var.webhook_secret # the secret is not written here: set it from a variable".into(),
        ));
    }
    for (tf, json) in SECURITY_JSON.iter().skip(1) {
        if let Some(v) = sec.get(*json).filter(|v| !v.is_null()) {
            items.push(HItem::Attr((*tf).into(), scalar(v)));
        }
    }
    let known: Vec<&str> = SECURITY_JSON.iter().map(|(_, j)| *j).collect();
    unknown_comments(sec, &known, &[], &mut items);
    items
}

fn mapping_h(m: &Value) -> H {
    let Value::Object(map) = m else {
        return H::Obj(vec![HItem::Comment(
            "not written: this mapping is not an object".into(),
        )]);
    };
    let mut items = Vec::new();
    for (tf, json) in [("blueprint", "blueprint"), ("filter", "filter")] {
        if let Some(v) = map.get(json).filter(|v| !v.is_null()) {
            items.push(HItem::Attr(tf.into(), scalar(v)));
        }
    }
    match map.get("operation") {
        None | Some(Value::Null) => {}
        // Port's API also accepts the bare operation type.
        Some(Value::String(t)) => {
            items.push(HItem::Attr(
                "operation".into(),
                H::Obj(vec![HItem::Attr("type".into(), H::Line(hcl_quote(t)))]),
            ));
        }
        Some(Value::Object(op)) => {
            let mut op_items = Vec::new();
            if let Some(t) = op.get("type").filter(|v| !v.is_null()) {
                op_items.push(HItem::Attr("type".into(), scalar(t)));
            }
            if let Some(d) = op.get("deleteDependents").filter(|v| !v.is_null()) {
                op_items.push(HItem::Attr("delete_dependents".into(), scalar(d)));
            }
            unknown_comments(op, &["type", "deleteDependents"], &[], &mut op_items);
            items.push(HItem::Attr("operation".into(), H::Obj(op_items)));
        }
        Some(_) => items.push(HItem::Comment(
            "not written: `operation` is neither a string nor an object".into(),
        )),
    }
    if let Some(v) = map.get("itemsToParse").filter(|v| !v.is_null()) {
        items.push(HItem::Attr("items_to_parse".into(), scalar(v)));
    }
    if let Some(e) = map.get("entity").filter(|v| !v.is_null()) {
        items.push(HItem::Attr("entity".into(), entity_h(e)));
    }
    unknown_comments(
        map,
        &["blueprint", "filter", "operation", "itemsToParse", "entity"],
        &[],
        &mut items,
    );
    H::Obj(items)
}

fn entity_h(e: &Value) -> H {
    let Value::Object(map) = e else {
        return H::Obj(vec![HItem::Comment("not written: `entity` is not an object".into())]);
    };
    let mut items = Vec::new();
    if let Some(v) = map.get("identifier").filter(|v| !v.is_null()) {
        items.push(HItem::Attr("identifier".into(), jq_or_query(v)));
    }
    for k in ["title", "icon", "team"] {
        if let Some(v) = map.get(k).filter(|v| !v.is_null()) {
            items.push(HItem::Attr(k.into(), jq_or_query(v)));
        }
    }
    for k in ["properties", "relations"] {
        match map.get(k) {
            Some(Value::Object(m)) if !m.is_empty() => {
                // A null value has no place in the provider's map of strings.
                let entries = m
                    .iter()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(name, v)| HItem::Attr(hcl_key(name), jq_or_query(v)))
                    .collect();
                items.push(HItem::Attr(k.into(), H::Obj(entries)));
            }
            Some(Value::Object(_) | Value::Null) | None => {}
            Some(_) => items.push(HItem::Comment(format!("not written: `{k}` is not an object"))),
        }
    }
    unknown_comments(
        map,
        &["identifier", "title", "icon", "team", "properties", "relations"],
        &[],
        &mut items,
    );
    H::Obj(items)
}

/// A jq string as a string, a number or bool as written (Terraform makes it a string); an
/// object or list (a search query) as `jsonencode(...)`, which the provider decodes back (and
/// which, read as jq text, is that same constant).
fn jq_or_query(v: &Value) -> H {
    match v {
        Value::Array(_) | Value::Object(_) => H::Call("jsonencode", Box::new(json_h(v))),
        other => scalar(other),
    }
}

/// A string/number/bool attribute value (Terraform converts numbers and bools to strings).
fn scalar(v: &Value) -> H {
    match v {
        Value::String(s) => H::Line(hcl_quote(s)),
        Value::Number(n) => H::Line(n.to_string()),
        Value::Bool(b) => H::Line(b.to_string()),
        Value::Null => H::Line("null".into()),
        other => H::Call("jsonencode", Box::new(json_h(other))),
    }
}

/// A JSON value as an HCL literal (the argument of `jsonencode`).
fn json_h(v: &Value) -> H {
    match v {
        Value::Array(list) => H::List(list.iter().map(json_h).collect()),
        Value::Object(map) => H::Obj(map.iter().map(|(k, v)| HItem::Attr(hcl_key(k), json_h(v))).collect()),
        other => scalar(other),
    }
}

fn unknown_comments(map: &Map<String, Value>, known: &[&str], silent: &[&str], items: &mut Vec<HItem>) {
    for k in map.keys() {
        if !known.contains(&k.as_str()) && !silent.contains(&k.as_str()) {
            items.push(HItem::Comment(format!(
                "not written: `{k}` (not in the provider's schema)"
            )));
        }
    }
}

/// An object key: bare when it is an identifier HCL reads as that same string, else quoted.
fn hcl_key(k: &str) -> String {
    let is_ident = k.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    // Keywords would be read as values (`null`, `true`) or start a `for` expression.
    let keyword = matches!(k, "null" | "true" | "false" | "for" | "in" | "if");
    if is_ident && !keyword {
        k.to_string()
    } else {
        hcl_quote(k)
    }
}

/// A quoted HCL string that reads back as `s`: escapes, and `${`/`%{` doubled so they stay text.
fn hcl_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    let _ = write!(out, "\\u{unit:04X}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Write `h` at the current position; its inner lines indented by `indent + 2`.
fn render(h: &H, indent: usize, out: &mut String) {
    match h {
        H::Line(s) => out.push_str(s),
        H::Call(name, arg) => {
            out.push_str(name);
            out.push('(');
            render(arg, indent, out);
            out.push(')');
        }
        H::List(items) if items.is_empty() => out.push_str("[]"),
        H::List(items) => {
            if let Some(line) = short_line(items) {
                out.push_str(&line);
                return;
            }
            out.push_str("[\n");
            for item in items {
                out.push_str(&" ".repeat(indent + 2));
                render(item, indent + 2, out);
                out.push_str(",\n");
            }
            out.push_str(&" ".repeat(indent));
            out.push(']');
        }
        H::Obj(items) if items.is_empty() => out.push_str("{}"),
        H::Obj(items) => {
            out.push_str("{\n");
            let widths = key_widths(items);
            for (item, width) in items.iter().zip(widths) {
                out.push_str(&" ".repeat(indent + 2));
                match item {
                    HItem::Comment(c) => {
                        out.push_str("# ");
                        out.push_str(c);
                    }
                    HItem::Attr(k, v) => {
                        let _ = write!(out, "{k:width$} = ");
                        render(v, indent + 2, out);
                    }
                }
                out.push('\n');
            }
            out.push_str(&" ".repeat(indent));
            out.push('}');
        }
    }
}

/// A list of short one-line values on one line: `[1, 2, 3]`.
fn short_line(items: &[H]) -> Option<String> {
    let mut parts = Vec::new();
    for item in items {
        let H::Line(s) = item else {
            return None;
        };
        parts.push(s.as_str());
    }
    let line = format!("[{}]", parts.join(", "));
    (line.chars().count() <= 60).then_some(line)
}

/// Whether `h` is written on one line.
fn is_one_line(h: &H) -> bool {
    match h {
        H::Line(_) => true,
        H::Call(_, arg) => is_one_line(arg),
        H::Obj(items) => items.is_empty(),
        H::List(items) => items.is_empty() || short_line(items).is_some(),
    }
}

/// `=` aligned within each run of one-line attributes, as `terraform fmt` does.
fn key_widths(items: &[HItem]) -> Vec<usize> {
    let one_line = |item: &HItem| matches!(item, HItem::Attr(_, h) if is_one_line(h));
    let mut widths = vec![0; items.len()];
    let mut i = 0;
    while i < items.len() {
        if !one_line(&items[i]) {
            if let HItem::Attr(k, _) = &items[i] {
                widths[i] = k.chars().count();
            }
            i += 1;
            continue;
        }
        let start = i;
        while i < items.len() && one_line(&items[i]) {
            i += 1;
        }
        let width = items[start..i]
            .iter()
            .map(|it| {
                if let HItem::Attr(k, _) = it {
                    k.chars().count()
                } else {
                    0
                }
            })
            .max()
            .unwrap_or(0);
        for w in &mut widths[start..i] {
            *w = width;
        }
    }
    widths
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::path::PathBuf;

    const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/data/terraform");

    /// The provider's examples: (file name, text, expected JSON).
    fn examples() -> Vec<(String, String, Value)> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(DATA)
            .expect("tests/data/terraform")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "tf"))
            .collect();
        files.sort();
        assert!(files.len() >= 21, "the provider's examples are in {DATA}");
        files
            .into_iter()
            .map(|p| {
                let text = std::fs::read_to_string(&p).expect("read .tf");
                let expected_path = p.with_extension("expected.json");
                let expected = std::fs::read_to_string(&expected_path).expect("read .expected.json");
                let name = p.file_name().expect("name").to_string_lossy().into_owned();
                (name, text, serde_json::from_str(&expected).expect("expected JSON"))
            })
            .collect()
    }

    fn read_ok(text: &str) -> Vec<Webhook> {
        match read_hcl(text) {
            Ok(w) => w,
            Err(p) => panic!("unexpected errors: {p:#?}"),
        }
    }

    fn read_err(text: &str) -> Vec<Problem> {
        match read_hcl(text) {
            Ok(w) => panic!(
                "expected errors, got {:#?}",
                w.iter().map(|w| &w.config).collect::<Vec<_>>()
            ),
            Err(p) => p,
        }
    }

    /// One webhook around `attrs` (enabled and title set, so no warnings of their own).
    fn hook(attrs: &str) -> String {
        format!("resource \"port_webhook\" \"w\" {{\n  title = \"T\"\n  enabled = true\n{attrs}\n}}\n")
    }

    /// A webhook with one mapping whose entity has `entity` (identifier given).
    fn entity(entity: &str) -> String {
        hook(&format!("  mappings = [{{\n    blueprint = \"svc\"\n    entity = {{\n      identifier = \".id\"\n{entity}\n    }}\n  }}]"))
    }

    fn string_leaves(v: &Value, path: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
        match v {
            Value::String(_) => out.push(path.clone()),
            Value::Array(list) => {
                for (i, item) in list.iter().enumerate() {
                    path.push(Step::Index(i));
                    string_leaves(item, path, out);
                    path.pop();
                }
            }
            Value::Object(map) => {
                for (k, item) in map {
                    path.push(Step::Key(k.clone()));
                    string_leaves(item, path, out);
                    path.pop();
                }
            }
            _ => {}
        }
    }

    fn place<'w>(w: &'w Webhook, path: &[Step]) -> Option<&'w Range> {
        w.places.iter().find(|(p, _)| p == path).map(|(_, r)| r)
    }

    fn steps(path: &[&str]) -> Vec<Step> {
        path.iter()
            .map(|s| {
                s.parse::<usize>()
                    .map_or_else(|_| Step::Key((*s).to_string()), Step::Index)
            })
            .collect()
    }

    #[test]
    fn every_provider_example_converts_to_its_expected_json() {
        for (name, text, expected) in examples() {
            let result = read_hcl(&text);
            if let Some(error) = expected.get("error").and_then(Value::as_str) {
                let problems = result.err().unwrap_or_else(|| panic!("{name}: expected an error"));
                assert!(
                    problems.iter().any(|p| p.message.contains(error)),
                    "{name}: no message contains {error:?}: {problems:#?}"
                );
                for p in &problems {
                    assert!(p.span.end <= text.len() && p.span.start <= p.span.end, "{name}: {p:?}");
                }
                continue;
            }
            let webhooks = result.unwrap_or_else(|p| panic!("{name}: {p:#?}"));
            let actual: Vec<Value> = webhooks
                .iter()
                .map(|w| json!({"name": w.name, "config": w.config}))
                .collect();
            assert_eq!(Value::Array(actual), expected, "{name}");
            for w in &webhooks {
                // Every string leaf of `mappings` has a place, and places are inside the text.
                let mut leaves = Vec::new();
                if let Some(m) = w.config.get("mappings") {
                    string_leaves(m, &mut vec![key("mappings")], &mut leaves);
                }
                for leaf in leaves {
                    let r = place(w, &leaf).unwrap_or_else(|| panic!("{name}: no place for {leaf:?}"));
                    assert!(r.start < r.end && r.end <= text.len(), "{name}: {leaf:?} at {r:?}");
                }
                // The two identifiers the provider sends as jq text (its test expects success) warn.
                let expected_warnings = usize::from(name.contains("InvalidIdentifier"));
                assert_eq!(w.warnings.len(), expected_warnings, "{name}: {:#?}", w.warnings);
                for warning in &w.warnings {
                    assert!(
                        warning.message.contains("is a JSON object without"),
                        "{name}: {warning:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn example_places_point_at_the_literals() {
        let text = std::fs::read_to_string(format!("{DATA}/docs-resources-webhook-md.tf")).expect("read");
        let hooks = read_ok(&text);
        let w = &hooks[0];
        let at = |p: &[&str]| &text[place(w, &steps(p)).expect("place").clone()];
        assert_eq!(
            at(&["mappings", "0", "filter"]),
            r#"".headers.\"x-github-event\" == \"pull_request\"""#
        );
        assert_eq!(
            at(&["mappings", "0", "blueprint"]),
            "port_blueprint.microservice.identifier"
        );
        assert_eq!(
            at(&["mappings", "0", "entity", "relations", "author", "combinator"]),
            "\"'and'\""
        );
        assert_eq!(
            at(&["mappings", "0", "entity", "relations", "author", "rules", "0", "value"]),
            "\".body.pull_request.user.login | tostring\""
        );
        // A decoded query's place is the literal inside `jsonencode(...)`.
        let query = at(&["mappings", "0", "entity", "relations", "author"]);
        assert!(query.starts_with('{') && query.ends_with('}'), "{query}");
        assert_eq!(at(&["mappings", "0", "operation", "type"]), "\"create\"");
        assert_eq!(at(&["enabled"]), "true");
        let w = &hooks[1];
        let at = |p: &[&str]| &text[place(w, &steps(p)).expect("place").clone()];
        assert_eq!(
            at(&["mappings", "0", "entity", "identifier", "rules", "0", "property"]),
            "\"'arn'\""
        );
    }

    #[test]
    fn invalid_examples_point_at_the_rule_or_relation() {
        let text = std::fs::read_to_string(format!(
            "{DATA}/test-TestAccPortWebhookCreateWithInvalidIdentifier-testPortWebhookConfigMissingRuleFields.tf"
        ))
        .expect("read");
        let problems = read_err(&text);
        assert_eq!(problems.len(), 1, "{problems:#?}");
        let quoted = &text[problems[0].span.clone()];
        assert!(
            quoted.starts_with('{') && quoted.contains("property = \"'arn'\""),
            "{quoted}"
        );
        assert!(problems[0]
            .message
            .starts_with("port_webhook.invalid_identifier: `mappings[0].entity.identifier`"));
    }

    #[test]
    fn hcl_constructs() {
        // (attribute text, expected title)
        let cases: &[(&str, &str)] = &[
            (r#""a\"b\\c\nd\te\u00e9\U0001F600""#, "a\"b\\c\nd\te\u{e9}\u{1F600}"),
            (r#""$${x} %%{y} $$ %% $x""#, "${x} %{y} $$ %% $x"),
            (
                "<<EOT\n  hello $${z}\n    world \\n\nEOT",
                "  hello ${z}\n    world \\n\n",
            ),
            ("<<-EOT\n    hello\n      world\n    EOT", "hello\n  world\n"),
            ("<<EOT\nEOT", ""),
            ("5", "5"),
            ("-5", "-5"),
            ("1.50", "1.5"),
            ("1e3", "1000"),
            ("0.001", "0.001"),
            ("true", "true"),
            ("(\"paren\")", "paren"),
            (
                r#"jsonencode({b = 1, a = {d = "<&>", c = [true, null, 1.0]}})"#,
                r#"{"a":{"c":[true,null,1],"d":"\u003c\u0026\u003e"},"b":1}"#,
            ),
            (
                r#"jsonencode({ "z" : "x", "y" = jsonencode("q") })"#,
                r#"{"y":"\"q\"","z":"x"}"#,
            ),
            (r#"jsonencode("line\nbreak\u2028")"#, r#""line\nbreak\u2028""#),
        ];
        for (expr, expected) in cases {
            let text = format!("resource \"port_webhook\" \"w\" {{\n  enabled = true\n  title = {expr}\n}}\n");
            let hooks = read_ok(&text);
            assert_eq!(hooks[0].config["title"], json!(expected), "{expr}");
            let r = place(&hooks[0], &[key("title")]).expect("place");
            assert_eq!(&text[r.clone()], *expr);
        }
    }

    #[test]
    fn enabled_as_string_is_converted_and_unset_warns() {
        let hooks = read_ok("resource \"port_webhook\" \"w\" {\n  title = \"T\"\n  enabled = \"true\"\n}\n");
        assert_eq!(hooks[0].config["enabled"], json!(true));
        let text = "resource \"port_webhook\" \"w\" {\n  title = \"T\"\n}\n";
        let hooks = read_ok(text);
        assert_eq!(hooks[0].config, json!({"title": "T", "enabled": false, "security": {}}));
        assert_eq!(hooks[0].warnings.len(), 1);
        let w = &hooks[0].warnings[0];
        assert!(
            w.message.contains("`enabled` is not set") && w.message.contains("set `enabled = true`"),
            "{w:?}"
        );
        assert_eq!(&text[w.span.clone()], "resource \"port_webhook\" \"w\"");
        let problems = read_err(&hook("  description = [\"x\"]").replace("enabled = true", ""));
        assert!(
            problems[0]
                .message
                .contains("`description`: must be a string, found a list"),
            "{problems:?}"
        );
    }

    #[test]
    fn a_reference_is_refused_where_it_is() {
        let text = hook("  mappings = [{\n    blueprint = var.blueprint\n    entity = { identifier = \".id\" }\n  }]");
        let problems = read_err(&text);
        assert_eq!(problems.len(), 1, "{problems:#?}");
        let p = &problems[0];
        assert_eq!(&text[p.span.clone()], "var.blueprint");
        assert!(
            p.message
                .contains("`mappings[0].blueprint` is a reference (`var.blueprint`)"),
            "{}",
            p.message
        );
        assert!(p.message.ends_with(TERRAFORM_ONLY), "{}", p.message);
        assert!(p.message.contains("terraform show -json"));
        for (expr, what) in [
            ("local.x", "a reference"),
            ("data.port_blueprint.x.identifier", "a reference"),
            ("port_blueprint.elsewhere.identifier", "a reference"),
            ("each.value", "a reference"),
            ("upper(\"x\")", "a function call"),
            ("provider::port::f(1)", "a function call"),
            ("true ? \"a\" : \"b\"", "a conditional"),
            ("[for x in [] : x][0]", "an index or attribute access"),
            ("\"a\" == \"b\"", "an operator expression"),
            ("!true", "an operator expression"),
            ("jsonencode(var.query)", "a reference"),
            ("jsonencode({rules = [local.rule]})", "a reference"),
        ] {
            let text = hook(&format!("  description = {expr}"));
            let problems = read_err(&text);
            assert!(problems[0].message.contains(what), "{expr}: {problems:?}");
            assert!(problems[0].message.contains("only Terraform can evaluate it"), "{expr}");
            assert!(
                expr.contains(&text[problems[0].span.clone()]),
                "{expr}: {:?}",
                &text[problems[0].span.clone()]
            );
        }
        let problems = read_err(&hook("  description = [for x in [1] : x]"));
        assert!(problems[0].message.contains("a `for` expression"), "{problems:?}");
    }

    #[test]
    fn interpolation_and_directives_are_refused() {
        let text = entity("      title = \".x == \\\"${var.y}\\\"\"");
        let problems = read_err(&text);
        assert_eq!(&text[problems[0].span.clone()], "${var.y}");
        assert!(
            problems[0]
                .message
                .contains("`mappings[0].entity.title` is string interpolation"),
            "{problems:?}"
        );
        let text = hook("  description = <<EOT\n%{ if true }x%{ endif }\nEOT");
        let problems = read_err(&text);
        assert!(problems[0].message.contains("a template directive"), "{problems:?}");
        assert!(text[problems[0].span.clone()].starts_with("%{"));
    }

    #[test]
    fn a_secret_by_reference_is_left_out_with_a_warning() {
        let text = hook("  security = {\n    secret = var.webhook_secret\n    signature_header_name = \"X-Sig\"\n  }");
        let hooks = read_ok(&text);
        assert_eq!(hooks[0].config["security"], json!({"signatureHeaderName": "X-Sig"}));
        assert_eq!(hooks[0].warnings.len(), 1);
        assert_eq!(&text[hooks[0].warnings[0].span.clone()], "var.webhook_secret");
        assert!(hooks[0].warnings[0].message.contains("`security.secret`"));
        for secret in ["\"${var.s}\"", "file(\"secret.txt\")", "var.a != \"\" ? var.a : var.b"] {
            let hooks = read_ok(&hook(&format!("  security = {{ secret = {secret} }}")));
            assert_eq!(hooks[0].config["security"], json!({}), "{secret}");
        }
        let hooks = read_ok(&hook("  security = { secret = \"plain\" }"));
        assert_eq!(hooks[0].config["security"], json!({"secret": "plain"}));
    }

    #[test]
    fn unknown_attributes_and_blocks_are_refused() {
        let problems = read_err(&hook("  colour = \"red\""));
        assert!(
            problems[0].message.contains("unknown attribute `colour`"),
            "{problems:?}"
        );
        let text = entity("      nme = \"x\"");
        let problems = read_err(&text);
        assert!(
            problems[0]
                .message
                .contains("`mappings[0].entity`: unknown attribute `nme`"),
            "{problems:?}"
        );
        assert_eq!(&text[problems[0].span.clone()], "nme");
        let problems = read_err(&hook("  security {\n    secret = \"x\"\n  }"));
        assert!(
            problems[0].message.contains("write `security = { ... }`"),
            "{problems:?}"
        );
        let problems = read_err(&hook("  url = \"https://x\""));
        assert!(problems[0].message.contains("read-only"), "{problems:?}");
        let problems = read_err(&hook("  count = 2"));
        assert!(
            problems[0].message.contains("only Terraform can evaluate it"),
            "{problems:?}"
        );
        // Terraform's own meta-arguments and blocks are no problem.
        read_ok(&hook(
            "  depends_on = [port_blueprint.x]\n  provider = port.eu\n  lifecycle {\n    ignore_changes = [title]\n  }",
        ));
    }

    #[test]
    fn required_attributes_and_operation_type() {
        let problems = read_err(&hook("  mappings = [{ filter = \"true\" }]"));
        let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
        assert!(
            messages
                .iter()
                .any(|m| m.contains("`mappings[0]`: the required attribute `blueprint` is missing")),
            "{messages:?}"
        );
        assert!(
            messages
                .iter()
                .any(|m| m.contains("the required attribute `entity` is missing")),
            "{messages:?}"
        );
        let problems = read_err(&hook(
            "  mappings = [{ blueprint = \"b\", entity = { title = \".t\" } }]",
        ));
        assert!(
            problems[0]
                .message
                .contains("`mappings[0].entity`: the required attribute `identifier` is missing"),
            "{problems:?}"
        );
        let problems = read_err(&hook(
            "  mappings = [{ blueprint = \"b\", operation = {}, entity = { identifier = \".i\" } }]",
        ));
        assert!(
            problems[0].message.contains("the required attribute `type` is missing"),
            "{problems:?}"
        );
        let text = hook(
            "  mappings = [{ blueprint = \"b\", operation = { type = \"upsert\" }, entity = { identifier = \".i\" } }]",
        );
        let problems = read_err(&text);
        assert!(
            problems[0].message.contains("must be \"create\" or \"delete\""),
            "{problems:?}"
        );
        assert_eq!(&text[problems[0].span.clone()], "\"upsert\"");
        let problems = read_err(&hook("  mappings = { blueprint = \"b\" }"));
        assert!(
            problems[0]
                .message
                .contains("`mappings`: must be a list of mapping objects, found an object"),
            "{problems:?}"
        );
    }

    #[test]
    fn empty_values_follow_the_provider() {
        let hooks = read_ok(&hook(
            "  identifier = \"\"\n  description = \"\"\n  security = null\n  mappings = [{\n    blueprint = \"\"\n    operation = { type = \"delete\", delete_dependents = \"true\" }\n    entity = { identifier = \"\", properties = {}, relations = null, team = 5 }\n  }]",
        ));
        assert_eq!(
            hooks[0].config,
            json!({"title": "T", "description": "", "enabled": true, "security": {}, "mappings": [
                {"operation": {"deleteDependents": true, "type": "delete"}, "entity": {"identifier": "", "team": "5"}}
            ]})
        );
        let hooks = read_ok(&hook("  mappings = []"));
        assert!(hooks[0].config.get("mappings").is_none());
    }

    #[test]
    fn search_queries_follow_the_provider() {
        // A relation that is a JSON object written as a plain string is decoded too.
        let text = entity(
            r#"      relations = {
        b = "{\"rules\":[{\"value\":1,\"property\":\"'p'\",\"operator\":\"'='\"}],\"combinator\":\"'and'\"}"
        a = ".a"
        c = "[1]"
      }"#,
        );
        let hooks = read_ok(&text);
        let rel = &hooks[0].config["mappings"][0]["entity"]["relations"];
        assert_eq!(
            rel,
            &json!({"a": ".a", "b": {"combinator": "'and'", "rules": [{"operator": "'='", "property": "'p'", "value": 1}]}, "c": "[1]"})
        );
        let keys: Vec<&String> = rel.as_object().expect("object").keys().collect();
        assert_eq!(keys, ["a", "b", "c"], "sorted as Go writes a map");
        let r = place(
            &hooks[0],
            &steps(&["mappings", "0", "entity", "relations", "b", "rules", "0", "value"]),
        )
        .expect("place");
        assert!(text[r.clone()].starts_with("\"{\\\"rules"));
        // An identifier JSON object without combinator is sent as its text, with a warning.
        let hooks = read_ok(&hook(
            "  mappings = [{ blueprint = \"b\", entity = { identifier = jsonencode({ rules = [] }) } }]",
        ));
        assert_eq!(
            hooks[0].config["mappings"][0]["entity"]["identifier"],
            json!("{\"rules\":[]}")
        );
        assert!(
            hooks[0].warnings[0].message.contains("without `combinator`"),
            "{:?}",
            hooks[0].warnings
        );
        // Rules that are not objects, and `rules` that is not a list, are not checked (as the provider).
        let hooks = read_ok(&entity(
            "      relations = { r = jsonencode({ combinator = \"'or'\", rules = \"x\" }) }",
        ));
        assert_eq!(
            hooks[0].config["mappings"][0]["entity"]["relations"]["r"],
            json!({"combinator": "'or'", "rules": "x"})
        );
        let problems = read_err(&entity("      relations = { r = jsonencode({ combinator = \"'or'\", rules = [1, { property = \"p\", operator = \"o\" }] }) }"));
        assert!(
            problems[0]
                .message
                .contains("relation 'r' rule at index 1 missing required field 'value'"),
            "{problems:?}"
        );
        // Properties are never decoded.
        let hooks = read_ok(&entity("      properties = { p = jsonencode({ a = 1 }), q = 2 }"));
        assert_eq!(
            hooks[0].config["mappings"][0]["entity"]["properties"],
            json!({"p": "{\"a\":1}", "q": "2"})
        );
    }

    #[test]
    fn blueprint_references_resolve_only_to_literals_of_the_same_text() {
        let text = "resource \"port_blueprint\" \"svc\" {\n  identifier = \"service\"\n}\nresource \"port_blueprint\" \"dyn\" {\n  identifier = var.id\n}\n";
        let ok = format!(
            "{text}{}",
            hook("  mappings = [{ blueprint = port_blueprint.svc.identifier, entity = { identifier = \".i\" } }]")
        );
        assert_eq!(read_ok(&ok)[0].config["mappings"][0]["blueprint"], json!("service"));
        let bad = format!(
            "{text}{}",
            hook("  mappings = [{ blueprint = port_blueprint.dyn.identifier, entity = { identifier = \".i\" } }]")
        );
        let problems = read_err(&bad);
        assert_eq!(&bad[problems[0].span.clone()], "port_blueprint.dyn.identifier");
        let bad = format!(
            "{text}{}",
            hook("  mappings = [{ blueprint = port_blueprint.svc.title, entity = { identifier = \".i\" } }]")
        );
        read_err(&bad);
    }

    #[test]
    fn two_resources_in_order_among_others() {
        let text = format!(
            "terraform {{\n  required_providers {{\n    port = {{ source = \"port-labs/port-labs\" }}\n  }}\n}}\nvariable \"x\" {{}}\nlocals {{ a = 1 }}\n{}\nresource \"port_action\" \"a\" {{ title = var.x }}\n{}",
            hook("  identifier = \"first\"").replace("\"w\"", "\"b_first\""),
            hook("  identifier = \"second\"").replace("\"w\"", "\"a_second\""),
        );
        let hooks = read_ok(&text);
        let names: Vec<&str> = hooks.iter().map(|w| w.name.as_str()).collect();
        assert_eq!(names, ["port_webhook.b_first", "port_webhook.a_second"]);
        assert_eq!(hooks[1].config["identifier"], json!("second"));
    }

    #[test]
    fn errors_of_all_resources_come_at_once() {
        let text = format!(
            "{}{}",
            hook("  title2 = 1").replace("\"w\"", "\"a\""),
            hook("  icon = var.i").replace("\"w\"", "\"b\"")
        );
        let problems = read_err(&text);
        assert_eq!(problems.len(), 2, "{problems:#?}");
        assert!(problems[0].message.starts_with("port_webhook.a:"));
        assert!(problems[1].message.starts_with("port_webhook.b:"));
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        assert!(read_ok("").is_empty());
        assert!(read_ok("  \n# only a comment\n").is_empty());
        assert!(read_ok("resource \"port_blueprint\" \"x\" {\n  identifier = \"x\"\n}\n").is_empty());
        let hooks = read_ok("resource \"port_webhook\" \"empty\" {}\n");
        assert_eq!(hooks[0].config, json!({"enabled": false, "security": {}}));
        let problems = read_err("resource \"port_webhook\" \"x\"\n");
        assert!(
            problems[0].message.contains("not valid HCL") && problems[0].message.contains("line 1"),
            "{problems:?}"
        );
        let problems = read_err("resource \"port_webhook\" {}\n");
        assert!(problems[0].message.contains("exactly one more label"));
        let deep = format!("{}{}", "{ a = ".repeat(200), "1 }".repeat(200));
        let _ = read_hcl(&hook(&format!("  security = {deep}")));
        let deep_json = format!("jsonencode({}1{})", "[".repeat(60), "]".repeat(60));
        let _ = read_hcl(&hook(&format!("  description = {deep_json}")));
        let _ = read_hcl(&hook("  description = 1e999999999999"));
        let _ = read_hcl(&hook("  description = \"\\u{zz}\""));
        for odd in [
            "\"",
            "{",
            "}",
            "resource",
            "resource \"port_webhook\" \"x\" { a = ",
            "é = 1",
            "\u{feff}a = 1",
            "<<EOT",
            "a = <<-X\n\tb\n  X\n",
        ] {
            let _ = read_hcl(odd);
        }
        // Every prefix of an example: whatever the parser makes of it, no panic.
        let text = std::fs::read_to_string(format!("{DATA}/docs-resources-webhook-md.tf")).expect("read");
        for (i, _) in text.char_indices() {
            if let Err(problems) = read_hcl(&text[..i]) {
                for p in problems {
                    assert!(p.span.start <= p.span.end && p.span.end <= i, "{p:?}");
                }
            }
        }
    }

    #[test]
    fn canonical_numbers() {
        for (written, text) in [
            ("0", "0"),
            ("007", "7"),
            ("1.0", "1"),
            ("1.25e1", "12.5"),
            ("12e-3", "0.012"),
            ("-0.50", "-0.5"),
            ("1E2", "100"),
        ] {
            assert_eq!(canonical_number(written).as_deref(), Some(text), "{written}");
        }
        assert_eq!(canonical_number("1e99999"), None);
        assert_eq!(canonical_number("x"), None);
    }

    #[test]
    fn to_hcl_round_trips_every_example() {
        for (name, text, expected) in examples() {
            if expected.get("error").is_some() {
                continue;
            }
            for w in read_ok(&text) {
                let hcl = to_hcl(&w.name, &w.config);
                let back = read_hcl(&hcl).unwrap_or_else(|p| panic!("{name}: {p:#?}\n{hcl}"));
                assert_eq!(back.len(), 1, "{name}");
                assert_eq!(back[0].name, w.name, "{name}");
                assert_eq!(back[0].config, w.config, "{name}\n{hcl}");
                assert_eq!(
                    back[0].warnings.len(),
                    w.warnings.len(),
                    "{name}: {:?}",
                    back[0].warnings
                );
            }
        }
    }

    #[test]
    fn to_hcl_writes_awkward_configurations() {
        let config = json!({
            "identifier": "my-hook",
            "title": "a \"quoted\" ${title} with %{directive} and $${kept} \\ end\n\t\u{1}",
            "icon": "Github",
            "security": {"secret": "s3cr3t", "signatureHeaderName": "X-Sig", "signatureAlgorithm": "sha256"},
            "mappings": [{
                "blueprint": "svc",
                "filter": ".body.x == \"<&>\"",
                "operation": "delete",
                "itemsToParse": ".body.items",
                "entity": {
                    "identifier": {"combinator": "'and'", "rules": [{"property": "'$identifier'", "operator": "'='", "value": ".id", "extra": [1, 2.5, null, true]}]},
                    "title": ".t",
                    "properties": {"with-dash": ".a", "with space": ".b", "null": ".c", "ü": ".d", "n": 5},
                    "relations": {"r": {"combinator": "'or'", "rules": []}, "s": ".s"}
                }
            }],
            "url": "https://ingest.getport.io/abc",
            "webhookKey": "abc",
            "createdAt": "2025-01-01T00:00:00.000Z",
            "integrationType": "custom",
            "somethingNew": 1
        });
        let hcl = to_hcl("module.m.port_webhook.my hook", &config);
        assert!(hcl.starts_with("resource \"port_webhook\" \"my_hook\" {"), "{hcl}");
        assert!(hcl.contains("# secret = var.webhook_secret"), "{hcl}");
        assert!(
            !hcl.contains("s3cr3t") && !hcl.contains("webhookKey") && !hcl.contains("ingest"),
            "{hcl}"
        );
        assert!(hcl.contains("# not written: `somethingNew`"), "{hcl}");
        assert!(hcl.contains("jsonencode({"), "{hcl}");

        let back = read_ok(&hcl);
        let mut want = config.clone();
        let map = want.as_object_mut().expect("object");
        for k in ["url", "webhookKey", "createdAt", "integrationType", "somethingNew"] {
            map.remove(k);
        }
        map.insert("enabled".into(), json!(true));
        map["security"] = json!({"signatureHeaderName": "X-Sig", "signatureAlgorithm": "sha256"});
        map["mappings"][0]["operation"] = json!({"type": "delete"});
        // Numbers in properties become jq text, as the provider's map of strings holds them.
        map["mappings"][0]["entity"]["properties"]["n"] = json!("5");
        assert_eq!(back[0].config, want, "{hcl}");
        assert_eq!(
            to_hcl("9lives", &json!({})).lines().next(),
            Some("resource \"port_webhook\" \"_9lives\" {")
        );
        // Not an object: a resource with only a comment, still valid HCL.
        assert_eq!(read_ok(&to_hcl("x", &json!("not an object"))).len(), 1);
    }

    /// The docs example's `create_pr` as `terraform show -json` has it (research section 6).
    fn state_values() -> Value {
        json!({
            "created_at": "2025-08-25 10:11:12.123 +0000 UTC",
            "created_by": "someone",
            "description": null,
            "enabled": true,
            "icon": "Terraform",
            "id": "pr_webhook",
            "identifier": "pr_webhook",
            "mappings": [{
                "blueprint": "microservice",
                "entity": {
                    "icon": null,
                    "identifier": ".body.pull_request.id | tostring",
                    "properties": {"url": ".body.pull_request.html_url"},
                    "relations": {
                        "author": "{\"combinator\":\"'and'\",\"rules\":[{\"operator\":\"'='\",\"property\":\"'$identifier'\",\"value\":\".body.pull_request.user.login | tostring\"}]}",
                        "team": ".body.repository.owner.login | tostring"
                    },
                    "team": null,
                    "title": ".body.pull_request.title"
                },
                "filter": ".headers.\"x-github-event\" == \"pull_request\"",
                "items_to_parse": null,
                "operation": {"delete_dependents": null, "type": "create"}
            }],
            "security": null,
            "title": "Webhook with mixed relations",
            "updated_at": "2025-08-25 10:11:12.123 +0000 UTC",
            "updated_by": "someone",
            "url": "https://ingest.getport.io/xyz",
            "webhook_key": "xyz"
        })
    }

    fn resource(address: &str, values: Value) -> Value {
        let name = address.rsplit('.').next().unwrap_or(address);
        json!({
            "address": address, "mode": "managed", "type": "port_webhook", "name": name,
            "provider_name": "registry.terraform.io/port-labs/port-labs", "schema_version": 0,
            "values": values, "sensitive_values": {"mappings": [{"entity": {"properties": {}, "relations": {}}}]},
            "depends_on": ["port_blueprint.microservice"]
        })
    }

    #[test]
    fn show_json_state_and_plan_convert_like_the_hcl() {
        let text = std::fs::read_to_string(format!("{DATA}/docs-resources-webhook-md.tf")).expect("read");
        let from_hcl = read_ok(&text).remove(0);
        let blueprint = json!({"address": "port_blueprint.microservice", "mode": "managed", "type": "port_blueprint", "name": "microservice", "values": {"identifier": "microservice"}});
        let state = json!({
            "format_version": "1.0",
            "terraform_version": "1.11.4",
            "values": {"root_module": {
                "resources": [blueprint, resource("port_webhook.create_pr", state_values())],
                "child_modules": [{"address": "module.hooks", "resources": [
                    resource("module.hooks.port_webhook.create_pr", state_values()),
                    {"address": "data.port_webhook.x", "mode": "data", "type": "port_webhook", "name": "x", "values": {}}
                ]}]
            }}
        });
        assert!(is_show_json(&state));
        let hooks = read_show_json(&state).unwrap_or_else(|e| panic!("{e:#?}"));
        let names: Vec<&str> = hooks.iter().map(|w| w.name.as_str()).collect();
        assert_eq!(names, ["port_webhook.create_pr", "module.hooks.port_webhook.create_pr"]);
        for w in &hooks {
            assert_eq!(w.config, from_hcl.config);
            assert!(w.places.is_empty() && w.warnings.is_empty(), "{:?}", w.warnings);
        }
        // A plan: unknown computed values are absent.
        let mut planned = state_values();
        for k in [
            "created_at",
            "created_by",
            "updated_at",
            "updated_by",
            "id",
            "url",
            "webhook_key",
        ] {
            planned.as_object_mut().expect("object").remove(k);
        }
        let plan = json!({
            "format_version": "1.2",
            "planned_values": {"root_module": {"resources": [resource("port_webhook.create_pr", planned)]}},
            "resource_changes": [],
            "prior_state": {"format_version": "1.0", "values": {"root_module": {}}}
        });
        assert!(is_show_json(&plan));
        let hooks = read_show_json(&plan).unwrap_or_else(|e| panic!("{e:#?}"));
        assert_eq!(hooks[0].config, from_hcl.config);
    }

    #[test]
    fn show_json_errors_and_odd_documents() {
        assert!(!is_show_json(&json!({"identifier": "x"})));
        assert!(!is_show_json(&json!([])));
        assert!(read_show_json(&json!({"format_version": "1.0"})).is_err());
        assert!(read_show_json(&json!({"format_version": "1.0", "values": null}))
            .expect("empty state")
            .is_empty());
        assert!(
            read_show_json(&json!({"format_version": "1.0", "values": {"root_module": {}}}))
                .expect("no resources")
                .is_empty()
        );
        let errors = read_show_json(&json!({"values": {"root_module": {"resources": {}}}})).expect_err("not a list");
        assert!(
            errors[0].contains("`values.root_module.resources` is not a list"),
            "{errors:?}"
        );
        let mut values = state_values();
        values["mappings"][0]["entity"]["relations"]["author"] = json!("{\"rules\":[]}");
        values["mystery"] = json!(1);
        let doc = json!({"values": {"root_module": {"resources": [resource("port_webhook.w", values)]}}});
        let errors = read_show_json(&doc).expect_err("invalid relation");
        assert_eq!(errors, ["port_webhook.w: `mappings[0].entity.relations.author`: relation 'author' missing required field 'combinator' (the provider's own check)"]);
        let mut values = state_values();
        values["mystery"] = json!(1);
        values["security"] = json!({"secret": "plain", "signature_header_name": null, "signature_algorithm": null, "signature_prefix": null, "request_identifier_path": null});
        let doc = json!({"values": {"root_module": {"resources": [resource("port_webhook.w", values)]}}});
        let hooks = read_show_json(&doc).expect("converts");
        assert_eq!(hooks[0].config["security"], json!({"secret": "plain"}));
        assert!(
            hooks[0].warnings[0].message.contains("`mystery`"),
            "{:?}",
            hooks[0].warnings
        );
        let doc = json!({"values": {"root_module": {"resources": [{"type": "port_webhook", "address": "port_webhook.v", "values": "x"}]}}});
        assert!(read_show_json(&doc).expect_err("values")[0].contains("`values` is not an object"));
    }
}
