// The `hookmap` package's API. The result types (MapResult, Entity, Diagnostic, ...) are
// generated from the engine's Rust types (./types.d.ts).
import type { Backtest, Code, CreateEntity, Diagnostic, Entity, FieldTrace, JsonValue, MapResult, RequestReads } from './types.js';

export type { Backtest, Code, CreateEntity, EntityChange, EntityChangeKind, FieldChange, RequestChange, Verdict, DeleteEntity, Diagnostic, Document, Entity, FieldOutcome, FieldTrace, JsonValue, Location, MapResult, RequestReads, Severity, Span } from './types.js';

/** A webhook request as Port builds it. A `Headers` object is accepted for `headers`. */
export interface WebhookRequest {
  body: JsonValue;
  headers?: Record<string, string> | Headers;
  queryParams?: Record<string, string | string[]>;
}

/** A search query whose leaf strings are jq expressions. */
export interface SearchQuery {
  combinator: string;
  rules: Array<SearchQuery | Record<string, string | string[]>>;
}

/** One mapping of a webhook configuration; every string in `entity` is jq. */
export interface Mapping {
  blueprint: string;
  operation?: 'create' | 'delete' | { type: 'create' } | { type: 'delete'; deleteDependents?: boolean };
  filter?: string;
  itemsToParse?: string;
  entity: {
    identifier: string | SearchQuery;
    title?: string;
    icon?: string;
    team?: string | SearchQuery;
    properties?: Record<string, string>;
    relations?: Record<string, string | SearchQuery>;
  };
}

/** Signature verification and deduplication settings of a webhook. */
export interface SecurityConfig {
  secret?: string;
  signatureHeaderName?: string;
  signatureAlgorithm?: 'sha1' | 'sha256' | 'plain';
  signaturePrefix?: string;
  requestIdentifierPath?: string;
}

/** A whole webhook configuration as Port stores it. */
export interface WebhookConfig {
  identifier?: string;
  title?: string;
  description?: string;
  icon?: string;
  enabled?: boolean;
  mappings: Mapping[];
  security?: SecurityConfig;
  integrationType?: string;
}

