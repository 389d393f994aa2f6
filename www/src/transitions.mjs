// A delivery's state after an attempt, as a pure function (no I/O, no clock but the one given):
// what the consumer writes to D1 and what it does with the queue message. Unit-tested directly
// (tests/worker/transitions.test.mjs).
//
//   queued ──► applied | partial | failed | stale          (final: the message is acked)
//     │  ▲
//     ▼  │ a transient failure (Port or D1 unreachable, 5xx, 429, a configuration error, an
//   retrying    unexpected error): attempts + 1, retried with backoff until the budget is spent
//     │
//     ▼  the retry budget (RETRY_BUDGET_SECONDS from the first failure) is spent
//   dead       (final; replayable)
//
// An entity another delivery is applying (its ordering claim is held: `busy`) is no failure:
// the delivery waits for it (retrying, attempts unchanged), then is judged by the ordering.

/** Default backoff: first retry after about 10 s, doubling, capped at 30 min, for 24 h (the recovery drain, drain.mjs, sends them again as soon as Port answers). */
export const DEFAULT_RETRY = { baseSeconds: 10, maxSeconds: 1800, budgetSeconds: 86400 };
/** Cloudflare Queues' longest delay. */
export const MAX_DELAY_SECONDS = 43200;

/**
 * The delay before retry number `attempt` (1-based): base * 2^(attempt-1), capped, with
 * jitter (x0.75 to x1.25, still capped), in whole seconds (at least 1).
 * @param {number} attempt
 * @param {{baseSeconds: number, maxSeconds: number}} settings
 * @param {() => number} [random]
 * @returns {number}
 */
export function backoffSeconds(attempt, { baseSeconds, maxSeconds }, random = Math.random) {
  const exp = Math.min(maxSeconds, baseSeconds * 2 ** Math.min(Math.max(attempt, 1) - 1, 30));
  return Math.max(1, Math.min(maxSeconds, Math.round(exp * (0.75 + random() / 2))));
}

/**
 * @typedef {object} EntityResult One entity's result, as the delivery's summary records it.
 * @property {'applied' | 'failed' | 'stale' | 'busy'} [status] Set once the entity is applied,
 *   fails or is skipped (before the attempt ends).
 * @property {boolean} [transient] For a failure: worth retrying.
 * @property {string} [error]
 * @property {number} [busyUntil] For `busy`: when the other delivery's claim runs out (ms).
 * @property {string} [code] Why it failed or was skipped (`order-stale`, `search-no-match`, ...).
 * @property {string} [note]
 * @property {number} [httpStatus] Port's answer.
 * @property {string} [operation] The mapped entity's operation, blueprint and identifier.
 * @property {string} [blueprint]
 * @property {unknown} [identifier]
 * @property {string} [digest] The entity's digest (config.mjs `version`): an entity applied by an
 *   earlier attempt is not applied again.
 */

/**
 * @typedef {object} Attempt What one attempt found.
 * @property {{transient: boolean, message: string}} [problem] The delivery as a whole could not
 *   be processed (no configuration, a mapping error, an unexpected error).
 * @property {EntityResult[]} results One per entity.
 * @property {number | null} [retryAfter] The longest Retry-After Port asked for (seconds).
 */

/**
 * @typedef {object} Transition
 * @property {'applied' | 'partial' | 'failed' | 'stale' | 'retrying' | 'dead'} state
 * @property {number} attempts Failed attempts so far.
 * @property {string | null} firstFailureAt ISO time of the first failure (the budget's start).
 * @property {string | null} nextAttemptAt ISO time of the next attempt, when retrying.
 * @property {number} applied
 * @property {number} failed
 * @property {string | undefined} message Why, for people.
 * @property {{kind: 'ack'} | {kind: 'retry', delaySeconds: number} | {kind: 'dead'}} decision
 */

/**
 * The state after an attempt.
 * @param {{attempts: number, first_failure_at: string | null}} row The delivery as it was.
 * @param {Attempt} attempt
 * @param {number} now ms since the epoch.
 * @param {{baseSeconds: number, maxSeconds: number, budgetSeconds: number}} settings
 * @param {() => number} [random] For the jitter.
 * @returns {Transition}
 */
export function transition(row, attempt, now, settings, random = Math.random) {
  const results = attempt.results ?? [];
  const count = (/** @type {EntityResult['status']} */ status) => results.filter((r) => r.status === status).length;
  const applied = count('applied');
  const stale = count('stale');
  const failures = results.filter((r) => r.status === 'failed');
  const busy = results.filter((r) => r.status === 'busy');
  const transient = attempt.problem ? attempt.problem.transient : failures.some((r) => r.transient);
  const base = { attempts: row.attempts, firstFailureAt: row.first_failure_at ?? null, nextAttemptAt: null, applied, failed: attempt.problem ? 0 : failures.length };

  if (transient) {
    const attempts = row.attempts + 1;
    const firstFailureAt = row.first_failure_at ?? new Date(now).toISOString();
    const spent = (now - Date.parse(firstFailureAt)) / 1000;
    const why = attempt.problem?.message ?? failures.find((r) => r.transient)?.error ?? 'a transient failure';
    if (spent >= settings.budgetSeconds) {
      return {
        ...base, state: 'dead', attempts, firstFailureAt,
        message: `gave up after ${attempts} attempts over ${Math.round(spent)} s (RETRY_BUDGET_SECONDS ${settings.budgetSeconds}): ${why}; replay it with POST /api/deliveries/<id>/replay`,
        decision: { kind: 'dead' },
      };
    }
    const asked = attempt.retryAfter == null ? null : Math.min(MAX_DELAY_SECONDS, Math.max(1, Math.ceil(attempt.retryAfter)));
    const delay = asked ?? backoffSeconds(attempts, settings, random);
    return {
      ...base, state: 'retrying', attempts, firstFailureAt, nextAttemptAt: new Date(now + delay * 1000).toISOString(),
      message: `attempt ${attempts} failed (${why}); next attempt in ${delay} s${asked !== null ? ' (Retry-After)' : ''}`,
      decision: { kind: 'retry', delaySeconds: delay },
    };
  }
  if (busy.length > 0 && !attempt.problem) {
    // Another delivery holds an entity's ordering claim: wait for it, at most a minute at a time.
    const until = Math.max(...busy.map((r) => r.busyUntil ?? now));
    const delay = Math.min(60, Math.max(1, Math.ceil((until - now) / 1000)));
    return {
      ...base, state: 'retrying', nextAttemptAt: new Date(now + delay * 1000).toISOString(),
      message: `${busy.length} entit${busy.length === 1 ? 'y is' : 'ies are'} being applied by another delivery; next attempt in ${delay} s`,
      decision: { kind: 'retry', delaySeconds: delay },
    };
  }
  /** @type {Transition['state']} */
  let state;
  if (attempt.problem) state = 'failed';
  else if (failures.length === 0) state = stale > 0 && applied === 0 ? 'stale' : 'applied';
  else state = applied === 0 ? 'failed' : 'partial';
  return { ...base, state, message: attempt.problem?.message, decision: { kind: 'ack' } };
}
