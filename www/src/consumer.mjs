// The queue consumer: applies stored deliveries to the catalog (Port or D1), a batch at a time.
//
// For a batch of messages (delivery ids): claim the deliveries (a lease: one copy processes a
// delivery at a time; deliveries.claim), map each stored request with its webhook's current
// configuration (entities an earlier attempt applied are skipped), claim each ordered entity
// (ordering.mjs: the newest update wins), apply the entities (Port: bulk calls by blueprint; D1:
// one transaction with the states), then record each delivery's new state (transitions.mjs) with
// a compare-and-set on its run, and ack, retry or dead-letter its message.
//
// One retry budget covers every failure of a delivery: a failure recorded in D1 counts against
// RETRY_BUDGET_SECONDS (transitions.mjs); when D1 itself fails, the message is retried by the
// queue, whose max_retries then moves it to the dead-letter queue (recorded `dead`). A message is
// sent afresh (past the queue's max_retries) only when its budget is tracked in D1.
import { evaluate, MapperError } from 'hookmap';
import { entityStatement, resolveQueries } from './catalog-d1.mjs';
import { applyPort } from './catalog-port.mjs';
import { ConfigError, numericVar, version, webhook } from './config.mjs';
import * as deliveries from './deliveries.mjs';
import * as drain from './drain.mjs';
import { AUDIT_DIAGNOSTICS, catalogTarget, requestText } from './ingest.mjs';
import * as ordering from './ordering.mjs';
import { backoffSeconds, DEFAULT_RETRY, MAX_DELAY_SECONDS, transition } from './transitions.mjs';

export { sweep } from './sweeper.mjs';

/** The queue's own retry limit (wrangler.toml max_retries); messages are re-sent before it. */
const DEFAULT_QUEUE_MAX_RETRIES = 100;
/** Default time for in-call retries of the Port calls of one batch. */
const DEFAULT_PORT_BUDGET_MS = 20_000;

/**
 * @typedef {{id?: number, probe?: string, reason?: string}} MessageBody A queue message: a
 *   delivery id, or a probe (drain.mjs); `reason` when this consumer moved it to the dead-letter queue.
 */

/**
 * @typedef {object} Op One entity of a delivery, as this attempt applies it (prepare).
 * @property {import('hookmap').Entity} entity
 * @property {import('./transitions.mjs').EntityResult} result
 * @property {number} index Its place in the delivery's mapping result.
 * @property {boolean} skip Not applied by this attempt (applied by an earlier one, or stale).
 * @property {number} deliveryId
 */

/**
 * @typedef {object} Work A delivery this invocation processes.
 * @property {number} id
 * @property {import('./deliveries.mjs').DeliveryRow} row Its row as claimed.
 * @property {Message<MessageBody>} message
 * @property {number} run
 * @property {Op[]} entities
 * @property {unknown[]} diagnostics
 * @property {number | string | null} orderKey
 * @property {number} [configVersion] The version of its webhook it was mapped with.
 * @property {{transient: boolean, message: string}} [problem] Why it could not be processed as a whole.
 */

/**
 * The retry settings: RETRY_BASE_SECONDS, RETRY_MAX_SECONDS and RETRY_BUDGET_SECONDS, or their defaults.
 * @param {Env} env
 */
function retrySettings(env) {
  return {
    baseSeconds: numericVar(env.RETRY_BASE_SECONDS, DEFAULT_RETRY.baseSeconds),
    maxSeconds: numericVar(env.RETRY_MAX_SECONDS, DEFAULT_RETRY.maxSeconds),
    budgetSeconds: numericVar(env.RETRY_BUDGET_SECONDS, DEFAULT_RETRY.budgetSeconds),
  };
}

/** How long a copy holds a delivery (and its entities' ordering claims): the Port budget and a minute. */
const leaseMs = (/** @type {Env} */ env) => numericVar(env.PORT_BUDGET_MS, DEFAULT_PORT_BUDGET_MS) + numericVar(env.LEASE_EXTRA_MS, 60_000);

/**
 * Whether this batch comes from the dead-letter queue.
 * @param {string} name The batch's queue.
 * @param {Env} env
 */
function isDeadLetterQueue(name, env) {
  return name === (env.DEAD_LETTER_QUEUE || 'hookmap-deliveries-dlq');
}

/** Whether this isolate may have seen Port failing (then a success is worth a recovery check). */
let portMayBeFailing = true;

