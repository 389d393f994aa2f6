// Starts the playground (the Yew app); assets/bridge.js, loaded first, provides the editors and
// the evaluation worker.
import init from './pkg/playground.js';

init({ module_or_path: new URL('./pkg/playground_bg.wasm', import.meta.url) });
