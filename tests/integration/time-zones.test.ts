import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { eq } from 'drizzle-orm';
import { write, type Db } from '../../src/db/client.ts';
import { stays } from '../../src/db/schema/index.ts';
import { censusReport, makeRange, ALL_FACILITIES } from '../../src/domain/reports/index.ts';
import { makeTestApp } from '../helpers/app.ts';
import { makeFacility, makeToken, makeUnit, makeUser } from '../helpers/factories.ts';
import { bearer, signedIn, type Call } from '../helpers/session.ts';

/** A facility in a province, its intake desk, and one person checked in there. */
async function placeOne(app: FastifyInstance, db: Db, wilayahCode: string, name: string) {
  const facility = await makeFacility(db, { kind: 'TPS', wilayahCode });
  await makeUnit(db, facility.id, { name: 'Zona Umum', capacity: 10 });
  const intake: Call = bearer(app, await makeToken(db, 'intake', { facility: facility.id }));
  const reg = await intake('POST', '/api/v1/residents', { persons: [{ name, sex: 'L', estimated_age: 40 }], confirm_new: true });
  expect(reg.statusCode, reg.body).toBe(201);
  const personId = (reg.json() as { persons: { id: string }[] }).persons[0]!.id;
  const res = await intake('POST', '/api/v1/stays', { person_ids: [personId] });
  expect(res.statusCode, res.body).toBe(201);
  const stay = (res.json() as { stays: { id: string; checked_in_at: string }[] }).stays[0]!;
  return { facility, intake, personId, stay };
}

