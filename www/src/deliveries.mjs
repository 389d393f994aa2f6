// The durable delivery log (table deliveries): each accepted delivery is stored here, with its
// request, before its id goes on the queue; its row then carries its state and per-entity
// results. Rows of refused bodies and duplicates are kept too (no request stored).
//
// States: queued -> applied | partial | failed | stale, or retrying -> ... -> dead;
// duplicate, rejected (invalid body) and error rows are final on arrival.

/** States in which a delivery still waits for the consumer. */
export const ACTIVE_STATES = ['queued', 'retrying'];
/** States never pruned by the retention (they still hold work to do or to replay). */
const KEPT_STATES = "('queued', 'retrying', 'dead')";

/** Headers never stored: credentials and signatures. */
const SECRET_HEADER = /^(authorization|proxy-authorization|cookie|set-cookie)$|signature/i;

/**
 * The headers kept with a delivery: all but authorization, cookie and signature headers (the
 * webhook's signatureHeaderName and any header whose name contains "signature").
 * @param {Headers} headers
 * @param {string | undefined} signatureHeader
 * @returns {Record<string, string>}
 */
export function storableHeaders(headers, signatureHeader) {
  const skip = signatureHeader ? signatureHeader.toLowerCase() : null;
  const out = {};
  for (const [name, value] of headers) {
    if (SECRET_HEADER.test(name) || name === skip) continue;
    out[name] = value;
  }
  return out;
}

/**
 * Store an accepted delivery, and remember its identity in the same transaction: the row is
 * written only when this claim on (webhook, requestId) won, so a delivery is remembered as
 * seen exactly when it is stored.
 * @param {D1Database} db
 * @param {{webhook: string, requestId: string | null, body: string, headers: object, query: object,
 *   configVersion: string, diagnostics: object[]}} d
 * @param {number} ttlSeconds How long the identity is remembered.
 * @returns {Promise<{id: number} | {duplicate: true}>}
 */
export async function store(db, d, ttlSeconds) {
  const now = Date.now();
  const iso = new Date(now).toISOString();
  const claim = d.requestId === null ? null : crypto.randomUUID();
  const insert = db.prepare(
    `INSERT INTO deliveries (time, webhook, request_id, outcome, status, applied, failed, summary, body, headers, query, config_version, attempts, updated_at)
     SELECT ?1, ?2, ?3, 'queued', 202, 0, 0, ?4, ?5, ?6, ?7, ?8, 0, ?1
     WHERE ?9 IS NULL OR EXISTS (SELECT 1 FROM seen_deliveries WHERE webhook = ?2 AND request_id = ?3 AND claim = ?9)
     RETURNING id`,
  ).bind(iso, d.webhook, d.requestId, JSON.stringify({ entities: [], diagnostics: d.diagnostics }), d.body,
    JSON.stringify(d.headers), JSON.stringify(d.query), String(d.configVersion), claim);
  const statements = [insert];
  if (claim !== null) {
    statements.unshift(db.prepare(
      `INSERT INTO seen_deliveries (webhook, request_id, expires_at, claim) VALUES (?1, ?2, ?3, ?4)
       ON CONFLICT (webhook, request_id) DO UPDATE SET expires_at = excluded.expires_at, claim = excluded.claim
       WHERE seen_deliveries.expires_at <= ?5`,
    ).bind(d.webhook, d.requestId, now + ttlSeconds * 1000, claim, now));
  }
  const results = await db.batch(statements);
  const row = results[results.length - 1].results?.[0];
  return row ? { id: row.id } : { duplicate: true };
}

/**
 * Note that these deliveries' ids were handed to the queue.
 * @param {D1Database} db
 * @param {number[]} ids
 */
export async function markEnqueued(db, ids) {
  if (ids.length === 0) return;
  await db.prepare('UPDATE deliveries SET enqueued_at = ?2 WHERE id IN (SELECT value FROM json_each(?1))')
    .bind(JSON.stringify(ids), new Date().toISOString()).run();
}

/**
 * The stored rows of these deliveries.
 * @param {D1Database} db
 * @param {number[]} ids
 * @returns {Promise<Map<number, object>>}
 */
export async function load(db, ids) {
  const { results } = await db.prepare('SELECT * FROM deliveries WHERE id IN (SELECT value FROM json_each(?1))').bind(JSON.stringify(ids)).all();
  return new Map(results.map((r) => [r.id, r]));
}

