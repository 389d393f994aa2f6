//! Which parts of a request body a mapping can read, so request JSON is parsed into just those.
//!
//! Most expressions in real mappings are plain field paths (`.body.stack.id`): a mapping made
//! only of those reads a handful of the body's fields, yet building the whole body as jq values
//! (an allocation per string, a hash table per object) was most of the cost of mapping a
//! request. [`Demand`] records the paths a mapping's fast-path expressions read; [`parse_request`]
//! then skips (but still checks the syntax of) every other part of the body.
//!
//! The skipped parts can never change a result: a field path only reads along its own path, and
//! the interpreter, run when the fast path declines, runs the same path. Wherever a demanded
//! node is not an object, the node is kept whole, so errors quote the same value. As soon as one
//! expression is not a field path, the whole body is demanded.

use crate::fast_path::{FastPath, Step};
use crate::jq::front::syntax;
use jaq_core::load::lex::StrPart;
use jaq_core::load::parse::{BinaryOp, Term};
use jaq_json::{Map, Num, Val};
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
use std::fmt;

/// The part of a value that must be built.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Demand {
    /// The whole value.
    #[default]
    All,
    /// If the value is an object, only these keys (each with its own demand); any other value
    /// is kept whole.
    Keys(Vec<(Vec<u8>, Demand)>),
}

impl Demand {
    /// Nothing yet (a body no expression reads).
    pub fn none() -> Self {
        Self::Keys(Vec::new())
    }

    /// True when the whole value is demanded.
    pub fn is_all(&self) -> bool {
        matches!(self, Self::All)
    }

    /// Demand the whole value at `steps` (an array index keeps the array whole).
    pub fn add_path(&mut self, steps: &[Step]) {
        let Self::Keys(keys) = self else { return };
        let Some((step, rest)) = steps.split_first() else {
            *self = Self::All;
            return;
        };
        let key: &[u8] = match step {
            Step::Key(Val::TStr(k) | Val::BStr(k)) => k,
            _ => {
                *self = Self::All;
                return;
            }
        };
        match keys.iter_mut().find(|(k, _)| k.as_slice() == key) {
            Some((_, sub)) => sub.add_path(rest),
            None => {
                let mut sub = Self::none();
                sub.add_path(rest);
                keys.push((key.to_vec(), sub));
            }
        }
    }
}

/// What a mapper reads of a request: parts of the body, and some headers.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestDemand {
    /// The body's demanded parts.
    pub body: Demand,
    /// The names of the headers read (matched without regard to case, as the lowercase aliases
    /// are made from them), or `None` for all of them.
    pub headers: Option<Vec<Vec<u8>>>,
}

impl Default for RequestDemand {
    fn default() -> Self {
        Self::none()
    }
}

impl RequestDemand {
    /// Nothing read yet.
    pub fn none() -> Self {
        Self {
            body: Demand::none(),
            headers: Some(Vec::new()),
        }
    }

    /// Demand what an expression over `{body, headers, queryParams, item}` can read: the
    /// value at its path for a field path, nothing for a literal, everything for anything else.
    pub fn add_expression(&mut self, fast: Option<&FastPath>) {
        let steps = match fast {
            Some(FastPath::Const(_)) => return,
            Some(FastPath::Path { steps, .. }) => steps,
            None => return self.all(),
        };
        let Some((first, rest)) = steps.split_first() else {
            return self.all(); // `.`
        };
        match (key_bytes(first), rest.first().and_then(key_bytes)) {
            (Some(b"body"), _) => self.body.add_path(rest),
            (Some(b"headers"), Some(name)) => {
                if let Some(names) = &mut self.headers {
                    if !names.iter().any(|n| n.as_slice() == name) {
                        names.push(name.to_vec());
                    }
                }
            }
            (Some(b"headers"), None) => self.headers = None,
            // `.queryParams…` is always built; `.item…` reads no part of the request, and any
            // other key of the request is null.
            _ => {}
        }
    }

