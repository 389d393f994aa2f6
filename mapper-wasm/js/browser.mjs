// Browsers and bundlers: the module is fetched and compiled once at import (top-level await),
// then everything is synchronous.
import { createGlue } from './glue-factory.mjs';
import { createApi } from './api.mjs';

async function compile(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`hookmap: cannot load ${url}: HTTP ${response.status}`);
  try {
    return await WebAssembly.compileStreaming(response.clone());
  } catch {
    // Served with another MIME type than application/wasm: compile from bytes instead.
    return WebAssembly.compile(await response.arrayBuffer());
  }
}

const module = await compile(new URL('./hookmap_bg.wasm', import.meta.url));
export const { Mapper, MapperError, evaluate, requestReads, verifySignature, signPayload, validateEntity, checkRequest, readRequest, backtest, scaffold, complete, __panicForTests } = createApi(createGlue, module);
export const version = __HOOKMAP_VERSION__;
