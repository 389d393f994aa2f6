//! *Scaffold from blueprint*: the engine's proposal (asked of the evaluation worker) put into
//! the configuration text, and what the page says about it.

use serde::Deserialize;
use serde_json::Value;

/// The worker's answer to a scaffold question.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Answer {
    /// The engine's proposal (`scaffold` of the package).
    Proposal {
        /// The mapping proposed.
        mapping: Value,
        /// The fields filled, each with the jq path of its value.
        matches: Vec<Value>,
        /// The fields nothing in the request matches.
        unmatched: Vec<String>,
    },
    /// The request does not read (its diagnostics are in the request pane).
    BadRequest {
        /// Always true.
        #[serde(rename = "badRequest")]
        bad_request: bool,
    },
    /// The engine refused (an invalid blueprint): its message.
    Refused {
        /// The engine's message.
        error: String,
    },
}

/// Why nothing can be proposed before asking the engine: no blueprint, or one that is not JSON.
pub fn precheck(blueprint: &str) -> Result<Value, String> {
    if blueprint.trim().is_empty() {
        return Err("Paste a blueprint first: the mapping is proposed from its properties.".into());
    }
    match serde_json::from_str::<Value>(blueprint) {
        // A pane holding several blueprints proposes for the first.
        Ok(Value::Array(mut many)) if !many.is_empty() => Ok(many.swap_remove(0)),
        Ok(v) => Ok(v),
        Err(_) => Err("The blueprint is not valid JSON.".into()),
    }
}

/// What the page says after a scaffold, and the new configuration text if there is one.
pub fn apply(config: &str, answer: &Answer) -> (Option<String>, String) {
    match answer {
        Answer::Proposal {
            mapping,
            matches,
            unmatched,
        } => {
            let blueprint = mapping
                .get("blueprint")
                .and_then(Value::as_str)
                .unwrap_or("the blueprint");
            let filled = matches.len();
            let missing = if unmatched.is_empty() {
                String::new()
            } else {
                format!(" Nothing in the request matches {}.", unmatched.join(", "))
            };
            let message = format!(
                "Mapping proposed for {blueprint}: {filled} field{} filled (Ctrl+Z undoes).{missing}",
                if filled == 1 { "" } else { "s" }
            );
            (Some(with_mapping(config, mapping)), message)
        }
        Answer::BadRequest { .. } => (
            None,
            "The request is not valid: fix it first (see its diagnostics).".into(),
        ),
        Answer::Refused { error } => (None, error.clone()),
    }
}

/// The configuration text with `mapping` in it: it replaces the mapping of the same blueprint,
/// or is added to the mappings, whatever shape the configuration has (a webhook object, a bare
/// mappings array, a single mapping); a configuration that does not read is replaced.
pub fn with_mapping(config: &str, mapping: &Value) -> String {
    let blueprint = mapping.get("blueprint");
    let put = |list: &mut Vec<Value>| match list
        .iter_mut()
        .find(|m| m.is_object() && m.get("blueprint") == blueprint)
    {
        Some(slot) => *slot = mapping.clone(),
        None => list.push(mapping.clone()),
    };
    let out = match serde_json::from_str::<Value>(config) {
        Ok(Value::Array(mut list)) => {
            put(&mut list);
            Value::Array(list)
        }
        Ok(Value::Object(mut o)) => match o.get("mappings") {
            Some(Value::Array(_)) => {
                if let Some(Value::Array(list)) = o.get_mut("mappings") {
                    put(list);
                }
                Value::Object(o)
            }
            _ if o.contains_key("blueprint") => {
                if o.get("blueprint") == blueprint {
                    mapping.clone()
                } else {
                    Value::Array(vec![Value::Object(o), mapping.clone()])
                }
            }
            _ if !o.contains_key("entity") => {
                o.insert("mappings".into(), Value::Array(vec![mapping.clone()]));
                Value::Object(o)
            }
            _ => serde_json::json!({ "mappings": [mapping] }),
        },
        _ => serde_json::json!({ "mappings": [mapping] }),
    };
    serde_json::to_string_pretty(&out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn put(config: &str, mapping: &Value) -> Value {
        serde_json::from_str(&with_mapping(config, mapping)).unwrap()
    }

    #[test]
    fn a_scaffolded_mapping_replaces_the_one_of_its_blueprint_or_is_added() {
        let m = json!({"blueprint": "b", "entity": {"identifier": ".body.id"}});
        let other = json!({"blueprint": "other", "entity": {"identifier": ".x"}});
        assert_eq!(
            put(r#"{"identifier": "w", "mappings": [{"blueprint": "b"}]}"#, &m),
            json!({"identifier": "w", "mappings": [m]})
        );
        assert_eq!(put(&json!([other]).to_string(), &m), json!([other, m]));
        assert_eq!(put("not json", &m), json!({"mappings": [m]}));
        assert_eq!(put(r#"{"blueprint": "b"}"#, &m), m);
        assert_eq!(put(&other.to_string(), &m), json!([other, m]));
        // A webhook object without mappings gets them, its other keys kept in their order.
        let text = with_mapping(r#"{"identifier": "w", "title": "T"}"#, &m);
        assert!(text.find("identifier").unwrap() < text.find("title").unwrap());
        assert_eq!(
            serde_json::from_str::<Value>(&text).unwrap(),
            json!({"identifier": "w", "title": "T", "mappings": [m]})
        );
    }

    #[test]
    fn the_page_says_what_was_filled_and_what_nothing_matched() {
        let answer: Answer = serde_json::from_value(json!({
            "mapping": {"blueprint": "stack", "entity": {}},
            "matches": [{"field": "properties.branch", "path": ".body.run.branch"}],
            "unmatched": ["properties.space"]
        }))
        .unwrap();
        let (config, message) = apply("[]", &answer);
        assert!(config.is_some());
        assert_eq!(
            message,
            "Mapping proposed for stack: 1 field filled (Ctrl+Z undoes). Nothing in the request matches properties.space."
        );
        let bad: Answer = serde_json::from_value(json!({"badRequest": true})).unwrap();
        assert_eq!(apply("[]", &bad).0, None);
        assert!(precheck("  ").is_err());
        assert!(precheck("{").is_err());
        assert_eq!(
            precheck(r#"[{"identifier": "a"}, {"identifier": "b"}]"#).unwrap(),
            json!({"identifier": "a"})
        );
    }
}
