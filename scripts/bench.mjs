#!/usr/bin/env node
// `make bench`: every figure of hookmap's performance table, measured in this one run on this
// one machine, printed as one Markdown table (medians of several rounds; ratios between rows of
// the same run).
//
//   Node:      the npm package (`map`, `mapJson`) vs Port's engine (@port-labs/jq-node-bindings,
//              driven as Port maps: every entity field with `exec`, filter first, first output)
//   Native:    `hookmap map --ndjson` over N Spacelift requests vs `jq` and `jaq` running the same
//              mapping written as one jq program
//   Cold start: import + new Mapper + first map, in Node (fresh processes) and workerd (miniflare)
//   Growth:    payload 1 KB -> 512 KB, mapping 8 -> 200 fields, itemsToParse 1 -> 500 items
//
// Environment: HOOKMAP_BIN (the release CLI), HOOKMAP_BENCH_EVENTS (native stream length,
// default 100000), HOOKMAP_BENCH_QUICK=1 (short rounds, for a smoke run).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, createWriteStream, readdirSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const quick = process.env.HOOKMAP_BENCH_QUICK === '1';
const target = process.env.CARGO_TARGET_DIR ?? join(root, 'target');
const bin = process.env.HOOKMAP_BIN ?? join(target, 'release', 'hookmap');
const events = Number(process.env.HOOKMAP_BENCH_EVENTS ?? (quick ? 2000 : 100000));
const ROUNDS = quick ? 3 : 5;
const ROUND_MS = quick ? 100 : 700;
const example = join(root, 'examples', 'spacelift');
const config = JSON.parse(readFileSync(join(example, 'config.json'), 'utf8'));
const requestText = readFileSync(join(example, 'request.json'), 'utf8');
const request = JSON.parse(requestText);
const expected = JSON.parse(readFileSync(join(example, 'expected.json'), 'utf8'));
const tmp = mkdtempSync(join(tmpdir(), 'hookmap-bench-'));
const log = (msg) => process.stderr.write(`bench: ${msg}\n`);

