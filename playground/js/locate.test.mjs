// Unit tests of the diagnostic locator (node --test).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePath, locatePath, placeDiagnostic } from './locate.mjs';

test('paths split into keys and indices', () => {
  assert.deepEqual(parsePath('mappings[0].entity.properties.link'), ['mappings', 0, 'entity', 'properties', 'link']);
  assert.deepEqual(parsePath('request.headers["X-Sig"]'), ['request', 'headers', 'X-Sig']);
});

test('a jq span lands on the right characters, through escapes and non-ASCII', () => {
  const text = '{"mappings": [{"entity": {"properties": {"t": "\\"é\\" | nosuch"}}}]}';
  const d = { field: 'mappings[0].entity.properties.t', span: { start: 7, end: 13 } };
  const { from, to } = placeDiagnostic(text, d);
  assert.equal(text.slice(from, to), 'nosuch');
});

test('bare mapping arrays answer for mappings[...] paths', () => {
  const text = '[{"blueprint": 5}]';
  const r = locatePath(text, 'mappings[0].blueprint');
  assert.equal(text.slice(r.from, r.to), '5');
});

test('line and column place JSON syntax errors', () => {
  const text = '{\n  "a": ,\n}';
  const r = placeDiagnostic(text, { field: 'config', line: 2, column: 8 });
  assert.equal(text.slice(r.from, r.to), ',');
});

test('request paths drop their root name', () => {
  const text = '{"body": {}, "headers": {"X-A": 1}}';
  const r = placeDiagnostic(text, { field: 'request.headers["X-A"]' }, 'request');
  assert.equal(text.slice(r.from, r.to), '1');
});

test('the zip writer stores files an unzip tool reads back', async () => {
  const { zip } = await import('./zip.mjs');
  const { execFileSync } = await import('node:child_process');
  const { mkdtempSync, writeFileSync, readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'zip-'));
  writeFileSync(join(dir, 'case.zip'), zip([{ name: 'case/config.json', text: '{"é": 1}' }, { name: 'case/request.json', text: '{}' }]));
  const listing = execFileSync('python3', ['-c', 'import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); z.testzip(); print(z.read("case/config.json").decode())', join(dir, 'case.zip')], { encoding: 'utf8' });
  assert.equal(listing.trim(), '{"é": 1}');
});
