// The read endpoints: GET /entities/{blueprint}, GET /entities/{blueprint}/{identifier},
// GET /deliveries. Protected by a bearer token when the READ_TOKEN binding is set.
import * as audit from './audit.mjs';
import { getEntity, listEntities } from './catalog-d1.mjs';
import { fail, json, timingSafeEqual } from './http.mjs';
import { catalogTarget } from './ingest.mjs';

const limitOf = (url, fallback, max) => {
  const n = Number(url.searchParams.get('limit') ?? fallback);
  return Number.isInteger(n) && n > 0 ? Math.min(n, max) : fallback;
};

/**
 * Refuse a read without the right bearer token, when READ_TOKEN is set.
 * @param {Request} request
 * @param {Record<string, unknown>} env
 * @returns {Response | null} The refusal, or null when the read may go on.
 */
export function checkReadToken(request, env) {
  if (!env.READ_TOKEN) return null;
  const header = request.headers.get('authorization') ?? '';
  const match = /^Bearer\s+(.+)$/i.exec(header);
  if (match && timingSafeEqual(match[1].trim(), String(env.READ_TOKEN))) return null;
  return fail(401, 'unauthorized', 'this endpoint needs `Authorization: Bearer <READ_TOKEN>`', {}, { 'www-authenticate': 'Bearer realm="hookmap"' });
}

/**
 * GET /entities/{blueprint}[/{identifier}] (path parts already URL-decoded).
 * @param {Request} request
 * @param {Record<string, any>} env
 * @param {string} blueprint
 * @param {string | undefined} identifier
 * @returns {Promise<Response>}
 */
export async function entities(request, env, blueprint, identifier) {
  const denied = checkReadToken(request, env);
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
 * GET /deliveries: the audit log, newest first (`?limit=` up to 500, `?webhook=` to filter).
 * @param {Request} request
 * @param {Record<string, any>} env
 * @returns {Promise<Response>}
 */
export async function deliveries(request, env) {
  const denied = checkReadToken(request, env);
  if (denied) return denied;
  if (!env.DB) return fail(500, 'no_database', 'the worker has no D1 binding named DB');
  const url = new URL(request.url);
  const rows = await audit.list(env.DB, { limit: limitOf(url, 50, 500), webhook: url.searchParams.get('webhook') });
  return json(200, { ok: true, deliveries: rows });
}
