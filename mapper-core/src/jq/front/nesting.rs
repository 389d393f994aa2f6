//! The nesting limit: jaq's parser, compiler and evaluator recurse once per level of an
//! expression's syntax tree, so `((((…1))))`, `1 + 1 + …` or `if … then if …` nested a few
//! thousand levels deep overflow the stack (natively that aborts the process; found by
//! fuzzing, issue 8). Programs are measured before anything parses them and refused above
//! [`MAX_NESTING`] levels with a compile error naming the limit.
//!
//! This is the one pass over a program's raw bytes (everything else reads jaq's tokens, see
//! [`super::syntax`]): it has to run before jaq's lexer, which recurses once per bracket.

/// The deepest an expression may nest, as [`estimate`] counts it. Real mappings stay below
/// 30; an unoptimised build on a 2 MiB thread overflows near 200 levels, the wasm build's
/// 1 MiB stack near 600.
pub const MAX_NESTING: usize = 128;

/// Words that nest their operands in jaq's syntax tree.
const KEYWORDS: &[&str] = &[
    "if", "then", "elif", "else", "try", "catch", "reduce", "foreach", "as", "def", "and", "or", "label",
];

/// One open bracket (or the whole program, or a string interpolation) being measured.
#[derive(Default)]
struct Group {
    /// Operators and keywords directly inside: each may add a level (`a | b | c` is a chain).
    links: usize,
    /// The deepest group inside.
    deepest_child: usize,
    /// Whether closing it returns into a string literal (`"\(…)"`).
    interpolation: bool,
}

impl Group {
    fn depth(&self) -> usize {
        self.links + 1 + self.deepest_child
    }
}

/// An upper bound of the syntax tree's depth: for each bracket level, its operators and
/// keywords plus one, summed along the deepest chain of nested brackets. Over-counts flat
/// operator lists (harmless at this limit); never under-counts what makes jaq recurse.
pub fn estimate(code: &str) -> usize {
    let b = code.as_bytes();
    let mut stack = vec![Group::default()];
    let mut i = 0;
    let mut in_string = false;
    let close = |stack: &mut Vec<Group>| -> bool {
        if stack.len() == 1 {
            return false;
        }
        let g = stack.pop().expect("more than the root");
        let top = stack.last_mut().expect("the root");
        top.deepest_child = top.deepest_child.max(g.depth());
        g.interpolation
    };
    while i < b.len() {
        let c = b[i];
        if in_string {
            match c {
                b'\\' if b.get(i + 1) == Some(&b'(') => {
                    stack.push(Group {
                        interpolation: true,
                        ..Group::default()
                    });
                    in_string = false;
                    i += 2;
                    continue;
                }
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        match c {
            b'"' => in_string = true,
            b'#' => i = skip_comment(b, i),
            b'(' | b'[' | b'{' => stack.push(Group::default()),
            b')' | b']' | b'}' => in_string = close(&mut stack),
            // Every operator character: `- - -1` and `---1` nest alike (`//=` counts thrice).
            b'|' | b',' | b'+' | b'-' | b'*' | b'/' | b'%' | b'=' | b'<' | b'>' | b'!' => {
                stack.last_mut().expect("the root").links += 1;
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let start = i;
                while i + 1 < b.len() && (b[i + 1].is_ascii_alphanumeric() || b[i + 1] == b'_') {
                    i += 1;
                }
                let after_dot_or_dollar = start > 0 && matches!(b[start - 1], b'.' | b'$' | b'@');
                if !after_dot_or_dollar && KEYWORDS.contains(&&code[start..=i]) {
                    stack.last_mut().expect("the root").links += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    // Unclosed brackets (a syntax error jaq reports) still count.
    while stack.len() > 1 {
        close(&mut stack);
    }
    stack[0].depth()
}

/// Index of the newline that ends the `#` comment starting at `i` (or the end).
fn skip_comment(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i] != b'\n' {
        i += 1;
    }
    i
}

/// Whether `code` nests deeper than the limit. Each level [`estimate`] counts is at least one
/// byte (a bracket, an operator, a keyword), so a text shorter than the limit is never measured.
pub fn too_deep(code: &str) -> bool {
    code.len() >= MAX_NESTING && estimate(code) > MAX_NESTING
}

/// The compile error for a program over the limit, if it is.
pub fn check(code: &str) -> Option<String> {
    if !too_deep(code) {
        return None;
    }
    let depth = estimate(code);
    (depth > MAX_NESTING).then(|| {
        format!(
            "nesting limit: the expression nests about {depth} levels deep, more than the {MAX_NESTING} allowed; split it with `def`s or flatten long operator chains"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_brackets_operators_and_keywords() {
        assert_eq!(estimate("."), 1);
        assert_eq!(estimate(".body.id | tostring"), 2);
        assert_eq!(estimate("((1))"), 3);
        assert_eq!(estimate("if . then 1 else 2 end"), 4);
        assert_eq!(estimate("\"a\\(1 + 2)b\""), 3);
        // Brackets and operators inside strings and comments are text.
        assert_eq!(estimate("\"((((| + -\" # (((("), 1);
        // `.then`, `$as`, `@if`-like names are not keywords.
        assert_eq!(estimate(".then | $as"), 2);
    }

    #[test]
    fn refuses_deep_programs() {
        assert!(check(&format!("{}1{}", "(".repeat(200), ")".repeat(200))).is_some());
        assert!(check(&format!("1{}", " + 1".repeat(200))).is_some());
        assert!(
            check(&format!("{}1", "(".repeat(200))).is_some(),
            "unclosed brackets count"
        );
        assert!(
            check(&format!("{}1", "-".repeat(200))).is_some(),
            "each operator character counts"
        );
        assert!(check(".body.stack.id | tostring").is_none());
        // The shortcut for short texts: every level is at least a byte.
        let short = format!("{}1", "(".repeat(MAX_NESTING - 1));
        assert_eq!(estimate(&short), MAX_NESTING);
        assert!(!too_deep(&short) && short.len() == MAX_NESTING);
        let longer = format!("({short}");
        assert!(too_deep(&longer) && check(&longer).is_some());
    }
}
