import { sqliteTable, text, integer, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { id, createdAt, requiredRef } from './common.ts';
import { facilities } from './facilities.ts';
import { persons } from './people.ts';
import { wilayah } from './reference.ts';

export const HANDOFF_STATUSES = ['OPEN', 'CLOSED'] as const;
export const HANDOFF_PERSON_STATUSES = ['PENDING', 'RECEIVED', 'NOT_RECEIVED'] as const;
export const VISIBLE_NEEDS = [
  'pregnant',
  'young_child',
  'disability',
  'elderly',
  'sick_injured',
  'unaccompanied_child',
  'trafficking_suspected',
  'drug_use',
  'wheelchair',
] as const;
/** How a person on a handoff is related to the others of their group (who came together). */
export const HANDOFF_RELATIONSHIPS = ['kepala_keluarga', 'suami', 'istri', 'anak', 'orang_tua', 'saudara', 'lainnya'] as const;
export type HandoffRelationship = (typeof HANDOFF_RELATIONSHIPS)[number];
export type VisibleNeed = (typeof VISIBLE_NEEDS)[number];

/** Serah terima from a Satpol PP street operation (penertiban) to a receiving facility. */
export const handoffs = sqliteTable(
  'handoffs',
  {
    id: id(),
    /** Said on the phone: HO-3171-20261122-0007. */
    number: text('number').notNull().unique(),
    operationNumber: text('operation_number').notNull(),
    operationAt: text('operation_at').notNull(),
    place: text('place').notNull(),
    wilayahCode: requiredRef('wilayah_code', () => wilayah.code),
    team: text('team').notNull().default(''),
    leaderName: text('leader_name').notNull(),
    leaderNip: text('leader_nip').notNull().default(''),
    facilityId: requiredRef('facility_id', () => facilities.id),
    status: text('status', { enum: HANDOFF_STATUSES }).notNull().default('OPEN'),
    submittedBy: text('submitted_by'),
    submittedByToken: text('submitted_by_token'),
    receivingOfficerName: text('receiving_officer_name'),
    receivingOfficerId: text('receiving_officer_id'),
    createdAt: createdAt(),
    closedAt: text('closed_at'),
  },
  (t) => [index('handoffs_facility_status_idx').on(t.facilityId, t.status), index('handoffs_wilayah_idx').on(t.wilayahCode)],
);

export const handoffPersons = sqliteTable(
  'handoff_persons',
  {
    id: id(),
    handoffId: requiredRef('handoff_id', () => handoffs.id),
    seq: integer('seq').notNull(),
    name: text('name'),
    description: text('description'),
    sex: text('sex', { enum: ['L', 'P'] }).notNull(),
    approxAge: integer('approx_age'),
    needs: text('needs', { mode: 'json' }).$type<VisibleNeed[]>().notNull().default([]),
    belongings: text('belongings').notNull().default(''),
    notes: text('notes').notNull().default(''),
    /** Who came together: persons of one handoff with the same label are received as one household. */
    groupLabel: text('group_label'),
    relationship: text('relationship', { enum: HANDOFF_RELATIONSHIPS }),
    status: text('status', { enum: HANDOFF_PERSON_STATUSES }).notNull().default('PENDING'),
    personId: text('person_id').references(() => persons.id),
    notReceivedReason: text('not_received_reason'),
    accountedAt: text('accounted_at'),
    accountedBy: text('accounted_by'),
  },
  (t) => [uniqueIndex('handoff_persons_seq_uq').on(t.handoffId, t.seq), index('handoff_persons_person_idx').on(t.personId)],
);
