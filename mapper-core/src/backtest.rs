//! Backtesting a mapping change: map the same requests with the live configuration and with a
//! candidate, and say, per request, which entities and which of their fields change.
//!
//! A request *fails* under a configuration when it can't be read, or when mapping it reports an
//! error (an entity dropped: no identifier, a limit, a blueprint violation, strict mode).

use crate::entity::{Entity, MapResult};
use crate::error::Error;
use crate::mapper::Mapper;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// What a change does to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The same entities, and both succeed or both fail.
    Unchanged,
    /// Entities differ (added, removed or changed fields).
    Changed,
    /// It mapped cleanly before and fails with the candidate.
    NewlyFailing,
    /// It failed before and maps cleanly with the candidate.
    NewlyFixed,
}

/// How one entity differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum EntityChangeKind {
    /// Only the candidate makes it.
    Added,
    /// Only the live configuration makes it.
    Removed,
    /// Both make it, with different fields.
    Changed,
}

/// One field whose value differs: `properties.branch`, `title`, `relations.owner`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct FieldChange {
    /// The field, from the entity: `properties.branch`.
    pub field: String,
    /// Its value with the live configuration (absent: the key is left out).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[cfg_attr(test, ts(optional))]
    pub before: Option<Value>,
    /// Its value with the candidate (absent: the key is left out).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[cfg_attr(test, ts(optional))]
    pub after: Option<Value>,
}

/// One entity that differs between the two results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct EntityChange {
    /// Added, removed or changed.
    pub kind: EntityChangeKind,
    /// `create` or `delete`.
    pub operation: String,
    /// The entity's blueprint.
    pub blueprint: String,
    /// The entity's identifier (a string, or a search query).
    pub identifier: Value,
    /// The fields that differ (every field, for an added or removed entity).
    pub fields: Vec<FieldChange>,
}

/// The outcome of one request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct RequestChange {
    /// The request's position in the input.
    pub index: usize,
    /// What the change does to it.
    pub verdict: Verdict,
    /// The entities that differ.
    pub entities: Vec<EntityChange>,
    /// Error codes the candidate reports for it (for a newly failing request, why).
    pub errors: Vec<crate::diagnostic::Code>,
}

/// A whole backtest: counts, and the requests that change.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Backtest {
    /// Requests compared.
    pub total: usize,
    /// Requests with the same outcome.
    pub unchanged: usize,
    /// Requests whose entities differ.
    pub changed: usize,
    /// Requests the candidate breaks.
    pub newly_failing: usize,
    /// Requests the candidate mends.
    pub newly_fixed: usize,
    /// Every request that is not unchanged, in input order.
    pub requests: Vec<RequestChange>,
}

/// Map every request (JSON text) with `live` and with `candidate` and compare the results.
pub fn backtest<'r>(live: &Mapper, candidate: &Mapper, requests: impl IntoIterator<Item = &'r [u8]>) -> Backtest {
    let mut out = Backtest::default();
    for (index, request) in requests.into_iter().enumerate() {
        let before = live.map_json(request);
        let after = candidate.map_json(request);
        let change = compare(index, &before, &after);
        out.total += 1;
        match change.verdict {
            Verdict::Unchanged => out.unchanged += 1,
            Verdict::Changed => out.changed += 1,
            Verdict::NewlyFailing => out.newly_failing += 1,
            Verdict::NewlyFixed => out.newly_fixed += 1,
        }
        if change.verdict != Verdict::Unchanged {
            out.requests.push(change);
        }
    }
    out
}

fn failed(r: &Result<MapResult, Error>) -> bool {
    r.as_ref().map_or(true, |r| r.diagnostics.iter().any(|d| d.is_error()))
}

fn compare(index: usize, before: &Result<MapResult, Error>, after: &Result<MapResult, Error>) -> RequestChange {
    let no_entities = Vec::new();
    let entities = |r: &Result<MapResult, Error>| -> Vec<Entity> {
        r.as_ref().map_or_else(|_| no_entities.clone(), |r| r.entities.clone())
    };
    let changes = entity_changes(&entities(before), &entities(after));
    let verdict = match (failed(before), failed(after)) {
        (false, true) => Verdict::NewlyFailing,
        (true, false) => Verdict::NewlyFixed,
        _ if changes.is_empty() => Verdict::Unchanged,
        _ => Verdict::Changed,
    };
    let errors = match after {
        Ok(r) => r.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.code).collect(),
        Err(e) => e.diagnostics().iter().map(|d| d.code).collect(),
    };
    RequestChange {
        index,
        verdict,
        entities: changes,
        errors,
    }
}

/// An entity's identity across two results: operation, blueprint and identifier.
fn key(e: &Entity) -> (&'static str, &str, String) {
    let op = match e {
        Entity::Create(_) => "create",
        Entity::Delete(_) => "delete",
    };
    (op, e.blueprint(), e.identifier().to_string())
}

/// The entity's fields as one flat map: `title`, `properties.x`, `relations.y`, ...
fn fields(e: &Entity) -> Map<String, Value> {
    let mut out = Map::new();
    match e {
        Entity::Create(c) => {
            for (name, v) in [("title", &c.title), ("icon", &c.icon), ("team", &c.team)] {
                if let Some(v) = v {
                    out.insert(name.to_owned(), v.clone());
                }
            }
            for (k, v) in &c.properties {
                out.insert(format!("properties.{k}"), v.clone());
            }
            for (k, v) in &c.relations {
                out.insert(format!("relations.{k}"), v.clone());
            }
        }
        Entity::Delete(d) => {
            if let Some(dd) = d.delete_dependents {
                out.insert("deleteDependents".to_owned(), Value::Bool(dd));
            }
        }
    }
    out
}

