// Generated from mapper-core's Rust types by ts-rs (mapper-core/src/ts_types.rs). Do not edit.

export type MapResult = { 
/**
 * Entities to apply.
 */
entities: Array<Entity>, 
/**
 * Errors and warnings, in evaluation order.
 */
diagnostics: Array<Diagnostic>, };

export type Entity = { "operation": "create" } & CreateEntity | { "operation": "delete" } & DeleteEntity;

export type CreateEntity = { 
/**
 * Target blueprint.
 */
blueprint: string, 
/**
 * The identifier: a string, or a search query object.
 */
identifier: JsonValue, 
/**
 * Title, when the mapping sets one and it produced output.
 */
title?: JsonValue, 
/**
 * Icon, when set.
 */
icon?: JsonValue, 
/**
 * Team(s), when set.
 */
team?: JsonValue, 
/**
 * Properties, in mapping order (keys whose expression produced no output are absent).
 */
properties: { [key in string]: JsonValue }, 
/**
 * Relations, in mapping order.
 */
relations: { [key in string]: JsonValue }, };

export type DeleteEntity = { 
/**
 * Target blueprint.
 */
blueprint: string, 
/**
 * The identifier: a string, or a search query object.
 */
identifier: JsonValue, 
/**
 * Whether dependents are deleted too, when the mapping says.
 */
deleteDependents?: boolean, };

export type Diagnostic = { 
/**
 * What kind of problem: decide by this, not by the message.
 */
code: Code, 
/**
 * Error or warning.
 */
severity: Severity, 
/**
 * Index of the mapping it concerns, if any.
 */
mapping: number | null, 
/**
 * Index of the `itemsToParse` item it concerns, if any.
 */
item: number | null, 
/**
 * The place, as a path for people: `mappings[0].entity.properties.link`,
 * `request.headers`, `security`. Use `location` to point at it.
 */
field: string, 
/**
 * What is wrong and what to do about it.
 */
message: string, 
/**
 * The jq expression at that place, when there is one.
 */
expression?: string, 
/**
 * The byte range inside `expression` the message points at.
 */
span?: Span, 
/**
 * Where it is in the document the user typed, when the engine read that document's text.
 */
location?: Location, };

export type Code = "json-syntax" | "invalid-utf8" | "invalid-argument" | "unknown-key" | "missing-key" | "wrong-type" | "invalid-value" | "boolean-expression" | "upsert-operation" | "ignored-key" | "too-long" | "ocean-key" | "delete-entity" | "terraform-config" | "terraform-provider" | "webhook-disabled" | "unsigned-identifier" | "jq-compile" | "quote-rewrite" | "jq-error" | "port-differs" | "no-output" | "extra-outputs" | "missing-key-path" | "env-read" | "limit-time" | "limit-recursion" | "limit-size" | "limit-depth" | "filter-not-boolean" | "items-not-array" | "items-truncated" | "identifier-missing" | "identifier-invalid" | "identifier-type" | "string-expected" | "search-query" | "search-no-match" | "search-ambiguous" | "order-stale" | "order-key-type" | "order-key-invalid" | "reference-type" | "blueprint-unknown-property" | "blueprint-required" | "blueprint-type" | "blueprint-format" | "blueprint-enum" | "blueprint-pattern" | "blueprint-bounds" | "blueprint-relation" | "signature-mismatch" | "signature-missing" | "security-incomplete" | "internal";

export type Location = { 
/**
 * The document.
 */
document: Document, 
/**
 * First line (1-based).
 */
line: number, 
/**
 * First column (1-based, UTF-16 code units).
 */
column: number, 
/**
 * Line of the end (1-based).
 */
endLine: number, 
/**
 * Column just past the end (1-based, UTF-16 code units).
 */
endColumn: number, };

export type Document = "config" | "request" | "blueprint" | "expected";

export type FieldTrace = { 
/**
 * Index of the mapping.
 */
mapping: number, 
/**
 * Index of the `itemsToParse` item, if any.
 */
item: number | null, 
/**
 * The place: `mappings[0].entity.properties.link`.
 */
field: string, 
/**
 * The jq expression.
 */
expression: string, 
/**
 * What it yielded, and so what Port does with the key.
 */
outcome: FieldOutcome, 
/**
 * Where the expression is in the configuration's text, when the mapper was compiled from
 * text: editors match a trace to the string under the pointer by it.
 */
location?: Location, };

export type FieldOutcome = { "kind": "value", 
/**
 * The value.
 */
value: JsonValue, } | { "kind": "no-output" } | { "kind": "error", 
/**
 * jq's message.
 */
message: string, } | { "kind": "not-compiled", 
/**
 * Why it does not compile (the first compile error).
 */
message: string, } | { "kind": "limit", 
/**
 * Which limit, and what happened.
 */
message: string, };

export type Severity = "error" | "warning" | "hint";

export type Backtest = { 
/**
 * Requests compared.
 */
total: number, 
/**
 * Requests with the same outcome.
 */
unchanged: number, 
/**
 * Requests whose entities differ.
 */
changed: number, 
/**
 * Requests the candidate breaks.
 */
newlyFailing: number, 
/**
 * Requests the candidate mends.
 */
newlyFixed: number, 
/**
 * Every request that is not unchanged, in input order.
 */
requests: Array<RequestChange>, };

export type RequestChange = { 
/**
 * The request's position in the input.
 */
index: number, 
/**
 * What the change does to it.
 */
verdict: Verdict, 
/**
 * The entities that differ.
 */
entities: Array<EntityChange>, 
/**
 * Error codes the candidate reports for it (for a newly failing request, why).
 */
errors: Array<Code>, };

export type Verdict = "unchanged" | "changed" | "newly-failing" | "newly-fixed";

export type EntityChange = { 
/**
 * Added, removed or changed.
 */
kind: EntityChangeKind, 
/**
 * `create` or `delete`.
 */
operation: string, 
/**
 * The entity's blueprint.
 */
blueprint: string, 
/**
 * The entity's identifier (a string, or a search query).
 */
identifier: JsonValue, 
/**
 * The fields that differ (every field, for an added or removed entity).
 */
fields: Array<FieldChange>, };

export type EntityChangeKind = "added" | "removed" | "changed";

export type FieldChange = { 
/**
 * The field, from the entity: `properties.branch`.
 */
field: string, 
/**
 * Its value with the live configuration (absent: the key is left out).
 */
before?: JsonValue, 
/**
 * Its value with the candidate (absent: the key is left out).
 */
after?: JsonValue, };

export type Span = { 
/**
 * First byte of the range.
 */
start: number, 
/**
 * One past the last byte of the range.
 */
end: number, };

export type RequestReads = { 
/**
 * Header names, lowercase (Port gives every header under its lowercase name too), sorted.
 */
headers: Array<string> | null, 
/**
 * Query parameter names, sorted.
 */
queryParams: Array<string> | null, };

export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]?: JsonValue } | null;