/** A Port blueprint (the parts validation uses; other keys are allowed). */
export interface Blueprint {
  identifier: string;
  schema?: { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  relations?: Record<string, { target: string; required?: boolean; many?: boolean; title?: string }>;
  [key: string]: unknown;
}

export interface MapperOptions {
  /** Turn Port's silent cases (error → null, dropped outputs, no output, env) into errors that drop the entity. */
  strict?: boolean;
  /** Add hints to results: a field path reading a key the request doesn't have (`missing-key-path`, severity `hint`, naming the closest key present). */
  hints?: boolean;
  /**
   * Blueprints to validate entities against, matched by identifier: objects, or JSON text
   * holding one blueprint or an array of them (then problems are located in that text).
   */
  blueprints?: Blueprint[] | string;
  /** Wall-clock limit per request in milliseconds (default 500; 0: none). A program still
   * running then ends with a "time limit" diagnostic. */
  timeLimitMs?: number;
}

/**
 * Thrown for an invalid configuration, blueprint, request or argument; or, with kind `limit`,
 * when a program overflowed the engine's stack (a value nested too deeply): the diagnostic
 * names the field, and the next call runs on a fresh engine.
 */
export declare class MapperError extends Error {
  readonly name: 'MapperError';
  /** Every problem: a stable `code`, the place for people (`mappings[0].entity.properties.link`), and its `location` in the text when the engine read text. */
  readonly diagnostics: Diagnostic[];
  readonly kind: 'config' | 'blueprint' | 'request' | 'argument' | 'limit';
}

/** A webhook configuration compiled once, ready to map any number of requests. */
export declare class Mapper {
  /** Compile a configuration (object, mappings array, or JSON text). Throws `MapperError`. */
  constructor(config: WebhookConfig | Mapping[] | Mapping | string, options?: MapperOptions);
  /** Compile-time warnings: things Port accepts that are probably not what was meant. */
  readonly warnings: Diagnostic[];
  /** False when the configuration has `enabled: false` (Port drops every event). */
  readonly enabled: boolean;
  /**
   * The headers and query parameters the mappings read, by name (the worker stores the values
   * of these and of common webhook metadata only): sorted, header names lowercase; `null`
   * where the expressions may read any (`.headers | keys`).
   */
  readonly requestReads: RequestReads;
  /** Map a request. Throws `MapperError` for an invalid request. */
  map(request: WebhookRequest): MapResult;
  /** Map and report every evaluated field (expression, value or error): the per-field view. */
  trace(request: WebhookRequest): { result: MapResult; fields: FieldTrace[] };
  /**
   * Map request JSON, as text or as UTF-8 bytes (e.g. a raw request body); returns the
   * `MapResult` as JSON text (the fast path). Invalid JSON or UTF-8 throws `MapperError`
   * naming the line and column or the byte.
   */
  mapJson(requestJson: string | Uint8Array | ArrayBuffer): string;
  /**
   * Map a body-only payload (text or UTF-8 bytes; the request is `{body, headers: {},
   * queryParams: {}}`); returns the `MapResult` as JSON text. Errors are located in the payload.
   */
  mapBodyJson(bodyJson: string | Uint8Array | ArrayBuffer): string;
  /** The configuration's `security` settings, or null when it has none. */
  readonly security: SecurityConfig | null;
  /** The delivery's identity per `security.requestIdentifierPath`, or undefined. */
  requestIdentifier(request: WebhookRequest): JsonValue | undefined;
  /** Release the module memory now rather than at garbage collection. */
  free(): void;
}

/**
 * Run a jq program: standard jq (every output up to the first error), or exactly Port's answer
 * with `{ port: true }` (the first output; `[null]` for an error, a limit or a program that does
 * not compile; `[]` for no output), the answer every mapping field gets. Each diagnostic has a
 * `code` (`jq-error`, `no-output`, `limit-time`, ...), as in `MapResult`.
 */
/** What a jq program over a request reads of it, by name (Port's dialect); see `Mapper.requestReads`. */
export declare function requestReads(program: string): RequestReads;

export declare function evaluate(filter: string, input: unknown, options?: { port?: boolean }): { outputs: JsonValue[]; diagnostics: Diagnostic[] };

/** Verify a raw body (before parsing) against `security` and the request's headers. */
export declare function verifySignature(
  security: SecurityConfig | null | undefined,
  rawBody: string | Uint8Array | ArrayBuffer,
  headers: Record<string, string> | Headers,
): { valid: boolean; reason?: string; code?: Extract<Code, 'signature-mismatch' | 'signature-missing' | 'security-incomplete'> };

/** The signature header a sender attaches to `rawBody` under `security`, or null when none is configured. */
export declare function signPayload(security: SecurityConfig, rawBody: string): { header: string; value: string } | null;

/** Validate an entity against a blueprint; each violation names its field (`properties.link`). */
export declare function validateEntity(entity: Entity | CreateEntity, blueprint: Blueprint): Diagnostic[];

/**
 * Check request text (or its UTF-8 bytes) without mapping it: every problem with its code and
 * location in the text; empty for a valid request. `{ bodyOnly: true }`: a body-only payload.
 */
export declare function checkRequest(requestJson: string | Uint8Array | ArrayBuffer, options?: { bodyOnly?: boolean }): Diagnostic[];

/**
 * Read request text (or its UTF-8 bytes) as the engine reads it: the request `{body, headers,
 * queryParams}` jq sees (`{ bodyOnly: true }`: a body-only payload, wrapped; lowercase header
 * aliases added), or `null` with every problem, each with its code and location in the text.
 */
export declare function readRequest(requestJson: string | Uint8Array | ArrayBuffer, options?: { bodyOnly?: boolean }): { request: WebhookRequest | null; diagnostics: Diagnostic[] };

/**
 * Map each request (JSON text or an object) with `live` and with `candidate`: how many are
 * unchanged, changed, newly failing or newly fixed, and for each one that is not unchanged the
 * field-level difference of its entities (added, removed, changed values).
 */
export declare function backtest(live: Mapper, candidate: Mapper, requests: Iterable<string | WebhookRequest>): Backtest;

/** A mapping proposed by `scaffold`, and how it was found. */
export interface Scaffold {
  /** The mapping: `{blueprint, operation, filter, entity: {identifier, title, properties, relations?}}`. */
  mapping: Mapping;
  /** Each filled field (`properties.branch`) and the jq path of its value (`.body.run.branch`). */
  matches: { field: string; path: string }[];
  /** The blueprint's fields nothing in the request matches (`properties.space`). */
  unmatched: string[];
}

/**
 * Propose a mapping for `blueprint` from a sample `request`: for each property the request's
 * value that matches it best by name and type, an identifier and a title.
 */
export declare function scaffold(blueprint: Blueprint, request: WebhookRequest): Scaffold;

/** A completion offered at the cursor of a mapping. */
export interface Completion {
  /** The text to insert for the word being typed (a key jq must quote comes quoted). */
  label: string;
  /** `key` (of the request), `function` (a builtin), `property` or `relation` (of the blueprint). */
  kind: 'key' | 'function' | 'property' | 'relation';
  /** A key's type and value preview, a builtin's `name/arity`, a property's type. */
  detail: string;
  /** What a builtin does. */
  info?: string;
  /** How many UTF-16 units before the cursor the label replaces (the word being typed). */
  replace: number;
}

/**
 * Completions at the cursor of a mapping, from the engine: after a path prefix (`.body.st`) the
 * keys of `request` there, at a term the builtins, at a key of `properties`/`relations` the
 * blueprint's names. `before`: the jq text (or the key) before the cursor.
 */
export declare function complete(context: {
  place: 'jq' | 'property' | 'relation';
  before: string;
  request?: unknown;
  blueprint?: Blueprint;
} | {
  /** The path of the configuration string the cursor is in: the engine reads the place from it. */
  path: (string | number)[];
  /** The string is an object key (of `properties` or `relations`). */
  key?: boolean;
  /** Asked for (Ctrl+Space) rather than while typing: completions open even between words. */
  explicit?: boolean;
  before: string;
  request?: unknown;
  blueprint?: Blueprint;
}): Completion[];

/** The package version. */
export declare const version: string;
