import type { HandoffDetail } from './read.ts';

const TZ = 'Asia/Jakarta';

/**
 * The words of a Berita Acara Serah Terima, in Bahasa Indonesia whatever the
 * reader's language: it is the legal record both parties sign. The date of
 * the handover is when the last person was accounted for (closed_at); while
 * the handoff is still open, the time it was printed.
 */
export function bastFacts(d: HandoffDetail, printedAt: Date) {
  const h = d.handoff;
  const when = h.closedAt ? new Date(h.closedAt) : printedAt;
  const fmt = (date: Date, o: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat('id-ID', { timeZone: TZ, ...o }).format(date);
  const bySex = { L: 0, P: 0 };
  for (const l of d.lines) bySex[l.sex]++;
  return {
    final: h.status === 'CLOSED',
    day: fmt(when, { weekday: 'long' }),
    date: fmt(when, { day: 'numeric', month: 'long', year: 'numeric' }),
    time: fmt(when, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).replace(':', '.'),
    operationDate: fmt(new Date(h.operationAt), { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }),
    operationTime: fmt(new Date(h.operationAt), { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).replace(':', '.'),
    printed: fmt(printedAt, { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
    /** "Kota Administrasi Jakarta Pusat" → "Jakarta Pusat", as a place line reads. */
    city: d.wilayahName.replace(/^(Kota Administrasi|Kabupaten Administrasi|Kabupaten|Kota)\s+/i, ''),
    bySex,
  };
}
