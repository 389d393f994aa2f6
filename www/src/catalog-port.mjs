// The Port target: each mapped entity goes to Port's catalog API, in order.
// create -> POST /v1/blueprints/{blueprint}/entities?upsert=true&merge=true
// delete -> DELETE /v1/blueprints/{blueprint}/entities/{identifier}?delete_dependents=<bool>
import { PortError, portRequest } from './port-client.mjs';

const transientStatus = (status) => status === 429 || status >= 500 || status === 401 || status === 408;

function body(e) {
  const out = { identifier: e.identifier };
  for (const k of ['title', 'icon', 'team']) if (Object.prototype.hasOwnProperty.call(e, k)) out[k] = e[k];
  out.properties = e.properties ?? {};
  out.relations = e.relations ?? {};
  return out;
}

/**
 * Apply mapped entities to Port, one after the other (a later entity may depend on an earlier
 * one). Stops sending once Port is unreachable; the rest are reported as not attempted.
 * @param {{apiUrl: string, clientId: string, clientSecret: string}} port
 * @param {import('hookmap').Entity[]} entities
 * @param {{deadline: number}} budget
 * @returns {Promise<object[]>} One result per entity: `{operation, blueprint, identifier, status: 'applied'|'failed', httpStatus?, error?, transient?}`.
 */
export async function applyPort(port, entities, budget) {
  const results = [];
  let unreachable = null;
  for (const e of entities) {
    const result = { operation: e.operation, blueprint: e.blueprint, identifier: e.identifier };
    results.push(result);
    if (unreachable) {
      Object.assign(result, { status: 'failed', transient: true, error: `not attempted: ${unreachable}` });
      continue;
    }
    const blueprint = encodeURIComponent(e.blueprint);
    try {
      let answer;
      if (e.operation === 'delete') {
        if (typeof e.identifier !== 'string') {
          Object.assign(result, { status: 'failed', transient: false, error: "Port's API deletes by identifier only; this mapping's identifier is a search query" });
          continue;
        }
        const dependents = e.deleteDependents === true ? 'true' : 'false';
        answer = await portRequest(port, 'DELETE', `/v1/blueprints/${blueprint}/entities/${encodeURIComponent(e.identifier)}?delete_dependents=${dependents}`, undefined, budget);
        if (answer.status === 404) {
          Object.assign(result, { status: 'applied', httpStatus: 404, note: 'already absent in Port' });
          continue;
        }
      } else {
        answer = await portRequest(port, 'POST', `/v1/blueprints/${blueprint}/entities?upsert=true&merge=true`, body(e), budget);
      }
      result.httpStatus = answer.status;
      if (answer.status >= 200 && answer.status < 300) {
        result.status = 'applied';
      } else {
        Object.assign(result, { status: 'failed', transient: transientStatus(answer.status), error: `Port answered ${answer.status}: ${answer.message}` });
        if (transientStatus(answer.status)) unreachable = `Port answered ${answer.status} for an earlier entity`;
      }
    } catch (err) {
      if (!(err instanceof PortError)) throw err;
      Object.assign(result, { status: 'failed', transient: err.transient, error: err.message });
      if (err.status !== undefined) result.httpStatus = err.status;
      unreachable = err.message;
    }
  }
  return results;
}
