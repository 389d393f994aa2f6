//! Compiling a configuration: every jq expression of every mapping compiled once, with its
//! place, and every compile-time problem reported at once.

use crate::config::{EntityConfig, FieldSpec, MappingConfig, Operation};
use crate::diagnostic::{Code, Diagnostic};
use crate::expression::Expression;
use crate::jq::Dialect;
use crate::path::JsonPath;
use crate::request::demand::RequestDemand;
use serde_json::Value;
use std::cell::OnceCell;

/// A jq expression of the configuration, analysed once, and its place.
pub(super) struct Expr {
    /// The expression and its analysis (fast path, paths read, program).
    pub(super) expr: Expression,
    /// Its place in the configuration.
    pub(super) path: JsonPath,
    /// The place as text (`mappings[0].entity.properties.link`), made when first needed.
    field: OnceCell<String>,
}

impl Expr {
    fn new(expr: Expression, path: &JsonPath) -> Self {
        Self {
            expr,
            field: OnceCell::new(),
            path: path.clone(),
        }
    }

    /// The place as text (`mappings[0].entity.properties.link`), for traces and
    /// [`super::interrupted_field`].
    pub(super) fn field(&self) -> &str {
        self.field.get_or_init(|| self.path.to_string())
    }

    /// The expression as written.
    pub(super) fn source(&self) -> &str {
        self.expr.source()
    }

    /// A diagnostic about this expression (placed at the whole expression).
    pub(super) fn diagnostic(&self, code: Code, severity: crate::Severity, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(code, severity, &self.path, message).with_expression(self.source(), None)
    }
}

/// A compiled entity field: a jq expression, or a search query with jq leaves (and its place).
pub(super) enum Field {
    Jq(Expr),
    Query(QueryNode, JsonPath),
}

/// A search query template whose string leaves are compiled jq.
pub(super) enum QueryNode {
    Leaf(Expr),
    Array(Vec<QueryNode>),
    Object(Vec<(String, QueryNode)>),
    Literal(Value),
}

impl Field {
    fn demand(&self, d: &mut RequestDemand) {
        match self {
            Self::Jq(e) => d.add(e.expr.reads()),
            Self::Query(q, _) => q.demand(d),
        }
    }
}

impl QueryNode {
    fn demand(&self, d: &mut RequestDemand) {
        match self {
            Self::Leaf(e) => d.add(e.expr.reads()),
            Self::Array(nodes) => nodes.iter().for_each(|n| n.demand(d)),
            Self::Object(nodes) => nodes.iter().for_each(|(_, n)| n.demand(d)),
            Self::Literal(_) => {}
        }
    }
}

/// One mapping, compiled.
pub(super) struct CompiledMapping {
    pub(super) blueprint: String,
    pub(super) operation: Operation,
    pub(super) filter: Option<Expr>,
    pub(super) items: Option<Expr>,
    pub(super) identifier: Field,
    pub(super) title: Option<Field>,
    pub(super) icon: Option<Field>,
    pub(super) team: Option<Field>,
    pub(super) properties: Vec<(String, Field)>,
    pub(super) relations: Vec<(String, Field)>,
    /// `mappings[i]`.
    pub(super) path: JsonPath,
}

impl CompiledMapping {
    /// Add what this mapping's expressions can read of a request body to `d`.
    pub(super) fn demand(&self, d: &mut RequestDemand) {
        for e in self.filter.iter().chain(&self.items) {
            d.add(e.expr.reads());
        }
        let fields = [
            Some(&self.identifier),
            self.title.as_ref(),
            self.icon.as_ref(),
            self.team.as_ref(),
        ];
        for f in fields.into_iter().flatten() {
            f.demand(d);
        }
        for (_, f) in self.properties.iter().chain(&self.relations) {
            f.demand(d);
        }
    }
}

/// Compiles the expressions of a configuration, collecting errors and warnings.
#[derive(Default)]
pub(super) struct Compiler {
    pub(super) errors: Vec<Diagnostic>,
    pub(super) warnings: Vec<Diagnostic>,
    mapping: Option<usize>,
}

impl Compiler {
    /// A compiler that starts with the configuration's own warnings.
    pub(super) fn new(warnings: Vec<Diagnostic>) -> Self {
        Self {
            warnings,
            ..Self::default()
        }
    }

    /// Compile one expression. One that does not compile in Port's engine is kept: Port
    /// stores `null` for it and maps the rest (a `jq-compile` warning; strict makes it an error).
    fn expr(&mut self, source: &str, path: &JsonPath) -> Expr {
        let expr = Expression::new(source, Dialect::Port);
        for d in expr.compile_diagnostics(path) {
            let d = self.attributed(d);
            self.warnings.push(d);
        }
        Expr::new(expr, path)
    }

