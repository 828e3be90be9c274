import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { hubFor } from '../events.ts';

/** Tell live pages and sockets that a handoff changed: inside the write (heard once committed), or after it. */
export async function publishHandoff(db: Db, handoffId: string): Promise<void> {
  const h = await db.get<{ id: string; number: string; status: string; facility_id: string; wilayah_code: string; pending: number }>(
    sql`select id, number, status, facility_id, wilayah_code,
          (select count(*) from handoff_persons p where p.handoff_id = h.id and p.status = 'PENDING') as pending
        from handoffs h where id = ${handoffId}`,
  );
  if (!h) return;
  hubFor(db).publish({ type: 'handoff', handoffId: h.id, number: h.number, status: h.status, facilityId: h.facility_id, wilayahCode: h.wilayah_code, pending: h.pending });
}
