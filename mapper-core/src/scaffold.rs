//! Scaffolding: a first mapping proposed from a blueprint and a sample request.
//!
//! Every value of the request (objects, strings, numbers, ...; not inside arrays) is a
//! candidate for every blueprint property; a candidate scores by how well its key matches the
//! property's name (equal, singular/plural, a known synonym, shared words), whether its value
//! has the property's type and format, and where it is: in the body, in the object the entity
//! is about (the one named like the blueprint, `.body.stack` for `space_lift_stack`), close to
//! the root. The best candidate above a threshold wins; the others are listed as unmatched.

use crate::blueprint::Blueprint;
use crate::value::TypeName;
use serde::Serialize;
use serde_json::{json, Map, Value};

/// One step of a path into a JSON value (the same steps the engine's own places are made of).
pub use crate::path::{jq_path, Step};

/// A proposed mapping and how it was found.
#[derive(Debug, Clone, Serialize)]
pub struct Scaffold {
    /// The mapping: `{blueprint, operation, filter, entity: {identifier, title, properties, relations?}}`.
    pub mapping: Value,
    /// Each matched property or relation (`properties.branch`) and the path that fills it.
    pub matches: Vec<Match>,
    /// The properties and relations with no matching value in the request (`properties.space`).
    pub unmatched: Vec<String>,
}

/// A blueprint field filled from the request.
#[derive(Debug, Clone, Serialize)]
pub struct Match {
    /// `properties.NAME` or `relations.NAME`.
    pub field: String,
    /// The jq path of the value.
    pub path: String,
}

/// A value of the request that could fill a field.
struct Candidate<'a> {
    steps: Vec<Step>,
    value: &'a Value,
}

const MAX_CANDIDATES: usize = 10_000;
const MAX_DEPTH: usize = 12;

fn collect<'a>(v: &'a Value, steps: &mut Vec<Step>, out: &mut Vec<Candidate<'a>>) {
    if out.len() >= MAX_CANDIDATES || steps.len() > MAX_DEPTH {
        return;
    }
    if let Value::Object(o) = v {
        for (k, child) in o {
            steps.push(Step::Key(k.clone()));
            out.push(Candidate {
                steps: steps.clone(),
                value: child,
            });
            collect(child, steps, out);
            steps.pop();
        }
    }
}

/// Lowercase words of a name: `git_provider`, `gitProvider`, `Git-Provider` → `git`, `provider`.
fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn squash(name: &str) -> String {
    words(name).concat()
}

/// Groups of names that mean the same field.
const SYNONYMS: &[&[&str]] = &[
    &["link", "url", "htmlurl", "weburl", "href", "permalink"],
    &["repository", "repo", "reponame", "repositoryname"],
    &["description", "desc", "summary"],
    &["state", "status"],
    &["title", "name", "displayname"],
    &["owner", "author", "creator"],
    &["label", "labels", "tag", "tags"],
    &["createdat", "created", "creationdate", "createdon"],
    &["updatedat", "updated", "modified", "modifiedat"],
    &["environment", "env"],
    &["commit", "sha", "hash", "commitsha"],
];

fn singular(s: &str) -> &str {
    s.strip_suffix("es")
        .filter(|t| t.ends_with('s') || t.ends_with('x') || t.ends_with("ch"))
        .or_else(|| s.strip_suffix('s'))
        .unwrap_or(s)
}

/// How well a key names a field: 100 for the same name, 0 for nothing in common.
fn name_score(field: &str, key: &str) -> u32 {
    let (f, k) = (squash(field), squash(key));
    if f.is_empty() || k.is_empty() {
        return 0;
    }
    if f == k {
        return 100;
    }
    if singular(&f) == singular(&k) {
        return 90;
    }
    if SYNONYMS
        .iter()
        .any(|g| g.contains(&f.as_str()) && g.contains(&k.as_str()))
    {
        return 70;
    }
    let (fw, kw) = (words(field), words(key));
    let shared = fw
        .iter()
        .filter(|w| kw.iter().any(|x| singular(x) == singular(w)))
        .count();
    if shared == 0 {
        return 0;
    }
    // All of the field's words in the key (`branch` in `branchName`): 60; some: less.
    (60 * shared / fw.len().max(kw.len())) as u32
}

