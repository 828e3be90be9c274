import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../src/db/client.ts';
import { makeTestApp } from '../helpers/app.ts';
import { makeFacility, makeUnit, makeUser } from '../helpers/factories.ts';
import { signedIn } from '../helpers/session.ts';
import { insertReferral } from './facilities-fixtures.ts';

let app: FastifyInstance;
let db: Db;
beforeAll(async () => ({ app, db } = await makeTestApp()));
afterAll(async () => app.close());

describe("each role's home", () => {
  it("a manager's home counts the open referrals coming to their facility, and not closed ones", async () => {
    const balai = await makeFacility(db, { kind: 'BALAI', services: ['maternity'] });
    const unit = await makeUnit(db, balai.id, { capacity: 10, admits: 'family' });
    await insertReferral(db, balai.id, unit.id, 1, 'PROPOSED');
    await insertReferral(db, balai.id, unit.id, 2, 'ACCEPTED');
    await insertReferral(db, balai.id, unit.id, 1, 'REFUSED');
    const m = await makeUser(db, 'manager', { facilityId: balai.id });
    const b = await signedIn(app, m.username, m.password);
    const home = await b.get('/');
    expect(home.body).toContain('2 rujukan masuk menunggu tindakan Anda');
    expect(home.body).toContain('id="handoffs-incoming"');
  });

  it('an intake officer sees the quick links and the incoming handoffs notice', async () => {
    const tps = await makeFacility(db, { kind: 'TPS' });
    const u = await makeUser(db, 'intake', { facilityId: tps.id });
    const b = await signedIn(app, u.username, u.password);
    const home = await b.get('/');
    expect(home.body).toContain('href="/intake"');
    expect(home.body).toContain('id="handoffs-incoming"');
    expect(home.body).not.toContain('rujukan masuk menunggu');
  });
});
