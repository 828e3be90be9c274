import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db/client.ts';
import { flashMessages } from '../../src/db/schema/index.ts';
import { LOGIN_LIMITS } from '../../src/domain/accounts/login.ts';
import { FLASH_HINT_COOKIE } from '../../src/plugins/flash.ts';
import { TEST_ENGINE, startTwoInstances } from '../helpers/app.ts';
import { makeUser } from '../helpers/factories.ts';
import { Browser, signedIn } from '../helpers/session.ts';

/**
 * Issue 17: several instances behind one proxy serve one database. Two apps
 * here, each with its own database handle (its own engine: connections,
 * write queue, pool) over the same database, as two processes would have:
 * failed-login limits and one-time messages must hold across them.
 */
let a: FastifyInstance;
let b: FastifyInstance;
let db: Db;
let close: (() => Promise<void>) | undefined;

async function twoInstances(): Promise<void> {
  let dbA: Db;
  ({ a, b, dbA, close } = await startTwoInstances());
  db = dbA;
}

beforeEach(twoInstances);
afterEach(async () => close?.());

/** The same browser (cookies, CSRF token) sent through the proxy to another instance. */
function via(app: FastifyInstance, from: Browser): Browser {
  const to = new Browser(app);
  to.cookies = from.cookies;
  to.csrf = from.csrf;
  return to;
}

async function loginPage(app: FastifyInstance): Promise<Browser> {
  const browser = new Browser(app);
  await browser.get('/login');
  return browser;
}

describe('failed-login limits are shared by every instance', { timeout: 120_000 }, () => {
  it('ten failures spread over two instances lock the account on both; the eleventh (right password) is refused', async () => {
    const u = await makeUser(db, 'command');
    const onA = await loginPage(a);
    const onB = via(b, onA);
    for (let i = 0; i < LOGIN_LIMITS.perAccount; i++) {
      const r = await (i % 2 === 0 ? onA : onB).post('/login', { username: u.username, password: `wrong-${i}` });
      expect(r.statusCode).toBe(401);
    }
    for (const browser of [onA, onB]) {
      const eleventh = await browser.post('/login', { username: u.username, password: u.password });
      expect(eleventh.statusCode).toBe(429);
      expect(eleventh.body).toContain('Terlalu banyak percobaan masuk');
    }
    // Another browser on the other instance is refused too: the lock is the account's, not the browser's.
    const elsewhere = await loginPage(b);
    expect((await elsewhere.post('/login', { username: u.username, password: u.password })).statusCode).toBe(429);
    const n = (await db.get<{ n: number }>(sql`select count(*) as n from sessions`))!.n;
    expect(Number(n)).toBe(0);
  });

  it('a success on one instance clears the account for the other', async () => {
    const u = await makeUser(db, 'command');
    const onA = await loginPage(a);
    for (let i = 0; i < LOGIN_LIMITS.perAccount - 1; i++) {
      expect((await onA.post('/login', { username: u.username, password: `wrong-${i}` })).statusCode).toBe(401);
    }
    const onB = await loginPage(b);
    expect((await onB.post('/login', { username: u.username, password: u.password })).statusCode).toBe(303);
    // The nine failures are gone: nine more on A do not lock it.
    for (let i = 0; i < LOGIN_LIMITS.perAccount - 1; i++) {
      expect((await onA.post('/login', { username: u.username, password: `again-${i}` })).statusCode).toBe(401);
    }
    expect((await onA.post('/login', { username: u.username, password: u.password })).statusCode).toBe(303);
  });

  // Concurrent guesses on both instances at once: the reservation holds the engine's write lock
  // (PostgreSQL: an advisory lock every instance takes), so exactly ten reach the password check.
  // On SQLite two instances are two processes that wait for each other's lock (busy_timeout); two
  // engines in this one test process cannot wait for each other, so this case runs on PostgreSQL.
  it.runIf(TEST_ENGINE === 'postgres')('40 concurrent guesses spread over two instances: exactly ten are checked', async () => {
    const u = await makeUser(db, 'command');
    const onA = await loginPage(a);
    const onB = via(b, onA);
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? onA : onB).post('/login', { username: u.username, password: `wrong-${i}` })),
    );
    const statuses = answers.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 401)).toHaveLength(LOGIN_LIMITS.perAccount);
    expect(statuses.filter((s) => s === 429)).toHaveLength(40 - LOGIN_LIMITS.perAccount);
  });
});

