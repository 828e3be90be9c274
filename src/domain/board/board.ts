import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import type { Actor } from '../actor.ts';
import { canSeeFacility } from '../access.ts';
import { invalidField } from '../errors.ts';
import { loadLevel, type FacilityOccupancy } from '../occupancy/compute.ts';
import { cachedOccupancy } from '../occupancy/cache.ts';
import { filterSummary } from '../occupancy/view.ts';
import { wilayahNames as namesOf } from '../reference/wilayah.ts';
import { byApproach, samplesSince, APPROACHES, approachOf } from './sampler.ts';
import { sparkline } from './sparkline.ts';
import { areaTiles, BOARD_TILE_LIMIT, type AreaTile } from './areas.ts';

export interface BoardTile {
  id: string;
  code: string;
  name: string;
  kind: string;
  status: string;
  inUse: number;
  usable: number;
  free: number;
  pct: number;
  barPct: number;
  level: Awaited<ReturnType<typeof loadLevel>>;
  overflow: number;
  freeMaternity: number;
  freeAccessible: number;
  freeElderly: number;
  freeChild: number;
}

/** Which part of the country a board shows: all of it, a province or a kab/kota (`/board?wilayah=`). */
export interface BoardScope {
  code: string | null;
  level: 'country' | 'province' | 'kabkota';
  /** The way back up, then this scope: Indonesia › province › kab/kota. */
  crumbs: { code: string | null; name: string }[];
}

export interface BoardData {
  scope: BoardScope;
  approaches: { key: string; occupied: number; usable: number; free: number; held: number; spark: string }[];
  /**
   * `facilities`: a tile per facility, grouped by kab/kota (`areas`). `areas`: more facilities than a
   * wall can show as tiles (BOARD_TILE_LIMIT), so a tile per province (of the country) or per
   * kab/kota (of a province), each leading to its own board (`areaTiles`).
   */
  view: 'facilities' | 'areas';
  areas: { code: string; name: string; tiles: BoardTile[] }[];
  areaTiles: AreaTile[];
  /** The newest first (at most 12); `referralsTotal` counts them all, for "+N more". */
  referrals: { id: string; status: string; from: string; to: string; places: number; since: string }[];
  referralsTotal: number;
  /** The newest first (at most 12); `handoffsTotal` counts them all. */
  handoffs: { id: string; number: string; facility: string; pending: number; since: string }[];
  handoffsTotal: number;
  alerts: { kind: string; text: string; facility: string; since: string | null }[];
}

/** Ordinary people's units, not the kind codes: what the wall shows a ribbon for. */
function tile(f: FacilityOccupancy): BoardTile {
  const inUse = f.occupied + f.held;
  const pct = f.usable > 0 ? Math.round((inUse / f.usable) * 100) : 0;
  return {
    id: f.id,
    code: f.code,
    name: f.name,
    kind: f.kind,
    status: f.status,
    inUse,
    usable: f.usable,
    free: f.free,
    pct,
    barPct: Math.min(100, pct),
    level: f.status === 'OPEN' ? loadLevel(f.load === Infinity ? 2 : f.load) : 'none',
    overflow: f.overflow,
    freeMaternity: f.free_by_feature.maternity,
    freeAccessible: f.free_by_feature.accessible,
    freeElderly: f.free_by_feature.elderly,
    freeChild: f.free_by_feature.crib,
  };
}

/**
 * Everything the command centre's wall shows, as numbers only: no person's
 * name is ever read here. Protected facilities count in the totals but their
 * tiles and names are left out for a display.
 */
