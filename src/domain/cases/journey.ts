import type { Tx } from '../../db/client.ts';
import { dischargeJourneys } from '../../db/schema/index.ts';
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
  if (j.destination_wilayah_code && j.family_contact && j.escort && j.date) {
    // The destination kab/kota: its code or its name (the picker's list, or typed).
    const w = await wilayahFromTyped(tx, j.destination_wilayah_code);
    if ('error' in w) throw invalidField('destination_wilayah_code', w.error);
    const destination = w.code;
    await tx.insert(dischargeJourneys).values({ stayId: stay.id, destinationWilayahCode: destination, familyContact: j.family_contact, escort: j.escort, date: j.date }).run();
    await audit(tx, actor, { action: 'stay.journey', entity: 'stay', entityId: stay.id, at, detail: { person_id: stay.personId, destination_wilayah_code: destination, date: j.date } });
    day = j.date;
  }
  await insertFollowUp(tx, actor, stay.personId, { kind: 'after_arrival', due: addDays(day, AFTER_ARRIVAL_DAYS), stayId: stay.id }, at);
}
