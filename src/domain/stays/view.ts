import type { stays } from '../../db/schema/index.ts';
import { toWib } from '../../lib/time.ts';

export type StayRow = typeof stays.$inferSelect;

/** A stay as the API serves it. */
export function toStayRecord(s: StayRow) {
  return {
    id: s.id,
    person_id: s.personId,
    household_id: s.householdId,
    facility_id: s.facilityId,
    unit_id: s.unitId,
    bed_label: s.bedLabel,
    checked_in_at: toWib(s.checkedInAt),
    checked_in_by: s.checkedInBy,
    checked_out_at: toWib(s.checkedOutAt),
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
