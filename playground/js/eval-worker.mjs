// The playground's evaluation worker: the same engine as the npm package `hookmap` (its browser
// build), run off the main thread. Input: the three editors' texts and the options; output:
// the result, the per-field view, the diagnostics sorted by editor, and the signature check.
import { Mapper, MapperError, verifySignature, signPayload } from 'hookmap';

const BODY_PREFIX = '{"body":';
const validator = new Mapper([]);

/** Where a JSON.parse error is: V8 says "... (line 3 column 5)" or "... at position 42". */
function jsonSyntax(field, text, error) {
  const msg = String(error.message);
  let line = 1;
  let column = 1;
  const lc = /line (\d+) column (\d+)/.exec(msg);
  const pos = /position (\d+)/.exec(msg);
  if (lc) { line = Number(lc[1]); column = Number(lc[2]); }
  else if (pos) {
    const before = text.slice(0, Number(pos[1]));
    line = before.split('\n').length;
    column = before.length - before.lastIndexOf('\n');
  }
  return { severity: 'error', mapping: null, item: null, field, message: `invalid JSON: ${msg}`, line, column };
}

function errorsOf(e) {
  if (e instanceof MapperError) return e.diagnostics;
  return [{ severity: 'error', mapping: null, item: null, field: '(engine)', message: String(e && e.message || e) }];
}

function run(input) {
  const out = { id: input.id, result: null, fields: [], warnings: [], config: [], request: [], blueprint: [], signature: null, signed: null, rawBody: null };
  const started = performance.now();

  let blueprints = [];
  if (input.blueprint.trim() !== '') {
    try {
      const b = JSON.parse(input.blueprint);
      blueprints = Array.isArray(b) ? b : [b];
    } catch (e) {
      out.blueprint.push(jsonSyntax('blueprint', input.blueprint, e));
    }
  }

  let mapper = null;
  try {
    mapper = new Mapper(input.config, { strict: input.strict, blueprints });
    out.warnings = mapper.warnings;
  } catch (e) {
    for (const d of errorsOf(e)) {
      if (d.field.startsWith('options.blueprints[')) {
        out.blueprint.push({ ...d, field: d.field.replace(/^options\.blueprints\[\d+\]/, 'blueprint') });
      } else {
        out.config.push(d);
      }
    }
  }

  // The request: validated by the engine (line/column for JSON errors, paths for the rest).
  const requestText = input.bodyOnly ? `${BODY_PREFIX}${input.request}\n,"headers":{},"queryParams":{}}` : input.request;
  let request = null;
  try {
    validator.mapJson(requestText);
    request = JSON.parse(requestText);
  } catch (e) {
    for (const d of errorsOf(e)) {
      if (input.bodyOnly && d.line === 1 && d.column != null) d.column = Math.max(1, d.column - BODY_PREFIX.length);
      if (input.bodyOnly && d.field.startsWith('request.')) continue; // the wrapper's own keys are fine
      out.request.push(d);
    }
  }

  if (mapper && request) {
    try {
      const traced = mapper.trace(request);
      out.result = traced.result;
      out.fields = traced.fields;
    } catch (e) {
      out.config.push(...errorsOf(e));
    }
  }

  if (request && input.secret) {
    let security = {};
    try {
      const parsed = JSON.parse(input.config);
      if (parsed && !Array.isArray(parsed) && parsed.security) security = parsed.security;
    } catch { /* the config pane shows its own error */ }
    const settings = {
      secret: input.secret,
      signatureHeaderName: security.signatureHeaderName || 'x-signature-256',
      signatureAlgorithm: security.signatureAlgorithm || 'sha256',
      signaturePrefix: security.signaturePrefix ?? 'sha256=',
    };
    const rawBody = JSON.stringify(request.body);
    out.rawBody = rawBody;
    out.signature = { ...verifySignature(settings, rawBody, request.headers || {}), header: settings.signatureHeaderName };
    out.signed = signPayload(settings, rawBody);
  }
  out.workMs = performance.now() - started;
  return out;
}

self.onmessage = (ev) => {
  let out;
  try {
    out = run(ev.data);
  } catch (e) {
    out = { id: ev.data.id, fatal: String(e && e.message || e) };
  }
  self.postMessage(out);
};

// The engine is loaded (the import above awaited the wasm module): ready for inputs.
self.postMessage({ ready: true });
