import { it, expect, beforeAll, afterAll } from 'vitest';
import { eq } from 'drizzle-orm';
import { describeBrowser, startBrowserSuite, type BrowserSuite } from './browser.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { DEMO_PASSWORD } from '../../src/demo/facilities.ts';
import { facilities, units } from '../../src/db/schema/index.ts';
import { hubFor } from '../../src/domain/events.ts';
import { makeToken } from '../helpers/factories.ts';
import { checkInViaApi } from './checkin.ts';

/**
 * No silent staleness (issue 27, item 7): every frame of the pages' live socket
 * ends with a heartbeat numbered in its audience (`data-seq`). A frame numbered
 * with a gap — the server could not hear another instance's changes, or could
 * not render a change — makes the wall reconnect, and the region it is sent at
 * connect is whole and current.
 */
describeBrowser('the wall resyncs when its live numbering skips', () => {
  let suite: BrowserSuite;
  beforeAll(async () => {
    suite = await startBrowserSuite({ seed: async (db) => await seedDemo(db) });
  });
  afterAll(async () => await suite?.close());

  it('reconnects on a gap and shows the current figures; counts on without a gap', async () => {
    const page = await suite.page('wall');
    await suite.login(page, 'display', DEMO_PASSWORD);
    await page.evaluate(() => {
      const w = window as unknown as { connections: number };
      w.connections = 0;
      document.addEventListener('htmx:ws:after:connection', () => (w.connections += 1));
    });
    const tps = (await suite.db.select().from(facilities).where(eq(facilities.code, 'TPS-JP-01')).get())!;
    const tile = page.locator(`#tile-${tps.id}`);
    await expect.poll(() => page.evaluate(() => document.body.dataset.live)).toBe('connected');
    // The region sent at connect carries the audience's number.
    await expect.poll(() => page.evaluate(() => document.body.dataset.liveSeq ?? null), { timeout: 10_000 }).not.toBeNull();
    const connectionsBefore = await page.evaluate(() => (window as unknown as { connections: number }).connections);
    const before = Number(await tile.locator('[data-in-use]').textContent());
    const token = await makeToken(suite.db, 'command');
    const zone = (await suite.db.select().from(units).where(eq(units.facilityId, tps.id)).all()).find((u) => u.admits === 'male' || u.admits === 'any')!;

    // The instance cannot hear the others (as while its PostgreSQL LISTEN is lost): its next frame skips a number.
    const hub = hubFor(suite.db) as unknown as { listening: () => boolean };
    hub.listening = () => false;
    try {
      await checkInViaApi(suite, token, tps.id, zone.id);
      await expect.poll(() => page.evaluate(() => document.body.dataset.liveResyncs ?? '0'), { timeout: 10_000 }).toBe('1');
    } finally {
      delete (hub as Partial<typeof hub>).listening;
    }
    // The page closed its socket and reconnected, and the region sent at connect shows the check-in.
    await expect.poll(() => page.evaluate(() => (window as unknown as { connections: number }).connections), { timeout: 10_000 }).toBe(connectionsBefore + 1);
    await expect.poll(() => page.evaluate(() => document.body.dataset.live)).toBe('connected');
    await expect.poll(async () => Number(await tile.locator('[data-in-use]').textContent()), { timeout: 10_000, interval: 50 }).toBe(before + 1);
    // No banner for its own resync.
    expect(await page.locator('#live-banner').isHidden()).toBe(true);

    // Listening again: the next change comes as the next number, and is shown without another reconnect.
    await checkInViaApi(suite, token, tps.id, zone.id);
    await expect.poll(async () => Number(await tile.locator('[data-in-use]').textContent()), { timeout: 10_000, interval: 50 }).toBe(before + 2);
    expect(await page.evaluate(() => document.body.dataset.liveResyncs)).toBe('1');
    expect(await page.evaluate(() => (window as unknown as { connections: number }).connections)).toBe(connectionsBefore + 1);
    await page.context().close();
  });
});
