import type { Actor } from '../actor.ts';
import { canSeeFacility, isWide } from '../access.ts';
import { toWib } from '../../lib/time.ts';
import type { FacilityKind } from '../../db/schema/index.ts';
import { emptyCounts, addCounts, summarise, type Counts, type FacilityOccupancy, type OccupancySummary } from './compute.ts';

/**
 * What each role may see of occupancy (DOMAIN.md: the wall shows numbers,
 * never names; Satpol PP see free places; protected facilities stay hidden
 * from those who need not know them, though their places count in totals).
 * Used by GET /api/v1/occupancy and by the live socket, so both say the same.
 */
export type OccupancyAudience = 'wide' | 'display' | 'satpol' | 'facility';

export function audienceOf(actor: Actor): OccupancyAudience {
  if (isWide(actor)) return 'wide';
  if (actor.role === 'display') return 'display';
  if (actor.role === 'satpol') return 'satpol';
  return 'facility';
}

/** Satpol PP see where there is room, not how full a place is. */
export function freeOnly(c: Counts) {
  return { free: c.free, free_by_feature: { ...c.free_by_feature }, free_by_admits: { ...c.free_by_admits } };
}

export function facilityFor(actor: Actor, f: FacilityOccupancy): Record<string, unknown> | null {
  if (!canSeeFacility(actor, f)) return null;
  const audience = audienceOf(actor);
  const head = { id: f.id, code: f.code, name: f.name, kind: f.kind, wilayah_code: f.wilayah_code, status: f.status };
  if (audience === 'satpol') return { ...head, ...freeOnly(f) };
  const { units, load, protected: isProtected, ...counts } = f;
  void counts.id;
  return {
    ...head,
    protected: isProtected,
    ...pickCounts(f),
    load: load === Infinity ? null : load,
    units: units.map((u) => ({ id: u.id, name: u.name, admits: u.admits, features: u.features, status: u.status, ...pickCounts(u) })),
  };
}

export function pickCounts(c: Counts): Counts {
  return {
    capacity: c.capacity,
    blocked: c.blocked,
    usable: c.usable,
    occupied: c.occupied,
    held: c.held,
    free: c.free,
    overflow: c.overflow,
    free_by_feature: { ...c.free_by_feature },
    free_by_admits: { ...c.free_by_admits },
  };
}

/**
 * The occupancy document for this actor. `scope: 'own'` narrows a facility
 * account to its own facility (the live socket); the API shows facility
 * accounts every facility they may see, since the desk refers people onward.
 */
export function occupancyFor(actor: Actor, summary: OccupancySummary, asOf: string, scope: 'visible' | 'own' = 'visible') {
  const { facilities, ...totals } = scoped(actor, summary, scope);
  return {
    as_of: toWib(asOf),
    ...shapeTotals(actor, totals),
    facilities: facilities.map((f) => facilityFor(actor, f)).filter((f) => f !== null),
  };
}

/** The facilities and totals this actor's document is made of, before shaping. */
function scoped(actor: Actor, summary: OccupancySummary, scope: 'visible' | 'own', onlyWilayah?: string) {
  let facilities = summary.facilities;
  let { total, by_kind, by_wilayah } = summary;
  if (audienceOf(actor) === 'facility' && scope === 'own') {
    facilities = facilities.filter((f) => f.id === actor.facilityId);
    total = facilities.reduce((acc, f) => addCounts(acc, f), emptyCounts());
    by_kind = {};
    by_wilayah = {};
    for (const f of facilities) {
      by_kind[f.kind] = addCounts(emptyCounts(), f);
      by_wilayah[f.wilayah_code] = addCounts(emptyCounts(), f);
    }
  }
  if (facilities.some((f) => !canSeeFacility(actor, f))) by_wilayah = byVisibleWilayah(actor, facilities, onlyWilayah);
  return { facilities, total, by_kind, by_wilayah };
}

function shapeTotals(actor: Actor, t: { total: Counts; by_kind: Record<string, Counts>; by_wilayah: Record<string, Counts> }) {
  const shape = audienceOf(actor) === 'satpol' ? freeOnly : pickCounts;
  const mapValues = (o: Record<string, Counts>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, shape(v)]));
  return { total: shape(t.total), by_kind: mapValues(t.by_kind), by_wilayah: mapValues(t.by_wilayah) };
}

