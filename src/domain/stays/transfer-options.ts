import type { Db } from '../../db/client.ts';
import type { Actor } from '../actor.ts';
import { loadFacilityOccupancy } from '../occupancy/compute.ts';
import { groupProfile, unitRefusal } from '../placement/choose-unit.ts';
import { nowIso, wibDate } from '../../lib/time.ts';
import { isSupervisor, toPlacePerson } from './place.ts';
import { destinationChoices, stayForAction } from './read.ts';
import { movesAcrossFacilities } from './transfer.ts';

/**
 * What a transfer of this stay could do, as this actor may see it: the
 * facilities it may go to (its own; any open one the command centre may
 * move someone to), and each unit of the chosen one with whether it admits
 * the person (placement/choose-unit.ts, as the transfer verb checks).
 */
export async function transferOptions(args: { db: Db; actor: Actor; stayId: string; facilityId: string | undefined }) {
  const { db, actor } = args;
  const s = await stayForAction(db, actor, args.stayId);
  const choices = movesAcrossFacilities(actor) ? await destinationChoices(db, actor) : [];
  const chosen = args.facilityId && choices.some((c) => c.id === args.facilityId) ? args.facilityId : s.stay.facilityId;
  const facility = (await loadFacilityOccupancy(db, { facilityId: chosen }))[0];
  const profile = groupProfile([toPlacePerson(s.person, wibDate(nowIso()))], s.person.householdId !== null);
  const units = (facility?.units ?? []).map((u) => ({
    ...u,
    current: u.id === s.stay.unitId,
    admitsPerson: unitRefusal(u, profile) === null,
  }));
  return { s, choices, facility, units, away: chosen !== s.stay.facilityId, supervisor: isSupervisor(actor) };
}
