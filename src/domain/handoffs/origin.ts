import { asc, eq, inArray } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import { facilities, handoffPersons, handoffs, persons } from '../../db/schema/index.ts';

/**
 * Chain of custody: the handoff(s) a person came from, for the person page
 * (the caller has already checked the actor may see the person). Records
 * merged into this person count too: a merge moves their lines here, and this
 * also finds any left behind.
 */
export interface HandoffOrigin {
  handoffId: string;
  number: string;
  status: 'OPEN' | 'CLOSED';
  operationNumber: string;
  operationAt: string;
  place: string;
  wilayahCode: string;
  leaderName: string;
  facilityId: string;
  facilityName: string;
  seq: number;
  seenNeeds: string[];
  belongings: string;
  notes: string;
  receivedAt: string | null;
}

export async function handoffOriginOf(db: Db | Tx, personId: string): Promise<HandoffOrigin[]> {
  const merged = (await db.select({ id: persons.id }).from(persons).where(eq(persons.mergedIntoId, personId)).all()).map((r) => r.id);
  const ids = [personId, ...merged];
  return await db
    .select({
      handoffId: handoffs.id,
      number: handoffs.number,
      status: handoffs.status,
      operationNumber: handoffs.operationNumber,
      operationAt: handoffs.operationAt,
      place: handoffs.place,
      wilayahCode: handoffs.wilayahCode,
      leaderName: handoffs.leaderName,
      facilityId: handoffs.facilityId,
      facilityName: facilities.name,
      seq: handoffPersons.seq,
      seenNeeds: handoffPersons.needs,
      belongings: handoffPersons.belongings,
      notes: handoffPersons.notes,
      receivedAt: handoffPersons.accountedAt,
    })
    .from(handoffPersons)
    .innerJoin(handoffs, eq(handoffs.id, handoffPersons.handoffId))
    .innerJoin(facilities, eq(facilities.id, handoffs.facilityId))
    .where(inArray(handoffPersons.personId, ids))
    .orderBy(asc(handoffs.createdAt))
    .all();
}
