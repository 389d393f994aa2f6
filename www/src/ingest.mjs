// POST /webhooks/{id}: size limit, enabled, signature on the raw bytes, JSON, duplicate check,
// mapping, applying to the catalog, the audit log, and a Port-ingest-like summary.
import { MapperError, checkRequest, verifySignature } from 'hookmap';
import * as audit from './audit.mjs';
import { applyD1 } from './catalog-d1.mjs';
import { applyPort } from './catalog-port.mjs';
import { ConfigError, webhook } from './config.mjs';
import * as dedupe from './dedupe.mjs';
import { BodyTooLarge, fail, json, readBodyLimited } from './http.mjs';
import { DEFAULT_PORT_API_URL } from './port-client.mjs';

/** Port's limit on a webhook payload. */
export const MAX_BODY_BYTES = 512 * 1024;
/** Time allowed for applying one delivery's entities to Port, retries included. */
export const DEFAULT_BUDGET_MS = 20_000;
/** Diagnostics kept per delivery in the audit log. */
const AUDIT_DIAGNOSTICS = 50;

const number = (value, fallback) => (value === undefined || value === '' || !Number.isFinite(Number(value)) ? fallback : Number(value));

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
 * Handle one delivery.
 * @param {Request} request
 * @param {Record<string, any>} env The worker's bindings.
 * @param {ExecutionContext} ctx
 * @param {string} id The webhook id from the URL.
 * @returns {Promise<Response>}
 */
export async function ingest(request, env, ctx, id) {
  const started = Date.now();
  if (!env.DB) return fail(500, 'no_database', 'the worker has no D1 binding named DB (wrangler.toml [[d1_databases]] binding = "DB"); it keeps the audit log and delivery identities there');

  let hook;
  try {
    hook = webhook(env, id);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(`hookmap: ${e.message}`);
    return fail(500, 'configuration_error', e.message, { diagnostics: e.diagnostics });
  }
  if (!hook) return fail(404, 'unknown_webhook', `no webhook '${id}' is configured here; check the URL (POST /webhooks/<id>, <id> a key of the WEBHOOKS binding)`);
  if (!hook.mapper.enabled) return fail(404, 'webhook_disabled', `webhook '${id}' is disabled ("enabled": false in its configuration): the delivery was dropped; set "enabled": true to accept deliveries`);

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

  const headers = Object.fromEntries(request.headers);
  const query = queryParams(new URL(request.url));
  const mapped = { body, headers, queryParams: query };

  let requestId = null;
  if (hook.security?.requestIdentifierPath) {
    try {
      requestId = dedupe.identityKey(hook.mapper.requestIdentifier(mapped));
    } catch (e) {
      if (!(e instanceof MapperError)) throw e;
    }
  }
  const ttl = number(env.DEDUPE_TTL_SECONDS, dedupe.DEFAULT_TTL_SECONDS);
  if (requestId !== null) {
    let fresh;
    try {
      fresh = await dedupe.claim(env.DB, id, requestId, ttl);
    } catch (e) {
      console.error(`hookmap: D1 error while checking for a duplicate of ${id}/${requestId}: ${e.message}`);
      return fail(503, 'database_unavailable', `could not check for a duplicate delivery (D1: ${e.message}); retry later`, {}, { 'retry-after': '5' });
    }
    if (!fresh) {
      return answerAndRecord(env, {
        webhook: id, requestId, status: 200, outcome: 'duplicate',
        body: { ok: true, duplicate: true, webhook: id, requestId, message: `delivery '${requestId}' was already received; it is not processed again` },
      });
    }
    if (Math.random() < 0.01) ctx.waitUntil(dedupe.prune(env.DB).catch(() => {}));
  }

  try {
    return await mapAndApply(env, hook, { id, requestId, text, headers, query, started });
  } catch (e) {
    // Unexpected (a bug, a panic in the module): forget the delivery so its retry is processed.
    if (requestId !== null) await dedupe.release(env.DB, id, requestId).catch(() => {});
    console.error(`hookmap: unexpected error on delivery ${id}/${requestId ?? '-'}: ${e?.stack ?? e}`);
    return answerAndRecord(env, {
      webhook: id, requestId, status: 500, outcome: 'error',
      body: { ok: false, error: 'internal_error', message: `unexpected error: ${e?.message ?? e}; the delivery was not applied, the sender may retry` },
    });
  }
}

