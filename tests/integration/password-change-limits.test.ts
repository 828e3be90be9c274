import { describe, it, expect, afterEach } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../src/db/client.ts';
import { makeTestApp } from '../helpers/app.ts';
import { makeUser } from '../helpers/factories.ts';
import { Browser, signedIn } from '../helpers/session.ts';
import { LOGIN_LIMITS, LoginLimiter } from '../../src/domain/accounts/login.ts';

let app: FastifyInstance;
let db: Db;
afterEach(async () => app?.close());

/** Issue 28, item 6: the current password on /account/password is guessed under the sign-in limits. */
describe('the change-password form is under the sign-in limit', { timeout: 120_000 }, () => {
  it('counts wrong current passwords with sign-in failures, then refuses even the right one (429, Retry-After)', async () => {
    ({ app, db } = await makeTestApp());
    const u = await makeUser(db, 'intake');
    const b = await signedIn(app, u.username, u.password);
    (app as unknown as { loginLimiter: LoginLimiter }).loginLimiter = new LoginLimiter({ ...LOGIN_LIMITS, perAccount: 3 });
    await b.get('/account/password');
    const change = (current: string) => b.post('/account/password', { current, password: 'a-new-long-password-1', confirm: 'a-new-long-password-1' });
    for (let i = 0; i < 3; i++) expect((await change(`guess-${i}`)).statusCode).toBe(422);
    const locked = await change(u.password);
    expect(locked.statusCode).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    // The same lock holds at the sign-in form: the guesses counted against the account.
    const other = new Browser(app);
    expect((await other.login(u.username, u.password)).statusCode).toBe(429);
  });

  it('a right current password gives the attempt back and changes the password', async () => {
    ({ app, db } = await makeTestApp());
    const u = await makeUser(db, 'intake');
    const b = await signedIn(app, u.username, u.password);
    (app as unknown as { loginLimiter: LoginLimiter }).loginLimiter = new LoginLimiter({ ...LOGIN_LIMITS, perAccount: 2 });
    await b.get('/account/password');
    expect((await b.post('/account/password', { current: 'wrong', password: 'a-new-long-password-1', confirm: 'a-new-long-password-1' })).statusCode).toBe(422);
    expect((await b.post('/account/password', { current: u.password, password: 'a-new-long-password-1', confirm: 'a-new-long-password-1' })).statusCode).toBe(303);
    // The success cleared the account's failures: a wrong guess later is one of two again, not the lock.
    expect((await new Browser(app).login(u.username, 'wrong')).statusCode).toBe(401);
    expect((await new Browser(app).login(u.username, 'a-new-long-password-1')).statusCode).toBe(303);
  });
});
