import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import type { DischargeOutcome } from '../../db/schema/index.ts';
import { rangeEndIn, rangeLoadStart, rangeStartIn, type ReportRange } from './range.ts';
import { zoneOf, type Zone } from '../../lib/time.ts';
import { inScope, type ReportScope } from './scope.ts';

/**
 * A stay as the reports see it: who (a merged record counts as its
 * survivor), where, from when to when, and the stays it continues from and
 * into. A transfer (or a referral's arrival) ends one stay and begins the next
 * at the same instant; `prev`/`next` follow `previous_stay_id`, or, for a stay
 * written without it, the same person's stay that begins the instant this one
 * ends. That link is what lets a transfer count out of one facility and into
 * the next once, and not as a discharge and an admission of the whole.
 */
export interface StayFact {
  id: string;
  personKey: string;
  facilityId: string;
  checkedInAt: string;
  checkedOutAt: string | null;
  outcome: DischargeOutcome | null;
  /** The facility's zone: its days are local days (WIB when left out). */
  zone?: Zone;
  prev: StayFact | null;
  next: StayFact | null;
}

interface Row {
  id: string;
  person_id: string;
  merged_into_id: string | null;
  facility_id: string;
  checked_in_at: string;
  checked_out_at: string | null;
  outcome: DischargeOutcome | null;
  previous_stay_id: string | null;
  wilayah_code: string | null;
}

export interface StayFacts {
  /** Stays at a facility in scope that touch the range, in the facility's local days: checked in before it ends, not checked out before it starts. */
  inRange: StayFact[];
  /** Every stay of the people in `inRange`, anywhere, so chains can be followed before and after the range. */
  all: Map<string, StayFact>;
}

/** Links stays into chains; exported for unit tests that build facts by hand. */
export function linkStays(rows: Omit<StayFact, 'prev' | 'next'>[], previousIds: Map<string, string | null>): Map<string, StayFact> {
  const all = new Map<string, StayFact>();
  for (const r of rows) all.set(r.id, { ...r, prev: null, next: null });
  for (const s of all.values()) {
    const prevId = previousIds.get(s.id);
    const prev = prevId ? all.get(prevId) : undefined;
    if (prev && !prev.next) {
      s.prev = prev;
      prev.next = s;
    }
  }
  // Stays written without previous_stay_id: the same person, ending and beginning at the same instant.
  const byPerson = new Map<string, StayFact[]>();
  for (const s of all.values()) {
    const list = byPerson.get(s.personKey) ?? [];
    list.push(s);
    byPerson.set(s.personKey, list);
  }
  for (const list of byPerson.values()) {
    if (list.length < 2) continue;
    const byStart = new Map<string, StayFact[]>();
    for (const s of list) byStart.set(s.checkedInAt, [...(byStart.get(s.checkedInAt) ?? []), s]);
    for (const s of list) {
      if (s.next || !s.checkedOutAt) continue;
      const candidate = (byStart.get(s.checkedOutAt) ?? []).find((c) => c.id !== s.id && !c.prev);
      if (candidate) {
        s.next = candidate;
        candidate.prev = s;
      }
    }
  }
  return all;
}

export async function loadStayFacts(db: Db, range: ReportRange, scope: ReportScope): Promise<StayFacts> {
  // WIB ends the range last and WIT starts it first: load that span, then keep each stay by its own facility's days.
  const touching = sql`s.checked_in_at < ${range.endIso} and (s.checked_out_at is null or s.checked_out_at >= ${rangeLoadStart(range)})`;
  const rows = await db.all<Row>(sql`
    select s.id, s.person_id, p.merged_into_id, s.facility_id, s.checked_in_at, s.checked_out_at, s.outcome, s.previous_stay_id, fz.wilayah_code
    from stays s join persons p on p.id = s.person_id left join facilities fz on fz.id = s.facility_id
    where s.person_id in (select s.person_id from stays s where ${touching} and ${inScope(sql.raw('s.facility_id'), scope)})`);
  const merged = await resolveMerges(db, rows);
  const previous = new Map(rows.map((r) => [r.id, r.previous_stay_id]));
  const all = linkStays(
    rows.map((r) => ({
      id: r.id,
      personKey: merged.get(r.person_id) ?? r.person_id,
      facilityId: r.facility_id,
      checkedInAt: r.checked_in_at,
      checkedOutAt: r.checked_out_at,
      outcome: r.outcome,
      zone: zoneOf(r.wilayah_code),
    })),
    previous,
  );
  const scoped = scope.facilityIds === null ? null : new Set(scope.facilityIds);
  const inRange = [...all.values()].filter(
    (s) => (scoped === null || scoped.has(s.facilityId)) && s.checkedInAt < rangeEndIn(range, s.zone) && (s.checkedOutAt === null || s.checkedOutAt >= rangeStartIn(range, s.zone)),
  );
  inRange.sort((a, b) => (a.checkedInAt < b.checkedInAt ? -1 : a.checkedInAt > b.checkedInAt ? 1 : a.id < b.id ? -1 : 1));
  return { inRange, all };
}

/** person id → the record it was finally merged into (merges can chain). */
async function resolveMerges(db: Db, rows: Row[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const pending = rows.filter((r) => r.merged_into_id);
  if (pending.length === 0) return out;
  const parent = new Map((await db.all<{ id: string; merged_into_id: string }>(sql`select id, merged_into_id from persons where merged_into_id is not null`)).map((r) => [r.id, r.merged_into_id]));
  for (const r of pending) {
    let id = r.person_id;
    for (let hops = 0; parent.has(id) && hops < 50; hops++) id = parent.get(id)!;
    out.set(r.person_id, id);
  }
  return out;
}

/**
 * The part of a chain of stays that stays inside one group (a facility, an
 * approach, the scope): where it began and where it ended. `key` maps a
 * facility to its group; a facility outside every group maps to null.
 */
export function episodeStart(s: StayFact, key: (facilityId: string) => string | null): StayFact {
  const k = key(s.facilityId);
  let first = s;
  for (let hops = 0; first.prev && key(first.prev.facilityId) === k && hops < 10_000; hops++) first = first.prev;
  return first;
}

export function episodeEnd(s: StayFact, key: (facilityId: string) => string | null): StayFact {
  const k = key(s.facilityId);
  let last = s;
  for (let hops = 0; last.next && key(last.next.facilityId) === k && hops < 10_000; hops++) last = last.next;
  return last;
}

/** Did this stay begin by arriving from outside its group (not a move within it)? */
export function arrivesInto(s: StayFact, key: (facilityId: string) => string | null): boolean {
  return !(s.prev && key(s.prev.facilityId) === key(s.facilityId));
}

/** Did this stay end by leaving its group (not a move within it)? False while it is open. */
export function leavesFrom(s: StayFact, key: (facilityId: string) => string | null): boolean {
  if (s.checkedOutAt === null) return false;
  return !(s.next && key(s.next.facilityId) === key(s.facilityId));
}
