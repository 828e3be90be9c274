import { sqliteTable, text, integer, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { sql } from 'drizzle-orm';
import { id, requiredRef } from './common.ts';
import { persons, households } from './people.ts';
import { facilities, units } from './facilities.ts';

export const DISCHARGE_OUTCOMES = [
  'reunited',
  'returned_home',
  'moved_to_lks',
  'referred',
  'transferred',
  'hospitalised',
  'left',
  'deceased',
  'other',
] as const;
export type DischargeOutcome = (typeof DISCHARGE_OUTCOMES)[number];

/** One person in one unit of one facility, from check-in to check-out. */
export const stays = sqliteTable(
  'stays',
  {
    id: id(),
    personId: requiredRef('person_id', () => persons.id),
    householdId: text('household_id').references(() => households.id),
    facilityId: requiredRef('facility_id', () => facilities.id),
    unitId: requiredRef('unit_id', () => units.id),
    bedLabel: text('bed_label'),
    checkedInAt: text('checked_in_at').notNull(),
    checkedInBy: text('checked_in_by'),
    checkedOutAt: text('checked_out_at'),
    checkedOutBy: text('checked_out_by'),
    outcome: text('outcome', { enum: DISCHARGE_OUTCOMES }),
    destination: text('destination'),
    note: text('note'),
    /** Allowed past capacity by a supervisor, with a reason; marked everywhere. */
    overflow: integer('overflow', { mode: 'boolean' }).notNull().default(false),
    overflowReason: text('overflow_reason'),
    /** A household split on purpose keeps the reason on each member's stay. */
    splitReason: text('split_reason'),
    previousStayId: text('previous_stay_id'),
    referralId: text('referral_id'),
  },
  (t) => [
    // A person has at most one open stay: the database refuses a second.
    uniqueIndex('stays_one_open_per_person_uq').on(t.personId).where(sql`checked_out_at is null`),
    index('stays_open_by_unit_idx').on(t.unitId).where(sql`checked_out_at is null`),
    index('stays_facility_in_idx').on(t.facilityId, t.checkedInAt),
    index('stays_person_idx').on(t.personId),
    uniqueIndex('stays_open_bed_uq').on(t.unitId, t.bedLabel).where(sql`checked_out_at is null and bed_label is not null`),
  ],
);
