import { eq, sql } from 'drizzle-orm';
import { write, type Db } from '../../db/client.ts';
import { facilities, referralPersons, referrals } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { canSeeFacility, FACILITY_ROLES, hasRole, PEOPLE_ROLES, requireRole } from '../access.ts';
import { audit } from '../audit.ts';
import { conflict, forbidden, invalidField, noFreePlace, type DomainError } from '../errors.ts';
import { parseInput } from '../validate.ts';
import { addMinutes, nowIso, wibDate } from '../../lib/time.ts';
import { newId } from '../../lib/ids.ts';
import { translator } from '../../i18n/index.ts';
import { assertCanSeePerson } from '../persons/scope.ts';
import { loadRoutingFacilities, originOf, referralGroup, toRoutingPerson } from '../routing/load.ts';
import { groupNeeds, route } from '../routing/route.ts';
import { referralUnitFits } from '../placement/choose-unit.ts';
import { describeReason } from '../routing/text.ts';
import { resolvePersonAlerts } from '../alerts.ts';
import { settleLapsedFor } from './loop-alerts.ts';
import { expireReferrals } from './expire.ts';
import { publishStep } from './events.ts';
import { ProposeReferralInput } from './input.ts';
import { loadReferral } from './load.ts';
import { toReferralRecord, type ReferralRecord } from './view.ts';

/** REFERRAL_HOLD_MINUTES' default (src/config.ts): how long places are held before they are released. */
export const DEFAULT_HOLD_MINUTES = 240;

/** Reasons that mean "this facility cannot care for them", not "it is full right now". */
const UNFIT = ['routing.passed.missing_service', 'routing.passed.no_unit_admits', 'routing.passed.no_accessible_unit'];

/**
 * Proposes a referral of a person (and the household members with them) to a
 * facility: checks the destination against the routing rules and holds the
 * places in one unit, in one IMMEDIATE transaction, so no place is held
 * twice. One open referral per person (the database refuses a second: 409).
 */
