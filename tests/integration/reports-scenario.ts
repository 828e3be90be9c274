import { randomUUID } from 'node:crypto';
import { write, type Db } from '../../src/db/client.ts';
import { auditEvents, handoffPersons, handoffs, persons, referralPersons, referrals, stays, unitChanges, type DischargeOutcome, type ReferralStatus } from '../../src/db/schema/index.ts';
import { makeFacility, makeUnit } from '../helpers/factories.ts';

/**
 * A week whose every figure is known by construction (1–5 March 2026, WIB).
 * Times are written in WIB and stored in UTC, as the app stores them.
 *
 *   T1 TPS 31.71 (units T1a 10 + T1b 5)   T2 TPS 31.71 (unit 8 → 10 on 3 March 12:00)
 *   B1 BALAI 31.71 (4; STANDBY until 2 March 08:00)   L1 LKS 31.75 (6; 2 blocked from 4 March 10:00)
 *
 *   P1 ♂ T1a 1 Mar 08:00 → 1 Mar 17:00 reunited                  (in and out the same day)
 *   P2 ♀ T1a 27 Feb 10:00 → 2 Mar 23:30 → B1, still there         (a transfer between facilities)
 *   P3 ♂ T1a 1 Mar 22:00 → 3 Mar 09:00 returned_home              (across two midnights)
 *   P4 ♂ T1a 2 Mar 10:00 → T1b 3 Mar 10:00 → T2 4 Mar 12:00 → 5 Mar 08:00 left
 *   P5 ♀ L1 3 Mar 09:00, still there (NIK 3171014101900001, pregnant)
 *   P6 ♂ T2 1 Mar 06:00 → L1 4 Mar 15:00 → 5 Mar 20:00 reunited
 *   P7 ♀ T1 20–25 Feb (before the range); P8 ♀ T1 from 6 Mar (after it)
 */
export const RANGE = { from: '2026-03-01', to: '2026-03-05' };

export const wib = (s: string) => new Date(`${s.replace(' ', 'T')}:00+07:00`).toISOString();

