// The public API of the `hookmap` package, shared by every runtime's entry point.
//
// `createApi` receives a factory for the wasm-bindgen glue (a fresh glue state per call) and
// the compiled `WebAssembly.Module`. It instantiates lazily, turns the errors the module
// throws into `MapperError`s, and after a panic or a trap -- when the instance may be
// corrupt -- starts a fresh instance on the next call, rebuilding each `Mapper` from its
// configuration (as workers-rs does after a `WebAssembly.RuntimeError`).

/** An invalid configuration, blueprint, request or argument; `diagnostics` lists every problem. */
export class MapperError extends Error {
  constructor(message, diagnostics, kind) {
    super(message);
    this.name = 'MapperError';
    /** Every problem, each with a stable `code`, `field` (its path for people), `message`, and its `location` in the text where known. */
    this.diagnostics = diagnostics;
    /** What was invalid: "config", "blueprint", "request" or "argument"; "limit" when a program overflowed the stack. */
    this.kind = kind;
  }
}

const PANIC_PREFIX = 'hookmap panicked: ';

const encoder = new TextEncoder();

/** A diagnostic made by the JS layer itself (the engine makes all the others). */
function diagnostic(code, field, message) {
  return { code, severity: 'error', mapping: null, item: null, field, message };
}

/** UTF-8 bytes of JSON text, or the bytes given; null for anything else. */
function jsonBytes(json) {
  if (typeof json === 'string') return encoder.encode(json);
  if (json instanceof Uint8Array) return json;
  if (json instanceof ArrayBuffer) return new Uint8Array(json);
  return null;
}

function notJsonText(what, json) {
  const got = json === null ? 'null' : typeof json;
  const message = `request: ${what} takes JSON text or its UTF-8 bytes (a Uint8Array or ArrayBuffer), got ${got}; use map() for an object`;
  return new MapperError(message, [diagnostic('invalid-argument', 'request', message)], 'argument');
}

function isHeaders(h) {
  return h != null && typeof h === 'object' && typeof h.forEach === 'function' && typeof h.get === 'function' && typeof h.entries === 'function';
}

function plainHeaders(h) {
  return isHeaders(h) ? Object.fromEntries(h.entries()) : h;
}

