// Who may do what, in one place: readers (READ_TOKEN or ADMIN_TOKEN), admins (ADMIN_TOKEN), and
// senders of webhooks that check no signature (a secret key in the URL, WEBHOOK_KEY_<ID>).
// Every compare is constant-time (crypto.subtle.timingSafeEqual over SHA-256 digests, so
// neither the content nor the length of a secret leaks through timing).
import { fail } from './http.mjs';

const encoder = new TextEncoder();

/**
 * Compare a presented secret with the configured one in constant time.
 * @param {string} given
 * @param {string} expected
 * @returns {Promise<boolean>}
 */
export async function secretEquals(given, expected) {
  const [a, b] = await Promise.all([
    crypto.subtle.digest('SHA-256', encoder.encode(String(given))),
    crypto.subtle.digest('SHA-256', encoder.encode(String(expected))),
  ]);
  return crypto.subtle.timingSafeEqual(a, b);
}

/**
 * The token of an `Authorization: Bearer <token>` header, or null.
 * @param {Request} request
 * @returns {string | null}
 */
export function bearerToken(request) {
  const match = /^Bearer\s+(\S.*)$/i.exec(request.headers.get('authorization') ?? '');
  return match ? match[1].trim() : null;
}

const unauthorized = (/** @type {string} */ message) => fail(401, 'unauthorized', message, {}, { 'www-authenticate': 'Bearer realm="hookmap"' });

/**
 * Allow a read (GET /entities…, GET /deliveries) with READ_TOKEN or ADMIN_TOKEN.
 * @param {Request} request
 * @param {Env} env
 * @returns {Promise<Response | null>} The refusal, or null when the read may go on.
 */
export async function requireReader(request, env) {
  const tokens = /** @type {string[]} */ ([env.READ_TOKEN, env.ADMIN_TOKEN].filter((t) => typeof t === 'string' && t !== ''));
  if (tokens.length === 0) {
    return fail(403, 'reads_not_configured', 'reading the catalog and the deliveries needs a token, and none is configured: set one with `wrangler secret put READ_TOKEN` (or ADMIN_TOKEN), then send `Authorization: Bearer <token>`');
  }
  const given = bearerToken(request);
  if (given !== null) {
    for (const t of tokens) if (await secretEquals(given, t)) return null;
  }
  return unauthorized('this endpoint needs `Authorization: Bearer <READ_TOKEN or ADMIN_TOKEN>`');
}

/**
 * Allow an admin request (POST /api/…) with ADMIN_TOKEN.
 * @param {Request} request
 * @param {Env} env
 * @returns {Promise<Response | null>} The refusal, or null when the request may go on.
 */
export async function requireAdmin(request, env) {
  if (typeof env.ADMIN_TOKEN !== 'string' || env.ADMIN_TOKEN === '') {
    return fail(403, 'admin_not_configured', 'the admin API is off: set a token with `wrangler secret put ADMIN_TOKEN`, then send `Authorization: Bearer <ADMIN_TOKEN>`');
  }
  const given = bearerToken(request);
  if (given !== null && (await secretEquals(given, env.ADMIN_TOKEN))) return null;
  return unauthorized('this endpoint needs `Authorization: Bearer <ADMIN_TOKEN>`');
}

/**
 * The binding name of a webhook's URL key: `WEBHOOK_KEY_GITHUB` for `github`.
 * @param {string} id
 * @returns {`WEBHOOK_KEY_${string}`}
 */
export function keyBindingName(id) {
  return `WEBHOOK_KEY_${id.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * Check the URL key of a delivery. A webhook that checks no signature is served only under its
 * key (POST /webhooks/{id}/{key}); a signed webhook may be given a key too, then it must match.
 * An empty key binding is no key (fail closed).
 * @param {Env} env
 * @param {string} id Webhook id.
 * @param {string | null} key The key from the URL, or null.
 * @param {boolean} signed Whether the webhook's configuration checks a signature.
 * @returns {Promise<string | null>} Why the delivery is refused (for the worker's log; the
 *   sender is told only "unauthorized", or "not found" for `'no such key'`), or null.
 */
export async function checkUrlKey(env, id, key, signed) {
  const binding = keyBindingName(id);
  const expected = env[binding];
  const configured = typeof expected === 'string' && expected !== '';
  if (!signed && !configured) {
    return `webhook '${id}' checks no signature and has no URL key, so it accepts nothing: give its configuration a \`security\` with signatureHeaderName (and \`wrangler secret put WEBHOOK_SECRET\`), or set an unguessable key with \`wrangler secret put ${binding}\` and send to POST /webhooks/${id}/<key>`;
  }
  if (key === null) return signed ? null : `webhook '${id}' checks no signature: it accepts deliveries only at POST /webhooks/${id}/<key> (${binding})`;
  if (!configured) return 'no such key';
  if (await secretEquals(key, expected)) return null;
  return `the key in the URL is not webhook '${id}''s key (${binding})`;
}
