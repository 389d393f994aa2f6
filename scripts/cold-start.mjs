#!/usr/bin/env node
// Cold start of the npm package in Node: a fresh process imports `hookmap`, constructs a
// Mapper with the Spacelift configuration and maps one request. Median of 9 processes.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = pathToFileURL(join(root, 'mapper-wasm', 'pkg', 'index.node.mjs')).href;
const example = join(root, 'examples', 'spacelift');
const child = `
import { readFileSync } from 'node:fs';
const config = JSON.parse(readFileSync(${JSON.stringify(join(example, 'config.json'))}, 'utf8'));
const request = JSON.parse(readFileSync(${JSON.stringify(join(example, 'request.json'))}, 'utf8'));
const t0 = performance.now();
const { Mapper } = await import(${JSON.stringify(entry)});
const t1 = performance.now();
const mapper = new Mapper(config);
const t2 = performance.now();
const n = mapper.map(request).entities.length;
const t3 = performance.now();
if (n !== 1) throw new Error('expected one entity');
console.log(JSON.stringify({ import: t1 - t0, construct: t2 - t1, map: t3 - t2, total: t3 - t0 }));`;
const runs = [];
for (let i = 0; i < 9; i++) {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', child], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  runs.push(JSON.parse(r.stdout));
}
const median = (k) => runs.map((r) => r[k]).sort((a, b) => a - b)[4];
const ms = (k) => `${median(k).toFixed(1)} ms`;
console.log(`cold start (Node ${process.version}, median of 9 processes): import ${ms('import')} + new Mapper ${ms('construct')} + first map ${ms('map')} = ${ms('total')}`);
