import { and, eq, ne, sql } from 'drizzle-orm';
import { write, type Db, type Tx } from '../../db/client.ts';
import { unitChanges, units } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { audit } from '../audit.ts';
import { invalidField } from '../errors.ts';
import { parseInput } from '../validate.ts';
import { nowIso } from '../../lib/time.ts';
import { hubFor } from '../events.ts';
import { loadUnitOccupancy } from '../occupancy/compute.ts';
import { UpdateUnitInput } from './inputs.ts';
import { assertVersion, loadManagedUnit, type UnitRow } from './load.ts';

/**
 * Changes a unit (admin, or that facility's manager): capacity, blocked
 * places, status and the rest. Places in use (occupied by open stays plus
 * held by open referrals) are read in the same transaction as the write, so
 * capacity can never be cut below them, nor places blocked that someone
 * holds. Each change of capacity, blocked places or status is kept in the
 * unit's history with who, when, from, to and why.
 */
export async function updateUnit(args: { db: Db; actor: Actor; unitId: string; input: unknown }): Promise<UnitRow> {
  const input = parseInput(UpdateUnitInput, args.input, args.actor.lang);
  const result = await write(args.db, async (tx) => {
    const { unit: current } = await loadManagedUnit(tx, args.actor, args.unitId);
    assertVersion(current.version, input.version);
    const [use] = await loadUnitOccupancy(tx, { unitId: current.id });
    const occupied = use?.occupied ?? 0;
    const held = use?.held ?? 0;
    const inUse = occupied + held;
    const counts = { in_use: inUse, occupied, held };

    const capacity = input.capacity ?? current.capacity;
    const blocked = input.blocked ?? current.blocked;
    const status = input.status ?? current.status;

    // Only a cut is checked: raising capacity or unblocking always helps, even in an overflow.
    const cutsCapacity = capacity < current.capacity;
    const blocksMore = blocked > current.blocked;
    if (cutsCapacity && capacity < inUse) {
      throw invalidField('capacity', 'facilities.capacity_below_in_use', counts);
    }
    if ((cutsCapacity || blocksMore) && blocked > capacity - inUse) {
      if (input.blocked !== undefined) {
        throw invalidField('blocked', 'facilities.blocked_too_many', { ...counts, max: Math.max(0, capacity - inUse) });
      }
      throw invalidField('capacity', 'facilities.capacity_below_blocked', { ...counts, blocked, min: inUse + blocked });
    }
    if (status !== current.status && status !== 'AVAILABLE' && inUse > 0) {
      throw invalidField('status', 'facilities.unit_status_in_use', counts);
    }
    if (input.name !== undefined && input.name !== current.name) await assertUnitNameFree(tx, current, input.name);

    const next: Partial<UnitRow> = {};
    if (input.name !== undefined) next.name = input.name;
    if (input.capacity !== undefined) next.capacity = capacity;
    if (input.blocked !== undefined) {
      next.blocked = blocked;
      next.blockReason = blocked > 0 ? (input.block_reason ?? current.blockReason) : null;
    } else if (input.block_reason !== undefined && current.blocked > 0) {
      next.blockReason = input.block_reason;
    }
    if (input.status !== undefined) {
      next.status = status;
      next.statusReason = status === 'AVAILABLE' ? null : (input.status_reason ?? (status === current.status ? current.statusReason : null));
    }
    if (input.admits !== undefined) next.admits = input.admits;
    if (input.features !== undefined) next.features = [...new Set(input.features)];
    if (input.bed_label_pattern !== undefined) next.bedLabelPattern = input.bed_label_pattern;
    if (input.sort_order !== undefined) next.sortOrder = input.sort_order;

    const changes: Record<string, { from: unknown; to: unknown }> = {};
    for (const [key, to] of Object.entries(next) as [keyof UnitRow, unknown][]) {
      const from = current[key];
      if (JSON.stringify(from) !== JSON.stringify(to)) changes[key] = { from, to };
      else delete next[key];
    }
    if (Object.keys(changes).length === 0) return { unit: current, changed: false };

    const now = nowIso();
    const history = async (field: 'capacity' | 'blocked' | 'status', from: unknown, to: unknown, reason: string | null | undefined) =>
      await tx
        .insert(unitChanges)
        .values({ unitId: current.id, at: now, byUserId: args.actor.id, field, fromValue: String(from), toValue: String(to), reason: reason ?? null })
        .run();
    if (changes.capacity) await history('capacity', current.capacity, capacity, input.reason);
    if (changes.blocked || (changes.blockReason && current.blocked > 0)) await history('blocked', current.blocked, blocked, next.blockReason ?? current.blockReason);
    if (changes.status) await history('status', current.status, status, next.statusReason);

    const updated: UnitRow = { ...current, ...next, version: current.version + 1 };
    await tx.update(units)
      .set({ ...next, version: updated.version })
      .where(and(eq(units.id, current.id), eq(units.version, current.version)))
      .run();
    await audit(tx, args.actor, {
      action: 'unit.update',
      entity: 'unit',
      entityId: current.id,
      at: now,
      detail: { facility_id: current.facilityId, changes, ...(input.reason ? { reason: input.reason } : {}) },
    });
    // Announced with the change itself: heard once it is committed, never for a rollback.
    hubFor(tx).publish({ type: 'occupancy', facilityId: updated.facilityId, unitIds: [updated.id] });
    return { unit: updated, changed: true };
  });
  return result.unit;
}

async function assertUnitNameFree(tx: Tx, unit: UnitRow, name: string): Promise<void> {
  const taken = await tx
    .select({ id: units.id })
    .from(units)
    .where(and(eq(units.facilityId, unit.facilityId), ne(units.id, unit.id), sql`lower(${units.name}) = lower(${name})`))
    .get();
  if (taken) throw invalidField('name', 'facilities.unit_name_taken');
}
