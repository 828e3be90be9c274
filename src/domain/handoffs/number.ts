import { sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import { localDate, zoneOf } from '../../lib/time.ts';

/**
 * Handoff numbers are said on the phone between the truck and the desk:
 * HO-<kab/kota, 4 digits>-<local date>-<daily sequence, 4 digits>, e.g.
 * HO-3171-20261122-0007. The date is the kab/kota's own (WIB, WITA or WIT by
 * its province). The sequence counts per kab/kota per local day; it is
 * drawn inside the write transaction that saves the handoff (an IMMEDIATE
 * transaction holds the write lock), and the column is unique besides.
 */
export const HANDOFF_NUMBER_RE = /^HO-\d{4}-\d{8}-\d{4,}$/;

export function handoffNumberPrefix(wilayahCode: string, atIso: string): string {
  const kabkota = wilayahCode.replace('.', '');
  return `HO-${kabkota}-${localDate(atIso, zoneOf(wilayahCode)).replaceAll('-', '')}-`;
}

export async function nextHandoffNumber(tx: Tx | Db, wilayahCode: string, atIso: string): Promise<string> {
  const prefix = handoffNumberPrefix(wilayahCode, atIso);
  const row = await tx.get<{ n: number | null }>(
    sql`select max(cast(substr(number, ${prefix.length + 1}) as integer)) as n from handoffs where substr(number, 1, ${prefix.length}) = ${prefix}`,
  );
  return `${prefix}${String((row?.n ?? 0) + 1).padStart(4, '0')}`;
}
