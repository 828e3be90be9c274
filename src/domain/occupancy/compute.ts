import { sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import type { FacilityKind, FacilityStatus, UnitAdmits, UnitFeature, UnitStatus } from '../../db/schema/index.ts';
import { UNIT_FEATURES } from '../../db/schema/index.ts';

/**
 * Occupancy (DOMAIN.md): capacity − blocked = usable; occupied = open stays;
 * held = places held by open referrals; free = usable − occupied − held.
 * `occupied` and `held` are counters on units that database triggers keep in
 * the same transaction as the stays and referrals that move them, so a read is
 * always exactly what the transactions that move people committed, at the cost
 * of one scan of units; `verifyOccupancyCounters` (./verify.ts) recounts them
 * from scratch. bench/ measures the cost.
 *
 * A CLOSED unit counts no capacity; a BLOCKED unit is blocked whole. Totals
 * by kind, wilayah and overall cover OPEN facilities only: a STANDBY hall has
 * no usable places until it is opened.
 */
export interface Counts {
  capacity: number;
  blocked: number;
  usable: number;
  occupied: number;
  held: number;
  free: number;
  /** Places in use beyond usable (an overflow a supervisor allowed). */
  overflow: number;
  free_by_feature: Record<UnitFeature, number>;
  free_by_admits: { male: number; female: number; family: number };
}

export interface UnitOccupancy extends Counts {
  id: string;
  facility_id: string;
  name: string;
  admits: UnitAdmits;
  features: UnitFeature[];
  status: UnitStatus;
}

/** What names a facility in the occupancy figures, as its row holds it. */
export interface FacilityIdentity {
  id: string;
  code: string;
  name: string;
  kind: FacilityKind;
  wilayah_code: string;
  status: FacilityStatus;
}

export interface FacilityOccupancy extends Counts, FacilityIdentity {
  protected: boolean;
  /** (occupied + held) / usable, the colour of the command centre's tile; null when nothing is usable. */
  load: number | null;
  units: UnitOccupancy[];
}

export function emptyCounts(): Counts {
  return {
    capacity: 0,
    blocked: 0,
    usable: 0,
    occupied: 0,
    held: 0,
    free: 0,
    overflow: 0,
    free_by_feature: { accessible: 0, maternity: 0, crib: 0, elderly: 0 },
    free_by_admits: { male: 0, female: 0, family: 0 },
  };
}

export function addCounts(into: Counts, c: Counts): Counts {
  into.capacity += c.capacity;
  into.blocked += c.blocked;
  into.usable += c.usable;
  into.occupied += c.occupied;
  into.held += c.held;
  into.free += c.free;
  into.overflow += c.overflow;
  for (const f of UNIT_FEATURES) into.free_by_feature[f] += c.free_by_feature[f];
  into.free_by_admits.male += c.free_by_admits.male;
  into.free_by_admits.female += c.free_by_admits.female;
  into.free_by_admits.family += c.free_by_admits.family;
  return into;
}

/** A unit's row as the occupancy figures read it (the model in ./cache.ts re-reads changed rows in this shape). */
export interface UnitRow {
  id: string;
  facility_id: string;
  name: string;
  capacity: number;
  blocked: number;
  status: UnitStatus;
  admits: UnitAdmits;
  features: string;
  occupied: number;
  held: number;
}

/** Counts of one unit from its stored figures: a pure function, shared with check-in. */
export function unitCounts(u: { capacity: number; blocked: number; status: UnitStatus; admits: UnitAdmits; features: readonly UnitFeature[]; occupied: number; held: number }): Counts {
  const capacity = u.status === 'CLOSED' ? 0 : u.capacity;
  const blocked = u.status === 'BLOCKED' ? capacity : Math.min(u.blocked, capacity);
  const usable = capacity - blocked;
  const inUse = u.occupied + u.held;
  const free = Math.max(0, usable - inUse);
  const c = emptyCounts();
  c.capacity = capacity;
  c.blocked = blocked;
  c.usable = usable;
  c.occupied = u.occupied;
  c.held = u.held;
  c.free = free;
  c.overflow = Math.max(0, inUse - usable);
  for (const f of u.features) if (f in c.free_by_feature) c.free_by_feature[f] += free;
  if (u.admits === 'male' || u.admits === 'any') c.free_by_admits.male += free;
  if (u.admits === 'female' || u.admits === 'any') c.free_by_admits.female += free;
  if (u.admits === 'family' || u.admits === 'any') c.free_by_admits.family += free;
  return c;
}

/** Subtracts `c` from `from`: the inverse of addCounts (a facility's old figures taken out of a total). */
export function subtractCounts(from: Counts, c: Counts): Counts {
  from.capacity -= c.capacity;
  from.blocked -= c.blocked;
  from.usable -= c.usable;
  from.occupied -= c.occupied;
  from.held -= c.held;
  from.free -= c.free;
  from.overflow -= c.overflow;
  for (const f of UNIT_FEATURES) from.free_by_feature[f] -= c.free_by_feature[f];
  from.free_by_admits.male -= c.free_by_admits.male;
  from.free_by_admits.female -= c.free_by_admits.female;
  from.free_by_admits.family -= c.free_by_admits.family;
  return from;
}

// `occupied` and `held` are counters the database keeps on each unit (triggers on stays and
// referrals, db/migrations 0006): reading occupancy is one scan of units, whatever the number of stays.
export const UNIT_COLUMNS = sql`u.id, u.facility_id, u.name, u.capacity, u.blocked, u.status, u.admits, u.features, u.occupied, u.held`;
const UNIT_SQL = sql`select ${UNIT_COLUMNS} from units u`;

/** One unit's occupancy from its row. */
export function unitOccupancyOf(r: UnitRow): UnitOccupancy {
  const features = JSON.parse(r.features) as UnitFeature[];
  return {
    id: r.id,
    facility_id: r.facility_id,
    name: r.name,
    admits: r.admits,
    features,
    status: r.status,
    ...unitCounts({ ...r, features }),
  };
}

/** Live counts of the given units (all units when none given). Call inside a write transaction to check and take places atomically. */
export async function loadUnitOccupancy(db: Db | Tx, where?: { facilityId?: string; unitId?: string }): Promise<UnitOccupancy[]> {
  const filter = where?.unitId
    ? sql` where u.id = ${where.unitId}`
    : where?.facilityId
      ? sql` where u.facility_id = ${where.facilityId}`
      : sql``;
  const rows = await db.all<UnitRow>(sql`${UNIT_SQL}${filter} order by u.sort_order, u.name`);
  return rows.map(unitOccupancyOf);
}

/** A facility's row as the occupancy figures read it. */
export interface FacilityRow extends FacilityIdentity {
  protected: number;
}

export const FACILITY_COLUMNS = sql`id, code, name, kind, wilayah_code, status, protected`;

/** A facility's occupancy: its identity and the sum of its units (in their order). */
export function facilityOccupancyOf(f: FacilityIdentity & { protected: boolean | number }, units: UnitOccupancy[]): FacilityOccupancy {
  const counts = units.reduce((acc, u) => addCounts(acc, u), emptyCounts());
  return {
    id: f.id,
    code: f.code,
    name: f.name,
    kind: f.kind,
    wilayah_code: f.wilayah_code,
    status: f.status,
    protected: f.protected === 1 || f.protected === true,
    load: counts.usable > 0 ? (counts.occupied + counts.held) / counts.usable : counts.occupied + counts.held > 0 ? Infinity : null,
    ...counts,
    units,
  };
}

export async function loadFacilityOccupancy(db: Db | Tx, where?: { facilityId?: string }): Promise<FacilityOccupancy[]> {
  const facilities = await db.all<FacilityRow>(
    where?.facilityId
      ? sql`select ${FACILITY_COLUMNS} from facilities where id = ${where.facilityId}`
      : sql`select ${FACILITY_COLUMNS} from facilities order by wilayah_code, kind, name`,
  );
  const units = await loadUnitOccupancy(db, where);
  const byFacility = new Map<string, UnitOccupancy[]>();
  for (const u of units) {
    const list = byFacility.get(u.facility_id) ?? [];
    list.push(u);
    byFacility.set(u.facility_id, list);
  }
  return facilities.map((f) => facilityOccupancyOf(f, byFacility.get(f.id) ?? []));
}

/** The command centre's colour of a load: ≥ 85 % amber, ≥ 95 % red, over 100 % overflow. */
export function loadLevel(load: number | null): 'ok' | 'amber' | 'red' | 'overflow' | 'none' {
  if (load === null) return 'none';
  if (load > 1) return 'overflow';
  if (load >= 0.95) return 'red';
  if (load >= 0.85) return 'amber';
  return 'ok';
}

export interface OccupancySummary {
  total: Counts;
  by_kind: Record<string, Counts>;
  by_wilayah: Record<string, Counts>;
  facilities: FacilityOccupancy[];
}

/** Totals over OPEN facilities by kind, wilayah and overall, plus every facility's own figures. */
export function summarise(facilities: FacilityOccupancy[]): OccupancySummary {
  const total = emptyCounts();
  const byKind: Record<string, Counts> = {};
  const byWilayah: Record<string, Counts> = {};
  for (const f of facilities) {
    if (f.status !== 'OPEN') continue;
    addCounts(total, f);
    addCounts((byKind[f.kind] ??= emptyCounts()), f);
    addCounts((byWilayah[f.wilayah_code] ??= emptyCounts()), f);
  }
  return { total, by_kind: byKind, by_wilayah: byWilayah, facilities };
}
