//! Resolving places to [`Location`]s: a JSON path (and a byte span inside a jq string) to the
//! line and column in the JSON text the user typed.
//!
//! [`SourceIndex`] records where every value (and key) of a document is in its text; it is
//! built once from text that serde_json has already accepted, so it never meets invalid JSON.
//! A span inside a jq expression is carried through the string literal's escapes (`\"`,
//! `\n`, `\u00e9`, surrogate pairs) to the raw text. Columns are counted in UTF-16 code units,
//! as editors and JavaScript count them.

use crate::diagnostic::{Code, Diagnostic, Document, Location};
use crate::jq::Span;
use crate::path::{JsonPath, Step};
use std::collections::HashMap;
use std::ops::Range;

/// Where one value of a document is.
#[derive(Debug, Clone)]
struct Node {
    /// The byte range of its key, for a member of an object.
    key: Option<Range<usize>>,
    /// The byte range of the value (a string's range includes its quotes).
    value: Range<usize>,
}

/// The positions of every value of one JSON document.
#[derive(Debug, Clone)]
pub struct SourceIndex {
    document: Document,
    text: String,
    nodes: HashMap<Vec<Step>, Node>,
    /// Byte offset of the start of each line.
    line_starts: Vec<usize>,
    /// Leading steps that paths name but the document leaves out (a configuration written as
    /// a bare array of mappings is addressed as `mappings[i]`).
    implied: Vec<Step>,
}

impl SourceIndex {
    /// Index `text`, a JSON document serde_json has accepted; `None` if it is not JSON after all.
    pub fn new(document: Document, text: &str) -> Option<Self> {
        let mut nodes = HashMap::new();
        let mut scanner = Scanner {
            b: text.as_bytes(),
            i: 0,
        };
        let mut path = Vec::new();
        scanner.ws();
        scanner.value(&mut path, None, &mut nodes)?;
        Some(Self {
            document,
            text: text.to_owned(),
            nodes,
            line_starts: line_starts(text),
            implied: Vec::new(),
        })
    }

    /// An index of a document that is not JSON (a Terraform file): `places` says where each
    /// value is in `text`, by its path in the JSON the document stands for. Paths are
    /// addressed like a configuration's (`mappings[i]...`). A span inside a string value is
    /// carried through the string's escapes as for JSON (`\"`, `\n`, `\u00e9`).
    pub fn from_places(
        document: Document,
        text: &str,
        places: impl IntoIterator<Item = (Vec<Step>, Range<usize>)>,
    ) -> Self {
        let nodes = places
            .into_iter()
            .filter(|(_, r)| r.start <= r.end && r.end <= text.len())
            .map(|(path, value)| (path, Node { key: None, value }))
            .collect();
        Self {
            document,
            text: text.to_owned(),
            nodes,
            line_starts: line_starts(text),
            implied: Vec::new(),
        }
    }

    /// The location of the value at `steps` exactly (no enclosing value), if indexed.
    pub fn locate_exact(&self, steps: &[Step]) -> Option<Location> {
        self.nodes.get(steps).map(|n| self.range_location(n.value.clone()))
    }

    /// Index a webhook configuration, which may be written as a webhook object, a bare array
    /// of mappings, or a single mapping: every form is addressed as `mappings[i]...`.
    pub fn config(text: &str) -> Option<Self> {
        let mut index = Self::new(Document::Config, text)?;
        let mappings = Step::Key("mappings".to_owned());
        let root_is_array = text.trim_start().starts_with('[');
        if root_is_array {
            index.implied = vec![mappings];
        } else if !index.nodes.contains_key(&[mappings.clone()][..])
            && index.nodes.contains_key(&[Step::Key("blueprint".to_owned())][..])
        {
            index.implied = vec![mappings, Step::Index(0)];
        }
        Some(index)
    }

