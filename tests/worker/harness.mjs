// Test harness for the worker: bundles www/ exactly as `wrangler deploy` would (dry run), then
// runs it in workerd through miniflare with a fresh local D1 (migrations applied) per instance.
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

/**
 * Start the bundled worker in workerd with these bindings.
 * @returns {Promise<{mf: Miniflare, db: D1Database, fetch: (path: string, init?: RequestInit) => Promise<Response>}>}
 */
export async function start(dist, bindings) {
  const mf = new Miniflare({
    modules: true,
    scriptPath: join(dist, 'worker.js'),
    modulesRoot: dist,
    modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
    compatibilityDate: '2025-04-01',
    d1Databases: { DB: `hookmap-test-${Math.random().toString(36).slice(2)}` },
    bindings,
  });
  const db = await mf.getD1Database('DB');
  await db.batch(migrationStatements().map((s) => db.prepare(s)));
  return { mf, db, fetch: (path, init) => mf.dispatchFetch(`http://hookmap.test${path}`, init) };
}

/** `sha256=<hex HMAC>` of a body, computed independently of the module (node:crypto). */
export function sign(body, secret, prefix = 'sha256=') {
  return prefix + createHmac('sha256', secret).update(body).digest('hex');
}

export function cleanup(dir) {
  rmSync(dir, { recursive: true, force: true });
}
