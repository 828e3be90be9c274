import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../domain/errors.ts';
import { fieldErrorMap } from '../../plugins/views.ts';
import { translator, type Lang, type Translator } from '../../i18n/index.ts';
import { buildReport, EXPORTS, exportTables, parseRange, REPORT_ROLES, scopeFor, type FullReport } from '../../domain/reports/index.ts';
import { exportResidents } from '../../domain/reports/residents.ts';
import { residentsTable } from '../../domain/reports/tables.ts';
import { occupancyHxlTable } from '../../domain/reports/occupancy-hxl.ts';
import type { ExportTable } from '../../domain/reports/table.ts';
import { toCsv } from '../../domain/reports/export/csv.ts';
import { toXlsx } from '../../domain/reports/export/xlsx.ts';
import { formatWib, nowIso } from '../../lib/time.ts';
import { charts, filterChoices, formatters, reportQuery } from './view.ts';

const READERS = { access: REPORT_ROLES };
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
type Query = Record<string, unknown>;

/**
 * /reports: the daily census, people handled by approach, discharge
 * outcomes, length of stay, referrals and handoffs, for a WIB date range;
 * a printable A4 version; every report as CSV and as an Excel workbook; the
 * occupancy as HXL-tagged CSV; and the audited person-level list.
 */
const reportRoutes: FastifyPluginAsync = async (app) => {
  async function load(request: FastifyRequest, input: Query) {
    const actor = request.actor!;
    const range = parseRange(input, request.lang);
    const scope = await scopeFor(app.db, actor, input);
    return await buildReport({ db: app.db, range, scope });
  }

  async function pageData(request: FastifyRequest, report: FullReport, lang: Lang, t: Translator, published = false) {
    const f = formatters(lang, t, { published });
    return {
      report,
      f,
      charts: charts(report, t, f),
      choices: await filterChoices(app.db, request.actor!),
      query: reportQuery(report),
      scopeLabel: scopeLabel(report, t, published),
      published,
      generatedAt: formatWib(nowIso()),
    };
  }

  app.get('/reports', { config: READERS }, async (request, reply) => {
    const query = (request.query ?? {}) as Query;
    let report: FullReport;
    let errors: Record<string, string> = {};
    let status = 200;
    try {
      report = await load(request, query);
    } catch (err) {
      if (!(err instanceof DomainError) || err.code !== 'VALIDATION') throw err;
      // A hand-edited URL: say which field is wrong, and show this week's report under it.
      errors = fieldErrorMap(request, err.fieldErrors);
      status = 422;
      report = await load(request, {});
    }
    return reply.view(
      'pages/reports/index',
      { ...await pageData(request, report, request.lang, request.t), errors, values: query, title: request.t('reports.title') },
      { region: 'partials/reports/content', status },
    );
  });

  /** The printable report: A4, in Bahasa Indonesia (it is an official document for the Dinas Sosial and the ministry). */
  app.get('/reports/print', { config: READERS }, async (request, reply) => {
    const report = await load(request, (request.query ?? {}) as Query);
    const t = translator('id');
    return reply.view('pages/reports/print', {
      // Printed, the report leaves the system: small cells are suppressed as in the exports.
      ...await pageData(request, report, 'id', t, true),
      t,
      lang: 'id',
      bodyClass: 'report-print',
      title: `${t('reports.print_title')} ${report.range.from}–${report.range.to}`,
    });
  });

  function fileName(stem: string, report: FullReport | null, ext: string) {
    return report ? `singgah-${stem}-${report.range.from}_${report.range.to}.${ext}` : `singgah-${stem}-${nowIso().slice(0, 10)}.${ext}`;
  }

  function sendCsv(reply: FastifyReply, table: ExportTable, name: string) {
    return reply
      .header('Content-Disposition', `attachment; filename="${name}"`)
      .header('Cache-Control', 'no-store')
      .type('text/csv; charset=utf-8')
      .send(toCsv(table));
  }

  async function sendXlsx(request: FastifyRequest, reply: FastifyReply, tables: ExportTable[], report: FullReport | null, name: string, title: string) {
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

  for (const name of EXPORTS) {
    app.get(`/reports/${name}.csv`, { config: READERS }, async (request, reply) => {
      const report = await load(request, (request.query ?? {}) as Query);
      return sendCsv(reply, exportTables(report, name, request.t)[0]!, fileName(name, report, 'csv'));
    });
    app.get(`/reports/${name}.xlsx`, { config: READERS }, async (request, reply) => {
      const report = await load(request, (request.query ?? {}) as Query);
      const tables = exportTables(report, name, request.t);
      return await sendXlsx(request, reply, tables, report, fileName(name, report, 'xlsx'), tables[0]!.title);
    });
  }

  app.get('/reports/all.xlsx', { config: READERS }, async (request, reply) => {
    const report = await load(request, (request.query ?? {}) as Query);
    return await sendXlsx(request, reply, exportTables(report, 'all', request.t), report, fileName('laporan', report, 'xlsx'), request.t('reports.print_title'));
  });

  app.get('/reports/occupancy-hxl.csv', { config: READERS }, async (request, reply) => {
    const scope = await scopeFor(app.db, request.actor!, request.query);
    return sendCsv(reply, await occupancyHxlTable({ db: app.db, scope, t: request.t }), fileName('okupansi-hxl', null, 'csv'));
  });

  // The person-level list: a POST (CSRF-checked), so that every download is a deliberate act
  // and its audit event cannot be caused by a link elsewhere. Never replayed from storage.
  for (const format of ['csv', 'xlsx'] as const) {
    app.post(`/reports/residents.${format}`, { config: { ...READERS, idempotent: false } }, async (request, reply) => {
      const body = (request.body ?? {}) as Query;
      const range = parseRange(body, request.lang);
      const scope = await scopeFor(app.db, request.actor!, body);
      const { rows, includeNik } = await exportResidents({ db: app.db, actor: request.actor!, range, scope, input: body, format });
      const table = residentsTable(rows, request.t, includeNik);
      const name = `singgah-warga-${range.to}${includeNik ? '-nik' : ''}.${format}`;
      if (format === 'csv') return sendCsv(reply, table, name);
      return await sendXlsx(request, reply, [table], null, name, table.title);
    });
  }
};

/** "All facilities", a wilayah, or a facility (masked in exports when protected). */
function scopeLabel(report: FullReport, t: Translator, published: boolean): string {
  const s = report.scope;
  if (s.facilityId) {
    const f = report.facilities.find((x) => x.id === s.facilityId);
    if (!f) return '';
    return f.protected && published ? t('reports.protected_facility') : `${f.code} · ${f.name}`;
  }
  if (s.wilayah) {
    const w = report.facilities.find((x) => x.wilayahCode === s.wilayah || x.provinceCode === s.wilayah);
    const name = w ? (w.wilayahCode === s.wilayah ? w.wilayahName : w.provinceName) : s.wilayah;
    return t('reports.scope_wilayah', { name: `${s.wilayah} ${name}` });
  }
  return t('reports.scope_all');
}

export default reportRoutes;
