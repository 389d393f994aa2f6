// The worker's Port target against a fake Port API started here on 127.0.0.1: token fetch and
// reuse, the upsert's query and body, delete with delete_dependents, a 429 then success, and
// Port down (503 to the sender, recorded, retry processed).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { bundle, cleanup, example, readJson, sign, start } from './harness.mjs';

const SECRET = 'test-secret-port';
const config = readJson(join(example, 'config.json'));
const expected = readJson(join(example, 'expected.json'));
const seed = readJson(join(example, 'request.json'));
const security = { signatureHeaderName: 'x-signature-256', signatureAlgorithm: 'sha256', signaturePrefix: 'sha256=', requestIdentifierPath: '.headers["x-request-id"]' };
const webhooks = {
  spacelift: { ...config, security },
  remove: {
    mappings: [{ blueprint: 'space_lift_stack', operation: { type: 'delete', deleteDependents: true }, entity: { identifier: '.body.stack.id' } }],
    security,
  },
};

/** A fake Port API: records every request; `plan` decides answers per path (a queue of statuses). */
function fakePort() {
  const requests = [];
  const plan = { upsert: [], delete: [], always: null };
  let tokens = 0;
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => { text += c; });
    req.on('end', () => {
      const url = new URL(req.url, 'http://x');
      const entry = { method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, body: text ? JSON.parse(text) : undefined };
      requests.push(entry);
      const send = (status, body, headers = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      };
      if (req.method === 'POST' && url.pathname === '/v1/auth/access_token') {
        tokens += 1;
        return send(200, { ok: true, accessToken: `token-${tokens}`, expiresIn: 3600, tokenType: 'Bearer' });
      }
      if (entry.headers.authorization !== `Bearer token-${tokens}`) return send(401, { ok: false, error: 'unauthorized' });
      if (plan.always) return send(plan.always, { ok: false, error: 'unavailable', message: 'Port is down (fake)' });
      const kind = req.method === 'DELETE' ? 'delete' : 'upsert';
      const status = plan[kind].shift() ?? (kind === 'delete' ? 200 : 201);
      if (status === 429) return send(429, { ok: false, error: 'rate_limited' }, { 'retry-after': '0' });
      return send(status, status < 300 ? { ok: true, entity: entry.body } : { ok: false, error: 'failed' });
    });
  });
  return { server, requests, plan, tokenCount: () => tokens };
}