/**
 * The statement that records a delivery's new state after an attempt.
 * @param {D1Database} db
 * @param {number} id
 * @param {{state: string, applied: number, failed: number, summary: object, attempts: number,
 *   nextAttemptAt: string | null, firstFailureAt: string | null, orderKey: unknown}} s
 * @returns {D1PreparedStatement}
 */
export function updateStatement(db, id, s) {
  return db.prepare(
    `UPDATE deliveries SET outcome = ?2, applied = ?3, failed = ?4, summary = ?5, attempts = ?6, next_attempt_at = ?7,
       first_failure_at = ?8, order_key = ?9, updated_at = ?10 WHERE id = ?1`,
  ).bind(id, s.state, s.applied, s.failed, JSON.stringify(s.summary), s.attempts, s.nextAttemptAt, s.firstFailureAt,
    s.orderKey ?? null, new Date().toISOString());
}

/**
 * Mark deliveries dead (their message went to the dead-letter queue), unless already final.
 * @param {D1Database} db
 * @param {number[]} ids
 * @param {string} message Why.
 */
export async function markDead(db, ids, message) {
  if (ids.length === 0) return;
  await db.prepare(
    `UPDATE deliveries SET outcome = 'dead', next_attempt_at = NULL, updated_at = ?2,
       summary = json_set(summary, '$.message', ?3)
     WHERE id IN (SELECT value FROM json_each(?1)) AND outcome IN ('queued', 'retrying')`,
  ).bind(JSON.stringify(ids), new Date().toISOString(), message).run();
}

/**
 * Put stored deliveries back in the queued state for a replay (attempts and budget start
 * over; results of earlier attempts are cleared so every entity is applied again). Only rows
 * that hold a stored request can be replayed.
 * @param {D1Database} db
 * @param {{id?: number, state?: string}} which One delivery, or every delivery in a state.
 * @returns {Promise<number[]>} The ids put back.
 */
export async function requeue(db, which) {
  const now = new Date().toISOString();
  const { results } = await db.prepare(
    `UPDATE deliveries SET outcome = 'queued', attempts = 0, next_attempt_at = NULL, first_failure_at = NULL,
       enqueued_at = NULL, applied = 0, failed = 0, updated_at = ?3,
       summary = json_object('entities', json('[]'), 'diagnostics', json(json_extract(summary, '$.diagnostics')), 'message', 'replayed ' || ?3)
     WHERE body IS NOT NULL AND (?1 IS NULL OR id = ?1) AND (?2 IS NULL OR outcome = ?2)
     RETURNING id`,
  ).bind(which.id ?? null, which.state ?? null, now).all();
  return results.map((r) => r.id);
}

/**
 * Deliveries the queue may have missed: stored but never sent (a crash between store and send)
 * for longer than `unsentSeconds`; sent, or retrying, and still not processed `overdueSeconds`
 * after they were due (a lost message; under `wrangler dev`, a reload drops the local queue).
 * @param {D1Database} db
 * @param {{unsentSeconds: number, overdueSeconds: number, limit?: number}} options
 * @returns {Promise<number[]>}
 */
export async function missed(db, { unsentSeconds, overdueSeconds, limit = 500 }) {
  const now = Date.now();
  const { results } = await db.prepare(
    `SELECT id FROM deliveries WHERE (outcome = 'queued' AND enqueued_at IS NULL AND time <= ?1)
       OR (outcome = 'queued' AND enqueued_at <= ?2) OR (outcome = 'retrying' AND next_attempt_at <= ?2) ORDER BY id LIMIT ?3`,
  ).bind(new Date(now - unsentSeconds * 1000).toISOString(), new Date(now - overdueSeconds * 1000).toISOString(), limit).all();
  return results.map((r) => r.id);
}

/**
 * Drop final rows older than the retention (queued, retrying and dead rows are kept).
 * @param {D1Database} db
 * @param {number} retentionDays
 */
export async function prune(db, retentionDays) {
  const cutoff = new Date(Date.now() - retentionDays * 86400_000).toISOString();
  await db.prepare(`DELETE FROM deliveries WHERE time < ?1 AND outcome NOT IN ${KEPT_STATES}`).bind(cutoff).run();
}

