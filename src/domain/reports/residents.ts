import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { write, type Db } from '../../db/client.ts';
import type { DisabilityType, Sex } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { audit } from '../audit.ts';
import { hasRole, isWide } from '../access.ts';
import { forbidden } from '../errors.ts';
import { checkbox, parseInput } from '../validate.ts';
import { ageNeeds, ageOn } from '../persons/age.ts';
import { maskIdNumber } from '../persons/nik.ts';
import { approachOf, type Approach } from '../board/sampler.ts';
import type { ReportRange } from './range.ts';
import { inScope, type ReportScope } from './scope.ts';
import { episodeStart, loadStayFacts } from './stays.ts';

/**
 * The person-level export: who was present at the end of the range's last
 * day, with resident code, name, sex, age, facility, since when, and needs.
 * Only for roles that may see these people (admin, command; a manager, of
 * their own facility: the scope sees to that). NIK is masked unless the
 * reader ticks include_nik; every export is an audit event
 * ('export.persons') that records the filters and whether NIK was included.
 */
export const NEEDS = [
  'pregnant',
  'early_childhood',
  'child',
  'elderly',
  'disability',
  'wheelchair',
  'chronic_illness',
  'medical',
  'unaccompanied_child',
  'protection',
] as const;
export type ResidentNeed = (typeof NEEDS)[number];

export interface ResidentRow {
  residentCode: string;
  name: string;
  nik: string | null;
  sex: Sex;
  age: number | null;
  facilityCode: string;
  facilityName: string;
  approach: Approach;
  unit: string;
  bed: string | null;
  /** When they arrived at this facility (a move between its units does not reset it). */
  since: string;
  needs: ResidentNeed[];
  disabilities: DisabilityType[];
  pregnancyWeeks: number | null;
}

export const ResidentsExportInput = z.object({ include_nik: checkbox() });

interface Row {
  stay_id: string;
  resident_code: string;
  name: string | null;
  description: string | null;
  nik: string | null;
  sex: Sex;
  birth_date: string | null;
  estimated_age: number | null;
  estimated_at: string | null;
  pregnant: number;
  pregnancy_weeks: number | null;
  disabilities: string;
  wheelchair: number;
  chronic_illness: string | null;
  needs_medical: number;
  unaccompanied_child: number;
  trafficking_victim: number;
  facility_code: string;
  facility_name: string;
  kind: string;
  unit_name: string;
  bed_label: string | null;
}

export async function listResidents(args: { db: Db; range: ReportRange; scope: ReportScope; includeNik: boolean }): Promise<ResidentRow[]> {
  const { db, range, scope } = args;
  const end = range.endIso;
  const rows = await db.all<Row>(sql`
    select s.id as stay_id, p.resident_code, p.name, p.description, p.nik, p.sex, p.birth_date, p.estimated_age, p.estimated_at,
      p.pregnant, p.pregnancy_weeks, p.disabilities, p.wheelchair, p.chronic_illness, p.needs_medical,
      p.unaccompanied_child, p.trafficking_victim,
      f.code as facility_code, f.name as facility_name, f.kind, u.name as unit_name, s.bed_label
    from stays s
      join persons p on p.id = s.person_id
      join facilities f on f.id = s.facility_id
      join units u on u.id = s.unit_id
    where s.checked_in_at < ${end} and (s.checked_out_at is null or s.checked_out_at >= ${end})
      and ${inScope(sql.raw('s.facility_id'), scope)}
    order by f.kind, f.name, u.sort_order, u.name, s.bed_label, p.resident_code`);
  // "Since": the start of their time at this facility, across moves between its units.
  const facts = (await loadStayFacts(db, range, scope)).all;
  const today = range.to;
  return rows.map((r) => {
    const fact = facts.get(r.stay_id);
    const since = fact ? episodeStart(fact, (id) => id).checkedInAt : '';
    const age = ageOn({ birthDate: r.birth_date, estimatedAge: r.estimated_age, estimatedAt: r.estimated_at }, today);
    const disabilities = JSON.parse(r.disabilities || '[]') as DisabilityType[];
    const needs: ResidentNeed[] = [];
    if (r.pregnant) needs.push('pregnant');
    needs.push(...ageNeeds(age));
    if (disabilities.length) needs.push('disability');
    if (r.wheelchair) needs.push('wheelchair');
    if (r.chronic_illness) needs.push('chronic_illness');
    if (r.needs_medical) needs.push('medical');
    if (r.unaccompanied_child) needs.push('unaccompanied_child');
    if (r.trafficking_victim) needs.push('protection');
    return {
      residentCode: r.resident_code,
      name: r.name ?? r.description ?? '',
      nik: args.includeNik ? r.nik : maskIdNumber(r.nik),
      sex: r.sex,
      age,
      facilityCode: r.facility_code,
      facilityName: r.facility_name,
      approach: approachOf(r.kind),
      unit: r.unit_name,
      bed: r.bed_label,
      since,
      needs,
      disabilities,
      pregnancyWeeks: r.pregnant ? r.pregnancy_weeks : null,
    };
  });
}

/**
 * The export as one act: checks the reader may see people, lists them, and
 * writes the audit event in the same transaction as the read.
 */
export async function exportResidents(args: { db: Db; actor: Actor; range: ReportRange; scope: ReportScope; input: unknown; format: 'csv' | 'xlsx' }): Promise<{
  rows: ResidentRow[];
  includeNik: boolean;
}> {
  const { db, actor, range, scope } = args;
  if (!isWide(actor) && !(hasRole(actor, ['manager']) && scope.facilityIds?.length === 1 && scope.facilityIds[0] === actor.facilityId)) throw forbidden();
  const input = parseInput(ResidentsExportInput, args.input ?? {}, actor.lang);
  return await write(db, async (tx) => {
    const rows = await listResidents({ db, range, scope, includeNik: input.include_nik });
    await audit(tx, actor, {
      action: 'export.persons',
      entity: 'report',
      entityId: 'residents',
      detail: {
        format: args.format,
        filters: { date: range.to, facility: scope.facilityId, wilayah: scope.wilayah },
        include_nik: input.include_nik,
        rows: rows.length,
      },
    });
    return { rows, includeNik: input.include_nik };
  });
}
