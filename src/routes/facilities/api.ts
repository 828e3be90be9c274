import { READERS, ADMIN, MANAGERS } from './access.ts';
import * as EX from '../api/examples.ts';
import * as R from '../api/responses.ts';
import { OccupancyApiQuery, WilayahQuery } from '../api/queries.ts';
import type { ZodTypeProvider } from '../../plugins/zod.ts';
import { AddUnitInput, CreateFacilityInput, FacilityFilter, FacilityStatusInput, UpdateFacilityInput, UpdateUnitInput } from '../../domain/facilities/inputs.ts';
import type { FastifyPluginAsync } from 'fastify';
import {
  addUnit,
  createFacility,
  getFacility,
  listFacilities,
  searchWilayah,
  setFacilityStatus,
  unitHistory,
  updateFacility,
  updateUnit,
} from '../../domain/facilities/index.ts';
import { loadVisibleUnit } from '../../domain/facilities/load.ts';
import { powersOver } from '../../domain/facilities/scope.ts';
import { facilityDetailJson, facilityListItemJson, unitChangeJson, unitJson } from '../../domain/facilities/present.ts';
import { loadUnitOccupancy } from '../../domain/occupancy/compute.ts';
import { acceptsGzip, occupancyAnswer } from '../../domain/occupancy/cache.ts';
import { toWib, zoneOf } from '../../lib/time.ts';

const EVERYONE = { access: ['admin', 'command', 'manager', 'intake', 'satpol', 'display'] as const };

type IdParams = { Params: { id: string } };

/** JSON API for facilities, units and occupancy (docs/api.md). Mounted under /api/v1. */
const facilitiesApi: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const detail = async (actor: Parameters<typeof getFacility>[1], id: string) => facilityDetailJson(await getFacility(app.db, actor, id));

  app.get('/facilities', { config: { ...READERS, openapi: { summary: 'Facilities with their occupancy', tags: ['facilities'] } }, schema: { querystring: FacilityFilter, response: { 200: R.FacilityList } } }, async (request) => {
    const result = await listFacilities(app.db, request.actor!, request.query);
    return { as_of: toWib(result.as_of), facilities: result.items.map(facilityListItemJson) };
  });

  app.get<IdParams>('/facilities/:id', { config: { ...READERS, openapi: { summary: 'One facility with its units', tags: ['facilities'] } }, schema: { response: { 200: R.FacilityDetail } } }, async (request) => await detail(request.actor!, request.params.id));

  app.post('/facilities', { config: { ...ADMIN, openapi: { summary: 'Create a facility', tags: ['facilities'] } }, schema: { body: CreateFacilityInput, response: { 201: R.FacilityDetail } } }, async (request, reply) => {
    const created = await createFacility({ db: app.db, actor: request.actor!, input: request.body });
    return reply.code(201).header('Location', `/api/v1/facilities/${created.id}`).send(await detail(request.actor!, created.id));
  });

  app.patch<IdParams>('/facilities/:id', { config: { ...ADMIN, openapi: { summary: 'Change a facility', tags: ['facilities'] } }, schema: { body: UpdateFacilityInput, response: { 200: R.FacilityDetail } } }, async (request) => {
    const updated = await updateFacility({ db: app.db, actor: request.actor!, facilityId: request.params.id, input: request.body });
    return await detail(request.actor!, updated.id);
  });

  app.post<IdParams>('/facilities/:id/status', { config: { ...MANAGERS, openapi: { summary: 'Open, stand by or close a facility', tags: ['facilities'] } }, schema: { body: FacilityStatusInput, response: { 200: R.FacilityDetail } } }, async (request) => {
    const updated = await setFacilityStatus({ db: app.db, actor: request.actor!, facilityId: request.params.id, input: request.body });
    return await detail(request.actor!, updated.id);
  });

  app.post<IdParams>('/facilities/:id/units', { config: { ...MANAGERS, openapi: { summary: 'Add a unit', tags: ['facilities'] } }, schema: { body: AddUnitInput, response: { 201: R.UnitAnswer } } }, async (request, reply) => {
    const unit = await addUnit({ db: app.db, actor: request.actor!, facilityId: request.params.id, input: request.body });
    const [occupancy] = await loadUnitOccupancy(app.db, { unitId: unit.id });
    return reply.code(201).header('Location', `/api/v1/units/${unit.id}`).send(unitJson(unit, occupancy));
  });

  app.get<IdParams>('/units/:id', { config: { ...READERS, openapi: { summary: 'One unit (with its history for those who see full numbers)', tags: ['facilities'] } }, schema: { response: { 200: R.UnitAnswer } } }, async (request) => {
    const { unit, facility } = await loadVisibleUnit(app.db, request.actor!, request.params.id);
    const numbers = powersOver(request.actor!, facility).numbers;
    const [occupancy] = await loadUnitOccupancy(app.db, { unitId: unit.id });
    return {
      ...unitJson(unit, occupancy, numbers),
      ...(numbers === 'full' ? { history: ((await unitHistory(app.db, [unit.id])).get(unit.id) ?? []).map((c) => unitChangeJson(c, zoneOf(facility.wilayahCode))) } : {}),
    };
  });

  app.patch<IdParams>('/units/:id', { config: { ...MANAGERS, openapi: { summary: 'Change a unit: capacity, blocked places, status', tags: ['facilities'] } }, schema: { body: UpdateUnitInput, response: { 200: R.UnitAnswer } } }, async (request) => {
    const unit = await updateUnit({ db: app.db, actor: request.actor!, unitId: request.params.id, input: request.body });
    const [occupancy] = await loadUnitOccupancy(app.db, { unitId: unit.id });
    return unitJson(unit, occupancy);
  });

  // Summarised at one level, facilities only within a wilayah and a page at a time (src/domain/occupancy/levels.ts),
  // serialised once per occupancy version, view, filters and page (src/domain/occupancy/cache.ts); `If-None-Match`
  // with its ETag → 304. R.Occupancy describes it for the document only: the cached bytes are not checked again.
  app.get('/occupancy', { config: { ...EVERYONE, openapi: { summary: 'Occupancy by level: totals, by kind, by province or kab/kota; facilities within a wilayah, paged (ETag; If-None-Match answers 304)', tags: ['facilities'], etag: true, serialised: R.Occupancy, example: EX.getOccupancy } }, schema: { querystring: OccupancyApiQuery } }, async (request, reply) => {
    const { kind, wilayah, level, limit, after } = request.query;
    const answer = await occupancyAnswer(app.db, request.actor!, { query: { kind, wilayah }, shape: { level, limit, offset: after }, ifNoneMatch: request.headers['if-none-match'] });
    reply.header('ETag', answer.etag).header('Cache-Control', 'private, no-cache').header('Vary', 'Accept-Encoding');
    if (answer.body === null) return reply.code(304).send();
    reply.type('application/json; charset=utf-8');
    // Serialised and compressed once per version and view (a national answer is megabytes; gzipped, a tenth).
    if (answer.body.length > 1024 && acceptsGzip(request.headers['accept-encoding'])) return reply.header('Content-Encoding', 'gzip').send(answer.gzipped());
    return reply.send(answer.body);
  });

  app.get('/wilayah', { config: { access: 'authenticated', openapi: { summary: 'Search provinces and kab/kota', tags: ['facilities'] } }, schema: { querystring: WilayahQuery, response: { 200: R.WilayahList } } }, async (request) => {
    return { wilayah: await searchWilayah(app.db, request.query.q) };
  });
};
export default facilitiesApi;
