//! The webhook configuration model (Port's JSON), read with every problem reported at its path.

use crate::diagnostic::{Code, Diagnostic, Document};
use crate::location::LazyConfigIndex;
use crate::path::JsonPath;
use crate::value::TypeName;
use serde_json::{Map, Value};

/// A whole webhook configuration as Port stores it.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookConfig {
    /// The webhook's identifier, when given.
    pub identifier: Option<String>,
    /// Display title.
    pub title: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Icon name.
    pub icon: Option<String>,
    /// `false` drops every event (default `true`).
    pub enabled: bool,
    /// The mappings, applied in order to every event.
    pub mappings: Vec<MappingConfig>,
    /// Signature and deduplication settings (`None` or empty: no check).
    pub security: Option<SecurityConfig>,
    /// Port's `integrationType` (kept for round trips; no effect).
    pub integration_type: Option<String>,
}

/// One mapping: which blueprint, which operation, and how to build the entity.
#[derive(Debug, Clone, PartialEq)]
pub struct MappingConfig {
    /// Target blueprint identifier (literal, not jq).
    pub blueprint: String,
    /// Create (upsert) or delete.
    pub operation: Operation,
    /// jq; the mapping applies only when it yields `true`. `None` means `"true"`.
    pub filter: Option<String>,
    /// jq yielding an array; each element is mapped with `.item` bound to it.
    pub items_to_parse: Option<String>,
    /// The entity template.
    pub entity: EntityConfig,
}

/// What a mapping does with the entity it builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// Create or update the entity (Port's default).
    Create,
    /// Delete the entity; `delete_dependents` when given.
    Delete {
        /// Whether dependent entities are deleted too.
        delete_dependents: Option<bool>,
    },
}

/// The entity template: every leaf string is a jq expression.
#[derive(Debug, Clone, PartialEq)]
pub struct EntityConfig {
    /// Required: the identifier (jq, or a search query).
    pub identifier: FieldSpec,
    /// Title (jq).
    pub title: Option<FieldSpec>,
    /// Icon (jq).
    pub icon: Option<FieldSpec>,
    /// Team (jq, or a search query).
    pub team: Option<FieldSpec>,
    /// Properties, in configuration order.
    pub properties: Vec<(String, FieldSpec)>,
    /// Relations, in configuration order.
    pub relations: Vec<(String, FieldSpec)>,
}

/// The value of an entity field in the configuration.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldSpec {
    /// A jq expression.
    Jq(String),
    /// A search query (`{combinator, rules}`) whose leaf strings are jq expressions.
    Query(Value),
}

/// Signature verification and deduplication settings (serialized as Port writes them).
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SecurityConfig {
    /// The shared secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// Header carrying the signature (matched case-insensitively).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature_header_name: Option<String>,
    /// How the signature is computed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature_algorithm: Option<SignatureAlgorithm>,
    /// Text before the hex digest in the header (`sha256=`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature_prefix: Option<String>,
    /// jq over the request identifying a delivery, for deduplication.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_identifier_path: Option<String>,
}

impl SecurityConfig {
    /// Read a `security` object on its own (paths start at `security`); `null` or `{}` means
    /// no check.
    pub fn from_value(v: &Value) -> Result<Option<Self>, Vec<Diagnostic>> {
        let mut r = Reader {
            diagnostics: Vec::new(),
            warnings: Vec::new(),
        };
        let security = read_security(&mut r, v, &JsonPath::root("security"));
        if r.diagnostics.is_empty() {
            Ok(security)
        } else {
            Err(r.diagnostics)
        }
    }
}

/// Port's signature algorithms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SignatureAlgorithm {
    /// HMAC-SHA1, hex.
    Sha1,
    /// HMAC-SHA256, hex.
    Sha256,
    /// The header holds the secret itself.
    Plain,
}

