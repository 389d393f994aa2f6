// The packed `hookmap` tarball, installed into a fresh project, maps the Spacelift example from
// Node ESM, Node CommonJS and workerd (miniflare), type-checks from TypeScript, and survives a
// panic. Run by `make test` after `make package`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { Miniflare } from 'miniflare';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = join(root, 'mapper-wasm', 'pkg');
const example = join(root, 'examples', 'spacelift');
const expected = JSON.parse(readFileSync(join(example, 'expected.json'), 'utf8'));
let project;

before(() => {
  project = mkdtempSync(join(tmpdir(), 'hookmap-consumer-'));
  const packed = JSON.parse(execFileSync('npm', ['pack', pkg, '--json', '--pack-destination', project], { encoding: 'utf8' }));
  const tarball = join(project, packed[0].filename);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, version: '1.0.0' }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', tarball], { cwd: project, stdio: 'inherit' });
});

after(() => rmSync(project, { recursive: true, force: true }));

function node(file, source) {
  writeFileSync(join(project, file), source);
  const r = spawnSync(process.execPath, [file], { cwd: project, encoding: 'utf8' });
  assert.equal(r.status, 0, `node ${file} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

const program = (load) => `
${load}
const fs = ${load.includes('require(') ? "require('node:fs')" : "await import('node:fs')"};
const config = JSON.parse(fs.readFileSync(${JSON.stringify(join(example, 'config.json'))}, 'utf8'));
const request = JSON.parse(fs.readFileSync(${JSON.stringify(join(example, 'request.json'))}, 'utf8'));
const mapper = new Mapper(config);
let error;
try { new Mapper([{ blueprint: 'b', entity: { identifier: '.a |' } }], { strict: true }); } catch (e) { error = e; }
console.log(JSON.stringify({
  entities: mapper.map(request).entities,
  viaJson: JSON.parse(mapper.mapJson(JSON.stringify(request))).entities,
  isMapperError: error instanceof MapperError && error instanceof Error,
  errorField: error.diagnostics[0].field,
  version,
}));`;

test('the packed package lists what it ships', () => {
  const files = readdirSync(join(project, 'node_modules', 'hookmap')).sort();
  for (const f of ['hookmap_bg.wasm', 'index.node.mjs', 'index.node.cjs', 'index.browser.mjs', 'index.workerd.mjs', 'index.d.ts', 'types.d.ts', 'package.json', 'README.md', 'LICENSE']) {
    assert.ok(files.includes(f), `${f} is in the tarball (${files.join(', ')})`);
  }
  const manifest = JSON.parse(readFileSync(join(project, 'node_modules', 'hookmap', 'package.json'), 'utf8'));
  assert.equal(manifest.name, 'hookmap');
  assert.equal(manifest.license, 'MIT');
});

for (const [kind, file, load] of [
  ['ESM', 'esm.mjs', "import { Mapper, MapperError, version } from 'hookmap';"],
  ['CommonJS', 'cjs.cjs', "const { Mapper, MapperError, version } = require('hookmap');"],
]) {
  test(`Node ${kind} imports the package and maps the Spacelift example`, () => {
    const out = node(file, kind === 'CommonJS' ? `(async () => {${program(load)}})();` : program(load));
    assert.deepEqual(out.entities, expected);
    assert.deepEqual(out.viaJson, expected);
    assert.equal(out.isMapperError, true);
    assert.equal(out.errorField, 'mappings[0].entity.identifier');
    assert.match(out.version, /^\d+\.\d+\.\d+/);
  });
}

test('a panic becomes an Error with its message, and the next call works', () => {
  const out = node('panic.mjs', `
import { Mapper, __panicForTests } from 'hookmap';
const mapper = new Mapper([{ blueprint: 'b', entity: { identifier: '.body.id' } }]);
let message;
try { __panicForTests('boom from a test'); } catch (e) { message = e.message; }
const after = mapper.map({ body: { id: 'still-works' } }).entities[0].identifier;
console.log(JSON.stringify({ message, after }));`);
  assert.match(out.message, /hookmap panicked: .*boom from a test/s);
  assert.equal(out.after, 'still-works');
});

test('scaffold proposes the Spacelift mapping from the blueprint and the request', () => {
  const out = node('scaffold.mjs', `
import { readFileSync } from 'node:fs';
import { Mapper, scaffold } from 'hookmap';
const blueprint = JSON.parse(readFileSync(${JSON.stringify(join(example, 'blueprint.json'))}, 'utf8'));
const request = JSON.parse(readFileSync(${JSON.stringify(join(example, 'request.json'))}, 'utf8'));
const s = scaffold(blueprint, request);
const mapped = new Mapper([s.mapping], { blueprints: [blueprint] }).map(request);
console.log(JSON.stringify({ ...s, entity: mapped.entities[0], diagnostics: mapped.diagnostics }));`);
  const props = out.mapping.entity.properties;
  assert.equal(props.repository, '.body.stack.repository');
  assert.equal(props.branch, '.body.run.branch');
  assert.equal(props.state, '.body.state');
  assert.equal(props.description, '.body.stack.description');
  assert.ok(out.unmatched.includes('properties.space'));
  assert.equal(out.entity.identifier, 'ai-agent');
  assert.deepEqual(out.diagnostics, []);
});

test('hints: a path reading a key the request lacks, with the closest key (option hints)', () => {
  const out = node('hints.mjs', `
import { Mapper } from 'hookmap';
const config = '[{"blueprint": "b", "entity": {"identifier": ".body.id", "properties": {"branch": ".body.run.brnch"}}}]';
const request = { body: { id: 'x', run: { branch: 'main' } }, headers: {}, queryParams: {} };
const hinted = new Mapper(config, { hints: true }).map(request).diagnostics;
const plain = new Mapper(config).map(request).diagnostics;
console.log(JSON.stringify({ hinted, plain }));`);
  assert.equal(out.hinted.length, 1);
  assert.equal(out.hinted[0].code, 'missing-key-path');
  assert.equal(out.hinted[0].severity, 'hint');
  assert.match(out.hinted[0].message, /did you mean `\.body\.run\.branch`\?/);
  assert.deepEqual(out.hinted[0].location, { document: 'config', line: 1, column: 83, endLine: 1, endColumn: 100 });
  assert.deepEqual(out.plain, []);
});

test('complete offers the request keys after a path prefix, and the builtins', () => {
  const out = node('complete.mjs', `
import { complete } from 'hookmap';
const request = { body: { stack: { id: 'a' }, state: 'FINISHED' }, headers: {}, queryParams: {} };
console.log(JSON.stringify({
  keys: complete({ place: 'jq', before: '.body.st', request }),
  fns: complete({ place: 'jq', before: '. | ascii_d', request }).map((c) => c.label),
}));`);
  assert.deepEqual(out.keys.map((c) => c.label), ['stack', 'state']);
  assert.equal(out.keys[1].detail, 'string "FINISHED"');
  assert.deepEqual(out.fns, ['ascii_downcase']);
});

test('workerd (miniflare) imports the package and maps the Spacelift example', async () => {
  writeFileSync(join(project, 'worker.mjs'), `
import { Mapper } from 'hookmap';
import config from ${JSON.stringify(join(example, 'config.json'))};
const mapper = new Mapper(config);
export default {
  async fetch(request) {
    return Response.json(mapper.map(await request.json()));
  },
};`);
  await esbuild.build({
    entryPoints: [join(project, 'worker.mjs')], bundle: true, format: 'esm', outdir: join(project, 'dist'),
    conditions: ['workerd', 'worker', 'browser'], loader: { '.wasm': 'copy' }, logLevel: 'error',
  });
  const mf = new Miniflare({
    modules: true,
    scriptPath: join(project, 'dist', 'worker.js'),
    modulesRoot: join(project, 'dist'),
    modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
    compatibilityDate: '2025-01-01',
  });
  try {
    const res = await mf.dispatchFetch('http://localhost/', { method: 'POST', body: readFileSync(join(example, 'request.json')) });
    assert.equal(res.status, 200);
    assert.deepEqual((await res.json()).entities, expected);
  } finally {
    await mf.dispose();
  }
});

test('the types compile for a TypeScript user', () => {
  writeFileSync(join(project, 'use.ts'), `
import { Mapper, MapperError, evaluate, verifySignature, validateEntity, scaffold, complete, type MapResult, type Diagnostic } from 'hookmap';
const mapper = new Mapper({ mappings: [{ blueprint: 'b', entity: { identifier: '.body.id' } }] }, { strict: true });
const result: MapResult = mapper.map({ body: { id: 'x' }, headers: {}, queryParams: {} });
const first = result.entities[0];
const id: string = first.operation === 'create' ? String(first.identifier) : '';
const d: Diagnostic[] = result.diagnostics.filter((x) => x.severity === 'error' && x.span?.start !== undefined);
const outputs: unknown[] = evaluate('.a', { a: 1 }, { port: true }).outputs;
const ok: boolean = verifySignature({ secret: 's', signatureHeaderName: 'x', signatureAlgorithm: 'sha256' }, new Uint8Array(), {}).valid;
const v: Diagnostic[] = validateEntity({ blueprint: 'b', identifier: 'i', properties: {}, relations: {} }, { identifier: 'b' });
const sc: string[] = scaffold({ identifier: 'b' }, { body: { id: 'x' }, headers: {}, queryParams: {} }).unmatched;
const co: string[] = complete({ place: 'jq', before: '.body.', request: { body: { id: 'x' } } }).map((c) => c.label);
try { new Mapper('[]'); } catch (e) { if (e instanceof MapperError) console.log(e.diagnostics.length); }
export { id, d, outputs, ok, v, sc, co };
`);
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', noEmit: true, lib: ['es2022', 'dom'] }, files: ['use.ts'] }));
  const r = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

test('hostile programs end with a diagnostic naming the limit, and the next call works', () => {
  const out = node('hostile.mjs', `
import { Mapper, MapperError, evaluate } from 'hookmap';
const programs = ['def f: 1 + f; f', 'def f: f; f', '[range(1e9)] | length', '"x" * 1000000000', 'input'];
const results = programs.map((p) => {
  const mapper = new Mapper([{ blueprint: 'b', entity: { identifier: '"id"', properties: { p } } }], { timeLimitMs: 300 });
  const r = mapper.map({ body: {} });
  const next = mapper.map({ body: {} }).diagnostics.length >= 0 && new Mapper([{ blueprint: 'b', entity: { identifier: '.body.id' } }]).map({ body: { id: 'next' } }).entities[0].identifier;
  return { p, messages: r.diagnostics.map((d) => d.message), next };
});
const standalone = evaluate('def f: 1 + f; f', null);
// A value nested 200,000 levels deep overflows V8's stack where the engine drops it.
const deep = new Mapper([{ blueprint: 'b', entity: { identifier: '"id"', properties: { p: 'reduce range(200000) as $i (0; [.]) | "x"' } } }]);
let thrown;
try { deep.map({ body: {} }); } catch (e) { thrown = { mapperError: e instanceof MapperError, kind: e.kind, field: e.diagnostics[0].field, message: e.message }; }
const afterDeep = new Mapper([{ blueprint: 'b', entity: { identifier: '.body.id' } }]).map({ body: { id: 'next' } }).entities[0].identifier;
console.log(JSON.stringify({ results, standalone, thrown, afterDeep }));`);
  const want = [/recursion limit/, /time limit/, /time limit|size limit/, /size limit|time limit/, /No more inputs/];
  out.results.forEach((r, i) => {
    assert.ok(r.messages.some((m) => want[i].test(m)), `${r.p}: ${JSON.stringify(r.messages)}`);
    assert.equal(r.next, 'next', `${r.p}: the next call works`);
  });
  assert.deepEqual(out.standalone.diagnostics.map((d) => d.code), ['limit-recursion']);
  assert.match(out.standalone.diagnostics[0].message, /recursion limit/);
  assert.deepEqual({ ...out.thrown, message: undefined }, { mapperError: true, kind: 'limit', field: 'mappings[0].entity.properties.p', message: undefined });
  assert.match(out.thrown.message, /stack limit: evaluating `mappings\[0\]\.entity\.properties\.p`/);
  assert.equal(out.afterDeep, 'next');
});

test('mapJson takes text or UTF-8 bytes; bad bytes, bad JSON and non-JSON requests are errors naming the place', () => {
  const out = node('inputs.mjs', `
import { Mapper, MapperError } from 'hookmap';
import { readFileSync } from 'node:fs';
const config = JSON.parse(readFileSync(${JSON.stringify(join(example, 'config.json'))}, 'utf8'));
const text = readFileSync(${JSON.stringify(join(example, 'request.json'))}, 'utf8');
const mapper = new Mapper(config);
const bytes = new TextEncoder().encode(text);
const caught = (f) => { try { f(); return null; } catch (e) { return { mapperError: e instanceof MapperError, kind: e.kind, field: e.diagnostics?.[0]?.field, message: e.diagnostics?.[0]?.message ?? e.message, code: e.diagnostics?.[0]?.code, line: e.diagnostics?.[0]?.location?.line }; } };
console.log(JSON.stringify({
  fromText: JSON.parse(mapper.mapJson(text)).entities,
  fromBytes: JSON.parse(mapper.mapJson(bytes)).entities,
  fromBuffer: JSON.parse(mapper.mapJson(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length))).entities,
  badUtf8: caught(() => mapper.mapJson(new Uint8Array([...new TextEncoder().encode('{"body": {"x": "'), 0xff, 0x22, 0x7d, 0x7d]))),
  badJson: caught(() => mapper.mapJson('{\\n "body": [1,\\n}')),
  // a syntax error in a part of the body the mapping never reads is still an error
  badSkipped: caught(() => mapper.mapJson('{"body": {"stack": {"id": "a"}, "unread": [1,]}}')),
  bigint: caught(() => mapper.map({ body: { n: 1n } })),
  notText: caught(() => mapper.mapJson(42)),
  after: mapper.map(JSON.parse(text)).entities,
}));`);
  assert.deepEqual(out.fromText, expected);
  assert.deepEqual(out.fromBytes, expected);
  assert.deepEqual(out.fromBuffer, expected);
  assert.equal(out.badUtf8.mapperError, true);
  assert.equal(out.badUtf8.kind, 'request');
  assert.equal(out.badUtf8.code, 'invalid-utf8');
  assert.equal(out.badUtf8.line, 1);
  assert.equal(out.badJson.kind, 'request');
  assert.equal(out.badJson.code, 'json-syntax');
  assert.equal(out.badJson.line, 3);
  assert.equal(out.badSkipped.kind, 'request');
  assert.match(out.badSkipped.message, /trailing comma|expected value/i);
  assert.equal(out.bigint.mapperError, true);
  assert.equal(out.bigint.kind, 'argument');
  assert.match(out.bigint.message, /BigInt/);
  assert.equal(out.notText.mapperError, true);
  assert.equal(out.notText.kind, 'argument');
  assert.equal(out.notText.code, 'invalid-argument');
  assert.deepEqual(out.after, expected);
});

test('backtest compares two mappings on the same requests, field by field', () => {
  const out = node('backtest.mjs', `
import { Mapper, backtest } from 'hookmap';
import { readFileSync } from 'node:fs';
const config = JSON.parse(readFileSync(${JSON.stringify(join(example, 'config.json'))}, 'utf8'));
const request = JSON.parse(readFileSync(${JSON.stringify(join(example, 'request.json'))}, 'utf8'));
const candidate = structuredClone(config);
candidate.mappings[0].entity.properties.state = '.body.state | ascii_downcase';
const other = structuredClone(request);
other.body.stack.id = 'second';
delete other.body.state;
const report = backtest(new Mapper(config), new Mapper(candidate), [request, JSON.stringify(other), '{"body":']);
console.log(JSON.stringify(report));`);
  // The Spacelift request: state FINISHED -> finished. The second has no state: null both ways
  // (a jq error in the candidate, null in Port), so unchanged. The third is unreadable by both.
  assert.equal(out.total, 3);
  assert.equal(out.changed, 1);
  assert.equal(out.unchanged, 2);
  assert.deepEqual(out.requests.map((r) => [r.index, r.verdict]), [[0, 'changed']]);
  assert.deepEqual(out.requests[0].entities[0].fields, [{ field: 'properties.state', before: 'FINISHED', after: 'finished' }]);
});

test("the package's evaluate({port: true}) and `hookmap jq --port` give the same stored value and codes", () => {
  // One Port answer (mapper-core's `answer`) behind both: limits, errors, compile errors, no
  // output, several outputs, `env`, Port's quotes, where Port's engine differs from jq.
  const cases = [
    ['.a', { a: 1 }],
    ['.a[]', { a: [1, 2] }],
    ['empty', null],
    ['error("x")', null],
    ['.a.b', { a: 1 }],
    ['ltrimstr("a")', [1]],
    ['[leaf_paths]', {}],
    ['.a +', {}],
    ['{x: .a + 1}', { a: 1 }],
    ["'x' + .b", { b: 'y' }],
    ['def f: f; f', null],
    ['def f: 1 + f; f', null],
    ['env | length', null],
    ['input', null],
    ['halt', null],
    ['1e3 | tostring', null],
  ];
  const out = node('port-answers.mjs', `
import { evaluate } from 'hookmap';
const cases = ${JSON.stringify(cases)};
console.log(JSON.stringify(cases.map(([p, input]) => {
  const r = evaluate(p, input, { port: true });
  return { outputs: r.outputs, codes: r.diagnostics.map((d) => d.severity + '[' + d.code + ']') };
})));`);
  const bin = process.env.HOOKMAP_BIN ?? join(root, 'target', 'debug', 'hookmap');
  let differ = [];
  cases.forEach(([p, input], i) => {
    const r = spawnSync(bin, ['jq', '--port', p], { input: JSON.stringify(input), encoding: 'utf8' });
    assert.equal(r.status, 0, `hookmap jq --port ${p}: ${r.stderr}`);
    const outputs = r.stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));
    const codes = [...r.stderr.matchAll(/^(error|warning|hint)\[([a-z0-9-]+)\]/gm)].map((m) => `${m[1]}[${m[2]}]`);
    const cli = { outputs, codes };
    if (JSON.stringify(cli) !== JSON.stringify(out[i])) differ.push({ program: p, cli, package: out[i] });
  });
  assert.deepEqual(differ, []);
  // And the table exercises what it claims: every kind of answer is in it.
  const all = out.flatMap((r) => r.codes).join(' ');
  for (const c of ['extra-outputs', 'no-output', 'jq-error', 'port-differs', 'jq-compile', 'quote-rewrite', 'limit-time', 'limit-recursion', 'env-read']) {
    assert.ok(all.includes(c), `${c} is among the answers: ${all}`);
  }
  assert.deepEqual(out.map((r) => r.outputs.length), [1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1]);
});
