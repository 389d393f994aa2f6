// The durable delivery log (table deliveries): each accepted delivery is stored here, with its
// request, before its id goes on the queue; its row then carries its state and per-entity
// results. Rows of refused bodies and duplicates are kept too (no request stored).
//
// States (transitions.mjs): queued -> applied | partial | failed | stale, or retrying -> ... ->
// dead; duplicate, rejected (invalid body) and error rows are final on arrival. A copy of the
// consumer processes a delivery under a lease (claim), and writes its state only if its run is
// still the delivery's (a compare-and-set: a replay, or a later copy, supersedes it).
import { servedHeaders, servedQuery } from './allowlist.mjs';

/** States in which a delivery still waits for the consumer. */
export const ACTIVE_STATES = ['queued', 'retrying'];
/** States never pruned by the retention (they still hold work to do or to replay). */
const KEPT_STATES = "('queued', 'retrying', 'dead')";

/**
 * @typedef {object} DeliveryRow A row of table deliveries (migrations/), as D1 answers it.
 * @property {number} id
 * @property {string} time ISO time it was received.
 * @property {string} webhook
 * @property {string | null} request_id
 * @property {string} outcome Its state.
 * @property {number} status
 * @property {number} applied
 * @property {number} failed
 * @property {string} summary JSON: `{entities, diagnostics, message?, appliedConfigVersion?}`.
 * @property {string | null} body The stored request's raw body (null for a refusal).
 * @property {string | null} headers JSON.
 * @property {string | null} query JSON.
 * @property {string | null} config_version
 * @property {string | null} enqueued_at
 * @property {number} attempts
 * @property {string | null} next_attempt_at
 * @property {string | null} first_failure_at
 * @property {string | null} updated_at
 * @property {number | string | null} order_key
 * @property {number} run
 * @property {number | null} lease_until ms
 */

/**
 * Store an accepted delivery, and remember its identities in the same transaction: the row is
 * written only when every claim on (webhook, identity) won, so a delivery is remembered as seen
 * exactly when it is stored. Its identities: the requestIdentifierPath value, and for a signed
 * webhook the digest of its raw body (`sha256:<hex>`: the same signed body again, whatever its
 * headers, is a duplicate).
 * @param {D1Database} db
 * @param {{webhook: string, requestId: string | null, bodyDigest: string | null, body: string, headers: object, query: object,
 *   configVersion: string | number, diagnostics: object[]}} d
 * @param {number} ttlSeconds How long the identities are remembered.
 * @returns {Promise<{id: number, duplicate?: undefined} | {duplicate: true, id?: undefined}>}
 */
export async function store(db, d, ttlSeconds) {
  const now = Date.now();
  const iso = new Date(now).toISOString();
  const identities = [d.requestId, d.bodyDigest === null ? null : `sha256:${d.bodyDigest}`].filter((x) => x !== null);
  const claims = identities.map((identity) => ({ identity, claim: crypto.randomUUID() }));
  const statements = claims.map(({ identity, claim }) => db.prepare(
    `INSERT INTO seen_deliveries (webhook, request_id, expires_at, claim) VALUES (?1, ?2, ?3, ?4)
     ON CONFLICT (webhook, request_id) DO UPDATE SET expires_at = excluded.expires_at, claim = excluded.claim
     WHERE seen_deliveries.expires_at <= ?5`,
  ).bind(d.webhook, identity, now + ttlSeconds * 1000, claim, now));
  statements.push(db.prepare(
    `INSERT INTO deliveries (time, webhook, request_id, outcome, status, applied, failed, summary, body, headers, query, config_version, attempts, updated_at)
     SELECT ?1, ?2, ?3, 'queued', 202, 0, 0, ?4, ?5, ?6, ?7, ?8, 0, ?1
     WHERE (SELECT COUNT(*) FROM seen_deliveries s JOIN json_each(?9) c
            ON s.webhook = ?2 AND s.request_id = json_extract(c.value, '$[0]') AND s.claim = json_extract(c.value, '$[1]')) = ?10
     RETURNING id`,
  ).bind(iso, d.webhook, d.requestId, JSON.stringify({ entities: [], diagnostics: d.diagnostics }), d.body,
    JSON.stringify(d.headers), JSON.stringify(d.query), String(d.configVersion),
    JSON.stringify(claims.map((c) => [c.identity, c.claim])), claims.length));
  /** @type {D1Result<{id: number}>[]} */
  const results = await db.batch(statements);
  const row = results[results.length - 1].results?.[0];
  return row ? { id: row.id } : { duplicate: true };
}

/**
 * Claim deliveries for processing: each row still waiting (queued or retrying) and held by no
 * other copy gets a new run and a lease until `now + leaseMs`. Returns the rows claimed (with
 * their new `run`); a row held by another copy is not returned.
 * @param {D1Database} db
 * @param {number[]} ids
 * @param {number} now ms
 * @param {number} leaseMs
 * @returns {Promise<Map<number, DeliveryRow>>}
 */
