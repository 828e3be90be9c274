import { eq } from 'drizzle-orm';
import type { Tx } from '../../db/client.ts';
import { facilities } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { canSeeFacility, FACILITY_ROLES, hasRole } from '../access.ts';
import { conflict, forbidden, invalidField } from '../errors.ts';

export type FacilityRow = typeof facilities.$inferSelect;

/** Intake and managers act at their own facility; command and admin anywhere they can see. */
export function assertActsAt(actor: Actor, facilityId: string): void {
  if (hasRole(actor, FACILITY_ROLES) && actor.facilityId !== facilityId) throw forbidden('stays.not_your_facility');
}

/** The facility people are placed in: known, visible to the actor, the actor's to act at, and OPEN. */
export async function placementFacility(tx: Tx, actor: Actor, facilityId: string | undefined, opts: { mustAct: boolean }): Promise<FacilityRow> {
  const id = facilityId ?? actor.facilityId;
  if (!id) throw invalidField('facility_id', 'field.required');
  const f = await tx.select().from(facilities).where(eq(facilities.id, id)).get();
  if (!f || !canSeeFacility(actor, f)) throw invalidField('facility_id', 'field.unknown_facility');
  if (opts.mustAct) assertActsAt(actor, f.id);
  if (f.status !== 'OPEN') throw conflict('stays.facility_not_open', { facility: f.name });
  return f;
}
