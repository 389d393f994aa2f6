//! Port blueprints and the validation Port applies to an entity before storing it.
//!
//! A focused validator of the JSON Schema subset Port's blueprints use (types, formats, enum,
//! bounds, `required`, relations): a general JSON Schema crate would triple the wasm size.

use crate::diagnostic::{Code, Diagnostic, Document};
use crate::entity::CreateEntity;
use crate::location::SourceIndex;
use crate::path::JsonPath;
use crate::value::TypeName;
use serde_json::Value;

/// A blueprint: the schema entities of one kind must satisfy.
#[derive(Debug, Clone)]
pub struct Blueprint {
    /// The blueprint's identifier.
    pub identifier: String,
    properties: Vec<(String, PropertySchema)>,
    required: Vec<String>,
    relations: Vec<(String, RelationSchema)>,
}

/// One property's schema.
#[derive(Debug, Clone)]
struct PropertySchema {
    ty: Option<PropType>,
    format: Option<String>,
    enumeration: Option<Vec<Value>>,
    min_length: Option<u64>,
    max_length: Option<u64>,
    pattern: Option<(String, regex_lite::Regex)>,
    minimum: Option<f64>,
    maximum: Option<f64>,
    exclusive_minimum: Option<f64>,
    exclusive_maximum: Option<f64>,
    items: Option<Box<PropertySchema>>,
    min_items: Option<u64>,
    max_items: Option<u64>,
    unique_items: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PropType {
    String,
    Number,
    Boolean,
    Object,
    Array,
}

impl PropType {
    fn name(self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Number => "number",
            Self::Boolean => "boolean",
            Self::Object => "object",
            Self::Array => "array",
        }
    }
}

/// One relation's definition.
#[derive(Debug, Clone)]
struct RelationSchema {
    target: String,
    required: bool,
    many: bool,
}

const FORMATS: &[&str] = &[
    "date-time",
    "url",
    "email",
    "idn-email",
    "ipv4",
    "ipv6",
    "markdown",
    "yaml",
    "user",
    "team",
    "timer",
    "proto",
    "labeled-url",
    "blueprints",
];

impl Blueprint {
    /// Read a blueprint from Port's JSON, reporting every problem with its path.
    pub fn from_value(v: &Value) -> Result<Self, Vec<Diagnostic>> {
        Self::read(v, &JsonPath::root("blueprint"))
    }

