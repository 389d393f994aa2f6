// Duplicate deliveries: the identities given by security.requestIdentifierPath, remembered in
// D1 (table seen_deliveries) for a time-to-live. A delivery is claimed before it is processed
// (one atomic statement, so two concurrent copies can't both pass) and released again when it
// could not be applied, so the sender's retry is processed.

/** Default memory of a delivery identity: 3 days (Spacelift and Port retry for less). */
export const DEFAULT_TTL_SECONDS = 3 * 24 * 3600;

/**
 * Claim a delivery identity. True when it is new (or its memory expired), false for a duplicate.
 * @param {D1Database} db
 * @param {string} webhook Webhook id.
 * @param {string} requestId The delivery's identity.
 * @param {number} ttlSeconds How long to remember it.
 * @param {number} [now] Milliseconds since the epoch.
 * @returns {Promise<boolean>}
 */
export async function claim(db, webhook, requestId, ttlSeconds, now = Date.now()) {
  const result = await db
    .prepare(
      `INSERT INTO seen_deliveries (webhook, request_id, expires_at) VALUES (?1, ?2, ?3)
       ON CONFLICT (webhook, request_id) DO UPDATE SET expires_at = excluded.expires_at
       WHERE seen_deliveries.expires_at <= ?4`,
    )
    .bind(webhook, requestId, now + ttlSeconds * 1000, now)
    .run();
  return result.meta.changes > 0;
}

/**
 * Forget a claimed identity (the delivery could not be applied; its retry must be processed).
 * @param {D1Database} db
 * @param {string} webhook
 * @param {string} requestId
 * @returns {Promise<void>}
 */
export async function release(db, webhook, requestId) {
  await db.prepare('DELETE FROM seen_deliveries WHERE webhook = ?1 AND request_id = ?2').bind(webhook, requestId).run();
}

/**
 * Drop expired identities (called now and then; cheap).
 * @param {D1Database} db
 * @param {number} [now]
 * @returns {Promise<void>}
 */
export async function prune(db, now = Date.now()) {
  await db.prepare('DELETE FROM seen_deliveries WHERE expires_at <= ?1').bind(now).run();
}

/**
 * The identity as a string key: strings as they are, anything else as its JSON text.
 * @param {unknown} value What requestIdentifierPath yielded.
 * @returns {string | null} null when there is no usable identity.
 */
export function identityKey(value) {
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}
