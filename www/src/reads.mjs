// The read endpoints: GET /entities/{blueprint}, GET /entities/{blueprint}/{identifier},
// GET /deliveries. Each needs `Authorization: Bearer <READ_TOKEN or ADMIN_TOKEN>` (auth.mjs);
// with neither configured they answer 403 saying how to set one.
import { requireReader } from './auth.mjs';
import { getEntity, listEntities } from './catalog-d1.mjs';
import * as deliveryLog from './deliveries.mjs';
import { fail, json } from './http.mjs';
import { catalogTarget } from './ingest.mjs';

/**
 * The `?limit=` of a read: a positive whole number, at most `max`, else `fallback`.
 * @param {URL} url
 * @param {number} fallback
 * @param {number} max
 * @returns {number}
 */
const limitOf = (url, fallback, max) => {
  const n = Number(url.searchParams.get('limit') ?? fallback);
  return Number.isInteger(n) && n > 0 ? Math.min(n, max) : fallback;
};

/**
 * GET /entities/{blueprint}[/{identifier}] (path parts already URL-decoded).
 * @param {Request} request
 * @param {Env} env
 * @param {string} blueprint
 * @param {string | undefined} identifier
 * @returns {Promise<Response>}
 */
export async function entities(request, env, blueprint, identifier) {
  const denied = await requireReader(request, env);
  if (denied) return denied;
  if (catalogTarget(env).kind === 'port') {
    return fail(404, 'catalog_is_port', 'this worker writes entities to Port (PORT_CLIENT_ID is set), not to its built-in catalog: read them in Port');
  }
  if (!env.DB) return fail(500, 'no_database', 'the worker has no D1 binding named DB');
  const url = new URL(request.url);
  if (identifier !== undefined) {
    const entity = await getEntity(env.DB, blueprint, identifier);
    if (!entity) return fail(404, 'not_found', `no entity '${identifier}' of blueprint '${blueprint}' in the catalog`);
    return json(200, { ok: true, entity });
  }
  const page = await listEntities(env.DB, blueprint, { limit: limitOf(url, 100, 1000), after: url.searchParams.get('after') });
  return json(200, { ok: true, ...page });
}

/**
 * GET /deliveries: the deliveries, newest first, each with its state and per-entity results
 * (`?limit=` up to 500, `?webhook=`, `?state=`, `?id=` to filter).
 * @param {Request} request
 * @param {Env} env
 * @returns {Promise<Response>}
 */
export async function deliveries(request, env) {
  const denied = await requireReader(request, env);
  if (denied) return denied;
  if (!env.DB) return fail(500, 'no_database', 'the worker has no D1 binding named DB');
  const url = new URL(request.url);
  const idParam = url.searchParams.get('id');
  const id = idParam === null ? null : Number(idParam);
  if (id !== null && !Number.isSafeInteger(id)) return fail(400, 'invalid_id', `?id= must be a delivery id (an integer), not ${JSON.stringify(idParam)}`);
  const rows = await deliveryLog.list(env.DB, {
    limit: limitOf(url, 50, 500), webhook: url.searchParams.get('webhook'), state: url.searchParams.get('state'), id,
  });
  return json(200, { ok: true, deliveries: rows });
}