    /// The location of `path` (the nearest enclosing value that exists), narrowed to `span`
    /// when the value is a string holding a jq expression; the key instead of the value when
    /// `on_key`.
    pub fn locate(&self, path: &JsonPath, span: Option<Span>, on_key: bool) -> Option<Location> {
        let steps = path.steps();
        let steps = steps.strip_prefix(self.implied.as_slice()).unwrap_or(steps);
        let (exact, node) = (0..=steps.len())
            .rev()
            .find_map(|n| self.nodes.get(&steps[..n]).map(|node| (n == steps.len(), node)))?;
        let mut range = node.value.clone();
        if exact && on_key {
            if let Some(k) = &node.key {
                range = k.clone();
            }
        }
        if let (true, Some(span)) = (exact && !on_key, span) {
            if self.text.as_bytes().get(range.start) == Some(&b'"') {
                let raw = &self.text[range.start + 1..range.end - 1];
                let start = range.start + 1 + raw_offset(raw, span.start);
                let end = range.start + 1 + raw_offset(raw, span.end.max(span.start));
                range = start..end.max(start);
            }
        }
        Some(self.range_location(range))
    }

    /// Fill in the location of each diagnostic that has a path and none yet.
    pub fn resolve(&self, diagnostics: &mut [Diagnostic]) {
        for d in diagnostics {
            if d.location.is_none() {
                if let Some(path) = &d.path {
                    d.location = self.locate(path, d.span, d.code == Code::UnknownKey);
                }
            }
        }
    }

    /// The location of a byte range of the text.
    pub fn range_location(&self, range: Range<usize>) -> Location {
        let (line, column) = self.line_column(range.start);
        let (end_line, end_column) = self.line_column(range.end);
        Location {
            document: self.document,
            line,
            column,
            end_line,
            end_column,
        }
    }

    /// 1-based line and UTF-16 column of a byte offset.
    fn line_column(&self, offset: usize) -> (usize, usize) {
        let line = self.line_starts.partition_point(|&s| s <= offset).max(1);
        let start = self.line_starts[line - 1];
        (line, utf16_len(&self.text, start, offset) + 1)
    }
}

/// Byte offset of the start of each line of `text`.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(
            text.bytes()
                .enumerate()
                .filter(|(_, c)| *c == b'\n')
                .map(|(i, _)| i + 1),
        )
        .collect()
}

/// UTF-16 length of `text[start..end]`, `end` moved back to a character boundary.
fn utf16_len(text: &str, start: usize, mut end: usize) -> usize {
    end = end.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(start..end).map_or(0, |s| s.encode_utf16().count())
}

/// A configuration's text, indexed only when a diagnostic first needs a location: most
/// configurations compile without a word and map without one, and indexing every value of the
/// text cost more than compiling a small configuration.
#[derive(Debug)]
pub struct LazyConfigIndex {
    text: Box<str>,
    index: std::cell::OnceCell<Option<SourceIndex>>,
}

impl LazyConfigIndex {
    /// Keep `text` (a configuration serde_json accepted) for later.
    pub fn new(text: &str) -> Self {
        Self {
            text: text.into(),
            index: std::cell::OnceCell::new(),
        }
    }

    /// An index built already (a Terraform file's places, [`SourceIndex::from_places`]).
    pub fn ready(index: SourceIndex) -> Self {
        Self {
            text: Box::from(""),
            index: std::cell::OnceCell::from(Some(index)),
        }
    }

    /// Fill in the location of each field trace: its expression's string in the text.
    pub fn locate_traces(&self, traces: &mut [crate::entity::FieldTrace]) {
        if traces.is_empty() {
            return;
        }
        if let Some(index) = self.index.get_or_init(|| SourceIndex::config(&self.text)) {
            for t in traces {
                if let Some(path) = &t.path {
                    t.location = index.locate(path, None, false);
                }
            }
        }
    }

    /// Fill in the location of each diagnostic that has a path and none yet.
    pub fn resolve(&self, diagnostics: &mut [Diagnostic]) {
        if diagnostics.iter().any(|d| d.location.is_none() && d.path.is_some()) {
            if let Some(index) = self.index.get_or_init(|| SourceIndex::config(&self.text)) {
                index.resolve(diagnostics);
            }
        }
    }
}

