// Recovery: when the catalog target (Port) fails transiently, deliveries back off (up to 30
// minutes apart); when it answers again, every retrying delivery is sent again at once, paced to
// stay within Port's rate limits, instead of each waiting out its backoff.
//
// The consumer marks the target failing (target_health.failing_since) when an attempt fails on
// it, and schedules a probe: a queue message `{probe: 'port'}` that asks Port for a token every
// PROBE_SECONDS (15) while it fails, one probe at a time (a compare-and-set on probe_at). The
// first success, the probe's or any delivery's, clears failing_since (compare-and-set: one
// invocation wins) and that invocation drains: every retrying delivery not held by a copy is
// sent, DRAIN_PER_SECOND (20) a second.
import { numericVar } from './config.mjs';
import { portAnswers } from './port-client.mjs';

export const TARGET = 'port';
/** Seconds between probes of a failing target. */
export const DEFAULT_PROBE_SECONDS = 15;
/** Deliveries sent per second by a drain. */
export const DEFAULT_DRAIN_PER_SECOND = 20;

/**
 * The statement marking the target failing (the earliest failure is kept).
 * @param {D1Database} db
 * @param {number} now ms
 * @returns {D1PreparedStatement}
 */
export function failingStatement(db, now) {
  return db.prepare(
    `INSERT INTO target_health (target, failing_since) VALUES (?1, ?2)
     ON CONFLICT (target) DO UPDATE SET failing_since = COALESCE(target_health.failing_since, excluded.failing_since)`,
  ).bind(TARGET, now);
}

/**
 * Schedule a probe unless one is already due (compare-and-set on probe_at).
 * @param {Env} env
 * @param {number} now ms
 * @returns {Promise<boolean>} Whether this call scheduled it.
 */
export async function scheduleProbe(env, now) {
  const seconds = numericVar(env.PROBE_SECONDS, DEFAULT_PROBE_SECONDS);
  const { results } = await env.DB.prepare(
    `UPDATE target_health SET probe_at = ?2 WHERE target = ?1 AND failing_since IS NOT NULL AND (probe_at IS NULL OR probe_at < ?3) RETURNING target`,
  ).bind(TARGET, now + seconds * 1000, now).all();
  if (results.length === 0) return false;
  await env.DELIVERIES.send({ probe: TARGET }, { delaySeconds: seconds });
  return true;
}

/**
 * The target answered: clear failing_since; the one caller that cleared it drains.
 * @param {Env} env
 * @param {number} now ms
 * @returns {Promise<number[]>} The deliveries this call sent again (none if another invocation drains).
 */
export async function recovered(env, now) {
  const { results } = await env.DB.prepare(
    'UPDATE target_health SET failing_since = NULL, probe_at = NULL WHERE target = ?1 AND failing_since IS NOT NULL RETURNING target',
  ).bind(TARGET).all();
  if (results.length === 0) return [];
  return drain(env, now);
}

/**
 * Send every retrying delivery (not held by a running copy) again now, paced.
 * @param {Env} env
 * @param {number} now ms
 * @returns {Promise<number[]>}
 */
export async function drain(env, now) {
  const perSecond = Math.max(1, numericVar(env.DRAIN_PER_SECOND, DEFAULT_DRAIN_PER_SECOND));
  /** @type {D1Result<{id: number}>} */
  const { results } = await env.DB.prepare(
    `UPDATE deliveries SET next_attempt_at = ?1 WHERE outcome = 'retrying' AND (lease_until IS NULL OR lease_until < ?2)
     RETURNING id`,
  ).bind(new Date(now).toISOString(), now).all();
  const ids = results.map((r) => r.id).sort((a, b) => a - b);
  for (let i = 0; i < ids.length; i += 100) {
    const chunk = ids.slice(i, i + 100);
    await env.DELIVERIES.sendBatch(chunk.map((id, j) => ({ body: { id }, delaySeconds: Math.floor((i + j) / perSecond) })));
  }
  if (ids.length > 0) console.log(`hookmap: Port answers again: ${ids.length} retrying deliveries sent again (${perSecond}/s)`);
  return ids;
}

/**
 * Handle a probe message: ask Port; on an answer, recover (and drain); else probe again later.
 * @param {Env} env
 * @param {{apiUrl: string, clientId: string, clientSecret: string}} port
 * @returns {Promise<boolean>} Whether Port answered.
 */
export async function probe(env, port) {
  const now = Date.now();
  const failing = await env.DB.prepare('SELECT failing_since FROM target_health WHERE target = ?1').bind(TARGET).first();
  if (!failing || failing.failing_since === null) return true;
  if (await portAnswers(port)) {
    await recovered(env, Date.now());
    return true;
  }
  // Let the next probe be scheduled: this one is done.
  await env.DB.prepare('UPDATE target_health SET probe_at = NULL WHERE target = ?1').bind(TARGET).run();
  await scheduleProbe(env, Date.now());
  return false;
}
