// The consumer's pure parts, run directly in Node: the state machine of a delivery
// (www/src/transitions.mjs) and the ordering decisions (www/src/ordering.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffSeconds, transition } from '../../www/src/transitions.mjs';
import { keyKind, newestInBatch, orderKey, readClaim } from '../../www/src/ordering.mjs';

const settings = { baseSeconds: 10, maxSeconds: 1800, budgetSeconds: 3600 };
const now = Date.parse('2026-12-07T12:00:00Z');
const fresh = { attempts: 0, first_failure_at: null };
const half = () => 0.5; // no jitter

test('final states: applied, stale, partial, failed; the message is acked', () => {
  const t = (results, problem) => transition(fresh, { results, problem }, now, settings, half);
  assert.equal(t([{ status: 'applied' }, { status: 'applied' }]).state, 'applied');
  assert.equal(t([{ status: 'stale' }]).state, 'stale');
  assert.equal(t([{ status: 'stale' }, { status: 'applied' }]).state, 'applied');
  assert.equal(t([{ status: 'applied' }, { status: 'failed', transient: false }]).state, 'partial');
  assert.equal(t([{ status: 'failed', transient: false }]).state, 'failed');
  assert.equal(t([], { transient: false, message: 'no configuration' }).state, 'failed');
  assert.equal(t([]).state, 'applied');
  for (const r of [t([{ status: 'applied' }]), t([{ status: 'failed', transient: false }])]) {
    assert.deepEqual(r.decision, { kind: 'ack' });
    assert.equal(r.attempts, 0);
    assert.equal(r.nextAttemptAt, null);
  }
});

test('a transient failure counts: attempts grow, the budget starts at the first failure, backoff doubles', () => {
  let row = fresh;
  let at = now;
  const delays = [];
  for (let i = 1; i <= 4; i++) {
    const r = transition(row, { results: [{ status: 'applied' }, { status: 'failed', transient: true, error: 'Port answered 503' }] }, at, settings, half);
    assert.equal(r.state, 'retrying');
    assert.equal(r.attempts, i);
    assert.equal(r.firstFailureAt, new Date(now).toISOString());
    assert.equal(r.decision.kind, 'retry');
    assert.match(r.message, /Port answered 503/);
    delays.push(r.decision.delaySeconds);
    row = { attempts: r.attempts, first_failure_at: r.firstFailureAt };
    at += r.decision.delaySeconds * 1000;
  }
  assert.deepEqual(delays, [10, 20, 40, 80]);
  // A problem of the whole delivery counts the same (an unexpected error, a configuration error).
  const p = transition(fresh, { results: [], problem: { transient: true, message: 'unexpected error: boom' } }, now, settings, half);
  assert.equal(p.state, 'retrying');
  assert.equal(p.attempts, 1);
});

test('past the budget a transient failure is dead, whatever the cause', () => {
  const old = { attempts: 7, first_failure_at: new Date(now - 3600_000).toISOString() };
  const r = transition(old, { results: [], problem: { transient: true, message: 'D1: busy' } }, now, settings, half);
  assert.equal(r.state, 'dead');
  assert.equal(r.attempts, 8);
  assert.deepEqual(r.decision, { kind: 'dead' });
  assert.match(r.message, /gave up after 8 attempts over 3600 s/);
});

test("Retry-After is obeyed; backoff is capped, jittered and at least a second", () => {
  const r = transition(fresh, { results: [{ status: 'failed', transient: true }], retryAfter: 42.2 }, now, settings, half);
  assert.equal(r.decision.delaySeconds, 43);
  assert.match(r.message, /Retry-After/);
  assert.equal(backoffSeconds(40, settings, half), 1800);
  assert.equal(backoffSeconds(1, settings, () => 0), 8);
  assert.equal(backoffSeconds(1, settings, () => 1), 13);
  assert.equal(backoffSeconds(1, { baseSeconds: 0, maxSeconds: 0 }, half), 1);
});

test('an entity another delivery is applying (busy) is waited for without counting a failure', () => {
  const row = { attempts: 2, first_failure_at: new Date(now - 60_000).toISOString() };
  const r = transition(row, { results: [{ status: 'applied' }, { status: 'busy', busyUntil: now + 4200 }] }, now, settings, half);
  assert.equal(r.state, 'retrying');
  assert.equal(r.attempts, 2);
  assert.equal(r.firstFailureAt, row.first_failure_at);
  assert.deepEqual(r.decision, { kind: 'retry', delaySeconds: 5 });
  // A transient failure alongside counts as one.
  const both = transition(row, { results: [{ status: 'busy', busyUntil: now + 1000 }, { status: 'failed', transient: true }] }, now, settings, half);
  assert.equal(both.attempts, 3);
});

test('ordering keys: numbers and strings are two kinds; anything else goes unordered with a code', () => {
  assert.deepEqual(orderKey('.t', { outputs: [5] }), { key: 5 });
  assert.deepEqual(orderKey('.t', { outputs: ['2026-01-01'] }), { key: '2026-01-01' });
  for (const answer of [{ outputs: [] }, { outputs: [null] }, { outputs: [{}] }, { error: 'boom' }]) {
    assert.equal(orderKey('.t', answer).diagnostic.code, 'order-key-invalid');
  }
  assert.equal(keyKind(1.5), keyKind(2));
  assert.notEqual(keyKind('1'), keyKind(1));
});

test('a lost claim says why: another type, a newer key, or another delivery applying it now', () => {
  const claim = { blueprint: 'b', identifier: 'e', key: 5, delivery: 10, run: 1 };
  assert.deepEqual(readClaim(claim, true, null, now), { won: true });
  assert.equal(readClaim(claim, false, { order_key: '9', delivery_id: 3, holder: null, held_until: null }, now).result.code, 'order-key-type');
  assert.equal(readClaim(claim, false, { order_key: 7, delivery_id: 3, holder: null, held_until: null }, now).result.code, 'order-stale');
  // The same key from a later delivery is newer too.
  assert.equal(readClaim(claim, false, { order_key: 5, delivery_id: 11, holder: null, held_until: null }, now).result.status, 'stale');
  const busy = readClaim(claim, false, { order_key: 4, delivery_id: 9, holder: 9, held_until: now + 3000 }, now).result;
  assert.deepEqual([busy.status, busy.busyUntil], ['busy', now + 3000]);
});

test('within a batch only the newest update of an entity goes on; one delivery keeps all its own', () => {
  const op = () => ({ result: {} });
  const c = (identifier, key, delivery) => ({ claim: { blueprint: 'b', identifier, key, delivery, run: 1 }, op: op() });
  const list = [c('a', 1, 1), c('a', 3, 2), c('a', 2, 3), c('b', 1, 1), c('c', 1, 4), c('c', 1, 4), c('d', 1, 5), c('d', 'x', 6)];
  newestInBatch(list);
  assert.deepEqual(list.map((o) => o.op.skip ?? false), [true, false, true, false, false, false, false, false]);
  assert.equal(list[0].op.result.code, 'order-stale');
});
