import { sql } from 'drizzle-orm';
import { write, type Db, type Tx } from '../../db/client.ts';
import type { AlertKind } from '../../db/schema/index.ts';
import { SYSTEM_ACTOR, type Actor } from '../actor.ts';
import { canSeeFacility, PEOPLE_ROLES, requireRole } from '../access.ts';
import { nowIso, wibDate } from '../../lib/time.ts';
import { translate } from '../../i18n/index.ts';
import { hubFor } from '../events.ts';
import { assertCanSeePerson } from '../persons/scope.ts';
import { raisePersonAlert } from '../alerts.ts';
import { expireReferrals } from './expire.ts';
import { cachedRoutingFacilities, originOf, referralGroup, refusedBy, toRoutingPerson } from '../routing/load.ts';
import type { PersonRow } from '../persons/record.ts';
import { route, type RoutingFacility, type RoutingResult } from '../routing/route.ts';
import { describeReason } from '../routing/text.ts';
import { LEFT_CARE_OUTCOMES } from '../stays/discharge.ts';

export interface PersonRouting {
  person: PersonRow;
  /** Everyone routed together (the person first). */
  group: PersonRow[];
  originFacilityId: string | null;
  result: RoutingResult;
  /** The person's open referral, if any: no second one can be made. */
  /** The destination's id is null when it is a protected facility the asker may not know. */
  openReferral: { id: string; status: string; to_facility_id: string | null } | null;
  /** The open 'nothing_fits' alert about the person, if the job raised one (a read never raises it). */
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


interface Seen {
  group: Awaited<ReturnType<typeof referralGroup>>;
  full: Awaited<ReturnType<typeof referralGroup>>;
  person: PersonRow;
  result: RoutingResult;
  open: { id: string; status: string; to_facility_id: string | null } | null;
  openAlert: { id: string } | null;
  needed: boolean;
  here: RoutingFacility | undefined;
}

/** Routing for one person as this asker sees it: reads only. */
async function readRouting(tx: Tx, actor: Actor, personId: string, alone: boolean, all: RoutingFacility[], now: string, cut: { passedOver?: number | 'all'; destinations?: number | 'all' } = {}): Promise<Seen> {
  const full = await referralGroup(tx, personId);
  // "Alone": the person without the household members with them, for a referral that splits it on purpose.
  const group = alone ? { ...full, persons: full.persons.slice(0, 1) } : full;
  const person = group.persons[0]!;
  const result = route({
    persons: group.persons.map((p) => toRoutingPerson(p, wibDate(now))),
    facilities: all,
    asker: actor,
    from: await originOf(tx, group.originFacilityId),
    exclude: await refusedBy(tx, group),
    ...cut,
  });
  const openRow = await tx.get<{ id: string; status: string; to_facility_id: string; to_protected: number }>(sql`
    select r.id, r.status, r.to_facility_id, f.protected as to_protected
    from referral_persons rp join referrals r on r.id = rp.referral_id join facilities f on f.id = r.to_facility_id
    where rp.person_id = ${person.id} and rp.open = 1`);
  // Where they are headed, as the asker may know it: a protected destination is not identified (canSeeFacility).
  const open = openRow
    ? { id: openRow.id, status: openRow.status, to_facility_id: canSeeFacility(actor, { id: openRow.to_facility_id, protected: openRow.to_protected === 1 }) ? openRow.to_facility_id : null }
    : undefined;
  const openAlert = await tx.get<{ id: string }>(sql`
    select id from alerts where kind = 'nothing_fits' and subject_type = 'person' and subject_id = ${person.id} and resolved_at is null`);
  const hereId = group.openStays.get(person.id)?.facilityId ?? null;
  const here = hereId ? all.find((f) => f.id === hereId) : undefined;
  // Discharged back to family, home or community (their last stay closed so): not a person waiting for a place.
  const last = here
    ? undefined
    : await tx.get<{ outcome: string | null }>(sql`select outcome from stays where person_id = ${person.id} order by checked_in_at desc limit 1`);
  const leftCare = last?.outcome != null && LEFT_CARE_OUTCOMES.includes(last.outcome);
  const needed = !leftCare && (!here || here.kind === 'TPS' || result.needs.services.some((s) => !here.services.includes(s)));
  return { group, person, result, open: open ?? null, openAlert: openAlert ?? null, needed, here, full };
}

/**
 * Routing for one person and the household members with them, against live
 * occupancy, as the asker may see it. A read: it never raises or settles an
 * alert (the command centre hears that nothing fits from a job,
 * raiseNothingFits below). `alertId` is the open 'nothing_fits' alert about
 * them, if one was raised.
 */
export async function routePerson(args: { db: Db; actor: Actor; personId: string; alone?: boolean; all?: boolean }): Promise<PersonRouting> {
  const { db, actor } = args;
  requireRole(actor, PEOPLE_ROLES);
  // Holds that ran out are released before anyone counts free places (the expiry job's own work, done early).
  await expireReferrals(db);
  const now = nowIso();
  // The facilities and their free places as last committed, from the per-version cache (a
  // suggestion: proposing a referral checks the places again inside its own write).
  const all = await cachedRoutingFacilities(db);
  await assertCanSeePerson(db, actor, args.personId);
  // all: every destination and every facility passed over, each with its reasons (else the best and the nearest few).
  const seen = await readRouting(db, actor, args.personId, args.alone === true, all, now, args.all ? { passedOver: 'all', destinations: 'all' } : {});
  const { person, result, needed, here } = seen;
  return {
    person,
    group: seen.group.persons,
    originFacilityId: seen.group.originFacilityId,
    result,
    openReferral: seen.open,
    alertId: seen.openAlert?.id ?? null,
    needed,
    current: here ? { id: here.id, name: here.name, kind: here.kind } : null,
    household: seen.full.persons,
  };
}

/** How often the server looks for people nothing fits. */
export const NOTHING_FITS_EVERY_MS = 60_000;
/** At most this many people are routed per run; the rest wait for the next run. */
const NOTHING_FITS_BATCH = 200;
const cursors = new WeakMap<Db, string>();

/**
 * A job (src/plugins/jobs.ts): for everyone waiting (in a TPS, or registered
 * and placed nowhere yet) with no open referral and no open 'nothing_fits'
 * alert, routes their household as the desk holding them sees it; when nothing fits, the command centre is told
 * (an alert 'nothing_fits', once per person until an act settles it): no one
 * is left unrouted without someone knowing. Returns the alerts it raised.
 */
export async function raiseNothingFits(db: Db, at: Date = new Date()): Promise<string[]> {
  const now = at.toISOString();
  // Each run goes on from where the last one stopped (by stay), so everyone waiting is looked at in turn.
  const from = cursors.get(db) ?? '';
  // Waiting: in a TPS (temporary by definition), or registered by a desk and placed nowhere since (not gone home).
  const pick = (after: string) => db.all<{ person_id: string; facility_id: string; stay_id: string }>(sql`
    select w.person_id, w.facility_id, w.stay_id from (
      select s.person_id, s.facility_id, s.id as stay_id from stays s join facilities f on f.id = s.facility_id
      where s.checked_out_at is null and f.kind = 'TPS'
      union all
      select p.id as person_id, p.created_at_facility_id as facility_id, p.id as stay_id from persons p
      where p.created_at_facility_id is not null and p.merged_into_id is null
        and not exists (select 1 from stays s where s.person_id = p.id and (s.checked_out_at is null or s.outcome in ${LEFT_CARE_OUTCOMES}))
    ) w
    where w.stay_id > ${after}
      and not exists (select 1 from referral_persons rp where rp.person_id = w.person_id and rp.open = 1)
      and not exists (select 1 from alerts a where a.kind = 'nothing_fits' and a.subject_type = 'person' and a.subject_id = w.person_id and a.resolved_at is null)
    order by w.stay_id limit ${NOTHING_FITS_BATCH}`);
  let due = await pick(from);
  if (due.length < NOTHING_FITS_BATCH && from !== '') due = [...due, ...(await pick('')).filter((d) => d.stay_id <= from)].slice(0, NOTHING_FITS_BATCH);
  cursors.set(db, due.length === NOTHING_FITS_BATCH ? due[due.length - 1]!.stay_id : '');
  if (!due.length) return [];
  const all = await cachedRoutingFacilities(db);
  const raised: { id: string; kind: AlertKind; facilityId: string | null }[] = [];
  for (const d of due) {
    // Each person's routing is tens of milliseconds of CPU at national scale, and on SQLite nothing in it waits on
    // I/O: without a turn of the event loop between persons a run of 200 held every request for seconds, once a
    // minute (the bench saw five-second rounds with no answer at all).
    await new Promise<void>((resolve) => setImmediate(resolve));
    // As the desk holding them sees it: a protected facility it may not name counts as hidden (the alert says so).
    const desk: Actor = { ...SYSTEM_ACTOR, role: 'intake', facilityId: d.facility_id };
    // Routing is the slow part (every facility of the country): it is read before the write, holding no lock,
    // and the write checks again only what can have changed cheaply (a referral made meanwhile; an alert raised
    // meanwhile is refused by raisePersonAlert). A run routes up to NOTHING_FITS_BATCH people: inside the write
    // lock it stopped every desk for seconds at national scale.
    // Only whether anything fits matters here: no passed-over facility is named.
    const seen = await readRouting(db as Tx, desk, d.person_id, false, all, now, { passedOver: 0, destinations: 1 });
    const { group, person, result } = seen;
    if (result.destinations.length || seen.open || !seen.needed || seen.openAlert) continue;
    const alert = await write(db, async (tx) => {
      if (await tx.get(sql`select 1 as x from referral_persons where person_id = ${person.id} and open = 1`)) return null;
      return await raisePersonAlert(tx, SYSTEM_ACTOR, {
        kind: 'nothing_fits',
        personId: person.id,
        facilityId: d.facility_id,
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
      });
    });
    if (alert) raised.push(alert);
  }
  // After commit: the board and the command centre's inbox hear of it.
  for (const a of raised) hubFor(db).publish({ type: 'alert', alertId: a.id, kind: a.kind, facilityId: a.facilityId });
  return raised.map((a) => a.id);
}
