// Duplicate deliveries: the identities given by security.requestIdentifierPath, remembered in
// D1 (table seen_deliveries) for a time-to-live. The claim is made in the same transaction that
// stores the delivery (deliveries.store), so an identity is remembered exactly when its delivery
// is stored, and two concurrent copies can't both be stored.

/** Default memory of a delivery identity: 3 days (Spacelift and Port retry for less). */
export const DEFAULT_TTL_SECONDS = 3 * 24 * 3600;

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
