//! Port's search queries in a mapping (an entity's `identifier`, a relation, `team`): the rules
//! Port applies to the query a mapping yields, checked on the query after its jq leaves ran.
//!
//! Port's docs (`configure-mapping.md`, "Mapping relations using search queries"): a query is
//! `{combinator, rules}`, the combinator `and` or `or`, each rule `{property, operator, value}`
//! or a nested query; an identifier query may use only `=` and `in` (and must match exactly one
//! entity), a relation query `=`, `in` and `contains` (at most 100 entities).

use crate::path::JsonPath;
use serde_json::Value;

/// Where a search query stands, which decides the operators Port allows in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryUse {
    /// An entity's identifier: the query must match exactly one entity.
    Identifier,
    /// A relation: the identifiers of the entities it matches (at most 100).
    Relation,
    /// The entity's team.
    Team,
}

impl QueryUse {
    /// The operators Port allows in a rule here (`None`: Port's docs name no restriction).
    pub fn operators(self) -> Option<&'static [&'static str]> {
        match self {
            Self::Identifier => Some(&["=", "in"]),
            Self::Relation => Some(&["=", "in", "contains"]),
            Self::Team => None,
        }
    }

    fn what(self) -> &'static str {
        match self {
            Self::Identifier => "an identifier",
            Self::Relation => "a relation",
            Self::Team => "a team",
        }
    }
}

/// The most entities a relation's search query resolves to.
pub const MAX_RELATION_MATCHES: usize = 100;

/// One way a search query breaks Port's rules.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Where, inside the query's own place.
    pub at: JsonPath,
    /// What is wrong.
    pub message: String,
    /// Port refuses it (an operator its docs do not allow there); otherwise the query is not the
    /// shape Port's docs describe, and Port may refuse it.
    pub refused: bool,
}

/// Every way `query` (as the mapping yielded it) breaks Port's rules for `use_`, placed inside
/// `at` (the query's own place).
pub fn problems(query: &Value, use_: QueryUse, at: &JsonPath) -> Vec<Problem> {
    let mut found = Vec::new();
    check(query, use_, at, &mut found);
    found
        .into_iter()
        .map(|(at, message, refused)| Problem { at, message, refused })
        .collect()
}

type Found = Vec<(JsonPath, String, bool)>;

fn check(query: &Value, use_: QueryUse, at: &JsonPath, out: &mut Found) {
    let Value::Object(o) = query else {
        out.push((at.clone(), format!("a search query is an object, got {query}"), false));
        return;
    };
    match o.get("combinator") {
        Some(Value::String(c)) if c == "and" || c == "or" => {}
        other => out.push((
            at.key("combinator"),
            format!(
                "the combinator is \"and\" or \"or\", got {}",
                other.map_or("nothing".to_owned(), Value::to_string)
            ),
            false,
        )),
    }
    let rules = match o.get("rules") {
        Some(Value::Array(rules)) if !rules.is_empty() => rules,
        other => {
            out.push((
                at.key("rules"),
                format!(
                    "`rules` is a non-empty array of rules, got {}",
                    other.map_or("nothing".to_owned(), Value::to_string)
                ),
                false,
            ));
            return;
        }
    };
    for (i, rule) in rules.iter().enumerate() {
        let at = at.key("rules").index(i);
        let Value::Object(r) = rule else {
            out.push((at, format!("a rule is an object, got {rule}"), false));
            continue;
        };
        if r.contains_key("combinator") {
            check(rule, use_, &at, out);
            continue;
        }
        if !matches!(r.get("property"), Some(Value::String(p)) if !p.is_empty()) {
            out.push((
                at.key("property"),
                "a rule names a `property` (a string such as \"$identifier\")".into(),
                false,
            ));
        }
        let operator = match r.get("operator") {
            Some(Value::String(op)) => op.as_str(),
            other => {
                out.push((
                    at.key("operator"),
                    format!(
                        "a rule has an `operator` (a string), got {}",
                        other.map_or("nothing".to_owned(), Value::to_string)
                    ),
                    false,
                ));
                continue;
            }
        };
        if let Some(allowed) = use_.operators() {
            if !allowed.contains(&operator) {
                out.push((
                    at.key("operator"),
                    format!(
                        "Port allows only {} in {} search query, not \"{operator}\"",
                        allowed
                            .iter()
                            .map(|a| format!("\"{a}\""))
                            .collect::<Vec<_>>()
                            .join(", "),
                        use_.what()
                    ),
                    true,
                ));
            }
        }
        match (operator, r.get("value")) {
            (_, None) => out.push((at.key("value"), "a rule has a `value`".into(), false)),
            ("in", Some(v)) if !v.is_array() => out.push((
                at.key("value"),
                format!("the value of an \"in\" rule is an array, got {v}"),
                false,
            )),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn found(q: Value, u: QueryUse) -> Vec<(String, String)> {
        problems(&q, u, &JsonPath::root("").key("identifier"))
            .into_iter()
            .map(|p| (p.at.to_string(), p.message))
            .collect()
    }

    #[test]
    fn operators_port_allows_per_use() {
        let q = |op: &str| json!({"combinator": "and", "rules": [{"property": "$identifier", "operator": op, "value": ["a"]}]});
        assert!(found(q("in"), QueryUse::Identifier).is_empty());
        assert!(found(q("contains"), QueryUse::Relation).is_empty());
        let refused = problems(
            &q("contains"),
            QueryUse::Identifier,
            &JsonPath::root("").key("identifier"),
        );
        assert!(refused.iter().all(|p| p.refused));
        let refused = found(q("contains"), QueryUse::Identifier);
        assert_eq!(refused.len(), 1);
        assert_eq!(refused[0].0, "identifier.rules[0].operator");
        assert!(refused[0].1.contains("\"=\", \"in\""), "{refused:?}");
        assert_eq!(found(q("containsAny"), QueryUse::Relation).len(), 1);
        assert!(found(q("containsAny"), QueryUse::Team).is_empty());
    }

    #[test]
    fn shape_nested_queries_and_values() {
        let q = json!({"combinator": "xor", "rules": [
            {"combinator": "or", "rules": [{"property": "$title", "operator": "=", "value": "t"}, {"operator": "="}]},
            {"property": "$identifier", "operator": "in", "value": "not-an-array"},
            7
        ]});
        let places: Vec<String> = found(q, QueryUse::Relation).into_iter().map(|(p, _)| p).collect();
        assert_eq!(
            places,
            [
                "identifier.combinator",
                "identifier.rules[0].rules[1].property",
                "identifier.rules[0].rules[1].value",
                "identifier.rules[1].value",
                "identifier.rules[2]"
            ]
        );
        assert_eq!(
            found(json!({"combinator": "and", "rules": []}), QueryUse::Identifier).len(),
            1
        );
    }
}