/// Keys Port adds to a webhook it returns from its API; accepted and ignored so a
/// configuration copied from Port works unchanged.
const PORT_READ_ONLY_KEYS: &[&str] = &["url", "webhookKey", "createdAt", "createdBy", "updatedAt", "updatedBy"];

/// Collects diagnostics while a JSON value is read.
struct Reader {
    diagnostics: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
}

impl Reader {
    fn err(&mut self, code: Code, path: &JsonPath, msg: impl Into<String>) {
        self.diagnostics.push(Diagnostic::error(code, path, msg));
    }

    fn object<'v>(&mut self, v: &'v Value, path: &JsonPath, what: &str) -> Option<&'v Map<String, Value>> {
        match v {
            Value::Object(o) => Some(o),
            other => {
                self.err(
                    Code::WrongType,
                    path,
                    format!("{what} must be an object, found {}", other.type_with_article()),
                );
                None
            }
        }
    }

    fn unknown_keys(&mut self, o: &Map<String, Value>, path: &JsonPath, allowed: &[&str], ignored: &[&str]) {
        for k in o.keys() {
            if !allowed.contains(&k.as_str()) && !ignored.contains(&k.as_str()) {
                let hint = suggestion(k, allowed)
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                self.err(
                    Code::UnknownKey,
                    &path.key(k),
                    format!("unknown key `{k}`{hint}; allowed keys: {}", allowed.join(", ")),
                );
            }
        }
    }

    fn string(&mut self, o: &Map<String, Value>, key: &str, path: &JsonPath) -> Option<String> {
        match o.get(key)? {
            Value::String(s) => Some(s.clone()),
            other => {
                self.err(
                    Code::WrongType,
                    &path.key(key),
                    format!("`{key}` must be a string, found {}", other.type_with_article()),
                );
                None
            }
        }
    }

    fn jq(&mut self, o: &Map<String, Value>, key: &str, path: &JsonPath) -> Option<String> {
        match o.get(key)? {
            Value::String(s) => Some(s.clone()),
            Value::Bool(b) => {
                // Port's UI sometimes exports `"filter": true`; it means the jq program `true`.
                self.warnings.push(Diagnostic::warning(
                    Code::BooleanExpression,
                    &path.key(key),
                    format!("`{key}` is the boolean {b}; Port expects a jq string, read as \"{b}\""),
                ));
                Some(b.to_string())
            }
            other => {
                self.err(
                    Code::WrongType,
                    &path.key(key),
                    format!(
                        "`{key}` must be a jq expression (a string), found {}",
                        other.type_with_article()
                    ),
                );
                None
            }
        }
    }
}

/// The allowed key closest to a misspelt one, if any is close.
fn suggestion<'a>(key: &str, allowed: &[&'a str]) -> Option<&'a str> {
    let lower = key.to_ascii_lowercase();
    allowed.iter().copied().find(|a| {
        let a_l = a.to_ascii_lowercase();
        a_l == lower || edit_distance(&a_l, &lower) <= 2
    })
}

/// Levenshtein distance between two texts, in characters: how near a misspelt name is.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The configuration read from JSON, plus non-fatal warnings.
#[derive(Debug, Clone)]
pub struct ParsedConfig {
    /// The configuration.
    pub config: WebhookConfig,
    /// Things Port accepts but that are probably not what was meant.
    pub warnings: Vec<Diagnostic>,
}

impl WebhookConfig {
    /// Parse configuration text: a webhook object, a bare mappings array, or a single mapping.
    /// Every diagnostic carries its location in `text`.
    pub fn from_json(text: &str) -> Result<ParsedConfig, Vec<Diagnostic>> {
        let value: Value = serde_json::from_str(text)
            .map_err(|e| vec![Diagnostic::json_syntax(Document::Config, "config", text.as_bytes(), &e)])?;
        let index = LazyConfigIndex::new(text);
        let resolve = |mut ds: Vec<Diagnostic>| {
            index.resolve(&mut ds);
            ds
        };
        match Self::from_value(&value) {
            Ok(parsed) => Ok(ParsedConfig {
                warnings: resolve(parsed.warnings),
                config: parsed.config,
            }),
            Err(ds) => Err(resolve(ds)),
        }
    }

