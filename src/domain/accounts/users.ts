import { z } from 'zod';
import { eq, asc } from 'drizzle-orm';
import { write, type Db } from '../../db/client.ts';
import { users, sessions, ROLES, CLUSTERS, type Role } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { audit } from '../audit.ts';
import { invalidField, notFound, DomainError } from '../errors.ts';
import { parseInput, optionalText } from '../validate.ts';
import { hashPassword, generatePassword, verifyPassword } from '../../lib/passwords.ts';
import { newId } from '../../lib/ids.ts';
import { nowIso } from '../../lib/time.ts';
import { resolveBinding } from './binding.ts';
import { hubFor } from '../events.ts';
import type { LoginLimiter } from './login.ts';

export const CreateUserInput = z.object({
  username: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim().toLowerCase() : v),
    z.string({ error: 'field.required' }).regex(/^[a-z0-9._-]{3,40}$/, 'admin.username_format'),
  ),
  role: z.enum(ROLES, { error: 'field.required' }),
  display_name: optionalText(120),
  staff_number: optionalText(40),
  facility: optionalText(80),
  wilayah: optionalText(10),
  /** A pendamping works one cluster; other roles have none. */
  cluster: z.preprocess((v) => (v === '' ? undefined : v), z.enum(CLUSTERS, { error: 'cases.cluster_invalid' }).optional()),
})
  .refine((v) => v.role !== 'pendamping' || v.cluster, { path: ['cluster'], message: 'cases.cluster_required' })
  .refine((v) => v.role === 'pendamping' || !v.cluster, { path: ['cluster'], message: 'cases.cluster_only_pendamping' });
export type CreateUserInput = z.infer<typeof CreateUserInput>;

export interface CreatedUser {
  id: string;
  username: string;
  role: Role;
  /** Shown once to the admin who created the account. */
  password: string;
}

/**
 * Adds an account with a one-time password (the hash is computed before the
 * write transaction, which stays synchronous).
 */
export async function createUser(args: {
  db: Db;
  actor: Actor;
  input: unknown;
  password?: string;
  isDemo?: boolean;
  mustChangePassword?: boolean;
}): Promise<CreatedUser> {
  const input = parseInput(CreateUserInput, args.input, args.actor.lang);
  const password = args.password ?? generatePassword();
  const passwordHash = await hashPassword(password);
  return await write(args.db, async (tx) => {
    if (await tx.select({ id: users.id }).from(users).where(eq(users.username, input.username)).get()) {
      throw invalidField('username', 'admin.username_taken');
    }
    const binding = await resolveBinding(tx, input.role, input.facility, input.wilayah);
    const id = newId();
    await tx.insert(users)
      .values({
        id,
        username: input.username,
        displayName: input.display_name ?? '',
        staffNumber: input.staff_number ?? '',
        passwordHash,
        role: input.role,
        facilityId: binding.facilityId,
        wilayahCode: binding.wilayahCode,
        cluster: input.cluster ?? null,
        mustChangePassword: args.mustChangePassword ?? !args.password,
        isDemo: args.isDemo ?? false,
        createdAt: nowIso(),
      })
      .run();
    await audit(tx, args.actor, {
      action: 'user.create',
      entity: 'user',
      entityId: id,
      detail: { username: input.username, role: input.role, ...binding, ...(input.cluster ? { cluster: input.cluster } : {}) },
    });
    return { id, username: input.username, role: input.role, password };
  });
}

export async function listUsers(db: Db) {
  return await db.select().from(users).orderBy(asc(users.username)).all();
}