describe('one-time messages are shared by every instance', { timeout: 120_000 }, () => {
  it('a one-time password flashed on one instance shows once on the next page served by the other, and is never stored in clear', async () => {
    const admin = await makeUser(db, 'admin');
    const officer = await makeUser(db, 'command');
    const onA = await signedIn(a, admin.username, admin.password);
    const onB = via(b, onA);
    // Nothing waits: a page view reads and writes nothing about messages, and sets no hint.
    const before = await onB.get('/admin');
    expect(before.statusCode).toBe(200);
    expect(onA.cookies.has(FLASH_HINT_COOKIE)).toBe(false);

    const reset = await onA.post(`/admin/users/${officer.id}/reset`, {});
    expect(reset.statusCode).toBe(303);
    expect(onA.cookies.has(FLASH_HINT_COOKIE)).toBe(true);
    // Stored encrypted, bound to the session, for five minutes.
    const rows = await db.select().from(flashMessages).all();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.payload).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
    expect(rows[0]!.payload).not.toContain(officer.username);
    expect(Date.parse(rows[0]!.expiresAt) - Date.parse(rows[0]!.createdAt)).toBe(5 * 60_000);

    const page = await onB.get('/admin');
    const pw = new RegExp(`kata sandi sekali pakai untuk ${officer.username.replace(/\./g, '\\.')}: ([a-z0-9-]+)`, 'i').exec(page.body)?.[1];
    expect(pw).toMatch(/^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$/);
    for (const row of rows) expect(row.payload).not.toContain(pw!);
    // Deleted when read; the hint goes with it; neither instance shows it again.
    expect(await db.select().from(flashMessages).all()).toHaveLength(0);
    expect(onA.cookies.has(FLASH_HINT_COOKIE)).toBe(false);
    expect((await onA.get('/admin')).body).not.toContain(pw!);
    expect((await onB.get('/admin')).body).not.toContain(pw!);
    // And the password works.
    const officerIn = await new Browser(b).login(officer.username, pw!);
    expect(officerIn.statusCode).toBe(303);
  });

  it('an API token flashed on one instance is shown on the other; an htmx fragment leaves it for the next full page', async () => {
    const admin = await makeUser(db, 'admin');
    const onA = await signedIn(a, admin.username, admin.password);
    const onB = via(b, onA);
    const created = await onA.post('/admin/tokens', { name: 'Papan Dinsos', role: 'display' });
    expect(created.statusCode).toBe(303);
    // A fragment has no place for it (and does not read the table).
    const fragment = await onB.get('/admin', { 'hx-request': 'true' });
    expect(fragment.body).not.toContain('Token untuk Papan Dinsos');
    const page = await onB.get('/admin');
    expect(page.body).toContain('Token untuk Papan Dinsos');
    expect((await onA.get('/admin')).body).not.toContain('Token untuk Papan Dinsos');
  });

  it('a message is bound to its session: another session, or a row moved to it, shows nothing', async () => {
    const admin = await makeUser(db, 'admin');
    const other = await makeUser(db, 'admin');
    const officer = await makeUser(db, 'command');
    const onA = await signedIn(a, admin.username, admin.password);
    const otherOnB = await signedIn(b, other.username, other.password);
    await onA.post(`/admin/users/${officer.id}/disable`, {});
    // The other admin's browser claims a message is waiting, and the row is moved to its session.
    otherOnB.cookies.set(FLASH_HINT_COOKIE, '1');
    const otherHash = (await db.get<{ id_hash: string }>(sql`select id_hash from sessions where user_id = ${other.id}`))!.id_hash;
    await db.run(sql`update flash_messages set session_hash = ${otherHash}`);
    const page = await otherOnB.get('/admin');
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('dinonaktifkan');
    // Unreadable with that session's binding: removed, and the hint with it.
    expect(await db.select().from(flashMessages).all()).toHaveLength(0);
    expect(otherOnB.cookies.has(FLASH_HINT_COOKIE)).toBe(false);
  });
});
