import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../src/db/client.ts';
import { liveStats } from '../../src/live/socket.ts';
import { hubFor } from '../../src/domain/events.ts';
import { boardRenders } from '../../src/routes/board/cache.ts';
import { makeTestApp } from '../helpers/app.ts';
import { LiveSocket, addStayAndAnnounce, until } from '../helpers/live-socket.ts';
import { makeFacility, makeUnit, makeUser, makeToken, type Facility } from '../helpers/factories.ts';
import { signedIn, type Browser } from '../helpers/session.ts';

/**
 * Issue 14, the live path: one message per audience and change, the same
 * bytes to every socket of the audience; `?wilayah=` and `?kind=` on the
 * socket; one board render per change for every wall of an audience.
 */

const quiet = (ms = 300) => new Promise((r) => setTimeout(r, ms));

let app: FastifyInstance;
let db: Db;
let base: string;
let origin: string;
let jakarta: Facility;
let jakartaUnit: string;
let bandung: Facility;
let bandungUnit: string;
let lks: Facility;
let lksUnit: string;
let secret: Facility;
let secretUnit: string;

const addStay = (facilityId: string, unitId: string) => addStayAndAnnounce(db, facilityId, unitId);

async function openAll(urls: string[]): Promise<LiveSocket[]> {
  const socks = await Promise.all(urls.map((u) => LiveSocket.open(u)));
  await until(() => socks.every((s) => s.frames.length >= 1), 'snapshots');
  return socks;
}
const closeAll = async (socks: LiveSocket[]) => {
  await Promise.all(socks.map((s) => s.closed()));
  await until(() => liveStats(db).clients === 0, 'every socket gone');
};

beforeAll(async () => {
  ({ app, db } = await makeTestApp());
  jakarta = await makeFacility(db, { kind: 'TPS', name: 'GOR Jakarta Pusat', wilayahCode: '31.71' });
  jakartaUnit = (await makeUnit(db, jakarta.id, { capacity: 50, admits: 'any' })).id;
  bandung = await makeFacility(db, { kind: 'TPS', name: 'GOR Kota Bandung', wilayahCode: '32.73' });
  bandungUnit = (await makeUnit(db, bandung.id, { capacity: 50, admits: 'any' })).id;
  lks = await makeFacility(db, { kind: 'LKS', name: 'LKS Jakarta Timur', wilayahCode: '31.75' });
  lksUnit = (await makeUnit(db, lks.id, { capacity: 20, admits: 'any' })).id;
  secret = await makeFacility(db, { kind: 'BALAI', name: 'Rumah Aman Bandung', wilayahCode: '32.73', protected: true });
  secretUnit = (await makeUnit(db, secret.id, { capacity: 10, admits: 'female' })).id;
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  base = `ws://127.0.0.1:${port}/api/v1/live`;
  origin = `http://127.0.0.1:${port}`;
});
afterAll(async () => app.close());

describe('GET /api/v1/live: one message per audience and change', () => {
  it('two clients of one audience get byte-identical frames, built once', async () => {
    // Two walls, each with its own token: the same audience (role command, no filter).
    const socks = await openAll([`${base}?token=${await makeToken(db, 'command')}`, `${base}?token=${await makeToken(db, 'command')}`]);
    expect(liveStats(db).groups).toBe(1);
    expect(socks[0]!.frames[0]).toBe(socks[1]!.frames[0]);
    const before = liveStats(db);
    await addStay(jakarta.id, jakartaUnit);
    await until(() => socks.every((s) => s.frames.length >= 2), 'the message');
    const after = liveStats(db);
    expect(after.built - before.built).toBe(1);
    expect(after.sent - before.sent).toBe(2);
    expect(socks[0]!.frames[1]).toBe(socks[1]!.frames[1]);
    const m = socks[0]!.json(1);
    expect(m).toMatchObject({ type: 'occupancy', facility_id: jakarta.id, seq: (socks[0]!.json(0).seq as number) + 1 });
    // A third socket joining now gets the audience's numbering: its next message is one more than its snapshot.
    const late = (await openAll([`${base}?token=${await makeToken(db, 'command')}`]))[0]!;
    await addStay(jakarta.id, jakartaUnit);
    await until(() => late.frames.length >= 2 && socks.every((s) => s.frames.length >= 3), 'the next message');
    expect(late.json(1).seq).toBe((late.json(0).seq as number) + 1);
    expect(late.frames[1]).toBe(socks[0]!.frames[2]);
    await closeAll([...socks, late]);
  });

  it('clients of different scopes never hear each other’s data', async () => {
    const [atJakarta, atBandung, display, satpol] = await openAll([
      `${base}?token=${await makeToken(db, 'intake', { facility: jakarta.id })}`,
      `${base}?token=${await makeToken(db, 'intake', { facility: bandung.id })}`,
      `${base}?token=${await makeToken(db, 'display')}`,
      `${base}?token=${await makeToken(db, 'satpol', { wilayah: '31.71' })}`,
    ]);
    expect(liveStats(db).groups).toBe(4);
    const before = liveStats(db).built;
    await addStay(jakarta.id, jakartaUnit);
    await until(() => atJakarta!.frames.length >= 2 && display!.frames.length >= 2 && satpol!.frames.length >= 2, 'messages');
    await quiet();
    // One message per audience that may hear it: Jakarta's desk, the display, Satpol PP; Bandung's desk hears nothing.
    expect(liveStats(db).built - before).toBe(3);
    expect(atBandung!.frames).toHaveLength(1);
    expect(JSON.stringify(atBandung!.json(0))).not.toContain(jakarta.id);
    expect(atJakarta!.json(1)).toMatchObject({ facility_id: jakarta.id });
    expect(satpol!.json(1).facility).not.toHaveProperty('occupied');
    expect(display!.json(1).facility).toHaveProperty('occupied');
    expect(display!.frames[1]).not.toBe(satpol!.frames[1]);
    // A protected facility: the display hears totals only; its name and id never reach it.
    await addStay(secret.id, secretUnit);
    await until(() => display!.frames.length >= 3, 'totals');
    expect(display!.json(2)).toMatchObject({ type: 'occupancy', facility_id: null });
    for (const f of display!.frames) {
      expect(f).not.toContain(secret.id);
      expect(f).not.toContain('Rumah Aman');
    }
    await quiet();
    expect(atJakarta!.frames).toHaveLength(2);
    expect(atBandung!.frames).toHaveLength(1);
    await closeAll([atJakarta!, atBandung!, display!, satpol!]);
  });
});