/**
 * The queue handler.
 * @param {MessageBatch<MessageBody>} batch
 * @param {Env} env
 * @param {ExecutionContext} _ctx
 */
export async function consume(batch, env, _ctx) {
  if (isDeadLetterQueue(batch.queue, env)) return deadLetters(batch, env);
  const settings = retrySettings(env);
  const target = catalogTarget(env);

  /** @type {Map<number, Message<MessageBody>[]>} */
  const byId = new Map();
  for (const m of batch.messages) {
    if (m.body?.probe !== undefined) {
      await probeMessage(env, target, m);
      continue;
    }
    const id = Number(m.body?.id);
    if (!Number.isSafeInteger(id)) {
      console.error(`hookmap: queue message ${m.id} holds no delivery id (${JSON.stringify(m.body)}); dropped`);
      m.ack();
      continue;
    }
    if (!byId.has(id)) byId.set(id, []);
    /** @type {Message<MessageBody>[]} */ (byId.get(id)).push(m);
  }
  if (byId.size === 0) return;
  const ids = [...byId.keys()];
  const queueRetry = (/** @type {Message} */ m) => m.retry({ delaySeconds: backoffSeconds(m.attempts, settings) });

  // 1. Claim: one copy processes a delivery at a time.
  const now = Date.now();
  /** @type {Map<number, import('./deliveries.mjs').DeliveryRow>} */
  let claimed;
  /** @type {Map<number, import('./deliveries.mjs').DeliveryRow>} */
  let others;
  try {
    claimed = await deliveries.claim(env.DB, ids, now, leaseMs(env));
    const unclaimed = ids.filter((id) => !claimed.has(id));
    others = unclaimed.length > 0 ? await deliveries.load(env.DB, unclaimed) : new Map();
  } catch (e) {
    // Nothing can be counted in D1: the queue counts (max_retries, then the dead-letter queue).
    console.error(`hookmap: D1 error claiming deliveries ${ids.join(', ')}: ${e.message}; the queue retries them`);
    for (const ms of byId.values()) for (const m of ms) queueRetry(m);
    return;
  }
  /** @type {Work[]} */
  const work = [];
  for (const [id, messages] of byId) {
    const [message, ...copies] = messages;
    for (const c of copies) c.ack();
    const row = claimed.get(id);
    if (row) {
      work.push({ id, row, message, run: row.run, entities: [], diagnostics: [], orderKey: null });
      continue;
    }
    const other = others.get(id);
    if (other && deliveries.ACTIVE_STATES.includes(other.outcome) && other.lease_until !== null && other.lease_until >= now) {
      // Another copy holds it: look again once its lease is over (it will usually be final).
      message.retry({ delaySeconds: Math.min(MAX_DELAY_SECONDS, Math.max(1, Math.ceil((other.lease_until - now) / 1000) + 1)) });
    } else {
      // Final (applied by another copy, replayed and done) or pruned.
      message.ack();
    }
  }
  if (work.length === 0) return;

  // 2. Map each delivery; an unexpected error is a (counted) failure of that delivery alone.
  for (const w of work) {
    try {
      await prepare(env, w);
    } catch (e) {
      console.error(`hookmap: unexpected error preparing delivery ${w.id}: ${e?.stack ?? e}`);
      w.problem = { transient: true, message: `unexpected error: ${e?.message ?? e}` };
      w.entities = [];
    }
  }

  // 3. Search queries (built-in catalog) and ordering claims.
  const ops = work.filter((w) => !w.problem).flatMap((w) => w.entities.filter((op) => !op.skip).map((op) => ({ w, op })));
  /** @type {{op: Op, claim: import('./ordering.mjs').Claim, held?: boolean}[]} */
  const claims = [];
  let failedBeforeApply = null;
  try {
    if (target.kind === 'd1') await resolveQueries(env.DB, ops.map(({ op }) => op));
    for (const { w, op } of ops) {
      if (op.result.status === 'failed' || w.orderKey === null || typeof op.entity.identifier !== 'string') continue;
      claims.push({ op, claim: { blueprint: op.entity.blueprint, identifier: op.entity.identifier, key: w.orderKey, delivery: w.id, run: w.run } });
    }
    ordering.newestInBatch(claims);
    const open = claims.filter((c) => !c.op.skip);
    if (open.length > 0) {
      // Each claim's answer (a row when it won) and then the entity's ordering row.
      /** @type {D1Result<import('./ordering.mjs').OrderRow>[]} */
      const answers = await env.DB.batch(open.flatMap(({ claim }) => [
        ordering.claimStatement(env.DB, claim, Date.now(), leaseMs(env)),
        ordering.currentStatement(env.DB, claim),
      ]));
      open.forEach((c, i) => {
        const won = answers[2 * i].results.length > 0;
        const decided = ordering.readClaim(c.claim, won, answers[2 * i + 1].results[0] ?? null, Date.now());
        c.held = won;
        if (!won) {
          c.op.skip = true;
          Object.assign(c.op.result, decided.result);
        }
      });
    }
  } catch (e) {
    failedBeforeApply = `D1: ${e.message}`;
  }
  if (failedBeforeApply !== null) {
    for (const { op } of ops) if (op.result.status !== 'stale') Object.assign(op.result, { status: 'failed', transient: true, error: failedBeforeApply });
  }

  // 4. Apply, and record the states.
  const rounds = failedBeforeApply === null ? plan(work) : [];
  const held = claims.filter((c) => c.held).map((c) => c.claim);
  let retryAfter = null;
  let portFailed = false;
  let portAnswered = false;
  const catalogWrites = [];
  if (target.kind === 'port') {
    if (rounds.length > 0) {
      const budget = { deadline: Date.now() + numericVar(env.PORT_BUDGET_MS, DEFAULT_PORT_BUDGET_MS) };
      const outcome = await applyPort(target.port, rounds, budget);
      retryAfter = outcome.retryAfter;
      portFailed = outcome.unreachable !== null;
      portAnswered = outcome.calls > 0 && !portFailed;
    }
  } else {
    const at = new Date().toISOString();
    for (const op of rounds.flat()) {
      const claim = held.find((c) => c.blueprint === op.entity.blueprint && c.identifier === op.entity.identifier && c.delivery === op.deliveryId);
      const s = entityStatement(env.DB, op.entity, at, claim ?? null);
      if (s.error) {
        Object.assign(op.result, { status: 'failed', transient: false, error: s.error });
        continue;
      }
      op.result.status = 'applied';
      catalogWrites.push({ op, stmt: /** @type {D1PreparedStatement} */ (s.stmt) });
    }
  }
  /**
   * The batch recording this attempt: the catalog's writes (D1), the releases, the states.
   * @param {{stmt: D1PreparedStatement}[]} writes
   */
  const record = (writes) => {
    const written = finish(env, work, settings, retryAfter);
    const statements = [...writes.map((x) => x.stmt), ...held.map((c) => ordering.releaseStatement(env.DB, c)), ...written.map((x) => x.statement)];
    if (portFailed) statements.push(drain.failingStatement(env.DB, Date.now()));
    return { written, statements, offset: writes.length + held.length };
  };
  let attempt = record(catalogWrites);
  let results;
  try {
    results = await env.DB.batch(attempt.statements);
  } catch (e) {
    results = null;
    if (catalogWrites.length > 0) {
      // The catalog's writes failed (one transaction: nothing was written): record that as this
      // attempt's failure, which counts against the budget.
      for (const { op } of catalogWrites) Object.assign(op.result, { status: 'failed', transient: true, error: `D1: ${e.message}` });
      attempt = record([]);
      try {
        results = await env.DB.batch(attempt.statements);
      } catch (again) {
        e = again;
      }
    }
    if (results === null) {
      // Nothing could be written: the queue retries, and counts (max_retries, then dead). The
      // leases are let go if D1 allows it, so the retry need not wait for them to run out.
      console.error(`hookmap: D1 error recording deliveries ${work.map((w) => w.id).join(', ')}: ${e.message}; the queue retries them`);
      await deliveries.release(env.DB, work.map((w) => [w.id, w.run])).catch(() => {});
      for (const w of work) queueRetry(w.message);
      return;
    }
  }
  for (let i = 0; i < attempt.written.length; i++) {
    const { w, next } = attempt.written[i];
    const current = results[attempt.offset + i].results.length > 0;
    if (!current) {
      // A replay (or a later copy) superseded this run: it decides; this copy writes nothing.
      w.message.ack();
      continue;
    }
    if (next.decision.kind === 'ack') w.message.ack();
    else if (next.decision.kind === 'retry') await retryMessage(env, w.message, w.id, next.decision.delaySeconds);
    else await deadLetter(env, w.message, w.id, next.message);
  }

  // 5. Port's health: probe it while it fails; drain the retrying deliveries once it answers.
  if (target.kind === 'port') {
    try {
      if (portFailed) {
        portMayBeFailing = true;
        await drain.scheduleProbe(env, Date.now());
      } else if (portAnswered && portMayBeFailing) {
        portMayBeFailing = false;
        await drain.recovered(env, Date.now());
      }
    } catch (e) {
      console.error(`hookmap: could not update Port's health (${e.message}); the sweeper probes it`);
    }
  }
}

