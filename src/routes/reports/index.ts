import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { DomainError } from '../../domain/errors.ts';
import { fieldErrorMap } from '../../plugins/views.ts';
import { translator, type Lang, type Translator } from '../../i18n/index.ts';
import { buildReport, parseRange, REPORT_ROLES, scopeFor, scopeLabel, type FullReport } from '../../domain/reports/index.ts';
import { exportResidents } from '../../domain/reports/residents.ts';
import { residentsTable } from '../../domain/reports/tables.ts';
import { sendCsv, sendXlsx } from '../files.ts';
import { formatWib, nowIso } from '../../lib/time.ts';
import { charts, filterChoices, formatters, reportQuery } from './view.ts';

const READERS = { access: REPORT_ROLES };
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
      return await sendXlsx(request, reply, [table], { name, title: table.title });
    });
  }
};

export default reportRoutes;
