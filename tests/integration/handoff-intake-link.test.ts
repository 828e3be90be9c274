import { describe, it, expect } from 'vitest';
import { useTestApp } from '../helpers/use-app.ts';
import { makeFacility, makeUnit, makeToken } from '../helpers/factories.ts';
import { bearer } from '../helpers/session.ts';
import { hubFor, type HubEvent } from '../../src/domain/events.ts';

const t = useTestApp();

describe('intake through the API from a handoff line', () => {
  it('links the person, closes the handoff at once when nobody is left, and tells the live pages after commit', async () => {
    const tps = await makeFacility(t.db, { kind: 'TPS', wilayahCode: '31.71' });
    await makeUnit(t.db, tps.id, { capacity: 10 });
    const satpol = bearer(t.app, await makeToken(t.db, 'satpol', { wilayah: '31.71' }));
    const desk = bearer(t.app, await makeToken(t.db, 'intake', { facility: tps.id }));
    const submitted = await satpol('POST', '/api/v1/handoffs', {
      operation: { number: 'SPT/001/XI/2026', at: new Date(Date.now() - 3600_000).toISOString(), place: 'Stasiun Senen', wilayah_code: '31.71', team: 'Regu A', leader_name: 'Hendra', leader_nip: '19800101 200501 1 001' },
      facility_id: tps.id,
      persons: [{ name: 'Sarinah', sex: 'P', approx_age: 50 }],
    });
    expect(submitted.statusCode).toBe(201);
    const h = submitted.json() as { id: string; persons: { id: string }[] };
    const events: HubEvent[] = [];
    const off = hubFor(t.db).subscribe((e) => {
      events.push(e);
    });
    const reg = await desk('POST', '/api/v1/residents', { persons: [{ name: 'Sarinah', sex: 'P', estimated_age: 50, consent: true }], confirm_new: true, handoff_person_id: h.persons[0]!.id });
    off();
    expect(reg.statusCode).toBeLessThan(300);
    const after = (await desk('GET', `/api/v1/handoffs/${h.id}`)).json() as { status: string; persons: { status: string; person_id: string | null }[] };
    expect(after.status).toBe('CLOSED');
    expect(after.persons[0]!.status).toBe('RECEIVED');
    expect(events).toContainEqual(expect.objectContaining({ type: 'handoff', handoffId: h.id, status: 'CLOSED', pending: 0 }));
  });
});