/// serde_json's 1-based line and byte column, as a 1-based line and UTF-16 column in `text`.
pub fn at_line_column(text: &[u8], line: usize, column: usize) -> Option<(usize, usize)> {
    if line == 0 {
        return None;
    }
    let start = if line == 1 {
        0
    } else {
        text.iter()
            .enumerate()
            .filter(|(_, c)| **c == b'\n')
            .nth(line - 2)
            .map(|(i, _)| i + 1)?
    };
    let line_end = text[start..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(text.len(), |n| start + n);
    let end = (start + column.saturating_sub(1)).min(line_end);
    let prefix = String::from_utf8_lossy(&text[start..end]);
    Some((line, prefix.encode_utf16().count() + 1))
}

/// The byte offset in a JSON string literal's raw content (between its quotes) of the byte at
/// `decoded` in the string it denotes.
fn raw_offset(raw: &str, decoded: usize) -> usize {
    let b = raw.as_bytes();
    let (mut i, mut d) = (0, 0);
    while i < b.len() && d < decoded {
        if b[i] == b'\\' {
            match b.get(i + 1) {
                Some(b'u') => {
                    let unit = hex4(&b[i + 2..]);
                    let pair =
                        (0xD800..0xDC00).contains(&unit) && b.get(i + 6) == Some(&b'\\') && b.get(i + 7) == Some(&b'u');
                    if pair {
                        i += 12;
                        d += 4;
                    } else {
                        i += 6;
                        d += char::from_u32(unit).map_or(3, char::len_utf8);
                    }
                }
                _ => {
                    i += 2;
                    d += 1;
                }
            }
        } else {
            let n = raw[i..].chars().next().map_or(1, char::len_utf8);
            i += n;
            d += n;
        }
    }
    i.min(b.len())
}

fn hex4(b: &[u8]) -> u32 {
    b.iter()
        .take(4)
        .fold(0, |acc, c| acc * 16 + (*c as char).to_digit(16).unwrap_or(0))
}

/// A reader of JSON text already known to be valid, recording where each value is.
struct Scanner<'a> {
    b: &'a [u8],
    i: usize,
}

