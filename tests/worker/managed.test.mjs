// Configurations managed at the edge (issue 16), in workerd: versions in D1 imported from the
// WEBHOOKS binding, the admin API (401/403, no CORS), PUT validated by the engine (422 with
// diagnostics, nothing stored), rollback, each delivery mapped with the version live when it
// is processed (and recording it), the stored request with its secret headers removed, and the
// retention of deliveries (DELIVERY_RETENTION_DAYS) by the cron trigger.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ADMIN_TOKEN, bundle, cleanup, example, READ_TOKEN, readJson, sign, start } from './harness.mjs';

const SECRET = 'test-secret-managed-0c1d';
const config = readJson(join(example, 'config.json'));
const seed = readJson(join(example, 'request.json'));
const security = { signatureHeaderName: 'x-signature-256', signatureAlgorithm: 'sha256', signaturePrefix: 'sha256=', requestIdentifierPath: '.headers["x-request-id"]' };
// `inline` keeps its secret in the binding's configuration: it must never reach D1 or an answer.
const INLINE_SECRET = 'inline-secret-never-stored-7f3a';
const bindings = {
  WEBHOOKS: JSON.stringify({
    spacelift: { ...config, security },
    inline: { ...config, title: 'Inline', security: { ...security, secret: INLINE_SECRET } },
  }),
  WEBHOOK_SECRET_SPACELIFT: SECRET,
  ORDER_BY: JSON.stringify({ spacelift: '.body.timestamp_millis' }),
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

const admin = (path, init = {}) => worker.authed(path, ADMIN_TOKEN, init);
const put = (id, body) => admin(`/api/webhooks/${id}`, { method: 'PUT', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
let n = 0;
async function deliver(stack, { id = 'spacelift', secret = SECRET, extraHeaders = {} } = {}) {
  const text = JSON.stringify({ ...seed.body, timestamp_millis: 1000 + ++n, stack: { ...seed.body.stack, id: stack, name: stack } });
  const res = await worker.fetch(`/webhooks/${id}`, {
    method: 'POST', body: text,
    headers: { 'content-type': 'application/json', 'x-request-id': `managed-${n}`, 'x-signature-256': sign(text, secret), ...extraHeaders },
  });
  const body = await res.json();
  assert.equal(res.status, 202, JSON.stringify(body));
  return body.deliveryId;
}
const entity = async (stack) => (await (await worker.authed(`/entities/space_lift_stack/${stack}`)).json()).entity;
const versionCount = async (id) => (await worker.db.prepare('SELECT COUNT(*) AS n FROM webhook_versions WHERE webhook = ?1').bind(id).first()).n;

test('every /api/ route: 403 saying how to set a token when none is configured; 401 with a wrong or missing token; no CORS headers', async () => {
  const routes = [
    ['GET', '/api/webhooks'], ['GET', '/api/webhooks/spacelift'], ['PUT', '/api/webhooks/spacelift'],
    ['POST', '/api/webhooks/spacelift/rollback'], ['GET', '/api/webhooks/spacelift/versions/1'], ['GET', '/api/deliveries'], ['GET', '/api/deliveries/1'],
    ['POST', '/api/deliveries/1/replay'], ['POST', '/api/sweep'], ['GET', '/api/nothing-here'],
  ];
  const off = await start(dist, bindings, { tokens: false });
  try {
    for (const [method, path] of routes) {
      const res = await off.fetch(path, { method, headers: { authorization: 'Bearer anything' } });
      const body = await res.json();
      assert.equal(res.status, 403, `${method} ${path}`);
      assert.equal(body.error, 'admin_not_configured');
      assert.match(body.message, /wrangler secret put ADMIN_TOKEN/);
    }
  } finally {
    await off.mf.dispose();
  }
  for (const [method, path] of routes) {
    for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: `Bearer ${READ_TOKEN}` }]) {
      const res = await worker.fetch(path, { method, headers: { ...headers, origin: 'https://evil.example' } });
      assert.equal(res.status, 401, `${method} ${path} ${JSON.stringify(headers)}`);
      assert.equal((await res.json()).error, 'unauthorized');
      for (const [name] of res.headers) assert.ok(!name.startsWith('access-control-'), `${name} on ${path}`);
    }
  }
  const ok = await admin('/api/webhooks', { headers: { origin: 'https://evil.example' } });
  assert.equal(ok.status, 200);
  for (const [name] of ok.headers) assert.ok(!name.startsWith('access-control-'));
});

