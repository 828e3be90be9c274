import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';

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
