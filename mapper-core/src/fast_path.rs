//! The fast path: the simplest and most common expressions of a mapping -- a field path such
//! as `.body.stack.id` (optionally `| tostring`), or the literal `true` -- looked up directly on
//! the request value instead of running jq's interpreter.
//!
//! The fast path only ever answers when its answer is certain to be the interpreter's: one
//! output, no error. Whenever a step meets anything else (indexing a number, a string, a key on
//! an array, `tostring` on a non-string), it declines and the caller runs the compiled program,
//! so results, errors and their wording stay exactly the interpreter's.

use crate::jq::front::syntax::{self, Tk};
use crate::path::{Step, KEYWORDS};
use jaq_core::load::lex::{StrPart, Tok, Token};
use jaq_core::load::parse::Term;
use jaq_core::path::{Opt, Part, Path};
use jaq_json::Val;

/// An expression simple enough to evaluate without the interpreter.
#[derive(Debug, Clone, PartialEq)]
pub enum FastPath {
    /// A literal (`true`, `false`, `null`, a string without escapes): always that value.
    Const(Val),
    /// A field path, e.g. `.body.stack.id`, `.headers["x-request-id"]`, `.items[0]`.
    Path {
        /// The steps from the input, in order.
        steps: Vec<Step>,
        /// True for `path | tostring` (answered directly only when the value is a string).
        tostring: bool,
    },
}

/// An object key looked up in a jq object as the bytes of a jq string, without making a
/// [`Val`] for it: hashed exactly as jaq-json hashes a string value (tag 5, then the bytes),
/// and equal to the string values (text or byte strings) holding those bytes.
struct StrKey<'a>(&'a [u8]);

impl core::hash::Hash for StrKey<'_> {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        state.write_u8(5);
        self.0.hash(state);
    }
}

impl indexmap::Equivalent<Val> for StrKey<'_> {
    fn equivalent(&self, key: &Val) -> bool {
        matches!(key, Val::TStr(b) | Val::BStr(b) if b.as_ref() == self.0)
    }
}

impl FastPath {
    /// The field path `steps` (with `| tostring` when `tostring`).
    pub fn path(steps: Vec<Step>, tostring: bool) -> Self {
        Self::Path { steps, tostring }
    }

    /// Recognise a fast-path expression in jq source (Port's dialect or standard: the
    /// recognised forms contain no single quotes, so both read them alike), from jaq's tokens.
    /// `None` when the expression needs the interpreter.
    pub fn detect(source: &str) -> Option<Self> {
        Self::of_tokens(&syntax::lex(source)?)
    }

