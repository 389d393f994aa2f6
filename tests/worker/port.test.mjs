// The worker's Port target: deliveries are accepted at once (202, queued) and the queue consumer
// applies them to a fake Port API started here on 127.0.0.1: bulk upserts (at most 20 entities a
// call, a 207 read per entity), deletes, a 429 with Retry-After, a 401 after a new token, Port
// down then up, and the dead-letter queue after the retry budget (shortened), then its replay.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { ADMIN_TOKEN, bundle, cleanup, example, readJson, sign, start, waitFor } from './harness.mjs';

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
  // One entity per element of .body.items: a delivery of many entities.
  many: {
    mappings: [{ blueprint: 'item', itemsToParse: '.body.items', entity: { identifier: '.item.id', properties: { n: '.item.n' } } }],
    security,
  },
};

/**
 * A fake Port API: records every request. `plan.bulk` is a queue of answers for bulk calls
 * (a status, or `{status, body, headers}`); `plan.always` answers every catalog call with
 * that status (Port down). Bulk calls it accepts are stored per blueprint (`stored`).
 */
function fakePort() {
  const requests = [];
  const plan = { bulk: [], delete: [], always: null };
  const stored = new Map();
  let tokens = 0;
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => { text += c; });
    req.on('end', () => {
      const url = new URL(req.url, 'http://x');
      const entry = { method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, body: text ? JSON.parse(text) : undefined, at: Date.now() };
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
      if (req.method === 'DELETE') {
        const status = plan.delete.shift() ?? 200;
        return send(status, { ok: status < 300 });
      }
      const answer = plan.bulk.shift() ?? 200;
      const { status, body, headers } = typeof answer === 'number' ? { status: answer } : answer;
      if (status === 200) {
        const blueprint = decodeURIComponent(url.pathname.split('/')[3]);
        for (const e of entry.body.entities) stored.set(`${blueprint}/${e.identifier}`, e);
        return send(200, { ok: true, entities: entry.body.entities.map((e, index) => ({ identifier: e.identifier, index, created: true })), errors: [] });
      }
      return send(status, body ?? { ok: false, error: 'failed', message: `fake ${status}` }, headers);
    });
  });
  return { server, requests, plan, stored, tokenCount: () => tokens };
}

let dist;
let port;
let worker;
let portUrl;
before(async () => {
  dist = bundle();
  port = fakePort();
  await new Promise((r) => port.server.listen(0, '127.0.0.1', r));
  portUrl = `http://127.0.0.1:${port.server.address().port}`;
  worker = await start(dist, {
    WEBHOOKS: JSON.stringify(webhooks), WEBHOOK_SECRET: SECRET,
    PORT_CLIENT_ID: 'client-id', PORT_CLIENT_SECRET: 'client-secret', PORT_API_URL: portUrl,
  });
});
after(async () => {
  await worker?.mf.dispose();
  await new Promise((r) => port.server.close(r));
  cleanup(dist);
});

let deliveryNo = 0;
async function deliver(id, body, w = worker) {
  const text = JSON.stringify(body);
  const res = await w.fetch(`/webhooks/${id}`, {
    method: 'POST', body: text,
    headers: { 'content-type': 'application/json', 'x-signature-256': sign(text, SECRET), 'x-request-id': `port-${++deliveryNo}` },
  });
  const answer = await res.json();
  assert.equal(res.status, 202, JSON.stringify(answer));
  assert.equal(answer.status, 'queued');
  return answer.deliveryId;
}
const since = (n) => port.requests.slice(n);
const bulkCalls = (calls) => calls.filter((c) => c.method === 'POST' && c.path.endsWith('/entities/bulk'));
const stack = (id) => ({ ...seed.body, stack: { ...seed.body.stack, id, name: id } });

