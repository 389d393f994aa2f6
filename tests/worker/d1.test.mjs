// The worker with its built-in catalog (D1), in workerd (miniflare): accepted deliveries are
// stored, queued and applied by the queue consumer; refusals, duplicates, jq errors, merge
// semantics, the delivery log and the read endpoints.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ADMIN_TOKEN, bundle, cleanup, example, READ_TOKEN, readJson, sign, start } from './harness.mjs';

const SECRET = 'test-secret-d1';
const config = readJson(join(example, 'config.json'));
const expected = readJson(join(example, 'expected.json'));
const seed = readJson(join(example, 'request.json'));
const security = { signatureHeaderName: 'x-signature-256', signatureAlgorithm: 'sha256', signaturePrefix: 'sha256=' };
const stateOnly = { blueprint: 'space_lift_stack', entity: { identifier: '.body.stack.id', properties: { state: '.body.state' } } };

const webhooks = {
  spacelift: { ...config, security },
  dedupe: { ...config, security: { ...security, requestIdentifierPath: '.headers["x-request-id"]' } },
  off: { ...config, enabled: false, security },
  'state-only': { mappings: [stateOnly], security },
  jqerror: {
    mappings: [{ ...config.mappings[0], blueprint: 'jq_error', entity: { ...config.mappings[0].entity, properties: { ...config.mappings[0].entity.properties, state: '.body.state | tonumber' } } }],
    security,
  },
  remove: { mappings: [{ blueprint: 'space_lift_stack', operation: { type: 'delete', deleteDependents: true }, entity: { identifier: '.body.stack.id' } }], security },
};
// Search queries resolved in the built-in catalog with Port's rules (issue 24).
const rule = (property, operator, value) => ({ property: `'${property}'`, operator: `'${operator}'`, value });
webhooks.svcseed = { mappings: [{ blueprint: 'svc', entity: { identifier: '.body.id', properties: { repo: '.body.repo', tags: '.body.tags' } } }], security };
webhooks.svcquery = {
  mappings: [{
    blueprint: 'svc',
    entity: {
      identifier: { combinator: "'and'", rules: [rule('$blueprint', '=', "'svc'"), rule('repo', '=', '.body.repo')] },
      properties: { touched: 'true' },
      relations: { peers: { combinator: "'and'", rules: [rule('$blueprint', '=', "'svc'"), rule('tags', 'contains', '.body.tag')] } },
    },
  }],
  security,
};
// An invalid configuration: refused with every problem at its path, not a crash.
webhooks.badconfig = { mappings: [{ blueprint: 5, entity: { identifier: '.a |' }, filtr: 'true' }], security };
// Hostile mappings: each must end in a diagnostic naming the limit, not a crash or a hang.
const HOSTILE = {
  recursion: ['def f: 1 + f; f', /recursion limit/],
  loop: ['def f: f; f', /time limit/],
  range: ['[range(1e9)] | length', /time limit|size limit/],
  bigstring: ['"x" * 1000000000', /size limit|time limit/],
  input: ['input', /No more inputs/],
  // Overflows V8's stack where the engine drops the value: 422 (retrying can't help).
  deep: ['reduce range(200000) as $i (0; [.]) | "x"', /stack limit/, 422],
};
for (const [name, [program]] of Object.entries(HOSTILE)) {
  webhooks[`hostile-${name}`] = { mappings: [{ blueprint: 'hostile', entity: { identifier: '.body.stack.id', properties: { p: program } } }], security };
}

let dist;
let worker;
before(async () => {
  dist = bundle();
  worker = await start(dist, { WEBHOOKS: JSON.stringify(webhooks), WEBHOOK_SECRET: SECRET });
});
after(async () => {
  await worker?.mf.dispose();
  cleanup(dist);
});

/** POST a body to a webhook, signed with `secret` unless `signature` is given (null: none). */
function deliver(id, body, { secret = SECRET, signature, headers = {} } = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const h = { 'content-type': 'application/json', ...headers };
  const sig = signature === undefined ? sign(text, secret) : signature;
  if (sig !== null) h['x-signature-256'] = sig;
  return worker.fetch(`/webhooks/${id}`, { method: 'POST', body: text, headers: h });
}

