// worker.js: the dedicated worker that runs passk's Go code (app.wasm).
// Go installs self.onmessage and posts {v: 1, event: 'ready'} once it
// takes requests; see app.js for the protocol.
'use strict';

function fatal(text) {
  postMessage({ v: 1, event: 'fatal', data: { error: text } });
}

// compile fetches app.wasm and compiles it as it arrives: a
// WebAssembly.Module, or {error} when the server does not have it.
async function compile() {
  const resp = await fetch('app.wasm');
  if (!resp.ok) {
    return { error: `Could not load app.wasm (${resp.status}): ${(await resp.text()).slice(0, 300)}` };
  }
  return WebAssembly.compileStreaming(resp);
}

async function start() {
  // The wasm first: it downloads and compiles while wasm_exec.js loads.
  const compiled = compile();
  compiled.catch(() => {}); // a failure is reported below, where it is awaited
  try {
    importScripts('wasm_exec.js');
  } catch (err) {
    fatal('wasm_exec.js is missing: the app is not built (run `make build`).');
    return;
  }
  const module = await compiled;
  if (module.error) {
    fatal(module.error);
    return;
  }
  const go = new Go();
  const instance = await WebAssembly.instantiate(module, go.importObject);
  await go.run(instance);
  fatal('The app stopped; reload the page.');
}

start().catch((err) => fatal(`The app failed to start: ${err && err.message ? err.message : err}`));
