//! Port's evaluation rules, in one place: they are the product's specification.
//!
//! - Every mapping runs, in order, on the one request value.
//! - `itemsToParse` must yield an array (or `null`: nothing to do); each of its first 500
//!   elements is exposed as `.item` beside the request's parts, and the mapping runs per item.
//! - `filter` (absent = `true`) must yield `true` for the entity to be made; `false`, `null`
//!   or no output skip it silently, anything else skips it with a warning.
//! - Every expression yields its **first** output (more are dropped), no output leaves the
//!   key out, a jq error stores `null`. A resource limit drops the entity.
//! - The identifier must be a string (a number becomes its string, with a warning).
//! - A create entity is validated against its blueprint, when one is known.
//!
//! Every silent Port behaviour is a warning; `strict` makes it an error that drops the entity.

use super::compile::{CompiledMapping, Expr, Field, QueryNode};
use super::{Mapper, MAX_ITEMS};
use crate::answer::Stored;
use crate::config::Operation;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::entity::{CreateEntity, DeleteEntity, Entity, FieldOutcome, FieldTrace, MapResult};
use crate::expression::Run;
use crate::fast_path::FastPath;
use crate::jq::{Evaluation, RunContext};
use crate::path::{jq_path, Step};
use crate::search::QueryUse;
use crate::value::{from_val, key_string, TypeName};
use jaq_json::{Num, Val};
use serde_json::Value;
use std::rc::Rc;

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

impl Expr {
    /// Evaluate with Port's first-output rule (the fast path when it answers, else the
    /// interpreter), naming the field while the interpreter runs.
    pub(super) fn evaluate(&self, input: &Val, run: &RunContext) -> Run {
        if let Some(value) = self.expr.fast().and_then(|f| f.eval(input)) {
            return Run::value(value);
        }
        INTERPRETING.with(|f| {
            let mut f = f.borrow_mut();
            f.clear();
            f.push_str(self.field());
        });
        let out = self.expr.interpret(input, run);
        INTERPRETING.with(|f| f.borrow_mut().clear());
        out
    }
}

/// What mapping one request collects: the result, and the field traces when asked for.
pub(super) struct Collected {
    pub(super) result: MapResult,
    pub(super) traces: Option<Vec<FieldTrace>>,
}

impl Collected {
    /// Take over one entity's diagnostics and traces.
    fn absorb(&mut self, entity: &mut EntityEval) {
        self.result.diagnostics.append(&mut entity.diagnostics);
        if let (Some(all), Some(mine)) = (&mut self.traces, &mut entity.traces) {
            all.append(mine);
        }
    }
}

impl Mapper {
    /// Map a request: every mapping, in order, on the one request value.
    pub(super) fn evaluate(&self, request: &Val, trace: bool) -> Collected {
        let run = RunContext::start(self.clock.clone(), self.limits);
        let mut out = Collected {
            result: MapResult::default(),
            traces: trace.then(Vec::new),
        };
        if !self.config.enabled {
            out.result.diagnostics.push(Diagnostic::about(
                Code::WebhookDisabled,
                Severity::Warning,
                "enabled",
                "this webhook is disabled (`enabled: false`): Port drops every event",
            ));
            return out;
        }
        for (i, m) in self.mappings.iter().enumerate() {
            self.evaluate_mapping(i, m, request, &run, &mut out);
        }
        out
    }

