//! Rewriting a program: edits at token positions, applied by one helper ([`Edits::apply`])
//! that records where every part of the result came from ([`Layer`]). A [`Source`] keeps the
//! layers of every rewrite applied to a program, so a position in the final text (a compile
//! error's span) maps back to the text the user wrote.

use core::ops::Range;

/// A part of an edit's replacement text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// New text; its positions map to the edited range as a whole.
    Text(String),
    /// A copy of this range of the text being edited (the body of `?//` is copied into each
    /// alternative); its positions map back into the range.
    Copy(Range<usize>),
}

impl From<&str> for Piece {
    fn from(s: &str) -> Self {
        Self::Text(s.to_owned())
    }
}

impl From<String> for Piece {
    fn from(s: String) -> Self {
        Self::Text(s)
    }
}

/// Edits of one text: each replaces a range (empty for an insertion) with pieces.
#[derive(Debug, Clone, Default)]
pub struct Edits(Vec<(Range<usize>, Vec<Piece>)>);

impl Edits {
    /// No edits.
    pub fn new() -> Self {
        Self::default()
    }

    /// True when there is nothing to change.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Insert `text` at `at`. Insertions at one position keep the order they are made in.
    pub fn insert(&mut self, at: usize, text: impl Into<String>) {
        self.0.push((at..at, vec![Piece::Text(text.into())]));
    }

    /// Edits that put `open` before and `close` after each of `ranges`, which may nest: at one
    /// position, inner ranges close before outer ones and outer ranges open before inner ones.
    pub fn wrap(ranges: &[Range<usize>], open: &str, close: &str) -> Self {
        let mut points: Vec<(usize, bool, usize, &str)> = Vec::with_capacity(2 * ranges.len());
        for r in ranges {
            points.push((r.end, false, usize::MAX - r.start, close));
            points.push((r.start, true, usize::MAX - r.end, open));
        }
        points.sort_unstable();
        let mut edits = Self::new();
        for (at, _, _, text) in points {
            edits.insert(at, text);
        }
        edits
    }

    /// Replace `range` with `pieces`.
    pub fn replace(&mut self, range: Range<usize>, pieces: Vec<Piece>) {
        self.0.push((range, pieces));
    }

    /// The edited text, and the map from its positions to positions in `code`. Edits apply in
    /// the order of their start (then of being made); one that overlaps an earlier one, or is
    /// not a range of `code`, is dropped (edits come from distinct tokens, so none are).
    pub fn apply(mut self, code: &str) -> (String, Layer) {
        self.0.sort_by_key(|(r, _)| r.start);
        let mut out = String::with_capacity(code.len() + 16 * self.0.len());
        let mut segments = Vec::with_capacity(2 * self.0.len() + 1);
        let mut push = |out: &mut String, text: &str, from: Range<usize>, copied: bool| {
            if !text.is_empty() {
                let start = out.len();
                out.push_str(text);
                segments.push(Segment {
                    out: start..out.len(),
                    from,
                    copied,
                });
            }
        };
        let valid = |r: &Range<usize>| r.start <= r.end && code.get(r.clone()).is_some();
        let mut copied = 0;
        for (range, pieces) in self.0 {
            if range.start < copied || !valid(&range) {
                continue;
            }
            push(&mut out, &code[copied..range.start], copied..range.start, true);
            for piece in pieces {
                match piece {
                    Piece::Text(t) => push(&mut out, &t, range.clone(), false),
                    Piece::Copy(r) if valid(&r) => push(&mut out, &code[r.clone()], r, true),
                    Piece::Copy(_) => {}
                }
            }
            copied = range.end;
        }
        push(&mut out, &code[copied..], copied..code.len(), true);
        let layer = Layer {
            segments,
            input_len: code.len(),
        };
        (out, layer)
    }
}

/// One stretch of a rewritten text and where it came from.
#[derive(Debug, Clone)]
struct Segment {
    /// Its range in the rewritten text.
    out: Range<usize>,
    /// The range of the input it was copied from, or that the edit which made it replaced.
    from: Range<usize>,
    /// Copied (positions map one to one) or new text (positions map to `from` as a whole).
    copied: bool,
}

/// Where the parts of one rewrite's output came from in its input.
#[derive(Debug, Clone)]
pub struct Layer {
    segments: Vec<Segment>,
    input_len: usize,
}

