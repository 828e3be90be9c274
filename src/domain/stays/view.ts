import type { stays } from '../../db/schema/index.ts';
import { toLocalIso, type Zone } from '../../lib/time.ts';
import type { Db, Tx } from '../../db/client.ts';
import { facilityZones } from '../time-zone.ts';

export type StayRow = typeof stays.$inferSelect;

/** A stay as the API serves it, its times in its facility's zone (WIB when not given). */
export function toStayRecord(s: StayRow, zone: Zone = 'WIB') {
  return {
    id: s.id,
    person_id: s.personId,
    household_id: s.householdId,
    facility_id: s.facilityId,
    unit_id: s.unitId,
    bed_label: s.bedLabel,
    checked_in_at: toLocalIso(s.checkedInAt, zone),
    checked_in_by: s.checkedInBy,
    checked_out_at: toLocalIso(s.checkedOutAt, zone),
    checked_out_by: s.checkedOutBy,
    outcome: s.outcome,
    destination: s.destination,
    note: s.note,
    overflow: s.overflow,
    overflow_reason: s.overflowReason,
    split_reason: s.splitReason,
    previous_stay_id: s.previousStayId,
    referral_id: s.referralId,
  };
}
export type StayRecord = Awaited<ReturnType<typeof toStayRecord>>;

/** Stays as the API serves them, each in its own facility's zone. */
export async function staysInZones(tx: Db | Tx, rows: StayRow[]) {
  const zones = await facilityZones(tx, rows.map((r) => r.facilityId));
  return rows.map((r) => toStayRecord(r, zones.get(r.facilityId)));
}
