import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { users } from '../../db/schema/index.ts';
import { verifyPassword, DUMMY_HASH } from '../../lib/passwords.ts';
import { DomainError } from '../errors.ts';
import { audit } from '../audit.ts';
import { write } from '../../db/client.ts';
import type { Actor } from '../actor.ts';

/**
 * Failed-login limits: 10 failures a minute for one account, 30 for one
 * address (a shelter's tablets share one), then refused for 5 minutes. Kept
 * in memory: one server process owns the SQLite file.
 *
 * An attempt is counted when it starts, before the slow password check, and
 * given back only when it succeeds: a hundred concurrent guesses for one
 * account reach the check ten times, and the rest are refused at once.
 */
export const LOGIN_LIMITS = { perAccount: 10, perAddress: 30, windowMs: 60_000, lockMs: 5 * 60_000 };

interface Bucket {
  attempts: number[];
  lockedUntil: number;
}

export interface LimitKey {
  key: string;
  limit: number;
}

/** An attempt under way: its place in each bucket, to keep (failure) or give back (success). */
export interface Attempt {
  keys: LimitKey[];
  at: number;
}

/**
 * Password checks run on libuv's small thread pool (scrypt, ~50 ms and 32 MiB
 * each). At most this many run at once and this many more wait; beyond that a
 * sign-in is told to try again, so a flood of guesses from many addresses
 * cannot hold the pool (and the database's and files' work on it) for long.
 */
export const PASSWORD_CHECKS = { running: 2, waiting: 64 };

class Gate {
  private running = 0;
  private readonly queue: (() => void)[] = [];
  constructor(private readonly limits: { running: number; waiting: number }) {}
  async run<T>(work: () => Promise<T>): Promise<T | null> {
    if (this.running >= this.limits.running) {
      if (this.queue.length >= this.limits.waiting) return null;
      await new Promise<void>((resolve) => this.queue.push(resolve));
    } else {
      this.running++;
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

export class LoginLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly gate: Gate;
  constructor(
    private readonly limits = LOGIN_LIMITS,
    checks = PASSWORD_CHECKS,
  ) {
    this.gate = new Gate(checks);
  }

  /** Runs a password check through the bounded gate; null when too many are already waiting. */
  async check<T>(work: () => Promise<T>): Promise<T | null> {
    return await this.gate.run(work);
  }

  private bucket(key: string, now: number): Bucket {
    let b = this.buckets.get(key);
    if (!b) this.buckets.set(key, (b = { attempts: [], lockedUntil: 0 }));
    b.attempts = b.attempts.filter((t) => t > now - this.limits.windowMs);
    return b;
  }

  /** Minutes left on a lock for any of these keys, or 0. */
  lockedMinutes(keys: LimitKey[], now = Date.now()): number {
    let until = 0;
    for (const { key } of keys) until = Math.max(until, this.buckets.get(key)?.lockedUntil ?? 0);
    return until > now ? Math.ceil((until - now) / 60_000) : 0;
  }

  /**
   * Reserves an attempt in every bucket, synchronously (no await between the
   * check and the count), or returns the minutes to wait when any bucket is
   * locked or already holds its limit of attempts (finished or under way).
   */
  begin(keys: LimitKey[], now = Date.now()): Attempt | { lockedMinutes: number } {
    const locked = this.lockedMinutes(keys, now);
    if (locked > 0) return { lockedMinutes: locked };
    for (const { key, limit } of keys) {
      if (this.bucket(key, now).attempts.length >= limit) return { lockedMinutes: Math.ceil(this.limits.windowMs / 60_000) };
    }
    for (const { key } of keys) this.bucket(key, now).attempts.push(now);
    if (this.buckets.size > 50_000) this.sweep(now);
    return { keys, at: now };
  }

  /** A failed attempt stays counted; a bucket that reached its limit locks. */
  fail(attempt: Attempt, now = Date.now()): void {
    for (const { key, limit } of attempt.keys) {
      const b = this.bucket(key, now);
      if (b.attempts.length >= limit) b.lockedUntil = now + this.limits.lockMs;
    }
  }

  /** A success clears the account's failures and gives the address its attempt back. */
  succeed(attempt: Attempt, now = Date.now()): void {
    this.release(attempt, now);
    const account = attempt.keys[0];
    if (account) this.buckets.delete(account.key);
  }

  /** Gives an attempt back to every bucket (it was never checked). */
  release(attempt: Attempt, now = Date.now()): void {
    for (const { key } of attempt.keys) {
      const b = this.bucket(key, now);
      const i = b.attempts.indexOf(attempt.at);
      if (i >= 0) b.attempts.splice(i, 1);
    }
  }

  private sweep(now: number): void {
    for (const [k, b] of this.buckets) {
      if (b.lockedUntil < now && b.attempts.every((t) => t < now - this.limits.windowMs)) this.buckets.delete(k);
    }
  }

  keysFor(username: string, ip: string | null): LimitKey[] {
    return [
      { key: `u:${username.trim().toLowerCase()}`, limit: this.limits.perAccount },
      { key: `ip:${ip ?? '-'}`, limit: this.limits.perAddress },
    ];
  }
}


/**
 * Checks a username and password. Every failure says the same thing, and an
 * unknown user costs the same scrypt work as a known one.
 */
export async function authenticate(args: {
  db: Db;
  limiter: LoginLimiter;
  username: string;
  password: string;
  ip: string | null;
  actor: Actor;
}) {
  const attempt = args.limiter.begin(args.limiter.keysFor(args.username, args.ip));
  if ('lockedMinutes' in attempt) throw new DomainError('RATE_LIMITED', 'login.locked', { minutes: attempt.lockedMinutes });
  const username = args.username.trim().toLowerCase();
  const user = username ? await args.db.select().from(users).where(eq(users.username, username)).get() : undefined;
  const ok = await args.limiter.check(async () => await verifyPassword(args.password, user?.passwordHash ?? DUMMY_HASH));
  if (ok === null) {
    // Too many checks waiting: this attempt is given back, not counted against the person.
    args.limiter.release(attempt);
    throw new DomainError('RATE_LIMITED', 'login.locked', { minutes: 1 });
  }
  if (!user || !ok || user.disabledAt) {
    args.limiter.fail(attempt);
    await write(args.db, async (tx) =>
      await audit(tx, { ...args.actor, label: username || '-' }, { action: 'login.fail', entity: 'user', entityId: user?.id ?? null }),
    );
    throw new DomainError('UNAUTHENTICATED', 'login.failed');
  }
  args.limiter.succeed(attempt);
  await write(args.db, async (tx) => await audit(tx, { ...args.actor, type: 'user', id: user.id, label: user.username }, { action: 'login', entity: 'user', entityId: user.id }));
  return user;
}
