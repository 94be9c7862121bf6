// Jembatan's service worker (scope /). The server fills in VERSION (a hash of the shell files)
// and SHELL (the pages and files kept for offline use).
import { put } from '/static/js/store.js';
import { flush } from '/static/js/sync.js';

const VERSION = '__VERSION__';
const SHELL = __SHELL__;
const CACHE = `shell-${VERSION}`;
const PAGE_TIMEOUT_MS = 3500;
const PAGES = new Set(SHELL.filter((u) => !u.startsWith('/static/') && !u.endsWith('.webmanifest')));
const keyOf = (url) => new URL(url, self.location.origin).pathname;

// A redirected response cannot answer a navigation: keep a clean copy.
async function clean(response) {
  if (!response.redirected) return response;
  return new Response(await response.blob(), { status: response.status, headers: response.headers });
}

const OWNER = /name="jembatan-user" content="([^"]*)"/;

// Fetch and keep `urls`; note whose pages they are (the login they were fetched with), so that
// a page can tell whether the saved copies are its worker's.
async function save(urls) {
  const cache = await caches.open(CACHE);
  const owners = new Set();
  // One page failing (e.g. not built yet) must not leave the worker without the others.
  await Promise.all(urls.map(async (url) => {
    try {
      // Static files the page just loaded come from the HTTP cache: fetched once, not twice.
      const response = await fetch(url, { credentials: 'same-origin', cache: PAGES.has(url) ? 'no-store' : 'default' });
      if (!response.ok || response.redirected) return;
      // The quick exit's neutral page (/resep) names no one: it says nothing about the owner.
      const owner = PAGES.has(url) && (await response.clone().text()).match(OWNER);
      if (owner) owners.add(owner[1]);
      await cache.put(keyOf(url), response);
    } catch (e) { /* offline: the next visit retries */ }
  }));
  if (owners.size) await put('meta', owners.size === 1 ? [...owners][0] : null, 'pages-user');
}

self.addEventListener('install', (event) => {
  event.waitUntil(save(SHELL).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) if (key !== CACHE && key !== PLACES) await caches.delete(key);
    await self.clients.claim();
  })());
});

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then((v) => { clearTimeout(t); resolve(v); }, (e) => { clearTimeout(t); reject(e); });
  });
}

// Pages: network first (short timeout) so the worker sees fresh data; the saved copy otherwise.
async function page(request) {
  const url = new URL(request.url);
  const key = url.pathname;
  const cache = await caches.open(CACHE);
  const keep = PAGES.has(key) || key.startsWith('/channels/');
  try {
    const response = await withTimeout(fetch(request), PAGE_TIMEOUT_MS);
    if (keep && response.ok && !response.redirected) await cache.put(key, response.clone());
    if (response.status >= 500) return (await cache.match(key)) || response;
    return response;
  } catch (e) {
    return (await cache.match(key)) || (await cache.match('/offline')) || Response.error();
  }
}

// Static files: from the phone first; they change only with a new VERSION.
async function asset(request) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(request, { ignoreSearch: true });
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok) await cache.put(new URL(request.url).pathname, response.clone());
  return response;
}

// Public reference data (countries and regions for the place forms): fresh when online, the kept
// copy offline. Kept apart from the shell, so a new version does not drop it.
const PLACES = 'places-v1';
async function reference(request) {
  const cache = await caches.open(PLACES);
  try {
    const response = await withTimeout(fetch(request), PAGE_TIMEOUT_MS);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch (e) {
    return (await cache.match(request)) || Response.error();
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/v1/places')) {
    event.respondWith(reference(request));
    return;
  }
  // The API is never cached here: personal answers live in IndexedDB, not in HTTP caches.
  if (url.pathname.startsWith('/api/') || url.pathname === '/sw.js' || url.pathname.startsWith('/console')) return;
  if (request.mode === 'navigate') {
    event.respondWith(page(request));
  } else if (url.pathname.startsWith('/static/') || url.pathname === '/manifest.webmanifest') {
    event.respondWith(asset(request));
  }
});

async function flushAndTell() {
  const run = () => flush();
  const result = self.navigator && self.navigator.locks
    ? await self.navigator.locks.request('jembatan-outbox', run) : await run();
  for (const client of await self.clients.matchAll()) client.postMessage('synced');
  if (!result.ok && !result.auth) throw new Error('sync failed; the browser retries later');
}

// Background Sync: the browser wakes us when the phone is online again, app open or closed.
self.addEventListener('sync', (event) => {
  if (event.tag === 'outbox') event.waitUntil(flushAndTell());
});

// After a login or logout the saved pages belong to someone else: the page asks for them again.
self.addEventListener('message', (event) => {
  if (event.data === 'flush') event.waitUntil(flushAndTell().catch(() => {}));
  if (event.data === 'refresh-pages') event.waitUntil(save([...PAGES]));
});