test('GET /api/webhooks imports the WEBHOOKS binding as version 1, and no signing secret enters D1 or an answer', async () => {
  const res = await admin('/api/webhooks');
  const body = await res.json();
  assert.equal(res.status, 200);
  assert.deepEqual(body.webhooks.map((w) => [w.id, w.title, w.enabled, w.version]), [['inline', 'Inline', true, 1], ['spacelift', config.title, true, 1]]);
  assert.ok(!Number.isNaN(Date.parse(body.webhooks[0].updatedAt)));
  const one = await (await admin('/api/webhooks/inline')).json();
  assert.equal(one.version, 1);
  assert.deepEqual(one.versions.map((v) => [v.version, v.note]), [[1, 'imported from the WEBHOOKS binding']]);
  assert.equal(one.config.security.signatureHeaderName, 'x-signature-256');
  assert.ok(!('secret' in one.config.security));
  const dump = JSON.stringify(await worker.db.prepare('SELECT * FROM webhook_versions').all());
  assert.ok(!dump.includes(INLINE_SECRET) && !dump.includes(SECRET), 'a secret reached D1');
  assert.ok(!JSON.stringify(one).includes(INLINE_SECRET));
  // The binding's own secret still verifies signatures (it stays in the binding).
  const id = await deliver('inline-stack', { id: 'inline', secret: INLINE_SECRET });
  assert.equal((await worker.settled(id)).state, 'applied');
  // The ordering expression came with the import.
  assert.equal((await (await admin('/api/webhooks/spacelift')).json()).orderBy, '.body.timestamp_millis');
  // A configuration holding a secret is refused.
  const withSecret = await put('inline', { config: { ...config, security: { ...security, secret: 'x' } } });
  assert.equal(withSecret.status, 422);
  assert.equal((await withSecret.json()).error, 'secret_in_configuration');
  assert.equal(await versionCount('inline'), 1);
  assert.equal((await admin('/api/webhooks/nope')).status, 404);
});

test('PUT with a configuration the engine refuses: 422 with coded, located diagnostics, and nothing stored', async () => {
  await admin('/api/webhooks');
  const before = await versionCount('spacelift');
  const bad = structuredClone({ ...config, security });
  bad.mappings[0].entity.identifier = '.body.stack.id |';
  const asText = await put('spacelift', { config: JSON.stringify(bad, null, 2), note: 'broken' });
  const body = await asText.json();
  assert.equal(asText.status, 422);
  assert.equal(body.ok, false);
  assert.equal(body.error, 'does_not_compile');
  const [d] = body.diagnostics;
  assert.equal(d.code, 'jq-compile');
  assert.equal(d.field, 'mappings[0].entity.identifier');
  assert.equal(typeof d.location.line, 'number');
  const asObject = await put('spacelift', { config: { mappings: 'not an array' } });
  assert.equal(asObject.status, 422);
  assert.deepEqual((await asObject.json()).diagnostics.map((x) => x.code), ['wrong-type']);
  assert.equal((await put('spacelift', { note: 'no config' })).status, 400);
  assert.equal((await admin('/api/webhooks/spacelift', { method: 'PUT', body: '{not json' })).status, 400);
  assert.equal(await versionCount('spacelift'), before);
  assert.equal((await (await admin('/api/webhooks/spacelift')).json()).version, 1);
});

