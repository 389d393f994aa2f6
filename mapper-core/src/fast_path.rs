//! The fast path: the simplest and most common expressions of a mapping -- a field path such
//! as `.body.stack.id` (optionally `| tostring`), or the literal `true` -- looked up directly on
//! the request value instead of running jq's interpreter.
//!
//! The fast path only ever answers when its answer is certain to be the interpreter's: one
//! output, no error. Whenever a step meets anything else (indexing a number, a string, a key on
//! an array, `tostring` on a non-string), it declines and the caller runs the compiled program,
//! so results, errors and their wording stay exactly the interpreter's.

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

/// One step of a field path.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// `.name` or `["name"]`: an object key (the key as a jq string).
    Key(Val),
    /// `[n]`: an array index (non-negative).
    Index(usize),
}

/// Words jq reads as keywords, never as field names after a `.` (left to the interpreter).
const KEYWORDS: &[&str] = &[
    "and", "or", "not", "if", "then", "elif", "else", "end", "as", "def", "reduce", "foreach", "try", "catch", "label",
    "import", "include", "__loc__",
];

impl FastPath {
    /// Recognise a fast-path expression in jq source (Port's dialect or standard: the
    /// recognised forms contain no single quotes, so both read them alike). `None` when the
    /// expression needs the interpreter.
    pub fn detect(source: &str) -> Option<Self> {
        let code = source.trim();
        match code {
            "true" => return Some(Self::Const(Val::Bool(true))),
            "false" => return Some(Self::Const(Val::Bool(false))),
            "null" => return Some(Self::Const(Val::Null)),
            _ => {}
        }
        let mut p = Parser {
            s: code.as_bytes(),
            i: 0,
        };
        if p.peek() == Some(b'"') {
            let s = p.string()?;
            return p.at_end().then(|| Self::Const(Val::utf8_str(s.to_owned())));
        }
        let steps = p.path()?;
        let tostring = if p.at_end() {
            false
        } else {
            p.skip_ws();
            p.eat(b'|')?;
            p.skip_ws();
            p.word("tostring")?;
            p.skip_ws();
            p.at_end().then_some(true)?
        };
        Some(Self::Path { steps, tostring })
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
                        (Val::Obj(o), Step::Key(k)) => match o.get(k) {
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

/// A cursor over the expression's bytes.
struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn at_end(&self) -> bool {
        self.i == self.s.len()
    }

    fn eat(&mut self, b: u8) -> Option<()> {
        (self.peek() == Some(b)).then(|| self.i += 1)
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.i += 1;
        }
    }

    fn word(&mut self, w: &str) -> Option<()> {
        let ident = self.ident()?;
        (ident == w).then_some(())
    }

    /// `[A-Za-z_][A-Za-z0-9_]*`
    fn ident(&mut self) -> Option<&'a str> {
        let start = self.i;
        if !self.peek().is_some_and(|b| b.is_ascii_alphabetic() || b == b'_') {
            return None;
        }
        while self.peek().is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_') {
            self.i += 1;
        }
        std::str::from_utf8(&self.s[start..self.i]).ok()
    }

    /// A double-quoted string without escapes, interpolation or single quotes (Port's dialect
    /// may rewrite a `'` inside a string, e.g. `"a 'b c' d"`, into a double quote).
    fn string(&mut self) -> Option<&'a str> {
        self.eat(b'"')?;
        let start = self.i;
        while let Some(b) = self.peek() {
            match b {
                b'"' => {
                    let s = std::str::from_utf8(&self.s[start..self.i]).ok()?;
                    self.i += 1;
                    return Some(s);
                }
                b'\\' | b'\'' => return None,
                _ => self.i += 1,
            }
        }
        None
    }

    /// `[0]`, `[12]`: no sign, no leading zeros.
    fn index(&mut self) -> Option<usize> {
        let start = self.i;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.i += 1;
        }
        let digits = std::str::from_utf8(&self.s[start..self.i]).ok()?;
        if digits.is_empty() || (digits.len() > 1 && digits.starts_with('0')) || digits.len() > 9 {
            return None;
        }
        digits.parse().ok()
    }

    /// `[ "key" ]` or `[ n ]` (the `[` already eaten).
    fn bracket(&mut self) -> Option<Step> {
        let step = if self.peek() == Some(b'"') {
            Step::Key(Val::utf8_str(self.string()?.to_owned()))
        } else {
            Step::Index(self.index()?)
        };
        self.eat(b']')?;
        Some(step)
    }

    /// `.`, or `.` followed by steps: `.a`, `."a"`, `.["a"]`, `.[0]`, then `.b`, `["b"]`, `[0]`.
    fn path(&mut self) -> Option<Vec<Step>> {
        self.eat(b'.')?;
        let mut steps = Vec::new();
        // The first step may follow the leading dot directly.
        match self.peek() {
            None => return Some(steps),
            Some(b'[') => {
                self.i += 1;
                steps.push(self.bracket()?);
            }
            Some(b'"') => steps.push(Step::Key(Val::utf8_str(self.string()?.to_owned()))),
            Some(_) => steps.push(self.key()?),
        }
        loop {
            match self.peek() {
                None | Some(b' ' | b'\t' | b'\n' | b'\r') => return Some(steps),
                Some(b'.') => {
                    self.i += 1;
                    if self.peek() == Some(b'"') {
                        steps.push(Step::Key(Val::utf8_str(self.string()?.to_owned())));
                    } else {
                        steps.push(self.key()?);
                    }
                }
                Some(b'[') => {
                    self.i += 1;
                    steps.push(self.bracket()?);
                }
                Some(_) => return None,
            }
        }
    }

    /// A field name after a dot (keywords are left to the interpreter).
    fn key(&mut self) -> Option<Step> {
        let ident = self.ident()?;
        (!KEYWORDS.contains(&ident)).then(|| Step::Key(Val::utf8_str(ident.to_owned())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jq::{Dialect, Evaluation, Program, RunContext};

    fn key(k: &str) -> Step {
        Step::Key(Val::utf8_str(k.to_owned()))
    }

    #[test]
    fn recognises_paths_literals_and_tostring() {
        let path = |steps, tostring| Some(FastPath::Path { steps, tostring });
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