/**
 * A probe message: ask Port whether it answers (drain.mjs).
 * @param {Env} env
 * @param {ReturnType<typeof catalogTarget>} target
 * @param {Message<MessageBody>} m
 */
async function probeMessage(env, target, m) {
  try {
    if (target.kind === 'port' && (await drain.probe(env, target.port))) portMayBeFailing = false;
  } catch (e) {
    console.error(`hookmap: the probe of Port failed (${e.message}); the sweeper schedules another`);
  }
  m.ack();
}

/**
 * Map one delivery's stored request with its webhook's current configuration.
 * @param {Env} env
 * @param {Work} w The work item: `{id, row, message, run, entities, diagnostics, orderKey}`;
 *   filled in: `entities: {entity, result, index, skip}[]`, `diagnostics`, `orderKey`,
 *   `configVersion`, or `problem`.
 */
async function prepare(env, w) {
  if (env.HOOKMAP_TEST_FAULT === 'prepare-throws') throw new Error('injected fault: prepare throws (HOOKMAP_TEST_FAULT)');
  /** @type {{entities?: import('./transitions.mjs').EntityResult[], diagnostics?: unknown[]}} */
  const previous = JSON.parse(w.row.summary || '{}');
  const earlier = (previous.entities ?? []).filter((r) => r.status === 'applied' && r.digest);
  w.diagnostics = previous.diagnostics ?? [];
  let hook;
  try {
    hook = await webhook(env, w.row.webhook);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    w.problem = { transient: true, message: `configuration error (retried until fixed): ${e.message}` };
    return;
  }
  if (!hook) {
    w.problem = { transient: false, message: `webhook '${w.row.webhook}' is no longer configured; the delivery cannot be mapped` };
    return;
  }
  if (!hook.mapper.enabled) {
    w.problem = { transient: false, message: `webhook '${w.row.webhook}' was disabled after this delivery was accepted; it was dropped` };
    return;
  }
  // A queued or retrying delivery always holds its request (deliveries.store, requeue).
  const text = requestText(/** @type {string} */ (w.row.body), /** @type {string} */ (w.row.headers), /** @type {string} */ (w.row.query));
  /** @type {import('hookmap').MapResult} */
  let result;
  try {
    result = JSON.parse(hook.mapper.mapJson(text));
  } catch (e) {
    if (!(e instanceof MapperError)) throw e;
    w.problem = { transient: false, message: `the stored request could not be mapped with the current configuration: ${e.message}` };
    w.diagnostics = e.diagnostics.slice(0, AUDIT_DIAGNOSTICS);
    return;
  }
  w.diagnostics = result.diagnostics.slice(0, AUDIT_DIAGNOSTICS);
  w.configVersion = hook.version;
  if (hook.orderBy) {
    let answer;
    try {
      answer = evaluate(hook.orderBy, JSON.parse(text), { port: true });
    } catch (e) {
      answer = { error: e?.message ?? String(e) };
    }
    const k = ordering.orderKey(hook.orderBy, answer);
    if ('key' in k) w.orderKey = k.key;
    else w.diagnostics.push(k.diagnostic);
  }
  const done = new Set(earlier.map((r) => r.digest));
  w.entities = result.entities.map((entity, index) => {
    const digest = version(JSON.stringify(entity));
    const r = { operation: entity.operation, blueprint: entity.blueprint, identifier: entity.identifier, digest };
    if (done.has(digest)) {
      Object.assign(r, { status: 'applied', note: 'applied by an earlier attempt' });
      return { entity, result: r, index, skip: true, deliveryId: w.id };
    }
    return { entity, result: r, index, skip: false, deliveryId: w.id };
  });
}