let dist;
let port;
let worker;
before(async () => {
  dist = bundle();
  port = fakePort();
  await new Promise((r) => port.server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${port.server.address().port}`;
  worker = await start(dist, {
    WEBHOOKS: JSON.stringify(webhooks), WEBHOOK_SECRET: SECRET,
    PORT_CLIENT_ID: 'client-id', PORT_CLIENT_SECRET: 'client-secret', PORT_API_URL: url, PORT_BUDGET_MS: '3000',
  });
});
after(async () => {
  await worker?.mf.dispose();
  await new Promise((r) => port.server.close(r));
  cleanup(dist);
});

let deliveryNo = 0;
function deliver(id, body) {
  const text = JSON.stringify(body);
  return worker.fetch(`/webhooks/${id}`, {
    method: 'POST', body: text,
    headers: { 'content-type': 'application/json', 'x-signature-256': sign(text, SECRET), 'x-request-id': `port-${++deliveryNo}` },
  });
}
const since = (n) => port.requests.slice(n);

test('a delivery fetches a token and upserts with upsert=true&merge=true and the mapped entity as body', async () => {
  const mark = port.requests.length;
  const res = await deliver('spacelift', seed.body);
  const summary = await res.json();
  assert.equal(res.status, 202, JSON.stringify(summary));
  assert.equal(summary.target, 'port');
  const calls = since(mark);
  assert.deepEqual(calls.map((c) => `${c.method} ${c.path}`), ['POST /v1/auth/access_token', `POST /v1/blueprints/${expected[0].blueprint}/entities`]);
  assert.deepEqual(calls[0].body, { clientId: 'client-id', clientSecret: 'client-secret' });
  assert.deepEqual(calls[1].query, { upsert: 'true', merge: 'true' });
  assert.equal(calls[1].headers.authorization, 'Bearer token-1');
  const { operation, blueprint, ...entity } = expected[0];
  assert.deepEqual(calls[1].body, entity);
  assert.deepEqual(summary.entities.map((e) => [e.identifier, e.status, e.httpStatus]), [[expected[0].identifier, 'applied', 201]]);
});

test('the token is reused across requests (one token fetch per isolate)', async () => {
  const mark = port.requests.length;
  for (const id of ['reuse-1', 'reuse-2']) {
    assert.equal((await deliver('spacelift', { ...seed.body, stack: { ...seed.body.stack, id } })).status, 202);
  }
  assert.deepEqual(since(mark).map((c) => c.path), ['/v1/blueprints/space_lift_stack/entities', '/v1/blueprints/space_lift_stack/entities']);
  assert.equal(port.tokenCount(), 1);
  assert.ok(since(mark).every((c) => c.headers.authorization === 'Bearer token-1'));
});

test('a delete goes to DELETE .../entities/{id}?delete_dependents=true', async () => {
  const mark = port.requests.length;
  const res = await deliver('remove', { ...seed.body, stack: { ...seed.body.stack, id: 'gone/stack' } });
  assert.equal(res.status, 202);
  const [call] = since(mark);
  assert.equal(call.method, 'DELETE');
  assert.equal(call.path, `/v1/blueprints/space_lift_stack/entities/${encodeURIComponent('gone/stack')}`);
  assert.deepEqual(call.query, { delete_dependents: 'true' });
});

test('a 429 is retried and then succeeds', async () => {
  const mark = port.requests.length;
  port.plan.upsert.push(429);
  const res = await deliver('spacelift', seed.body);
  assert.equal(res.status, 202);
  const calls = since(mark);
  assert.equal(calls.length, 2);
  assert.ok(calls.every((c) => c.method === 'POST' && c.path.endsWith('/entities')));
  assert.deepEqual(calls[0].body, calls[1].body);
});

test('a permanent refusal (422) is reported per entity, answered 202, not retried', async () => {
  const mark = port.requests.length;
  port.plan.upsert.push(422);
  const res = await deliver('spacelift', seed.body);
  const summary = await res.json();
  assert.equal(res.status, 202);
  assert.equal(summary.outcome, 'failed');
  assert.equal(summary.entities[0].status, 'failed');
  assert.match(summary.entities[0].error, /422/);
  assert.equal(since(mark).length, 1);
});

test('Port down: 503 to the sender, recorded in the audit log, and the retry is processed', async () => {
  port.plan.always = 503;
  const text = JSON.stringify({ ...seed.body, stack: { ...seed.body.stack, id: 'while-down' } });
  const send = () => worker.fetch('/webhooks/spacelift', {
    method: 'POST', body: text, headers: { 'x-signature-256': sign(text, SECRET), 'x-request-id': 'retry-me' },
  });
  const started = Date.now();
  const res = await send();
  assert.equal(res.status, 503);
  assert.ok(Date.now() - started < 6000, 'answered within the budget');
  const body = await res.json();
  assert.equal(body.outcome, 'retry');
  // The last answer was a 503, or (on a loaded machine) the budget ran out while backing off.
  assert.match(body.entities[0].error, /503|time budget/);
  const { deliveries } = await (await worker.fetch('/deliveries')).json();
  assert.equal(deliveries[0].outcome, 'retry');
  assert.equal(deliveries[0].requestId, 'retry-me');
  port.plan.always = null;
  const retry = await send();
  assert.equal(retry.status, 202);
  assert.equal((await retry.json()).applied, 1);
});

test('GET /entities says entities are in Port when the Port target is set', async () => {
  const res = await worker.fetch('/entities/space_lift_stack/ai-agent');
  assert.equal(res.status, 404);
  assert.equal((await res.json()).error, 'catalog_is_port');
});
