import fp from 'fastify-plugin';
import compress from '@fastify/compress';
import fastifyStatic from '@fastify/static';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assetHashes, STATIC_ROOT } from '../lib/assets.ts';

/** A year: what a browser may keep a file whose URL names its content. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * How pages and files travel: compressed (brotli or gzip, as the browser
 * accepts; a TPS on shared Wi-Fi or a phone on 3G waits on every kilobyte),
 * and the static files under /static/. A file asked for by its hashed URL
 * (it.asset in the views, src/lib/assets.ts) is kept by the browser for a
 * year; any other URL of it for an hour, as before.
 */
export default fp(
  async (app) => {
    // Registered before any route, so every answer (pages, API, files) is compressed above 1 kB.
    await app.register(compress, { global: true, threshold: 1024, encodings: ['br', 'gzip', 'deflate'] });
    await app.register(fastifyStatic, { root: STATIC_ROOT, prefix: '/static/', maxAge: '1h' });
    // The service worker, served from the root so it may keep pages anywhere on the site (static/js/sw.js);
    // never cached by the browser, so a new version is seen on the next visit.
    const sw = readFileSync(join(STATIC_ROOT, 'js/sw.js'), 'utf8');
    app.get('/sw.js', { config: { access: 'public' } }, async (_request, reply) =>
      reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(sw));
    app.addHook('onSend', async (request, reply, payload) => {
      if (reply.statusCode !== 200 || !request.url.startsWith('/static/')) return payload;
      const [path, query = ''] = request.url.split('?');
      const v = new URLSearchParams(query).get('v');
      if (v && assetHashes().get(path!) === v) reply.header('cache-control', IMMUTABLE);
      return payload;
    });
  },
  { name: 'assets' },
);
