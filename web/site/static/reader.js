// reader.js: a worker that reads a file for worker.js, which runs app.wasm
// (see passkReadSlice and passkInflate there), on a thread of its own.
// A request {id, blob, start, end} gets {id, buf}: the ArrayBuffer of
// blob.slice(start, end), transferred. A request {id, op: 'inflate', key,
// blob, header, compressed, size} gets {id, buf, after}: the member of a zip
// archive whose local file header is at offset header, inflated by the
// browser (size bytes), and the 16 bytes after its compressed data (a data
// descriptor, if it has one); op 'raw' (no size) gets the member's
// compressed bytes instead, for Go to inflate. key names the file (each
// request has its own copy of the File). A request that fails gets {id,
// name, message}.
// {op: 'forget', key} lets go of the chunks kept of that file.
'use strict';

// A zip archive's members are read from chunks of the file kept here (a
// read of the browser per member costs 1–2 ms, whatever its size): the last chunksKept chunks of chunkSize bytes of the file being
// inflated from, each asked for with the one after it.
const chunkSize = 4 << 20;
const chunksKept = 8;
let chunksOf = null; // the key of the file they are of
const chunks = new Map(); // chunk index → promise of its Uint8Array, oldest first
let forgotten = 0; // files with keys up to this one are read (keys only grow): nothing is kept of them

function readChunk(blob, i) {
  return blob.slice(i * chunkSize, Math.min(blob.size, (i + 1) * chunkSize)).arrayBuffer().then((b) => new Uint8Array(b));
}

function chunk(key, blob, i) {
  if (key <= forgotten) return readChunk(blob, i);
  if (key !== chunksOf) {
    chunksOf = key;
    chunks.clear();
  }
  let p = chunks.get(i);
  if (p) {
    chunks.delete(i); // now the newest
  } else {
    p = readChunk(blob, i);
    p.catch(() => chunks.delete(i));
  }
  chunks.set(i, p);
  while (chunks.size > chunksKept) chunks.delete(chunks.keys().next().value);
  return p;
}

// bytesAt returns the promise of the bytes [start, end) of blob, fewer at
// its end.
async function bytesAt(key, blob, start, end) {
  end = Math.min(end, blob.size);
  if (end <= start) return new Uint8Array(0);
  const first = Math.floor(start / chunkSize);
  const last = Math.floor((end - 1) / chunkSize);
  if (last + 1 < Math.ceil(blob.size / chunkSize)) chunk(key, blob, last + 1); // read ahead
  if (first === last) {
    const c = await chunk(key, blob, first);
    return c.subarray(start - first * chunkSize, end - first * chunkSize);
  }
  const out = new Uint8Array(end - start);
  for (let i = first; i <= last; i++) {
    const c = await chunk(key, blob, i);
    const from = Math.max(start, i * chunkSize);
    const to = Math.min(end, (i + 1) * chunkSize);
    out.set(c.subarray(from - i * chunkSize, to - i * chunkSize), from - start);
  }
  return out;
}

// member returns the compressed bytes of the member of the zip archive
// blob whose local header is at header, and the 16 bytes after them.
async function member(key, blob, header, compressed) {
  const h = await bytesAt(key, blob, header, header + 30);
  const view = new DataView(h.buffer, h.byteOffset, h.byteLength);
  if (h.length < 30 || view.getUint32(0, true) !== 0x04034b50) {
    throw new Error('no local file header there');
  }
  const start = header + 30 + view.getUint16(26, true) + view.getUint16(28, true);
  const data = await bytesAt(key, blob, start, start + compressed + 16);
  if (data.length < compressed) {
    throw new Error('the member runs past the end of the file');
  }
  return { data: data.subarray(0, compressed), after: data.slice(compressed).buffer };
}

// inflate inflates that member. Go checks what it gives (size, CRC-32).
async function inflate(key, blob, header, compressed, size) {
  const { data, after } = await member(key, blob, header, compressed);
  const out = new Uint8Array(size);
  let n = 0;
  const stream = new ReadableStream({
    start(c) {
      c.enqueue(data);
      c.close();
    },
  });
  const reader = stream.pipeThrough(new DecompressionStream('deflate-raw')).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (n + value.length > size) {
      reader.cancel();
      throw new Error('the member inflates past its size');
    }
    out.set(value, n);
    n += value.length;
  }
  if (n !== size) {
    throw new Error(`the member inflates to ${n} bytes, not ${size}`);
  }
  return { buf: out.buffer, after };
}

// raw returns that member's compressed bytes, for Go to inflate.
async function raw(key, blob, header, compressed) {
  const { data, after } = await member(key, blob, header, compressed);
  return { buf: data.slice().buffer, after };
}

onmessage = (e) => {
  const d = e.data;
  if (d.op === 'forget') {
    forgotten = Math.max(forgotten, d.key);
    if (chunksOf !== null && chunksOf <= forgotten) {
      chunksOf = null;
      chunks.clear();
    }
    return;
  }
  let work;
  if (d.op === 'inflate' || d.op === 'raw') {
    work = Promise.resolve()
      .then(() => (d.op === 'inflate' ? inflate(d.key, d.blob, d.header, d.compressed, d.size) : raw(d.key, d.blob, d.header, d.compressed)))
      .then((r) => postMessage({ id: d.id, buf: r.buf, after: r.after }, [r.buf, r.after]));
  } else {
    work = Promise.resolve().then(() => d.blob.slice(d.start, d.end).arrayBuffer()).then((buf) => postMessage({ id: d.id, buf }, [buf]));
  }
  work.catch((err) => postMessage({ id: d.id, name: (err && err.name) || 'Error', message: String((err && err.message) || err) }));
};