async function mapAndApply(env, hook, { id, requestId, text, headers, query, started }) {
  let result;
  try {
    const requestText = `{"body":${text},"headers":${JSON.stringify(headers)},"queryParams":${JSON.stringify(query)}}`;
    result = JSON.parse(hook.mapper.mapJson(requestText));
  } catch (e) {
    if (requestId !== null) await dedupe.release(env.DB, id, requestId).catch(() => {});
    if (!(e instanceof MapperError)) throw e;
    // A program that overflowed the engine's stack on this payload will do so again: 422, so
    // the sender does not retry it (the delivery and the diagnostic are in the audit log).
    const status = e.kind === 'request' ? 400 : e.kind === 'limit' ? 422 : 500;
    return answerAndRecord(env, {
      webhook: id, requestId, status, outcome: 'rejected',
      body: { ok: false, error: e.kind === 'limit' ? 'limit_exceeded' : `invalid_${e.kind}`, message: e.message, diagnostics: e.diagnostics },
    });
  }

  const target = catalogTarget(env);
  const retention = number(env.AUDIT_RETENTION_DAYS, audit.DEFAULT_RETENTION_DAYS);
  if (target.kind === 'port') {
    const budget = { deadline: started + number(env.PORT_BUDGET_MS, DEFAULT_BUDGET_MS) };
    const { status, outcome, applied, failed, summary } = summarize(id, requestId, target, await applyPort(target.port, result.entities, budget), result.diagnostics);
    if (outcome === 'retry') await forget(env, id, requestId);
    return answerAndRecord(env, { webhook: id, requestId, status, outcome, applied, failed, body: summary, headers: retryHeaders(outcome) });
  }
  // D1: the entities and their audit row in one transaction.
  const { results, alongsideDone } = await applyD1(env.DB, result.entities, (optimistic) => {
    const s = summarize(id, requestId, target, optimistic, result.diagnostics);
    return audit.recordStatements(env.DB, { ...auditRow(s.summary), webhook: id, requestId, status: s.status, outcome: s.outcome, applied: s.applied, failed: s.failed }, retention);
  });
  const { status, outcome, applied, failed, summary } = summarize(id, requestId, target, results, result.diagnostics);
  if (outcome === 'retry') await forget(env, id, requestId);
  if (alongsideDone) return json(status, summary, retryHeaders(outcome));
  return answerAndRecord(env, { webhook: id, requestId, status, outcome, applied, failed, body: summary, headers: retryHeaders(outcome) });
}

const retryHeaders = (outcome) => (outcome === 'retry' ? { 'retry-after': '30' } : {});

/** Forget a delivery that could not be applied, so that the sender's retry is processed. */
async function forget(env, id, requestId) {
  if (requestId === null) return;
  await dedupe.release(env.DB, id, requestId).catch((e) => {
    console.error(`hookmap: could not forget delivery ${id}/${requestId} after a failure (D1: ${e.message}); its retry will be taken for a duplicate`);
  });
}

/** The answer for a delivery's per-entity results: status, outcome and the summary body. */
function summarize(id, requestId, target, results, diagnostics) {
  const applied = results.filter((r) => r.status === 'applied').length;
  const failed = results.length - applied;
  const retry = results.some((r) => r.status === 'failed' && r.transient);
  const outcome = retry ? 'retry' : failed === 0 ? 'applied' : applied === 0 ? 'failed' : 'partial';
  const summary = { ok: !retry, webhook: id, requestId, target: target.kind, outcome, applied, failed, entities: results, diagnostics };
  if (retry) {
    summary.message = 'some entities could not be applied for now (see entities[].error); the delivery was not remembered, so the sender\'s retry will be processed';
  }
  return { status: retry ? 503 : 202, outcome, applied, failed, summary };
}

/** What the audit log keeps of an answer's body. */
function auditRow(body) {
  return { summary: { message: body.message, entities: body.entities, diagnostics: (body.diagnostics ?? []).slice(0, AUDIT_DIAGNOSTICS) } };
}

/**
 * Record the outcome in the audit log, then answer. When the record can't be written the
 * outcome goes to the worker's log (console.error) and the answer says so.
 */
async function answerAndRecord(env, { webhook: id, requestId = null, status, outcome, applied = 0, failed = 0, body, headers = {} }) {
  const { summary } = auditRow(body);
  try {
    await audit.record(env.DB, { webhook: id, requestId, outcome, status, applied, failed, summary }, number(env.AUDIT_RETENTION_DAYS, audit.DEFAULT_RETENTION_DAYS));
  } catch (e) {
    console.error(`hookmap: audit log write failed (D1: ${e.message}); delivery ${id}/${requestId ?? '-'} outcome ${outcome} (${status}): ${JSON.stringify(summary)}`);
    body = { ...body, audit: `not recorded in the audit log (D1: ${e.message})` };
  }
  return json(status, body, headers);
}
