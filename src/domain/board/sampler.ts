import { sql, desc } from 'drizzle-orm';
import { write, type Db } from '../../db/client.ts';
import { occupancySamples } from '../../db/schema/index.ts';
import { loadFacilityOccupancy, summarise, emptyCounts, addCounts, type Counts } from '../occupancy/compute.ts';

export const APPROACHES = ['TPS', 'RESIDENTIAL', 'LKS'] as const;
export type Approach = (typeof APPROACHES)[number];
export const SAMPLE_EVERY_MS = 5 * 60_000;

/** TPS; balai, loka and panti together ("residential"); LKS: the three approaches of the PWTC picture. */
export function approachOf(kind: string): Approach {
  return kind === 'TPS' ? 'TPS' : kind === 'LKS' ? 'LKS' : 'RESIDENTIAL';
}

export function byApproach(byKind: Record<string, Counts>): Record<Approach, Counts> {
  const out = { TPS: emptyCounts(), RESIDENTIAL: emptyCounts(), LKS: emptyCounts() };
  for (const [kind, c] of Object.entries(byKind)) addCounts(out[approachOf(kind)], c);
  return out;
}

/** Records occupied/usable per approach, at most once per interval (the 24-hour sparklines). */
export async function sampleOccupancy(db: Db, at = new Date()): Promise<boolean> {
  const iso = at.toISOString();
  // Checked inside the write: instances sampling at once take one sample.
  return await write(db, async (tx) => {
    const last = await tx.select({ at: occupancySamples.at }).from(occupancySamples).orderBy(desc(occupancySamples.at)).limit(1).get();
    if (last && at.getTime() - Date.parse(last.at) < SAMPLE_EVERY_MS - 1000) return false;
    const totals = byApproach(summarise(await loadFacilityOccupancy(tx)).by_kind);
    for (const a of APPROACHES) {
      await tx.insert(occupancySamples).values({ at: iso, approach: a, occupied: totals[a].occupied, usable: totals[a].usable }).onConflictDoNothing().run();
    }
    // Keep two days: the board shows one.
    await tx.run(sql`delete from occupancy_samples where at < ${new Date(at.getTime() - 48 * 3600_000).toISOString()}`);
    return true;
  });
}

export async function samplesSince(db: Db, sinceIso: string) {
  return await db.all<{ at: string; approach: Approach; occupied: number; usable: number }>(
    sql`select at, approach, occupied, usable from occupancy_samples where at >= ${sinceIso} order by at`,
  );
}
