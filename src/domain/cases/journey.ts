import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import { dischargeJourneys, facilities, users, type Cluster } from '../../db/schema/index.ts';
import { clusterOf } from '../persons/cluster.ts';
import { wilayahFromTyped } from '../reference/wilayah.ts';
import type { Actor } from '../actor.ts';
import { audit } from '../audit.ts';
import { invalidField } from '../errors.ts';
import { nowIso, wibDate } from '../../lib/time.ts';
import { insertFollowUp } from './work.ts';

/** Outcomes that are journeys home (DOMAIN.md "Pemulangan and reunification"). */
export const JOURNEY_OUTCOMES = ['reunited', 'returned_home'] as const;
/** The follow-up after arrival: a week after the journey (is the person still home? did aid reach them?). */
export const AFTER_ARRIVAL_DAYS = 7;

export interface JourneyFields {
  destination_wilayah_code?: string | undefined;
  family_contact?: string | undefined;
  escort?: string | undefined;
  date?: string | undefined;
}

const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/**
 * Inside the discharge's transaction: keeps the journey (where to, family
 * contact, escort, date) and makes the follow-up after arrival, which goes on
 * the case and outlives the stay. Every pemulangan and reunification gets the
 * follow-up, with or without the journey's details.
 */
export async function recordJourney(tx: Tx, actor: Actor, stay: { id: string; personId: string }, outcome: string, j: JourneyFields): Promise<void> {
  if (!(JOURNEY_OUTCOMES as readonly string[]).includes(outcome)) return;
  const at = nowIso();
  let day = wibDate(at);
  let owner: string | null = null;
  if (j.destination_wilayah_code && j.family_contact && j.escort && j.date) {
    // The destination kab/kota: its code or its name (the picker's list, or typed).
    const w = await wilayahFromTyped(tx, j.destination_wilayah_code);
    if ('error' in w) throw invalidField('destination_wilayah_code', w.error);
    const destination = w.code;
    await tx.insert(dischargeJourneys).values({ stayId: stay.id, destinationWilayahCode: destination, familyContact: j.family_contact, escort: j.escort, date: j.date }).run();
    await audit(tx, actor, { action: 'stay.journey', entity: 'stay', entityId: stay.id, at, detail: { person_id: stay.personId, destination_wilayah_code: destination, date: j.date } });
    day = j.date;
    owner = (await destinationPendamping(tx, destination, (await clusterOf(tx, stay.personId)).cluster))?.id ?? null;
  }
  await insertFollowUp(tx, actor, stay.personId, { kind: 'after_arrival', due: addDays(day, AFTER_ARRIVAL_DAYS), stayId: stay.id, ownerId: owner }, at);
}

/**
 * The pendamping of the destination who owns the follow-up after arrival: an
 * active pendamping account bound to that kab/kota (or to a facility there),
 * of the person's cluster when there is one, else any; none when Singgah has
 * nobody there (the handover letter then takes a contact typed on it).
 */
export async function destinationPendamping(db: Db | Tx, kabKota: string, cluster: Cluster | null) {
  const rows = await db
    .select({ id: users.id, username: users.username, displayName: users.displayName, cluster: users.cluster })
    .from(users)
    .leftJoin(facilities, eq(facilities.id, users.facilityId))
    .where(and(eq(users.role, 'pendamping'), isNull(users.disabledAt), sql`(${users.wilayahCode} = ${kabKota} or ${facilities.wilayahCode} = ${kabKota})`))
    .orderBy(asc(users.username))
    .all();
  const best = rows.find((r) => r.cluster === cluster) ?? rows[0];
  return best ? { id: best.id, name: best.displayName || best.username } : null;
}