    /// Read blueprint JSON text holding one blueprint or an array of them; every problem of
    /// every blueprint, located in `text`.
    pub fn all_from_json(text: &str) -> Result<Vec<Self>, Vec<Diagnostic>> {
        let v = parse_text(text)?;
        let root = JsonPath::root("blueprint");
        let read: Vec<_> = match &v {
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, b)| Self::read(b, &root.index(i)))
                .collect(),
            one => vec![Self::read(one, &root)],
        };
        let errs: Vec<Diagnostic> = read
            .iter()
            .filter_map(|r| r.as_ref().err())
            .flatten()
            .cloned()
            .collect();
        if errs.is_empty() {
            return Ok(read.into_iter().filter_map(Result::ok).collect());
        }
        Err(located(text, errs))
    }

    fn read(v: &Value, root: &JsonPath) -> Result<Self, Vec<Diagnostic>> {
        let root = root.clone();
        let mut errs = Vec::new();
        let Some(o) = v.as_object() else {
            return Err(vec![Diagnostic::error(
                Code::WrongType,
                &root,
                format!("a blueprint must be an object, found {}", v.type_with_article()),
            )]);
        };
        let identifier = match o.get("identifier") {
            Some(Value::String(s)) => {
                if let Err(m) = crate::identifier::check_blueprint_identifier(s) {
                    errs.push(Diagnostic::error(Code::InvalidValue, &root.key("identifier"), m));
                }
                s.clone()
            }
            _ => {
                errs.push(Diagnostic::error(
                    Code::MissingKey,
                    &root.key("identifier"),
                    "a blueprint needs a string `identifier`",
                ));
                String::new()
            }
        };
        let mut properties = Vec::new();
        let mut required = Vec::new();
        match o.get("schema") {
            None | Some(Value::Null) => {}
            Some(Value::Object(schema)) => {
                let sp = root.key("schema");
                match schema.get("properties") {
                    None | Some(Value::Null) => {}
                    Some(Value::Object(props)) => {
                        for (name, def) in props {
                            let p = sp.key("properties").key(name);
                            if let Some(ps) = read_property(def, &p, &mut errs) {
                                properties.push((name.clone(), ps));
                            }
                        }
                    }
                    Some(other) => errs.push(Diagnostic::error(
                        Code::WrongType,
                        &sp.key("properties"),
                        format!("must be an object, found {}", other.type_with_article()),
                    )),
                }
                match schema.get("required") {
                    None | Some(Value::Null) => {}
                    Some(Value::Array(items)) => {
                        for (i, r) in items.iter().enumerate() {
                            match r.as_str() {
                                Some(s) => required.push(s.to_owned()),
                                None => errs.push(Diagnostic::error(
                                    Code::WrongType,
                                    &sp.key("required").index(i),
                                    format!("must be a property name, found {}", r.type_with_article()),
                                )),
                            }
                        }
                    }
                    Some(other) => errs.push(Diagnostic::error(
                        Code::WrongType,
                        &sp.key("required"),
                        format!("must be an array, found {}", other.type_with_article()),
                    )),
                }
            }
            Some(other) => errs.push(Diagnostic::error(
                Code::WrongType,
                &root.key("schema"),
                format!("must be an object, found {}", other.type_with_article()),
            )),
        }
        let mut relations = Vec::new();
        match o.get("relations") {
            None | Some(Value::Null) => {}
            Some(Value::Object(rels)) => {
                for (name, def) in rels {
                    let p = root.key("relations").key(name);
                    let Some(d) = def.as_object() else {
                        errs.push(Diagnostic::error(
                            Code::WrongType,
                            &p,
                            format!("a relation must be an object, found {}", def.type_with_article()),
                        ));
                        continue;
                    };
                    let flag = |k: &str, errs: &mut Vec<Diagnostic>| match d.get(k) {
                        None | Some(Value::Null) => false,
                        Some(Value::Bool(b)) => *b,
                        Some(other) => {
                            errs.push(Diagnostic::error(
                                Code::WrongType,
                                &p.key(k),
                                format!("must be a boolean, found {}", other.type_with_article()),
                            ));
                            false
                        }
                    };
                    let (req, many) = (flag("required", &mut errs), flag("many", &mut errs));
                    if req && many {
                        errs.push(Diagnostic::error(
                            Code::InvalidValue,
                            &p,
                            "a relation can't be both `required` and `many`",
                        ));
                    }
                    let target = match d.get("target") {
                        Some(Value::String(t)) => t.clone(),
                        _ => {
                            errs.push(Diagnostic::error(
                                Code::MissingKey,
                                &p.key("target"),
                                "a relation needs a string `target` blueprint",
                            ));
                            String::new()
                        }
                    };
                    relations.push((
                        name.clone(),
                        RelationSchema {
                            target,
                            required: req,
                            many,
                        },
                    ));
                }
            }
            Some(other) => errs.push(Diagnostic::error(
                Code::WrongType,
                &root.key("relations"),
                format!("must be an object, found {}", other.type_with_article()),
            )),
        }
        if errs.is_empty() {
            Ok(Self {
                identifier,
                properties,
                required,
                relations,
            })
        } else {
            Err(errs)
        }
    }

    /// Parse blueprint JSON text.
    pub fn from_json(text: &str) -> Result<Self, Vec<Diagnostic>> {
        Self::from_value(&parse_text(text)?).map_err(|ds| located(text, ds))
    }

    /// The properties in the blueprint's order: name, JSON type (`"string"`, ...) and format.
    pub(crate) fn property_kinds(&self) -> impl Iterator<Item = (&str, Option<&'static str>, Option<&str>)> {
        self.properties
            .iter()
            .map(|(n, s)| (n.as_str(), s.ty.map(PropType::name), s.format.as_deref()))
    }

    /// The relations in the blueprint's order: name and whether it holds many identifiers.
    pub(crate) fn relation_kinds(&self) -> impl Iterator<Item = (&str, bool)> {
        self.relations.iter().map(|(n, r)| (n.as_str(), r.many))
    }

    /// Validate an entity against this blueprint. Each violation is an error whose `field` is
    /// the entity path (`properties.link`, `relations.owner`).
    pub fn validate_entity(&self, entity: &CreateEntity) -> Vec<Diagnostic> {
        self.validate(entity, &JsonPath::root(""))
    }

    /// Validate an entity against this blueprint. Each violation is an error whose `field` is
    /// `prefix` followed by the entity path (`properties.link`, `relations.owner`).
    pub(crate) fn validate(&self, entity: &CreateEntity, prefix: &JsonPath) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let mut err = |code: Code, p: JsonPath, msg: String| out.push(Diagnostic::error(code, &p, msg));
        for (name, value) in &entity.properties {
            let p = prefix.key("properties").key(name);
            match self.properties.iter().find(|(n, _)| n == name) {
                None => err(
                    Code::BlueprintUnknownProperty,
                    p,
                    format!(
                        "property `{name}` is not defined in blueprint `{}`; Port rejects the entity",
                        self.identifier
                    ),
                ),
                Some((_, schema)) if !value.is_null() => {
                    for (code, msg) in schema.check(value) {
                        err(code, p.clone(), msg);
                    }
                }
                Some(_) => {}
            }
        }
        for name in &self.required {
            if entity.properties.get(name).is_none_or(Value::is_null) {
                err(
                    Code::BlueprintRequired,
                    prefix.key("properties").key(name),
                    format!(
                        "property `{name}` is required by blueprint `{}` but has no value",
                        self.identifier
                    ),
                );
            }
        }
        for (name, value) in &entity.relations {
            let p = prefix.key("relations").key(name);
            match self.relations.iter().find(|(n, _)| n == name) {
                None => err(
                    Code::BlueprintUnknownProperty,
                    p,
                    format!("relation `{name}` is not defined in blueprint `{}`", self.identifier),
                ),
                Some((_, rel)) => {
                    let is_query = value.as_object().is_some_and(|o| o.contains_key("combinator"));
                    match value {
                        Value::Null => {}
                        _ if is_query => {}
                        Value::String(s) if !rel.many => {
                            if let Err(m) = crate::identifier::check_entity_identifier(s) {
                                err(
                                    Code::IdentifierInvalid,
                                    p,
                                    format!("relation `{name}` (to `{}`): {m}", rel.target),
                                );
                            }
                        }
                        Value::Array(items) if rel.many => {
                            for (i, it) in items.iter().enumerate() {
                                match it.as_str() {
                                    Some(s) => {
                                        if let Err(m) = crate::identifier::check_entity_identifier(s) {
                                            err(Code::IdentifierInvalid, p.index(i), m);
                                        }
                                    }
                                    None => err(
                                        Code::BlueprintRelation,
                                        p.index(i),
                                        format!(
                                            "a relation target must be an identifier string, found {}",
                                            it.type_with_article()
                                        ),
                                    ),
                                }
                            }
                        }
                        other if rel.many => err(
                            Code::BlueprintRelation,
                            p,
                            format!(
                                "relation `{name}` is `many`: expected an array of `{}` identifiers, found {}",
                                rel.target,
                                other.type_with_article()
                            ),
                        ),
                        other => err(
                            Code::BlueprintRelation,
                            p,
                            format!(
                                "relation `{name}` is single: expected one `{}` identifier, found {}",
                                rel.target,
                                other.type_with_article()
                            ),
                        ),
                    }
                }
            }
        }
        for (name, rel) in &self.relations {
            if rel.required && entity.relations.get(name).is_none_or(Value::is_null) {
                err(
                    Code::BlueprintRequired,
                    prefix.key("relations").key(name),
                    format!(
                        "relation `{name}` is required by blueprint `{}` but has no value",
                        self.identifier
                    ),
                );
            }
        }
        out
    }
}

