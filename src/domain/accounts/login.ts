import { and, count, eq, gt, inArray, lte, max, sql } from 'drizzle-orm';
import { write, type Db } from '../../db/client.ts';
import { loginAttempts, loginLocks, users } from '../../db/schema/index.ts';
import { verifyPassword, hashPassword, needsRehash, DUMMY_HASH, sha256 } from '../../lib/passwords.ts';
import { newId } from '../../lib/ids.ts';
import { DomainError } from '../errors.ts';
import { audit } from '../audit.ts';
import type { Actor } from '../actor.ts';

/**
 * Failed-login limits: 10 failures a minute for one account, 30 for one
 * address (a shelter's tablets share one), then refused for 5 minutes. Kept
 * in the database (login_attempts, login_locks), so every instance behind a
 * proxy counts the same attempts: 11 failures spread over two instances lock
 * the account.
 *
 * An attempt is counted when it starts, before the slow password check, and
 * given back only when it succeeds: a hundred concurrent guesses for one
 * account reach the check ten times, and the rest are refused at once. The
 * check and the count are one write (it holds the engine's write lock: SQLite
 * BEGIN IMMEDIATE, PostgreSQL the advisory lock every instance takes), so two
 * instances cannot both take the tenth place.
 */
export const LOGIN_LIMITS = { perAccount: 10, perAddress: 30, windowMs: 60_000, lockMs: 5 * 60_000 };

export interface LimitKey {
  key: string;
  limit: number;
}

/** An attempt under way: its rows (one per limit), to keep (failure) or give back (success). */
export interface Attempt {
  id: string;
  keys: LimitKey[];
  at: number;
}

/**
 * Password checks run on libuv's small thread pool (scrypt, 32 MiB each; a
 * sign-in that re-hashes an old hash does its second scrypt in the same place).
 * At most this many run at once and this many more wait; beyond that a
 * sign-in is told to try again, so a flood of guesses from many addresses
 * cannot hold the pool (and the database's and files' work on it) for long.
 * This gate is per process on purpose: it protects this process's threads.
 */
export const PASSWORD_CHECKS = { running: 2, waiting: 64 };

class Gate {
  private running = 0;
  private readonly queue: (() => void)[] = [];
  /** The most checks ever running and waiting at once (what the bound promises; read by tests). */
  peak = { running: 0, waiting: 0 };
  constructor(private readonly limits: { running: number; waiting: number }) {}
  async run<T>(work: () => Promise<T>): Promise<T | null> {
    if (this.running >= this.limits.running) {
      if (this.queue.length >= this.limits.waiting) return null;
      const waiting = new Promise<void>((resolve) => this.queue.push(resolve));
      this.peak.waiting = Math.max(this.peak.waiting, this.queue.length);
      await waiting;
    } else {
      this.running++;
      this.peak.running = Math.max(this.peak.running, this.running);
    }
    try {
      return await work();
    } finally {
      const next = this.queue.shift();
      if (next) next(); // the place passes straight to the next in line
      else this.running--;
    }
  }
}

/** What a limit key is stored as: a fixed-length hash (a username can be anything a form sends). */
const keyHash = (key: string) => sha256(key);
const iso = (ms: number) => new Date(ms).toISOString();

/** Every this many attempts started in this process, rows of every key past the window are pruned too (housekeeping does it hourly). */
const PRUNE_EVERY = 500;

export class LoginLimiter {
  private readonly gate: Gate;
  private started = 0;
  constructor(
    private readonly limits = LOGIN_LIMITS,
    checks = PASSWORD_CHECKS,
  ) {
    this.gate = new Gate(checks);
  }

  /** The most password checks ever running and waiting at once in this process. */
  get gatePeak(): { running: number; waiting: number } {
    return { ...this.gate.peak };
  }

  /** Runs a password check through the bounded gate; null when too many are already waiting. */
  async check<T>(work: () => Promise<T>): Promise<T | null> {
    return await this.gate.run(work);
  }

  /** Minutes left on a lock for any of these keys, or 0. */
  async lockedMinutes(db: Db, keys: LimitKey[], now = Date.now()): Promise<number> {
    const row = await db
      .select({ until: max(loginLocks.lockedUntil) })
      .from(loginLocks)
      .where(inArray(loginLocks.keyHash, keys.map((k) => keyHash(k.key))))
      .get();
    const until = row?.until ? Date.parse(row.until) : 0;
    return until > now ? Math.ceil((until - now) / 60_000) : 0;
  }

  /**
   * Reserves an attempt against every key in one write (the check and the
   * count cannot interleave with another instance's), or returns the minutes
   * to wait when any key is locked or already holds its limit of attempts
   * (finished or under way).
   */
  async begin(db: Db, keys: LimitKey[], now = Date.now()): Promise<Attempt | { lockedMinutes: number }> {
    const hashes = keys.map((k) => keyHash(k.key));
    const prune = ++this.started % PRUNE_EVERY === 0;
    return await write(db, async (tx) => {
      const locked = await this.lockedMinutes(tx, keys, now);
      if (locked > 0) return { lockedMinutes: locked };
      const counts = await this.counts(tx, hashes, now);
      for (const [i, { limit }] of keys.entries()) {
        if ((counts.get(hashes[i]!) ?? 0) >= limit) return { lockedMinutes: Math.ceil(this.limits.windowMs / 60_000) };
      }
      const id = newId();
      await tx
        .insert(loginAttempts)
        .values(hashes.map((h) => ({ attemptId: id, keyHash: h, at: iso(now) })))
        .run();
      if (prune) await tx.delete(loginAttempts).where(lte(loginAttempts.at, iso(now - this.limits.windowMs))).run();
      return { id, keys, at: now };
    });
  }

