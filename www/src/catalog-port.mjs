// The Port target of the queue consumer: the entities of a batch of deliveries go to Port's API.
// create -> POST /v1/blueprints/{blueprint}/entities/bulk?upsert=true&merge=true, at most 20
//           entities a call, grouped by blueprint across the deliveries of the batch; a 207 is
//           read per entity (its `errors[]`, by index). A create whose identifier is a search
//           query goes alone to POST /v1/blueprints/{blueprint}/entities?upsert=true&merge=true.
// delete -> DELETE /v1/blueprints/{blueprint}/entities/{identifier}?delete_dependents=<bool>
import { PortError, portRequest } from './port-client.mjs';

/** Port's limit on entities per bulk call. */
export const BULK_LIMIT = 20;

/** Failures worth retrying later: rate limit, server errors, timeouts, a 401 after a new token. */
export const transientStatus = (/** @type {number} */ status) => status === 429 || status >= 500 || status === 401 || status === 408;

/**
 * @typedef {{entity: import('hookmap').Entity, result: import('./transitions.mjs').EntityResult}} Operation
 *   One entity to apply, and its result (filled in).
 */
/** @typedef {{status: number, body: any, message: string}} Answer Port's answer (port-client.mjs portRequest). */

/**
 * The body Port's API takes for a create.
 * @param {Record<string, unknown>} e The mapped entity.
 * @returns {Record<string, unknown>}
 */
function body(e) {
  /** @type {Record<string, unknown>} */
  const out = { identifier: e.identifier };
  for (const k of ['title', 'icon', 'team']) if (Object.prototype.hasOwnProperty.call(e, k)) out[k] = e[k];
  out.properties = e.properties ?? {};
  out.relations = e.relations ?? {};
  return out;
}

const enc = encodeURIComponent;

/**
 * Apply operations to Port, round after round (a round never holds the same entity twice; see
 * consumer.mjs). Within a round, creates are grouped by blueprint in order of first appearance
 * and sent in bulk calls of at most 20. Once Port is unreachable (no answer, 429, 5xx), the
 * remaining operations are not attempted: they are marked transient, for the queue's retry.
 * @param {{apiUrl: string, clientId: string, clientSecret: string}} port
 * @param {Operation[][]} rounds Each operation's `result`
 *   is filled in: `status: 'applied' | 'failed'`, `httpStatus?`, `error?`, `transient?`.
 * @param {{deadline: number}} budget Time for in-call retries (fetchWithRetry).
 * @returns {Promise<{retryAfter: number | null, calls: number, unreachable: string | null}>} The
 *   largest Retry-After Port asked for (seconds), the number of calls made, and why Port was
 *   found unreachable (null when it answered every call).
 */
