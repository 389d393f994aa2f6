// `npx hookmap`: the npm package's bin, installed from the packed tarball into a fresh project.
// One corpus of commands (tests/data/cli-corpus/commands.json) runs through it and through the
// native binary, and both must print the same bytes and exit with the same codes; `npx hookmap
// test` runs in a fresh directory with no cargo on PATH; pull and push reach a fake Port API.
// Run by `make test` after `make package` and the Rust tests (which build target/debug/hookmap).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakePort } from './fake-port.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = join(root, 'mapper-wasm', 'pkg');
const native = process.env.HOOKMAP_BIN ?? join(process.env.CARGO_TARGET_DIR ?? join(root, 'target'), 'debug', 'hookmap');
const corpus = JSON.parse(readFileSync(join(root, 'tests', 'data', 'cli-corpus', 'commands.json'), 'utf8'));
let project;
let bin;

before(() => {
  project = mkdtempSync(join(tmpdir(), 'hookmap-npx-'));
  const packed = JSON.parse(execFileSync('npm', ['pack', pkg, '--json', '--pack-destination', project], { encoding: 'utf8' }));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'mappings', private: true, version: '1.0.0' }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', join(project, packed[0].filename)],
    { cwd: project, stdio: 'inherit' });
  bin = join(project, 'node_modules', 'hookmap', 'bin', 'hookmap.mjs');
});

after(() => rmSync(project, { recursive: true, force: true }));

/** The environment of a command: ours, without Port credentials unless given. */
function env(extra = {}) {
  const e = { ...process.env, ...extra };
  for (const k of ['PORT_CLIENT_ID', 'PORT_CLIENT_SECRET', 'PORT_API_URL']) if (!(k in extra)) delete e[k];
  return e;
}

function runBoth(entry) {
  const input = entry.stdin ? readFileSync(join(root, entry.stdin)) : entry.stdinText ?? '';
  const options = { cwd: root, input, env: env(entry.env), maxBuffer: 64 << 20 };
  const a = spawnSync(native, entry.args, options);
  const b = spawnSync(process.execPath, [bin, ...entry.args], options);
  return [a, b];
}

test('the tarball ships the bin and declares it', () => {
  const manifest = JSON.parse(readFileSync(join(project, 'node_modules', 'hookmap', 'package.json'), 'utf8'));
  assert.equal(manifest.bin.hookmap, './bin/hookmap.mjs');
  assert.ok(existsSync(join(project, 'node_modules', 'hookmap', 'hookmap_cli_bg.wasm')));
  assert.ok(existsSync(join(project, 'node_modules', '.bin', 'hookmap')), 'npm links the bin');
});

test('every corpus command prints the same bytes and exits the same through npx and the native binary', () => {
  assert.ok(existsSync(native), `the native binary is built (${native})`);
  assert.ok(corpus.length >= 40, 'the corpus covers every command');
  const differ = [];
  for (const entry of corpus) {
    const [a, b] = runBoth(entry);
    const same = a.status === b.status && Buffer.compare(a.stdout, b.stdout) === 0 && Buffer.compare(a.stderr, b.stderr) === 0;
    if (!same) {
      differ.push(`hookmap ${entry.args.join(' ')}\n  native: exit ${a.status}\n${a.stdout}${a.stderr}\n  npm: exit ${b.status}\n${b.stdout}${b.stderr}`);
    }
  }
  assert.deepEqual(differ, [], differ.join('\n\n'));
  // The corpus exercises success, failure and bad input: every exit code the docs list.
  const codes = new Set(corpus.map((e) => runBoth(e)[0].status));
  for (const code of [0, 1, 2, 3, 4, 5]) assert.ok(codes.has(code), `some command exits ${code} (${[...codes]})`);
});

