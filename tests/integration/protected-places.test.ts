import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../src/db/client.ts';
import { makeTestApp } from '../helpers/app.ts';
import { makeFacility, makeToken, makeUnit, makeUser } from '../helpers/factories.ts';
import { bearer, signedIn, type Call } from '../helpers/session.ts';

/**
 * Who may know a protected place (docs/security.md "Protected places"): the
 * wide roles and the people bound to that facility, nobody else — through
 * routing, referrals and case work alike (canSeeFacility, the one rule).
 */
describe('a protected place is known only to the wide roles and those who work there', () => {
  let app: FastifyInstance;
  let db: Db;
  let desk: Call;
  let command: Call;
  let shelterDesk: Call;
  let shelter: { id: string };
  const secret = 'ke Rumah Aman Melati, Jl. Kenanga 7';

  beforeAll(async () => {
    ({ app, db } = await makeTestApp());
    const tps = await makeFacility(db, { kind: 'TPS', wilayahCode: '31.71' });
    await makeUnit(db, tps.id, { capacity: 20 });
    shelter = await makeFacility(db, { kind: 'BALAI', wilayahCode: '31.71', protected: true, name: 'Rumah Aman Melati', services: ['women_protection', 'child_protection'] });
    await makeUnit(db, shelter.id, { capacity: 5, admits: 'female' });
    await makeUnit(db, shelter.id, { capacity: 5, admits: 'children', name: 'Wisma Anak' });
    desk = bearer(app, await makeToken(db, 'intake', { facility: tps.id }));
    command = bearer(app, await makeToken(db, 'command'));
    shelterDesk = bearer(app, await makeToken(db, 'intake', { facility: shelter.id }));
  });
  afterAll(async () => app.close());

  async function register(call: Call, person: Record<string, unknown>) {
    const res = await call('POST', '/api/v1/residents', { persons: [person], confirm_new: true });
    expect(res.statusCode).toBe(201);
    const id = res.json().persons[0].id as string;
    const stay = await call('POST', '/api/v1/stays', { person_id: id });
    expect(stay.statusCode, stay.body).toBe(201);
    return id;
  }

  it('does not give the sending desk the id of a protected destination, nor the free text about it', async () => {
    const id = await register(desk, { name: 'Sari', sex: 'P', estimated_age: 23, trafficking_victim: true });
    const proposed = await command('POST', '/api/v1/referrals', { person_id: id, to_facility_id: shelter.id, reason: secret });
    expect(proposed.statusCode, proposed.body).toBe(201);
    const refId = proposed.json().referral.id as string;

    const routing = await desk('GET', `/api/v1/routing?person_id=${id}`);
    expect(routing.statusCode).toBe(200);
    expect(routing.json().open_referral).toEqual({ id: refId, status: 'PROPOSED', to_facility_id: null });
    expect(routing.body).not.toContain(shelter.id);
    // Those who may know it still see it.
    expect((await command('GET', `/api/v1/routing?person_id=${id}`)).json().open_referral.to_facility_id).toBe(shelter.id);

    const seen = await desk('GET', `/api/v1/referrals/${refId}`);
    expect(seen.statusCode).toBe(200);
    expect(seen.json().referral).toMatchObject({ to_facility: { id: null, name: null }, reason: '' });
    const listed = (await desk('GET', '/api/v1/referrals')).json().referrals.find((r: { id: string }) => r.id === refId);
    expect(listed.reason).toBe('');
    expect(JSON.stringify(listed)).not.toContain('Melati');
    expect((await shelterDesk('GET', `/api/v1/referrals/${refId}`)).json().referral.reason).toBe(secret);
    expect((await command('GET', `/api/v1/referrals/${refId}`)).json().referral.reason).toBe(secret);
  });

  it('does not name the home to a pendamping bound to a kab/kota who is assigned a child there', async () => {
    const child = await register(shelterDesk, { name: 'Putri', sex: 'P', estimated_age: 14, trafficking_victim: true });
    const cluster = (await command('GET', `/api/v1/residents/${child}/case`)).json().cluster.cluster as string;
    const p = await makeUser(db, 'pendamping', { wilayahCode: '31.71', cluster: cluster as never });
    expect((await command('POST', `/api/v1/residents/${child}/case/assign`, { pendamping_id: p.id })).statusCode).toBe(200);
    const pendamping = await signedIn(app, p.username, p.password);
    const c = await pendamping.api('GET', `/api/v1/residents/${child}/case`);
    expect(c.statusCode).toBe(200);
    expect(c.json().stay).toMatchObject({ facility_id: null, facility_name: null });
    expect(c.body).not.toContain(shelter.id);
    expect(c.body).not.toContain('Melati');
    const caseload = await pendamping.api('GET', '/api/v1/cases');
    expect(caseload.json().cases.map((x: { person_id: string }) => x.person_id)).toContain(child);
    expect(caseload.body).not.toContain('Melati');
    expect((await pendamping.api('GET', '/api/v1/worklists/aid')).body).not.toContain('Melati');
    // The command centre, who assigned, still knows it.
    expect((await command('GET', `/api/v1/residents/${child}/case`)).json().stay.facility_name).toBe('Rumah Aman Melati');
  });
});
