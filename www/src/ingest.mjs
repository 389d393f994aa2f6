// POST /webhooks/{id}[/{key}]: accept a delivery fast and durably. Known and enabled, URL key
// (for webhooks that check no signature), size limit, signature on the raw bytes, UTF-8, JSON,
// mapping (the answer carries the entities and diagnostics as a preview), then the delivery is
// stored in D1 (duplicate checks in the same transaction: its requestIdentifierPath value and,
// signed, its body's digest) and its id sent on the DELIVERIES queue; the answer is 202 without
// waiting for the catalog. The queue consumer (consumer.mjs) applies it.
import { MapperError, checkRequest, verifySignature } from 'hookmap';
import * as audit from './audit.mjs';
import { keptHeaders, keptQuery } from './allowlist.mjs';
import { checkUrlKey } from './auth.mjs';
import { ConfigError, numericVar, retentionDays, secretBindingName, webhook } from './config.mjs';
import * as dedupe from './dedupe.mjs';
import * as deliveries from './deliveries.mjs';
import { BodyTooLarge, fail, json, readBodyLimited } from './http.mjs';
import { DEFAULT_PORT_API_URL } from './port-client.mjs';

/** Port's limit on a webhook payload. */
export const MAX_BODY_BYTES = 512 * 1024;
/** Diagnostics kept per delivery in the log. */
export const AUDIT_DIAGNOSTICS = 50;


/**
 * The catalog target: Port when PORT_CLIENT_ID and PORT_CLIENT_SECRET are set, else D1.
 * @param {Env} env
 * @returns {{kind: 'port', port: {apiUrl: string, clientId: string, clientSecret: string}} | {kind: 'd1'}}
 */
export function catalogTarget(env) {
  if (env.PORT_CLIENT_ID && env.PORT_CLIENT_SECRET) {
    const apiUrl = String(env.PORT_API_URL || DEFAULT_PORT_API_URL).replace(/\/+$/, '');
    return { kind: 'port', port: { apiUrl, clientId: String(env.PORT_CLIENT_ID), clientSecret: String(env.PORT_CLIENT_SECRET) } };
  }
  return { kind: 'd1' };
}

/**
 * A URL's query parameters: name -> value, or its values when it is given more than once.
 * @param {URL} url
 * @returns {Record<string, string | string[]>}
 */
function queryParams(url) {
  /** @type {Record<string, string | string[]>} */
  const out = {};
  for (const key of new Set(url.searchParams.keys())) {
    const all = url.searchParams.getAll(key);
    out[key] = all.length === 1 ? all[0] : all;
  }
  return out;
}

/**
 * The engine's diagnostic for a body it can't read as JSON (code `json-syntax`), with its location.
 * @param {string} text
 */
function jsonSyntaxError(text) {
  return checkRequest(text, { bodyOnly: true }).find((d) => d.code === 'json-syntax');
}

/**
 * The request JSON the engine maps, from a delivery's stored parts (the raw body text as is).
 * @param {string} body
 * @param {string} headersJson
 * @param {string} queryJson
 * @returns {string}
 */
export const requestText = (body, headersJson, queryJson) => `{"body":${body},"headers":${headersJson},"queryParams":${queryJson}}`;

/** How long an id that names no enabled webhook answers 404 from this isolate's memory. */
const ABSENT_TTL_MS = 60_000;
/** Ids remembered as absent (bounded; the oldest go first). */
const ABSENT_MAX = 10_000;
/** @type {Map<string, number>} id -> until (ms) */
const absent = new Map();

/**
 * Forget that `id` was absent (a configuration was just published in this isolate).
 * @param {string} id
 */
export function forgetAbsent(id) {
  absent.delete(id);
}

/**
 * Remember that `id` names no enabled webhook, for ABSENT_TTL_MS.
 * @param {string} id
 * @param {number} now ms
 */
function rememberAbsent(id, now) {
  if (absent.size >= ABSENT_MAX) absent.delete(/** @type {string} */ (absent.keys().next().value));
  absent.set(id, now + ABSENT_TTL_MS);
}