export async function buildScenario(db: Db) {
  // One write: the rows go straight into their tables, as a whole.
  return await write(db, async (tx) => {
    const T1 = await makeFacility(tx, { kind: 'TPS', code: 'RPT-T1', name: 'GOR Uji Satu', wilayahCode: '31.71' });
    const T2 = await makeFacility(tx, { kind: 'TPS', code: 'RPT-T2', name: 'GOR Uji Dua', wilayahCode: '31.71' });
    const B1 = await makeFacility(tx, { kind: 'BALAI', code: 'RPT-B1', name: 'Balai Uji', wilayahCode: '31.71' });
    const L1 = await makeFacility(tx, { kind: 'LKS', code: 'RPT-L1', name: 'LKS Uji', wilayahCode: '31.75' });
    const T1a = await makeUnit(tx, T1.id, { capacity: 10, name: 'T1a' });
    const T1b = await makeUnit(tx, T1.id, { capacity: 5, name: 'T1b' });
    const T2u = await makeUnit(tx, T2.id, { capacity: 10, name: 'T2u' });
    const B1u = await makeUnit(tx, B1.id, { capacity: 4, name: 'B1u' });
    const L1u = await makeUnit(tx, L1.id, { capacity: 6, blocked: 2, name: 'L1u' });
    await tx.insert(unitChanges).values({ unitId: T2u.id, at: wib('2026-03-03 12:00'), field: 'capacity', fromValue: '8', toValue: '10' }).run();
    await tx.insert(unitChanges).values({ unitId: L1u.id, at: wib('2026-03-04 10:00'), field: 'blocked', fromValue: '0', toValue: '2' }).run();
    await tx.insert(auditEvents)
      .values({ at: wib('2026-03-02 08:00'), actorType: 'system', actorLabel: 'test', action: 'facility.status', entity: 'facility', entityId: B1.id, detail: { from: 'STANDBY', to: 'OPEN' } })
      .run();

    const person = async (key: string, sex: 'L' | 'P', extra: Partial<typeof persons.$inferInsert> = {}) => {
      const id = `person-${key}-${randomUUID().slice(0, 6)}`;
      await tx.insert(persons)
        .values({ id, residentCode: `SGH-${key}${randomUUID().slice(0, 4).toUpperCase()}`, name: `Warga ${key}`, sex, createdAt: wib('2026-02-01 08:00'), updatedAt: wib('2026-02-01 08:00'), ...extra })
        .run();
      return id;
    };
    const stay = async (id: string, personId: string, unit: { id: string; facilityId: string }, inAt: string, outAt: string | null, outcome: DischargeOutcome | null, previous: string | null = null) => {
      await tx.insert(stays)
        .values({ id, personId, facilityId: unit.facilityId, unitId: unit.id, checkedInAt: wib(inAt), checkedOutAt: outAt ? wib(outAt) : null, outcome, previousStayId: previous })
        .run();
      return id;
    };
    const P = {
      P1: await person('P1', 'L', { birthDate: '1980-05-01' }),
      P2: await person('P2', 'P', { birthDate: '1950-01-01' }),
      P3: await person('P3', 'L'),
      P4: await person('P4', 'L', { estimatedAge: 40, estimatedAt: '2026-01-01' }),
      P5: await person('P5', 'P', { nik: '3171014101900001', birthDate: '1990-01-01', pregnant: true, pregnancyWeeks: 30 }),
      P6: await person('P6', 'L'),
      P7: await person('P7', 'P'),
      P8: await person('P8', 'P'),
    };
    await stay('s-p1', P.P1, T1a, '2026-03-01 08:00', '2026-03-01 17:00', 'reunited');
    await stay('s-p2a', P.P2, T1a, '2026-02-27 10:00', '2026-03-02 23:30', 'transferred');
    await stay('s-p2b', P.P2, B1u, '2026-03-02 23:30', null, null, 's-p2a');
    await stay('s-p3', P.P3, T1a, '2026-03-01 22:00', '2026-03-03 09:00', 'returned_home');
    await stay('s-p4a', P.P4, T1a, '2026-03-02 10:00', '2026-03-03 10:00', 'transferred');
    await stay('s-p4b', P.P4, T1b, '2026-03-03 10:00', '2026-03-04 12:00', 'transferred', 's-p4a');
    // Written without previous_stay_id: the reports link it by person and instant.
    await stay('s-p4c', P.P4, T2u, '2026-03-04 12:00', '2026-03-05 08:00', 'left');
    await stay('s-p5', P.P5, L1u, '2026-03-03 09:00', null, null);
    await stay('s-p6a', P.P6, T2u, '2026-03-01 06:00', '2026-03-04 15:00', 'moved_to_lks');
    await stay('s-p6b', P.P6, L1u, '2026-03-04 15:00', '2026-03-05 20:00', 'reunited', 's-p6a');
    await stay('s-p7', P.P7, T1a, '2026-02-20 08:00', '2026-02-25 08:00', 'reunited');
    await stay('s-p8', P.P8, T1a, '2026-03-06 08:00', null, null);

    const referral = async (from: { id: string } | null, to: { id: string }, proposed: string, status: ReferralStatus, decided: string | null, refuse: string | null, who: string[]) => {
      const id = randomUUID();
      await tx.insert(referrals)
        .values({
          id,
          fromFacilityId: from?.id ?? null,
          toFacilityId: to.id,
          reason: 'uji',
          status,
          places: who.length,
          proposedAt: wib(proposed),
          decidedAt: decided ? wib(decided) : null,
          refuseReason: refuse,
          expiresAt: wib('2026-03-10 00:00'),
        })
        .run();
      for (const p of who) await tx.insert(referralPersons).values({ referralId: id, personId: p, open: false }).run();
      return id;
    };
    await referral(T1, B1, '2026-03-02 08:00', 'ARRIVED', '2026-03-02 10:30', null, [P.P2]);
    await referral(T2, B1, '2026-03-03 09:00', 'REFUSED', '2026-03-03 11:00', 'Penuh', [P.P6]);
    await referral(T1, B1, '2026-03-04 09:00', 'REFUSED', '2026-03-04 10:00', '  penuh ', [P.P4]);
    await referral(T2, L1, '2026-03-04 09:00', 'ACCEPTED', '2026-03-04 13:00', null, [P.P6]);
    await referral(T1, L1, '2026-03-04 10:00', 'PROPOSED', null, null, [P.P3]);
    await referral(T1, B1, '2026-02-20 10:00', 'REFUSED', '2026-02-20 12:00', 'Di luar periode', [P.P7]);

    let n = 0;
    const handoff = async (op: string, at: string, facility: { id: string }, people: ('RECEIVED' | 'NOT_RECEIVED' | 'PENDING')[], reason?: string) => {
      const id = randomUUID();
      await tx.insert(handoffs)
        .values({ id, number: `HO-RPT-${++n}`, operationNumber: op, operationAt: wib(at), place: `Tempat ${op}`, wilayahCode: '31.71', leaderName: 'Komandan', facilityId: facility.id, createdAt: wib(at) })
        .run();
      for (const [i, status] of people.entries()) {
        await tx
          .insert(handoffPersons)
          .values({ id: randomUUID(), handoffId: id, seq: i + 1, sex: 'L', status, notReceivedReason: status === 'NOT_RECEIVED' ? (reason ?? null) : null })
          .run();
      }
    };
    await handoff('OPS-1', '2026-03-02 21:00', T1, ['RECEIVED', 'RECEIVED', 'NOT_RECEIVED'], 'Menolak dibawa');
    await handoff('OPS-1', '2026-03-02 21:30', T2, ['RECEIVED', 'RECEIVED']);
    await handoff('OPS-2', '2026-03-04 20:00', T1, ['PENDING']);
    await handoff('OPS-0', '2026-02-25 20:00', T1, ['RECEIVED', 'RECEIVED', 'RECEIVED']);

    return { T1, T2, B1, L1, units: { T1a, T1b, T2u, B1u, L1u }, P };
  });
}
