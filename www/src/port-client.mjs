// A client for Port's API: an access token cached per isolate until shortly before it
// expires, and requests retried on 429/5xx/network errors with backoff, within a deadline.

/** Port's API in the EU region (the default); the US region is https://api.us.getport.io. */
export const DEFAULT_PORT_API_URL = 'https://api.getport.io';

// Only settled tokens are shared between invocations, never a pending promise: workerd warns
// that a promise settled by another request's I/O may hang the one awaiting it when that
// request ends first (concurrent queue batches would share one token fetch).
/** @type {Map<string, {authorization: string, expiresAt: number}>} */
const tokens = new Map();

/** A Port API failure; `transient` says whether a later retry may succeed. */
export class PortError extends Error {
  /**
   * @param {string} message
   * @param {{status?: number, transient: boolean}} details
   */
  constructor(message, { status, transient }) {
    super(message);
    this.name = 'PortError';
    this.status = status;
    this.transient = transient;
  }
}

const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A response's Retry-After in seconds (delay-seconds or an HTTP date), or null.
 * @param {Response} response
 * @returns {number | null}
 */
export function retryAfterSeconds(response) {
  const value = response.headers.get('retry-after');
  if (value === null || value.trim() === '') return null;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, (at - Date.now()) / 1000);
}
const retryable = (/** @type {number} */ status) => status === 429 || status >= 500;

/**
 * fetch() with retries on network errors, 429 and 5xx: exponential backoff with jitter (or the
 * answer's Retry-After), never waiting past `deadline`. Returns the last response (which may
 * still be a 429/5xx when the budget ran out).
 * @param {string} url
 * @param {RequestInit} init
 * @param {{deadline: number, attemptTimeoutMs?: number, baseDelayMs?: number}} budget `deadline` in ms since the epoch.
 * @returns {Promise<Response>}
 * @throws {PortError} When no answer came at all within the budget.
 */
export async function fetchWithRetry(url, init, { deadline, attemptTimeoutMs = 10_000, baseDelayMs = 200 }) {
  let lastError = null;
  for (let attempt = 0; ; attempt++) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) break;
    let response = null;
    try {
      response = await fetch(url, { ...init, signal: AbortSignal.timeout(Math.min(remaining, attemptTimeoutMs)) });
      if (!retryable(response.status)) return response;
    } catch (e) {
      lastError = e;
    }
    const retryAfter = response ? retryAfterSeconds(response) : null;
    const backoff = retryAfter !== null
      ? retryAfter * 1000
      : Math.min(baseDelayMs * 2 ** attempt, 5_000) * (0.5 + Math.random() / 2);
    if (Date.now() + backoff >= deadline) {
      if (response) return response;
      break;
    }
    if (response) await response.body?.cancel();
    await sleep(backoff);
  }
  const why = lastError ? `${lastError.name}: ${lastError.message}` : 'the time budget ran out';
  throw new PortError(`no answer from ${new URL(url).origin} (${why})`, { transient: true });
}

/**
 * What an answer says went wrong: its JSON `message` or `error`, else the start of its text.
 * @param {Response} response
 * @returns {Promise<string>}
 */
async function describe(response) {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text);
    return body.message ?? body.error ?? text;
  } catch {
    return text.slice(0, 300) || response.statusText;
  }
}

/**
 * The Authorization header value for Port, from the per-isolate cache or a new token
 * (`POST {api}/v1/auth/access_token`). Refreshed 60 s before it expires.
 * @param {{apiUrl: string, clientId: string, clientSecret: string}} port
 * @param {{deadline: number}} budget
 * @returns {Promise<string>}
 * @throws {PortError}
 */
export async function authorization(port, budget) {
  const key = `${port.apiUrl}\n${port.clientId}\n${port.clientSecret}`;
  const cached = tokens.get(key);
  if (cached && Date.now() < cached.expiresAt) return cached.authorization;
  tokens.delete(key);
  const token = await fetchToken(port, budget);
  tokens.set(key, token);
  return token.authorization;
}