impl Layer {
    /// The input position of output position `at`: of the byte at `at` (`start`), or of the
    /// byte before it (`!start`, for the end of a range).
    fn offset(&self, at: usize, start: bool) -> usize {
        let seg = self.segments.iter().find(|s| {
            if start {
                s.out.start <= at && at < s.out.end
            } else {
                s.out.start < at && at <= s.out.end
            }
        });
        match seg {
            Some(s) if s.copied => s.from.start + (at - s.out.start),
            Some(s) if start => s.from.start,
            Some(s) => s.from.end,
            None if at == 0 => 0,
            None => self.input_len,
        }
    }

    /// The input range `r` (a range of the output) came from. A range within new text maps to
    /// the whole range that text replaced (an insertion's position).
    pub fn range(&self, r: Range<usize>) -> Range<usize> {
        if r.start >= r.end {
            let at = self.offset(r.start, true);
            return at..at;
        }
        let (a, b) = (self.offset(r.start, true), self.offset(r.end, false));
        a.min(b)..a.max(b)
    }
}

/// A program and the rewrites applied to it so far.
#[derive(Debug, Clone)]
pub struct Source {
    text: String,
    layers: Vec<Layer>,
}

impl Source {
    /// The program as written.
    pub fn new(code: &str) -> Self {
        Self {
            text: code.to_owned(),
            layers: Vec::new(),
        }
    }

    /// The program as rewritten so far.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Apply `edits` to the current text; whether anything changed.
    pub fn apply(&mut self, edits: Edits) -> bool {
        if edits.is_empty() {
            return false;
        }
        let (text, layer) = edits.apply(&self.text);
        self.text = text;
        self.layers.push(layer);
        true
    }

    /// The range of the program as written that range `r` of the current text came from.
    pub fn original(&self, r: Range<usize>) -> Range<usize> {
        self.layers.iter().rev().fold(r, |r, layer| layer.range(r))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_map_back_through_insertions_replacements_and_copies() {
        let code = "try .a catch .b";
        let mut e = Edits::new();
        e.insert(13, "(_jq_message | ");
        e.insert(15, ")");
        let (out, layer) = e.apply(code);
        assert_eq!(out, "try .a catch (_jq_message | .b)");
        // `.b` maps back to `.b`, the inserted text to its insertion point.
        assert_eq!(layer.range(28..30), 13..15);
        assert_eq!(layer.range(14..25), 13..13);
        assert_eq!(layer.range(30..31), 15..15);
        assert_eq!(layer.range(31..31), 15..15);
        assert_eq!(layer.range(0..3), 0..3);

        let mut e = Edits::new();
        e.replace(0..2, vec!["<".into(), Piece::Copy(4..6), ">".into(), Piece::Copy(0..2)]);
        let (out, layer) = e.apply("ab  cd");
        assert_eq!(out, "<cd>ab  cd");
        assert_eq!(layer.range(1..3), 4..6);
        assert_eq!(layer.range(4..6), 0..2);
        assert_eq!(layer.range(0..1), 0..2);
        assert_eq!(layer.range(8..10), 4..6);
    }

    #[test]
    fn layers_compose_and_overlapping_edits_are_dropped() {
        let mut src = Source::new("abc");
        let mut e = Edits::new();
        e.insert(1, "XX");
        e.replace(0..2, vec!["Y".into()]);
        assert!(src.apply(e));
        assert_eq!(src.text(), "Yc", "the insertion inside the replaced range is dropped");
        let mut e = Edits::new();
        e.insert(0, "__");
        assert!(src.apply(e));
        assert_eq!(src.text(), "__Yc");
        assert_eq!(src.original(3..4), 2..3);
        assert_eq!(src.original(2..3), 0..2);
        assert_eq!(src.original(0..1), 0..0);
        assert!(!src.apply(Edits::new()));
    }
}

/// The text a rewrite stage (`fn(code, tokens) -> Edits`) makes of `code`, or `None` when it
/// changes nothing: what the stages' tests compare.
#[cfg(test)]
pub fn rewritten(code: &str, stage: fn(&str, &[super::Tk<'_>]) -> Edits) -> Option<String> {
    let edits = stage(code, &super::lex(code).expect("the test's code lexes"));
    (!edits.is_empty()).then(|| edits.apply(code).0)
}
