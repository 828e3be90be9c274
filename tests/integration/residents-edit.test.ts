import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { and, eq, sql } from 'drizzle-orm';
import { write, type Db } from '../../src/db/client.ts';
import { auditEvents, persons } from '../../src/db/schema/index.ts';
import { DomainError } from '../../src/domain/errors.ts';
import { SYSTEM_ACTOR } from '../../src/domain/actor.ts';
import { mapPersonNikConstraint } from '../../src/domain/residents/update-nik.ts';
import { makeTestApp } from '../helpers/app.ts';
import { makeFacility, makeToken, makeUnit, makeUser } from '../helpers/factories.ts';
import { bearer, signedIn, type Browser, type Call } from '../helpers/session.ts';
type Form = Record<string, string | string[]>;

const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** What a browser would send from the form #id as rendered (checked boxes only, selected options). */
function formFields(html: string, id: string): Form {
  const at = html.indexOf(`id="${id}"`);
  if (at < 0) throw new Error(`no form #${id}`);
  const form = html.slice(html.lastIndexOf('<form', at), html.indexOf('</form>', at));
  const out: Record<string, string[]> = {};
  const add = (k: string, v: string) => (out[k] ??= []).push(v);
  for (const [tag] of form.matchAll(/<input\b[^>]*>/g)) {
    const name = /\sname="([^"]*)"/.exec(tag)?.[1];
    if (!name || name === '_csrf') continue; // the test browser adds its own
    const type = /\stype="([^"]*)"/.exec(tag)?.[1] ?? 'text';
    const boxy = type === 'checkbox' || type === 'radio';
    if (boxy && !/\schecked\b/.test(tag)) continue;
    add(name, decode(/\svalue="([^"]*)"/.exec(tag)?.[1] ?? (boxy ? 'on' : '')));
  }
  for (const m of form.matchAll(/<select\b[^>]*\sname="([^"]*)"[^>]*>([\s\S]*?)<\/select>/g)) {
    const chosen = /<option value="([^"]*)"[^>]*\sselected/.exec(m[2]!) ?? /<option value="([^"]*)"/.exec(m[2]!);
    add(m[1]!, decode(chosen?.[1] ?? ''));
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.length === 1 ? v[0]! : v]));
}

/** The label block that holds a field, to its end: "the error beside its field". */
function fieldBlock(html: string, id: string): string {
  const at = html.indexOf(`id="${id}"`);
  if (at < 0) throw new Error(`no field #${id}`);
  return html.slice(html.lastIndexOf('<label', at), html.indexOf('</label>', at));
}

