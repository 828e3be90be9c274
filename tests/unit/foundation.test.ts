import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseConfig, ConfigError } from '../../src/config.ts';
import { allKeys, translate } from '../../src/i18n/index.ts';
import { hashPassword, verifyPassword, generatePassword, needsRehash, DUMMY_HASH } from '../../src/lib/passwords.ts';
import { LoginLimiter, pruneLoginLimits } from '../../src/domain/accounts/login.ts';
import type { Db } from '../../src/db/client.ts';
import { openTestDatabase } from '../helpers/app.ts';
import { loginAttempts, loginLocks } from '../../src/db/schema/index.ts';
import { VENDORED } from '../../src/cli/vendor.ts';
import { toWib, formatWib } from '../../src/lib/time.ts';
import { newResidentCode } from '../../src/lib/ids.ts';
import { loadLevel } from '../../src/domain/occupancy/compute.ts';

describe('configuration', () => {
  it('has the defaults of INTERFACES.md', () => {
    const c = parseConfig({});
    expect(c).toMatchObject({ PORT: 3000, HOST: '127.0.0.1', DATABASE_PATH: 'data/singgah.db', LOG_LEVEL: 'info', TRUST_PROXY: false });
  });
  it('refuses a bad value with a message naming the variable', () => {
    expect(() => parseConfig({ PORT: 'abc' })).toThrow(ConfigError);
    expect(() => parseConfig({ PORT: '70000' })).toThrow(/PORT: must be 0–65535/);
    expect(() => parseConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
    expect(() => parseConfig({ TRUST_PROXY: 'maybe' })).toThrow(/TRUST_PROXY: must be true, false, a hop count/);
    expect(() => parseConfig({ TRUST_PROXY: '10.0.0.0/33' })).toThrow(/TRUST_PROXY/);
    // Only the configured proxy is trusted: a list of addresses/CIDRs or a hop count, as Fastify's trustProxy takes them.
    expect(parseConfig({ TRUST_PROXY: '10.0.0.2, 192.168.1.0/24,loopback' }).TRUST_PROXY).toEqual(['10.0.0.2', '192.168.1.0/24', 'loopback']);
    expect(parseConfig({ TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1);
    expect(parseConfig({ TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(true);
    expect(() => parseConfig({ SESSION_SECRET: 'short' })).toThrow(/SESSION_SECRET: must be at least 32/);
  });
  it('treats an empty variable as unset', () => {
    expect(parseConfig({ PORT: '' }).PORT).toBe(3000);
  });
});

describe('translations', () => {
  it('every key exists in Bahasa Indonesia and English', () => {
    const { id, en } = allKeys();
    expect(id.filter((k) => !en.includes(k))).toEqual([]);
    expect(en.filter((k) => !id.includes(k))).toEqual([]);
  });
  it('fills placeholders', () => {
    expect(translate('id', 'error.rate_limited', { minutes: 5 })).toBe('Terlalu banyak percobaan. Coba lagi dalam 5 menit.');
    expect(translate('en', 'error.rate_limited', { minutes: 5 })).toBe('Too many attempts. Try again in 5 minutes.');
  });
});

describe('passwords', () => {
  it('hashes with scrypt and verifies only the right password', async () => {
    const h = await hashPassword('rahasia-sekali-123');
    // OWASP's N=2^15, r=8, p=3: 32 MiB a hash.
    expect(h).toMatch(/^scrypt\$32768\$8\$3\$/);
    expect(await verifyPassword('rahasia-sekali-123', h)).toBe(true);
    expect(await verifyPassword('rahasia-sekali-124', h)).toBe(false);
    expect(await verifyPassword('x', 'not-a-hash')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$32768$8$3$AAAAAAAAAAAAAAAAAAAAAA==$')).toBe(false);
  });
  it('asks for a re-hash of a hash with other parameters only; the unknown-user hash has the current ones', async () => {
    expect(needsRehash(await hashPassword('rahasia-sekali-123'))).toBe(false);
    expect(needsRehash(DUMMY_HASH)).toBe(false);
    const [, , , , salt, key] = DUMMY_HASH.split('$');
    expect(needsRehash(`scrypt$32768$8$1$${salt}$${key}`)).toBe(true);
    expect(needsRehash(`scrypt$16384$8$3$${salt}$${key}`)).toBe(true);
    expect(needsRehash('not-a-hash')).toBe(true);
  });
  it('generates readable one-time passwords', () => {
    const a = generatePassword();
    expect(a).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    expect(generatePassword()).not.toBe(a);
  });
});

describe('login limiter', () => {
  // The limits live in the database (shared by every instance): a fresh one per test, on the suite's engine.
  let db: Db;
  beforeEach(async () => {
    db = await openTestDatabase();
  });
  afterEach(async () => await db.$engine.close());

  /** One attempt that failed at `at`. */
  const failAt = async (l: LoginLimiter, keys: ReturnType<LoginLimiter['keysFor']>, at: number) => {
    const a = await l.begin(db, keys, at);
    if ('lockedMinutes' in a) throw new Error('refused');
    await l.fail(db, a, at);
  };
  it('locks an account after 10 failures in a minute, for five minutes', async () => {
    const l = new LoginLimiter();
    const keys = l.keysFor('Budi', '10.0.0.1');
    const t0 = 1_000_000;
    for (let i = 0; i < 9; i++) await failAt(l, keys, t0 + i);
    expect(await l.lockedMinutes(db, keys, t0 + 10)).toBe(0);
    await failAt(l, keys, t0 + 10);
    expect(await l.lockedMinutes(db, keys, t0 + 11)).toBe(5);
    expect(await l.lockedMinutes(db, keys, t0 + 10 + 5 * 60_000 + 1)).toBe(0);
  });
  it('failures older than the window do not count', async () => {
    const l = new LoginLimiter();
    const keys = l.keysFor('budi', '10.0.0.2');
    for (let i = 0; i < 9; i++) await failAt(l, keys, i * 1000);
    await failAt(l, keys, 120_000);
    expect(await l.lockedMinutes(db, keys, 120_001)).toBe(0);
  });
  it('locks an address that tries many accounts', async () => {
    const l = new LoginLimiter();
    for (let i = 0; i < 30; i++) await failAt(l, l.keysFor(`user${i}`, '10.0.0.3'), 5000 + i);
    expect(await l.lockedMinutes(db, l.keysFor('someone-else', '10.0.0.3'), 6000)).toBe(5);
    expect(await l.lockedMinutes(db, l.keysFor('someone-else', '10.0.0.4'), 6000)).toBe(0);
  });
  it('counts an attempt when it begins: the 11th concurrent attempt is refused before any check ends', async () => {
    const l = new LoginLimiter();
    const keys = l.keysFor('budi', '10.0.0.5');
    const started = await Promise.all(Array.from({ length: 100 }, () => l.begin(db, keys, 7000)));
    expect(started.filter((a) => !('lockedMinutes' in a))).toHaveLength(10);
    // A success gives its place back and clears the account.
    const one = started[0]!;
    if ('lockedMinutes' in one) throw new Error('refused');
    await l.succeed(db, one);
    expect('lockedMinutes' in (await l.begin(db, keys, 7002))).toBe(false);
  });
  it('housekeeping removes attempts past the window and locks that ended', async () => {
    const l = new LoginLimiter();
    const keys = l.keysFor('budi', '10.0.0.6');
    for (let i = 0; i < 10; i++) await failAt(l, keys, 8000 + i);
    expect(await l.lockedMinutes(db, keys, 9000)).toBe(5);
    expect(await pruneLoginLimits(db, 8000 + 6 * 60_000)).toBe(20 + 1);
    expect((await db.select().from(loginAttempts).all()).length).toBe(0);
    expect((await db.select().from(loginLocks).all()).length).toBe(0);
  });
});

describe('vendored browser files', () => {
  it.each(VENDORED)('$to is the installed package file (run npm run vendor after an upgrade)', ({ from, to }) => {
    expect(readFileSync(to).equals(readFileSync(from))).toBe(true);
  });
});

describe('small helpers', () => {
  it('serves times with the WIB offset', () => {
    expect(toWib('2026-11-22T17:30:00.000Z')).toBe('2026-11-23T00:30:00.000+07:00');
    expect(formatWib('2026-11-22T17:30:00.000Z')).toBe('23/11/2026 00:30');
  });
  it('resident codes are short and unambiguous', () => {
    expect(newResidentCode()).toMatch(/^SGH-[0-9A-HJKMNP-TV-Z]{6}$/);
  });
  it('colours a load as DOMAIN.md says', () => {
    expect(loadLevel(0.84)).toBe('ok');
    expect(loadLevel(0.85)).toBe('amber');
    expect(loadLevel(0.95)).toBe('red');
    expect(loadLevel(1)).toBe('red');
    expect(loadLevel(1.01)).toBe('overflow');
    expect(loadLevel(null)).toBe('none');
  });
});
