// Singgah's service worker (issue 25): the intake desk, check-in, the handoff desk and the
// field form open without a network. Hand-written, not Workbox: it does two things (pages
// network-first with the last copy kept, hashed files cache-first), so a 60-line file the
// CSP serves as 'self' beats a build step and a library a TPS tablet must download.
// Saving a form without a network is the queue's work (static/js/outbox.js, loaded here for its store).
importScripts('/static/js/outbox.js');
const CACHE = 'singgah-shell-v1';
// The pages kept for offline use (and the pages under them: a handoff, its BAST).
const PAGES = ['/intake', '/intake/check-in', '/handoffs', '/handoffs/new'];
const kept = (url) => PAGES.some((p) => url.pathname === p || url.pathname.startsWith(p + '/'));

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
    await self.clients.claim();
  })());
});

// The page that registered the worker asks for itself and its files to be kept (its first
// load happened before the worker was in control). `fresh`: fetched again even when kept (a
// handoff this device submitted and its BAST, asked for once the server has numbered it), with
// the files the page names, so the BAST opens from the device, styled, with the network cut.
self.addEventListener('message', (event) => {
  const data = event.data || {};
  if (data.type !== 'keep' || !Array.isArray(data.urls)) return;
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    const keep = async (u, fresh) => {
      const url = new URL(u, self.location.origin);
      if (url.origin !== self.location.origin || !(url.pathname.startsWith('/static/') || kept(url))) return;
      if (!fresh && (await cache.match(url.href))) return;
      try {
        const res = await fetch(url.href, { credentials: 'same-origin' });
        if (!res.ok || res.redirected) return;
        if (fresh && (res.headers.get('content-type') || '').startsWith('text/html')) {
          const html = await res.clone().text();
          for (const m of html.matchAll(/(?:src|href)="(\/static\/[^"]+)"/g)) await keep(m[1].replace(/&amp;/g, '&'), false);
        }
        await cache.put(url.href, res);
      } catch {
        // Offline already: kept next time.
      }
    };
    for (const u of data.urls) await keep(u, data.fresh === true);
  })());
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (req.method === 'POST' && req.mode === 'navigate' && QUEUED[url.pathname]) return event.respondWith(postOrQueue(req, url));
  if (req.method !== 'GET') return;
  if (url.pathname.startsWith('/static/')) event.respondWith(cacheFirst(req));
  else if (req.mode === 'navigate' && kept(url)) event.respondWith(networkFirst(req));
});

// The forms whose "save" is kept on the device when it cannot reach the server, and the page shown then.
const QUEUED = { '/intake': '/intake', '/handoffs': '/handoffs/new' };

// Posted through: a save the server answered with a redirect is done (it leaves the queue if it
// was there). No answer (offline, or the answer was lost): the save is queued with its key and
// the officer is sent back to the form, where the counter shows it.
async function postOrQueue(req, url) {
  const copy = req.clone();
  const fields = async () => [...(await copy.formData()).entries()].filter(([, v]) => typeof v === 'string');
  const keyOf = (f) => (f.find(([n]) => n === 'idempotency_key') || [])[1];
  try {
    const res = await fetch(req);
    if (res.type === 'opaqueredirect' || (res.status >= 300 && res.status < 400)) {
      const key = keyOf(await fields());
      if (key) await self.SinggahOutbox.remove(key).catch(() => {});
    }
    return res;
  } catch {
    const f = await fields();
    const key = keyOf(f);
    const step = (f.find(([n]) => n === 'step') || [])[1] || 'save';
    if (!key || step !== 'save') return offlinePage();
    // The account whose form this was (its `_owner` field, rendered from the session): on a shared tablet
    // only that account's pages send it or show it (outbox.js `mine`), never the next officer's.
    const owner = (f.find(([n]) => n === '_owner') || [])[1] || null;
    await self.SinggahOutbox.put({ key, action: url.pathname, fields: f, at: Date.now(), state: 'waiting', owner });
    return Response.redirect(new URL(QUEUED[url.pathname], self.location.origin).href, 303);
  }
}

async function cacheFirst(req) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(req);
  if (hit) return hit;
  const res = await fetch(req);
  if (res.ok) await cache.put(req, res.clone());
  return res;
}

async function networkFirst(req) {
  const cache = await caches.open(CACHE);
  try {
    const res = await fetch(req);
    // Only a page the user may see is kept (a redirect to the login page is not).
    if (res.ok && !res.redirected) await cache.put(req, res.clone());
    return res;
  } catch {
    // ignoreVary: a page kept by the worker's own fetch (a BAST kept after a save) was asked with other
    // headers than the browser's navigation sends; it is the same page.
    const hit = (await cache.match(req, { ignoreVary: true })) || (await cache.match(req, { ignoreSearch: true, ignoreVary: true }));
    if (hit) return hit;
    return offlinePage();
  }
}

function offlinePage() {
  return new Response(
    '<!doctype html><html lang="id"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Singgah</title>' +
      '<body style="font-family:system-ui,sans-serif;padding:24px"><h1>Koneksi terputus, coba lagi</h1><p>Halaman ini belum pernah dibuka di perangkat ini. Buka lagi saat tersambung.</p></body></html>',
    { status: 503, headers: { 'content-type': 'text/html; charset=utf-8' } },
  );
}
