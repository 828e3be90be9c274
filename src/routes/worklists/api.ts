import type { FastifyPluginAsync } from 'fastify';
import * as R from '../api/responses.ts';
import { WORKLIST_ROLES } from '../../domain/cases/scope.ts';
import { aidCsvTable, aidWorklist, dtksExport } from '../../domain/worklists/aid.ts';
import { followUpCsvTable, followUpWorklist } from '../../domain/worklists/follow-ups.ts';
import { notFound } from '../../domain/errors.ts';
import { sendCsv, sendXlsx } from './send.ts';

const READ = { access: WORKLIST_ROLES };
/** Exports carry full NIKs: never stored for replay, never cached. */
const EXPORT = { access: WORKLIST_ROLES, idempotent: false };
type Q = { Querystring: { format?: string; step?: string } };

/** /api/v1/worklists/:name (docs/api.md "Worklists"). */
const worklistsApi: FastifyPluginAsync = async (app) => {
  const db = app.db;
  app.get<Q>('/worklists/aid', { config: { ...READ, openapi: { summary: 'Aid worklist: placed people not in DTKS, without NIK, or whose KTP address is elsewhere', tags: ['worklists'], query: R.WorklistQuery, produces: ['text/csv'] } } }, async (request, reply) => {
    const entries = await aidWorklist({ db, actor: request.actor!, step: request.query.step });
    if (request.query.format === 'csv') return sendCsv(reply, aidCsvTable(entries, request.actor!.lang), 'jalan-bantuan');
    return { worklist: 'aid', entries };
  });
  app.get<Q>('/worklists/follow-ups', { config: { ...READ, openapi: { summary: 'Follow-ups due and overdue', tags: ['worklists'], query: R.WorklistQuery.omit({ step: true }), produces: ['text/csv'] } } }, async (request, reply) => {
    const entries = await followUpWorklist({ db, actor: request.actor! });
    if (request.query.format === 'csv') return sendCsv(reply, followUpCsvTable(entries, request.actor!.lang), 'tindak-lanjut');
    return { worklist: 'follow-ups', entries };
  });
  app.get<Q>('/worklists/dtks', { config: { ...EXPORT, openapi: { summary: 'DTKS proposal export (full NIKs; never replayed)', tags: ['worklists'], query: R.DtksQuery, produces: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'] } } }, async (request, reply) => {
    const table = await dtksExport({ db, actor: request.actor! });
    if (request.query.format === 'xlsx') return await sendXlsx(request, reply, table, 'usulan-dtks');
    if (request.query.format === 'csv') return sendCsv(reply, table, 'usulan-dtks');
    return { worklist: 'dtks', columns: table.columns.map((c) => c.key), rows: table.rows };
  });
  app.get<{ Params: { name: string } }>('/worklists/:name', { config: { ...READ, openapi: { summary: 'Any other worklist name: 404', tags: ['worklists'] } } }, async () => {
    throw notFound('worklists.unknown');
  });
};
export default worklistsApi;