/// Blueprint text as JSON, or its syntax error.
fn parse_text(text: &str) -> Result<Value, Vec<Diagnostic>> {
    serde_json::from_str(text).map_err(|e| {
        vec![Diagnostic::json_syntax(
            Document::Blueprint,
            "blueprint",
            text.as_bytes(),
            &e,
        )]
    })
}

/// The diagnostics, each located in the blueprint text.
fn located(text: &str, mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    if let Some(index) = SourceIndex::new(Document::Blueprint, text) {
        index.resolve(&mut diagnostics);
    }
    diagnostics
}

fn read_property(def: &Value, p: &JsonPath, errs: &mut Vec<Diagnostic>) -> Option<PropertySchema> {
    let Some(d) = def.as_object() else {
        errs.push(Diagnostic::error(
            Code::WrongType,
            p,
            format!("a property schema must be an object, found {}", def.type_with_article()),
        ));
        return None;
    };
    let before = errs.len();
    let ty = match d.get("type") {
        None => None,
        Some(Value::String(t)) => match t.as_str() {
            "string" => Some(PropType::String),
            "number" => Some(PropType::Number),
            "boolean" => Some(PropType::Boolean),
            "object" => Some(PropType::Object),
            "array" => Some(PropType::Array),
            other => {
                errs.push(Diagnostic::error(
                    Code::InvalidValue,
                    &p.key("type"),
                    format!("unknown type \"{other}\"; Port's types are string, number, boolean, object, array"),
                ));
                None
            }
        },
        Some(other) => {
            errs.push(Diagnostic::error(
                Code::WrongType,
                &p.key("type"),
                format!("must be a string, found {}", other.type_with_article()),
            ));
            None
        }
    };
    let num = |k: &str, errs: &mut Vec<Diagnostic>| match d.get(k) {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => n.as_f64(),
        Some(other) => {
            errs.push(Diagnostic::error(
                Code::WrongType,
                &p.key(k),
                format!("must be a number, found {}", other.type_with_article()),
            ));
            None
        }
    };
    let count = |k: &str, errs: &mut Vec<Diagnostic>| match d.get(k) {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_u64() {
            Some(n) => Some(n),
            None => {
                errs.push(Diagnostic::error(
                    Code::WrongType,
                    &p.key(k),
                    format!("must be a non-negative integer, found {v}"),
                ));
                None
            }
        },
    };
    let format = match d.get("format") {
        None | Some(Value::Null) => None,
        Some(Value::String(f)) if FORMATS.contains(&f.as_str()) => Some(f.clone()),
        Some(other) => {
            errs.push(Diagnostic::error(
                Code::InvalidValue,
                &p.key("format"),
                format!("unknown format {other}; Port's formats are {}", FORMATS.join(", ")),
            ));
            None
        }
    };
    let enumeration = match d.get("enum") {
        None | Some(Value::Null) => None,
        Some(Value::Array(a)) => Some(a.clone()),
        Some(other) => {
            errs.push(Diagnostic::error(
                Code::WrongType,
                &p.key("enum"),
                format!("must be an array, found {}", other.type_with_article()),
            ));
            None
        }
    };
    let pattern = match d.get("pattern") {
        None | Some(Value::Null) => None,
        Some(Value::String(re)) => match regex_lite::Regex::new(re) {
            Ok(r) => Some((re.clone(), r)),
            Err(e) => {
                errs.push(Diagnostic::error(
                    Code::InvalidValue,
                    &p.key("pattern"),
                    format!("invalid regular expression: {e}"),
                ));
                None
            }
        },
        Some(other) => {
            errs.push(Diagnostic::error(
                Code::WrongType,
                &p.key("pattern"),
                format!("must be a string, found {}", other.type_with_article()),
            ));
            None
        }
    };
    let items = match d.get("items") {
        None | Some(Value::Null) => None,
        Some(it) => read_property(it, &p.key("items"), errs).map(Box::new),
    };
    let schema = PropertySchema {
        ty,
        format,
        enumeration,
        min_length: count("minLength", errs),
        max_length: count("maxLength", errs),
        pattern,
        minimum: num("minimum", errs),
        maximum: num("maximum", errs),
        exclusive_minimum: num("exclusiveMinimum", errs),
        exclusive_maximum: num("exclusiveMaximum", errs),
        items,
        min_items: count("minItems", errs),
        max_items: count("maxItems", errs),
        unique_items: d.get("uniqueItems").and_then(Value::as_bool).unwrap_or(false),
    };
    (errs.len() == before).then_some(schema)
}