describe('GET /api/v1/live: a handoff is heard by whom may see it (domain/handoffs/scope.ts)', () => {
  it('a province-bound Satpol PP unit hears its kab/kota’s handoff; another province, a pendamping and another desk do not; the wall does', async () => {
    const [province, otherProvince, exact, desk, otherDesk, pendamping, display] = await openAll([
      `${base}?token=${await makeToken(db, 'satpol', { wilayah: '31' })}`,
      `${base}?token=${await makeToken(db, 'satpol', { wilayah: '32' })}`,
      `${base}?token=${await makeToken(db, 'satpol', { wilayah: '31.71' })}`,
      `${base}?token=${await makeToken(db, 'intake', { facility: jakarta.id })}`,
      `${base}?token=${await makeToken(db, 'intake', { facility: bandung.id })}`,
      `${base}?token=${await makeToken(db, 'pendamping', { facility: jakarta.id })}`,
      `${base}?token=${await makeToken(db, 'display')}`,
    ]);
    hubFor(db).publish({ type: 'handoff', handoffId: 'h-live-1', number: 'HO-LIVE-1', status: 'OPEN', facilityId: jakarta.id, wilayahCode: '31.71', pending: 3 });
    const heard = [province!, exact!, desk!, display!];
    await until(() => heard.every((s) => s.frames.length >= 2), 'the handoff');
    for (const s of heard) expect(s.json(1)).toMatchObject({ type: 'handoff', handoff: { id: 'h-live-1', facility_id: jakarta.id, pending: 3 } });
    await quiet();
    for (const s of [otherProvince!, otherDesk!, pendamping!]) expect(s.frames).toHaveLength(1);
    await closeAll([province!, otherProvince!, exact!, desk!, otherDesk!, pendamping!, display!]);
  });
});

