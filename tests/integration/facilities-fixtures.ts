import { randomUUID } from 'node:crypto';
import { count, eq } from 'drizzle-orm';
import { write, type Db } from '../../src/db/client.ts';
import { auditEvents, facilities, persons, referrals, stays, unitChanges, units, type ReferralStatus } from '../../src/db/schema/index.ts';
import { nowIso } from '../../src/lib/time.ts';

/**
 * Rows the facility tests need from other areas (intake, referrals), written
 * straight into their tables: the facility rules must hold whatever made them.
 */
export async function insertStay(db: Db, facilityId: string, unitId: string, o: { name?: string; description?: string; code?: string; bed?: string } = {}) {
  const personId = randomUUID();
  const now = nowIso();
  const residentCode = o.code ?? `SGH-${randomUUID().slice(0, 6).toUpperCase()}`;
  const stayId = randomUUID();
  await write(db, async (tx) => {
    await tx
      .insert(persons)
      .values({ id: personId, residentCode, name: o.name ?? null, description: o.description ?? null, sex: 'P', createdAt: now, updatedAt: now })
      .run();
    await tx.insert(stays).values({ id: stayId, personId, facilityId, unitId, bedLabel: o.bed ?? null, checkedInAt: now }).run();
  });
  return { personId, stayId, residentCode };
}

export async function checkOut(db: Db, stayId: string) {
  await write(db, async (tx) => {
    await tx.update(stays).set({ checkedOutAt: nowIso(), outcome: 'reunited' }).where(eq(stays.id, stayId)).run();
  });
}

export async function insertReferral(db: Db, toFacilityId: string, toUnitId: string, places: number, status: ReferralStatus = 'ACCEPTED') {
  const id = randomUUID();
  const now = nowIso();
  await write(db, async (tx) => {
    await tx
      .insert(referrals)
      .values({ id, toFacilityId, toUnitId, reason: 'butuh layanan ibu hamil', status, places, proposedAt: now, expiresAt: now })
      .run();
  });
  return id;
}

export async function setReferralStatus(db: Db, id: string, status: ReferralStatus) {
  await write(db, async (tx) => {
    await tx.update(referrals).set({ status }).where(eq(referrals.id, id)).run();
  });
}

export const countAudit = async (db: Db, action?: string) =>
  (await db.select({ n: count() }).from(auditEvents).where(action ? eq(auditEvents.action, action) : undefined).get())!.n;
export const countFacilities = async (db: Db) => (await db.select({ n: count() }).from(facilities).get())!.n;
export const countUnits = async (db: Db) => (await db.select({ n: count() }).from(units).get())!.n;
export const unitRow = async (db: Db, id: string) => (await db.select().from(units).where(eq(units.id, id)).get())!;
export const facilityRow = async (db: Db, id: string) => (await db.select().from(facilities).where(eq(facilities.id, id)).get())!;
export const changesOf = async (db: Db, unitId: string) => await db.select().from(unitChanges).where(eq(unitChanges.unitId, unitId)).orderBy(unitChanges.id).all();

/** A JSON body, asserting the problem+json shape of an error. */
export function problem(res: { statusCode: number; headers: Record<string, unknown>; body: string }) {
  const body = JSON.parse(res.body) as { type: string; title: string; status: number; detail: string; errors?: { path: string; message: string }[] };
  if (!String(res.headers['content-type']).includes('application/problem+json')) throw new Error(`not problem+json: ${res.headers['content-type']}`);
  return body;
}

export const fieldError = (body: Awaited<ReturnType<typeof problem>>, path: string) => body.errors?.find((e) => e.path === path)?.message;
