// The playground's browser side, called from the Yew app through `globalThis.HookmapBridge`:
// CodeMirror editors with diagnostics, the evaluation Web Worker (cancel, 2 s limit, restart),
// state compression for share links, clipboard and the test-case archive.
import { EditorState, Compartment } from '@codemirror/state';
import { EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter, drawSelection, hoverTooltip } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { json } from '@codemirror/lang-json';
import { syntaxHighlighting, HighlightStyle, bracketMatching, syntaxTree, ensureSyntaxTree } from '@codemirror/language';
import { setDiagnostics, lintGutter } from '@codemirror/lint';
import { tags } from '@lezer/highlight';
import { autocompletion } from '@codemirror/autocomplete';
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

const VALUE_NODES = new Set(['Object', 'Array', 'String', 'Number', 'True', 'False', 'Null']);

/**
 * The path to the JSON value at `pos`, from lang-json's syntax tree: `['body', 'stack',
 * 'labels', 0]` (keys as strings, array indexes as numbers), for a click on a key, a value or
 * anywhere inside one; null when the text there can't be read (a key that isn't valid JSON).
 */
export function pathAt(state, pos) {
  const tree = ensureSyntaxTree(state, state.doc.length, 200) ?? syntaxTree(state);
  let node = tree.resolveInner(pos, 1);
  if (node.name === 'JsonText' || node.name === '⚠') node = tree.resolveInner(pos, -1);
  const steps = [];
  try {
    for (let n = node; n; n = n.parent) {
      if (n.name === 'Property') {
        const key = n.getChild('PropertyName');
        if (!key) return null;
        steps.unshift(JSON.parse(state.sliceDoc(key.from, key.to)));
      } else if (VALUE_NODES.has(n.name) && n.parent && n.parent.name === 'Array') {
        let index = 0;
        for (let c = n.prevSibling; c; c = c.prevSibling) if (VALUE_NODES.has(c.name)) index += 1;
        steps.unshift(index);
      }
    }
  } catch {
    return null;
  }
  return steps;
}

/** The fields of the latest evaluation (the engine's per-field trace), for hovers. */
let lastFields = [];

/** One trace as a line: its value, or what happened instead. */
function describeTrace(t) {
  const item = t.item == null ? '' : `item ${t.item}: `;
  const o = t.outcome || {};
  if ('value' in o) return `${item}${JSON.stringify(o.value)}`;
  if (o.message) return `${item}${o.kind || 'error'}: ${o.message}`;
  return `${item}no output: the key is left out`;
}

/**
 * Hovering a jq string of the configuration shows its value on the current request: the traces
 * whose `location` (the engine's, in this text) starts where the string does.
 */
const traceHover = hoverTooltip((view, pos, side) => {
  const tree = ensureSyntaxTree(view.state, view.state.doc.length, 200) ?? syntaxTree(view.state);
  const node = tree.resolveInner(pos, side);
  if (node.name !== 'String') return null;
  const line = view.state.doc.lineAt(node.from);
  const column = node.from - line.from + 1;
  const traces = lastFields.filter((t) => t.location && t.location.line === line.number && t.location.column === column);
  if (traces.length === 0) return null;
  return {
    pos: node.from,
    end: node.to,
    above: true,
    create() {
      const dom = document.createElement('div');
      dom.className = 'cm-trace';
      dom.dataset.testid = 'hover';
      dom.textContent = traces.slice(0, 10).map(describeTrace).join('\n') + (traces.length > 10 ? `\n… ${traces.length - 10} more` : '');
      return { dom };
    },
  };
}, { hoverTime: 300 });

const COMPLETION_TYPES = { key: 'property', function: 'function', property: 'variable', relation: 'variable' };

/**
 * Completions in the mapping editor's strings, from the engine (`complete` of the package): the
 * editor gives the path of the string the cursor is in and the text before it; the engine decides
 * where that is, whether to offer anything, and what the offer replaces.
 */
