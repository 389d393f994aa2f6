// Node.js, CommonJS (`require("hookmap")`): built to CJS by esbuild; synchronous.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGlue } from './glue-factory.mjs';
import { createApi } from './api.mjs';

const module = new WebAssembly.Module(readFileSync(join(__dirname, 'hookmap_bg.wasm')));
export const { Mapper, MapperError, evaluate, requestReads, verifySignature, signPayload, validateEntity, checkRequest, readRequest, backtest, scaffold, complete, __panicForTests } = createApi(createGlue, module);
export const version = __HOOKMAP_VERSION__;
