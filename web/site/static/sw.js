// sw.js: keeps the app usable offline after one visit. Each build gets its
// own cache (the server writes the build id below), filled whole when this
// worker installs; the new worker takes over at once and deletes the caches
// of older builds, so a page never mixes files of two builds. Requests
// outside the app's files (another origin, /api/) are not touched.
'use strict';

const BUILD = '__PASSK_BUILD__';
const CACHE = `passk-${BUILD}`;
const ASSETS = ['./', 'app.js', 'worker.js', 'reader.js', 'wasm_exec.js', 'app.wasm', 'style.css', 'favicon.svg'];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll(ASSETS.map((url) => new Request(url, { cache: 'no-cache' }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('passk-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  const scope = new URL(self.registration.scope);
  if (req.method !== 'GET' || url.origin !== scope.origin || url.pathname.startsWith(`${scope.pathname}api/`)) return;
  const page = req.mode === 'navigate';
  if (page && url.pathname !== scope.pathname && url.pathname !== `${scope.pathname}index.html`) return;
  event.respondWith(
    caches.open(CACHE).then(async (cache) => {
      const hit = await cache.match(page ? './' : req, { ignoreSearch: true });
      return hit || fetch(req);
    }),
  );
});
