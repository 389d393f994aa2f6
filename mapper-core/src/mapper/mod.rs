//! The mapper: a configuration compiled once, applied to many requests.

use crate::blueprint::Blueprint;
use crate::config::{EntityConfig, FieldSpec, MappingConfig, Operation, WebhookConfig};
use crate::demand::RequestDemand;
use crate::diagnostic::{Diagnostic, Severity};
use crate::entity::{CreateEntity, DeleteEntity, Entity, FieldTrace, MapResult};
use crate::error::Error;
use crate::fast_path::FastPath;
use crate::jq::{Dialect, Evaluation, Limits, Program, RunContext, Span};
use crate::path::JsonPath;
use crate::request::{jq_type, Request};
use crate::value::from_val;
use jaq_json::{Num, Val};
use serde_json::Value;
use std::cell::OnceCell;
use std::rc::Rc;
use std::sync::Arc;

pub use crate::clock::{Clock, FixedClock, SystemClock};

/// Port processes at most this many `itemsToParse` items per mapping.
pub const MAX_ITEMS: usize = 500;

/// How a mapper behaves.
#[derive(Clone)]
pub struct MapperOptions {
    /// Turn every warning (error → null, dropped outputs, no output, `env`, ...) into an error
    /// that drops the entity; compile-time warnings refuse the configuration.
    pub strict: bool,
    /// Blueprints to validate entities against (matched by identifier).
    pub blueprints: Vec<Blueprint>,
    /// Where `now` and the request deadline take their time from.
    pub clock: Arc<dyn Clock>,
    /// Stack, time and size limits for every request (see [`Limits`]).
    pub limits: Limits,
}

impl Default for MapperOptions {
    fn default() -> Self {
        Self {
            strict: false,
            blueprints: Vec::new(),
            clock: Arc::new(SystemClock),
            limits: Limits::default(),
        }
    }
}

impl std::fmt::Debug for MapperOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MapperOptions")
            .field("strict", &self.strict)
            .field("blueprints", &self.blueprints.len())
            .finish()
    }
}

thread_local! {
    /// The field whose expression the interpreter is running on this thread ("" between runs).
    static INTERPRETING: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// The field (e.g. `mappings[0].entity.properties.p`) whose expression the interpreter was
/// running on this thread when a call never returned: a host that recovers from a trap (wasm's
/// stack overflow) names the field with it. Empty when no expression was running.
pub fn interrupted_field() -> String {
    INTERPRETING.with(|f| f.borrow().clone())
}

/// A compiled jq expression and the place it came from.
struct Expr {
    /// The compiled program. A fast-path expression (which always compiles) is compiled only
    /// when the fast path first declines: most mappings never need the interpreter at all,
    /// which keeps `Mapper::new` (and a cold start) short.
    program: OnceCell<Result<Program, String>>,
    /// The same expression evaluated without the interpreter, when it is a plain field path.
    fast: Option<FastPath>,
    source: String,
    field: String,
}

impl Expr {
    /// An expression whose program is compiled (eagerly unless it is on the fast path).
    fn new(source: &str, field: String, program: Option<Program>) -> Self {
        Self {
            program: program.map(|p| OnceCell::from(Ok(p))).unwrap_or_default(),
            fast: FastPath::detect(source),
            source: source.to_owned(),
            field,
        }
    }

    /// The interpreter's program (compiled now if it was deferred).
    fn program(&self) -> Result<&Program, &str> {
        self.program
            .get_or_init(|| {
                Program::compile(&self.source, Dialect::Port).map_err(|e| {
                    e.first()
                        .map_or_else(|| "does not compile".to_owned(), |e| e.message.clone())
                })
            })
            .as_ref()
            .map_err(String::as_str)
    }

    /// Run the interpreter with Port's first-output rule (and whether `env` was called).
    fn first(&self, input: &Val, run: &RunContext) -> (Evaluation, bool) {
        match self.program() {
            Ok(p) => p.first(input.clone(), run),
            Err(msg) => (Evaluation::Error(msg.to_owned()), false),
        }
    }

    /// True when the program reads `$ENV` (a fast-path expression never does).
    fn reads_env_var(&self) -> bool {
        self.fast.is_none() && self.program().is_ok_and(Program::reads_env_var)
    }
}

/// A compiled entity field: a jq expression, or a search query with jq leaves.
enum Field {
    Jq(Expr),
    Query(QueryNode),
}

/// A search query template whose string leaves are compiled jq.
enum QueryNode {
    Leaf(Expr),
    Array(Vec<QueryNode>),
    Object(Vec<(String, QueryNode)>),
    Literal(Value),
}

impl Field {
    fn demand(&self, d: &mut RequestDemand) {
        match self {
            Self::Jq(e) => d.add_source(&e.source, e.fast.as_ref()),
            Self::Query(q) => q.demand(d),
        }
    }
}

impl QueryNode {
    fn demand(&self, d: &mut RequestDemand) {
        match self {
            Self::Leaf(e) => d.add_source(&e.source, e.fast.as_ref()),
            Self::Array(nodes) => nodes.iter().for_each(|n| n.demand(d)),
            Self::Object(nodes) => nodes.iter().for_each(|(_, n)| n.demand(d)),
            Self::Literal(_) => {}
        }
    }
}

struct CompiledMapping {
    blueprint: String,
    operation: Operation,
    filter: Option<Expr>,
    items: Option<Expr>,
    identifier: Field,
    title: Option<Field>,
    icon: Option<Field>,
    team: Option<Field>,
    properties: Vec<(String, Field)>,
    relations: Vec<(String, Field)>,
    path: JsonPath,
}

/// A webhook configuration compiled once, ready to map any number of requests.
pub struct Mapper {
    config: WebhookConfig,
    mappings: Vec<CompiledMapping>,
    request_identifier: Option<Expr>,
    warnings: Vec<Diagnostic>,
    /// Blueprints to validate against (few: a linear search beats hashing, and keeps the wasm small).
    blueprints: Vec<Blueprint>,
    strict: bool,
    clock: Arc<dyn Clock>,
    limits: Limits,
    /// The parts of a request's body the mappings can read (what `map_json` builds).
    demand: RequestDemand,
}

impl std::fmt::Debug for Mapper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mapper")
            .field("mappings", &self.mappings.len())
            .field("strict", &self.strict)
            .finish_non_exhaustive()
    }
}