test('publish, map with the new version, record it per delivery; rollback makes a new version equal to the old one', async () => {
  const first = await deliver('stack-v1');
  assert.equal((await worker.settled(first)).state, 'applied');
  assert.equal((await entity('stack-v1')).title, 'stack-v1');

  const changed = structuredClone({ ...config, security });
  changed.mappings[0].entity.title = '"renamed " + (.body.stack.name | tostring)';
  const res = await put('spacelift', { config: changed, note: 'rename stacks' });
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  assert.deepEqual(body, { ok: true, id: 'spacelift', version: 2 });
  const second = await deliver('stack-v2');
  assert.equal((await worker.settled(second)).state, 'applied');
  assert.equal((await entity('stack-v2')).title, 'renamed stack-v2');

  const list = await (await admin('/api/deliveries?webhook=spacelift&limit=2')).json();
  assert.deepEqual(list.deliveries.map((d) => [d.id, d.webhook, d.status, d.configVersion]), [[second, 'spacelift', 'applied', 2], [first, 'spacelift', 'applied', 1]]);
  assert.ok(!('request' in list.deliveries[0]));

  const history = await (await admin('/api/webhooks/spacelift')).json();
  assert.equal(history.version, 2);
  assert.equal(history.config.mappings[0].entity.title, changed.mappings[0].entity.title);
  assert.deepEqual(history.versions.map((v) => [v.version, v.note]), [[2, 'rename stacks'], [1, 'imported from the WEBHOOKS binding']]);

  const back = await admin('/api/webhooks/spacelift/rollback', { method: 'POST', body: JSON.stringify({ version: 1 }) });
  assert.deepEqual(await back.json(), { ok: true, id: 'spacelift', version: 3, rolledBackTo: 1 });
  const v3 = await (await admin('/api/webhooks/spacelift')).json();
  assert.equal(v3.version, 3);
  assert.equal(v3.versions[0].note, 'rollback to version 1');
  const old = await (await admin('/api/webhooks/spacelift/versions/2')).json();
  assert.equal(old.config.mappings[0].entity.title, changed.mappings[0].entity.title);
  assert.equal(old.note, 'rename stacks');
  assert.equal((await admin('/api/webhooks/spacelift/versions/9')).status, 404);
  const [a, b] = await Promise.all([1, 3].map((v) => worker.db.prepare('SELECT config, order_by FROM webhook_versions WHERE webhook = ?1 AND version = ?2').bind('spacelift', v).first()));
  assert.deepEqual(a, b);
  const third = await deliver('stack-v3');
  assert.equal((await worker.settled(third)).state, 'applied');
  assert.equal((await entity('stack-v3')).title, 'stack-v3');
  assert.equal((await (await admin(`/api/deliveries/${third}`)).json()).delivery.configVersion, 3);

  // A delivery accepted under one version and processed under another records the one it was mapped with.
  const noVersion = await admin('/api/webhooks/spacelift/rollback', { method: 'POST', body: JSON.stringify({ version: 99 }) });
  assert.equal(noVersion.status, 404);
  assert.equal((await admin('/api/webhooks/spacelift/rollback', { method: 'POST', body: '{}' })).status, 400);
});

test('a delivery processed after a publish is mapped with the version live then, and records it', async () => {
  // Accept while the consumer cannot apply (a broken catalog table makes it retry), publish, repair.
  await worker.db.prepare('ALTER TABLE entities RENAME TO entities_away').run();
  let id;
  try {
    id = await deliver('stack-late');
    await worker.settled(id, ['retrying']);
    const changed = structuredClone({ ...config, security });
    changed.mappings[0].entity.title = '"late " + (.body.stack.name | tostring)';
    assert.equal((await put('spacelift', { config: changed, note: 'while retrying' })).status, 200);
  } finally {
    await worker.db.prepare('ALTER TABLE entities_away RENAME TO entities').run();
  }
  const row = await worker.settled(id, ['applied'], 30_000);
  assert.equal(row.configVersion, 3, 'accepted under version 3');
  assert.equal(row.appliedConfigVersion, 4, 'mapped with version 4');
  assert.equal((await entity('stack-late')).title, 'late stack-late');
  assert.equal((await (await admin(`/api/deliveries/${id}`)).json()).delivery.configVersion, 4);
});

