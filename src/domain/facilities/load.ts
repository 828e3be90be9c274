import { eq } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import { facilities, units } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { assertCanManageFacility, assertCanSeeFacility } from '../access.ts';
import { conflict, notFound } from '../errors.ts';

export type FacilityRow = typeof facilities.$inferSelect;
export type UnitRow = typeof units.$inferSelect;

/** A facility this actor may see; unknown and hidden alike are "not found". */
export async function loadVisibleFacility(db: Db | Tx, actor: Actor, id: string): Promise<FacilityRow> {
  const row = await db.select().from(facilities).where(eq(facilities.id, id)).get();
  if (!row) throw notFound();
  assertCanSeeFacility(actor, row);
  return row;
}

/** A facility whose units this actor may change: admin, or that facility's manager (403 for another's). */
export async function loadManagedFacility(db: Db | Tx, actor: Actor, id: string): Promise<FacilityRow> {
  const row = await db.select().from(facilities).where(eq(facilities.id, id)).get();
  if (!row) throw notFound();
  assertCanManageFacility(actor, row);
  return row;
}

/** A unit and its facility, when this actor may change them. */
export async function loadManagedUnit(db: Db | Tx, actor: Actor, unitId: string): Promise<{ unit: UnitRow; facility: FacilityRow }> {
  const unit = await db.select().from(units).where(eq(units.id, unitId)).get();
  if (!unit) throw notFound();
  const facility = await loadManagedFacility(db, actor, unit.facilityId);
  return { unit, facility };
}

/** Optimistic concurrency: the caller read version N; the row must still be at N. */
export function assertVersion(current: number, sent: number | undefined): void {
  if (sent !== undefined && sent !== current) throw conflict('facilities.stale', { version: current });
}

/**
 * A unit and its facility, when this actor may see the facility (the unit's
 * page and GET /api/v1/units/:id). An unknown unit, or one whose facility is
 * hidden from the actor, is "not found" alike.
 */
export async function loadVisibleUnit(db: Db | Tx, actor: Actor, unitId: string): Promise<{ unit: UnitRow; facility: FacilityRow }> {
  const unit = await db.select().from(units).where(eq(units.id, unitId)).get();
  if (!unit) throw notFound();
  const facility = await loadVisibleFacility(db, actor, unit.facilityId);
  return { unit, facility };
}

/**
 * A facility's name and code, as a page heading names it (the home page's
 * "your facility"); undefined when there is no such facility. No access
 * check: callers pass the actor's own facility.
 */
export async function facilityNameAndCode(db: Db | Tx, facilityId: string): Promise<{ name: string; code: string } | undefined> {
  return await db.select({ name: facilities.name, code: facilities.code }).from(facilities).where(eq(facilities.id, facilityId)).get();
}
