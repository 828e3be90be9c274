import { inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import { facilities, persons, units, type ReferralStatus, type Sex } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { canSeeFacility, isWide } from '../access.ts';
import { maySeePerson } from '../persons/scope.ts';
import { ageOn } from '../persons/age.ts';
import { nowIso, toLocalIso, wibDate, zoneOf, type Zone } from '../../lib/time.ts';
import { groupNeeds, type Need } from '../routing/route.ts';
import { toRoutingPerson } from '../routing/load.ts';
import type { ReferralRow } from './load.ts';

/**
 * A referral as the people who decide on it see it: who (name or
 * description, code, sex, age) and what they need — never a NIK, a KK or an
 * address (DOMAIN.md: only what they need to decide). A protected
 * destination is named only to those who may know it.
 */
export interface ReferralPerson {
  id: string;
  resident_code: string;
  name: string | null;
  sex: Sex;
  age: number | null;
  needs: Need[];
}

export interface FacilityRef {
  id: string | null;
  code: string | null;
  name: string | null;
  kind: string | null;
}

export interface ReferralRecord {
  id: string;
  status: ReferralStatus;
  open: boolean;
  from_facility: FacilityRef | null;
  to_facility: FacilityRef;
  to_unit: { id: string; name: string } | null;
  places: number;
  reason: string;
  refuse_reason: string | null;
  needs: Need[];
  persons: ReferralPerson[];
  proposed_at: string | null;
  decided_at: string | null;
  departed_at: string | null;
  arrived_at: string | null;
  closed_at: string | null;
  expires_at: string | null;
  /** Minutes since it was proposed: the command centre watches the old ones. */
  age_minutes: number;
  version: number;
}

const OPEN_STATUSES: readonly string[] = ['PROPOSED', 'ACCEPTED', 'IN_TRANSIT'];

export async function toReferralRecords(tx: Db | Tx, actor: Actor, rows: ReferralRow[], now = nowIso()): Promise<ReferralRecord[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const links = await tx.all<{ referral_id: string; person_id: string }>(
    sql`select referral_id, person_id from referral_persons where referral_id in ${ids} order by rowid`,
  );
  const personIds = [...new Set(links.map((l) => l.person_id))];
  const people = new Map(personIds.length ? (await tx.select().from(persons).where(inArray(persons.id, personIds)).all()).map((p) => [p.id, p]) : []);
  const facilityIds = [...new Set(rows.flatMap((r) => [r.fromFacilityId, r.toFacilityId]).filter((x): x is string => x !== null))];
  const facs = new Map(
    (await tx
      .select({ id: facilities.id, code: facilities.code, name: facilities.name, kind: facilities.kind, protected: facilities.protected, wilayahCode: facilities.wilayahCode })
      .from(facilities)
      .where(inArray(facilities.id, facilityIds))
      .all())
      .map((f) => [f.id, f]),
  );
  const unitIds = rows.map((r) => r.toUnitId).filter((x): x is string => x !== null);
  const unitNames = new Map(unitIds.length ? (await tx.select({ id: units.id, name: units.name }).from(units).where(inArray(units.id, unitIds)).all()).map((u) => [u.id, u.name]) : []);
  const today = wibDate(now);
  const ref = (id: string): FacilityRef => {
    const f = facs.get(id);
    if (!f) return { id, code: null, name: null, kind: null };
    // A place the actor may not know is not identified either: no id to look up, link or compare (issue 11, finding 3).
    return canSeeFacility(actor, f) ? { id: f.id, code: f.code, name: f.name, kind: f.kind } : { id: null, code: null, name: null, kind: null };
  };

  /** A facility's zone; one the actor may not know keeps WIB, so an offset does not tell its province. */
  const zoneAt = (id: string | null): Zone => {
    const f = id ? facs.get(id) : undefined;
    return f && canSeeFacility(actor, f) ? zoneOf(f.wilayahCode) : 'WIB';
  };

  const seenCache = new Map<string, boolean>();
  const seen = async (id: string) => {
    if (isWide(actor)) return true;
    if (!seenCache.has(id)) seenCache.set(id, await maySeePerson(tx, actor, id));
    return seenCache.get(id)!;
  };
  return await Promise.all(rows.map(async (r) => {
    const members = links
      .filter((l) => l.referral_id === r.id)
      .map((l) => people.get(l.person_id))
      .filter((p): p is NonNullable<typeof p> => p !== undefined);
    const destinationVisible = facs.get(r.toFacilityId) ? canSeeFacility(actor, facs.get(r.toFacilityId)!) : false;
    const origin = r.fromFacilityId ? facs.get(r.fromFacilityId) : undefined;
    const endsKnown = destinationVisible && (!origin || canSeeFacility(actor, origin));
    return {
      id: r.id,
      status: r.status,
      open: OPEN_STATUSES.includes(r.status),
      from_facility: r.fromFacilityId ? ref(r.fromFacilityId) : null,
      to_facility: ref(r.toFacilityId),
      to_unit: r.toUnitId && destinationVisible ? { id: r.toUnitId, name: unitNames.get(r.toUnitId) ?? '' } : null,
      places: r.places,
      // Free text written about a transfer to or from a place the actor may not know could name it: not shown.
      reason: endsKnown ? r.reason : '',
      refuse_reason: endsKnown ? r.refuseReason : null,
      needs: groupNeeds(members.map((p) => toRoutingPerson(p, today))).needs,
      persons: (await Promise.all(members.map(async (p) => ({
        id: p.id,
        resident_code: p.residentCode,
        // Someone the actor may not see (placed at a protected facility since) is named by code only.
        name: await seen(p.id) ? (p.name ?? p.description) : null,
        sex: p.sex,
        age: ageOn({ birthDate: p.birthDate, estimatedAge: p.estimatedAge, estimatedAt: p.estimatedAt }, today),
        needs: groupNeeds([toRoutingPerson(p, today)]).needs.filter((n) => n !== 'unaccompanied_child' || p.unaccompaniedChild || members.length === 1),
      })))),
      // Each time in the zone of the facility where it happened: proposing and departing at the
      // sending facility (the receiving one for a referral from no facility); deciding, the hold on
      // its places, arriving and closing at the receiving facility.
      proposed_at: toLocalIso(r.proposedAt, zoneAt(r.fromFacilityId ?? r.toFacilityId)),
      decided_at: toLocalIso(r.decidedAt, zoneAt(r.toFacilityId)),
      departed_at: toLocalIso(r.departedAt, zoneAt(r.fromFacilityId ?? r.toFacilityId)),
      arrived_at: toLocalIso(r.arrivedAt, zoneAt(r.toFacilityId)),
      closed_at: toLocalIso(r.closedAt, zoneAt(r.toFacilityId)),
      expires_at: toLocalIso(r.expiresAt, zoneAt(r.toFacilityId)),
      age_minutes: Math.max(0, Math.floor((Date.parse(now) - Date.parse(r.proposedAt)) / 60_000)),
      version: r.version,
    };
  }));
}

export async function toReferralRecord(tx: Db | Tx, actor: Actor, row: ReferralRow): Promise<ReferralRecord> {
  return (await toReferralRecords(tx, actor, [row]))[0]!;
}