const withStack = (id, changes = {}) => ({ ...seed.body, ...changes, stack: { ...seed.body.stack, id, name: id } });
const getEntity = async (bp, id) => worker.authed(`/entities/${encodeURIComponent(bp)}/${encodeURIComponent(id)}`);
const deliveries = async () => (await (await worker.authed('/deliveries?limit=500')).json()).deliveries;
/** Deliver, expect 202 queued, and wait until the consumer has applied it; returns [answer, row]. */
async function deliverApplied(id, body, options, states = ['applied']) {
  const res = await deliver(id, body, options);
  const answer = await res.json();
  assert.equal(res.status, 202, JSON.stringify(answer));
  assert.equal(answer.status, 'queued');
  const row = await worker.settled(answer.deliveryId);
  assert.ok(states.includes(row.state), JSON.stringify(row));
  return [answer, row];
}

test('a signed Spacelift delivery answers 202 queued with a preview, and the consumer applies it', async () => {
  const res = await deliver('spacelift', seed.body);
  const summary = await res.json();
  assert.equal(res.status, 202, JSON.stringify(summary));
  assert.equal(summary.ok, true);
  assert.equal(summary.status, 'queued');
  assert.ok(Number.isInteger(summary.deliveryId));
  // The preview: the entities exactly as the engine maps them (the signature header is not stored,
  // and this mapping does not read headers).
  assert.deepEqual(summary.entities, expected);
  assert.deepEqual(summary.diagnostics, []);
  const row = await worker.settled(summary.deliveryId);
  assert.equal(row.state, 'applied');
  assert.equal(row.applied, expected.length);
  assert.deepEqual(row.entities.map((e) => [e.operation, e.blueprint, e.identifier, e.status]),
    expected.map((e) => [e.operation, e.blueprint, e.identifier, 'applied']));

  for (const want of expected) {
    const got = await getEntity(want.blueprint, want.identifier);
    assert.equal(got.status, 200);
    const { entity } = await got.json();
    assert.equal(entity.identifier, want.identifier);
    assert.equal(entity.title, want.title);
    assert.deepEqual(entity.properties, want.properties);
    assert.deepEqual(entity.relations, want.relations);
    assert.ok(!Number.isNaN(Date.parse(entity.createdAt)) && entity.updatedAt >= entity.createdAt);
  }
  const list = await (await worker.authed(`/entities/${expected[0].blueprint}`)).json();
  assert.ok(list.entities.some((e) => e.identifier === expected[0].identifier));
  const [latest] = await deliveries();
  assert.equal(latest.webhook, 'spacelift');
  assert.equal(latest.state, 'applied');
  assert.equal(latest.status, 202);
  assert.equal(latest.configVersion, 1);
  assert.equal(latest.appliedConfigVersion, latest.configVersion);
});

test('the stored request keeps the values of metadata headers only: not the signature, authorization, cookies or other headers', async () => {
  const text = JSON.stringify(withStack('headers-kept'));
  const res = await worker.fetch('/webhooks/spacelift', {
    method: 'POST', body: text,
    headers: { 'content-type': 'application/json', 'x-signature-256': sign(text, SECRET), authorization: 'Basic c2VjcmV0', cookie: 'session=secret', 'x-trace': 'not-metadata', 'x-github-event': 'push' },
  });
  const { deliveryId } = await res.json();
  await worker.settled(deliveryId);
  const row = await worker.db.prepare('SELECT body, headers, query FROM deliveries WHERE id = ?1').bind(deliveryId).first();
  assert.equal(row.body, text);
  const headers = JSON.parse(row.headers);
  assert.equal(headers['content-type'], 'application/json');
  assert.equal(headers['x-github-event'], 'push');
  // The names stay (what was sent), the values are not stored.
  for (const h of ['x-signature-256', 'authorization', 'cookie', 'x-trace']) assert.equal(headers[h], '[not stored]', `${h}: ${row.headers}`);
  for (const secret of ['c2VjcmV0', 'session=secret', 'not-metadata']) assert.ok(!row.headers.includes(secret), row.headers);
});

test('an absent entity is 404', async () => {
  const res = await getEntity('space_lift_stack', 'never-sent');
  assert.equal(res.status, 404);
  assert.equal((await res.json()).error, 'not_found');
});

test('a bad signature is 401 and nothing is stored', async () => {
  const before = (await deliveries()).length;
  const res = await deliver('spacelift', withStack('forged'), { secret: 'not-the-secret' });
  assert.equal(res.status, 401);
  // Before authentication an answer says no more than that.
  assert.deepEqual(await res.json(), { ok: false, error: 'unauthorized', message: 'unauthorized' });
  assert.equal((await getEntity('space_lift_stack', 'forged')).status, 404);
  assert.equal((await deliveries()).length, before);
});

