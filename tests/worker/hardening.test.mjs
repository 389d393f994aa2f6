// Ingestion under concurrency and attack, in workerd (miniflare): two consumer invocations at
// once on one entity, 100 times (the newest update wins, in D1 and in Port); typed ordering keys;
// the header/query allow-list (credentials never come back); poison deliveries reaching `dead`;
// a replay during processing not lost; empty secrets refused; body-digest deduplication; the
// recovery drain; uniform 404s from memory; pre-auth answers; frame-ancestors; byte-bounded
// admin pages; the rate limit on rejected requests.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { ADMIN_TOKEN, READ_TOKEN, bundle, cleanup, example, readJson, sign, start, waitFor } from './harness.mjs';

const SECRET = 'test-secret-hardening';
const config = readJson(join(example, 'config.json'));
const seed = readJson(join(example, 'request.json'));
const security = { signatureHeaderName: 'x-signature-256', signatureAlgorithm: 'sha256', signaturePrefix: 'sha256=' };
const withTeam = structuredClone(config);
// A mapping that reads one header and one query parameter: their values are kept, no other.
withTeam.mappings[0].entity.properties.description = '.headers["x-team"] + "/" + .queryParams.page';
const webhooks = {
  ordered: { ...config, security },
  spacelift: { ...config, security: { ...security, requestIdentifierPath: '.headers["x-request-id"]' } },
  creds: { ...withTeam, security },
  off: { ...config, enabled: false, security },
};
const ORDER_BY = JSON.stringify({ ordered: '.body.timestamp_millis' });

let dist;
before(() => {
  dist = bundle();
});
after(() => cleanup(dist));

const run = (stack, state, millis, extra = {}) => ({ ...seed.body, ...extra, state, timestamp_millis: millis, stack: { ...seed.body.stack, id: stack, name: stack } });

async function post(w, path, body, { headers = {}, secret = SECRET } = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return w.fetch(path, { method: 'POST', body: text, headers: { 'content-type': 'application/json', 'x-signature-256': sign(text, secret), ...headers } });
}

async function accepted(res) {
  const body = await res.json();
  assert.equal(res.status, 202, JSON.stringify(body));
  return body.deliveryId;
}

const FINAL = ['applied', 'partial', 'failed', 'stale', 'dead'];

/** Dispatch the deliveries not final yet again, as the queue would redeliver retried messages. */
async function drainByHand(w, ids) {
  for (let round = 0; round < 20; round++) {
    const rows = await Promise.all(ids.map((id) => w.delivery(id)));
    const pending = rows.filter((r) => !FINAL.includes(r.state)).map((r) => r.id);
    if (pending.length === 0) return rows;
    await new Promise((r) => setTimeout(r, 50));
    await Promise.all(pending.map((id) => w.dispatch([id])));
  }
  throw new Error(`deliveries ${ids.join(', ')} never settled`);
}

/** A fake Port API: tokens, bulk upserts answered after a random delay (so calls interleave). */
function fakePort({ latencyMs = 15 } = {}) {
  const state = { down: false, entities: new Map(), upserts: [] };
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => { text += c; });
    req.on('end', () => {
      const send = (status, body) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (state.down) return send(503, { ok: false, error: 'unavailable' });
      const url = new URL(req.url, 'http://x');
      if (url.pathname === '/v1/auth/access_token') return send(200, { ok: true, accessToken: 't', expiresIn: 3600, tokenType: 'Bearer' });
      const m = /^\/v1\/blueprints\/([^/]+)\/entities(\/bulk)?$/.exec(url.pathname);
      if (req.method !== 'POST' || !m) return send(404, { ok: false });
      const body = JSON.parse(text);
      const entities = m[2] ? body.entities : [body];
      // Port applies the write when it handles it: after a random delay, as a busy API would.
      setTimeout(() => {
        for (const e of entities) {
          state.entities.set(e.identifier, e);
          state.upserts.push({ identifier: e.identifier, state: e.properties?.state, at: Date.now() });
        }
        send(200, { ok: true, entities: entities.map((e, index) => ({ identifier: e.identifier, index, created: true })), errors: [] });
      }, Math.random() * latencyMs);
    });
  });
  return { server, state };
}

