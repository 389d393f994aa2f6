// Cloudflare Workers (workerd): wrangler hands the .wasm import over precompiled (Workers
// refuse to compile wasm from bytes at run time); synchronous after import.
import module from './hookmap_bg.wasm';
import { createGlue } from './glue-factory.mjs';
import { createApi } from './api.mjs';

export const { Mapper, MapperError, evaluate, requestReads, verifySignature, signPayload, validateEntity, checkRequest, readRequest, backtest, scaffold, complete, __panicForTests } = createApi(createGlue, module);
export const version = __HOOKMAP_VERSION__;
