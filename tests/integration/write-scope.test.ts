import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { write, type Db } from '../../src/db/client.ts';
import { lockStatements, nameLockKey, WRITE_LOCK_KEY } from '../../src/db/postgres.ts';
import { TEST_ENGINE, openTestDatabase } from '../helpers/app.ts';
import { placementWrite, requireLocked } from '../../src/domain/stays/locks.ts';

/**
 * A write names what it touches (db/engine.ts WriteScope) or holds the whole
 * database; a write inside a write joins it and may not ask for more than the
 * outer one locked, on either engine: a mistake is an error at once, never a
 * write running without the lock it needs.
 */
describe(`write scopes on ${TEST_ENGINE}`, () => {
  let db: Db;
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(async () => db.$engine.close());

  it('lets a write inside a scoped write join it for names the outer one holds, and refuses more', async () => {
    await write(db, async () => {
      expect(await write(db, async (tx) => (await tx.get<{ n: number }>(sql`select 1 as n`))!.n, { locks: ['facility:a'] })).toBe(1);
      await expect(write(db, async () => 1, { locks: ['facility:b'] })).rejects.toThrow(/facility:b/);
      await expect(write(db, async () => 1)).rejects.toThrow(/the whole database/);
    }, { locks: ['facility:a', 'person:p'] });
    // Inside a write of the whole database, any write joins.
    expect(await write(db, async () => await write(db, async () => 2, { locks: ['facility:z'] }))).toBe(2);
  });

  it('runs a placement write again with its names read anew when it finds it touches one it did not lock', async () => {
    // The first reading misses the household (it changed between the reading and the lock); the second has it.
    const readings = [['facility:a', 'person:p'], ['facility:a', 'person:p', 'household:h']];
    let runs = 0;
    const result = await placementWrite(db, async () => readings[Math.min(runs, 1)]!, async () => {
      runs++;
      requireLocked(db, ['household:h']);
      return 'placed';
    });
    expect(result).toBe('placed');
    expect(runs).toBe(2);
    // Never more than three tries: a name that can never be locked is an error, not a loop.
    await expect(placementWrite(db, async () => ['facility:a'], async () => requireLocked(db, ['household:never']))).rejects.toThrow(/did not lock/);
  });

  it('takes each name once, in one order, apart from the write lock (PostgreSQL)', () => {
    const keys = ['person:p', 'facility:a', 'facility:a', 'household:h'].map(nameLockKey);
    const statements = lockStatements({ locks: ['person:p', 'facility:a', 'facility:a', 'household:h'] });
    const taken = [...statements.matchAll(/pg_advisory_xact_lock\((\d+), (-?\d+)\)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(taken.map(([cls]) => cls)).toEqual([WRITE_LOCK_KEY, WRITE_LOCK_KEY, WRITE_LOCK_KEY]);
    expect(taken.map(([, k]) => k)).toEqual([...new Set(keys)].sort((x, y) => x - y));
    expect(statements).toContain(`pg_advisory_xact_lock_shared(${WRITE_LOCK_KEY})`);
    expect(lockStatements(undefined)).toBe(`BEGIN; SELECT pg_advisory_xact_lock(${WRITE_LOCK_KEY})`);
  });
});
