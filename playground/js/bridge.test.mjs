// Units of the playground's browser side that run in Node: diagnostic ranges and the zip export.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Text } from '@codemirror/state';
import { unzipSync, strFromU8 } from 'fflate';
import { rangeOf, zipFiles } from './bridge.mjs';

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