test('GET /api/deliveries/{id}: the stored request without the values of signature, authorization, cookie or other headers; results and diagnostics', async () => {
  const id = await deliver('stack-headers', { extraHeaders: { cookie: 'session=abc', 'x-custom': 'not-kept', 'x-github-event': 'kept', 'x-other-signature': 'sig' } });
  await worker.settled(id);
  const res = await admin(`/api/deliveries/${id}`);
  const { ok, delivery } = await res.json();
  assert.equal(ok, true);
  assert.equal(delivery.id, id);
  assert.equal(delivery.webhook, 'spacelift');
  assert.equal(delivery.status, 'applied');
  assert.equal(delivery.request.body.stack.id, 'stack-headers');
  assert.equal(delivery.request.headers['x-github-event'], 'kept');
  for (const [name, value] of Object.entries(delivery.request.headers)) {
    if (/signature|authorization|cookie|custom/i.test(name)) assert.equal(value, '[not stored]', name);
  }
  assert.deepEqual(delivery.request.queryParams, {});
  assert.ok(delivery.results.length > 0 && delivery.results.every((r) => r.status === 'applied'));
  assert.ok(Array.isArray(delivery.diagnostics));
  assert.equal((await admin('/api/deliveries/999999')).status, 404);
  const withRequests = await (await admin('/api/deliveries?limit=3&include=request')).json();
  assert.equal(withRequests.deliveries.length, 3);
  assert.equal(withRequests.deliveries[0].id, id);
  assert.equal(withRequests.deliveries[0].request.body.stack.id, 'stack-headers');
  assert.equal((await admin('/api/deliveries?limit=501')).status, 400);
  assert.equal((await admin('/api/deliveries?include=everything')).status, 400);
});

test('deliveries older than DELIVERY_RETENTION_DAYS (default 7) are pruned by the cron trigger; pending ones are kept', async () => {
  const days = (d) => new Date(Date.now() - d * 86400_000).toISOString();
  const insert = (time, outcome) => worker.db.prepare(
    `INSERT INTO deliveries (time, webhook, outcome, status, summary, body, headers, query, config_version)
     VALUES (?1, 'spacelift', ?2, 202, '{}', '{}', '{}', '{}', '1') RETURNING id`,
  ).bind(time, outcome).first();
  const old = await insert(days(8), 'applied');
  const recent = await insert(days(6), 'applied');
  const deadOld = await insert(days(8), 'dead');
  await worker.scheduled();
  const ids = (await worker.db.prepare('SELECT id FROM deliveries').all()).results.map((r) => r.id);
  assert.ok(!ids.includes(old.id), 'an 8-day-old delivery is pruned');
  assert.ok(ids.includes(recent.id), 'a 6-day-old delivery is kept');
  assert.ok(ids.includes(deadOld.id), 'a dead delivery is kept for a replay');

  const short = await start(dist, { ...bindings, DELIVERY_RETENTION_DAYS: '1' });
  try {
    const two = await short.db.prepare(
      `INSERT INTO deliveries (time, webhook, outcome, status, summary) VALUES (?1, 'spacelift', 'applied', 202, '{}') RETURNING id`,
    ).bind(days(2)).first();
    await short.scheduled();
    assert.equal(await short.db.prepare('SELECT id FROM deliveries WHERE id = ?1').bind(two.id).first(), null);
  } finally {
    await short.mf.dispose();
  }
});

test('D1 unreadable when a delivery arrives: 503 with Retry-After (the configuration lives there), nothing accepted', async () => {
  await worker.db.prepare('ALTER TABLE webhooks RENAME TO webhooks_away').run();
  try {
    const text = JSON.stringify(seed.body);
    const res = await worker.fetch('/webhooks/spacelift', { method: 'POST', body: text, headers: { 'content-type': 'application/json', 'x-request-id': 'managed-d1-down', 'x-signature-256': sign(text, SECRET) } });
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('retry-after'), '5');
    assert.equal((await res.json()).error, 'unavailable');
  } finally {
    await worker.db.prepare('ALTER TABLE webhooks_away RENAME TO webhooks').run();
  }
  const { n } = await worker.db.prepare("SELECT COUNT(*) AS n FROM seen_deliveries WHERE request_id = 'managed-d1-down'").first();
  assert.equal(n, 0);
});

