import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import { id, createdAt, requiredRef } from './common.ts';
import { facilities } from './facilities.ts';
import { wilayah } from './reference.ts';
import type { Cluster } from './facilities.ts';

export const ROLES = ['admin', 'command', 'manager', 'intake', 'satpol', 'display', 'pendamping'] as const;
export type Role = (typeof ROLES)[number];

export const users = sqliteTable('users', {
  id: id(),
  username: text('username').notNull().unique(),
  displayName: text('display_name').notNull().default(''),
  /** scrypt$N$r$p$salt$hash (node:crypto). */
  passwordHash: text('password_hash').notNull(),
  role: text('role', { enum: ROLES }).notNull(),
  facilityId: text('facility_id').references(() => facilities.id),
  wilayahCode: text('wilayah_code').references(() => wilayah.code),
  /** A pendamping's rehabilitation cluster (anak, disabilitas, lansia, napza, tuna_sosial). */
  cluster: text('cluster').$type<Cluster>(),
  /** NIP or other staff number printed on a BAST. */
  staffNumber: text('staff_number').notNull().default(''),
  lang: text('lang', { enum: ['id', 'en'] }).notNull().default('id'),
  disabledAt: text('disabled_at'),
  mustChangePassword: integer('must_change_password', { mode: 'boolean' }).notNull().default(false),
  isDemo: integer('is_demo', { mode: 'boolean' }).notNull().default(false),
  createdAt: createdAt(),
});

/** Server-side sessions; the cookie carries a random id, the table keeps only its hash. */
export const sessions = sqliteTable(
  'sessions',
  {
    idHash: text('id_hash').primaryKey(),
    userId: requiredRef('user_id', () => users.id),
    csrfToken: text('csrf_token').notNull(),
    createdAt: createdAt(),
    lastSeenAt: text('last_seen_at').notNull(),
    expiresAt: text('expires_at').notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

export const apiTokens = sqliteTable('api_tokens', {
  id: id(),
  name: text('name').notNull(),
  /** sha256 of the token; the token itself is shown once. */
  tokenHash: text('token_hash').notNull().unique(),
  /** First characters of the token, to recognise it in lists. */
  prefix: text('prefix').notNull(),
  role: text('role', { enum: ROLES }).notNull(),
  facilityId: text('facility_id').references(() => facilities.id),
  wilayahCode: text('wilayah_code').references(() => wilayah.code),
  /** A pendamping token works for this pendamping account: its cases are the account's. */
  userId: text('user_id').references(() => users.id),
  createdAt: createdAt(),
  createdBy: text('created_by'),
  revokedAt: text('revoked_at'),
  lastUsedAt: text('last_used_at'),
});
