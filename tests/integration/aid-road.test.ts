import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import ExcelJS from 'exceljs';
import type { Db } from '../../src/db/client.ts';
import { wibDate } from '../../src/lib/time.ts';
import { makeTestApp } from '../helpers/app.ts';
import { makeFacility, makeToken, makeUnit, makeUser } from '../helpers/factories.ts';
import { bearer, placedThroughApi as placed, signedIn, type Call } from '../helpers/session.ts';

/**
 * The road to aid read right through the API (issue 26): the worklist's steps
 * from the NIK's kab/kota, DTKS per KK, PKH as DTKS, the check before a
 * proposal, a return home; and the DTKS export that holds only those who
 * consented, never names a protected place, and keeps NIK and KK as text.
 */
const SEMARANG_NIK = '3374041203750001';
const DENPASAR_NIK = '5171031507700002';
const KK_PKH = '3171050101090001';

interface Entry {
  person_id: string;
  steps: { code: string; reason: string; next_step: string; dinsos_wilayah_code: string | null }[];
}

describe('the road to aid and the DTKS export through the API', () => {
  let app: FastifyInstance;
  let db: Db;
  let intake: Call;
  let shelterDesk: Call;
  let command: Call;
  const p: Record<string, { id: string; stayId: string }> = {};

  beforeAll(async () => {
    ({ app, db } = await makeTestApp());
    const f = await makeFacility(db, { kind: 'TPS', wilayahCode: '31.71' });
    await makeUnit(db, f.id, { capacity: 30 });
    // Where the child Putri stays: a child alone only in a children's unit.
    await makeUnit(db, f.id, { capacity: 5, admits: 'children' });
    const shelter = await makeFacility(db, { kind: 'BALAI', wilayahCode: '31.73', protected: true, name: 'Rumah Aman Cengkareng' });
    await makeUnit(db, shelter.id, { capacity: 5 });
    intake = bearer(app, await makeToken(db, 'intake', { facility: f.id }));
    shelterDesk = bearer(app, await makeToken(db, 'intake', { facility: shelter.id }));
    command = bearer(app, await makeToken(db, 'command'));
    p.semarang = await placed(intake, { name: 'Slamet', sex: 'L', birth_date: '1975-03-12', nik: SEMARANG_NIK, ktp_address: 'Kel. Bandarharjo, Semarang Utara', dtks: 'no', consent: true, category: 'gelandangan' });
    p.noConsent = await placed(intake, { name: 'Bowo', sex: 'L', birth_date: '1980-05-12', nik: '3171051205800004', dtks: 'no', consent: false });
    p.pkh = await placed(intake, { name: 'Harun', sex: 'L', birth_date: '1978-01-01', nik: '3171050101780005', kk: KK_PKH, pkh: 'yes', consent: true });
    p.wife = await placed(intake, { name: 'Ani', sex: 'P', birth_date: '1982-02-02', nik: '3171054202820006', kk: KK_PKH, dtks: 'no', consent: true });
    p.unknown = await placed(intake, { name: 'Tarno', sex: 'L', birth_date: '1970-07-07', nik: '3171050707700007', consent: true });
    p.child = await placed(intake, { name: 'Putri', sex: 'P', birth_date: '2017-06-01', kk: KK_PKH, consent: true, consent_by: 'guardian', consent_by_name: 'Ibu Putri' });
    p.victim = await placed(shelterDesk, { name: 'Rina', sex: 'P', birth_date: '2000-04-04', nik: SEMARANG_NIK.slice(0, 6) + '440400' + '0008', domicile_address: 'Rumah Aman, Cengkareng', dtks: 'no', consent: true, trafficking_victim: true });
    p.denpasar = await placed(intake, { name: 'Made', sex: 'L', birth_date: '1970-07-15', nik: DENPASAR_NIK, ktp_address: 'Jl. Gatot Subroto, Denpasar', domicile_address: 'Kolong tol, Jakarta Utara', dtks: 'no', consent: true });
  });
  afterAll(async () => app.close());

  const byPerson = (entries: Entry[], id: string) => entries.find((e) => e.person_id === id);

  it('gives each placed person the steps the rules give, with reason, next step and the Dinsos that acts', async () => {
    const entries = (await command('GET', '/api/v1/worklists/aid')).json().entries as Entry[];
    const codes = (id: string) => byPerson(entries, id)?.steps.map((s) => s.code);
    // A Semarang NIK in Jakarta with no domicile recorded: the domicile step (the blank is not "the same").
    expect(codes(p.semarang!.id)).toEqual(['dtks', 'domicile']);
    expect(byPerson(entries, p.semarang!.id)!.steps.every((s) => s.dinsos_wilayah_code === '31.71')).toBe(true);
    expect(byPerson(entries, p.semarang!.id)!.steps[1]!.reason).toContain('33.74');
    // PKH means DTKS: not on the worklist at all.
    expect(byPerson(entries, p.pkh!.id)).toBeUndefined();
    // The wife on the PKH family's KK: a data update, not a proposal.
    expect(codes(p.wife!.id)).toEqual(['dtks_update']);
    expect(codes(p.unknown!.id)).toEqual(['dtks_check']);
    expect(codes(p.child!.id)).toEqual(['nik_from_kk']);
    // At a protected place: the place is never a domicile, the Dinsos is the NIK's.
    expect(codes(p.victim!.id)).toEqual(['dtks']);
    expect(byPerson(entries, p.victim!.id)!.steps[0]!.dinsos_wilayah_code).toBe('33.74');
    expect((await command('GET', '/api/v1/worklists/aid?step=dtks_update')).json().entries.map((e: Entry) => e.person_id)).toEqual([p.wife!.id]);
  });

  it('exports for the Dinsos only those who consented, only what a DTKS entry needs, NIK and KK as text, never a protected place', async () => {
    const json = (await command('GET', '/api/v1/worklists/dtks')).json() as { columns: string[]; rows: Record<string, string | null>[] };
    const niks = json.rows.map((r) => r.nik);
    expect(niks).not.toContain('3171051205800004'); // Bowo did not consent
    expect(niks).not.toContain('3171050707700007'); // Tarno: DTKS to be checked first, not proposed
    expect(niks).not.toContain('3171050101780005'); // Harun: PKH, in DTKS
    expect(json.columns).not.toContain('facility_name');
    expect(json.columns).not.toContain('category');
    const wife = json.rows.find((r) => r.nik === '3171054202820006')!;
    expect(wife.request).toMatch(/KK/);
    expect(wife.kk).toBe(KK_PKH);
    const victim = json.rows.find((r) => r.name === 'Rina')!;
    expect(victim).toMatchObject({ domicile_wilayah: null, domicile_address: null, ktp_wilayah: '33.74', dinsos_wilayah: '33.74' });
    expect(JSON.stringify(json.rows)).not.toContain('31.73');
    expect(JSON.stringify(json.rows)).not.toContain('Cengkareng');

    const csv = await command('GET', '/api/v1/worklists/dtks?format=csv');
    const lines = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    const slamet = lines.find((l) => l.includes('Slamet'))!;
    // ="3374…" (quoted for CSV): Excel keeps all 16 digits as text.
    expect(slamet.startsWith(`"=""${SEMARANG_NIK}"""`)).toBe(true);
    expect(lines.find((l) => l.includes('Ani'))).toContain(`"=""${KK_PKH}"""`);
    expect(csv.body).not.toContain('Bowo');
    expect(csv.body).not.toContain('31.73');

    const xlsx = await command('GET', '/api/v1/worklists/dtks?format=xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('DTKS')!;
    const rows: ExcelJS.Row[] = [];
    ws.eachRow((r) => rows.push(r));
    const row = rows.find((r) => r.getCell(3).value === 'Slamet')!;
    expect(row.getCell(1).value).toBe(SEMARANG_NIK);
    expect(row.getCell(1).type).toBe(ExcelJS.ValueType.String);
    expect(rows.find((r) => r.getCell(3).value === 'Ani')!.getCell(2).value).toBe(KK_PKH);
  });

  it('moves the steps to the Dinsos of the destination after a return home', async () => {
    const ok = await intake('POST', `/api/v1/stays/${p.denpasar!.stayId}/discharge`, {
      outcome: 'returned_home',
      destination: 'Kota Denpasar',
      destination_wilayah_code: '51.71',
      family_contact: 'Istri: 0812-3333-4444',
      escort: 'Pekerja sosial Dinsos DKI',
      date: wibDate(new Date().toISOString()),
    });
    expect(ok.statusCode).toBe(200);
    const c = (await command('GET', `/api/v1/residents/${p.denpasar!.id}/case`)).json();
    // Home in Denpasar with a Denpasar NIK: no domicile letter any more; Bali's Dinsos proposes.
    expect(c.aid).toMatchObject({ domicile: 'same', lives_in: '51.71', nik_region: '51.71' });
    expect(c.aid.steps).toEqual([expect.objectContaining({ code: 'dtks', dinsos_wilayah_code: '51.71' })]);
    expect(c.aid.steps[0].next_step).toContain('51.71');

    // The handover letter to Bali's Dinsos: printable, in Bahasa Indonesia, naming who follows up there.
    await makeUser(db, 'pendamping', { wilayahCode: '51.71', cluster: 'tuna_sosial', username: 'niluh.denpasar' });
    const cmd = await makeUser(db, 'command');
    const browser = await signedIn(app, cmd.username, cmd.password);
    const letter = await browser.get(`/stays/${p.denpasar!.stayId}/handover`);
    expect(letter.statusCode).toBe(200);
    expect(letter.body).toContain('SURAT PENGANTAR');
    expect(letter.body).toContain('Kepala Dinas Sosial Kota Denpasar');
    expect(letter.body).toContain(DENPASAR_NIK); // consented: the Dinsos needs it for DTKS
    expect(letter.body).toContain('Oleh pendamping niluh.denpasar.');
    expect(letter.body).toContain('data-step="dtks"');
    // An open stay has no journey home: no letter.
    expect((await browser.get(`/stays/${p.semarang!.stayId}/handover`)).statusCode).toBe(409);
  });
});
