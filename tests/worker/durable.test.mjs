// Durable ingestion with the built-in catalog (D1), in workerd (miniflare, with its queues):
// a crash between store and send loses nothing (the sweeper queues it), per-entity ordering
// (ORDER_BY) keeps an out-of-order pair in order, a webhook without a signature check is
// served only under its URL key, and the admin replays one delivery.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ADMIN_TOKEN, bundle, cleanup, example, READ_TOKEN, readJson, sign, start } from './harness.mjs';

const SECRET = 'test-secret-durable';
const config = readJson(join(example, 'config.json'));
const seed = readJson(join(example, 'request.json'));
const security = { signatureHeaderName: 'x-signature-256', signatureAlgorithm: 'sha256', signaturePrefix: 'sha256=', requestIdentifierPath: '.headers["x-request-id"]' };
const OPEN_KEY = 'k3y-0f-the-0pen-hook-2b7e151628aed2a6';
const webhooks = {
  spacelift: { ...config, security },
  ordered: { ...config, security },
  // No signature check: served only under its URL key.
  open: { mappings: config.mappings },
  // No signature check and no key configured: refused.
  bare: { mappings: config.mappings },
};
const bindings = {
  WEBHOOKS: JSON.stringify(webhooks), WEBHOOK_SECRET: SECRET, WEBHOOK_KEY_OPEN: OPEN_KEY,
  ORDER_BY: JSON.stringify({ ordered: '.body.timestamp_millis' }),
};

let dist;
let worker;
before(async () => {
  dist = bundle();
  worker = await start(dist, bindings);
});
after(async () => {
  await worker?.mf.dispose();
  cleanup(dist);
});

let n = 0;
function post(w, path, body, { signed = true, requestId = `durable-${++n}` } = {}) {
  const text = JSON.stringify(body);
  const headers = { 'content-type': 'application/json', 'x-request-id': requestId };
  if (signed) headers['x-signature-256'] = sign(text, SECRET);
  return w.fetch(path, { method: 'POST', body: text, headers });
}
const run = (stack, state, millis) => ({ ...seed.body, state, timestamp_millis: millis, stack: { ...seed.body.stack, id: stack, name: stack } });
const entity = async (w, id) => (await (await w.authed(`/entities/space_lift_stack/${encodeURIComponent(id)}`)).json()).entity;
async function accepted(res) {
  const body = await res.json();
  assert.equal(res.status, 202, JSON.stringify(body));
  return body.deliveryId;
}

test('a crash between store and send loses nothing: the retry is a duplicate, the sweeper queues the stored delivery', async () => {
  const crashing = await start(dist, { ...bindings, HOOKMAP_TEST_FAULT: 'crash-after-store', SWEEP_AFTER_SECONDS: '0' });
  try {
    const body = run('crash-stack', 'FINISHED', 1);
    const first = await post(crashing, '/webhooks/spacelift', body, { requestId: 'crash-1' });
    assert.equal(first.status, 500);
    // The sender retries: the delivery was stored, so it is remembered (not stored twice).
    const retry = await post(crashing, '/webhooks/spacelift', body, { requestId: 'crash-1' });
    assert.equal(retry.status, 200);
    assert.equal((await retry.json()).duplicate, true);
    const [stored] = (await (await crashing.authed('/deliveries?state=queued')).json()).deliveries;
    assert.equal(stored.requestId, 'crash-1');
    // Never sent: nothing applies it until the sweeper runs.
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal((await crashing.delivery(stored.id)).state, 'queued');
    assert.equal((await crashing.authed('/entities/space_lift_stack/crash-stack')).status, 404);
    assert.equal((await crashing.fetch('/api/sweep', { method: 'POST' })).status, 401);
    await crashing.scheduled();
    assert.equal((await crashing.settled(stored.id)).state, 'applied');
    assert.equal((await entity(crashing, 'crash-stack')).properties.state, 'FINISHED');
    // Sent once: a second sweep finds nothing more to send.
    const { n: unsent } = await crashing.db.prepare('SELECT COUNT(*) AS n FROM deliveries WHERE enqueued_at IS NULL AND body IS NOT NULL').first();
    assert.equal(unsent, 0);
  } finally {
    await crashing.mf.dispose();
  }
});

