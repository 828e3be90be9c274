import { eq, lt, or } from 'drizzle-orm';
import { write, type Db } from '../../db/client.ts';
import { sessions, users, type Role } from '../../db/schema/index.ts';
import { newSecret } from '../../lib/ids.ts';
import { sha256 } from '../../lib/passwords.ts';
import { nowIso } from '../../lib/time.ts';
import { hubFor } from '../events.ts';

/**
 * Session lifetimes. A tablet at a desk is signed out after a shift of idleness;
 * a wall display runs for weeks without anyone at it.
 */
export const SESSION_LIFETIMES: Record<'default' | 'display', { idleMs: number; absoluteMs: number }> = {
  default: { idleMs: 8 * 3600_000, absoluteMs: 24 * 3600_000 },
  display: { idleMs: 7 * 24 * 3600_000, absoluteMs: 90 * 24 * 3600_000 },
};
const TOUCH_EVERY_MS = 60_000;

function lifetimeFor(role: Role) {
  return role === 'display' ? SESSION_LIFETIMES.display : SESSION_LIFETIMES.default;
}

export interface NewSession {
  token: string;
  idHash: string;
  csrfToken: string;
}

/** A fresh session (a new id at every login, so a planted id is worthless). */
export async function createSession(db: Db, userId: string, role: Role, ip: string | null, userAgent: string | null): Promise<NewSession> {
  const token = newSecret(32);
  const idHash = sha256(token);
  const csrfToken = newSecret(24);
  const now = Date.now();
  await write(db, async (tx) =>
    await tx
      .insert(sessions)
      .values({
        idHash,
        userId,
        csrfToken,
        createdAt: new Date(now).toISOString(),
        lastSeenAt: new Date(now).toISOString(),
        expiresAt: new Date(now + lifetimeFor(role).absoluteMs).toISOString(),
        ip,
        userAgent: userAgent?.slice(0, 200) ?? null,
      })
      .run(),
  );
  return { token, idHash, csrfToken };
}

export type SessionUser = typeof users.$inferSelect;

/** The session behind a cookie value, or null when absent, expired, idle too long or disabled. */
export async function resolveSession(db: Db, token: string): Promise<{ user: SessionUser; idHash: string; csrfToken: string } | null> {
  const idHash = sha256(token);
  const row = await db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.idHash, idHash))
    .get();
  if (!row) return null;
  const now = Date.now();
  const lastSeen = Date.parse(row.session.lastSeenAt);
  if (!sessionUsable(row.user, row.session, now)) {
    await write(db, async (tx) => await tx.delete(sessions).where(eq(sessions.idHash, idHash)).run());
    return null;
  }
  if (now - lastSeen > TOUCH_EVERY_MS) {
    await write(db, async (tx) => await tx.update(sessions).set({ lastSeenAt: new Date(now).toISOString() }).where(eq(sessions.idHash, idHash)).run());
  }
  return { user: row.user, idHash, csrfToken: row.session.csrfToken };
}

/** The one rule of a session's life: the account is enabled, and neither the absolute nor the idle lifetime has passed. */
function sessionUsable(
  user: { role: Role; disabledAt: string | null },
  session: { expiresAt: string; lastSeenAt: string },
  now: number,
): boolean {
  const { idleMs } = lifetimeFor(user.role);
  return !user.disabledAt && Date.parse(session.expiresAt) > now && Date.parse(session.lastSeenAt) + idleMs > now;
}

/**
 * May a socket opened with this session still be sent anything? The same rule
 * as a request's, read from the database (so it holds across instances), with
 * no side effect; a one-time password that must be changed opens no socket.
 */
export async function sessionIsLive(db: Db, idHash: string, now = Date.now()): Promise<boolean> {
  const row = await db
    .select({
      role: users.role,
      disabledAt: users.disabledAt,
      mustChangePassword: users.mustChangePassword,
      expiresAt: sessions.expiresAt,
      lastSeenAt: sessions.lastSeenAt,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.idHash, idHash))
    .get();
  return !!row && !row.mustChangePassword && sessionUsable(row, row, now);
}

/** Ends a session (logout). Its sockets close at once in this process and at their next message anywhere. */
export async function endSession(db: Db, idHash: string): Promise<void> {
  await write(db, async (tx) => await tx.delete(sessions).where(eq(sessions.idHash, idHash)).run());
  hubFor(db).publish({ type: 'access' });
}

/** Housekeeping: remove sessions past their absolute lifetime. */
export async function purgeExpiredSessions(db: Db): Promise<number> {
  return await write(db, async (tx) => (await tx.delete(sessions).where(or(lt(sessions.expiresAt, nowIso()))).run()).changes);
}
