import { it, expect, beforeAll, afterAll } from 'vitest';
import { eq } from 'drizzle-orm';
import { describeBrowser, startBrowserSuite, type BrowserSuite } from './browser.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { DEMO_PASSWORD } from '../../src/demo/facilities.ts';
import { facilities, units } from '../../src/db/schema/index.ts';
import { makeToken } from '../helpers/factories.ts';
import { checkInViaApi } from './checkin.ts';

describeBrowser('the command wall at 1920×1080', () => {
  let suite: BrowserSuite;
  beforeAll(async () => {
    suite = await startBrowserSuite({ seed: async (db) => await seedDemo(db) });
  });
  afterAll(async () => await suite?.close());

  it('changes a tile live after a check-in, and reconnects by itself after a restart', async () => {
    const page = await suite.page('wall');
    await suite.login(page, 'display', DEMO_PASSWORD);
    expect(new URL(page.url()).pathname).toBe('/board');
    const tps = (await suite.db.select().from(facilities).where(eq(facilities.code, 'TPS-JP-01')).get())!;
    const tile = page.locator(`#tile-${tps.id}`);
    await expect.poll(() => page.evaluate(() => document.body.dataset.live)).toBe('connected');
    const before = Number(await tile.locator('[data-in-use]').textContent());
    // No scrolling on the wall.
    const scroll = await page.evaluate(() => ({ h: document.documentElement.scrollHeight, w: document.documentElement.scrollWidth }));
    expect(scroll.h).toBeLessThanOrEqual(1080);
    expect(scroll.w).toBeLessThanOrEqual(1920);
    expect(await page.textContent('body')).not.toContain('Balai Perlindungan Perempuan'); // protected: never on the wall

    const token = await makeToken(suite.db, 'command');
    // A unit that takes a man alone (the rows come in no set order on PostgreSQL).
    const zone = (await suite.db.select().from(units).where(eq(units.facilityId, tps.id)).all()).find((u) => u.admits === 'male' || u.admits === 'any')!;
    await checkInViaApi(suite, token, tps.id, zone.id);
    // Live, without a reload. How fast is a benchmark's question (npm run bench), not a
    // test's: a wall-clock bound here only flaked under a loaded machine.
    await expect.poll(async () => Number(await tile.locator('[data-in-use]').textContent()), { timeout: 10_000, interval: 50 }).toBe(before + 1);
    await suite.screenshot(page, 'board-after-checkin-wall', { fullPage: false });

    await suite.restartServer();
    await expect.poll(() => page.evaluate(() => document.body.dataset.live), { timeout: 10_000 }).toBe('connected');
    await checkInViaApi(suite, token, tps.id, zone.id);
    await expect.poll(async () => Number(await tile.locator('[data-in-use]').textContent()), { timeout: 3000 }).toBe(before + 2);
    await page.context().close();
  });

  it('still fits at 1280×720 and on a 4K screen', async () => {
    for (const size of [{ width: 1280, height: 720 }, { width: 3840, height: 2160 }]) {
      const page = await suite.page(size);
      await suite.login(page, 'command', DEMO_PASSWORD);
      await page.goto('/board');
      const scroll = await page.evaluate(() => ({ h: document.documentElement.scrollHeight, w: document.documentElement.scrollWidth }));
      expect(scroll.h).toBeLessThanOrEqual(size.height);
      expect(scroll.w).toBeLessThanOrEqual(size.width);
      await suite.screenshot(page, `board-${size.width}x${size.height}`, { fullPage: false });
      await page.context().close();
    }
  });
});
