import { inArray } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.ts';
import { facilities } from '../db/schema/index.ts';
import { localDate, localDayStart, nowIso, zoneOf, type Zone } from '../lib/time.ts';
import type { Actor } from './actor.ts';

/**
 * The domain's one answer to "which day is it?" (src/lib/time.ts holds the
 * zone arithmetic). Indonesia has three zones and a calendar day differs
 * between them for two hours of every night, so every "today", "due",
 * "overdue", report range and file date names whose day it is — one of three,
 * never a hard-coded offset:
 *
 * - the facility's day (`facilityToday`): what happens at a facility — its
 *   census, the desk's "in today / out today", a report's facts placed on the
 *   facility's own day (reports/range.ts `dayIndex(range, iso, zone)`);
 * - the case worker's day (`caseWorkerToday`): what is due or overdue. A
 *   follow-up's due date is a date on the calendar of whoever works it, so
 *   it is asked in the day of the account asking — the zone of its wilayah,
 *   else of its facility — and one function (`dueState`) answers it for the
 *   caseload, the case page and the follow-up worklist alike (a pendamping in
 *   Denpasar counts WITA days; the command centre, bound to nothing, WIB);
 * - the national day (`nationalToday`, WIB): a view with no facility or
 *   wilayah — a report's range across provinces and its default `to`, the
 *   date in an export's file name.
 */
export const NATIONAL_ZONE: Zone = 'WIB';

/** The calendar day (YYYY-MM-DD) at `now` in a zone. */
export function todayIn(zone: Zone, now: string = nowIso()): string {
  return localDate(now, zone);
}

/** The national view's day (WIB): reports across provinces, files' dates. */
export function nationalToday(now: string = nowIso()): string {
  return todayIn(NATIONAL_ZONE, now);
}

/** The first instant (UTC ISO) of a calendar day in a zone: a day's "since" for counts. */
export function dayStart(day: string, zone: Zone): string {
  return localDayStart(day, zone);
}

/**
 * The zone of facilities (from the province of their wilayah): times of
 * what belongs to a facility are served and shown in it (INTERFACES.md
 * "Time"). An unknown facility (or none) is WIB.
 */
export async function facilityZones(db: Db | Tx, ids: readonly (string | null | undefined)[]): Promise<Map<string, Zone>> {
  const want = [...new Set(ids.filter((id): id is string => typeof id === 'string' && id.length > 0))];
  if (want.length === 0) return new Map();
  const rows = await db.select({ id: facilities.id, wilayahCode: facilities.wilayahCode }).from(facilities).where(inArray(facilities.id, want)).all();
  return new Map(rows.map((r) => [r.id, zoneOf(r.wilayahCode)]));
}

export async function facilityZone(db: Db | Tx, id: string | null | undefined): Promise<Zone> {
  return (await facilityZones(db, [id])).get(id ?? '') ?? 'WIB';
}

/** A facility's day. */
export async function facilityToday(db: Db | Tx, facilityId: string | null | undefined, now: string = nowIso()): Promise<string> {
  return todayIn(await facilityZone(db, facilityId), now);
}

/** The zone of the account asking: its wilayah's, else its facility's, else the national view's (WIB). */
export async function caseWorkerZone(db: Db | Tx, actor: Pick<Actor, 'wilayahCode' | 'facilityId'>): Promise<Zone> {
  if (actor.wilayahCode) return zoneOf(actor.wilayahCode);
  if (actor.facilityId) return await facilityZone(db, actor.facilityId);
  return NATIONAL_ZONE;
}

/** The case worker's day: what is due and overdue is counted in it. */
export async function caseWorkerToday(db: Db | Tx, actor: Pick<Actor, 'wilayahCode' | 'facilityId'>, now: string = nowIso()): Promise<string> {
  return todayIn(await caseWorkerZone(db, actor), now);
}

export type DueState = 'done' | 'overdue' | 'today' | 'upcoming';

/** Is something with a due date (YYYY-MM-DD) done, overdue, due today or still to come, on `today` (the case worker's day)? */
export function dueState(f: { doneAt: string | null; due: string }, today: string): DueState {
  if (f.doneAt) return 'done';
  if (f.due < today) return 'overdue';
  return f.due === today ? 'today' : 'upcoming';
}

/** Whole days from a due date to `today` (0 when not yet overdue). */
export function daysOverdue(due: string, today: string): number {
  return Math.max(0, Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${due}T00:00:00Z`)) / 86_400_000));
}
