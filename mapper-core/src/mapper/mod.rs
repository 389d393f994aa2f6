//! The mapper: a configuration compiled once ([`compile`]), applied to many requests
//! with Port's rules ([`evaluate`]).

mod compile;
mod evaluate;

use crate::blueprint::Blueprint;
use crate::config::WebhookConfig;
use crate::diagnostic::{Diagnostic, Document, Severity};
use crate::entity::{FieldTrace, MapResult};
use crate::error::Error;
use crate::jq::Limits;
use crate::location::{LazyConfigIndex, SourceIndex};
use crate::request::demand::{RequestDemand, RequestReads};
use crate::request::Request;
use compile::{CompiledMapping, Compiler, Expr};
use serde_json::Value;
use std::sync::Arc;

pub use crate::clock::{Clock, FixedClock, SystemClock};
pub use evaluate::interrupted_field;

/// Port processes at most this many `itemsToParse` items per mapping.
pub const MAX_ITEMS: usize = 500;

/// How a mapper behaves.
#[derive(Clone)]
pub struct MapperOptions {
    /// Turn every warning (error → null, dropped outputs, no output, `env`, ...) into an error
    /// that drops the entity; compile-time warnings refuse the configuration.
    pub strict: bool,
    /// Blueprints to validate entities against (matched by identifier).
    pub blueprints: Vec<Blueprint>,
    /// Add hints to results: a field path reading a key the request doesn't have
    /// (`missing-key-path`, with the closest key present). Off by default.
    pub hints: bool,
    /// Where `now` and the request deadline take their time from.
    pub clock: Arc<dyn Clock>,
    /// Stack, time and size limits for every request (see [`Limits`]).
    pub limits: Limits,
}

impl Default for MapperOptions {
    fn default() -> Self {
        Self {
            strict: false,
            blueprints: Vec::new(),
            hints: false,
            clock: Arc::new(SystemClock),
            limits: Limits::default(),
        }
    }
}

impl std::fmt::Debug for MapperOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MapperOptions")
            .field("strict", &self.strict)
            .field("blueprints", &self.blueprints.len())
            .finish()
    }
}

/// A webhook configuration compiled once, ready to map any number of requests.
pub struct Mapper {
    config: WebhookConfig,
    mappings: Vec<CompiledMapping>,
    request_identifier: Option<Expr>,
    warnings: Vec<Diagnostic>,
    /// Blueprints to validate against (few: a linear search beats hashing, and keeps the wasm small).
    blueprints: Vec<Blueprint>,
    strict: bool,
    hints: bool,
    clock: Arc<dyn Clock>,
    limits: Limits,
    /// The parts of a request's body the mappings can read (what `map_json` builds).
    demand: RequestDemand,
    /// Where everything is in the configuration's text, when compiled from text: diagnostics
    /// found while mapping get their locations from it.
    source: Option<LazyConfigIndex>,
}

impl std::fmt::Debug for Mapper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mapper")
            .field("mappings", &self.mappings.len())
            .field("strict", &self.strict)
            .finish_non_exhaustive()
    }
}

impl Mapper {
    /// Compile configuration JSON text (webhook object, mappings array or single mapping).
    /// Every diagnostic, now and when mapping, carries its location in `config`.
    pub fn from_json(config: &str, options: MapperOptions) -> Result<Self, Error> {
        let value: Value = serde_json::from_str(config).map_err(|e| {
            Error::Config(vec![Diagnostic::json_syntax(
                Document::Config,
                "config",
                config.as_bytes(),
                &e,
            )])
        })?;
        Self::compile_located(&value, options, LazyConfigIndex::new(config))
    }

    /// Compile a configuration read from another document than JSON text (a Terraform file):
    /// `index` says where its values are, and every diagnostic, now and when mapping, carries
    /// its location there.
    pub fn from_value_at(config: &Value, options: MapperOptions, index: SourceIndex) -> Result<Self, Error> {
        Self::compile_located(config, options, LazyConfigIndex::ready(index))
    }

    /// Compile, giving every diagnostic its place in `source`.
    fn compile_located(config: &Value, options: MapperOptions, source: LazyConfigIndex) -> Result<Self, Error> {
        match Self::compile(config, options) {
            Ok(mut mapper) => {
                source.resolve(&mut mapper.warnings);
                mapper.source = Some(source);
                Ok(mapper)
            }
            Err(Error::Config(mut ds)) => {
                source.resolve(&mut ds);
                Err(Error::Config(ds))
            }
            Err(other) => Err(other),
        }
    }

