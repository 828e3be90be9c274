import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ExportTable } from '../../domain/reports/table.ts';
import { toCsv } from '../../domain/reports/export/csv.ts';
import { toXlsx } from '../../domain/reports/export/xlsx.ts';
import { formatWib, nowIso } from '../../lib/time.ts';
import { nationalToday } from '../../domain/time-zone.ts';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * A worklist or the DTKS proposals as a file (the report exports' writers: one set of columns for both).
 * Its name carries the national view's day (WIB), the day its "generated" line is written in.
 */
export function sendCsv(reply: FastifyReply, table: ExportTable, stem: string) {
  return reply
    .header('Content-Disposition', `attachment; filename="singgah-${stem}-${nationalToday()}.csv"`)
    .header('Cache-Control', 'no-store')
    .type('text/csv; charset=utf-8')
    .send(toCsv(table));
}

export async function sendXlsx(request: FastifyRequest, reply: FastifyReply, tables: ExportTable | ExportTable[], stem: string, title?: string) {
  const t = request.t;
  const list = Array.isArray(tables) ? tables : [tables];
  const buffer = await toXlsx(list, {
    title: title ?? list[0]!.title,
    info: [
      [t('reports.generated'), `${formatWib(nowIso())} WIB`],
      [t('reports.generated_by'), request.actor!.label],
      ...(list.some((x) => x.published) ? [['', t('reports.suppressed_export')] as [string, string]] : []),
    ],
  });
  return reply
    .header('Content-Disposition', `attachment; filename="singgah-${stem}-${nationalToday()}.xlsx"`)
    .header('Cache-Control', 'no-store')
    .type(XLSX_TYPE)
    .send(buffer);
}