async function mappingCompletions(context) {
  const { state, pos } = context;
  const tree = ensureSyntaxTree(state, state.doc.length, 200) ?? syntaxTree(state);
  const node = tree.resolveInner(pos, -1);
  if ((node.name !== 'String' && node.name !== 'PropertyName') || pos <= node.from || pos >= node.to || !evaluator) return null;
  const path = pathAt(state, node.from);
  if (!path) return null;
  const raw = state.sliceDoc(node.from + 1, pos);
  let before = raw;
  try {
    before = JSON.parse(`"${raw}"`);
  } catch {
    // an escape cut by the cursor: the raw text is close enough
  }
  const latest = evaluator.latest() || {};
  const answer = await evaluator.ask('complete', {
    context: { path, key: node.name === 'PropertyName', explicit: context.explicit, before },
    request: latest.request ?? '', bodyOnly: Boolean(latest.bodyOnly), blueprint: latest.blueprint ?? '',
  });
  const list = answer.list || [];
  if (list.length === 0) return null;
  return {
    from: pos - list[0].replace,
    options: list.map((c) => ({
      label: c.label, apply: JSON.stringify(c.label).slice(1, -1), type: COMPLETION_TYPES[c.kind] || 'text', detail: c.detail, info: c.info,
    })),
    validFor: /^[A-Za-z0-9_@]*$/,
  };
}

/**
 * Create an editor inside `element`; `onChange(text)` is called on every edit. With `onPath`,
 * a click reports the path of the JSON value under the pointer (`onPath(JSON of the steps)`).
 * Returns its id.
 */
