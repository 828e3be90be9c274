import { sqliteTable, text, index, primaryKey } from 'drizzle-orm/sqlite-core';
import { createdAt, id } from './common.ts';

/**
 * State several app instances behind one proxy must share (issue 17): kept in
 * the database, not in a process.
 */

/**
 * Failed-login limits: one row per sign-in attempt per limit it counts against
 * (the account, the address), written when the attempt starts and removed when
 * it succeeds or is given back. `key_hash` is sha256 of "u:<username>" or
 * "ip:<address>", so a long or mistyped username (a password typed in the wrong
 * field) is not kept. Rows older than the window are pruned.
 */
export const loginAttempts = sqliteTable(
  'login_attempts',
  {
    attemptId: text('attempt_id').notNull(),
    keyHash: text('key_hash').notNull(),
    at: text('at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.attemptId, t.keyHash] }),
    index('login_attempts_key_at_idx').on(t.keyHash, t.at),
    index('login_attempts_at_idx').on(t.at),
  ],
);

/** An account or address that reached its limit, refused until `locked_until`. */
export const loginLocks = sqliteTable(
  'login_locks',
  {
    keyHash: text('key_hash').primaryKey(),
    lockedUntil: text('locked_until').notNull(),
  },
  (t) => [index('login_locks_until_idx').on(t.lockedUntil)],
);

/**
 * One-time messages waiting for the next full page of a session: the messages
 * of one request, encrypted (AES-256-GCM, key derived from the session secret,
 * the session's id hash as associated data), because some carry a one-time
 * password or an API token. Deleted when shown; expire after five minutes.
 * Read in insertion order (`rowid`: SQLite's own, PostgreSQL's derived column).
 */
export const flashMessages = sqliteTable(
  'flash_messages',
  {
    id: id(),
    sessionHash: text('session_hash').notNull(),
    payload: text('payload').notNull(),
    createdAt: createdAt(),
    expiresAt: text('expires_at').notNull(),
  },
  (t) => [index('flash_messages_session_idx').on(t.sessionHash, t.expiresAt), index('flash_messages_expires_idx').on(t.expiresAt)],
);
