// worker.js: the dedicated worker that runs passk's Go code (app.wasm).
// Go installs self.onmessage and posts {v: 1, event: 'ready'} once it
// takes requests; see app.js for the protocol.
'use strict';

function fatal(text) {
  postMessage({ v: 1, event: 'fatal', data: { error: text } });
}

async function start() {
  try {
    importScripts('wasm_exec.js');
  } catch (err) {
    fatal('wasm_exec.js is missing: the app is not built (run `make build`).');
    return;
  }
  const resp = await fetch('app.wasm');
  if (!resp.ok) {
    fatal(`Could not load app.wasm (${resp.status}): ${(await resp.text()).slice(0, 300)}`);
    return;
  }
  const go = new Go();
  const { instance } = await WebAssembly.instantiateStreaming(resp, go.importObject);
  await go.run(instance);
  fatal('The app stopped; reload the page.');
}

start().catch((err) => fatal(`The app failed to start: ${err && err.message ? err.message : err}`));
