// Per-entity ordering (a webhook's ordering expression, ORDER_BY): the newest update of an entity
// wins, however the consumer's invocations interleave.
//
// Before an entity is applied, its delivery claims it in D1 with a compare-and-set on
// entity_order: the claim succeeds when the stored key has the same type and is older (a retry of
// the same delivery passes its own claim), and no other delivery holds the entity. The holder
// applies the entity, then releases it; a newer update arriving meanwhile waits (`busy`) rather
// than racing it to Port, and an older one finds a newer key (`stale`). Keys are typed: a number
// never replaces a string, nor the reverse (`order-key-type`). For the built-in catalog the
// claim, the guarded write and the release run in one D1 transaction.

/**
 * @typedef {object} Claim One entity update to order.
 * @property {string} blueprint
 * @property {string} identifier
 * @property {number | string} key The update's ordering key.
 * @property {number} delivery The delivery id.
 * @property {number} run The delivery's run (its lease).
 */

/**
 * @typedef {{order_key: number | string, delivery_id: number, holder: number | null, held_until: number | null}} OrderRow
 *   An entity's ordering row (table entity_order) as currentStatement reads it.
 */

/**
 * The ordering key from the ordering expression's answer: a finite number or a string, or a
 * diagnostic saying why the delivery goes unordered.
 * @param {string} expression The jq expression (for the message).
 * @param {{outputs?: unknown[]} | {error: string}} answer What `evaluate(expression, request,
 *   {port: true})` answered, or the error it threw.
 * @returns {{key: number | string} | {diagnostic: {code: string, severity: string, field: string, message: string}}}
 */
export function orderKey(expression, answer) {
  const invalid = (/** @type {string} */ why) => ({ diagnostic: { code: 'order-key-invalid', severity: 'warning', field: 'ORDER_BY', message: `the ordering expression ${expression} ${why}: this delivery is applied without the order check` } });
  if ('error' in answer) return invalid(`failed (${answer.error})`);
  const out = answer.outputs?.[0];
  if ((typeof out === 'number' && Number.isFinite(out)) || typeof out === 'string') return { key: out };
  return invalid(`gave ${JSON.stringify(out ?? null)}, not a number or a string`);
}

/** A key's type class in SQL: numbers (integer or real) are one class, text another. */
const kind = (/** @type {string} */ column) => `(CASE typeof(${column}) WHEN 'integer' THEN 'n' WHEN 'real' THEN 'n' WHEN 'text' THEN 't' ELSE 'x' END)`;

/**
 * JavaScript's view of the same class.
 * @param {unknown} key
 * @returns {'n' | 't' | 'x'}
 */
export const keyKind = (key) => (typeof key === 'number' ? 'n' : typeof key === 'string' ? 't' : 'x');

/**
 * The compare-and-set claiming an entity for an update (RETURNING a row when it won).
 * @param {D1Database} db
 * @param {Claim} c
 * @param {number} now ms
 * @param {number} holdMs How long the claim is held without a release.
 * @returns {D1PreparedStatement}
 */
export function claimStatement(db, c, now, holdMs) {
  return db.prepare(
    `INSERT INTO entity_order (blueprint, identifier, order_key, delivery_id, updated_at, holder, holder_run, held_until)
     VALUES (?1, ?2, ?3, ?4, ?5, ?4, ?6, ?7)
     ON CONFLICT (blueprint, identifier) DO UPDATE SET order_key = excluded.order_key, delivery_id = excluded.delivery_id,
       updated_at = excluded.updated_at, holder = excluded.holder, holder_run = excluded.holder_run, held_until = excluded.held_until
     WHERE ${kind('entity_order.order_key')} = ${kind('excluded.order_key')}
       AND (entity_order.order_key < excluded.order_key
         OR (entity_order.order_key = excluded.order_key AND entity_order.delivery_id <= excluded.delivery_id))
       AND (entity_order.holder IS NULL OR entity_order.holder = excluded.holder OR entity_order.held_until < ?8)
     RETURNING delivery_id`,
  ).bind(c.blueprint, c.identifier, c.key, c.delivery, new Date(now).toISOString(), c.run, now + holdMs, now);
}

