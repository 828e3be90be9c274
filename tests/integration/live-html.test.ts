import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import type { Db } from '../../src/db/client.ts';
import { makeTestApp } from '../helpers/app.ts';
import { makeFacility, makeUnit, makeUser, makeToken } from '../helpers/factories.ts';
import { signedIn, bearer, type Browser } from '../helpers/session.ts';
import { until } from '../helpers/live-socket.ts';

/** Opens the pages' HTML socket as a browser would (session cookie + Origin) and collects frames. */
function openHtml(base: string, query: string, b: Browser): Promise<{ frames: string[]; ws: WebSocket }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${base}/live/html?${query}`, { headers: { cookie: b.cookieHeader, origin: base.replace('ws:', 'http:') } });
    const frames: string[] = [];
    ws.on('message', (d) => frames.push(String(d)));
    ws.once('open', () => resolve({ frames, ws }));
    ws.once('unexpected-response', (_q, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
    ws.once('error', reject);
  });
}


let app: FastifyInstance;
let db: Db;
let base: string;
beforeAll(async () => {
  ({ app, db } = await makeTestApp());
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `ws://127.0.0.1:${(app.server.address() as { port: number }).port}`;
});
afterAll(async () => app.close());

describe('/live/html (htmx hx-ws)', () => {
  it('sends the facility figures at connect and again after a check-in there', async () => {
    const tps = await makeFacility(db, { kind: 'TPS' });
    const unit = await makeUnit(db, tps.id, { capacity: 5, admits: 'any' });
    const officer = await makeUser(db, 'intake', { facilityId: tps.id });
    const b = await signedIn(app, officer.username, officer.password);
    const { frames, ws } = await openHtml(base, `region=facility&id=${tps.id}`, b);
    const first = await until(() => frames[0]);
    expect(first).toContain('id="occupancy-summary" hx-swap-oob="true"');
    expect(first).toMatch(/id="facility-free">5</);
    // A check-in through the API at this facility.
    const token = await makeToken(db, 'intake', { facility: tps.id });
    const call = bearer(app, token);
    const reg = await call('POST', '/api/v1/residents', { persons: [{ name: 'Slamet Riyadi', sex: 'L', estimated_age: 40, consent: true }], confirm_new: true });
    expect(reg.statusCode).toBeLessThan(300);
    const personId = (reg.json() as { persons: { id: string }[] }).persons[0]!.id;
    const stay = await call('POST', '/api/v1/stays', { person_id: personId, facility_id: tps.id, unit_id: unit.id });
    expect(stay.statusCode).toBe(201);
    const next = await until(() => frames.find((f, i) => i > 0 && f.includes('occupancy-summary')));
    expect(next).toMatch(/id="facility-free">4</);
    expect(next).toContain(`id="unit-${unit.id}-figures" hx-swap-oob="true"`);
    expect(next).toContain('Slamet Riyadi'); // intake of this facility sees who is here
    ws.close();
  });

  it("keeps the desk's free places live on the check-in page", async () => {
    const tps = await makeFacility(db, { kind: 'TPS' });
    const unit = await makeUnit(db, tps.id, { capacity: 3, admits: 'any' });
    const officer = await makeUser(db, 'intake', { facilityId: tps.id });
    const b = await signedIn(app, officer.username, officer.password);
    const { frames, ws } = await openHtml(base, `region=desk&id=${tps.id}`, b);
    expect(await until(() => frames[0])).toContain(`id="unit-free-${unit.id}" hx-swap-oob="true"><strong>3</strong>`);
    const call = bearer(app, await makeToken(db, 'intake', { facility: tps.id }));
    const reg = await call('POST', '/api/v1/residents', { persons: [{ description: 'perempuan, ±30 th', sex: 'P', estimated_age: 30, consent: true }], confirm_new: true });
    const personId = (reg.json() as { persons: { id: string }[] }).persons[0]!.id;
    expect((await call('POST', '/api/v1/stays', { person_id: personId, unit_id: unit.id })).statusCode).toBe(201);
    expect(await until(() => frames.find((f) => f.includes('<strong>2</strong>')))).toContain(`id="unit-free-${unit.id}"`);
    ws.close();
  });

  it('refuses a region the role may not watch, and a facility the account may not know', async () => {
    const secret = await makeFacility(db, { kind: 'BALAI', protected: true });
    const tps = await makeFacility(db, { kind: 'TPS' });
    const officer = await makeUser(db, 'intake', { facilityId: tps.id });
    const b = await signedIn(app, officer.username, officer.password);
    await expect(openHtml(base, 'region=board', b)).rejects.toMatchObject({ status: 403 });
    await expect(openHtml(base, `region=facility&id=${secret.id}`, b)).rejects.toMatchObject({ status: 404 });
    await expect(openHtml(base, 'region=nothing', b)).rejects.toMatchObject({ status: 404 });
    const display = await makeUser(db, 'display');
    const d = await signedIn(app, display.username, display.password);
    const { frames, ws } = await openHtml(base, 'region=board', d);
    const first = await until(() => frames[0]);
    expect(first).toMatch(/<div id="board-content"[^>]*hx-swap-oob="true"/);
    expect(first).not.toContain(secret.name);
    ws.close();
  });
});
