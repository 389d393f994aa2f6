#!/usr/bin/env node
// Builds the playground into www/public/: the Yew app (pkg/), the editor bridge and the
// evaluation worker with the npm package's wasm module (assets/). Needs `make package` first.
// Prints the sizes, raw and gzipped.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pub = join(root, 'www', 'public');
const pkg = join(root, 'mapper-wasm', 'pkg');
const target = process.env.CARGO_TARGET_DIR ?? join(root, 'target');
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });
if (!existsSync(join(pkg, 'index.browser.mjs'))) throw new Error('mapper-wasm/pkg is missing: run `make package` first');

// The engine: the npm package's browser build, bundled into the worker; its wasm beside it.
const assets = join(pub, 'assets');
rmSync(assets, { recursive: true, force: true });
mkdirSync(assets, { recursive: true });
const common = { bundle: true, minify: true, format: 'esm', platform: 'browser', logLevel: 'error', legalComments: 'none' };
await esbuild.build({ ...common, entryPoints: [join(root, 'playground', 'js', 'bridge.mjs')], outfile: join(assets, 'bridge.js') });
await esbuild.build({ ...common, entryPoints: [join(root, 'playground', 'js', 'eval-worker.mjs')], outfile: join(assets, 'eval-worker.js'), alias: { hookmap: join(pkg, 'index.browser.mjs') } });
await esbuild.build({ ...common, entryPoints: [join(root, 'playground', 'js', 'backtest-worker.mjs')], outfile: join(assets, 'backtest-worker.js'), alias: { hookmap: join(pkg, 'index.browser.mjs') } });
copyFileSync(join(pkg, 'hookmap_bg.wasm'), join(assets, 'hookmap_bg.wasm'));

// The Yew app.
const profile = 'wasm-release';
run('cargo', ['build', '-p', 'playground', '--target', 'wasm32-unknown-unknown', '--profile', profile]);
const out = join(pub, 'pkg');
rmSync(out, { recursive: true, force: true });
run('wasm-bindgen', ['--target', 'web', '--no-typescript', '--out-dir', out, join(target, 'wasm32-unknown-unknown', profile, 'playground.wasm')]);
const wasm = join(out, 'playground_bg.wasm');
run(join(root, 'node_modules', '.bin', 'wasm-opt'), ['-Oz', '--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext',
  '--enable-mutable-globals', '--enable-reference-types', '--enable-multivalue', '--strip-debug', '--strip-producers', wasm, '-o', wasm]);

const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
const size = (f) => { const b = readFileSync(f); return `${kb(b.length)} raw / ${kb(gzipSync(b, { level: 9 }).length)} gzip`; };
const files = [join(out, 'playground_bg.wasm'), join(out, 'playground.js'), ...readdirSync(assets).map((f) => join(assets, f))];
let raw = 0;
let gz = 0;
for (const f of files) {
  const b = readFileSync(f);
  raw += b.length;
  gz += gzipSync(b, { level: 9 }).length;
  console.log(`  ${f.slice(pub.length + 1).padEnd(26)} ${size(f)}`);
}
console.log(`playground built in www/public: ${files.length} files, ${kb(raw)} raw / ${kb(gz)} gzip in all (${statSync(pub).isDirectory() ? 'ok' : ''})`);
