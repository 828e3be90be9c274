import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../src/db/client.ts';
import { alerts, stays } from '../../src/db/schema/index.ts';
import { makeTestApp } from '../helpers/app.ts';
import { makeFacility, makeToken, makeUnit, type Facility } from '../helpers/factories.ts';
import { bearer, type Call } from '../helpers/session.ts';

/**
 * Issue 24, item 2 (children, UU 35/2014), through the API: a child with no
 * adult of their own household is placed only in a children's unit; a
 * facility without one refuses with the reason and offers a referral toward
 * child protection; the command centre's exception is an alert until the
 * child is moved; a crib is a feature, not a rule about who stays; a minor
 * never consents alone; a child who leaves is missed at once.
 */
let app: FastifyInstance;
let db: Db;
let tps: Facility;
let balaiAnak: Facility;
let womensHome: Facility;
const unit: Record<string, string> = {};
let desk: Call;
let balaiDesk: Call;
let balaiManager: Call;
let homeDesk: Call;
let command: Call;

async function register(call: Call, ps: Record<string, unknown>[]) {
  const res = await call('POST', '/api/v1/residents', { persons: ps, confirm_new: true });
  if (res.statusCode !== 201) throw new Error(`intake failed: ${res.statusCode} ${res.body}`);
  return (res.json() as { persons: { id: string; resident_code: string }[] }).persons;
}
const openStay = async (personId: string) => await db.select().from(stays).where(and(eq(stays.personId, personId), isNull(stays.checkedOutAt))).get();
const openAlerts = async (personId: string, kind: string) =>
  (await db.select().from(alerts).where(and(eq(alerts.subjectId, personId), isNull(alerts.resolvedAt))).all()).filter((a) => a.kind === kind);

beforeAll(async () => {
  ({ app, db } = await makeTestApp());
  tps = await makeFacility(db, { kind: 'TPS', name: 'GOR Anak Uji', wilayahCode: '31.71', clusters: ['tuna_sosial'] });
  unit.men = (await makeUnit(db, tps.id, { name: 'Zona A Laki-laki', admits: 'male', capacity: 20 })).id;
  unit.women = (await makeUnit(db, tps.id, { name: 'Zona B Perempuan', admits: 'female', capacity: 20 })).id;
  balaiAnak = await makeFacility(db, { kind: 'BALAI', name: 'Balai Anak Uji', wilayahCode: '31.74', services: ['child_protection', 'early_childhood'], clusters: ['anak'] });
  unit.remaja = (await makeUnit(db, balaiAnak.id, { name: 'Wisma Remaja', admits: 'children', capacity: 10 })).id;
  unit.balita = (await makeUnit(db, balaiAnak.id, { name: 'Wisma Balita', admits: 'children', features: ['crib'], capacity: 10 })).id;
  womensHome = await makeFacility(db, { kind: 'BALAI', name: 'Rumah Aman Uji', wilayahCode: '31.75', services: ['women_protection'], protected: true });
  unit.aman = (await makeUnit(db, womensHome.id, { name: 'Wisma Aman', admits: 'female', features: ['crib'], capacity: 12 })).id;
  desk = bearer(app, await makeToken(db, 'intake', { facility: tps.id }));
  balaiDesk = bearer(app, await makeToken(db, 'intake', { facility: balaiAnak.id }));
  balaiManager = bearer(app, await makeToken(db, 'manager', { facility: balaiAnak.id }));
  homeDesk = bearer(app, await makeToken(db, 'intake', { facility: womensHome.id }));
  command = bearer(app, await makeToken(db, 'command'));
});
afterAll(async () => app.close());

