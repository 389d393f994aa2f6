//! Compile-time checks jq makes and jaq does not: a constant number, boolean or `null` used
//! as an object key (in a construction or a destructuring pattern), module metadata that is
//! not an object, and `?//` outside a destructuring.

use super::syntax;
use jaq_core::load::lex::StrPart;
use jaq_core::load::parse::{BinaryOp, Pattern, Term};
use jaq_core::path::Part;

/// The first violation in a program (its tokens): jq's message and the offending text (a
/// slice of the program).
pub fn check<'s>(tokens: &[syntax::Tk<'s>]) -> Option<(String, &'s str)> {
    // jq lexes `?//` as one token, the destructuring alternative; jaq reads `?` then `//`. Those
    // in destructurings were rewritten before this check, so any left is a syntax error in jq
    // (jq 1.7 and 1.8 alike): `.a ?// "d"` does not compile there.
    let mut stray = None;
    syntax::visit_all(tokens, |seq, i| {
        if stray.is_none() && syntax::is_alternative(seq, i) {
            stray = Some(seq[i].0);
        }
    });
    if let Some(at) = stray {
        let message = "unexpected `?//`: jq reads it as one operator, the destructuring alternative (`. as [$x] ?// $x | ...`); for `?` then `//`, put a space between them";
        return Some((message.to_owned(), at));
    }
    if let Some(module) = tokens.first().filter(|t| syntax::is_word(t, "module")) {
        let meta_is_object = tokens.get(1).and_then(|t| syntax::block(t, '{')).is_some();
        return (!meta_is_object).then(|| ("Module metadata must be an object".to_owned(), module.0));
    }
    let term = syntax::parse(tokens)?;
    let mut found = None;
    walk(&term, &mut found);
    found
}

fn constant_key<'a>(k: &Term<&'a str>) -> Option<(String, &'a str)> {
    let msg = |what: &str, s: &str| format!("Cannot use {what} ({s}) as object key");
    match k {
        Term::Num(n) => Some((msg("number", n), *n)),
        Term::Call(name @ ("true" | "false"), args) if args.is_empty() => Some((msg("boolean", name), *name)),
        Term::Call(name @ "null", args) if args.is_empty() => Some((msg("null", name), *name)),
        _ => None,
    }
}

fn walk<'a>(t: &Term<&'a str>, found: &mut Option<(String, &'a str)>) {
    if found.is_some() {
        return;
    }
    match t {
        Term::Obj(kvs) => {
            for (k, v) in kvs {
                if let Some(hit) = constant_key(k) {
                    *found = Some(hit);
                    return;
                }
                walk(k, found);
                v.iter().for_each(|v| walk(v, found));
            }
        }
        Term::Str(_, parts) => parts.iter().for_each(|p| {
            if let StrPart::Term(t) = p {
                walk(t, found)
            }
        }),
        Term::Arr(a) => a.iter().for_each(|t| walk(t, found)),
        Term::Neg(t) | Term::Label(_, t) => walk(t, found),
        Term::BinOp(l, op, r) => {
            walk(l, found);
            if let BinaryOp::Pipe(Some(p)) = op {
                pattern(p, found);
            }
            walk(r, found);
        }
        Term::Fold(_, x, p, args) => {
            walk(x, found);
            pattern(p, found);
            args.iter().for_each(|t| walk(t, found));
        }
        Term::TryCatch(t, c) => {
            walk(t, found);
            c.iter().for_each(|c| walk(c, found));
        }
        Term::IfThenElse(branches, els) => {
            for (c, b) in branches {
                walk(c, found);
                walk(b, found);
            }
            els.iter().for_each(|e| walk(e, found));
        }
        Term::Def(defs, t) => {
            defs.iter().for_each(|d| walk(&d.body, found));
            walk(t, found);
        }
        Term::Call(_, args) => args.iter().for_each(|t| walk(t, found)),
        Term::Path(t, p) => {
            walk(t, found);
            for (part, _) in &p.0 {
                match part {
                    Part::Index(i) => walk(i, found),
                    Part::Range(a, b) => {
                        a.iter().for_each(|t| walk(t, found));
                        b.iter().for_each(|t| walk(t, found));
                    }
                }
            }
        }
        Term::Id | Term::Recurse | Term::Num(_) | Term::Var(_) | Term::Break(_) => {}
    }
}

fn pattern<'a>(p: &Pattern<&'a str>, found: &mut Option<(String, &'a str)>) {
    match p {
        Pattern::Var(_) => {}
        Pattern::Arr(ps) => ps.iter().for_each(|p| pattern(p, found)),
        Pattern::Obj(kvs) => {
            for (k, v) in kvs {
                if found.is_none() {
                    if let Some(hit) = constant_key(k) {
                        *found = Some(hit);
                        return;
                    }
                }
                walk(k, found);
                pattern(v, found);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    fn check(code: &str) -> Option<(String, &str)> {
        super::check(&super::super::syntax::lex(code).unwrap())
    }

    #[test]
    fn constant_keys_and_module_metadata_as_jq_refuses_them() {
        // jq.test: these three do not compile in jq.
        assert_eq!(check("{(0):1}").unwrap().0, "Cannot use number (0) as object key");
        assert_eq!(
            check(". as {(true):$foo} | $foo").unwrap().0,
            "Cannot use boolean (true) as object key"
        );
        assert!(check("module []; 0").is_some());
        assert_eq!(check(r#"{("a"):1, (.b):2, a: 3}"#), None);
        assert_eq!(check(r#"module {a: 1}; 0"#), None);
        assert_eq!(check("modulemeta"), None);
    }
}
