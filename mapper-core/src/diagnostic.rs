//! Diagnostics: every problem hookmap reports, with a stable [`Code`], the place it concerns
//! and, where that place is in a document the user typed, its resolved [`Location`].
//!
//! Consumers (the CLI, the npm package, the playground, the worker) decide by `code` and
//! `location`; the `message` is for people and may be reworded at any time.

use crate::jq::Span;
use crate::path::JsonPath;
use serde::{Deserialize, Serialize};
use std::fmt;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The entity (or configuration, or request) can't be used as it is.
    Error,
    /// Port would silently do something here (store `null`, drop an output, ...).
    Warning,
    /// Worth a look, and often intended: a field path reads a key this request doesn't have.
    Hint,
}

/// Declares [`Code`] from one table: the variant, its stable kebab-case name, what it means and
/// how to fix it. `docs/diagnostics.md` is generated from the same table.
macro_rules! codes {
    ($($(#[$attr:meta])* $variant:ident = $name:literal { meaning: $meaning:literal, fix: $fix:literal })*) => {
        /// What kind of problem a diagnostic reports: stable, kebab-case in JSON
        /// (`"jq-error"`). Decide by code, never by message text.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(test, derive(ts_rs::TS))]
        #[serde(rename_all = "kebab-case")]
        pub enum Code {
            $($(#[$attr])* #[doc = $meaning] $variant,)*
        }

        impl Code {
            /// Every code, in the order of the reference page.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The code as it appears in JSON (`"jq-error"`).
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $name),* }
            }

            /// What the code means, in one sentence.
            pub fn meaning(self) -> &'static str {
                match self { $(Code::$variant => $meaning),* }
            }

            /// What to do about it.
            pub fn fix(self) -> &'static str {
                match self { $(Code::$variant => $fix),* }
            }
        }
    };
}

