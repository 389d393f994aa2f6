//! What mapping produces: entities to create or delete, and the diagnostics of one request.

use crate::diagnostic::Diagnostic;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// An entity to create (upsert) in, or delete from, the catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(tag = "operation", rename_all = "lowercase")]
pub enum Entity {
    /// Create or update.
    Create(CreateEntity),
    /// Delete.
    Delete(DeleteEntity),
}

/// An entity to create or update.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct CreateEntity {
    /// Target blueprint.
    pub blueprint: String,
    /// The identifier: a string, or a search query object.
    pub identifier: Value,
    /// Title, when the mapping sets one and it produced output.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[cfg_attr(test, ts(optional))]
    pub title: Option<Value>,
    /// Icon, when set.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[cfg_attr(test, ts(optional))]
    pub icon: Option<Value>,
    /// Team(s), when set.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[cfg_attr(test, ts(optional))]
    pub team: Option<Value>,
    /// Properties, in mapping order (keys whose expression produced no output are absent).
    #[serde(default)]
    pub properties: Map<String, Value>,
    /// Relations, in mapping order.
    #[serde(default)]
    pub relations: Map<String, Value>,
}

/// An entity to delete.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct DeleteEntity {
    /// Target blueprint.
    pub blueprint: String,
    /// The identifier: a string, or a search query object.
    pub identifier: Value,
    /// Whether dependents are deleted too, when the mapping says.
    #[serde(rename = "deleteDependents", skip_serializing_if = "Option::is_none", default)]
    #[cfg_attr(test, ts(optional))]
    pub delete_dependents: Option<bool>,
}

impl Entity {
    /// The entity's blueprint.
    pub fn blueprint(&self) -> &str {
        match self {
            Self::Create(e) => &e.blueprint,
            Self::Delete(e) => &e.blueprint,
        }
    }

    /// The entity's identifier.
    pub fn identifier(&self) -> &Value {
        match self {
            Self::Create(e) => &e.identifier,
            Self::Delete(e) => &e.identifier,
        }
    }
}

/// Everything one request yields: entities in mapping order (items in array order), and every
/// diagnostic.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct MapResult {
    /// Entities to apply.
    pub entities: Vec<Entity>,
    /// Errors and warnings, in evaluation order.
    pub diagnostics: Vec<Diagnostic>,
}

/// One evaluated expression, for the per-field view: where it is, what it is, what it yielded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct FieldTrace {
    /// Index of the mapping.
    pub mapping: usize,
    /// Index of the `itemsToParse` item, if any.
    pub item: Option<usize>,
    /// The place: `mappings[0].entity.properties.link`.
    pub field: String,
    /// The jq expression.
    pub expression: String,
    /// What it yielded, and so what Port does with the key.
    pub outcome: FieldOutcome,
    /// Where the expression is in the configuration's text, when the mapper was compiled from
    /// text: editors match a trace to the string under the pointer by it.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[cfg_attr(test, ts(optional))]
    pub location: Option<crate::diagnostic::Location>,
    /// The place as a structured path, for resolving `location` (not serialized).
    #[serde(skip)]
    #[cfg_attr(test, ts(skip))]
    pub(crate) path: Option<crate::path::JsonPath>,
}

/// What one expression yielded. A `null` value is a value (Port stores `null`); no output
/// means Port leaves the key out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum FieldOutcome {
    /// Its first output, stored as is (`null` included).
    Value {
        /// The value.
        value: Value,
    },
    /// No output: the key is left out.
    NoOutput,
    /// A jq error: Port stores `null`.
    Error {
        /// jq's message.
        message: String,
    },
    /// The expression does not compile in Port's engine: Port stores `null`.
    NotCompiled {
        /// Why it does not compile (the first compile error).
        message: String,
    },
    /// A resource limit ended it: the entity is dropped.
    Limit {
        /// Which limit, and what happened.
        message: String,
    },
}
