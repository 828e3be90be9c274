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
 */
export const LOGIN_LIMITS = { perAccount: 10, perAddress: 30, windowMs: 60_000, lockMs: 5 * 60_000 };

interface Bucket {
  failures: number[];
  lockedUntil: number;
}

export class LoginLimiter {
  private readonly buckets = new Map<string, Bucket>();
  constructor(private readonly limits = LOGIN_LIMITS) {}

  /** Minutes left on a lock for any of these keys, or 0. */
  lockedMinutes(keys: { key: string; limit: number }[], now = Date.now()): number {
    let until = 0;
    for (const { key } of keys) until = Math.max(until, this.buckets.get(key)?.lockedUntil ?? 0);
    return until > now ? Math.ceil((until - now) / 60_000) : 0;
  }

  fail(keys: { key: string; limit: number }[], now = Date.now()): void {
    for (const { key, limit } of keys) {
      const b = this.buckets.get(key) ?? { failures: [], lockedUntil: 0 };
      b.failures = b.failures.filter((t) => t > now - this.limits.windowMs);
      b.failures.push(now);
      if (b.failures.length >= limit) b.lockedUntil = now + this.limits.lockMs;
      this.buckets.set(key, b);
    }
    if (this.buckets.size > 50_000) this.sweep(now);
  }

  succeed(accountKey: string): void {
    this.buckets.delete(accountKey);
  }

  private sweep(now: number): void {
    for (const [k, b] of this.buckets) {
      if (b.lockedUntil < now && b.failures.every((t) => t < now - this.limits.windowMs)) this.buckets.delete(k);
    }
  }

  keysFor(username: string, ip: string | null) {
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
  const keys = args.limiter.keysFor(args.username, args.ip);
  const locked = args.limiter.lockedMinutes(keys);
  if (locked > 0) throw new DomainError('RATE_LIMITED', 'login.locked', { minutes: locked });
  const username = args.username.trim().toLowerCase();
  const user = username ? args.db.select().from(users).where(eq(users.username, username)).get() : undefined;
  const ok = await verifyPassword(args.password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !ok || user.disabledAt) {
    args.limiter.fail(keys);
    write(args.db, (tx) =>
      audit(tx, { ...args.actor, label: username || '-' }, { action: 'login.fail', entity: 'user', entityId: user?.id ?? null }),
    );
    throw new DomainError('UNAUTHENTICATED', 'login.failed');
  }
  args.limiter.succeed(keys[0]!.key);
  write(args.db, (tx) => audit(tx, { ...args.actor, type: 'user', id: user.id, label: user.username }, { action: 'login', entity: 'user', entityId: user.id }));
  return user;
}