codes! {
    // Documents that can't be read.
    JsonSyntax = "json-syntax" {
        meaning: "The document is not valid JSON (or is nested deeper than 128 levels).",
        fix: "Correct the JSON at the line and column given."
    }
    InvalidUtf8 = "invalid-utf8" {
        meaning: "The document is not UTF-8 text.",
        fix: "Send or save the document as UTF-8."
    }
    InvalidArgument = "invalid-argument" {
        meaning: "A function of the npm package was called with an argument of the wrong kind.",
        fix: "Pass what the function's types say (text, bytes, an object)."
    }
    // The shape of a configuration, request or blueprint.
    UnknownKey = "unknown-key" {
        meaning: "A key that Port's schema does not allow (often a misspelling; the message suggests the closest allowed key).",
        fix: "Rename or remove the key."
    }
    MissingKey = "missing-key" {
        meaning: "A key that must be present is missing (a mapping's `blueprint`, an entity's `identifier`, a request's `body`).",
        fix: "Add the key."
    }
    WrongType = "wrong-type" {
        meaning: "A value has the wrong JSON type (an object where a string is expected, ...).",
        fix: "Give the value the type the message names."
    }
    InvalidValue = "invalid-value" {
        meaning: "A value of the right type that is not allowed (an unknown operation, blueprint type or format, a bad identifier or regular expression).",
        fix: "Use one of the values the message lists."
    }
    BooleanExpression = "boolean-expression" {
        meaning: "A jq field holds a JSON boolean (`\"filter\": true`); Port reads it as the jq program `true`/`false`.",
        fix: "Write the expression as a string: `\"true\"`."
    }
    UpsertOperation = "upsert-operation" {
        meaning: "`\"operation\": \"upsert\"` is not one of Port's operations; it is read as `create`, which creates or updates.",
        fix: "Write `\"create\"`."
    }
    IgnoredKey = "ignored-key" {
        meaning: "A key Port's API accepts and ignores here (an Ocean integration's key on a delete mapping).",
        fix: "Remove the key."
    }
    // Port's API limits on a configuration.
    TooLong = "too-long" {
        meaning: "A webhook's `identifier` or `title` is longer than 30 characters, or its `description` longer than 200: Port's API refuses the configuration.",
        fix: "Shorten it to the limit the message names."
    }
    OceanKey = "ocean-key" {
        meaning: "`itemsToParseName` or `itemsToParseTopLevelTransform` in a webhook mapping: they are keys of Ocean integrations' mappings (Kubernetes, the GitHub app, ...); Port's webhook API refuses them on a create mapping.",
        fix: "Remove the key: in a webhook mapping each item of `itemsToParse` is `.item`, and the payload stays whole."
    }
    DeleteEntity = "delete-entity" {
        meaning: "A delete mapping's `entity` holds more than an `identifier` expression (other keys, or a search query as the identifier): Port's API accepts only `entity.identifier`, a jq string, there.",
        fix: "Keep only `entity.identifier`, as a jq expression."
    }
    TerraformConfig = "terraform-config" {
        meaning: "A Terraform `port_webhook` resource hookmap cannot read as a configuration: an HCL syntax error, a reference only Terraform can evaluate (a variable, another resource, a function other than `jsonencode`), an attribute the provider's schema lacks, or several resources and none chosen.",
        fix: "Write the value literally, choose the resource with `FILE#port_webhook.NAME`, or give hookmap the evaluated configuration: `terraform show -json > plan.json`."
    }
    TerraformProvider = "terraform-provider" {
        meaning: "A Terraform `port_webhook` resource where the provider sends something other than what the file seems to say, or than Port's API would do on its own: `enabled` not set (the provider sends `false`, a disabled webhook; Port's API defaults to `true`), no `title`, a JSON object that is not a search query (sent as a jq string), an attribute `terraform show -json` holds that hookmap ignores; or `security.secret` set by a variable, left out (mapping does not need it).",
        fix: "Write the value in the resource (`enabled = true`, a `title`), or nothing if the provider's behaviour is what you mean."
    }
    WebhookDisabled = "webhook-disabled" {
        meaning: "The webhook is disabled (`\"enabled\": false`): Port drops every event.",
        fix: "Set `\"enabled\": true` to map events."
    }
    UnsignedIdentifier = "unsigned-identifier" {
        meaning: "On a webhook that checks a signature, `security.requestIdentifierPath` reads a header: the signature covers the body only, so a signed body replayed with another value in that header is not recognised as a duplicate.",
        fix: "Identify deliveries by a field of the body when the sender has one (hookmap's worker also drops a signed body it has already accepted, by its digest)."
    }
    // jq, when compiling.
    JqCompile = "jq-compile" {
        meaning: "A jq expression does not compile in Port's engine (syntax error, unknown function or variable, grammar jq 1.7 lacks). A warning: Port stores `null` for it and maps the rest (a `filter` that does not compile skips the mapping; for `security.requestIdentifierPath` deliveries are never deduplicated); `strict` makes it an error.",
        fix: "Correct the expression at the span shown."
    }
    QuoteRewrite = "quote-rewrite" {
        meaning: "Port rewrites `'single'` quotes in this expression to `\"double\"` quotes before running it; standard jq would reject the expression.",
        fix: "Nothing, if the expression does what you mean in Port; write double quotes (`\\\"`) to make it standard jq."
    }
    // jq, when running: what Port does silently.
    JqError = "jq-error" {
        meaning: "The expression raised a jq error on this request; Port stores `null` for the key.",
        fix: "Guard the expression (`?`, `// default`, `if ... then ... else ... end`) or correct the path."
    }
    PortDiffers = "port-differs" {
        meaning: "The expression raised a jq error where Port's engine (libjq at jq commit 588ff187) and current jq answer differently (`ltrimstr` on a non-string, `from_entries` with `k`/`v` keys); Port stores `null` for the key. Filters Port's engine lacks (`leaf_paths`, `toarray`, `trimstr`) are `jq-compile` warnings whose message names the replacement.",
        fix: "Write what works in both, as the message suggests."
    }
    NoOutput = "no-output" {
        meaning: "The expression produced no output (`empty`, `select` that fails); Port leaves the key out of the entity.",
        fix: "Nothing if that is intended; otherwise add a default (`// null`)."
    }
    ExtraOutputs = "extra-outputs" {
        meaning: "The expression produced more than one output; Port keeps only the first.",
        fix: "Collect the outputs (`[ ... ]`) or pick one (`first(...)`)."
    }
    MissingKeyPath = "missing-key-path" {
        meaning: "A hint: a field path reads a key this request doesn't have, so Port stores `null` (often intended, for a key some deliveries leave out); the message names the closest key present at that level.",
        fix: "Correct the key if it is misspelt (`.body.run.brnch` → `.body.run.branch`); nothing if the key is sometimes absent."
    }
    EnvRead = "env-read" {
        meaning: "The expression reads `env` or `$ENV`, which Port replaces with `{}`.",
        fix: "Take the value from the request instead."
    }
    // Resource limits (always errors: Port would hang or crash).
    LimitTime = "limit-time" {
        meaning: "The expression ran longer than the time limit (500 ms per request by default).",
        fix: "Look for an endless loop (`def f: f; f`, `repeat`) or too much work."
    }
    LimitRecursion = "limit-recursion" {
        meaning: "The expression recursed deeper than the stack allows.",
        fix: "Look for a definition that calls itself without end."
    }
    LimitSize = "limit-size" {
        meaning: "The expression made a value, or `range` made values, beyond the size limit.",
        fix: "Build smaller values."
    }
    LimitDepth = "limit-depth" {
        meaning: "The expression yielded a value nested deeper than the depth limit, or a value too deep for the engine to walk.",
        fix: "Build flatter values."
    }
    // Mapping results.
    FilterNotBoolean = "filter-not-boolean" {
        meaning: "`filter` yielded something other than `true`, `false` or `null`; the mapping is skipped.",
        fix: "Make the filter yield a boolean."
    }
    ItemsNotArray = "items-not-array" {
        meaning: "`itemsToParse` yielded something other than an array (or `null`).",
        fix: "Make `itemsToParse` yield an array."
    }
    ItemsTruncated = "items-truncated" {
        meaning: "`itemsToParse` yielded more than 500 items; Port processes only the first 500.",
        fix: "Split the payload, or filter the items in the expression."
    }
    IdentifierMissing = "identifier-missing" {
        meaning: "The identifier expression yielded no output or `null`; Port can't store the entity.",
        fix: "Point the identifier at a value every event has."
    }
    IdentifierInvalid = "identifier-invalid" {
        meaning: "An entity identifier (or relation target) is empty, too long or has characters Port refuses.",
        fix: "Transform the value (`ascii_downcase`, `gsub(\"[^a-z0-9-]\"; \"-\")`)."
    }
    IdentifierType = "identifier-type" {
        meaning: "The identifier yielded something other than a string; a number is stored as its string (a warning), anything else drops the entity.",
        fix: "Add `| tostring`, or point at a string."
    }
    StringExpected = "string-expected" {
        meaning: "A title or icon yielded something other than a string; Port's API may refuse it.",
        fix: "Add `| tostring`."
    }
    SearchQuery = "search-query" {
        meaning: "A search query (an identifier, relation or team) against Port's rules: an operator Port does not allow there (`=` and `in` for an identifier; `=`, `in` and `contains` for a relation) is an error that drops the entity; another shape than Port's docs describe (a combinator other than `and`/`or`, a rule without `property`, `operator` or `value`, an `in` whose value is no array) a warning.",
        fix: "Write the query with what Port allows; the message names the place inside the query."
    }
    SearchNoMatch = "search-no-match" {
        meaning: "A catalog result: an identifier search query matched no entity, so nothing was written (Port creates no entity either).",
        fix: "Check the query's rules against the catalog; add the entity the query is meant to find first."
    }
    SearchAmbiguous = "search-ambiguous" {
        meaning: "A catalog result: an identifier search query matched more than one entity; Port refuses the request, and nothing was written.",
        fix: "Narrow the query (add a `$blueprint` rule, or a rule on a unique property)."
    }
    OrderStale = "order-stale" {
        meaning: "A catalog result (the worker's ordering, ORDER_BY): an update of this entity with a newer ordering value was already applied or claimed, so this older one was not applied.",
        fix: "Nothing: the newest update wins. Replay the delivery if the ordering value was wrong."
    }
    OrderKeyType = "order-key-type" {
        meaning: "A catalog result: the ordering expression (ORDER_BY) gave a number where the entity's last applied update gave a string, or the reverse; the two cannot be ordered, so this update was not applied and the stored value was kept.",
        fix: "Make the ordering expression give one type (`.body.timestamp | tonumber`); replay the delivery."
    }
    OrderKeyInvalid = "order-key-invalid" {
        meaning: "The ordering expression (ORDER_BY) gave no number or string for this delivery (null, an object, an error): its entities are applied without the order check.",
        fix: "Make the expression give a number or a string for every delivery."
    }
    ReferenceType = "reference-type" {
        meaning: "A team or relation yielded something other than an identifier, an array of identifiers, `null` or a search query.",
        fix: "Yield identifiers."
    }
    // Blueprint validation.
    BlueprintUnknownProperty = "blueprint-unknown-property" {
        meaning: "The entity has a property (or relation) its blueprint does not define; Port rejects the entity.",
        fix: "Add it to the blueprint, or remove it from the mapping."
    }
    BlueprintRequired = "blueprint-required" {
        meaning: "A property or relation the blueprint requires has no value.",
        fix: "Map a value for it."
    }
    BlueprintType = "blueprint-type" {
        meaning: "A property's value has another type than its blueprint declares.",
        fix: "Convert the value (`tostring`, `tonumber`, `[ ... ]`)."
    }
    BlueprintFormat = "blueprint-format" {
        meaning: "A string property does not have its declared format (date-time, url, email, ...).",
        fix: "Produce a value in that format (`todate` for dates, ...)."
    }
    BlueprintEnum = "blueprint-enum" {
        meaning: "A property's value is not one of the blueprint's `enum` values.",
        fix: "Map the payload's values onto the allowed ones."
    }
    BlueprintPattern = "blueprint-pattern" {
        meaning: "A string property does not match its blueprint's `pattern`.",
        fix: "Transform the value to match."
    }
    BlueprintBounds = "blueprint-bounds" {
        meaning: "A value is outside its blueprint's bounds (length, minimum/maximum, item count, unique items).",
        fix: "Transform the value to fit."
    }
    BlueprintRelation = "blueprint-relation" {
        meaning: "A relation's value does not fit its blueprint relation (one identifier for a single relation, an array for `many`).",
        fix: "Yield one identifier, or an array of them for `many`."
    }
    // Signatures.
    SignatureMismatch = "signature-mismatch" {
        meaning: "The request's signature header does not match the body signed with the configured secret.",
        fix: "Check the secret on both sides, and that the body is passed byte for byte."
    }
    SignatureMissing = "signature-missing" {
        meaning: "The configuration checks a signature, and the request has no such header.",
        fix: "Send the header named by `security.signatureHeaderName`."
    }
    SecurityIncomplete = "security-incomplete" {
        meaning: "`security` checks signatures but lacks what a check needs (a secret, an algorithm, a header name).",
        fix: "Complete `security` (see the message)."
    }
    // hookmap itself.
    Internal = "internal" {
        meaning: "hookmap itself failed (a panic in the engine, a crashed evaluation worker); the next call runs on a fresh engine.",
        fix: "Report it with the inputs that caused it."
    }
}

