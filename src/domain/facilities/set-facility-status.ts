import { and, eq } from 'drizzle-orm';
import { write, type Db } from '../../db/client.ts';
import { facilities } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { audit } from '../audit.ts';
import { conflict } from '../errors.ts';
import { parseInput } from '../validate.ts';
import { nowIso } from '../../lib/time.ts';
import { hubFor } from '../events.ts';
import { FacilityStatusInput } from './inputs.ts';
import { assertVersion, loadManagedFacility, type FacilityRow } from './load.ts';
import { openReferralsTo, peopleInside, personLabel } from './people.ts';

/** How many people a refusal names before it says "and N more". */
const NAMED = 10;

/**
 * Opens, stands by or closes a facility, as one action (admin, or that
 * facility's manager). Leaving OPEN is refused while anyone is checked in —
 * the message names them — or while open referrals hold places there: those
 * people would drop out of every count. Who and when are kept on the
 * facility and in the audit log.
 */
export async function setFacilityStatus(args: { db: Db; actor: Actor; facilityId: string; input: unknown }): Promise<FacilityRow> {
  const input = parseInput(FacilityStatusInput, args.input, args.actor.lang);
  const result = await write(args.db, async (tx) => {
    const current = await loadManagedFacility(tx, args.actor, args.facilityId);
    assertVersion(current.version, input.version);
    if (input.status === current.status) throw conflict('facilities.status_same', { status: input.status });
    if (input.status !== 'OPEN') {
      const inside = await peopleInside(tx, current.id);
      if (inside.length > 0) {
        const named = inside.slice(0, NAMED).map(personLabel).join(', ');
        const more = inside.length > NAMED ? ` (+${inside.length - NAMED})` : '';
        throw conflict('facilities.status_people_inside', { count: inside.length, people: named + more, facility: current.name });
      }
      const held = await openReferralsTo(tx, current.id);
      if (held.count > 0) {
        throw conflict('facilities.status_referrals_open', { count: held.count, places: held.places, facility: current.name });
      }
    }
    const now = nowIso();
    const updated: FacilityRow = {
      ...current,
      status: input.status,
      statusChangedAt: now,
      statusChangedBy: args.actor.label,
      updatedAt: now,
      version: current.version + 1,
    };
    await tx.update(facilities)
      .set({ status: updated.status, statusChangedAt: now, statusChangedBy: updated.statusChangedBy, updatedAt: now, version: updated.version })
      .where(and(eq(facilities.id, current.id), eq(facilities.version, current.version)))
      .run();
    await audit(tx, args.actor, {
      action: 'facility.status',
      entity: 'facility',
      entityId: current.id,
      at: now,
      detail: { from: current.status, to: input.status, ...(input.reason ? { reason: input.reason } : {}) },
    });
    // Announced with the change itself: heard once it is committed, never for a rollback.
    hubFor(tx).publish({ type: 'facility', facilityId: updated.id });
    return updated;
  });
  // A facility leaving or joining OPEN moves every total: the live views refetch.
  return result;
}