    /// Compile a configuration, reporting every problem at once with its path and span
    /// (no locations: there is no text; use [`Mapper::from_json`] for them).
    pub fn new(config: &Value, options: MapperOptions) -> Result<Self, Error> {
        Self::compile(config, options)
    }

    fn compile(config: &Value, options: MapperOptions) -> Result<Self, Error> {
        let parsed = WebhookConfig::from_value(config).map_err(Error::Config)?;
        let config = parsed.config;
        let mut c = Compiler::new(parsed.warnings);
        let mappings: Vec<CompiledMapping> = config
            .mappings
            .iter()
            .enumerate()
            .filter_map(|(i, m)| c.mapping(i, m))
            .collect();
        let request_identifier: Option<Expr> = config
            .security
            .as_ref()
            .and_then(|s| {
                s.request_identifier_path
                    .as_deref()
                    .map(|p| (p, s.signature_header_name.is_some()))
            })
            .and_then(|(src, signed)| c.request_identifier(src, signed));
        if options.strict {
            for w in c.warnings.drain(..) {
                c.errors.push(Diagnostic {
                    severity: Severity::Error,
                    ..w
                });
            }
        }
        if !c.errors.is_empty() {
            return Err(Error::Config(c.errors));
        }
        let mut demand = RequestDemand::none();
        for m in &mappings {
            m.demand(&mut demand);
        }
        Ok(Self {
            demand,
            config,
            mappings,
            request_identifier,
            warnings: c.warnings,
            blueprints: options.blueprints,
            strict: options.strict,
            hints: options.hints,
            clock: options.clock,
            limits: options.limits,
            source: None,
        })
    }

    /// The configuration this mapper was compiled from.
    pub fn config(&self) -> &WebhookConfig {
        &self.config
    }

    /// The same mapper, with warnings found before compiling (by whatever read the
    /// configuration, such as a Terraform provider's default) before its own.
    pub fn with_warnings_first(mut self, warnings: Vec<Diagnostic>) -> Self {
        self.warnings.splice(0..0, warnings);
        self
    }

    /// Compile-time warnings (things Port accepts that are probably not what was meant).
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    /// Parse request JSON (`{body, headers, queryParams}`) and map it. Only the parts of the
    /// body the mappings can read are built (the rest is checked and skipped), which makes this
    /// the fastest way to map a request.
    pub fn map_json(&self, request: &[u8]) -> Result<MapResult, Error> {
        if self.hints {
            // A hint names the keys present: the whole request is built.
            return Ok(self.map(&Request::from_json(request)?));
        }
        Ok(self.map(&Request::from_json_demand(request, &self.demand)?))
    }

    /// Parse a request body's JSON (no headers, no query parameters) and map it, building only
    /// what the mappings can read.
    pub fn map_body_json(&self, body: &[u8]) -> Result<MapResult, Error> {
        if self.hints {
            return Ok(self.map(&Request::from_body_json(body)?));
        }
        Ok(self.map(&Request::from_body_json_demand(body, &self.demand)?))
    }

    /// Map a request given as a JSON value.
    pub fn map_value(&self, request: &Value) -> Result<MapResult, Error> {
        Ok(self.map(&Request::from_value(request)?))
    }

    /// Map a request: every mapping, in order, on the one request value.
    pub fn map(&self, request: &Request) -> MapResult {
        let mut result = self.evaluate(request.val(), false).result;
        self.locate(&mut result.diagnostics);
        result
    }

    /// Map a request and also report every evaluated field: its expression and what it
    /// yielded (the playground's per-field view).
    pub fn map_traced(&self, request: &Request) -> (MapResult, Vec<FieldTrace>) {
        let mut collected = self.evaluate(request.val(), true);
        self.locate(&mut collected.result.diagnostics);
        let mut traces = collected.traces.unwrap_or_default();
        if let Some(index) = &self.source {
            index.locate_traces(&mut traces);
        }
        (collected.result, traces)
    }

    /// The headers and query parameters the mappings read, by name (what a stored request must
    /// keep to map the same; see [`RequestReads`]).
    pub fn request_reads(&self) -> RequestReads {
        self.demand.reads()
    }

    /// Evaluate `security.requestIdentifierPath` on a request: the delivery's identity for
    /// deduplication (`None` when not configured or when it yields nothing or `null`).
    pub fn request_identifier(&self, request: &Request) -> Option<Value> {
        self.evaluate_request_identifier(request.val())
    }

    /// Give diagnostics found while mapping their place in the configuration's text.
    fn locate(&self, diagnostics: &mut [Diagnostic]) {
        if let (Some(index), false) = (&self.source, diagnostics.is_empty()) {
            index.resolve(diagnostics);
        }
    }
}
