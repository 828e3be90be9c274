import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { codeContains, nameKeyContainsAll, textContains } from './search-sql.ts';
import { alias } from 'drizzle-orm/sqlite-core';
import { write, type Db, type Tx } from '../../db/client.ts';
import { facilities, handoffPersons, handoffs, persons, referralPersons, referrals, stays, units, users } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { canSeeFacility, PEOPLE_ROLES, requireRole } from '../access.ts';
import { audit } from '../audit.ts';
import { notFound } from '../errors.ts';
import { nowIso, wibDate, zoneOf } from '../../lib/time.ts';
import { ageNeeds, ageOn } from './age.ts';
import { assertCanSeePerson, maySeePerson, visiblePersonsFilter } from './links.ts';
import { normaliseName } from './names.ts';
import { cleanIdNumber, maskIdNumber } from './nik.ts';
import { liveRecord } from './register.ts';
import { personSummary, toPersonRecord, type PersonRow } from './view.ts';
import { toStayRecord } from '../stays/view.ts';
import { translate } from '../../i18n/index.ts';

/** A stay with the names people read, and whether its facility (or where it led) is protected. */
export async function staysOf(db: Db | Tx, personId: string) {
  return await db
    .select({
      stay: stays,
      facilityName: facilities.name,
      facilityCode: facilities.code,
      facilityProtected: facilities.protected,
      facilityWilayahCode: facilities.wilayahCode,
      unitName: units.name,
      checkedInByName: users.username,
      // The stay that followed (transfer, referral) was at a protected facility: the destination text names it.
      ledToProtected: sql<string | null>`(select nf.id from stays n join facilities nf on nf.id = n.facility_id
        where n.previous_stay_id = ${stays.id} and nf.protected = 1 limit 1)`,
    })
    .from(stays)
    .innerJoin(facilities, eq(facilities.id, stays.facilityId))
    .innerJoin(units, eq(units.id, stays.unitId))
    .leftJoin(users, eq(users.id, stays.checkedInBy))
    .where(eq(stays.personId, personId))
    .orderBy(desc(stays.checkedInAt))
    .all();
}

export type PersonDetail = Awaited<ReturnType<typeof loadDetail>>;

/**
 * A person's history as this actor may see it (DOMAIN.md "Confidentiality
 * across facilities"): a protected facility the actor may not see is never
 * named — nor its units, beds, or a destination text that would name it —
 * in their stays, referrals or handoffs; it reads "a protected facility".
 */
