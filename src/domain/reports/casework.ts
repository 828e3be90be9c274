import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { ATENSI_MENUS, CLUSTERS, FOLLOW_UP_KINDS, FOLLOW_UP_OUTCOMES, type Cluster } from '../../db/schema/index.ts';
import type { Translator } from '../../i18n/index.ts';
import { clusterFactsOfRow, effectiveCluster } from '../persons/cluster.ts';
import type { ReportRange } from './range.ts';
import { inScope, type ReportScope } from './scope.ts';
import type { ExportTable } from './table.ts';

/**
 * Case work in a range (issue 15): services by cluster and ATENSI menu, DTKS
 * proposals made, pemulangan and reunification with their follow-ups after
 * arrival, and follow-up outcomes. A person belongs to the scope through the
 * facility of their latest stay. Counts of people are published with the
 * small-cell rule of every report (src/domain/reports/suppress.ts).
 */
export interface CaseworkReport {
  range: ReportRange;
  services: { cluster: Cluster | 'none'; menu: string; people: number; services: number }[];
  dtks: { proposals: number; people: number };
  journeys: { outcome: 'reunited' | 'returned_home'; people: number; withJourney: number; afterArrivalDone: number; stillHome: number; aidReceived: number }[];
  followUps: { kind: string; outcome: string; people: number }[];
}

const LATEST_STAY_IN_SCOPE = (person: Awaited<ReturnType<typeof sql.raw>>, scope: ReportScope) => sql`exists (
  select 1 from stays ls where ls.person_id = ${person} and ${inScope(sql.raw('ls.facility_id'), scope)}
    and ls.checked_in_at = (select max(x.checked_in_at) from stays x where x.person_id = ${person}))`;

export async function caseworkReport(args: { db: Db; range: ReportRange; scope: ReportScope }): Promise<CaseworkReport> {
  const { db, range, scope } = args;
  const today = range.to;
  const serviceRows = await db.all<Record<string, unknown>>(sql`
    select cs.menu, p.id as person_id, p.birth_date, p.estimated_age, p.estimated_at, p.category, p.disabilities,
           p.trafficking_victim, p.unaccompanied_child, p.napza, p.wheelchair, pc.cluster as override
    from case_services cs join cases c on c.id = cs.case_id join persons p on p.id = c.person_id
    left join person_clusters pc on pc.person_id = p.id
    where cs.given_at >= ${range.startIso} and cs.given_at < ${range.endIso} and ${LATEST_STAY_IN_SCOPE(sql.raw('p.id'), scope)}`);
  const cells = new Map<string, { people: Set<string>; services: number }>();
  for (const r of serviceRows) {
    const cluster = effectiveCluster(r.override as Cluster | null, clusterFactsOfRow(r, today)) ?? 'none';
    const key = `${cluster}|${r.menu as string}`;
    const cell = cells.get(key) ?? { people: new Set<string>(), services: 0 };
    cell.people.add(r.person_id as string);
    cell.services += 1;
    cells.set(key, cell);
  }
  const services: CaseworkReport['services'] = [];
  for (const cluster of [...CLUSTERS, 'none' as const]) {
    for (const menu of ATENSI_MENUS) {
      const cell = cells.get(`${cluster}|${menu}`);
      if (cell) services.push({ cluster, menu, people: cell.people.size, services: cell.services });
    }
  }

  const dtks = (await db.get<{ proposals: number; people: number }>(sql`
    select count(*) as proposals, count(distinct d.person_id) as people from dtks_proposals d
    where d.proposed_at >= ${range.startIso} and d.proposed_at < ${range.endIso} and ${LATEST_STAY_IN_SCOPE(sql.raw('d.person_id'), scope)}`))!;

  const journeys = (await Promise.all((['reunited', 'returned_home'] as const).map(async (outcome) => {
    const r = (await db.get<{ people: number; with_journey: number; done: number; still_home: number; aid: number }>(sql`
      select count(distinct s.person_id) as people,
        count(distinct case when j.stay_id is not null then s.person_id end) as with_journey,
        count(distinct case when f.done_at is not null then s.person_id end) as done,
        count(distinct case when f.outcome = 'still_home' then s.person_id end) as still_home,
        count(distinct case when f.outcome = 'aid_received' then s.person_id end) as aid
      from stays s
      left join discharge_journeys j on j.stay_id = s.id
      left join case_follow_ups f on f.stay_id = s.id and f.kind = 'after_arrival'
      where s.outcome = ${outcome} and s.checked_out_at >= ${range.startIso} and s.checked_out_at < ${range.endIso}
        and ${inScope(sql.raw('s.facility_id'), scope)}`))!;
    return { outcome, people: r.people, withJourney: r.with_journey, afterArrivalDone: r.done, stillHome: r.still_home, aidReceived: r.aid };
  })));

  const fuRows = await db.all<{ kind: string; outcome: string; people: number }>(sql`
    select f.kind, f.outcome, count(distinct c.person_id) as people from case_follow_ups f join cases c on c.id = f.case_id
    where f.done_at >= ${range.startIso} and f.done_at < ${range.endIso} and ${LATEST_STAY_IN_SCOPE(sql.raw('c.person_id'), scope)}
    group by f.kind, f.outcome`);
  const order = (k: string, o: string) => FOLLOW_UP_KINDS.indexOf(k as never) * 100 + FOLLOW_UP_OUTCOMES.indexOf(o as never);
  const followUps = fuRows.sort((a, b) => order(a.kind, a.outcome) - order(b.kind, b.outcome));
  return { range, services, dtks, journeys, followUps };
}