    fn evaluate_mapping(&self, i: usize, m: &CompiledMapping, request: &Val, run: &RunContext, out: &mut Collected) {
        let new_entity = |item| EntityEval::new(self.strict, self.hints, out.traces.is_some(), i, item);
        let Some(items_expr) = &m.items else {
            let mut cx = new_entity(None);
            if let Some(entity) = self.entity_if_selected(m, request, run, &mut cx) {
                out.result.entities.push(entity);
            }
            out.absorb(&mut cx);
            return;
        };
        let mut cx = new_entity(None);
        let items = match cx.eval(items_expr, request, run) {
            Some(Val::Arr(a)) => a,
            Some(Val::Null) | None => {
                out.absorb(&mut cx);
                return;
            }
            Some(other) => {
                cx.error(
                    items_expr,
                    Code::ItemsNotArray,
                    format!(
                        "itemsToParse must yield an array, got {}: {}",
                        other.type_with_article(),
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
                Code::ItemsTruncated,
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
            let mut cx = EntityEval::new(self.strict, self.hints, out.traces.is_some(), i, Some(n));
            if let Some(entity) = self.entity_if_selected(m, &input, run, &mut cx) {
                out.result.entities.push(entity);
            }
            out.absorb(&mut cx);
        }
    }

    fn entity_if_selected(
        &self,
        m: &CompiledMapping,
        input: &Val,
        run: &RunContext,
        cx: &mut EntityEval,
    ) -> Option<Entity> {
        if let Some(f) = &m.filter {
            match cx.eval(f, input, run) {
                Some(Val::Bool(true)) => {}
                Some(Val::Bool(false) | Val::Null) | None => return None,
                Some(other) => {
                    cx.warn(
                        f,
                        Code::FilterNotBoolean,
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
                let team = m
                    .team
                    .as_ref()
                    .and_then(|f| cx.reference(f, input, run, "team", QueryUse::Team));
                let properties = m
                    .properties
                    .iter()
                    .filter_map(|(k, f)| cx.field(f, input, run).map(|v| (k.clone(), v)))
                    .collect();
                let relations = m
                    .relations
                    .iter()
                    .filter_map(|(k, f)| {
                        cx.reference(f, input, run, "a relation", QueryUse::Relation)
                            .map(|v| (k.clone(), v))
                    })
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

    fn identifier(&self, f: &Field, input: &Val, run: &RunContext, cx: &mut EntityEval) -> Option<Value> {
        let expr = match f {
            Field::Query(q, at) => return cx.checked_query(q, at, QueryUse::Identifier, input, run),
            Field::Jq(e) => e,
        };
        match cx.eval(expr, input, run) {
            None if cx.limited => None,
            None => {
                cx.error(
                    expr,
                    Code::IdentifierMissing,
                    "the identifier produced no output; Port can't store an entity without one",
                );
                None
            }
            Some(Val::TStr(s)) => {
                let s = String::from_utf8_lossy(&s).into_owned();
                match crate::identifier::check_entity_identifier(&s) {
                    Ok(()) => Some(Value::String(s)),
                    Err(msg) => {
                        cx.error(expr, Code::IdentifierInvalid, msg);
                        None
                    }
                }
            }
            Some(Val::Num(n)) => {
                let s = number_string(&n);
                cx.warn(
                    expr,
                    Code::IdentifierType,
                    format!(
                        "the identifier is the number {s}; Port stores it as the string \"{s}\" (add `| tostring`)"
                    ),
                );
                Some(Value::String(s))
            }
            Some(Val::Null) => {
                cx.error(
                    expr,
                    Code::IdentifierMissing,
                    "the identifier is null; Port can't store an entity without one",
                );
                None
            }
            Some(other) => {
                cx.error(
                    expr,
                    Code::IdentifierType,
                    format!(
                        "the identifier must be a string, got {}: {}",
                        other.type_with_article(),
                        crate::value::compact(&other)
                    ),
                );
                None
            }
        }
    }

    /// `security.requestIdentifierPath` on a request (`None` when not configured, or when it
    /// yields nothing, `null` or an error).
    pub(super) fn evaluate_request_identifier(&self, request: &Val) -> Option<Value> {
        let expr = self.request_identifier.as_ref()?;
        let run = RunContext::start(self.clock.clone(), self.limits);
        match expr.evaluate(request, &run).evaluation {
            Evaluation::Value { value: Val::Null, .. } => None,
            Evaluation::Value { value, .. } => Some(from_val(&value)),
            _ => None,
        }
    }
}

/// The string jq prints for a number (`tostring`).
/// For a field path whose value is `null` because an object of the request lacks a key: the
/// hint's message, naming the object, the key, and the key present there that is closest.
fn missing_key(fast: &FastPath, input: &Val) -> Option<String> {
    let FastPath::Path { steps, .. } = fast else {
        return None;
    };
    let mut cur = input;
    let mut at = Vec::new();
    for step in steps {
        match (cur, step) {
            (Val::Obj(o), Step::Key(name)) => {
                let name = name.clone();
                match o.get(&Val::utf8_str(name.clone())) {
                    Some(v) => {
                        at.push(Step::Key(name));
                        cur = v;
                    }
                    None => {
                        let keys: Vec<String> = o.iter().map(|(k, _)| key_string(k)).collect();
                        let parent = jq_path(&at);
                        at.push(Step::Key(name.clone()));
                        let mut msg = format!(
                            "`{parent}` has no key `{name}` in this request: `{}` is null, which Port stores",
                            jq_path(&at)
                        );
                        if let Some(near) = closest(&name, &keys) {
                            at.pop();
                            at.push(Step::Key(near.to_owned()));
                            msg.push_str(&format!(" (did you mean `{}`?)", jq_path(&at)));
                        }
                        return Some(msg);
                    }
                }
            }
            (Val::Arr(a), Step::Index(n)) => {
                cur = a.get(*n)?;
                at.push(Step::Index(*n));
            }
            _ => return None,
        }
    }
    None
}

/// The key of `keys` closest to `name` (by edit distance, at most a third of its length, and
/// at least one edit allowed); none when nothing is close.
fn closest<'a>(name: &str, keys: &'a [String]) -> Option<&'a str> {
    let lower = name.to_lowercase();
    let limit = (name.chars().count() / 3).max(1);
    keys.iter()
        .map(|k| (crate::config::edit_distance(&k.to_lowercase(), &lower), k))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k.as_str())
}

fn number_string(n: &Num) -> String {
    Val::Num(n.clone()).to_string()
}

/// One entity (one mapping, or one item of it) being evaluated: its diagnostics so far, and
/// whether it must be dropped.
struct EntityEval {
    strict: bool,
    /// Report `missing-key-path` hints.
    hints: bool,
    mapping: usize,
    item: Option<usize>,
    diagnostics: Vec<Diagnostic>,
    /// An error was reported: the entity is dropped.
    failed: bool,
    /// A resource limit ended an expression (its diagnostic says so; nothing more to add).
    limited: bool,
    traces: Option<Vec<FieldTrace>>,
}

impl EntityEval {
    fn new(strict: bool, hints: bool, trace: bool, mapping: usize, item: Option<usize>) -> Self {
        Self {
            strict,
            hints,
            mapping,
            item,
            diagnostics: Vec::new(),
            failed: false,
            limited: false,
            traces: trace.then(Vec::new),
        }
    }

    fn record(&mut self, e: &Expr, outcome: impl FnOnce() -> FieldOutcome) {
        if let Some(traces) = &mut self.traces {
            traces.push(FieldTrace {
                mapping: self.mapping,
                item: self.item,
                field: e.field().to_owned(),
                expression: e.source().to_owned(),
                outcome: outcome(),
                location: None,
                path: Some(e.path.clone()),
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

    fn error(&mut self, e: &Expr, code: Code, msg: impl Into<String>) {
        self.push(e.diagnostic(code, Severity::Error, msg));
    }

    /// A warning about a silent Port behaviour, or an error in strict mode.
    fn warn(&mut self, e: &Expr, code: Code, msg: impl Into<String>) {
        let severity = if self.strict {
            Severity::Error
        } else {
            Severity::Warning
        };
        self.push(e.diagnostic(code, severity, msg));
    }

    /// Evaluate with Port's rules (its answer, [`crate::answer`]): first output, `None` for no
    /// output, `null` for an error; a limit drops the entity.
    fn eval(&mut self, e: &Expr, input: &Val, run: &RunContext) -> Option<Val> {
        let ran = e.evaluate(input, run);
        self.record(e, || match &ran.evaluation {
            Evaluation::Value { value, .. } => FieldOutcome::Value { value: from_val(value) },
            Evaluation::NoOutput => FieldOutcome::NoOutput,
            Evaluation::Error(message) if !e.expr.compile_errors().is_empty() => FieldOutcome::NotCompiled {
                message: message.clone(),
            },
            Evaluation::Error(message) => FieldOutcome::Error {
                message: message.clone(),
            },
            Evaluation::LimitExceeded(hit) => FieldOutcome::Limit {
                message: hit.message.clone(),
            },
        });
        let answer = ran.answer(&e.expr, &e.path);
        for d in answer.diagnostics {
            let limit = d.is_error();
            // A silent Port behaviour; an error in strict mode.
            let d = match (d.severity, self.strict) {
                (Severity::Warning, true) => Diagnostic {
                    severity: Severity::Error,
                    ..d
                },
                _ => d,
            };
            self.push(d);
            // A resource limit: Port would hang or crash; the entity is dropped.
            if limit {
                self.limited = true;
                return None;
            }
        }
        if self.hints && answer.stored == Stored::Value(Val::Null) {
            if let Some(msg) = e.expr.fast().and_then(|f| missing_key(f, input)) {
                self.push(e.diagnostic(Code::MissingKeyPath, Severity::Hint, msg));
            }
        }
        answer.stored.into_value()
    }

    fn field(&mut self, f: &Field, input: &Val, run: &RunContext) -> Option<Value> {
        match f {
            Field::Jq(e) => self.eval(e, input, run).map(|v| from_val(&v)),
            Field::Query(q, _) => Some(self.query(q, input, run)),
        }
    }

    /// A search query written in the mapping, its leaves evaluated, checked against what Port
    /// allows where it stands (`search-query` errors drop the entity).
    fn checked_query(
        &mut self,
        q: &QueryNode,
        at: &crate::path::JsonPath,
        use_: QueryUse,
        input: &Val,
        run: &RunContext,
    ) -> Option<Value> {
        let value = self.query(q, input, run);
        self.check_query(&value, at, use_);
        Some(value)
    }

    /// An operator Port refuses there drops the entity; a query of another shape than Port's
    /// docs describe is a warning (Port may refuse it; strict: an error).
    fn check_query(&mut self, value: &Value, at: &crate::path::JsonPath, use_: QueryUse) {
        for p in crate::search::problems(value, use_, at) {
            let severity = if p.refused || self.strict {
                Severity::Error
            } else {
                Severity::Warning
            };
            let message = if p.refused {
                p.message
            } else {
                format!("{}; Port may refuse this query", p.message)
            };
            self.push(Diagnostic::new(Code::SearchQuery, severity, &p.at, message));
        }
    }

    fn string_like(&mut self, f: &Field, input: &Val, run: &RunContext, what: &str) -> Option<Value> {
        let v = self.field(f, input, run)?;
        if !(v.is_string() || v.is_null()) {
            if let Field::Jq(e) = f {
                self.warn(
                    e,
                    Code::StringExpected,
                    format!("the {what} should be a string, got {v}; Port's API may refuse it (add `| tostring`)"),
                );
            }
        }
        Some(v)
    }

    /// A team or relation value: a name, an array of names, `null`, or a search query (written
    /// as one, or yielded by a jq expression), checked against what Port allows there.
    fn reference(&mut self, f: &Field, input: &Val, run: &RunContext, what: &str, use_: QueryUse) -> Option<Value> {
        let v = self.field(f, input, run)?;
        match f {
            Field::Query(_, at) => self.check_query(&v, at, use_),
            Field::Jq(e) if v.get("combinator").is_some() => self.check_query(&v, &e.path, use_),
            Field::Jq(_) => {}
        }
        let ok = match &v {
            Value::Null | Value::String(_) => true,
            Value::Array(a) => a.iter().all(Value::is_string),
            Value::Object(o) => o.contains_key("combinator"),
            _ => false,
        };
        if let (false, Field::Jq(e)) = (ok, f) {
            self.warn(
                e,
                Code::ReferenceType,
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

#[cfg(test)]
mod tests {
    use crate::{Code, Mapper, MapperOptions, Severity};

    fn hints(config: &str, request: &[u8]) -> Vec<(Code, Severity, String)> {
        let options = MapperOptions {
            hints: true,
            ..MapperOptions::default()
        };
        let mapper = Mapper::from_json(config, options).unwrap();
        let result = mapper.map_json(request).unwrap();
        result
            .diagnostics
            .into_iter()
            .map(|d| (d.code, d.severity, d.message))
            .collect()
    }

    #[test]
    fn a_path_reading_a_missing_key_gets_a_hint_with_the_closest_key() {
        let config = r#"[{"blueprint": "b", "entity": {"identifier": ".body.id", "properties": {
            "branch": ".body.run.brnch", "ok": ".body.run.branch", "gone": ".body.nothing.deeper",
            "header": ".headers.\"x-sig\"", "null": ".body.n", "item": ".body.list[5]", "jq": ".body.run.brnch // null"}}}]"#;
        let request =
            br#"{"body": {"id": "x", "n": null, "list": [], "run": {"branch": "main"}}, "headers": {"x-sign": "s"}}"#;
        let got = hints(config, request);
        assert_eq!(
            got,
            [
                (
                    Code::MissingKeyPath,
                    Severity::Hint,
                    "`.body.run` has no key `brnch` in this request: `.body.run.brnch` is null, which Port stores (did you mean `.body.run.branch`?)".to_owned()
                ),
                (
                    Code::MissingKeyPath,
                    Severity::Hint,
                    "`.body` has no key `nothing` in this request: `.body.nothing` is null, which Port stores".to_owned()
                ),
                (
                    Code::MissingKeyPath,
                    Severity::Hint,
                    "`.headers` has no key `x-sig` in this request: `.headers.\"x-sig\"` is null, which Port stores (did you mean `.headers.\"x-sign\"`?)".to_owned()
                ),
            ]
        );
        // Off by default: results are exactly Port's diagnostics.
        let mapper = Mapper::from_json(config, MapperOptions::default()).unwrap();
        assert!(mapper.map_json(request).unwrap().diagnostics.is_empty());
    }
}
