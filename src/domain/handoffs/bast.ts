import { inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { wilayah } from '../../db/schema/index.ts';
import { linesByGroup, type HandoffDetail } from './read.ts';
import { ZONE_IANA } from '../../lib/time.ts';

const upper = (s: string) => s.toLocaleUpperCase('id-ID');
/** "Daerah Khusus Ibukota Jakarta" is written "DKI Jakarta" on a letterhead. */
const provinceName = (name: string) => name.replace(/^Daerah Khusus Ibukota\s+/i, 'DKI ').replace(/^Daerah Istimewa\s+/i, 'DI ');

/**
 * The letterhead of a BAST: the government of the receiving facility's wilayah
 * and its social affairs office, from the wilayah reference names.
 * - a DKI Jakarta kota/kabupaten administrasi is not autonomous: the province's
 *   Dinas Sosial, through the Suku Dinas of that city;
 * - an autonomous kota or kabupaten: its own government and Dinas Sosial;
 * - a province-level code: the province.
 * `override` (BAST_HEADER, lines separated by "|") replaces it all.
 */
export async function bastLetterhead(db: Db, wilayahCode: string, override?: string): Promise<string[]> {
  if (override && override.trim()) return override.split('|').map((l) => l.trim()).filter(Boolean);
  const province = wilayahCode.slice(0, 2);
  const rows = await db.select().from(wilayah).where(inArray(wilayah.code, [province, wilayahCode])).all();
  const prov = rows.find((r) => r.code === province);
  const area = wilayahCode.length > 2 ? rows.find((r) => r.code === wilayahCode) : undefined;
  const provLine = prov ? `PEMERINTAH PROVINSI ${upper(provinceName(prov.name))}` : 'PEMERINTAH PROVINSI';
  if (area && /^(Kota|Kabupaten) Administrasi\s/i.test(area.name)) {
    return [provLine, 'DINAS SOSIAL', `SUKU DINAS SOSIAL ${upper(area.name)}`];
  }
  if (area) return [`PEMERINTAH ${upper(area.name)}`, 'DINAS SOSIAL'];
  return [provLine, 'DINAS SOSIAL'];
}


/**
 * The words of a Berita Acara Serah Terima, in Bahasa Indonesia whatever the
 * reader's language: it is the legal record both parties sign. The date of
 * the handover is when the last person was accounted for (closed_at); while
 * the handoff is still open, the time it was printed. Times are in the
 * receiving facility's zone (WIB, WITA or WIT), named after each time.
 */
export function bastFacts(d: HandoffDetail, printedAt: Date) {
  const h = d.handoff;
  const when = h.closedAt ? new Date(h.closedAt) : printedAt;
  const fmt = (date: Date, o: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat('id-ID', { timeZone: ZONE_IANA[d.zone], ...o }).format(date);
  const bySex = { L: 0, P: 0 };
  for (const l of d.lines) bySex[l.sex]++;
  return {
    final: h.status === 'CLOSED',
    zone: d.zone,
    day: fmt(when, { weekday: 'long' }),
    date: fmt(when, { day: 'numeric', month: 'long', year: 'numeric' }),
    time: fmt(when, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).replace(':', '.'),
    operationDate: fmt(new Date(h.operationAt), { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }),
    operationTime: fmt(new Date(h.operationAt), { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).replace(':', '.'),
    printed: fmt(printedAt, { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
    /** "Kota Administrasi Jakarta Pusat" → "Jakarta Pusat", as a place line reads. */
    city: d.wilayahName.replace(/^(Kota Administrasi|Kabupaten Administrasi|Kabupaten|Kota)\s+/i, ''),
    bySex,
    /** Families together: each group's members one after another under its label, as they came. */
    blocks: linesByGroup(d.lines),
  };
}