test('npx hookmap test runs in a fresh directory with no cargo on PATH', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hookmap-ci-'));
  try {
    cpSync(join(root, 'examples', 'spacelift'), join(dir, 'cases', 'spacelift'), { recursive: true });
    cpSync(join(project, 'node_modules'), join(dir, 'node_modules'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'ci', private: true, version: '1.0.0' }));
    // Node's and npm's folders only: no ~/.cargo/bin.
    const path = [...new Set([dirname(process.execPath), '/usr/bin', '/bin'])].join(':');
    const e = { ...env(), PATH: path };
    assert.notEqual(spawnSync('sh', ['-c', 'command -v cargo'], { env: e }).status, 0, 'cargo is not on PATH');
    const run = spawnSync('npx', ['--no-install', 'hookmap', 'test', '--reporter', 'github', 'cases'], { cwd: dir, env: e, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.equal(run.stdout, 'PASS cases/spacelift\n1 passed, 0 failed\n');
    // A failing expectation: exit 1, an annotation at the value's line in expected.json.
    const expected = join(dir, 'cases', 'spacelift', 'expected.json');
    const text = readFileSync(expected, 'utf8').replace('"FINISHED"', '"FAILED"');
    writeFileSync(expected, text);
    const line = text.split('\n').findIndex((l) => l.includes('"FAILED"')) + 1;
    const failed = spawnSync('npx', ['--no-install', 'hookmap', 'test', '--reporter', 'github', 'cases'], { cwd: dir, env: e, encoding: 'utf8' });
    assert.equal(failed.status, 1);
    assert.match(failed.stdout, new RegExp(`^::error file=cases/spacelift/expected.json,line=${line},col=\\d+,.*expected \\\\?"FAILED\\\\?", got \\\\?"FINISHED`, 'm'));
    // --update writes what Port stores, and the case passes again.
    const updated = spawnSync('npx', ['--no-install', 'hookmap', 'test', '--update', 'cases'], { cwd: dir, env: e, encoding: 'utf8' });
    assert.equal(updated.stdout, 'UPDATED cases/spacelift/expected.json\n0 passed, 0 failed, 1 written\n');
    assert.deepEqual(JSON.parse(readFileSync(expected, 'utf8')), JSON.parse(readFileSync(join(root, 'examples', 'spacelift', 'expected.json'), 'utf8')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('npx hookmap pull, diff and push talk to Port through fetch (a fake API on 127.0.0.1)', async () => {
  // Each token serves one call: every call after the first needs a renewed token.
  const port = await startFakePort({ tokenUses: 1 });
  const live = { identifier: 'spacelift-runs', title: 'Spacelift runs', enabled: true,
    security: { secret: 's3cr3t', signatureHeaderName: 'x-signature-256' },
    mappings: JSON.parse(readFileSync(join(root, 'examples', 'spacelift', 'config.json'), 'utf8')).mappings,
    webhookKey: 'KEY', url: 'https://ingest.port.io/KEY', createdAt: '2026-01-01T00:00:00.000Z' };
  port.webhooks.set('spacelift-runs', live);
  const e = env({ PORT_CLIENT_ID: 'id', PORT_CLIENT_SECRET: 'secret', PORT_API_URL: port.url });
  // The bin waits for fetch synchronously (in a child process): run it without blocking the server.
  const hookmap = (args, cwd = root) => new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env: e });
    let stdout = '', stderr = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
  const dir = mkdtempSync(join(tmpdir(), 'hookmap-push-'));
  try {
    const pulled = await hookmap(['pull', 'spacelift-runs']);
    assert.equal(pulled.status, 0, pulled.stderr);
    const config = JSON.parse(pulled.stdout);
    assert.equal(config.security.secret, undefined);
    assert.equal(config.webhookKey, undefined);
    assert.deepEqual(config.mappings, live.mappings);

    config.title = 'Spacelift (tested)';
    writeFileSync(join(dir, 'webhook.json'), JSON.stringify(config, null, 2));
    mkdirSync(join(dir, 'case'));
    for (const f of ['request.json', 'expected.json']) cpSync(join(root, 'examples', 'spacelift', f), join(dir, 'case', f));
    const diff = await hookmap(['diff', '--config', 'webhook.json', '--cases', 'case'], dir);
    assert.equal(diff.status, 0, diff.stderr);
    assert.match(diff.stdout, /~ title: "Spacelift runs" → "Spacelift \(tested\)"/);
    assert.match(diff.stdout, /cases: 1 request, 1 unchanged/);
    assert.deepEqual(port.writes(), [], 'diff changes nothing');
    const pushed = await hookmap(['push', '--config', 'webhook.json', '--cases', 'case'], dir);
    assert.equal(pushed.status, 0, pushed.stderr);
    assert.match(pushed.stdout, /updated webhook spacelift-runs/);
    const [patch] = port.writes();
    assert.equal(patch.method, 'PATCH');
    assert.equal(patch.body.security.secret, 's3cr3t', 'the live secret is kept');
    assert.equal(port.webhooks.get('spacelift-runs').title, 'Spacelift (tested)');
    // Every call but the first of each run met an expired token and was made again.
    assert.ok(port.calls.filter((c) => c.url === '/v1/auth/access_token').length >= 4);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await port.close();
  }
});
