import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { facilities, persons, stays, units } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { canSeeFacility } from '../access.ts';
import { wibDate, nowIso } from '../../lib/time.ts';
import { suggestedUnit, toPlacePerson } from './place.ts';
import { bedLabels, bedsInUse } from './beds.ts';

/**
 * Where a person already placed is, as this desk may be told it, and the
 * next step: at this desk's own facility → the person's record; elsewhere →
 * the facility's name if it is not protected (DOMAIN.md "Confidentiality
 * across facilities"), and the way to bring them here (a referral from
 * there, or the command centre's direct move).
 */
export interface PlacedAt {
  stayId: string;
  here: boolean;
  /** Null when the facility is hidden from the asker. */
  facility: { id: string; name: string } | null;
  unit: string | null;
  next: 'open_record' | 'ask_referral' | 'command_move';
}

export async function wherePlaced(db: Db, actor: Actor, personIds: string[]): Promise<Map<string, PlacedAt>> {
  if (!personIds.length) return new Map();
  const rows = await db
    .select({ personId: stays.personId, stayId: stays.id, facilityId: stays.facilityId, unitName: units.name, fName: facilities.name, protected: facilities.protected, fid: facilities.id })
    .from(stays)
    .innerJoin(facilities, eq(facilities.id, stays.facilityId))
    .innerJoin(units, eq(units.id, stays.unitId))
    .where(and(inArray(stays.personId, personIds), isNull(stays.checkedOutAt)))
    .all();
  const out = new Map<string, PlacedAt>();
  for (const r of rows) {
    const here = actor.facilityId === r.facilityId;
    const visible = canSeeFacility(actor, { id: r.fid, protected: r.protected });
    const wide = actor.role === 'command' || actor.role === 'admin';
    out.set(r.personId, {
      stayId: r.stayId,
      here,
      facility: visible ? { id: r.fid, name: r.fName } : null,
      unit: visible ? r.unitName : null,
      next: here || actor.role === 'admin' ? 'open_record' : wide ? 'command_move' : 'ask_referral',
    });
  }
  return out;
}

/** The unit a check-in here would take for these people (the page's suggestion), with its reason. */
export async function suggestionFor(db: Db, facilityId: string, personIds: string[]) {
  if (!personIds.length) return null;
  const rows = await db.select().from(persons).where(inArray(persons.id, personIds)).all();
  const today = wibDate(nowIso());
  const { choice } = await suggestedUnit(db, facilityId, rows.map((p) => toPlacePerson(p, today)));
  return choice ? { unitId: choice.unit.id, reason: choice.reason } : null;
}

/**
 * The free beds of each unit of a facility that names its beds (a bed label
 * pattern): its labels less those of open stays. Only the units asked for;
 * a unit without a pattern is absent from the answer.
 */
export async function freeBedsByUnit(db: Db, facilityId: string, unitIds: readonly string[]): Promise<Map<string, string[]>> {
  const patterns = new Map(
    (await db
      .all<{ id: string; pattern: string | null; capacity: number }>(sql`select id, bed_label_pattern as pattern, capacity from units where facility_id = ${facilityId}`))
      .map((u) => [u.id, u]),
  );
  const out = new Map<string, string[]>();
  await Promise.all(unitIds.map(async (unitId) => {
    const p = patterns.get(unitId);
    if (!p?.pattern) return;
    const taken = await bedsInUse(db, unitId);
    out.set(unitId, bedLabels(p.pattern, p.capacity).filter((b) => !taken.has(b)));
  }));
  return out;
}

