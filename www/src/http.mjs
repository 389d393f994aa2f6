// Small HTTP helpers shared by the worker's modules: JSON answers, errors a user can act on,
// and reading a request body with a size limit.

/**
 * A JSON response.
 * @param {number} status HTTP status.
 * @param {unknown} body Serialised with JSON.stringify.
 * @param {Record<string, string>} [headers] Extra headers.
 * @returns {Response}
 */
export function json(status, body, headers = {}) {
  return new Response(JSON.stringify(body, null, 2) + '\n', {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}

/**
 * An error answer: `{ok: false, error, message, ...extra}`.
 * @param {number} status HTTP status.
 * @param {string} error A short machine-readable code (`invalid_signature`, `payload_too_large`).
 * @param {string} message What went wrong and what to do about it.
 * @param {Record<string, unknown>} [extra] More fields for the body.
 * @param {Record<string, string>} [headers] Extra headers.
 * @returns {Response}
 */
export function fail(status, error, message, extra = {}, headers = {}) {
  return json(status, { ok: false, error, message, ...extra }, headers);
}

/** Thrown by readBodyLimited when the body is larger than the limit. */
export class BodyTooLarge extends Error {
  /** @param {number} limit The limit in bytes. */
  constructor(limit) {
    super(`the body is larger than ${limit} bytes`);
    this.name = 'BodyTooLarge';
    this.limit = limit;
  }
}

/**
 * Read a request's body as bytes, refusing more than `limit` bytes without reading them all
 * (Content-Length is checked first; a chunked body is counted while it streams).
 * @param {Request} request
 * @param {number} limit Maximum size in bytes.
 * @returns {Promise<Uint8Array>}
 * @throws {BodyTooLarge}
 */
export async function readBodyLimited(request, limit) {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLarge(limit);
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new BodyTooLarge(limit);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0];
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return bytes;
}