fn looks_like_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 10 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-' && b[7] == b'-'
}

/// The type-and-format part of a candidate's score; `None` when the value can't fill the field.
fn kind_score(ty: Option<&str>, format: Option<&str>, v: &Value) -> Option<i32> {
    let Some(ty) = ty else {
        return Some(0);
    };
    let found = v.type_name();
    let mut score = if found == ty {
        10
    } else if found == "null" {
        -10
    } else if ty == "string" && matches!(found, "number" | "boolean") {
        -30 // the blueprint would reject it; `| tostring` fixes that
    } else {
        return None;
    };
    if let (Some(f), Value::String(s)) = (format, v) {
        match f {
            "url" if s.starts_with("http://") || s.starts_with("https://") => score += 15,
            "url" => score -= 20,
            "date-time" if looks_like_date(s) => score += 15,
            "date-time" => score -= 20,
            "email" | "user" if s.contains('@') => score += 15,
            _ => {}
        }
    }
    Some(score)
}

fn starts_with(steps: &[Step], prefix: &[Step]) -> bool {
    steps.len() >= prefix.len() && steps[..prefix.len()] == *prefix
}

/// Words of the blueprint's name left out, depth, distance from its last word: lower is better.
type SubjectRank = (usize, usize, usize);

/// The object the entity is about: the object of the body whose key is made of the blueprint
/// identifier's words (`stack` for `space_lift_stack`, `pull_request` for `githubPullRequest`),
/// with the most of them, then the shallowest, then the later words; else the body itself.
fn subject(blueprint: &str, candidates: &[Candidate]) -> Vec<Step> {
    let body = vec![Step::Key("body".into())];
    let bw: Vec<String> = words(blueprint).iter().map(|w| singular(w).to_owned()).collect();
    let mut best: Option<(SubjectRank, &Vec<Step>)> = None;
    for c in candidates {
        let (Value::Object(_), Some(Step::Key(k))) = (c.value, c.steps.last()) else {
            continue;
        };
        if !starts_with(&c.steps, &body) {
            continue;
        }
        let kw = words(k);
        let positions: Option<Vec<usize>> = kw.iter().map(|w| bw.iter().rposition(|b| b == singular(w))).collect();
        let Some(positions) = positions.filter(|p| !p.is_empty()) else {
            continue;
        };
        // Fewer words left out, then shallower, then nearer the end (the noun).
        let last = positions.iter().max().copied().unwrap_or(0);
        let key = (bw.len() - kw.len().min(bw.len()), c.steps.len(), bw.len() - last);
        if best.is_none_or(|(b, _)| key < b) {
            best = Some((key, &c.steps));
        }
    }
    best.map_or(body, |(_, s)| s.clone())
}

/// The best path for a field, among the candidates.
fn best_path(
    field: &str,
    ty: Option<&str>,
    format: Option<&str>,
    subject: &[Step],
    candidates: &[Candidate],
) -> Option<Vec<Step>> {
    let mut best: Option<(i32, &Candidate)> = None;
    for c in candidates {
        let Some(Step::Key(k)) = c.steps.last() else {
            continue;
        };
        let name = name_score(field, k);
        if name < 30 {
            continue;
        }
        let Some(kind) = kind_score(ty, format, c.value) else {
            continue;
        };
        let mut score = name as i32 + kind - 2 * c.steps.len() as i32;
        if matches!(c.steps.first(), Some(Step::Key(k)) if k == "body") {
            score += 5;
        }
        if subject.len() > 1 && starts_with(&c.steps, subject) {
            score += 15;
        }
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.filter(|(s, _)| *s >= 40).map(|(_, c)| c.steps.clone())
}

/// The first key of `names` that the subject object holds with a non-empty string or a number.
fn pick<'a>(names: &[&str], subject: &[Step], candidates: &'a [Candidate]) -> Option<&'a Candidate<'a>> {
    let usable = |v: &Value| matches!(v, Value::String(s) if !s.is_empty()) || v.is_number();
    names.iter().find_map(|n| {
        candidates.iter().find(|c| {
            c.steps.len() == subject.len() + 1
                && starts_with(&c.steps, subject)
                && matches!(c.steps.last(), Some(Step::Key(k)) if squash(k) == *n)
                && usable(c.value)
        })
    })
}

