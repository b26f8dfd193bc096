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

// passkReadSlice returns the promise of the bytes [start, end) of blob as
// an ArrayBuffer, for the slices Go reads ahead of its parsing (BlobReader
// in wasm/worker). A browser reads a file in tasks of the thread that asked
// for it, and this thread is busy parsing while those reads should go on:
// they are asked of a worker of their own (reader.js), which transfers each
// slice here when it has it. Where that worker cannot run, a slice is read
// here, as before.
let reader = null;
let readerBroken = false;
let readerNext = 0;
const readerWaiting = new Map(); // request id → {blob, start, end, resolve, reject}

function readHere(blob, start, end) {
  return blob.slice(start, end).arrayBuffer();
}

function startReader() {
  try {
    reader = new Worker('reader.js');
  } catch (err) {
    readerBroken = true;
    return;
  }
  reader.onmessage = (e) => {
    const d = e.data;
    const w = readerWaiting.get(d.id);
    if (!w) return;
    readerWaiting.delete(d.id);
    if (d.buf) {
      w.resolve(d.buf);
      return;
    }
    const err = new Error(d.message);
    err.name = d.name;
    w.reject(err);
  };
  // A reader that fails to load or run: the slices it owes, and all later
  // ones, are read here.
  reader.onerror = (e) => {
    e.preventDefault();
    readerBroken = true;
    reader.terminate();
    reader = null;
    for (const w of readerWaiting.values()) {
      readHere(w.blob, w.start, w.end).then(w.resolve, w.reject);
    }
    readerWaiting.clear();
  };
}

self.passkReadSlice = (blob, start, end) => {
  if (!reader && !readerBroken) startReader();
  if (!reader) return readHere(blob, start, end);
  const id = readerNext++;
  return new Promise((resolve, reject) => {
    readerWaiting.set(id, { blob, start, end, resolve, reject });
    reader.postMessage({ id, blob, start, end });
  });
};

async function start() {
  startReader(); // now, so that the first file does not wait for it
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
