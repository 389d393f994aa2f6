#!/usr/bin/env node
// Runs hookmap's worker locally with `wrangler dev` (workerd, fully local: no login, no
// metrics): the producer (POST /webhooks/...) and the queue consumer in one process, with a
// local queue and its dead-letter queue, a local D1 (migrations applied) and the built-in
// catalog, serving the product's Spacelift example configuration as webhook `spacelift`, signed
// like Spacelift (x-signature-256, sha256, prefix `sha256=`) with the secret `dev-secret` or
// $WEBHOOK_SECRET. ADMIN_TOKEN is `dev-admin` or $ADMIN_TOKEN (it also reads /entities and
// /deliveries). Prints a ready-to-paste signed curl for the seed payload. Used by `make worker`,
// scripts/worker-load.mjs and scripts/worker-outage.mjs.
//
// Also prints the URL of the connected playground (served by the worker) and its admin token.
//
//   node scripts/worker-dev.mjs [--port 8787] [--persist-to DIR]
import { execFileSync, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const www = join(root, 'www');
const wrangler = join(root, 'node_modules', '.bin', 'wrangler');
const example = join(root, 'examples', 'spacelift');
const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', CI: 'true' };

/** The signing of the dev webhook: Spacelift's X-Signature-256. */
export const SECURITY = {
  signatureHeaderName: 'x-signature-256',
  signatureAlgorithm: 'sha256',
  signaturePrefix: 'sha256=',
  // Spacelift sends no delivery id: a run's state change (run id + state version) is one event.
  requestIdentifierPath: '.body.run.id + "@" + (.body.stateVersion | tostring)',
};

/** The secret the dev webhook checks signatures with. */
export const secret = () => process.env.WEBHOOK_SECRET || 'dev-secret';

/** The admin token of the dev worker (reads and the admin API). */
export const adminToken = () => process.env.ADMIN_TOKEN || 'dev-admin';

/** Headers that authenticate a read or an admin call to the dev worker. */
export const adminHeaders = () => ({ authorization: `Bearer ${adminToken()}` });

/** The WEBHOOKS binding: the example configuration as `spacelift`, with SECURITY. */
export function webhooks() {
  const config = JSON.parse(readFileSync(join(example, 'config.json'), 'utf8'));
  return { spacelift: { ...config, security: { ...config.security, ...SECURITY } } };
}

/** `sha256=<hex HMAC-SHA256 of body>`. */
export const sign = (body, key = secret()) => `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;

/** The seed delivery's body (compact JSON, as the signature covers it). */
export const seedBody = () => JSON.stringify(JSON.parse(readFileSync(join(example, 'request.json'), 'utf8')).body);

/** A signed curl for a body, ready to paste into a shell. */
export function curl(base, body) {
  const quoted = `'${body.replaceAll("'", "'\\''")}'`;
  return `curl -i -X POST ${base}/webhooks/spacelift -H 'content-type: application/json' -H 'x-signature-256: ${sign(body)}' --data-binary ${quoted}`;
}

/**
 * Apply the D1 migrations locally, then start `wrangler dev` on 127.0.0.1.
 * @param {{port?: number, persistTo?: string, stdio?: 'inherit' | 'ignore', vars?: Record<string, string>}} [options]
 *   `vars`: more bindings (e.g. the Port target's PORT_CLIENT_ID, PORT_API_URL).
 * @returns {Promise<{child: import('node:child_process').ChildProcess, base: string, stop: () => Promise<void>}>} Once it answers.
 */
export async function startDev({ port = 8787, persistTo, stdio = 'inherit', vars = {} } = {}) {
  const persist = persistTo ? ['--persist-to', resolve(persistTo)] : [];
  execFileSync(wrangler, ['d1', 'migrations', 'apply', 'DB', '--local', ...persist], { cwd: www, env, stdio: [ 'ignore', stdio, 'inherit'] });
  const child = spawn(wrangler, [
    'dev', '--local', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', '0', '--show-interactive-dev-session=false', ...persist,
    '--var', `WEBHOOKS:${JSON.stringify(webhooks())}`, '--var', `WEBHOOK_SECRET:${secret()}`, '--var', `ADMIN_TOKEN:${adminToken()}`,
    ...Object.entries(vars).flatMap(([k, v]) => ['--var', `${k}:${v}`]),
  ], { cwd: www, env, stdio: ['ignore', stdio, 'inherit'], detached: true });
  const base = `http://127.0.0.1:${port}`;
  const exited = new Promise((r) => child.once('exit', r));
  // wrangler dev runs no cron trigger (and its /cdn-cgi/handler/scheduled answered `exception`
  // here, wrangler 4.86): run the sweeper through the admin API every minute, as
  // production's `crons = ["* * * * *"]` does.
  const cron = setInterval(() => fetch(`${base}/api/sweep`, { method: 'POST', headers: adminHeaders() }).catch(() => {}), 60_000);
  cron.unref();
  const stop = async () => {
    clearInterval(cron);
    if (child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    }
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/deliveries?limit=1`, { headers: adminHeaders() })).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error('wrangler dev did not answer within 60 s');
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { child, base, stop };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const dev = await startDev({ port: Number(arg('--port') ?? 8787), persistTo: arg('--persist-to') });
  const body = seedBody();
  console.log(`
hookmap worker on ${dev.base}: producer and queue consumer (local queue hookmap-deliveries and
its dead-letter queue, local D1, built-in catalog); webhook 'spacelift', secret ${process.env.WEBHOOK_SECRET ? '$WEBHOOK_SECRET' : "'dev-secret'"};
ADMIN_TOKEN set to ${process.env.ADMIN_TOKEN ? '$ADMIN_TOKEN' : "'dev-admin'"} (reads /entities and /deliveries, and the admin API).
Send the seed delivery, signed (202 queued; a second send is a duplicate: 200):

${curl(dev.base, body)}

The connected playground (deliveries, backtest, publish, versions): open ${dev.base}/
and Connect with the admin token ${adminToken()} (kept in that tab's sessionStorage only).
(The playground must be built: node scripts/build-playground.mjs, or make playground.)

Then:  curl -H 'authorization: Bearer ${adminToken()}' ${dev.base}/entities/space_lift_stack/ai-agent
       curl -H 'authorization: Bearer ${adminToken()}' ${dev.base}/deliveries
Ctrl-C stops it.
`);
  const quit = async () => {
    await dev.stop();
    process.exit(0);
  };
  process.on('SIGINT', quit);
  process.on('SIGTERM', quit);
  dev.child.once('exit', (code) => process.exit(code ?? 0));
}
