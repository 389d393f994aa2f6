//! The request jq sees: `{body, headers, queryParams}`, checked and normalised once; what a
//! mapper reads of it ([`demand`]), and the reader that builds only that ([`reader`]).

pub(crate) mod demand;
pub(crate) mod reader;

use crate::diagnostic::{Code, Diagnostic, Document, Location, Severity};
use crate::error::Error;
use crate::location::SourceIndex;
use crate::path::JsonPath;
use crate::value::key_string;
use crate::value::TypeName;
use demand::RequestDemand;
use jaq_json::{Map, Val};

const REQUEST_KEYS: &[&str] = &["body", "headers", "queryParams"];

/// A webhook request, held as the jq value every expression runs on.
#[derive(Debug, Clone)]
pub struct Request {
    val: Val,
}

impl Request {
    /// Parse request JSON (`{body, headers, queryParams}`); errors carry line and column.
    pub fn from_json(bytes: &[u8]) -> Result<Self, Error> {
        let val = parse_json(bytes).map_err(|e| syntax_error("request", bytes, &e))?;
        Self::from_val(val).map_err(|e| located(e, bytes))
    }

    /// Parse request JSON building only the parts of the body and headers `demand` names (what one mapper
    /// reads; see [`demand`]). The request is only fit for that mapper.
    pub(crate) fn from_json_demand(bytes: &[u8], demand: &RequestDemand) -> Result<Self, Error> {
        let val = parse_with(bytes, Shape::Request(demand)).map_err(|e| syntax_error("request", bytes, &e))?;
        Self::from_val(val).map_err(|e| located(e, bytes))
    }

    /// A request whose body is the given JSON, building only what `demand` names of it.
    pub(crate) fn from_body_json_demand(bytes: &[u8], demand: &RequestDemand) -> Result<Self, Error> {
        let body = parse_with(bytes, Shape::Body(&demand.body)).map_err(|e| syntax_error("body", bytes, &e))?;
        Ok(Self::from_parts(body, Map::default(), Map::default()))
    }

    /// Read request JSON, or with `body_only` a body-only payload (as `{body, headers: {},
    /// queryParams: {}}`): what every front end offers as its "body only" option.
    pub fn read(bytes: &[u8], body_only: bool) -> Result<Self, Error> {
        if body_only {
            Self::from_body_json(bytes)
        } else {
            Self::from_json(bytes)
        }
    }

    /// A request whose body is the given JSON (no headers, no query parameters).
    pub fn from_body_json(bytes: &[u8]) -> Result<Self, Error> {
        let body = parse_json(bytes).map_err(|e| syntax_error("body", bytes, &e))?;
        Ok(Self::from_parts(body, Map::default(), Map::default()))
    }

    /// Build a request from a JSON value.
    pub fn from_value(v: &serde_json::Value) -> Result<Self, Error> {
        Self::from_val(crate::value::to_val(v))
    }

    /// Build a request from its three parts.
    pub fn from_parts(body: Val, headers: Map, query_params: Map) -> Self {
        let mut o = Map::default();
        o.insert(Val::utf8_str("body"), body);
        o.insert(Val::utf8_str("headers"), Val::obj(with_lowercase_headers(headers)));
        o.insert(Val::utf8_str("queryParams"), Val::obj(query_params));
        Self { val: Val::obj(o) }
    }

    /// Check a jq value is a request and normalise it (lowercase header aliases, defaults).
    pub fn from_val(val: Val) -> Result<Self, Error> {
        let root = JsonPath::root("request");
        let mut errs = Vec::new();
        let Val::Obj(o) = val else {
            return Err(Error::Request(vec![Diagnostic::error(
                Code::WrongType,
                &root,
                format!(
                    "a request must be an object {{\"body\", \"headers\", \"queryParams\"}}, found {}",
                    &val.type_with_article()
                ),
            )]));
        };
        for k in o.keys() {
            let name = key_string(k);
            if !REQUEST_KEYS.contains(&name.as_str()) {
                errs.push(Diagnostic::error(Code::UnknownKey, &root.key(&name), format!(
                    "unknown key `{name}`: a request has `body`, `headers` and `queryParams` (to map a body-only payload, wrap it or use the body-only option)"
                )));
            }
        }
        // Take the parts out of the request (no copy when nothing else holds the object).
        let mut o = std::rc::Rc::try_unwrap(o).unwrap_or_else(|shared| (*shared).clone());
        let mut get = |k: &str| o.shift_remove(&Val::utf8_str(k.to_owned()));
        let body = match get("body") {
            Some(b) => b,
            None => {
                if errs.is_empty() {
                    errs.push(Diagnostic::error(
                        Code::MissingKey,
                        &root,
                        "missing `body`: a request is {\"body\", \"headers\", \"queryParams\"}",
                    ));
                }
                Val::Null
            }
        };
        let headers = string_map(get("headers"), &root.key("headers"), "header", &mut errs);
        let query = query_map(get("queryParams"), &root.key("queryParams"), &mut errs);
        if !errs.is_empty() {
            return Err(Error::Request(errs));
        }
        Ok(Self::from_parts(body, headers, query))
    }