impl PropertySchema {
    /// Every way `v` violates this schema, as codes and messages.
    fn check(&self, v: &Value) -> Vec<(Code, String)> {
        let mut out = Vec::new();
        if let Some(ty) = self.ty {
            let ok = match ty {
                PropType::String => v.is_string(),
                PropType::Number => v.is_number(),
                PropType::Boolean => v.is_boolean(),
                PropType::Object => v.is_object(),
                PropType::Array => v.is_array(),
            };
            if !ok {
                out.push((
                    Code::BlueprintType,
                    format!(
                        "expected {} {}, found {}",
                        if ty == PropType::Array || ty == PropType::Object {
                            "an"
                        } else {
                            "a"
                        },
                        ty.name(),
                        v.type_with_article()
                    ),
                ));
                return out;
            }
        }
        if let Some(e) = &self.enumeration {
            if !e.contains(v) {
                let allowed: Vec<String> = e.iter().map(Value::to_string).collect();
                out.push((
                    Code::BlueprintEnum,
                    format!("{v} is not one of the allowed values {}", allowed.join(", ")),
                ));
            }
        }
        match v {
            Value::String(s) => {
                let len = s.chars().count() as u64;
                if let Some(min) = self.min_length.filter(|m| len < *m) {
                    out.push((
                        Code::BlueprintBounds,
                        format!("is {len} characters long; at least {min} required"),
                    ));
                }
                if let Some(max) = self.max_length.filter(|m| len > *m) {
                    out.push((
                        Code::BlueprintBounds,
                        format!("is {len} characters long; at most {max} allowed"),
                    ));
                }
                if let Some((src, re)) = &self.pattern {
                    if !re.is_match(s) {
                        out.push((Code::BlueprintPattern, format!("{v} does not match the pattern {src}")));
                    }
                }
                if let Some(f) = &self.format {
                    if let Err(m) = check_format(f, s) {
                        out.push((Code::BlueprintFormat, m));
                    }
                }
            }
            Value::Number(n) => {
                let x = n.as_f64().unwrap_or(f64::NAN);
                if let Some(m) = self.minimum.filter(|m| x < *m) {
                    out.push((Code::BlueprintBounds, format!("{x} is less than the minimum {m}")));
                }
                if let Some(m) = self.maximum.filter(|m| x > *m) {
                    out.push((Code::BlueprintBounds, format!("{x} is more than the maximum {m}")));
                }
                if let Some(m) = self.exclusive_minimum.filter(|m| x <= *m) {
                    out.push((Code::BlueprintBounds, format!("{x} must be more than {m}")));
                }
                if let Some(m) = self.exclusive_maximum.filter(|m| x >= *m) {
                    out.push((Code::BlueprintBounds, format!("{x} must be less than {m}")));
                }
            }
            Value::Array(items) => {
                let len = items.len() as u64;
                if let Some(m) = self.min_items.filter(|m| len < *m) {
                    out.push((Code::BlueprintBounds, format!("has {len} items; at least {m} required")));
                }
                if let Some(m) = self.max_items.filter(|m| len > *m) {
                    out.push((Code::BlueprintBounds, format!("has {len} items; at most {m} allowed")));
                }
                if self.unique_items {
                    if let Some((i, _)) = items.iter().enumerate().find(|(i, x)| items[..*i].contains(x)) {
                        out.push((
                            Code::BlueprintBounds,
                            format!("item {i} repeats an earlier item; items must be unique"),
                        ));
                    }
                }
                if let Some(schema) = &self.items {
                    for (i, it) in items.iter().enumerate() {
                        out.extend(schema.check(it).into_iter().map(|(c, m)| (c, format!("item {i}: {m}"))));
                    }
                }
            }
            _ => {}
        }
        out
    }
}

