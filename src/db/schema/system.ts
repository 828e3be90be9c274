import { sqliteTable, text, integer, index, primaryKey } from 'drizzle-orm/sqlite-core';
import { id } from './common.ts';

/** Append-only (triggers refuse UPDATE and DELETE); written in the same transaction as the change. */
export const auditEvents = sqliteTable(
  'audit_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: text('at').notNull(),
    actorType: text('actor_type', { enum: ['user', 'token', 'system'] }).notNull(),
    actorId: text('actor_id'),
    actorLabel: text('actor_label').notNull(),
    action: text('action').notNull(),
    entity: text('entity').notNull(),
    entityId: text('entity_id'),
    ip: text('ip'),
    detail: text('detail', { mode: 'json' }).$type<Record<string, unknown>>(),
  },
  (t) => [index('audit_entity_idx').on(t.entity, t.entityId), index('audit_at_idx').on(t.at)],
);

/** A repeated POST with the same key from the same actor returns the stored answer. */
export const idempotencyKeys = sqliteTable(
  'idempotency_keys',
  {
    actorKey: text('actor_key').notNull(),
    key: text('key').notNull(),
    method: text('method').notNull(),
    path: text('path').notNull(),
    /** sha256 of the request body without its CSRF token and key: the same key with another body is refused. */
    requestHash: text('request_hash').notNull().default(''),
    statusCode: integer('status_code').notNull(),
    contentType: text('content_type'),
    location: text('location'),
    body: text('body').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.actorKey, t.key] }), index('idempotency_created_idx').on(t.createdAt)],
);

export const ALERT_KINDS = [
  'nearly_full',
  'overflow',
  'nothing_fits',
  'handoff_overdue',
  'referral_refused_twice',
  'referral_expired',
  'referral_not_arrived',
  'child_left',
  'child_with_adults',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** Things the command centre must know and act on. */
export const alerts = sqliteTable(
  'alerts',
  {
    id: id(),
    kind: text('kind', { enum: ALERT_KINDS }).notNull(),
    facilityId: text('facility_id'),
    subjectType: text('subject_type'),
    subjectId: text('subject_id'),
    message: text('message').notNull(),
    detail: text('detail', { mode: 'json' }).$type<Record<string, unknown>>(),
    raisedAt: text('raised_at').notNull(),
    resolvedAt: text('resolved_at'),
    resolvedBy: text('resolved_by'),
    /** What was done, when an alert is settled by hand (looking at it never settles it). */
    resolvedNote: text('resolved_note'),
  },
  (t) => [index('alerts_open_idx').on(t.resolvedAt, t.raisedAt)],
);

/** Occupancy sampled over time, for the 24-hour sparklines. */
export const occupancySamples = sqliteTable(
  'occupancy_samples',
  {
    at: text('at').notNull(),
    approach: text('approach', { enum: ['TPS', 'RESIDENTIAL', 'LKS'] }).notNull(),
    occupied: integer('occupied').notNull(),
    usable: integer('usable').notNull(),
  },
  (t) => [primaryKey({ columns: [t.at, t.approach] })],
);

/** Small key/value facts about this database (demo flag, schema notes). */
export const meta = sqliteTable('meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});
