// The playground's browser side, called from the Yew app through `globalThis.HookmapBridge`:
// CodeMirror editors with diagnostics, the evaluation Web Worker (cancel, 2 s limit, restart),
// state compression for share links, clipboard and the test-case archive.
import { EditorState, Compartment } from '@codemirror/state';
import { EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter, drawSelection } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { json } from '@codemirror/lang-json';
import { syntaxHighlighting, HighlightStyle, bracketMatching } from '@codemirror/language';
import { setDiagnostics, lintGutter } from '@codemirror/lint';
import { tags } from '@lezer/highlight';
import { Zip, ZipPassThrough, strToU8 } from 'fflate';
// The panel connected to hookmap's worker (globalThis.HookmapAdmin; see admin.mjs).
import './admin.mjs';

const highlight = HighlightStyle.define([
  { tag: tags.propertyName, color: 'var(--json-key)' },
  { tag: tags.string, color: 'var(--json-string)' },
  { tag: tags.number, color: 'var(--json-number)' },
  { tag: [tags.bool, tags.null], color: 'var(--json-literal)' },
  { tag: tags.invalid, color: 'var(--error)' },
]);

const views = new Map();
let nextId = 1;

/** Create an editor inside `element`; `onChange(text)` is called on every edit. Returns its id. */
function createEditor(element, text, label, onChange) {
  const id = nextId++;
  let silent = false;
  const view = new EditorView({
    parent: element,
    state: EditorState.create({
      doc: text,
      extensions: [
        lineNumbers(), highlightActiveLineGutter(), highlightActiveLine(), drawSelection(), history(), bracketMatching(),
        keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]), json(), syntaxHighlighting(highlight), lintGutter(),
        EditorView.contentAttributes.of({ 'aria-label': label }),
        EditorView.updateListener.of((u) => { if (u.docChanged && !silent) onChange(u.state.doc.toString()); }),
      ],
    }),
  });
  views.set(id, { view, setSilently: (fn) => { silent = true; try { fn(); } finally { silent = false; } } });
  return id;
}

/** Replace an editor's text (without reporting it as an edit). */
function setText(id, text) {
  const e = views.get(id);
  if (!e || e.view.state.doc.toString() === text) return;
  e.setSilently(() => e.view.dispatch({ changes: { from: 0, to: e.view.state.doc.length, insert: text } }));
}

/**
 * The document range of a diagnostic's `location` (1-based lines, 1-based UTF-16 columns as
 * the engine resolves them, which are CodeMirror's offsets within a line); the first
 * character when it has none.
 */
export function rangeOf(doc, d) {
  const at = (line, column) => {
    const l = doc.line(Math.min(Math.max(line, 1), doc.lines));
    return Math.min(l.from + Math.max(column - 1, 0), l.to);
  };
  const loc = d.location;
  if (!loc) return { from: 0, to: Math.min(1, doc.length) };
  const from = at(loc.line, loc.column);
  const to = at(loc.endLine, loc.endColumn);
  // An empty range (a point, or the end of a line) still gets one character to show.
  return to > from ? { from, to } : { from, to: Math.min(from + 1, doc.length) };
}

/** Show diagnostics (the engine's, each with its `location`) as underlines. */
function showDiagnostics(id, diagnostics) {
  const e = views.get(id);
  if (!e) return;
  const doc = e.view.state.doc;
  const marks = diagnostics.map((d) => ({ ...rangeOf(doc, d), severity: d.severity === 'warning' ? 'warning' : 'error', message: d.message }));
  e.view.dispatch(setDiagnostics(e.view.state, marks));
}

/** Select the place of a diagnostic in an editor and focus it. */
function reveal(id, diagnostic) {
  const e = views.get(id);
  if (!e) return;
  const { from, to } = rangeOf(e.view.state.doc, diagnostic);
  e.view.dispatch({ selection: { anchor: from, head: to }, scrollIntoView: true });
  e.view.focus();
}

/**
 * Runs evaluations in a Web Worker. A new input cancels a running evaluation (the worker is
 * replaced); one running longer than `limitMs` is stopped the same way, and reported. The
 * limit counts from when a ready worker receives the input (loading the engine doesn't count).
 */
class Evaluator {
  constructor(workerUrl, onResult, onStatus, limitMs = 2000) {
    this.workerUrl = workerUrl;
    this.onResult = onResult;
    this.onStatus = onStatus;
    this.limitMs = limitMs;
    this.worker = null;
    this.ready = false;
    this.pending = null;
    this.busy = null;
    this.seq = 0;
  }

