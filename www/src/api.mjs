// The admin API for configurations and deliveries, behind `Authorization: Bearer <ADMIN_TOKEN>`
// (auth.mjs; the router checks it before any /api/ route):
//   GET  /api/webhooks                      the webhooks: id, title, enabled, live version
//   GET  /api/webhooks/{id}                 the live configuration and every version
//   PUT  /api/webhooks/{id}                 {config, orderBy?, note?, force?}: a new version (validated by the
//                                           engine; one with expressions that do not compile needs force)
//   GET  /api/webhooks/{id}/versions/{n}    one version's configuration
//   POST /api/webhooks/{id}/rollback        {version, note?}: a new version equal to that one
//   GET  /api/deliveries?webhook=&limit=&include=request&before=   the newest deliveries, a page of at most
//                                           `limit` and about ADMIN_PAGE_BYTES (4 MiB) of requests; `next` continues
//   GET  /api/deliveries/{id}               one delivery: its stored request, results, diagnostics
// Signing secrets never enter D1 nor an answer: a configuration holding security.secret is refused.
import { Mapper, MapperError } from 'hookmap';
import { ConfigError, importFromBinding, numericVar, validId, withoutSecret } from './config.mjs';
import * as deliveries from './deliveries.mjs';
import { forgetAbsent } from './ingest.mjs';
import { fail, json } from './http.mjs';

/** Largest PUT body (a configuration): 1 MiB. */
const MAX_CONFIG_BYTES = 1 << 20;
/** Most deliveries one GET /api/deliveries answers. */
export const MAX_DELIVERIES = 500;

/**
 * A webhook as GET /api/webhooks lists it.
 * @param {string} id
 * @param {{config: string, version: number, updated_at: string}} row Its live version.
 */
const summaryOf = (id, row) => {
  const config = JSON.parse(row.config);
  const plain = config && typeof config === 'object' && !Array.isArray(config);
  return { id, title: plain && typeof config.title === 'string' ? config.title : id, enabled: !(plain && config.enabled === false), version: row.version, updatedAt: row.updated_at };
};

/**
 * A request's body as a JSON object, or the error answer.
 * @param {Request} request
 * @returns {Promise<{value: Record<string, any>, error?: undefined} | {error: Response, value?: undefined}>}
 */
async function readJsonBody(request) {
  const text = await request.text();
  if (text.length > MAX_CONFIG_BYTES) return { error: fail(413, 'payload_too_large', `the body is larger than ${MAX_CONFIG_BYTES} bytes`) };
  try {
    const value = JSON.parse(text);
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
    return { value };
  } catch (e) {
    return { error: fail(400, 'invalid_json', `the body must be a JSON object (${e.message})`) };
  }
}

/**
 * Import from the WEBHOOKS binding; a binding that is not usable does not stop the admin API
 * (D1 is the source): its problem is returned, to show.
 * @param {Env} env
 * @param {string} [id] One webhook id (else every one the binding names).
 * @returns {Promise<string | null>}
 */
