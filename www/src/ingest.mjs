// POST /webhooks/{id}[/{key}]: accept a delivery fast and durably. Size limit, enabled, URL key
// (for webhooks that check no signature), signature on the raw bytes, UTF-8, JSON, mapping (the
// answer carries the entities and diagnostics as a preview), then the delivery is stored in D1
// (duplicate check in the same transaction) and its id sent on the DELIVERIES queue; the answer
// is 202 without waiting for the catalog. The queue consumer (consumer.mjs) applies it.
import { MapperError, checkRequest, verifySignature } from 'hookmap';
import * as audit from './audit.mjs';
import { checkUrlKey } from './auth.mjs';
import { ConfigError, numericVar, retentionDays, webhook } from './config.mjs';
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
 * @param {Record<string, unknown>} env
 * @returns {{kind: 'port', port: {apiUrl: string, clientId: string, clientSecret: string}} | {kind: 'd1'}}
 */
export function catalogTarget(env) {
  if (env.PORT_CLIENT_ID && env.PORT_CLIENT_SECRET) {
    const apiUrl = String(env.PORT_API_URL || DEFAULT_PORT_API_URL).replace(/\/+$/, '');
    return { kind: 'port', port: { apiUrl, clientId: String(env.PORT_CLIENT_ID), clientSecret: String(env.PORT_CLIENT_SECRET) } };
  }
  return { kind: 'd1' };
}

function queryParams(url) {
  const out = {};
  for (const key of new Set(url.searchParams.keys())) {
    const all = url.searchParams.getAll(key);
    out[key] = all.length === 1 ? all[0] : all;
  }
  return out;
}

/** The engine's diagnostic for a body it can't read as JSON (code `json-syntax`), with its location. */
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

/**
 * Handle one delivery.
 * @param {Request} request
 * @param {Record<string, any>} env The worker's bindings.
 * @param {ExecutionContext} ctx
 * @param {string} id The webhook id from the URL.
 * @param {string | null} key The URL key (POST /webhooks/{id}/{key}), or null.
 * @returns {Promise<Response>}
 */
export async function ingest(request, env, ctx, id, key = null) {
  if (!env.DB) return fail(500, 'no_database', 'the worker has no D1 binding named DB (wrangler.toml [[d1_databases]] binding = "DB"); it stores deliveries there');
  if (!env.DELIVERIES) return fail(500, 'no_queue', 'the worker has no queue binding named DELIVERIES (wrangler.toml [[queues.producers]] binding = "DELIVERIES"); create the queue with `wrangler queues create hookmap-deliveries` (see docs/worker.md)');

  let hook;
  try {
    hook = await webhook(env, id);
  } catch (e) {
    if (!(e instanceof ConfigError)) {
      // The configuration is read from D1: without it nothing can be verified or stored.
      console.error(`hookmap: D1 error reading webhook '${id}': ${e?.message ?? e}`);
      return fail(503, 'database_unavailable', `the webhook's configuration could not be read (D1: ${e?.message ?? e}); the delivery was not accepted, retry later`, {}, { 'retry-after': '5' });
    }
    console.error(`hookmap: ${e.message}`);
    return fail(500, 'configuration_error', e.message, { diagnostics: e.diagnostics });
  }
  if (!hook) return fail(404, 'unknown_webhook', `no webhook '${id}' is configured here; check the URL (POST /webhooks/<id>, <id> a webhook of GET /api/webhooks or a key of the WEBHOOKS binding)`);
  if (!hook.mapper.enabled) return fail(404, 'webhook_disabled', `webhook '${id}' is disabled ("enabled": false in its configuration): the delivery was dropped; set "enabled": true to accept deliveries`);
  const refused = await checkUrlKey(env, id, key, hook.signed);
  if (refused) return refused;

  let bytes;
  try {
    bytes = await readBodyLimited(request, MAX_BODY_BYTES);
  } catch (e) {
    if (e instanceof BodyTooLarge) return fail(413, 'payload_too_large', `the body is larger than ${MAX_BODY_BYTES} bytes (512 KiB), Port's limit for a webhook payload`);
    throw e;
  }

  const check = verifySignature(hook.security, bytes, request.headers);
  if (!check.valid) {
    if (check.code === 'security-incomplete') {
      const message = `webhook '${id}': ${check.reason}; set the secret with \`wrangler secret put WEBHOOK_SECRET\``;
      console.error(`hookmap: ${message}`);
      return fail(500, 'configuration_error', message);
    }
    return fail(401, 'invalid_signature', `signature check failed: ${check.reason}`);
  }

  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
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

  // What is stored is what the consumer maps: the raw body, the headers without credentials
  // and signatures, the query. The preview maps exactly that.
  const headers = deliveries.storableHeaders(request.headers, hook.security?.signatureHeaderName);
  const headersJson = JSON.stringify(headers);
  const query = queryParams(new URL(request.url));
  const queryJson = JSON.stringify(query);
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
      requestId = dedupe.identityKey(hook.mapper.requestIdentifier({ body, headers, queryParams: query }));
    } catch (e) {
      if (!(e instanceof MapperError)) throw e;
    }
  }

  let stored;
  try {
    stored = await deliveries.store(env.DB, {
      webhook: id, requestId, body: text, headers, query, configVersion: hook.version,
      diagnostics: preview.diagnostics.slice(0, AUDIT_DIAGNOSTICS),
    }, numericVar(env.DEDUPE_TTL_SECONDS, dedupe.DEFAULT_TTL_SECONDS));
  } catch (e) {
    console.error(`hookmap: D1 error while storing a delivery of ${id}/${requestId ?? '-'}: ${e.message}`);
    return fail(503, 'database_unavailable', `the delivery could not be stored (D1: ${e.message}); it was not accepted, retry later`, {}, { 'retry-after': '5' });
  }
  if (stored.duplicate) {
    const body = { ok: true, duplicate: true, webhook: id, requestId, message: `delivery '${requestId}' was already received; it is not processed again` };
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

async function internalError(env, id, requestId, e) {
  console.error(`hookmap: unexpected error on delivery ${id}/${requestId ?? '-'}: ${e?.stack ?? e}`);
  return answerAndRecord(env, {
    webhook: id, requestId, status: 500, outcome: 'error',
    body: { ok: false, error: 'internal_error', message: `unexpected error: ${e?.message ?? e}; the delivery was not accepted, the sender may retry` },
  });
}

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
