import { sqliteTable, text, integer, real, index } from 'drizzle-orm/sqlite-core';
import { id, createdAt, requiredRef } from './common.ts';
import { wilayah } from './reference.ts';

export const FACILITY_KINDS = ['TPS', 'BALAI', 'LOKA', 'PANTI', 'LKS'] as const;
export type FacilityKind = (typeof FACILITY_KINDS)[number];
export const FACILITY_STATUSES = ['STANDBY', 'OPEN', 'CLOSED'] as const;
export type FacilityStatus = (typeof FACILITY_STATUSES)[number];
export const SERVICES = [
  'maternity',
  'early_childhood',
  /** The disability each home serves (Bina Daksa, Netra/Rungu Wicara, Grahita, Laras): a person's every type must be served. */
  'disability_physical',
  'disability_sensory',
  'disability_intellectual',
  'disability_mental',
  'wheelchair_access',
  'elderly',
  'medical',
  'addiction',
  'child_protection',
  'women_protection',
  /** Protection of trafficking victims of any sex (women_protection covers women only). */
  'trafficking_protection',
] as const;
export type Service = (typeof SERVICES)[number];
export const CLUSTERS = ['anak', 'disabilitas', 'lansia', 'napza', 'tuna_sosial'] as const;
export type Cluster = (typeof CLUSTERS)[number];

/** `children`: under 18, any sex (a child with no adult of their own household in the unit stays only here). */
export const UNIT_ADMITS = ['any', 'male', 'female', 'family', 'children'] as const;
export type UnitAdmits = (typeof UNIT_ADMITS)[number];
export const UNIT_FEATURES = ['accessible', 'maternity', 'crib', 'elderly'] as const;
export type UnitFeature = (typeof UNIT_FEATURES)[number];
export const UNIT_STATUSES = ['AVAILABLE', 'BLOCKED', 'CLOSED'] as const;
export type UnitStatus = (typeof UNIT_STATUSES)[number];

export const facilities = sqliteTable(
  'facilities',
  {
    id: id(),
    code: text('code').notNull().unique(),
    kind: text('kind', { enum: FACILITY_KINDS }).notNull(),
    name: text('name').notNull(),
    wilayahCode: requiredRef('wilayah_code', () => wilayah.code),
    address: text('address').notNull().default(''),
    lat: real('lat'),
    lng: real('lng'),
    contactName: text('contact_name').notNull().default(''),
    contactPhone: text('contact_phone').notNull().default(''),
    operator: text('operator').notNull().default(''),
    status: text('status', { enum: FACILITY_STATUSES }).notNull().default('STANDBY'),
    statusChangedAt: text('status_changed_at'),
    statusChangedBy: text('status_changed_by'),
    services: text('services', { mode: 'json' }).$type<Service[]>().notNull().default([]),
    clusters: text('clusters', { mode: 'json' }).$type<Cluster[]>().notNull().default([]),
    /** Kept off shared displays and out of sight of roles that need not know where it is. */
    protected: integer('protected', { mode: 'boolean' }).notNull().default(false),
    isDemo: integer('is_demo', { mode: 'boolean' }).notNull().default(false),
    createdAt: createdAt(),
    updatedAt: text('updated_at').notNull(),
    /** Optimistic concurrency for edits ("record changed" → 409). */
    version: integer('version').notNull().default(1),
    /**
     * The occupancy version of the last change to what the occupancy model reads of this row, set by
     * the triggers that raise `occupancy_version` (db/migrations 0014, db/migrations-pg 0012): an
     * instance holding the model at version v re-reads only rows with `change_version > v`
     * (src/domain/occupancy/cache.ts). Code reads it, never writes it.
     */
    changeVersion: integer('change_version').notNull().default(0),
  },
  (t) => [index('facilities_wilayah_idx').on(t.wilayahCode), index('facilities_kind_idx').on(t.kind), index('facilities_change_version_idx').on(t.changeVersion)],
);

export const units = sqliteTable(
  'units',
  {
    id: id(),
    facilityId: requiredRef('facility_id', () => facilities.id),
    name: text('name').notNull(),
    capacity: integer('capacity').notNull(),
    /** Places taken out of use inside an AVAILABLE unit (a broken bed, a leak), with a reason. */
    blocked: integer('blocked').notNull().default(0),
    blockReason: text('block_reason'),
    admits: text('admits', { enum: UNIT_ADMITS }).notNull().default('any'),
    features: text('features', { mode: 'json' }).$type<UnitFeature[]>().notNull().default([]),
    /** BLOCKED takes the whole unit out of use (with a reason); CLOSED removes it from capacity. */
    status: text('status', { enum: UNIT_STATUSES }).notNull().default('AVAILABLE'),
    statusReason: text('status_reason'),
    /** Bed label scheme where beds are named, e.g. "M-{n}" gives M-1 … M-capacity. */
    bedLabelPattern: text('bed_label_pattern'),
    sortOrder: integer('sort_order').notNull().default(0),
    createdAt: createdAt(),
    version: integer('version').notNull().default(1),
    /**
     * Open stays in the unit, and places held by open referrals to it (PROPOSED,
     * ACCEPTED, IN_TRANSIT). Kept by database triggers on stays and referrals in
     * the transaction that changes them (db/migrations 0006, db/migrations-pg
     * 0004), so no code path can forget them: code reads them, never writes them.
     * `verifyOccupancyCounters` (src/domain/occupancy) recounts them.
     */
    occupied: integer('occupied').notNull().default(0),
    held: integer('held').notNull().default(0),
    /** As `facilities.change_version`: the occupancy version of the last change to this unit's figures (its counters included). */
    changeVersion: integer('change_version').notNull().default(0),
  },
  (t) => [index('units_facility_idx').on(t.facilityId), index('units_change_version_idx').on(t.changeVersion)],
);

/**
 * One row (id 1) whose `version` the same triggers raise on every change to
 * stays, referrals, units or facilities that can change occupancy: a reader
 * learns in one tiny query whether the figures it served are still current,
 * on any instance (GET /api/v1/occupancy's ETag, src/domain/occupancy/cache.ts).
 */
export const occupancyVersions = sqliteTable('occupancy_version', {
  id: integer('id').primaryKey(),
  version: integer('version').notNull().default(0),
  /**
   * Raised when units or facilities are added or removed, or when what orders them changes (a
   * facility's area, kind or name; a unit's facility, sort order or name): the one case where an
   * instance's occupancy model is read again whole rather than patched by `change_version`.
   */
  structure: integer('structure').notNull().default(0),
});

/** History of every capacity, block and status change of a unit: who, when, from, to, why. */
export const unitChanges = sqliteTable(
  'unit_changes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    unitId: requiredRef('unit_id', () => units.id),
    at: text('at').notNull(),
    byUserId: text('by_user_id'),
    field: text('field', { enum: ['capacity', 'blocked', 'status', 'created'] }).notNull(),
    fromValue: text('from_value'),
    toValue: text('to_value'),
    reason: text('reason'),
  },
  (t) => [index('unit_changes_unit_idx').on(t.unitId, t.at)],
);