describe('correcting a person record after intake', () => {
  let app: FastifyInstance;
  let db: Db;
  let intakeA: Call;
  let intakeB: Call;
  let command: Call;
  let admin: Call;
  let satpol: Call;
  let desk: Browser;
  let otherDesk: Browser;
  let satpolBrowser: Browser;

  beforeAll(async () => {
    ({ app, db } = await makeTestApp());
    const facilityA = await makeFacility(db, { kind: 'TPS', wilayahCode: '31.71' });
    const facilityB = await makeFacility(db, { kind: 'TPS', wilayahCode: '31.72' });
    await makeUnit(db, facilityA.id, { capacity: 20 });
    intakeA = bearer(app, await makeToken(db, 'intake', { facility: facilityA.id }));
    intakeB = bearer(app, await makeToken(db, 'intake', { facility: facilityB.id }));
    command = bearer(app, await makeToken(db, 'command'));
    admin = bearer(app, await makeToken(db, 'admin'));
    satpol = bearer(app, await makeToken(db, 'satpol', { wilayah: '31.71' }));
    const u = await makeUser(db, 'intake', { facilityId: facilityA.id });
    desk = await signedIn(app, u.username, u.password);
    const o = await makeUser(db, 'intake', { facilityId: facilityB.id });
    otherDesk = await signedIn(app, o.username, o.password);
    const s = await makeUser(db, 'satpol', { wilayahCode: '31.71' });
    satpolBrowser = await signedIn(app, s.username, s.password);
  });
  afterAll(async () => app.close());

  async function register(person: Record<string, unknown>) {
    const res = await intakeA('POST', '/api/v1/residents', { persons: [person], confirm_new: true });
    expect(res.statusCode).toBe(201);
    return res.json().persons[0] as { id: string; resident_code: string };
  }
  const row = async (id: string) => (await db.select().from(persons).where(eq(persons.id, id)).get())!;
  const auditOf = async (id: string, action: string) =>
    await db.select().from(auditEvents).where(and(eq(auditEvents.entityId, id), eq(auditEvents.action, action))).all();
  const found = async (q: string) => ((await intakeA('GET', `/api/v1/residents?q=${encodeURIComponent(q)}`)).json().residents as { id: string }[]).map((r) => r.id);

  it('edits through the page: prefilled form, real action and method, a misspelt name corrected, found by the new name only', async () => {
    const p = await register({ name: 'Suprpto Hadiwijoyo', sex: 'L', estimated_age: 52, phone: '0812000001', consent: true, nik: '3171010101700021', disabilities: ['mental'] });
    const show = await desk.get(`/residents/${p.id}`);
    expect(show.body).toContain(`id="edit-link" href="/residents/${p.id}/edit"`);

    const page = await desk.get(`/residents/${p.id}/edit`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(new RegExp(`<form[^>]*method="post" action="/residents/${p.id}/edit"`));
    // Never a form property's name (docs/notes/htmx4.md §7), never the full NIK without asking.
    expect(page.body).not.toMatch(/<(input|select|button|textarea)[^>]*\sname="(form|action|method|submit|elements|id)"/);
    expect(page.body).not.toContain('3171010101700021');
    expect(page.body).toContain('3171********0021');
    const form = formFields(page.body, 'person-edit-form');
    expect(form).toMatchObject({ name: 'Suprpto Hadiwijoyo', sex: 'L', estimated_age: '52', phone: '0812000001', consent: 'on', disabilities: 'mental', version: '1' });
    expect(form.idempotency_key).toMatch(/.{8,}/);
    expect((await auditOf(p.id, 'person.read')).map((e) => e.detail)).toContainEqual({ view: 'edit' });

    // Submitted as it is: nothing changes, nothing is written.
    const same = await desk.post(`/residents/${p.id}/edit`, { ...form });
    expect(same.statusCode).toBe(303);
    expect((await row(p.id)).version).toBe(1);
    expect(await auditOf(p.id, 'person.update')).toHaveLength(0);

    const fresh = formFields((await desk.get(`/residents/${p.id}/edit`)).body, 'person-edit-form');
    const saved = await desk.post(`/residents/${p.id}/edit`, { ...fresh, name: 'Suprapto Hadiwijoyo', phone: '0813999888' });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(`/residents/${p.id}`);
    const after = await row(p.id);
    expect(after).toMatchObject({ name: 'Suprapto Hadiwijoyo', phone: '0813999888', version: 2, nik: '3171010101700021', consent: true, estimatedAge: 52 });
    expect(after.searchKey).toBe('suprapto hadiwiyoyo');
    const next = await desk.get(`/residents/${p.id}`);
    expect(next.body).toContain(p.resident_code);
    expect(next.body).toContain('Suprapto Hadiwijoyo');

    expect(await found('Suprapto')).toContain(p.id);
    expect(await found('Suprpto')).not.toContain(p.id);

    // The same form sent twice (a tablet on bad Wi-Fi) does its work once: the repeat is not a stale conflict.
    const again = await desk.post(`/residents/${p.id}/edit`, { ...fresh, name: 'Suprapto Hadiwijoyo', phone: '0813999888' });
    expect(again.statusCode).toBe(303);
    expect((await row(p.id)).version).toBe(2);
  });

  it('keeps the audit trail free of personal data: the changed field names only', async () => {
    const p = await register({ name: 'Wagiyem Sukarti', sex: 'P', phone: '0811223344', ktp_address: 'Jl. Kenanga 12' });
    const res = await intakeA('PATCH', `/api/v1/residents/${p.id}`, { version: 1, name: 'Wagiyem Sukartini', phone: '0899887766', ktp_address: '' });
    expect(res.statusCode).toBe(200);
    expect(res.json().changed.sort()).toEqual(['ktp_address', 'name', 'phone']);
    const events = await auditOf(p.id, 'person.update');
    expect(events).toHaveLength(1);
    expect(events[0]!.detail).toEqual({ changed: ['name', 'ktp_address', 'phone'] });
    const json = JSON.stringify(events[0]);
    for (const value of ['Wagiyem', 'Sukarti', '0811223344', '0899887766', 'Kenanga']) expect(json).not.toContain(value);
  });

  it('edits through the API: absent fields stay, blank clears, a NIK brought in later, a birth date instead of an estimate, consent', async () => {
    const p = await register({ name: 'Darmini', sex: 'P', estimated_age: 40, domicile_address: 'Kolong jembatan Grogol', chronic_illness: 'asma' });
    expect((await row(p.id)).consentAt).toBeNull();
    // The version to send back is in the record as read.
    expect((await intakeA('GET', `/api/v1/residents/${p.id}`)).json().resident.version).toBe(1);
    const res = await intakeA('PATCH', `/api/v1/residents/${p.id}`, {
      version: 1, nik: '3171 0150 0384 0007', kk: '3171010101010001', birth_date: '1984-03-10', chronic_illness: '', consent: true, pregnant: true, pregnancy_weeks: 12,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.resident).toMatchObject({
      id: p.id, name: 'Darmini', nik: '3171********0007', nik_masked: true, birth_date: '1984-03-10', estimated_age: null, consent: true,
      domicile_address: 'Kolong jembatan Grogol', needs: { pregnant: true, pregnancy_weeks: 12, chronic_illness: null },
    });
    expect(body.resident.consent_at).toMatch(/\+07:00$/);
    expect(body.resident.version).toBe(2);
    expect(body.changed).toEqual(expect.arrayContaining(['nik', 'kk', 'birth_date', 'estimated_age', 'chronic_illness', 'consent', 'pregnant', 'pregnancy_weeks']));
    expect(body.changed).not.toContain('domicile_address');
    expect(await row(p.id)).toMatchObject({ nik: '3171015003840007', kk: '3171010101010001', version: 2, estimatedAt: null });

    // A need dropped clears what depended on it; the rules of the intake still hold.
    const wrong = await intakeA('PATCH', `/api/v1/residents/${p.id}`, { version: 2, sex: 'L' });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().errors).toEqual([{ path: 'sex', message: expect.any(String) }]);
    const noName = await intakeA('PATCH', `/api/v1/residents/${p.id}`, { version: 2, name: null });
    expect(noName.statusCode).toBe(422);
    expect(noName.json().errors[0].path).toBe('name');
    const notHere = await intakeA('PATCH', `/api/v1/residents/${p.id}`, { version: 2, resident_code: 'SGH-AAAAAA' });
    expect(notHere.statusCode).toBe(422);
    expect(notHere.json().errors).toEqual([{ path: 'resident_code', message: expect.any(String) }]);
    const done = await intakeA('PATCH', `/api/v1/residents/${p.id}`, { version: 2, pregnant: false });
    expect(done.statusCode).toBe(200);
    expect(done.json().resident.needs).toMatchObject({ pregnant: false, pregnancy_weeks: null });
  });

  it('refuses an impossible NIK beside the field (422), changing nothing, on the page and in the API', async () => {
    const p = await register({ name: 'Budiman Saleh', sex: 'L', estimated_age: 33 });
    const api = await intakeA('PATCH', `/api/v1/residents/${p.id}`, { version: 1, nik: '3171013205850001', phone: '0812777666' });
    expect(api.statusCode).toBe(422);
    expect(api.headers['content-type']).toMatch(/problem\+json/);
    expect(api.json().errors).toEqual([{ path: 'nik', message: expect.stringContaining('tidak mungkin') }]);
    expect(await row(p.id)).toMatchObject({ nik: null, phone: null, version: 1 });

    const form = formFields((await desk.get(`/residents/${p.id}/edit`)).body, 'person-edit-form');
    const page = await desk.post(`/residents/${p.id}/edit`, { ...form, nik: '31710132058500', phone: '0812777666' });
    expect(page.statusCode).toBe(422);
    expect(fieldBlock(page.body, 'f-nik')).toContain('class="field-error"');
    expect(fieldBlock(page.body, 'f-nik')).toContain('16');
    // What was typed is still there to correct.
    expect(formFields(page.body, 'person-edit-form')).toMatchObject({ nik: '31710132058500', phone: '0812777666' });
    expect(await row(p.id)).toMatchObject({ nik: null, phone: null, version: 1 });
  });

  it("refuses a NIK already on another live record, naming that record's code", async () => {
    const holder = await register({ name: 'Sulastri', sex: 'P', nik: '3171016608750004' });
    const p = await register({ name: 'Sulastri Ningsih', sex: 'P', estimated_age: 48 });
    const api = await intakeA('PATCH', `/api/v1/residents/${p.id}`, { version: 1, nik: '3171016608750004' });
    expect(api.statusCode).toBe(422);
    expect(api.json().errors).toEqual([{ path: 'nik', message: expect.stringContaining(holder.resident_code) }]);
    expect((await row(p.id)).nik).toBeNull();

    const form = formFields((await desk.get(`/residents/${p.id}/edit`)).body, 'person-edit-form');
    const page = await desk.post(`/residents/${p.id}/edit`, { ...form, nik: '3171016608750004' });
    expect(page.statusCode).toBe(422);
    expect(fieldBlock(page.body, 'f-nik')).toContain(holder.resident_code);
  });

  it('maps the database guarantee (persons_nik_live_uq) to the same field error', async () => {
    const a = await register({ name: 'Tarsih', sex: 'P', nik: '3171015012600003' });
    const b = await register({ name: 'Tarsih Binti Karta', sex: 'P' });
    let caught: unknown;
    try {
      await write(db, async (tx) => {
        await tx.run(sql`update persons set nik = ${'3171015012600003'} where id = ${b.id}`);
      });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeDefined();
    let mapped: unknown;
    try {
      await mapPersonNikConstraint(db, SYSTEM_ACTOR, caught, b.id, '3171015012600003');
    } catch (err) {
      mapped = err;
    }
    expect(mapped).toBeInstanceOf(DomainError);
    expect((mapped as DomainError).status).toBe(422);
    expect((mapped as DomainError).fieldErrors).toEqual([{ path: 'nik', message: 'residents.edit_nik_taken', params: { code: a.resident_code } }]);
    const other = new Error('disk I/O error');
    await expect(mapPersonNikConstraint(db, SYSTEM_ACTOR, other, b.id, null)).rejects.toThrow(other);
  });

  it('asks before keeping a NIK that disagrees with the birth date; the reason is kept and audited', async () => {
    const p = await register({ name: 'Agus Santoso', sex: 'L', birth_date: '1986-05-12' });
    const ask = await intakeA('PATCH', `/api/v1/residents/${p.id}`, { version: 1, nik: '3171011205850011' });
    expect(ask.statusCode).toBe(409);
    expect(ask.json()).toMatchObject({ code: 'NEEDS_DECISION', nik_warnings: [{ code: 'nik.birth_date_mismatch', blocking: true, path: 'nik' }] });
    expect(await row(p.id)).toMatchObject({ nik: null, version: 1 });

    // The page: the warning beside the NIK, a "keep NIK as typed" box, and a reason it needs.
    const form = formFields((await desk.get(`/residents/${p.id}/edit`)).body, 'person-edit-form');
    const warned = await desk.post(`/residents/${p.id}/edit`, { ...form, nik: '3171011205850011' });
    expect(warned.statusCode).toBe(422);
    expect(fieldBlock(warned.body, 'f-nik')).toContain('class="field-warning nik-warning"');
    expect(warned.body).toContain('id="nik-override"');
    const retry = formFields(warned.body, 'person-edit-form');
    const noReason = await desk.post(`/residents/${p.id}/edit`, { ...retry, nik_keep: 'on', nik_override_reason: '' });
    expect(noReason.statusCode).toBe(422);
    expect(fieldBlock(noReason.body, 'f-nik_override_reason')).toContain('class="field-error"');
    expect((await row(p.id)).nik).toBeNull();
    const kept = await desk.post(`/residents/${p.id}/edit`, { ...retry, nik_keep: 'on', nik_override_reason: 'KTP lama, tahun salah cetak' });
    expect(kept.statusCode).toBe(303);
    expect(await row(p.id)).toMatchObject({ nik: '3171011205850011', nikOverrideReason: 'KTP lama, tahun salah cetak', version: 2 });
    expect(await auditOf(p.id, 'person.nik_override')).toHaveLength(1);
    expect((await auditOf(p.id, 'person.update'))[0]!.detail).toEqual({ changed: ['nik', 'nik_override_reason'] });

    // Correcting the birth date to agree with the NIK: the reason no longer applies.
    const fixed = await intakeA('PATCH', `/api/v1/residents/${p.id}`, { version: 2, birth_date: '1985-05-12' });
    expect(fixed.statusCode).toBe(200);
    expect(fixed.json().resident.nik_override_reason).toBeNull();
  });

  it('refuses a stale version with 409; the page keeps what was typed and shows what is on record now', async () => {
    const p = await register({ name: 'Rohmat', sex: 'L', estimated_age: 29, phone: '0812111222' });
    const form = formFields((await desk.get(`/residents/${p.id}/edit`)).body, 'person-edit-form');
    expect((await intakeA('PATCH', `/api/v1/residents/${p.id}`, { version: 1, phone: '0812333444' })).statusCode).toBe(200);

    const stale = await intakeA('PATCH', `/api/v1/residents/${p.id}`, { version: 1, name: 'Rohmad' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'CONFLICT', detail: expect.stringContaining('diubah orang lain') });
    expect(await row(p.id)).toMatchObject({ name: 'Rohmat', version: 2 });
    const missing = await intakeA('PATCH', `/api/v1/residents/${p.id}`, { name: 'Rohmad' });
    expect(missing.statusCode).toBe(422);
    expect(missing.json().errors).toEqual([{ path: 'version', message: expect.any(String) }]);

    const page = await desk.post(`/residents/${p.id}/edit`, { ...form, name: 'Rohmad' });
    expect(page.statusCode).toBe(409);
    expect(page.body).toContain('id="edit-problem"');
    expect(fieldBlock(page.body, 'f-phone')).toContain('0812333444');
    const retry = formFields(page.body, 'person-edit-form');
    expect(retry).toMatchObject({ name: 'Rohmad', phone: '0812111222', version: '2' });
    expect((await row(p.id)).name).toBe('Rohmat');
    const saved = await desk.post(`/residents/${p.id}/edit`, { ...retry, phone: '0812333444' });
    expect(saved.statusCode).toBe(303);
    expect(await row(p.id)).toMatchObject({ name: 'Rohmad', phone: '0812333444', version: 3 });
  });

  it("is 404 for another facility's desk, 403 for Satpol PP; command may correct anyone", async () => {
    const p = await register({ name: 'Sukinah', sex: 'P', estimated_age: 70 });
    expect((await intakeB('PATCH', `/api/v1/residents/${p.id}`, { version: 1, name: 'Sukinem' })).statusCode).toBe(404);
    expect((await otherDesk.get(`/residents/${p.id}/edit`)).statusCode).toBe(404);
    expect((await otherDesk.post(`/residents/${p.id}/edit`, { version: '1', name: 'Sukinem' })).statusCode).toBe(404);
    const sat = await satpol('PATCH', `/api/v1/residents/${p.id}`, { version: 1, name: 'Sukinem' });
    expect(sat.statusCode).toBe(403);
    expect(sat.headers['content-type']).toMatch(/problem\+json/);
    expect((await satpolBrowser.get(`/residents/${p.id}/edit`)).statusCode).toBe(403);
    expect((await satpolBrowser.post(`/residents/${p.id}/edit`, { version: '1', name: 'Sukinem' })).statusCode).toBe(403);
    expect(await row(p.id)).toMatchObject({ name: 'Sukinah', version: 1 });
    const wide = await command('PATCH', `/api/v1/residents/${p.id}`, { version: 1, name: 'Sukinem' });
    expect(wide.statusCode).toBe(200);
    expect((await row(p.id)).name).toBe('Sukinem');
  });

  it('refuses an anonymised record (409) and offers no edit link for it', async () => {
    const p = await register({ name: 'Marsinah', sex: 'P', estimated_age: 31 });
    expect((await admin('POST', `/api/v1/residents/${p.id}/anonymise`, {})).statusCode).toBe(200);
    const version = (await row(p.id)).version;
    const res = await intakeA('PATCH', `/api/v1/residents/${p.id}`, { version, name: 'Marsinah' });
    expect(res.statusCode).toBe(409);
    expect(res.json().detail).toContain('dianonimkan');
    expect((await row(p.id)).name).toBeNull();
    expect((await desk.get(`/residents/${p.id}/edit`)).statusCode).toBe(409);
    expect((await desk.post(`/residents/${p.id}/edit`, { version: String(version), name: 'Marsinah' })).statusCode).toBe(409);
    expect((await desk.get(`/residents/${p.id}`)).body).not.toContain('id="edit-link"');
  });

  it('refuses a merged record (409, naming the survivor); its edit page leads to the survivor', async () => {
    const a = await register({ name: 'Slamet Riyadi', sex: 'L', estimated_age: 50 });
    const b = await register({ name: 'Selamet Riyadi', sex: 'L', estimated_age: 51 });
    expect((await command('POST', `/api/v1/residents/${a.id}/merge`, { other: b.id, reason: 'orang yang sama' })).statusCode).toBe(200);
    const res = await intakeA('PATCH', `/api/v1/residents/${b.id}`, { version: (await row(b.id)).version, alias: 'Met' });
    expect(res.statusCode).toBe(409);
    expect(res.json().detail).toContain(a.resident_code);
    const page = await desk.get(`/residents/${b.id}/edit`);
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe(`/residents/${a.id}/edit`);
  });
});
