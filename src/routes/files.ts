import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ExportTable } from '../domain/reports/table.ts';
import type { ReportRange } from '../domain/reports/range.ts';
import { toCsv } from '../domain/reports/export/csv.ts';
import { toXlsx } from '../domain/reports/export/xlsx.ts';
import { formatWib, nowIso } from '../lib/time.ts';
import { nationalToday } from '../domain/time-zone.ts';

/*
 * Sending a table as a file: the one helper for the report exports, the case work report, the
 * worklists and the DTKS proposals (pages and /api/v1 alike). A file is never cached (it may
 * hold people) and is named for what it holds: its period when it has one, else the national view's day (WIB, as its "generated" line).
 */

export const CSV_TYPE = 'text/csv; charset=utf-8';
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** What a workbook says about its figures, above them: the period and the area they cover. */
export interface FileContext {
  range: ReportRange;
  /** "All facilities", a wilayah or a facility (scopeLabel). */
  scope: string;
}

/** `singgah-<stem>-<from>_<to>.<ext>` for a period, `singgah-<stem>-<today>.<ext>` otherwise. */
export function fileName(stem: string, range: ReportRange | null, ext: 'csv' | 'xlsx'): string {
  return range ? `singgah-${stem}-${range.from}_${range.to}.${ext}` : `singgah-${stem}-${nationalToday()}.${ext}`;
}

const attachment = (reply: FastifyReply, name: string) => reply.header('Content-Disposition', `attachment; filename="${name}"`).header('Cache-Control', 'no-store');

export function sendCsv(reply: FastifyReply, table: ExportTable, name: string) {
  return attachment(reply, name).type(CSV_TYPE).send(toCsv(table));
}

/** A workbook: its title, then the period and area (when it has them), when and by whom it was made, then the tables. */
export async function sendXlsx(request: FastifyRequest, reply: FastifyReply, tables: ExportTable[], file: { name: string; title: string; context?: FileContext | null }) {
  const t = request.t;
  const info: [string, string | Date][] = [];
  if (file.context) {
    const { range, scope } = file.context;
    info.push([t('reports.period'), `${formatWib(range.startIso, false)} – ${formatWib(new Date(Date.parse(range.endIso) - 1).toISOString(), false)}`]);
    info.push([t('reports.scope'), scope]);
  }
  info.push([t('reports.generated'), `${formatWib(nowIso())} WIB`]);
  info.push([t('reports.generated_by'), request.actor!.label]);
  if (tables.some((x) => x.published)) info.push(['', t('reports.suppressed_export')]);
  const buffer = await toXlsx(tables, { title: file.title, info });
  return attachment(reply, file.name).type(XLSX_TYPE).send(buffer);
}
