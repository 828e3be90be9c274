import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { write, type Db } from '../../src/db/client.ts';
import { alerts, auditEvents, referralPersons, referrals, stays, units } from '../../src/db/schema/index.ts';
import { loadUnitOccupancy } from '../../src/domain/occupancy/compute.ts';
import { expireReferrals } from '../../src/domain/referrals/index.ts';
import { hubFor, type HubEvent } from '../../src/domain/events.ts';
import { raiseNothingFits } from '../../src/domain/referrals/route-person.ts';
import { makeTestApp } from '../helpers/app.ts';
import { makeFacility, makeToken, makeUnit, makeUser, type Facility, type Unit } from '../helpers/factories.ts';
import { bearer, signedIn, type Browser, type Call } from '../helpers/session.ts';

// A woman born 12/05/1994 in Jakarta Pusat; each registration gets its own serial (a NIK is one person's).
let serial = 0;
const nextNik = () => `317101520594${String(++serial).padStart(4, '0')}`;
let NIK = '';
const ADDRESS = 'Jl. Kemayoran Gempol No. 12';

describe('referrals: each step, its effect on held and occupied places, expiry, scope', () => {
  let app: FastifyInstance;
  let db: Db;
  let tps: Facility;
  let balai: Facility;
  let other: Facility;
  let tpsFamily: Unit;
  let balaiFamily: Unit;
  let tpsIntake: Call;
  let tpsManager: Call;
  let balaiManager: Call;
  let balaiIntake: Call;
  let otherManager: Call;
  let command: Call;
  let satpol: Call;
  let events: HubEvent[] = [];

  const unit = async (id: string) => (await loadUnitOccupancy(db, { unitId: id }))[0]!;

  async function register(call: Call, persons: Record<string, unknown>[]) {
    const res = await call('POST', '/api/v1/residents', { persons, confirm_new: true });
    if (res.statusCode !== 201) throw new Error(`intake failed: ${res.statusCode} ${res.body}`);
    return (res.json() as { persons: { id: string; resident_code: string }[] }).persons;
  }

  /** A pregnant woman and her 3-year-old, registered and checked in together at the TPS. */
  async function motherAndChild() {
    NIK = nextNik();
    const [mother, child] = await register(tpsIntake, [
      { name: 'Siti Aminah', sex: 'P', birth_date: '1994-05-12', nik: NIK, ktp_address: ADDRESS, pregnant: true, pregnancy_weeks: 30 },
      { name: 'Bagas', sex: 'L', estimated_age: 3 },
    ]);
    const res = await tpsIntake('POST', '/api/v1/stays', { person_ids: [mother!.id, child!.id], unit_id: tpsFamily.id });
    expect(res.statusCode).toBe(201);
    return { mother: mother!, child: child! };
  }

  async function propose(personId: string, to = balai.id, call = tpsIntake) {
    return await call('POST', '/api/v1/referrals', { person_id: personId, to_facility_id: to, reason: 'Ibu hamil 30 minggu dengan anak balita' });
  }

  beforeAll(async () => {
    ({ app, db } = await makeTestApp());
    tps = await makeFacility(db, { kind: 'TPS', wilayahCode: '31.71', services: ['medical'], lat: -6.18, lng: 106.87 });
    balai = await makeFacility(db, { kind: 'BALAI', wilayahCode: '31.74', services: ['maternity', 'early_childhood', 'medical'], lat: -6.25, lng: 106.79 });
    other = await makeFacility(db, { kind: 'BALAI', wilayahCode: '31.75', services: ['elderly'] });
    await makeUnit(db, tps.id, { admits: 'male', capacity: 20 });
    await makeUnit(db, tps.id, { admits: 'female', capacity: 20 });
    tpsFamily = await makeUnit(db, tps.id, { admits: 'family', capacity: 30 });
    balaiFamily = await makeUnit(db, balai.id, { name: 'Wisma Melati', admits: 'family', capacity: 6, features: ['maternity', 'crib'], bedLabelPattern: 'M-{n}' });
    await makeUnit(db, balai.id, { name: 'Wisma Mawar', admits: 'female', capacity: 4 });
    await makeUnit(db, other.id, { admits: 'any', capacity: 10 });
    tpsIntake = bearer(app, await makeToken(db, 'intake', { facility: tps.id }));
    tpsManager = bearer(app, await makeToken(db, 'manager', { facility: tps.id }));
    balaiManager = bearer(app, await makeToken(db, 'manager', { facility: balai.id }));
    balaiIntake = bearer(app, await makeToken(db, 'intake', { facility: balai.id }));
    otherManager = bearer(app, await makeToken(db, 'manager', { facility: other.id }));
    command = bearer(app, await makeToken(db, 'command'));
    satpol = bearer(app, await makeToken(db, 'satpol', { wilayah: '31.71' }));
    hubFor(db).subscribe((e) => {
      events.push(e);
    });
  });
  afterAll(async () => app.close());
  beforeEach(async () => {
    events = [];
    // Each test starts with the balai's places free: close what earlier tests left open.
    await write(db, async (tx) => {
      await tx.run(sql`update referrals set status = 'CANCELLED' where status in ('PROPOSED','ACCEPTED','IN_TRANSIT')`);
      await tx.run(sql`update referral_persons set open = 0`);
      await tx.run(sql`update stays set checked_out_at = '2000-01-01T00:00:00.000Z', outcome = 'other' where checked_out_at is null and facility_id = ${balai.id}`);
    });
  });

  it('routes the household to the balai with reasons (GET /api/v1/routing)', async () => {
    const { mother, child } = await motherAndChild();
    const res = await tpsIntake('GET', `/api/v1/routing?person_id=${mother.id}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.persons.map((p: { id: string }) => p.id).sort()).toEqual([mother.id, child.id].sort());
    expect(body.places).toBe(2);
    expect(body.needs).toEqual(['pregnant', 'early_childhood']);
    expect(body.destinations[0].facility.id).toBe(balai.id);
    expect(body.destinations[0].unit.id).toBe(balaiFamily.id);
    expect(body.destinations[0].reasons.map((r: { message: string }) => r.message)).toContain('memberi perawatan ibu hamil');
    const passedTps = body.passed_over.find((p: { facility: { id: string } }) => p.facility.id === tps.id);
    expect(passedTps.reasons[0].code).toBe('routing.passed.origin');
    expect(body.nothing_fits).toBe(false);
    expect(body.needed).toBe(true); // in a TPS, which gives no maternity care
    expect((await tpsIntake('GET', '/api/v1/routing')).statusCode).toBe(422);
    expect((await otherManager('GET', `/api/v1/routing?person_id=${mother.id}`)).statusCode).toBe(404);
  });

  it('proposes, accepts, departs and arrives: places held from the proposal, taken at arrival, released at the origin', async () => {
    const { mother, child } = await motherAndChild();
    const tpsBefore = await unit(tpsFamily.id);
    const balaiBefore = await unit(balaiFamily.id);
    expect(balaiBefore.held).toBe(0);

    const proposed = await propose(mother.id);
    expect(proposed.statusCode).toBe(201);
    const r = proposed.json().referral;
    expect(r.status).toBe('PROPOSED');
    expect(r.places).toBe(2);
    expect(r.to_unit.id).toBe(balaiFamily.id);
    expect(r.persons.map((p: { id: string }) => p.id).sort()).toEqual([mother.id, child.id].sort());
    expect(JSON.stringify(r)).not.toContain(NIK);
    expect(JSON.stringify(r)).not.toContain(ADDRESS);
    expect(await unit(balaiFamily.id)).toMatchObject({ held: 2, occupied: balaiBefore.occupied, free: balaiBefore.free - 2 });
    expect(events).toContainEqual({ type: 'referral', referralId: r.id, status: 'PROPOSED', fromFacilityId: tps.id, toFacilityId: balai.id, places: 2 });
    expect(events).toContainEqual({ type: 'occupancy', facilityId: balai.id, unitIds: [balaiFamily.id] });

    const accepted = await balaiManager('POST', `/api/v1/referrals/${r.id}/accept`, {});
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json().referral.status).toBe('ACCEPTED');
    expect((await unit(balaiFamily.id)).held).toBe(2);

    const departed = await tpsIntake('POST', `/api/v1/referrals/${r.id}/depart`, {});
    expect(departed.json().referral.status).toBe('IN_TRANSIT');
    expect((await unit(balaiFamily.id)).held).toBe(2);
    expect((await unit(tpsFamily.id)).occupied).toBe(tpsBefore.occupied); // still counted at the TPS until they arrive

    events = [];
    const arrived = await balaiIntake('POST', `/api/v1/referrals/${r.id}/arrive`, {});
    expect(arrived.statusCode).toBe(200);
    expect(arrived.json().referral.status).toBe('ARRIVED');
    expect(await unit(balaiFamily.id)).toMatchObject({ held: 0, occupied: balaiBefore.occupied + 2 });
    expect((await unit(tpsFamily.id)).occupied).toBe(tpsBefore.occupied - 2);

    const ended = (await db.select().from(stays).where(and(eq(stays.personId, mother.id), eq(stays.facilityId, tps.id))).get())!;
    expect(ended.outcome).toBe('referred');
    expect(ended.checkedOutAt).not.toBeNull();
    const now = (await db.select().from(stays).where(and(eq(stays.personId, mother.id), isNull(stays.checkedOutAt))).get())!;
    expect(now).toMatchObject({ facilityId: balai.id, unitId: balaiFamily.id, referralId: r.id, previousStayId: ended.id });
    expect(now.bedLabel).toMatch(/^M-\d$/);
    // Check-out at the origin and check-in at the destination happened at the same instant.
    expect(now.checkedInAt).toBe(ended.checkedOutAt);

    expect(events.filter((e) => e.type === 'occupancy').map((e) => (e as { facilityId: string }).facilityId).sort()).toEqual([tps.id, balai.id].sort());
    const actions = (await db.select({ action: auditEvents.action }).from(auditEvents).where(and(eq(auditEvents.entity, 'referral'), eq(auditEvents.entityId, r.id))).all()).map((a) => a.action);
    expect(actions).toEqual(['referral.propose', 'referral.accept', 'referral.depart', 'referral.arrive']);
    expect((await db.select().from(referralPersons).where(eq(referralPersons.referralId, r.id)).all()).every((x) => x.open === false)).toBe(true);

    // Placed where her needs are met: routing says so, and nothing fitting elsewhere raises no alert.
    const after = (await balaiManager('GET', `/api/v1/routing?person_id=${mother.id}`)).json();
    expect(after.needed).toBe(false);
    expect(after.nothing_fits).toBe(true);
    expect(await db.select().from(alerts).where(and(eq(alerts.kind, 'nothing_fits'), eq(alerts.subjectId, mother.id))).all()).toEqual([]);

    // A step already taken is a conflict, never a second arrival.
    expect((await balaiIntake('POST', `/api/v1/referrals/${r.id}/arrive`, {})).statusCode).toBe(409);
  });

  it('refusal needs a reason (422), releases the places and sends the person back with the next suggestions; twice raises an alert', async () => {
    const { mother } = await motherAndChild();
    const r1 = (await propose(mother.id)).json().referral;
    expect((await unit(balaiFamily.id)).held).toBe(2);

    const noReason = await balaiManager('POST', `/api/v1/referrals/${r1.id}/refuse`, { reason: '  ' });
    expect(noReason.statusCode).toBe(422);
    expect(noReason.json().errors).toEqual([{ path: 'reason', message: 'Tuliskan alasan penolakan.' }]);
    expect((await unit(balaiFamily.id)).held).toBe(2);

    const refused = await balaiManager('POST', `/api/v1/referrals/${r1.id}/refuse`, { reason: 'Tidak ada bidan jaga minggu ini' });
    expect(refused.statusCode).toBe(200);
    expect(refused.json().referral).toMatchObject({ status: 'REFUSED', refuse_reason: 'Tidak ada bidan jaga minggu ini' });
    expect((await unit(balaiFamily.id)).held).toBe(0);

    // The next suggestions leave out the balai that refused.
    const next = (await tpsIntake('GET', `/api/v1/routing?person_id=${mother.id}`)).json();
    expect(next.destinations.map((d: { facility: { id: string } }) => d.facility.id)).not.toContain(balai.id);
    expect(next.passed_over.find((p: { facility: { id: string } }) => p.facility.id === balai.id).reasons[0].code).toBe('routing.passed.refused');
    expect(next.nothing_fits).toBe(true);

    // A manager may refuse even after accepting; a second refusal tells the command centre.
    const r2 = (await propose(mother.id, balai.id, command)).json().referral;
    await balaiManager('POST', `/api/v1/referrals/${r2.id}/accept`, {});
    events = [];
    expect((await balaiManager('POST', `/api/v1/referrals/${r2.id}/refuse`, { reason: 'Penuh untuk kasus risiko tinggi' })).statusCode).toBe(200);
    const alert = await db.select().from(alerts).where(and(eq(alerts.kind, 'referral_refused_twice'), eq(alerts.subjectId, mother.id))).get();
    expect(alert).toBeDefined();
    expect(alert!.facilityId).toBe(tps.id);
    expect(events).toContainEqual({ type: 'alert', alertId: alert!.id, kind: 'referral_refused_twice', facilityId: tps.id });
  });

  it('cancel releases the held places', async () => {
    const { mother } = await motherAndChild();
    const r = (await propose(mother.id)).json().referral;
    expect((await unit(balaiFamily.id)).held).toBe(2);
    const res = await tpsManager('POST', `/api/v1/referrals/${r.id}/cancel`, { reason: 'Keluarga datang menjemput' });
    expect(res.json().referral.status).toBe('CANCELLED');
    expect((await unit(balaiFamily.id)).held).toBe(0);
    expect((await tpsManager('POST', `/api/v1/referrals/${r.id}/cancel`, {})).statusCode).toBe(409);
  });

  it('a hold that runs out is released by the server, and is seen as expired on the next read', async () => {
    const { mother } = await motherAndChild();
    const r = (await propose(mother.id)).json().referral;
    expect((await unit(balaiFamily.id)).held).toBe(2);
    // The hold is REFERRAL_HOLD_MINUTES from now.
    const row = (await db.select().from(referrals).where(eq(referrals.id, r.id)).get())!;
    const minutes = (Date.parse(row.expiresAt) - Date.parse(row.proposedAt)) / 60_000;
    expect(minutes).toBe(app.config.REFERRAL_HOLD_MINUTES);

    // Not yet due: nothing happens.
    expect(await expireReferrals(db)).toEqual([]);
    await write(db, async (tx) => {
      await tx.update(referrals).set({ expiresAt: new Date(Date.now() - 1000).toISOString() }).where(eq(referrals.id, r.id)).run();
    });
    const expired = await expireReferrals(db);
    expect(expired.map((x) => x.id)).toEqual([r.id]);
    expect((await unit(balaiFamily.id)).held).toBe(0);
    expect((await db.select().from(referrals).where(eq(referrals.id, r.id)).get())!.status).toBe('EXPIRED');
    const audit = (await db.select().from(auditEvents).where(and(eq(auditEvents.entityId, r.id), eq(auditEvents.action, 'referral.expire'))).get())!;
    expect(audit.actorType).toBe('system');
    expect(events).toContainEqual(expect.objectContaining({ type: 'referral', referralId: r.id, status: 'EXPIRED' }));

    // Check on read: an overdue hold is expired by the read that meets it, and cannot be accepted.
    const r2 = (await propose(mother.id)).json().referral;
    await write(db, async (tx) => {
      await tx.update(referrals).set({ expiresAt: new Date(Date.now() - 1000).toISOString() }).where(eq(referrals.id, r2.id)).run();
    });
    expect((await balaiManager('GET', `/api/v1/referrals/${r2.id}`)).json().referral.status).toBe('EXPIRED');
    expect((await balaiManager('POST', `/api/v1/referrals/${r2.id}/accept`, {})).statusCode).toBe(409);

    // In transit, the hold does not run out: the people are on the road.
    const r3 = (await propose(mother.id)).json().referral;
    await balaiManager('POST', `/api/v1/referrals/${r3.id}/accept`, {});
    await tpsIntake('POST', `/api/v1/referrals/${r3.id}/depart`, {});
    await write(db, async (tx) => {
      await tx.update(referrals).set({ expiresAt: new Date(Date.now() - 1000).toISOString() }).where(eq(referrals.id, r3.id)).run();
    });
    expect(await expireReferrals(db)).toEqual([]);
    expect((await unit(balaiFamily.id)).held).toBe(2);
  });

  it('one open referral per person: a second is 409, and the database refuses it too', async () => {
    const { mother, child } = await motherAndChild();
    const first = await propose(mother.id);
    expect(first.statusCode).toBe(201);
    const second = await propose(mother.id, other.id, command);
    expect(second.statusCode).toBe(409);
    expect(second.headers['content-type']).toMatch(/problem\+json/);
    // The child travels with her: no separate referral either.
    expect((await propose(child.id)).statusCode).toBe(409);
    // Even a write that skipped the check meets the partial unique index.
    const stray = (await db.select().from(referrals).where(eq(referrals.id, first.json().referral.id)).get())!;
    await write(db, async (tx) => {
      await tx.insert(referrals).values({ ...stray, id: 'stray-referral', status: 'PROPOSED' }).run();
    });
    await expect(write(db, (tx) => tx.insert(referralPersons).values({ referralId: 'stray-referral', personId: mother.id, open: true }).run())).rejects.toThrow(/UNIQUE/);
    await write(db, async (tx) => {
      await tx.delete(referrals).where(eq(referrals.id, 'stray-referral')).run();
    });
  });

  it('refuses a destination that cannot care for them (422) or has no room (409), and holds nothing', async () => {
    const { mother } = await motherAndChild();
    const unfit = await propose(mother.id, other.id, command);
    expect(unfit.statusCode).toBe(422);
    expect(unfit.json().errors[0].path).toBe('to_facility_id');
    expect(unfit.json().errors[0].message).toContain('perawatan ibu hamil');

    await write(db, async (tx) => {
      await tx.update(units).set({ blocked: 5 }).where(eq(units.id, balaiFamily.id)).run();
    });
    try {
      const full = await propose(mother.id);
      expect(full.statusCode).toBe(409);
      expect(full.json().code).toBe('NO_FREE_PLACE');
    } finally {
      await write(db, async (tx) => {
        await tx.update(units).set({ blocked: 0 }).where(eq(units.id, balaiFamily.id)).run();
      });
    }
    expect(await db.select().from(referrals).where(sql`status = 'PROPOSED'`).all()).toEqual([]);
  });

  it('when nothing fits, says what is missing; the job (not the read) raises it to the command centre once', async () => {
    const [man] = await register(tpsIntake, [{ name: 'Pak Darmo', sex: 'L', estimated_age: 50, needs_medical: true, disabilities: ['fisik'], wheelchair: true }]);
    const first = (await tpsIntake('GET', `/api/v1/routing?person_id=${man!.id}`)).json();
    expect(first.nothing_fits).toBe(true);
    expect(first.missing[0].message).toBe('Tidak ada fasilitas buka yang memberi layanan disabilitas fisik (Bina Daksa).');
    // Reading routing records nothing.
    expect(await db.select().from(alerts).where(and(eq(alerts.kind, 'nothing_fits'), eq(alerts.subjectId, man!.id))).all()).toEqual([]);
    expect(first.alert_id).toBeNull();
    const ids = await raiseNothingFits(db);
    const raised = await db.select().from(alerts).where(and(eq(alerts.kind, 'nothing_fits'), eq(alerts.subjectId, man!.id))).all();
    expect(raised).toHaveLength(1);
    expect(ids).toContain(raised[0]!.id);
    expect(raised[0]!.facilityId).toBe(tps.id);
    expect(events).toContainEqual({ type: 'alert', alertId: raised[0]!.id, kind: 'nothing_fits', facilityId: tps.id });
    // The page now names the open alert; neither it nor the next run raises a second.
    expect((await tpsIntake('GET', `/api/v1/routing?person_id=${man!.id}`)).json().alert_id).toBe(raised[0]!.id);
    expect(await raiseNothingFits(db)).not.toContain(raised[0]!.id);
    expect(await db.select().from(alerts).where(and(eq(alerts.kind, 'nothing_fits'), eq(alerts.subjectId, man!.id))).all()).toHaveLength(1);
  });

  it('scope: the other end may only take its own steps; a third facility does not see the referral', async () => {
    const { mother } = await motherAndChild();
    const r = (await propose(mother.id)).json().referral;
    // Another facility's manager: not found, for reading and acting alike.
    expect((await otherManager('GET', `/api/v1/referrals/${r.id}`)).statusCode).toBe(404);
    expect((await otherManager('POST', `/api/v1/referrals/${r.id}/accept`, {})).statusCode).toBe(404);
    // The sending desk may not accept its own referral; the receiving desk (intake) may not decide.
    expect((await tpsManager('POST', `/api/v1/referrals/${r.id}/accept`, {})).statusCode).toBe(403);
    expect((await balaiIntake('POST', `/api/v1/referrals/${r.id}/accept`, {})).statusCode).toBe(403);
    expect((await tpsIntake('POST', `/api/v1/referrals/${r.id}/accept`, {})).statusCode).toBe(403);
    // The receiving facility does not cancel (it refuses), nor records the departure.
    expect((await balaiManager('POST', `/api/v1/referrals/${r.id}/cancel`, {})).statusCode).toBe(403);
    // Satpol PP never.
    expect((await satpol('GET', `/api/v1/referrals/${r.id}`)).statusCode).toBe(403);
    expect((await satpol('POST', '/api/v1/referrals', { person_id: mother.id, to_facility_id: balai.id, reason: 'x' })).statusCode).toBe(403);
    // Lists are scoped too.
    expect((await otherManager('GET', '/api/v1/referrals')).json().referrals).toEqual([]);
    expect((await balaiManager('GET', '/api/v1/referrals?scope=incoming')).json().referrals.map((x: { id: string }) => x.id)).toContain(r.id);
    // Another facility's desk cannot refer someone it does not hold.
    expect((await propose(mother.id, balai.id, otherManager)).statusCode).toBe(404);
    // The command centre may take any step.
    expect((await command('POST', `/api/v1/referrals/${r.id}/accept`, {})).statusCode).toBe(200);
  });

  it('a repeated POST with the same Idempotency-Key makes one referral', async () => {
    const { mother } = await motherAndChild();
    const body = { person_id: mother.id, to_facility_id: balai.id, reason: 'Ibu hamil' };
    const a = await tpsIntake('POST', '/api/v1/referrals', body, { 'idempotency-key': 'ref-key-0001' });
    const b = await tpsIntake('POST', '/api/v1/referrals', body, { 'idempotency-key': 'ref-key-0001' });
    expect(a.statusCode).toBe(201);
    expect(b.statusCode).toBe(201);
    expect(b.headers['idempotent-replayed']).toBe('true');
    expect(b.json().referral.id).toBe(a.json().referral.id);
    expect((await unit(balaiFamily.id)).held).toBe(2);
  });

  describe('pages', () => {
    let desk: Browser;
    let manager: Browser;
    let commandB: Browser;

    beforeAll(async () => {
      const u1 = await makeUser(db, 'intake', { facilityId: tps.id });
      const u2 = await makeUser(db, 'manager', { facilityId: balai.id });
      const u3 = await makeUser(db, 'command');
      desk = await signedIn(app, u1.username, u1.password);
      manager = await signedIn(app, u2.username, u2.password);
      commandB = await signedIn(app, u3.username, u3.password);
    });

    it('the desk refers with one tap from the suggestions; the manager decides from the inbox, seeing needs but no NIK or address', async () => {
      const { mother } = await motherAndChild();
      const frag = await desk.get(`/residents/${mother.id}/suggestions`, { 'hx-request': 'true', 'hx-request-type': 'partial' });
      expect(frag.statusCode).toBe(200);
      expect(frag.body).not.toContain('<html');
      expect(frag.body).toContain(`id="suggestions-${mother.id}"`);
      expect(frag.body).toContain(`name="to_facility_id" value="${balai.id}"`);
      expect(frag.body).toContain('Rujuk ke sini');

      const sent = await desk.post('/referrals', { person_id: mother.id, to_facility_id: balai.id, unit_id: balaiFamily.id, reason: 'Kebutuhan khusus: Ibu hamil', idempotency_key: 'page-ref-00001' });
      expect(sent.statusCode).toBe(303);
      expect(sent.headers.location).toBe('/referrals');
      expect((await unit(balaiFamily.id)).held).toBe(2);

      const page = await manager.get('/referrals');
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Siti Aminah');
      expect(page.body).toContain('Ibu hamil');
      expect(page.body).toContain('hx-ws:connect="/live/html?region=referrals"');
      expect(page.body).not.toContain(NIK);
      expect(page.body).not.toContain(`3171********${NIK.slice(-4)}`);
      expect(page.body).not.toContain(ADDRESS);
      const id = (await db.select().from(referrals).where(eq(referrals.status, 'PROPOSED')).get())!.id;

      const noReason = await manager.post(`/referrals/${id}/refuse`, { reason: '' });
      expect(noReason.statusCode).toBe(422);
      expect(noReason.body).toContain('Tuliskan alasan penolakan.');

      const accepted = await manager.post(`/referrals/${id}/accept`, {});
      expect(accepted.statusCode).toBe(303);
      expect((await db.select().from(referrals).where(eq(referrals.id, id)).get())!.status).toBe('ACCEPTED');

      // The command centre sees every open referral and its age.
      const all = await commandB.get('/referrals');
      expect(all.body).toContain(`id="ref-${id}"`);
      expect(all.body).toContain('id="alerts"');
    });

    it('speaks English too, with no message left as a key', async () => {
      const { mother } = await motherAndChild();
      const r = (await propose(mother.id)).json().referral;
      await balaiManager('POST', `/api/v1/referrals/${r.id}/refuse`, { reason: 'No midwife this week' });
      const [man] = await register(tpsIntake, [{ name: 'Pak Darmo', sex: 'L', estimated_age: 50, disabilities: ['fisik'], wheelchair: true }]);
      for (const [b, url] of [
        [desk, '/referrals?lang=en'],
        [desk, `/residents/${mother.id}/suggestions?lang=en`],
        [desk, `/residents/${man!.id}/suggestions?lang=en`],
        [commandB, '/referrals?lang=en'],
      ] as const) {
        const res = await b.get(url);
        expect(res.statusCode, url).toBe(200);
        // A message key shows itself when its translation is missing.
        const key = /\b(referrals|routing)\.(?!css\b)[a-z_]+/.exec(res.body);
        expect(key ? res.body.slice(key.index - 60, key.index + 40) : null, url).toBeNull();
      }
      const page = await desk.get(`/residents/${man!.id}/suggestions?lang=en`);
      expect(page.body).toContain('No facility can take them now.');
      expect(page.body).toContain('No open facility gives physical disability care (Bina Daksa).');
      expect(page.body).toContain('The command centre will be told within a minute.');
    });

    it('a refused person comes back on the desk\'s list with the next suggestions', async () => {
      const { mother } = await motherAndChild();
      const r = (await propose(mother.id)).json().referral;
      await balaiManager('POST', `/api/v1/referrals/${r.id}/refuse`, { reason: 'Sedang renovasi' });
      const page = await desk.get('/referrals');
      expect(page.body).toContain('Sedang renovasi');
      expect(page.body).toContain(`hx-get="/residents/${mother.id}/suggestions"`);
    });
  });
});
