import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { useTestApp } from '../helpers/use-app.ts';
import { makeFacility, makeUnit, makeUser } from '../helpers/factories.ts';
import { signedIn } from '../helpers/session.ts';
import { dischargeJourneys, handoffs, persons } from '../../src/db/schema/index.ts';
import { wilayahFromTyped } from '../../src/domain/reference/wilayah.ts';

const t = useTestApp();

/**
 * The wilayah picker (issue 25): a kab/kota is found by name from every field that takes a wilayah
 * (origin, pemulangan destination, a handoff's operation, an account's binding), and codes are still
 * taken as typed; a name that fits several is a message in words, never a guess.
 */
describe('wilayah picker: a kab/kota by name, codes still accepted', () => {
  it('the list offers kab/kota by words of the name or a code prefix, whatever the field is called', async () => {
    const u = await makeUser(t.db, 'pendamping', { wilayahCode: '31.71' });
    const b = await signedIn(t.app, u.username, u.password);
    const byName = await b.get('/wilayah/options?destination_wilayah_code=kota%20semarang');
    expect(byName.statusCode).toBe(200);
    expect(byName.body).toContain('<option value="33.74" label="Kota Semarang — Jawa Tengah (33.74)">');
    const byWords = await b.get(`/wilayah/options?${encodeURIComponent('persons.0.origin_wilayah_code')}=jakarta%20sel`);
    expect(byWords.body).toContain('value="31.74"');
    expect(byWords.body).not.toContain('value="31.71"');
    const byCode = await b.get('/wilayah/options?q=33.7');
    expect(byCode.body).toContain('value="33.74"');
    expect((await b.get('/wilayah/options?q=')).body.trim()).toBe('');
    // A pasted megabyte is cut, never a 500.
    expect((await b.get(`/wilayah/options?q=${'a'.repeat(5000)}`)).statusCode).toBe(200);
  });

  it('reads a code, a unique name, and refuses an ambiguous or unknown one with its reason', async () => {
    expect(await wilayahFromTyped(t.db, '33.74')).toEqual({ code: '33.74' });
    expect(await wilayahFromTyped(t.db, '3374')).toEqual({ code: '33.74' });
    expect(await wilayahFromTyped(t.db, 'Kota Semarang')).toEqual({ code: '33.74' });
    expect(await wilayahFromTyped(t.db, 'semarang')).toEqual({ error: 'field.wilayah_ambiguous' });
    expect(await wilayahFromTyped(t.db, 'Atlantis')).toEqual({ error: 'field.unknown_wilayah' });
    expect(await wilayahFromTyped(t.db, '33')).toEqual({ error: 'field.wilayah_not_province' });
    expect(await wilayahFromTyped(t.db, '33', { province: true })).toEqual({ code: '33' });
  });

  it('the intake takes an origin by name, and says in words when a name fits two', async () => {
    const tps = await makeFacility(t.db, { kind: 'TPS', wilayahCode: '31.71' });
    const desk = await makeUser(t.db, 'intake', { facilityId: tps.id });
    const b = await signedIn(t.app, desk.username, desk.password);
    await b.get('/intake');
    const person = { 'persons.0.name': 'Parjo Asal Nama', 'persons.0.sex': 'L', 'persons.0.estimated_age': '47', 'persons.0.consent': 'on' };
    const ambiguous = await b.post('/intake', { ...person, 'persons.0.origin_wilayah_code': 'semarang' });
    expect(ambiguous.statusCode).toBe(422);
    expect(ambiguous.body).toContain('Lebih dari satu kab/kota cocok dengan nama ini');
    expect(await t.db.select().from(persons).where(eq(persons.name, 'Parjo Asal Nama')).all()).toHaveLength(0);
    expect((await b.post('/intake', { ...person, 'persons.0.origin_wilayah_code': 'Kabupaten Semarang' })).statusCode).toBe(303);
    expect((await t.db.select().from(persons).where(eq(persons.name, 'Parjo Asal Nama')).get())!.originWilayahCode).toBe('33.22');
  });

  it('a pemulangan destination and a handoff operation are taken by name; a code still works', async () => {
    const tps = await makeFacility(t.db, { kind: 'TPS', wilayahCode: '31.71', status: 'OPEN' });
    await makeUnit(t.db, tps.id, { capacity: 10 });
    const desk = await makeUser(t.db, 'intake', { facilityId: tps.id });
    const b = await signedIn(t.app, desk.username, desk.password);
    await b.get('/intake');
    const reg = await b.post('/intake', { 'persons.0.name': 'Darmin Pulang', 'persons.0.sex': 'L', 'persons.0.estimated_age': '52', 'persons.0.consent': 'on' });
    const id = new URL(reg.headers.location as string, 'http://x').searchParams.get('p')!;
    expect((await b.post('/intake/check-in', { person_ids: id, all: id })).statusCode).toBe(303);
    const page = await b.get(`/residents/${id}`);
    const stayId = /action="\/stays\/([^/"]+)\/discharge"/.exec(page.body)?.[1];
    expect(stayId).toBeTruthy();
    const out = await b.post(`/stays/${stayId}/discharge`, { outcome: 'returned_home', destination: 'Rumah kakak di Denpasar', destination_wilayah_code: 'kota denpasar', family_contact: 'Kakak: 0812-1111-2222', escort: 'Pekerja sosial', date: '2026-12-10' });
    expect(out.statusCode, out.body.match(/(field-error|flash-error)[^<]*</g)?.join(' ')).toBe(303);
    expect((await t.db.select().from(dischargeJourneys).where(eq(dischargeJourneys.stayId, stayId!)).get())!.destinationWilayahCode).toBe('51.71');

    const satpol = await makeUser(t.db, 'satpol', { wilayahCode: '31' });
    const s = await signedIn(t.app, satpol.username, satpol.password);
    await s.get('/handoffs/new');
    const handoff = { 'operation.number': 'SPT/NAMA/2026', 'operation.at': '2026-12-07T20:00', 'operation.place': 'Pasar Senen', 'operation.leader_name': 'Hendra', facility_id: tps.id, 'persons.0.name': 'Orang Nama', 'persons.0.sex': 'L', 'persons.0.approx_age': '40' };
    expect((await s.post('/handoffs', { ...handoff, 'operation.wilayah_code': 'jakarta pusat' })).statusCode).toBe(303);
    expect((await t.db.select().from(handoffs).where(eq(handoffs.operationNumber, 'SPT/NAMA/2026')).get())!.wilayahCode).toBe('31.71');
    expect((await s.post('/handoffs', { ...handoff, 'operation.number': 'SPT/KODE/2026', 'operation.wilayah_code': '31.73' })).statusCode).toBe(303);
    expect((await t.db.select().from(handoffs).where(eq(handoffs.operationNumber, 'SPT/KODE/2026')).get())!.wilayahCode).toBe('31.73');
  });
});
