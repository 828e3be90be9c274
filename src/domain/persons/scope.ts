import { sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import type { Actor } from '../actor.ts';
import { canSeePerson, hasRole, isWide, PEOPLE_ROLES, requireRole, type PersonScope } from '../access.ts';
import { notFound } from '../errors.ts';

/**
 * Which facilities a person is linked to — where they are, were, or are
 * headed (DOMAIN.md "Rules that protect people and data"): the facility that
 * registered them, every facility of their stays, the two ends of their
 * referrals, the facility a Satpol PP handoff brought them to, and any
 * facility whose desk took them in again as an existing record (the
 * 'person.intake' audit event, written in the same transaction as that intake).
 */
const REFERRAL_TOWARDS = sql`('PROPOSED','ACCEPTED','IN_TRANSIT','ARRIVED')`;

/** The person and the records merged into them: links of either count ("nothing lost" in a merge). */
const selfAndMerged = (id: SQL | string) => sql`(select ${id} union select m.id from persons m where m.merged_into_id = ${id})`;

export async function linkedFacilityIds(db: Db | Tx, personId: string): Promise<string[]> {
  const ids = selfAndMerged(personId);
  const rows = await db.all<{ f: string | null }>(sql`
    select created_at_facility_id as f from persons where id in ${ids}
    union select facility_id from stays where person_id in ${ids}
    union select r.from_facility_id from referral_persons rp join referrals r on r.id = rp.referral_id where rp.person_id in ${ids}
    union select r.to_facility_id from referral_persons rp join referrals r on r.id = rp.referral_id
      where rp.person_id in ${ids} and r.status in ${REFERRAL_TOWARDS}
    union select h.facility_id from handoff_persons hp join handoffs h on h.id = hp.handoff_id where hp.person_id in ${ids}
    union select json_extract(a.detail, '$.facility_id') from audit_events a
      where a.entity = 'person' and a.entity_id in ${ids} and a.action = 'person.intake'`);
  return rows.map((r) => r.f).filter((f): f is string => typeof f === 'string');
}

/** SQL condition: the person whose id is in `personIdColumn` is linked to the facility. Used to filter lists. */
export function linkedToFacility(personIdColumn: SQL, facilityId: string): SQL {
  const ids = selfAndMerged(personIdColumn);
  return sql`(
    exists (select 1 from persons lp where lp.id in ${ids} and lp.created_at_facility_id = ${facilityId})
    or exists (select 1 from stays s where s.person_id in ${ids} and s.facility_id = ${facilityId})
    or exists (select 1 from referral_persons rp join referrals r on r.id = rp.referral_id
               where rp.person_id in ${ids}
                 and (r.from_facility_id = ${facilityId} or (r.to_facility_id = ${facilityId} and r.status in ${REFERRAL_TOWARDS})))
    or exists (select 1 from handoff_persons hp join handoffs h on h.id = hp.handoff_id
               where hp.person_id in ${ids} and h.facility_id = ${facilityId})
    or exists (select 1 from audit_events a where a.entity = 'person' and a.entity_id in ${ids}
               and a.action = 'person.intake' and json_extract(a.detail, '$.facility_id') = ${facilityId})
  )`;
}

const OPEN_REFERRAL = sql`('PROPOSED','ACCEPTED','IN_TRANSIT')`;

/**
 * SQL: the facility id of a person's place now — the open stay, else the
 * destination of an open referral, else the last stay, else the facility that
 * registered them (stays and referral lines move to the survivor of a merge).
 * `rp.open = 1` says again what the status says (a line's `open` mirrors its
 * referral: referrals/load.ts moveReferral, expire.ts): it lets the person's
 * open line be found through referral_persons_one_open_uq, where the status
 * alone read every referral line in the country (4 ms a call at national scale,
 * and the duplicate check asks it for each of up to 20 candidates).
 */
export function placeSql(personIdColumn: SQL | string): SQL {
  return sql`coalesce(
    (select s.facility_id from stays s where s.person_id = ${personIdColumn} and s.checked_out_at is null),
    (select r.to_facility_id from referral_persons rp join referrals r on r.id = rp.referral_id
      where rp.person_id = ${personIdColumn} and rp.open = 1 and r.status in ${OPEN_REFERRAL} order by r.proposed_at desc limit 1),
    (select s.facility_id from stays s where s.person_id = ${personIdColumn} order by s.checked_in_at desc limit 1),
    (select pp.created_at_facility_id from persons pp where pp.id = ${personIdColumn}))`;
}

/** Where a person is, once: their linked facilities and their place now (see `canSeePerson`). */
export async function personScope(db: Db | Tx, personId: string): Promise<PersonScope> {
  return { linked: await linkedFacilityIds(db, personId), place: await placeOf(db, personId) };
}

/** The facility a person is at now (or last), with its name: what a duplicate candidate says of where they are. */
export async function placeOf(db: Db | Tx, personId: string): Promise<{ id: string; name: string; protected: boolean } | null> {
  const f = await db.get<{ id: string; protected: number; name: string }>(sql`select f.id, f.protected, f.name from facilities f where f.id = ${placeSql(personId)}`);
  return f ? { id: f.id, name: f.name, protected: f.protected === 1 } : null;
}

/** May this actor see this person? (the one rule, `canSeePerson`, over the person's scope) */
export async function maySeePerson(db: Db | Tx, actor: Actor, personId: string): Promise<boolean> {
  if (isWide(actor)) return true;
  if (!hasRole(actor, ['manager', 'intake']) || !actor.facilityId) return false;
  return canSeePerson(actor, await personScope(db, personId));
}

/**
 * The actor may see this person, or the person does not exist for them: 404,
 * never 403, so that a record's existence is not confirmed to whoever may not see it.
 * Roles that never see people (satpol, display) are refused outright (403).
 */
export async function assertCanSeePerson(db: Db | Tx, actor: Actor, personId: string): Promise<void> {
  requireRole(actor, PEOPLE_ROLES);
  if (!await maySeePerson(db, actor, personId)) throw notFound('residents.not_found');
}

/**
 * A condition that keeps only the people this actor may see (true for wide
 * roles): the list form of `canSeePerson` — linked to the actor's facility,
 * and not placed at a protected facility other than theirs.
 */
export function visiblePersonsFilter(actor: Actor, personIdColumn: SQL): SQL {
  if (isWide(actor)) return sql`1 = 1`;
  if (!hasRole(actor, ['manager', 'intake']) || !actor.facilityId) return sql`1 = 0`;
  return sql`(${linkedToFacility(personIdColumn, actor.facilityId)}
    and not exists (select 1 from facilities pf where pf.id = ${placeSql(personIdColumn)} and pf.protected = 1 and pf.id <> ${actor.facilityId}))`;
}
