//! Completion for the mapping editor: the keys of the current request after a path prefix
//! (`.body.st` → `stack`, `state`), the builtins Port's engine has, and a blueprint's property
//! and relation names. The path before the cursor is read with `FastPath::detect`, the same
//! recogniser the engine evaluates plain paths with.

use crate::blueprint::Blueprint;
use crate::fast_path::FastPath;
use crate::path::{jq_path, Step};
use serde::Serialize;
use serde_json::Value;

/// One completion.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Completion {
    /// The text to insert at the word being typed.
    pub label: String,
    /// `key` (of the request), `function` (a builtin), `property` or `relation`.
    pub kind: &'static str,
    /// The value's type and a preview (`string "ai-agent"`), a builtin's arity (`ascii_downcase/0`),
    /// a property's type.
    pub detail: String,
    /// What a builtin does, in one line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub info: Option<String>,
    /// How much of the text before the cursor the label replaces, in UTF-16 units (what editors
    /// count): the word being typed.
    pub replace: usize,
}

/// Where the cursor is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// Inside a jq expression; the text before the cursor is given.
    Jq,
    /// At a key of an entity's `properties`.
    PropertyKey,
    /// At a key of an entity's `relations`.
    RelationKey,
}

impl Place {
    /// Where the cursor is in a configuration's text, from the path of the JSON string it is in
    /// (`key`: the string is an object key): in a jq expression (an entity's fields and the
    /// leaves of their search queries, `filter`, `itemsToParse`,
    /// `security.requestIdentifierPath`), at a key of an entity's `properties` or `relations`,
    /// or nowhere completion helps (`None`). A bare mappings array (`[0, "entity", …]`) and a
    /// single mapping (`["entity", …]`) are read as the engine reads those shapes.
    pub fn in_config(path: &[Step], key: bool) -> Option<Self> {
        let is = |s: &Step, k: &str| matches!(s, Step::Key(x) if x == k);
        if let [a, b] = path {
            if is(a, "security") && is(b, "requestIdentifierPath") {
                return (!key).then_some(Self::Jq);
            }
        }
        // The path inside one mapping.
        let in_mapping = match path {
            [m, Step::Index(_), rest @ ..] if is(m, "mappings") => rest,
            [Step::Index(_), rest @ ..] => rest,
            rest => rest,
        };
        match in_mapping {
            [f] if !key && (is(f, "filter") || is(f, "itemsToParse")) => Some(Self::Jq),
            [e, group, _] if key && is(e, "entity") && is(group, "properties") => Some(Self::PropertyKey),
            [e, group, _] if key && is(e, "entity") && is(group, "relations") => Some(Self::RelationKey),
            [e, field, ..] if !key && is(e, "entity") => {
                let jq = ["identifier", "title", "icon", "team", "properties", "relations"]
                    .iter()
                    .any(|k| is(field, k));
                // `properties` and `relations` are objects of expressions: one level deeper.
                let deep_enough = !(is(field, "properties") || is(field, "relations")) || in_mapping.len() >= 3;
                (jq && deep_enough).then_some(Self::Jq)
            }
            _ => None,
        }
    }
}

/// The completions where a user is typing in a configuration's text: the place is read from
/// the path of the string the cursor is in ([`Place::in_config`]). Unless asked for
/// (`explicit`: a key press such as Ctrl+Space), a jq expression offers completions only where
/// something is being named: a word begun, or right after `.` or `| `.
pub fn complete_in_config(
    path: &[Step],
    key: bool,
    before: &str,
    explicit: bool,
    request: &Value,
    blueprint: Option<&Blueprint>,
) -> Vec<Completion> {
    let Some(place) = Place::in_config(path, key) else {
        return Vec::new();
    };
    let word = &before[before.trim_end_matches(is_word).len()..];
    if !explicit && place == Place::Jq && word.is_empty() && !before.ends_with('.') && !before.ends_with("| ") {
        return Vec::new();
    }
    complete(place, before, request, blueprint)
}

