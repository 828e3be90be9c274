import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import type { Db } from '../../src/db/client.ts';
import { makeTestApp } from '../helpers/app.ts';
import { makeFacility, makeUser } from '../helpers/factories.ts';
import { signedIn, type Browser } from '../helpers/session.ts';

/**
 * Issue 28: behind nginx as the README used to set it up (`proxy_pass http://singgah` and no Host header),
 * nginx sent `Host: singgah` and every /live/html socket was refused (403): the Origin check compares the
 * browser's Origin with the host the request was made to. With the block of docs/operations.md (the browser's
 * host passed on as Host and X-Forwarded-Host, TRUST_PROXY naming nginx) the socket opens.
 */
let app: FastifyInstance;
let db: Db;
let base: string;
let browser: Browser;
let facilityId: string;
beforeAll(async () => {
  ({ app, db } = await makeTestApp({ TRUST_PROXY: 'loopback' }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `ws://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  facilityId = (await makeFacility(db, { kind: 'TPS' })).id;
  const user = await makeUser(db, 'command');
  browser = await signedIn(app, user.username, user.password);
});
afterAll(async () => app.close());

function open(headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${base}/live/html?region=facility&id=${facilityId}`, { headers: { cookie: browser.cookieHeader, ...headers } });
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0));
    ws.once('error', () => resolve(0));
  });
}

const ORIGIN = 'https://singgah.dinsos.example.go.id';

describe('live sockets behind nginx', () => {
  it('open with the documented block: Host and X-Forwarded-Host are the host the browser used', async () => {
    expect(await open({ origin: ORIGIN, host: 'singgah.dinsos.example.go.id', 'x-forwarded-host': 'singgah.dinsos.example.go.id', 'x-forwarded-proto': 'https', 'x-forwarded-for': '10.20.30.40' })).toBe(101);
    // A non-default port is part of both Origin and $http_host.
    expect(await open({ origin: `${ORIGIN}:8443`, host: 'singgah.dinsos.example.go.id:8443', 'x-forwarded-host': 'singgah.dinsos.example.go.id:8443' })).toBe(101);
  });

  it('were refused with the old block (Host: the upstream name), and are refused from another site', async () => {
    expect(await open({ origin: ORIGIN, host: 'singgah' })).toBe(403);
    expect(await open({ origin: 'https://evil.example', host: 'singgah.dinsos.example.go.id', 'x-forwarded-host': 'singgah.dinsos.example.go.id' })).toBe(403);
  });
});
