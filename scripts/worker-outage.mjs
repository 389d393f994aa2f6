#!/usr/bin/env node
// The outage scenario of issue 12, as a real sender would meet it: the worker (wrangler dev,
// producer and queue consumer, Port target) in front of a fake Port API on 127.0.0.1 that is
// down (503 to every call, token included) for --outage-seconds, while a Spacelift-like sender
// delivers --deliveries signed runs, one stack each, spread over the outage (10 s timeout, up to
// 3 retries on 5xx or timeout, 5/10/20 s apart). Then Port comes back; the script waits until
// every stack is in Port (or --max-wait-seconds) and prints stacks applied / sent, how long
// after recovery, and the sender's latency (p50/p99/max). Not part of `make test`.
//
//   node scripts/worker-outage.mjs [--outage-seconds 240] [--deliveries 40] [--max-wait-seconds 900]
//
// The worker runs with its production retry settings (first retry after about 10 s, doubling,
// capped at 30 min) unless --retry-base-seconds is given. Don't edit www/ during a run: wrangler
// dev reloads the worker and its local queue drops the messages in flight (the sweeper sends
// them again only 15 min later).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adminHeaders, sign, startDev } from './worker-dev.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const OUTAGE_SECONDS = arg('--outage-seconds', 240);
const DELIVERIES = arg('--deliveries', 40);
const MAX_WAIT_SECONDS = arg('--max-wait-seconds', 900);
const RETRY_BASE_SECONDS = arg('--retry-base-seconds', undefined);
const SENDER = { timeoutMs: 10_000, retryDelaysMs: [5_000, 10_000, 20_000] };

