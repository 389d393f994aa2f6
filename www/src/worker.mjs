// hookmap's Cloudflare Worker: Port-style webhook ingestion at the edge, durable on Queues.
//   POST /webhooks/{id}[/{key}]               verify, map (preview), store in D1, queue: 202
//   GET  /entities/{blueprint}[/{identifier}] the built-in catalog (D1)       READ_TOKEN/ADMIN_TOKEN
//   GET  /deliveries                          deliveries, state and results  READ_TOKEN/ADMIN_TOKEN
//   GET  /api/webhooks[/{id}]                 configurations and versions    ADMIN_TOKEN
//   PUT  /api/webhooks/{id}                   publish a new version          ADMIN_TOKEN
//   POST /api/webhooks/{id}/rollback          a new version equal to an old  ADMIN_TOKEN
//   GET  /api/deliveries[/{id}]               deliveries with their request  ADMIN_TOKEN
//   POST /api/deliveries/{id}/replay          re-queue one delivery          ADMIN_TOKEN
//   POST /api/dead-letters/replay             re-queue every dead delivery   ADMIN_TOKEN
//   POST /api/sweep                           run the sweeper now            ADMIN_TOKEN
//   anything else                             the playground (static assets)
// queue():     the consumer of the DELIVERIES queue (and of its dead-letter queue)
// scheduled(): the sweeper (queues stored deliveries that were never sent)
import { replayDead, replayOne, sweepNow } from './admin.mjs';
import { manage } from './api.mjs';
import { requireAdmin } from './auth.mjs';
import { consume, sweep } from './consumer.mjs';
import { fail, json } from './http.mjs';
import { ingest } from './ingest.mjs';
import { deliveries, entities } from './reads.mjs';

/** Headers on every answer: no page of this worker may be framed (clickjacking). */
const FRAME_HEADERS = { 'content-security-policy': "frame-ancestors 'none'", 'x-frame-options': 'DENY' };

/**
 * A path as it may appear in logs: the URL key of /webhooks/{id}/{key} is never written.
 * @param {string} pathname
 * @returns {string}
 */
export function loggedPath(pathname) {
  const m = /^\/webhooks\/([^/]+)\/[^/]+/.exec(pathname);
  return m ? `/webhooks/${m[1]}/<key>` : pathname;
}

/**
 * The same response with FRAME_HEADERS (assets' responses are immutable: copied).
 * @param {Response} response
 * @returns {Response}
 */
function framed(response) {
  const out = new Response(response.body, response);
  for (const [k, v] of Object.entries(FRAME_HEADERS)) out.headers.set(k, v);
  return out;
}

/**
 * A path part URL-decoded, or null when it is not valid percent-encoding.
 * @param {string} part
 * @returns {string | null}
 */
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
 * @param {Env} env
 * @param {ExecutionContext} ctx
 * @returns {Promise<Response>}
 */
export async function route(request, env, ctx) {
  const url = new URL(request.url);
  const parts = url.pathname.split('/').slice(1);
  const [head, ...rest] = parts;
  const methods = (/** @type {string} */ allowed) => fail(405, 'method_not_allowed', `${url.pathname} accepts ${allowed} only`, {}, { allow: allowed });

  if (head === 'webhooks') {
    // Before authentication: "not found", nothing more.
    if (rest.length < 1 || rest.length > 2 || rest.includes('')) return fail(404, 'not_found', 'not found');
    if (request.method !== 'POST') return methods('POST');
    const [id, key = null] = rest.map(decode);
    if (id === null || key === null && rest.length === 2) return fail(404, 'not_found', 'not found');
    return ingest(request, env, ctx, id, key);
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
  if (head === 'api') {
    const denied = await requireAdmin(request, env);
    if (denied) return denied;
    const managed = await manage(request, env, rest);
    if (managed) return managed;
    if (rest.length === 3 && rest[0] === 'deliveries' && rest[2] === 'replay') {
      if (request.method !== 'POST') return methods('POST');
      return replayOne(request, env, rest[1]);
    }
    if (rest.length === 2 && rest[0] === 'dead-letters' && rest[1] === 'replay') {
      if (request.method !== 'POST') return methods('POST');
      return replayDead(request, env);
    }
    if (rest.length === 1 && rest[0] === 'sweep') {
      if (request.method !== 'POST') return methods('POST');
      return sweepNow(request, env);
    }
    return fail(404, 'not_found', `nothing at ${url.pathname}; the admin API has GET /api/webhooks, GET|PUT /api/webhooks/<id>, POST /api/webhooks/<id>/rollback, GET /api/deliveries[/<id>], POST /api/deliveries/<id>/replay, POST /api/dead-letters/replay and POST /api/sweep (docs/worker.md)`);
  }
  if (env.ASSETS) return env.ASSETS.fetch(request);
  return fail(404, 'not_found', `nothing at ${url.pathname}`);
}

// The handlers' signatures are checked against the runtime's (ExportedHandler).
export default /** @satisfies {ExportedHandler<Env, import('./consumer.mjs').MessageBody>} */ ({
  /**
   * The Worker's entry point.
   * @param {Request} request
   * @param {Env} env
   * @param {ExecutionContext} ctx
   * @returns {Promise<Response>}
   */
  async fetch(request, env, ctx) {
    try {
      return framed(await route(request, env, ctx));
    } catch (e) {
      console.error(`hookmap: unexpected error on ${request.method} ${loggedPath(new URL(request.url).pathname)}: ${e?.stack ?? e}`);
      return framed(json(500, { ok: false, error: 'internal_error', message: 'unexpected error; retry later' }));
    }
  },

  /**
   * The queue consumer (DELIVERIES and its dead-letter queue).
   * @param {MessageBatch<import('./consumer.mjs').MessageBody>} batch
   * @param {Env} env
   * @param {ExecutionContext} ctx
   */
  async queue(batch, env, ctx) {
    await consume(batch, env, ctx);
  },

  /**
   * The cron trigger: the sweeper.
   * @param {ScheduledController} controller
   * @param {Env} env
   * @param {ExecutionContext} ctx
   */
  async scheduled(controller, env, ctx) {
    try {
      await sweep(env);
    } catch (e) {
      console.error(`hookmap: the sweeper failed: ${e?.stack ?? e}`);
      throw e;
    }
  },
});