/**
 * The totals of occupancyFor, and of `by_wilayah` only the entry of
 * `wilayahCode`: what a live message carries after a change at one facility.
 * The same rule as the whole document, without listing every facility and
 * unit of the country for each change (issue 27).
 */
export function occupancyTotalsFor(actor: Actor, summary: OccupancySummary, scope: 'visible' | 'own', wilayahCode: string) {
  const { total, by_kind, by_wilayah } = scoped(actor, summary, scope, wilayahCode);
  const one = by_wilayah[wilayahCode];
  return shapeTotals(actor, { total, by_kind, by_wilayah: one ? { [wilayahCode]: one } : {} });
}

/**
 * Totals by kab/kota over the facilities this actor may see. A protected
 * facility hidden from the actor still counts in `total` and `by_kind` (the
 * national picture of places stays true), but never in `by_wilayah`: a
 * kab/kota total larger than its visible facilities would say where the safe
 * house is. Folding it into its province instead would still narrow it to one
 * of 38 provinces — to one building where a province has a single balai — so
 * it is left out of the area breakdown altogether.
 */
function byVisibleWilayah(actor: Actor, facilities: FacilityOccupancy[], onlyWilayah?: string): Record<string, Counts> {
  const out: Record<string, Counts> = {};
  for (const f of facilities) {
    if (f.status !== 'OPEN' || (onlyWilayah !== undefined && f.wilayah_code !== onlyWilayah) || !canSeeFacility(actor, f)) continue;
    addCounts((out[f.wilayah_code] ??= emptyCounts()), f);
  }
  return out;
}

/**
 * An alert as a live socket sends it: the wall learns what kind of alert was
 * raised, never which protected facility it concerns (issue 11, item 10).
 */
export function alertFor(actor: Actor, event: { alertId: string; kind: string; facilityId: string | null }, facilities: readonly FacilityOccupancy[]) {
  const f = event.facilityId ? facilities.find((x) => x.id === event.facilityId) : undefined;
  const hidden = f !== undefined && !canSeeFacility(actor, f);
  return { id: event.alertId, kind: event.kind, facility_id: hidden ? null : event.facilityId };
}

/** Filters of GET /api/v1/occupancy: facility kinds, and wilayah (a province "31" or a kab/kota "31.71"); repeated values widen. */
export interface OccupancyFilter {
  kind: FacilityKind[];
  wilayah: string[];
}

export const inWilayah = (facilityWilayah: string, codes: readonly string[]) =>
  codes.some((w) => (w.length === 2 ? facilityWilayah.startsWith(`${w}.`) : facilityWilayah === w));

/**
 * The summary narrowed to the facilities a filter names, its totals counted
 * again over them. Under a wilayah filter a protected facility the actor may
 * not see is left out of every total, not only `by_wilayah`: a province's or
 * kab/kota's total larger than its visible facilities would say a safe house
 * is there (see byVisibleWilayah). A kind filter alone keeps it in `total` and
 * `by_kind`, as the unfiltered document does.
 */
export function filterSummary(actor: Actor, summary: OccupancySummary, filter: OccupancyFilter): OccupancySummary {
  if (!filter.kind.length && !filter.wilayah.length) return summary;
  return summarise(
    summary.facilities.filter(
      (f) =>
        (!filter.kind.length || filter.kind.includes(f.kind)) &&
        (!filter.wilayah.length || (inWilayah(f.wilayah_code, filter.wilayah) && canSeeFacility(actor, f))),
    ),
  );
}

/**
 * What makes one caller's occupancy document differ from another's, for a
 * cache of serialised answers shared by callers: the audience, the scope, the
 * facility of an 'own' scope, and which protected facilities the caller may
 * see (worked out by canSeeFacility itself, so a change to who may see what
 * changes the key with it). Everything occupancyFor reads of the actor must
 * be in here: two callers with the same key get the same bytes.
 */
export function viewKey(actor: Actor, summary: OccupancySummary, scope: 'visible' | 'own' = 'visible'): string {
  const audience = audienceOf(actor);
  const own = audience === 'facility' && scope === 'own' ? (actor.facilityId ?? '-') : '';
  const protectedIds = summary.facilities.filter((f) => f.protected);
  const visible = protectedIds.filter((f) => canSeeFacility(actor, f)).map((f) => f.id);
  const seen = visible.length === protectedIds.length ? '*' : visible.sort().join(',');
  return `${audience}|${scope}|${own}|${seen}`;
}
