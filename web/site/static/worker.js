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

// The reader thread (reader.js). A browser reads a file in tasks of the
// thread that asked for it, and this thread is busy parsing while the reads
// ahead of it should go on: they are asked of a worker of their own, which
// transfers what it read here. Go asks through two functions:
//
//   - passkReadSlice(blob, start, end): the promise of the bytes [start,
//     end) of blob as an ArrayBuffer (the slices Go reads ahead,
//     BlobReader in wasm/worker); where the reader thread cannot run, the
//     slice is read here, as before;
//   - passkInflate(key, blob, header, compressed, size): the promise of {buf,
//     after}, a member of a zip archive inflated by the browser, and the 16
//     bytes after its data (BlobReader.InflateMember); without the reader
//     thread it fails, and Go inflates the member itself. With size -1,
//     buf holds the member's compressed bytes, for Go to inflate.
let reader = null;
let readerBroken = false;
let readerNext = 0;
const readerWaiting = new Map(); // request id → {here, resolve, reject}

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
    if (d.name === undefined && w.early) {
      // Go may take it from the promise without waiting (passkDone);
      // when it waits, it resumes after the answers that came meanwhile
      // (already queued as tasks) are there for it to take too.
      w.early.passkDone = d;
      setTimeout(() => w.resolve(d), 0);
      return;
    }
    if (d.name === undefined) {
      w.resolve(d);
      return;
    }
    const err = new Error(d.message);
    err.name = d.name;
    w.reject(err);
  };
  // A reader that fails to load or run: what it owes, and all later
  // requests, are done here.
  reader.onerror = (e) => {
    e.preventDefault();
    readerBroken = true;
    reader.terminate();
    reader = null;
    for (const w of readerWaiting.values()) {
      w.here().then(w.resolve, w.reject);
    }
    readerWaiting.clear();
  };
}

// askReader sends msg to the reader thread and returns the promise of its
// answer; here does the same on this thread, where the reader cannot. With
// early set, the answer is also put on the promise as passkDone as soon as
// it comes, for Go to take without waiting: Go asks for many zip members
// ahead, and each wait for a promise costs it a turn of the event loop.
function askReader(msg, here, early) {
  if (!reader && !readerBroken) startReader();
  if (!reader) return here();
  const id = readerNext++;
  const w = { here };
  const p = new Promise((resolve, reject) => {
    w.resolve = resolve;
    w.reject = reject;
  });
  if (early) w.early = p;
  readerWaiting.set(id, w);
  reader.postMessage(Object.assign({ id }, msg));
  return p;
}

self.passkReadSlice = (blob, start, end) =>
  askReader({ blob, start, end }, () => blob.slice(start, end).arrayBuffer().then((buf) => ({ buf }))).then((d) => d.buf);

// passkForget(key): the file is read; the reader thread lets go of the
// chunks it keeps of it.
self.passkForget = (key) => {
  if (reader) reader.postMessage({ op: 'forget', key });
};

self.passkInflate = (key, blob, header, compressed, size) =>
  askReader({ op: size < 0 ? 'raw' : 'inflate', key, blob, header, compressed, size }, () => Promise.reject(new Error('no reader thread: Go inflates')), true);

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
