#!/usr/bin/env node
// A local load run of the worker: signed Spacelift deliveries with varied stack ids (and a new
// run id each, so none is a duplicate) against `wrangler dev` on 127.0.0.1, with autocannon,
// bounded in count and time. Prints requests/s and latency percentiles of the accepting side
// (202 queued), then waits for the queue consumer to apply everything and prints how long that
// took (deliveries applied/s), and checks that D1 holds exactly one entity per distinct stack
// sent and every delivery is applied. Not part of `make test`.
//
//   node scripts/worker-load.mjs [--requests 3000] [--stacks 250] [--connections 8] [--max-seconds 90]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { adminHeaders, sign, startDev } from './worker-dev.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const REQUESTS = arg('--requests', 3000);
const STACKS = arg('--stacks', 250);
const CONNECTIONS = arg('--connections', 8);
const MAX_SECONDS = arg('--max-seconds', 90);
const DRAIN_SECONDS = arg('--drain-seconds', 300);

const freePort = () => new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address();
    s.close(() => resolve(port));
  });
});

const seed = JSON.parse(readFileSync(join(root, 'examples', 'spacelift', 'request.json'), 'utf8')).body;
const state = mkdtempSync(join(tmpdir(), 'hookmap-load-'));
const dev = await startDev({ port: await freePort(), persistTo: state, stdio: 'ignore' });
const sent = new Set();
let n = 0;
try {
  // Warm the isolate (module compile) before measuring.
  await fetch(`${dev.base}/deliveries?limit=1`, { headers: adminHeaders() });
  const started = Date.now();
  const result = await new Promise((resolve, reject) => {
    const instance = autocannon({
      url: `${dev.base}/webhooks/spacelift`,
      connections: CONNECTIONS,
      amount: REQUESTS,
      timeout: 10,
      requests: [{
        method: 'POST',
        setupRequest: (req) => {
          const i = n++;
          const stack = `load-stack-${i % STACKS}`;
          sent.add(stack);
          const body = JSON.stringify({
            ...seed,
            stateVersion: i,
            run: { ...seed.run, id: `LOADRUN${String(i).padStart(8, '0')}` },
            stack: { ...seed.stack, id: stack, name: stack },
          });
          return { ...req, body, headers: { 'content-type': 'application/json', 'x-signature-256': sign(body) } };
        },
      }],
    }, (err, res) => (err ? reject(err) : resolve(res)));
    setTimeout(() => instance.stop(), MAX_SECONDS * 1000).unref();
  });
  const seconds = (Date.now() - started) / 1000;

  // The consumer applies what was accepted: wait until nothing is queued or retrying.
  const pending = async () => {
    let total = 0;
    for (const state of ['queued', 'retrying']) {
      total += (await (await fetch(`${dev.base}/deliveries?state=${state}&limit=500`, { headers: adminHeaders() })).json()).deliveries.length;
    }
    return total;
  };
  const drainDeadline = Date.now() + DRAIN_SECONDS * 1000;
  let left = await pending();
  while (left > 0 && Date.now() < drainDeadline) {
    await new Promise((r) => setTimeout(r, 500));
    left = await pending();
  }
  const appliedSeconds = (Date.now() - started) / 1000;

  const count = async (path) => {
    let total = 0;
    let after = null;
    for (;;) {
      const page = await (await fetch(`${dev.base}${path}?limit=1000${after ? `&after=${encodeURIComponent(after)}` : ''}`, { headers: adminHeaders() })).json();
      total += page.entities.length;
      if (!page.next) return total;
      after = page.next;
    }
  };
  const viaApi = await count('/entities/space_lift_stack');
  const sql = JSON.parse(execFileSync(join(root, 'node_modules', '.bin', 'wrangler'), [
    'd1', 'execute', 'DB', '--local', '--persist-to', state, '--json',
    '--command', "SELECT COUNT(*) AS entities FROM entities WHERE blueprint = 'space_lift_stack'; SELECT outcome, COUNT(*) AS n FROM deliveries GROUP BY outcome",
  ], { cwd: join(root, 'www'), env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', CI: 'true' }, encoding: 'utf8' }));
  const inD1 = sql[0].results[0].entities;
  const outcomes = Object.fromEntries(sql[1].results.map((r) => [r.outcome, r.n]));
  const codes = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([k, v]) => [k, v.count]));
  const report = {
    requests: result.requests.total,
    seconds: Number(seconds.toFixed(1)),
    connections: CONNECTIONS,
    requestsPerSecond: Number((result.requests.total / result.duration).toFixed(0)),
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    allAppliedAfterSeconds: Number(appliedSeconds.toFixed(1)),
    appliedPerSecond: Number((result.requests.total / appliedSeconds).toFixed(0)),
    stillPending: left,
    statusCodes: codes,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    distinctStacksSent: sent.size,
    entitiesInD1: inD1,
    entitiesViaGet: viaApi,
    auditOutcomes: outcomes,
  };
  console.log(JSON.stringify(report, null, 2));
  const ok = result.errors === 0 && result.timeouts === 0 && result.non2xx === 0 && codes['202'] === result.requests.total
    && inD1 === sent.size && viaApi === sent.size && result.requests.total === REQUESTS
    && left === 0 && outcomes.applied === REQUESTS;
  console.log(ok ? 'load run: OK (zero errors, one entity per distinct stack)' : 'load run: FAILED');
  process.exitCode = ok ? 0 : 1;
} finally {
  await dev.stop();
  rmSync(state, { recursive: true, force: true });
}