impl Code {
    /// True for the codes of blueprint validation (a property or relation that does not fit
    /// its blueprint).
    pub fn is_blueprint_violation(self) -> bool {
        matches!(
            self,
            Code::BlueprintUnknownProperty
                | Code::BlueprintRequired
                | Code::BlueprintType
                | Code::BlueprintFormat
                | Code::BlueprintEnum
                | Code::BlueprintPattern
                | Code::BlueprintBounds
                | Code::BlueprintRelation
        )
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which document a [`Location`] is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Document {
    /// The webhook configuration.
    Config,
    /// The request (or the body-only payload).
    Request,
    /// A blueprint.
    Blueprint,
    /// A test case's expected entities (`expected.json`).
    Expected,
}

/// A range in a document the user typed: 1-based lines, 1-based columns counted in UTF-16
/// code units (what editors and JavaScript count), the end exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Location {
    /// The document.
    pub document: Document,
    /// First line (1-based).
    pub line: usize,
    /// First column (1-based, UTF-16 code units).
    pub column: usize,
    /// Line of the end (1-based).
    pub end_line: usize,
    /// Column just past the end (1-based, UTF-16 code units).
    pub end_column: usize,
}

/// One problem, and where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Diagnostic {
    /// What kind of problem: decide by this, not by the message.
    pub code: Code,
    /// Error or warning.
    pub severity: Severity,
    /// Index of the mapping it concerns, if any.
    pub mapping: Option<usize>,
    /// Index of the `itemsToParse` item it concerns, if any.
    pub item: Option<usize>,
    /// The place, as a path for people: `mappings[0].entity.properties.link`,
    /// `request.headers`, `security`. Use `location` to point at it.
    pub field: String,
    /// What is wrong and what to do about it.
    pub message: String,
    /// The jq expression at that place, when there is one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[cfg_attr(test, ts(optional))]
    pub expression: Option<String>,
    /// The byte range inside `expression` the message points at.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[cfg_attr(test, ts(optional))]
    pub span: Option<Span>,
    /// Where it is in the document the user typed, when the engine read that document's text.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[cfg_attr(test, ts(optional))]
    pub location: Option<Location>,
    /// The place as a structured path, for resolving `location` (not serialized).
    #[serde(skip)]
    #[cfg_attr(test, ts(skip))]
    pub(crate) path: Option<JsonPath>,
}