    /// The request as jq sees it.
    pub fn val(&self) -> &Val {
        &self.val
    }

    /// A header's value, matched case-insensitively.
    pub fn header(&self, name: &str) -> Option<String> {
        let Val::Obj(o) = &self.val else { return None };
        let Some(Val::Obj(h)) = o.get(&Val::utf8_str("headers")) else {
            return None;
        };
        h.iter()
            .find(|(k, _)| key_string(k).eq_ignore_ascii_case(name))
            .and_then(|(_, v)| match v {
                Val::TStr(s) => Some(String::from_utf8_lossy(s).into_owned()),
                _ => None,
            })
    }
}

/// Parse JSON bytes into a jq value. Valid UTF-8 (nearly always) is checked once for the whole
/// text, so the parser need not check every string again; otherwise the byte parser reports the
/// error (with its line and column) as before.
fn parse_json(bytes: &[u8]) -> Result<Val, serde_json::Error> {
    parse_with(bytes, Shape::Whole)
}

/// What to build of the JSON text.
#[derive(Clone, Copy)]
enum Shape<'a> {
    /// The whole value.
    Whole,
    /// A request, with only the demanded parts of its body and headers.
    Request(&'a RequestDemand),
    /// A body, only its demanded parts.
    Body(&'a demand::Demand),
}

impl Shape<'_> {
    fn parse<'de, D: serde::Deserializer<'de>>(self, d: D) -> Result<Val, D::Error> {
        match self {
            Self::Whole => serde::Deserialize::deserialize(d),
            Self::Request(demand) => reader::parse_request(d, demand),
            Self::Body(body) => reader::parse_value(d, body),
        }
    }
}

/// Parse `bytes` into the given shape; nothing but whitespace may follow the value.
fn parse_with(bytes: &[u8], shape: Shape<'_>) -> Result<Val, serde_json::Error> {
    fn finish<'de, R: serde_json::de::Read<'de>>(
        mut d: serde_json::Deserializer<R>,
        shape: Shape<'_>,
    ) -> Result<Val, serde_json::Error> {
        let v = shape.parse(&mut d)?;
        d.end()?;
        Ok(v)
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => finish(serde_json::Deserializer::from_str(text), shape),
        // Not UTF-8: build everything, so the parser meets (and places) the bad bytes even in
        // the parts a demand would skip.
        Err(_) => finish(serde_json::Deserializer::from_slice(bytes), Shape::Whole),
    }
}

/// The error for request text the parser refused: `invalid-utf8` at the first bad byte when
/// the text is not UTF-8, else `json-syntax` at serde_json's line and column.
fn syntax_error(field: &str, bytes: &[u8], e: &serde_json::Error) -> Error {
    let d = match std::str::from_utf8(bytes) {
        Ok(_) => Diagnostic::json_syntax(Document::Request, field, bytes, e),
        Err(bad) => {
            let at = bad.valid_up_to();
            // The prefix is valid UTF-8, so its lines and UTF-16 columns can be counted.
            let prefix = std::str::from_utf8(&bytes[..at]).unwrap_or_default();
            let line = prefix.matches('\n').count() + 1;
            let column = prefix.rsplit('\n').next().unwrap_or_default().encode_utf16().count() + 1;
            Diagnostic::about(
                Code::InvalidUtf8,
                Severity::Error,
                field,
                format!("not UTF-8 text: invalid byte at offset {at} (line {line}, column {column})"),
            )
            .at(Some(Location {
                document: Document::Request,
                line,
                column,
                end_line: line,
                end_column: column + 1,
            }))
        }
    };
    Error::Request(vec![d])
}

/// The same error with each diagnostic's location in the request text.
fn located(mut e: Error, bytes: &[u8]) -> Error {
    let text = std::str::from_utf8(bytes).ok();
    if let (Error::Request(ds), Some(index)) = (&mut e, text.and_then(|t| SourceIndex::new(Document::Request, t))) {
        index.resolve(ds);
    }
    e
}

fn string_map(v: Option<Val>, path: &JsonPath, what: &str, errs: &mut Vec<Diagnostic>) -> Map {
    match v {
        None | Some(Val::Null) => Map::default(),
        Some(Val::Obj(o)) => {
            for (k, v) in o.iter() {
                if !matches!(v, Val::TStr(_)) {
                    let name = key_string(k);
                    errs.push(Diagnostic::error(
                        Code::WrongType,
                        &path.key(&name),
                        format!("a {what} value must be a string, found {}", v.type_with_article()),
                    ));
                }
            }
            unshare(o)
        }
        Some(other) => {
            errs.push(Diagnostic::error(
                Code::WrongType,
                path,
                format!(
                    "`headers` must be an object of strings, found {}",
                    &other.type_with_article()
                ),
            ));
            Map::default()
        }
    }
}

