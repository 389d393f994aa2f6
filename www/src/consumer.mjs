// The queue consumer: applies stored deliveries to the catalog (Port or D1), in batches.
//
// For each message (a delivery id) of a batch: load the stored request, map it with the
// webhook's current configuration, drop entities an earlier attempt already applied, skip
// updates older than the last one applied to the same entity (ORDER_BY), then apply every
// entity of the batch together (Port: bulk calls grouped by blueprint; D1: one transaction),
// record each delivery's state and per-entity results, and ack or retry its message.
//
// Retries: transient failures (no answer, 5xx, 429 with its Retry-After, 401 after one new
// token, a D1 error, a configuration error) retry the message with exponential backoff and
// jitter (RETRY_BASE_SECONDS 10, doubling, capped at RETRY_MAX_SECONDS 1800), for
// RETRY_BUDGET_SECONDS (86400) counted from the first failure; then the message moves to the
// dead-letter queue and the delivery is `dead` (replayable). Permanent refusals (4xx such as
// 422) are recorded per entity and not retried. The budget is tracked in D1, not by the
// queue's own max_retries: when a message nears that limit it is sent afresh (with the same
// delay) so the platform never dead-letters it before the budget.
import { evaluate, MapperError } from 'hookmap';
import { applyD1 } from './catalog-d1.mjs';
import { applyPort } from './catalog-port.mjs';
import { ConfigError, numericVar, retentionDays, version, webhook } from './config.mjs';
import * as dedupe from './dedupe.mjs';
import * as deliveries from './deliveries.mjs';
import { AUDIT_DIAGNOSTICS, catalogTarget, requestText } from './ingest.mjs';
import * as audit from './audit.mjs';

/** Default backoff: first retry after about 10 s, doubling, capped at 30 min, for 24 h. */
export const DEFAULT_RETRY = { baseSeconds: 10, maxSeconds: 1800, budgetSeconds: 86400 };
/** The queue's own retry limit (wrangler.toml max_retries); messages are re-sent before it. */
const DEFAULT_QUEUE_MAX_RETRIES = 100;
/** Cloudflare Queues' longest delay. */
const MAX_DELAY_SECONDS = 43200;
/** Default time for in-call retries of the Port calls of one batch. */
const DEFAULT_PORT_BUDGET_MS = 20_000;

function retrySettings(env) {
  return {
    baseSeconds: numericVar(env.RETRY_BASE_SECONDS, DEFAULT_RETRY.baseSeconds),
    maxSeconds: numericVar(env.RETRY_MAX_SECONDS, DEFAULT_RETRY.maxSeconds),
    budgetSeconds: numericVar(env.RETRY_BUDGET_SECONDS, DEFAULT_RETRY.budgetSeconds),
  };
}

/**
 * The delay before retry number `attempt` (1-based): base * 2^(attempt-1), capped, with
 * jitter (x0.75 to x1.25, still capped), in whole seconds.
 * @param {number} attempt
 * @param {{baseSeconds: number, maxSeconds: number}} settings
 * @returns {number}
 */
export function backoffSeconds(attempt, { baseSeconds, maxSeconds }) {
  const exp = Math.min(maxSeconds, baseSeconds * 2 ** Math.min(attempt - 1, 30));
  return Math.min(maxSeconds, Math.round(exp * (0.75 + Math.random() / 2)));
}

/** Whether this batch comes from the dead-letter queue. */
function isDeadLetterQueue(name, env) {
  return name === (env.DEAD_LETTER_QUEUE || 'hookmap-deliveries-dlq');
}

/**
 * The queue handler.
 * @param {MessageBatch<{id: number}>} batch
 * @param {Record<string, any>} env
 * @param {ExecutionContext} ctx
 */
