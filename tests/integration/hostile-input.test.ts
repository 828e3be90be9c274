import { describe, it, expect } from 'vitest';
import { sql } from 'drizzle-orm';
import { openTestDatabase } from '../helpers/app.ts';
import { useTestApp } from '../helpers/use-app.ts';
import { makeFacility, makeUnit, makeUser, makeToken } from '../helpers/factories.ts';
import { signedIn, bearer } from '../helpers/session.ts';
import { registerIntake } from '../../src/domain/residents/register.ts';
import { SYSTEM_ACTOR } from '../../src/domain/actor.ts';
import { connect } from 'node:net';
import { buildApp } from '../../src/app.ts';
import { testConfig } from '../helpers/app.ts';

const t = useTestApp();

const count = async (table: string) => (await t.db.get<{ n: number }>(sql.raw(`select count(*) as n from ${table}`)))!.n;

describe('bad input is a 4xx with a reason, never a 500 (issue 11, finding 9)', () => {
  it('a limit that is not a whole number from 1 is a 422 naming the field', async () => {
    const call = bearer(t.app, await makeToken(t.db, 'admin'));
    for (const url of ['/api/v1/referrals?limit=1.5', '/api/v1/handoffs?limit=2.5', '/api/v1/residents?q=a&limit=0.1', '/api/v1/audit?limit=1e3', '/api/v1/residents?q=a&limit=-1']) {
      const res = await call('GET', url);
      expect(res.statusCode, url).toBe(422);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().errors[0].path).toBe('limit');
    }
    expect((await call('GET', '/api/v1/referrals?limit=5')).statusCode).toBe(200);
  });

  it('a parameter sent twice where one value is meant is a 422 naming it (found by the fuzz test)', async () => {
    const call = bearer(t.app, await makeToken(t.db, 'command'));
    for (const [url, field] of [
      ['/api/v1/handoffs?status=OPEN&status=CLOSED', 'status'],
      ['/api/v1/handoffs?facility_id=a&facility_id=b', 'facility_id'],
      ['/api/v1/residents?q=Siti&q=Budi', 'q'],
    ] as const) {
      const res = await call('GET', url);
      expect(res.statusCode, url).toBe(422);
      expect(res.json().errors[0].path).toBe(field);
    }
  });

  it('a megabyte wilayah_code in the facility form is told beside its field, and nothing is saved', async () => {
    const admin = await makeUser(t.db, 'admin');
    const b = await signedIn(t.app, admin.username, admin.password);
    await b.get('/facilities/new');
    const before = await count('facilities');
    const res = await b.post('/facilities', { code: 'BIG-1', name: 'Besar', kind: 'TPS', wilayah_code: 'x'.repeat(1000 * 1000) });
    expect(res.statusCode).toBe(422);
    expect(await count('facilities')).toBe(before);
  });

  it('a text/plain body to the edit form is a 415, a JSON array a 400, and the record is unchanged', async () => {
    const tps = await makeFacility(t.db, { kind: 'TPS' });
    await makeUnit(t.db, tps.id);
    const intake = await makeUser(t.db, 'intake', { facilityId: tps.id });
    const made = await registerIntake({ db: t.db, actor: { ...SYSTEM_ACTOR, role: 'admin' }, input: { persons: [{ name: 'Rahmat Hidayat', sex: 'L', estimated_age: 40, consent: true }], confirm_new: true } });
    if (!('persons' in made)) throw new Error('intake needed a decision');
    const person = made.persons[0]!;
    const b = await signedIn(t.app, intake.username, intake.password);
    const plain = await t.app.inject({
      method: 'POST',
      url: `/residents/${person.id}/edit`,
      headers: { cookie: b.cookieHeader, 'x-csrf-token': b.csrf, 'content-type': 'text/plain' },
      payload: 'name=Orang Lain',
    });
    expect(plain.statusCode).toBe(415);
    const array = await t.app.inject({
      method: 'POST',
      url: `/residents/${person.id}/edit`,
      headers: { cookie: b.cookieHeader, 'x-csrf-token': b.csrf, 'content-type': 'application/json' },
      payload: '["name","Orang Lain"]',
    });
    expect(array.statusCode).toBe(400);
    expect((await t.db.get<{ name: string }>(sql`select name from persons where id = ${person.id}`))!.name).toBe('Rahmat Hidayat');
  });
});

describe('half-sent requests are cut (issue 11, finding 10)', () => {
  it('a request whose headers never finish is answered 408 and the connection closed', async () => {
    const config = testConfig();
    const slow = await buildApp(config, { db: await openTestDatabase(), logger: false, timeouts: { headersMs: 300, requestMs: 300, checkEveryMs: 50 } });
    await slow.listen({ port: 0, host: '127.0.0.1' });
    try {
      const port = (slow.server.address() as { port: number }).port;
      const answer = await new Promise<string>((resolve, reject) => {
        const sock = connect(port, '127.0.0.1', () => sock.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: '));
        let got = '';
        sock.on('data', (d) => (got += String(d)));
        sock.on('close', () => resolve(got));
        sock.on('error', reject);
        // The test's own guard, far beyond the server's limit: a server that never cuts fails here.
        setTimeout(() => {
          sock.destroy();
          resolve('still open');
        }, 8000).unref();
      });
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
    } finally {
      await slow.close();
    }
  });

  it('a body that stops halfway is cut as well', async () => {
    const config = testConfig();
    const slow = await buildApp(config, { db: await openTestDatabase(), logger: false, timeouts: { headersMs: 300, requestMs: 300, checkEveryMs: 50 } });
    await slow.listen({ port: 0, host: '127.0.0.1' });
    try {
      const port = (slow.server.address() as { port: number }).port;
      const closed = await new Promise<string>((resolve, reject) => {
        const sock = connect(port, '127.0.0.1', () =>
          sock.write('POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nusername=a'),
        );
        let got = '';
        sock.on('data', (d) => (got += String(d)));
        sock.on('close', () => resolve(got || 'closed'));
        sock.on('error', reject);
        setTimeout(() => {
          sock.destroy();
          resolve('still open');
        }, 8000).unref();
      });
      expect(closed).not.toBe('still open');
    } finally {
      await slow.close();
    }
  });
});
