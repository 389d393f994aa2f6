#!/usr/bin/env node
// The `hookmap` command of the npm package: the Rust command line (hookmap-cli, compiled to
// WebAssembly) on a host of synchronous Node functions. Every command, flag, output byte and
// exit code is the native binary's; this file only lends it files, streams, the environment,
// a clock and HTTP (fetch, in a child process, since the commands are synchronous).
import { closeSync, mkdirSync, openSync, readdirSync, readSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { spawnSync } from 'node:child_process';
import { initSync, run } from '../cli-glue.mjs';

// The operating system's words for an error, as Rust prints them natively
// ("No such file or directory (os error 2)"), so both front ends print the same bytes.
const OS_ERRORS = {
  ENOENT: ['No such file or directory', 2],
  EACCES: ['Permission denied', 13],
  EPERM: ['Operation not permitted', 1],
  EISDIR: ['Is a directory', 21],
  ENOTDIR: ['Not a directory', 20],
  EEXIST: ['File exists', 17],
  ENOSPC: ['No space left on device', 28],
  EROFS: ['Read-only file system', 30],
  EMFILE: ['Too many open files', 24],
  ELOOP: ['Too many levels of symbolic links', 40],
  ENAMETOOLONG: ['File name too long', 36],
};

function osError(e) {
  const known = OS_ERRORS[e?.code];
  return new Error(known ? `${known[0]} (os error ${known[1]})` : String(e?.message ?? e));
}

const pause = new Int32Array(new SharedArrayBuffer(4));
/** Wait a millisecond (a non-blocking pipe that is full, or empty for now). */
function sleep() {
  Atomics.wait(pause, 0, 0, 1);
}

function readChunk(fd, max) {
  const buffer = Buffer.allocUnsafe(max);
  for (;;) {
    try {
      const n = readSync(fd, buffer, 0, max, null);
      return new Uint8Array(buffer.buffer, buffer.byteOffset, n);
    } catch (e) {
      if (e.code === 'EAGAIN') { sleep(); continue; }
      if (e.code === 'EOF') return new Uint8Array(0);
      throw osError(e);
    }
  }
}

function readAll(fd) {
  const chunks = [];
  for (;;) {
    const chunk = readChunk(fd, 1 << 16);
    if (chunk.length === 0) break;
    chunks.push(Buffer.from(chunk));
  }
  return new Uint8Array(Buffer.concat(chunks));
}

function stat(path) {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

// fetch in a child process: the command waits for the answer synchronously.
const HTTP_HELPER = `
const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const r = JSON.parse(Buffer.concat(chunks).toString('utf8'));
try {
  const res = await fetch(r.url, { method: r.method, headers: r.headers, body: r.body ?? undefined, signal: AbortSignal.timeout(60000) });
  process.stdout.write(JSON.stringify({ status: res.status, body: await res.text() }));
} catch (e) {
  process.stdout.write(JSON.stringify({ error: String(e?.cause?.message ?? e?.message ?? e) }));
}
`;

const host = {
  readFile(path) {
    if (path === '-') return readAll(0);
    try {
      return new Uint8Array(readFileSync(path));
    } catch (e) {
      throw osError(e);
    }
  },
  open(path) {
    if (path === '-') return 0;
    try {
      if (stat(path)?.isDirectory()) throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
      return openSync(path, 'r');
    } catch (e) {
      throw osError(e);
    }
  },
  readFd: (fd, max) => readChunk(fd, max),
  close(fd) {
    if (fd !== 0) closeSync(fd);
  },
  writeFile(path, data) {
    try {
      const dir = dirname(path);
      if (dir && dir !== '.') mkdirSync(dir, { recursive: true });
      writeFileSync(path, data);
    } catch (e) {
      throw osError(e);
    }
  },
  listDir(path) {
    try {
      return readdirSync(path);
    } catch (e) {
      throw osError(e);
    }
  },
  isFile: (path) => stat(path)?.isFile() ?? false,
  isDir: (path) => stat(path)?.isDirectory() ?? false,
  writeStream(fd, data) {
    let offset = 0;
    while (offset < data.length) {
      try {
        offset += writeSync(fd, data, offset, data.length - offset);
      } catch (e) {
        if (e.code === 'EAGAIN') { sleep(); continue; }
        return false; // EPIPE: the reader went away (`| head`)
      }
    }
    return true;
  },
  env: (name) => process.env[name],
  envAll: () => Object.entries(process.env).map(([k, v]) => `${k}=${v}`),
  http(request) {
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', HTTP_HELPER], {
      input: request, encoding: 'utf8', maxBuffer: 256 << 20, timeout: 70000,
    });
    if (child.error) return JSON.stringify({ error: child.error.message });
    return child.stdout || JSON.stringify({ error: `the HTTP helper failed: ${child.stderr.trim()}` });
  },
  now: () => Date.now() / 1000,
};

initSync({ module: readFileSync(new URL('../hookmap_cli_bg.wasm', import.meta.url)) });
process.exitCode = run(['hookmap', ...process.argv.slice(2)], host);
