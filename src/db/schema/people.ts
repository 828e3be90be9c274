import { sqliteTable, text, integer, index, uniqueIndex, type AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import { sql } from 'drizzle-orm';
import { id, createdAt } from './common.ts';

export const SEXES = ['L', 'P'] as const; // laki-laki, perempuan (as on the KTP)
export type Sex = (typeof SEXES)[number];
export const PPKS_CATEGORIES = [
  'gelandangan',
  'pengemis',
  'pemulung',
  'korban_phk',
  'anak_jalanan',
  'lansia_terlantar',
  'disabilitas_terlantar',
  'korban_perdagangan_orang',
  'lainnya',
] as const;
export type PpksCategory = (typeof PPKS_CATEGORIES)[number];
export const DISABILITY_TYPES = ['fisik', 'intelektual', 'mental', 'sensorik'] as const;
export type DisabilityType = (typeof DISABILITY_TYPES)[number];
export const INTAKE_SOURCES = ['walk_in', 'outreach', 'satpol_handoff', 'referral', 'other'] as const;
export type IntakeSource = (typeof INTAKE_SOURCES)[number];
export const TRISTATE = ['yes', 'no', 'unknown'] as const;
/** Who gave consent to data use: the person (18+ only), a guardian, or the social worker (pekerja sosial); the latter two are named. */
export const CONSENT_BY = ['self', 'guardian', 'pekerja_sosial'] as const;
export type ConsentBy = (typeof CONSENT_BY)[number];
export type Tristate = (typeof TRISTATE)[number];

export const households = sqliteTable('households', {
  id: id(),
  createdAt: createdAt(),
  createdBy: text('created_by'),
  note: text('note'),
});

export const persons = sqliteTable(
  'persons',
  {
    id: id(),
    /** Short code printed on a card or wristband (e.g. "SGH-7K3M9Q"). */
    residentCode: text('resident_code').notNull().unique(),
    name: text('name'),
    /** When the name is unknown: "laki-laki, ±40 th, kaos merah". */
    description: text('description'),
    alias: text('alias'),
    /** Name and alias normalised for matching (spelling variants, titles, spaces); indexed by persons_fts. */
    searchKey: text('search_key').notNull().default(''),
    nik: text('nik'),
    kk: text('kk'),
    sex: text('sex', { enum: SEXES }).notNull(),
    birthDate: text('birth_date'),
    /** Estimated age in years, as estimated on estimatedAt. */
    estimatedAge: integer('estimated_age'),
    estimatedAt: text('estimated_at'),
    ktpAddress: text('ktp_address'),
    domicileAddress: text('domicile_address'),
    originWilayahCode: text('origin_wilayah_code'),
    phone: text('phone'),
    category: text('category', { enum: PPKS_CATEGORIES }),
    pregnant: integer('pregnant', { mode: 'boolean' }).notNull().default(false),
    pregnancyWeeks: integer('pregnancy_weeks'),
    /** Estimated due date, derived from the weeks typed (40 weeks from conception's count): the weeks move on with the calendar. */
    pregnancyDueDate: text('pregnancy_due_date'),
    /** A baby born during a stay: its weight at birth, in grams. */
    birthWeightGrams: integer('birth_weight_grams'),
    disabilities: text('disabilities', { mode: 'json' }).$type<DisabilityType[]>().notNull().default([]),
    wheelchair: integer('wheelchair', { mode: 'boolean' }).notNull().default(false),
    chronicIllness: text('chronic_illness'),
    needsMedical: integer('needs_medical', { mode: 'boolean' }).notNull().default(false),
    unaccompaniedChild: integer('unaccompanied_child', { mode: 'boolean' }).notNull().default(false),
    traffickingVictim: integer('trafficking_victim', { mode: 'boolean' }).notNull().default(false),
    /** Drug dependence (NAPZA): calls for addiction counselling; the person's cluster is napza. */
    napza: integer('napza', { mode: 'boolean' }).notNull().default(false),
    dtks: text('dtks', { enum: TRISTATE }).notNull().default('unknown'),
    pkh: text('pkh', { enum: TRISTATE }).notNull().default('unknown'),
    bpnt: text('bpnt', { enum: TRISTATE }).notNull().default('unknown'),
    consent: integer('consent', { mode: 'boolean' }).notNull().default(false),
    consentAt: text('consent_at'),
    consentBy: text('consent_by', { enum: CONSENT_BY }),
    /** The guardian or social worker who consented for the person. */
    consentByName: text('consent_by_name'),
    /** The officer's reason for keeping a NIK that disagrees with birth date or sex. */
    nikOverrideReason: text('nik_override_reason'),
    householdId: text('household_id').references(() => households.id),
    source: text('source', { enum: INTAKE_SOURCES }).notNull().default('walk_in'),
    /** Set when this record was merged into another; the survivor keeps everything. */
    mergedIntoId: text('merged_into_id').references((): AnySQLiteColumn => persons.id),
    anonymisedAt: text('anonymised_at'),
    isDemo: integer('is_demo', { mode: 'boolean' }).notNull().default(false),
    createdAt: createdAt(),
    createdBy: text('created_by'),
    createdAtFacilityId: text('created_at_facility_id'),
    updatedAt: text('updated_at').notNull(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    index('persons_household_idx').on(t.householdId),
    // A NIK belongs to one live record; merged records keep theirs for history.
    uniqueIndex('persons_nik_live_uq').on(t.nik).where(sql`nik is not null and merged_into_id is null`),
  ],
);
