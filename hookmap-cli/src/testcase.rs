//! Mapping test cases, as `hookmap test` runs them (and `push` and `diff` before they talk to
//! Port): finding the cases, mapping each request, comparing with the expected entities, and
//! writing them with `--update`.
//!
//! A case is a folder holding a configuration, one or more requests and their expected
//! entities:
//!
//! ```text
//! case/
//!   config.json | config.tf | case.json   the configuration (case.json: {"config": "../main.tf#port_webhook.x"})
//!   request.json + expected.json          one request ...
//!   requests/NAME.json + expected/NAME.json  ... or several
//!   blueprint.json | blueprints/*.json    optional: blueprints the entities must satisfy
//! ```

use crate::host::Out;
use crate::source::{self, ConfigSpec, LoadError, Loaded};
use mapper_core::diff::{differences, Difference};
use mapper_core::{Blueprint, Diagnostic, MapperOptions, Request};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// One test case: a configuration and its requests.
#[derive(Debug, Clone)]
pub struct Case {
    /// The case's folder.
    pub dir: PathBuf,
    /// Its configuration (none: the case holds only requests, for `push` and `diff`, which run
    /// them with the configuration they push).
    pub config: Option<ConfigSpec>,
    /// Blueprints its entities must satisfy.
    pub blueprints: Vec<PathBuf>,
    /// Its requests, in order of name.
    pub requests: Vec<CaseRequest>,
    /// Map in strict mode (`"strict": true` in case.json).
    pub strict: bool,
}

/// One request of a case and where its expected entities are.
#[derive(Debug, Clone)]
pub struct CaseRequest {
    /// `request.json`, or `requests/NAME.json`: how reports name it.
    pub name: String,
    /// The request file.
    pub request: PathBuf,
    /// The expected entities' file (which `--update` writes).
    pub expected: PathBuf,
}

/// How cases run.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Write each request's expected entities from what Port would store, instead of comparing.
    pub update: bool,
    /// Map every case in strict mode.
    pub strict: bool,
}

/// What happened to one request.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Its entities are the expected ones.
    Passed,
    /// Its entities differ from the expected ones, at these places.
    Failed(Vec<Difference>),
    /// `--update` wrote its expected entities (`created`: the file did not exist).
    Written {
        /// The expected file is new.
        created: bool,
    },
    /// `--update` found the expected entities already right.
    Unchanged,
    /// The request or its expected entities could not be read (the message says why).
    Invalid(String),
}

impl Outcome {
    /// True when this request counts as a failure.
    pub fn failed(&self) -> bool {
        matches!(self, Outcome::Failed(_) | Outcome::Invalid(_))
    }
}

/// One request's result.
#[derive(Debug, Clone)]
pub struct RequestResult {
    /// The request.
    pub request: CaseRequest,
    /// What happened.
    pub outcome: Outcome,
    /// The error diagnostics of mapping it (each has its place in the configuration).
    pub errors: Vec<Diagnostic>,
    /// The text of the expected entities, as read (for pointing at a differing value).
    pub expected_text: Option<String>,
}

/// One case's result.
#[derive(Debug, Clone)]
pub struct CaseResult {
    /// The case.
    pub case: Case,
    /// The file its configuration was read from, as reports name it.
    pub config_file: String,
    /// Why the case could not run at all (an unreadable configuration, blueprint or case.json):
    /// diagnostics with their places in `config_file` when there are any.
    pub problem: Option<CaseProblem>,
    /// Each request's result (none when `problem` is set).
    pub requests: Vec<RequestResult>,
}

/// Why a case could not run.
#[derive(Debug, Clone)]
pub enum CaseProblem {
    /// A message (an unreadable file, a bad case.json).
    Message(String),
    /// The configuration's (or a blueprint's) diagnostics.
    Diagnostics {
        /// The file they are in.
        file: String,
        /// The diagnostics.
        diagnostics: Vec<Diagnostic>,
    },
}

impl CaseResult {
    /// How many requests passed and failed (a case that could not run is one failure; a
    /// request whose expected entities were written is neither).
    pub fn counts(&self) -> (usize, usize) {
        if self.problem.is_some() {
            return (0, 1);
        }
        let failed = self.requests.iter().filter(|r| r.outcome.failed()).count();
        let passed = self
            .requests
            .iter()
            .filter(|r| matches!(r.outcome, Outcome::Passed | Outcome::Unchanged))
            .count();
        (passed, failed)
    }