export async function applyPort(port, rounds, budget) {
  /** @type {string | null} */
  let unreachable = null;
  /** @type {number | null} */
  let retryAfter = null;
  let calls = 0;
  /**
   * @param {Operation[]} ops
   * @param {string} error
   * @param {boolean} transient
   * @param {number} [httpStatus]
   */
  const fail = (ops, error, transient, httpStatus) => {
    for (const op of ops) {
      Object.assign(op.result, { status: 'failed', transient, error });
      if (httpStatus !== undefined) op.result.httpStatus = httpStatus;
    }
  };
  /**
   * @param {Operation[]} ops
   * @param {string} method
   * @param {string} path
   * @param {unknown} [payload]
   * @returns {Promise<Answer | null>} Port's answer, or null when the call failed (`ops` failed).
   */
  const call = async (ops, method, path, payload) => {
    if (unreachable) {
      fail(ops, `not attempted: ${unreachable}`, true);
      return null;
    }
    calls += 1;
    try {
      const answer = await portRequest(port, method, path, payload, budget);
      if (transientStatus(answer.status)) {
        unreachable = `Port answered ${answer.status} to an earlier call`;
        if (answer.retryAfter !== null) retryAfter = Math.max(retryAfter ?? 0, answer.retryAfter);
        fail(ops, `Port answered ${answer.status}: ${answer.message}`, true, answer.status);
        return null;
      }
      return answer;
    } catch (err) {
      if (!(err instanceof PortError)) throw err;
      if (err.transient) unreachable = err.message;
      fail(ops, err.message, err.transient, err.status);
      return null;
    }
  };

  for (const round of rounds) {
    /** @type {Map<string, Operation[]>} */
    const bulk = new Map();
    const singles = [];
    for (const op of round) {
      if (op.entity.operation !== 'delete' && typeof op.entity.identifier === 'string') {
        if (!bulk.has(op.entity.blueprint)) bulk.set(op.entity.blueprint, []);
        /** @type {Operation[]} */ (bulk.get(op.entity.blueprint)).push(op);
      } else {
        singles.push(op);
      }
    }
    for (const [blueprint, ops] of bulk) {
      for (let i = 0; i < ops.length; i += BULK_LIMIT) {
        const chunk = ops.slice(i, i + BULK_LIMIT);
        const answer = await call(chunk, 'POST', `/v1/blueprints/${enc(blueprint)}/entities/bulk?upsert=true&merge=true`, { entities: chunk.map((op) => body(op.entity)) });
        if (answer) readBulk(chunk, answer);
      }
    }
    for (const op of singles) {
      const e = op.entity;
      if (e.operation === 'delete') {
        if (typeof e.identifier !== 'string') {
          fail([op], "Port's API deletes by identifier only; this mapping's identifier is a search query", false);
          continue;
        }
        const dependents = e.deleteDependents === true ? 'true' : 'false';
        const answer = await call([op], 'DELETE', `/v1/blueprints/${enc(e.blueprint)}/entities/${enc(e.identifier)}?delete_dependents=${dependents}`);
        if (!answer) continue;
        if (answer.status === 404) Object.assign(op.result, { status: 'applied', httpStatus: 404, note: 'already absent in Port' });
        else readSingle(op, answer);
      } else {
        const answer = await call([op], 'POST', `/v1/blueprints/${enc(e.blueprint)}/entities?upsert=true&merge=true`, body(e));
        if (answer) readSingle(op, answer);
      }
    }
  }
  return { retryAfter, calls, unreachable };
}

/**
 * Read Port's answer to a call for one entity.
 * @param {Operation} op
 * @param {Answer} answer
 */
function readSingle(op, answer) {
  op.result.httpStatus = answer.status;
  if (answer.status >= 200 && answer.status < 300) op.result.status = 'applied';
  else Object.assign(op.result, { status: 'failed', transient: false, error: `Port answered ${answer.status}: ${answer.message}` });
}

/**
 * Read a bulk answer per entity: 200/201 all applied; 207 `{entities: [{index, identifier}],
 * errors: [{index, identifier, statusCode, error, message}]}`; any other status (a 4xx for the
 * whole call) fails every entity of the call, permanently.
 * @param {Operation[]} chunk
 * @param {Answer} answer
 */
function readBulk(chunk, answer) {
  const status = answer.status;
  if (status < 200 || status >= 300) {
    for (const op of chunk) Object.assign(op.result, { status: 'failed', transient: false, httpStatus: status, error: `Port answered ${status}: ${answer.message}` });
    return;
  }
  const errors = Array.isArray(answer.body?.errors) ? answer.body.errors : [];
  const byIndex = new Map();
  for (const err of errors) {
    let index = Number.isInteger(err?.index) ? err.index : chunk.findIndex((op) => op.entity.identifier === err?.identifier);
    if (index < 0 || index >= chunk.length) index = -1;
    if (index >= 0) byIndex.set(index, err);
  }
  chunk.forEach((op, i) => {
    const err = byIndex.get(i);
    if (!err) {
      Object.assign(op.result, { status: 'applied', httpStatus: status });
      return;
    }
    const code = Number(err.statusCode) || 0;
    const transient = transientStatus(code);
    Object.assign(op.result, {
      status: 'failed', transient, httpStatus: code || status,
      error: `Port refused this entity (${code || status}${err.error ? ` ${err.error}` : ''}): ${err.message ?? 'no message'}`,
    });
  });
}
