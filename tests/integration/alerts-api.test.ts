import { describe, it, expect } from 'vitest';
import { randomUUID } from 'node:crypto';
import { write } from '../../src/db/client.ts';
import { alerts } from '../../src/db/schema/index.ts';
import { useTestApp } from '../helpers/use-app.ts';
import { makeFacility, makeToken } from '../helpers/factories.ts';
import { bearer } from '../helpers/session.ts';
import { hubFor, type HubEvent } from '../../src/domain/events.ts';

const t = useTestApp();

describe('/api/v1/alerts', () => {
  it('lists open alerts for the command centre, resolves one once, and tells the wall', async () => {
    const tps = await makeFacility(t.db, { kind: 'TPS' });
    const id = randomUUID();
    await write(t.db, async (tx) => {
      await tx.insert(alerts).values({ id, kind: 'nothing_fits', facilityId: tps.id, message: 'Tidak ada fasilitas yang cocok', raisedAt: new Date().toISOString() }).run();
    });
    const command = bearer(t.app, await makeToken(t.db, 'command'));
    const list = await command('GET', '/api/v1/alerts');
    expect(list.statusCode).toBe(200);
    expect((list.json() as { alerts: { id: string; raised_at: string }[] }).alerts.find((a) => a.id === id)?.raised_at).toMatch(/\+07:00$/);
    const events: HubEvent[] = [];
    const off = hubFor(t.db).subscribe((e) => {
      events.push(e);
    });
    expect((await command('POST', `/api/v1/alerts/${id}/resolve`, {})).json()).toEqual({ id, resolved: true });
    expect((await command('POST', `/api/v1/alerts/${id}/resolve`, {})).json()).toEqual({ id, resolved: false });
    off();
    expect(events).toEqual([{ type: 'alert', alertId: id, kind: 'nothing_fits', facilityId: tps.id }]);
    const after = (await command('GET', '/api/v1/alerts')).json() as { alerts: { id: string }[] };
    expect(after.alerts.map((a) => a.id)).not.toContain(id);
    expect(((await command('GET', '/api/v1/alerts?all=true')).json() as { alerts: { id: string }[] }).alerts.map((a) => a.id)).toContain(id);
    expect((await command('POST', '/api/v1/alerts/no-such/resolve', {})).statusCode).toBe(404);
  });

  it('is for the command centre and administrators only', async () => {
    for (const role of ['intake', 'satpol', 'display'] as const) {
      const tps = await makeFacility(t.db);
      const call = bearer(t.app, await makeToken(t.db, role, role === 'intake' ? { facility: tps.id } : role === 'satpol' ? { wilayah: '31.71' } : {}));
      expect((await call('GET', '/api/v1/alerts')).statusCode).toBe(403);
      expect((await call('POST', '/api/v1/alerts/x/resolve', {})).statusCode).toBe(403);
    }
  });
});