    /// Read a configuration from a JSON value, reporting every problem at once.
    pub fn from_value(value: &Value) -> Result<ParsedConfig, Vec<Diagnostic>> {
        let mut r = Reader {
            diagnostics: Vec::new(),
            warnings: Vec::new(),
        };
        let root = JsonPath::root("");
        let config = match value {
            Value::Array(items) => Some(WebhookConfig::bare(read_mappings(&mut r, items, &root.key("mappings")))),
            Value::Object(o) if !o.contains_key("mappings") && o.contains_key("blueprint") => {
                // A single mapping object, as some of Port's docs print it.
                let m = read_mapping(&mut r, value, &root.key("mappings").index(0));
                Some(WebhookConfig::bare(m.into_iter().collect()))
            }
            Value::Object(o) => Some(read_webhook(&mut r, o, &root)),
            other => {
                r.err(
                    Code::WrongType,
                    &root,
                    format!(
                        "a configuration must be a webhook object or an array of mappings, found {}",
                        other.type_with_article()
                    ),
                );
                None
            }
        };
        match config {
            Some(config) if r.diagnostics.is_empty() => Ok(ParsedConfig {
                config,
                warnings: r.warnings,
            }),
            _ => Err(r.diagnostics),
        }
    }

    fn bare(mappings: Vec<MappingConfig>) -> Self {
        Self {
            identifier: None,
            title: None,
            description: None,
            icon: None,
            enabled: true,
            mappings,
            security: None,
            integration_type: None,
        }
    }
}

const WEBHOOK_KEYS: &[&str] = &[
    "identifier",
    "title",
    "description",
    "icon",
    "enabled",
    "mappings",
    "security",
    "integrationType",
];
const MAPPING_KEYS: &[&str] = &["blueprint", "operation", "filter", "itemsToParse", "entity"];
const ENTITY_KEYS: &[&str] = &["identifier", "title", "icon", "team", "properties", "relations"];
const SECURITY_KEYS: &[&str] = &[
    "secret",
    "signatureHeaderName",
    "signatureAlgorithm",
    "signaturePrefix",
    "requestIdentifierPath",
];

/// The longest value Port's API accepts for a webhook's `identifier`, `title`, `description`
/// (port-docs `static/apispec.yaml`, the webhook schema's `maxLength`, in characters).
const API_MAX_LENGTHS: &[(&str, usize)] = &[("identifier", 30), ("title", 30), ("description", 200)];

/// Keys of Ocean integrations' mappings that Port's webhook API refuses on a create mapping
/// (and ignores on a delete mapping, whose schema allows other keys).
const OCEAN_MAPPING_KEYS: &[&str] = &["itemsToParseName", "itemsToParseTopLevelTransform"];

fn read_webhook(r: &mut Reader, o: &Map<String, Value>, path: &JsonPath) -> WebhookConfig {
    r.unknown_keys(o, path, WEBHOOK_KEYS, PORT_READ_ONLY_KEYS);
    for (key, max) in API_MAX_LENGTHS {
        if let Some(Value::String(s)) = o.get(*key) {
            let n = s.chars().count();
            if n > *max {
                r.err(
                    Code::TooLong,
                    &path.key(key),
                    format!("`{key}` is {n} characters long; Port's API takes at most {max}"),
                );
            }
        }
    }
    let enabled = match o.get("enabled") {
        None | Some(Value::Null) => true,
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            r.err(
                Code::WrongType,
                &path.key("enabled"),
                format!("`enabled` must be a boolean, found {}", other.type_with_article()),
            );
            true
        }
    };
    let mappings = match o.get("mappings") {
        Some(Value::Array(items)) => read_mappings(r, items, &path.key("mappings")),
        Some(other) => {
            r.err(
                Code::WrongType,
                &path.key("mappings"),
                format!("`mappings` must be an array, found {}", other.type_with_article()),
            );
            Vec::new()
        }
        None => {
            r.err(
                Code::MissingKey,
                path,
                "missing `mappings`: a webhook configuration needs an array of mappings",
            );
            Vec::new()
        }
    };
    let security = o
        .get("security")
        .and_then(|v| read_security(r, v, &path.key("security")));
    WebhookConfig {
        identifier: r.string(o, "identifier", path),
        title: r.string(o, "title", path),
        description: r.string(o, "description", path),
        icon: r.string(o, "icon", path),
        enabled,
        mappings,
        security,
        integration_type: r.string(o, "integrationType", path),
    }
}

