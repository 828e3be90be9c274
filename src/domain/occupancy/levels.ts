import type { Actor } from '../actor.ts';
import { canSeeFacility } from '../access.ts';
import { invalid } from '../errors.ts';
import { toWib } from '../../lib/time.ts';
import { pageOf } from '../../lib/pages.ts';
import { addCounts, emptyCounts, type Counts, type OccupancySummary } from './compute.ts';
import { audienceOf, facilityFor, freeOnly, occupancyFor, pickCounts, type OccupancyFilter } from './view.ts';

/**
 * GET /api/v1/occupancy sized for its reader (issue 27, item 2). The whole
 * country as one document was 7.7 MB: every facility and unit. An answer now
 * summarises at one level of the country → province → kab/kota → facility
 * ladder, and lists facilities (with their units) only within a `wilayah`,
 * a page at a time:
 *
 * - `country`: the totals and by kind; `by_wilayah` is empty.
 * - `province`: `by_wilayah` by province code ("31"): the national default.
 * - `kabkota`: `by_wilayah` by kab/kota code ("31.71"), as before.
 * - `facility`: by kab/kota, and the facilities of the `wilayah` named, each
 *   with its units, `limit` at a time (`next` → `?after=`): the default when
 *   a `wilayah` is named, so a wall's `?wilayah=31` keeps its facilities.
 *
 * Totals are always over everything the filters name (never the page alone).
 * A protected facility the caller may not know never counts in `by_wilayah`
 * at any level (view.ts byVisibleWilayah: a province with one balai would name
 * it), and is never listed.
 */
export const OCCUPANCY_LEVELS = ['country', 'province', 'kabkota', 'facility'] as const;
export type OccupancyLevel = (typeof OCCUPANCY_LEVELS)[number];

/** How a document is cut: its level, and for `facility` the page. */
export interface OccupancyShape {
  level: OccupancyLevel;
  limit: number;
  offset: number;
}

export const FACILITY_PAGE = { fallback: 100, max: 500 } as const;

/** The level asked for, or the default: facilities within a named wilayah, else the provinces. A facility list needs a wilayah. */
export function occupancyShape(filter: OccupancyFilter, input: { level?: OccupancyLevel | undefined; limit?: number | undefined; offset?: number | undefined }): OccupancyShape {
  const level = input.level ?? (filter.wilayah.length ? 'facility' : 'province');
  if (level === 'facility' && !filter.wilayah.length) throw invalid([{ path: 'wilayah', message: 'field.wilayah_for_facilities' }]);
  return { level, limit: Math.min(input.limit ?? FACILITY_PAGE.fallback, FACILITY_PAGE.max), offset: input.offset ?? 0 };
}

/** What makes two shapes' answers differ, for the answer cache's key and the ETag. */
export const shapeKey = (s: OccupancyShape) => (s.level === 'facility' ? `l=facility|${s.limit}|${s.offset}` : `l=${s.level}`);

const areaOf = (level: OccupancyLevel, wilayahCode: string) => (level === 'province' ? wilayahCode.slice(0, 2) : wilayahCode);

/** Totals by province or kab/kota over the OPEN facilities this actor may see (a hidden protected one counts in `total` only). */
function areaTotals(actor: Actor, summary: OccupancySummary, level: 'province' | 'kabkota' | 'facility'): Record<string, Counts> {
  const hidden = summary.facilities.some((f) => !canSeeFacility(actor, f));
  const out: Record<string, Counts> = {};
  if (!hidden) {
    if (level !== 'province') return summary.by_wilayah;
    for (const [code, c] of Object.entries(summary.by_wilayah)) addCounts((out[areaOf(level, code)] ??= emptyCounts()), c);
    return out;
  }
  for (const f of summary.facilities) {
    if (f.status !== 'OPEN' || !canSeeFacility(actor, f)) continue;
    addCounts((out[areaOf(level, f.wilayah_code)] ??= emptyCounts()), f);
  }
  return out;
}

/**
 * The document for this caller, filters and shape. `summary` is already narrowed by the
 * filters (view.ts filterSummary). `scope: 'own'` (a facility account's own facility, the
 * live socket's narrower view) keeps the whole document: it is one facility.
 */
export function occupancyDocument(actor: Actor, summary: OccupancySummary, asOf: string, shape: OccupancyShape, scope: 'visible' | 'own' = 'visible') {
  if (scope === 'own') return { level: 'facility' as const, ...occupancyFor(actor, summary, asOf, 'own'), next: null };
  const counts = audienceOf(actor) === 'satpol' ? freeOnly : pickCounts;
  const byArea = shape.level === 'country' ? {} : areaTotals(actor, summary, shape.level);
  let facilities: Record<string, unknown>[] = [];
  let next: string | null = null;
  if (shape.level === 'facility') {
    const visible = summary.facilities.filter((f) => canSeeFacility(actor, f));
    const end = shape.offset + shape.limit;
    const page = pageOf(visible.slice(shape.offset, end + 1), shape.limit, () => end);
    facilities = page.items.map((f) => facilityFor(actor, f)!);
    next = page.next;
  }
  return {
    as_of: toWib(asOf),
    level: shape.level,
    total: counts(summary.total),
    by_kind: Object.fromEntries(Object.entries(summary.by_kind).map(([k, v]) => [k, counts(v)])),
    by_wilayah: Object.fromEntries(Object.entries(byArea).map(([k, v]) => [k, counts(v)])),
    facilities,
    next,
  };
}
