//! One jq expression, analysed once: what every consumer of an expression reads (the mapper's
//! compiler and evaluator, the request reader's demand, completion) comes from this one
//! analysis, so each expression is lexed and parsed once.
//!
//! The analysis holds the dialect's quote rewrites, the fast path (a field path or literal the
//! mapper answers without the interpreter), the paths of its input the expression reads, and
//! the compiled program: compiled now, from the same tokens, or (for a fast-path expression,
//! which always compiles) only when the fast path first declines, which keeps a cold start short.

use crate::fast_path::FastPath;
use crate::jq::front::syntax;
use crate::jq::{CompileError, Dialect, Evaluation, Program, RunContext};
use crate::path::Step;
use jaq_core::load::lex::StrPart;
use jaq_core::load::parse::{BinaryOp, Term};
use jaq_json::Val;
use std::cell::OnceCell;

/// What an expression reads of its input.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reads<'a> {
    /// Only the value at this path (a field path).
    Path(&'a [Step]),
    /// Only the values at these paths (none at all for a literal).
    Paths(&'a [Vec<Step>]),
    /// Anything: the analysis can't tell (`keys`, `..`, `$__loc__`, an update).
    Anything,
}

impl<'a> Reads<'a> {
    /// Each path read; `None` when the expression may read anything.
    pub fn paths(self) -> Option<Vec<&'a [Step]>> {
        match self {
            Self::Path(p) => Some(vec![p]),
            Self::Paths(ps) => Some(ps.iter().map(Vec::as_slice).collect()),
            Self::Anything => None,
        }
    }
}

/// A jq expression and its analysis.
pub struct Expression {
    source: String,
    dialect: Dialect,
    /// Byte offsets of the quotes the dialect's rewrite changed (Port's `'single'` quotes).
    quotes: Vec<usize>,
    /// The expression evaluated without the interpreter, when it is a field path or literal.
    fast: Option<FastPath>,
    /// Beyond the fast path: the paths the expression reads, `None` when it may read anything.
    reads: Option<Vec<Vec<Step>>>,
    /// The compiled program, or why it does not compile.
    program: OnceCell<Result<Program, Vec<CompileError>>>,
}

impl std::fmt::Debug for Expression {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Expression")
            .field("source", &self.source)
            .field("dialect", &self.dialect)
            .field("fast", &self.fast)
            .field("reads", &self.reads)
            .finish_non_exhaustive()
    }
}

/// One run of an expression: its first-output evaluation, and whether it called `env`.
#[derive(Debug, Clone)]
pub struct Run {
    /// What the run yielded under Port's first-output rule.
    pub evaluation: Evaluation,
    /// True when the program called `env` (Port replaces it with `{}`).
    pub env_used: bool,
}

impl Expression {
    /// Analyse `source` in `dialect`: one lex (and, beyond the fast path, one parse) whose
    /// tokens the compiler reads too. An expression that does not compile is analysed all the
    /// same: its errors are [`Expression::compile_errors`].
    pub fn new(source: &str, dialect: Dialect) -> Self {
        let quotes = dialect.quotes(source);
        let rewritten;
        let text = if quotes.is_empty() {
            source
        } else {
            rewritten = crate::jq::port::quotes::edits(&quotes).apply(source).0;
            rewritten.as_str()
        };
        let tokens = syntax::lex(text);
        // The fast path's forms hold no quote the dialect rewrites.
        let fast = tokens
            .as_deref()
            .filter(|_| quotes.is_empty())
            .and_then(FastPath::of_tokens);
        let program = OnceCell::new();
        let reads = match &fast {
            Some(_) => None,
            None => {
                let reads = tokens.as_deref().and_then(syntax::parse).as_ref().and_then(reads);
                let _ = program.set(Program::compile_lexed(source, dialect, quotes.clone(), text, tokens));
                reads
            }
        };
        Self {
            source: source.to_owned(),
            dialect,
            quotes,
            fast,
            reads,
            program,
        }
    }

