// The playground's backtest worker: maps real deliveries with the live configuration and with
// the editor's, off the main thread, with the engine's own `backtest` (the field-level diff is
// computed in Rust). Input {id, live, candidate, requests}; output {id, result, ms} or
// {id, candidateErrors} when the editor's mapping does not compile, or {id, error}.
import { Mapper, MapperError, backtest } from 'hookmap';

self.onmessage = ({ data }) => {
  const { id } = data;
  try {
    const started = performance.now();
    const live = new Mapper(data.live);
    let candidate;
    try {
      candidate = new Mapper(data.candidate);
    } catch (e) {
      if (!(e instanceof MapperError)) throw e;
      self.postMessage({ id, candidateErrors: e.diagnostics, result: null, ms: 0 });
      return;
    }
    const result = backtest(live, candidate, data.requests);
    live.free?.();
    candidate.free?.();
    self.postMessage({ id, result, ms: performance.now() - started });
  } catch (e) {
    self.postMessage({ id, error: String(e?.message ?? e) });
  }
};

// The engine is loaded (the import above awaited the wasm module): ready for work.
self.postMessage({ ready: true });
