// Units of the playground's browser side that run in Node: diagnostic ranges, the zip export and
// the path of a place in a JSON text. (What the engine decides from those paths, and the
// configuration edits, are tested in Rust: mapper-core's complete.rs, playground/src/scaffold.rs.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Text, EditorState } from '@codemirror/state';
import { json } from '@codemirror/lang-json';
import { unzipSync, strFromU8 } from 'fflate';
import { rangeOf, zipFiles, pathAt } from './bridge.mjs';

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