    /// Demand what the expression `source` can read, in Port's dialect (as the mapper compiles
    /// it: the text after Port's quote rewrite), from jaq's parse tree. Beyond field paths and
    /// literals, an expression `PATH | REST` reads only the value at `PATH`: in jq the right
    /// side of a pipe sees nothing but the left side's output (`|` binds loosest; `|=`, an
    /// update, reads everything). And an expression made only of field paths, literals,
    /// comparisons, arithmetic, `and`/`or`, `//`, `,` and `if`, as filters usually are
    /// (`.body.event_type == "run_state_changed_event"`), reads only its paths: each of those
    /// runs on the same input.
    pub fn add_source(&mut self, source: &str, fast: Option<&FastPath>) {
        if fast.is_some() {
            return self.add_expression(fast);
        }
        let code = crate::jq::rewrite_single_quotes(source).code;
        match syntax::parse_code(&code).as_ref().and_then(reads) {
            Some(paths) => {
                for steps in paths {
                    self.add_expression(Some(&FastPath::Path { steps, tostring: false }));
                }
            }
            None => self.all(),
        }
    }

    fn all(&mut self) {
        self.body = Demand::All;
        self.headers = None;
    }

    /// True when everything is demanded.
    pub fn is_all(&self) -> bool {
        self.body.is_all() && self.headers.is_none()
    }
}

/// The field paths `term` reads (see [`RequestDemand::add_source`]); `None` when it may read
/// anything.
fn reads(term: &Term<&str>) -> Option<Vec<Vec<Step>>> {
    if let Term::BinOp(path, BinaryOp::Pipe(None), _) = term {
        if let Some(steps) = FastPath::path_of(path) {
            return Some(vec![steps]);
        }
    }
    let mut paths = Vec::new();
    root_paths(term, &mut paths)?;
    Some(paths)
}

/// Add the field paths of a term built only of field paths, literals (strings, numbers,
/// `true`, `false`, `null`), string interpolations of such terms, negation, the operators
/// `== != < <= > >= + - * / % // , and or` and `if … then … elif … else … end`: every part of
/// such a term runs on the request itself. `None` for anything else.
fn root_paths(term: &Term<&str>, paths: &mut Vec<Vec<Step>>) -> Option<()> {
    use BinaryOp::{Alt, And, Cmp, Comma, Math, Or};
    match term {
        Term::Num(_) => {}
        Term::Call("true" | "false" | "null", args) if args.is_empty() => {}
        Term::Str(None, parts) => {
            for p in parts {
                if let StrPart::Term(t) = p {
                    root_paths(t, paths)?;
                }
            }
        }
        Term::Neg(t) => root_paths(t, paths)?,
        Term::BinOp(l, Alt | And | Or | Comma | Math(_) | Cmp(_), r) => {
            root_paths(l, paths)?;
            root_paths(r, paths)?;
        }
        Term::IfThenElse(branches, otherwise) => {
            for (cond, then) in branches {
                root_paths(cond, paths)?;
                root_paths(then, paths)?;
            }
            if let Some(t) = otherwise {
                root_paths(t, paths)?;
            }
        }
        _ => paths.push(FastPath::path_of(term)?),
    }
    Some(())
}

/// A path step's key as bytes (`None` for an index).
fn key_bytes(step: &Step) -> Option<&[u8]> {
    match step {
        Step::Key(Val::TStr(k) | Val::BStr(k)) => Some(k),
        _ => None,
    }
}

/// Parse request JSON, building only what `demand` demands of the body and the headers (the
/// query parameters and any other member are built whole). Syntax errors anywhere, skipped
/// parts included, are those of a full parse.
pub fn parse_request<'de, D: Deserializer<'de>>(d: D, demand: &RequestDemand) -> Result<Val, D::Error> {
    if demand.is_all() {
        return Val::deserialize(d);
    }
    d.deserialize_any(Pruned(Members::Request(demand)))
}

/// Parse a JSON value (a body), building only what `demand` demands.
pub fn parse_value<'de, D: Deserializer<'de>>(d: D, demand: &Demand) -> Result<Val, D::Error> {
    match demand {
        Demand::All => Val::deserialize(d),
        Demand::Keys(keys) => d.deserialize_any(Pruned(Members::Keys(keys))),
    }
}

/// Which members of an object to build.
#[derive(Clone, Copy)]
enum Members<'a> {
    /// These keys, each with its own demand; the others are skipped.
    Keys(&'a [(Vec<u8>, Demand)]),
    /// The request's members: the body and headers as demanded, the others whole.
    Request(&'a RequestDemand),
    /// Headers with these names (in any case) whole; of the others, only values that are not
    /// strings (which the request's check then reports).
    Headers(&'a [Vec<u8>]),
}

/// Builds a value as [`Val`]'s own `Deserialize` does, but only the demanded members of an
/// object; anything but an object is built whole.
struct Pruned<'a>(Members<'a>);

impl<'de> DeserializeSeed<'de> for Pruned<'_> {
    type Value = Val;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Val, D::Error> {
        d.deserialize_any(self)
    }
}

