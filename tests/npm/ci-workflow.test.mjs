// docs/ci.md's GitHub Actions workflow, run as the runner would run it: the YAML is read from the
// page, and each job's `run:` steps execute in order (bash -e, the job's env) in a copy of
// docs/examples/ci with the packed npm package standing in for the registry's, no Rust on PATH,
// and a fake Port API behind the secrets. `uses:` steps are the runner's (checkout is the copy,
// setup-node the Node running this test).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { startFakePort } from './fake-port.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const page = readFileSync(join(root, 'docs', 'ci.md'), 'utf8');
const workflow = parse(/```yaml\n([\s\S]*?)```/.exec(page)[1]);
const version = JSON.parse(readFileSync(join(root, 'mapper-wasm', 'pkg', 'package.json'), 'utf8')).version;
let tarball;
let scratch;

before(() => {
  scratch = mkdtempSync(join(tmpdir(), 'hookmap-workflow-'));
  const packed = JSON.parse(execFileSync('npm', ['pack', join(root, 'mapper-wasm', 'pkg'), '--json', '--pack-destination', scratch], { encoding: 'utf8' }));
  tarball = join(scratch, packed[0].filename);
});

after(() => rmSync(scratch, { recursive: true, force: true }));

/** A fresh checkout of the example repository. */
function checkout(name) {
  const dir = join(scratch, name);
  cpSync(join(root, 'docs', 'examples', 'ci'), dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'mappings', private: true, version: '1.0.0' }));
  return dir;
}

/** `${{ secrets.X }}` and `${{ vars.X }}` from `context`. */
function expand(value, context) {
  return String(value).replace(/\$\{\{\s*(secrets|vars)\.(\w+)\s*\}\}/g, (_, kind, name) => context[kind]?.[name] ?? '');
}

/** Run one job's `run:` steps in `dir`; the first failing step stops it (as a job does) unless
 * a later step says `if: always()`. Returns each step's command, exit code and output. */
async function runJob(job, dir, context = {}) {
  const env = { PATH: [...new Set([dirname(process.execPath), '/usr/bin', '/bin'])].join(':'), HOME: dir };
  for (const [k, v] of Object.entries(job.env ?? {})) env[k] = expand(v, context);
  const results = [];
  let failed = false;
  for (const step of job.steps) {
    if (!step.run) continue;
    if (failed && step.if !== 'always()') continue;
    // The published package is the packed one: same version, from the tarball.
    assert.ok(!step.run.includes('hookmap@') || step.run.includes(`hookmap@${version}`), `the workflow pins hookmap@${version}: ${step.run}`);
    const command = step.run.replace(`hookmap@${version}`, tarball);
    const result = await new Promise((resolve) => {
      const child = spawn('bash', ['-e', '-c', command], { cwd: dir, env });
      let stdout = '', stderr = '';
      child.stdout.on('data', (c) => { stdout += c; });
      child.stderr.on('data', (c) => { stderr += c; });
      child.on('close', (status) => resolve({ run: step.run, status, stdout, stderr }));
    });
    results.push(result);
    failed ||= result.status !== 0;
  }
  return results;
}

test('the workflow has a test job for pull requests and a push job for main', () => {
  assert.deepEqual(Object.keys(workflow.jobs), ['test', 'push']);
  assert.ok('pull_request' in workflow.on);
  assert.deepEqual(workflow.on.push.branches, ['main']);
  assert.equal(workflow.jobs.push.needs, 'test');
  assert.match(workflow.jobs.push.if, /refs\/heads\/main/);
});

test('the test job passes on the example, with no cargo on PATH', async () => {
  const dir = checkout('green');
  const steps = await runJob(workflow.jobs.test, dir);
  assert.equal(steps.length, 3);
  for (const s of steps) assert.equal(s.status, 0, `${s.run}\n${s.stdout}${s.stderr}`);
  assert.equal(steps[1].stdout,
    'PASS mappings/cases/spacelift-run requests/failed.json\n' +
    'PASS mappings/cases/spacelift-run requests/finished.json\n' +
    'PASS mappings/cases/spacelift-run requests/no-state.json\n3 passed, 0 failed\n');
  assert.match(readFileSync(join(dir, 'hookmap-junit.xml'), 'utf8'), /<testsuites name="hookmap" tests="3" failures="0"/);
  assert.ok(!existsSync(join(dir, '.cargo')));
});