/// The jq expression of a string field: the path, with `| tostring` when the value isn't one.
fn as_string(c: &Candidate) -> String {
    let p = jq_path(&c.steps);
    if c.value.is_string() {
        p
    } else {
        format!("{p} | tostring")
    }
}

/// Propose a mapping for `blueprint` from a sample `request` (`{body, headers, queryParams}`).
pub fn scaffold(blueprint: &Blueprint, request: &Value) -> Scaffold {
    let mut candidates = Vec::new();
    collect(request, &mut Vec::new(), &mut candidates);
    let subject = subject(&blueprint.identifier, &candidates);

    let identifier = pick(
        &["id", "identifier", "key", "slug", "uuid", "name"],
        &subject,
        &candidates,
    )
    .map_or_else(|| format!("{} | tostring", jq_path(&subject)), as_string);
    let title = pick(
        &["name", "title", "displayname", "fullname", "key", "id"],
        &subject,
        &candidates,
    )
    .map(as_string);

    let mut matches = Vec::new();
    let mut unmatched = Vec::new();
    let mut properties = Map::new();
    for (name, ty, format) in blueprint.property_kinds() {
        match best_path(name, ty, format, &subject, &candidates) {
            Some(steps) => {
                let path = jq_path(&steps);
                properties.insert(name.to_owned(), Value::String(path.clone()));
                matches.push(Match {
                    field: format!("properties.{name}"),
                    path,
                });
            }
            None => unmatched.push(format!("properties.{name}")),
        }
    }
    let mut relations = Map::new();
    for (name, many) in blueprint.relation_kinds() {
        let ty = if many { "array" } else { "string" };
        match best_path(name, Some(ty), None, &subject, &candidates) {
            Some(steps) => {
                let path = jq_path(&steps);
                relations.insert(name.to_owned(), Value::String(path.clone()));
                matches.push(Match {
                    field: format!("relations.{name}"),
                    path,
                });
            }
            None => unmatched.push(format!("relations.{name}")),
        }
    }

    let mut entity = Map::new();
    entity.insert("identifier".into(), Value::String(identifier));
    if let Some(t) = title {
        entity.insert("title".into(), Value::String(t));
    }
    entity.insert("properties".into(), Value::Object(properties));
    if !relations.is_empty() {
        entity.insert("relations".into(), Value::Object(relations));
    }
    Scaffold {
        mapping: json!({
            "blueprint": blueprint.identifier,
            "operation": "create",
            "filter": "true",
            "entity": entity,
        }),
        matches,
        unmatched,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example(name: &str) -> (Blueprint, Value) {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../examples")
            .join(name);
        let b = Blueprint::from_json(&std::fs::read_to_string(dir.join("blueprint.json")).unwrap()).unwrap();
        let r = serde_json::from_str(&std::fs::read_to_string(dir.join("request.json")).unwrap()).unwrap();
        (b, r)
    }

    fn path_of<'a>(s: &'a Scaffold, field: &str) -> Option<&'a str> {
        s.matches.iter().find(|m| m.field == field).map(|m| m.path.as_str())
    }

    #[test]
    fn quoting() {
        let k = |s: &str| Step::Key(s.into());
        assert_eq!(jq_path(&[k("body"), k("stack"), k("id")]), ".body.stack.id");
        assert_eq!(
            jq_path(&[k("headers"), k("x-signature-256")]),
            ".headers.\"x-signature-256\""
        );
        assert_eq!(
            jq_path(&[k("body"), k("stack"), k("labels"), Step::Index(0)]),
            ".body.stack.labels[0]"
        );
        assert_eq!(jq_path(&[Step::Index(2)]), ".[2]");
        assert_eq!(jq_path(&[]), ".");
        assert_eq!(jq_path(&[k("_a1")]), "._a1");
        assert_eq!(jq_path(&[k("1a")]), ".\"1a\"");
        assert_eq!(jq_path(&[k("if")]), ".\"if\"");
        assert_eq!(jq_path(&[k("")]), ".\"\"");
        assert_eq!(jq_path(&[k("a\"b\\c")]), r#"."a\"b\\c""#);
        assert_eq!(jq_path(&[k("é")]), ".\"é\"");
    }

    #[test]
    fn words_split_every_style() {
        assert_eq!(words("git_provider"), ["git", "provider"]);
        assert_eq!(words("gitProvider"), ["git", "provider"]);
        assert_eq!(words("Git-Provider"), ["git", "provider"]);
        assert_eq!(name_score("label", "labels"), 90);
        assert_eq!(name_score("link", "url"), 70);
        assert_eq!(name_score("branch", "branchName"), 30);
        assert_eq!(name_score("space", "stack"), 0);
    }

    #[test]
    fn spacelift() {
        let (b, r) = example("spacelift");
        let s = scaffold(&b, &r);
        assert_eq!(path_of(&s, "properties.repository"), Some(".body.stack.repository"));
        assert_eq!(path_of(&s, "properties.branch"), Some(".body.run.branch"));
        assert_eq!(path_of(&s, "properties.state"), Some(".body.state"));
        assert_eq!(path_of(&s, "properties.description"), Some(".body.stack.description"));
        assert_eq!(path_of(&s, "properties.label"), Some(".body.stack.labels"));
        assert_eq!(path_of(&s, "properties.link"), Some(".body.stack.url"));
        assert_eq!(s.mapping["entity"]["identifier"], ".body.stack.id");
        assert_eq!(s.mapping["entity"]["title"], ".body.stack.name");
        assert_eq!(s.mapping["blueprint"], "space_lift_stack");
        assert!(
            s.unmatched.contains(&"properties.space".to_owned()),
            "{:?}",
            s.unmatched
        );
        let (b2, r2) = example("github-pull-request");
        let s2 = scaffold(&b2, &r2);
        assert_eq!(s2.mapping["entity"]["identifier"], ".body.pull_request.id | tostring");
        assert_eq!(s2.mapping["entity"]["title"], ".body.pull_request.title");
        // The proposal is a valid mapping that maps the example to an entity the blueprint accepts.
        let config = serde_json::to_string(&json!([s.mapping])).unwrap();
        let options = crate::MapperOptions {
            blueprints: vec![b],
            ..Default::default()
        };
        let mapper = crate::Mapper::from_json(&config, options).unwrap();
        let result = mapper.map_json(serde_json::to_string(&r).unwrap().as_bytes()).unwrap();
        assert_eq!(result.entities.len(), 1);
        assert!(result.diagnostics.is_empty(), "{:?}", result.diagnostics);
        assert_eq!(result.entities[0].identifier(), "ai-agent");
    }

    #[test]
    fn every_example_scaffolds_a_mapping_that_compiles() {
        for name in ["spacelift", "spacelift-labels", "github-pull-request", "sentry-issue"] {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../examples")
                .join(name);
            if !dir.join("blueprint.json").exists() {
                continue;
            }
            let (b, r) = example(name);
            let s = scaffold(&b, &r);
            let config = serde_json::to_string(&json!([s.mapping])).unwrap();
            crate::Mapper::from_json(&config, crate::MapperOptions::default()).unwrap();
            assert_eq!(
                s.matches.len() + s.unmatched.len(),
                b.property_kinds().count() + b.relation_kinds().count(),
                "{name}"
            );
        }
    }
}