const { Mapper } = await import(pathToFileURL(join(root, 'mapper-wasm', 'pkg', 'index.node.mjs')).href);
let port = null;
try {
  // Installed by `scripts/ensure-tools.sh bench` into target/bench-tools (not a dependency of
  // the repository: its native build would slow every `npm ci`).
  port = createRequire(join(root, 'target', 'bench-tools', 'package.json'))('@port-labs/jq-node-bindings');
} catch (e) {
  log(`Port's engine is not installed (scripts/ensure-tools.sh bench): ${e.message.split('\n')[0]}`);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Events per second of `fn`: median over rounds of calls in a fixed time slice. */
function rate(fn, { rounds = ROUNDS, ms = ROUND_MS } = {}) {
  // Warm up until V8 has tiered the wasm and the JS up (a fixed slice, at least 3 calls).
  for (let i = 0, t0 = performance.now(); i < 3 || performance.now() - t0 < (quick ? 100 : 500); i++) fn();
  const rates = [];
  for (let r = 0; r < rounds; r++) {
    let n = 0;
    const t0 = performance.now();
    let t = t0;
    while (t - t0 < ms) {
      fn();
      n++;
      if (n % 4 === 0 || t - t0 > ms / 4) t = performance.now();
    }
    t = performance.now();
    rates.push((n * 1000) / (t - t0));
  }
  return median(rates);
}

// ---------------------------------------------------------------------------------------------
// Port's engine, driven the way Port maps a request: filter, then every entity field, each an
// `exec` (JSON.stringify of the whole request + jq parse + run, first output).
function portMap(mappings, req) {
  const entities = [];
  const one = (m, input) => {
    if (m.filter !== undefined && port.exec(input, m.filter) !== true) return;
    const e = m.entity;
    const entity = { blueprint: m.blueprint, identifier: port.exec(input, e.identifier) };
    if (e.title !== undefined) entity.title = port.exec(input, e.title);
    entity.properties = {};
    for (const [k, v] of Object.entries(e.properties ?? {})) entity.properties[k] = port.exec(input, v);
    entity.relations = {};
    for (const [k, v] of Object.entries(e.relations ?? {})) entity.relations[k] = port.exec(input, v);
    entities.push(entity);
  };
  for (const m of mappings) {
    if (m.itemsToParse !== undefined) {
      const items = port.exec(req, m.itemsToParse) ?? [];
      for (const item of items.slice(0, 500)) one(m, { ...req, item });
    } else {
      one(m, req);
    }
  }
  return entities;
}

// ---------------------------------------------------------------------------------------------
const rows = [];
const row = (section, what, value, note = '') => rows.push({ section, what, value, note });
const fmtRate = (r) => `${Math.round(r).toLocaleString('en-US')} events/s`;
const fmtUs = (r) => `${(1e6 / r).toFixed(1)} µs/event`;

// 1. Node: the package vs Port's engine on the Spacelift request.
log('Node: package vs Port engine');
const mapper = new Mapper(config);
const ours = mapper.map(request);
if (JSON.stringify(ours.entities.map((e) => e.properties)) !== JSON.stringify(expected.map((e) => e.properties))) {
  throw new Error(`the package's result differs from expected.json: ${JSON.stringify(ours)}`);
}
const mapRate = rate(() => mapper.map(request));
const mapJsonRate = rate(() => mapper.mapJson(requestText));
let portRate = null;
if (port) {
  const theirs = portMap(config.mappings, request);
  if (JSON.stringify(theirs[0].properties) !== JSON.stringify(expected[0].properties)) {
    throw new Error(`Port's engine gave ${JSON.stringify(theirs)}`);
  }
  portRate = rate(() => portMap(config.mappings, request));
}
const vsPort = (r) => (portRate ? `${(r / portRate).toFixed(0)}× Port's engine` : 'Port engine not installed');
row('Node (Spacelift)', 'hookmap package `map` (object in/out)', `${fmtRate(mapRate)} (${fmtUs(mapRate)})`, vsPort(mapRate));
row('Node (Spacelift)', 'hookmap package `mapJson` (JSON text in/out)', `${fmtRate(mapJsonRate)} (${fmtUs(mapJsonRate)})`, vsPort(mapJsonRate));
if (portRate) row('Node (Spacelift)', "Port's engine (`exec` per field, jq-node-bindings 0.0.12, libjq 1.7)", `${fmtRate(portRate)} (${fmtUs(portRate)})`, '1×');

// 2. Native: the NDJSON stream.
log(`native: ${events} requests through hookmap, jq, jaq`);
const ndjson = join(tmp, 'spacelift.ndjson');
{
  const lines = [];
  const v = structuredClone(request);
  for (let i = 0; i < events; i++) {
    v.body.stack.id = `stack-${i % 1000}`;
    lines.push(JSON.stringify(v));
  }
  writeFileSync(ndjson, lines.join('\n') + '\n');
}
// The mapping as one jq program, printing what `hookmap map --ndjson` prints.
const m = config.mappings[0];
const props = Object.entries(m.entity.properties).map(([k, v]) => `${JSON.stringify(k)}: (${v})`).join(', ');
const program = `{entities: [if (${m.filter ?? 'true'}) == true then {operation: "create", blueprint: ${JSON.stringify(m.blueprint)}, ` +
  `identifier: (${m.entity.identifier}), title: (${m.entity.title}), properties: {${props}}, relations: {}} else empty end], diagnostics: []}`;
const programFile = join(tmp, 'spacelift.jq');
writeFileSync(programFile, program);
const tools = [
  ['hookmap map --ndjson', bin, ['map', '--ndjson', '--config', join(example, 'config.json'), ndjson]],
  ['jq -c (Debian)', 'jq', ['-c', '-f', programFile, ndjson]],
  ['jaq -c', 'jaq', ['-c', '-f', programFile, ndjson]],
];
const version = (cmd) => {
  const r = spawnSync(cmd, ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim().split('\n')[0] : null;
};
const native = {};
const firstLine = {};
for (const [name, cmd, args] of tools) {
  const v = version(cmd);
  if (v === null) {
    log(`${cmd} not found: skipped`);
    continue;
  }
  const times = [];
  for (let r = 0; r < (quick ? 1 : 3); r++) {
    const t0 = performance.now();
    const out = spawnSync(cmd, args, { maxBuffer: 1 << 30, encoding: 'buffer' });
    const secs = (performance.now() - t0) / 1000;
    if (out.status !== 0) throw new Error(`${name}: ${out.stderr}`);
    firstLine[name] = out.stdout.subarray(0, out.stdout.indexOf(10)).toString();
    times.push(secs);
  }
  native[name] = { rate: events / median(times), version: v };
}
const hookmapNative = native['hookmap map --ndjson']?.rate;
for (const [name, { rate: r, version: v }] of Object.entries(native)) {
  if (firstLine[name] !== firstLine['hookmap map --ndjson']) log(`warning: ${name} prints a different first line: ${firstLine[name]}`);
  const note = name.startsWith('hookmap')
    ? ['jq -c (Debian)', 'jaq -c'].filter((t) => native[t]).map((t) => `${(r / native[t].rate).toFixed(1)}× ${t.split(' ')[0]}`).join(', ')
    : `${v}`;
  row(`Native (${events.toLocaleString('en-US')} Spacelift requests, NDJSON)`, name, `${fmtRate(r)} (${fmtUs(r)})`, note);
}
// The library in process (criterion, the system allocator): medians of its samples.
const criterion = {};
if (process.env.HOOKMAP_BENCH_CRITERION !== '0') {
  log('native: criterion (cargo bench --bench spacelift)');
  const out = execFileSync('cargo', ['bench', '-p', 'mapper-core', '--bench', 'spacelift', '--', '--warm-up-time', '1',
    '--measurement-time', quick ? '1' : '4'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 26 });
  const unit = { ns: 1e-3, 'µs': 1, us: 1, ms: 1e3 };
  for (const m of out.matchAll(/^spacelift\/(.+)\n\s+time:\s+\[\S+ \S+ (\S+) (\S+)/gm)) {
    criterion[m[1].trim()] = Number(m[2]) * unit[m[3]];
  }
  for (const [name, us] of Object.entries(criterion)) {
    row('Native library (criterion, in process, system allocator)', name, `${us.toFixed(1)} µs`, `${Math.round(1e6 / us).toLocaleString('en-US')} per second`);
  }
}
const inProcess = criterion['map_json + serialize result'];
if (inProcess) {
  row('wasm vs native', '`mapJson` in Node ÷ native `map_json + serialize result` (both in process: JSON text in, result JSON out)',
    `${((1e6 / mapJsonRate) / inProcess).toFixed(2)}× slower`, `\`map\`: ${((1e6 / mapRate) / inProcess).toFixed(2)}×`);
}
if (hookmapNative) {
  row('wasm vs native', '`mapJson` in Node ÷ `hookmap map --ndjson` (CLI, mimalloc, includes I/O)',
    `${(hookmapNative / mapJsonRate).toFixed(2)}× slower`, `\`map\`: ${(hookmapNative / mapRate).toFixed(2)}×`);
}

// 3. Cold start.
log('cold start: Node');
{
  const entry = pathToFileURL(join(root, 'mapper-wasm', 'pkg', 'index.node.mjs')).href;
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
  for (let i = 0; i < (quick ? 3 : 9); i++) {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', child], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    runs.push(JSON.parse(r.stdout));
  }
  const med = (k) => median(runs.map((r) => r[k])).toFixed(1);
  row('Cold start', `Node ${process.version}: import + new Mapper + first map (median of ${runs.length} processes)`, `${med('total')} ms`,
    `import ${med('import')} + new Mapper ${med('construct')} + map ${med('map')} ms`);
}
log('cold start: workerd');
try {
  const { Miniflare } = await import('miniflare');
  const esbuild = await import('esbuild');
  const worker = join(tmp, 'worker.mjs');
  writeFileSync(worker, `
import { Mapper } from ${JSON.stringify(join(root, 'mapper-wasm', 'pkg', 'index.workerd.mjs'))};
import config from ${JSON.stringify(join(example, 'config.json'))};
let mapper = null;
export default {
  async fetch(request) {
    mapper ??= new Mapper(config);
    return Response.json(mapper.map(await request.json()));
  },
};`);
  await esbuild.build({ entryPoints: [worker], bundle: true, format: 'esm', outdir: join(tmp, 'dist'),
    loader: { '.wasm': 'copy' }, logLevel: 'error' });
  const firsts = [];
  const warms = [];
  for (let i = 0; i < (quick ? 1 : 5); i++) {
    const mf = new Miniflare({ modules: true, scriptPath: join(tmp, 'dist', 'worker.js'), modulesRoot: join(tmp, 'dist'),
      modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }], compatibilityDate: '2025-01-01' });
    try {
      await mf.ready;
      const send = async () => {
        const t0 = performance.now();
        const res = await mf.dispatchFetch('http://localhost/', { method: 'POST', body: requestText });
        const body = await res.json();
        if (body.entities.length !== 1) throw new Error(JSON.stringify(body));
        return performance.now() - t0;
      };
      firsts.push(await send());
      const w = [];
      for (let j = 0; j < 20; j++) w.push(await send());
      warms.push(median(w));
    } finally {
      await mf.dispose();
    }
  }
  row('Cold start', `workerd (miniflare): first request after start: instantiate + new Mapper + map (median of ${firsts.length} starts)`,
    `${median(firsts).toFixed(1)} ms`, `a warm request: ${median(warms).toFixed(1)} ms (both include the HTTP round trip)`);
} catch (e) {
  log(`workerd cold start failed: ${e.stack}`);
}

// 4. Growth.
log('growth');
const basePaths = ['.body.stack.id', '.body.stack.name', '.body.stack.labels', '.body.stack.description', '.body.stack.url',
  '.body.stack.vcs', '.body.run.branch', '.body.state'];
// Port's docs: about 70% plain paths, the rest jq the interpreter runs.
const otherExprs = ['.body.run.commit.message | ascii_downcase', '.body.stack.labels | length', '"\\(.body.stack.id)-\\(.body.state)"'];
function fieldsConfig(n, items = false) {
  const properties = {};
  for (let i = 0; i < n - 1; i++) {
    const base = items ? ['.item.id', '.item.name', '.item.tags', '.body.state'] : basePaths;
    properties[`p${i}`] = i % 10 >= 7 && !items ? otherExprs[i % otherExprs.length] : base[i % base.length];
  }
  return [{ blueprint: 'b', filter: 'true', ...(items ? { itemsToParse: '.body.items' } : {}),
    entity: { identifier: items ? '.item.id' : '.body.stack.id | tostring', properties } }];
}
function withPayload(kb) {
  const r = structuredClone(request);
  const base = JSON.stringify(r).length;
  const pad = [];
  let size = base;
  for (let i = 0; size < kb * 1024; i++) {
    const entry = { id: `resource-${i}`, type: 'aws_instance', address: `module.app.aws_instance.web[${i}]`, change: 'update' };
    pad.push(entry);
    size += JSON.stringify(entry).length + 1;
  }
  r.body.run.resources = pad;
  return r;
}
const growth = (label, param, paramFmt, cases) => {
  const results = cases.map(([p, cfg, req]) => {
    const mp = new Mapper(cfg);
    const text = JSON.stringify(req);
    const r = rate(() => mp.mapJson(text), { rounds: quick ? 1 : 3, ms: quick ? 50 : 400 });
    let pr = null;
    if (port && label === 'payload') pr = rate(() => portMap(cfg, req), { rounds: quick ? 1 : 3, ms: quick ? 50 : 400 });
    return { p, r, pr, kb: text.length / 1024 };
  });
  return results;
};
{
  const sizes = quick ? [1, 64] : [1, 8, 64, 512];
  const res = growth('payload', 'KB', null, sizes.map((kb) => [kb, fieldsConfig(8), kb === 1 ? request : withPayload(kb)]));
  for (const { p, r, pr, kb } of res) {
    const us = 1e6 / r;
    row('Growth: payload (8 fields, `mapJson`)', `${kb.toFixed(1)} KB request`, `${us.toFixed(1)} µs/event`,
      `${(us / kb).toFixed(2)} µs/KB` + (pr ? `; Port's engine ${(1e6 / pr).toFixed(0)} µs/event = ${(1e6 / pr / kb).toFixed(1)} µs/KB (${(r / pr).toFixed(0)}×)` : ''));
  }
}
{
  const payload = withPayload(64);
  const counts = quick ? [8, 200] : [8, 50, 200];
  const res = growth('fields', 'fields', null, counts.map((n) => [n, fieldsConfig(n), payload]));
  // Only the parts of the body the fields read are built (plain paths, `PATH | …`, and
  // interpolations of paths all bound what they read). Growth is per field from the previous row.
  res.forEach(({ p, r, kb }, i) => {
    const us = 1e6 / r;
    const prev = i > 0 ? res[i - 1] : null;
    const note = i === 0
      ? 'baseline: the parts of the body no field reads are skipped'
      : `+${((us - 1e6 / prev.r) / (p - prev.p)).toFixed(2)} µs per extra field from ${prev.p} (the payload is paid once)`;
    row(`Growth: mapping size (${kb.toFixed(0)} KB request, \`mapJson\`)`, `${p} fields (70% plain paths)`, `${us.toFixed(1)} µs/event`, note);
  });
}
{
  const counts = quick ? [1, 500] : [1, 50, 500];
  const res = growth('items', 'items', null, counts.map((n) => {
    const r = structuredClone(request);
    r.body.items = Array.from({ length: n }, (_, i) => ({ id: `item-${i}`, name: `Item ${i}`, tags: ['a', 'b'] }));
    return [n, fieldsConfig(8, true), r];
  }));
  const base = 1e6 / res[0].r;
  for (const { p, r, kb } of res) {
    const us = 1e6 / r;
    row('Growth: itemsToParse (8 fields per item, `mapJson`)', `${p} items (${kb.toFixed(1)} KB request)`, `${us.toFixed(1)} µs/event`,
      p === res[0].p ? 'baseline' : `+${((us - base) / (p - res[0].p)).toFixed(2)} µs per extra item`);
  }
}

// ---------------------------------------------------------------------------------------------
const cpu = (readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) ?? [, cpus()[0]?.model])[1];
const wasm = readFileSync(join(root, 'mapper-wasm', 'pkg', 'hookmap_bg.wasm'));
const { gzipSync } = await import('node:zlib');
console.log(`Machine: ${cpus().length} cores (nproc), ${cpu}; Node ${process.version}; ${new Date().toISOString().slice(0, 10)}; ` +
  `load average at the end ${loadavg().map((x) => x.toFixed(2)).join(' ')}; npm package .wasm ${(wasm.length / 1048576).toFixed(2)} MiB raw / ${(gzipSync(wasm, { level: 9 }).length / 1024).toFixed(0)} KiB gzip`);
console.log('');
console.log('| section | what | figure | ratio / note |');
console.log('|---|---|---|---|');
for (const r of rows) console.log(`| ${r.section} | ${r.what} | ${r.value} | ${r.note} |`);
rmSync(tmp, { recursive: true, force: true });