export async function claim(db, ids, now, leaseMs) {
  /** @type {D1Result<DeliveryRow>} */
  const { results } = await db.prepare(
    `UPDATE deliveries SET run = run + 1, lease_until = ?2
     WHERE id IN (SELECT value FROM json_each(?1)) AND outcome IN ('queued', 'retrying') AND (lease_until IS NULL OR lease_until < ?3)
     RETURNING *`,
  ).bind(JSON.stringify(ids), now + leaseMs, now).all();
  return new Map(results.map((r) => [r.id, r]));
}

/**
 * Let go of the leases of these runs (their copy could not record its attempt).
 * @param {D1Database} db
 * @param {[number, number][]} runs `[id, run]` pairs.
 */
export async function release(db, runs) {
  if (runs.length === 0) return;
  await db.prepare(
    `UPDATE deliveries SET lease_until = NULL WHERE id IN (SELECT json_extract(value, '$[0]') FROM json_each(?1))
       AND run = (SELECT json_extract(value, '$[1]') FROM json_each(?1) WHERE json_extract(value, '$[0]') = deliveries.id)`,
  ).bind(JSON.stringify(runs)).run();
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
 * @returns {Promise<Map<number, DeliveryRow>>}
 */
export async function load(db, ids) {
  /** @type {D1Result<DeliveryRow>} */
  const { results } = await db.prepare('SELECT * FROM deliveries WHERE id IN (SELECT value FROM json_each(?1))').bind(JSON.stringify(ids)).all();
  return new Map(results.map((r) => [r.id, r]));
}

/**
 * The statement that records a delivery's new state after an attempt, if the attempt's run is
 * still the delivery's (compare-and-set; RETURNING the id when it was written). The lease ends.
 * @param {D1Database} db
 * @param {number} id
 * @param {number} run The run the attempt claimed.
 * @param {{state: string, applied: number, failed: number, summary: object, attempts: number,
 *   nextAttemptAt: string | null, firstFailureAt: string | null, orderKey: unknown}} s
 * @returns {D1PreparedStatement}
 */
export function updateStatement(db, id, run, s) {
  return db.prepare(
    `UPDATE deliveries SET outcome = ?2, applied = ?3, failed = ?4, summary = ?5, attempts = ?6, next_attempt_at = ?7,
       first_failure_at = ?8, order_key = ?9, updated_at = ?10, lease_until = NULL WHERE id = ?1 AND run = ?11 RETURNING id`,
  ).bind(id, s.state, s.applied, s.failed, JSON.stringify(s.summary), s.attempts, s.nextAttemptAt, s.firstFailureAt,
    s.orderKey ?? null, new Date().toISOString(), run);
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
 * that hold a stored request can be replayed. The run moves on and the lease ends, so a copy
 * still processing the delivery writes nothing over the replay.
 * @param {D1Database} db
 * @param {{id?: number, state?: string}} which One delivery, or every delivery in a state.
 * @returns {Promise<number[]>} The ids put back.
 */
export async function requeue(db, which) {
  const now = new Date().toISOString();
  /** @type {D1Result<{id: number}>} */
  const { results } = await db.prepare(
    `UPDATE deliveries SET outcome = 'queued', attempts = 0, next_attempt_at = NULL, first_failure_at = NULL,
       enqueued_at = NULL, applied = 0, failed = 0, updated_at = ?3, run = run + 1, lease_until = NULL,
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
 * A delivery a copy holds (its lease runs) is not missed.
 * @param {D1Database} db
 * @param {{unsentSeconds: number, overdueSeconds: number, limit?: number}} options
 * @returns {Promise<number[]>}
 */
export async function missed(db, { unsentSeconds, overdueSeconds, limit = 500 }) {
  const now = Date.now();
  /** @type {D1Result<{id: number}>} */
  const { results } = await db.prepare(
    `SELECT id FROM deliveries WHERE ((outcome = 'queued' AND enqueued_at IS NULL AND time <= ?1)
       OR (outcome = 'queued' AND enqueued_at <= ?2) OR (outcome = 'retrying' AND next_attempt_at <= ?2))
       AND (lease_until IS NULL OR lease_until < ?4) ORDER BY id LIMIT ?3`,
  ).bind(new Date(now - unsentSeconds * 1000).toISOString(), new Date(now - overdueSeconds * 1000).toISOString(), limit, now).all();
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
 * @returns {Promise<Record<string, unknown>[]>}
 */
export async function list(db, { limit = 50, webhook = null, state = null, id = null } = {}) {
  /** @type {D1Result<DeliveryRow>} */
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

/**
 * A stored config_version as a number when it is one (it is stored as text).
 * @param {unknown} v
 * @returns {unknown}
 */
const versionNumber = (v) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v ?? null);

/** Most bytes of stored requests one admin page holds (D1 answers and the isolate's memory stay small). */
export const DEFAULT_PAGE_BYTES = 4 << 20;
/** Rows read from D1 per query while filling a page. */
const ROWS_PER_READ = 25;

/**
 * Deliveries for the admin API (GET /api/deliveries), newest first: `{id, webhook, receivedAt,
 * status, configVersion}` (the version it was mapped with once processed, else the one it was
 * accepted under), and with `withRequest` the stored request too (for the playground's
 * backtest). A page holds at most `limit` deliveries and, with requests, about `maxBytes` of
 * them (at least one): D1 is read 25 rows at a time and reading stops when the page is full;
 * `next` is the `before` cursor of the following page (null at the end).
 * @param {D1Database} db
 * @param {{webhook?: string | null, limit?: number, withRequest?: boolean, id?: number | null, before?: number | null, maxBytes?: number}} options
 * @returns {Promise<{deliveries: object[], next: number | null}>}
 */
export async function adminPage(db, { webhook = null, limit = 50, withRequest = false, id = null, before = null, maxBytes = DEFAULT_PAGE_BYTES }) {
  const out = [];
  let bytes = 0;
  let cursor = before;
  for (;;) {
    const want = Math.min(ROWS_PER_READ, limit - out.length);
    // Sizes first: a row is read whole only if the page has room for it.
    /** @type {D1Result<{id: number, time: string, webhook: string, outcome: string, config_version: string | null, applied_version: number | null, size: number}>} */
    const { results } = await db.prepare(
      `SELECT id, time, webhook, outcome, config_version, json_extract(summary, '$.appliedConfigVersion') AS applied_version,
         COALESCE(length(body), 0) + COALESCE(length(headers), 0) + COALESCE(length(query), 0) AS size
       FROM deliveries WHERE (?1 IS NULL OR webhook = ?1) AND (?3 IS NULL OR id = ?3) AND (?4 IS NULL OR id < ?4)
       ORDER BY id DESC LIMIT ?2`,
    ).bind(webhook, want + 1, id, cursor).all();
    const rows = results.slice(0, want);
    let full = false;
    const take = [];
    for (const r of rows) {
      if (withRequest && out.length + take.length > 0 && bytes + r.size > maxBytes) {
        full = true;
        break;
      }
      bytes += withRequest ? r.size : 0;
      take.push(r);
    }
    const requests = new Map();
    if (withRequest && take.length > 0) {
      /** @type {D1Result<{id: number, body: string | null, headers: string | null, query: string | null}>} */
      const { results: stored } = await db.prepare('SELECT id, body, headers, query FROM deliveries WHERE id IN (SELECT value FROM json_each(?1))')
        .bind(JSON.stringify(take.map((r) => r.id))).all();
      for (const r of stored) requests.set(r.id, storedRequest(r));
    }
    for (const r of take) {
      /** @type {{id: number, webhook: string, receivedAt: string, status: string, configVersion: unknown, request?: unknown}} */
      const d = {
        id: r.id, webhook: r.webhook, receivedAt: r.time, status: r.outcome,
        configVersion: versionNumber(r.applied_version ?? r.config_version),
      };
      if (withRequest) d.request = requests.get(r.id) ?? null;
      out.push(d);
    }
    if (take.length > 0) cursor = take[take.length - 1].id;
    // Full by bytes: the rest is on the next page. Full by count, or the last rows read: a next
    // page exists when D1 had a row beyond these.
    if (full) return { deliveries: out, next: cursor };
    if (out.length >= limit || results.length <= want) return { deliveries: out, next: results.length > want ? cursor : null };
  }
}

/**
 * The newest deliveries for the admin API (see adminPage), without a cursor.
 * @param {D1Database} db
 * @param {{webhook?: string | null, limit?: number, withRequest?: boolean, id?: number | null}} options
 * @returns {Promise<object[]>}
 */
export async function adminList(db, options) {
  return (await adminPage(db, options)).deliveries;
}

/**
 * A stored request as the engine reads it, `{body, headers, queryParams}` (null when the row
 * holds none: a refused delivery), as served by the admin API: values kept by the allow-list
 * (allowlist.mjs), any credential-looking name redacted (rows stored before it, too).
 * @param {{body: string | null, headers: string | null, query: string | null}} r
 * @returns {{body: unknown, headers: Record<string, unknown>, queryParams: Record<string, unknown>} | null}
 */
export function storedRequest(r) {
  if (r.body === null || r.body === undefined) return null;
  let body;
  try {
    body = JSON.parse(r.body);
  } catch {
    body = r.body;
  }
  return { body, headers: servedHeaders(JSON.parse(r.headers || '{}')), queryParams: servedQuery(JSON.parse(r.query || '{}')) };
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
  /** @type {{summary: string} | null} */
  const r = await db.prepare('SELECT summary FROM deliveries WHERE id = ?1').bind(id).first();
  const summary = JSON.parse(r?.summary || '{}');
  return { ...row, results: summary.entities ?? [], diagnostics: summary.diagnostics ?? [], ...(summary.message ? { message: summary.message } : {}) };
}