export function caseworkTables(r: CaseworkReport, t: Translator): ExportTable[] {
  return [
    {
      sheet: t('casework.sheet.services'),
      title: t('casework.services_title'),
      published: true,
      columns: [
        { key: 'cluster', header: t('cases.cluster_label'), type: 'text' },
        { key: 'menu', header: t('cases.menu'), type: 'text' },
        { key: 'people', header: t('casework.people'), type: 'people' },
        { key: 'services', header: t('casework.services'), type: 'int', basis: 'people' },
      ],
      rows: r.services.map((s) => ({ cluster: s.cluster === 'none' ? t('casework.no_cluster') : t(`cases.cluster.${s.cluster}`), menu: t(`cases.menu.${s.menu}`), people: s.people, services: s.services })),
    },
    {
      sheet: t('casework.sheet.dtks'),
      title: t('casework.dtks_title'),
      published: true,
      columns: [
        { key: 'people', header: t('casework.people'), type: 'people' },
        { key: 'proposals', header: t('casework.proposals'), type: 'int', basis: 'people' },
      ],
      rows: [{ people: r.dtks.people, proposals: r.dtks.proposals }],
    },
    {
      sheet: t('casework.sheet.journeys'),
      title: t('casework.journeys_title'),
      published: true,
      columns: [
        { key: 'outcome', header: t('casework.outcome'), type: 'text' },
        { key: 'people', header: t('casework.people'), type: 'people' },
        { key: 'with_journey', header: t('casework.with_journey'), type: 'people' },
        { key: 'done', header: t('casework.after_arrival_done'), type: 'people' },
        { key: 'still_home', header: t('casework.still_home'), type: 'people' },
        { key: 'aid', header: t('casework.aid_received'), type: 'people' },
      ],
      rows: r.journeys.map((j) => ({ outcome: t(`stays.outcome.${j.outcome}`), people: j.people, with_journey: j.withJourney, done: j.afterArrivalDone, still_home: j.stillHome, aid: j.aidReceived })),
    },
    {
      sheet: t('casework.sheet.follow_ups'),
      title: t('casework.follow_ups_title'),
      published: true,
      columns: [
        { key: 'kind', header: t('cases.kind'), type: 'text' },
        { key: 'outcome', header: t('cases.outcome_label'), type: 'text' },
        { key: 'people', header: t('casework.people'), type: 'people' },
      ],
      rows: r.followUps.map((f) => ({ kind: t(`cases.kind.${f.kind}`), outcome: t(`cases.outcome.${f.outcome}`), people: f.people })),
    },
  ];
}
