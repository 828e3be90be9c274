import { describe, it, expect } from 'vitest';
import { useTestApp } from '../helpers/use-app.ts';
import { makeFacility, makeUnit, makeUser } from '../helpers/factories.ts';
import { signedIn } from '../helpers/session.ts';
import { insertReferral } from './facilities-fixtures.ts';

const t = useTestApp();

describe("each role's home", () => {
  it("a manager's home counts the open referrals coming to their facility, and not closed ones", async () => {
    const balai = await makeFacility(t.db, { kind: 'BALAI', services: ['maternity'] });
    const unit = await makeUnit(t.db, balai.id, { capacity: 10, admits: 'family' });
    await insertReferral(t.db, balai.id, unit.id, 1, 'PROPOSED');
    await insertReferral(t.db, balai.id, unit.id, 2, 'ACCEPTED');
    await insertReferral(t.db, balai.id, unit.id, 1, 'REFUSED');
    const m = await makeUser(t.db, 'manager', { facilityId: balai.id });
    const b = await signedIn(t.app, m.username, m.password);
    const home = await b.get('/');
    expect(home.body).toContain('2 rujukan masuk menunggu tindakan Anda');
    expect(home.body).toContain('id="handoffs-incoming"');
  });

  it('an intake officer sees the quick links and the incoming handoffs notice', async () => {
    const tps = await makeFacility(t.db, { kind: 'TPS' });
    const u = await makeUser(t.db, 'intake', { facilityId: tps.id });
    const b = await signedIn(t.app, u.username, u.password);
    const home = await b.get('/');
    expect(home.body).toContain('href="/intake"');
    expect(home.body).toContain('id="handoffs-incoming"');
    expect(home.body).not.toContain('rujukan masuk menunggu');
  });
});