/// The builtins offered: name, arity, what it does. Every one is checked to compile with
/// Port's dialect (a test), so only what the engine accepts is offered.
pub const BUILTINS: &[(&str, usize, &str)] = &[
    (
        "length",
        0,
        "Length of a string, array or object; absolute value of a number",
    ),
    ("keys", 0, "The keys of an object (sorted), or the indices of an array"),
    ("values", 0, "Selects the input unless it is null"),
    ("has", 1, "Whether the object has the key (or the array the index)"),
    ("in", 1, "Whether the input key is in the given object"),
    ("map", 1, "Applies the filter to each element: [.[] | f]"),
    (
        "map_values",
        1,
        "Applies the filter to each value of an object or array",
    ),
    ("select", 1, "Keeps the input if the condition is true, else no output"),
    ("empty", 0, "No output (Port leaves the key out)"),
    ("error", 1, "Raises an error with the message"),
    ("not", 0, "Boolean negation"),
    ("add", 0, "Adds the elements of an array (sum, concatenation, merge)"),
    ("any", 0, "Whether any element is true"),
    ("all", 0, "Whether every element is true"),
    ("flatten", 0, "Flattens nested arrays"),
    ("range", 1, "The numbers 0 .. n-1"),
    ("floor", 0, "Rounds a number down"),
    ("sqrt", 0, "Square root"),
    (
        "tostring",
        0,
        "The input as a string (strings unchanged, others as JSON)",
    ),
    ("tonumber", 0, "Parses a string as a number"),
    ("type", 0, "The JSON type's name: \"string\", \"object\", ..."),
    ("ascii_downcase", 0, "Lowercases ASCII letters"),
    ("ascii_upcase", 0, "Uppercases ASCII letters"),
    ("ltrimstr", 1, "Removes a prefix, if present"),
    ("rtrimstr", 1, "Removes a suffix, if present"),
    ("startswith", 1, "Whether the string starts with the given string"),
    ("endswith", 1, "Whether the string ends with the given string"),
    ("split", 1, "Splits a string by a separator"),
    ("join", 1, "Joins an array of strings with a separator"),
    ("test", 1, "Whether the string matches a regular expression"),
    ("match", 1, "The match of a regular expression"),
    (
        "capture",
        1,
        "The named groups of a regular expression match, as an object",
    ),
    ("sub", 2, "Replaces the first match of a regular expression"),
    ("gsub", 2, "Replaces every match of a regular expression"),
    ("contains", 1, "Whether the input contains the given value"),
    ("inside", 1, "Whether the input is contained in the given value"),
    ("index", 1, "The first index of a substring or element"),
    ("sort", 0, "Sorts an array"),
    ("sort_by", 1, "Sorts an array by a key"),
    ("group_by", 1, "Groups an array's elements by a key"),
    ("unique", 0, "The distinct elements, sorted"),
    ("unique_by", 1, "The elements with distinct keys"),
    ("min", 0, "The smallest element"),
    ("max", 0, "The largest element"),
    ("reverse", 0, "Reverses an array or a string"),
    ("first", 0, "The first element: .[0]"),
    ("last", 0, "The last element: .[-1]"),
    ("to_entries", 0, "An object as [{key, value}]"),
    ("from_entries", 0, "[{key, value}] as an object"),
    ("with_entries", 1, "Applies a filter to each {key, value} of an object"),
    ("paths", 0, "Every path in the input"),
    ("getpath", 1, "The value at a path (an array of keys)"),
    ("del", 1, "Deletes the paths given"),
    ("tojson", 0, "The input as JSON text"),
    ("fromjson", 0, "Parses JSON text"),
    ("now", 0, "The current time, in seconds since the epoch"),
    ("todate", 0, "Seconds since the epoch as an ISO 8601 date"),
    ("fromdate", 0, "An ISO 8601 date as seconds since the epoch"),
    ("strftime", 1, "Formats a time with a strftime format"),
    ("splits", 1, "The parts of a string split by a regular expression"),
    ("@base64", 0, "Encodes a string as base64"),
    ("@base64d", 0, "Decodes a base64 string"),
    ("@uri", 0, "Percent-encodes a string for a URL"),
    ("@csv", 0, "An array as a CSV line"),
    ("@json", 0, "The input as JSON text"),
];

/// The completions at the cursor. For [`Place::Jq`], `before` is the jq text before the cursor:
/// after a path prefix (`.body.st`) the keys of `request` at that point that start with the
/// last word, else the builtins starting with the word being typed. For keys of `properties`
/// and `relations`, the blueprint's names starting with `before`.
pub fn complete(place: Place, before: &str, request: &Value, blueprint: Option<&Blueprint>) -> Vec<Completion> {
    let utf16 = |s: &str| s.encode_utf16().count();
    // A key of `properties`/`relations` is replaced whole; a jq word from its start.
    let replace = match place {
        Place::Jq => utf16(&before[before.trim_end_matches(is_word).len()..]),
        Place::PropertyKey | Place::RelationKey => utf16(before),
    };
    let mut out = match place {
        Place::PropertyKey => blueprint
            .into_iter()
            .flat_map(Blueprint::property_kinds)
            .filter(|(n, _, _)| n.starts_with(before))
            .map(|(n, ty, format)| Completion {
                label: n.to_owned(),
                kind: "property",
                detail: match (ty, format) {
                    (Some(t), Some(f)) => format!("{t} ({f})"),
                    (Some(t), None) => t.to_owned(),
                    (None, _) => "any".to_owned(),
                },
                info: None,
                replace: 0,
            })
            .collect(),
        Place::RelationKey => blueprint
            .into_iter()
            .flat_map(Blueprint::relation_kinds)
            .filter(|(n, _)| n.starts_with(before))
            .map(|(n, many)| Completion {
                label: n.to_owned(),
                kind: "relation",
                detail: if many { "identifiers (many)" } else { "identifier" }.to_owned(),
                info: None,
                replace: 0,
            })
            .collect(),
        Place::Jq => complete_jq(before, request),
    };
    for c in &mut out {
        c.replace = replace;
    }
    out
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '@'
}

