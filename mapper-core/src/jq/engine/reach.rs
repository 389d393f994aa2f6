//! Which prelude definitions a program can reach.
//!
//! jaq compiles every definition it is given, so a bigger prelude makes every expression
//! slower to compile. A program only needs the definitions whose names it mentions, and
//! (transitively) those that theirs mention; [`Prelude::for_program`] hands the compiler just
//! those, in their original order (so shadowing is unchanged).

use crate::jq::front::syntax;
use jaq_core::load::lex::{StrPart, Tok};
use jaq_core::load::parse::{BinaryOp, Def, Pattern, Term};
use jaq_core::path::{Part, Path};
use std::collections::{HashMap, HashSet};

type D = Def<&'static str>;

/// A parsed prelude with, for every definition, the names its body mentions.
pub struct Prelude {
    defs: Vec<D>,
    mentions: Vec<Vec<&'static str>>,
    by_name: HashMap<&'static str, Vec<usize>>,
}

impl Prelude {
    /// Index `defs` (in shadowing order).
    pub fn new(defs: Vec<D>) -> Self {
        let mentions = defs
            .iter()
            .map(|d| {
                let mut names = HashSet::new();
                term(&d.body, &mut names);
                names.into_iter().collect()
            })
            .collect();
        let mut by_name: HashMap<&'static str, Vec<usize>> = HashMap::new();
        for (i, d) in defs.iter().enumerate() {
            by_name.entry(d.name).or_default().push(i);
        }
        Self {
            defs,
            mentions,
            by_name,
        }
    }

    /// Every definition.
    pub fn all(&self) -> &[D] {
        &self.defs
    }

    /// The definitions `code` can reach, or `None` when `code` does not lex (the compiler
    /// then reports the error with the whole prelude).
    pub fn for_program(&self, code: &str) -> Option<Vec<D>> {
        Some(self.for_tokens(&syntax::lex_checked(code)?))
    }

    /// The definitions a program (its tokens) can reach.
    pub fn for_tokens(&self, tokens: &[syntax::Tk<'_>]) -> Vec<D> {
        let mut names = HashSet::new();
        syntax::visit_all(tokens, |seq, i| {
            if matches!(seq[i].1, Tok::Word | Tok::Fmt) {
                names.insert(seq[i].0);
            }
        });
        let mut keep = vec![false; self.defs.len()];
        let mut todo: Vec<&str> = names.into_iter().collect();
        let mut seen: HashSet<&str> = todo.iter().copied().collect();
        while let Some(name) = todo.pop() {
            for &i in self.by_name.get(name).into_iter().flatten() {
                if !keep[i] {
                    keep[i] = true;
                    for m in &self.mentions[i] {
                        if seen.insert(m) {
                            todo.push(m);
                        }
                    }
                }
            }
        }
        self.defs
            .iter()
            .zip(keep)
            .filter(|(_, k)| *k)
            .map(|(d, _)| d.clone())
            .collect()
    }
}

fn term(t: &Term<&'static str>, out: &mut HashSet<&'static str>) {
    match t {
        Term::Id | Term::Recurse | Term::Num(_) | Term::Var(_) | Term::Break(_) => {}
        Term::Str(fmt, parts) => {
            if let Some(f) = fmt {
                out.insert(f);
            }
            for p in parts {
                if let StrPart::Term(t) = p {
                    term(t, out);
                }
            }
        }
        Term::Arr(a) => a.iter().for_each(|t| term(t, out)),
        Term::Obj(kvs) => {
            for (k, v) in kvs {
                term(k, out);
                v.iter().for_each(|v| term(v, out));
            }
        }
        Term::Neg(t) | Term::Label(_, t) => term(t, out),
        Term::BinOp(l, op, r) => {
            term(l, out);
            if let BinaryOp::Pipe(Some(p)) = op {
                pattern(p, out);
            }
            term(r, out);
        }
        Term::Fold(name, x, p, args) => {
            out.insert(name);
            term(x, out);
            pattern(p, out);
            args.iter().for_each(|t| term(t, out));
        }
        Term::TryCatch(t, c) => {
            term(t, out);
            c.iter().for_each(|c| term(c, out));
        }
        Term::IfThenElse(branches, els) => {
            for (c, b) in branches {
                term(c, out);
                term(b, out);
            }
            els.iter().for_each(|e| term(e, out));
        }
        Term::Def(defs, t) => {
            for d in defs {
                term(&d.body, out);
            }
            term(t, out);
        }
        Term::Call(name, args) => {
            out.insert(name);
            args.iter().for_each(|t| term(t, out));
        }
        Term::Path(t, p) => {
            term(t, out);
            path(p, out);
        }
    }
}

fn path(p: &Path<Term<&'static str>>, out: &mut HashSet<&'static str>) {
    for (part, _) in &p.0 {
        match part {
            Part::Index(i) => term(i, out),
            Part::Range(a, b) => {
                a.iter().for_each(|t| term(t, out));
                b.iter().for_each(|t| term(t, out));
            }
        }
    }
}

fn pattern(p: &Pattern<&'static str>, out: &mut HashSet<&'static str>) {
    match p {
        Pattern::Var(_) => {}
        Pattern::Arr(ps) => ps.iter().for_each(|p| pattern(p, out)),
        Pattern::Obj(kvs) => {
            for (k, v) in kvs {
                term(k, out);
                pattern(v, out);
            }
        }
    }
}