async function listen(server) {
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${server.address().port}`;
}

/** Two updates of one entity (older, newer), consumed by two invocations at once, 100 times. */
async function race(w, check) {
  const losses = [];
  for (let i = 0; i < 100; i++) {
    const stack = `race-${i}`;
    const older = await accepted(await post(w, '/webhooks/ordered', run(stack, 'OLDER', 1000 * i + 1)));
    const newer = await accepted(await post(w, '/webhooks/ordered', run(stack, 'NEWER', 1000 * i + 2)));
    // Both invocations at once, in either order.
    const pair = i % 2 === 0 ? [older, newer] : [newer, older];
    await Promise.all(pair.map((id) => w.dispatch([id])));
    const rows = await drainByHand(w, [older, newer]);
    const got = await check(stack);
    if (got !== 'NEWER') losses.push(`${stack}: ${got} (older ${rows[0].state}, newer ${rows[1].state})`);
    assert.equal(rows[1].state, 'applied');
    assert.ok(['stale', 'applied'].includes(rows[0].state), rows[0].state);
  }
  assert.deepEqual(losses, [], `the older update won ${losses.length} times of 100`);
}

test('two consumer invocations on one entity at once, 100 times: the newest update wins in D1', async () => {
  const w = await start(dist, { WEBHOOKS: JSON.stringify(webhooks), WEBHOOK_SECRET: SECRET, ORDER_BY }, { consume: false });
  try {
    await race(w, async (stack) => (await (await w.authed(`/entities/space_lift_stack/${stack}`)).json()).entity?.properties?.state);
  } finally {
    await w.mf.dispose();
  }
});

test('two consumer invocations on one entity at once, 100 times: the newest update wins in Port', async () => {
  const port = fakePort();
  const url = await listen(port.server);
  const w = await start(dist, {
    WEBHOOKS: JSON.stringify(webhooks), WEBHOOK_SECRET: SECRET, ORDER_BY, PORT_CLIENT_ID: 'c', PORT_CLIENT_SECRET: 's', PORT_API_URL: url,
  }, { consume: false });
  try {
    await race(w, async (stack) => port.state.entities.get(stack)?.properties?.state);
    // The claims let the two never be in Port's hands at once: an older write never lands last.
    for (let i = 0; i < 100; i++) {
      const writes = port.state.upserts.filter((u) => u.identifier === `race-${i}`);
      assert.equal(writes[writes.length - 1].state, 'NEWER', JSON.stringify(writes));
    }
  } finally {
    await w.mf.dispose();
    port.server.close();
  }
});

test('ordering keys are typed: a string key never replaces a number key, and says so with a code', async () => {
  const w = await start(dist, { WEBHOOKS: JSON.stringify(webhooks), WEBHOOK_SECRET: SECRET, ORDER_BY });
  try {
    const first = await accepted(await post(w, '/webhooks/ordered', run('typed', 'NUMBER', 5)));
    assert.equal((await w.settled(first)).state, 'applied');
    // "1" < 5 can't be decided: jq would say strings sort after numbers, SQL the reverse.
    const text = await accepted(await post(w, '/webhooks/ordered', run('typed', 'STRING', '1')));
    const row = await w.settled(text);
    assert.equal(row.state, 'failed');
    assert.equal(row.entities[0].code, 'order-key-type');
    const entity = (await (await w.authed('/entities/space_lift_stack/typed')).json()).entity;
    assert.equal(entity.properties.state, 'NUMBER');
    const stored = await w.db.prepare("SELECT order_key, typeof(order_key) AS t FROM entity_order WHERE identifier = 'typed'").first();
    assert.deepEqual({ ...stored }, { order_key: 5, t: stored.t === 'real' ? 'real' : 'integer' });
    // A newer number still wins; an older one is stale with its code.
    assert.equal((await w.settled(await accepted(await post(w, '/webhooks/ordered', run('typed', 'LATER', 7))))).state, 'applied');
    const old = await w.settled(await accepted(await post(w, '/webhooks/ordered', run('typed', 'EARLIER', 6))));
    assert.equal(old.state, 'stale');
    assert.equal(old.entities[0].code, 'order-stale');
    // No usable key: applied without the check, a coded warning says so.
    const nokey = await w.settled(await accepted(await post(w, '/webhooks/ordered', { ...run('typed-null', 'X', 1), timestamp_millis: null })));
    assert.equal(nokey.state, 'applied');
    assert.ok(nokey.diagnostics.some((d) => d.code === 'order-key-invalid'), JSON.stringify(nokey.diagnostics));
  } finally {
    await w.mf.dispose();
  }
});

test('header and query values are stored only for the webhook metadata and what the mapping reads: credentials never come back', async () => {
  const w = await start(dist, { WEBHOOKS: JSON.stringify(webhooks), WEBHOOK_SECRET: SECRET });
  try {
    const credentials = {
      'x-gitlab-token': 'glpat-SECRET-1', 'x-api-key': 'key-SECRET-2', 'x-auth-token': 'auth-SECRET-3',
      authorization: 'Bearer SECRET-4', cookie: 'session=SECRET-5',
    };
    const res = await post(w, '/webhooks/creds?token=SECRET-6&api_key=SECRET-7&page=7', run('creds', 'FINISHED', 1), {
      headers: { ...credentials, 'x-team': 'platform', 'x-github-event': 'push' },
    });
    const id = await accepted(res);
    const row = await w.settled(id);
    assert.equal(row.state, 'applied');
    // The mapping read x-team and page: their values were kept, and the entity has them.
    const entity = (await (await w.authed('/entities/space_lift_stack/creds')).json()).entity;
    assert.equal(entity.properties.description, 'platform/7');
    const stored = await w.db.prepare('SELECT headers, query FROM deliveries WHERE id = ?1').bind(id).first();
    assert.equal(JSON.parse(stored.headers)['x-github-event'], 'push');
    assert.equal(JSON.parse(stored.headers)['x-gitlab-token'], '[not stored]');
    assert.equal(JSON.parse(stored.query).token, '[not stored]');
    // Nothing secret at rest, nor from any route.
    const routes = [
      ['/deliveries', READ_TOKEN], [`/deliveries?id=${id}`, READ_TOKEN], ['/api/deliveries', ADMIN_TOKEN],
      ['/api/deliveries?include=request&limit=10', ADMIN_TOKEN], [`/api/deliveries/${id}`, ADMIN_TOKEN], ['/entities/space_lift_stack/creds', READ_TOKEN],
    ];
    const texts = [stored.headers, stored.query, JSON.stringify(await w.db.prepare('SELECT * FROM deliveries').all())];
    for (const [path, token] of routes) {
      const r = await w.authed(path, token);
      assert.equal(r.status, 200, path);
      texts.push(await r.text());
    }
    for (const t of texts) {
      for (let n = 1; n <= 7; n++) assert.ok(!t.includes(`SECRET-${n}`), `SECRET-${n} in ${t.slice(0, 300)}`);
    }
    // The stored request still maps the same entity (the playground's backtest reads it).
    const { delivery } = await (await w.authed(`/api/deliveries/${id}`, ADMIN_TOKEN)).json();
    assert.equal(delivery.request.headers['x-team'], 'platform');
    assert.equal(delivery.request.queryParams.page, '7');
  } finally {
    await w.mf.dispose();
  }
});

test('a poison delivery reaches dead within the budget: an error in prepare counts, as does a D1 failure writing its state', async () => {
  const w = await start(dist, {
    WEBHOOKS: JSON.stringify(webhooks), WEBHOOK_SECRET: SECRET, HOOKMAP_TEST_FAULT: 'prepare-throws', RETRY_BUDGET_SECONDS: '3',
  });
  try {
    const id = await accepted(await post(w, '/webhooks/ordered', run('poison', 'FINISHED', 1)));
    const row = await w.settled(id, ['dead'], 30_000);
    assert.ok(row.attempts >= 2, JSON.stringify(row));
    assert.match(row.message, /gave up after \d+ attempts.*injected fault/);
  } finally {
    await w.mf.dispose();
  }
  // D1 itself failing for the state write: the queue counts, its dead-letter queue records it dead.
  const v = await start(dist, { WEBHOOKS: JSON.stringify(webhooks), WEBHOOK_SECRET: SECRET }, { maxRetries: 2 });
  try {
    await v.db.exec("CREATE TRIGGER no_states BEFORE UPDATE OF outcome ON deliveries WHEN NEW.outcome != 'dead' BEGIN SELECT RAISE(ABORT, 'injected: state writes fail'); END");
    const id = await accepted(await post(v, '/webhooks/ordered', run('poison-d1', 'FINISHED', 1)));
    const row = await v.settled(id, ['dead'], 30_000);
    assert.match(row.message ?? '', /dead-letter queue/);
  } finally {
    await v.mf.dispose();
  }
});

test('a replay issued while a copy runs is not lost: the running copy writes nothing over it', async () => {
  // Port answers slowly: the first copy is still at Port when the replay comes.
  const port = fakePort({ latencyMs: 0 });
  let slow = true;
  const original = port.server.listeners('request')[0];
  port.server.removeAllListeners('request');
  port.server.on('request', (req, res) => (slow && req.url.includes('/entities') ? setTimeout(() => original(req, res), 1500) : original(req, res)));
  const url = await listen(port.server);
  const w = await start(dist, { WEBHOOKS: JSON.stringify(webhooks), WEBHOOK_SECRET: SECRET, PORT_CLIENT_ID: 'c', PORT_CLIENT_SECRET: 's', PORT_API_URL: url, PORT_BUDGET_MS: '5000' }, { consume: false });
  try {
    const id = await accepted(await post(w, '/webhooks/ordered', run('replayed', 'FINISHED', 1)));
    const first = w.dispatch([id]);
    await waitFor(async () => (await w.db.prepare('SELECT lease_until FROM deliveries WHERE id = ?1').bind(id).first()).lease_until !== null, 5000);
    const replay = await w.fetch(`/api/deliveries/${id}/replay`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    assert.equal(replay.status, 202);
    slow = false;
    await first;
    // The replay's run is the delivery's: the first copy's "applied" was not written over it.
    assert.equal((await w.delivery(id)).state, 'queued');
    await w.dispatch([id]);
    const row = await w.delivery(id);
    assert.equal(row.state, 'applied');
    assert.match(JSON.stringify(row), /applied/);
    const { run: runs } = await w.db.prepare('SELECT run FROM deliveries WHERE id = ?1').bind(id).first();
    assert.equal(runs, 3, 'claimed, replayed, claimed again');
    assert.equal(port.state.upserts.filter((u) => u.identifier === 'replayed').length, 2, 'the replay applied the entity again');
  } finally {
    await w.mf.dispose();
    port.server.close();
  }
});

test('an empty secret is no secret: a signed webhook refuses HMAC(key="") and stores nothing', async () => {
  for (const bindings of [{ WEBHOOK_SECRET: '' }, { WEBHOOK_SECRET_ORDERED: '', WEBHOOK_SECRET: '' }]) {
    const w = await start(dist, { WEBHOOKS: JSON.stringify(webhooks), ...bindings });
    try {
      const res = await post(w, '/webhooks/ordered', run('forged', 'FINISHED', 1), { secret: '' });
      assert.notEqual(res.status, 202);
      assert.equal(res.status, 503);
      assert.deepEqual(await res.json(), { ok: false, error: 'unavailable', message: 'try again later' });
      const { n } = await w.db.prepare('SELECT COUNT(*) AS n FROM deliveries').first();
      assert.equal(n, 0);
    } finally {
      await w.mf.dispose();
    }
  }
});

test('a signed body sent again with other unsigned headers is a duplicate (its digest), within the dedupe TTL', async () => {
  const w = await start(dist, { WEBHOOKS: JSON.stringify(webhooks), WEBHOOK_SECRET: SECRET });
  try {
    const body = run('digest', 'FINISHED', 1);
    const first = await accepted(await post(w, '/webhooks/spacelift', body, { headers: { 'x-request-id': 'delivery-1' } }));
    const replayed = await post(w, '/webhooks/spacelift', body, { headers: { 'x-request-id': 'delivery-2-forged' } });
    assert.equal(replayed.status, 200);
    assert.equal((await replayed.json()).duplicate, true);
    const missing = await post(w, '/webhooks/spacelift', body);
    assert.equal((await missing.json()).duplicate, true);
    const { n } = await w.db.prepare("SELECT COUNT(*) AS n FROM deliveries WHERE outcome != 'duplicate'").first();
    assert.equal(n, 1);
    assert.equal((await w.settled(first)).state, 'applied');
    // Another body is another delivery.
    await accepted(await post(w, '/webhooks/spacelift', run('digest', 'FAILED', 2), { headers: { 'x-request-id': 'delivery-3' } }));
  } finally {
    await w.mf.dispose();
  }
});

test('recovery drain: once Port answers again, every retrying delivery is sent at once, not at its backoff', async () => {
  const port = fakePort({ latencyMs: 0 });
  port.state.down = true;
  const url = await listen(port.server);
  const w = await start(dist, {
    WEBHOOKS: JSON.stringify(webhooks), WEBHOOK_SECRET: SECRET, PORT_CLIENT_ID: 'c', PORT_CLIENT_SECRET: 's', PORT_API_URL: url,
    // A first retry only after 10 minutes: without the drain, nothing would be applied in this test.
    RETRY_BASE_SECONDS: '600', RETRY_MAX_SECONDS: '600', PROBE_SECONDS: '1', PORT_BUDGET_MS: '300',
  });
  try {
    const ids = [];
    for (let i = 0; i < 10; i++) ids.push(await accepted(await post(w, '/webhooks/ordered', run(`drain-${i}`, 'FINISHED', i))));
    for (const id of ids) {
      const row = await w.settled(id, ['retrying']);
      assert.ok(Date.parse(row.nextAttemptAt) - Date.now() > 300_000, row.nextAttemptAt);
    }
    const health = await w.db.prepare("SELECT failing_since, probe_at FROM target_health WHERE target = 'port'").first();
    assert.ok(health.failing_since > 0 && health.probe_at > 0, JSON.stringify(health));
    const back = Date.now();
    port.state.down = false;
    for (const id of ids) assert.equal((await w.settled(id, ['applied'], 20_000)).state, 'applied');
    const seconds = (Date.now() - back) / 1000;
    assert.ok(seconds < 15, `recovered in ${seconds} s`);
    for (let i = 0; i < 10; i++) assert.ok(port.state.entities.has(`drain-${i}`));
    assert.equal((await w.db.prepare("SELECT failing_since FROM target_health WHERE target = 'port'").first()).failing_since, null);
  } finally {
    await w.mf.dispose();
    port.server.close();
  }
});

test("unknown and disabled webhooks answer the same 404, from the isolate's memory when repeated; a publish makes the id known", async () => {
  const w = await start(dist, { WEBHOOKS: JSON.stringify(webhooks), WEBHOOK_SECRET: SECRET });
  try {
    const unknown = await post(w, '/webhooks/later', run('x', 'FINISHED', 1));
    const disabled = await post(w, '/webhooks/off', run('x', 'FINISHED', 1));
    assert.equal(unknown.status, 404);
    assert.equal(await unknown.text(), await disabled.text());
    // Now in D1 behind the cache's back: still 404 (no D1 read for a minute)...
    await w.db.batch([
      w.db.prepare("INSERT INTO webhook_versions (webhook, version, config, created_at) VALUES ('later', 1, ?1, '2026-01-01')").bind(JSON.stringify({ ...config, security })),
      w.db.prepare("INSERT INTO webhooks (id, current_version, created_at, updated_at) VALUES ('later', 1, '2026-01-01', '2026-01-01')"),
    ]);
    assert.equal((await post(w, '/webhooks/later', run('x', 'FINISHED', 1))).status, 404);
    // ...until the admin API publishes it here.
    const put = await w.authed('/api/webhooks/later', ADMIN_TOKEN, { method: 'PUT', body: JSON.stringify({ config: { ...config, security } }), headers: { 'content-type': 'application/json' } });
    assert.equal(put.status, 200);
    assert.equal((await post(w, '/webhooks/later', run('known', 'FINISHED', 1))).status, 202);
  } finally {
    await w.mf.dispose();
  }
});

test('pages and answers carry frame-ancestors none; the admin page of deliveries is bounded by bytes, with a cursor', async () => {
  const w = await start(dist, { WEBHOOKS: JSON.stringify(webhooks), WEBHOOK_SECRET: SECRET, ADMIN_PAGE_BYTES: String(300 * 1024) });
  try {
    for (const path of ['/deliveries', '/webhooks/nope', '/api/webhooks']) {
      const r = await w.fetch(path, { method: path.startsWith('/webhooks') ? 'POST' : 'GET' });
      assert.equal(r.headers.get('content-security-policy'), "frame-ancestors 'none'", path);
      assert.equal(r.headers.get('x-frame-options'), 'DENY', path);
    }
    // Ten deliveries of about 100 KiB each: a page holds about 300 KiB of them.
    const ids = [];
    for (let i = 0; i < 10; i++) ids.push(await accepted(await post(w, '/webhooks/ordered', run(`big-${i}`, 'FINISHED', i, { padding: 'x'.repeat(100 * 1024) }))));
    const seen = [];
    let before = null;
    let pages = 0;
    for (;;) {
      const r = await w.authed(`/api/deliveries?limit=500&include=request${before === null ? '' : `&before=${before}`}`, ADMIN_TOKEN);
      const text = await r.text();
      assert.ok(text.length < 450 * 1024, `a page of ${text.length} bytes`);
      const page = JSON.parse(text);
      seen.push(...page.deliveries.map((d) => d.id));
      pages += 1;
      if (page.next === null) break;
      before = page.next;
    }
    assert.ok(pages >= 4, `${pages} pages`);
    assert.deepEqual(seen, [...ids].reverse());
  } finally {
    await w.mf.dispose();
  }
});

test('rejected requests are rate limited per client: over the limit, 429 before any lookup', async () => {
  const w = await start(dist, { WEBHOOKS: JSON.stringify(webhooks), WEBHOOK_SECRET: SECRET }, { rejectedLimit: 5 });
  try {
    const statuses = [];
    for (let i = 0; i < 8; i++) statuses.push((await post(w, '/webhooks/ordered', run('x', 'FINISHED', i), { secret: 'wrong' })).status);
    assert.deepEqual(statuses.slice(0, 5), [401, 401, 401, 401, 401]);
    assert.ok(statuses.slice(5).every((s) => s === 429), statuses.join(' '));
    // Even a valid delivery from that client waits out the minute.
    assert.equal((await post(w, '/webhooks/ordered', run('y', 'FINISHED', 1))).status, 429);
  } finally {
    await w.mf.dispose();
  }
});