fn complete_jq(before: &str, request: &Value) -> Vec<Completion> {
    // The term being typed: from the last character that can't be in a plain path.
    let start = before
        .char_indices()
        .rev()
        .find(|&(_, c)| !(is_word(c) || matches!(c, '.' | '[' | ']' | '"' | '-')))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let term = &before[start..];
    let word_start = term.rfind(|c: char| !is_word(c)).map_or(0, |i| i + 1);
    let (base, word) = term.split_at(word_start);
    if base.is_empty() {
        return BUILTINS
            .iter()
            .filter(|(n, _, _)| n.starts_with(word))
            .map(|(n, arity, info)| Completion {
                label: (*n).to_owned(),
                kind: "function",
                detail: format!("{n}/{arity}"),
                info: Some((*info).to_owned()),
                replace: 0,
            })
            .collect();
    }
    let Some(base) = base.strip_suffix('.') else {
        return Vec::new();
    };
    let steps = if base.is_empty() {
        Vec::new()
    } else {
        match FastPath::detect(base) {
            Some(FastPath::Path { steps, tostring: false }) => steps,
            _ => return Vec::new(),
        }
    };
    let mut cur = request;
    for step in &steps {
        cur = match (cur, step) {
            (Value::Object(o), Step::Key(k)) => match o.get(k) {
                Some(v) => v,
                None => return Vec::new(),
            },
            (Value::Array(a), Step::Index(i)) => match a.get(*i) {
                Some(v) => v,
                None => return Vec::new(),
            },
            _ => return Vec::new(),
        };
    }
    let Value::Object(o) = cur else {
        return Vec::new();
    };
    o.iter()
        .filter(|(k, _)| k.starts_with(word))
        .map(|(k, v)| Completion {
            label: if jq_path(&[Step::Key(k.clone())]) == format!(".{k}") {
                k.clone()
            } else {
                // A key jq must quote: `."x-signature-256"` (the word is replaced, after the dot).
                serde_json::to_string(k).unwrap_or_default()
            },
            kind: "key",
            detail: preview(v),
            info: None,
            replace: 0,
        })
        .collect()
}

