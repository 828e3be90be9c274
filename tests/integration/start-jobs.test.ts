import { describe, it, expect, afterAll } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { alerts } from '../../src/db/schema/index.ts';
import { buildApp } from '../../src/app.ts';
import { registerIntake } from '../../src/domain/residents/register.ts';
import { raiseNothingFits } from '../../src/domain/referrals/route-person.ts';
import type { Actor } from '../../src/domain/actor.ts';
import { openTestDatabase, testConfig } from '../helpers/app.ts';
import { makeFacility, makeUnit, makeUser } from '../helpers/factories.ts';

/**
 * The jobs run at start (src/plugins/jobs.ts): the routing of everyone waiting (`nothing-fits`, seconds of CPU
 * at national scale) runs soon after the instance is ready, not before: awaited in the ready hook it held the
 * start past Fastify's ten-second limit on a national PostgreSQL database about one start in two.
 */
describe('jobs at start', () => {
  let app: FastifyInstance | undefined;
  afterAll(async () => await app?.close());

  it('the start does not route whoever waits (the job\'s first run is a minute later)', async () => {
    const db = await openTestDatabase();
    const tps = await makeFacility(db, { kind: 'TPS', name: 'GOR Start', wilayahCode: '31.71' });
    await makeUnit(db, tps.id, { name: 'Zona Laki-laki', admits: 'male', capacity: 10 });
    const officer = await makeUser(db, 'intake', { facilityId: tps.id });
    const actor: Actor = { type: 'user', id: officer.id, label: officer.username, role: 'intake', facilityId: tps.id, wilayahCode: null, ip: null, lang: 'id' };
    // Registered at the desk, placed nowhere, and no open facility serves his wheelchair: nothing fits.
    const made = await registerIntake({ db, actor, input: { persons: [{ name: 'Pak Darmo', sex: 'L', estimated_age: 50, needs_medical: true, disabilities: ['fisik'], wheelchair: true }], confirm_new: true } });
    if (made.status !== 'registered') throw new Error('seed intake failed');
    const man = made.persons[0]!.id;
    const raised = async () => await db.select().from(alerts).where(and(eq(alerts.kind, 'nothing_fits'), eq(alerts.subjectId, man))).all();

    app = await buildApp(testConfig(), { db, logger: false });
    await app.ready();
    await new Promise((r) => setTimeout(r, 500));
    expect(await raised()).toEqual([]);
    // The job itself raises it, once.
    expect(await raiseNothingFits(db)).toHaveLength(1);
    expect(await raised()).toHaveLength(1);
  });

  it('lets requests in between the people it routes (a run is seconds of CPU at national scale)', async () => {
    const db = await openTestDatabase();
    try {
      const tps = await makeFacility(db, { kind: 'TPS', name: 'GOR Giliran', wilayahCode: '31.71' });
      await makeUnit(db, tps.id, { name: 'Zona Laki-laki', admits: 'male', capacity: 10 });
      const officer = await makeUser(db, 'intake', { facilityId: tps.id });
      const actor: Actor = { type: 'user', id: officer.id, label: officer.username, role: 'intake', facilityId: tps.id, wilayahCode: null, ip: null, lang: 'id' };
      for (const name of ['Pak Darmo', 'Pak Karyo', 'Pak Sastro']) {
        const made = await registerIntake({ db, actor, input: { persons: [{ name, sex: 'L', estimated_age: 50, needs_medical: true, disabilities: ['fisik'], wheelchair: true }], confirm_new: true } });
        if (made.status !== 'registered') throw new Error('seed intake failed');
      }
      // A request arriving while the run goes on: its turn comes before the run ends, not after.
      let served = false;
      const run = raiseNothingFits(db);
      setImmediate(() => (served = true));
      let servedBeforeEnd = false;
      await run.then(() => (servedBeforeEnd = served));
      expect(servedBeforeEnd).toBe(true);
      expect(await raiseNothingFits(db)).toEqual([]); // each raised once
    } finally {
      await db.$engine.close();
    }
  });
});