test('a delivery is answered 202 queued, then upserted with the bulk endpoint, upsert=true&merge=true', async () => {
  const mark = port.requests.length;
  const started = Date.now();
  const id = await deliver('spacelift', seed.body);
  assert.ok(Date.now() - started < 2000, 'answered without waiting for Port');
  const row = await worker.settled(id);
  assert.equal(row.state, 'applied', JSON.stringify(row));
  const calls = since(mark);
  assert.deepEqual(calls.map((c) => `${c.method} ${c.path}`), ['POST /v1/auth/access_token', `POST /v1/blueprints/${expected[0].blueprint}/entities/bulk`]);
  assert.deepEqual(calls[0].body, { clientId: 'client-id', clientSecret: 'client-secret' });
  assert.deepEqual(calls[1].query, { upsert: 'true', merge: 'true' });
  assert.equal(calls[1].headers.authorization, 'Bearer token-1');
  const { operation, blueprint, ...entity } = expected[0];
  assert.deepEqual(calls[1].body, { entities: [entity] });
  assert.deepEqual(row.entities.map((e) => [e.identifier, e.status, e.httpStatus]), [[expected[0].identifier, 'applied', 200]]);
});

test('a delivery of 45 entities goes in bulk calls of at most 20', async () => {
  const mark = port.requests.length;
  const items = Array.from({ length: 45 }, (_, i) => ({ id: `item-${i}`, n: i }));
  const row = await worker.settled(await deliver('many', { items }));
  assert.equal(row.state, 'applied');
  assert.equal(row.applied, 45);
  const calls = bulkCalls(since(mark));
  assert.deepEqual(calls.map((c) => c.body.entities.length), [20, 20, 5]);
  assert.deepEqual(calls.flatMap((c) => c.body.entities.map((e) => e.identifier)), items.map((i) => i.id));
  assert.ok(calls.every((c) => c.path === '/v1/blueprints/item/entities/bulk'));
});

test('deliveries of a batch are grouped by blueprint into shared bulk calls', async () => {
  const mark = port.requests.length;
  const ids = await Promise.all(Array.from({ length: 12 }, (_, i) => deliver('spacelift', stack(`grouped-${i}`))));
  for (const id of ids) assert.equal((await worker.settled(id)).state, 'applied');
  const calls = bulkCalls(since(mark));
  assert.equal(calls.flatMap((c) => c.body.entities).length, 12);
  assert.ok(calls.length < 12, `12 deliveries took ${calls.length} bulk calls`);
  assert.ok(calls.every((c) => c.body.entities.length <= 20));
});

test('a delete goes to DELETE .../entities/{id}?delete_dependents=true', async () => {
  const mark = port.requests.length;
  const row = await worker.settled(await deliver('remove', stack('gone/stack')));
  assert.equal(row.state, 'applied');
  const [call] = since(mark);
  assert.equal(call.method, 'DELETE');
  assert.equal(call.path, `/v1/blueprints/space_lift_stack/entities/${encodeURIComponent('gone/stack')}`);
  assert.deepEqual(call.query, { delete_dependents: 'true' });
});

test('a 429 with Retry-After: the delivery waits that long (retrying, next time shown), then is applied', async () => {
  const mark = port.requests.length;
  port.plan.bulk.push({ status: 429, body: { ok: false, error: 'rate_limited' }, headers: { 'retry-after': '2' } });
  const id = await deliver('spacelift', stack('rate-limited'));
  const retrying = await worker.settled(id, ['retrying']);
  assert.equal(retrying.attempts, 1);
  assert.match(retrying.message, /Retry-After/);
  const row = await worker.settled(id);
  assert.equal(row.state, 'applied');
  const calls = bulkCalls(since(mark));
  assert.equal(calls.length, 2);
  assert.ok(calls[1].at - calls[0].at >= 1900, `retried after ${calls[1].at - calls[0].at} ms, Retry-After was 2 s`);
});