async function loadDetail(tx: Tx, actor: Actor, p: PersonRow, today: string) {
  const hiddenName = translate(actor.lang, 'residents.protected_facility');
  const hidden = (id: string | null, isProtected: boolean | null) => id !== null && !canSeeFacility(actor, { id, protected: isProtected === true });
  const stayRows = (await staysOf(tx, p.id)).map((s) => {
    const masked = hidden(s.stay.facilityId, s.facilityProtected);
    const destinationHidden = masked || (s.ledToProtected !== null && hidden(s.ledToProtected, true));
    return {
      ...s,
      hidden: masked,
      // Its facility's zone; a facility the actor may not know keeps WIB, so its offset does not tell its province.
      zone: masked ? ('WIB' as const) : zoneOf(s.facilityWilayahCode),
      facilityName: masked ? hiddenName : s.facilityName,
      facilityCode: masked ? '' : s.facilityCode,
      unitName: masked ? '' : s.unitName,
      checkedInByName: masked ? null : s.checkedInByName,
      stay: {
        ...s.stay,
        bedLabel: masked ? null : s.stay.bedLabel,
        destination: destinationHidden && s.stay.destination ? hiddenName : s.stay.destination,
        checkedInBy: masked ? null : s.stay.checkedInBy,
        checkedOutBy: masked ? null : s.stay.checkedOutBy,
        note: masked ? null : s.stay.note,
      },
    };
  });
  const openStay = stayRows.find((s) => s.stay.checkedOutAt === null) ?? null;
  const household = p.householdId
    ? (await Promise.all((await tx
        .select()
        .from(persons)
        .where(and(eq(persons.householdId, p.householdId), isNull(persons.mergedIntoId)))
        .orderBy(asc(persons.createdAt))
        .all())
        .filter((m) => m.id !== p.id)
        .map(async (m) => {
          const visible = await maySeePerson(tx, actor, m.id);
          const open = await tx
            .select({ stayId: stays.id, unitId: stays.unitId, unitName: units.name, facilityId: stays.facilityId })
            .from(stays)
            .innerJoin(units, eq(units.id, stays.unitId))
            .where(and(eq(stays.personId, m.id), isNull(stays.checkedOutAt)))
            .get();
          return {
            id: m.id,
            residentCode: m.residentCode,
            // Someone the actor may not see is named by code only, and where they stay is not said.
            name: visible ? (m.name ?? m.description) : null,
            sex: m.sex,
            age: ageOn({ birthDate: m.birthDate, estimatedAge: m.estimatedAge, estimatedAt: m.estimatedAt }, today),
            visible,
            openStay: open && visible ? open : null,
            placedElsewhere: open !== undefined && !visible,
          };
        })))
    : [];
  const fromF = alias(facilities, 'from_f');
  const toF = alias(facilities, 'to_f');
  const referralRows = (await tx
    .select({
      id: referrals.id,
      status: referrals.status,
      reason: referrals.reason,
      proposedAt: referrals.proposedAt,
      fromId: fromF.id,
      fromName: fromF.name,
      fromProtected: fromF.protected,
      toId: toF.id,
      toName: toF.name,
      toProtected: toF.protected,
    })
    .from(referralPersons)
    .innerJoin(referrals, eq(referrals.id, referralPersons.referralId))
    .leftJoin(fromF, eq(fromF.id, referrals.fromFacilityId))
    .innerJoin(toF, eq(toF.id, referrals.toFacilityId))
    .where(eq(referralPersons.personId, p.id))
    .orderBy(desc(referrals.proposedAt))
    .all())
    .map(({ fromId, fromProtected, toId, toProtected, ...r }) => {
      const fromHidden = hidden(fromId, fromProtected);
      const toHidden = hidden(toId, toProtected);
      return {
        ...r,
        // A referral to or from a place the actor may not know is not theirs to open either.
        id: fromHidden || toHidden ? null : r.id,
        fromName: fromHidden ? hiddenName : r.fromName,
        toName: toHidden ? hiddenName : r.toName,
        reason: fromHidden || toHidden ? '' : r.reason,
      };
    });
  const handoffRows = (await tx
    .select({
      handoffId: handoffs.id,
      number: handoffs.number,
      operationNumber: handoffs.operationNumber,
      operationAt: handoffs.operationAt,
      place: handoffs.place,
      leaderName: handoffs.leaderName,
      facilityId: facilities.id,
      facilityName: facilities.name,
      facilityProtected: facilities.protected,
      lineStatus: handoffPersons.status,
      seenNeeds: handoffPersons.needs,
      belongings: handoffPersons.belongings,
      notes: handoffPersons.notes,
    })
    .from(handoffPersons)
    .innerJoin(handoffs, eq(handoffs.id, handoffPersons.handoffId))
    .innerJoin(facilities, eq(facilities.id, handoffs.facilityId))
    .where(eq(handoffPersons.personId, p.id))
    .all())
    .map(({ facilityId, facilityProtected, ...h }) => (hidden(facilityId, facilityProtected) ? { ...h, facilityName: hiddenName } : h));
  const mergedFrom = await tx.select({ id: persons.id, residentCode: persons.residentCode }).from(persons).where(eq(persons.mergedIntoId, p.id)).all();
  const age = ageOn({ birthDate: p.birthDate, estimatedAge: p.estimatedAge, estimatedAt: p.estimatedAt }, today);
  return { person: p, age, ageNeeds: ageNeeds(age), stays: stayRows, openStay, household, referrals: referralRows, handoffs: handoffRows, mergedFrom };
}

/** A stay of a person's history as the API serves it: a masked one carries no facility, unit or bed id. */
export function stayAsSeen(s: PersonDetail['stays'][number]) {
  const r = { ...toStayRecord(s.stay, s.zone), facility_name: s.facilityName, unit_name: s.unitName };
  return s.hidden ? { ...r, facility_id: null, unit_id: null, previous_stay_id: null, referral_id: null } : r;
}

/**
 * One person's full record. Reading it is an audit event ('person.read');
 * revealing the NIK is another ('person.reveal_nik'). A record merged into
 * another answers with the one that lives on (`redirectedFrom` says so).
 */
