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
 * The place, as a path: `mappings[0].entity.properties.link`, `request.headers`, `security`.
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
 * For JSON syntax errors: the 1-based line in the document.
 */
line?: number, 
/**
 * For JSON syntax errors: the 1-based column in the document.
 */
column?: number, };

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
 * Its first output; absent when it produced none (or failed).
 */
value?: JsonValue, 
/**
 * The jq error, when it failed (Port stores `null`).
 */
error?: string, };

export type Severity = "error" | "warning";

export type Span = { 
/**
 * First byte of the range.
 */
start: number, 
/**
 * One past the last byte of the range.
 */
end: number, };

export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]?: JsonValue } | null;
