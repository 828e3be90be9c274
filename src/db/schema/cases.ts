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
/** A plan item's life: planned → in_progress (a service given for it) → done, or dropped with a reason. */
export const PLAN_STATUSES = ['planned', 'in_progress', 'done', 'dropped'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];
/** How a case is closed (terminasi). */
export const CLOSE_OUTCOMES = ['selesai', 'dirujuk', 'meninggal', 'tidak_terjangkau', 'lainnya'] as const;
export type CloseOutcome = (typeof CLOSE_OUTCOMES)[number];
/** A case handed from one pendamping to another: asked, then accepted or refused by the receiver (or cancelled). */
export const TRANSFER_STATUSES = ['requested', 'accepted', 'refused', 'cancelled'] as const;
export type TransferStatus = (typeof TRANSFER_STATUSES)[number];
/** Outside services a case is referred to (rujukan luar). */
export const OUTSIDE_SERVICES = ['dinsos_asal', 'rumah_sakit', 'unit_ppa', 'pendamping_pkh', 'lainnya'] as const;
export type OutsideService = (typeof OUTSIDE_SERVICES)[number];
export const OUTSIDE_REFERRAL_STATUSES = ['sent', 'accepted', 'refused'] as const;
export type OutsideReferralStatus = (typeof OUTSIDE_REFERRAL_STATUSES)[number];

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

/** A family case: the cases of the members of one family card (KK) grouped, with what concerns the family. */
export const familyCases = sqliteTable(
  'family_cases',
  {
    id: id(),
    kk: text('kk').notNull(),
    note: text('note'),
    createdAt: createdAt(),
    createdBy: text('created_by'),
  },
  (t) => [uniqueIndex('family_cases_kk_uq').on(t.kk)],
);

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
    familyCaseId: text('family_case_id').references(() => familyCases.id),
    evaluation: text('evaluation'),
    evaluatedAt: text('evaluated_at'),
    evaluatedBy: text('evaluated_by'),
    /** Closed (terminasi): read-only until reopened by a role that may. */
    closedAt: text('closed_at'),
    closedBy: text('closed_by'),
    closeOutcome: text('close_outcome', { enum: CLOSE_OUTCOMES }),
    closeNote: text('close_note'),
    createdAt: createdAt(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [uniqueIndex('cases_person_uq').on(t.personId), index('cases_pendamping_idx').on(t.pendampingId), index('cases_family_idx').on(t.familyCaseId)],
);

/** The plan: ATENSI items (menu, service from the catalogue, goal, due date), each with its status. */
export const casePlanItems = sqliteTable(
  'case_plan_items',
  {
    id: id(),
    caseId: requiredRef('case_id', () => cases.id),
    menu: text('menu', { enum: ATENSI_MENUS }).notNull(),
    /** A code of the service catalogue (src/domain/cases/catalogue.ts). */
    service: text('service').notNull(),
    goal: text('goal').notNull(),
    due: text('due'),
    /** Free text about the service (what the catalogue's code does not say). */
    note: text('note'),
    status: text('status', { enum: PLAN_STATUSES }).notNull().default('planned'),
    statusAt: text('status_at'),
    statusBy: text('status_by'),
    /** Why an item was marked done or dropped. */
    statusReason: text('status_reason'),
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
    /** A code of the service catalogue (src/domain/cases/catalogue.ts); free text goes in the note. */
    service: text('service').notNull(),
    planItemId: text('plan_item_id').references(() => casePlanItems.id),
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
    /** Who follows up: a pendamping in Singgah (after a return home: one of the destination), else a contact typed on the handover letter. */
    ownerId: text('owner_id').references(() => users.id),
    ownerContact: text('owner_contact'),
  },
  (t) => [index('case_follow_ups_case_idx').on(t.caseId), index('case_follow_ups_open_idx').on(t.due).where(sql`done_at is null`), index('case_follow_ups_owner_idx').on(t.ownerId)],
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

/** A case handed from one pendamping to another: the receiver accepts or refuses. At most one asked at a time. */
export const caseTransfers = sqliteTable(
  'case_transfers',
  {
    id: id(),
    caseId: requiredRef('case_id', () => cases.id),
    fromPendampingId: text('from_pendamping_id').references(() => users.id),
    toPendampingId: requiredRef('to_pendamping_id', () => users.id),
    reason: text('reason').notNull(),
    status: text('status', { enum: TRANSFER_STATUSES }).notNull().default('requested'),
    requestedAt: text('requested_at').notNull(),
    requestedBy: text('requested_by'),
    answeredAt: text('answered_at'),
    answeredBy: text('answered_by'),
    answerNote: text('answer_note'),
  },
  (t) => [
    index('case_transfers_case_idx').on(t.caseId),
    index('case_transfers_to_idx').on(t.toPendampingId),
    uniqueIndex('case_transfers_open_uq').on(t.caseId).where(sql`status = 'requested'`),
  ],
);

/** A case referred to an outside service (Dinsos of origin, hospital, police PPA unit, the family's PKH pendamping), with its answer. */
export const caseOutsideReferrals = sqliteTable(
  'case_outside_referrals',
  {
    id: id(),
    caseId: requiredRef('case_id', () => cases.id),
    service: text('service', { enum: OUTSIDE_SERVICES }).notNull(),
    /** The office or person referred to (RSUD Tarakan, Unit PPA Polres Jakarta Pusat…). */
    toName: text('to_name').notNull(),
    wilayahCode: text('wilayah_code'),
    reason: text('reason').notNull(),
    status: text('status', { enum: OUTSIDE_REFERRAL_STATUSES }).notNull().default('sent'),
    referredAt: text('referred_at').notNull(),
    referredBy: text('referred_by'),
    answer: text('answer'),
    answeredAt: text('answered_at'),
    answeredBy: text('answered_by'),
  },
  (t) => [index('case_outside_referrals_case_idx').on(t.caseId)],
);