/**
 * The entity's ordering row as the claim left it (read in the same batch, to say why a claim
 * lost).
 * @param {D1Database} db
 * @param {Claim} c
 * @returns {D1PreparedStatement}
 */
export function currentStatement(db, c) {
  return db.prepare('SELECT order_key, delivery_id, holder, held_until FROM entity_order WHERE blueprint = ?1 AND identifier = ?2')
    .bind(c.blueprint, c.identifier);
}

/**
 * The release of a claim once the entity is applied (or could not be).
 * @param {D1Database} db
 * @param {Claim} c
 * @returns {D1PreparedStatement}
 */
export function releaseStatement(db, c) {
  return db.prepare('UPDATE entity_order SET holder = NULL, holder_run = NULL, held_until = NULL WHERE blueprint = ?1 AND identifier = ?2 AND holder = ?3 AND holder_run = ?4')
    .bind(c.blueprint, c.identifier, c.delivery, c.run);
}

/**
 * What a claim's outcome means for its entity: `won` (apply it), or a result to record.
 * @param {Claim} c
 * @param {boolean} won The claim returned a row.
 * @param {OrderRow | null} current
 * @param {number} now ms
 * @returns {{won: true, result?: undefined} | {won?: undefined, result: import('./transitions.mjs').EntityResult}}
 */
export function readClaim(c, won, current, now) {
  if (won) return { won: true };
  if (!current) return { result: { status: 'failed', transient: true, error: 'the ordering claim was not recorded (D1); retried' } };
  if (keyKind(current.order_key) !== keyKind(c.key)) {
    return {
      result: {
        status: 'failed', transient: false, code: 'order-key-type',
        error: `not applied: this update's ordering key ${JSON.stringify(c.key)} is a ${keyKind(c.key) === 'n' ? 'number' : 'string'}, the last applied one (${JSON.stringify(current.order_key)}, delivery ${current.delivery_id}) a ${keyKind(current.order_key) === 'n' ? 'number' : 'string'}: they cannot be ordered, the stored key stays`,
      },
    };
  }
  const newer = current.order_key > c.key || (current.order_key === c.key && current.delivery_id > c.delivery);
  if (newer) {
    return {
      result: {
        status: 'stale', code: 'order-stale',
        note: `not applied: an update ordered ${JSON.stringify(current.order_key)} (delivery ${current.delivery_id}) is newer than this one's ${JSON.stringify(c.key)}`,
      },
    };
  }
  // Older in the table, but held by another delivery applying it now: wait for it.
  return { result: { status: 'busy', busyUntil: current.held_until ?? now + 1000, note: `delivery ${current.holder} is applying this entity` } };
}

/**
 * Within one batch, keep only the newest update of each entity (by key, then delivery id);
 * the others are stale at once. Updates whose keys are of different types are all kept (their
 * claims decide).
 * @param {{claim: Claim, op: {result: import('./transitions.mjs').EntityResult, skip?: boolean}}[]} ordered
 */
export function newestInBatch(ordered) {
  /** @type {Map<string, typeof ordered>} */
  const groups = new Map();
  for (const o of ordered) {
    const k = `${o.claim.blueprint}\u0000${o.claim.identifier}`;
    if (!groups.has(k)) groups.set(k, []);
    /** @type {typeof ordered} */ (groups.get(k)).push(o);
  }
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    if (new Set(group.map((o) => keyKind(o.claim.key))).size > 1) continue;
    const best = group.reduce((a, b) => (b.claim.key > a.claim.key || (b.claim.key === a.claim.key && b.claim.delivery > a.claim.delivery) ? b : a));
    for (const o of group) {
      // The best delivery's own updates all go (in mapping order, round after round).
      if (o.claim.delivery === best.claim.delivery) continue;
      o.op.skip = true;
      Object.assign(o.op.result, {
        status: 'stale', code: 'order-stale',
        note: `not applied: an update ordered ${JSON.stringify(best.claim.key)} (delivery ${best.claim.delivery}) in the same batch is newer than this one's ${JSON.stringify(o.claim.key)}`,
      });
    }
  }
}