/// Collects compile errors and warnings.
struct Compiler {
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    mapping: Option<usize>,
}

impl Compiler {
    fn expr(&mut self, source: &str, path: &JsonPath) -> Option<Expr> {
        let field = path.to_string();
        if FastPath::detect(source).is_some() {
            // A field path or literal: valid jq, no single quotes; compiled only if ever needed.
            return Some(Expr::new(source, field, None));
        }
        match Program::compile(source, Dialect::Port) {
            Ok(program) => {
                if let Some(&at) = program.rewritten_quotes().first() {
                    let mut d = Diagnostic::warning(field.clone(), "Port rewrites 'single' quotes to \"double\" quotes in this expression; standard jq would reject it")
                        .with_expression(source, Some(Span { start: at, end: at + 1 }));
                    d.mapping = self.mapping;
                    self.warnings.push(d);
                }
                Some(Expr::new(source, field, Some(program)))
            }
            Err(errs) => {
                for e in errs {
                    let mut d = Diagnostic::error(field.clone(), e.message).with_expression(source, Some(e.span));
                    d.mapping = self.mapping;
                    self.errors.push(d);
                }
                None
            }
        }
    }

    fn field(&mut self, spec: &FieldSpec, path: &JsonPath) -> Option<Field> {
        match spec {
            FieldSpec::Jq(s) => self.expr(s, path).map(Field::Jq),
            FieldSpec::Query(v) => self.query(v, path).map(Field::Query),
        }
    }