async function importSafely(env, id) {
  try {
    await importFromBinding(env, id);
    return null;
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
}

/**
 * The webhook's live row and configuration, or null.
 * @param {Env} env
 * @param {string} id
 * @returns {Promise<{version: number, updated_at: string, config: string, order_by: string | null} | null>}
 */
async function live(env, id) {
  await importSafely(env, id);
  return env.DB.prepare(
    `SELECT w.current_version AS version, w.updated_at, v.config, v.order_by FROM webhooks w
     JOIN webhook_versions v ON v.webhook = w.id AND v.version = w.current_version WHERE w.id = ?1`,
  ).bind(id).first();
}

/**
 * Store a new version and make it live; returns its number. This isolate forgets that the id
 * was absent (ingest.mjs answers 404 from memory for a minute); other isolates learn within it.
 * @param {Env} env
 * @param {string} id
 * @param {{configText: string, orderBy: string | null, note: string | null}} version
 * @returns {Promise<number>}
 */
async function publish(env, id, { configText, orderBy, note }) {
  forgetAbsent(id);
  const now = new Date().toISOString();
  /** @type {D1Result<{version: number}>[]} */
  const [inserted] = await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO webhook_versions (webhook, version, config, order_by, created_at, note)
       SELECT ?1, COALESCE(MAX(version), 0) + 1, ?2, ?3, ?4, ?5 FROM webhook_versions WHERE webhook = ?1 RETURNING version`,
    ).bind(id, configText, orderBy, now, note),
    env.DB.prepare(
      `INSERT INTO webhooks (id, current_version, created_at, updated_at)
       VALUES (?1, (SELECT MAX(version) FROM webhook_versions WHERE webhook = ?1), ?2, ?2)
       ON CONFLICT (id) DO UPDATE SET current_version = excluded.current_version, updated_at = excluded.updated_at`,
    ).bind(id, now),
  ]);
  return inserted.results[0].version;
}

/**
 * The `note` of a request body, or the error answer.
 * @param {unknown} value
 * @returns {{note: string | null, error?: undefined} | {error: Response, note?: undefined}}
 */
function noteOf(value) {
  if (value === undefined || value === null) return { note: null };
  if (typeof value !== 'string' || value.length > 1000) return { error: fail(400, 'invalid_note', '`note` must be a string of at most 1000 characters') };
  return { note: value };
}

/**
 * Handle /api/webhooks… and GET /api/deliveries…, or return null when the path is not one of
 * them. The caller has checked ADMIN_TOKEN.
 * @param {Request} request
 * @param {Env} env
 * @param {string[]} rest The path after /api/.
 * @returns {Promise<Response | null>}
 */
export async function manage(request, env, rest) {
  const url = new URL(request.url);
  const methods = (/** @type {string} */ allowed) => fail(405, 'method_not_allowed', `${url.pathname} accepts ${allowed} only`, {}, { allow: allowed });
  const [resource, idPart, action, ...more] = rest;
  if (more.length > 1 || (more.length === 1 && action !== 'versions')) return null;

  if (resource === 'webhooks') {
    if (idPart === undefined) {
      if (request.method !== 'GET') return methods('GET');
      const bindingProblem = await importSafely(env);
      /** @type {D1Result<{id: string, version: number, updated_at: string, config: string}>} */
      const { results } = await env.DB.prepare(
        `SELECT w.id, w.current_version AS version, w.updated_at, v.config FROM webhooks w
         JOIN webhook_versions v ON v.webhook = w.id AND v.version = w.current_version ORDER BY w.id`,
      ).all();
      return json(200, { ok: true, webhooks: results.map((r) => summaryOf(r.id, r)), ...(bindingProblem ? { warning: bindingProblem } : {}) });
    }
    let id;
    try {
      id = decodeURIComponent(idPart);
    } catch {
      id = null;
    }
    if (!validId(id)) return fail(404, 'not_found', `'${idPart}' is not a webhook id (letters, digits, '_', '-', '.')`);

    if (action === undefined) {
      if (request.method === 'GET') {
        const row = await live(env, id);
        if (!row) return fail(404, 'unknown_webhook', `no webhook '${id}'; create it with PUT /api/webhooks/${id}`);
        const { results } = await env.DB.prepare('SELECT version, created_at, note FROM webhook_versions WHERE webhook = ?1 ORDER BY version DESC').bind(id).all();
        return json(200, {
          ok: true, id, version: row.version, config: JSON.parse(row.config), orderBy: row.order_by ?? null,
          versions: results.map((v) => ({ version: v.version, createdAt: v.created_at, note: v.note ?? null })),
        });
      }
      if (request.method !== 'PUT') return methods('GET, PUT');
      const { value, error } = await readJsonBody(request);
      if (error) return error;
      const { note, error: badNote } = noteOf(value.note);
      if (badNote) return badNote;
      const given = value.config;
      if (given === undefined || given === null || (typeof given !== 'object' && typeof given !== 'string')) {
        return fail(400, 'missing_config', 'the body must be {"config": <Port webhook configuration (object, or its JSON text)>, "note"?: "...", "orderBy"?: "<jq>" | null, "force"?: true}');
      }
      let config = given;
      if (typeof given === 'string') {
        try {
          config = JSON.parse(given);
        } catch {
          config = undefined;
        }
      }
      if (config && typeof config === 'object' && !Array.isArray(config) && config.security && typeof config.security === 'object' && 'secret' in config.security) {
        return fail(422, 'secret_in_configuration', `a configuration stored here holds no signing secret: remove security.secret and set it with \`wrangler secret put WEBHOOK_SECRET_${id.toUpperCase().replace(/[^A-Z0-9]/g, '_')}\``);
      }
      let uncompiled = [];
      try {
        // Text keeps its locations (line, column) in the diagnostics.
        const mapper = new Mapper(given);
        uncompiled = mapper.warnings.filter((d) => d.code === 'jq-compile');
        mapper.free?.();
      } catch (e) {
        if (!(e instanceof MapperError)) throw e;
        return json(422, { ok: false, error: 'invalid_configuration', message: `the engine refused this configuration: ${e.message}`, diagnostics: e.diagnostics });
      }
      // Port maps a configuration whose expressions do not compile (null in those fields), and
      // so does the consumer; publishing one is refused unless asked for (`"force": true`).
      if (uncompiled.length > 0 && value.force !== true) {
        const fields = [...new Set(uncompiled.map((d) => d.field))].join(', ');
        return json(422, {
          ok: false,
          error: 'does_not_compile',
          message: `${uncompiled.length} expression${uncompiled.length === 1 ? ' does' : 's do'} not compile in Port's engine (${fields}): Port stores null there. Fix ${uncompiled.length === 1 ? 'it' : 'them'}, or publish anyway with "force": true`,
          diagnostics: uncompiled,
        });
      }
      await importSafely(env, id);
      let orderBy;
      if ('orderBy' in value) {
        if (value.orderBy !== null && (typeof value.orderBy !== 'string' || value.orderBy.trim() === '')) return fail(400, 'invalid_order_by', '`orderBy` must be a jq expression (a non-empty string) or null');
        orderBy = value.orderBy;
      } else {
        orderBy = /** @type {{order_by: string | null} | null} */ (await env.DB.prepare('SELECT v.order_by FROM webhooks w JOIN webhook_versions v ON v.webhook = w.id AND v.version = w.current_version WHERE w.id = ?1').bind(id).first())?.order_by ?? null;
      }
      const version = await publish(env, id, { configText: JSON.stringify(withoutSecret(config), null, 2), orderBy, note });
      return json(200, { ok: true, id, version });
    }

    if (action === 'versions' && more.length === 1) {
      if (request.method !== 'GET') return methods('GET');
      const n = Number(more[0]);
      await importSafely(env, id);
      /** @type {{version: number, config: string, order_by: string | null, created_at: string, note: string | null} | null} */
      const v = /^\d+$/.test(more[0]) && Number.isSafeInteger(n)
        ? await env.DB.prepare('SELECT version, config, order_by, created_at, note FROM webhook_versions WHERE webhook = ?1 AND version = ?2').bind(id, n).first()
        : null;
      if (!v) return fail(404, 'unknown_version', `webhook '${id}' has no version ${more[0]}`);
      return json(200, { ok: true, id, version: v.version, config: JSON.parse(v.config), orderBy: v.order_by ?? null, createdAt: v.created_at, note: v.note ?? null });
    }

    if (action === 'rollback') {
      if (request.method !== 'POST') return methods('POST');
      const { value, error } = await readJsonBody(request);
      if (error) return error;
      const { note, error: badNote } = noteOf(value.note);
      if (badNote) return badNote;
      if (!Number.isSafeInteger(value.version) || value.version < 1) return fail(400, 'invalid_version', 'the body must be {"version": <a version number of GET /api/webhooks/' + id + '>}');
      await importSafely(env, id);
      /** @type {{config: string, order_by: string | null} | null} */
      const old = await env.DB.prepare('SELECT config, order_by FROM webhook_versions WHERE webhook = ?1 AND version = ?2').bind(id, value.version).first();
      if (!old) return fail(404, 'unknown_version', `webhook '${id}' has no version ${value.version}`);
      const version = await publish(env, id, { configText: old.config, orderBy: old.order_by, note: note ?? `rollback to version ${value.version}` });
      return json(200, { ok: true, id, version, rolledBackTo: value.version });
    }
    return null;
  }

  if (resource === 'deliveries' && action === undefined) {
    if (idPart === undefined) {
      if (request.method !== 'GET') return methods('GET');
      const limitText = url.searchParams.get('limit');
      const limit = limitText === null ? 50 : Number(limitText);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_DELIVERIES) return fail(400, 'invalid_limit', `limit must be a whole number from 1 to ${MAX_DELIVERIES}`);
      const include = url.searchParams.get('include');
      if (include !== null && include !== 'request') return fail(400, 'invalid_include', 'include accepts `request` only (each delivery then holds its stored request)');
      const beforeText = url.searchParams.get('before');
      const before = beforeText === null ? null : Number(beforeText);
      if (before !== null && (!/^\d+$/.test(/** @type {string} */ (beforeText)) || !Number.isSafeInteger(before))) return fail(400, 'invalid_before', 'before must be a delivery id (the `next` of the previous page)');
      const page = await deliveries.adminPage(env.DB, {
        webhook: url.searchParams.get('webhook'), limit, withRequest: include === 'request', before,
        maxBytes: numericVar(env.ADMIN_PAGE_BYTES, deliveries.DEFAULT_PAGE_BYTES),
      });
      return json(200, { ok: true, deliveries: page.deliveries, next: page.next });
    }
    if (request.method !== 'GET') return methods('GET');
    const n = Number(idPart);
    if (!/^\d+$/.test(idPart) || !Number.isSafeInteger(n)) return fail(404, 'not_found', `'${idPart}' is not a delivery id (see GET /api/deliveries)`);
    const delivery = await deliveries.adminOne(env.DB, n);
    if (!delivery) return fail(404, 'not_found', `no delivery ${n}`);
    return json(200, { ok: true, delivery });
  }
  return null;
}