export function createApi(createGlue, module) {
  let glue = null;
  let generation = 0;

  function instance() {
    if (glue === null) {
      const fresh = createGlue();
      fresh.initSync({ module });
      glue = fresh;
    }
    return glue;
  }

  function translate(e) {
    if (e != null && typeof e === 'object' && typeof e.hookmapError === 'string') {
      return new MapperError(e.message, e.diagnostics, e.hookmapError);
    }
    if (e instanceof RangeError && /call stack/i.test(e.message) && glue !== null) {
      // The engine's stack overflowed (a value nested hundreds of thousands of levels deep):
      // name the field that was running, from the old instance, then start a fresh one.
      let field = '';
      try {
        field = glue.interruptedField();
      } catch {
        // the old instance can't answer: the error names no field
      }
      glue = null;
      generation += 1;
      const where = field || '(engine)';
      const message = `stack limit: evaluating ${field ? `\`${field}\`` : 'the mapping'} overflowed the engine's stack (a value nested too deeply, such as one built by \`reduce range(1e5) as $i (0; [.])\`); no result was produced, and the engine was restarted`;
      return new MapperError(message, [diagnostic('limit-depth', where, message)], 'limit');
    }
    // Anything else is a panic (an Error whose message starts with PANIC_PREFIX) or a trap
    // (WebAssembly.RuntimeError): drop the instance so the next call gets a clean one.
    glue = null;
    generation += 1;
    if (e instanceof Error) return e;
    return new Error(`${PANIC_PREFIX}${String(e)}`);
  }

  function call(fn) {
    const g = instance();
    try {
      return fn(g);
    } catch (e) {
      throw translate(e);
    }
  }

  /** A webhook configuration compiled once, ready to map any number of requests. */
  class Mapper {
    #config;
    #options;
    #raw = null;
    #generation = -1;

    constructor(config, options) {
      this.#options = options;
      this.#raw = call((g) => new g.RawMapper(config, options));
      this.#generation = generation;
      // Kept to rebuild this mapper if the module must be re-instantiated after a panic.
      this.#config = typeof config === 'string' ? config : JSON.stringify(config);
    }

    #current() {
      if (this.#raw === null || this.#generation !== generation) {
        this.#raw = call((g) => new g.RawMapper(this.#config, this.#options));
        this.#generation = generation;
      }
      return this.#raw;
    }

    /** Compile-time warnings: things Port accepts that are probably not what was meant. */
    get warnings() {
      const raw = this.#current();
      return call(() => raw.warnings);
    }

    /**
     * The headers and query parameters the mappings read, by name: `{headers, queryParams}`,
     * sorted arrays (header names lowercase), or `null` where any may be read.
     */
    get requestReads() {
      const raw = this.#current();
      return call(() => raw.requestReads);
    }

    /** False when the configuration has `enabled: false`. */
    get enabled() {
      const raw = this.#current();
      return call(() => raw.enabled);
    }

    /** Map a request `{body, headers, queryParams}` to `{entities, diagnostics}`. */
    map(request) {
      const raw = this.#current();
      if (request != null && typeof request === 'object' && isHeaders(request.headers)) {
        request = { ...request, headers: plainHeaders(request.headers) };
      }
      // JSON text in and out: V8's JSON.stringify/parse and one copy of bytes beat converting
      // objects across the boundary. What JSON can't hold (a BigInt, a cycle, undefined) goes
      // the slow way, which names the problem.
      let text;
      try {
        text = JSON.stringify(request);
      } catch {
        text = undefined;
      }
      if (typeof text !== 'string') return call(() => raw.map(request));
      return JSON.parse(call(() => raw.mapJsonBytes(encoder.encode(text))));
    }

    /** Map and report every evaluated field: `{ result, fields }` (the per-field view). */
    trace(request) {
      const raw = this.#current();
      return call(() => raw.trace(request));
    }

    /**
     * Map request JSON, as text or as UTF-8 bytes (a `Uint8Array` or `ArrayBuffer`, e.g. a raw
     * request body); returns the result as JSON text (no object conversion).
     */
    mapJson(requestJson) {
      const raw = this.#current();
      const bytes = jsonBytes(requestJson);
      if (bytes === null) throw notJsonText('mapJson', requestJson);
      return call(() => raw.mapJsonBytes(bytes));
    }

    /**
     * Map a body-only payload (text or UTF-8 bytes): the request is `{body, headers: {},
     * queryParams: {}}`. Returns the result as JSON text; errors are located in the payload.
     */
    mapBodyJson(bodyJson) {
      const raw = this.#current();
      const bytes = jsonBytes(bodyJson);
      if (bytes === null) throw notJsonText('mapBodyJson', bodyJson);
      return call(() => raw.mapBodyJsonBytes(bytes));
    }

    /** The configuration's `security` settings, or null when it has none. */
    get security() {
      const raw = this.#current();
      return call(() => raw.security);
    }

    /** The delivery's identity per `security.requestIdentifierPath`, or undefined. */
    requestIdentifier(request) {
      const raw = this.#current();
      return call(() => raw.requestIdentifier(request));
    }

    /** Map each request with `live` and `candidate` and compare (see `backtest`). */
    static backtest(live, candidate, requests) {
      if (!(live instanceof Mapper) || !(candidate instanceof Mapper)) {
        const message = 'backtest(live, candidate, requests) takes two Mappers and an array of requests';
        throw new MapperError(message, [diagnostic('invalid-argument', 'backtest', message)], 'argument');
      }
      const texts = Array.from(requests, (r) => (typeof r === 'string' ? r : JSON.stringify(r)));
      const a = live.#current();
      const b = candidate.#current();
      return call((g) => g.backtest(a, b, texts));
    }

    /** Release the module memory now instead of at garbage collection. */
    free() {
      if (this.#raw !== null) {
        try {
          this.#raw.free();
        } catch {
          // already gone with a discarded instance
        }
        this.#raw = null;
      }
    }
  }

  /** Run jq on `input`: `{outputs, diagnostics}`; `{port: true}` answers exactly as Port does. */
  function evaluate(filter, input, options) {
    return call((g) => g.evaluate(filter, input, options));
  }

  function requestReads(filter) {
    if (typeof filter !== 'string') {
      const message = 'requestReads(program) takes a jq program as a string';
      throw new MapperError(message, [diagnostic('invalid-argument', 'program', message)], 'argument');
    }
    return call((g) => g.requestReads(filter));
  }

  /** Verify a raw body against `security` and the request's headers: `{valid, reason?}`. */
  function verifySignature(security, rawBody, headers) {
    return call((g) => g.verifySignature(security, rawBody, plainHeaders(headers)));
  }

  /** The signature header `{ header, value }` a sender attaches to `rawBody`, or null. */
  function signPayload(security, rawBody) {
    return call((g) => g.signPayload(security, rawBody));
  }

  /** Validate an entity against a blueprint: the violations, as diagnostics. */
  function validateEntity(entity, blueprint) {
    return call((g) => g.validateEntity(entity, blueprint));
  }

  /**
   * Map each request (JSON text or an object) with the `live` mapper and with `candidate`:
   * `{total, unchanged, changed, newlyFailing, newlyFixed, requests}`, where each request that
   * is not unchanged lists its entities' field-level differences.
   */
  function backtest(live, candidate, requests) {
    return Mapper.backtest(live, candidate, requests);
  }

  /**
   * Check request text without mapping it (`{bodyOnly: true}`: a body-only payload): the
   * problems, each with its code and location in the text; empty for a valid request.
   */
  function checkRequest(requestJson, options) {
    const bytes = jsonBytes(requestJson);
    if (bytes === null) throw notJsonText('checkRequest', requestJson);
    return call((g) => g.checkRequest(bytes, Boolean(options && options.bodyOnly)));
  }

  /**
   * Read request text as the engine reads it (`{bodyOnly: true}`: a body-only payload):
   * `{request, diagnostics}`, the request `{body, headers, queryParams}` jq sees, or `null` with
   * the problems, each with its code and location in the text.
   */
  function readRequest(requestJson, options) {
    const bytes = jsonBytes(requestJson);
    if (bytes === null) throw notJsonText('readRequest', requestJson);
    return call((g) => g.readRequest(bytes, Boolean(options && options.bodyOnly)));
  }

  /**
   * Propose a mapping for `blueprint` (an object) from a sample `request` ({body, headers,
   * queryParams}): `{mapping, matches: [{field, path}], unmatched: [field]}`.
   */
  function scaffold(blueprint, request) {
    return call((g) => g.scaffold(blueprint, request));
  }

  /**
   * Completions at the cursor of a mapping, from the engine: `context` is `{place: 'jq' |
   * 'property' | 'relation', before, request, blueprint?}`, or `{path, key, explicit, before,
   * ...}` (the engine reads the place from the path of the string in the configuration);
   * `[{label, kind, detail, info?, replace}]`.
   */
  function complete(context) {
    return call((g) => g.complete(context));
  }

  function __panicForTests(message) {
    return call((g) => g.__panicForTests(message));
  }

  return { Mapper, MapperError, evaluate, requestReads, verifySignature, signPayload, validateEntity, checkRequest, readRequest, backtest, scaffold, complete, __panicForTests };
}
