import { inArray } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.ts';
import { facilities } from '../db/schema/index.ts';
import { zoneOf, type Zone } from '../lib/time.ts';

/**
 * The zone of facilities (from the province of their wilayah): times of
 * what belongs to a facility are served and shown in it (INTERFACES.md
 * "Time"). An unknown facility (or none) is WIB.
 */
export async function facilityZones(db: Db | Tx, ids: readonly (string | null | undefined)[]): Promise<Map<string, Zone>> {
  const want = [...new Set(ids.filter((id): id is string => typeof id === 'string' && id.length > 0))];
  if (want.length === 0) return new Map();
  const rows = await db.select({ id: facilities.id, wilayahCode: facilities.wilayahCode }).from(facilities).where(inArray(facilities.id, want)).all();
  return new Map(rows.map((r) => [r.id, zoneOf(r.wilayahCode)]));
}

export async function facilityZone(db: Db | Tx, id: string | null | undefined): Promise<Zone> {
  return (await facilityZones(db, [id])).get(id ?? '') ?? 'WIB';
}
