// The admin API (POST /api/…), behind `Authorization: Bearer <ADMIN_TOKEN>` (auth.mjs):
//   POST /api/deliveries/{id}/replay   re-queue one stored delivery (any state but a refusal)
//   POST /api/dead-letters/replay      re-queue every dead delivery
//   POST /api/sweep                    run the sweeper now (the cron runs it every minute)
// A replay starts over: attempts and the retry budget reset, every entity is applied again
// (still subject to the ordering check).
import { requireAdmin } from './auth.mjs';
import { sweep } from './consumer.mjs';
import * as deliveries from './deliveries.mjs';
import { fail, json } from './http.mjs';

/**
 * Send deliveries to the queue, 100 a call, noting each chunk as queued.
 * @param {Env} env
 * @param {number[]} ids
 */
async function send(env, ids) {
  for (let i = 0; i < ids.length; i += 100) {
    const chunk = ids.slice(i, i + 100);
    await env.DELIVERIES.sendBatch(chunk.map((id) => ({ body: { id } })));
    await deliveries.markEnqueued(env.DB, chunk);
  }
}

/**
 * POST /api/deliveries/{id}/replay
 * @param {Request} request
 * @param {Env} env
 * @param {string} idText
 * @returns {Promise<Response>}
 */
export async function replayOne(request, env, idText) {
  const denied = await requireAdmin(request, env);
  if (denied) return denied;
  const id = Number(idText);
  if (!/^\d+$/.test(idText) || !Number.isSafeInteger(id)) return fail(404, 'not_found', `'${idText}' is not a delivery id (see GET /deliveries)`);
  const ids = await deliveries.requeue(env.DB, { id });
  if (ids.length === 0) {
    const [row] = await deliveries.list(env.DB, { id, limit: 1 });
    if (!row) return fail(404, 'not_found', `no delivery ${id}`);
    return fail(409, 'not_replayable', `delivery ${id} (${row.state}) holds no stored request: only accepted deliveries can be replayed`);
  }
  await send(env, ids);
  return json(202, { ok: true, deliveryId: id, status: 'queued' });
}

/**
 * POST /api/dead-letters/replay
 * @param {Request} request
 * @param {Env} env
 * @returns {Promise<Response>}
 */
export async function replayDead(request, env) {
  const denied = await requireAdmin(request, env);
  if (denied) return denied;
  const ids = await deliveries.requeue(env.DB, { state: 'dead' });
  await send(env, ids);
  return json(202, { ok: true, replayed: ids.length, deliveryIds: ids, status: 'queued' });
}

/**
 * POST /api/sweep: run the sweeper now (`wrangler dev` runs no cron; `make worker` calls this
 * every minute).
 * @param {Request} request
 * @param {Env} env
 * @returns {Promise<Response>}
 */
export async function sweepNow(request, env) {
  const denied = await requireAdmin(request, env);
  if (denied) return denied;
  const { requeued } = await sweep(env);
  return json(200, { ok: true, requeued });
}
