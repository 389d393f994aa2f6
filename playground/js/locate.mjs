// Where a diagnostic's place is in an editor's JSON text: the value at a path
// (`mappings[0].entity.properties.link`), and a byte span inside a JSON string's decoded value.
// Positions are JS string indices, as CodeMirror counts them.

/** Split a diagnostic path into keys and indices: `a.b[0]["x-y"]` -> ['a', 'b', 0, 'x-y']. */
export function parsePath(path) {
  const out = [];
  const re = /\.?([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/gy;
  let m;
  while (re.lastIndex < path.length && (m = re.exec(path)) !== null) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else out.push(JSON.parse(m[3]));
  }
  return out;
}

/** Index every value of a JSON text by path: Map<string (joined), {from, to}>. Tolerates errors (stops). */
function scan(text) {
  let i = 0;
  const spans = new Map();
  const ws = () => { while (i < text.length && ' \t\r\n'.includes(text[i])) i++; };
  const str = () => { const s = i; i++; while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1; i++; return JSON.parse(text.slice(s, i)); };
  const value = (key) => {
    ws();
    const from = i;
    const c = text[i];
    if (c === '{') {
      i++; ws();
      if (text[i] === '}') { i++; }
      else for (;;) {
        ws(); if (text[i] !== '"') throw new Error('key');
        const k = str(); ws(); if (text[i] !== ':') throw new Error(':'); i++;
        value(key.concat([k])); ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; break; }
        throw new Error('}');
      }
    } else if (c === '[') {
      i++; ws();
      if (text[i] === ']') { i++; }
      else for (let n = 0; ; n++) {
        value(key.concat([n])); ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; break; }
        throw new Error(']');
      }
    } else if (c === '"') {
      str();
    } else {
      while (i < text.length && !',]} \t\r\n'.includes(text[i])) i++;
      if (i === from) throw new Error('value');
    }
    spans.set(JSON.stringify(key), { from, to: i });
  };
  try { value([]); } catch { /* keep what was indexed before the error */ }
  return spans;
}

/**
 * The range of the value a diagnostic path names in `text`. `root` is the editor's root name
 * ('request', 'blueprint', or '' for the configuration); a configuration given as a bare array
 * (or a single mapping) answers for `mappings[...]` paths too.
 */
export function locatePath(text, path, root = '') {
  let keys = parsePath(path);
  if (root && keys[0] === root) keys = keys.slice(1);
  const spans = scan(text);
  const get = (k) => spans.get(JSON.stringify(k));
  if (!root && keys[0] === 'mappings' && !get(['mappings'])) {
    const top = text.trimStart()[0];
    keys = top === '[' ? keys.slice(1) : keys.slice(2); // bare array, or a single mapping object
  }
  for (let n = keys.length; n >= 0; n--) {
    const span = get(keys.slice(0, n));
    if (span) return { ...span, exact: n === keys.length };
  }
  return null;
}

/** Map a byte span of a JSON string's decoded value to positions in the literal `text.slice(from, to)`. */
export function spanInString(text, from, to, start, end) {
  if (text[from] !== '"') return { from, to };
  let bytes = 0;
  let i = from + 1;
  let a = null;
  let b = null;
  const enc = new TextEncoder();
  while (i < to - 1) {
    if (a === null && bytes >= start) a = i;
    if (b === null && bytes >= end) { b = i; break; }
    let ch;
    let len;
    if (text[i] === '\\') {
      const e = text[i + 1];
      if (e === 'u') { ch = String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16)); len = 6; }
      else { ch = JSON.parse(`"\\${e}"`); len = 2; }
    } else {
      const cp = text.codePointAt(i);
      ch = String.fromCodePoint(cp);
      len = ch.length;
    }
    bytes += enc.encode(ch).length;
    i += len;
  }
  if (a === null) a = Math.min(i, to - 1);
  if (b === null) b = Math.min(i, to - 1);
  return { from: a, to: Math.max(b, a) };
}

/** The position of a 1-based line and column in `text`. */
export function positionOf(text, line, column) {
  let pos = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', pos);
    if (nl < 0) return text.length;
    pos = nl + 1;
  }
  return Math.min(text.length, pos + Math.max(0, column - 1));
}

/** Where a diagnostic belongs in an editor's text: `{from, to}`. */
export function placeDiagnostic(text, d, root = '') {
  if (d.line != null && d.column != null) {
    // serde_json's 1-based column points at the character where parsing failed.
    const at = Math.min(positionOf(text, d.line, d.column), Math.max(0, text.length - 1));
    return { from: at, to: Math.min(at + 1, text.length) };
  }
  const found = locatePath(text, d.field, root);
  if (!found) return { from: 0, to: Math.min(1, text.length) };
  if (found.exact && d.span && text[found.from] === '"') {
    const r = spanInString(text, found.from, found.to, d.span.start, d.span.end);
    return r.to > r.from ? r : { from: r.from, to: Math.min(r.from + 1, found.to) };
  }
  return { from: found.from, to: found.to };
}