test('without a usable WEBHOOKS binding the admin API still works: a webhook created by PUT takes deliveries', async () => {
  const bare = await start(dist, { WEBHOOKS: '{not json', WEBHOOK_SECRET: SECRET });
  try {
    const list = await (await bare.authed('/api/webhooks', ADMIN_TOKEN)).json();
    assert.deepEqual(list.webhooks, []);
    assert.match(list.warning, /WEBHOOKS binding is not valid JSON/);
    const res = await bare.authed('/api/webhooks/fresh', ADMIN_TOKEN, { method: 'PUT', body: JSON.stringify({ config: { ...config, security }, note: 'created here' }) });
    assert.deepEqual(await res.json(), { ok: true, id: 'fresh', version: 1 });
    const text = JSON.stringify({ ...seed.body, stack: { ...seed.body.stack, id: 'fresh-stack', name: 'fresh-stack' } });
    const sent = await bare.fetch('/webhooks/fresh', { method: 'POST', body: text, headers: { 'content-type': 'application/json', 'x-request-id': 'fresh-1', 'x-signature-256': sign(text, SECRET) } });
    const answer = await sent.json();
    assert.equal(sent.status, 202, JSON.stringify(answer));
    assert.equal(answer.configVersion, 1);
    assert.equal((await bare.settled(answer.deliveryId)).state, 'applied');
    assert.equal((await bare.authed('/api/webhooks/bad%20id', ADMIN_TOKEN, { method: 'PUT', body: JSON.stringify({ config }) })).status, 404);
  } finally {
    await bare.mf.dispose();
  }
});

test("a configuration whose expression does not compile in Port's engine keeps ingesting (null there); publishing one needs force", async () => {
  // Port maps such a configuration and stores null in that field: `'Run ' + ...` does not compile
  // there (the space before the closing quote stops Port's quote rewrite).
  const lenient = structuredClone({ ...config, security });
  lenient.mappings[0].entity.title = "'Run ' + .body.stack.name";
  const own = await start(dist, { WEBHOOKS: JSON.stringify({ lenient }), WEBHOOK_SECRET: SECRET });
  try {
    const text = JSON.stringify({ ...seed.body, stack: { ...seed.body.stack, id: 'lenient-stack', name: 'lenient-stack' } });
    const sent = await own.fetch('/webhooks/lenient', { method: 'POST', body: text, headers: { 'content-type': 'application/json', 'x-request-id': 'lenient-1', 'x-signature-256': sign(text, SECRET) } });
    assert.equal(sent.status, 202);
    const row = await own.settled((await sent.json()).deliveryId);
    assert.equal(row.state, 'applied');
    const stored = (await (await own.authed('/entities/space_lift_stack/lenient-stack')).json()).entity;
    assert.equal(stored.title, null);
    assert.equal(stored.properties.state, seed.body.state, 'the rest of the entity as usual');

    // Publishing one: refused, saying which field and why, with nothing stored; `force` publishes.
    const putTo = (body) => own.authed('/api/webhooks/lenient', ADMIN_TOKEN, { method: 'PUT', body: JSON.stringify(body) });
    const refused = await putTo({ config: lenient, note: 'again' });
    const body = await refused.json();
    assert.equal(refused.status, 422);
    assert.equal(body.error, 'does_not_compile');
    assert.match(body.message, /mappings\[0\]\.entity\.title/);
    assert.match(body.message, /"force": true/);
    assert.deepEqual(body.diagnostics.map((d) => [d.code, d.field]), [['jq-compile', 'mappings[0].entity.title']]);
    assert.equal((await (await own.authed('/api/webhooks/lenient', ADMIN_TOKEN)).json()).version, 1);
    const forced = await putTo({ config: lenient, note: 'anyway', force: true });
    assert.deepEqual(await forced.json(), { ok: true, id: 'lenient', version: 2 });
  } finally {
    await own.mf.dispose();
  }
});