impl Scanner<'_> {
    fn ws(&mut self) {
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn value(
        &mut self,
        path: &mut Vec<Step>,
        key: Option<Range<usize>>,
        nodes: &mut HashMap<Vec<Step>, Node>,
    ) -> Option<()> {
        let start = self.i;
        match *self.b.get(self.i)? {
            b'{' => {
                self.i += 1;
                self.ws();
                if self.b.get(self.i) == Some(&b'}') {
                    self.i += 1;
                } else {
                    loop {
                        let k_start = self.i;
                        self.string()?;
                        let k_range = k_start..self.i;
                        let name: String = serde_json::from_slice(&self.b[k_range.clone()]).ok()?;
                        self.ws();
                        (self.b.get(self.i) == Some(&b':')).then_some(())?;
                        self.i += 1;
                        self.ws();
                        path.push(Step::Key(name));
                        self.value(path, Some(k_range), nodes)?;
                        path.pop();
                        if self.closes(b'}')? {
                            break;
                        }
                    }
                }
            }
            b'[' => {
                self.i += 1;
                self.ws();
                if self.b.get(self.i) == Some(&b']') {
                    self.i += 1;
                } else {
                    for n in 0.. {
                        path.push(Step::Index(n));
                        self.value(path, None, nodes)?;
                        path.pop();
                        if self.closes(b']')? {
                            break;
                        }
                    }
                }
            }
            b'"' => self.string()?,
            _ => {
                while self.i < self.b.len()
                    && !matches!(self.b[self.i], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
                {
                    self.i += 1;
                }
            }
        }
        nodes.insert(
            path.clone(),
            Node {
                key,
                value: start..self.i,
            },
        );
        Some(())
    }

    /// After a member or element: `Some(false)` past a `,`, `Some(true)` past `close`.
    fn closes(&mut self, close: u8) -> Option<bool> {
        self.ws();
        let c = *self.b.get(self.i)?;
        self.i += 1;
        match c {
            b',' => {
                self.ws();
                Some(false)
            }
            c if c == close => Some(true),
            _ => None,
        }
    }

    fn string(&mut self) -> Option<()> {
        (self.b.get(self.i) == Some(&b'"')).then_some(())?;
        self.i += 1;
        loop {
            match *self.b.get(self.i)? {
                b'"' => {
                    self.i += 1;
                    return Some(());
                }
                b'\\' => self.i += 2,
                _ => self.i += 1,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loc(index: &SourceIndex, path: &JsonPath, span: Option<Span>) -> (usize, usize, usize, usize) {
        let l = index.locate(path, span, false).unwrap();
        (l.line, l.column, l.end_line, l.end_column)
    }

    #[test]
    fn values_and_keys_are_found_by_path() {
        let text =
            "{\n  \"mappings\": [\n    {\"blueprint\": \"b\", \"entity\": {\"identifier\": \".body.id\"}}\n  ]\n}";
        let index = SourceIndex::new(Document::Config, text).unwrap();
        let p = JsonPath::root("")
            .key("mappings")
            .index(0)
            .key("entity")
            .key("identifier");
        let line3 = text.lines().nth(2).unwrap();
        let col = |s: &str| line3.find(s).unwrap() + 1;
        // The whole string literal, quotes included.
        assert_eq!(loc(&index, &p, None), (3, col("\".body.id\""), 3, col("}}")));
        // A span inside the expression: `.id` is bytes 5..8 of `.body.id`.
        assert_eq!(
            loc(&index, &p, Some(Span { start: 5, end: 8 })),
            (3, col(".id"), 3, col(".id") + 3)
        );
        // A path below an existing value resolves to that value.
        assert_eq!(
            loc(&index, &p.key("deeper"), None),
            (3, col("\".body.id\""), 3, col("}}"))
        );
        let key = index.locate(&p, None, true).unwrap();
        assert_eq!(
            (key.line, key.column, key.end_column),
            (3, col("\"identifier\""), col(": \".body"))
        );
    }

    #[test]
    fn spans_are_carried_through_escapes_and_counted_in_utf16() {
        // The expression `"é" + .a` written with escapes: \"\u00e9\" + .a
        let text = r#"{"x": "\"\u00e9\" + .a", "y": "😀 .b"}"#;
        let index = SourceIndex::new(Document::Config, text).unwrap();
        // Decoded: `"é" + .a`: `.a` is bytes 7..9 (é is 2 bytes).
        let x = JsonPath::root("").key("x");
        let raw_start = text.find(".a").unwrap();
        assert_eq!(
            loc(&index, &x, Some(Span { start: 7, end: 9 })),
            (1, raw_start + 1, 1, raw_start + 3)
        );
        // 😀 is 4 bytes in UTF-8 and 2 UTF-16 units: `.b` starts at decoded byte 5.
        let y = JsonPath::root("").key("y");
        let col = text[..text.find(".b").unwrap()].encode_utf16().count() + 1;
        assert_eq!(loc(&index, &y, Some(Span { start: 5, end: 7 })), (1, col, 1, col + 2));
    }

    #[test]
    fn surrogate_pair_escapes_count_as_one_character() {
        let text = r#"{"x": "\ud83d\ude00.b"}"#;
        let index = SourceIndex::new(Document::Config, text).unwrap();
        let x = JsonPath::root("").key("x");
        let col = text.find(".b").unwrap() + 1;
        assert_eq!(loc(&index, &x, Some(Span { start: 4, end: 6 })), (1, col, 1, col + 2));
    }

    #[test]
    fn serde_line_and_column_become_utf16_columns() {
        let text = "{\"é\": tru}".as_bytes();
        let err = serde_json::from_slice::<serde_json::Value>(text).unwrap_err();
        let (line, column) = at_line_column(text, err.line(), err.column()).unwrap();
        assert_eq!(line, 1);
        // serde_json counts bytes (é is two); the editor counts one unit for it.
        assert_eq!(column, err.column() - 1);
    }
}
