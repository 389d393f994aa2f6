// The webhook configurations, from the WEBHOOKS binding, compiled once per isolate.
//
// WEBHOOKS is JSON (a string, or an object when set as a JSON var in wrangler.toml): either an
// object of configurations keyed by webhook id (`{"spacelift": {...}, "github": {...}}`) or one
// configuration (with `mappings`), served under its `identifier`. Each configuration is Port's
// webhook configuration (a bare mappings array is accepted too). The signing secret comes from
// a secret binding: WEBHOOK_SECRET_<ID> (id upper-cased, other characters as `_`), else
// WEBHOOK_SECRET, else the configuration's own `security.secret`.
//
// ORDER_BY (optional, JSON `{"<id>": "<jq>"}`) keeps a per-webhook ordering expression beside
// the configurations, outside Port's schema: evaluated over each request (e.g.
// `.body.timestamp_millis`), it lets the consumer skip an update older than the last one
// applied to the same entity.
import { Mapper, MapperError } from 'hookmap';

const ID = /^[A-Za-z0-9_.-]{1,100}$/;

/** @type {{source: unknown, secrets: string, blueprints: unknown, orderBy: unknown, table: Map<string, object>} | null} */
let cache = null;

/**
 * The binding name of a webhook's own secret: `WEBHOOK_SECRET_SPACELIFT` for `spacelift`.
 * @param {string} id Webhook id.
 * @returns {string}
 */
export function secretBindingName(id) {
  return `WEBHOOK_SECRET_${id.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

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

function table(env) {
  const source = env.WEBHOOKS;
  const secrets = Object.keys(env).filter((k) => k.startsWith('WEBHOOK_SECRET')).map((k) => `${k}=${env[k]}`).join('\n');
  if (cache && cache.source === source && cache.secrets === secrets && cache.blueprints === env.BLUEPRINTS && cache.orderBy === env.ORDER_BY) return cache.table;
  if (source === undefined || source === null || source === '') {
    throw new ConfigError('no webhook is configured: set the WEBHOOKS binding (JSON: {"<id>": <Port webhook configuration>, ...})');
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
  const blueprints = env.BLUEPRINTS ? parseJsonBinding('BLUEPRINTS', env.BLUEPRINTS) : undefined;
  const orderBy = env.ORDER_BY ? parseJsonBinding('ORDER_BY', env.ORDER_BY) : {};
  if (!orderBy || typeof orderBy !== 'object' || Array.isArray(orderBy)) {
    throw new ConfigError('ORDER_BY must be a JSON object of jq expressions keyed by webhook id ({"spacelift": ".body.timestamp_millis"})');
  }
  for (const [id, expression] of Object.entries(orderBy)) {
    if (typeof expression !== 'string' || expression.trim() === '') throw new ConfigError(`ORDER_BY.${id} must be a jq expression (a non-empty string)`);
  }
  const t = new Map();
  for (const [id, config] of Object.entries(byId)) {
    if (!ID.test(id)) throw new ConfigError(`webhook id ${JSON.stringify(id)} is not usable in a URL: use letters, digits, '_', '-', '.'`);
    const order = orderBy[id] ?? null;
    t.set(id, { id, config, blueprints, mapper: null, secret: env[secretBindingName(id)] ?? env.WEBHOOK_SECRET, orderBy: order, version: version(JSON.stringify([config, order])) });
  }
  cache = { source, secrets, blueprints: env.BLUEPRINTS, orderBy: env.ORDER_BY, table: t };
  return t;
}

/**
 * The version of a configuration: a 64-bit hash of its JSON text (two 32-bit FNV-style lanes), in hex (stored with
 * each delivery; configurations kept in D1 with numbered versions can replace it).
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
 * A configured webhook, compiled on first use: `{id, mapper, security, signed, orderBy,
 * version}` or `null` when no webhook has this id. `signed`: its configuration checks a
 * signature; `orderBy`: its ordering expression (ORDER_BY) or null.
 * @param {Record<string, unknown>} env The worker's bindings.
 * @param {string} id Webhook id from the URL.
 * @returns {{id: string, mapper: import('hookmap').Mapper, security: object | undefined, signed: boolean, orderBy: string | null, version: string} | null}
 * @throws {ConfigError} When the bindings or this webhook's configuration are invalid.
 */
export function webhook(env, id) {
  const entry = table(env).get(id);
  if (!entry) return null;
  if (entry.mapper === null) {
    try {
      entry.mapper = new Mapper(entry.config, entry.blueprints ? { blueprints: entry.blueprints } : undefined);
    } catch (e) {
      if (e instanceof MapperError) {
        throw new ConfigError(`the configuration of webhook '${id}' is invalid: ${e.message}`, e.diagnostics);
      }
      throw e;
    }
    const security = Array.isArray(entry.config) ? undefined : entry.config.security;
    entry.security = security && entry.secret !== undefined && security.signatureHeaderName
      ? { ...security, secret: entry.secret }
      : security;
  }
  return { id, mapper: entry.mapper, security: entry.security, signed: Boolean(entry.security?.signatureHeaderName), orderBy: entry.orderBy, version: entry.version };
}

/**
 * The ids of every configured webhook (for error messages).
 * @param {Record<string, unknown>} env
 * @returns {string[]}
 */
export function webhookIds(env) {
  return [...table(env).keys()];
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