export async function consume(batch, env, ctx) {
  if (isDeadLetterQueue(batch.queue, env)) return deadLetters(batch, env);
  const settings = retrySettings(env);

  /** @type {Map<number, Message[]>} */
  const byId = new Map();
  for (const m of batch.messages) {
    const id = Number(m.body?.id);
    if (!Number.isSafeInteger(id)) {
      console.error(`hookmap: queue message ${m.id} holds no delivery id (${JSON.stringify(m.body)}); dropped`);
      m.ack();
      continue;
    }
    if (!byId.has(id)) byId.set(id, []);
    byId.get(id).push(m);
  }
  if (byId.size === 0) return;

  let rows;
  try {
    rows = await deliveries.load(env.DB, [...byId.keys()]);
  } catch (e) {
    console.error(`hookmap: D1 error loading deliveries ${[...byId.keys()].join(', ')}: ${e.message}; retrying the batch`);
    for (const [id, ms] of byId) for (const m of ms) await retryMessage(env, m, id, backoffSeconds(m.attempts, settings));
    return;
  }

  const work = [];
  for (const [id, messages] of byId) {
    const [message, ...copies] = messages;
    for (const c of copies) c.ack();
    const row = rows.get(id);
    if (!row || !deliveries.ACTIVE_STATES.includes(row.outcome)) {
      // Already applied (a copy sent twice, e.g. by the sweeper), replayed elsewhere, or pruned.
      message.ack();
      continue;
    }
    try {
      work.push(await prepare(env, { id, row, message }));
    } catch (e) {
      // A bug on this delivery alone (its batch-mates go on): the queue retries this message up
      // to max_retries, then moves it to the dead-letter queue, whose consumer records it dead.
      console.error(`hookmap: unexpected error preparing delivery ${id}: ${e?.stack ?? e}`);
      message.retry({ delaySeconds: backoffSeconds(message.attempts, settings) });
    }
  }
  if (work.length === 0) return;

  try {
    await skipStale(env.DB, work);
  } catch (e) {
    console.error(`hookmap: D1 error reading entity order: ${e.message}; retrying the batch`);
    for (const w of work) await retryMessage(env, w.message, w.id, backoffSeconds(w.message.attempts, settings));
    return;
  }

  const rounds = plan(work);
  const target = catalogTarget(env);
  let retryAfter = null;
  /** @type {{statements: D1PreparedStatement[], decisions: (() => Promise<void>)[]} | null} */
  let finished = null;
  if (target.kind === 'port') {
    if (rounds.length > 0) {
      const budget = { deadline: Date.now() + numericVar(env.PORT_BUDGET_MS, DEFAULT_PORT_BUDGET_MS) };
      ({ retryAfter } = await applyPort(target.port, rounds, budget));
    }
  } else {
    // The entities, the deliveries' states and the ordering values in one transaction.
    const result = await applyD1(env.DB, rounds.flat(), () => (finished = finish(env, work, settings, null)).statements);
    if (!result.committed) finished = null;
  }

  if (finished === null) {
    finished = finish(env, work, settings, retryAfter);
    try {
      await env.DB.batch(finished.statements);
    } catch (e) {
      // The catalog may have changed, but the states could not be written: retry; entities
      // are applied again (an upsert with the same values, a delete of an absent entity).
      console.error(`hookmap: D1 error recording the states of deliveries ${work.map((w) => w.id).join(', ')}: ${e.message}; retrying them`);
      for (const w of work) await retryMessage(env, w.message, w.id, backoffSeconds(w.message.attempts, settings));
      return;
    }
  }
  for (const d of finished.decisions) await d();
}

/**
 * Map one delivery's stored request with its webhook's current configuration.
 * @returns {object} The work item: `{id, row, message, entities: {entity, result}[], diagnostics,
 *   orderKey, earlier, problem?}`.
 */
async function prepare(env, w) {
  const previous = JSON.parse(w.row.summary || '{}');
  w.earlier = (previous.entities ?? []).filter((r) => r.status === 'applied' && r.digest);
  w.entities = [];
  w.diagnostics = previous.diagnostics ?? [];
  w.orderKey = null;
  let hook;
  try {
    hook = await webhook(env, w.row.webhook);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    w.problem = { transient: true, message: `configuration error (retried until fixed): ${e.message}` };
    return w;
  }
  if (!hook) {
    w.problem = { transient: false, message: `webhook '${w.row.webhook}' is no longer configured; the delivery cannot be mapped` };
    return w;
  }
  if (!hook.mapper.enabled) {
    w.problem = { transient: false, message: `webhook '${w.row.webhook}' was disabled after this delivery was accepted; it was dropped` };
    return w;
  }
  const text = requestText(w.row.body, w.row.headers, w.row.query);
  let result;
  try {
    result = JSON.parse(hook.mapper.mapJson(text));
  } catch (e) {
    if (!(e instanceof MapperError)) throw e;
    w.problem = { transient: false, message: `the stored request could not be mapped with the current configuration: ${e.message}` };
    w.diagnostics = e.diagnostics.slice(0, AUDIT_DIAGNOSTICS);
    return w;
  }
  w.diagnostics = result.diagnostics.slice(0, AUDIT_DIAGNOSTICS);
  w.configVersion = hook.version;
  if (hook.orderBy) {
    try {
      const out = evaluate(hook.orderBy, JSON.parse(text), { port: true }).outputs?.[0];
      if (typeof out === 'number' || typeof out === 'string') w.orderKey = out;
      else w.diagnostics.push({ severity: 'warning', field: 'ORDER_BY', message: `the ordering expression ${hook.orderBy} gave ${JSON.stringify(out ?? null)}, not a number or a string: this delivery is applied without the order check` });
    } catch (e) {
      w.diagnostics.push({ severity: 'warning', field: 'ORDER_BY', message: `the ordering expression ${hook.orderBy} failed (${e.message}): this delivery is applied without the order check` });
    }
  }
  const done = new Set(w.earlier.map((r) => r.digest));
  result.entities.forEach((entity, index) => {
    const digest = version(JSON.stringify(entity));
    const r = { operation: entity.operation, blueprint: entity.blueprint, identifier: entity.identifier, digest };
    if (done.has(digest)) {
      Object.assign(r, { status: 'applied', note: 'applied by an earlier attempt' });
      w.entities.push({ entity, result: r, index, skip: true });
    } else {
      w.entities.push({ entity, result: r, index, skip: false });
    }
  });
  return w;
}

