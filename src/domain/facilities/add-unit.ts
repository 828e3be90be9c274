import { and, eq, sql } from 'drizzle-orm';
import { write, type Db } from '../../db/client.ts';
import { unitChanges, units } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { audit } from '../audit.ts';
import { invalidField } from '../errors.ts';
import { parseInput } from '../validate.ts';
import { newId } from '../../lib/ids.ts';
import { nowIso } from '../../lib/time.ts';
import { hubFor } from '../events.ts';
import { AddUnitInput } from './inputs.ts';
import { loadManagedFacility, type UnitRow } from './load.ts';

/**
 * Adds a unit (a room, zone or group of slots) to a facility: admin, or that
 * facility's manager. Its first capacity opens its history. The demo seed
 * calls this too.
 */
export async function addUnit(args: { db: Db; actor: Actor; facilityId: string; input: unknown }): Promise<UnitRow> {
  const input = parseInput(AddUnitInput, args.input, args.actor.lang);
  const unit = await write(args.db, async (tx) => {
    const facility = await loadManagedFacility(tx, args.actor, args.facilityId);
    const sameName = await tx
      .select({ id: units.id })
      .from(units)
      .where(and(eq(units.facilityId, facility.id), sql`lower(${units.name}) = lower(${input.name})`))
      .get();
    if (sameName) throw invalidField('name', 'facilities.unit_name_taken');
    const last = await tx
      .select({ max: sql<number | null>`max(${units.sortOrder})` })
      .from(units)
      .where(eq(units.facilityId, facility.id))
      .get();
    const now = nowIso();
    const row = {
      id: newId(),
      facilityId: facility.id,
      name: input.name,
      capacity: input.capacity,
      blocked: 0,
      blockReason: null,
      admits: input.admits,
      features: [...new Set(input.features)],
      status: 'AVAILABLE',
      statusReason: null,
      bedLabelPattern: input.bed_label_pattern ?? null,
      sortOrder: input.sort_order ?? (last?.max ?? 0) + 1,
      createdAt: now,
      version: 1,
      // Counters the database keeps (triggers on stays and referrals): a new unit has nobody yet.
      occupied: 0,
      held: 0,
      // Stamped by the same triggers with the occupancy version this insert raises.
      changeVersion: 0,
    } satisfies UnitRow;
    await tx.insert(units).values(row).run();
    await tx.insert(unitChanges)
      .values({ unitId: row.id, at: now, byUserId: args.actor.id, field: 'created', fromValue: null, toValue: String(row.capacity), reason: null })
      .run();
    await audit(tx, args.actor, {
      action: 'unit.create',
      entity: 'unit',
      entityId: row.id,
      at: now,
      detail: { facility_id: facility.id, name: row.name, capacity: row.capacity, admits: row.admits, features: row.features },
    });
    // Announced with the change itself: heard once it is committed, never for a rollback.
    hubFor(tx).publish({ type: 'occupancy', facilityId: row.facilityId, unitIds: [row.id] });
    return row;
  });
  return unit;
}
