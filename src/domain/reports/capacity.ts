import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import type { UnitStatus } from '../../db/schema/index.ts';
import { dayEndIso, type ReportRange } from './range.ts';
import { inScope, type ReportScope } from './scope.ts';
import { zoneOf, type Zone } from '../../lib/time.ts';

/**
 * Usable places as they were at the end of each day, rebuilt from the
 * history the app keeps: unit_changes (capacity, blocked, status, created)
 * and the facility status changes in the audit log. A facility counts its
 * usable places (capacity − blocked, of units not CLOSED or BLOCKED) only on
 * days it ended OPEN, as the live totals do. Without any history a value is
 * taken as it is now.
 */
export interface Change {
  at: string;
  from: string | null;
  to: string | null;
}

/**
 * The value at instant `t` from a list of changes (sorted by time): the last
 * change at or before t, else the earliest later change's "from", else now.
 */
export function valueAt(changes: readonly Change[], t: string, current: string): string {
  let before: Change | undefined;
  let after: Change | undefined;
  for (const c of changes) {
    if (c.at <= t) before = c;
    else {
      after = c;
      break;
    }
  }
  if (before) return before.to ?? current;
  if (after) return after.from ?? current;
  return current;
}

export interface UnitHistory {
  id: string;
  facilityId: string;
  /** When the unit was created, if recorded: before it, the unit had no places. */
  createdAt: string | null;
  capacity: number;
  blocked: number;
  status: UnitStatus;
  changes: { capacity: Change[]; blocked: Change[]; status: Change[] };
}

export interface FacilityHistory {
  id: string;
  status: string;
  createdAt: string | null;
  createdStatus: string | null;
  changes: Change[];
  /** The facility's zone: its day ends at its local midnight (WIB when left out). */
  zone?: Zone;
}

/** Usable places of one unit at instant t (0 before it existed). */
export function unitUsableAt(u: UnitHistory, t: string): number {
  if (u.createdAt && u.createdAt > t) return 0;
  const capacity = Number(valueAt(u.changes.capacity, t, String(u.capacity)));
  const status = valueAt(u.changes.status, t, u.status) as UnitStatus;
  if (status === 'CLOSED' || status === 'BLOCKED') return 0;
  const blocked = Math.min(capacity, Number(valueAt(u.changes.blocked, t, String(u.blocked))));
  return Math.max(0, capacity - blocked);
}

/** A facility's status at instant t ('NONE' before it was created). */
export function facilityStatusAt(f: FacilityHistory, t: string): string {
  if (f.createdAt && f.createdAt > t) return 'NONE';
  const last = [...f.changes].reverse().find((c) => c.at <= t);
  if (last) return last.to ?? f.status;
  if (f.createdStatus) return f.createdStatus;
  const first = f.changes[0];
  if (first) return first.from ?? f.status;
  return f.status;
}

export async function loadCapacityHistory(db: Db, scope: ReportScope): Promise<{ units: UnitHistory[]; facilities: FacilityHistory[] }> {
  const unitRows = await db.all<{ id: string; facility_id: string; capacity: number; blocked: number; status: UnitStatus }>(
    sql`select id, facility_id, capacity, blocked, status from units u where ${inScope(sql.raw('u.facility_id'), scope)}`,
  );
  const changeRows = await db.all<{ unit_id: string; at: string; field: string; from_value: string | null; to_value: string | null }>(
    sql`select c.unit_id, c.at, c.field, c.from_value, c.to_value from unit_changes c join units u on u.id = c.unit_id
        where ${inScope(sql.raw('u.facility_id'), scope)} order by c.at, c.id`,
  );
  const byUnit = new Map<string, typeof changeRows>();
  for (const c of changeRows) byUnit.set(c.unit_id, [...(byUnit.get(c.unit_id) ?? []), c]);
  const units: UnitHistory[] = unitRows.map((u) => {
    const rows = byUnit.get(u.id) ?? [];
    const created = rows.find((r) => r.field === 'created');
    const pick = (field: string): Change[] => rows.filter((r) => r.field === field).map((r) => ({ at: r.at, from: r.from_value, to: r.to_value }));
    return {
      id: u.id,
      facilityId: u.facility_id,
      createdAt: created?.at ?? null,
      capacity: u.capacity,
      blocked: u.blocked,
      status: u.status,
      changes: { capacity: pick('capacity'), blocked: pick('blocked'), status: pick('status') },
    };
  });

  const facilityRows = await db.all<{ id: string; status: string; wilayah_code: string | null }>(
    sql`select id, status, wilayah_code from facilities f where ${inScope(sql.raw('f.id'), scope)}`,
  );
  const events = await db.all<{ entity_id: string; at: string; action: string; detail: string | null }>(
    sql`select entity_id, at, action, detail from audit_events
        where entity = 'facility' and action in ('facility.create', 'facility.status') and ${inScope(sql.raw('entity_id'), scope)}
        order by at, id`,
  );
  const byFacility = new Map<string, typeof events>();
  for (const e of events) byFacility.set(e.entity_id, [...(byFacility.get(e.entity_id) ?? []), e]);
  const facilities: FacilityHistory[] = facilityRows.map((f) => {
    const evs = byFacility.get(f.id) ?? [];
    const created = evs.find((e) => e.action === 'facility.create');
    const detail = (e: { detail: string | null }) => (e.detail ? (JSON.parse(e.detail) as Record<string, unknown>) : {});
    return {
      id: f.id,
      status: f.status,
      createdAt: created?.at ?? null,
      createdStatus: created ? String(detail(created).status ?? '') || null : null,
      zone: zoneOf(f.wilayah_code),
      changes: evs
        .filter((e) => e.action === 'facility.status')
        .map((e) => {
          const d = detail(e);
          return { at: e.at, from: typeof d.from === 'string' ? d.from : null, to: typeof d.to === 'string' ? d.to : null };
        }),
    };
  });
  return { units, facilities };
}

/** facility id → usable places at the end of each day of the range (0 on days it did not end OPEN). */
export async function capacityByDay(db: Db, range: ReportRange, scope: ReportScope): Promise<Map<string, number[]>> {
  const { units, facilities } = await loadCapacityHistory(db, scope);
  return capacityFromHistory(units, facilities, range);
}

export function capacityFromHistory(units: UnitHistory[], facilities: FacilityHistory[], range: ReportRange): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const open = new Map<string, boolean[]>();
  // Each facility's days end at its own local midnight (WIB, WITA or WIT).
  const endsOf = new Map<string, string[]>();
  for (const f of facilities) {
    const ends = range.days.map((_, i) => dayEndIso(range, i, f.zone));
    endsOf.set(f.id, ends);
    out.set(f.id, ends.map(() => 0));
    // Ends are exclusive instants: what stood just before midnight is what the day ended with.
    open.set(f.id, ends.map((t) => facilityStatusAt(f, justBefore(t)) === 'OPEN'));
  }
  for (const u of units) {
    const days = out.get(u.facilityId);
    const isOpen = open.get(u.facilityId);
    const ends = endsOf.get(u.facilityId);
    if (!days || !isOpen || !ends) continue;
    ends.forEach((t, i) => {
      if (isOpen[i]) days[i]! += unitUsableAt(u, justBefore(t));
    });
  }
  return out;
}

/** The last millisecond before an instant: a change stamped exactly at midnight belongs to the next day. */
function justBefore(iso: string): string {
  return new Date(Date.parse(iso) - 1).toISOString();
}