test('a 429 whose Retry-After is an HTTP date is waited for too', async () => {
  const mark = port.requests.length;
  port.plan.bulk.push({ status: 429, body: { ok: false, error: 'rate_limited' }, headers: { 'retry-after': new Date(Date.now() + 3000).toUTCString() } });
  const row = await worker.settled(await deliver('spacelift', stack('rate-limited-date')));
  assert.equal(row.state, 'applied');
  const calls = bulkCalls(since(mark));
  assert.equal(calls.length, 2);
  assert.ok(calls[1].at - calls[0].at >= 1500, `retried after ${calls[1].at - calls[0].at} ms, Retry-After was about 2-3 s ahead`);
});

test('a 207 with one failed entity: that entity is recorded failed (not retried), the others applied', async () => {
  const mark = port.requests.length;
  port.plan.bulk.push({
    status: 207,
    body: {
      ok: true,
      entities: [{ identifier: 'p-0', index: 0, created: true }, { identifier: 'p-2', index: 2, created: true }],
      errors: [{ identifier: 'p-1', index: 1, statusCode: 422, error: 'invalid_property', message: 'n must be a string' }],
    },
  });
  const items = [0, 1, 2].map((n) => ({ id: `p-${n}`, n }));
  const row = await worker.settled(await deliver('many', { items }));
  assert.equal(row.state, 'partial');
  assert.deepEqual(row.entities.map((e) => [e.identifier, e.status]), [['p-0', 'applied'], ['p-1', 'failed'], ['p-2', 'applied']]);
  assert.equal(row.entities[1].transient, false);
  assert.match(row.entities[1].error, /422.*n must be a string/);
  await new Promise((r) => setTimeout(r, 2500));
  assert.equal(bulkCalls(since(mark)).length, 1, 'a permanent refusal is not retried');
});

test('a retry never sends again the entities already applied', async () => {
  const mark = port.requests.length;
  port.plan.bulk.push({
    status: 207,
    body: { ok: true, entities: [{ identifier: 'r-0', index: 0 }], errors: [{ identifier: 'r-1', index: 1, statusCode: 503, error: 'unavailable', message: 'try later' }] },
  });
  const id = await deliver('many', { items: [{ id: 'r-0', n: 0 }, { id: 'r-1', n: 1 }] });
  const row = await worker.settled(id);
  assert.equal(row.state, 'applied');
  assert.equal(row.attempts, 1);
  const calls = bulkCalls(since(mark));
  assert.deepEqual(calls.map((c) => c.body.entities.map((e) => e.identifier)), [['r-0', 'r-1'], ['r-1']]);
  assert.match(row.entities[0].note, /earlier attempt/);
});

test('a 401 after one new token is retried later, then applied', async () => {
  const mark = port.requests.length;
  const tokensBefore = port.tokenCount();
  port.plan.bulk.push(401, 401);
  const id = await deliver('spacelift', stack('unauthorized'));
  const row = await worker.settled(id);
  assert.equal(row.state, 'applied');
  assert.ok(row.attempts >= 1, JSON.stringify(row));
  assert.ok(port.tokenCount() - tokensBefore >= 1, 'a new token was fetched after the 401');
  assert.equal(bulkCalls(since(mark)).length, 3);
});

test('a permanent refusal of a whole call (422) fails its entities without retry', async () => {
  const mark = port.requests.length;
  port.plan.bulk.push(422);
  const row = await worker.settled(await deliver('spacelift', stack('refused')));
  assert.equal(row.state, 'failed');
  assert.match(row.entities[0].error, /422/);
  await new Promise((r) => setTimeout(r, 2500));
  assert.equal(bulkCalls(since(mark)).length, 1);
});