    fn attributed(&self, mut d: Diagnostic) -> Diagnostic {
        d.mapping = self.mapping;
        d
    }

    fn field(&mut self, spec: &FieldSpec, path: &JsonPath) -> Option<Field> {
        match spec {
            FieldSpec::Jq(s) => Some(Field::Jq(self.expr(s, path))),
            FieldSpec::Query(v) => self.query(v, path).map(|q| Field::Query(q, path.clone())),
        }
    }

    fn query(&mut self, v: &Value, path: &JsonPath) -> Option<QueryNode> {
        match v {
            Value::String(s) => Some(QueryNode::Leaf(self.expr(s, path))),
            Value::Array(items) => {
                let nodes: Vec<_> = items
                    .iter()
                    .enumerate()
                    .map(|(i, x)| self.query(x, &path.index(i)))
                    .collect();
                nodes.into_iter().collect::<Option<Vec<_>>>().map(QueryNode::Array)
            }
            Value::Object(o) => {
                let nodes: Vec<_> = o
                    .iter()
                    .map(|(k, x)| self.query(x, &path.key(k)).map(|n| (k.clone(), n)))
                    .collect();
                nodes.into_iter().collect::<Option<Vec<_>>>().map(QueryNode::Object)
            }
            other => Some(QueryNode::Literal(other.clone())),
        }
    }

    fn fields(&mut self, specs: &[(String, FieldSpec)], path: &JsonPath) -> Vec<(String, Field)> {
        specs
            .iter()
            .filter_map(|(k, s)| self.field(s, &path.key(k)).map(|f| (k.clone(), f)))
            .collect()
    }

    /// Compile mapping `i`; `None` when any of its expressions does not compile.
    pub(super) fn mapping(&mut self, i: usize, m: &MappingConfig) -> Option<CompiledMapping> {
        self.mapping = Some(i);
        let path = JsonPath::root("").key("mappings").index(i);
        let filter = m.filter.as_deref().map(|f| self.expr(f, &path.key("filter")));
        let items = m
            .items_to_parse
            .as_deref()
            .map(|f| self.expr(f, &path.key("itemsToParse")));
        let ep = path.key("entity");
        let EntityConfig {
            identifier,
            title,
            icon,
            team,
            properties,
            relations,
        } = &m.entity;
        let is_delete = matches!(m.operation, Operation::Delete { .. });
        let identifier = self.field(identifier, &ep.key("identifier"));
        let (title, icon, team, properties, relations) = if is_delete {
            (None, None, None, Vec::new(), Vec::new())
        } else {
            (
                title.as_ref().and_then(|s| self.field(s, &ep.key("title"))),
                icon.as_ref().and_then(|s| self.field(s, &ep.key("icon"))),
                team.as_ref().and_then(|s| self.field(s, &ep.key("team"))),
                self.fields(properties, &ep.key("properties")),
                self.fields(relations, &ep.key("relations")),
            )
        };
        self.mapping = None;
        Some(CompiledMapping {
            blueprint: m.blueprint.clone(),
            operation: m.operation,
            filter,
            items,
            identifier: identifier?,
            title,
            icon,
            team,
            properties,
            relations,
            path,
        })
    }

    /// Compile `security.requestIdentifierPath`. Port evaluates an expression that does not
    /// compile to null, so it never deduplicates: a warning, not an error. On a signed webhook,
    /// a header it reads is a warning too: the signature covers the body only, so a signed body
    /// sent again with another value there is a new delivery.
    pub(super) fn request_identifier(&mut self, source: &str, signed: bool) -> Option<Expr> {
        let path = JsonPath::root("").key("security").key("requestIdentifierPath");
        let expr = Expression::new(source, Dialect::Port);
        if signed && expr.compile_errors().is_empty() {
            let reads = crate::request::demand::RequestReads::of(&expr);
            let what = match &reads.headers {
                None => Some("may read any header".to_owned()),
                Some(h) if !h.is_empty() => Some(format!(
                    "reads the header{} {}",
                    if h.len() == 1 { "" } else { "s" },
                    h.join(", ")
                )),
                Some(_) => None,
            };
            if let Some(what) = what {
                self.warnings.push(
                    Diagnostic::warning(
                        Code::UnsignedIdentifier,
                        &path,
                        format!(
                            "{what}, which the signature does not cover (it signs the body): the same signed body sent again with another value there counts as a new delivery; identify deliveries by a field of the body where the sender has one"
                        ),
                    )
                    .with_expression(source, None),
                );
            }
        }
        for mut d in expr.compile_diagnostics(&path) {
            if d.code == Code::JqCompile {
                d.message = format!(
                    "{}; Port treats this as null, so deliveries are never deduplicated",
                    d.message
                );
                self.warnings.push(d);
            }
        }
        expr.compile_errors().is_empty().then(|| Expr::new(expr, &path))
    }
}
