//! hookmap's one jq front end. Every analysis and rewrite of jq source reads jaq's own lexer
//! output (token trees whose texts are slices of the source, so a token's position is where its
//! text starts) or jaq's parse tree; edits are made at token positions and applied by one
//! helper that maps the result back to the text the user wrote ([`edit`]).
//!
//! The only pass over a program's raw bytes is the nesting pre-check
//! ([`super::nesting::estimate`]): jaq's lexer and parser recurse once per level, so programs
//! too deep for them are refused (here: not analysed) before anything recursive reads them.
//! Port's single-quote rewrite ([`super::dialect`]) is textual by definition (a regular
//! expression over the raw text; `'` is not a jq token), and reports its edits into the same map.

pub mod edit;

use core::ops::{ControlFlow, Range};
use jaq_core::load::lex::{Lexer, StrPart, Tok, Token};
use jaq_core::load::parse::{Parser, Term};

/// A token of a program; its text is a slice of the program.
pub type Tk<'s> = Token<&'s str>;

/// The token trees of `code`; `None` when it does not lex, or nests deeper than the nesting
/// limit allows anything to read (jaq's lexer recurses once per bracket).
pub fn lex(code: &str) -> Option<Vec<Tk<'_>>> {
    if super::nesting::too_deep(code) {
        return None;
    }
    Lexer::new(code).lex().ok()
}

/// The token trees of `code`, a program that passed the nesting check before the compiler's
/// rewrites (which add a few levels at most); `None` when it does not lex.
pub fn lex_checked(code: &str) -> Option<Vec<Tk<'_>>> {
    Lexer::new(code).lex().ok()
}

/// The parse tree of `tokens` as one term (`None` when they do not parse).
pub fn parse<'s>(tokens: &[Tk<'s>]) -> Option<Term<&'s str>> {
    Parser::new(tokens).parse(|p| p.term()).ok()
}

/// The byte range of `part` (a token's text, or any slice of `code`) in `code`.
pub fn span(code: &str, part: &str) -> Range<usize> {
    jaq_core::load::span(code, part)
}

/// Whether the text `b` starts exactly where the text `a` ends (no space or comment between).
pub fn adjacent(a: &str, b: &str) -> bool {
    a.as_ptr() as usize + a.len() == b.as_ptr() as usize
}

/// Whether `t` is the word (identifier or keyword) `w`.
pub fn is_word(t: &Tk<'_>, w: &str) -> bool {
    matches!(t.1, Tok::Word) && t.0 == w
}

/// jq's binary operators that are symbols (`and` and `or` are words), assignments included.
pub const BINARY_OPERATORS: &[&str] = &[
    "+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "//", "=", "|=", "+=", "-=", "*=", "/=", "%=", "//=",
];

/// Whether `t` is the symbol `s` (an operator, `.`, `.name`, `;`, `:`, `,`, `?`).
pub fn is_sym(t: &Tk<'_>, s: &str) -> bool {
    matches!(t.1, Tok::Sym) && t.0 == s
}

/// Whether `t` is a variable other than `$__loc__` (which no pattern binds).
pub fn is_var(t: &Tk<'_>) -> bool {
    matches!(t.1, Tok::Var) && t.0 != "$__loc__"
}

/// The tokens inside `t` when it is a block opened by `open` (`(`, `[` or `{`), without its
/// closing delimiter.
pub fn block<'t, 's>(t: &'t Tk<'s>, open: char) -> Option<&'t [Tk<'s>]> {
    match &t.1 {
        Tok::Block(inner) if t.0.starts_with(open) => Some(without_closer(inner)),
        _ => None,
    }
}

/// A block's tokens without the closing delimiter jaq's lexer appends to them.
fn without_closer<'t, 's>(inner: &'t [Tk<'s>]) -> &'t [Tk<'s>] {
    match inner.split_last() {
        Some((last, rest)) if matches!(last.1, Tok::Sym) && matches!(last.0, ")" | "]" | "}") => rest,
        _ => inner,
    }
}

/// The token sequences directly inside `t`: a block's contents, or a string's interpolations.
fn children<'t, 's>(t: &'t Tk<'s>) -> impl Iterator<Item = &'t [Tk<'s>]> {
    let (inner, parts) = match &t.1 {
        Tok::Block(inner) => (Some(inner), None),
        Tok::Str(parts) => (None, Some(parts)),
        _ => (None, None),
    };
    let interpolations = parts.into_iter().flatten().filter_map(|p| match p {
        StrPart::Term(Token(_, Tok::Block(inner))) => Some(without_closer(inner)),
        _ => None,
    });
    inner.map(|i| without_closer(i)).into_iter().chain(interpolations)
}

