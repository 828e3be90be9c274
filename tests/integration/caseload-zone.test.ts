import { describe, it, expect, beforeAll, afterAll, vi } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../src/db/client.ts';
import { makeTestApp } from '../helpers/app.ts';
import { makeFacility, makeToken, makeUnit, makeUser } from '../helpers/factories.ts';
import { bearer, signedIn } from '../helpers/session.ts';

/**
 * "Due today" on a case worker's caseload is their own day (DOMAIN.md "Time"):
 * at 16:30 UTC it is already the next day in Denpasar (00:30 WITA) but still
 * 23:30 WIB in Jakarta.
 */
describe('the caseload counts days in the case worker’s zone', () => {
  let app: FastifyInstance;
  let db: Db;
  beforeAll(async () => {
    // Only the clock is fixed: timers and I/O run as usual.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-06T16:30:00.000Z'));
    ({ app, db } = await makeTestApp());
  });
  afterAll(async () => {
    vi.useRealTimers();
    await app?.close();
  });

  it('counts a follow-up due on the Bali day as due today for a pendamping in Denpasar', async () => {
    const f = await makeFacility(db, { kind: 'TPS', wilayahCode: '51.71' });
    await makeUnit(db, f.id, { capacity: 10 });
    const desk = bearer(app, await makeToken(db, 'intake', { facility: f.id }));
    const manager = bearer(app, await makeToken(db, 'manager', { facility: f.id }));
    const worker = await makeUser(db, 'pendamping', { wilayahCode: '51.71', cluster: 'lansia' });
    const reg = await desk('POST', '/api/v1/residents', { persons: [{ name: 'Nyoman Tua', sex: 'L', estimated_age: 70 }], confirm_new: true });
    expect(reg.statusCode, reg.body).toBe(201);
    const id = reg.json().persons[0].id as string;
    expect((await desk('POST', '/api/v1/stays', { person_id: id })).statusCode).toBe(201);
    expect((await manager('POST', `/api/v1/residents/${id}/case/assign`, { pendamping_id: worker.id })).statusCode).toBe(200);
    const browser = await signedIn(app, worker.username, worker.password);
    const added = await browser.api('POST', `/api/v1/residents/${id}/case/follow-ups`, { due: '2026-12-07', kind: 'visit' });
    expect(added.statusCode, added.body).toBeLessThan(300);
    const cases = (await browser.api('GET', '/api/v1/cases')).json().cases as { person_id: string; due_today: number; overdue: number }[];
    // 7 December in Bali; in WIB it would still be tomorrow's.
    expect(cases.find((c) => c.person_id === id)).toMatchObject({ due_today: 1, overdue: 0 });
    // One day for one question: the case page and the follow-up worklist say the same (the worklist counted WIB days).
    const followUps = (await browser.api('GET', `/api/v1/residents/${id}/case`)).json().follow_ups as { due: string; state: string }[];
    expect(followUps).toEqual([expect.objectContaining({ due: '2026-12-07', state: 'today' })]);
    const worklist = (await browser.api('GET', '/api/v1/worklists/follow-ups')).json().entries as { person_id: string; state: string; days_overdue: number }[];
    expect(worklist.filter((e) => e.person_id === id)).toEqual([expect.objectContaining({ state: 'today', days_overdue: 0 })]);
  });
});