  #spawn() {
    const w = new Worker(this.workerUrl, { type: 'module' });
    this.ready = false;
    w.onmessage = (ev) => {
      const msg = ev.data;
      if (msg && msg.ready) {
        this.ready = true;
        this.#send();
        return;
      }
      if (!this.busy || msg.id !== this.busy.id) return; // an answer to a cancelled input
      clearTimeout(this.busy.timer);
      const ms = performance.now() - this.busy.started;
      this.busy = null;
      this.onResult(JSON.stringify({ ...msg, elapsedMs: ms }));
    };
    w.onerror = (ev) => {
      ev.preventDefault();
      if (this.busy) clearTimeout(this.busy.timer);
      this.busy = null;
      this.#stop();
      this.onStatus('error', `The evaluation worker failed: ${ev.message || 'unknown error'}. Edit to try again.`);
    };
    this.worker = w;
  }

  #stop() {
    if (this.worker) this.worker.terminate();
    this.worker = null;
    this.ready = false;
  }

  #send() {
    if (!this.ready || this.pending === null) return;
    const input = this.pending;
    this.pending = null;
    const id = ++this.seq;
    const timer = setTimeout(() => {
      if (!this.busy || this.busy.id !== id) return;
      this.busy = null;
      this.#stop();
      this.onStatus('timeout', `Stopped after ${this.limitMs / 1000} s: the mapping is still running (an infinite loop such as \`def f: f; f\`, or a huge output). The page is fine; edit to try again.`);
    }, this.limitMs);
    this.busy = { id, timer, started: performance.now() };
    this.worker.postMessage({ ...input, id });
  }

  evaluate(inputJson) {
    if (this.busy) {
      clearTimeout(this.busy.timer);
      this.busy = null;
      this.#stop(); // cancel: a running evaluation can't be interrupted otherwise
    }
    this.pending = JSON.parse(inputJson);
    this.onStatus('running', '');
    if (!this.worker) this.#spawn();
    this.#send();
  }
}

let evaluator = null;

/**
 * The watchdog's limit: 2 s, or `?watchdog=MS` in the page's address (from 100 ms to 60 s), for
 * a longer-running mapping or to see the watchdog stop one that the engine's own 500 ms
 * deadline would otherwise answer first.
 */
function watchdogMs() {
  const asked = Number(new URLSearchParams(location.search).get('watchdog'));
  return Number.isFinite(asked) && asked >= 100 && asked <= 60000 ? asked : 2000;
}

function startEvaluator(workerUrl, onResult, onStatus) {
  evaluator = new Evaluator(workerUrl, onResult, onStatus, watchdogMs());
}

function evaluate(inputJson) {
  evaluator.evaluate(inputJson);
}

// ---- share links: the state, deflated and base64url-encoded ----

async function pipe(bytes, stream) {
  const out = new Response(new Blob([bytes]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}

function toBase64Url(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text) {
  const b = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(b, (c) => c.charCodeAt(0));
}

/** Compress a JSON string for the URL hash. */
async function encodeState(jsonText) {
  return toBase64Url(await pipe(new TextEncoder().encode(jsonText), new CompressionStream('deflate-raw')));
}

/** The JSON string of a share-link state, or null when it can't be read. */
async function decodeState(encoded) {
  try {
    return new TextDecoder().decode(await pipe(fromBase64Url(encoded), new DecompressionStream('deflate-raw')));
  } catch {
    return null;
  }
}

/** Copy text to the clipboard; resolves to true when it worked. */
async function copy(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    document.body.append(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    return ok;
  }
}

/**
 * The bytes of a zip archive holding `files` (`[{name, text}]`), stored uncompressed: fflate's
 * pass-through entries, so no deflate code is bundled (a few small JSON files gain nothing).
 */
export function zipFiles(files) {
  const chunks = [];
  const archive = new Zip((error, chunk) => {
    if (error) throw error;
    chunks.push(chunk);
  });
  for (const f of files) {
    const entry = new ZipPassThrough(f.name);
    archive.add(entry);
    entry.push(strToU8(f.text), true);
  }
  archive.end();
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Offer a download of `files` (`[{name, text}]`) as a zip archive. */
function download(name, filesJson) {
  const blob = new Blob([zipFiles(JSON.parse(filesJson))], { type: 'application/zip' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

globalThis.HookmapBridge = { createEditor, setText, showDiagnostics, reveal, startEvaluator, evaluate, encodeState, decodeState, copy, download };