impl Diagnostic {
    /// An error of kind `code` at `path`.
    pub(crate) fn error(code: Code, path: &JsonPath, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Error, path, message)
    }

    /// A warning of kind `code` at `path`.
    pub(crate) fn warning(code: Code, path: &JsonPath, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Warning, path, message)
    }

    /// A diagnostic of kind `code` at `path`.
    pub(crate) fn new(code: Code, severity: Severity, path: &JsonPath, message: impl Into<String>) -> Self {
        Self {
            code,
            severity,
            mapping: None,
            item: None,
            field: path.to_string(),
            message: message.into(),
            expression: None,
            span: None,
            location: None,
            path: Some(path.clone()),
        }
    }

    /// A diagnostic about a whole argument or document, with no path inside it (`field` names
    /// it, e.g. `request`).
    pub fn about(code: Code, severity: Severity, field: &str, message: impl Into<String>) -> Self {
        Self {
            path: None,
            field: field.to_owned(),
            ..Self::new(code, severity, &JsonPath::root(""), message)
        }
    }

    /// The same diagnostic, attributed to a mapping.
    pub fn in_mapping(mut self, mapping: usize) -> Self {
        self.mapping = Some(mapping);
        self
    }

    /// The same diagnostic, attributed to an `itemsToParse` item.
    pub fn at_item(mut self, item: Option<usize>) -> Self {
        self.item = item;
        self
    }

    /// The same diagnostic, pointing into an expression.
    pub fn with_expression(mut self, expression: &str, span: Option<Span>) -> Self {
        self.expression = Some(expression.to_owned());
        self.span = span;
        self
    }

    /// The same diagnostic, at a location.
    pub fn at(mut self, location: Option<Location>) -> Self {
        self.location = location;
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// A JSON syntax error in `document`, at serde_json's 1-based line and column (a
    /// one-character range; columns converted to UTF-16 from `text`).
    pub(crate) fn json_syntax(document: Document, field: &str, text: &[u8], err: &serde_json::Error) -> Self {
        let message = strip_position(&err.to_string());
        let location = crate::location::at_line_column(text, err.line(), err.column()).map(|(line, column)| Location {
            document,
            line,
            column,
            end_line: line,
            end_column: column + 1,
        });
        Self::about(
            Code::JsonSyntax,
            Severity::Error,
            field,
            format!(
                "invalid JSON: {message} at line {}, column {}",
                err.line(),
                err.column()
            ),
        )
        .at(location)
    }
}

