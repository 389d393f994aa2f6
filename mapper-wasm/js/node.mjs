// Node.js, ES modules: synchronous after import.
import { readFileSync } from 'node:fs';
import { createGlue } from './glue-factory.mjs';
import { createApi } from './api.mjs';

const module = new WebAssembly.Module(readFileSync(new URL('./hookmap_bg.wasm', import.meta.url)));
export const { Mapper, MapperError, evaluate, requestReads, verifySignature, signPayload, validateEntity, checkRequest, readRequest, backtest, scaffold, complete, __panicForTests } = createApi(createGlue, module);
export const version = __HOOKMAP_VERSION__;