/// Build a value with `demand`.
struct Demanded<'a>(&'a Demand);

impl<'de> DeserializeSeed<'de> for Demanded<'_> {
    type Value = Val;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Val, D::Error> {
        parse_value(d, self.0)
    }
}

/// A member name: borrowed from the text when it has no escapes (skipped members then cost
/// no allocation).
struct Key<'de>(Cow<'de, [u8]>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v.as_bytes())))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.as_bytes().to_vec())))
            }
            fn visit_string<E>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.into_bytes())))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

impl<'de> Visitor<'de> for Pruned<'_> {
    type Value = Val;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any valid JSON value")
    }

    // Everything but objects is built whole, exactly as `Val`'s own visitor builds it.
    fn visit_bool<E>(self, v: bool) -> Result<Val, E> {
        Ok(Val::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Val, E> {
        Ok(Val::Num(Num::from_integral(v)))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Val, E> {
        Ok(Val::Num(Num::from_integral(v)))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Val, E> {
        Ok(Val::Num(Num::from_integral(v)))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Val, E> {
        Ok(Val::Num(Num::from_integral(v)))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Val, E> {
        Ok(Val::Num(Num::Float(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Val, E> {
        Ok(Val::utf8_str(v.as_bytes().to_vec()))
    }
    fn visit_string<E>(self, v: String) -> Result<Val, E> {
        Ok(Val::utf8_str(v.into_bytes()))
    }
    fn visit_none<E>(self) -> Result<Val, E> {
        Ok(Val::Null)
    }
    fn visit_unit<E>(self) -> Result<Val, E> {
        Ok(Val::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Val, D::Error> {
        Val::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Val, A::Error> {
        std::iter::from_fn(|| seq.next_element::<Val>().transpose()).collect()
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Val, A::Error> {
        let mut map = Map::default();
        while let Some(Key(key)) = access.next_key()? {
            let value = match self.0 {
                Members::Keys(keys) => match keys.iter().find(|(k, _)| **k == *key) {
                    Some((_, sub)) => Some(access.next_value_seed(Demanded(sub))?),
                    None => access.next_value::<Skip>().map(|_| None)?,
                },
                Members::Request(demand) => Some(match (&*key, &demand.headers) {
                    (b"body", _) => access.next_value_seed(Demanded(&demand.body))?,
                    (b"headers", Some(names)) => access.next_value_seed(Pruned(Members::Headers(names)))?,
                    _ => access.next_value::<Val>()?,
                }),
                Members::Headers(names) => {
                    if names.iter().any(|n| n.eq_ignore_ascii_case(&key)) {
                        Some(access.next_value::<Val>()?)
                    } else {
                        access.next_value::<NotAString>()?.0
                    }
                }
            };
            if let Some(v) = value {
                map.insert(Val::utf8_str(key.into_owned()), v);
            }
        }
        Ok(Val::obj(map))
    }
}

/// A value skipped when it is a string, else built whole.
struct NotAString(Option<Val>);

impl<'de> Deserialize<'de> for NotAString {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = NotAString;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any valid JSON value")
            }
            fn visit_str<E>(self, _: &str) -> Result<NotAString, E> {
                Ok(NotAString(None))
            }
            fn visit_bool<E>(self, v: bool) -> Result<NotAString, E> {
                Ok(NotAString(Some(Val::Bool(v))))
            }
            fn visit_i64<E>(self, v: i64) -> Result<NotAString, E> {
                Ok(NotAString(Some(Val::Num(Num::from_integral(v)))))
            }
            fn visit_u64<E>(self, v: u64) -> Result<NotAString, E> {
                Ok(NotAString(Some(Val::Num(Num::from_integral(v)))))
            }
            fn visit_f64<E>(self, v: f64) -> Result<NotAString, E> {
                Ok(NotAString(Some(Val::Num(Num::Float(v)))))
            }
            fn visit_unit<E>(self) -> Result<NotAString, E> {
                Ok(NotAString(Some(Val::Null)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<NotAString, A::Error> {
                Pruned(Members::Keys(&[])).visit_seq(seq).map(|v| NotAString(Some(v)))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<NotAString, A::Error> {
                // Only its type is reported.
                Pruned(Members::Keys(&[])).visit_map(map).map(|v| NotAString(Some(v)))
            }
        }
        d.deserialize_any(V)
    }
}

/// A value read and dropped without being built. Unlike serde's `IgnoredAny`, it reads every
/// value as the full parse does (numbers included), so it refuses exactly what that refuses
/// (`1e400`: out of range).
struct Skip;

impl<'de> Deserialize<'de> for Skip {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(Skip)
    }
}

impl<'de> Visitor<'de> for Skip {
    type Value = Skip;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any valid JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_i128<E>(self, _: i128) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_u128<E>(self, _: u128) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_str<E>(self, _: &str) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_none<E>(self) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_unit<E>(self) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Skip, D::Error> {
        Skip::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Skip, A::Error> {
        while seq.next_element::<Skip>()?.is_some() {}
        Ok(Skip)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Skip, A::Error> {
        while access.next_entry::<Skip, Skip>()?.is_some() {}
        Ok(Skip)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demand(exprs: &[&str]) -> RequestDemand {
        let mut d = RequestDemand::none();
        for e in exprs {
            d.add_source(e, FastPath::detect(e).as_ref());
        }
        d
    }

    fn parse(text: &str, d: &RequestDemand) -> serde_json::Value {
        let v = parse_request(&mut serde_json::Deserializer::from_str(text), d).unwrap();
        crate::value::from_val(&v)
    }

    #[test]
    fn field_paths_demand_their_subtrees_only() {
        let d = demand(&[".body.a.b", ".body.c | tostring", "true", ".headers.x", ".item.y"]);
        let text =
            r#"{"body": {"a": {"b": [1, {"z": 2}], "skip": 3}, "c": "s", "d": {"e": 4}}, "headers": {"x": "1"}}"#;
        assert_eq!(
            parse(text, &d),
            serde_json::json!({"body": {"a": {"b": [1, {"z": 2}]}, "c": "s"}, "headers": {"x": "1"}})
        );
    }

    #[test]
    fn anything_but_a_field_path_demands_the_whole_body() {
        for e in [".body | keys", ".", "keys", ".body", ".body.a, .body.c"] {
            let d = demand(&[".body.a.b", e]);
            let text = r#"{"body": {"a": [{"b": 1}], "c": 2}}"#;
            assert_eq!(
                parse(text, &d),
                serde_json::json!({"body": {"a": [{"b": 1}], "c": 2}}),
                "{e}"
            );
        }
    }

    #[test]
    fn headers_read_in_any_case_are_kept_and_others_skipped_unless_not_strings() {
        let d = demand(&[".headers[\"x-sig\"]"]);
        let text = r#"{"body": {}, "headers": {"X-Sig": "a", "x-sig": "b", "Other": "c", "Bad": 1}}"#;
        assert_eq!(
            parse(text, &d),
            serde_json::json!({"body": {}, "headers": {"X-Sig": "a", "x-sig": "b", "Bad": 1}})
        );
        assert_eq!(demand(&[".headers | keys"]).headers, None);
        assert_eq!(demand(&[".headers"]).headers, None);
        assert!(demand(&["keys"]).is_all());
    }

    #[test]
    fn a_path_piped_into_anything_demands_the_path_only() {
        let d = demand(&[
            ".body.a | ascii_downcase",
            ".body[\"b|c\"] | length",
            ".body.d | tostring | length",
        ]);
        let text = r#"{"body": {"a": "X", "b|c": [1], "d": {"e": 1}, "z": 1}}"#;
        assert_eq!(
            parse(text, &d),
            serde_json::json!({"body": {"a": "X", "b|c": [1], "d": {"e": 1}}})
        );
        for whole in [
            ".body.a |= 1",
            ".body.a, .body.z | f",
            ".body.a // .body.z | f",
            ".body.a as $x | .",
            "\"\\(keys)\"",
        ] {
            assert!(demand(&[whole]).body.is_all(), "{whole}");
        }
    }

    #[test]
    fn filters_of_paths_and_literals_demand_their_paths_only() {
        let d = demand(&[
            ".body.kind == \"run\" and .body.n >= 1.5e1",
            "if .body.a != null then .body[\"b\"] elif (.body.c) then -.body.n else 0 end",
            ".headers.x // \"none\"",
            "\"\\(.body.kind)-\\(\"x\\(.body.n)\")\"",
        ]);
        let text = r#"{"body": {"kind": "run", "n": 2, "a": {"x": 1}, "b": [1], "c": true, "z": {"deep": 1}}, "headers": {"x": "1", "y": "2"}}"#;
        assert_eq!(
            parse(text, &d),
            serde_json::json!({"body": {"kind": "run", "n": 2, "a": {"x": 1}, "b": [1], "c": true}, "headers": {"x": "1"}})
        );
        // Port's quotes are read as Port rewrites them; an escaped key is the key it denotes.
        let d = demand(&[".body.state == 'FINISHED'", ".body[\"x\\\"y\"] != null"]);
        assert_eq!(
            d.body,
            Demand::Keys(vec![(b"state".to_vec(), Demand::All), (b"x\"y".to_vec(), Demand::All)])
        );
        for whole in [
            ".body.a == .",
            ".body.a += 1",
            ".body.a = 1",
            ".body.a //= 1",
            "\"\\(.body.a | keys)\" == \"x\"",
            "\"\\(.)\"",
            ".body.a == \"x\" | not",
            "[.body.a] == []",
            ".body.a == $__loc__",
            "length > 1",
            ".body.a? == 1",
            ".body.a[] == 1",
            ".. == 1",
        ] {
            assert!(demand(&[whole]).body.is_all(), "{whole}");
        }
    }

    #[test]
    fn an_array_index_keeps_the_array_whole() {
        let d = demand(&[".body.a[0].b"]);
        let text = r#"{"body": {"a": [{"b": 1, "c": 2}], "c": 2}}"#;
        assert_eq!(parse(text, &d), serde_json::json!({"body": {"a": [{"b": 1, "c": 2}]}}));
    }

    #[test]
    fn a_demanded_node_that_is_not_an_object_is_kept_whole() {
        let d = demand(&[".body.a.b.c"]);
        let text = r#"{"body": {"a": [1, 2, {"b": 3}], "x": 1}}"#;
        assert_eq!(parse(text, &d), serde_json::json!({"body": {"a": [1, 2, {"b": 3}]}}));
    }

    #[test]
    fn skipped_parts_are_still_checked() {
        let d = demand(&[".body.a"]);
        for bad in [r#"{"body": {"a": 1, "b": [1,}}"#, r#"{"body": {"a": 1, "b": tru}}"#] {
            assert!(
                parse_request(&mut serde_json::Deserializer::from_str(bad), &d).is_err(),
                "{bad}"
            );
        }
    }
}

#[cfg(test)]
mod agreement {
    use super::*;

    /// Whether a full parse and a demand-driven parse accept or refuse `text` alike.
    fn same_verdict(text: &str) {
        let mut d = RequestDemand::none();
        d.add_expression(FastPath::detect(".body.a").as_ref());
        let full = serde_json::from_str::<Val>(text).map_err(|e| e.to_string());
        let pruned = parse_request(&mut serde_json::Deserializer::from_str(text), &d).map_err(|e| e.to_string());
        assert_eq!(full.is_ok(), pruned.is_ok(), "{text}: {full:?} / {pruned:?}");
        if let (Err(a), Err(b)) = (full, pruned) {
            assert_eq!(a, b, "{text}");
        }
    }

    #[test]
    fn skipped_parts_are_refused_as_a_full_parse_refuses_them() {
        let deep = format!(
            r#"{{"body": {{"a": 1, "b": {}1{}}}}}"#,
            "[".repeat(200),
            "]".repeat(200)
        );
        for text in [
            r#"{"body": {"a": 1, "b": 1e400}}"#,
            r#"{"body": {"a": 1, "b": "\x"}}"#,
            r#"{"body": {"a": 1, "b": "\ud800"}}"#,
            r#"{"body": {"a": 1, "b": "tab	inside"}}"#,
            r#"{"body": {"a": 1, "b": 01}}"#,
            r#"{"body": {"a": 1, "b": -}}"#,
            deep.as_str(),
        ] {
            same_verdict(text);
        }
    }
}
