//! The Examples menu: the repository's `examples/` cases, embedded.

/// One example: a request, a webhook configuration and a blueprint.
pub struct Example {
    /// Menu label.
    pub name: &'static str,
    /// Folder name in `examples/` (used for the downloaded test case).
    pub slug: &'static str,
    /// The request JSON (`{body, headers, queryParams}`).
    pub request: &'static str,
    /// The webhook configuration JSON.
    pub config: &'static str,
    /// The blueprint JSON.
    pub blueprint: &'static str,
}

macro_rules! example {
    ($name:expr, $dir:literal) => {
        Example {
            name: $name,
            slug: $dir,
            request: include_str!(concat!("../../examples/", $dir, "/request.json")),
            config: include_str!(concat!("../../examples/", $dir, "/config.json")),
            blueprint: include_str!(concat!("../../examples/", $dir, "/blueprint.json")),
        }
    };
}

/// Every example; the first is the default.
pub const EXAMPLES: &[Example] = &[
    example!("Spacelift: run state changed → stack", "spacelift"),
    example!(
        "Spacelift: one entity per stack label (itemsToParse)",
        "spacelift-labels"
    ),
    example!("Spacelift: delete the stack of a discarded run", "spacelift-delete"),
    example!("GitHub: pull request", "github-pull-request"),
    example!("Sentry: issue", "sentry-issue"),
];
