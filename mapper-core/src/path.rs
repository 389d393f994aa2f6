//! Paths into JSON values, in one [`Step`] type: the places of a configuration or request
//! (`mappings[0].entity.properties.link`, [`JsonPath`]) and the jq paths expressions read
//! (`.body.stack.id`, [`jq_path`]).

use std::fmt;

/// One step of a path into a JSON value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Step {
    /// An object key.
    Key(String),
    /// An array index.
    Index(usize),
}

/// A location inside a JSON document, printed the way users write it in jq.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JsonPath {
    root: &'static str,
    steps: Vec<Step>,
}

impl JsonPath {
    /// An empty path under a root name (`""` prints as nothing; `"request"` as `request`).
    pub fn root(root: &'static str) -> Self {
        Self {
            root,
            steps: Vec::new(),
        }
    }

    /// This path extended by an object key.
    pub fn key(&self, key: &str) -> Self {
        let mut p = self.clone();
        p.steps.push(Step::Key(key.to_owned()));
        p
    }

    /// The steps from the document's root (the root name is not one).
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// This path extended by an array index.
    pub fn index(&self, i: usize) -> Self {
        let mut p = self.clone();
        p.steps.push(Step::Index(i));
        p
    }
}

fn is_plain_key(k: &str) -> bool {
    let mut chars = k.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        if !self.root.is_empty() {
            f.write_str(self.root)?;
            first = false;
        }
        for step in &self.steps {
            match step {
                Step::Key(k) if is_plain_key(k) => {
                    if !first {
                        f.write_str(".")?;
                    }
                    f.write_str(k)?;
                }
                Step::Key(k) => write!(f, "[{}]", serde_json::Value::from(k.as_str()))?,
                Step::Index(i) => write!(f, "[{i}]")?,
            }
            first = false;
        }
        if first {
            f.write_str("(root)")?;
        }
        Ok(())
    }
}

/// Words jq reads as keywords, never as field names after a `.`.
pub(crate) const KEYWORDS: &[&str] = &[
    "and", "or", "not", "if", "then", "elif", "else", "end", "as", "def", "reduce", "foreach", "try", "catch", "label",
    "import", "include", "__loc__",
];

/// The jq path of `steps`: `.body.stack.id`, `.headers."x-signature-256"`, `.body.labels[0]`;
/// keys that are not identifiers (or are jq keywords) are quoted as JSON strings; `.` for none.
pub fn jq_path(steps: &[Step]) -> String {
    if steps.is_empty() {
        return ".".into();
    }
    let mut out = String::new();
    for step in steps {
        match step {
            Step::Key(k) => {
                out.push('.');
                if is_plain_key(k) && !KEYWORDS.contains(&k.as_str()) {
                    out.push_str(k);
                } else {
                    out.push_str(&serde_json::to_string(k).expect("strings serialise"));
                }
            }
            Step::Index(i) => {
                if out.is_empty() {
                    out.push('.');
                }
                out.push_str(&format!("[{i}]"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::JsonPath;

    #[test]
    fn prints_like_jq_paths() {
        let p = JsonPath::root("")
            .key("mappings")
            .index(0)
            .key("entity")
            .key("properties")
            .key("link");
        assert_eq!(p.to_string(), "mappings[0].entity.properties.link");
        let q = JsonPath::root("request").key("headers").key("X-Signature-256");
        assert_eq!(q.to_string(), "request.headers[\"X-Signature-256\"]");
        assert_eq!(JsonPath::root("").to_string(), "(root)");
    }
}