/** Disabling ends every session of the account at once. */
export async function setUserDisabled(args: { db: Db; actor: Actor; userId: string; disabled: boolean }) {
  const changed = await write(args.db, async (tx) => {
    const user = await tx.select().from(users).where(eq(users.id, args.userId)).get();
    if (!user) throw notFound();
    if (args.disabled && user.id === args.actor.id) throw new DomainError('CONFLICT', 'admin.cannot_disable_self');
    await tx.update(users)
      .set({ disabledAt: args.disabled ? nowIso() : null })
      .where(eq(users.id, user.id))
      .run();
    if (args.disabled) await tx.delete(sessions).where(eq(sessions.userId, user.id)).run();
    await audit(tx, args.actor, { action: args.disabled ? 'user.disable' : 'user.enable', entity: 'user', entityId: user.id });
    return user;
  });
  // After commit: the account's open sockets re-check their credentials and close (1008).
  if (args.disabled) hubFor(args.db).publish({ type: 'access' });
  return changed;
}

/** A new one-time password; the account's sessions end. */
export async function resetPassword(args: { db: Db; actor: Actor; userId: string }) {
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  const user = await write(args.db, async (tx) => {
    const user = await tx.select().from(users).where(eq(users.id, args.userId)).get();
    if (!user) throw notFound();
    await tx.update(users).set({ passwordHash, mustChangePassword: true }).where(eq(users.id, user.id)).run();
    await tx.delete(sessions).where(eq(sessions.userId, user.id)).run();
    await audit(tx, args.actor, { action: 'user.reset_password', entity: 'user', entityId: user.id });
    return user;
  });
  hubFor(args.db).publish({ type: 'access' });
  return { username: user.username, password };
}

export const ChangePasswordInput = z
  .object({
    current: z.string({ error: 'field.required' }).min(1, 'field.required'),
    password: z.string({ error: 'field.required' }).min(10, 'password.too_short').max(200, 'field.too_long'),
    confirm: z.string({ error: 'field.required' }),
  })
  .refine((v) => v.password === v.confirm, { path: ['confirm'], error: 'password.mismatch' });

/**
 * Changes the signed-in user's password. The current password is a password
 * guess like any other: it is checked under the sign-in limits (the same
 * LoginLimiter, the same keys: this account and this address), so wrong
 * guesses here and at /login count together and lock both alike.
 */
export async function changePassword(args: { db: Db; actor: Actor; input: unknown; keepSessionHash: string; limiter: LoginLimiter }) {
  const input = parseInput(ChangePasswordInput, args.input, args.actor.lang);
  const user = await args.db.select().from(users).where(eq(users.id, args.actor.id ?? '')).get();
  if (!user) throw notFound();
  const attempt = await args.limiter.begin(args.db, args.limiter.keysFor(user.username, args.actor.ip));
  if ('lockedMinutes' in attempt) throw new DomainError('RATE_LIMITED', 'login.locked', { minutes: attempt.lockedMinutes });
  let ok: boolean | null;
  try {
    ok = await args.limiter.check(async () => await verifyPassword(input.current, user.passwordHash));
  } catch (err) {
    await args.limiter.release(args.db, attempt).catch(() => undefined);
    throw err;
  }
  if (ok === null) {
    await args.limiter.release(args.db, attempt);
    throw new DomainError('RATE_LIMITED', 'login.locked', { minutes: 1 });
  }
  if (!ok) {
    await args.limiter.fail(args.db, attempt);
    throw invalidField('current', 'password.wrong_current');
  }
  const passwordHash = await hashPassword(input.password);
  await write(args.db, async (tx) => {
    await args.limiter.succeed(tx, attempt);
    await tx.update(users).set({ passwordHash, mustChangePassword: false }).where(eq(users.id, user.id)).run();
    // Other devices signed in with the old password are signed out.
    for (const s of await tx.select({ idHash: sessions.idHash }).from(sessions).where(eq(sessions.userId, user.id)).all()) {
      if (s.idHash !== args.keepSessionHash) await tx.delete(sessions).where(eq(sessions.idHash, s.idHash)).run();
    }
    await audit(tx, args.actor, { action: 'user.change_password', entity: 'user', entityId: user.id });
  });
  hubFor(args.db).publish({ type: 'access' });
}
