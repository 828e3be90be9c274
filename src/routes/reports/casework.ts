import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { isWide } from '../../domain/access.ts';
import { parseRange, REPORT_ROLES, scopeFor } from '../../domain/reports/index.ts';
import { caseworkReport, caseworkTables } from '../../domain/reports/casework.ts';
import { publishedRows } from '../../domain/reports/table.ts';
import { wouldSuppress } from '../../domain/reports/suppress.ts';
import { loadFacilities } from '../../domain/reports/scope.ts';
import { fileName, sendCsv, sendXlsx } from '../files.ts';
import { scopeLabel } from '../../domain/reports/index.ts';

const READERS = { access: REPORT_ROLES };
type Q = Record<string, unknown>;
const CSV_TABLES = ['services', 'dtks', 'journeys', 'follow-ups'] as const;

/** /reports/casework: case work in a range, on screen and as CSV (one table) or Excel (all). */
const caseworkReports: FastifyPluginAsync = async (app) => {
  async function load(request: FastifyRequest) {
    const q = (request.query ?? {}) as Q;
    const range = parseRange(q, request.lang);
    const scope = await scopeFor(app.db, request.actor!, q);
    const report = await caseworkReport({ db: app.db, range, scope });
    return { report, scope, tables: caseworkTables(report, request.t) };
  }

  app.get('/reports/casework', { config: READERS }, async (request, reply) => {
    const { report, tables } = await load(request);
    // On screen the command centre and admin see exact numbers with the cells an export would hide marked; a manager sees what is published.
    const exact = isWide(request.actor!);
    const shown = tables.map((t) => ({
      ...t,
      rows: exact ? t.rows : publishedRows(t),
      marks: t.rows.map((row) => Object.fromEntries(t.columns.map((c) => [c.key, exact && c.type === 'people' && typeof row[c.key] === 'number' && wouldSuppress(row[c.key] as number)]))),
    }));
    return reply.view('pages/reports/casework', { title: request.t('casework.title'), range: report.range, tables: shown, csvTables: CSV_TABLES });
  });

  app.get('/reports/casework.csv', { config: READERS }, async (request, reply) => {
    const { report, tables } = await load(request);
    const which = CSV_TABLES.indexOf(((request.query ?? {}) as Q).table as never);
    return sendCsv(reply, tables[Math.max(0, which)]!, fileName('kerja-kasus', report.range, 'csv'));
  });

  app.get('/reports/casework.xlsx', { config: READERS }, async (request, reply) => {
    const { report, scope, tables } = await load(request);
    // Like every report's workbook: the period and the area above the figures.
    const context = { range: report.range, scope: scopeLabel({ scope, facilities: await loadFacilities(app.db, scope) }, request.t, true) };
    return await sendXlsx(request, reply, tables, { name: fileName('kerja-kasus', report.range, 'xlsx'), title: request.t('casework.title'), context });
  });
};
export default caseworkReports;