fn check_format(format: &str, s: &str) -> Result<(), String> {
    let ok = match format {
        "date-time" | "timer" => is_date_time(s),
        "url" | "labeled-url" => is_url(s),
        "email" | "idn-email" => is_email(s),
        "ipv4" => s.parse::<std::net::Ipv4Addr>().is_ok(),
        "ipv6" => s.parse::<std::net::Ipv6Addr>().is_ok(),
        _ => true,
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "\"{}\" is not a valid {format}",
            s.chars().take(120).collect::<String>()
        ))
    }
}

/// RFC 3339 date-time: `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`.
fn is_date_time(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: core::ops::Range<usize>| b.get(r.clone()).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    let num = |r: core::ops::Range<usize>| s.get(r).and_then(|x| x.parse::<u32>().ok()).unwrap_or(99);
    if b.len() < 20 || !digits(0..4) || b[4] != b'-' || !digits(5..7) || b[7] != b'-' || !digits(8..10) {
        return false;
    }
    if !matches!(b[10], b'T' | b't' | b' ')
        || !digits(11..13)
        || b[13] != b':'
        || !digits(14..16)
        || b[16] != b':'
        || !digits(17..19)
    {
        return false;
    }
    if !(1..=12).contains(&num(5..7))
        || !(1..=31).contains(&num(8..10))
        || num(11..13) > 23
        || num(14..16) > 59
        || num(17..19) > 60
    {
        return false;
    }
    let mut i = 19;
    if b[i] == b'.' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    match &b[i..] {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit()),
        _ => false,
    }
}

fn is_url(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let scheme_ok = scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    scheme_ok && !rest.is_empty() && !s.chars().any(char::is_whitespace)
}

fn is_email(s: &str) -> bool {
    match s.rsplit_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn formats() {
        assert!(is_date_time("2025-04-24T17:57:01.014Z"));
        assert!(is_date_time("2025-04-24T17:57:01+02:00"));
        assert!(!is_date_time("2025-04-24"));
        assert!(!is_date_time("2025-13-24T17:57:01Z"));
        assert!(is_url("https://peygis.app.spacelift.io/stack/ai-agent"));
        assert!(!is_url("not a url"));
        assert!(is_email("a@b.io"));
        assert!(!is_email("a@b"));
    }

    #[test]
    fn bad_blueprints_name_their_place() {
        let e = Blueprint::from_value(&json!({"identifier": "x", "schema": {"properties": {"a": {"type": "strin"}, "b": {"type": "string", "pattern": "("}}}, "relations": {"r": {"many": true, "required": true, "target": "t"}}})).unwrap_err();
        let fields: Vec<_> = e.iter().map(|d| d.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "blueprint.schema.properties.a.type",
                "blueprint.schema.properties.b.pattern",
                "blueprint.relations.r"
            ]
        );
    }
}