/** Before authentication, an answer says no more than this. */
const notFound = () => fail(404, 'not_found', 'not found');
const unauthorized = () => fail(401, 'unauthorized', 'unauthorized');

/** Clients whose rejected requests went over the REJECTED rate limit: client -> until (ms). */
const blocked = new Map();

/** The client a rate limit counts: the connecting IP (Cloudflare sets it; it can't be forged). */
const clientOf = (/** @type {Request} */ request) => request.headers.get('cf-connecting-ip') ?? 'unknown';

/**
 * Count a rejected request against the REJECTED rate limit (the Workers Rate Limiting binding);
 * a client over it is answered 429 to everything for a minute, before any D1 read or crypto.
 * @param {Env} env
 * @param {Request} request
 * @param {Response} answer The rejection.
 * @returns {Promise<Response>} The 429, when this rejection went over the limit; else `answer`.
 */
async function rejected(env, request, answer) {
  if (!env.REJECTED || typeof env.REJECTED.limit !== 'function') return answer;
  const client = clientOf(request);
  try {
    const { success } = await env.REJECTED.limit({ key: client });
    if (!success) {
      blocked.set(client, Date.now() + 60_000);
      return tooMany();
    }
  } catch (e) {
    console.error(`hookmap: the REJECTED rate limit failed (${e.message}); not counted`);
  }
  return answer;
}

const tooMany = () => fail(429, 'too_many_requests', 'too many requests', {}, { 'retry-after': '60' });

/**
 * SHA-256 of bytes, in hex.
 * @param {Uint8Array} bytes
 * @returns {Promise<string>}
 */
