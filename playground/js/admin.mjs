// The playground connected to its worker (issue 16): when the page is served by hookmap's
// worker, the admin API (/api/, same origin) lists webhooks, their versions and the latest real
// deliveries; the backtest maps them with the live version and with the editor's mapping in a
// Web Worker (the engine's own `backtest`); publish and roll back go through the API.
// Exposed as `globalThis.HookmapAdmin` for the Yew side (playground/src/connect.rs). Every call
// answers a Promise of a JSON text, or rejects with a message for a person.
//
// The admin token lives in sessionStorage only (never localStorage, never a share link).

const TOKEN_KEY = 'hookmap-admin-token';

const token = () => {
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? '';
  } catch {
    return '';
  }
};

async function api(path, init = {}) {
  let res;
  try {
    res = await fetch(path, { ...init, headers: { ...(init.headers ?? {}), authorization: `Bearer ${token()}`, 'content-type': 'application/json' }, cache: 'no-store' });
  } catch (e) {
    throw new Error(`the worker did not answer (${e.message})`);
  }
  let body;
  try {
    body = await res.json();
  } catch {
    throw new Error(`${path} answered ${res.status} without JSON: is this page served by hookmap's worker?`);
  }
  if (res.status === 422 && body.diagnostics) return body;
  if (!res.ok || body.ok === false) throw new Error(body.message ?? `${path} answered ${res.status}`);
  return body;
}

/** Whether this page is served by hookmap's worker: its /api/ answers 401 or 403 with JSON. */
async function probe() {
  try {
    const res = await fetch('/api/webhooks', { cache: 'no-store', headers: token() ? { authorization: `Bearer ${token()}` } : {} });
    if (![200, 401, 403].includes(res.status)) return JSON.stringify({ available: false });
    const body = await res.json();
    return JSON.stringify({ available: true, connected: res.status === 200, message: res.status === 403 ? body.message : null });
  } catch {
    return JSON.stringify({ available: false });
  }
}

/** Keep the token for this tab's session and check it; returns the webhooks. */
async function connect(value) {
  try {
    if (value) sessionStorage.setItem(TOKEN_KEY, value);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // storage off: the token is kept nowhere, calls will fail with 401
  }
  try {
    return JSON.stringify(await api('/api/webhooks'));
  } catch (e) {
    sessionStorage.removeItem(TOKEN_KEY);
    throw e;
  }
}

function disconnect() {
  sessionStorage.removeItem(TOKEN_KEY);
}

const enc = encodeURIComponent;
const webhooks = async () => JSON.stringify(await api('/api/webhooks'));
const webhook = async (id) => JSON.stringify(await api(`/api/webhooks/${enc(id)}`));
const deliveries = async (id, limit) => JSON.stringify(await api(`/api/deliveries?webhook=${enc(id)}&limit=${limit}`));
/** One delivery's stored request as pretty JSON text, for the request editor. */
async function deliveryRequest(id) {
  const { delivery } = await api(`/api/deliveries/${id}`);
  if (!delivery.request) throw new Error(`delivery ${id} holds no stored request (it was refused before storing)`);
  return JSON.stringify(delivery.request, null, 2);
}

/** One version's configuration, as JSON text for the mapping editor. */
async function versionConfig(id, version) {
  const { config } = await api(`/api/webhooks/${enc(id)}/versions/${version}`);
  return JSON.stringify(config, null, 2);
}

let backtester = null;
let nextJob = 0;
const jobs = new Map();
/** The backtest worker, once its engine is loaded (a message sent before would be lost). */
function worker() {
  if (backtester) return backtester;
  backtester = new Promise((ready, failed) => {
    const w = new Worker('assets/backtest-worker.js', { type: 'module' });
    w.onmessage = ({ data }) => {
      if (data.ready) {
        ready(w);
        return;
      }
      const job = jobs.get(data.id);
      if (!job) return;
      jobs.delete(data.id);
      if (data.error) job.reject(new Error(data.error));
      else job.resolve(data);
    };
    w.onerror = (e) => {
      const error = new Error(`the backtest worker failed: ${e.message}`);
      failed(error);
      for (const job of jobs.values()) job.reject(error);
      jobs.clear();
      backtester = null;
    };
  });
  return backtester;
}

/** The last `limit` deliveries of webhook `id` with their stored requests, page after page (a page holds about 4 MiB). */
async function withRequests(id, limit) {
  const list = [];
  let before = null;
  while (list.length < limit) {
    const page = await api(`/api/deliveries?webhook=${enc(id)}&limit=${limit - list.length}&include=request${before === null ? '' : `&before=${before}`}`);
    list.push(...page.deliveries);
    if (page.next === null || page.next === undefined) break;
    before = page.next;
  }
  return list;
}

/**
 * Backtest: the last `limit` deliveries of webhook `id`, mapped with its live version and with
 * `candidateText`, in the backtest worker. Answers `{live, total, unchanged, changed,
 * newlyFailing, newlyFixed, requests, deliveryIds, fetchMs, backtestMs}` or
 * `{candidateErrors: diagnostics}` when the editor's mapping does not compile.
 */
async function backtest(id, candidateText, limit) {
  const fetchStart = performance.now();
  const [{ config, version }, list] = await Promise.all([api(`/api/webhooks/${enc(id)}`), withRequests(id, limit)]);
  const usable = list.filter((d) => d.request);
  const fetchMs = performance.now() - fetchStart;
  const job = nextJob++;
  const w = await worker();
  const answer = await new Promise((resolve, reject) => {
    jobs.set(job, { resolve, reject });
    w.postMessage({ id: job, live: JSON.stringify(config), candidate: candidateText, requests: usable.map((d) => d.request) });
  });
  return JSON.stringify({ ...answer.result, candidateErrors: answer.candidateErrors ?? null, live: version, deliveryIds: usable.map((d) => d.id), fetchMs, backtestMs: answer.ms });
}

/** Publish the editor's text; `force` publishes one whose expressions do not all compile. */
async function publish(id, configText, note, force) {
  let config;
  try {
    config = JSON.parse(configText);
  } catch (e) {
    throw new Error(`the mapping is not JSON (${e.message})`);
  }
  const body = await api(`/api/webhooks/${enc(id)}`, { method: 'PUT', body: JSON.stringify({ config, note: note || null, ...(force ? { force: true } : {}) }) });
  return JSON.stringify(body);
}

const rollback = async (id, version) => JSON.stringify(await api(`/api/webhooks/${enc(id)}/rollback`, { method: 'POST', body: JSON.stringify({ version }) }));

globalThis.HookmapAdmin = { probe, connect, disconnect, webhooks, webhook, deliveries, deliveryRequest, versionConfig, backtest, publish, rollback };