describe('an unaccompanied child', () => {
  it('a 15-year-old boy is refused from the adult men\'s zone with the reason, then placed in a children\'s unit by referral', async () => {
    const [boy] = await register(desk, [{ name: 'Bima', sex: 'L', estimated_age: 15, consent: true, consent_by: 'pekerja_sosial', consent_by_name: 'Sri Peksos' }]);
    // Chosen by hand: the men's zone refuses him, saying why.
    const byHand = await desk('POST', '/api/v1/stays', { person_id: boy!.id, unit_id: unit.men });
    expect(byHand.statusCode).toBe(422);
    expect(byHand.json().errors[0].message).toContain('Zona A Laki-laki bukan unit anak');
    // No unit chosen: the TPS has no children's unit; refused with the reason and the way on.
    const refused = await desk('POST', '/api/v1/stays', { person_id: boy!.id });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().detail).toContain('tidak punya unit anak');
    expect(refused.json().offer).toMatchObject({ service: 'child_protection', person_id: boy!.id });
    expect(await openStay(boy!.id)).toBeUndefined();

    // The offered way: routing toward child protection, never the crib ward.
    const routing = (await desk('GET', refused.json().offer.routing)).json();
    expect(routing.needs).toContain('unaccompanied_child');
    expect(routing.destinations[0].facility.id).toBe(balaiAnak.id);
    expect(routing.destinations[0].unit.name).toBe('Wisma Remaja');

    const proposed = await desk('POST', '/api/v1/referrals', { person_id: boy!.id, to_facility_id: balaiAnak.id, reason: 'Anak tanpa pendamping, 15 tahun' });
    expect(proposed.statusCode).toBe(201);
    const r = proposed.json().referral;
    const steps = [await balaiManager('POST', `/api/v1/referrals/${r.id}/accept`, {}), await desk('POST', `/api/v1/referrals/${r.id}/depart`, {}), await balaiDesk('POST', `/api/v1/referrals/${r.id}/arrive`, {})];
    expect(steps.map((x) => `${x.statusCode} ${x.statusCode === 200 ? '' : x.body}`)).toEqual(['200 ', '200 ', '200 ']);
    expect((await openStay(boy!.id))?.unitId).toBe(unit.remaja);
  });

  it('a 14-year-old girl joins her mother in the women\'s zone: an adult of her own household is there', async () => {
    const [mum, girl] = await register(desk, [{ name: 'Ibu Yati', sex: 'P', estimated_age: 38 }, { name: 'Nia', sex: 'P', estimated_age: 14 }]);
    expect((await desk('POST', '/api/v1/stays', { person_id: mum!.id, unit_id: unit.women, split_reason: 'Anak menyusul dari klinik' })).statusCode).toBe(201);
    const placed = await desk('POST', '/api/v1/stays', { person_id: girl!.id });
    expect(placed.statusCode).toBe(201);
    expect(placed.json().unit_id).toBe(unit.women);
  });

  it('the command centre may place a child among adults with a reason: child_with_adults stays open until the child is moved', async () => {
    const [boy] = await register(desk, [{ name: 'Raka', sex: 'L', estimated_age: 13 }]);
    // A desk cannot make the exception.
    expect((await desk('POST', '/api/v1/stays', { person_id: boy!.id, child_reason: 'Malam, tidak ada kendaraan' })).statusCode).toBe(403);
    const placed = await command('POST', '/api/v1/stays', { person_id: boy!.id, facility_id: tps.id, child_reason: 'Malam hari, balai anak dijemput besok pagi' });
    expect(placed.statusCode).toBe(201);
    expect(placed.json().unit_id).toBe(unit.men);
    const [alert] = await openAlerts(boy!.id, 'child_with_adults');
    expect(alert?.facilityId).toBe(tps.id);
    expect((await command('GET', '/api/v1/alerts')).json().alerts.map((a: { kind: string }) => a.kind)).toContain('child_with_adults');
    // Moved to a children's unit: the alert is settled by that act.
    const stay = (await openStay(boy!.id))!;
    const moved = await command('POST', `/api/v1/stays/${stay.id}/transfer`, { facility_id: balaiAnak.id, reason: 'Dijemput balai anak' });
    expect(moved.statusCode).toBe(201);
    expect((await openStay(boy!.id))?.unitId).toBe(unit.remaja);
    expect(await openAlerts(boy!.id, 'child_with_adults')).toEqual([]);
  });

  it('a child who leaves (left) raises child_left at once', async () => {
    const [girl] = await register(balaiDesk, [{ name: 'Tari', sex: 'P', estimated_age: 16 }]);
    const placed = await balaiDesk('POST', '/api/v1/stays', { person_id: girl!.id });
    expect(placed.statusCode).toBe(201);
    expect(placed.json().unit_id).toBe(unit.remaja);
    expect(await openAlerts(girl!.id, 'child_left')).toEqual([]);
    const gone = await balaiDesk('POST', `/api/v1/stays/${placed.json().stays[0].id}/discharge`, { outcome: 'left', note: 'Tidak ada saat apel pagi' });
    expect(gone.statusCode).toBe(200);
    const [alert] = await openAlerts(girl!.id, 'child_left');
    expect(alert?.facilityId).toBe(balaiAnak.id);
    // An adult who leaves raises nothing.
    const [man] = await register(desk, [{ name: 'Pak Dul', sex: 'L', estimated_age: 40 }]);
    const s = (await desk('POST', '/api/v1/stays', { person_id: man!.id })).json();
    await desk('POST', `/api/v1/stays/${s.stays[0].id}/discharge`, { outcome: 'left' });
    expect(await openAlerts(man!.id, 'child_left')).toEqual([]);
  });
});

