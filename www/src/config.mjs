// The webhook configurations: versioned in D1 (tables `webhooks` and `webhook_versions`,
// edited through the admin API, api.mjs), compiled once per isolate and version.
//
// The WEBHOOKS binding still works: a webhook it names and D1 lacks is imported as version 1.
// WEBHOOKS is JSON (a string, or an object when set as a JSON var in wrangler.toml): either an
// object of configurations keyed by webhook id (`{"spacelift": {...}, "github": {...}}`) or one
// configuration (with `mappings`), served under its `identifier`. Each configuration is Port's
// webhook configuration (a bare mappings array is accepted too). The signing secret comes from
// a secret binding: WEBHOOK_SECRET_<ID> (id upper-cased, other characters as `_`), else
// WEBHOOK_SECRET, else the WEBHOOKS binding's own `security.secret`; it is never stored in D1.
//
// ORDER_BY (optional, JSON `{"<id>": "<jq>"}`) gives the ordering expression of a webhook
// imported from WEBHOOKS (afterwards it is part of each version): evaluated over each request
// (e.g. `.body.timestamp_millis`), it lets the consumer skip an update older than the last one
// applied to the same entity.
import { Mapper, MapperError, requestReads } from 'hookmap';
import { mergeReads } from './allowlist.mjs';

const ID = /^[A-Za-z0-9_.-]{1,100}$/;

/** @type {{source: unknown, orderBy: unknown, table: Map<string, {config: unknown, orderBy: string | null}>} | null} */
let bindingCache = null;
/** Compiled webhooks of this isolate: id -> {version, envKey, hook}. */
const compiled = new Map();

/**
 * The binding name of a webhook's own secret: `WEBHOOK_SECRET_SPACELIFT` for `spacelift`.
 * @param {string} id Webhook id.
 * @returns {`WEBHOOK_SECRET_${string}`}
 */