async function sha256Hex(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Handle one delivery. Until it is authenticated (a valid signature, or the webhook's URL key),
 * an answer says only "not found" (no webhook by that id, or disabled: the same answer, from this
 * isolate's memory when repeated) or "unauthorized"; the reasons go to the worker's log (never
 * the URL key).
 * @param {Request} request
 * @param {Env} env The worker's bindings.
 * @param {ExecutionContext} ctx
 * @param {string} id The webhook id from the URL.
 * @param {string | null} key The URL key (POST /webhooks/{id}/{key}), or null.
 * @returns {Promise<Response>}
 */
export async function ingest(request, env, ctx, id, key = null) {
  if (!env.DB) return fail(500, 'no_database', 'the worker has no D1 binding named DB (wrangler.toml [[d1_databases]] binding = "DB"); it stores deliveries there');
  if (!env.DELIVERIES) return fail(500, 'no_queue', 'the worker has no queue binding named DELIVERIES (wrangler.toml [[queues.producers]] binding = "DELIVERIES"); create the queue with `wrangler queues create hookmap-deliveries` (see docs/worker.md)');
  const now = Date.now();
  const client = clientOf(request);
  if ((blocked.get(client) ?? 0) > now) return tooMany();
  if ((absent.get(id) ?? 0) > now) return rejected(env, request, notFound());

  let hook;
  try {
    hook = await webhook(env, id);
  } catch (e) {
    if (!(e instanceof ConfigError)) {
      // The configuration is read from D1: without it nothing can be verified or stored.
      console.error(`hookmap: D1 error reading webhook '${id}': ${e?.message ?? e}`);
      return fail(503, 'unavailable', 'try again later', {}, { 'retry-after': '5' });
    }
    console.error(`hookmap: webhook '${id}': ${e.message}`);
    return fail(503, 'unavailable', 'try again later', {}, { 'retry-after': '60' });
  }
  if (!hook || !hook.mapper.enabled) {
    rememberAbsent(id, now);
    return rejected(env, request, notFound());
  }
  const refusal = await checkUrlKey(env, id, key, hook.signed);
  if (refusal) {
    console.log(`hookmap: delivery to '${id}' refused: ${refusal}`);
    return rejected(env, request, refusal === 'no such key' ? notFound() : unauthorized());
  }

  let bytes;
  try {
    bytes = await readBodyLimited(request, MAX_BODY_BYTES);
  } catch (e) {
    if (e instanceof BodyTooLarge) return fail(413, 'payload_too_large', `the body is larger than ${MAX_BODY_BYTES} bytes`);
    throw e;
  }

  const check = verifySignature(hook.security, bytes, request.headers);
  if (!check.valid) {
    if (check.code === 'security-incomplete') {
      // Fail closed: a signed webhook without its secret accepts nothing.
      console.error(`hookmap: webhook '${id}' checks a signature but has no secret (${check.reason}): set it with \`wrangler secret put ${secretBindingName(id)}\` (or WEBHOOK_SECRET); deliveries are refused until then`);
      return fail(503, 'unavailable', 'try again later', {}, { 'retry-after': '60' });
    }
    console.log(`hookmap: delivery to '${id}' refused: ${check.reason}`);
    return rejected(env, request, unauthorized());
  }

  let text;
  try {
    // The cast: workers-types declares `ignoreBOM` required; it defaults to false.
    text = new TextDecoder('utf-8', /** @type {TextDecoderConstructorOptions} */ ({ fatal: true })).decode(bytes);
  } catch {
    return answerAndRecord(env, { webhook: id, status: 400, outcome: 'rejected', body: { ok: false, error: 'invalid_utf8', message: 'the body is not valid UTF-8 text' } });
  }
  let body;
  try {
    body = JSON.parse(text);
  } catch (e) {
    const d = jsonSyntaxError(text);
    const message = d ? `the body is not valid JSON: ${d.message}` : `the body is not valid JSON: ${e.message}`;
    return answerAndRecord(env, {
      webhook: id, status: 400, outcome: 'rejected',
      body: { ok: false, error: 'invalid_json', message, line: d?.location?.line, column: d?.location?.column },
    });
  }

  // What is stored is what the consumer maps: the raw body, and of the headers and query the
  // values the webhook reads or that are common metadata (allowlist.mjs); the preview maps that.
  const query = queryParams(new URL(request.url));
  const headers = keptHeaders(request.headers, hook.reads);
  const storedQuery = keptQuery(query, hook.reads);
  const headersJson = JSON.stringify(headers);
  const queryJson = JSON.stringify(storedQuery);
  let preview;
  try {
    preview = JSON.parse(hook.mapper.mapJson(requestText(text, headersJson, queryJson)));
  } catch (e) {
    if (!(e instanceof MapperError)) return internalError(env, id, null, e);
    // A program that overflowed the engine's stack on this payload will do so again: 422, so
    // the sender does not retry it (the delivery and the diagnostic are in the log).
    const status = e.kind === 'request' ? 400 : e.kind === 'limit' ? 422 : 500;
    return answerAndRecord(env, {
      webhook: id, status, outcome: 'rejected',
      body: { ok: false, error: e.kind === 'limit' ? 'limit_exceeded' : `invalid_${e.kind}`, message: e.message, diagnostics: e.diagnostics },
    });
  }

  let requestId = null;
  if (hook.security?.requestIdentifierPath) {
    try {
      // From the request as received: the identity may come from a header not kept.
      requestId = dedupe.identityKey(hook.mapper.requestIdentifier({ body, headers: Object.fromEntries(request.headers), queryParams: query }));
    } catch (e) {
      if (!(e instanceof MapperError)) throw e;
    }
  }

  let stored;
  try {
    stored = await deliveries.store(env.DB, {
      webhook: id, requestId, bodyDigest: hook.signed ? await sha256Hex(bytes) : null, body: text, headers, query: storedQuery, configVersion: hook.version,
      diagnostics: preview.diagnostics.slice(0, AUDIT_DIAGNOSTICS),
    }, numericVar(env.DEDUPE_TTL_SECONDS, dedupe.DEFAULT_TTL_SECONDS));
  } catch (e) {
    console.error(`hookmap: D1 error while storing a delivery of ${id}/${requestId ?? '-'}: ${e.message}`);
    return fail(503, 'database_unavailable', `the delivery could not be stored (D1: ${e.message}); it was not accepted, retry later`, {}, { 'retry-after': '5' });
  }
  if (stored.duplicate) {
    const body = { ok: true, duplicate: true, webhook: id, requestId, message: requestId === null ? 'this signed body was already received; it is not processed again' : `delivery '${requestId}' was already received; it is not processed again` };
    ctx.waitUntil(recordQuietly(env, { webhook: id, requestId, outcome: 'duplicate', status: 200, summary: { message: body.message } }));
    return json(200, body);
  }
  if (Math.random() < 0.01) ctx.waitUntil(dedupe.prune(env.DB).catch(() => {}));
  // Fault injection for the tests only: stop here as a crash between store and send would.
  if (env.HOOKMAP_TEST_FAULT === 'crash-after-store') throw new Error('injected fault: crash after store (HOOKMAP_TEST_FAULT)');

  let status = 'queued';
  try {
    await env.DELIVERIES.send({ id: stored.id });
    ctx.waitUntil(deliveries.markEnqueued(env.DB, [stored.id]).catch((e) => {
      console.error(`hookmap: could not note delivery ${stored.id} as queued (D1: ${e.message}); the sweeper may send it once more (harmless)`);
    }));
  } catch (e) {
    // Stored, so not lost: the sweeper (cron) sends deliveries that were never queued.
    console.error(`hookmap: queue send failed for delivery ${stored.id} (${e.message}); it is stored and the sweeper will queue it`);
    status = 'stored';
  }
  return json(202, {
    ok: true, deliveryId: stored.id, status, webhook: id, requestId, configVersion: hook.version,
    entities: preview.entities, diagnostics: preview.diagnostics,
  });
}

/**
 * An unexpected error before the delivery was stored: logged, recorded, answered 500.
 * @param {Env} env
 * @param {string} id Webhook id.
 * @param {string | null} requestId
 * @param {any} e What was thrown.
 * @returns {Promise<Response>}
 */
async function internalError(env, id, requestId, e) {
  console.error(`hookmap: unexpected error on delivery ${id}/${requestId ?? '-'}: ${e?.stack ?? e}`);
  return answerAndRecord(env, {
    webhook: id, requestId, status: 500, outcome: 'error',
    body: { ok: false, error: 'internal_error', message: `unexpected error: ${e?.message ?? e}; the delivery was not accepted, the sender may retry` },
  });
}

/**
 * Record a delivery's outcome in the log; a failure to is logged only.
 * @param {Env} env
 * @param {{webhook: string, requestId?: string | null, outcome: string, status: number, summary: object}} row
 */
async function recordQuietly(env, row) {
  try {
    await audit.record(env.DB, row, retentionDays(env));
  } catch (e) {
    console.error(`hookmap: log write failed (D1: ${e.message}); delivery ${row.webhook}/${row.requestId ?? '-'} ${row.outcome}`);
  }
}

/**
 * Record a refusal in the log, then answer. When the record can't be written the outcome goes
 * to the worker's log (console.error) and the answer says so.
 * @param {Env} env
 * @param {{webhook: string, requestId?: string | null, status: number, outcome: string,
 *   body: {message: string, diagnostics?: unknown[], [key: string]: unknown}}} refusal
 * @returns {Promise<Response>}
 */
async function answerAndRecord(env, { webhook: id, requestId = null, status, outcome, body }) {
  const summary = { message: body.message, entities: [], diagnostics: (body.diagnostics ?? []).slice(0, AUDIT_DIAGNOSTICS) };
  try {
    await audit.record(env.DB, { webhook: id, requestId, outcome, status, summary }, retentionDays(env));
  } catch (e) {
    console.error(`hookmap: log write failed (D1: ${e.message}); delivery ${id}/${requestId ?? '-'} outcome ${outcome} (${status}): ${JSON.stringify(summary)}`);
    body = { ...body, audit: `not recorded in the log (D1: ${e.message})` };
  }
  return json(status, body);
}