function createEditor(element, text, label, onChange, onPath, traced) {
  const id = nextId++;
  let silent = false;
  const paths = typeof onPath === 'function'
    ? [EditorView.domEventHandlers({
        click(event, view) {
          const pos = view.posAtCoords({ x: event.clientX, y: event.clientY });
          if (pos == null) return false;
          const steps = pathAt(view.state, pos);
          if (steps) onPath(JSON.stringify(steps));
          return false;
        },
      })]
    : [];
  const view = new EditorView({
    parent: element,
    state: EditorState.create({
      doc: text,
      extensions: [
        lineNumbers(), highlightActiveLineGutter(), highlightActiveLine(), drawSelection(), history(), bracketMatching(),
        keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]), json(), syntaxHighlighting(highlight), lintGutter(),
        EditorView.contentAttributes.of({ 'aria-label': label }),
        EditorView.updateListener.of((u) => { if (u.docChanged && !silent) onChange(u.state.doc.toString()); }),
        ...paths,
        ...(traced ? [traceHover, autocompletion({ override: [mappingCompletions] })] : []),
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

/** Insert text at an editor's cursor (replacing the selection), as an undoable edit, and focus it. */
function insertAtCursor(id, text) {
  const e = views.get(id);
  if (!e) return;
  e.view.dispatch(e.view.state.replaceSelection(text), { userEvent: 'input', scrollIntoView: true });
  e.view.focus();
}

/** Replace an editor's whole text as an edit (reported, undoable with Ctrl+Z). */
function replaceText(id, text) {
  const e = views.get(id);
  if (!e) return;
  e.view.dispatch({ changes: { from: 0, to: e.view.state.doc.length, insert: text }, userEvent: 'input.scaffold' });
}

/**
 * Ask the evaluation worker something besides an evaluation (`scaffold`, `complete`), with the
 * JSON of the question: a Promise of the JSON of its answer.
 */
async function ask(kind, inputJson) {
  if (!evaluator) return JSON.stringify({ error: 'The engine is not ready.' });
  const { askId, ...answer } = await evaluator.ask(kind, JSON.parse(inputJson));
  return JSON.stringify(answer);
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
  const severity = (d) => (d.severity === 'warning' || d.severity === 'hint' ? d.severity : 'error');
  const marks = diagnostics.map((d) => ({ ...rangeOf(doc, d), severity: severity(d), message: d.message }));
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
  /** `limitMs` (the watchdog) and `patienceMs` come from the Yew app, which sets every threshold. */
  constructor(workerUrl, onResult, onStatus, { limitMs, patienceMs }) {
    this.workerUrl = workerUrl;
    this.onResult = onResult;
    this.onStatus = onStatus;
    this.limitMs = limitMs;
    this.worker = null;
    this.ready = false;
    this.pending = null;
    this.busy = null;
    this.seq = 0;
    this.scaffolds = new Map();
    this.patience = null;
    this.patienceMs = patienceMs;
  }

  /**
   * Ask the worker something besides an evaluation (`scaffold`, `complete`): a Promise of its
   * answer (asked again if the worker is replaced meanwhile).
   */
  ask(ask, input) {
    return new Promise((resolve) => {
      const askId = ++this.seq;
      const message = { ...input, ask, askId };
      this.scaffolds.set(askId, { message, resolve });
      if (!this.worker) this.#spawn();
      else if (this.ready) this.worker.postMessage(message);
    });
  }

  /** The inputs of the latest evaluation (request, blueprint, bodyOnly), or null. */
  latest() {
    return this.pending ?? this.busy?.input ?? lastShown;
  }

  #spawn() {
    const w = new Worker(this.workerUrl, { type: 'module' });
    this.ready = false;
    w.onmessage = (ev) => {
      const msg = ev.data;
      if (msg && msg.ready) {
        this.ready = true;
        for (const { message } of this.scaffolds.values()) w.postMessage(message);
        this.#send();
        return;
      }
      if (msg && msg.askId) {
        const waiting = this.scaffolds.get(msg.askId);
        this.scaffolds.delete(msg.askId);
        if (waiting) waiting.resolve(msg);
        return;
      }
      if (!this.busy || msg.id !== this.busy.id) return; // an answer to a cancelled input
      clearTimeout(this.busy.timer);
      clearTimeout(this.patience);
      const ms = performance.now() - this.busy.started;
      const input = this.busy.input;
      this.busy = null;
      if (Array.isArray(msg.fields)) lastFields = msg.fields;
      // A newer input waited for this answer: it is evaluated next, and this one is stale.
      if (this.pending !== null) {
        this.#send();
        return;
      }
      lastShown = input;
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
    this.busy = { id, timer, started: performance.now(), input };
    this.worker.postMessage({ ...input, id });
  }

  /** Cancel the running evaluation: it can't be interrupted otherwise than by a new worker. */
  #cancel() {
    clearTimeout(this.busy.timer);
    this.busy = null;
    this.#stop();
    this.#spawn();
  }

  /**
   * Evaluate the latest input. While an evaluation runs, a new input waits for it (the last
   * one only) if it has run for less than `patienceMs`: replacing the worker costs more than a
   * fast evaluation. One that runs longer is cancelled for the new input.
   */
  evaluate(inputJson) {
    this.pending = JSON.parse(inputJson);
    this.onStatus('running', '');
    if (!this.worker) this.#spawn();
    if (this.busy) {
      const ran = performance.now() - this.busy.started;
      const id = this.busy.id;
      clearTimeout(this.patience);
      if (ran >= this.patienceMs) this.#cancel();
      else this.patience = setTimeout(() => { if (this.busy && this.busy.id === id) this.#cancel(); }, this.patienceMs - ran);
      return;
    }
    this.#send();
  }
}

let evaluator = null;

/** The input of the result on the page. */
let lastShown = null;

/**
 * True when the result on the page is the one of the request and mapping editors' current
 * texts (nothing left to evaluate): what tests wait for after typing, as results now follow
 * every keystroke.
 */
function settled() {
  const [request, config] = [...views.values()].map((e) => e.view.state.doc.toString());
  return lastShown !== null && lastShown.request === request && lastShown.config === config;
}

/** Start the evaluation worker; `schedule` is `{limitMs, patienceMs}`. */
function startEvaluator(workerUrl, onResult, onStatus, schedule) {
  evaluator = new Evaluator(workerUrl, onResult, onStatus, schedule);
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

globalThis.HookmapBridge = { settled, createEditor, setText, insertAtCursor, replaceText, showDiagnostics, reveal, startEvaluator, evaluate, ask, encodeState, decodeState, copy, download };
