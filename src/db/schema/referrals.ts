import { sqliteTable, text, integer, index, uniqueIndex, primaryKey } from 'drizzle-orm/sqlite-core';
import { sql } from 'drizzle-orm';
import { id, requiredRef } from './common.ts';
import { persons, households } from './people.ts';
import { facilities, units } from './facilities.ts';

export const REFERRAL_STATUSES = ['PROPOSED', 'ACCEPTED', 'REFUSED', 'IN_TRANSIT', 'ARRIVED', 'CANCELLED', 'EXPIRED'] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];
/** While open, a referral holds places at its destination. */
export const OPEN_REFERRAL_STATUSES = ['PROPOSED', 'ACCEPTED', 'IN_TRANSIT'] as const;

export const referrals = sqliteTable(
  'referrals',
  {
    id: id(),
    householdId: text('household_id').references(() => households.id),
    fromFacilityId: text('from_facility_id').references(() => facilities.id),
    toFacilityId: requiredRef('to_facility_id', () => facilities.id),
    /** The unit whose places are held. */
    toUnitId: text('to_unit_id').references(() => units.id),
    reason: text('reason').notNull(),
    /** Part of a household referred on purpose: why the others stay behind or go elsewhere. */
    splitReason: text('split_reason'),
    status: text('status', { enum: REFERRAL_STATUSES }).notNull(),
    places: integer('places').notNull(),
    proposedAt: text('proposed_at').notNull(),
    proposedBy: text('proposed_by'),
    decidedAt: text('decided_at'),
    decidedBy: text('decided_by'),
    refuseReason: text('refuse_reason'),
    departedAt: text('departed_at'),
    arrivedAt: text('arrived_at'),
    closedAt: text('closed_at'),
    closedBy: text('closed_by'),
    expiresAt: text('expires_at').notNull(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    index('referrals_to_status_idx').on(t.toFacilityId, t.status),
    index('referrals_from_status_idx').on(t.fromFacilityId, t.status),
    index('referrals_open_unit_idx').on(t.toUnitId).where(sql`status in ('PROPOSED','ACCEPTED','IN_TRANSIT')`),
  ],
);

/** The persons a referral carries; `open` mirrors the referral so the database can refuse a second open one. */
export const referralPersons = sqliteTable(
  'referral_persons',
  {
    referralId: requiredRef('referral_id', () => referrals.id),
    personId: requiredRef('person_id', () => persons.id),
    open: integer('open', { mode: 'boolean' }).notNull().default(true),
  },
  (t) => [
    primaryKey({ columns: [t.referralId, t.personId] }),
    uniqueIndex('referral_persons_one_open_uq').on(t.personId).where(sql`open = 1`),
  ],
);