    /// [`FastPath::detect`] on the tokens of the source.
    pub fn of_tokens(tokens: &[Tk<'_>]) -> Option<Self> {
        match tokens {
            [t] if syntax::is_word(t, "true") => return Some(Self::Const(Val::Bool(true))),
            [t] if syntax::is_word(t, "false") => return Some(Self::Const(Val::Bool(false))),
            [t] if syntax::is_word(t, "null") => return Some(Self::Const(Val::Null)),
            [t @ Token(_, Tok::Str(_))] => return plain_string(t).map(|s| Self::Const(Val::utf8_str(s.to_owned()))),
            _ => {}
        }
        let (path, tostring) = match tokens {
            [path @ .., bar, word] if syntax::is_sym(bar, "|") && syntax::is_word(word, "tostring") => (path, true),
            all => (all, false),
        };
        Some(Self::path(steps(path)?, tostring))
    }

    /// The steps of a field path in jaq's parse tree (`.a."b"[0]`, `.`), for analyses of
    /// larger expressions; `None` for any other term (`.a?`, `.[]`, `$x.a`, `.[-1]`, ...).
    pub(crate) fn path_of(term: &Term<&str>) -> Option<Vec<Step>> {
        let parts = match term {
            Term::Id => return Some(Vec::new()),
            Term::Path(head, Path(parts)) if matches!(**head, Term::Id) => parts,
            _ => return None,
        };
        parts
            .iter()
            .map(|part| match part {
                (Part::Index(Term::Str(None, key)), Opt::Essential) => {
                    let mut s = String::new();
                    for p in key {
                        match p {
                            StrPart::Str(t) => s.push_str(t),
                            StrPart::Char(c) => s.push(*c),
                            StrPart::Term(_) => return None,
                        }
                    }
                    Some(Step::Key(s))
                }
                (Part::Index(Term::Num(n)), Opt::Essential) => index(n).map(Step::Index),
                _ => None,
            })
            .collect()
    }

    /// The expression's value on `input`, when it is certain to be the interpreter's only
    /// output; `None` means "run the interpreter" (an error, or a case the fast path leaves to it).
    pub fn eval(&self, input: &Val) -> Option<Val> {
        match self {
            Self::Const(v) => Some(v.clone()),
            Self::Path { steps, tostring } => {
                let mut cur = input;
                for step in steps {
                    cur = match (cur, step) {
                        (Val::Null, _) => return Self::finish(&Val::Null, *tostring),
                        (Val::Obj(o), Step::Key(k)) => match o.get(&StrKey(k.as_bytes())) {
                            Some(v) => v,
                            None => return Self::finish(&Val::Null, *tostring),
                        },
                        (Val::Arr(a), Step::Index(n)) => match a.get(*n) {
                            Some(v) => v,
                            None => return Self::finish(&Val::Null, *tostring),
                        },
                        _ => return None,
                    };
                }
                Self::finish(cur, *tostring)
            }
        }
    }

    fn finish(v: &Val, tostring: bool) -> Option<Val> {
        match (v, tostring) {
            (_, false) | (Val::TStr(_), true) => Some(v.clone()),
            // `null | tostring` is "null", numbers print as jq prints them: the interpreter knows.
            _ => None,
        }
    }
}

/// The text of a string literal without escapes, interpolation or single quotes (Port's
/// dialect may rewrite a `'` inside a string, e.g. `"a 'b c' d"`, into a double quote).
fn plain_string<'s>(t: &Tk<'s>) -> Option<&'s str> {
    let Tok::Str(parts) = &t.1 else { return None };
    let s = match parts.as_slice() {
        [] => "",
        [StrPart::Str(s)] => s,
        _ => return None,
    };
    (!s.contains('\'')).then_some(s)
}

/// An array index as jq writes it plainly: digits, no sign, no leading zeros.
fn index(digits: &str) -> Option<usize> {
    let plain = !digits.is_empty()
        && digits.len() <= 9
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !(digits.len() > 1 && digits.starts_with('0'));
    plain.then(|| digits.parse().ok()).flatten()
}

