import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import type { Sex } from '../../db/schema/index.ts';
import { approachOf, APPROACHES, type Approach } from '../board/sampler.ts';
import type { ReportRange } from './range.ts';
import { loadFacilities, type ReportScope } from './scope.ts';
import { loadStayFacts } from './stays.ts';

/**
 * People handled, by approach: the PWTC table (DOMAIN.md) — handled in a
 * TPS, in a balai/loka/panti (residential), in families and communities
 * through an LKS, and the total. Each person is counted once, under the
 * approach of their latest stay in the range: the stay with the greatest
 * check-in time, ties broken by the greater stay id. A stay is "in the range"
 * when it was checked in before the range ended and not checked out before
 * it began. So the approaches add up to the total, always.
 */
export interface HandledRow {
  approach: Approach;
  people: number;
  male: number;
  female: number;
}

export interface HandledReport {
  range: ReportRange;
  rows: HandledRow[];
  total: { people: number; male: number; female: number };
}

export interface HandledStay {
  id: string;
  personKey: string;
  checkedInAt: string;
  approach: Approach;
}

/** person → the approach of their latest stay; pure, so the rule is tested on its own. */
export function latestPlacement(stays: readonly HandledStay[]): Map<string, HandledStay> {
  const latest = new Map<string, HandledStay>();
  for (const s of stays) {
    const cur = latest.get(s.personKey);
    if (!cur || s.checkedInAt > cur.checkedInAt || (s.checkedInAt === cur.checkedInAt && s.id > cur.id)) latest.set(s.personKey, s);
  }
  return latest;
}

export function computeHandled(range: ReportRange, stays: readonly HandledStay[], sexOf: (personKey: string) => Sex | null): HandledReport {
  const rows = new Map<Approach, HandledRow>(APPROACHES.map((a) => [a, { approach: a, people: 0, male: 0, female: 0 }]));
  for (const s of latestPlacement(stays).values()) {
    const row = rows.get(s.approach)!;
    row.people += 1;
    const sex = sexOf(s.personKey);
    if (sex === 'L') row.male += 1;
    if (sex === 'P') row.female += 1;
  }
  const list = [...rows.values()];
  return {
    range,
    rows: list,
    total: {
      people: list.reduce((a, r) => a + r.people, 0),
      male: list.reduce((a, r) => a + r.male, 0),
      female: list.reduce((a, r) => a + r.female, 0),
    },
  };
}

export async function handledReport(args: { db: Db; range: ReportRange; scope: ReportScope }): Promise<HandledReport> {
  const kinds = new Map((await loadFacilities(args.db, args.scope)).map((f) => [f.id, f.kind]));
  const { inRange } = await loadStayFacts(args.db, args.range, args.scope);
  const stays = inRange.map((s) => ({ id: s.id, personKey: s.personKey, checkedInAt: s.checkedInAt, approach: approachOf(kinds.get(s.facilityId) ?? 'TPS') }));
  const sexes = new Map(
    (await args.db.all<{ id: string; sex: Sex }>(sql`select id, sex from persons where id in (select person_id from stays)`)).map((p) => [p.id, p.sex]),
  );
  return computeHandled(args.range, stays, (k) => sexes.get(k) ?? null);
}