    /// What a report says under a failing case or request: the case's problem, or a request's
    /// differences and the error diagnostics that explain them.
    pub fn failure_lines(&self, request: Option<&RequestResult>) -> Vec<String> {
        let mut lines = Vec::new();
        match (&self.problem, request) {
            (Some(CaseProblem::Message(m)), _) => lines.push(m.clone()),
            (Some(CaseProblem::Diagnostics { file, diagnostics }), _) => lines.extend(
                diagnostics
                    .iter()
                    .map(|d| format!("{}: {d}", crate::input::place(file, d))),
            ),
            (None, Some(r)) => {
                match &r.outcome {
                    Outcome::Failed(ds) => lines.extend(ds.iter().map(ToString::to_string)),
                    Outcome::Invalid(m) => lines.push(m.clone()),
                    _ => {}
                }
                lines.extend(r.errors.iter().map(|d| match d.location {
                    Some(l) => format!("diagnostic: {}:{}:{}: {d}", self.config_file, l.line, l.column),
                    None => format!("diagnostic: {d}"),
                }));
            }
            (None, None) => {}
        }
        lines
    }
}

impl CaseResult {
    /// Every failure line of the case (empty when it passed).
    pub fn failures(&self) -> Vec<String> {
        if self.problem.is_some() {
            return self.failure_lines(None);
        }
        self.requests
            .iter()
            .filter(|r| r.outcome.failed())
            .flat_map(|r| self.failure_lines(Some(r)))
            .collect()
    }
}

fn is_case(out: &mut Out, dir: &Path) -> bool {
    ["config.json", "config.tf", "case.json", "request.json"]
        .iter()
        .any(|f| out.host().is_file(&dir.join(f)))
        || out.host().is_dir(&dir.join("requests"))
}

/// Folders a case search does not enter.
fn skipped(dir: &Path) -> bool {
    let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.starts_with('.') || name == "node_modules" || name == "target"
}

/// The case folders under `dir`: `dir` itself when it is a case, else every case below it
/// (sorted by path; a case's own folders are not searched).
pub fn discover(out: &mut Out, dir: &Path) -> Result<Vec<PathBuf>, String> {
    if !out.host().is_dir(dir) {
        return Err(format!("{} is not a folder", dir.display()));
    }
    let mut found = Vec::new();
    let mut pending = vec![(dir.to_path_buf(), 0)];
    while let Some((d, depth)) = pending.pop() {
        if is_case(out, &d) {
            found.push(d);
            continue;
        }
        if depth >= 16 {
            continue;
        }
        let entries = out
            .host()
            .list(&d)
            .map_err(|e| format!("cannot read {}: {e}", d.display()))?;
        for e in entries {
            if out.host().is_dir(&e) && !skipped(&e) {
                pending.push((e, depth + 1));
            }
        }
    }
    found.sort();
    if found.is_empty() {
        return Err(format!(
            "{} holds no test case (a folder with config.json or config.tf, request.json and expected.json, or requests/ and expected/)",
            dir.display()
        ));
    }
    Ok(found)
}

/// The JSON files of a folder, sorted by name.
fn json_files(out: &mut Out, dir: &Path) -> Result<Vec<PathBuf>, String> {
    if !out.host().is_dir(dir) {
        return Ok(Vec::new());
    }
    let mut files: Vec<PathBuf> = out
        .host()
        .list(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.retain(|p| out.host().is_file(p));
    files.sort();
    Ok(files)
}

/// What case.json may say.
#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct CaseFile {
    /// The configuration, relative to the case: `FILE` or `FILE#port_webhook.NAME`.
    config: Option<String>,
    /// Blueprints, relative to the case.
    #[serde(default)]
    blueprints: Vec<String>,
    /// Map in strict mode.
    #[serde(default)]
    strict: bool,
}

