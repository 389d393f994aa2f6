// What a stored delivery keeps of its request's headers and query parameters: the *values* only
// of names on an allow-list, the common webhook metadata below plus every header and query key
// the webhook's mappings read (the engine's analysis, `Mapper.requestReads`; and the ordering
// expression's, `requestReads(program)`). Every other name is kept with its value replaced by
// REDACTED, so a stored request still shows what was sent, and mapping it gives the same
// entities. Credentials (`X-Gitlab-Token`, `X-Api-Key`, `?token=`) are therefore never at rest,
// nor served back by any route. Where an expression may read any header (`.headers | keys`),
// every value is kept except those whose name looks like a credential.

/** The value stored in place of one not on the allow-list. */
export const REDACTED = '[not stored]';

/** Common webhook metadata: content description and the senders' event/delivery headers. */
export const METADATA_HEADERS = new Set([
  'content-type', 'content-length', 'user-agent', 'accept', 'accept-encoding',
  // GitHub
  'x-github-event', 'x-github-delivery', 'x-github-hook-id', 'x-github-hook-installation-target-id', 'x-github-hook-installation-target-type',
  // GitLab
  'x-gitlab-event', 'x-gitlab-event-uuid', 'x-gitlab-instance', 'x-gitlab-webhook-uuid', 'idempotency-key',
  // Spacelift
  'x-spacelift-event', 'x-spacelift-delivery', 'x-spacelift-account',
  // Bitbucket
  'x-event-key', 'x-request-uuid', 'x-hook-uuid',
  // Others (Sentry, PagerDuty, Jira, Azure DevOps, Stripe-like senders)
  'sentry-hook-resource', 'sentry-hook-timestamp', 'x-pagerduty-webhook-id', 'x-atlassian-webhook-identifier', 'x-request-id',
  'x-correlation-id', 'traceparent', 'cf-ray', 'cf-ipcountry',
]);

/** Names that look like credentials: never kept, even where every header may be read. */
export const CREDENTIAL = /authorization|cookie|token|secret|passw|api[-_]?key|^key$|[-_]key$|signature|auth|session|credential/i;

/**
 * @typedef {{headers: string[] | null, queryParams: string[] | null}} Reads What the
 *   webhook's expressions read, by name (`null`: any).
 */

/**
 * Merge what several expressions read.
 * @param {Reads[]} list
 * @returns {Reads}
 */
export function mergeReads(list) {
  const merge = (/** @type {keyof Reads} */ key) => (list.some((r) => r[key] === null) ? null : [...new Set(list.flatMap((r) => /** @type {string[]} */ (r[key])))].sort());
  return { headers: merge('headers'), queryParams: merge('queryParams') };
}

/**
 * The headers to store: name -> value, or REDACTED.
 * @param {Iterable<[string, string]>} headers Names as received (the Headers object's are lowercase).
 * @param {Reads} reads
 * @returns {Record<string, string>}
 */
export function keptHeaders(headers, reads) {
  const read = reads.headers === null ? null : new Set(reads.headers.map((h) => h.toLowerCase()));
  /** @type {Record<string, string>} */
  const out = {};
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    const keep = read === null ? !CREDENTIAL.test(lower) : METADATA_HEADERS.has(lower) || read.has(lower);
    out[lower] = keep ? value : REDACTED;
  }
  return out;
}

/**
 * The query parameters to store: name -> value (or values), or REDACTED.
 * @param {Record<string, string | string[]>} query
 * @param {Reads} reads
 * @returns {Record<string, string | string[]>}
 */
export function keptQuery(query, reads) {
  const read = reads.queryParams === null ? null : new Set(reads.queryParams);
  /** @type {Record<string, string | string[]>} */
  const out = {};
  for (const [name, value] of Object.entries(query)) {
    const keep = read === null ? !CREDENTIAL.test(name) : read.has(name);
    out[name] = keep ? value : REDACTED;
  }
  return out;
}

/**
 * A stored request's headers as served back (rows stored before the allow-list, too): any
 * credential-looking name is redacted.
 * @param {Record<string, unknown>} headers
 * @returns {Record<string, unknown>}
 */
export function servedHeaders(headers) {
  /** @type {Record<string, unknown>} */
  const out = {};
  for (const [name, value] of Object.entries(headers)) out[name] = CREDENTIAL.test(name) && !METADATA_HEADERS.has(name.toLowerCase()) ? REDACTED : value;
  return out;
}

/**
 * A stored request's query parameters as served back: any credential-looking name is redacted.
 * @param {Record<string, unknown>} query
 * @returns {Record<string, unknown>}
 */
export function servedQuery(query) {
  /** @type {Record<string, unknown>} */
  const out = {};
  for (const [name, value] of Object.entries(query)) out[name] = CREDENTIAL.test(name) ? REDACTED : value;
  return out;
}
