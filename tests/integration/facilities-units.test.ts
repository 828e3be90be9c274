import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { desc, eq } from 'drizzle-orm';
import type { Db } from '../../src/db/client.ts';
import { auditEvents } from '../../src/db/schema/index.ts';
import { hubFor, type HubEvent } from '../../src/domain/events.ts';
import { makeTestApp } from '../helpers/app.ts';
import { makeFacility, makeToken, makeUnit, makeUser, type Facility } from '../helpers/factories.ts';
import { bearer, signedIn, type Call } from '../helpers/session.ts';
import { changesOf, countAudit, countUnits, fieldError, insertReferral, insertStay, problem, unitRow } from './facilities-fixtures.ts';

/** Units through the API: capacity, blocked places, status, history, and the places in use they must respect. */
describe('units API', () => {
  let app: FastifyInstance;
  let db: Db;
  let facility: Facility;
  let manager: Call;
  let managerUserId: string;
  let managerBrowser: Awaited<ReturnType<typeof signedIn>>;

  beforeAll(async () => {
    ({ app, db } = await makeTestApp());
    facility = await makeFacility(db, { kind: 'BALAI', name: 'Balai Ibu dan Anak' });
    manager = bearer(app, await makeToken(db, 'manager', { facility: facility.id }));
    const user = await makeUser(db, 'manager', { facilityId: facility.id });
    managerUserId = user.id;
    managerBrowser = await signedIn(app, user.username, user.password);
  });
  afterAll(async () => app.close());

  const free = async (unitId: string) => {
    const body = (await bearer(app, await makeToken(db, 'command'))('GET', '/api/v1/occupancy')).json();
    for (const f of body.facilities) for (const u of f.units) if (u.id === unitId) return u.free as number;
    throw new Error('unit not in occupancy');
  };

  describe('add a unit', () => {
    it("the facility's manager adds a unit; its first capacity opens its history", async () => {
      const res = await manager('POST', `/api/v1/facilities/${facility.id}/units`, {
        name: 'Wisma Melati',
        capacity: 12,
        admits: 'female',
        features: ['maternity', 'crib'],
        bed_label_pattern: 'M-{n}',
      });
      expect(res.statusCode).toBe(201);
      const unit = res.json();
      expect(unit).toMatchObject({ name: 'Wisma Melati', capacity: 12, blocked: 0, admits: 'female', features: ['maternity', 'crib'], status: 'AVAILABLE', bed_label_pattern: 'M-{n}', version: 1 });
      expect(unit.occupancy).toMatchObject({ usable: 12, free: 12, free_by_feature: { maternity: 12, crib: 12 } });
      expect(res.headers.location).toBe(`/api/v1/units/${unit.id}`);
      expect(await changesOf(db, unit.id)).toMatchObject([{ field: 'created', toValue: '12', fromValue: null }]);
      const event = (await db.select().from(auditEvents).where(eq(auditEvents.entityId, unit.id)).get())!;
      expect(event.action).toBe('unit.create');
    });

    it.each([
      ['a negative capacity', { capacity: -3 }, 'capacity', 'Kapasitas minimal 1. Untuk menutup unit, ubah statusnya.'],
      ['a zero capacity', { capacity: 0 }, 'capacity', 'Kapasitas minimal 1. Untuk menutup unit, ubah statusnya.'],
      ['an absurd capacity', { capacity: 100000 }, 'capacity', 'Paling banyak 1000 tempat per unit; bagi ruang besar menjadi beberapa zona.'],
      ['a fractional capacity', { capacity: 2.5 }, 'capacity', 'Isian tidak sah.'],
      ['a capacity that is not a number', { capacity: 'sepuluh' }, 'capacity', 'Isian tidak sah.'],
      ['no capacity', { capacity: undefined }, 'capacity', 'Wajib diisi.'],
      ['no name', { name: '' }, 'name', 'Wajib diisi.'],
      ['an unknown admits', { admits: 'anak' }, 'admits', 'Isian tidak sah.'],
      ['an unknown feature', { features: ['jacuzzi'] }, 'features.0', 'Isian tidak sah.'],
      ['a bed label scheme without {n}', { bed_label_pattern: 'Kasur' }, 'bed_label_pattern', 'Pola harus memuat {n} tepat satu kali, mis. M-{n}.'],
    ])('refuses %s with a field message and adds nothing', async (_label, patch, path, message) => {
      const before = await countUnits(db);
      const auditBefore = await countAudit(db);
      const res = await manager('POST', `/api/v1/facilities/${facility.id}/units`, { name: 'Zona Uji', capacity: 5, ...patch });
      expect(res.statusCode).toBe(422);
      expect(fieldError(problem(res), path)).toBe(message);
      expect(await countUnits(db)).toBe(before);
      expect(await countAudit(db)).toBe(auditBefore);
    });

    it('refuses a second unit of the same name in the facility', async () => {
      await makeUnit(db, facility.id, { name: 'Kamar 12' });
      const res = await manager('POST', `/api/v1/facilities/${facility.id}/units`, { name: 'kamar 12', capacity: 2 });
      expect(fieldError(problem(res), 'name')).toBe('Nama unit ini sudah ada di fasilitas ini.');
    });

    it("a manager may not add a unit to another facility (403), intake may not at all (403)", async () => {
      const other = await makeFacility(db);
      const before = await countUnits(db);
      expect((await manager('POST', `/api/v1/facilities/${other.id}/units`, { name: 'Kamar X', capacity: 2 })).statusCode).toBe(403);
      const intake = bearer(app, await makeToken(db, 'intake', { facility: facility.id }));
      expect((await intake('POST', `/api/v1/facilities/${facility.id}/units`, { name: 'Kamar Y', capacity: 2 })).statusCode).toBe(403);
      expect(await countUnits(db)).toBe(before);
    });
  });

  describe('change a unit', () => {
    it('blocking places with a reason takes them out of the free count and keeps who, when, from, to and why', async () => {
      const u = await makeUnit(db, facility.id, { capacity: 10 });
      await insertStay(db, facility.id, u.id);
      expect(await free(u.id)).toBe(9);
      const res = await managerBrowser.api('PATCH', `/api/v1/units/${u.id}`, { version: 1, blocked: 2, block_reason: 'Kasur rusak' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ blocked: 2, block_reason: 'Kasur rusak', version: 2, occupancy: { blocked: 2, usable: 8, occupied: 1, free: 7 } });
      expect(await free(u.id)).toBe(7);
      const [change] = await changesOf(db, u.id);
      expect(change).toMatchObject({ field: 'blocked', fromValue: '0', toValue: '2', reason: 'Kasur rusak', byUserId: managerUserId });
      expect(change!.at).toMatch(/^\d{4}-\d\d-\d\dT/);
      const event = (await db.select().from(auditEvents).where(eq(auditEvents.entityId, u.id)).orderBy(desc(auditEvents.id)).get())!;
      expect(event).toMatchObject({ action: 'unit.update', actorId: managerUserId, detail: { changes: { blocked: { from: 0, to: 2 } } } });

      // Unblocking clears the reason and is kept too.
      const back = await managerBrowser.api('PATCH', `/api/v1/units/${u.id}`, { version: 2, blocked: 0 });
      expect(back.json()).toMatchObject({ blocked: 0, block_reason: null });
      expect((await changesOf(db, u.id)).map((c) => [c.field, c.fromValue, c.toValue])).toEqual([['blocked', '0', '2'], ['blocked', '2', '0']]);
    });

    it('tells the live views after a change commits, and says nothing for a refused one', async () => {
      const u = await makeUnit(db, facility.id, { capacity: 10 });
      const heard: HubEvent[] = [];
      const stop = hubFor(db).subscribe((e) => {
        heard.push(e);
      });
      try {
        expect((await manager('PATCH', `/api/v1/units/${u.id}`, { version: 1, capacity: -1 })).statusCode).toBe(422);
        expect((await manager('PATCH', `/api/v1/units/${u.id}`, { version: 9, capacity: 3 })).statusCode).toBe(409);
        expect(heard).toEqual([]);
        expect((await manager('PATCH', `/api/v1/units/${u.id}`, { version: 1, blocked: 1, block_reason: 'Bocor' })).statusCode).toBe(200);
        expect(heard).toEqual([{ type: 'occupancy', facilityId: facility.id, unitIds: [u.id] }]);
      } finally {
        stop();
      }
    });

    it('capacity changes keep their history with the reason given', async () => {
      const u = await makeUnit(db, facility.id, { capacity: 10 });
      const res = await manager('PATCH', `/api/v1/units/${u.id}`, { version: 1, capacity: 14, reason: 'Tambah 4 kasur lipat' });
      expect(res.json()).toMatchObject({ capacity: 14, occupancy: { usable: 14, free: 14 } });
      expect(await changesOf(db, u.id)).toMatchObject([{ field: 'capacity', fromValue: '10', toValue: '14', reason: 'Tambah 4 kasur lipat' }]);
      const history = (await manager('GET', `/api/v1/units/${u.id}`)).json().history;
      expect(history[0]).toMatchObject({ field: 'capacity', from: '10', to: '14', reason: 'Tambah 4 kasur lipat', by: expect.stringMatching(/^token:/) });
    });

    it('capacity cannot drop below the places in use, and the message says how many', async () => {
      const u = await makeUnit(db, facility.id, { capacity: 10 });
      await insertStay(db, facility.id, u.id);
      await insertStay(db, facility.id, u.id);
      await insertStay(db, facility.id, u.id);
      await insertReferral(db, facility.id, u.id, 2, 'ACCEPTED');
      const auditBefore = await countAudit(db);
      const res = await manager('PATCH', `/api/v1/units/${u.id}`, { version: 1, capacity: 4 });
      expect(res.statusCode).toBe(422);
      expect(fieldError(problem(res), 'capacity')).toBe('Kapasitas tidak boleh kurang dari 5 tempat yang sedang terpakai (3 ditempati, 2 ditahan rujukan).');
      expect(await unitRow(db, u.id)).toMatchObject({ capacity: 10, version: 1 });
      expect(await changesOf(db, u.id)).toEqual([]);
      expect(await countAudit(db)).toBe(auditBefore);
      // Exactly the places in use is allowed.
      expect((await manager('PATCH', `/api/v1/units/${u.id}`, { version: 1, capacity: 5 })).json().occupancy).toMatchObject({ free: 0 });
    });

    it('places in use cannot be blocked, and blocked places need a reason', async () => {
      const u = await makeUnit(db, facility.id, { capacity: 6 });
      await insertStay(db, facility.id, u.id);
      await insertReferral(db, facility.id, u.id, 1, 'PROPOSED');
      const tooMany = await manager('PATCH', `/api/v1/units/${u.id}`, { version: 1, blocked: 5, block_reason: 'Renovasi' });
      expect(tooMany.statusCode).toBe(422);
      expect(fieldError(problem(tooMany), 'blocked')).toBe(
        'Paling banyak 4 tempat dapat diblokir: 2 tempat sedang terpakai (1 ditempati, 1 ditahan rujukan).',
      );
      const noReason = await manager('PATCH', `/api/v1/units/${u.id}`, { version: 1, blocked: 1 });
      expect(fieldError(problem(noReason), 'block_reason')).toBe('Sebutkan alasan tempat diblokir.');
      const negative = await manager('PATCH', `/api/v1/units/${u.id}`, { version: 1, blocked: -1, block_reason: 'x' });
      expect(fieldError(problem(negative), 'blocked')).toBe('Tidak boleh negatif.');
      expect(await unitRow(db, u.id)).toMatchObject({ blocked: 0, blockReason: null, version: 1 });
    });

    it('cutting capacity below blocked places plus places in use is refused on the capacity field', async () => {
      const u = await makeUnit(db, facility.id, { capacity: 10, blocked: 4 });
      await insertStay(db, facility.id, u.id);
      const res = await manager('PATCH', `/api/v1/units/${u.id}`, { version: 1, capacity: 4 });
      expect(fieldError(problem(res), 'capacity')).toBe('Kapasitas minimal 5: 1 tempat terpakai dan 4 diblokir.');
      expect((await unitRow(db, u.id)).capacity).toBe(10);
    });

    it('a unit BLOCKED with a reason has no free place; one with people in it cannot be blocked or closed', async () => {
      const empty = await makeUnit(db, facility.id, { capacity: 8, features: ['accessible'] });
      const noReason = await manager('PATCH', `/api/v1/units/${empty.id}`, { version: 1, status: 'BLOCKED' });
      expect(fieldError(problem(noReason), 'status_reason')).toBe('Sebutkan alasan unit diblokir.');
      const blocked = await manager('PATCH', `/api/v1/units/${empty.id}`, { version: 1, status: 'BLOCKED', status_reason: 'Banjir' });
      expect(blocked.json()).toMatchObject({ status: 'BLOCKED', status_reason: 'Banjir', occupancy: { usable: 0, free: 0, free_by_feature: { accessible: 0 } } });
      expect(await changesOf(db, empty.id)).toMatchObject([{ field: 'status', fromValue: 'AVAILABLE', toValue: 'BLOCKED', reason: 'Banjir' }]);
      const closed = await manager('PATCH', `/api/v1/units/${empty.id}`, { version: 2, status: 'CLOSED' });
      expect(closed.json()).toMatchObject({ status: 'CLOSED', occupancy: { capacity: 0 } });
      const reopened = await manager('PATCH', `/api/v1/units/${empty.id}`, { version: 3, status: 'AVAILABLE' });
      expect(reopened.json()).toMatchObject({ status: 'AVAILABLE', status_reason: null, occupancy: { free: 8 } });

      const busy = await makeUnit(db, facility.id, { capacity: 8 });
      await insertStay(db, facility.id, busy.id);
      const refused = await manager('PATCH', `/api/v1/units/${busy.id}`, { version: 1, status: 'CLOSED' });
      expect(fieldError(problem(refused), 'status')).toBe('Unit masih dipakai 1 tempat (1 ditempati, 0 ditahan rujukan); pindahkan mereka dulu.');
      expect((await unitRow(db, busy.id)).status).toBe('AVAILABLE');
    });

    it('a stale version is a 409 and changes nothing', async () => {
      const u = await makeUnit(db, facility.id, { capacity: 10 });
      expect((await manager('PATCH', `/api/v1/units/${u.id}`, { version: 1, capacity: 11 })).statusCode).toBe(200);
      const res = await manager('PATCH', `/api/v1/units/${u.id}`, { version: 1, capacity: 20 });
      expect(res.statusCode).toBe(409);
      expect(problem(res).detail).toBe('Data ini baru saja diubah orang lain. Muat ulang halaman lalu coba lagi.');
      expect(await unitRow(db, u.id)).toMatchObject({ capacity: 11, version: 2 });
      const missing = await manager('PATCH', `/api/v1/units/${u.id}`, { capacity: 20 });
      expect(fieldError(problem(missing), 'version')).toBe('Wajib diisi.');
    });

    it("a manager editing another facility's unit gets a 403 and nothing changes", async () => {
      const other = await makeFacility(db);
      const u = await makeUnit(db, other.id, { capacity: 10 });
      const res = await manager('PATCH', `/api/v1/units/${u.id}`, { version: 1, capacity: 2 });
      expect(res.statusCode).toBe(403);
      expect(problem(res).status).toBe(403);
      expect(await unitRow(db, u.id)).toMatchObject({ capacity: 10, version: 1 });
      expect(await changesOf(db, u.id)).toEqual([]);
    });

    it('command, intake, satpol and display may not change units (403)', async () => {
      const u = await makeUnit(db, facility.id, { capacity: 10 });
      for (const role of ['command', 'intake', 'satpol', 'display'] as const) {
        const call = bearer(app, await makeToken(db, role, role === 'intake' ? { facility: facility.id } : role === 'satpol' ? { wilayah: '31.71' } : {}));
        expect((await call('PATCH', `/api/v1/units/${u.id}`, { version: 1, capacity: 2 })).statusCode).toBe(403);
      }
      expect((await unitRow(db, u.id)).capacity).toBe(10);
    });

    it('an admin may change any unit; an unknown unit is a 404', async () => {
      const other = await makeFacility(db);
      const u = await makeUnit(db, other.id, { capacity: 3 });
      const admin = bearer(app, await makeToken(db, 'admin'));
      expect((await admin('PATCH', `/api/v1/units/${u.id}`, { version: 1, admits: 'family', features: ['elderly'] })).json()).toMatchObject({ admits: 'family', features: ['elderly'] });
      expect((await admin('PATCH', '/api/v1/units/nope', { version: 1, capacity: 3 })).statusCode).toBe(404);
    });
  });
});