describe('times in the zone of the facility they belong to (WIB, WITA, WIT)', () => {
  let app: FastifyInstance;
  let db: Db;
  let bali: Awaited<ReturnType<typeof placeOne>>;
  let papua: Awaited<ReturnType<typeof placeOne>>;
  let jakarta: Awaited<ReturnType<typeof placeOne>>;

  beforeAll(async () => {
    ({ app, db } = await makeTestApp());
    bali = await placeOne(app, db, '51.71', 'Made Denpasar');
    papua = await placeOne(app, db, '91.71', 'Yonas Jayapura');
    jakarta = await placeOne(app, db, '31.71', 'Budi Menteng');
  });
  afterAll(async () => app.close());

  it('serves a stay’s times with its facility’s offset: +08:00 in Bali, +09:00 in Papua, +07:00 in Jakarta', async () => {
    expect(bali.stay.checked_in_at).toMatch(/\+08:00$/);
    expect(papua.stay.checked_in_at).toMatch(/\+09:00$/);
    expect(jakarta.stay.checked_in_at).toMatch(/\+07:00$/);
    // The same instant, only written in another zone.
    const stored = (await db.select().from(stays).where(eq(stays.id, bali.stay.id)).get())!;
    expect(Date.parse(bali.stay.checked_in_at)).toBe(Date.parse(stored.checkedInAt));

    const person = await bali.intake('GET', `/api/v1/residents/${bali.personId}`);
    expect(person.statusCode).toBe(200);
    const served = JSON.stringify(person.json());
    expect(served).toMatch(/"checked_in_at":"[^"]+\+08:00"/);

    const out = await papua.intake('POST', `/api/v1/stays/${papua.stay.id}/discharge`, { outcome: 'left' });
    expect(out.statusCode, out.body).toBe(200);
    expect(out.json().stay.checked_out_at).toMatch(/\+09:00$/);
  });

  it('serves a facility’s own times in its zone', async () => {
    const admin = bearer(app, await makeToken(db, 'admin'));
    const f = await admin('GET', `/api/v1/facilities/${bali.facility.id}`);
    expect(f.statusCode).toBe(200);
    expect(f.json().created_at).toMatch(/\+08:00$/);
    expect(f.json().people?.[0]?.checked_in_at ?? '+08:00').toMatch(/\+08:00$/);
    expect((await admin('GET', `/api/v1/facilities/${papua.facility.id}`)).json().updated_at).toMatch(/\+09:00$/);
    expect((await admin('GET', `/api/v1/facilities/${jakarta.facility.id}`)).json().updated_at).toMatch(/\+07:00$/);
  });

  it('shows people the time with the zone’s name on the facility page', async () => {
    const user = await makeUser(db, 'manager', { facilityId: bali.facility.id });
    const browser = await signedIn(app, user.username, user.password);
    const page = await browser.get(`/facilities/${bali.facility.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/\d{2}\/\d{2}\/\d{4} \d{2}:\d{2} WITA/);
    expect(page.body).not.toMatch(/\d{2}:\d{2} WIB\b/);

    const jkt = await makeUser(db, 'manager', { facilityId: jakarta.facility.id });
    const jb = await signedIn(app, jkt.username, jkt.password);
    const jpage = await jb.get(`/facilities/${jakarta.facility.id}`);
    expect(jpage.body).toMatch(/\d{2}:\d{2} WIB\b/);
    expect(jpage.body).not.toMatch(/\d{2}:\d{2} WITA/);
  });

  it('counts a check-in on the facility’s local day in the daily census', async () => {
    // Bali: 23:30 WITA on 2 March (15:30 UTC) and 00:30 WITA on 3 March (16:30 UTC, still 2 March in Jakarta).
    // Papua: 00:30 WIT on 3 March (15:30 UTC: 22:30 WIB on 2 March). Jakarta: 23:30 WIB on 2 March (16:30 UTC).
    const late = await placeOne(app, db, '51.71', 'Ketut Larut');
    await write(db, async (tx) => {
      await tx.update(stays).set({ checkedInAt: '2026-03-02T15:30:00.000Z' }).where(eq(stays.id, late.stay.id)).run();
    });
    const reg = await late.intake('POST', '/api/v1/residents', { persons: [{ name: 'Wayan Subuh', sex: 'L', estimated_age: 30 }], confirm_new: true });
    const second = (reg.json() as { persons: { id: string }[] }).persons[0]!.id;
    const placed = await late.intake('POST', '/api/v1/stays', { person_ids: [second] });
    expect(placed.statusCode, placed.body).toBe(201);
    const papuaLate = await placeOne(app, db, '91.71', 'Marthen Subuh');
    const jakartaLate = await placeOne(app, db, '31.71', 'Joko Larut');
    await write(db, async (tx) => {
      await tx.update(stays).set({ checkedInAt: '2026-03-02T16:30:00.000Z' }).where(eq(stays.id, (placed.json() as { stays: { id: string }[] }).stays[0]!.id)).run();
      await tx.update(stays).set({ checkedInAt: '2026-03-02T15:30:00.000Z' }).where(eq(stays.id, papuaLate.stay.id)).run();
      await tx.update(stays).set({ checkedInAt: '2026-03-02T16:30:00.000Z' }).where(eq(stays.id, jakartaLate.stay.id)).run();
    });

    const census = await censusReport({ db, range: makeRange('2026-03-02', '2026-03-03'), scope: ALL_FACILITIES });
    const row = (id: string) => census.facilities.find((f) => f.facility.id === id)!;
    // Bali: one arrival on 2 March (23:30 WITA), one on 3 March (00:30 WITA) — not both on 2 March as WIB would count.
    expect(row(late.facility.id).days.map((d) => d.in)).toEqual([1, 1]);
    expect(row(late.facility.id).days.map((d) => d.present)).toEqual([1, 2]);
    // Papua: 00:30 WIT is 3 March there.
    expect(row(papuaLate.facility.id).days.map((d) => d.in)).toEqual([0, 1]);
    // Jakarta: 23:30 WIB is 2 March.
    expect(row(jakartaLate.facility.id).days.map((d) => d.in)).toEqual([1, 0]);
    // The total adds each facility's local days.
    expect(census.total.days.map((d) => d.in)).toEqual([2, 2]);
  });
});

describe('a handoff time typed without an offset is the operation’s local time', () => {
  let app: FastifyInstance;
  let db: Db;
  beforeAll(async () => {
    ({ app, db } = await makeTestApp());
  });
  afterAll(async () => app.close());

  /** The wall clock of `ms` in a zone, as a phone's datetime-local gives it (no offset). */
  const wall = (ms: number, offsetHours: number) => new Date(ms + offsetHours * 3600_000).toISOString().slice(0, 16);

  it('reads 08:30 typed in Denpasar as 08:30 WITA, and refuses an hour ahead of now there', async () => {
    const tps = await makeFacility(db, { kind: 'TPS', wilayahCode: '51.71' });
    await makeUnit(db, tps.id, { capacity: 10 });
    const satpol = bearer(app, await makeToken(db, 'satpol', { wilayah: '51.71' }));
    const body = (at: string) => ({
      operation: { number: `SPT/${at}`, at, place: 'Pantai Kuta', wilayah_code: '51.71', leader_name: 'I Made Arta' },
      facility_id: tps.id,
      persons: [{ name: 'Ketut', sex: 'L', approx_age: 50 }],
    });
    // Half an hour ago on a Bali clock: read as WIB it would lie half an hour in the future and be refused.
    const instant = Date.now() - 30 * 60_000;
    const ok = await satpol('POST', '/api/v1/handoffs', body(wall(instant, 8)));
    expect(ok.statusCode, ok.body).toBe(201);
    const stored = ok.json() as { operation: { at: string } };
    expect(stored.operation.at).toMatch(/\+08:00$/);
    expect(Math.abs(Date.parse(stored.operation.at) - instant)).toBeLessThan(60_000);
    // An hour ahead of a Bali clock is in the future.
    const ahead = await satpol('POST', '/api/v1/handoffs', body(wall(Date.now() + 60 * 60_000, 8)));
    expect(ahead.statusCode).toBe(422);
    expect(ahead.json().errors).toEqual([{ path: 'operation.at', message: 'Waktu operasi tidak boleh di masa depan.' }]);
  });
});