export async function readPerson(args: { db: Db; actor: Actor; id: string; revealNik?: boolean; view?: string }) {
  const { db, actor } = args;
  requireRole(actor, PEOPLE_ROLES);
  const now = nowIso();
  const today = wibDate(now);
  return await write(db, async (tx) => {
    const asked = await tx.select({ id: persons.id, mergedIntoId: persons.mergedIntoId, anonymisedAt: persons.anonymisedAt }).from(persons).where(eq(persons.id, args.id)).get();
    if (!asked) throw notFound('residents.not_found');
    const p = asked.mergedIntoId ? await liveRecord(tx, asked.id) : await tx.select().from(persons).where(eq(persons.id, asked.id)).get();
    if (!p) throw notFound('residents.not_found');
    await assertCanSeePerson(tx, actor, p.id);
    await audit(tx, actor, { action: 'person.read', entity: 'person', entityId: p.id, at: now, detail: args.view ? { view: args.view } : {} });
    if (args.revealNik && p.nik) await audit(tx, actor, { action: 'person.reveal_nik', entity: 'person', entityId: p.id, at: now });
    const detail = await loadDetail(tx, actor, p, today);
    return {
      ...detail,
      record: toPersonRecord(p, { today, revealNik: args.revealNik === true }),
      nik: args.revealNik ? p.nik : maskIdNumber(p.nik),
      kk: args.revealNik ? p.kk : maskIdNumber(p.kk),
      revealed: args.revealNik === true && p.nik !== null,
      redirectedFrom: asked.mergedIntoId ? asked.id : null,
    };
  });
}

/** The NIK (and KK) in full, for one person; audited as 'person.reveal_nik'. */
export async function revealNik(args: { db: Db; actor: Actor; id: string }): Promise<{ id: string; nik: string | null; kk: string | null }> {
  const { db, actor } = args;
  requireRole(actor, PEOPLE_ROLES);
  return await write(db, async (tx) => {
    const p = await liveRecord(tx, args.id);
    if (!p) throw notFound('residents.not_found');
    await assertCanSeePerson(tx, actor, p.id);
    await audit(tx, actor, { action: 'person.reveal_nik', entity: 'person', entityId: p.id, detail: { had_nik: p.nik !== null } });
    return { id: p.id, nik: p.nik, kk: p.kk };
  });
}

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
    if (/^[0-9A-Z]{3,6}$/.test(code)) {
      conditions.push(codeContains(db, code));
    }
    const key = normaliseName(q);
    const tokens = key.split(' ').filter((t) => t.length >= 3);
    if (tokens.length) {
      conditions.push(nameKeyContainsAll(db, tokens));
    }
    // While the officer is still typing, the folded key may not match yet ("Muham" is not yet "mhd"): the name as written does.
    conditions.push(textContains(db, q));
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
  const rows = await db.select().from(persons).where(inArray(persons.id, ids)).all();
  const open = await db
    .select({ stay: stays, facilityName: facilities.name, unitName: units.name })
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

/** People by id, for a page that works with a few of them (the check-in step); each must be visible. */
export async function personsForPlacement(db: Db, actor: Actor, ids: string[]) {
  requireRole(actor, PEOPLE_ROLES);
  const today = wibDate(nowIso());
  const rows = ids.length ? await db.select().from(persons).where(inArray(persons.id, ids)).all() : [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  return (await Promise.all(ids.map(async (id) => {
    const p = byId.get(id);
    if (!p) throw notFound('residents.not_found');
    await assertCanSeePerson(db, actor, id);
    const open = await db.select({ id: stays.id }).from(stays).where(and(eq(stays.personId, id), isNull(stays.checkedOutAt))).get();
    const age = ageOn({ birthDate: p.birthDate, estimatedAge: p.estimatedAge, estimatedAt: p.estimatedAt }, today);
    return { person: p, age, ageNeeds: ageNeeds(age), openStayId: open?.id ?? null };
  })));
}

/**
 * How many people registered at a facility have never had a stay anywhere
 * (merged-away records aside): the intake desk's "waiting for a place".
 */
export async function countNeverPlacedRegisteredAt(db: Db, facilityId: string): Promise<number> {
  return (await db.get<{ n: number }>(sql`
          select count(*) as n from persons p
          where p.created_at_facility_id = ${facilityId} and p.merged_into_id is null
            and not exists (select 1 from stays s where s.person_id = p.id)`))?.n ?? 0;
}
