import { describe, expect, it } from 'vitest';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { databaseUnavailable } from '../../src/domain/system/health.ts';

/**
 * The one rule that tells "the database cannot take a write now" (answered 503 with Retry-After, and /readyz
 * 503) from every other failure (a 500, a bug to fix). The real engines are exercised in
 * tests/integration/disk-full.test.ts (a full tmpfs) and telemetry.test.ts (read-only SQLite and PostgreSQL);
 * here every kind it names, and what it must not swallow.
 */
const err = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('databaseUnavailable', () => {
  it('names a full, read-only or unreachable database by its code and first line', () => {
    expect(databaseUnavailable(err('SQLITE_FULL', 'database or disk is full'))).toBe('SQLITE_FULL: database or disk is full');
    expect(databaseUnavailable(err('SQLITE_READONLY_DBMOVED'))).toMatch(/^SQLITE_READONLY_DBMOVED/);
    expect(databaseUnavailable(err('SQLITE_IOERR_WRITE'))).toMatch(/^SQLITE_IOERR_WRITE/);
    expect(databaseUnavailable(err('25006', 'cannot execute INSERT in a read-only transaction'))).toBe('25006: cannot execute INSERT in a read-only transaction');
    expect(databaseUnavailable(err('53100', 'could not extend file: No space left on device\nHINT: …'))).toBe('53100: could not extend file: No space left on device');
    for (const code of ['57P01', '57P03', '08006', '53300', 'ECONNREFUSED', 'ECONNRESET']) expect(databaseUnavailable(err(code))).not.toBeNull();
    expect(databaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe('Connection terminated unexpectedly');
  });

  it('looks through the wrapper drizzle puts around the driver error', () => {
    const wrapped = new DrizzleQueryError('insert into persons …', [], err('SQLITE_FULL', 'database or disk is full'));
    expect(databaseUnavailable(wrapped)).toBe('SQLITE_FULL: database or disk is full');
  });

  it('leaves every other failure alone: constraints, syntax, bugs', () => {
    for (const e of [err('SQLITE_CONSTRAINT_UNIQUE'), err('23505'), err('42P01'), err('SQLITE_ERROR'), new TypeError('x is undefined'), 'a string', null, undefined]) {
      expect(databaseUnavailable(e)).toBeNull();
    }
  });
});
