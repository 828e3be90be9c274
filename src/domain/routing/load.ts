import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import { facilities, persons, stays, type Cluster, type Service } from '../../db/schema/index.ts';
import { loadFacilityOccupancy, type FacilityOccupancy } from '../occupancy/compute.ts';
import { cachedOccupancy } from '../occupancy/cache.ts';
import { currentTx } from '../../db/engine.ts';
import { ageOn } from '../persons/age.ts';
import { livePerson, type PersonRow } from '../persons/record.ts';
import type { Origin, Reason, RoutingFacility, RoutingPerson } from './route.ts';


type Extras = Map<string, { services: Service[]; clusters: Cluster[]; lat: number | null; lng: number | null }>;

async function loadExtras(db: Db | Tx): Promise<Extras> {
  return new Map(
    (await db
      .select({ id: facilities.id, services: facilities.services, clusters: facilities.clusters, lat: facilities.lat, lng: facilities.lng })
      .from(facilities)
      .all())
      .map((f) => [f.id, { services: f.services as Service[], clusters: f.clusters as Cluster[], lat: f.lat, lng: f.lng }]),
  );
}

function withExtras(list: FacilityOccupancy[], extra: Extras): RoutingFacility[] {
  return list.map((f) => {
    const e = extra.get(f.id);
    return { ...f, services: e?.services ?? [], clusters: e?.clusters ?? [], lat: e?.lat ?? null, lng: e?.lng ?? null };
  });
}

/** Every facility with its live counts and what routing needs besides (services, coordinates), read in this transaction. */
export async function loadRoutingFacilities(db: Db | Tx): Promise<RoutingFacility[]> {
  const extra = await loadExtras(db);
  return withExtras(await loadFacilityOccupancy(db), extra);
}

const routingCache = new WeakMap<object, { version: number; list: Promise<RoutingFacility[]> }>();

/**
 * The same list from the per-version occupancy cache (src/domain/occupancy/cache.ts):
 * built once per committed change and shared by every routing question until the
 * next one. The facilities' services, clusters and place raise the version too
 * (db/migrations 0006). For suggestions; a referral re-reads inside its own write.
 */
export async function cachedRoutingFacilities(db: Db): Promise<RoutingFacility[]> {
  if (currentTx(db.$engine)) return await loadRoutingFacilities(db);
  const snap = await cachedOccupancy(db);
  const known = routingCache.get(db.$engine);
  if (known && known.version === snap.version) return await known.list;
  const list = loadExtras(db).then((extra) => withExtras(snap.summary.facilities, extra));
  routingCache.set(db.$engine, { version: snap.version, list });
  list.catch(() => routingCache.delete(db.$engine));
  return await list;
}

export function toRoutingPerson(p: PersonRow, today: string): RoutingPerson {
  return {
    id: p.id,
    sex: p.sex,
    age: ageOn({ birthDate: p.birthDate, estimatedAge: p.estimatedAge, estimatedAt: p.estimatedAt }, today),
    pregnant: p.pregnant,
    disabilities: p.disabilities,
    wheelchair: p.wheelchair,
    needsMedical: p.needsMedical,
    unaccompaniedChild: p.unaccompaniedChild,
    traffickingVictim: p.traffickingVictim,
    napza: p.napza,
    category: p.category,
  };
}

export interface ReferralGroup {
  /** The person asked about, first, then the household members who go with them. */
  persons: PersonRow[];
  /** Each member's open stay, where they have one. */
  openStays: Map<string, typeof stays.$inferSelect>;
  /** Where the person is now: the facility of their open stay, else where they were registered. */
  originFacilityId: string | null;
}

/**
 * Who is routed and referred together: the person and the members of their
 * household who are with them — in the same facility now, or never placed
 * anywhere yet. A household is never split by routing; members already placed
 * elsewhere, or gone, were parted from it on purpose (stays.split_reason).
 */
export async function referralGroup(db: Db | Tx, personId: string): Promise<ReferralGroup> {
  const p = await livePerson(db, personId);
  const members = p.householdId
    ? (await db
        .select()
        .from(persons)
        .where(and(eq(persons.householdId, p.householdId), isNull(persons.mergedIntoId), isNull(persons.anonymisedAt)))
        .all())
        .filter((m) => m.id !== p.id)
    : [];
  const ids = [p.id, ...members.map((m) => m.id)];
  const open = new Map(
    (await db
      .select()
      .from(stays)
      .where(and(inArray(stays.personId, ids), isNull(stays.checkedOutAt)))
      .all())
      .map((s) => [s.personId, s]),
  );
  const placedEver = new Set(
    (await db
      .all<{ person_id: string }>(sql`select distinct person_id from stays where person_id in ${ids}`))
      .map((r) => r.person_id),
  );
  const here = open.get(p.id)?.facilityId ?? null;
  const together = members.filter((m) => {
    const s = open.get(m.id);
    if (s) return s.facilityId === here;
    return !placedEver.has(m.id);
  });
  return {
    persons: [p, ...together],
    openStays: open,
    originFacilityId: here ?? p.createdAtFacilityId ?? null,
  };
}

/** Where the routing starts from: the origin facility's area and coordinates. */
export async function originOf(db: Db | Tx, facilityId: string | null): Promise<Origin> {
  if (!facilityId) return {};
  const f = await db.select({ id: facilities.id, wilayahCode: facilities.wilayahCode, lat: facilities.lat, lng: facilities.lng }).from(facilities).where(eq(facilities.id, facilityId)).get();
  return f ? { facilityId: f.id, wilayahCode: f.wilayahCode, lat: f.lat, lng: f.lng } : {};
}

/**
 * Facilities that refused this person since their current stay began (or
 * since they were registered): the desk is shown the next ones instead.
 */
export async function refusedBy(db: Db | Tx, group: ReferralGroup): Promise<Map<string, Reason>> {
  const p = group.persons[0]!;
  const since = group.openStays.get(p.id)?.checkedInAt ?? p.createdAt;
  const rows = await db.all<{ to_facility_id: string }>(sql`
    select distinct r.to_facility_id from referral_persons rp join referrals r on r.id = rp.referral_id
    where rp.person_id = ${p.id} and r.status = 'REFUSED' and r.proposed_at >= ${since}`);
  return new Map(rows.map((r) => [r.to_facility_id, { key: 'routing.passed.refused' }]));
}