/**
 * A new access token from Port (`POST {api}/v1/auth/access_token`).
 * @param {{apiUrl: string, clientId: string, clientSecret: string}} port
 * @param {{deadline: number, baseDelayMs?: number}} budget
 * @returns {Promise<{authorization: string, expiresAt: number}>}
 * @throws {PortError}
 */
async function fetchToken(port, budget) {
  const response = await fetchWithRetry(`${port.apiUrl}/v1/auth/access_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ clientId: port.clientId, clientSecret: port.clientSecret }),
  }, budget);
  if (!response.ok) {
    const transient = retryable(response.status);
    throw new PortError(`Port refused the access token request (${response.status}: ${await describe(response)})${transient ? '' : '; check PORT_CLIENT_ID and PORT_CLIENT_SECRET'}`, { status: response.status, transient });
  }
  const body = await response.json();
  if (typeof body.accessToken !== 'string') throw new PortError('Port answered the access token request without accessToken', { status: response.status, transient: true });
  const lifetimeMs = (Number(body.expiresIn) || 3600) * 1000;
  const skew = Math.min(60_000, lifetimeMs / 2);
  return { authorization: `${body.tokenType ?? 'Bearer'} ${body.accessToken}`, expiresAt: Date.now() + lifetimeMs - skew };
}

/**
 * Whether Port answers: one access-token request (cheap: Port hands back the active token), no
 * in-call retries. A refusal of the credentials is an answer too (Port is up).
 * @param {{apiUrl: string, clientId: string, clientSecret: string}} port
 * @param {number} [timeoutMs]
 * @returns {Promise<boolean>}
 */
export async function portAnswers(port, timeoutMs = 10_000) {
  try {
    // One attempt: a backoff longer than the deadline ends fetchWithRetry after the first answer.
    const token = await fetchToken(port, { deadline: Date.now() + timeoutMs, baseDelayMs: 2 * timeoutMs });
    tokens.set(`${port.apiUrl}\n${port.clientId}\n${port.clientSecret}`, token);
    return true;
  } catch (e) {
    return e instanceof PortError && !e.transient;
  }
}

/**
 * Forget the cached token (Port said 401: it was revoked or expired early).
 * @param {{apiUrl: string, clientId: string, clientSecret: string}} port
 */
function dropCachedToken(port) {
  tokens.delete(`${port.apiUrl}\n${port.clientId}\n${port.clientSecret}`);
}

/**
 * An authenticated call to Port's API, retried per fetchWithRetry; a 401 gets one new token.
 * @param {{apiUrl: string, clientId: string, clientSecret: string}} port
 * @param {string} method
 * @param {string} path Path and query, e.g. `/v1/blueprints/b/entities?upsert=true`.
 * @param {unknown} body JSON body, or undefined.
 * @param {{deadline: number}} budget
 * @returns {Promise<{status: number, body: unknown, message: string, retryAfter: number | null}>} The final
 *   answer (any status); `retryAfter`: its Retry-After in seconds (a number or an HTTP date), if any.
 * @throws {PortError} When Port could not be reached within the budget.
 */
export async function portRequest(port, method, path, body, budget) {
  for (let attempt = 0; ; attempt++) {
    const auth = await authorization(port, budget);
    /** @type {Record<string, string>} */
    const headers = { authorization: auth };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetchWithRetry(`${port.apiUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }, budget);
    if (response.status === 401 && attempt === 0) {
      dropCachedToken(port);
      await response.body?.cancel();
      continue;
    }
    const text = await response.text();
    let parsed = null;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    const message = parsed?.message ?? parsed?.error ?? (text.slice(0, 300) || response.statusText);
    return { status: response.status, body: parsed, message, retryAfter: retryAfterSeconds(response) };
  }
}