const freePort = () => new Promise((resolve) => {
  const s = createNetServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address();
    s.close(() => resolve(port));
  });
});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (message) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${message}`);

/** A fake Port API: down (503) while `down`, else tokens, single and bulk upserts (recorded). */
function fakePort() {
  const state = { down: true, stacks: new Set(), calls: 0, refused: 0 };
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => { text += c; });
    req.on('end', () => {
      state.calls += 1;
      const send = (status, body) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (state.down) {
        state.refused += 1;
        return send(503, { ok: false, error: 'service_unavailable', message: 'Port is down (fake outage)' });
      }
      const url = new URL(req.url, 'http://x');
      if (req.method === 'POST' && url.pathname === '/v1/auth/access_token') return send(200, { ok: true, accessToken: 'token', expiresIn: 3600, tokenType: 'Bearer' });
      const m = /^\/v1\/blueprints\/([^/]+)\/entities(\/bulk)?$/.exec(url.pathname);
      if (req.method === 'POST' && m) {
        const body = JSON.parse(text);
        const entities = m[2] ? body.entities : [body];
        for (const e of entities) if (decodeURIComponent(m[1]) === 'space_lift_stack') state.stacks.add(e.identifier);
        return send(m[2] ? 200 : 201, { ok: true, entities: entities.map((e, index) => ({ identifier: e.identifier, index, created: true })), errors: [] });
      }
      return send(404, { ok: false, error: 'not_found' });
    });
  });
  return { server, state };
}

/** One delivery as Spacelift sends it: 10 s timeout, up to 3 retries on 5xx/timeout. */
async function send(base, body) {
  const attempts = [];
  for (let i = 0; ; i++) {
    const started = performance.now();
    let status;
    try {
      const res = await fetch(`${base}/webhooks/spacelift`, {
        method: 'POST', body, headers: { 'content-type': 'application/json', 'x-signature-256': sign(body) },
        signal: AbortSignal.timeout(SENDER.timeoutMs),
      });
      status = res.status;
      await res.arrayBuffer();
    } catch (e) {
      status = e.name === 'TimeoutError' ? 'timeout' : `error: ${e.message}`;
    }
    attempts.push({ status, ms: performance.now() - started });
    const retry = status === 'timeout' || typeof status !== 'number' || status >= 500;
    if (!retry || i === SENDER.retryDelaysMs.length) return attempts;
    await sleep(SENDER.retryDelaysMs[i]);
  }
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

const seed = JSON.parse(readFileSync(join(root, 'examples', 'spacelift', 'request.json'), 'utf8')).body;
const portApi = fakePort();
await new Promise((r) => portApi.server.listen(0, '127.0.0.1', r));
const state = mkdtempSync(join(tmpdir(), 'hookmap-outage-'));
const vars = {
  PORT_CLIENT_ID: 'outage-client', PORT_CLIENT_SECRET: 'outage-secret', PORT_API_URL: `http://127.0.0.1:${portApi.server.address().port}`,
  ...(RETRY_BASE_SECONDS !== undefined ? { RETRY_BASE_SECONDS: String(RETRY_BASE_SECONDS) } : {}),
};
const dev = await startDev({ port: await freePort(), persistTo: state, stdio: 'ignore', vars });
try {
  log(`worker on ${dev.base}; Port down for ${OUTAGE_SECONDS} s; ${DELIVERIES} deliveries spread over the outage`);
  const t0 = Date.now();
  const recovered = sleep(OUTAGE_SECONDS * 1000).then(() => {
    portApi.state.down = false;
    log('Port is back');
    return Date.now();
  });
  const spacing = (OUTAGE_SECONDS * 1000 * 0.9) / DELIVERIES;
  const stacks = [];
  const senders = [];
  for (let i = 0; i < DELIVERIES; i++) {
    const stack = `outage-stack-${String(i).padStart(2, '0')}`;
    stacks.push(stack);
    const body = JSON.stringify({
      ...seed, stateVersion: i, timestamp_millis: t0 + i,
      run: { ...seed.run, id: `OUTAGERUN${String(i).padStart(6, '0')}` },
      stack: { ...seed.stack, id: stack, name: stack },
    });
    senders.push(send(dev.base, body));
    await sleep(spacing);
  }
  const results = await Promise.all(senders);
  log(`all ${DELIVERIES} deliveries sent`);
  const upAt = await recovered;
  const deadline = upAt + MAX_WAIT_SECONDS * 1000;
  while (portApi.state.stacks.size < DELIVERIES && Date.now() < deadline) await sleep(1000);
  const allAt = Date.now();

  const latencies = results.flat().map((a) => a.ms).sort((a, b) => a - b);
  const statuses = {};
  for (const a of results.flat()) statuses[a.status] = (statuses[a.status] ?? 0) + 1;
  const accepted = results.filter((r) => r.at(-1).status === 202).length;
  const states = {};
  const rows = (await (await fetch(`${dev.base}/deliveries?limit=500`, { headers: adminHeaders() })).json()).deliveries;
  for (const r of rows) states[r.state] = (states[r.state] ?? 0) + 1;
  const applied = stacks.filter((s) => portApi.state.stacks.has(s)).length;
  const report = {
    outageSeconds: OUTAGE_SECONDS,
    deliveriesSent: DELIVERIES,
    acceptedBySender: accepted,
    senderRequests: latencies.length,
    senderStatuses: statuses,
    senderLatencyMs: { p50: Math.round(percentile(latencies, 50)), p99: Math.round(percentile(latencies, 99)), max: Math.round(latencies.at(-1)) },
    stacksInPort: `${applied}/${DELIVERIES}`,
    allAppliedSecondsAfterRecovery: applied === DELIVERIES ? Number(((allAt - upAt) / 1000).toFixed(1)) : null,
    portCallsRefusedDuringOutage: portApi.state.refused,
    deliveryStates: states,
    maxAttempts: Math.max(0, ...rows.map((r) => r.attempts ?? 0)),
  };
  console.log(JSON.stringify(report, null, 2));
  const ok = applied === DELIVERIES && accepted === DELIVERIES;
  console.log(ok ? `outage run: OK (${applied}/${DELIVERIES} stacks in Port after recovery)` : `outage run: FAILED (${applied}/${DELIVERIES} stacks in Port)`);
  process.exitCode = ok ? 0 : 1;
} finally {
  await dev.stop();
  await new Promise((r) => portApi.server.close(r));
  rmSync(state, { recursive: true, force: true });
}
