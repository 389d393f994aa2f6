//! jq's regex primitive `_match_impl(re; flags; test)` on `regex-lite`, with compiled
//! regexes cached per thread (jaq-std recompiles on every call).
//!
//! jq 1.7's library builds `match`, `test`, `capture`, `scan`, `split`, `sub` and `gsub` on
//! this primitive (see the prelude); it yields jq's match objects: offsets and lengths in
//! codepoints, unnamed groups with `"name": null`, and groups that did not take part as
//! `{"offset": -1, "length": 0, "string": null}`.

use crate::jq::Dialect;
use jaq_json::Val;
use regex_lite::{Regex, RegexBuilder};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// How many compiled regexes a thread keeps.
const CACHE_SIZE: usize = 128;

/// jq's regex flags, as `f_match` reads them.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
struct Flags {
    global: bool,
    ignore_empty: bool,
    case_insensitive: bool,
    extended: bool,
    dot_all: bool,
    multi_line: bool,
    longest: bool,
}

impl Flags {
    /// Parse jq's flag letters; `None` names the first invalid one.
    fn parse(s: &str) -> Option<Self> {
        let mut f = Self::default();
        for c in s.chars() {
            match c {
                'g' => f.global = true,
                'i' => f.case_insensitive = true,
                'x' => f.extended = true,
                'n' => f.ignore_empty = true,
                // Oniguruma's SINGLELINE: `$` matches only at the end (regex-lite's default).
                's' => {}
                // Oniguruma's MULTILINE is "dot matches newline".
                'p' => f.dot_all = true,
                'l' => f.longest = true,
                _ => return None,
            }
        }
        Some(f)
    }
}

thread_local! {
    static CACHE: RefCell<HashMap<(String, Flags), Rc<Regex>>> = RefCell::new(HashMap::new());
}

fn compile(re: &str, flags: Flags) -> Result<Rc<Regex>, String> {
    let key = (
        re.to_owned(),
        Flags {
            global: false,
            ignore_empty: false,
            ..flags
        },
    );
    if let Some(r) = CACHE.with(|c| c.borrow().get(&key).cloned()) {
        return Ok(r);
    }
    let compiled = RegexBuilder::new(re)
        .case_insensitive(flags.case_insensitive)
        .ignore_whitespace(flags.extended)
        .dot_matches_new_line(flags.dot_all)
        .multi_line(flags.multi_line)
        .build()
        .map(Rc::new)
        .map_err(|e| format!("{re}{}{e}", super::messages::REGEX_INVALID))?;
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= CACHE_SIZE {
            c.clear();
        }
        c.insert(key, compiled.clone());
    });
    Ok(compiled)
}

/// `type (json)` as jq's `type_error` prints a value, truncated as jq 1.7 truncates it.
pub fn describe(v: &Val) -> String {
    let json = crate::value::compact(v);
    let json = if json.len() > 14 {
        let mut end = 11;
        while !json.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}...", &json[..end])
    } else {
        json
    };
    format!("{} ({json})", crate::value::TypeName::type_name(v))
}

fn as_str(v: &Val) -> Option<&str> {
    match v {
        Val::TStr(s) | Val::BStr(s) => core::str::from_utf8(s).ok(),
        _ => None,
    }
}

fn obj(fields: Vec<(&str, Val)>) -> Val {
    Val::obj(
        fields
            .into_iter()
            .map(|(k, v)| (Val::utf8_str(k.to_owned()), v))
            .collect(),
    )
}

fn int(n: usize) -> Val {
    Val::from(n as isize)
}

