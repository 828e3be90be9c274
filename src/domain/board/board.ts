import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import type { Actor } from '../actor.ts';
import { canSeeFacility } from '../access.ts';
import { loadFacilityOccupancy, summarise, loadLevel, type FacilityOccupancy } from '../occupancy/compute.ts';
import { byApproach, samplesSince, APPROACHES, approachOf } from './sampler.ts';
import { sparkline } from './sparkline.ts';

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

export interface BoardData {
  approaches: { key: string; occupied: number; usable: number; free: number; held: number; spark: string }[];
  areas: { code: string; name: string; tiles: BoardTile[] }[];
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
export async function boardData(db: Db, actor: Actor, now: Date, opts: { handoffAlertMinutes: number; sparkLabel?: string }): Promise<BoardData> {
  const facilities = await loadFacilityOccupancy(db);
  const summary = summarise(facilities);
  const totals = byApproach(summary.by_kind);
  const samples = await samplesSince(db, new Date(now.getTime() - 24 * 3600_000).toISOString());
  const approaches = APPROACHES.map((a) => ({
    key: a,
    occupied: totals[a].occupied,
    usable: totals[a].usable,
    free: totals[a].free,
    held: totals[a].held,
    spark: sparkline(samples.filter((s) => s.approach === a), now, opts.sparkLabel),
  }));

  const visible = facilities.filter((f) => f.status !== 'CLOSED' && canSeeFacility(actor, f));
  const visibleIds = new Set(visible.map((f) => f.id));
  const names = new Map(facilities.map((f) => [f.id, visibleIds.has(f.id) || canSeeFacility(actor, f) ? f.name : '—']));
  const wilayahNames = new Map(
    (await db.all<{ code: string; name: string }>(sql`select code, name from wilayah where code in (select distinct wilayah_code from facilities)`)).map((w) => [
      w.code,
      w.name.replace(/^Kota Administrasi |^Kabupaten Administrasi /, ''),
    ]),
  );
  const areaMap = new Map<string, BoardTile[]>();
  for (const f of visible) {
    const list = areaMap.get(f.wilayah_code) ?? [];
    list.push(tile(f));
    areaMap.set(f.wilayah_code, list);
  }
  const order = (k: string) => APPROACHES.indexOf(approachOf(k));
  const areas = [...areaMap.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, tiles]) => ({ code, name: wilayahNames.get(code) ?? code, tiles: tiles.sort((a, b) => order(a.kind) - order(b.kind) || a.name.localeCompare(b.name)) }));

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

  return { approaches, areas, referrals, referralsTotal, handoffs, handoffsTotal, alerts };
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