export async function proposeReferral(args: { db: Db; actor: Actor; input: unknown; holdMinutes?: number }): Promise<ReferralRecord> {
  const { db, actor } = args;
  requireRole(actor, PEOPLE_ROLES);
  const input = parseInput(ProposeReferralInput, args.input, actor.lang);
  const t = translator(actor.lang);
  await expireReferrals(db);
  const now = nowIso();
  const expiresAt = addMinutes(now, args.holdMinutes ?? DEFAULT_HOLD_MINUTES);
  try {
    const record = await write(db, async (tx) => {
      await assertCanSeePerson(tx, actor, input.person_id);
      const whole = await referralGroup(tx, input.person_id);
      const person = whole.persons[0]!;
      // A household is referred whole unless someone splits it on purpose, with a reason (DOMAIN.md).
      let carried = whole.persons;
      if (input.alone) carried = [person];
      else if (input.person_ids.length) {
        const ids = new Set([person.id, ...input.person_ids]);
        if ([...ids].some((id) => !whole.persons.some((p) => p.id === id))) throw invalidField('person_ids', 'referrals.person_ids_not_in_group');
        carried = whole.persons.filter((p) => ids.has(p.id));
      }
      const left = whole.persons.length - carried.length;
      if (left > 0 && !input.split_reason) throw invalidField('split_reason', 'referrals.split_reason_required', { count: left });
      const group = { ...whole, persons: carried };
      let fromId = group.originFacilityId;
      if (hasRole(actor, FACILITY_ROLES)) {
        // The desk refers the people it has: those at (or registered at) its own facility.
        const hereNow = group.openStays.get(person.id)?.facilityId;
        if (hereNow && hereNow !== actor.facilityId) throw forbidden('referrals.not_your_person');
        fromId = actor.facilityId;
      }

      const to = await tx.select().from(facilities).where(eq(facilities.id, input.to_facility_id)).get();
      if (!to || !canSeeFacility(actor, to)) throw invalidField('to_facility_id', 'referrals.unknown_facility');
      if (to.id === fromId) throw invalidField('to_facility_id', 'referrals.same_facility');

      for (const p of group.persons) {
        const open = await tx.get<{ id: string }>(sql`select referral_id as id from referral_persons where person_id = ${p.id} and open = 1`);
        if (open) throw conflict('referrals.already_open', { code: p.residentCode });
      }

      const today = wibDate(now);
      const routingPersons = group.persons.map((p) => toRoutingPerson(p, today));
      const dest = (await loadRoutingFacilities(tx)).find((f) => f.id === to.id)!;
      const result = route({ persons: routingPersons, facilities: [dest], asker: actor, from: await originOf(tx, fromId) });
      const g = groupNeeds(routingPersons);
      let unitId: string;
      if (result.destinations.length) {
        unitId = result.destinations[0]!.unit.id;
      } else {
        const why = result.passed_over[0]?.reasons ?? [];
        const text = why.map((r) => describeReason(t, r)).join('; ');
        if (why.some((r) => r.key === 'routing.passed.not_open')) throw conflict('referrals.destination_not_open', { facility: to.name });
        if (why.some((r) => UNFIT.includes(r.key))) throw invalidField('to_facility_id', 'referrals.destination_unfit', { facility: to.name, why: text });
        throw noFreePlace('referrals.no_place', { facility: to.name, why: text });
      }
      if (input.unit_id && input.unit_id !== unitId) {
        // The desk chose the unit: it must take the whole group, as routing would require.
        const u = dest.units.find((x) => x.id === input.unit_id);
        if (!u) throw invalidField('unit_id', 'referrals.unit_unknown');
        // The placement rules hold for a hand-picked unit too: sex/family, maternity, children's units, access.
        if (!referralUnitFits(u, routingPersons, g.size > 1)) throw invalidField('unit_id', 'referrals.unit_unfit', { unit: u.name });
        if (u.free < g.size) throw noFreePlace('referrals.unit_full', { unit: u.name, free: u.free, needed: g.size });
        unitId = u.id;
      }

      const id = newId();
      await tx.insert(referrals)
        .values({
          id,
          householdId: group.persons.length > 1 || left > 0 ? person.householdId : null,
          fromFacilityId: fromId,
          toFacilityId: to.id,
          toUnitId: unitId,
          reason: input.reason,
          splitReason: left > 0 ? input.split_reason! : null,
          status: 'PROPOSED',
          places: group.persons.length,
          proposedAt: now,
          proposedBy: actor.id,
          expiresAt,
        })
        .run();
      for (const p of group.persons) await tx.insert(referralPersons).values({ referralId: id, personId: p.id, open: true }).run();
      for (const p of group.persons) await resolvePersonAlerts(tx, actor, p.id, ['nothing_fits'], now);
      // Referred again: a lapsed referral of theirs has been acted on.
      await settleLapsedFor(tx, actor, group.persons.map((p) => p.id), now);
      await audit(tx, actor, {
        action: 'referral.propose',
        entity: 'referral',
        entityId: id,
        at: now,
        detail: { person_ids: group.persons.map((p) => p.id), ...(left > 0 ? { split_reason: input.split_reason, left_behind: left } : {}), from_facility_id: fromId, to_facility_id: to.id, to_unit_id: unitId, places: group.persons.length, expires_at: expiresAt },
      });
      const rec = await toReferralRecord(tx, actor, await loadReferral(tx, id));
      // Announced with the change itself: heard once it is committed, never for a rollback.
      // The proposer may see the destination (checked above), so its id is in the record.
      publishStep(tx, {
        referral: { id: rec.id, status: rec.status, fromFacilityId: rec.from_facility?.id ?? null, toFacilityId: rec.to_facility.id!, places: rec.places },
        occupancy: [{ facilityId: rec.to_facility.id!, unitIds: rec.to_unit ? [rec.to_unit.id] : [] }],
      });
      return rec;
    });
    return record;
  } catch (err) {
    return mapReferralConstraint(err);
  }
}

/** The database's own guarantee, as the API's answer: a second open referral for a person is a 409. */
export function mapReferralConstraint(err: unknown): never {
  const e = err as { code?: string; message?: string };
  if (e?.code === 'SQLITE_CONSTRAINT_UNIQUE' && e.message?.includes('referral_persons')) throw conflict('referrals.already_open_generic');
  if (e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' && e.message?.includes('referral_persons')) throw conflict('referrals.already_open_generic');
  throw err as DomainError;
}