  /** Attempts within the window, by key hash. */
  private async counts(tx: Db, hashes: string[], now: number): Promise<Map<string, number>> {
    const rows = await tx
      .select({ key: loginAttempts.keyHash, n: count() })
      .from(loginAttempts)
      .where(and(inArray(loginAttempts.keyHash, hashes), gt(loginAttempts.at, iso(now - this.limits.windowMs))))
      .groupBy(loginAttempts.keyHash)
      .all();
    return new Map(rows.map((r) => [r.key, Number(r.n)]));
  }

  /** A failed attempt stays counted; a key that reached its limit locks. */
  async fail(db: Db, attempt: Attempt, now = Date.now()): Promise<void> {
    await write(db, async (tx) => {
      const hashes = attempt.keys.map((k) => keyHash(k.key));
      const counts = await this.counts(tx, hashes, now);
      for (const [i, { limit }] of attempt.keys.entries()) {
        const h = hashes[i]!;
        if ((counts.get(h) ?? 0) < limit) continue;
        await tx
          .insert(loginLocks)
          .values({ keyHash: h, lockedUntil: iso(now + this.limits.lockMs) })
          .onConflictDoUpdate({ target: loginLocks.keyHash, set: { lockedUntil: sql`excluded.locked_until` } })
          .run();
      }
    });
  }

  /** A success clears the account's failures and gives the address its attempt back. */
  async succeed(db: Db, attempt: Attempt): Promise<void> {
    await write(db, async (tx) => {
      await this.release(tx, attempt);
      const account = attempt.keys[0];
      if (!account) return;
      const h = keyHash(account.key);
      await tx.delete(loginAttempts).where(eq(loginAttempts.keyHash, h)).run();
      await tx.delete(loginLocks).where(eq(loginLocks.keyHash, h)).run();
    });
  }

  /** Gives an attempt back to every key (it was never checked). */
  async release(db: Db, attempt: Attempt): Promise<void> {
    await write(db, async (tx) => await tx.delete(loginAttempts).where(eq(loginAttempts.attemptId, attempt.id)).run());
  }

  keysFor(username: string, ip: string | null): LimitKey[] {
    return [
      { key: `u:${username.trim().toLowerCase()}`, limit: this.limits.perAccount },
      { key: `ip:${ip ?? '-'}`, limit: this.limits.perAddress },
    ];
  }
}

/** Housekeeping: attempts past the window and locks that ended. */
export async function pruneLoginLimits(db: Db, now = Date.now(), limits = LOGIN_LIMITS): Promise<number> {
  return await write(db, async (tx) => {
    const attempts = await tx.delete(loginAttempts).where(lte(loginAttempts.at, iso(now - limits.windowMs))).run();
    const locks = await tx.delete(loginLocks).where(lte(loginLocks.lockedUntil, iso(now))).run();
    return attempts.changes + locks.changes;
  });
}


/**
 * Checks a username and password. Every failure says the same thing, and an
 * unknown user costs the same scrypt work as a known one. A right password
 * whose hash has older scrypt parameters is hashed again at the current ones
 * (in the password-check gate, not under the write lock) and stored in the
 * write that records the success.
 */
export async function authenticate(args: {
  db: Db;
  limiter: LoginLimiter;
  username: string;
  password: string;
  ip: string | null;
  actor: Actor;
}) {
  const attempt = await args.limiter.begin(args.db, args.limiter.keysFor(args.username, args.ip));
  if ('lockedMinutes' in attempt) throw new DomainError('RATE_LIMITED', 'login.locked', { minutes: attempt.lockedMinutes });
  const username = args.username.trim().toLowerCase();
  let user: typeof users.$inferSelect | undefined;
  let checked: { ok: boolean; rehash: string | null } | null;
  try {
    user = username ? await args.db.select().from(users).where(eq(users.username, username)).get() : undefined;
    const found = user;
    checked = await args.limiter.check(async () => {
      const ok = await verifyPassword(args.password, found?.passwordHash ?? DUMMY_HASH);
      const rehash = ok && found && !found.disabledAt && needsRehash(found.passwordHash) ? await hashPassword(args.password) : null;
      return { ok, rehash };
    });
  } catch (err) {
    // Not settled (the database, the pool or a re-hash failed): the attempt is not held against anyone.
    await args.limiter.release(args.db, attempt).catch(() => undefined);
    throw err;
  }
  if (checked === null) {
    // Too many checks waiting: this attempt is given back, not counted against the person.
    await args.limiter.release(args.db, attempt);
    throw new DomainError('RATE_LIMITED', 'login.locked', { minutes: 1 });
  }
  if (!user || !checked.ok || user.disabledAt) {
    await write(args.db, async (tx) => {
      await args.limiter.fail(tx, attempt);
      await audit(tx, { ...args.actor, label: username || '-' }, { action: 'login.fail', entity: 'user', entityId: user?.id ?? null });
    });
    throw new DomainError('UNAUTHENTICATED', 'login.failed');
  }
  const signedIn = user;
  const rehash = checked.rehash;
  await write(args.db, async (tx) => {
    await args.limiter.succeed(tx, attempt);
    // Only over the hash just checked: a password reset or change in the meantime stands.
    if (rehash) await tx.update(users).set({ passwordHash: rehash }).where(and(eq(users.id, signedIn.id), eq(users.passwordHash, signedIn.passwordHash))).run();
    await audit(tx, { ...args.actor, type: 'user', id: signedIn.id, label: signedIn.username }, { action: 'login', entity: 'user', entityId: signedIn.id });
  });
  return signedIn;
}