test('a body altered after signing is 401 (the signature covers the raw bytes)', async () => {
  const text = JSON.stringify(withStack('altered'));
  const res = await deliver('spacelift', text.replace('"altered"', '"altered" '), { signature: sign(text, SECRET) });
  assert.equal(res.status, 401);
  assert.equal((await deliveries()).filter((d) => d.webhook === 'spacelift' && d.state === 'queued').length, 0);
  assert.equal((await getEntity('space_lift_stack', 'altered')).status, 404);
});

test('a missing signature is 401 (the header not named), and nothing is stored', async () => {
  const before = (await deliveries()).length;
  const res = await deliver('spacelift', withStack('unsigned'), { signature: null });
  assert.equal(res.status, 401);
  const text = await res.text();
  assert.equal(JSON.parse(text).error, 'unauthorized');
  assert.doesNotMatch(text, /x-signature|sha256/);
  assert.equal((await getEntity('space_lift_stack', 'unsigned')).status, 404);
  assert.equal((await deliveries()).length, before);
});

test('a body over 512 KiB is 413; exactly 512 KiB is accepted', async () => {
  const sized = (bytes) => {
    const base = JSON.stringify({ ...withStack('sized'), padding: '' });
    return base.replace('"padding":""', `"padding":"${'x'.repeat(bytes - base.length)}"`);
  };
  const over = sized(512 * 1024 + 1);
  assert.equal(over.length, 512 * 1024 + 1);
  const res = await deliver('spacelift', over);
  assert.equal(res.status, 413);
  assert.equal((await res.json()).error, 'payload_too_large');
  assert.equal((await getEntity('space_lift_stack', 'sized')).status, 404);
  const exact = sized(512 * 1024);
  await deliverApplied('spacelift', exact);
  assert.equal((await getEntity('space_lift_stack', 'sized')).status, 200);
});

test('invalid JSON is 400 naming the line and column', async () => {
  const lines = ['{', '  "stack": {', '    "id": "broken",', '    "name": }', '}'];
  const text = lines.join('\n');
  const res = await deliver('spacelift', text);
  assert.equal(res.status, 400);
  const body = await res.json();
  assert.equal(body.error, 'invalid_json');
  // The offending character: the `}` where a value was expected, 1-based.
  assert.equal(body.line, 4);
  assert.equal(body.column, lines[3].indexOf('}') + 1);
  assert.match(body.message, new RegExp(`line 4, column ${lines[3].indexOf('}') + 1}`));
  assert.equal((await getEntity('space_lift_stack', 'broken')).status, 404);
});

test('an invalid configuration answers 503 without saying why (the admin API says, with every problem at its path)', async () => {
  const res = await deliver('badconfig', seed.body);
  assert.equal(res.status, 503);
  const body = await res.json();
  assert.deepEqual(body, { ok: false, error: 'unavailable', message: 'try again later' });
  assert.ok(res.headers.get('retry-after'));
});

test('a body that is not UTF-8 is 400 and nothing is stored', async () => {
  const bytes = Buffer.concat([Buffer.from('{"stack": {"id": "caf'), Buffer.from([0xe9]), Buffer.from('"}}')]);
  const res = await worker.fetch('/webhooks/spacelift', {
    method: 'POST', body: bytes, headers: { 'content-type': 'application/json', 'x-signature-256': sign(bytes, SECRET) },
  });
  assert.equal(res.status, 400);
  assert.equal((await res.json()).error, 'invalid_utf8');
});

test('a disabled webhook and an unknown one answer the same 404', async () => {
  const disabled = await deliver('off', withStack('disabled-hook'));
  const unknown = await deliver('nope', withStack('x'));
  assert.equal(disabled.status, 404);
  assert.equal(unknown.status, 404);
  const [a, b] = [await disabled.text(), await unknown.text()];
  assert.equal(a, b);
  assert.deepEqual(JSON.parse(a), { ok: false, error: 'not_found', message: 'not found' });
  assert.equal((await getEntity('space_lift_stack', 'disabled-hook')).status, 404);
});

test('a duplicate delivery (same requestIdentifierPath) answers 200 and is not processed again', async () => {
  const requestId = `delivery-${Date.now()}`;
  await deliverApplied('dedupe', withStack('dup-stack', { state: 'QUEUED' }), { headers: { 'x-request-id': requestId } });
  const again = await deliver('dedupe', withStack('dup-stack', { state: 'FAILED' }), { headers: { 'x-request-id': requestId } });
  assert.equal(again.status, 200);
  const body = await again.json();
  assert.equal(body.duplicate, true);
  assert.equal(body.requestId, requestId);
  assert.equal(body.deliveryId, undefined);
  await deliverApplied('dedupe', withStack('dup-stack', { state: 'FINISHED' }), { headers: { 'x-request-id': `${requestId}-2` } });
  assert.equal((await (await getEntity('space_lift_stack', 'dup-stack')).json()).entity.properties.state, 'FINISHED');
  const rows = (await deliveries()).filter((d) => d.webhook === 'dedupe');
  assert.deepEqual(rows.slice(0, 3).map((d) => d.state), ['applied', 'duplicate', 'applied']);
  // The duplicate stored no request: exactly two rows hold one.
  const { n } = await worker.db.prepare("SELECT COUNT(*) AS n FROM deliveries WHERE webhook = 'dedupe' AND request_id LIKE ?1 AND body IS NOT NULL").bind(`${requestId}%`).first();
  assert.equal(n, 2);
});