test('a broken mapping fails the test job with the annotations docs/ci.md shows', async () => {
  const dir = checkout('broken');
  const tf = join(dir, 'mappings', 'spacelift.tf');
  writeFileSync(tf, readFileSync(tf, 'utf8').replace('".body.run.branch"', '".body.run.brnch"'));
  const steps = await runJob(workflow.jobs.test, dir);
  const github = steps.find((s) => s.run.includes('--reporter github'));
  assert.equal(github.status, 1);
  // The page shows this run's output, line for line.
  const shown = /```\n(FAIL mappings[\s\S]*?)```/.exec(page)[1];
  assert.equal(github.stdout, shown);
  // The JUnit step still ran (if: always()) and reports the two failures.
  assert.match(readFileSync(join(dir, 'hookmap-junit.xml'), 'utf8'), /tests="3" failures="2"/);
});

test('the push job diffs and pushes to Port, keeps the secret, and sends nothing over a failing case', async () => {
  const port = await startFakePort({ clientId: 'ci-id', clientSecret: 'ci-secret' });
  const context = { secrets: { PORT_CLIENT_ID: 'ci-id', PORT_CLIENT_SECRET: 'ci-secret' }, vars: { PORT_API_URL: port.url } };
  try {
    // First push: Port has no such webhook; it is created, without a secret (the file's is a variable).
    const dir = checkout('main');
    let steps = await runJob(workflow.jobs.push, dir, context);
    for (const s of steps) assert.equal(s.status, 0, `${s.run}\n${s.stdout}${s.stderr}`);
    assert.match(steps[1].stdout, /^webhook spacelift-runs does not exist at http:\/\/127\.0\.0\.1:\d+: push creates it$/m);
    assert.match(steps[2].stdout, /^created webhook spacelift-runs/m);
    const created = port.webhooks.get('spacelift-runs');
    assert.equal(created.title, 'Spacelift runs');
    assert.equal(created.enabled, true);
    assert.equal(created.mappings[0].entity.properties.branch, '.body.run.branch');
    assert.equal(created.security.secret, undefined);

    // Someone sets the secret in Port; a later commit changes the title: the push keeps the secret.
    created.security = { ...created.security, secret: 'set-in-port' };
    const tf = join(dir, 'mappings', 'spacelift.tf');
    writeFileSync(tf, readFileSync(tf, 'utf8').replace('"Spacelift runs"', '"Spacelift stack runs"'));
    const before = port.writes().length;
    steps = await runJob(workflow.jobs.push, dir, context);
    for (const s of steps) assert.equal(s.status, 0, `${s.run}\n${s.stdout}${s.stderr}`);
    assert.match(steps[1].stdout, /~ title: "Spacelift runs" → "Spacelift stack runs"/);
    const patch = port.writes().slice(before);
    assert.equal(patch.length, 1);
    assert.equal(patch[0].method, 'PATCH');
    assert.equal(port.webhooks.get('spacelift-runs').security.secret, 'set-in-port');
    assert.equal(port.webhooks.get('spacelift-runs').title, 'Spacelift stack runs');

    // A commit that breaks a case: the push step refuses, and Port receives nothing.
    writeFileSync(tf, readFileSync(tf, 'utf8').replace('"Spacelift stack runs"', '"Broken"').replace('".body.run.branch"', '".body.run.brnch"'));
    const writes = port.writes().length;
    steps = await runJob(workflow.jobs.push, dir, context);
    const push = steps.find((s) => s.run.includes('hookmap push'));
    assert.equal(push.status, 1);
    assert.match(push.stderr, /push refused: 2 case requests failed; nothing was sent to Port/);
    assert.equal(port.writes().length, writes);
    assert.equal(port.webhooks.get('spacelift-runs').title, 'Spacelift stack runs');
  } finally {
    await port.close();
  }
});
