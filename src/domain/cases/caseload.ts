import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import type { Cluster } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { canSeeFacility, requireRole } from '../access.ts';
import { toLocalIso, zoneOf } from '../../lib/time.ts';
import { caseWorkerToday } from '../time-zone.ts';
import { maskIdNumber } from '../persons/nik.ts';
import type { PersonListed } from '../persons/record.ts';
import { aidFactsOf, aidPlaces, aidSteps, type AidStep } from './aid.ts';
import { clusterFactsOfRow, effectiveCluster } from '../persons/cluster.ts';
import { caseScopeFilter, CASE_READ_ROLES } from './scope.ts';

export interface CaseloadEntry extends PersonListed {
  cluster: Cluster | null;
  pendamping: string | null;
  facility_name: string | null;
  placed: boolean;
  last_service_at: string | null;
  next_due: string | null;
  overdue: number;
  due_today: number;
  aid_steps: AidStep[];
}

/**
 * The caseload: a pendamping's own cases (others: the assigned cases they may
 * see), those with a follow-up overdue or due today first.
 */
export async function caseload(args: { db: Db; actor: Actor }): Promise<CaseloadEntry[]> {
  const { db, actor } = args;
  requireRole(actor, CASE_READ_ROLES);
  // "Due today" is the case worker's own day (domain/time-zone.ts: a pendamping in Bali counts WITA days); the counts
  // below are dueState's 'overdue' and 'today' in SQL, so the list is ordered and cut by them.
  const today = await caseWorkerToday(db, actor);
  // Wrapped: PostgreSQL orders by an output column's name only when it stands alone, not inside an expression.
  const rows = await db.all<Record<string, unknown>>(sql`
    select * from (
    select p.*, coalesce(nullif(u.display_name, ''), u.username) as pendamping_name,
           pc.cluster as cluster_override,
           f.id as f_id, f.name as f_name, f.protected as f_protected, f.wilayah_code as f_wilayah_code, s.id as stay_id, s.checked_in_at as stay_in, c.assigned_at,
           (select max(given_at) from case_services cs where cs.case_id = c.id) as last_service_at,
           (select min(due) from case_follow_ups fu where fu.case_id = c.id and fu.done_at is null) as next_due,
           (select count(*) from case_follow_ups fu where fu.case_id = c.id and fu.done_at is null and fu.due < ${today}) as overdue,
           (select count(*) from case_follow_ups fu where fu.case_id = c.id and fu.done_at is null and fu.due = ${today}) as due_today,
           (select max(d.proposed_at) from dtks_proposals d where d.person_id = p.id) as proposed_at
    from cases c
    join persons p on p.id = c.person_id
    left join users u on u.id = c.pendamping_id
    left join person_clusters pc on pc.person_id = p.id
    left join stays s on s.person_id = p.id and s.checked_out_at is null
    left join facilities f on f.id = s.facility_id
    where c.pendamping_id is not null and p.merged_into_id is null and p.anonymised_at is null
      and ${caseScopeFilter(actor, sql`p.id`)}
    ) q
    order by (q.overdue + q.due_today) > 0 desc, q.next_due is null, q.next_due, q.resident_code
    limit 500`);
  const places = await aidPlaces(db, rows.map((r) => r.id as string));
  return rows.map((r) => {
    const facts = clusterFactsOfRow(r, today);
    const fid = r.f_id as string | null;
    const showFacility = fid !== null && canSeeFacility(actor, { id: fid, protected: r.f_protected === 1 });
    return {
      person_id: r.id as string,
      resident_code: r.resident_code as string,
      name: (r.name ?? r.description) as string | null,
      sex: r.sex as 'L' | 'P',
      age: facts.age,
      nik_masked: maskIdNumber(r.nik as string | null),
      cluster: effectiveCluster(r.cluster_override as Cluster | null, facts),
      pendamping: r.pendamping_name as string | null,
      facility_name: showFacility ? (r.f_name as string) : null,
      placed: r.stay_id !== null,
      // In the zone of the facility the person stays at (WIB when not known).
      last_service_at: toLocalIso(r.last_service_at as string | null, showFacility ? zoneOf(r.f_wilayah_code as string | null) : 'WIB'),
      next_due: r.next_due as string | null,
      overdue: Number(r.overdue),
      due_today: Number(r.due_today),
      aid_steps: aidSteps(
        aidFactsOf(
          {
            nik: r.nik as string | null,
            kk: r.kk as string | null,
            dtks: r.dtks as 'yes',
            pkh: r.pkh as 'yes',
            bpnt: r.bpnt as 'yes',
            ktpAddress: r.ktp_address as string | null,
            domicileAddress: r.domicile_address as string | null,
            originWilayahCode: r.origin_wilayah_code as string | null,
          },
          facts.age,
          places.get(r.id as string),
        ),
        r.proposed_at as string | null,
      ).map((s) => s.code),
    };
  });
}
