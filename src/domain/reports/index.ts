import type { Db } from '../../db/client.ts';
import type { Translator } from '../../i18n/index.ts';
import { computeCensus, type CensusReport } from './census.ts';
import { capacityByDay } from './capacity.ts';
import { computeHandled, type HandledReport } from './handled.ts';
import { handoffsReport, type HandoffsReport } from './handoffs.ts';
import { computeLengthOfStay, type LosReport } from './length-of-stay.ts';
import { computeOutcomes, type OutcomesReport } from './outcomes.ts';
import { referralsReport, type ReferralsReport } from './referrals.ts';
import type { ReportRange } from './range.ts';
import { loadFacilities, type FacilityInfo, type ReportScope } from './scope.ts';
import { loadStayFacts } from './stays.ts';
import { approachOf } from '../board/sampler.ts';
import { sql } from 'drizzle-orm';
import type { Sex } from '../../db/schema/index.ts';
import { censusTables, facilityLabel, handledTable, handoffTables, losTable, outcomesTable, referralTables } from './tables.ts';
import type { ExportTable } from './table.ts';

export * from './range.ts';
export * from './scope.ts';
export { censusReport } from './census.ts';
export { handledReport } from './handled.ts';
export { outcomesReport } from './outcomes.ts';
export { lengthOfStayReport } from './length-of-stay.ts';
export { referralsReport } from './referrals.ts';
export { handoffsReport } from './handoffs.ts';

export interface FullReport {
  range: ReportRange;
  scope: ReportScope;
  facilities: FacilityInfo[];
  census: CensusReport;
  handled: HandledReport;
  outcomes: OutcomesReport;
  los: LosReport;
  referrals: ReferralsReport;
  handoffs: HandoffsReport;
}

/**
 * Every report of /reports at once, reading the stays a single time. Each
 * part is also its own function (`censusReport`, `handledReport`, …) taking
 * `{db, range, scope}`: these give the same figures.
 */
export async function buildReport(args: { db: Db; range: ReportRange; scope: ReportScope }): Promise<FullReport> {
  const { db, range, scope } = args;
  const facilities = await loadFacilities(db, scope);
  const kinds = new Map(facilities.map((f) => [f.id, f.kind]));
  const approach = (id: string) => (kinds.has(id) ? approachOf(kinds.get(id)!) : null);
  const { inRange } = await loadStayFacts(db, range, scope);
  const sexes = new Map((await db.all<{ id: string; sex: Sex }>(sql`select id, sex from persons where id in (select person_id from stays)`)).map((p) => [p.id, p.sex]));
  return {
    range,
    scope,
    facilities,
    census: computeCensus({ range, facilities, stays: inRange, capacity: await capacityByDay(db, range, scope) }),
    handled: computeHandled(
      range,
      inRange.map((s) => ({ id: s.id, personKey: s.personKey, checkedInAt: s.checkedInAt, approach: approach(s.facilityId) ?? 'TPS' })),
      (k) => sexes.get(k) ?? null,
    ),
    outcomes: computeOutcomes(range, inRange, approach),
    los: computeLengthOfStay(range, inRange, approach),
    referrals: await referralsReport({ db, range, scope }),
    handoffs: await handoffsReport({ db, range, scope }),
  };
}

/** The exportable reports by the name in their URL (/reports/<name>.csv|.xlsx). */
export const EXPORTS = ['census', 'census-summary', 'handled', 'outcomes', 'length-of-stay', 'referrals', 'refusals', 'handoffs', 'not-received'] as const;
export type ExportName = (typeof EXPORTS)[number];

/** The tables of one export: a CSV takes the first; a workbook takes them all. */
export function exportTables(report: FullReport, name: ExportName | 'all', t: Translator): ExportTable[] {
  const census = () => censusTables(report.census, t);
  const referrals = () => referralTables(report.referrals, t);
  const handoffs = () => handoffTables(report.handoffs, t);
  switch (name) {
    case 'census':
      return [census()[1]!, census()[0]!];
    case 'census-summary':
      return [census()[0]!];
    case 'handled':
      return [handledTable(report.handled, t)];
    case 'outcomes':
      return [outcomesTable(report.outcomes, t)];
    case 'length-of-stay':
      return [losTable(report.los, t)];
    case 'referrals':
      return referrals();
    case 'refusals':
      return [referrals()[1]!];
    case 'handoffs':
      return handoffs();
    case 'not-received':
      return [handoffs()[1]!];
    case 'all':
      return [
        ...census(),
        handledTable(report.handled, t),
        outcomesTable(report.outcomes, t),
        losTable(report.los, t),
        ...referrals(),
        ...handoffs(),
      ];
  }
}

/**
 * What a report covers, in words: all facilities, a wilayah, or a facility.
 * A published report (an export) never names a protected facility
 * (facilityLabel); the page for the report's own readers does.
 */
export function scopeLabel(report: Pick<FullReport, 'scope' | 'facilities'>, t: Translator, published: boolean): string {
  const s = report.scope;
  if (s.facilityId) {
    const f = report.facilities.find((x) => x.id === s.facilityId);
    if (!f) return '';
    if (!published) return `${f.code} · ${f.name}`;
    const label = facilityLabel(f, t);
    return label.code ? `${label.code} · ${label.name}` : label.name;
  }
  if (s.wilayah) {
    const w = report.facilities.find((x) => x.wilayahCode === s.wilayah || x.provinceCode === s.wilayah);
    const name = w ? (w.wilayahCode === s.wilayah ? w.wilayahName : w.provinceName) : s.wilayah;
    return t('reports.scope_wilayah', { name: `${s.wilayah} ${name}` });
  }
  return t('reports.scope_all');
}
