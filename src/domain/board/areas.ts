import { addCounts, emptyCounts, loadLevel, type Counts, type FacilityOccupancy } from '../occupancy/compute.ts';

/**
 * The wall at national scale (issue 27, item 2): 2,000 facility tiles are a 1.4 MB page no one
 * can read from across the room. Past this many facilities a board shows a tile per province (the
 * country) or per kab/kota (a province), each leading to that area's own board; a kab/kota always
 * shows its facilities. The PWTC demo's 41 facilities still show as facility tiles.
 */
export const BOARD_TILE_LIMIT = 60;

/** One province or kab/kota on the wall: its places, its colour, and how many of its facilities need a look. */
export interface AreaTile {
  code: string;
  name: string;
  /** Facilities shown under it (not closed). */
  facilities: number;
  inUse: number;
  usable: number;
  free: number;
  pct: number;
  barPct: number;
  level: ReturnType<typeof loadLevel>;
  overflow: number;
  /** Open facilities at ≥ 85 % (amber), ≥ 95 % (red), over 100 %. */
  amber: number;
  red: number;
  over: number;
  freeMaternity: number;
  freeAccessible: number;
  freeElderly: number;
  freeChild: number;
}

/**
 * Tiles by province or kab/kota over the facilities given (already those the wall may see, not
 * closed): counts over the OPEN ones, as every total (DOMAIN.md "Occupancy").
 */
export function areaTiles(facilities: readonly FacilityOccupancy[], by: 'province' | 'kabkota', names: ReadonlyMap<string, string>): AreaTile[] {
  const groups = new Map<string, { counts: Counts; facilities: number; amber: number; red: number; over: number }>();
  for (const f of facilities) {
    const code = by === 'province' ? f.wilayah_code.slice(0, 2) : f.wilayah_code;
    let g = groups.get(code);
    if (!g) groups.set(code, (g = { counts: emptyCounts(), facilities: 0, amber: 0, red: 0, over: 0 }));
    g.facilities += 1;
    if (f.status !== 'OPEN') continue;
    addCounts(g.counts, f);
    const level = loadLevel(f.load === Infinity ? 2 : f.load);
    if (level === 'amber') g.amber += 1;
    else if (level === 'red') g.red += 1;
    else if (level === 'overflow') g.over += 1;
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, g]) => {
      const c = g.counts;
      const inUse = c.occupied + c.held;
      const load = c.usable > 0 ? inUse / c.usable : inUse > 0 ? 2 : null;
      const pct = c.usable > 0 ? Math.round((inUse / c.usable) * 100) : 0;
      return {
        code,
        name: names.get(code) ?? code,
        facilities: g.facilities,
        inUse,
        usable: c.usable,
        free: c.free,
        pct,
        barPct: Math.min(100, pct),
        level: loadLevel(load),
        overflow: c.overflow,
        amber: g.amber,
        red: g.red,
        over: g.over,
        freeMaternity: c.free_by_feature.maternity,
        freeAccessible: c.free_by_feature.accessible,
        freeElderly: c.free_by_feature.elderly,
        freeChild: c.free_by_feature.crib,
      };
    });
}
