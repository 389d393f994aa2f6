// Test harness for the worker: bundles www/ exactly as `wrangler deploy` would (dry run), then
// runs it in workerd through miniflare with a fresh local D1 (migrations applied) and its own
// queues (the delivery queue, consumed by the worker, and the dead-letter queue) per instance.
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Miniflare } from 'miniflare';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const www = join(root, 'www');
export const example = join(root, 'examples', 'spacelift');
export const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
const wrangler = join(root, 'node_modules', '.bin', 'wrangler');

/** wrangler's environment: fully local, no metrics, no network look-ups. */
export const wranglerEnv = { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', CI: 'true' };

/** Bundle the worker with wrangler (dry run) into a temporary folder; returns its path. */
export function bundle() {
  const out = mkdtempSync(join(tmpdir(), 'hookmap-worker-'));
  execFileSync(wrangler, ['deploy', '--dry-run', '--outdir', out], { cwd: www, env: wranglerEnv, stdio: ['ignore', 'ignore', 'inherit'] });
  return out;
}

/** The statements of the D1 migrations, in order (each ends with `;` at the end of a line). */
export function migrationStatements() {
  const dir = join(www, 'migrations');
  return readdirSync(dir).filter((f) => f.endsWith('.sql')).sort().flatMap((f) =>
    readFileSync(join(dir, f), 'utf8')
      .split('\n').filter((l) => !l.trim().startsWith('--')).join('\n')
      .split(/;\s*$/m).map((s) => s.trim()).filter(Boolean));
}

/** The token the tests read with (READ_TOKEN) and administer with (ADMIN_TOKEN). */
export const READ_TOKEN = 'test-read-token';
export const ADMIN_TOKEN = 'test-admin-token';

/**
 * Start the bundled worker in workerd with these bindings (plus READ_TOKEN and ADMIN_TOKEN
 * unless given, and short retry delays unless given), its queues named as in wrangler.toml
 * but unique to this instance.
 * @param {string} dist
 * @param {Record<string, string>} bindings
 * @param {{tokens?: boolean, maxRetries?: number, consume?: boolean, rejectedLimit?: number}} [options]
 *   `tokens: false` starts it without READ_TOKEN/ADMIN_TOKEN; `consume: false` without a consumer
 *   of the delivery queue (the test dispatches batches itself with `queue()`); `rejectedLimit`:
 *   the REJECTED rate limit per minute (default 1000, so tests are not throttled).
 */
export async function start(dist, bindings, { tokens = true, maxRetries = 100, consume = true, rejectedLimit = 1000 } = {}) {
  const suffix = Math.random().toString(36).slice(2);
  const queue = `hookmap-deliveries-${suffix}`;
  const dlq = `hookmap-deliveries-dlq-${suffix}`;
  const mf = new Miniflare({
    modules: true,
    scriptPath: join(dist, 'worker.js'),
    modulesRoot: dist,
    modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
    compatibilityDate: '2025-04-01',
    d1Databases: { DB: `hookmap-test-${suffix}` },
    queueProducers: { DELIVERIES: { queueName: queue }, DEAD_LETTERS: { queueName: dlq } },
    queueConsumers: {
      ...(consume ? { [queue]: { maxBatchSize: 20, maxBatchTimeout: 0.2, maxRetries, deadLetterQueue: dlq } } : {}),
      [dlq]: { maxBatchSize: 20, maxBatchTimeout: 0.2 },
    },
    ratelimits: { REJECTED: { simple: { limit: rejectedLimit, period: 60 } } },
    bindings: {
      ...(tokens ? { READ_TOKEN, ADMIN_TOKEN } : {}),
      DEAD_LETTER_QUEUE: dlq, RETRY_BASE_SECONDS: '1', RETRY_MAX_SECONDS: '2', PORT_BUDGET_MS: '1000',
      ...bindings,
    },
  });
  const db = await mf.getD1Database('DB');
  await db.batch(migrationStatements().map((s) => db.prepare(s)));
  const fetch = (path, init) => mf.dispatchFetch(`http://hookmap.test${path}`, init);
  const authed = (path, token = READ_TOKEN, init = {}) => fetch(path, { ...init, headers: { ...(init.headers ?? {}), authorization: `Bearer ${token}` } });
  /** One delivery's row from GET /deliveries?id= (with READ_TOKEN). */
  const delivery = async (id) => (await (await authed(`/deliveries?id=${id}`)).json()).deliveries[0];
  /** Wait until delivery `id` is in one of `states` (default: any final state). */
  const settled = async (id, states = ['applied', 'partial', 'failed', 'stale', 'dead'], timeoutMs = 20_000) => {
    let last;
    await waitFor(async () => {
      last = await delivery(id);
      return last && states.includes(last.state);
    }, timeoutMs, () => `delivery ${id} never reached ${states.join('|')}; last: ${JSON.stringify(last)}`);
    return last;
  };
  /** Run the cron handler (the sweeper) once. */
  const scheduled = async () => (await mf.getWorker()).scheduled({ cron: '* * * * *' });
  /**
   * Run the consumer on one batch of delivery ids, as the queue would (an invocation of its
   * own: several may run at once). Returns the batch's outcome (acks, retries).
   */
  const dispatch = async (ids, attempts = 1) => (await mf.getWorker()).queue(queue, ids.map((id) => ({
    id: `m-${id}-${Math.random().toString(36).slice(2)}`, timestamp: new Date(), body: { id }, attempts,
  })));
  return { mf, db, fetch, authed, delivery, settled, scheduled, dispatch, queue, dlq };
}

/**
 * Poll `check` until it returns true, or fail with `describe()` after `timeoutMs`.
 * @param {() => Promise<boolean> | boolean} check
 * @param {number} timeoutMs
 * @param {() => string} describe
 */
export async function waitFor(check, timeoutMs, describe = () => 'condition not met') {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${describe()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `sha256=<hex HMAC>` of a body, computed independently of the module (node:crypto). */
export function sign(body, secret, prefix = 'sha256=') {
  return prefix + createHmac('sha256', secret).update(body).digest('hex');
}

export function cleanup(dir) {
  rmSync(dir, { recursive: true, force: true });
}