/// Read the case in `dir`: its configuration, blueprints and requests.
pub fn read_case(out: &mut Out, dir: &Path) -> Result<Case, String> {
    let case_file_path = dir.join("case.json");
    let case_file: CaseFile = if out.host().is_file(&case_file_path) {
        let text = crate::input::read_text(out, &case_file_path)?;
        serde_json::from_str(&text).map_err(|e| {
            format!(
                "{}: {e} (case.json holds {{\"config\": \"FILE[#port_webhook.NAME]\", \"blueprints\": [...], \"strict\": false}})",
                case_file_path.display()
            )
        })?
    } else {
        CaseFile::default()
    };
    let config = match &case_file.config {
        Some(spec) => {
            let spec = ConfigSpec::parse(spec);
            Some(ConfigSpec {
                path: dir.join(spec.path),
                ..spec
            })
        }
        None if out.host().is_file(&dir.join("config.json")) => Some(ConfigSpec::file(dir.join("config.json"))),
        None if out.host().is_file(&dir.join("config.tf")) => Some(ConfigSpec::file(dir.join("config.tf"))),
        None => None,
    };
    let mut blueprints: Vec<PathBuf> = case_file.blueprints.iter().map(|b| dir.join(b)).collect();
    if out.host().is_file(&dir.join("blueprint.json")) {
        blueprints.push(dir.join("blueprint.json"));
    }
    blueprints.extend(json_files(out, &dir.join("blueprints"))?);
    let mut requests = Vec::new();
    if out.host().is_file(&dir.join("request.json")) {
        requests.push(CaseRequest {
            name: "request.json".into(),
            request: dir.join("request.json"),
            expected: dir.join("expected.json"),
        });
    }
    for request in json_files(out, &dir.join("requests"))? {
        let file = request.file_name().expect("listed files have names").to_owned();
        requests.push(CaseRequest {
            name: format!("requests/{}", file.to_string_lossy()),
            expected: dir.join("expected").join(&file),
            request,
        });
    }
    if requests.is_empty() {
        return Err(format!(
            "{}: no request: add request.json (with expected.json), or requests/NAME.json (with expected/NAME.json)",
            dir.display()
        ));
    }
    Ok(Case {
        dir: dir.to_path_buf(),
        config,
        blueprints,
        requests,
        strict: case_file.strict,
    })
}

/// Run every case under `dirs` (a folder holding no case is one failed result), each with its
/// own configuration, or with `config` when given (`push` and `diff`: the cases test the
/// configuration about to be pushed).
pub fn run_dirs(out: &mut Out, dirs: &[PathBuf], options: Options, config: Option<&Loaded>) -> Vec<CaseResult> {
    let mut results = Vec::new();
    for dir in dirs {
        match discover(out, dir) {
            Ok(found) => {
                for d in found {
                    results.push(match (read_case(out, &d), config) {
                        (Ok(case), Some(config)) => run_with(out, case, options, config),
                        (Ok(case), None) => run_case(out, case, options),
                        (Err(m), _) => run_dir_failed(&d, m),
                    });
                }
            }
            Err(m) => results.push(run_dir_failed(dir, m)),
        }
    }
    results
}

/// Run the case in `dir` (see [`run_case`]); a case that cannot be read is a failed result.
pub fn run_dir(out: &mut Out, dir: &Path, options: Options) -> CaseResult {
    match read_case(out, dir) {
        Ok(case) => run_case(out, case, options),
        Err(m) => run_dir_failed(dir, m),
    }
}

/// The result of a folder that holds no readable case: one failure, saying why.
pub fn run_dir_failed(dir: &Path, message: String) -> CaseResult {
    let case = Case {
        dir: dir.to_path_buf(),
        config: None,
        blueprints: Vec::new(),
        requests: Vec::new(),
        strict: false,
    };
    failed(case, dir.display().to_string(), CaseProblem::Message(message))
}

/// Run one case: compile its configuration (with its blueprints), map each request and compare
/// the entities with the expected ones, or write them with `options.update`.
pub fn run_case(out: &mut Out, case: Case, options: Options) -> CaseResult {
    let Some(spec) = case.config.clone() else {
        let message = format!(
            "{}: no configuration: add config.json or config.tf, or name one in case.json's \"config\"",
            case.dir.display()
        );
        let dir = case.dir.display().to_string();
        return failed(case, dir, CaseProblem::Message(message));
    };
    let loaded = match source::load(out, &spec) {
        Ok(l) => l,
        Err(LoadError::Unreadable(m)) => return failed(case, spec.display(), CaseProblem::Message(m)),
        Err(LoadError::Invalid(diagnostics)) => {
            let file = spec.display();
            return failed(case, file.clone(), CaseProblem::Diagnostics { file, diagnostics });
        }
    };
    run_with(out, case, options, &loaded)
}

fn failed(case: Case, config_file: String, problem: CaseProblem) -> CaseResult {
    CaseResult {
        case,
        config_file,
        problem: Some(problem),
        requests: Vec::new(),
    }
}

