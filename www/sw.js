// Service worker: the page works offline after its first load, and can be installed.
//
// - The app shell (HTML, CSS, our JS, the wasm core) is fetched network-first, so a rebuilt
//   page shows at once, and falls back to the cache when offline.
// - The MediaPipe runtime and the pose models (large, versioned) are cache-first.
// Everything is precached at install; only same-origin GET requests are handled (the page
// never requests anything else).
//
// Updates never break an open session: a new worker installs and then waits. It takes over only
// when the page asks ({ type: 'skip-waiting' }, the "Reload to update" offer of app/update.js,
// made between sets), or when every tab of the page is closed. VERSION names the caches;
// tools/build-dist.sh stamps it with a hash of the files, so each deploy is one update.
// ({ type: 'version' } on a MessageChannel is answered with VERSION.)

const VERSION = 'dev';
const SHELL_CACHE = `hingecheck-shell-${VERSION}`;
const RUNTIME_CACHE = 'hingecheck-runtime-tasks-vision-1.1.0-models-v1';

// Every file the page loads (tests/e2e/install-update.test.mjs checks that none is missing); its
// JS is the bundle tools/build-web.sh makes (www/app and www/js are the sources).
const SHELL = [
  './', 'index.html', 'styles.css', 'manifest.webmanifest', 'icon.svg', 'icons/icon-192.png', 'icons/icon-512.png', 'icons/maskable-512.png',
  'build/app.js', 'build/pose-worker.js',
  'pkg/hingecheck_bg.wasm',
];
const RUNTIME = [
  'vendor/tasks-vision/vision_bundle.mjs',
  'vendor/tasks-vision/wasm/vision_wasm_module_internal.js',
  'vendor/tasks-vision/wasm/vision_wasm_module_internal.wasm',
  'models/pose_landmarker_lite.task',
  'models/pose_landmarker_full.task',
];

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const shell = await caches.open(SHELL_CACHE);
    await shell.addAll(SHELL.map((p) => new Request(p, { cache: 'no-cache' })));
    const runtime = await caches.open(RUNTIME_CACHE);
    for (const p of RUNTIME) {
      if (!(await runtime.match(p))) await runtime.add(new Request(p, { cache: 'no-cache' }));
    }
    // No skipWaiting here: a page in the middle of a set keeps the worker it started with.
  })());
});

self.addEventListener('message', (event) => {
  if (event.data?.type === 'skip-waiting') self.skipWaiting();
  if (event.data?.type === 'version') event.ports[0]?.postMessage({ version: VERSION });
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith('hingecheck-') && name !== SHELL_CACHE && name !== RUNTIME_CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

const isRuntime = (url) => /\/(vendor|models)\//.test(url.pathname);

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin) return;
  if (req.headers.has('range')) return; // media byte ranges: let the network answer
  event.respondWith(isRuntime(url) ? cacheFirst(req) : networkFirst(req));
});

async function cacheFirst(req) {
  const cache = await caches.open(RUNTIME_CACHE);
  const hit = await cache.match(req, { ignoreSearch: true });
  if (hit) return hit;
  const res = await fetch(req);
  if (res.ok) cache.put(req, res.clone());
  return res;
}

async function networkFirst(req) {
  const cache = await caches.open(SHELL_CACHE);
  try {
    const res = await fetch(req);
    if (res.ok) cache.put(req, res.clone());
    return res;
  } catch (e) {
    const hit = await cache.match(req, { ignoreSearch: true }) ?? (req.mode === 'navigate' ? await cache.match('index.html') : null);
    if (hit) return hit;
    throw e;
  }
}
