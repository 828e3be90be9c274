// Singgah's service worker (issue 25): the intake desk, check-in, the handoff desk and the
// field form open without a network. Hand-written, not Workbox: it does two things (pages
// network-first with the last copy kept, hashed files cache-first), so a 60-line file the
// CSP serves as 'self' beats a build step and a library a TPS tablet must download.
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
// load happened before the worker was in control).
self.addEventListener('message', (event) => {
  const data = event.data || {};
  if (data.type !== 'keep' || !Array.isArray(data.urls)) return;
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    for (const u of data.urls) {
      const url = new URL(u, self.location.origin);
      if (url.origin !== self.location.origin || !(url.pathname.startsWith('/static/') || kept(url))) continue;
      if (await cache.match(url.href)) continue;
      try {
        const res = await fetch(url.href, { credentials: 'same-origin' });
        if (res.ok && !res.redirected) await cache.put(url.href, res);
      } catch {
        // Offline already: kept next time.
      }
    }
  })());
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/static/')) event.respondWith(cacheFirst(req));
  else if (req.mode === 'navigate' && kept(url)) event.respondWith(networkFirst(req));
});

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
    const hit = (await cache.match(req)) || (await cache.match(req, { ignoreSearch: true }));
    if (hit) return hit;
    return new Response(
      '<!doctype html><html lang="id"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Singgah</title>' +
        '<body style="font-family:system-ui,sans-serif;padding:24px"><h1>Koneksi terputus, coba lagi</h1><p>Halaman ini belum pernah dibuka di perangkat ini. Buka lagi saat tersambung.</p></body></html>',
      { status: 503, headers: { 'content-type': 'text/html; charset=utf-8' } },
    );
  }
}