    /// The expression as written.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The dialect it is read in.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// Byte offsets of the quotes the dialect's rewrite changed (empty in standard jq).
    pub fn rewritten_quotes(&self) -> &[usize] {
        &self.quotes
    }

    /// The fast path, when the expression is a field path or a literal.
    pub fn fast(&self) -> Option<&FastPath> {
        self.fast.as_ref()
    }

    /// What the expression reads of its input.
    pub fn reads(&self) -> Reads<'_> {
        match (&self.fast, &self.reads) {
            (Some(FastPath::Const(_)), _) => Reads::Paths(&[]),
            (Some(FastPath::Path { steps, .. }), _) => Reads::Path(steps),
            (None, Some(paths)) => Reads::Paths(paths),
            (None, None) => Reads::Anything,
        }
    }

    /// The compiled program (compiled now if it was deferred), or why it does not compile.
    pub fn program(&self) -> Result<&Program, &[CompileError]> {
        self.program
            .get_or_init(|| Program::compile(&self.source, self.dialect))
            .as_ref()
            .map_err(Vec::as_slice)
    }

    /// Why the expression does not compile (empty when it does; a fast-path expression always
    /// does, and is not compiled to tell).
    pub fn compile_errors(&self) -> &[CompileError] {
        if self.fast.is_some() {
            return &[];
        }
        self.program().err().unwrap_or_default()
    }

    /// True when the program reads `$ENV` (a fast-path expression never does).
    pub fn reads_env_var(&self) -> bool {
        self.fast.is_none() && self.program().is_ok_and(Program::reads_env_var)
    }

    /// Run with Port's first-output rule on `input`: the fast path when it answers, else the
    /// interpreter ([`Expression::interpret`]).
    pub fn evaluate(&self, input: &Val, run: &RunContext) -> Run {
        match self.fast.as_ref().and_then(|f| f.eval(input)) {
            Some(value) => Run::value(value),
            None => self.interpret(input, run),
        }
    }

    /// Run the interpreter with Port's first-output rule on `input`. An expression that does
    /// not compile yields its first compile error.
    pub fn interpret(&self, input: &Val, run: &RunContext) -> Run {
        match self.program() {
            Ok(program) => {
                let (evaluation, env_used) = program.first(input.clone(), run);
                Run { evaluation, env_used }
            }
            Err(errs) => Run {
                evaluation: Evaluation::Error(
                    errs.first()
                        .map_or_else(|| "does not compile".to_owned(), |e| e.message.clone()),
                ),
                env_used: false,
            },
        }
    }
}

impl Run {
    /// A run that yielded `value` alone (the fast path's answer).
    pub fn value(value: Val) -> Self {
        Self {
            evaluation: Evaluation::Value {
                value,
                dropped_outputs: false,
            },
            env_used: false,
        }
    }
}

/// The field paths `term` reads; `None` when it may read anything. Beyond field paths and
/// literals, an expression `PATH | REST` reads only the value at `PATH`: in jq the right side
/// of a pipe sees nothing but the left side's output (`|` binds loosest; `|=`, an update, reads
/// everything). And an expression made only of field paths, literals, comparisons,
/// arithmetic, `and`/`or`, `//`, `,` and `if`, as filters usually are
/// (`.body.event_type == "run_state_changed_event"`), reads only its paths: each of those runs
/// on the same input.
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
/// `== != < <= > >= + - * / % // , and or`, `if … then … elif … else … end`, arrays `[…]`,
/// `…?`, and pipes from a field path (`.body.id | tostring`: what follows the path sees only the
/// value there): every part of such a term runs on the request itself, or on the value at a
/// path. `None` for anything else.
fn root_paths(term: &Term<&str>, paths: &mut Vec<Vec<Step>>) -> Option<()> {
    use BinaryOp::{Alt, And, Cmp, Comma, Math, Or, Pipe};
    match term {
        Term::BinOp(l, Pipe(None), _) if FastPath::path_of(l).is_some() => paths.push(FastPath::path_of(l)?),
        Term::Arr(Some(t)) => root_paths(t, paths)?,
        Term::Arr(None) => {}
        Term::TryCatch(t, None) => root_paths(t, paths)?,
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