/// serde_json appends " at line L column C"; we print the position our own way.
fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_owned(),
        None => msg.to_owned(),
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Hint => "hint",
        };
        write!(f, "{sev}[{}]: {}", self.code, self.field)?;
        if let Some(item) = self.item {
            write!(f, " (item {item})")?;
        }
        write!(f, ": {}", self.message)?;
        if let (Some(expr), Some(span)) = (&self.expression, self.span) {
            write!(
                f,
                "\n    {expr}\n    {}{}",
                " ".repeat(expr.get(..span.start).map_or(0, |s| s.chars().count())),
                "^".repeat(expr.get(span.start..span.end).map_or(1, |s| s.chars().count().max(1)))
            )?;
        }
        Ok(())
    }
}

/// Render a list of diagnostics one per line (used by error `Display`s).
pub fn render(diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The reference page of every code (`docs/diagnostics.md`), generated from [`Code`].
pub fn reference_page() -> String {
    let mut out = String::from(
        "# Diagnostic codes\n\n\
         Every diagnostic hookmap reports (CLI, npm package, playground, worker) has one of these\n\
         codes. Decide by `code` (and `location`), never by the message, which is for people.\n\
         A code's severity depends on the place and the mode: `strict` turns every warning of a\n\
         silent Port behaviour into an error.\n\n\
         This page is generated from `mapper-core/src/diagnostic.rs` (`Code`); a test fails when\n\
         they differ (`HOOKMAP_UPDATE=1 cargo test -p mapper-core` rewrites it).\n\n\
         | code | meaning | fix |\n|---|---|---|\n",
    );
    for code in Code::ALL {
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            code.as_str(),
            code.meaning(),
            code.fix()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialize_as_their_names() {
        for code in Code::ALL {
            assert_eq!(
                serde_json::to_value(code).unwrap(),
                serde_json::Value::from(code.as_str())
            );
            let back: Code = serde_json::from_value(serde_json::Value::from(code.as_str())).unwrap();
            assert_eq!(back, *code);
        }
        let mut names: Vec<_> = Code::ALL.iter().map(|c| c.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Code::ALL.len(), "codes are unique");
    }

    /// docs/diagnostics.md is the generated page, so code and docs never drift.
    #[test]
    fn reference_page_is_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/diagnostics.md");
        let page = reference_page();
        if std::env::var_os("HOOKMAP_UPDATE").is_some() {
            std::fs::write(&path, &page).unwrap();
        }
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            on_disk == page,
            "docs/diagnostics.md is not the page generated from `Code`; run HOOKMAP_UPDATE=1 cargo test -p mapper-core"
        );
    }
}
