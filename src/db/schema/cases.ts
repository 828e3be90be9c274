import { sqliteTable, text, integer, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { sql } from 'drizzle-orm';
import { id, createdAt, requiredRef } from './common.ts';
import { persons } from './people.ts';
import { stays } from './stays.ts';
import { users } from './accounts.ts';
import type { Cluster } from './facilities.ts';

/** The four ATENSI menus (Progres 5.0 NP): bantuan bertujuan, terapi, perawatan sosial, dukungan keluarga. */
export const ATENSI_MENUS = ['bantuan', 'terapi', 'perawatan', 'dukungan_keluarga'] as const;
export type AtensiMenu = (typeof ATENSI_MENUS)[number];
export const FOLLOW_UP_KINDS = ['visit', 'phone', 'after_arrival', 'aid_check', 'document'] as const;
export type FollowUpKind = (typeof FOLLOW_UP_KINDS)[number];
export const FOLLOW_UP_OUTCOMES = ['still_home', 'aid_received', 'needs_support', 'moved_away', 'not_reached', 'done'] as const;
export type FollowUpOutcome = (typeof FOLLOW_UP_OUTCOMES)[number];

/** A cluster chosen by hand instead of the derived one, with the reason (audited). */
export const personClusters = sqliteTable('person_clusters', {
  personId: text('person_id')
    .primaryKey()
    .references(() => persons.id),
  cluster: text('cluster').$type<Cluster>().notNull(),
  reason: text('reason').notNull(),
  setBy: text('set_by'),
  setAt: text('set_at').notNull(),
});

/** One person's ATENSI case: their pendamping and their assessment. At most one per person. */
export const cases = sqliteTable(
  'cases',
  {
    id: id(),
    personId: requiredRef('person_id', () => persons.id),
    pendampingId: text('pendamping_id').references(() => users.id),
    assignedAt: text('assigned_at'),
    assignedBy: text('assigned_by'),
    needs: text('needs'),
    wishes: text('wishes'),
    assessedAt: text('assessed_at'),
    createdAt: createdAt(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [uniqueIndex('cases_person_uq').on(t.personId), index('cases_pendamping_idx').on(t.pendampingId)],
);

/** The plan: ATENSI items (menu, service, goal, due date). */
export const casePlanItems = sqliteTable(
  'case_plan_items',
  {
    id: id(),
    caseId: requiredRef('case_id', () => cases.id),
    menu: text('menu', { enum: ATENSI_MENUS }).notNull(),
    service: text('service').notNull(),
    goal: text('goal').notNull(),
    due: text('due'),
    position: integer('position').notNull().default(0),
    createdAt: createdAt(),
    createdBy: text('created_by'),
  },
  (t) => [index('case_plan_items_case_idx').on(t.caseId)],
);

/** A service given: what, when, by whom. */
export const caseServices = sqliteTable(
  'case_services',
  {
    id: id(),
    caseId: requiredRef('case_id', () => cases.id),
    menu: text('menu', { enum: ATENSI_MENUS }).notNull(),
    service: text('service').notNull(),
    givenAt: text('given_at').notNull(),
    givenBy: text('given_by'),
    givenByLabel: text('given_by_label').notNull(),
    note: text('note'),
    createdAt: createdAt(),
  },
  (t) => [index('case_services_case_idx').on(t.caseId), index('case_services_given_idx').on(t.givenAt)],
);

/** A follow-up with a due day (WIB, YYYY-MM-DD); it outlives the stay. */
export const caseFollowUps = sqliteTable(
  'case_follow_ups',
  {
    id: id(),
    caseId: requiredRef('case_id', () => cases.id),
    kind: text('kind', { enum: FOLLOW_UP_KINDS }).notNull(),
    due: text('due').notNull(),
    note: text('note'),
    /** The discharge (pemulangan, reunification) this follow-up checks on. */
    stayId: text('stay_id').references(() => stays.id),
    createdAt: createdAt(),
    createdBy: text('created_by'),
    doneAt: text('done_at'),
    doneBy: text('done_by'),
    outcome: text('outcome', { enum: FOLLOW_UP_OUTCOMES }),
    outcomeNote: text('outcome_note'),
  },
  (t) => [index('case_follow_ups_case_idx').on(t.caseId), index('case_follow_ups_open_idx').on(t.due).where(sql`done_at is null`)],
);

/** Pemulangan and reunification as a journey: where to, who waits, who escorts, when. */
export const dischargeJourneys = sqliteTable('discharge_journeys', {
  stayId: text('stay_id')
    .primaryKey()
    .references(() => stays.id),
  destinationWilayahCode: text('destination_wilayah_code').notNull(),
  familyContact: text('family_contact').notNull(),
  escort: text('escort').notNull(),
  date: text('date').notNull(),
});

/** A person proposed to DTKS through the Dinsos (the aid worklist's step). */
export const dtksProposals = sqliteTable(
  'dtks_proposals',
  {
    id: id(),
    personId: requiredRef('person_id', () => persons.id),
    proposedAt: text('proposed_at').notNull(),
    proposedBy: text('proposed_by'),
    note: text('note'),
  },
  (t) => [index('dtks_proposals_person_idx').on(t.personId)],
);
