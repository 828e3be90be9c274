import { sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
/**
 * Bed labels where a unit names its beds: the pattern "M-{n}" gives M-1 …
 * M-capacity. Without {n} the pattern is a prefix ("Kasur " → Kasur 1 …).
 */
export function bedLabels(pattern: string, capacity: number): string[] {
  const out: string[] = [];
  for (let i = 1; i <= capacity; i++) out.push(pattern.includes('{n}') ? pattern.replace('{n}', String(i)) : `${pattern}${i}`);
  return out;
}

/** The bed labels taken in a unit now (open stays with a bed). */
export async function bedsInUse(db: Db | Tx, unitId: string): Promise<Set<string>> {
  const rows = await db.all<{ bed: string }>(sql`select bed_label as bed from stays where unit_id = ${unitId} and checked_out_at is null and bed_label is not null`);
  return new Set(rows.map((r) => r.bed));
}