/**
 * The latest deliveries, newest first, with their state and per-entity results (never the
 * stored request itself).
 * @param {D1Database} db
 * @param {{limit?: number, webhook?: string | null, state?: string | null, id?: number | null}} [options]
 * @returns {Promise<object[]>}
 */
export async function list(db, { limit = 50, webhook = null, state = null, id = null } = {}) {
  const { results } = await db.prepare(
    `SELECT id, time, webhook, request_id, outcome, status, applied, failed, summary, config_version, attempts,
       next_attempt_at, updated_at, order_key FROM deliveries
     WHERE (?1 IS NULL OR webhook = ?1) AND (?2 IS NULL OR outcome = ?2) AND (?3 IS NULL OR id = ?3)
     ORDER BY id DESC LIMIT ?4`,
  ).bind(webhook, state, id, limit).all();
  return results.map((r) => {
    const summary = JSON.parse(r.summary);
    const out = {
      id: r.id,
      time: r.time,
      webhook: r.webhook,
      requestId: r.request_id,
      state: r.outcome,
      status: r.status,
      applied: r.applied,
      failed: r.failed,
      attempts: r.attempts,
      nextAttemptAt: r.next_attempt_at,
      updatedAt: r.updated_at,
      configVersion: versionNumber(r.config_version),
      appliedConfigVersion: summary.appliedConfigVersion ?? null,
      orderKey: r.order_key,
      message: summary.message,
      entities: summary.entities ?? [],
      diagnostics: summary.diagnostics ?? [],
    };
    return out;
  });
}

const versionNumber = (v) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v ?? null);

/**
 * Deliveries for the admin API (GET /api/deliveries), newest first: `{id, webhook, receivedAt,
 * status, configVersion}` (the version it was mapped with once processed, else the one it was
 * accepted under), and with `withRequest` the stored request too (for the playground's
 * backtest).
 * @param {D1Database} db
 * @param {{webhook?: string | null, limit?: number, withRequest?: boolean, id?: number | null}} options
 * @returns {Promise<object[]>}
 */
export async function adminList(db, { webhook = null, limit = 50, withRequest = false, id = null }) {
  const { results } = await db.prepare(
    `SELECT id, time, webhook, outcome, config_version, json_extract(summary, '$.appliedConfigVersion') AS applied_version
       ${withRequest ? ', body, headers, query, summary' : ''}
     FROM deliveries WHERE (?1 IS NULL OR webhook = ?1) AND (?3 IS NULL OR id = ?3) ORDER BY id DESC LIMIT ?2`,
  ).bind(webhook, limit, id).all();
  return results.map((r) => {
    const out = {
      id: r.id, webhook: r.webhook, receivedAt: r.time, status: r.outcome,
      configVersion: versionNumber(r.applied_version ?? r.config_version),
    };
    if (withRequest) out.request = storedRequest(r);
    return out;
  });
}

/**
 * A stored request as the engine reads it, `{body, headers, queryParams}` (null when the row
 * holds none: a refused delivery), its secret headers removed.
 * @param {{body: string | null, headers: string | null, query: string | null}} r
 * @returns {{body: unknown, headers: Record<string, string>, queryParams: Record<string, unknown>} | null}
 */
export function storedRequest(r) {
  if (r.body === null || r.body === undefined) return null;
  let body;
  try {
    body = JSON.parse(r.body);
  } catch {
    body = r.body;
  }
  const headers = {};
  for (const [name, value] of Object.entries(JSON.parse(r.headers || '{}'))) if (!SECRET_HEADER.test(name)) headers[name] = value;
  return { body, headers, queryParams: JSON.parse(r.query || '{}') };
}

/**
 * One delivery for GET /api/deliveries/{id}: its row, its stored request, results and diagnostics.
 * @param {D1Database} db
 * @param {number} id
 * @returns {Promise<object | null>}
 */
export async function adminOne(db, id) {
  const [row] = await adminList(db, { id, limit: 1, withRequest: true });
  if (!row) return null;
  const r = await db.prepare('SELECT summary FROM deliveries WHERE id = ?1').bind(id).first();
  const summary = JSON.parse(r?.summary || '{}');
  return { ...row, results: summary.entities ?? [], diagnostics: summary.diagnostics ?? [], ...(summary.message ? { message: summary.message } : {}) };
}
