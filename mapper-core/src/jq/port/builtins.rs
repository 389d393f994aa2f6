//! Filters hookmap knows (from jq 1.8 or jaq) that Port's engine, libjq at jq commit 588ff187,
//! does not define. There a program calling one does not compile, so Port stores `null`;
//! Port mode refuses it the same way, with a message saying what works in both.
//!
//! Checked on the program's tokens rather than by removing definitions from the prelude:
//! jaq's own definitions call some of these names, so they must stay defined underneath.

use crate::jq::Span;
use jaq_core::load::lex::{StrPart, Tok, Token};

/// `(name, arity, what works in Port's engine and in jq)` of every name Port's engine lacks.
const UNDEFINED: &[(&str, usize, &str)] = &[
    ("leaf_paths", 0, "use paths(scalars)"),
    ("toarray", 0, r#"use `if type == "array" then . else [.] end`"#),
    ("trimstr", 1, "use ltrimstr(s) | rtrimstr(s)"),
    (
        "toboolean",
        0,
        r#"use `if . == "true" then true elif . == "false" then false else . end`"#,
    ),
    ("ascii", 0, "use [.] | implode"),
    ("isarray", 0, r#"use type == "array""#),
    ("isobject", 0, r#"use type == "object""#),
    ("isstring", 0, r#"use type == "string""#),
    ("isnumber", 0, r#"use type == "number""#),
    ("isboolean", 0, r#"use type == "boolean""#),
    ("ilogb", 0, "use logb | floor"),
    ("pow10", 0, "use exp10"),
    ("key_values", 0, "use to_entries"),
    ("tobytes", 0, "there is no replacement in Port's engine"),
    ("halt", 1, "use halt_error(code)"),
    ("getpath", 2, "use getpath(path)"),
    ("path_value", 1, "use path(f) and getpath"),
    ("capture_of_match", 0, "use capture(re)"),
    ("escape_html", 0, "use @html"),
    ("escape_sh", 0, "use @sh"),
    ("encode_uri", 0, "use @uri"),
    ("decode_uri", 0, "there is no replacement in Port's engine"),
    ("encode_base64", 0, "use @base64"),
    ("decode_base64", 0, "use @base64d"),
    ("unescape_html", 0, "there is no replacement in Port's engine"),
    ("totype", 2, "there is no replacement in Port's engine"),
    ("matches", 2, "use match(re; flags)"),
    ("split_matches", 2, "use split(re; flags)"),
    ("scan_", 2, "use scan(re; flags)"),
    ("split_", 2, "use split(re; flags)"),
    ("min_by_or_empty", 1, "use min_by(f)"),
    ("max_by_or_empty", 1, "use max_by(f)"),
    ("error_empty", 0, "use error"),
    ("debug_empty", 0, "use debug"),
    ("stderr_empty", 0, "use stderr"),
];

/// A call of a filter Port's engine does not define.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undefined {
    /// `name/arity`.
    pub name: String,
    /// What to write instead.
    pub suggestion: &'static str,
    /// Where the call's name is.
    pub span: Span,
}

impl Undefined {
    /// The compile error's message.
    pub fn message(&self) -> String {
        format!(
            "{} is not defined in Port's engine (jq 1.7.1-83), so Port stores null; {}",
            self.name, self.suggestion
        )
    }
}

/// The first call in `code` (its tokens) of a filter Port's engine lacks, unless the program
/// defines it.
pub fn undefined_call(code: &str, tokens: &[Token<&str>]) -> Option<Undefined> {
    // Cheap first: most programs name none of these.
    if !UNDEFINED.iter().any(|(name, _, _)| code.contains(name)) {
        return None;
    }
    let defined = defined_names(tokens);
    find(code, tokens, &defined)
}

/// Names after `def` anywhere in the program.
fn defined_names<'a>(tokens: &[Token<&'a str>]) -> Vec<&'a str> {
    let mut out = Vec::new();
    for (i, Token(s, tok)) in tokens.iter().enumerate() {
        match tok {
            Tok::Word if *s == "def" => {
                if let Some(Token(name, _)) = tokens.get(i + 1) {
                    out.push(*name);
                }
            }
            Tok::Block(inner) => out.extend(defined_names(inner)),
            _ => {}
        }
    }
    out
}

/// How many arguments a call has: `;`-separated parts of the `(...)` block after the name.
fn arity(next: Option<&Token<&str>>) -> usize {
    match next {
        Some(Token(s, Tok::Block(inner))) if s.starts_with('(') => {
            1 + inner
                .iter()
                .filter(|Token(s, t)| matches!(t, Tok::Sym) && *s == ";")
                .count()
        }
        _ => 0,
    }
}

fn find(code: &str, tokens: &[Token<&str>], defined: &[&str]) -> Option<Undefined> {
    for (i, Token(s, tok)) in tokens.iter().enumerate() {
        match tok {
            Tok::Word | Tok::Fmt => {
                let after_dot_or_def = i > 0
                    && matches!(&tokens[i - 1], Token(p, Tok::Sym | Tok::Word) if *p == "." || *p == "def" || *p == "?");
                let is_key = matches!(tokens.get(i + 1), Some(Token(":", Tok::Sym)));
                if after_dot_or_def || is_key || defined.contains(s) {
                    continue;
                }
                let n = arity(tokens.get(i + 1));
                if let Some((name, _, suggestion)) = UNDEFINED.iter().find(|(name, a, _)| name == s && *a == n) {
                    let start = jaq_core::load::span(code, s).start;
                    return Some(Undefined {
                        name: format!("{name}/{n}"),
                        suggestion,
                        span: Span {
                            start,
                            end: start + s.len(),
                        },
                    });
                }
            }
            Tok::Block(inner) => {
                if let Some(u) = find(code, inner, defined) {
                    return Some(u);
                }
            }
            Tok::Str(parts) => {
                for p in parts {
                    if let StrPart::Term(t) = p {
                        if let Some(u) = find(code, std::slice::from_ref(t), defined) {
                            return Some(u);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    None
}

/// For a jq error of `expression` (message `msg`) where Port's engine answers differently from
/// current jq: what to write instead, working in both.
pub fn differs_hint(expression: &str, msg: &str) -> Option<&'static str> {
    let trims = expression.contains("ltrimstr") || expression.contains("rtrimstr");
    if trims && (msg == "startswith() requires string inputs" || msg == "endswith() requires string inputs") {
        return Some(
            "Port's engine refuses ltrimstr/rtrimstr on a non-string (jq 1.7.1 returned the input unchanged): \
             write `if type == \"string\" then ltrimstr(\"x\") else . end`",
        );
    }
    if expression.contains("from_entries") && msg.starts_with("Cannot use ") && msg.ends_with(" as object key") {
        return Some(
            "Port's engine's from_entries reads only key/Key/name/Name and value/Value (jq also reads k/v): \
             rename first, `map({key: (.key // .k), value: (.value // .v)}) | from_entries`",
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{differs_hint, undefined_call};

    #[test]
    fn hints_where_ports_engine_errs_and_jq_does_not() {
        assert!(differs_hint(".a | ltrimstr(\"x\")", "startswith() requires string inputs").is_some());
        assert!(differs_hint("from_entries", "Cannot use null (null) as object key").is_some());
        assert_eq!(differs_hint(".a.b", "Cannot index number with string \"b\""), None);
    }

    fn name(code: &str) -> Option<String> {
        undefined_call(code, &crate::jq::front::syntax::lex(code).unwrap()).map(|u| u.name)
    }

    #[test]
    fn finds_calls_of_names_the_engine_lacks() {
        assert_eq!(name("[leaf_paths]").as_deref(), Some("leaf_paths/0"));
        assert_eq!(name(r#".a | trimstr("x")"#).as_deref(), Some("trimstr/1"));
        assert_eq!(name(r#""\(toarray)""#).as_deref(), Some("toarray/0"));
        let code = ".a | leaf_paths";
        let u = undefined_call(code, &crate::jq::front::syntax::lex(code).unwrap()).expect("found");
        assert_eq!((u.span.start, u.span.end), (5, 15));
        assert!(u.message().contains("use paths(scalars)"));
    }

    #[test]
    fn ignores_fields_keys_definitions_and_other_arities() {
        assert_eq!(name(".leaf_paths"), None);
        assert_eq!(name("{leaf_paths: 1}"), None);
        assert_eq!(name("def leaf_paths: 1; leaf_paths"), None);
        assert_eq!(name(r#"getpath(["a"])"#), None);
        assert_eq!(name(r#""leaf_paths""#), None);
        assert_eq!(name("[paths(scalars)]"), None);
    }
}
