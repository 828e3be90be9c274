import { and, eq } from 'drizzle-orm';
import { write, type Db } from '../../db/client.ts';
import { facilities } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { requireRole } from '../access.ts';
import { audit } from '../audit.ts';
import { invalidField } from '../errors.ts';
import { parseFacilityInput } from './checks.ts';
import { nowIso } from '../../lib/time.ts';
import { hubFor } from '../events.ts';
import { UpdateFacilityInput } from './inputs.ts';
import { assertVersion, loadVisibleFacility, type FacilityRow } from './load.ts';
import { resolveKabKota } from '../reference/wilayah.ts';

/** Column of each patchable field, for the change list kept in the audit event. */
const COLUMNS = {
  code: 'code',
  name: 'name',
  kind: 'kind',
  wilayah_code: 'wilayahCode',
  address: 'address',
  contact_name: 'contactName',
  contact_phone: 'contactPhone',
  operator: 'operator',
  services: 'services',
  clusters: 'clusters',
  protected: 'protected',
  lat: 'lat',
  lng: 'lng',
} as const satisfies Record<string, keyof FacilityRow>;

/**
 * Changes a facility's details (admin). `version` must be the one the
 * caller read: a facility changed in between is a 409, not a silent
 * overwrite. Status has its own verb (setFacilityStatus).
 */
export async function updateFacility(args: { db: Db; actor: Actor; facilityId: string; input: unknown }): Promise<FacilityRow> {
  requireRole(args.actor, ['admin']);
  const result = await write(args.db, async (tx) => {
    const current = await loadVisibleFacility(tx, args.actor, args.facilityId);
    const { input, wilayahCode } = await parseFacilityInput(tx, UpdateFacilityInput, args.input, args.actor.lang, { exceptId: current.id });
    assertVersion(current.version, input.version);
    const next: Partial<FacilityRow> = {};
    if (input.code !== undefined && input.code !== current.code) next.code = input.code;
    if (input.wilayah_code !== undefined) next.wilayahCode = wilayahCode ?? await resolveKabKota(tx, input.wilayah_code);
    for (const key of ['name', 'kind', 'address', 'contact_name', 'contact_phone', 'operator', 'services', 'clusters', 'protected', 'lat', 'lng'] as const) {
      const value = input[key];
      if (value !== undefined) (next as Record<string, unknown>)[COLUMNS[key]] = value;
    }
    // Coordinates come in pairs: removing one removes both; setting one needs the other.
    if (next.lat === null || next.lng === null) {
      next.lat = null;
      next.lng = null;
    } else {
      const lat = next.lat !== undefined ? next.lat : current.lat;
      const lng = next.lng !== undefined ? next.lng : current.lng;
      if (lat === null && lng !== null) throw invalidField('lat', 'facilities.coords_pair');
      if (lng === null && lat !== null) throw invalidField('lng', 'facilities.coords_pair');
    }
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    for (const [field, column] of Object.entries(COLUMNS)) {
      if (!(column in next)) continue;
      const from = current[column];
      const to = next[column];
      if (JSON.stringify(from) !== JSON.stringify(to)) changes[field] = { from, to };
    }
    if (Object.keys(changes).length === 0) return { row: current, changed: false };
    const now = nowIso();
    const updated = { ...current, ...next, updatedAt: now, version: current.version + 1 };
    await tx.update(facilities)
      .set({ ...next, updatedAt: now, version: updated.version })
      .where(and(eq(facilities.id, current.id), eq(facilities.version, current.version)))
      .run();
    await audit(tx, args.actor, { action: 'facility.update', entity: 'facility', entityId: current.id, at: now, detail: { changes } });
    // Announced with the change itself: heard once it is committed, never for a rollback.
    hubFor(tx).publish({ type: 'facility', facilityId: updated.id });
    return { row: updated, changed: true };
  });
  return result.row;
}
