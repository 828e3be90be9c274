import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../src/db/client.ts';
import { alerts } from '../../src/db/schema/index.ts';
import { expireReferrals } from '../../src/domain/referrals/expire.ts';
import { alertNotArrived } from '../../src/domain/referrals/loop-alerts.ts';
import { parseConfig } from '../../src/config.ts';
import { makeTestApp } from '../helpers/app.ts';
import { makeFacility, makeToken, makeUnit, makeUser, type Facility } from '../helpers/factories.ts';
import { bearer, signedIn, type Call } from '../helpers/session.ts';

/**
 * Issue 24, item 6: every loop of a referral closes. A lapsed hold alerts
 * the desk that sent it; an accepted referral not arrived within
 * REFERRAL_ARRIVAL_HOURS is noticed; each alert is settled only by an act.
 */
let app: FastifyInstance;
let db: Db;
let tps: Facility;
let balai: Facility;
let desk: Call;
let balaiManager: Call;
let command: Call;
const HOUR = 3_600_000;

async function refer(name: string) {
  const res = await desk('POST', '/api/v1/residents', { persons: [{ name, sex: 'P', estimated_age: 28, pregnant: true, pregnancy_weeks: 30 }], confirm_new: true });
  const person = res.json().persons[0] as { id: string };
  const r = await desk('POST', '/api/v1/referrals', { person_id: person.id, to_facility_id: balai.id, reason: 'Ibu hamil 30 minggu' });
  expect(r.statusCode).toBe(201);
  return { person, referral: r.json().referral as { id: string } };
}
const openFor = async (referralId: string, kind: string) =>
  await db.select().from(alerts).where(and(eq(alerts.subjectId, referralId), eq(alerts.kind, kind as 'referral_expired'), isNull(alerts.resolvedAt))).all();

beforeAll(async () => {
  ({ app, db } = await makeTestApp());
  tps = await makeFacility(db, { kind: 'TPS', name: 'GOR Loop', wilayahCode: '31.71' });
  await makeUnit(db, tps.id, { name: 'Zona B', admits: 'female', capacity: 10 });
  balai = await makeFacility(db, { kind: 'BALAI', name: 'Balai Loop', wilayahCode: '31.74', services: ['maternity'] });
  await makeUnit(db, balai.id, { name: 'Wisma Mawar', admits: 'female', features: ['maternity'], capacity: 8 });
  desk = bearer(app, await makeToken(db, 'intake', { facility: tps.id }));
  balaiManager = bearer(app, await makeToken(db, 'manager', { facility: balai.id }));
  command = bearer(app, await makeToken(db, 'command'));
});
afterAll(async () => app.close());

describe('every loop of a referral closes', () => {
  it('REFERRAL_ARRIVAL_HOURS is a setting, 24 by default', () => {
    expect(parseConfig({}).REFERRAL_ARRIVAL_HOURS).toBe(24);
    expect(parseConfig({ REFERRAL_ARRIVAL_HOURS: '6' }).REFERRAL_ARRIVAL_HOURS).toBe(6);
  });

  it('a lapsed hold alerts the sender; only an act settles it (looking does not; a new referral does)', async () => {
    const { person, referral } = await refer('Sumi');
    const expired = await expireReferrals(db, new Date(Date.now() + 10 * HOUR));
    expect(expired.map((r) => r.id)).toContain(referral.id);
    const [alert] = await openFor(referral.id, 'referral_expired');
    expect(alert).toMatchObject({ facilityId: tps.id, subjectType: 'referral' });
    // Shown to the command centre; looking settles nothing.
    expect((await command('GET', '/api/v1/alerts')).json().alerts.map((a: { id: string }) => a.id)).toContain(alert!.id);
    expect(await openFor(referral.id, 'referral_expired')).toHaveLength(1);
    // Shown on the sending desk's home.
    const u = await makeUser(db, 'intake', { facilityId: tps.id });
    const home = await (await signedIn(app, u.username, u.password)).get('/');
    expect(home.body).toContain('data-alert-kind="referral_expired"');
    // Settled by hand only with a note.
    expect((await command('POST', `/api/v1/alerts/${alert!.id}/resolve`, {})).statusCode).toBe(422);
    // The sending desk refers her again: that act settles it.
    expect((await desk('POST', '/api/v1/referrals', { person_id: person.id, to_facility_id: balai.id, reason: 'Dirujuk ulang' })).statusCode).toBe(201);
    expect(await openFor(referral.id, 'referral_expired')).toEqual([]);
  });

  it('an accepted referral not arrived within REFERRAL_ARRIVAL_HOURS is noticed once; the arrival settles it', async () => {
    const { referral } = await refer('Wati');
    expect((await balaiManager('POST', `/api/v1/referrals/${referral.id}/accept`, {})).statusCode).toBe(200);
    expect((await desk('POST', `/api/v1/referrals/${referral.id}/depart`, {})).statusCode).toBe(200);
    expect(await alertNotArrived(db, 24, new Date(Date.now() + 2 * HOUR))).toEqual([]);
    const raised = await alertNotArrived(db, 24, new Date(Date.now() + 25 * HOUR));
    expect(raised).toHaveLength(1);
    expect(await alertNotArrived(db, 24, new Date(Date.now() + 26 * HOUR))).toEqual([]);
    const [alert] = await openFor(referral.id, 'referral_not_arrived');
    expect(alert?.facilityId).toBe(tps.id);
    const balaiDesk = bearer(app, await makeToken(db, 'intake', { facility: balai.id }));
    expect((await balaiDesk('POST', `/api/v1/referrals/${referral.id}/arrive`, {})).statusCode).toBe(200);
    expect(await openFor(referral.id, 'referral_not_arrived')).toEqual([]);
  });
});
