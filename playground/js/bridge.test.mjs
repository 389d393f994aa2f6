// Units of the playground's browser side that run in Node: diagnostic ranges and the zip export.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Text, EditorState } from '@codemirror/state';
import { json } from '@codemirror/lang-json';
import { unzipSync, strFromU8 } from 'fflate';
import { rangeOf, zipFiles, pathAt, withMapping, fieldName, completionPlace } from './bridge.mjs';

test('a location becomes the editor range it names (UTF-16 columns, end exclusive)', () => {
  const doc = Text.of(['{', '  "é😀": ".body.x"', '}']);
  // Line 2, `".body.x"`: `  "é😀": ` is 9 UTF-16 units, so the literal starts at column 10.
  const location = { document: 'config', line: 2, column: 10, endLine: 2, endColumn: 19 };
  const { from, to } = rangeOf(doc, { location });
  assert.equal(doc.sliceString(from, to), '".body.x"');
  // A point (a JSON syntax error) still covers one character; no location: the first one.
  const point = rangeOf(doc, { location: { ...location, endColumn: 10 } });
  assert.equal(point.to - point.from, 1);
  assert.deepEqual(rangeOf(doc, {}), { from: 0, to: 1 });
  // Out-of-range places are clamped into the document, never thrown.
  const far = rangeOf(doc, { location: { ...location, line: 99, endLine: 99 } });
  assert.ok(far.from <= doc.length && far.to <= doc.length);
});

test('the exported case is a zip archive of the files, names and text intact', () => {
  const files = [{ name: 'case/config.json', text: '{"a": "é"}' }, { name: 'case/request.json', text: '{}' }];
  const archive = unzipSync(zipFiles(files));
  assert.deepEqual(Object.keys(archive).sort(), ['case/config.json', 'case/request.json']);
  assert.equal(strFromU8(archive['case/config.json']), '{"a": "é"}');
});

test('the path at a place comes from the JSON syntax tree: keys, values, array items', () => {
  const text = '{\n  "body": {"stack": {"id": "ai-agent", "labels": ["node", {"x": [1, 2]}]}},\n  "headers": {"x-signature-256": "sha256=ab", "a\\"b": 1}\n}';
  const state = EditorState.create({ doc: text, extensions: [json()] });
  const at = (needle, offset = 1) => pathAt(state, text.indexOf(needle) + offset);
  assert.deepEqual(at('"id"'), ['body', 'stack', 'id']); // on the key
  assert.deepEqual(at('"ai-agent"', 3), ['body', 'stack', 'id']); // on the value
  assert.deepEqual(at('"node"'), ['body', 'stack', 'labels', 0]);
  assert.deepEqual(at('2]', 0), ['body', 'stack', 'labels', 1, 'x', 1]);
  assert.deepEqual(at('"x-signature-256"', 4), ['headers', 'x-signature-256']);
  assert.deepEqual(at('"a\\"b"'), ['headers', 'a"b']); // the key read as JSON, escapes and all
  assert.deepEqual(at('{', 0), []);
});

test('a scaffolded mapping replaces the one of its blueprint, or is added', () => {
  const m = { blueprint: 'b', entity: { identifier: '.body.id' } };
  const other = { blueprint: 'other', entity: { identifier: '.x' } };
  assert.deepEqual(JSON.parse(withMapping('{"identifier": "w", "mappings": [{"blueprint": "b"}]}', m)), { identifier: 'w', mappings: [m] });
  assert.deepEqual(JSON.parse(withMapping(JSON.stringify([other]), m)), [other, m]);
  assert.deepEqual(JSON.parse(withMapping('not json', m)), { mappings: [m] });
  assert.deepEqual(JSON.parse(withMapping('{"blueprint": "b"}', m)), m);
});

test('a value of the configuration text is named as the engine names its field', () => {
  const steps = ['mappings', 0, 'entity', 'properties', 'x-y'];
  assert.equal(fieldName(steps, { mappings: [] }), 'mappings[0].entity.properties["x-y"]');
  assert.equal(fieldName([1, 'entity', 'identifier'], []), 'mappings[1].entity.identifier');
  assert.equal(fieldName(['entity', 'title'], { blueprint: 'b' }), 'mappings[0].entity.title');
});

test('completion knows a jq string from a key of properties or relations', () => {
  assert.equal(completionPlace(['mappings', 0, 'entity', 'properties', 'x'], false), 'jq');
  assert.equal(completionPlace([0, 'filter'], false), 'jq');
  assert.equal(completionPlace([0, 'blueprint'], false), null);
  assert.equal(completionPlace([0, 'entity', 'properties', 'br'], true), 'property');
  assert.equal(completionPlace([0, 'entity', 'relations', 'o'], true), 'relation');
  assert.equal(completionPlace([0, 'entity', 'identifier'], true), null);
});
