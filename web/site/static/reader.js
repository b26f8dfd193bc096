// reader.js: a worker that reads slices of a file for worker.js, which
// runs app.wasm (see passkReadSlice there). Each request {id, blob, start, end}
// gets {id, buf} (the ArrayBuffer of blob.slice(start, end), transferred)
// or {id, name, message} if the browser could not read it.
'use strict';

onmessage = (e) => {
  const { id, blob, start, end } = e.data;
  Promise.resolve().then(() => blob.slice(start, end).arrayBuffer()).then(
    (buf) => postMessage({ id, buf }, [buf]),
    (err) => postMessage({ id, name: (err && err.name) || 'Error', message: String((err && err.message) || err) }),
  );
};
