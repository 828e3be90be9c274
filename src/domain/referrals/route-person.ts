import { sql } from 'drizzle-orm';
import { write, type Db } from '../../db/client.ts';
import type { Actor } from '../actor.ts';
import { PEOPLE_ROLES, requireRole } from '../access.ts';
import { nowIso, wibDate } from '../../lib/time.ts';
import { translate } from '../../i18n/index.ts';
import { hubFor } from '../events.ts';
import { assertCanSeePerson } from '../persons/scope.ts';
import { raisePersonAlert } from '../alerts.ts';
import { expireReferrals } from './expire.ts';
import { cachedRoutingFacilities, originOf, referralGroup, refusedBy, toRoutingPerson } from '../routing/load.ts';
import type { PersonRow } from '../persons/record.ts';
import { route, type RoutingResult } from '../routing/route.ts';
import { describeReason } from '../routing/text.ts';

export interface PersonRouting {
  person: PersonRow;
  /** Everyone routed together (the person first). */
  group: PersonRow[];
  originFacilityId: string | null;
  result: RoutingResult;
  /** The person's open referral, if any: no second one can be made. */
  openReferral: { id: string; status: string; to_facility_id: string } | null;
  /** Raised now because nothing fits (null when something fits, or it was already raised). */
  alertId: string | null;
  /**
   * Does this person need a destination? Yes when they have no place, are in
   * a TPS (temporary by definition) or where they are lacks a service they
   * need; no when already placed where they can be cared for.
   */
  needed: boolean;
  /** Where they are now (their open stay's facility), if anywhere. */
  current: { id: string; name: string; kind: string } | null;
  /** The household members with them (when routed alone, those left out). */
  household: PersonRow[];
}

/**
 * Routing for one person and the household members with them, against live
 * occupancy, as the asker may see it. When nothing fits, the command centre
 * is told (an alert 'nothing_fits', once per person until it is settled):
 * no one is left unrouted without someone knowing.
 */
/** Outcomes that end care: the person went home, to family or community, or is gone; no destination is needed. */
const LEFT_CARE = ['reunited', 'returned_home', 'moved_to_lks', 'hospitalised', 'left', 'deceased'];

export async function routePerson(args: { db: Db; actor: Actor; personId: string; alone?: boolean }): Promise<PersonRouting> {
  const { db, actor } = args;
  requireRole(actor, PEOPLE_ROLES);
  // Holds that ran out are released before anyone counts free places.
  await expireReferrals(db);
  const now = nowIso();
  // The facilities and their free places as last committed, from the per-version cache (a
  // suggestion: proposing a referral checks the places again inside its own write).
  const all = await cachedRoutingFacilities(db);
  // Read in one consistent snapshot; write only when the command centre must be told, or an alert is settled.
  const seen = await write(db, async (tx) => {
    await assertCanSeePerson(tx, actor, args.personId);
    const full = await referralGroup(tx, args.personId);
    // "Alone": the person without the household members with them, for a referral that splits it on purpose.
    const group = args.alone ? { ...full, persons: full.persons.slice(0, 1) } : full;
    const person = group.persons[0]!;
    const result = route({
      persons: group.persons.map((p) => toRoutingPerson(p, wibDate(now))),
      facilities: all,
      asker: actor,
      from: await originOf(tx, group.originFacilityId),
      exclude: await refusedBy(tx, group),
    });
    const open = await tx.get<{ id: string; status: string; to_facility_id: string }>(sql`
      select r.id, r.status, r.to_facility_id from referral_persons rp join referrals r on r.id = rp.referral_id
      where rp.person_id = ${person.id} and rp.open = 1`);
    const openAlert = await tx.get<{ id: string }>(sql`
      select id from alerts where kind = 'nothing_fits' and subject_type = 'person' and subject_id = ${person.id} and resolved_at is null`);
    const hereId = group.openStays.get(person.id)?.facilityId ?? null;
    const here = hereId ? all.find((f) => f.id === hereId) : undefined;
    // Discharged back to family, home or community (their last stay closed so): not a person waiting for a place.
    const last = here
      ? undefined
      : await tx.get<{ outcome: string | null }>(sql`select outcome from stays where person_id = ${person.id} order by checked_in_at desc limit 1`);
    const leftCare = last?.outcome != null && LEFT_CARE.includes(last.outcome);
    const needed = !leftCare && (!here || here.kind === 'TPS' || result.needs.services.some((s) => !here.services.includes(s)));
    return { group, person, result, open: open ?? null, openAlert: openAlert ?? null, needed, here, full };
  });
  const { group, person, result, needed, here } = seen;

  let alert: Awaited<ReturnType<typeof raisePersonAlert>> = null;
  // Looking never settles an alert: only an act does (a referral made, the person placed, or settled with a note).
  if (!result.destinations.length && !seen.open && needed && !seen.openAlert && !args.alone) {
    alert = await write(db, async (tx) =>
      await raisePersonAlert(tx, actor, {
        kind: 'nothing_fits',
        personId: person.id,
        facilityId: actor.facilityId ?? group.originFacilityId,
        at: now,
        // Stored in Bahasa Indonesia for any reader; the detail keeps the keys to say it in another language.
        // Alerts are read by the command centre and administrators only, who may know a protected facility exists: say so, never name it.
        message: [...result.missing, ...(result.hidden_fits > 0 ? [{ key: 'routing.missing.hidden_fits', params: { count: result.hidden_fits } }] : [])]
          .map((r) => describeReason((k, p) => translate('id', k, p), r))
          .join(' '),
        detail: {
          person_id: person.id,
          resident_code: person.residentCode,
          group_size: group.persons.length,
          needs: result.needs.needs,
          missing: result.missing,
          // A protected facility the asker may not see could have taken them: the command centre can act.
          hidden_fits: result.hidden_fits,
        },
      }),
    );
  }
  // After commit: the board and the command centre's inbox hear of it.
  if (alert) hubFor(db).publish({ type: 'alert', alertId: alert.id, kind: alert.kind, facilityId: alert.facilityId });
  return {
    person,
    group: group.persons,
    originFacilityId: group.originFacilityId,
    result,
    openReferral: seen.open,
    alertId: alert?.id ?? null,
    needed,
    current: here ? { id: here.id, name: here.name, kind: here.kind } : null,
    household: seen.full.persons,
  };
}