fn query_map(v: Option<Val>, path: &JsonPath, errs: &mut Vec<Diagnostic>) -> Map {
    match v {
        None | Some(Val::Null) => Map::default(),
        Some(Val::Obj(o)) => {
            for (k, v) in o.iter() {
                let ok = match v {
                    Val::TStr(_) => true,
                    Val::Arr(a) => a.iter().all(|x| matches!(x, Val::TStr(_))),
                    _ => false,
                };
                if !ok {
                    errs.push(Diagnostic::error(
                        Code::WrongType,
                        &path.key(&key_string(k)),
                        format!(
                            "a query parameter must be a string or an array of strings, found {}",
                            v.type_with_article()
                        ),
                    ));
                }
            }
            unshare(o)
        }
        Some(other) => {
            errs.push(Diagnostic::error(
                Code::WrongType,
                path,
                format!("`queryParams` must be an object, found {}", &other.type_with_article()),
            ));
            Map::default()
        }
    }
}

/// The map itself when nothing else holds it, else a copy.
fn unshare(o: std::rc::Rc<Map>) -> Map {
    std::rc::Rc::try_unwrap(o).unwrap_or_else(|shared| (*shared).clone())
}

/// Add a lowercase alias for every header present only in another case.
fn with_lowercase_headers(mut headers: Map) -> Map {
    // Most names are lowercase already, and captures usually carry the lowercase twin of the
    // others: compare bytes before allocating a lowercase key.
    fn is_lowercase(k: &Val) -> bool {
        matches!(k, Val::TStr(b) if !b.iter().any(u8::is_ascii_uppercase))
    }
    // (A linear scan per name: for the usual few dozen headers; beyond that, hashing decides.)
    let lowercase: Vec<&[u8]> = if headers.len() <= 64 {
        headers
            .keys()
            .filter_map(|k| match k {
                Val::TStr(b) if is_lowercase(k) => Some(&b[..]),
                _ => None,
            })
            .collect()
    } else {
        Vec::new()
    };
    let has_twin = |k: &Val| match k {
        Val::TStr(b) => lowercase
            .iter()
            .any(|o| o.len() == b.len() && o.eq_ignore_ascii_case(b)),
        _ => false,
    };
    let missing: Vec<(Val, Val)> = headers
        .iter()
        .filter(|(k, _)| !is_lowercase(k) && !has_twin(k))
        .filter_map(|(k, v)| {
            let name = key_string(k);
            let lower = name.to_ascii_lowercase();
            (lower != name).then(|| (Val::utf8_str(lower), v.clone()))
        })
        .filter(|(k, _)| !headers.contains_key(k))
        .collect();
    for (k, v) in missing {
        headers.entry(k).or_insert(v);
    }
    headers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_get_lowercase_aliases_without_overwriting() {
        let r = Request::from_json(br#"{"body":{},"headers":{"X-Sig":"a","Only-Upper":"b","x-sig":"c"}}"#).unwrap();
        let json = crate::value::from_val(r.val());
        assert_eq!(json["headers"]["only-upper"], "b");
        assert_eq!(json["headers"]["x-sig"], "c");
        assert_eq!(json["queryParams"], serde_json::json!({}));
        assert_eq!(r.header("X-SIG").as_deref(), Some("a"));
    }

    #[test]
    fn body_only_payload_is_refused_with_a_hint() {
        let e = Request::from_json(br#"{"stack":{"id":"x"}}"#).unwrap_err();
        assert_eq!(e.diagnostics()[0].field, "request.stack");
        assert!(e.diagnostics()[0].message.contains("body-only"));
    }

    #[test]
    fn syntax_errors_name_line_and_column() {
        let e = Request::from_json(b"{\n  \"body\": [1,\n}").unwrap_err();
        let d = &e.diagnostics()[0];
        assert_eq!(d.location.map(|l| (l.line, l.column)), Some((3, 1)));
    }

    #[test]
    fn invalid_utf8_is_reported_by_the_byte_parser_with_its_place() {
        let e = Request::from_json(b"{\"body\": \"a\xff\"}").unwrap_err();
        let d = &e.diagnostics()[0];
        assert_eq!(d.location.map(|l| (l.line, l.column)), Some((1, 12)), "{}", d.message);
        assert_eq!(d.code, Code::InvalidUtf8, "{}", d.message);
        // Valid text parses the same either way.
        let r = Request::from_json("{\"body\": {\"s\": \"é\"}}".as_bytes()).unwrap();
        assert_eq!(crate::value::from_val(r.val())["body"]["s"], "é");
    }

    #[test]
    fn wrong_types_name_their_place() {
        let e = Request::from_json(br#"{"body":1,"headers":{"A":1},"queryParams":[]}"#).unwrap_err();
        let fields: Vec<_> = e.diagnostics().iter().map(|d| d.field.as_str()).collect();
        assert_eq!(fields, ["request.headers.A", "request.queryParams"]);
    }
}
