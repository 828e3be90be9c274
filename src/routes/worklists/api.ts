import type { FastifyPluginAsync } from 'fastify';
import * as R from '../api/responses.ts';
import { DtksQuery, WorklistQuery } from '../api/queries.ts';
import type { ZodTypeProvider } from '../../plugins/zod.ts';
import { WORKLIST_ROLES } from '../../domain/cases/scope.ts';
import { aidCsvTable, aidWorklist, dtksExport } from '../../domain/worklists/aid.ts';
import { followUpCsvTable, followUpWorklist } from '../../domain/worklists/follow-ups.ts';
import { notFound } from '../../domain/errors.ts';
import { CSV_TYPE, fileName, sendCsv, sendXlsx, XLSX_TYPE } from '../files.ts';

const READ = { access: WORKLIST_ROLES };
/** Exports carry full NIKs: never stored for replay, never cached. */
const EXPORT = { access: WORKLIST_ROLES, idempotent: false };

/** /api/v1/worklists/:name (docs/api.md "Worklists"). */
const worklistsApi: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const db = app.db;
  app.get('/worklists/aid', { config: { ...READ, openapi: { summary: 'Aid worklist: placed people not in DTKS, without NIK, or whose KTP address is elsewhere', tags: ['worklists'], produces: [CSV_TYPE] } }, schema: { querystring: WorklistQuery, response: { 200: R.AidWorklist } } }, async (request, reply) => {
    const entries = await aidWorklist({ db, actor: request.actor!, step: request.query.step });
    if (request.query.format === 'csv') return sendCsv(reply, aidCsvTable(entries, request.actor!.lang), fileName('jalan-bantuan', null, 'csv'));
    return { worklist: 'aid' as const, entries };
  });
  app.get('/worklists/follow-ups', { config: { ...READ, openapi: { summary: 'Follow-ups due and overdue', tags: ['worklists'], produces: [CSV_TYPE] } }, schema: { querystring: WorklistQuery.omit({ step: true }), response: { 200: R.FollowUpWorklist } } }, async (request, reply) => {
    const entries = await followUpWorklist({ db, actor: request.actor! });
    if (request.query.format === 'csv') return sendCsv(reply, followUpCsvTable(entries, request.actor!.lang), fileName('tindak-lanjut', null, 'csv'));
    return { worklist: 'follow-ups' as const, entries };
  });
  app.get('/worklists/dtks', { config: { ...EXPORT, openapi: { summary: 'DTKS proposal export (full NIKs; never replayed)', tags: ['worklists'], produces: [CSV_TYPE, XLSX_TYPE] } }, schema: { querystring: DtksQuery, response: { 200: R.DtksWorklist } } }, async (request, reply) => {
    const table = await dtksExport({ db, actor: request.actor! });
    if (request.query.format === 'xlsx') return await sendXlsx(request, reply, [table], { name: fileName('usulan-dtks', null, 'xlsx'), title: table.title });
    if (request.query.format === 'csv') return sendCsv(reply, table, fileName('usulan-dtks', null, 'csv'));
    return { worklist: 'dtks' as const, columns: table.columns.map((c) => c.key), rows: table.rows };
  });
  app.get<{ Params: { name: string } }>('/worklists/:name', { config: { ...READ, openapi: { summary: 'Any other worklist name: 404', tags: ['worklists'], noSuccess: true } } }, async () => {
    throw notFound('worklists.unknown');
  });
};
export default worklistsApi;