test('Port down, then up: the deliveries accepted meanwhile are applied after recovery', async () => {
  port.plan.always = 503;
  const names = ['down-1', 'down-2', 'down-3'];
  const started = Date.now();
  const ids = [];
  for (const n of names) ids.push(await deliver('spacelift', stack(n)));
  assert.ok(Date.now() - started < 3000, 'accepted while Port is down, without waiting');
  for (const id of ids) assert.equal((await worker.settled(id, ['retrying'])).state, 'retrying');
  await waitFor(async () => (await worker.delivery(ids[0])).attempts >= 2, 15_000, () => 'a second attempt while Port is down');
  port.plan.always = null;
  for (const id of ids) assert.equal((await worker.settled(id, ['applied'], 30_000)).state, 'applied');
  for (const n of names) assert.ok(port.stored.has(`space_lift_stack/${n}`), n);
});

test('GET /entities says entities are in Port when the Port target is set', async () => {
  const res = await worker.authed('/entities/space_lift_stack/ai-agent');
  assert.equal(res.status, 404);
  assert.equal((await res.json()).error, 'catalog_is_port');
});

test('retries go on past the queue\'s own max_retries (the budget is kept in D1): re-sent, not dead-lettered', async () => {
  // The queue gives up after 2 retries (3 attempts); QUEUE_MAX_RETRIES tells the consumer so.
  const capped = await start(dist, {
    WEBHOOKS: JSON.stringify(webhooks), WEBHOOK_SECRET: SECRET,
    PORT_CLIENT_ID: 'client-id', PORT_CLIENT_SECRET: 'client-secret', PORT_API_URL: portUrl,
    QUEUE_MAX_RETRIES: '2', RETRY_MAX_SECONDS: '1',
  }, { maxRetries: 2 });
  try {
    port.plan.always = 503;
    const id = await deliver('spacelift', stack('beyond-max-retries'), capped);
    await waitFor(async () => (await capped.delivery(id)).attempts >= 5, 30_000, () => 'five attempts while Port is down');
    assert.equal((await capped.delivery(id)).state, 'retrying');
    port.plan.always = null;
    assert.equal((await capped.settled(id, ['applied'])).state, 'applied');
  } finally {
    port.plan.always = null;
    await capped.mf.dispose();
  }
});

test('past the retry budget a delivery is dead-lettered; the admin replays dead letters', async () => {
  const short = await start(dist, {
    WEBHOOKS: JSON.stringify(webhooks), WEBHOOK_SECRET: SECRET,
    PORT_CLIENT_ID: 'client-id', PORT_CLIENT_SECRET: 'client-secret', PORT_API_URL: portUrl,
    RETRY_BUDGET_SECONDS: '3',
  });
  try {
    port.plan.always = 503;
    const id = await deliver('spacelift', stack('dead-stack'), short);
    const dead = await short.settled(id, ['dead'], 30_000);
    assert.ok(dead.attempts >= 2, JSON.stringify(dead));
    assert.match(dead.message, /RETRY_BUDGET_SECONDS 3/);
    // The message went through the dead-letter queue (its consumer keeps the state dead).
    const listed = await (await short.authed('/deliveries?state=dead')).json();
    assert.deepEqual(listed.deliveries.map((d) => d.id), [id]);

    const replay = (path, token) => short.fetch(path, { method: 'POST', headers: token ? { authorization: `Bearer ${token}` } : {} });
    assert.equal((await replay('/api/dead-letters/replay')).status, 401);
    assert.equal((await replay('/api/dead-letters/replay', 'wrong')).status, 401);
    assert.equal((await replay('/api/dead-letters/replay', ADMIN_TOKEN.slice(0, -1))).status, 401);
    port.plan.always = null;
    const res = await replay('/api/dead-letters/replay', ADMIN_TOKEN);
    assert.equal(res.status, 202);
    assert.deepEqual((await res.json()).deliveryIds, [id]);
    const row = await short.settled(id, ['applied']);
    assert.equal(row.attempts, 0);
    assert.ok(port.stored.has('space_lift_stack/dead-stack'));
  } finally {
    port.plan.always = null;
    await short.mf.dispose();
  }
});