test('two copies of a delivery sent at once: one is stored and applied, the other is a duplicate', async () => {
  const requestId = `race-${Date.now()}`;
  const answers = await Promise.all([1, 2].map(() => deliver('dedupe', withStack('race-stack'), { headers: { 'x-request-id': requestId } })));
  assert.deepEqual(answers.map((r) => r.status).sort(), [200, 202]);
  const { n } = await worker.db.prepare('SELECT COUNT(*) AS n FROM deliveries WHERE request_id = ?1 AND body IS NOT NULL').bind(requestId).first();
  assert.equal(n, 1);
});

test('a jq error gives the entity with null and a diagnostic in the summary', async () => {
  const [summary] = await deliverApplied('jqerror', seed.body);
  const diagnostic = summary.diagnostics.find((d) => d.field === 'mappings[0].entity.properties.state');
  assert.ok(diagnostic, JSON.stringify(summary.diagnostics));
  assert.match(diagnostic.message, /jq error/);
  const { entity } = await (await getEntity('jq_error', expected[0].identifier)).json();
  assert.equal(entity.properties.state, null);
  assert.ok(Object.hasOwn(entity.properties, 'state'));
  assert.deepEqual({ ...entity.properties, state: undefined }, { ...expected[0].properties, state: undefined });
  const latest = (await deliveries()).find((d) => d.webhook === 'jqerror');
  assert.ok(latest.diagnostics.some((d) => d.field === 'mappings[0].entity.properties.state'));
});

test('hostile mappings answer with a diagnostic naming the limit, and the next delivery works', async () => {
  for (const [name, [, pattern, status = 202]] of Object.entries(HOSTILE)) {
    const res = await deliver(`hostile-${name}`, withStack(`hostile-${name}`));
    const summary = await res.json();
    assert.equal(res.status, status, `${name}: ${JSON.stringify(summary)}`);
    const d = summary.diagnostics.find((x) => x.field === 'mappings[0].entity.properties.p');
    assert.ok(d && pattern.test(d.message), `${name}: ${JSON.stringify(summary.diagnostics)}`);
    if (status === 202) await worker.settled(summary.deliveryId);
    await deliverApplied('spacelift', withStack(`after-${name}`));
  }
});

test('an upsert merges properties like merge=true (others kept, createdAt kept)', async () => {
  await deliverApplied('spacelift', withStack('merge-me'));
  const before = (await (await getEntity('space_lift_stack', 'merge-me')).json()).entity;
  await new Promise((r) => setTimeout(r, 5));
  await deliverApplied('state-only', withStack('merge-me', { state: 'UNCONFIRMED' }));
  const after = (await (await getEntity('space_lift_stack', 'merge-me')).json()).entity;
  assert.deepEqual(after.properties, { ...before.properties, state: 'UNCONFIRMED' });
  assert.equal(after.title, before.title);
  assert.equal(after.createdAt, before.createdAt);
  assert.ok(after.updatedAt > before.updatedAt);
});

test('a delete mapping removes the entity', async () => {
  await deliverApplied('spacelift', withStack('short-lived'));
  assert.equal((await getEntity('space_lift_stack', 'short-lived')).status, 200);
  const [, row] = await deliverApplied('remove', withStack('short-lived'));
  assert.deepEqual(row.entities.map((e) => [e.operation, e.status]), [['delete', 'applied']]);
  assert.equal((await getEntity('space_lift_stack', 'short-lived')).status, 404);
});

test('GET /deliveries lists deliveries newest first with time, webhook, state, diagnostics', async () => {
  const rows = await deliveries();
  assert.ok(rows.length >= 5);
  for (let i = 1; i < rows.length; i++) assert.ok(rows[i - 1].id > rows[i].id && rows[i - 1].time >= rows[i].time);
  for (const r of rows) {
    assert.ok(typeof r.time === 'string' && typeof r.webhook === 'string' && typeof r.state === 'string' && Array.isArray(r.diagnostics));
  }
  assert.ok(rows.some((r) => r.state === 'rejected' && r.status === 400));
  const applied = await (await worker.authed('/deliveries?state=applied&limit=500')).json();
  assert.ok(applied.deliveries.length > 0 && applied.deliveries.every((d) => d.state === 'applied'));
});