test('a consumer that keeps failing on a message: the queue moves it to the dead-letter queue, recorded dead', async () => {
  // maxRetries 0: the queue's own dead-lettering after the first failure. The stored row is
  // corrupted so that the consumer throws on it (a bug's stand-in).
  const failing = await start(dist, { ...bindings, HOOKMAP_TEST_FAULT: 'crash-after-store', SWEEP_AFTER_SECONDS: '0' }, { maxRetries: 0 });
  try {
    assert.equal((await post(failing, '/webhooks/spacelift', run('poison-stack', 'FINISHED', 1))).status, 500);
    const [stored] = (await (await failing.authed('/deliveries?state=queued')).json()).deliveries;
    await failing.db.prepare('UPDATE deliveries SET summary = ?2 WHERE id = ?1').bind(stored.id, '{"entities": 5, "diagnostics": []}').run();
    // The sweeper, run through the admin API this time.
    const swept = await failing.fetch('/api/sweep', { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    assert.equal(swept.status, 200);
    assert.deepEqual((await swept.json()).requeued, [stored.id]);
    const row = await failing.settled(stored.id, ['dead']);
    assert.match(row.message, /dead-letter queue/);
  } finally {
    await failing.mf.dispose();
  }
});

test('an update older than the last one applied to the entity is skipped as stale', async () => {
  const newer = await accepted(await post(worker, '/webhooks/ordered', run('ordered-stack', 'FINISHED', 2000)));
  assert.equal((await worker.settled(newer)).state, 'applied');
  const older = await accepted(await post(worker, '/webhooks/ordered', run('ordered-stack', 'QUEUED', 1000)));
  const row = await worker.settled(older);
  assert.equal(row.state, 'stale');
  assert.equal(row.entities[0].status, 'stale');
  assert.match(row.entities[0].note, /2000/);
  assert.equal(row.orderKey, 1000);
  assert.equal((await entity(worker, 'ordered-stack')).properties.state, 'FINISHED');
  // A later one is applied.
  const latest = await accepted(await post(worker, '/webhooks/ordered', run('ordered-stack', 'DISCARDED', 3000)));
  assert.equal((await worker.settled(latest)).state, 'applied');
  assert.equal((await entity(worker, 'ordered-stack')).properties.state, 'DISCARDED');
});

test('an out-of-order pair accepted together ends in order', async () => {
  const [a, b] = await Promise.all([
    post(worker, '/webhooks/ordered', run('pair-stack', 'FINISHED', 5000)),
    post(worker, '/webhooks/ordered', run('pair-stack', 'QUEUED', 4000)),
  ]);
  const [newer, older] = [await accepted(a), await accepted(b)];
  assert.equal((await worker.settled(newer)).state, 'applied');
  assert.ok(['stale', 'applied'].includes((await worker.settled(older)).state));
  assert.equal((await entity(worker, 'pair-stack')).properties.state, 'FINISHED');
});

test('without ORDER_BY the same pair is applied as received (the older one wins: Port has no guard)', async () => {
  const newer = await accepted(await post(worker, '/webhooks/spacelift', run('unordered-stack', 'FINISHED', 2000)));
  await worker.settled(newer);
  const older = await accepted(await post(worker, '/webhooks/spacelift', run('unordered-stack', 'QUEUED', 1000)));
  assert.equal((await worker.settled(older)).state, 'applied');
  assert.equal((await entity(worker, 'unordered-stack')).properties.state, 'QUEUED');
});

test('a webhook that checks no signature is refused without its URL key, accepted with it', async () => {
  const body = run('open-stack', 'FINISHED', 1);
  const bare = await post(worker, '/webhooks/open', body, { signed: false });
  assert.equal(bare.status, 401);
  // Before authentication: "unauthorized", nothing about keys or bindings.
  assert.deepEqual(await bare.json(), { ok: false, error: 'unauthorized', message: 'unauthorized' });
  for (const key of ['wrong', OPEN_KEY.slice(0, -1), `${OPEN_KEY}x`]) {
    const res = await post(worker, `/webhooks/open/${key}`, body, { signed: false });
    assert.equal(res.status, 401, key);
    assert.equal((await res.json()).error, 'unauthorized');
  }
  assert.equal((await worker.authed('/entities/space_lift_stack/open-stack')).status, 404);
  const id = await accepted(await post(worker, `/webhooks/open/${OPEN_KEY}`, body, { signed: false }));
  assert.equal((await worker.settled(id)).state, 'applied');
  assert.equal((await entity(worker, 'open-stack')).properties.state, 'FINISHED');
});

test('a webhook that checks no signature and has no key configured refuses every delivery (fail closed)', async () => {
  const res = await post(worker, '/webhooks/bare', run('bare-stack', 'FINISHED', 1), { signed: false });
  assert.equal(res.status, 401);
  assert.equal((await res.json()).error, 'unauthorized');
  assert.equal((await post(worker, '/webhooks/bare/anything', run('bare-stack', 'FINISHED', 1), { signed: false })).status, 401);
  const rows = (await (await worker.authed('/deliveries?webhook=bare')).json()).deliveries;
  assert.equal(rows.length, 0);
});

test('the admin replays one delivery: it is applied again', async () => {
  const id = await accepted(await post(worker, '/webhooks/spacelift', run('replayed-stack', 'FINISHED', 1)));
  assert.equal((await worker.settled(id)).state, 'applied');
  await worker.db.prepare("DELETE FROM entities WHERE identifier = 'replayed-stack'").run();
  const replay = (token) => worker.fetch(`/api/deliveries/${id}/replay`, { method: 'POST', headers: token ? { authorization: `Bearer ${token}` } : {} });
  assert.equal((await replay(null)).status, 401);
  assert.equal((await replay(READ_TOKEN)).status, 401, 'the read token is not an admin token');
  assert.equal((await worker.authed('/entities/space_lift_stack/replayed-stack')).status, 404);
  const res = await replay(ADMIN_TOKEN);
  assert.equal(res.status, 202);
  assert.equal((await res.json()).status, 'queued');
  await worker.settled(id, ['applied']);
  assert.equal((await entity(worker, 'replayed-stack')).properties.state, 'FINISHED');
  assert.equal((await worker.fetch('/api/deliveries/999999/replay', { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).status, 404);
});

test('without ADMIN_TOKEN the admin API answers 403 saying how to set it', async () => {
  const noAdmin = await start(dist, { ...bindings, ADMIN_TOKEN: '' });
  try {
    const res = await noAdmin.fetch('/api/dead-letters/replay', { method: 'POST', headers: { authorization: 'Bearer anything' } });
    assert.equal(res.status, 403);
    assert.match((await res.json()).message, /wrangler secret put ADMIN_TOKEN/);
  } finally {
    await noAdmin.mf.dispose();
  }
});
