import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { buildReport, EXPORTS, exportTables, parseRange, REPORT_ROLES, scopeFor, scopeLabel, type FullReport } from '../../domain/reports/index.ts';
import { occupancyHxlTable } from '../../domain/reports/occupancy-hxl.ts';
import type { Translator } from '../../i18n/index.ts';
import { CSV_TYPE, fileName, sendCsv, sendXlsx, XLSX_TYPE, type FileContext } from '../files.ts';

const READERS = { access: REPORT_ROLES };
type Query = Record<string, unknown>;

/** A report's period and area, for its workbook (published: a protected facility is masked). */
const contextOf = (report: FullReport, t: Translator): FileContext => ({ range: report.range, scope: scopeLabel(report, t, true) });

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
    app.get(`/reports/${name}.csv`, { config: { ...READERS, openapi: { summary: `The ${name} report as CSV (from, to, filters as on /reports)`, tags: ['reports'], file: CSV_TYPE } } }, async (request, reply) => {
      const report = await load(request);
      return sendCsv(reply, exportTables(report, name, request.t)[0]!, fileName(name, report.range, 'csv'));
    });
    app.get(`/reports/${name}.xlsx`, { config: { ...READERS, openapi: { summary: `The ${name} report as a workbook`, tags: ['reports'], file: XLSX_TYPE } } }, async (request, reply) => {
      const report = await load(request);
      const tables = exportTables(report, name, request.t);
      return await sendXlsx(request, reply, tables, { name: fileName(name, report.range, 'xlsx'), title: tables[0]!.title, context: contextOf(report, request.t) });
    });
  }

  app.get('/reports/all.xlsx', { config: { ...READERS, openapi: { summary: 'Every report in one workbook', tags: ['reports'], file: XLSX_TYPE } } }, async (request, reply) => {
    const report = await load(request);
    return await sendXlsx(request, reply, exportTables(report, 'all', request.t), { name: fileName('laporan', report.range, 'xlsx'), title: request.t('reports.print_title'), context: contextOf(report, request.t) });
  });

  // INTERFACES.md names it occupancy.hxl.csv; occupancy-hxl.csv is the older link, kept for bookmarks.
  for (const path of ['/reports/occupancy.hxl.csv', '/reports/occupancy-hxl.csv']) {
    const older = path.endsWith('-hxl.csv');
    const openapi = {
      summary: older ? 'The occupancy as HXL-tagged CSV (the older link: use occupancy.hxl.csv)' : 'The occupancy as HXL-tagged CSV (P-codes)',
      tags: ['reports'],
      file: CSV_TYPE,
      ...(older ? { operationId: 'getReportsOccupancyHxlCsvOlderLink', deprecated: true } : {}),
    };
    app.get(path, { config: { ...READERS, openapi } }, async (request, reply) => {
      const scope = await scopeFor(app.db, request.actor!, request.query);
      return sendCsv(reply, await occupancyHxlTable({ db: app.db, scope, t: request.t }), fileName('okupansi-hxl', null, 'csv'));
    });
  }
};

export default reportExports;

