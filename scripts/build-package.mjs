#!/usr/bin/env node
// Builds the npm package `hookmap` into mapper-wasm/pkg/:
//   cargo (wasm32, size profile) -> wasm-bindgen --target web -> wasm-opt (npm binaryen)
//   -> the glue wrapped as a factory (fresh state per instance) -> one bundle per runtime.
// Prints the .wasm size raw and gzipped.
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const crate = join(root, 'mapper-wasm');
const target = process.env.CARGO_TARGET_DIR ?? join(root, 'target');
const build = join(target, 'hookmap-package');
const pkg = join(crate, 'pkg');
const js = join(crate, 'js');
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });

const version = /^version = "([^"]+)"/m.exec(readFileSync(join(root, 'Cargo.toml'), 'utf8'))[1];
const profile = process.env.HOOKMAP_WASM_PROFILE ?? 'wasm-release';

// 1. The modules: the library's, and the command line's (the `hookmap` bin: hookmap-cli's
//    commands on a Node host, mapper-wasm/cli).
run('cargo', ['build', '-p', 'mapper-wasm', '-p', 'hookmap-cli-wasm', '--target', 'wasm32-unknown-unknown', '--profile', profile]);
rmSync(build, { recursive: true, force: true });
mkdirSync(build, { recursive: true });
run('wasm-bindgen', ['--target', 'web', '--no-typescript', '--out-dir', build, '--out-name', 'hookmap',
  join(target, 'wasm32-unknown-unknown', profile, 'mapper_wasm.wasm')]);
run('wasm-bindgen', ['--target', 'web', '--no-typescript', '--out-dir', build, '--out-name', 'hookmap_cli',
  join(target, 'wasm32-unknown-unknown', profile, 'hookmap_cli_wasm.wasm')]);

// 2. Optimise with npm's binaryen (never Debian's v108: its output crashes at init).
rmSync(pkg, { recursive: true, force: true });
mkdirSync(pkg, { recursive: true });
const features = ['--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext',
  '--enable-mutable-globals', '--enable-reference-types', '--enable-multivalue'];
const optLevel = process.env.HOOKMAP_WASM_OPT ?? '-Oz';
for (const name of ['hookmap_bg.wasm', 'hookmap_cli_bg.wasm']) {
  run(join(root, 'node_modules', '.bin', 'wasm-opt'), [optLevel, ...features, '--strip-debug', '--strip-producers',
    join(build, name), '-o', join(pkg, name)]);
}

// 3. The glue as a factory: every call returns a fresh glue state, so a poisoned instance can
//    be replaced by a new one (the module-level `wasm` of wasm-bindgen's glue can't be reset).
const cjs = (await esbuild.build({
  entryPoints: [join(build, 'hookmap.js')], format: 'cjs', platform: 'neutral', write: false, logLevel: 'error',
})).outputFiles[0].text;
writeFileSync(join(build, 'glue-factory.mjs'),
  `// wasm-bindgen's glue, wrapped so that each call makes a fresh instance state.\n` +
  `export function createGlue() {\nconst module = { exports: {} };\nconst exports = module.exports;\n${cjs}\nreturn module.exports;\n}\n`);
cpSync(js, build, { recursive: true, filter: (src) => !src.endsWith('.d.ts') });

// 4. One bundle per runtime.
const common = { bundle: true, write: true, logLevel: 'error', define: { __HOOKMAP_VERSION__: JSON.stringify(version) }, legalComments: 'none' };
await esbuild.build({ ...common, entryPoints: [join(build, 'node.mjs')], outfile: join(pkg, 'index.node.mjs'), format: 'esm', platform: 'node' });
await esbuild.build({ ...common, entryPoints: [join(build, 'node-cjs.mjs')], outfile: join(pkg, 'index.node.cjs'), format: 'cjs', platform: 'node' });
await esbuild.build({ ...common, entryPoints: [join(build, 'browser.mjs')], outfile: join(pkg, 'index.browser.mjs'), format: 'esm', platform: 'browser' });
await esbuild.build({ ...common, entryPoints: [join(build, 'workerd.mjs')], outfile: join(pkg, 'index.workerd.mjs'), format: 'esm', platform: 'neutral', external: ['./hookmap_bg.wasm'] });
// The bin: the command line's glue and its Node host in one file, next to its module.
cpSync(join(build, 'hookmap_cli.js'), join(build, 'cli-glue.mjs'));
await esbuild.build({ ...common, entryPoints: [join(build, 'bin', 'hookmap.mjs')], outfile: join(pkg, 'bin', 'hookmap.mjs'), format: 'esm', platform: 'node' });
chmodSync(join(pkg, 'bin', 'hookmap.mjs'), 0o755);

// 5. Types, README, licence, package.json.
for (const f of ['index.d.ts', 'types.d.ts', 'README.md']) cpSync(join(js, f), join(pkg, f));
cpSync(join(js, 'index.d.ts'), join(pkg, 'index.d.cts'));
writeFileSync(join(pkg, 'LICENSE'), readFileSync(join(root, 'LICENSE')));
const manifest = {
  name: 'hookmap',
  version,
  description: 'Port webhook mappings, run anywhere: map webhook requests to catalog entities exactly as Port does, with diagnostics.',
  license: 'MIT',
  repository: { type: 'git', url: 'https://example.invalid/hookmap.git' },
  keywords: ['port', 'webhook', 'jq', 'wasm', 'spacelift', 'cloudflare-workers'],
  type: 'module',
  main: './index.node.cjs',
  module: './index.browser.mjs',
  types: './index.d.ts',
  // `npx hookmap test ...`: the command line, the native binary's commands in wasm.
  bin: { hookmap: './bin/hookmap.mjs' },
  exports: {
    '.': {
      workerd: { types: './index.d.ts', default: './index.workerd.mjs' },
      node: {
        import: { types: './index.d.ts', default: './index.node.mjs' },
        require: { types: './index.d.cts', default: './index.node.cjs' },
      },
      browser: { types: './index.d.ts', default: './index.browser.mjs' },
      types: './index.d.ts',
      default: './index.browser.mjs',
    },
    './hookmap_bg.wasm': './hookmap_bg.wasm',
    './package.json': './package.json',
  },
  files: ['index.node.mjs', 'index.node.cjs', 'index.browser.mjs', 'index.workerd.mjs', 'hookmap_bg.wasm', 'bin/hookmap.mjs', 'hookmap_cli_bg.wasm', 'index.d.ts', 'index.d.cts', 'types.d.ts', 'README.md', 'LICENSE'],
  sideEffects: false,
  engines: { node: '>=20' },
};
writeFileSync(join(pkg, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');

const wasm = readFileSync(join(pkg, 'hookmap_bg.wasm'));
const cliWasm = readFileSync(join(pkg, 'hookmap_cli_bg.wasm'));
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.log(`hookmap ${version}: hookmap_bg.wasm ${kb(wasm.length)} raw, ${kb(gzipSync(wasm, { level: 9 }).length)} gzip; ` +
  `bin: hookmap_cli_bg.wasm ${kb(cliWasm.length)} raw, ${kb(gzipSync(cliWasm, { level: 9 }).length)} gzip; ` +
  `index.node.mjs ${kb(statSync(join(pkg, 'index.node.mjs')).size)}; built in ${pkg}`);