fn read_security(r: &mut Reader, v: &Value, path: &JsonPath) -> Option<SecurityConfig> {
    if v.is_null() {
        return None;
    }
    let o = r.object(v, path, "`security`")?;
    r.unknown_keys(o, path, SECURITY_KEYS, &[]);
    let algorithm = r
        .string(o, "signatureAlgorithm", path)
        .and_then(|a| match a.to_ascii_lowercase().as_str() {
            "sha1" => Some(SignatureAlgorithm::Sha1),
            "sha256" => Some(SignatureAlgorithm::Sha256),
            "plain" => Some(SignatureAlgorithm::Plain),
            _ => {
                r.err(
                    Code::InvalidValue,
                    &path.key("signatureAlgorithm"),
                    format!("unsupported signatureAlgorithm \"{a}\"; use \"sha1\", \"sha256\" or \"plain\""),
                );
                None
            }
        });
    Some(SecurityConfig {
        secret: r.string(o, "secret", path),
        signature_header_name: r.string(o, "signatureHeaderName", path),
        signature_algorithm: algorithm,
        signature_prefix: r.string(o, "signaturePrefix", path),
        request_identifier_path: r.string(o, "requestIdentifierPath", path),
    })
}

fn read_mappings(r: &mut Reader, items: &[Value], path: &JsonPath) -> Vec<MappingConfig> {
    items
        .iter()
        .enumerate()
        .filter_map(|(i, m)| read_mapping(r, m, &path.index(i)))
        .collect()
}

fn read_mapping(r: &mut Reader, v: &Value, path: &JsonPath) -> Option<MappingConfig> {
    let o = r.object(v, path, "a mapping")?;
    r.unknown_keys(o, path, MAPPING_KEYS, OCEAN_MAPPING_KEYS);
    let blueprint = match o.get("blueprint") {
        None => {
            r.err(
                Code::MissingKey,
                path,
                "missing `blueprint`: every mapping names its target blueprint",
            );
            None
        }
        Some(_) => r.string(o, "blueprint", path),
    };
    if let Some(b) = &blueprint {
        if let Err(msg) = crate::identifier::check_blueprint_identifier(b) {
            r.err(Code::InvalidValue, &path.key("blueprint"), msg);
        }
    }
    let operation = read_operation(r, o.get("operation"), &path.key("operation"));
    let is_delete = matches!(operation, Some(Operation::Delete { .. }));
    for key in OCEAN_MAPPING_KEYS.iter().filter(|k| o.contains_key(**k)) {
        let message = format!(
            "`{key}` is a key of Ocean integrations' mappings (Kubernetes, the GitHub app, ...), not of webhooks: in a webhook mapping each item of `itemsToParse` is `.item`"
        );
        if is_delete {
            r.warnings.push(Diagnostic::warning(
                Code::IgnoredKey,
                &path.key(key),
                format!("{message}; Port's API ignores it on a delete mapping"),
            ));
        } else {
            r.err(
                Code::OceanKey,
                &path.key(key),
                format!("{message}; Port's API refuses it"),
            );
        }
    }
    let filter = r.jq(o, "filter", path);
    let items_to_parse = r.jq(o, "itemsToParse", path);
    let entity = match o.get("entity") {
        None => {
            r.err(
                Code::MissingKey,
                path,
                "missing `entity`: a mapping needs at least `entity.identifier`",
            );
            None
        }
        Some(e) => read_entity(r, e, &path.key("entity"), is_delete),
    };
    Some(MappingConfig {
        blueprint: blueprint?,
        operation: operation?,
        filter,
        items_to_parse,
        entity: entity?,
    })
}

