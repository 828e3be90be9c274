import type { Db } from '../../db/client.ts';
import { DISCHARGE_OUTCOMES, type DischargeOutcome } from '../../db/schema/index.ts';
import { approachOf, APPROACHES, type Approach } from '../board/sampler.ts';
import { dayIndex, type ReportRange } from './range.ts';
import { loadFacilities, type ReportScope } from './scope.ts';
import { leavesFrom, loadStayFacts, type StayFact } from './stays.ts';

/**
 * Outcomes of discharge: every stay that ended in the range by leaving the
 * scope, by its outcome and by the approach of the facility left. A move to
 * another facility inside the scope is not a discharge (it is counted apart,
 * as `moves`); for a manager's one-facility report, a transfer out is.
 */
export interface OutcomeRow {
  outcome: DischargeOutcome;
  byApproach: Record<Approach, number>;
  total: number;
}

export interface OutcomesReport {
  range: ReportRange;
  rows: OutcomeRow[];
  total: { byApproach: Record<Approach, number>; total: number };
  /** Stays that ended by moving to another facility inside the scope. */
  moves: number;
}

const zero = (): Record<Approach, number> => ({ TPS: 0, RESIDENTIAL: 0, LKS: 0 });

export function computeOutcomes(range: ReportRange, stays: readonly StayFact[], approachOfFacility: (id: string) => Approach | null): OutcomesReport {
  const rows = new Map<DischargeOutcome, OutcomeRow>(DISCHARGE_OUTCOMES.map((o) => [o, { outcome: o, byApproach: zero(), total: 0 }]));
  const total = { byApproach: zero(), total: 0 };
  let moves = 0;
  const scopeKey = (id: string) => (approachOfFacility(id) === null ? null : 'scope');
  for (const s of stays) {
    if (s.checkedOutAt === null) continue;
    const i = dayIndex(range, s.checkedOutAt, s.zone);
    if (i < 0 || i >= range.days.length) continue;
    const approach = approachOfFacility(s.facilityId);
    if (approach === null) continue;
    if (!leavesFrom(s, scopeKey)) {
      moves += 1;
      continue;
    }
    const row = rows.get(s.outcome ?? 'other')!;
    row.byApproach[approach] += 1;
    row.total += 1;
    total.byApproach[approach] += 1;
    total.total += 1;
  }
  return { range, rows: [...rows.values()], total, moves };
}

export async function outcomesReport(args: { db: Db; range: ReportRange; scope: ReportScope }): Promise<OutcomesReport> {
  const kinds = new Map((await loadFacilities(args.db, args.scope)).map((f) => [f.id, f.kind]));
  const { inRange } = await loadStayFacts(args.db, args.range, args.scope);
  return computeOutcomes(args.range, inRange, (id) => (kinds.has(id) ? approachOf(kinds.get(id)!) : null));
}

export { APPROACHES };
