// The playground's evaluation worker: the same engine as the npm package `hookmap` (its browser
// build), run off the main thread. Input: the three editors' texts and the options; output:
// the result, the per-field view, the diagnostics sorted by editor, and the signature check.
import { Mapper, MapperError, readRequest, verifySignature, signPayload, scaffold, complete } from 'hookmap';

/** The engine's diagnostics of a failure (a MapperError's), or one `internal` diagnostic. */
function errorsOf(e) {
  if (e instanceof MapperError) return e.diagnostics;
  return [{ code: 'internal', severity: 'error', mapping: null, item: null, field: '(engine)', message: String(e && e.message || e) }];
}

function run(input) {
  const out = { id: input.id, result: null, fields: [], warnings: [], config: [], request: [], blueprint: [], signature: null, signed: null, rawBody: null };
  const started = performance.now();

  // The blueprint pane's text goes to the engine as is: its problems come back located in it.
  // Hints too: a field path reading a key this request doesn't have (with the closest key).
  const options = { strict: input.strict, hints: true };
  if (input.blueprint.trim() !== '') options.blueprints = input.blueprint;
  let mapper = null;
  try {
    mapper = new Mapper(input.config, options);
    out.warnings = mapper.warnings;
  } catch (e) {
    const list = e instanceof MapperError && e.kind === 'blueprint' ? out.blueprint : out.config;
    list.push(...errorsOf(e));
  }

  // The request as the engine reads it (a body-only payload wrapped), or its problems, each
  // located in the request pane's text.
  const read = readRequest(input.request, { bodyOnly: input.bodyOnly });
  out.request = read.diagnostics;
  const request = read.request;

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
    const security = (mapper && mapper.security) || {};
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

/**
 * A mapping proposed for `blueprint` (an object: the Yew app checked the pane) from the request
 * pane (the engine's `scaffold`): `{mapping, matches, unmatched}`, `{badRequest: true}` when the
 * request does not read, or `{error}` with the engine's message. The page's words are the app's.
 */
function propose({ blueprint, request, bodyOnly }) {
  const read = readRequest(request, { bodyOnly });
  if (read.request === null) return { badRequest: true };
  try {
    return scaffold(blueprint, read.request);
  } catch (e) {
    return { error: String(e && e.message || e) };
  }
}

/** The engine's completions at the mapping editor's cursor, on the latest inputs. */
function completions({ context, request, bodyOnly, blueprint }) {
  let b;
  try {
    b = blueprint && blueprint.trim() !== '' ? JSON.parse(blueprint) : undefined;
  } catch {
    b = undefined;
  }
  if (Array.isArray(b)) b = b[0];
  try {
    // No request that reads: builtins and blueprint names only.
    const value = readRequest(request, { bodyOnly }).request ?? {};
    return { list: complete({ ...context, request: value, blueprint: b }) };
  } catch {
    return { list: [] };
  }
}

self.onmessage = (ev) => {
  if (ev.data && ev.data.askId) {
    const answer = ev.data.ask === 'complete' ? completions(ev.data) : propose(ev.data);
    self.postMessage({ askId: ev.data.askId, ...answer });
    return;
  }
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
