//! The request reader that skips what a mapper does not read: request JSON parsed into a jq
//! value building only the parts of the body and headers a [`RequestDemand`] names. Syntax
//! errors anywhere, skipped parts included, are those of a full parse.

use super::demand::{Demand, RequestDemand};
use jaq_json::{Map, Num, Val};
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
use std::fmt;

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
    use crate::expression::Expression;
    use crate::jq::Dialect;

    fn demand(exprs: &[&str]) -> RequestDemand {
        let mut d = RequestDemand::none();
        for e in exprs {
            d.add(Expression::new(e, Dialect::Port).reads());
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
            "\"\\(.)\"",
            ".body.a == \"x\" | not",
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
    fn pipes_from_a_path_arrays_and_optional_paths_demand_that_path_only() {
        for program in ["\"\\(.body.a | keys)\" == \"x\"", "[.body.a] == []"] {
            let d = demand(&[program]);
            assert_eq!(d.body, Demand::Keys(vec![(b"a".to_vec(), Demand::All)]), "{program}");
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
        d.add(crate::expression::Expression::new(".body.a", crate::jq::Dialect::Port).reads());
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
