import type { Db } from '../../db/client.ts';
import { approachOf, APPROACHES, type Approach } from '../board/sampler.ts';
import { DAY_MS, dayIndex, rangeEndIn, type ReportRange } from './range.ts';
import { loadFacilities, type ReportScope } from './scope.ts';
import { episodeStart, leavesFrom, loadStayFacts, type StayFact } from './stays.ts';
import { spread, type Spread } from './stats.ts';

/**
 * Length of stay, in days (fractions of a day kept), of the stays that ended
 * in the range. A stay here is the whole time spent inside the group: a
 * transfer within it does not cut it in two. For the total, the group is the
 * scope (arrival to discharge); for an approach row, the approach (the time
 * in TPS, then the time in an LKS, for someone moved on). Stays still open at
 * the end of the range are counted apart (`open`), not guessed.
 */
export interface LosRow extends Spread {
  key: Approach | 'total';
  /** Still present at the end of the range. */
  open: number;
}

export interface LosReport {
  range: ReportRange;
  rows: LosRow[];
  total: LosRow;
}

type Key = (facilityId: string) => string | null;

function losFor(range: ReportRange, stays: readonly StayFact[], key: Key, want: string): { values: number[]; open: number } {
  const values: number[] = [];
  let open = 0;
  for (const s of stays) {
    if (key(s.facilityId) !== want) continue;
    if (s.checkedOutAt === null || s.checkedOutAt >= rangeEndIn(range, s.zone)) {
      // Still there when the range ended: one person, one stay at that instant.
      open += 1;
      continue;
    }
    const i = dayIndex(range, s.checkedOutAt, s.zone);
    if (i < 0 || !leavesFrom(s, key)) continue;
    const start = episodeStart(s, key);
    values.push((Date.parse(s.checkedOutAt) - Date.parse(start.checkedInAt)) / DAY_MS);
  }
  return { values, open };
}

export function computeLengthOfStay(range: ReportRange, stays: readonly StayFact[], approachOfFacility: (id: string) => Approach | null): LosReport {
  const approachKey: Key = (id) => approachOfFacility(id);
  const scopeKey: Key = (id) => (approachOfFacility(id) === null ? null : 'total');
  const rows = APPROACHES.map((a) => {
    const { values, open } = losFor(range, stays, approachKey, a);
    return { key: a, ...spread(values), open };
  });
  const t = losFor(range, stays, scopeKey, 'total');
  return { range, rows, total: { key: 'total', ...spread(t.values), open: t.open } };
}

export async function lengthOfStayReport(args: { db: Db; range: ReportRange; scope: ReportScope }): Promise<LosReport> {
  const kinds = new Map((await loadFacilities(args.db, args.scope)).map((f) => [f.id, f.kind]));
  const { inRange } = await loadStayFacts(args.db, args.range, args.scope);
  return computeLengthOfStay(args.range, inRange, (id) => (kinds.has(id) ? approachOf(kinds.get(id)!) : null));
}