const keyOf = (/** @type {import('hookmap').Entity} */ e) => (typeof e.identifier === 'string' ? `${e.blueprint}\u0000${e.identifier}` : null);

/**
 * The operations of a batch in rounds: deliveries in the order they were received, their
 * entities in mapping order; the n-th update of an entity in the batch goes in round n, so no
 * call holds the same entity twice and later updates land after earlier ones.
 * @param {Work[]} work
 * @returns {Op[][]}
 */
function plan(work) {
  /** @type {Op[][]} */
  const rounds = [];
  const seen = new Map();
  const sorted = [...work].sort((a, b) => a.id - b.id);
  for (const w of sorted) {
    if (w.problem) continue;
    for (const op of w.entities) {
      if (op.skip || op.result.status === 'failed') continue;
      const k = keyOf(op.entity) ?? `#${w.id}#${op.index}`;
      const n = seen.get(k) ?? 0;
      seen.set(k, n + 1);
      (rounds[n] ??= []).push(op);
    }
  }
  return rounds;
}

/**
 * Each delivery's next state (transitions.mjs) and the statement recording it (a
 * compare-and-set on its run).
 * @param {Env} env
 * @param {Work[]} work
 * @param {{baseSeconds: number, maxSeconds: number, budgetSeconds: number}} settings
 * @param {number | null} retryAfter
 * @returns {{w: Work, next: import('./transitions.mjs').Transition, statement: D1PreparedStatement}[]}
 */
