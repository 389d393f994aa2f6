//! Which parts of a request a mapper reads, so request JSON is parsed into just those
//! ([`super::reader`]).
//!
//! Most expressions in real mappings are plain field paths (`.body.stack.id`): a mapping made
//! only of those reads a handful of the body's fields, yet building the whole body as jq values
//! (an allocation per string, a hash table per object) was most of the cost of mapping a
//! request. [`RequestDemand`] gathers the paths each expression reads (its analysis,
//! [`crate::expression::Reads`]); the reader then skips (but still checks the syntax of) every
//! other part of the body.
//!
//! The skipped parts can never change a result: a field path only reads along its own path, and
//! the interpreter, run when the fast path declines, runs the same path. Wherever a demanded
//! node is not an object, the node is kept whole, so errors quote the same value. As soon as one
//! expression may read anything, the whole request is demanded.

use crate::expression::Reads;
use crate::path::Step;

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
    pub(crate) fn add_path(&mut self, steps: &[Step]) {
        let Self::Keys(keys) = self else { return };
        let Some((step, rest)) = steps.split_first() else {
            *self = Self::All;
            return;
        };
        let key: &[u8] = match step {
            Step::Key(k) => k.as_bytes(),
            Step::Index(_) => {
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
    /// The query parameters read, or `None` for all of them (the reader builds them all either
    /// way: this says what a stored request must keep, [`RequestReads`]).
    pub query: Option<Vec<Vec<u8>>>,
}

/// The headers and query parameters a configuration reads, by name: what a stored request
/// must keep for the mapping to give the same entities (the worker keeps the values of these
/// and of common webhook metadata, and no other value). `None`: the expressions may read any
/// (`.headers | keys`, `.`, a dynamic key).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RequestReads {
    /// Header names, lowercase (Port gives every header under its lowercase name too), sorted.
    pub headers: Option<Vec<String>>,
    /// Query parameter names, sorted.
    pub query_params: Option<Vec<String>>,
}

impl RequestReads {
    /// What one expression over `{body, headers, queryParams}` reads (the worker's ordering
    /// expression, `security.requestIdentifierPath`).
    pub fn of(expression: &crate::expression::Expression) -> Self {
        let mut d = RequestDemand::none();
        d.add(expression.reads());
        d.reads()
    }
}

impl RequestDemand {
    /// The names this demand reads (see [`RequestReads`]).
    pub fn reads(&self) -> RequestReads {
        let names = |list: &Option<Vec<Vec<u8>>>, lower: bool| {
            list.as_ref().map(|l| {
                let mut out: Vec<String> = l
                    .iter()
                    .map(|n| {
                        let s = String::from_utf8_lossy(n).into_owned();
                        if lower {
                            s.to_lowercase()
                        } else {
                            s
                        }
                    })
                    .collect();
                out.sort();
                out.dedup();
                out
            })
        };
        RequestReads {
            headers: names(&self.headers, true),
            query_params: names(&self.query, false),
        }
    }
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
            query: Some(Vec::new()),
        }
    }

    /// Demand what an expression over `{body, headers, queryParams, item}` reads (its
    /// analysis, [`Reads`]): the value at each path it reads, everything when it may read
    /// anything.
    pub fn add(&mut self, reads: Reads<'_>) {
        match reads {
            Reads::Path(path) => self.add_path(path),
            Reads::Paths(paths) => paths.iter().for_each(|p| self.add_path(p)),
            Reads::Anything => self.all(),
        }
    }

    /// Demand the value at `steps` of the request.
    fn add_path(&mut self, steps: &[Step]) {
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
            // `.queryParams…` is always built (the names are noted for RequestReads); `.item…`
            // reads no part of the request, and any other key of the request is null.
            (Some(b"queryParams"), Some(name)) => {
                if let Some(names) = &mut self.query {
                    if !names.iter().any(|n| n.as_slice() == name) {
                        names.push(name.to_vec());
                    }
                }
            }
            (Some(b"queryParams"), None) => self.query = None,
            _ => {}
        }
    }

    fn all(&mut self) {
        self.body = Demand::All;
        self.headers = None;
        self.query = None;
    }

    /// True when everything is demanded.
    pub fn is_all(&self) -> bool {
        self.body.is_all() && self.headers.is_none() && self.query.is_none()
    }
}

/// A path step's key as bytes (`None` for an index).
fn key_bytes(step: &Step) -> Option<&[u8]> {
    match step {
        Step::Key(k) => Some(k.as_bytes()),
        Step::Index(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expression::Expression;
    use crate::jq::Dialect;

    fn reads(program: &str) -> RequestReads {
        RequestReads::of(&Expression::new(program, Dialect::Port))
    }

    #[test]
    fn reads_name_the_headers_and_query_parameters_an_expression_reads() {
        let r = reads(r#".headers["X-GitHub-Event"] + .headers.foo + .queryParams.page + .body.x"#);
        assert_eq!(r.headers, Some(vec!["foo".to_owned(), "x-github-event".to_owned()]));
        assert_eq!(r.query_params, Some(vec!["page".to_owned()]));
        // What follows a pipe from a path sees only the value there.
        let piped = reads(r#""renamed " + (.body.stack.name | tostring) + .headers.x"#);
        assert_eq!(
            (piped.headers, piped.query_params),
            (Some(vec!["x".to_owned()]), Some(vec![]))
        );
        let none = reads(".body.stack.id");
        assert_eq!((none.headers, none.query_params), (Some(vec![]), Some(vec![])));
        // A whole object, or anything: every name may be read.
        assert_eq!(reads(".headers | keys").headers, None);
        assert_eq!(reads(".queryParams").query_params, None);
        let any = reads(".[\"head\" + \"ers\"]");
        assert_eq!((any.headers, any.query_params), (None, None));
    }
}
