// The cron sweeper (every minute; POST /api/sweep runs it now): queue deliveries stored but never
// sent (a crash between store and send) and re-send those long overdue (a lost message), never
// one a running copy holds; make sure a failing target is probed; prune old rows.
import { catalogTarget } from './ingest.mjs';
import { numericVar, retentionDays } from './config.mjs';
import * as dedupe from './dedupe.mjs';
import * as deliveries from './deliveries.mjs';
import { scheduleProbe } from './drain.mjs';

/**
 * @param {Env} env
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
  // A probe lost with its message (a reload of `wrangler dev`): schedule another.
  if (catalogTarget(env).kind === 'port') await scheduleProbe(env, Date.now());
  await deliveries.prune(env.DB, retentionDays(env));
  await dedupe.prune(env.DB);
  return { requeued: ids };
}
