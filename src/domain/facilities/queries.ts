import { asc, desc, eq, inArray } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import { apiTokens, facilities, unitChanges, units, users } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { canSeeFacility } from '../access.ts';
import { parseInput } from '../validate.ts';
import { nowIso } from '../../lib/time.ts';
import { loadFacilityOccupancy, type FacilityOccupancy } from '../occupancy/compute.ts';
import { FacilityFilter, type Need } from './inputs.ts';
import { loadVisibleFacility, type FacilityRow, type UnitRow } from './load.ts';
import { peopleInside, openReferralsTo, type PersonInside } from './people.ts';
import { powersOver, type FacilityPowers } from './scope.ts';
import { wilayahNames } from '../reference/wilayah.ts';

export interface FacilityListItem {
  facility: FacilityRow;
  wilayahName: string;
  occupancy: FacilityOccupancy;
  powers: FacilityPowers;
}

/** Whether a facility has a free place for a need (a unit feature, or who may stay). */
export function hasFreeFor(o: FacilityOccupancy, need: Need): boolean {
  if (need === 'male' || need === 'female' || need === 'family') return o.free_by_admits[need] > 0;
  return o.free_by_feature[need] > 0;
}

/**
 * The facilities this actor may see, each with its live occupancy, filtered
 * by kind, status, wilayah (kab/kota or whole province), free place for a
 * need, and a name or code fragment. A protected facility is simply absent
 * for those who may not know it.
 */
export interface FacilityList {
  as_of: string;
  filter: FacilityFilter;
  items: FacilityListItem[];
  /** Kab/kota (and their provinces) of every facility this actor may see, for the wilayah filter. */
  wilayahOptions: { code: string; name: string }[];
}

export async function listFacilities(db: Db | Tx, actor: Actor, filterInput: unknown): Promise<FacilityList> {
  const filter = parseInput(FacilityFilter, filterInput ?? {}, actor.lang);
  const asOf = nowIso();
  const rows = await db.select().from(facilities).orderBy(asc(facilities.wilayahCode), asc(facilities.kind), asc(facilities.name)).all();
  const occupancy = new Map((await loadFacilityOccupancy(db)).map((o) => [o.id, o]));
  const q = filter.q?.toLowerCase();
  const items: FacilityListItem[] = [];
  const seenWilayah = new Set<string>();
  for (const f of rows) {
    if (!canSeeFacility(actor, f)) continue;
    seenWilayah.add(f.wilayahCode).add(f.wilayahCode.slice(0, 2));
    if (filter.kind?.length && !filter.kind.includes(f.kind)) continue;
    if (filter.status?.length && !filter.status.includes(f.status)) continue;
    if (filter.wilayah?.length && !filter.wilayah.some((w) => (w.length === 2 ? f.wilayahCode.startsWith(`${w}.`) : f.wilayahCode === w))) continue;
    if (q && !f.name.toLowerCase().includes(q) && !f.code.toLowerCase().includes(q)) continue;
    const o = occupancy.get(f.id)!;
    if (filter.need?.length && !filter.need.every((n) => hasFreeFor(o, n))) continue;
    items.push({ facility: f, wilayahName: '', occupancy: o, powers: powersOver(actor, f) });
  }
  const names = await wilayahNames(db, [...seenWilayah]);
  for (const i of items) i.wilayahName = names.get(i.facility.wilayahCode) ?? '';
  const wilayahOptions = [...seenWilayah].sort().map((code) => ({ code, name: names.get(code) ?? code }));
  return { as_of: asOf, filter, items, wilayahOptions };
}

export interface UnitChangeView {
  at: string;
  by: string | null;
  field: string;
  from: string | null;
  to: string | null;
  reason: string | null;
}

export interface FacilityDetail extends FacilityListItem {
  provinceName: string;
  units: UnitRow[];
  /** Recent history of each unit, newest first (for those who see full numbers). */
  history: Map<string, UnitChangeView[]>;
  /** Open stays, for those who may see people; otherwise null. */
  people: PersonInside[] | null;
  referralsIn: { count: number; places: number };
}

/** One facility as its page and the API show it; hidden or unknown is a 404. */
export async function getFacility(db: Db | Tx, actor: Actor, id: string, opts: { historyPerUnit?: number } = {}): Promise<FacilityDetail> {
  const facility = await loadVisibleFacility(db, actor, id);
  const powers = powersOver(actor, facility);
  const [occupancy] = await loadFacilityOccupancy(db, { facilityId: facility.id });
  const unitRows = await db.select().from(units).where(eq(units.facilityId, facility.id)).orderBy(asc(units.sortOrder), asc(units.name)).all();
  const names = await wilayahNames(db, [facility.wilayahCode, facility.wilayahCode.slice(0, 2)]);
  return {
    facility,
    wilayahName: names.get(facility.wilayahCode) ?? '',
    provinceName: names.get(facility.wilayahCode.slice(0, 2)) ?? '',
    occupancy: occupancy!,
    powers,
    units: unitRows,
    history: powers.numbers === 'full' ? await unitHistory(db, unitRows.map((u) => u.id), opts.historyPerUnit ?? 5) : new Map(),
    people: powers.people ? await peopleInside(db, facility.id) : null,
    referralsIn: powers.numbers === 'full' ? await openReferralsTo(db, facility.id) : { count: 0, places: 0 },
  };
}

/** The change history of units, newest first, with who made each change (a user's name or a token's). */
export async function unitHistory(db: Db | Tx, unitIds: string[], perUnit = 20): Promise<Map<string, UnitChangeView[]>> {
  const out = new Map<string, UnitChangeView[]>();
  if (unitIds.length === 0) return out;
  const rows = await db
    .select({
      unitId: unitChanges.unitId,
      at: unitChanges.at,
      byUser: users.username,
      byToken: apiTokens.name,
      byId: unitChanges.byUserId,
      field: unitChanges.field,
      from: unitChanges.fromValue,
      to: unitChanges.toValue,
      reason: unitChanges.reason,
    })
    .from(unitChanges)
    .leftJoin(users, eq(users.id, unitChanges.byUserId))
    .leftJoin(apiTokens, eq(apiTokens.id, unitChanges.byUserId))
    .where(inArray(unitChanges.unitId, unitIds))
    .orderBy(desc(unitChanges.at), desc(unitChanges.id))
    .all();
  for (const r of rows) {
    const list = out.get(r.unitId) ?? [];
    if (list.length >= perUnit) continue;
    list.push({
      at: r.at,
      by: r.byUser ?? (r.byToken ? `token:${r.byToken}` : r.byId === null ? 'system' : null),
      field: r.field,
      from: r.from,
      to: r.to,
      reason: r.reason,
    });
    out.set(r.unitId, list);
  }
  return out;
}

/**
 * Every facility (any status, protected ones included) as a choice: id,
 * code and name, ordered by code. The administrator's list when binding an
 * account or a token to a facility; callers check the actor is an admin.
 */
export async function facilityChoicesByCode(db: Db | Tx): Promise<{ id: string; code: string; name: string }[]> {
  return await db.select({ id: facilities.id, code: facilities.code, name: facilities.name }).from(facilities).orderBy(asc(facilities.code)).all();
}