const keyOf = (e) => (typeof e.identifier === 'string' ? `${e.blueprint}\u0000${e.identifier}` : null);
const comparable = (a, b) => (typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string');

/**
 * Mark as stale every update older than the last one applied to its entity (entity_order), or
 * older than another update of the same entity in this batch.
 */
async function skipStale(db, work) {
  const ordered = [];
  for (const w of work) {
    if (w.problem || w.orderKey === null) continue;
    for (const op of w.entities) if (!op.skip && keyOf(op.entity) !== null) ordered.push({ w, op });
  }
  if (ordered.length === 0) return;
  const pairs = [...new Map(ordered.map(({ op }) => [keyOf(op.entity), [op.entity.blueprint, op.entity.identifier]])).values()];
  const { results } = await db.prepare(
    `SELECT o.blueprint, o.identifier, o.order_key, o.delivery_id FROM entity_order o
     JOIN json_each(?1) j ON o.blueprint = json_extract(j.value, '$[0]') AND o.identifier = json_extract(j.value, '$[1]')`,
  ).bind(JSON.stringify(pairs)).all();
  const newest = new Map(results.map((r) => [`${r.blueprint}\u0000${r.identifier}`, { key: r.order_key, delivery: r.delivery_id }]));
  for (const { w, op } of ordered) {
    const k = keyOf(op.entity);
    const best = newest.get(k);
    if (!best || (comparable(w.orderKey, best.key) && w.orderKey > best.key)) newest.set(k, { key: w.orderKey, delivery: w.id });
  }
  for (const { w, op } of ordered) {
    const best = newest.get(keyOf(op.entity));
    if (comparable(w.orderKey, best.key) && w.orderKey < best.key) {
      op.skip = true;
      Object.assign(op.result, { status: 'stale', note: `not applied: an update ordered ${JSON.stringify(best.key)} (delivery ${best.delivery}) is newer than this one's ${JSON.stringify(w.orderKey)}` });
    }
  }
}

/**
 * The operations of a batch in rounds: deliveries in the order they were received, their
 * entities in mapping order; the n-th update of an entity in the batch goes in round n, so no
 * call holds the same entity twice and later updates land after earlier ones.
 */
function plan(work) {
  const rounds = [];
  const seen = new Map();
  const sorted = [...work].sort((a, b) => a.id - b.id);
  for (const w of sorted) {
    if (w.problem) continue;
    for (const op of w.entities) {
      if (op.skip) continue;
      const k = keyOf(op.entity) ?? `#${w.id}#${op.index}`;
      const n = seen.get(k) ?? 0;
      seen.set(k, n + 1);
      (rounds[n] ??= []).push(op);
    }
  }
  return rounds;
}

/**
 * Each delivery's new state, the D1 statements recording them (and the ordering values of
 * what was applied), and the decisions on the messages (ack, retry, dead letter) to take once
 * those are written.
 */
function finish(env, work, settings, retryAfter) {
  const db = env.DB;
  const now = Date.now();
  const statements = [];
  const decisions = [];
  for (const w of work) {
    const results = w.entities.map((op) => op.result);
    const applied = results.filter((r) => r.status === 'applied').length;
    const stale = results.filter((r) => r.status === 'stale').length;
    const failedResults = results.filter((r) => r.status === 'failed');
    const transient = w.problem ? w.problem.transient : failedResults.some((r) => r.transient);
    const failed = w.problem ? 0 : failedResults.length;
    let state;
    let message;
    let attempts = w.row.attempts;
    let nextAttemptAt = null;
    let firstFailureAt = w.row.first_failure_at;
    if (transient) {
      attempts += 1;
      firstFailureAt ??= new Date(now).toISOString();
      const spent = (now - Date.parse(firstFailureAt)) / 1000;
      const why = w.problem?.message ?? failedResults.find((r) => r.transient)?.error;
      if (spent >= settings.budgetSeconds) {
        state = 'dead';
        message = `gave up after ${attempts} attempts over ${Math.round(spent)} s (RETRY_BUDGET_SECONDS ${settings.budgetSeconds}): ${why}; replay it with POST /api/deliveries/${w.id}/replay`;
        decisions.push(() => deadLetter(env, w.message, w.id, message));
      } else {
        state = 'retrying';
        const asked = retryAfter === null ? null : Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil(retryAfter)));
        const delay = asked ?? backoffSeconds(attempts, settings);
        nextAttemptAt = new Date(now + delay * 1000).toISOString();
        message = `attempt ${attempts} failed (${why}); next attempt in ${delay} s${asked !== null ? ' (Retry-After)' : ''}`;
        decisions.push(() => retryMessage(env, w.message, w.id, delay));
      }
    } else {
      if (w.problem) {
        state = 'failed';
        message = w.problem.message;
      } else if (failed === 0) {
        state = stale > 0 && applied === 0 ? 'stale' : 'applied';
      } else {
        state = applied === 0 ? 'failed' : 'partial';
      }
      decisions.push(async () => w.message.ack());
    }
    const summary = { entities: results, diagnostics: w.diagnostics };
    if (w.configVersion) summary.appliedConfigVersion = w.configVersion;
    if (message) summary.message = message;
    statements.push(deliveries.updateStatement(db, w.id, {
      state, applied, failed: w.problem ? 0 : failed, summary, attempts, nextAttemptAt, firstFailureAt, orderKey: w.orderKey,
    }));
    if (w.orderKey !== null) {
      for (const op of w.entities) {
        if (op.skip || op.result.status !== 'applied' || keyOf(op.entity) === null) continue;
        statements.push(db.prepare(
          `INSERT INTO entity_order (blueprint, identifier, order_key, delivery_id, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
           ON CONFLICT (blueprint, identifier) DO UPDATE SET order_key = excluded.order_key, delivery_id = excluded.delivery_id, updated_at = excluded.updated_at
           WHERE NOT (typeof(entity_order.order_key) = typeof(excluded.order_key) AND entity_order.order_key > excluded.order_key)`,
        ).bind(op.entity.blueprint, op.entity.identifier, w.orderKey, w.id, new Date(now).toISOString()));
      }
    }
  }
  return { statements, decisions };
}