test('when the catalog table fails the delivery is retried, with attempts and next time shown, then applied', async () => {
  let deliveryId;
  await worker.db.exec('ALTER TABLE entities RENAME TO entities_away');
  try {
    const res = await deliver('dedupe', withStack('d1-down'), { headers: { 'x-request-id': 'd1-down-1' } });
    assert.equal(res.status, 202);
    ({ deliveryId } = await res.json());
    const row = await worker.settled(deliveryId, ['retrying']);
    assert.ok(row.attempts >= 1);
    assert.ok(Date.parse(row.nextAttemptAt) > Date.parse(row.updatedAt) - 1000, JSON.stringify(row));
    assert.match(row.entities[0].error, /D1/);
    assert.equal(row.entities[0].transient, true);
  } finally {
    await worker.db.exec('ALTER TABLE entities_away RENAME TO entities');
  }
  const row = await worker.settled(deliveryId);
  assert.equal(row.state, 'applied');
  assert.equal((await getEntity('space_lift_stack', 'd1-down')).status, 200);
});

const READS = ['/deliveries', '/entities/space_lift_stack', '/entities/space_lift_stack/ai-agent'];

test('reads need READ_TOKEN or ADMIN_TOKEN: 401 without or with a wrong token', async () => {
  for (const path of READS) {
    const res = await worker.fetch(path);
    assert.equal(res.status, 401, path);
    assert.match(res.headers.get('www-authenticate'), /Bearer/);
    assert.equal((await worker.authed(path, 'wrong')).status, 401, path);
    assert.equal((await worker.authed(path, `${READ_TOKEN}x`)).status, 401, path);
    assert.equal((await worker.authed(path, READ_TOKEN.slice(0, -1))).status, 401, path);
  }
  assert.equal((await worker.authed('/deliveries', READ_TOKEN)).status, 200);
  assert.equal((await worker.authed('/deliveries', ADMIN_TOKEN)).status, 200);
  assert.equal((await worker.authed('/entities/space_lift_stack', ADMIN_TOKEN)).status, 200);
});

test('with neither READ_TOKEN nor ADMIN_TOKEN configured, reads answer 403 saying how to set one', async () => {
  const open = await start(dist, { WEBHOOKS: JSON.stringify(webhooks), WEBHOOK_SECRET: SECRET }, { tokens: false });
  try {
    for (const path of READS) {
      const res = await open.fetch(path, { headers: { authorization: 'Bearer anything' } });
      assert.equal(res.status, 403, path);
      assert.match((await res.json()).message, /wrangler secret put READ_TOKEN/);
    }
  } finally {
    await open.mf.dispose();
  }
});

test('search queries resolve in the built-in catalog: an identifier matching exactly one entity, relations to the identifiers matched', async () => {
  for (const body of [{ id: 'svc-a', repo: 'r1', tags: ['x'] }, { id: 'svc-b', repo: 'r2', tags: ['x', 'y'] }, { id: 'svc-c', repo: 'r2', tags: ['y'] }]) {
    await deliverApplied('svcseed', body);
  }
  // One match: that entity is updated, its relation the identifiers the query matched.
  const [, row] = await deliverApplied('svcquery', { repo: 'r1', tag: 'x' });
  assert.deepEqual(row.entities.map((e) => [e.identifier, e.status]), [['svc-a', 'applied']]);
  const { entity } = await (await getEntity('svc', 'svc-a')).json();
  assert.equal(entity.properties.touched, true);
  assert.equal(entity.properties.repo, 'r1', 'merged, the rest kept');
  assert.deepEqual(entity.relations.peers, ['svc-a', 'svc-b']);
  // Several matches, or none: that entity fails with a coded result and nothing is written.
  const before = JSON.stringify(await (await worker.authed('/entities/svc')).json());
  const [, ambiguous] = await deliverApplied('svcquery', { repo: 'r2', tag: 'y' }, undefined, ['failed']);
  assert.equal(ambiguous.entities[0].code, 'search-ambiguous');
  assert.match(ambiguous.entities[0].error, /svc-b, svc-c/);
  const [, none] = await deliverApplied('svcquery', { repo: 'r9', tag: 'y' }, undefined, ['failed']);
  assert.equal(none.entities[0].code, 'search-no-match');
  assert.equal(JSON.stringify(await (await worker.authed('/entities/svc')).json()), before, 'nothing written');
});
