import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { makeTestApp } from '../helpers/app.ts';
import { makeUser } from '../helpers/factories.ts';
import { signedIn, type Browser } from '../helpers/session.ts';
import { assetHashes } from '../../src/lib/assets.ts';

/**
 * Pages people wait on (issue 25): pages and files travel compressed, and a
 * static file asked for by its hashed URL is kept by the browser for a year.
 */
describe('compression and long-lived assets', () => {
  let app: FastifyInstance;
  let close: () => Promise<void>;
  let b: Browser;
  beforeAll(async () => {
    const t = await makeTestApp();
    app = t.app;
    close = async () => {
      await t.app.close();
      await t.db.$engine.close();
    };
    const u = await makeUser(t.db, 'satpol', { wilayahCode: '31.71' });
    b = await signedIn(app, u.username, u.password);
  });
  afterAll(async () => close());

  it('htmx goes out brotli or gzip, smaller than half, and the same bytes once unpacked', async () => {
    const raw = await app.inject({ method: 'GET', url: '/static/vendor/htmx.min.js' });
    const br = await app.inject({ method: 'GET', url: '/static/vendor/htmx.min.js', headers: { 'accept-encoding': 'br, gzip' } });
    const gz = await app.inject({ method: 'GET', url: '/static/vendor/htmx.min.js', headers: { 'accept-encoding': 'gzip' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(br.rawPayload.length).toBeLessThan(raw.rawPayload.length / 2);
    expect(brotliDecompressSync(br.rawPayload).equals(raw.rawPayload)).toBe(true);
    expect(gunzipSync(gz.rawPayload).equals(raw.rawPayload)).toBe(true);
  });

  it('a page is compressed and names its files by hash; the hashed URL is immutable for a year, the bare one an hour', async () => {
    const page = await b.get('/handoffs/new', { 'accept-encoding': 'gzip' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-encoding']).toBe('gzip');
    const plain = await b.get('/handoffs/new');
    const href = /src="(\/static\/js\/app\.js\?v=[0-9a-f]{10})"/.exec(plain.body)![1]!;
    expect(href).toBe(`/static/js/app.js?v=${assetHashes().get('/static/js/app.js')}`);
    const hashed = await app.inject({ method: 'GET', url: href });
    expect(hashed.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const stale = await app.inject({ method: 'GET', url: '/static/js/app.js?v=0000000000' });
    expect(stale.headers['cache-control']).toBe('public, max-age=3600');
    const bare = await app.inject({ method: 'GET', url: '/static/js/app.js' });
    expect(bare.headers['cache-control']).toBe('public, max-age=3600');
  });
});
