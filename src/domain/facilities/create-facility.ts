import { write, type Db } from '../../db/client.ts';
import { facilities } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { requireRole } from '../access.ts';
import { audit } from '../audit.ts';
import { parseFacilityInput } from './checks.ts';
import { newId } from '../../lib/ids.ts';
import { hubFor } from '../events.ts';
import { nowIso } from '../../lib/time.ts';
import { CreateFacilityInput } from './inputs.ts';
import { resolveKabKota } from '../reference/wilayah.ts';
import type { FacilityRow } from './load.ts';

/**
 * Adds a facility (admin). It waits on STANDBY unless created OPEN; either
 * way the status carries who set it and when. The demo seed calls this too
 * (with `isDemo`).
 */
export async function createFacility(args: { db: Db; actor: Actor; input: unknown; isDemo?: boolean }): Promise<FacilityRow> {
  requireRole(args.actor, ['admin']);
  const created = await write(args.db, async (tx) => {
    const { input, wilayahCode: resolved } = await parseFacilityInput(tx, CreateFacilityInput, args.input, args.actor.lang);
    const wilayahCode = resolved ?? await resolveKabKota(tx, input.wilayah_code);
    const now = nowIso();
    const row = {
      id: newId(),
      code: input.code,
      kind: input.kind,
      name: input.name,
      wilayahCode,
      address: input.address ?? '',
      lat: input.lat ?? null,
      lng: input.lng ?? null,
      contactName: input.contact_name ?? '',
      contactPhone: input.contact_phone ?? '',
      operator: input.operator ?? '',
      status: input.status,
      statusChangedAt: now,
      statusChangedBy: args.actor.label,
      services: input.services,
      clusters: input.clusters,
      protected: input.protected,
      isDemo: args.isDemo ?? false,
      createdAt: now,
      updatedAt: now,
      version: 1,
      // Stamped by the occupancy triggers with the version this insert raises.
      changeVersion: 0,
    } satisfies FacilityRow;
    await tx.insert(facilities).values(row).run();
    await audit(tx, args.actor, {
      action: 'facility.create',
      entity: 'facility',
      entityId: row.id,
      at: now,
      detail: { code: row.code, kind: row.kind, wilayah_code: wilayahCode, status: row.status, protected: row.protected },
    });
    // Announced with the change itself: heard once it is committed, never for a rollback.
    hubFor(tx).publish({ type: 'facility', facilityId: row.id });
    return row;
  });
  return created;
}
