// The audit log of deliveries (table deliveries): every authenticated delivery's outcome, with
// its summary, newest first. Kept bounded by age (AUDIT_RETENTION_DAYS, default 30).

/** Default retention of audit rows, in days. */
export const DEFAULT_RETENTION_DAYS = 30;

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
    db.prepare('DELETE FROM deliveries WHERE time < ?1').bind(cutoff),
  ];
}

/**
 * The latest deliveries, newest first.
 * @param {D1Database} db
 * @param {{limit?: number, webhook?: string | null}} [options]
 * @returns {Promise<object[]>} `{id, time, webhook, requestId, outcome, status, applied, failed, entities, diagnostics, errors}`
 */
export async function list(db, { limit = 50, webhook = null } = {}) {
  const { results } = await db
    .prepare(
      `SELECT id, time, webhook, request_id, outcome, status, applied, failed, summary FROM deliveries
       WHERE ?1 IS NULL OR webhook = ?1 ORDER BY id DESC LIMIT ?2`,
    )
    .bind(webhook, limit)
    .all();
  return results.map((r) => {
    const summary = JSON.parse(r.summary);
    return {
      id: r.id,
      time: r.time,
      webhook: r.webhook,
      requestId: r.request_id,
      outcome: r.outcome,
      status: r.status,
      applied: r.applied,
      failed: r.failed,
      message: summary.message,
      entities: summary.entities ?? [],
      diagnostics: summary.diagnostics ?? [],
    };
  });
}