function finish(env, work, settings, retryAfter) {
  const now = Date.now();
  return work.map((w) => {
    const results = w.entities.map((op) => op.result);
    const next = transition(w.row, { problem: w.problem, results, retryAfter }, now, settings);
    /** @type {{entities: object[], diagnostics: unknown[], appliedConfigVersion?: number, message?: string}} */
    const summary = { entities: results.map(({ busyUntil: _b, ...r }) => r), diagnostics: w.diagnostics };
    if (w.configVersion) summary.appliedConfigVersion = w.configVersion;
    if (next.message) summary.message = next.message.replace('<id>', String(w.id));
    const statement = deliveries.updateStatement(env.DB, w.id, w.run, {
      state: next.state, applied: next.applied, failed: next.failed, summary, attempts: next.attempts,
      nextAttemptAt: next.nextAttemptAt, firstFailureAt: next.firstFailureAt, orderKey: w.orderKey,
    });
    return { w, next, statement };
  });
}

/**
 * Retry a message after `delay` seconds (its delivery's budget is tracked in D1); near the
 * queue's own retry limit, send it afresh instead, so the queue does not dead-letter it first.
 * @param {Env} env
 * @param {Message} message
 * @param {number} id
 * @param {number} delay
 */
async function retryMessage(env, message, id, delay) {
  const limit = numericVar(env.QUEUE_MAX_RETRIES, DEFAULT_QUEUE_MAX_RETRIES);
  const delaySeconds = Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.round(delay)));
  if (message.attempts >= limit && Number.isSafeInteger(id)) {
    try {
      await env.DELIVERIES.send({ id }, { delaySeconds });
      message.ack();
      return;
    } catch (e) {
      console.error(`hookmap: could not re-send delivery ${id} (${e.message}); retrying the message instead`);
    }
  }
  message.retry({ delaySeconds });
}

/**
 * Move a message to the dead-letter queue (its delivery is already recorded `dead`).
 * @param {Env} env
 * @param {Message} message
 * @param {number} id
 * @param {string | undefined} why
 */
async function deadLetter(env, message, id, why) {
  try {
    if (env.DEAD_LETTERS) await env.DEAD_LETTERS.send({ id, reason: why });
  } catch (e) {
    console.error(`hookmap: could not send delivery ${id} to the dead-letter queue (${e.message}); it is recorded dead in D1 and can be replayed`);
  }
  message.ack();
}

/**
 * The dead-letter queue's consumer: record as dead (replayable) the deliveries whose message the
 * queue itself moved here (its max_retries ran out: D1 kept failing for them), then ack. Those
 * this consumer moved itself (with a `reason`) are already recorded dead, and may have been
 * replayed since: they are left alone.
 * @param {MessageBatch<MessageBody>} batch
 * @param {Env} env
 */
async function deadLetters(batch, env) {
  const ids = batch.messages.filter((m) => m.body?.reason === undefined && m.body?.probe === undefined).map((m) => Number(m.body?.id)).filter(Number.isSafeInteger);
  try {
    await deliveries.markDead(env.DB, ids, 'moved to the dead-letter queue after the queue\'s own retries (max_retries); replay it with POST /api/deliveries/<id>/replay');
    batch.ackAll();
  } catch (e) {
    console.error(`hookmap: D1 error marking deliveries ${ids.join(', ')} dead: ${e.message}`);
    batch.retryAll({ delaySeconds: 60 });
  }
}