/** A `/board?wilayah=` value: a province ("31") or a kab/kota ("31.71") the wilayah table knows; anything else is a 422 naming it. */
export async function boardScope(db: Db, wilayah: string | undefined): Promise<BoardScope> {
  if (wilayah === undefined || wilayah === '') return { code: null, level: 'country', crumbs: [{ code: null, name: 'Indonesia' }] };
  if (!/^\d{2}(\.\d{2})?$/.test(wilayah)) throw invalidField('wilayah', 'field.unknown_wilayah');
  const province = wilayah.slice(0, 2);
  const names = await namesOf(db, [...new Set([province, wilayah])]);
  if (!names.has(wilayah) || !names.has(province)) throw invalidField('wilayah', 'field.unknown_wilayah');
  const crumbs = [{ code: null, name: 'Indonesia' }, { code: province, name: names.get(province)! }];
  if (wilayah.length > 2) crumbs.push({ code: wilayah, name: shortName(names.get(wilayah)!) });
  return { code: wilayah, level: wilayah.length > 2 ? 'kabkota' : 'province', crumbs };
}

const shortName = (name: string) => name.replace(/^Kota Administrasi |^Kabupaten Administrasi /, '');

export async function boardData(db: Db, actor: Actor, now: Date, opts: { handoffAlertMinutes: number; sparkLabel?: string; scope?: BoardScope }): Promise<BoardData> {
  const scope = opts.scope ?? (await boardScope(db, undefined));
  // The occupancy as last committed, computed once per version and shared (src/domain/occupancy/cache.ts).
  const national = (await cachedOccupancy(db)).summary;
  // A province's or kab/kota's board: its facilities only, and a protected one the wall may not know counts in none of its totals (view.ts).
  const summary = scope.code ? filterSummary(actor, national, { kind: [], wilayah: [scope.code] }) : national;
  const facilities = summary.facilities;
  const totals = byApproach(summary.by_kind);
  // The 24-hour samples are national: a province's board shows its figures without the line.
  const samples = scope.code ? [] : await samplesSince(db, new Date(now.getTime() - 24 * 3600_000).toISOString());
  const approaches = APPROACHES.map((a) => ({
    key: a,
    occupied: totals[a].occupied,
    usable: totals[a].usable,
    free: totals[a].free,
    held: totals[a].held,
    spark: scope.code ? '' : sparkline(samples.filter((s) => s.approach === a), now, opts.sparkLabel),
  }));

  const visible = facilities.filter((f) => f.status !== 'CLOSED' && canSeeFacility(actor, f));
  const names = new Map(national.facilities.map((f) => [f.id, canSeeFacility(actor, f) ? f.name : '—']));
  const view: BoardData['view'] = visible.length > BOARD_TILE_LIMIT && scope.level !== 'kabkota' ? 'areas' : 'facilities';
  const wilayahNames = new Map(
    [...(await namesOf(db, [...new Set(visible.map((f) => (view === 'areas' && scope.level === 'country' ? f.wilayah_code.slice(0, 2) : f.wilayah_code)))])).entries()].map(([code, name]) => [
      code,
      shortName(name),
    ]),
  );
  const areaMap = new Map<string, BoardTile[]>();
  if (view === 'facilities') {
    for (const f of visible) {
      const list = areaMap.get(f.wilayah_code) ?? [];
      list.push(tile(f));
      areaMap.set(f.wilayah_code, list);
    }
  }
  const order = (k: string) => APPROACHES.indexOf(approachOf(k));
  const areas = [...areaMap.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, tiles]) => ({ code, name: wilayahNames.get(code) ?? code, tiles: tiles.sort((a, b) => order(a.kind) - order(b.kind) || a.name.localeCompare(b.name)) }));
  const tiles = view === 'areas' ? areaTiles(visible, scope.level === 'country' ? 'province' : 'kabkota', wilayahNames) : [];

  const referrals = (await db
    .all<{ id: string; status: string; from_id: string | null; to_id: string; places: number; proposed_at: string }>(
      sql`select id, status, from_facility_id as from_id, to_facility_id as to_id, places, proposed_at
          from referrals where status in ('PROPOSED','ACCEPTED','IN_TRANSIT') order by proposed_at desc, id limit 12`,
    ))
    .map((r) => ({ id: r.id, status: r.status, from: r.from_id ? (names.get(r.from_id) ?? '—') : '—', to: names.get(r.to_id) ?? '—', places: r.places, since: r.proposed_at }));

  const openHandoffs = (order: 'newest' | 'oldest', before?: string) =>
    db.all<{ id: string; number: string; facility_id: string; created_at: string; pending: number }>(
      sql`select h.id, h.number, h.facility_id, h.created_at,
            (select count(*) from handoff_persons p where p.handoff_id = h.id and p.status = 'PENDING') as pending
          from handoffs h where h.status = 'OPEN' ${before ? sql`and h.created_at < ${before}` : sql``}
          order by ${order === 'newest' ? sql`h.created_at desc` : sql`h.created_at`}, h.id limit 12`,
    );
  const handoffRow = (h: { id: string; number: string; facility_id: string; created_at: string; pending: number }) =>
    ({ id: h.id, number: h.number, facility: names.get(h.facility_id) ?? '—', pending: h.pending, since: h.created_at });
  const handoffs = (await openHandoffs('newest')).map(handoffRow);
  const total = async (q: ReturnType<typeof sql>) => Number((await db.get<{ n: number | string }>(q))?.n ?? 0);
  const referralsTotal = await total(sql`select count(*) as n from referrals where status in ('PROPOSED','ACCEPTED','IN_TRANSIT')`);
  const handoffsTotal = await total(sql`select count(*) as n from handoffs where status = 'OPEN'`);

  const alerts: BoardData['alerts'] = [];
  for (const f of visible) {
    if (f.status !== 'OPEN') continue;
    const level = loadLevel(f.load === Infinity ? 2 : f.load);
    if (level === 'overflow') alerts.push({ kind: 'overflow', text: 'board.alert.overflow', facility: f.name, since: null });
    else if (level === 'red' || level === 'amber') alerts.push({ kind: 'nearly_full', text: 'board.alert.nearly_full', facility: f.name, since: null });
  }
  const overdueBefore = new Date(now.getTime() - opts.handoffAlertMinutes * 60_000).toISOString();
  // Overdue: the oldest open handoffs, whatever the list above shows.
  for (const h of (await openHandoffs('oldest', overdueBefore)).map(handoffRow)) alerts.push({ kind: 'handoff_overdue', text: 'board.alert.handoff_overdue', facility: `${h.number} · ${h.facility}`, since: h.since });
  const stored = await db.all<{ kind: string; facility_id: string | null; raised_at: string; message: string }>(
    sql`select kind, facility_id, raised_at, message from alerts where resolved_at is null and kind in ('nothing_fits','referral_refused_twice','child_left','child_with_adults','referral_expired','referral_not_arrived') order by raised_at limit 20`,
  );
  for (const a of stored) alerts.push({ kind: a.kind, text: `board.alert.${a.kind}`, facility: a.facility_id ? (names.get(a.facility_id) ?? '—') : '', since: a.raised_at });
  const rank: Record<string, number> = { child_left: 0, child_with_adults: 0, overflow: 0, nothing_fits: 1, handoff_overdue: 2, referral_not_arrived: 2, referral_expired: 3, referral_refused_twice: 3, nearly_full: 4 };
  alerts.sort((a, b) => (rank[a.kind] ?? 9) - (rank[b.kind] ?? 9));

  return { scope, approaches, view, areas, areaTiles: tiles, referrals, referralsTotal, handoffs, handoffsTotal, alerts };
}

/** How long something has waited, short enough for a tile: "12m", "3j 05m" (jam), "2h" (hari). */
export function age(sinceIso: string, now: Date, lang: 'id' | 'en' = 'id'): string {
  const [H, D] = lang === 'id' ? ['j', 'h'] : ['h', 'd'];
  const minutes = Math.max(0, Math.floor((now.getTime() - Date.parse(sinceIso)) / 60_000));
  if (minutes < 60) return `${minutes}m`;
  const h = Math.floor(minutes / 60);
  if (h < 48) return `${h}${H} ${String(minutes % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}${D}`;
}