/// Visit every token in source order, with the sequence it belongs to (the top level, a
/// block's contents or an interpolation's) and its index there; `f` may stop the walk.
pub fn visit<'t, 's, F>(seq: &'t [Tk<'s>], f: &mut F) -> ControlFlow<()>
where
    F: FnMut(&'t [Tk<'s>], usize) -> ControlFlow<()>,
{
    for (i, t) in seq.iter().enumerate() {
        f(seq, i)?;
        for inner in children(t) {
            visit(inner, f)?;
        }
    }
    ControlFlow::Continue(())
}

/// Visit every token (see [`visit`]) without stopping.
pub fn visit_all<'t, 's>(seq: &'t [Tk<'s>], mut f: impl FnMut(&'t [Tk<'s>], usize)) {
    let _ = visit(seq, &mut |s, i| {
        f(s, i);
        ControlFlow::Continue(())
    });
}

/// Whether jq's `?//` (destructuring alternative) starts at `seq[i]`: jaq lexes it as `?`
/// followed directly by `//`.
pub fn is_alternative(seq: &[Tk<'_>], i: usize) -> bool {
    matches!((seq.get(i), seq.get(i + 1)), (Some(q), Some(s)) if is_sym(q, "?") && is_sym(s, "//") && adjacent(q.0, s.0))
}

/// Whether `t` can be a destructuring pattern: `$name`, `[...]` or `{...}`.
pub fn is_pattern(t: &Tk<'_>) -> bool {
    matches!(t.1, Tok::Var) || block(t, '[').is_some() || block(t, '{').is_some()
}

/// Words that can not start a term (they continue or close one).
const NOT_A_TERM: &[&str] = &[
    "then", "elif", "else", "end", "as", "catch", "and", "or", "import", "include", "module",
];

/// Index after the atom (jaq's `atom`: what `try` and `catch` take, a term with its path
/// suffix) starting at `seq[i]`; `None` when no atom starts there, or its end is not simple
/// to find (`def` and `label`, whose bodies extend to the end of the enclosing term).
pub fn atom_end(seq: &[Tk<'_>], i: usize) -> Option<usize> {
    let t = seq.get(i)?;
    let next = |j: usize| seq.get(j);
    let j = match &t.1 {
        Tok::Sym if t.0 == "-" => return atom_end(seq, i + 1),
        Tok::Word => match t.0 {
            "def" | "label" => return None,
            w if NOT_A_TERM.contains(&w) => return None,
            "if" => {
                let mut depth = 0usize;
                let end = (i..seq.len()).find(|&j| {
                    if is_word(&seq[j], "if") {
                        depth += 1;
                    } else if is_word(&seq[j], "end") {
                        depth -= 1;
                    }
                    depth == 0
                })?;
                end + 1
            }
            "try" => {
                let e = atom_end(seq, i + 1)?;
                match next(e) {
                    Some(c) if is_word(c, "catch") => atom_end(seq, e + 1)?,
                    _ => e,
                }
            }
            "reduce" | "foreach" => {
                let e = atom_end(seq, i + 1)?;
                if !is_word(next(e)?, "as") || !is_pattern(next(e + 1)?) {
                    return None;
                }
                match next(e + 2) {
                    Some(args) if block(args, '(').is_some() => e + 3,
                    _ => e + 2,
                }
            }
            "break" => i + 2,
            // A call, with arguments or without.
            _ => match next(i + 1) {
                Some(args) if block(args, '(').is_some() => i + 2,
                _ => i + 1,
            },
        },
        Tok::Fmt => match next(i + 1) {
            Some(Token(_, Tok::Str(_))) => i + 2,
            Some(args) if block(args, '(').is_some() => i + 2,
            _ => i + 1,
        },
        Tok::Var | Tok::Num | Tok::Str(_) | Tok::Block(_) => i + 1,
        Tok::Sym if t.0 == ".." => i + 1,
        Tok::Sym if t.0 == "." => match next(i + 1) {
            Some(Token(_, Tok::Str(_))) => i + 2,
            Some(Token(_, Tok::Fmt)) if matches!(next(i + 2), Some(Token(_, Tok::Str(_)))) => i + 3,
            _ => i + 1,
        },
        Tok::Sym if t.0.starts_with('.') => i + 1,
        Tok::Sym => return None,
    };
    Some(path_suffix_end(seq, j))
}

/// Index after the `?`s and path parts (`[...]`, `.name`, `."name"`, `.[...]`) from `seq[j]` on.
fn path_suffix_end(seq: &[Tk<'_>], mut j: usize) -> usize {
    loop {
        let Some(t) = seq.get(j) else { return j };
        j = match &t.1 {
            // `?//` is jq's alternative operator, not an optional path.
            Tok::Sym if t.0 == "?" && !is_alternative(seq, j) => j + 1,
            Tok::Block(_) if t.0.starts_with('[') => j + 1,
            Tok::Sym if t.0 == "." => match seq.get(j + 1) {
                Some(b) if block(b, '[').is_some() => j + 2,
                Some(Token(_, Tok::Str(_))) => j + 2,
                Some(Token(_, Tok::Fmt)) if matches!(seq.get(j + 2), Some(Token(_, Tok::Str(_)))) => j + 3,
                _ => return j,
            },
            Tok::Sym if t.0.starts_with('.') && t.0 != ".." => j + 1,
            _ => return j,
        };
    }
}

/// Index of the token that ends the term starting at `seq[start]` when it extends as far as it
/// can (the body of `... as $x | BODY`): a `;` (other than one ending a `def` inside), or a
/// keyword of an enclosing `if` (`then`, `elif`, `else`, `end`); the sequence's end otherwise
/// (a block's closing delimiter).
pub fn term_end(seq: &[Tk<'_>], start: usize) -> usize {
    let (mut ifs, mut defs) = (0usize, 0usize);
    for (i, t) in seq.iter().enumerate().skip(start) {
        match (&t.1, t.0) {
            (Tok::Sym, ";") if defs == 0 => return i,
            (Tok::Sym, ";") => defs -= 1,
            (Tok::Word, "def") => defs += 1,
            (Tok::Word, "if") => ifs += 1,
            (Tok::Word, "end") if ifs > 0 => ifs -= 1,
            (Tok::Word, "then" | "elif" | "else" | "end") if ifs == 0 => return i,
            _ => {}
        }
    }
    seq.len()
}

/// The variables a destructuring pattern binds, in order, each once: every `$name` in it
/// outside key expressions `(...)` and strings.
pub fn pattern_variables<'s>(pattern: &Tk<'s>) -> Vec<&'s str> {
    fn walk<'s>(ts: &[Tk<'s>], out: &mut Vec<&'s str>) {
        for t in ts {
            if is_var(t) && !out.contains(&t.0) {
                out.push(t.0);
            }
            if let Some(inner) = block(t, '[').or_else(|| block(t, '{')) {
                walk(inner, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(core::slice::from_ref(pattern), &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first_atom(code: &str) -> Option<&str> {
        let ts = lex(code).unwrap();
        let end = atom_end(&ts, 0)?;
        let start = span(code, ts[0].0).start;
        Some(&code[start..span(code, ts[end - 1].0).end])
    }

    #[test]
    fn atoms_are_what_try_and_catch_take() {
        assert_eq!(first_atom(".a.b[0]?.c | x"), Some(".a.b[0]?.c"));
        assert_eq!(first_atom("f(1; 2)[0] + 1"), Some("f(1; 2)[0]"));
        assert_eq!(
            first_atom("if . then 1 elif 2 then if 3 then 4 end else 5 end.a, 6"),
            Some("if . then 1 elif 2 then if 3 then 4 end else 5 end.a")
        );
        assert_eq!(first_atom("try .a catch .b | 1"), Some("try .a catch .b"));
        assert_eq!(
            first_atom("reduce .[] as [$a] (0; . + $a) // 1"),
            Some("reduce .[] as [$a] (0; . + $a)")
        );
        assert_eq!(first_atom("@base64 \"x\" | 1"), Some("@base64 \"x\""));
        assert_eq!(first_atom(".\"a\".[0] | 1"), Some(".\"a\".[0]"));
        assert_eq!(first_atom("-1 + 2"), Some("-1"));
        assert_eq!(first_atom(".a?//1"), Some(".a"));
        assert_eq!(first_atom("def f: 1; f"), None);
        assert_eq!(first_atom("then"), None);
    }

    #[test]
    fn term_ends_and_pattern_variables() {
        let code = "if . as $x | def f: 1; f then 2 end";
        let ts = lex(code).unwrap();
        let end = term_end(&ts, 4);
        assert_eq!(ts[end].0, "then");
        let ts = lex("[$a, {b: $c, $d: [$e], ($f): $a}]").unwrap();
        assert_eq!(pattern_variables(&ts[0]), ["$a", "$c", "$d", "$e"]);
    }

    #[test]
    fn visits_in_source_order_into_blocks_and_interpolations() {
        let ts = lex(r#"a(b; "\(c) \(d[e])") | f # g"#).unwrap();
        let mut words = Vec::new();
        visit_all(&ts, |seq, i| {
            if matches!(seq[i].1, Tok::Word) {
                words.push(seq[i].0)
            }
        });
        assert_eq!(words, ["a", "b", "c", "d", "e", "f"]);
    }
}
