import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { eq, sql } from 'drizzle-orm';
import WebSocket from 'ws';
import type { PostgresEngine } from '../../src/db/postgres.ts';
import { inWrite, write, type Db } from '../../src/db/client.ts';
import { units } from '../../src/db/schema/index.ts';
import { hubFor, notifyPayloads, NOTIFY_MAX_BYTES, type HubEvent } from '../../src/domain/events.ts';
import { startTwoInstances, TEST_ENGINE } from '../helpers/app.ts';
import { makeFacility, makeToken, makeUnit } from '../helpers/factories.ts';
import { bearer } from '../helpers/session.ts';

/**
 * One event path on both engines (DOMAIN.md: every change is one transaction;
 * STYLE.md principle 3): what a write announces is heard after its COMMIT and
 * never for a rollback. On PostgreSQL the NOTIFY rides in the write's own
 * transaction, so the other instance hears the same: at commit, or never.
 */
describe(`events are heard after commit, never for a rollback (${TEST_ENGINE})`, () => {
  let a: FastifyInstance;
  let b: FastifyInstance;
  let dbA: Db;
  let dbB: Db;
  let close: () => Promise<void>;
  let facilityId: string;
  let unitId: string;
  const heardA: HubEvent[] = [];
  const heardB: HubEvent[] = [];
  const stops: (() => void)[] = [];

  beforeAll(async () => {
    ({ a, b, dbA, dbB, close } = await startTwoInstances());
    const f = await makeFacility(dbA, { kind: 'TPS', wilayahCode: '31.71' });
    facilityId = f.id;
    unitId = (await makeUnit(dbA, f.id, { capacity: 10 })).id;
    stops.push(hubFor(dbA).subscribe((e) => void heardA.push(e)));
    stops.push(hubFor(dbB).subscribe((e) => void heardB.push(e)));
  });
  afterAll(async () => {
    for (const s of stops) s();
    await close?.();
  });

  const occupiedOf = async (db: Db, id: string) => (await db.select({ n: units.occupied }).from(units).where(eq(units.id, id)).get())!.n;

  /** Waits until `heard` holds an event that `is` accepts (PostgreSQL delivers NOTIFYs in commit order). */
  const until = async (heard: HubEvent[], is: (e: HubEvent) => boolean) => {
    const deadline = Date.now() + 5000;
    while (!heard.some(is)) {
      if (Date.now() > deadline) throw new Error('event not heard');
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  /**
   * A committed write announcing a marker: once the other instance hears it,
   * it has heard everything committed before it. On SQLite the instances are
   * separate processes' worth of hubs (one instance per database), so only
   * this instance's listeners are asked.
   */
  let markers = 0;
  const marker = async (db: Db) => {
    const id = `marker-${++markers}`;
    await write(db, async (tx) => hubFor(tx).publish({ type: 'facility', facilityId: id }));
    return (e: HubEvent) => e.type === 'facility' && e.facilityId === id;
  };
  const crossInstance = TEST_ENGINE === 'postgres';

  it('a rolled-back write is never heard, here or on another instance', async () => {
    heardA.length = 0;
    heardB.length = 0;
    const failed = write(dbA, async (tx) => {
      await tx.update(units).set({ capacity: 99 }).where(eq(units.id, unitId)).run();
      hubFor(tx).publish({ type: 'occupancy', facilityId, unitIds: [unitId] });
      throw new Error('changed its mind');
    });
    await expect(failed).rejects.toThrow('changed its mind');
    expect((await dbA.select({ c: units.capacity }).from(units).where(eq(units.id, unitId)).get())!.c).toBe(10);
    const done = await marker(dbA);
    expect(heardA.filter((e) => e.type === 'occupancy')).toEqual([]);
    if (crossInstance) {
      await until(heardB, done);
      expect(heardB.filter((e) => e.type === 'occupancy')).toEqual([]);
    }
  });

  it('a committed write is heard only after its commit, once, and a listener that reads sees the new figures', async () => {
    heardA.length = 0;
    heardB.length = 0;
    const desk = bearer(a, await makeToken(dbA, 'intake', { facility: facilityId }));
    const reg = await desk('POST', '/api/v1/residents', { persons: [{ name: 'Siti Aminah', sex: 'P', estimated_age: 34 }], confirm_new: true });
    expect(reg.statusCode, reg.body).toBe(201);
    const personId = reg.json().persons[0].id as string;
    expect(await occupiedOf(dbA, unitId)).toBe(0);

    // Each listener reads the unit it was told of, as the walls do: the check-in must already be there.
    const readA: { occupied: number; inWrite: boolean }[] = [];
    const readB: number[] = [];
    stops.push(
      hubFor(dbA).subscribe(async (e) => {
        if (e.type !== 'occupancy' || !e.unitIds.includes(unitId)) return;
        // Called from inside the write, the listener would be part of it (and read its uncommitted rows).
        const during = inWrite(dbA);
        readA.push({ occupied: await occupiedOf(dbA, unitId), inWrite: during });
      }),
    );
    stops.push(
      hubFor(dbB).subscribe(async (e) => {
        if (e.type === 'occupancy' && e.unitIds.includes(unitId)) readB.push(await occupiedOf(dbB, unitId));
      }),
    );

    const res = await desk('POST', '/api/v1/stays', { person_id: personId, unit_id: unitId });
    expect(res.statusCode, res.body).toBe(201);
    await until(heardA, (e) => e.type === 'occupancy');
    await expect.poll(() => readA.length).toBe(1);
    expect(readA).toEqual([{ occupied: 1, inWrite: false }]);

    if (crossInstance) {
      await until(heardB, (e) => e.type === 'occupancy');
      await expect.poll(() => readB).toEqual([1]);
      // Instance A also hears its own NOTIFY: once B's later marker reaches A, A's own has too, and A still heard the check-in once.
      const done = await marker(dbB);
      await until(heardA, done);
    }
    expect(heardA.filter((e) => e.type === 'occupancy')).toEqual([{ type: 'occupancy', facilityId, unitIds: [unitId] }]);
  });

  it('inside the write nothing is heard yet; after it returns, everything it announced is', async () => {
    heardA.length = 0;
    const during: number[] = [];
    await write(dbA, async (tx) => {
      hubFor(tx).publish({ type: 'facility', facilityId });
      await tx.run(sql`update units set name = name where id = ${unitId}`);
      hubFor(tx).publish({ type: 'facility', facilityId });
      await new Promise((r) => setTimeout(r, 20));
      during.push(heardA.length);
    });
    expect(during).toEqual([0]);
    // Two announcements of the same change in one write are both heard, as before (PostgreSQL folds identical payloads: ours differ).
    expect(heardA).toEqual([
      { type: 'facility', facilityId },
      { type: 'facility', facilityId },
    ]);
  });

  it('a publish outside a write is heard at once, and by the other instance', async () => {
    heardA.length = 0;
    heardB.length = 0;
    hubFor(dbA).publish({ type: 'alert', alertId: 'outside', kind: 'nearly_full', facilityId });
    expect(heardA).toEqual([{ type: 'alert', alertId: 'outside', kind: 'nearly_full', facilityId }]);
    if (crossInstance) await until(heardB, (e) => e.type === 'alert' && e.alertId === 'outside');
  });

  it('an occupancy change of many units fits the NOTIFY limit: it crosses as several, every unit named, and the write commits', async () => {
    heardA.length = 0;
    heardB.length = 0;
    const many = Array.from({ length: 600 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    let n = 0;
    const payloads = notifyPayloads('origin', () => ++n, { type: 'occupancy', facilityId, unitIds: many });
    expect(payloads.length).toBeGreaterThan(1);
    for (const p of payloads) expect(Buffer.byteLength(p)).toBeLessThanOrEqual(NOTIFY_MAX_BYTES);
    expect(payloads.flatMap((p) => (JSON.parse(p) as { e: { unitIds: string[] } }).e.unitIds)).toEqual(many);

    await write(dbA, async (tx) => {
      await tx.run(sql`update units set name = name where id = ${unitId}`);
      hubFor(tx).publish({ type: 'occupancy', facilityId, unitIds: many });
    });
    // This instance hears the event as it was published.
    expect(heardA).toEqual([{ type: 'occupancy', facilityId, unitIds: many }]);
    if (crossInstance) {
      const done = await marker(dbA);
      await until(heardB, done);
      expect(heardB.flatMap((e) => (e.type === 'occupancy' ? e.unitIds : []))).toEqual(many);
    }
  });

  /** A command-centre live socket on instance B, once its first message (the snapshot) has come. */
  async function commandSocketOnB() {
    const port = (b.server.address() as { port: number }).port;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/live?token=${await makeToken(dbB, 'command')}`);
    const messages: { type: string; seq: number; facility_id?: string | null }[] = [];
    ws.on('message', (m) => messages.push(JSON.parse(String(m))));
    try {
      await expect.poll(() => messages.length, { timeout: 5000 }).toBe(1);
    } catch (err) {
      ws.close();
      throw err;
    }
    return { ws, messages, first: messages[0]! };
  }

  it.runIf(crossInstance)('an instance that lost its LISTEN and got it back sends its sockets a fresh snapshot, then hears changes again', async () => {
    await b.listen({ port: 0, host: '127.0.0.1' });
    const { ws, messages, first } = await commandSocketOnB();
    try {
      expect(first.type).toBe('snapshot');
      // The server drops the listening connections (a restart, a network cut): what was sent meanwhile is lost to them.
      const pool = (dbA.$engine as PostgresEngine).pool;
      const { rows } = await pool.query(`select pg_terminate_backend(pid) as gone from pg_stat_activity where datname = current_database() and query ilike 'LISTEN%' and pid <> pg_backend_pid()`);
      expect(rows.length).toBeGreaterThanOrEqual(2);
      await expect.poll(() => messages.map((m) => [m.type, m.seq]), { timeout: 8000 }).toEqual([
        ['snapshot', first.seq],
        ['snapshot', first.seq + 1],
      ]);
      // Listening again: a change committed through the other instance reaches this socket, one more.
      await write(dbA, async (tx) => hubFor(tx).publish({ type: 'occupancy', facilityId, unitIds: [unitId] }));
      await expect.poll(() => messages.at(-1), { timeout: 5000 }).toMatchObject({ type: 'occupancy', seq: first.seq + 2, facility_id: facilityId });
    } finally {
      ws.close();
    }
  });

  it.runIf(crossInstance)('a change told while the LISTEN is lost comes with a gap in seq (changes may be missing), then a fresh snapshot once it is back', async () => {
    if (!b.server.listening) await b.listen({ port: 0, host: '127.0.0.1' });
    const { ws, messages, first } = await commandSocketOnB();
    try {
      const pool = (dbB.$engine as PostgresEngine).pool;
      await pool.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query ilike 'LISTEN%' and pid <> pg_backend_pid()`);
      await expect.poll(() => hubFor(dbB).listening!(), { timeout: 5000, interval: 5 }).toBe(false);
      // This instance's own change reaches its socket, but what the others committed meanwhile may not have: one number is skipped.
      await write(dbB, async (tx) => hubFor(tx).publish({ type: 'occupancy', facilityId, unitIds: [unitId] }));
      await expect.poll(() => messages.slice(1, 2), { timeout: 5000 }).toMatchObject([{ type: 'occupancy', seq: first.seq + 2, facility_id: facilityId }]);
      // Listening again: a fresh snapshot, the next number.
      await expect.poll(() => messages.slice(2, 3), { timeout: 8000 }).toMatchObject([{ type: 'snapshot', seq: first.seq + 3 }]);
      expect(hubFor(dbB).listening!()).toBe(true);
      await write(dbA, async (tx) => hubFor(tx).publish({ type: 'occupancy', facilityId, unitIds: [unitId] }));
      await expect.poll(() => messages.at(-1), { timeout: 5000 }).toMatchObject({ type: 'occupancy', seq: first.seq + 4 });
    } finally {
      ws.close();
    }
  });
});
