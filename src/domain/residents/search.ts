import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { personsMatching } from './search-sql.ts';
import type { Db } from '../../db/client.ts';
import { SUMMARY_COLUMNS, personSummary } from './view.ts';
import { facilities, persons, stays, units } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { PEOPLE_ROLES, requireRole } from '../access.ts';
import { nowIso, wibDate } from '../../lib/time.ts';
import { visiblePersonsFilter } from '../persons/scope.ts';
import { normaliseName } from '../persons/names.ts';
import { cleanIdNumber } from '../persons/nik.ts';
import type { PersonRow } from '../persons/record.ts';

export interface SearchHit {
  id: string;
  resident_code: string;
  name: string | null;
  alias: string | null;
  description: string | null;
  sex: PersonRow['sex'];
  age: number | null;
  nik_masked: string | null;
  household_id: string | null;
  stay: { id: string; facility_id: string; facility_name: string; unit_id: string; unit_name: string; bed_label: string | null; overflow: boolean } | null;
}


const HIT_PERSON = {
  ...SUMMARY_COLUMNS,
  householdId: persons.householdId,
};
const HIT_STAY = { id: stays.id, personId: stays.personId, facilityId: stays.facilityId, unitId: stays.unitId, bedLabel: stays.bedLabel, overflow: stays.overflow };

/**
 * Finding people at the desk: by name or alias (spelling variants folded, as
 * in the duplicate check), resident code, or NIK. Only people the actor may
 * see are found. With no query: the people staying at the actor's facility
 * now (everyone's latest for wide roles).
 */
export async function searchPersons(args: { db: Db; actor: Actor; q?: string | undefined; limit?: number; offset?: number }): Promise<SearchHit[]> {
  const { db, actor } = args;
  requireRole(actor, PEOPLE_ROLES);
  // 201: a page of the API asks one past its limit (200) to know whether there is more.
  const limit = Math.min(Math.max(args.limit ?? 50, 1), 201);
  const offset = Math.max(args.offset ?? 0, 0);
  const q = (args.q ?? '').trim().slice(0, 100);
  const today = wibDate(nowIso());
  const conditions: Awaited<ReturnType<typeof sql>>[] = [];
  const digits = cleanIdNumber(q);
  if (q === '') {
    if (actor.facilityId) {
      conditions.push(sql`exists (select 1 from stays s where s.person_id = p.id and s.checked_out_at is null and s.facility_id = ${actor.facilityId})`);
    } else conditions.push(sql`1 = 1`);
  } else if (/^\d{6,16}$/.test(digits)) {
    conditions.push(digits.length === 16 ? sql`p.nik = ${digits}` : sql`p.nik like ${`${digits}%`}`);
    conditions.push(sql`p.kk = ${digits}`);
  } else {
    const code = q.toUpperCase().replace(/^SGH-?/, '');
    const tokens = normaliseName(q).split(' ').filter((t) => t.length >= 3);
    // The name as written too: while the officer is still typing, the folded key may not match yet ("Muham" is not yet "mhd").
    conditions.push(personsMatching(db, { code: /^[0-9A-Z]{3,6}$/.test(code) ? code : null, tokens, text: q }));
  }
  const where = sql.join(conditions, sql` or `);
  const ids = (await db
    .all<{ id: string }>(sql`
      select p.id from persons p
      where p.merged_into_id is null and p.anonymised_at is null
        and (${where})
        and ${visiblePersonsFilter(actor, sql`p.id`)}
      order by p.updated_at desc, p.id
      limit ${limit} offset ${offset}`))
    .map((r) => r.id);
  if (!ids.length) return [];
  // What a hit shows, not whole rows (a person's row has some thirty columns, a stay's a dozen).
  const rows = await db.select(HIT_PERSON).from(persons).where(inArray(persons.id, ids)).all();
  const open = await db
    .select({ stay: HIT_STAY, facilityName: facilities.name, unitName: units.name })
    .from(stays)
    .innerJoin(facilities, eq(facilities.id, stays.facilityId))
    .innerJoin(units, eq(units.id, stays.unitId))
    .where(and(inArray(stays.personId, ids), isNull(stays.checkedOutAt)))
    .all();
  const openBy = new Map(open.map((o) => [o.stay.personId, o]));
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => {
    const p = byId.get(id)!;
    const o = openBy.get(id);
    return {
      ...personSummary(p, today),
      household_id: p.householdId,
      stay: o
        ? { id: o.stay.id, facility_id: o.stay.facilityId, facility_name: o.facilityName, unit_id: o.stay.unitId, unit_name: o.unitName, bed_label: o.stay.bedLabel, overflow: o.stay.overflow }
        : null,
    };
  });
}