/**
 * Retry a message after `delay` seconds; near the queue's own retry limit, send it afresh
 * instead (the retry budget is ours, in D1).
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

/** Move a message to the dead-letter queue (its delivery is already recorded `dead`). */
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
 * queue itself moved here (its max_retries ran out: the handler kept failing), then ack. Those
 * this consumer moved itself (with a `reason`) are already recorded dead, and may have been
 * replayed since: they are left alone.
 */
async function deadLetters(batch, env) {
  const ids = batch.messages.filter((m) => m.body?.reason === undefined).map((m) => Number(m.body?.id)).filter(Number.isSafeInteger);
  try {
    await deliveries.markDead(env.DB, ids, 'moved to the dead-letter queue after the queue\'s own retries (max_retries); replay it with POST /api/deliveries/<id>/replay');
    batch.ackAll();
  } catch (e) {
    console.error(`hookmap: D1 error marking deliveries ${ids.join(', ')} dead: ${e.message}`);
    batch.retryAll({ delaySeconds: 60 });
  }
}

/**
 * The cron sweeper: queue deliveries that were stored but never sent (a crash between store
 * and send), re-send retrying ones long overdue, and prune old rows.
 * @param {Record<string, any>} env
 * @returns {Promise<{requeued: number[]}>}
 */
export async function sweep(env) {
  const ids = await deliveries.missed(env.DB, {
    unsentSeconds: numericVar(env.SWEEP_AFTER_SECONDS, 60),
    overdueSeconds: numericVar(env.SWEEP_OVERDUE_SECONDS, 900),
  });
  for (let i = 0; i < ids.length; i += 100) {
    const chunk = ids.slice(i, i + 100);
    await env.DELIVERIES.sendBatch(chunk.map((id) => ({ body: { id } })));
    await deliveries.markEnqueued(env.DB, chunk);
  }
  if (ids.length > 0) console.log(`hookmap: sweeper queued deliveries ${ids.join(', ')}`);
  await deliveries.prune(env.DB, retentionDays(env));
  await dedupe.prune(env.DB);
  return { requeued: ids };
}