    fn query(&mut self, v: &Value, path: &JsonPath) -> Option<QueryNode> {
        match v {
            Value::String(s) => self.expr(s, path).map(QueryNode::Leaf),
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

    fn mapping(&mut self, i: usize, m: &MappingConfig) -> Option<CompiledMapping> {
        self.mapping = Some(i);
        let path = JsonPath::root("").key("mappings").index(i);
        let filter = m.filter.as_deref().and_then(|f| self.expr(f, &path.key("filter")));
        let items = m
            .items_to_parse
            .as_deref()
            .and_then(|f| self.expr(f, &path.key("itemsToParse")));
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
}

impl CompiledMapping {
    /// Add what this mapping's expressions can read of a request body to `d`.
    fn demand(&self, d: &mut RequestDemand) {
        for e in self.filter.iter().chain(&self.items) {
            d.add_source(&e.source, e.fast.as_ref());
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

impl Mapper {
    /// Compile configuration JSON text (webhook object, mappings array or single mapping).
    pub fn from_json(config: &str, options: MapperOptions) -> Result<Self, Error> {
        let value: Value =
            serde_json::from_str(config).map_err(|e| Error::Config(vec![Diagnostic::json_syntax("config", &e)]))?;
        Self::new(&value, options)
    }

    /// Compile a configuration, reporting every problem at once with its path and span.
    pub fn new(config: &Value, options: MapperOptions) -> Result<Self, Error> {
        let parsed = WebhookConfig::from_value(config).map_err(Error::Config)?;
        Self::from_config(parsed.config, parsed.warnings, options)
    }

    fn from_config(
        config: WebhookConfig,
        config_warnings: Vec<Diagnostic>,
        options: MapperOptions,
    ) -> Result<Self, Error> {
        let mut c = Compiler {
            errors: Vec::new(),
            warnings: config_warnings,
            mapping: None,
        };
        let mappings: Vec<CompiledMapping> = config
            .mappings
            .iter()
            .enumerate()
            .filter_map(|(i, m)| c.mapping(i, m))
            .collect();
        c.mapping = None;
        let request_identifier = config
            .security
            .as_ref()
            .and_then(|s| s.request_identifier_path.as_deref())
            .and_then(|src| {
                let path = JsonPath::root("").key("security").key("requestIdentifierPath");
                match Program::compile(src, Dialect::Port) {
                    Ok(program) => Some(Expr::new(src, path.to_string(), Some(program))),
                    Err(errs) => {
                        // Port evaluates it to null, so deliveries are never deduplicated.
                        for e in errs {
                            c.warnings.push(
                                Diagnostic::warning(
                                    path.to_string(),
                                    format!(
                                        "{}; Port treats this as null, so deliveries are never deduplicated",
                                        e.message
                                    ),
                                )
                                .with_expression(src, Some(e.span)),
                            );
                        }
                        None
                    }
                }
            });
        if options.strict {
            for w in c.warnings.drain(..) {
                c.errors.push(Diagnostic {
                    severity: Severity::Error,
                    ..w
                });
            }
        }
        if !c.errors.is_empty() {
            return Err(Error::Config(c.errors));
        }
        let blueprints = options.blueprints;
        let mut demand = RequestDemand::none();
        for m in &mappings {
            m.demand(&mut demand);
        }
        Ok(Self {
            demand,
            config,
            mappings,
            request_identifier,
            warnings: c.warnings,
            blueprints,
            strict: options.strict,
            clock: options.clock,
            limits: options.limits,
        })
    }

    /// The configuration this mapper was compiled from.
    pub fn config(&self) -> &WebhookConfig {
        &self.config
    }

    /// Compile-time warnings (things Port accepts that are probably not what was meant).
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    /// Parse request JSON (`{body, headers, queryParams}`) and map it. Only the parts of the
    /// body the mappings can read are built (the rest is checked and skipped), which makes this
    /// the fastest way to map a request.
    pub fn map_json(&self, request: &[u8]) -> Result<MapResult, Error> {
        Ok(self.map(&Request::from_json_demand(request, &self.demand)?))
    }

    /// Parse a request body's JSON (no headers, no query parameters) and map it, building only
    /// what the mappings can read.
    pub fn map_body_json(&self, body: &[u8]) -> Result<MapResult, Error> {
        Ok(self.map(&Request::from_body_json_demand(body, &self.demand)?))
    }

    /// Map a request given as a JSON value.
    pub fn map_value(&self, request: &Value) -> Result<MapResult, Error> {
        Ok(self.map(&Request::from_value(request)?))
    }

    /// Map a request: every mapping, in order, on the one request value.
    pub fn map(&self, request: &Request) -> MapResult {
        self.run(request, false).result
    }

    /// Map a request and also report every evaluated field: its expression and what it
    /// yielded (the playground's per-field view).
    pub fn map_traced(&self, request: &Request) -> (MapResult, Vec<FieldTrace>) {
        let sink = self.run(request, true);
        (sink.result, sink.traces.unwrap_or_default())
    }

    fn run(&self, request: &Request, trace: bool) -> Sink {
        let run = RunContext::start(self.clock.clone(), self.limits);
        let mut out = Sink {
            result: MapResult::default(),
            traces: trace.then(Vec::new),
        };
        if !self.config.enabled {
            out.result.diagnostics.push(Diagnostic::warning(
                "enabled",
                "this webhook is disabled (`enabled: false`): Port drops every event",
            ));
            return out;
        }
        for (i, m) in self.mappings.iter().enumerate() {
            self.map_one(i, m, request.val(), &run, &mut out);
        }
        out
    }

    /// Evaluate `security.requestIdentifierPath` on a request: the delivery's identity for
    /// deduplication (`None` when not configured or when it yields nothing or `null`).
    pub fn request_identifier(&self, request: &Request) -> Option<Value> {
        let expr = self.request_identifier.as_ref()?;
        let fast = expr.fast.as_ref().and_then(|f| f.eval(request.val()));
        let evaluation = match fast {
            Some(value) => Evaluation::Value {
                value,
                dropped_outputs: false,
            },
            None => {
                expr.first(request.val(), &RunContext::start(self.clock.clone(), self.limits))
                    .0
            }
        };
        match evaluation {
            Evaluation::Value { value: Val::Null, .. } => None,
            Evaluation::Value { value, .. } => Some(from_val(&value)),
            _ => None,
        }
    }

    fn map_one(&self, i: usize, m: &CompiledMapping, request: &Val, run: &RunContext, out: &mut Sink) {
        let Some(items_expr) = &m.items else {
            let mut cx = Cx::new(self.strict, out.traces.is_some(), i, None);
            if let Some(entity) = self.entity_if_selected(m, request, run, &mut cx) {
                out.result.entities.push(entity);
            }
            out.absorb(&mut cx);
            return;
        };
        let mut cx = Cx::new(self.strict, out.traces.is_some(), i, None);
        let items = cx.eval(items_expr, request, run);
        let items = match items {
            Some(Val::Arr(a)) => a,
            Some(Val::Null) | None => {
                out.absorb(&mut cx);
                return;
            }
            Some(other) => {
                cx.error(
                    items_expr,
                    format!(
                        "itemsToParse must yield an array, got {}: {}",
                        jq_type(&other),
                        crate::value::compact(&other)
                    ),
                );
                out.absorb(&mut cx);
                return;
            }
        };
        if items.len() > MAX_ITEMS {
            cx.warn(
                items_expr,
                format!(
                    "itemsToParse yielded {} items; Port processes only the first {MAX_ITEMS}",
                    items.len()
                ),
            );
        }
        out.absorb(&mut cx);
        let Val::Obj(base) = request else { return };
        // One input object for all items: the request's parts (shared, not copied) and `item`,
        // whose value is replaced in place for each item (copied only if an output still holds it).
        let key = Val::utf8_str("item");
        let mut input = Rc::new((**base).clone());
        for (n, item) in items.iter().take(MAX_ITEMS).enumerate() {
            Rc::make_mut(&mut input).insert(key.clone(), item.clone());
            let input = Val::Obj(Rc::clone(&input));
            let mut cx = Cx::new(self.strict, out.traces.is_some(), i, Some(n));
            if let Some(entity) = self.entity_if_selected(m, &input, run, &mut cx) {
                out.result.entities.push(entity);
            }
            out.absorb(&mut cx);
        }
    }

    fn entity_if_selected(&self, m: &CompiledMapping, input: &Val, run: &RunContext, cx: &mut Cx) -> Option<Entity> {
        if let Some(f) = &m.filter {
            match cx.eval(f, input, run) {
                Some(Val::Bool(true)) => {}
                Some(Val::Bool(false) | Val::Null) | None => return None,
                Some(other) => {
                    cx.warn(
                        f,
                        format!(
                            "filter yielded {}, not true: the mapping is skipped",
                            crate::value::compact(&other)
                        ),
                    );
                    return None;
                }
            }
        }
        let identifier = self.identifier(&m.identifier, input, run, cx);
        let entity = match m.operation {
            Operation::Delete { delete_dependents } => Entity::Delete(DeleteEntity {
                blueprint: m.blueprint.clone(),
                identifier: identifier?,
                delete_dependents,
            }),
            Operation::Create => {
                let title = m.title.as_ref().and_then(|f| cx.string_like(f, input, run, "title"));
                let icon = m.icon.as_ref().and_then(|f| cx.string_like(f, input, run, "icon"));
                let team = m.team.as_ref().and_then(|f| cx.reference(f, input, run, "team"));
                let properties = m
                    .properties
                    .iter()
                    .filter_map(|(k, f)| cx.field(f, input, run).map(|v| (k.clone(), v)))
                    .collect();
                let relations = m
                    .relations
                    .iter()
                    .filter_map(|(k, f)| cx.reference(f, input, run, "a relation").map(|v| (k.clone(), v)))
                    .collect();
                let entity = CreateEntity {
                    blueprint: m.blueprint.clone(),
                    identifier: identifier?,
                    title,
                    icon,
                    team,
                    properties,
                    relations,
                };
                if let Some(bp) = self.blueprints.iter().find(|b| b.identifier == m.blueprint) {
                    for d in bp.validate(&entity, &m.path.key("entity")) {
                        cx.push(d);
                    }
                }
                Entity::Create(entity)
            }
        };
        (!cx.failed).then_some(entity)
    }

    fn identifier(&self, f: &Field, input: &Val, run: &RunContext, cx: &mut Cx) -> Option<Value> {
        let expr = match f {
            Field::Query(q) => return Some(cx.query(q, input, run)),
            Field::Jq(e) => e,
        };
        match cx.eval(expr, input, run) {
            None if cx.limited => None,
            None => {
                cx.error(
                    expr,
                    "the identifier produced no output; Port can't store an entity without one",
                );
                None
            }
            Some(Val::TStr(s)) => {
                let s = String::from_utf8_lossy(&s).into_owned();
                match crate::identifier::check_entity_identifier(&s) {
                    Ok(()) => Some(Value::String(s)),
                    Err(msg) => {
                        cx.error(expr, msg);
                        None
                    }
                }
            }
            Some(Val::Num(n)) => {
                let s = number_string(&n);
                cx.warn(
                    expr,
                    format!(
                        "the identifier is the number {s}; Port stores it as the string \"{s}\" (add `| tostring`)"
                    ),
                );
                Some(Value::String(s))
            }
            Some(Val::Null) => {
                cx.error(expr, "the identifier is null; Port can't store an entity without one");
                None
            }
            Some(other) => {
                cx.error(
                    expr,
                    format!(
                        "the identifier must be a string, got {}: {}",
                        jq_type(&other),
                        crate::value::compact(&other)
                    ),
                );
                None
            }
        }
    }
}

/// The string jq prints for a number (`tostring`).
fn number_string(n: &Num) -> String {
    Val::Num(n.clone()).to_string()
}

/// What mapping one request accumulates: the result, and the field traces when asked for.
struct Sink {
    result: MapResult,
    traces: Option<Vec<FieldTrace>>,
}

impl Sink {
    /// Take over an entity context's diagnostics and traces.
    fn absorb(&mut self, cx: &mut Cx) {
        self.result.diagnostics.append(&mut cx.diagnostics);
        if let (Some(all), Some(mine)) = (&mut self.traces, &mut cx.traces) {
            all.append(mine);
        }
    }
}

/// Per-entity evaluation state: diagnostics so far and whether the entity must be dropped.
struct Cx {
    strict: bool,
    mapping: usize,
    item: Option<usize>,
    diagnostics: Vec<Diagnostic>,
    failed: bool,
    /// A resource limit ended an expression (its diagnostic says so; nothing more to add).
    limited: bool,
    traces: Option<Vec<FieldTrace>>,
}

impl Cx {
    fn new(strict: bool, trace: bool, mapping: usize, item: Option<usize>) -> Self {
        Self {
            strict,
            mapping,
            item,
            diagnostics: Vec::new(),
            failed: false,
            limited: false,
            traces: trace.then(Vec::new),
        }
    }

    fn record(&mut self, e: &Expr, value: Option<&Val>, error: Option<&str>) {
        if let Some(traces) = &mut self.traces {
            traces.push(FieldTrace {
                mapping: self.mapping,
                item: self.item,
                field: e.field.clone(),
                expression: e.source.clone(),
                value: value.map(from_val),
                error: error.map(str::to_owned),
            });
        }
    }

    fn push(&mut self, mut d: Diagnostic) {
        d.mapping = Some(self.mapping);
        d.item = self.item;
        if d.is_error() {
            self.failed = true;
        }
        self.diagnostics.push(d);
    }

    fn error(&mut self, e: &Expr, msg: impl Into<String>) {
        self.push(Diagnostic::error(e.field.clone(), msg).with_expression(&e.source, None));
    }

    /// A warning, or an error in strict mode.
    fn warn(&mut self, e: &Expr, msg: impl Into<String>) {
        let severity = if self.strict {
            Severity::Error
        } else {
            Severity::Warning
        };
        let d = Diagnostic {
            severity,
            ..Diagnostic::warning(e.field.clone(), msg).with_expression(&e.source, None)
        };
        self.push(d);
    }

    /// Evaluate with Port's rules: first output, `None` for no output, `null` for an error.
    fn eval(&mut self, e: &Expr, input: &Val, run: &RunContext) -> Option<Val> {
        let fast = e.fast.as_ref().and_then(|f| f.eval(input));
        let (evaluation, env_used) = match fast {
            Some(value) => (
                Evaluation::Value {
                    value,
                    dropped_outputs: false,
                },
                false,
            ),
            None => {
                INTERPRETING.with(|f| {
                    let mut f = f.borrow_mut();
                    f.clear();
                    f.push_str(&e.field);
                });
                let out = e.first(input, run);
                INTERPRETING.with(|f| f.borrow_mut().clear());
                out
            }
        };
        if env_used || e.reads_env_var() {
            self.warn(e, "reads `env`/`$ENV`, which Port replaces with {}");
        }
        match &evaluation {
            Evaluation::Value { value, .. } => self.record(e, Some(value), None),
            Evaluation::NoOutput => self.record(e, None, None),
            Evaluation::Error(msg) | Evaluation::LimitExceeded(msg) => self.record(e, None, Some(msg)),
        }
        match evaluation {
            Evaluation::Value { value, dropped_outputs } => {
                if dropped_outputs {
                    self.warn(e, "produced more than one output; Port keeps only the first");
                }
                Some(value)
            }
            Evaluation::NoOutput => {
                self.warn(e, "produced no output; Port leaves this key out");
                None
            }
            Evaluation::Error(msg) => {
                self.warn(e, format!("jq error: {msg}; Port stores null"));
                Some(Val::Null)
            }
            Evaluation::LimitExceeded(msg) => {
                // Port would hang or crash here: always an error, and the entity is dropped.
                self.error(e, msg);
                self.limited = true;
                None
            }
        }
    }

    fn field(&mut self, f: &Field, input: &Val, run: &RunContext) -> Option<Value> {
        match f {
            Field::Jq(e) => self.eval(e, input, run).map(|v| from_val(&v)),
            Field::Query(q) => Some(self.query(q, input, run)),
        }
    }

    fn string_like(&mut self, f: &Field, input: &Val, run: &RunContext, what: &str) -> Option<Value> {
        let v = self.field(f, input, run)?;
        if !(v.is_string() || v.is_null()) {
            if let Field::Jq(e) = f {
                self.warn(
                    e,
                    format!("the {what} should be a string, got {v}; Port's API may refuse it (add `| tostring`)"),
                );
            }
        }
        Some(v)
    }

    /// A team or relation value: a name, an array of names, `null`, or a search query.
    fn reference(&mut self, f: &Field, input: &Val, run: &RunContext, what: &str) -> Option<Value> {
        let v = self.field(f, input, run)?;
        let ok = match &v {
            Value::Null | Value::String(_) => true,
            Value::Array(a) => a.iter().all(Value::is_string),
            Value::Object(o) => o.contains_key("combinator"),
            _ => false,
        };
        if let (false, Field::Jq(e)) = (ok, f) {
            self.warn(
                e,
                format!("{what} should be an identifier, an array of identifiers, null or a search query, got {v}"),
            );
        }
        Some(v)
    }

    fn query(&mut self, q: &QueryNode, input: &Val, run: &RunContext) -> Value {
        match q {
            QueryNode::Leaf(e) => self.eval(e, input, run).map_or(Value::Null, |v| from_val(&v)),
            QueryNode::Array(items) => Value::Array(items.iter().map(|n| self.query(n, input, run)).collect()),
            QueryNode::Object(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, n)| (k.clone(), self.query(n, input, run)))
                    .collect(),
            ),
            QueryNode::Literal(v) => v.clone(),
        }
    }
}
