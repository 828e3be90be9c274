import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db/client.ts';
import { makeTestApp } from '../helpers/app.ts';
import { makeFacility, makeUnit, makeUser, makeToken } from '../helpers/factories.ts';
import { signedIn, bearer } from '../helpers/session.ts';
import { registerIntake } from '../../src/domain/residents/register.ts';
import { SYSTEM_ACTOR } from '../../src/domain/actor.ts';

let app: FastifyInstance;
let db: Db;
beforeAll(async () => ({ app, db } = await makeTestApp()));
afterAll(async () => app.close());

const count = (table: string) => db.get<{ n: number }>(sql.raw(`select count(*) as n from ${table}`))!.n;

describe('bad input is a 4xx with a reason, never a 500 (issue 11, finding 9)', () => {
  it('a limit that is not a whole number from 1 is a 422 naming the field', async () => {
    const call = bearer(app, makeToken(db, 'admin'));
    for (const url of ['/api/v1/referrals?limit=1.5', '/api/v1/handoffs?limit=2.5', '/api/v1/residents?q=a&limit=0.1', '/api/v1/audit?limit=1e3', '/api/v1/residents?q=a&limit=-1']) {
      const res = await call('GET', url);
      expect(res.statusCode, url).toBe(422);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().errors[0].path).toBe('limit');
    }
    expect((await call('GET', '/api/v1/referrals?limit=5')).statusCode).toBe(200);
  });

  it('a megabyte wilayah_code in the facility form is told beside its field, and nothing is saved', async () => {
    const admin = await makeUser(db, 'admin');
    const b = await signedIn(app, admin.username, admin.password);
    await b.get('/facilities/new');
    const before = count('facilities');
    const res = await b.post('/facilities', { code: 'BIG-1', name: 'Besar', kind: 'TPS', wilayah_code: 'x'.repeat(1000 * 1000) });
    expect(res.statusCode).toBe(422);
    expect(count('facilities')).toBe(before);
  });

  it('a text/plain body to the edit form is a 415, a JSON array a 400, and the record is unchanged', async () => {
    const tps = makeFacility(db, { kind: 'TPS' });
    makeUnit(db, tps.id);
    const intake = await makeUser(db, 'intake', { facilityId: tps.id });
    const made = registerIntake({ db, actor: { ...SYSTEM_ACTOR, role: 'admin' }, input: { persons: [{ name: 'Rahmat Hidayat', sex: 'L', estimated_age: 40, consent: true }], confirm_new: true } });
    if (!('persons' in made)) throw new Error('intake needed a decision');
    const person = made.persons[0]!;
    const b = await signedIn(app, intake.username, intake.password);
    const plain = await app.inject({
      method: 'POST',
      url: `/residents/${person.id}/edit`,
      headers: { cookie: b.cookieHeader, 'x-csrf-token': b.csrf, 'content-type': 'text/plain' },
      payload: 'name=Orang Lain',
    });
    expect(plain.statusCode).toBe(415);
    const array = await app.inject({
      method: 'POST',
      url: `/residents/${person.id}/edit`,
      headers: { cookie: b.cookieHeader, 'x-csrf-token': b.csrf, 'content-type': 'application/json' },
      payload: '["name","Orang Lain"]',
    });
    expect(array.statusCode).toBe(400);
    expect(db.get<{ name: string }>(sql`select name from persons where id = ${person.id}`)!.name).toBe('Rahmat Hidayat');
  });
});
