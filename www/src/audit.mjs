// The audit rows of deliveries that were not queued (table deliveries): refused bodies,
// duplicates and errors, with their summary. Accepted deliveries are stored by deliveries.mjs.
// Kept bounded by age (DELIVERY_RETENTION_DAYS, default 7); queued, retrying and dead rows are
// never pruned.

/** Default retention of audit rows, in days. */
export const DEFAULT_RETENTION_DAYS = 7;

/**
 * Record a delivery's outcome.
 * @param {D1Database} db
 * @param {{webhook: string, requestId?: string | null, outcome: string, status: number,
 *   applied?: number, failed?: number, summary: object}} row
 * @param {number} retentionDays Rows older than this are dropped.
 * @returns {Promise<void>}
 */
export async function record(db, row, retentionDays = DEFAULT_RETENTION_DAYS) {
  await db.batch(recordStatements(db, row, retentionDays));
}

/**
 * The statements that record a delivery's outcome, to run in a caller's batch (so that the
 * catalog change and its audit row are written in one transaction).
 * @param {D1Database} db
 * @param {{webhook: string, requestId?: string | null, outcome: string, status: number,
 *   applied?: number, failed?: number, summary: object}} row
 * @param {number} retentionDays
 * @returns {D1PreparedStatement[]}
 */
export function recordStatements(db, row, retentionDays = DEFAULT_RETENTION_DAYS) {
  const now = new Date();
  const cutoff = new Date(now.getTime() - retentionDays * 86400_000).toISOString();
  return [
    db
      .prepare(
        'INSERT INTO deliveries (time, webhook, request_id, outcome, status, applied, failed, summary) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)',
      )
      .bind(now.toISOString(), row.webhook, row.requestId ?? null, row.outcome, row.status, row.applied ?? 0, row.failed ?? 0, JSON.stringify(row.summary)),
    db.prepare("DELETE FROM deliveries WHERE time < ?1 AND outcome NOT IN ('queued', 'retrying', 'dead')").bind(cutoff),
  ];
}