export function secretBindingName(id) {
  return `WEBHOOK_SECRET_${id.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * A JSON binding's value: its text parsed, or the value itself when it was set as a JSON var.
 * @param {string} name The binding's name (for the message).
 * @param {unknown} value
 * @returns {any}
 * @throws {ConfigError} When the text is not JSON.
 */
function parseJsonBinding(name, value) {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch (e) {
    throw new ConfigError(`the ${name} binding is not valid JSON (${e.message}); set it to a JSON object of webhook configurations keyed by id`);
  }
}

/** A configuration problem the operator must fix (answered as 500, with this message). */
export class ConfigError extends Error {
  /**
   * @param {string} message What is wrong and how to fix it.
   * @param {unknown[]} [diagnostics] The engine's diagnostics, when it rejected a configuration.
   */
  constructor(message, diagnostics = []) {
    super(message);
    this.name = 'ConfigError';
    this.diagnostics = diagnostics;
  }
}

/**
 * The WEBHOOKS binding parsed: id -> {config, orderBy} (ORDER_BY's expression or null).
 * @param {Env} env
 * @returns {Map<string, {config: unknown, orderBy: string | null}>}
 * @throws {ConfigError} When the binding is not usable.
 */
function bindingTable(env) {
  const source = env.WEBHOOKS;
  if (bindingCache && bindingCache.source === source && bindingCache.orderBy === env.ORDER_BY) return bindingCache.table;
  const t = new Map();
  if (source === undefined || source === null || source === '') {
    bindingCache = { source, orderBy: env.ORDER_BY, table: t };
    return t;
  }
  const parsed = parseJsonBinding('WEBHOOKS', source);
  /** @type {Record<string, unknown>} */
  let byId;
  if (Array.isArray(parsed) || (parsed && typeof parsed === 'object' && 'mappings' in parsed)) {
    const id = Array.isArray(parsed) ? undefined : parsed.identifier;
    if (typeof id !== 'string') throw new ConfigError('WEBHOOKS holds a single configuration without `identifier`: key it by id instead ({"<id>": {...}})');
    byId = { [id]: parsed };
  } else if (parsed && typeof parsed === 'object') {
    byId = parsed;
  } else {
    throw new ConfigError('WEBHOOKS must be a JSON object of webhook configurations keyed by id');
  }
  const orderBy = env.ORDER_BY ? parseJsonBinding('ORDER_BY', env.ORDER_BY) : {};
  if (!orderBy || typeof orderBy !== 'object' || Array.isArray(orderBy)) {
    throw new ConfigError('ORDER_BY must be a JSON object of jq expressions keyed by webhook id ({"spacelift": ".body.timestamp_millis"})');
  }
  for (const [id, expression] of Object.entries(orderBy)) {
    if (typeof expression !== 'string' || expression.trim() === '') throw new ConfigError(`ORDER_BY.${id} must be a jq expression (a non-empty string)`);
  }
  for (const [id, config] of Object.entries(byId)) {
    if (!ID.test(id)) throw new ConfigError(`webhook id ${JSON.stringify(id)} is not usable in a URL: use letters, digits, '_', '-', '.'`);
    t.set(id, { config, orderBy: orderBy[id] ?? null });
  }
  bindingCache = { source, orderBy: env.ORDER_BY, table: t };
  return t;
}

/**
 * Whether `id` can be a webhook id (it appears in URLs).
 * @param {unknown} id
 * @returns {id is string}
 */
export const validId = (id) => typeof id === 'string' && ID.test(id);

/**
 * A configuration without its signing secret (what D1 stores and answers show).
 * @param {any} config Any JSON value (only an object's `security` is looked at).
 * @returns {unknown}
 */
export function withoutSecret(config) {
  if (!config || typeof config !== 'object' || Array.isArray(config) || !config.security || typeof config.security !== 'object') return config;
  if (!('secret' in config.security)) return config;
  const { secret: _secret, ...security } = config.security;
  return { ...config, security };
}

/**
 * Import the webhooks the WEBHOOKS binding names and D1 lacks, as version 1 (all of them, or
 * only `only`). A concurrent import of the same webhook is harmless (the first one wins).
 * @param {Env} env
 * @param {string} [only] One webhook id.
 * @returns {Promise<void>}
 */
export async function importFromBinding(env, only) {
  const t = bindingTable(env);
  const entries = only === undefined ? [...t] : t.has(only) ? [/** @type {[string, {config: unknown, orderBy: string | null}]} */ ([only, t.get(only)])] : [];
  if (entries.length === 0) return;
  const { results } = await env.DB.prepare('SELECT id FROM webhooks WHERE id IN (SELECT value FROM json_each(?1))')
    .bind(JSON.stringify(entries.map(([id]) => id))).all();
  const present = new Set(results.map((r) => r.id));
  const now = new Date().toISOString();
  const statements = [];
  for (const [id, { config, orderBy }] of entries) {
    if (present.has(id)) continue;
    statements.push(
      env.DB.prepare(`INSERT OR IGNORE INTO webhook_versions (webhook, version, config, order_by, created_at, note)
        SELECT ?1, 1, ?2, ?3, ?4, 'imported from the WEBHOOKS binding' WHERE NOT EXISTS (SELECT 1 FROM webhooks WHERE id = ?1)`)
        .bind(id, JSON.stringify(withoutSecret(config), null, 2), orderBy, now),
      env.DB.prepare('INSERT OR IGNORE INTO webhooks (id, current_version, created_at, updated_at) VALUES (?1, 1, ?2, ?2)').bind(id, now),
    );
  }
  if (statements.length > 0) await env.DB.batch(statements);
}

/**
 * The configuration's own security.secret in the WEBHOOKS binding (never stored in D1).
 * @param {Env} env
 * @param {string} id
 * @returns {string | undefined}
 */
function bindingSecret(env, id) {
  try {
    const entry = bindingTable(env).get(id);
    const s = entry && !Array.isArray(entry.config) ? /** @type {any} */ (entry.config)?.security?.secret : undefined;
    return typeof s === 'string' ? s : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A 64-bit hash of a text (two 32-bit FNV-style lanes), in hex: the digest of an applied entity.
 * @param {string} text
 * @returns {string}
 */
export function version(text) {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) ^ (h2 >>> 15);
  }
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}

/**
 * A webhook at its current D1 version, compiled once per isolate and version: `{id, mapper,
 * security, signed, orderBy, version}` or `null` when no webhook has this id (in D1 or in the
 * WEBHOOKS binding). `signed`: its configuration checks a signature; `orderBy`: its ordering
 * expression or null; `version`: the number of the live version.
 * @param {Env} env The worker's bindings.
 * @param {string} id Webhook id from the URL.
 * @returns {Promise<{id: string, mapper: import('hookmap').Mapper, security: import('hookmap').SecurityConfig | undefined, signed: boolean, orderBy: string | null, version: number, reads: import('./allowlist.mjs').Reads} | null>}
 * @throws {ConfigError} When the bindings or this webhook's configuration are invalid.
 */
export async function webhook(env, id) {
  if (!validId(id)) return null;
  /** @type {() => Promise<{version: number} | null>} */
  const current = () => env.DB.prepare('SELECT current_version AS version FROM webhooks WHERE id = ?1').bind(id).first();
  let row = await current();
  if (!row) {
    await importFromBinding(env, id);
    row = await current();
    if (!row) return null;
  }
  const secrets = Object.keys(env).filter((k) => k.startsWith('WEBHOOK_SECRET')).map((k) => `${k}=${env[/** @type {'WEBHOOK_SECRET' | `WEBHOOK_SECRET_${string}`} */ (k)]}`).join('\n');
  const envKey = `${secrets}\n${typeof env.BLUEPRINTS === 'string' ? env.BLUEPRINTS : JSON.stringify(env.BLUEPRINTS ?? null)}`;
  const cached = compiled.get(id);
  if (cached && cached.version === row.version && cached.envKey === envKey) return cached.hook;
  /** @type {{config: string, order_by: string | null} | null} */
  const stored = await env.DB.prepare('SELECT config, order_by FROM webhook_versions WHERE webhook = ?1 AND version = ?2').bind(id, row.version).first();
  if (!stored) throw new ConfigError(`webhook '${id}' names version ${row.version}, which D1 does not hold`);
  const config = JSON.parse(stored.config);
  const blueprints = env.BLUEPRINTS ? parseJsonBinding('BLUEPRINTS', env.BLUEPRINTS) : undefined;
  let mapper;
  try {
    mapper = new Mapper(config, blueprints ? { blueprints } : undefined);
  } catch (e) {
    if (e instanceof MapperError) {
      throw new ConfigError(`the configuration of webhook '${id}' (version ${row.version}) is invalid: ${e.message}`, e.diagnostics);
    }
    throw e;
  }
  // Fail closed: an empty secret is no secret (HMAC with an empty key is forgeable by anyone).
  const secret = nonEmpty(env[secretBindingName(id)]) ?? nonEmpty(env.WEBHOOK_SECRET) ?? nonEmpty(bindingSecret(env, id));
  const security = Array.isArray(config) ? undefined : config.security;
  const effective = security && secret !== undefined && security.signatureHeaderName ? { ...security, secret } : security;
  const orderBy = stored.order_by ?? null;
  // What a stored delivery must keep of headers and query (allowlist.mjs): what the mappings
  // and the ordering expression read.
  const reads = mergeReads([mapper.requestReads, ...(orderBy ? [requestReads(orderBy)] : [])]);
  const hook = { id, mapper, security: effective, signed: Boolean(effective?.signatureHeaderName), orderBy, version: row.version, reads };
  compiled.set(id, { version: row.version, envKey, hook });
  return hook;
}

/**
 * A secret binding's value, or undefined when it is unset or empty.
 * @param {unknown} value
 * @returns {string | undefined}
 */
export function nonEmpty(value) {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * A numeric variable of the worker's environment (`PORT_BUDGET_MS`, `RETRY_BASE_SECONDS`, ...),
 * or `fallback` when it is unset, empty or not a number.
 * @param {unknown} value
 * @param {number} fallback
 * @returns {number}
 */
export function numericVar(value, fallback) {
  return value === undefined || value === '' || !Number.isFinite(Number(value)) ? fallback : Number(value);
}

/**
 * How many days deliveries are kept: DELIVERY_RETENTION_DAYS (default 7; AUDIT_RETENTION_DAYS,
 * its former name, is still read). Queued, retrying and dead deliveries are never pruned.
 * @param {Env} env
 * @returns {number}
 */
export function retentionDays(env) {
  return numericVar(env.DELIVERY_RETENTION_DAYS, numericVar(env.AUDIT_RETENTION_DAYS, 7));
}