fn read_operation(r: &mut Reader, v: Option<&Value>, path: &JsonPath) -> Option<Operation> {
    let bad = |r: &mut Reader, what: &str| {
        r.err(Code::InvalidValue, path, format!("`operation` must be \"create\", \"delete\", or {{\"type\": \"create\" | \"delete\", \"deleteDependents\": bool}}; found {what}"));
        None
    };
    match v {
        None | Some(Value::Null) => Some(Operation::Create),
        Some(Value::String(s)) => match s.as_str() {
            "create" => Some(Operation::Create),
            "delete" => Some(Operation::Delete {
                delete_dependents: None,
            }),
            "upsert" => {
                r.warnings.push(Diagnostic::warning(
                    Code::UpsertOperation,
                    path,
                    "\"upsert\" is not one of Port's operations; read as \"create\" (which creates or updates)",
                ));
                Some(Operation::Create)
            }
            other => bad(r, &format!("\"{other}\"")),
        },
        Some(Value::Object(o)) => {
            r.unknown_keys(o, path, &["type", "deleteDependents"], &[]);
            let dd = match o.get("deleteDependents") {
                None | Some(Value::Null) => None,
                Some(Value::Bool(b)) => Some(*b),
                Some(other) => {
                    r.err(
                        Code::WrongType,
                        &path.key("deleteDependents"),
                        format!(
                            "`deleteDependents` must be a boolean, found {}",
                            other.type_with_article()
                        ),
                    );
                    None
                }
            };
            match o.get("type").and_then(Value::as_str) {
                Some("create") => {
                    if dd.is_some() {
                        r.err(
                            Code::InvalidValue,
                            &path.key("deleteDependents"),
                            "`deleteDependents` only applies to `\"type\": \"delete\"`",
                        );
                    }
                    Some(Operation::Create)
                }
                Some("delete") => Some(Operation::Delete { delete_dependents: dd }),
                _ => {
                    r.err(
                        Code::InvalidValue,
                        &path.key("type"),
                        "`operation.type` must be \"create\" or \"delete\"",
                    );
                    None
                }
            }
        }
        Some(other) => bad(r, other.type_with_article()),
    }
}

fn read_entity(r: &mut Reader, v: &Value, path: &JsonPath, is_delete: bool) -> Option<EntityConfig> {
    let o = r.object(v, path, "`entity`")?;
    r.unknown_keys(o, path, ENTITY_KEYS, &[]);
    if is_delete {
        // Port's API schema for a delete mapping: `entity: {identifier: string}`, nothing else.
        for k in ["title", "icon", "team", "properties", "relations"] {
            if o.contains_key(k) {
                r.err(
                    Code::DeleteEntity,
                    &path.key(k),
                    format!("a delete mapping's entity holds only `identifier`: Port's API refuses `{k}` here"),
                );
            }
        }
        if o.get("identifier").is_some_and(Value::is_object) {
            r.err(
                Code::DeleteEntity,
                &path.key("identifier"),
                "a delete mapping's identifier is a jq expression (a string): Port's API refuses a search query here",
            );
        }
    }
    let identifier = match o.get("identifier") {
        None => {
            r.err(Code::MissingKey, path, "missing `identifier`: every entity needs one");
            None
        }
        Some(v) => read_field(r, v, &path.key("identifier"), true),
    };
    let title = o.get("title").and_then(|v| read_field(r, v, &path.key("title"), false));
    let icon = o.get("icon").and_then(|v| read_field(r, v, &path.key("icon"), false));
    let team = o.get("team").and_then(|v| read_field(r, v, &path.key("team"), true));
    let properties = read_field_map(r, o.get("properties"), &path.key("properties"), false);
    let relations = read_field_map(r, o.get("relations"), &path.key("relations"), true);
    Some(EntityConfig {
        identifier: identifier?,
        title,
        icon,
        team,
        properties,
        relations,
    })
}

