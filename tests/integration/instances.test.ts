import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { and, eq, isNull, sql } from 'drizzle-orm';
import WebSocket from 'ws';
import { write, type Db } from '../../src/db/client.ts';
import { auditEvents, referrals, stays } from '../../src/db/schema/index.ts';
import { expireReferrals } from '../../src/domain/referrals/index.ts';
import { facilityLock } from '../../src/domain/stays/locks.ts';
import { TEST_ENGINE, startTwoInstances } from '../helpers/app.ts';
import { makeFacility, makeToken, makeUnit } from '../helpers/factories.ts';
import { bearer } from '../helpers/session.ts';

/**
 * Two app instances over one database (issue 17): what one process used to
 * guarantee by being alone must hold across instances. On PostgreSQL this is
 * the deployment the engine is for; on SQLite the two instances share one file
 * (as two processes on one machine would), and the write lock is SQLite's own.
 */
describe(`two instances over one ${TEST_ENGINE} database`, () => {
  let a: FastifyInstance;
  let b: FastifyInstance;
  let dbA: Db;
  let dbB: Db;
  let close: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ a, b, dbA, dbB, close } = await startTwoInstances());
  });

  afterAll(async () => close?.());

  it('gives exactly 5 places of 5 to 100 check-ins spread over both instances', async () => {
    const f = await makeFacility(dbA, { kind: 'TPS' });
    const unit = await makeUnit(dbA, f.id, { name: 'Aula Kecil', capacity: 5, admits: 'any' });
    const token = await makeToken(dbA, 'intake', { facility: f.id });
    const deskA = bearer(a, token);
    const deskB = bearer(b, token);
    const people: string[] = [];
    for (let i = 0; i < 100; i++) {
      const res = await (i % 2 ? deskA : deskB)('POST', '/api/v1/residents', { persons: [{ name: `Warga Dua ${i}`, sex: i % 2 ? 'L' : 'P', estimated_age: 20 + (i % 40) }], confirm_new: true });
      expect(res.statusCode).toBe(201);
      people.push(res.json().persons[0].id);
    }
    const results = await Promise.all(people.map((id, i) => (i % 2 ? deskA : deskB)('POST', '/api/v1/stays', { person_id: id, unit_id: unit.id })));
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(5);
    expect(results.filter((r) => r.statusCode === 409)).toHaveLength(95);
    // Both instances placed some (the race was real), and the database agrees with the answers.
    const open = await dbB.select().from(stays).where(and(eq(stays.unitId, unit.id), isNull(stays.checkedOutAt))).all();
    expect(open).toHaveLength(5);
  }, 120_000); // 100 registrations and 100 check-ins over two instances: slow on a loaded 2-core machine

  // PostgreSQL only: SQLite has one writer for the file, whatever a write touches.
  it.runIf(TEST_ENGINE === 'postgres')('lets a check-in at one facility through while another instance holds a second facility; one at the held facility, or a write of the whole database, waits', async () => {
    const [fA, fB] = [await makeFacility(dbA, { kind: 'TPS' }), await makeFacility(dbA, { kind: 'TPS' })];
    const [uA, uB] = [await makeUnit(dbA, fA.id, { capacity: 5, admits: 'any' }), await makeUnit(dbA, fB.id, { capacity: 5, admits: 'any' })];
    const deskA = bearer(a, await makeToken(dbA, 'intake', { facility: fA.id }));
    const deskB = bearer(a, await makeToken(dbA, 'intake', { facility: fB.id }));
    const person = async (desk: typeof deskA, name: string) =>
      (await desk('POST', '/api/v1/residents', { persons: [{ name, sex: 'P', estimated_age: 30 }], confirm_new: true })).json().persons[0].id as string;
    const [pA, pB] = [await person(deskA, 'Warga Kunci Satu'), await person(deskB, 'Warga Kunci Dua')];

    // Instance B holds facility B, as a check-in there would while it works.
    let release!: () => void;
    let holding!: () => void;
    const held = new Promise<void>((r) => (holding = r));
    const holder = write(dbB, async () => {
      holding();
      await new Promise<void>((r) => (release = r));
    }, { locks: [facilityLock(fB.id)] });
    await held;
    const waited = (p: Promise<unknown>, ms: number) => Promise.race([p.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), ms))]);

    // Facility A is not held: its check-in on instance A goes through at once (it would hang here otherwise).
    const atA = Promise.resolve(deskA('POST', '/api/v1/stays', { person_id: pA, unit_id: uA.id }));
    expect(await waited(atA, 15_000)).toBe(false);
    expect((await atA).statusCode).toBe(201);
    // Facility B is: its check-in waits, and so does a write that holds the whole database (a facility's edit).
    const atB = Promise.resolve(deskB('POST', '/api/v1/stays', { person_id: pB, unit_id: uB.id }));
    const whole = write(dbA, async (tx) => await tx.run(sql`update facilities set contact_name = 'Pak Kunci' where id = ${fA.id}`));
    expect(await waited(atB, 500)).toBe(true);
    expect(await waited(whole, 50)).toBe(true);
    release();
    await holder;
    expect((await atB).statusCode).toBe(201);
    await whole;
  }, 60_000);

  it('expires a referral once, however many instances run the job at the same moment', async () => {
    const tps = await makeFacility(dbA, { kind: 'TPS', wilayahCode: '31.71' });
    const balai = await makeFacility(dbA, { kind: 'BALAI', wilayahCode: '31.74', services: ['elderly', 'medical'] });
    const tpsUnit = await makeUnit(dbA, tps.id, { admits: 'any', capacity: 10 });
    await makeUnit(dbA, balai.id, { admits: 'any', capacity: 10, features: ['elderly'] });
    const desk = bearer(a, await makeToken(dbA, 'intake', { facility: tps.id }));
    const reg = await desk('POST', '/api/v1/residents', { persons: [{ name: 'Mbah Karto', sex: 'L', estimated_age: 78 }], confirm_new: true });
    const personId = reg.json().persons[0].id as string;
    expect((await desk('POST', '/api/v1/stays', { person_id: personId, unit_id: tpsUnit.id })).statusCode).toBe(201);
    const proposed = await desk('POST', '/api/v1/referrals', { person_id: personId, to_facility_id: balai.id, reason: 'Lansia perlu perawatan' });
    expect(proposed.statusCode).toBe(201);
    const id = proposed.json().referral.id as string;
    await write(dbA, async (tx) => {
      await tx.update(referrals).set({ expiresAt: new Date(Date.now() - 1000).toISOString() }).where(eq(referrals.id, id)).run();
    });
    const runs = await Promise.all([expireReferrals(dbA), expireReferrals(dbB), expireReferrals(dbA), expireReferrals(dbB)]);
    expect(runs.flat().map((r) => r.id)).toEqual([id]);
    const audits = await dbB.select().from(auditEvents).where(and(eq(auditEvents.entityId, id), eq(auditEvents.action, 'referral.expire'))).all();
    expect(audits).toHaveLength(1);
  });

  it.skipIf(TEST_ENGINE !== 'postgres')('tells the live clients of the other instance, with seq one more', async () => {
    const f = await makeFacility(dbA, { kind: 'TPS' });
    const unit = await makeUnit(dbA, f.id, { capacity: 10, admits: 'any' });
    await b.listen({ port: 0, host: '127.0.0.1' });
    const port = (b.server.address() as { port: number }).port;
    const commandToken = await makeToken(dbB, 'command');
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/live?token=${commandToken}`);
    const messages: { type: string; seq?: number; facility_id?: string | null }[] = [];
    ws.on('message', (m) => messages.push(JSON.parse(String(m))));
    await new Promise<void>((resolve, reject) => {
      ws.once('error', reject);
      const poll = setInterval(() => {
        if (messages.some((m) => m.type === 'snapshot')) {
          clearInterval(poll);
          resolve();
        }
      }, 10);
    });
    const snapshotSeq = messages.find((m) => m.type === 'snapshot')!.seq ?? 0;
    // The check-in goes through instance A.
    const desk = bearer(a, await makeToken(dbA, 'intake', { facility: f.id }));
    const reg = await desk('POST', '/api/v1/residents', { persons: [{ name: 'Ujang', sex: 'L', estimated_age: 40 }], confirm_new: true });
    expect((await desk('POST', '/api/v1/stays', { person_id: reg.json().persons[0].id, unit_id: unit.id })).statusCode).toBe(201);
    await expect
      .poll(() => messages.find((m) => m.type === 'occupancy' && m.facility_id === f.id), { timeout: 5000, interval: 20 })
      .toBeTruthy();
    const change = messages.find((m) => m.type === 'occupancy' && m.facility_id === f.id)!;
    // Every message after the snapshot counts up by one on this connection; the first change is the next number.
    const afterSnapshot = messages.filter((m) => m.type !== 'snapshot');
    expect(afterSnapshot.map((m) => m.seq)).toEqual(afterSnapshot.map((_, i) => snapshotSeq + i + 1));
    expect(change.seq).toBeGreaterThan(snapshotSeq);
    ws.close();
  });

  // Each instance keeps the tokens it read (src/domain/accounts/tokens.ts); a revocation on one
  // is announced to all (PostgreSQL NOTIFY). SQLite is one process: there is no other instance to tell.
  it.skipIf(TEST_ENGINE !== 'postgres')('refuses a token revoked through the other instance at once, though it had it cached', async () => {
    const { revokeToken } = await import('../../src/domain/accounts/tokens.ts');
    const { SYSTEM_ACTOR } = await import('../../src/domain/actor.ts');
    const token = await makeToken(dbA, 'command');
    const onB = bearer(b, token);
    expect((await onB('GET', '/api/v1/me')).statusCode).toBe(200);
    expect((await onB('GET', '/api/v1/me')).statusCode).toBe(200); // now from B's cache
    const row = (await dbA.get<{ id: string }>(sql`select id from api_tokens order by created_at desc limit 1`))!;
    await revokeToken({ db: dbA, actor: SYSTEM_ACTOR, tokenId: row.id });
    const started = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - started < 3_000) {
      status = (await onB('GET', '/api/v1/me')).statusCode;
      if (status === 200) await new Promise((r) => setTimeout(r, 25));
    }
    expect(status).toBe(401);
    // Well before the cache's own limit: the announcement did it.
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('keeps one schema: both instances read what the other wrote at once', async () => {
    const f = await makeFacility(dbB, { kind: 'LKS' });
    const seen = await dbA.get<{ n: number }>(sql`select count(*) as n from facilities where id = ${f.id}`);
    expect(seen!.n).toBe(1);
  });
});
