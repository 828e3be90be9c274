import type { Db } from '../../db/client.ts';
import { hubFor } from '../events.ts';
import type { ReferralRow } from './load.ts';

export interface StepEvents {
  referral: Pick<ReferralRow, 'id' | 'status' | 'fromFacilityId' | 'toFacilityId' | 'places'>;
  /** Facilities whose counts moved, with the units that moved. */
  occupancy?: { facilityId: string; unitIds: string[] }[];
  alerts?: { id: string; kind: string; facilityId: string | null }[];
}

/** After commit, never before: the pages, the board and the API socket hear of the step. */
export function publishStep(db: Db, e: StepEvents): void {
  const hub = hubFor(db);
  const r = e.referral;
  hub.publish({ type: 'referral', referralId: r.id, status: r.status, fromFacilityId: r.fromFacilityId, toFacilityId: r.toFacilityId, places: r.places });
  const byFacility = new Map<string, Set<string>>();
  for (const o of e.occupancy ?? []) {
    const set = byFacility.get(o.facilityId) ?? new Set<string>();
    for (const u of o.unitIds) set.add(u);
    byFacility.set(o.facilityId, set);
  }
  for (const [facilityId, units] of byFacility) hub.publish({ type: 'occupancy', facilityId, unitIds: [...units] });
  for (const a of e.alerts ?? []) hub.publish({ type: 'alert', alertId: a.id, kind: a.kind, facilityId: a.facilityId });
}
