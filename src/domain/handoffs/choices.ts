import { and, asc, eq, like, or } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { wilayah } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { loadFacilityOccupancy } from '../occupancy/compute.ts';
import { withinWilayah } from './scope.ts';

export interface ReceivingChoice {
  id: string;
  code: string;
  name: string;
  kind: string;
  wilayahCode: string;
  free: number;
  freeMaternity: number;
  freeAccessible: number;
  nearby: boolean;
}

/**
 * Where officers may hand people over: OPEN facilities, never a protected one
 * (not even for roles that may know it), with the free places they have now.
 * Those in the officer's wilayah come first (the form folds the others away),
 * then those with room, shelters (TPS) before residential centres, by free places.
 */
export async function receivingChoices(db: Db, actor: Actor, wilayahCode?: string | null): Promise<ReceivingChoice[]> {
  const near = wilayahCode ?? actor.wilayahCode;
  return (await loadFacilityOccupancy(db))
    .filter((f) => f.status === 'OPEN' && !f.protected)
    .map((f) => ({
      id: f.id,
      code: f.code,
      name: f.name,
      kind: f.kind,
      wilayahCode: f.wilayah_code,
      free: f.free,
      freeMaternity: f.free_by_feature.maternity,
      freeAccessible: f.free_by_feature.accessible,
      nearby: near ? withinWilayah(near, f.wilayah_code) || withinWilayah(f.wilayah_code, near) : false,
    }))
    // A shelter (TPS) first: DOMAIN.md routes everyone first to a TPS, the balai take referrals from there.
    .sort(
      (a, b) =>
        Number(b.nearby) - Number(a.nearby) ||
        Number(b.free > 0) - Number(a.free > 0) ||
        Number(b.kind === 'TPS') - Number(a.kind === 'TPS') ||
        b.free - a.free ||
        a.name.localeCompare(b.name),
    );
}

/** The kab/kota an officer may name as the operation's place: those of their bound wilayah. */
export async function operationWilayahChoices(db: Db, actor: Actor): Promise<{ code: string; name: string }[]> {
  const bound = actor.wilayahCode;
  if (!bound) return [];
  return await db
    .select({ code: wilayah.code, name: wilayah.name })
    .from(wilayah)
    .where(and(eq(wilayah.level, 'kabkota'), or(eq(wilayah.code, bound), like(wilayah.code, `${bound}.%`))))
    .orderBy(asc(wilayah.code))
    .all();
}
