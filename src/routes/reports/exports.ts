import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { buildReport, EXPORTS, exportTables, parseRange, REPORT_ROLES, scopeFor, scopeLabel, type FullReport } from '../../domain/reports/index.ts';
import { occupancyHxlTable } from '../../domain/reports/occupancy-hxl.ts';
import type { ExportTable } from '../../domain/reports/table.ts';
import { toCsv } from '../../domain/reports/export/csv.ts';
import { toXlsx } from '../../domain/reports/export/xlsx.ts';
import { formatWib, nowIso } from '../../lib/time.ts';
import { nationalToday } from '../../domain/time-zone.ts';

const READERS = { access: REPORT_ROLES };
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
type Query = Record<string, unknown>;

/** A report's file is named by its range; a file with none by the national view's day (WIB, as its "generated" line). */
function fileName(stem: string, report: FullReport | null, ext: string) {
  return report ? `singgah-${stem}-${report.range.from}_${report.range.to}.${ext}` : `singgah-${stem}-${nationalToday()}.${ext}`;
}

export function sendCsv(reply: FastifyReply, table: ExportTable, name: string) {
  return reply
    .header('Content-Disposition', `attachment; filename="${name}"`)
    .header('Cache-Control', 'no-store')
    .type('text/csv; charset=utf-8')
    .send(toCsv(table));
}

export async function sendXlsx(request: FastifyRequest, reply: FastifyReply, tables: ExportTable[], report: FullReport | null, name: string, title: string) {
  const t = request.t;
  const info: [string, string | Date][] = [];
  if (report) {
    info.push([t('reports.period'), `${formatWib(report.range.startIso, false)} – ${formatWib(new Date(Date.parse(report.range.endIso) - 1).toISOString(), false)}`]);
    info.push([t('reports.scope'), scopeLabel(report, t, true)]);
  }
  info.push([t('reports.generated'), `${formatWib(nowIso())} WIB`]);
  info.push([t('reports.generated_by'), request.actor!.label]);
  if (tables.some((x) => x.published)) info.push(['', t('reports.suppressed_export')]);
  const buffer = await toXlsx(tables, { title, info });
  return reply.header('Content-Disposition', `attachment; filename="${name}"`).header('Cache-Control', 'no-store').type(XLSX_TYPE).send(buffer);
}

/**
 * The report exports: every aggregate report as CSV and as a workbook, and
 * the occupancy as HXL-tagged CSV. Mounted twice, at /reports for the browser
 * and at /api/v1/reports for API tokens (the same role and scope checks; an
 * error is problem+json there). The person-level list is not here: it is a
 * deliberate, CSRF-checked act in the browser (src/routes/reports/index.ts).
 */
const reportExports: FastifyPluginAsync = async (app) => {
  async function load(request: FastifyRequest) {
    const input = (request.query ?? {}) as Query;
    const range = parseRange(input, request.lang);
    const scope = await scopeFor(app.db, request.actor!, input);
    return await buildReport({ db: app.db, range, scope });
  }

  for (const name of EXPORTS) {
    app.get(`/reports/${name}.csv`, { config: READERS }, async (request, reply) => {
      const report = await load(request);
      return sendCsv(reply, exportTables(report, name, request.t)[0]!, fileName(name, report, 'csv'));
    });
    app.get(`/reports/${name}.xlsx`, { config: READERS }, async (request, reply) => {
      const report = await load(request);
      const tables = exportTables(report, name, request.t);
      return await sendXlsx(request, reply, tables, report, fileName(name, report, 'xlsx'), tables[0]!.title);
    });
  }

  app.get('/reports/all.xlsx', { config: READERS }, async (request, reply) => {
    const report = await load(request);
    return await sendXlsx(request, reply, exportTables(report, 'all', request.t), report, fileName('laporan', report, 'xlsx'), request.t('reports.print_title'));
  });

  // INTERFACES.md names it occupancy.hxl.csv; occupancy-hxl.csv is the older link, kept for bookmarks.
  for (const path of ['/reports/occupancy.hxl.csv', '/reports/occupancy-hxl.csv']) {
    app.get(path, { config: READERS }, async (request, reply) => {
      const scope = await scopeFor(app.db, request.actor!, request.query);
      return sendCsv(reply, await occupancyHxlTable({ db: app.db, scope, t: request.t }), fileName('okupansi-hxl', null, 'csv'));
    });
  }
};

export default reportExports;

