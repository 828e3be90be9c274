import { READERS, ADMIN, MANAGERS } from './access.ts';
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
import { loadFacilityOccupancy, loadUnitOccupancy, summarise } from '../../domain/occupancy/compute.ts';
import { occupancyFor } from '../../domain/occupancy/view.ts';
import { nowIso, toWib } from '../../lib/time.ts';

const EVERYONE = { access: ['admin', 'command', 'manager', 'intake', 'satpol', 'display'] as const };

type IdParams = { Params: { id: string } };

/** JSON API for facilities, units and occupancy (docs/api.md). Mounted under /api/v1. */
const facilitiesApi: FastifyPluginAsync = async (app) => {
  const detail = async (actor: Parameters<typeof getFacility>[1], id: string) => facilityDetailJson(await getFacility(app.db, actor, id));

  app.get('/facilities', { config: READERS }, async (request) => {
    const result = await listFacilities(app.db, request.actor!, request.query);
    return { as_of: toWib(result.as_of), facilities: result.items.map(facilityListItemJson) };
  });

  app.get<IdParams>('/facilities/:id', { config: READERS }, async (request) => await detail(request.actor!, request.params.id));

  app.post('/facilities', { config: ADMIN }, async (request, reply) => {
    const created = await createFacility({ db: app.db, actor: request.actor!, input: request.body });
    return reply.code(201).header('Location', `/api/v1/facilities/${created.id}`).send(await detail(request.actor!, created.id));
  });

  app.patch<IdParams>('/facilities/:id', { config: ADMIN }, async (request) => {
    const updated = await updateFacility({ db: app.db, actor: request.actor!, facilityId: request.params.id, input: request.body });
    return await detail(request.actor!, updated.id);
  });

  app.post<IdParams>('/facilities/:id/status', { config: MANAGERS }, async (request) => {
    const updated = await setFacilityStatus({ db: app.db, actor: request.actor!, facilityId: request.params.id, input: request.body });
    return await detail(request.actor!, updated.id);
  });

  app.post<IdParams>('/facilities/:id/units', { config: MANAGERS }, async (request, reply) => {
    const unit = await addUnit({ db: app.db, actor: request.actor!, facilityId: request.params.id, input: request.body });
    const [occupancy] = await loadUnitOccupancy(app.db, { unitId: unit.id });
    return reply.code(201).header('Location', `/api/v1/units/${unit.id}`).send(unitJson(unit, occupancy));
  });

  app.get<IdParams>('/units/:id', { config: READERS }, async (request) => {
    const { unit, facility } = await loadVisibleUnit(app.db, request.actor!, request.params.id);
    const numbers = powersOver(request.actor!, facility).numbers;
    const [occupancy] = await loadUnitOccupancy(app.db, { unitId: unit.id });
    return {
      ...unitJson(unit, occupancy, numbers),
      ...(numbers === 'full' ? { history: ((await unitHistory(app.db, [unit.id])).get(unit.id) ?? []).map(unitChangeJson) } : {}),
    };
  });

  app.patch<IdParams>('/units/:id', { config: MANAGERS }, async (request) => {
    const unit = await updateUnit({ db: app.db, actor: request.actor!, unitId: request.params.id, input: request.body });
    const [occupancy] = await loadUnitOccupancy(app.db, { unitId: unit.id });
    return unitJson(unit, occupancy);
  });

  // The same document the live socket's snapshot carries (src/domain/occupancy/view.ts).
  app.get('/occupancy', { config: EVERYONE }, async (request) => occupancyFor(request.actor!, summarise(await loadFacilityOccupancy(app.db)), nowIso()));

  app.get('/wilayah', { config: { access: 'authenticated' } }, async (request) => {
    const q = (request.query as { q?: unknown }).q;
    return { wilayah: await searchWilayah(app.db, typeof q === 'string' ? q : undefined) };
  });
};
export default facilitiesApi;