/// The steps of the field path written as `tokens`, each directly after the previous one:
/// `.`, or `.name`, `."name"`, `.["name"]`, `.[n]`, followed by `.name`, `."name"`, `["name"]`
/// and `[n]` steps.
fn steps(tokens: &[Tk<'_>]) -> Option<Vec<Step>> {
    if tokens.windows(2).any(|w| !syntax::adjacent(w[0].0, w[1].0)) {
        return None;
    }
    let first = tokens.first()?;
    let mut steps = Vec::new();
    let mut i = if syntax::is_sym(first, ".") {
        // The first step may follow the leading dot directly.
        match tokens.get(1) {
            None => return Some(steps),
            Some(t @ Token(_, Tok::Block(_))) => steps.push(bracket(t)?),
            Some(t) => steps.push(Step::Key(plain_string(t)?.to_owned())),
        }
        2
    } else {
        steps.push(field(first)?);
        1
    };
    while let Some(t) = tokens.get(i) {
        if syntax::is_sym(t, ".") {
            let key = plain_string(tokens.get(i + 1)?)?;
            steps.push(Step::Key(key.to_owned()));
            i += 2;
        } else {
            steps.push(field(t).or_else(|| bracket(t))?);
            i += 1;
        }
    }
    Some(steps)
}

/// A `.name` token's step (keywords are left to the interpreter).
fn field(t: &Tk<'_>) -> Option<Step> {
    let name = t.0.strip_prefix('.').filter(|_| matches!(t.1, Tok::Sym))?;
    let ident = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
    (ident && !KEYWORDS.contains(&name)).then(|| Step::Key(name.to_owned()))
}

/// A `["name"]` or `[n]` block's step, written without spaces.
fn bracket(t: &Tk<'_>) -> Option<Step> {
    let Token(open, Tok::Block(inner)) = t else { return None };
    let [x, close] = inner.as_slice() else { return None };
    if !(open.starts_with('[') && syntax::adjacent(&open[..1], x.0) && syntax::adjacent(x.0, close.0)) {
        return None;
    }
    match x.1 {
        Tok::Num => index(x.0).map(Step::Index),
        _ => plain_string(x).map(|s| Step::Key(s.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jq::{Dialect, Evaluation, Program, RunContext};

    fn key(k: &str) -> Step {
        Step::Key(k.to_owned())
    }

    #[test]
    fn recognises_paths_literals_and_tostring() {
        let path = |steps, tostring| Some(FastPath::path(steps, tostring));
        assert_eq!(
            FastPath::detect(".body.stack.id"),
            path(vec![key("body"), key("stack"), key("id")], false)
        );
        assert_eq!(
            FastPath::detect(" .body.stack.id | tostring "),
            path(vec![key("body"), key("stack"), key("id")], true)
        );
        assert_eq!(
            FastPath::detect(".headers[\"x-request-id\"]"),
            path(vec![key("headers"), key("x-request-id")], false)
        );
        assert_eq!(
            FastPath::detect(".[\"a b\"][0].c"),
            path(vec![key("a b"), Step::Index(0), key("c")], false)
        );
        assert_eq!(FastPath::detect(".\"a-b\".c"), path(vec![key("a-b"), key("c")], false));
        assert_eq!(FastPath::detect("."), path(vec![], false));
        // Read from jaq's tokens: comments are space, `|` needs none around it.
        assert_eq!(FastPath::detect(".a|tostring"), path(vec![key("a")], true));
        assert_eq!(
            FastPath::detect("# the id\n.a # (a string)"),
            path(vec![key("a")], false)
        );
        assert_eq!(FastPath::detect("true"), Some(FastPath::Const(Val::Bool(true))));
        assert_eq!(
            FastPath::detect("\"Success\""),
            Some(FastPath::Const(Val::utf8_str("Success")))
        );
    }

    #[test]
    fn leaves_everything_else_to_the_interpreter() {
        for src in [
            ".a?",
            ".a[]",
            ".a[-1]",
            ".a[01]",
            "..",
            ".a.[0]",
            ".a .b",
            ".a | .b",
            ".a // \"x\"",
            ".a|tostring|ascii",
            "'Success'",
            "\"a\\\"b\"",
            "\"\\(.a)\"",
            ".if",
            ".a.and",
            ".$x",
            "$__loc__",
            ".a[\"b\"",
            "1",
            ".[]",
            ".a | tostrings",
            ".a | tostring | x",
            "not",
            "",
            ".a,.b",
            ".a.b.",
            ".a[0:2]",
            ".__loc__",
            // Port's single-quote rewrite may change these: left to the interpreter.
            "\"a 'b c' d\"",
            ".[\"it's\"]",
            ".\"x 'y' z\"",
        ] {
            assert_eq!(FastPath::detect(src), None, "{src}");
        }
    }

    fn interpreter(src: &str, input: &Val) -> Evaluation {
        let p = Program::compile(src, Dialect::Port).unwrap_or_else(|e| panic!("{src}: {e:?}"));
        p.first(input.clone(), &RunContext::default()).0
    }

    fn parse(text: &str) -> Val {
        serde_json::from_str(text).unwrap()
    }

    /// Every expression on every input: where the fast path answers, the interpreter gives that
    /// same value as its only output; where it declines, the interpreter errs or stringifies.
    #[test]
    fn agrees_with_the_interpreter_on_paths_times_inputs() {
        let exprs = [
            ".",
            ".a",
            ".a.b",
            ".a.b.c",
            ".a[0]",
            ".a[1].b",
            ".[0]",
            ".[2]",
            ".[\"a\"]",
            ".a[\"b c\"]",
            ".\"b c\"",
            ".a.n",
            ".a.s",
            ".a.arr[0]",
            ".a.arr[5]",
            ".missing.deeper",
            ".a.b | tostring",
            ".a.s | tostring",
            ".a.n | tostring",
            ".missing | tostring",
            ".a | tostring",
            ".a.arr | tostring",
            "true",
            "false",
            "null",
            "\"lit\"",
            ".a.t",
            ".a.f",
            ".a.z",
            ".a.s.x",
            ".a.n.x",
            ".a.t.x",
            ".a.arr.x",
            ".a[\"0\"]",
            ".a.arr[\"0\"]",
            ".a.s|tostring",
            "# c\n.a.b # c",
        ];
        let inputs = [
            "null",
            "true",
            "1",
            "1.5",
            "\"str\"",
            "[]",
            "[1, {\"b\": 2}, null]",
            "{}",
            "{\"a\": null}",
            "{\"a\": 1}",
            "{\"a\": \"x\"}",
            "{\"a\": [10, {\"b\": \"y\"}]}",
            "{\"a\": {\"b\": {\"c\": [1]}, \"b c\": 3, \"n\": 100000000000, \"s\": \"text\", \"arr\": [\"p\", 2], \"t\": true, \"f\": false, \"z\": null, \"0\": \"zero\"}}",
            "{\"b c\": {\"x\": 1}, \"a\": {\"b\": 1.0}}",
        ];
        let (mut answered, mut declined) = (0, 0);
        for src in exprs {
            let fast = FastPath::detect(src).unwrap_or_else(|| panic!("{src} should be on the fast path"));
            for text in inputs {
                let input = parse(text);
                let slow = interpreter(src, &input);
                match fast.eval(&input) {
                    Some(v) => {
                        answered += 1;
                        match slow {
                            Evaluation::Value { value, dropped_outputs } => {
                                assert_eq!(value, v, "{src} on {text}");
                                assert_eq!(
                                    crate::value::to_jq_text(&value),
                                    crate::value::to_jq_text(&v),
                                    "{src} on {text}"
                                );
                                assert!(!dropped_outputs, "{src} on {text}");
                            }
                            other => panic!("{src} on {text}: fast path gave {v:?}, interpreter {other:?}"),
                        }
                    }
                    None => {
                        declined += 1;
                        // Declining is always safe; it happens on errors, on `tostring` of a
                        // non-string, and on `[n]` of an object (jaq answers null there).
                        let tostring = matches!(fast, FastPath::Path { tostring: true, .. });
                        let index = src.contains("[0]") || src.contains("[1]") || src.contains("[2]");
                        assert!(
                            matches!(slow, Evaluation::Error(_)) || tostring || index,
                            "{src} on {text}: declined although the interpreter gave {slow:?}"
                        );
                    }
                }
            }
        }
        // The test must exercise both sides.
        assert!(
            answered > 150 && declined > 100,
            "answered {answered}, declined {declined}"
        );
    }

    #[test]
    fn keys_are_found_as_jaq_json_hashes_and_compares_string_values() {
        // The lookup makes no value for the key: it must hash and compare as jaq-json's own
        // string values do, for text and byte strings alike.
        let mut o = jaq_json::Map::default();
        o.insert(Val::utf8_str("a b"), Val::from(1isize));
        o.insert(Val::byte_str(b"bytes".to_vec()), Val::from(2isize));
        o.insert(Val::utf8_str(""), Val::from(3isize));
        let input = Val::obj(o);
        for (key, want) in [("a b", Some(1isize)), ("bytes", Some(2)), ("", Some(3)), ("nope", None)] {
            let got = FastPath::path(vec![Step::Key(key.into())], false).eval(&input);
            assert_eq!(got, Some(want.map_or(Val::Null, Val::from)), "{key}");
        }
    }

    #[test]
    fn declines_where_jq_errs_so_the_message_stays_the_interpreters() {
        let fast = FastPath::detect(".a").unwrap();
        assert_eq!(fast.eval(&parse("1")), None);
        match interpreter(".a", &parse("1")) {
            Evaluation::Error(msg) => assert_eq!(msg, "Cannot index number with string \"a\""),
            other => panic!("{other:?}"),
        }
    }

    /// Through the mapper: a deferred program is compiled when the fast path declines, and the
    /// entity gets the interpreter's value or its error (as Port's null plus a warning).
    #[test]
    fn the_mapper_falls_back_to_the_interpreter_with_its_wording() {
        let config = r#"[{"blueprint": "b", "filter": "true", "entity": {"identifier": ".body.id | tostring",
            "properties": {"bad": ".body.n.x", "num": ".body.n | tostring", "ok": ".body.s", "miss": ".body.none.deeper"}}}]"#;
        let mapper = crate::Mapper::from_json(config, crate::MapperOptions::default()).unwrap();
        let result = mapper.map_json(br#"{"body": {"id": 7, "n": 1, "s": "x"}}"#).unwrap();
        let json = serde_json::to_value(&result).unwrap();
        let entity = &json["entities"][0];
        assert_eq!(entity["identifier"], "7");
        assert_eq!(
            entity["properties"],
            serde_json::json!({"bad": null, "num": "1", "ok": "x", "miss": null})
        );
        let messages: Vec<_> = result.diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            ["jq error: Cannot index number with string \"x\"; Port stores null"]
        );
    }
}