fn read_field_map(r: &mut Reader, v: Option<&Value>, path: &JsonPath, queries: bool) -> Vec<(String, FieldSpec)> {
    let Some(v) = v else { return Vec::new() };
    if v.is_null() {
        return Vec::new();
    }
    let Some(o) = r.object(
        v,
        path,
        &format!("`{}`", if queries { "relations" } else { "properties" }),
    ) else {
        return Vec::new();
    };
    let mut out = Vec::with_capacity(o.len());
    for (k, v) in o {
        if !queries {
            if let Err(msg) = crate::identifier::check_property_identifier(k) {
                r.err(Code::InvalidValue, &path.key(k), msg);
            }
        }
        if let Some(f) = read_field(r, v, &path.key(k), queries) {
            out.push((k.clone(), f));
        }
    }
    out
}

fn read_field(r: &mut Reader, v: &Value, path: &JsonPath, allow_query: bool) -> Option<FieldSpec> {
    match v {
        Value::String(s) => Some(FieldSpec::Jq(s.clone())),
        Value::Object(o) if allow_query && o.contains_key("combinator") => {
            check_query(r, v, path);
            Some(FieldSpec::Query(v.clone()))
        }
        Value::Object(_) if allow_query => {
            r.err(Code::MissingKey, path, "a search query needs `combinator` and `rules`");
            None
        }
        other => {
            let q = if allow_query { " or a search query object" } else { "" };
            let hint = match other {
                Value::Number(n) => format!(" (write \"{n}\" for the constant)"),
                Value::Bool(b) => format!(" (write \"{b}\" for the constant)"),
                _ => String::new(),
            };
            r.err(
                Code::WrongType,
                path,
                format!(
                    "expected a jq expression (a string){q}, found {}{hint}",
                    other.type_with_article()
                ),
            );
            None
        }
    }
}

/// A search query: `{combinator, rules: [...]}` where rules are rule objects or nested queries.
fn check_query(r: &mut Reader, v: &Value, path: &JsonPath) {
    let Some(o) = r.object(v, path, "a search query") else {
        return;
    };
    if !matches!(o.get("combinator"), Some(Value::String(_))) {
        r.err(
            Code::WrongType,
            &path.key("combinator"),
            "`combinator` must be a jq string such as \"'and'\" or \"'or'\"",
        );
    }
    match o.get("rules") {
        Some(Value::Array(rules)) => {
            for (i, rule) in rules.iter().enumerate() {
                let rp = path.key("rules").index(i);
                match rule {
                    Value::Object(ro) if ro.contains_key("combinator") => check_query(r, rule, &rp),
                    Value::Object(ro) => check_leaves(r, ro, &rp),
                    other => r.err(
                        Code::WrongType,
                        &rp,
                        format!("a search rule must be an object, found {}", other.type_with_article()),
                    ),
                }
            }
        }
        Some(other) => r.err(
            Code::WrongType,
            &path.key("rules"),
            format!("`rules` must be an array, found {}", other.type_with_article()),
        ),
        None => r.err(Code::MissingKey, path, "a search query needs `rules`"),
    }
}

fn check_leaves(r: &mut Reader, o: &Map<String, Value>, path: &JsonPath) {
    for (k, v) in o {
        match v {
            Value::String(_) => {}
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    if !item.is_string() {
                        r.err(
                            Code::WrongType,
                            &path.key(k).index(i),
                            format!("search rule values are jq strings, found {}", item.type_with_article()),
                        );
                    }
                }
            }
            other => r.err(
                Code::WrongType,
                &path.key(k),
                format!("search rule values are jq strings, found {}", other.type_with_article()),
            ),
        }
    }
}