/// The entities that differ between two results, matched by operation, blueprint and
/// identifier (in the order they appear: the live result's first, then the candidate's new ones).
pub fn entity_changes(before: &[Entity], after: &[Entity]) -> Vec<EntityChange> {
    let change = |kind, e: &Entity, fields| EntityChange {
        kind,
        operation: key(e).0.to_owned(),
        blueprint: e.blueprint().to_owned(),
        identifier: e.identifier().clone(),
        fields,
    };
    let mut out = Vec::new();
    for b in before {
        match after.iter().find(|a| key(a) == key(b)) {
            None => {
                let fs = fields(b)
                    .into_iter()
                    .map(|(field, v)| FieldChange {
                        field,
                        before: Some(v),
                        after: None,
                    })
                    .collect();
                out.push(change(EntityChangeKind::Removed, b, fs));
            }
            Some(a) => {
                let (fb, fa) = (fields(b), fields(a));
                let mut fs: Vec<FieldChange> = fb
                    .iter()
                    .filter(|(k, v)| fa.get(*k) != Some(*v))
                    .map(|(k, v)| FieldChange {
                        field: k.clone(),
                        before: Some(v.clone()),
                        after: fa.get(k).cloned(),
                    })
                    .collect();
                fs.extend(
                    fa.iter()
                        .filter(|(k, _)| !fb.contains_key(*k))
                        .map(|(k, v)| FieldChange {
                            field: k.clone(),
                            before: None,
                            after: Some(v.clone()),
                        }),
                );
                if !fs.is_empty() {
                    out.push(change(EntityChangeKind::Changed, a, fs));
                }
            }
        }
    }
    for a in after.iter().filter(|a| !before.iter().any(|b| key(b) == key(a))) {
        let fs = fields(a)
            .into_iter()
            .map(|(field, v)| FieldChange {
                field,
                before: None,
                after: Some(v),
            })
            .collect();
        out.push(change(EntityChangeKind::Added, a, fs));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MapperOptions;
    use serde_json::json;

    fn mapper(properties: Value) -> Mapper {
        let config = json!([{"blueprint": "stack", "entity": {"identifier": ".body.id", "properties": properties}}]);
        Mapper::new(&config, MapperOptions::default()).unwrap()
    }

    #[test]
    fn counts_and_field_level_changes() {
        let live = mapper(json!({"branch": ".body.branch", "state": ".body.state"}));
        // The candidate renames nothing, changes `state`, adds `sha`, drops `branch`.
        let candidate = mapper(json!({"state": ".body.state | ascii_downcase", "sha": ".body.sha"}));
        let requests: Vec<&[u8]> = vec![
            br#"{"body": {"id": "a", "branch": "main", "state": "FINISHED", "sha": "1"}}"#,
            br#"{"body": {"id": "b", "branch": "dev", "state": "failed", "sha": "2"}}"#,
        ];
        let report = backtest(&live, &candidate, requests);
        assert_eq!((report.total, report.changed, report.unchanged), (2, 2, 0));
        let first = &report.requests[0];
        assert_eq!(first.verdict, Verdict::Changed);
        let fields: Vec<(&str, Option<&Value>, Option<&Value>)> = first.entities[0]
            .fields
            .iter()
            .map(|f| (f.field.as_str(), f.before.as_ref(), f.after.as_ref()))
            .collect();
        assert_eq!(
            fields,
            [
                ("properties.branch", Some(&json!("main")), None),
                ("properties.state", Some(&json!("FINISHED")), Some(&json!("finished"))),
                ("properties.sha", None, Some(&json!("1"))),
            ]
        );
    }

    #[test]
    fn failing_and_fixed_requests_are_told_apart() {
        let live = mapper(json!({"n": ".body.n"}));
        let candidate = Mapper::new(
            &json!([{"blueprint": "stack", "entity": {"identifier": ".body.name"}}]),
            MapperOptions::default(),
        )
        .unwrap();
        let requests: Vec<&[u8]> = vec![
            br#"{"body": {"id": "a", "name": "a", "n": 1}}"#,
            br#"{"body": {"id": "b", "n": 1}}"#,
            br#"{"body": {"name": "c"}}"#,
            b"not json",
        ];
        let report = backtest(&live, &candidate, requests);
        let verdicts: Vec<_> = report.requests.iter().map(|r| (r.index, r.verdict)).collect();
        // 0: same identifier, `n` removed; 1: the candidate has no name -> fails; 2: the live
        // one had no id -> fixed; 3: unreadable either way -> unchanged.
        assert_eq!(
            verdicts,
            [
                (0, Verdict::Changed),
                (1, Verdict::NewlyFailing),
                (2, Verdict::NewlyFixed)
            ]
        );
        assert_eq!(report.unchanged, 1);
        assert_eq!(report.requests[1].errors, [crate::diagnostic::Code::IdentifierMissing]);
        let added = &report.requests[2].entities[0];
        assert_eq!((added.kind, &added.identifier), (EntityChangeKind::Added, &json!("c")));
    }
}