/// Run one case with the configuration `config` instead of its own (what `push` and `diff`
/// do: the cases test the configuration about to be pushed).
pub fn run_with(out: &mut Out, case: Case, options: Options, config: &Loaded) -> CaseResult {
    let config_file = config.spec.display();
    let mut mapper_options = MapperOptions {
        strict: options.strict || case.strict,
        clock: out.host().clock(),
        ..MapperOptions::default()
    };
    match blueprints(out, &case) {
        Ok(b) => mapper_options.blueprints = b,
        Err(problem) => return failed(case, config_file, problem),
    }
    let mapper = match config.mapper(mapper_options) {
        Ok(m) => m,
        Err(e) => {
            let file = config_file.clone();
            let diagnostics = e.diagnostics().to_vec();
            return failed(case, config_file, CaseProblem::Diagnostics { file, diagnostics });
        }
    };
    let requests = case
        .requests
        .iter()
        .map(|r| run_request(out, &mapper, r, options))
        .collect();
    CaseResult {
        case,
        config_file,
        problem: None,
        requests,
    }
}

/// The case's blueprints, read.
pub fn blueprints(out: &mut Out, case: &Case) -> Result<Vec<Blueprint>, CaseProblem> {
    let mut found = Vec::new();
    for path in &case.blueprints {
        let text = crate::input::read_text(out, path).map_err(CaseProblem::Message)?;
        match Blueprint::from_json(&text) {
            Ok(b) => found.push(b),
            Err(diagnostics) => {
                let file = path.display().to_string();
                return Err(CaseProblem::Diagnostics { file, diagnostics });
            }
        }
    }
    Ok(found)
}

fn run_request(out: &mut Out, mapper: &mapper_core::Mapper, r: &CaseRequest, options: Options) -> RequestResult {
    let mut result = RequestResult {
        request: r.clone(),
        outcome: Outcome::Passed,
        errors: Vec::new(),
        expected_text: None,
    };
    let bytes = match crate::input::read(out, &r.request) {
        Ok(b) => b,
        Err(m) => {
            result.outcome = Outcome::Invalid(m);
            return result;
        }
    };
    let request = match Request::from_json(&bytes) {
        Ok(req) => req,
        Err(e) => {
            let lines: Vec<String> = e
                .diagnostics()
                .iter()
                .map(|d| format!("{}: {d}", r.request.display()))
                .collect();
            result.outcome = Outcome::Invalid(lines.join("\n"));
            return result;
        }
    };
    let mapped = mapper.map(&request);
    let actual = serde_json::to_value(&mapped.entities).expect("entities serialise");
    result.errors = mapped.diagnostics.into_iter().filter(Diagnostic::is_error).collect();
    let exists = out.host().is_file(&r.expected);
    let expected_text = if exists {
        match crate::input::read_text(out, &r.expected) {
            Ok(t) => Some(t),
            Err(m) => {
                result.outcome = Outcome::Invalid(m);
                return result;
            }
        }
    } else {
        None
    };
    let expected: Option<Value> = match &expected_text {
        Some(text) => match serde_json::from_str(text) {
            Ok(v) => Some(v),
            Err(e) if !options.update => {
                result.outcome = Outcome::Invalid(format!(
                    "{}: invalid JSON at line {}, column {}: {e}",
                    r.expected.display(),
                    e.line(),
                    e.column()
                ));
                return result;
            }
            Err(_) => None,
        },
        None => None,
    };
    result.expected_text = expected_text;
    if options.update {
        if expected.as_ref() == Some(&actual) {
            result.outcome = Outcome::Unchanged;
            return result;
        }
        let mut text = serde_json::to_string_pretty(&actual).expect("entities serialise");
        text.push('\n');
        result.outcome = match out.host().write(&r.expected, text.as_bytes()) {
            Ok(()) => Outcome::Written { created: !exists },
            Err(e) => Outcome::Invalid(format!("cannot write {}: {e}", r.expected.display())),
        };
        return result;
    }
    let Some(expected) = expected else {
        result.outcome = Outcome::Invalid(format!(
            "{} is missing: write it with `hookmap test --update`",
            r.expected.display()
        ));
        return result;
    };
    let found = differences(&expected, &actual);
    if !found.is_empty() {
        result.outcome = Outcome::Failed(found);
    }
    result
}