describe('GET /api/v1/live?wilayah=…&kind=…', () => {
  it('narrows the snapshot and the messages to the area and the kind', async () => {
    const token = await makeToken(db, 'command');
    const [jkt, jabar, onlyLks, both] = await openAll([
      `${base}?token=${token}&wilayah=31`,
      `${base}?token=${token}&wilayah=32.73`,
      `${base}?token=${token}&kind=LKS`,
      `${base}?token=${token}&wilayah=31&kind=TPS&kind=LKS`,
    ]);
    const ids = (s: LiveSocket) => ((s.json(0).occupancy as { facilities: { id: string }[] }).facilities.map((f) => f.id));
    expect(ids(jkt!)).toEqual(expect.arrayContaining([jakarta.id, lks.id]));
    expect(ids(jkt!)).not.toContain(bandung.id);
    expect(ids(jabar!).sort()).toEqual([bandung.id, secret.id].sort()); // command may know protected places
    expect(ids(onlyLks!)).toEqual([lks.id]);
    const lksTotal = (onlyLks!.json(0).occupancy as { total: { capacity: number } }).total.capacity;
    expect(lksTotal).toBe(20);
    await addStay(bandung.id, bandungUnit);
    await until(() => jabar!.frames.length >= 2, 'Bandung');
    await addStay(lks.id, lksUnit);
    await until(() => jkt!.frames.length >= 2 && onlyLks!.frames.length >= 2 && both!.frames.length >= 2, 'LKS');
    await quiet();
    expect(jkt!.frames).toHaveLength(2);
    expect(jkt!.json(1)).toMatchObject({ facility_id: lks.id });
    expect(onlyLks!.frames).toHaveLength(2);
    expect((onlyLks!.json(1).total as { occupied: number }).occupied).toBe((onlyLks!.json(0).occupancy as { total: { occupied: number } }).total.occupied + 1);
    expect(jabar!.frames).toHaveLength(2);
    expect(jabar!.json(1)).toMatchObject({ facility_id: bandung.id });
    expect(Object.keys(jabar!.json(1).by_wilayah as object)).toEqual(['32.73']);
    await closeAll([jkt!, jabar!, onlyLks!, both!]);
  });

  it('under an area filter a protected place the audience may not know is neither counted nor heard', async () => {
    const [wall] = await openAll([`${base}?token=${await makeToken(db, 'display')}&wilayah=32.73`]);
    const snap = wall!.json(0).occupancy as { total: { capacity: number }; facilities: { id: string }[] };
    expect(snap.facilities.map((f) => f.id)).toEqual([bandung.id]);
    expect(snap.total.capacity).toBe(50); // the safe house's 10 places would say it is in Bandung
    await addStay(secret.id, secretUnit);
    await quiet(400);
    expect(wall!.frames).toHaveLength(1);
    await closeAll([wall!]);
  });

  it('refuses a bad filter before the upgrade, naming the parameter (422, problem+json)', async () => {
    const token = await makeToken(db, 'command');
    for (const [query, path] of [
      ['wilayah=99.99', 'wilayah.0'],
      ['wilayah=jakarta', 'wilayah.0'],
      ['kind=HOTEL', 'kind.0'],
      ['kind=TPS&kind=', 'kind.1'],
    ] as const) {
      const err = (await LiveSocket.open(`${base}?token=${token}&${query}`).then(
        () => null,
        (e: unknown) => e,
      )) as { status: number; body: string } | null;
      expect(err, query).not.toBeNull();
      expect(err!.status, query).toBe(422);
      const body = JSON.parse(err!.body) as { errors: { path: string; message: string }[] };
      expect(body.errors.map((e) => e.path), query).toContain(path);
      expect(body.errors[0]!.message).not.toMatch(/^field\./);
    }
    expect(liveStats(db).clients).toBe(0);
  });
});

describe('/board: one render per change for every wall of an audience', () => {
  async function wall(role: 'display' | 'command'): Promise<Browser> {
    const u = await makeUser(db, role);
    return await signedIn(app, u.username, u.password);
  }
  const content = (html: string) => html.slice(html.indexOf('<div id="board-content"'), html.indexOf('<time id="live-heartbeat"'));

  it('renders the board once for two walls, again after a check-in, and apart for another audience', async () => {
    const [a, b] = [await wall('display'), await wall('display')];
    // Something changed since any earlier render: the first wall renders, the second is served the same HTML.
    await addStay(jakarta.id, jakartaUnit);
    await quiet(50);
    const r0 = boardRenders(db);
    const pa = await a.get('/board');
    const pb = await b.get('/board');
    expect(pa.statusCode).toBe(200);
    expect(pb.statusCode).toBe(200);
    expect(boardRenders(db) - r0).toBe(1);
    expect(content(pa.body)).toBe(content(pb.body));
    expect(content(pa.body)).toContain('GOR Jakarta Pusat');
    expect(content(pa.body)).not.toContain('Rumah Aman'); // a display never sees the protected place
    // Each page keeps its own CSRF token: the cache holds the content, never a session's secrets.
    expect(pa.body).not.toBe(pb.body);
    // A command wall is another audience (it may know protected places): its own render.
    const pc = await (await wall('command')).get('/board');
    expect(boardRenders(db) - r0).toBe(2);
    expect(content(pc.body)).toContain('Rumah Aman');
    // A check-in: the next wall renders again, and shows it.
    const tile = (html: string) => html.slice(html.indexOf(`id="tile-${jakarta.id}"`)).match(/data-in-use>(\d+)</)![1];
    const inUse = Number(tile(pa.body));
    await addStay(jakarta.id, jakartaUnit);
    await quiet(50);
    const pa2 = await a.get('/board');
    const pb2 = await b.get('/board');
    expect(boardRenders(db) - r0).toBe(3);
    expect(Number(tile(pa2.body))).toBe(inUse + 1);
    expect(content(pb2.body)).toBe(content(pa2.body));
  });

  it('the board socket sends the same render the page shows', async () => {
    const u = await makeUser(db, 'display');
    const b = await signedIn(app, u.username, u.password);
    const page = await b.get('/board');
    const r0 = boardRenders(db);
    const sock = await LiveSocket.open(`${base.replace('/api/v1/live', '/live/html')}?region=board`, { cookie: b.cookieHeader, origin });
    await until(() => sock.frames.length >= 1, 'the board frame');
    expect(boardRenders(db)).toBe(r0); // nothing changed: the page's render serves the socket
    expect(sock.frames[0]).toContain(content(page.body).replace('class="board-grid"', 'class="board-grid" hx-swap-oob="true"'));
    await sock.closed();
  });
});
