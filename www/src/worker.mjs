// hookmap's Cloudflare Worker: Port-style webhook ingestion at the edge.
//   POST /webhooks/{id}                       map a delivery and apply it to the catalog
//   GET  /entities/{blueprint}[/{identifier}] the built-in catalog (D1)
//   GET  /deliveries                          the audit log, newest first
//   anything else                             the playground (static assets)
import { fail, json } from './http.mjs';
import { ingest } from './ingest.mjs';
import { deliveries, entities } from './reads.mjs';

function decode(part) {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

/**
 * Route a request to its handler.
 * @param {Request} request
 * @param {Record<string, any>} env
 * @param {ExecutionContext} ctx
 * @returns {Promise<Response>}
 */
export async function route(request, env, ctx) {
  const url = new URL(request.url);
  const parts = url.pathname.split('/').slice(1);
  const [head, ...rest] = parts;
  const methods = (allowed) => fail(405, 'method_not_allowed', `${url.pathname} accepts ${allowed} only`, {}, { allow: allowed });

  if (head === 'webhooks') {
    if (rest.length !== 1 || rest[0] === '') return fail(404, 'not_found', 'deliveries go to POST /webhooks/<id>');
    if (request.method !== 'POST') return methods('POST');
    const id = decode(rest[0]);
    if (id === null) return fail(404, 'not_found', 'the webhook id in the URL is not valid percent-encoding');
    return ingest(request, env, ctx, id);
  }
  if (head === 'entities') {
    if (rest.length < 1 || rest.length > 2 || rest.includes('')) return fail(404, 'not_found', 'read entities with GET /entities/<blueprint> or GET /entities/<blueprint>/<identifier>');
    if (request.method !== 'GET' && request.method !== 'HEAD') return methods('GET');
    const [blueprint, identifier] = rest.map(decode);
    if (blueprint === null || identifier === null) return fail(404, 'not_found', 'the path is not valid percent-encoding');
    return entities(request, env, blueprint, identifier);
  }
  if (head === 'deliveries' && rest.length === 0) {
    if (request.method !== 'GET' && request.method !== 'HEAD') return methods('GET');
    return deliveries(request, env);
  }
  if (env.ASSETS) return env.ASSETS.fetch(request);
  return fail(404, 'not_found', `nothing at ${url.pathname}`);
}

export default {
  /**
   * The Worker's entry point.
   * @param {Request} request
   * @param {Record<string, any>} env
   * @param {ExecutionContext} ctx
   * @returns {Promise<Response>}
   */
  async fetch(request, env, ctx) {
    try {
      return await route(request, env, ctx);
    } catch (e) {
      console.error(`hookmap: unexpected error on ${request.method} ${new URL(request.url).pathname}: ${e?.stack ?? e}`);
      return json(500, { ok: false, error: 'internal_error', message: `unexpected error: ${e?.message ?? e}; the delivery was not applied, retry later` });
    }
  },
};