/// A value's type and a short preview: `string "ai-agent"`, `object {id, name, …}`.
fn preview(v: &Value) -> String {
    let short = |s: String| {
        if s.chars().count() > 40 {
            format!("{}…", s.chars().take(40).collect::<String>())
        } else {
            s
        }
    };
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Number(n) => format!("number {n}"),
        Value::String(s) => format!("string {}", short(serde_json::to_string(s).unwrap_or_default())),
        Value::Array(a) => format!("array of {}", a.len()),
        Value::Object(o) => format!(
            "object {{{}}}",
            o.keys()
                .take(4)
                .map(|k| short(k.clone()))
                .collect::<Vec<_>>()
                .join(", ")
                + if o.len() > 4 { ", …" } else { "" }
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jq::{Dialect, Program};

    fn spacelift() -> (Value, Blueprint) {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/spacelift");
        let r = serde_json::from_str(&std::fs::read_to_string(dir.join("request.json")).unwrap()).unwrap();
        let b = Blueprint::from_json(&std::fs::read_to_string(dir.join("blueprint.json")).unwrap()).unwrap();
        (r, b)
    }

    fn labels(c: &[Completion]) -> Vec<&str> {
        c.iter().map(|c| c.label.as_str()).collect()
    }

    #[test]
    fn keys_of_the_request_after_a_path_prefix() {
        let (r, _) = spacelift();
        let c = complete(Place::Jq, ".body.st", &r, None);
        assert_eq!(labels(&c), ["state", "stateVersion", "stack"]);
        assert_eq!(c[0].detail, "string \"FINISHED\"");
        assert_eq!(c[2].detail, "object {id, name, description, labels, …}");
        assert_eq!(
            labels(&complete(
                Place::Jq,
                "(.body.stack | ascii_downcase) + .body.run.br",
                &r,
                None
            )),
            ["branch"]
        );
        assert_eq!(
            labels(&complete(Place::Jq, ".", &r, None)),
            ["body", "headers", "queryParams"]
        );
        assert!(labels(&complete(Place::Jq, ".headers.x-sig", &r, None)).is_empty()); // `-` ends a key
        assert!(labels(&complete(Place::Jq, ".headers.", &r, None)).contains(&"\"x-signature-256\""));
        assert!(complete(Place::Jq, ".body.nothing.", &r, None).is_empty());
        assert!(complete(Place::Jq, ".body.state.", &r, None).is_empty());
    }

    #[test]
    fn builtins_after_a_pipe_or_at_a_term() {
        let (r, _) = spacelift();
        let c = complete(Place::Jq, ".body.stack.name | ascii_", &r, None);
        assert_eq!(labels(&c), ["ascii_downcase", "ascii_upcase"]);
        assert_eq!(c[0].detail, "ascii_downcase/0");
        assert!(labels(&complete(Place::Jq, "to", &r, None)).contains(&"tostring"));
    }

    #[test]
    fn blueprint_names_under_properties_and_relations() {
        let (r, b) = spacelift();
        let c = complete(Place::PropertyKey, "b", &r, Some(&b));
        assert_eq!(labels(&c), ["branch"]);
        assert_eq!(c[0].detail, "string");
        assert_eq!(complete(Place::PropertyKey, "", &r, Some(&b)).len(), 8);
        assert!(complete(Place::RelationKey, "", &r, Some(&b)).is_empty());
    }

    #[test]
    fn the_place_comes_from_the_path_in_the_configuration() {
        let k = |s: &str| Step::Key(s.to_owned());
        let i = Step::Index;
        let at = |path: &[Step], key| Place::in_config(path, key);
        let props = [k("mappings"), i(0), k("entity"), k("properties"), k("x")];
        assert_eq!(at(&props, false), Some(Place::Jq));
        assert_eq!(at(&props, true), Some(Place::PropertyKey));
        assert_eq!(at(&[i(0), k("filter")], false), Some(Place::Jq));
        assert_eq!(at(&[k("itemsToParse")], false), Some(Place::Jq)); // a single mapping
        assert_eq!(at(&[i(0), k("blueprint")], false), None);
        assert_eq!(
            at(&[i(0), k("entity"), k("relations"), k("o")], true),
            Some(Place::RelationKey)
        );
        assert_eq!(at(&[i(0), k("entity"), k("identifier")], true), None);
        assert_eq!(at(&[k("entity"), k("title")], false), Some(Place::Jq));
        assert_eq!(at(&[k("title")], false), None); // the webhook's own title
        assert_eq!(at(&[k("security"), k("requestIdentifierPath")], false), Some(Place::Jq));
        assert_eq!(at(&[k("security"), k("secret")], false), None);
        // A search query's leaves are jq too; `properties` itself is an object, not jq.
        let rule = [i(0), k("entity"), k("identifier"), k("rules"), i(0), k("value")];
        assert_eq!(at(&rule, false), Some(Place::Jq));
        assert_eq!(at(&[i(0), k("entity"), k("properties")], false), None);
    }

    #[test]
    fn completions_open_by_themselves_only_where_something_is_named() {
        let (r, b) = spacelift();
        let path = [Step::Key("entity".into()), Step::Key("title".into())];
        let at = |before: &str, explicit| complete_in_config(&path, false, before, explicit, &r, None);
        assert!(at(".body.stack.name ", false).is_empty());
        assert!(!at(".body.stack.name ", true).is_empty()); // Ctrl+Space: the builtins
        let body_keys: Vec<&str> = r["body"].as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(labels(&at(".body.", false)), body_keys);
        let c = at(".body.stack.na", false);
        assert_eq!((labels(&c), c[0].replace), (vec!["name"], 2));
        let c = at(".a | é + asc", false);
        assert_eq!(c[0].replace, 3);
        let key = [
            Step::Index(0),
            Step::Key("entity".into()),
            Step::Key("properties".into()),
            Step::Key("br".into()),
        ];
        let c = complete_in_config(&key, true, "br", false, &r, Some(&b));
        assert_eq!((labels(&c), c[0].replace), (vec!["branch"], 2));
    }

    #[test]
    fn every_builtin_offered_compiles_in_ports_dialect() {
        for (name, arity, _) in BUILTINS {
            let args = vec!["."; *arity].join("; ");
            let code = if *arity == 0 {
                (*name).to_owned()
            } else {
                format!("{name}({args})")
            };
            assert!(
                Program::compile(&code, Dialect::Port).is_ok(),
                "{code} does not compile"
            );
        }
    }
}