/// `input | _match_impl(re; flags; test)`: `true`/`false` when `test`, else an array of
/// jq match objects.
pub fn match_impl(input: &Val, re: &Val, flags: &Val, test: bool, dialect: Dialect) -> Result<Val, String> {
    let Some(s) = as_str(input) else {
        return Err(format!("{} cannot be matched, as it is not a string", describe(input)));
    };
    let Some(re) = as_str(re) else {
        return Err(format!("{} is not a string", describe(re)));
    };
    let flags = match flags {
        Val::Null => Flags::default(),
        other => match as_str(other) {
            Some(f) => Flags::parse(f).ok_or_else(|| format!("{f} is not a valid modifier string"))?,
            None => return Err(format!("{} is not a string", describe(other))),
        },
    };
    let regex = compile(re, flags)?;
    if test {
        let found = if flags.ignore_empty {
            regex.find_iter(s).any(|m| !m.as_str().is_empty())
        } else {
            regex.is_match(s)
        };
        return Ok(Val::Bool(found));
    }
    // Byte offsets -> codepoint offsets, computed incrementally (matches come in order).
    let char_at = |byte: usize| s[..byte].chars().count();
    let names: Vec<Option<&str>> = regex.capture_names().collect();
    let mut out = Vec::new();
    // jq's own loop: after an empty match move on by one character, and try once more at the
    // very end (regex-lite's iterator skips an empty match right after a non-empty one).
    let mut start = 0;
    while start <= s.len() {
        let Some(caps) = regex.captures_at(s, start) else { break };
        let whole = caps.get(0).expect("group 0 always matches");
        start = if whole.is_empty() {
            whole.end() + s[whole.end()..].chars().next().map_or(1, char::len_utf8)
        } else {
            whole.end()
        };
        if flags.ignore_empty && whole.is_empty() {
            continue;
        }
        // jq's `f_match`: an empty capture is `{offset, string: "", length: 0}` (keys in that
        // order), one that did not take part `{offset: -1, string: null, length: 0}`; in a
        // zero-width match Port's engine (jq 588ff187) makes every capture an empty one at the
        // match, jq 1.8 only those that took part.
        let empty_match = whole.is_empty();
        let captures = (1..caps.len())
            .map(|i| {
                let name = names[i].map_or(Val::Null, |n| Val::utf8_str(n.to_owned()));
                let empty_at = |offset: usize| {
                    obj(vec![
                        ("offset", int(offset)),
                        ("string", Val::utf8_str("")),
                        ("length", int(0)),
                        ("name", name.clone()),
                    ])
                };
                match caps.get(i) {
                    _ if empty_match && dialect == Dialect::Port => empty_at(char_at(whole.start())),
                    Some(m) if m.is_empty() => empty_at(char_at(m.start())),
                    Some(m) => obj(vec![
                        ("offset", int(char_at(m.start()))),
                        ("length", int(m.as_str().chars().count())),
                        ("string", Val::utf8_str(m.as_str().to_owned())),
                        ("name", name),
                    ]),
                    None => obj(vec![
                        ("offset", Val::from(-1isize)),
                        ("string", Val::Null),
                        ("length", int(0)),
                        ("name", name),
                    ]),
                }
            })
            .collect::<Vec<_>>();
        out.push(obj(vec![
            ("offset", int(char_at(whole.start()))),
            ("length", int(whole.as_str().chars().count())),
            ("string", Val::utf8_str(whole.as_str().to_owned())),
            ("captures", captures.into_iter().collect()),
        ]));
        if !flags.global {
            break;
        }
    }
    Ok(out.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Val {
        Val::utf8_str(x.to_owned())
    }

    #[test]
    fn flags_as_jq_reads_them() {
        // jq: `"foo bar FOO" | [match("foo"; "ig")] | length` is 2.
        let m = match_impl(&s("foo bar FOO"), &s("foo"), &s("ig"), false, Dialect::Port).unwrap();
        assert!(matches!(m, Val::Arr(a) if a.len() == 2));
        assert_eq!(
            match_impl(&s("a"), &s("a"), &s("q"), true, Dialect::Port).unwrap_err(),
            "q is not a valid modifier string"
        );
    }

    /// Capture objects as jq's `f_match` builds them, key order included; in a zero-width match
    /// Port's engine (jq 588ff187) makes every capture an empty one at the match, jq 1.8 only
    /// the captures that took part (both recorded: port-exec and jq 1.8's src/builtin.c).
    #[test]
    fn captures_of_empty_and_missing_groups_as_each_engine_builds_them() {
        let text = |v: Val| crate::value::compact(&v);
        let port = match_impl(&s("foo"), &s("(?<a>x)?"), &Val::Null, false, Dialect::Port).unwrap();
        assert_eq!(
            text(port),
            r#"[{"offset":0,"length":0,"string":"","captures":[{"offset":0,"string":"","length":0,"name":"a"}]}]"#
        );
        let jq18 = match_impl(&s("foo"), &s("(?<a>x)?"), &Val::Null, false, Dialect::Standard).unwrap();
        assert_eq!(
            text(jq18),
            r#"[{"offset":0,"length":0,"string":"","captures":[{"offset":-1,"string":null,"length":0,"name":"a"}]}]"#
        );
        // In a match that is not empty, both: a group that did not take part, an empty one.
        for dialect in [Dialect::Port, Dialect::Standard] {
            let m = match_impl(&s("ab"), &s("(x)?(y*)b"), &Val::Null, false, dialect).unwrap();
            assert_eq!(
                text(m),
                r#"[{"offset":1,"length":1,"string":"b","captures":[{"offset":-1,"string":null,"length":0,"name":null},{"offset":1,"string":"","length":0,"name":null}]}]"#
            );
        }
    }

    #[test]
    fn non_strings_are_refused_as_jq_words_it() {
        assert_eq!(
            match_impl(&Val::from(123isize), &s("a"), &Val::Null, true, Dialect::Port).unwrap_err(),
            "number (123) cannot be matched, as it is not a string"
        );
    }
}