describe('consent and cribs', () => {
  it('refuses a minor\'s own consent; a guardian or the social worker consents, named', async () => {
    const self = await desk('POST', '/api/v1/residents', { persons: [{ name: 'Dodi', sex: 'L', estimated_age: 14, consent: true, consent_by: 'self' }], confirm_new: true });
    expect(self.statusCode).toBe(422);
    expect(self.json().errors).toContainEqual({ path: 'persons.0.consent_by', message: expect.stringContaining('tidak dapat memberi persetujuan sendiri') });
    // A bare "consent" is the person's own: refused for a child too.
    expect((await desk('POST', '/api/v1/residents', { persons: [{ name: 'Dodi', sex: 'L', estimated_age: 14, consent: true }], confirm_new: true })).statusCode).toBe(422);
    const unnamed = await desk('POST', '/api/v1/residents', { persons: [{ name: 'Dodi', sex: 'L', estimated_age: 14, consent: true, consent_by: 'guardian' }], confirm_new: true });
    expect(unnamed.statusCode).toBe(422);
    expect(unnamed.json().errors[0].path).toBe('persons.0.consent_by_name');
    const ok = await desk('POST', '/api/v1/residents', { persons: [{ name: 'Dodi', sex: 'L', estimated_age: 14, consent: true, consent_by: 'guardian', consent_by_name: 'Pak RT Harun' }], confirm_new: true });
    expect(ok.statusCode).toBe(201);
    expect(ok.json().persons[0]).toMatchObject({ consent: true, consent_by: 'guardian', consent_by_name: 'Pak RT Harun' });
    // The same rule when consent is given later, on the record.
    const [later] = await register(desk, [{ name: 'Eka', sex: 'P', estimated_age: 13 }]);
    const selfLater = await desk('PATCH', `/api/v1/residents/${later!.id}`, { version: 1, consent: true });
    expect(selfLater.statusCode).toBe(422);
    expect(selfLater.json().errors[0].path).toBe('consent_by');
    const byWorker = await desk('PATCH', `/api/v1/residents/${later!.id}`, { version: 1, consent: true, consent_by: 'pekerja_sosial', consent_by_name: 'Sri Peksos' });
    expect(byWorker.statusCode).toBe(200);
    expect(byWorker.json().resident).toMatchObject({ consent: true, consent_by: 'pekerja_sosial', consent_by_name: 'Sri Peksos' });
    const adult = await desk('POST', '/api/v1/residents', { persons: [{ name: 'Bu Ani', sex: 'P', estimated_age: 30, consent: true }], confirm_new: true });
    expect(adult.json().persons[0]).toMatchObject({ consent: true, consent_by: 'self', consent_by_name: null });
  });

  it('a crib unit that admits women takes an adult woman (the protected women\'s home\'s only unit)', async () => {
    const [woman] = await register(homeDesk, [{ name: 'Sari', sex: 'P', estimated_age: 27 }]);
    const placed = await homeDesk('POST', '/api/v1/stays', { person_id: woman!.id });
    expect(placed.statusCode).toBe(201);
    expect(placed.json().unit_id).toBe(unit.aman);
  });
});
