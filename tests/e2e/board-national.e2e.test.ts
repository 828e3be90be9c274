import { it, expect, beforeAll, afterAll } from 'vitest';
import { sql } from 'drizzle-orm';
import { describeBrowser, startBrowserSuite, type BrowserSuite } from './browser.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { DEMO_PASSWORD } from '../../src/demo/facilities.ts';
import { makeToken } from '../helpers/factories.ts';
import { checkInViaApi } from './checkin.ts';

/**
 * The wall at national scale (issue 27, item 2): the provinces, a tap into one, and the live
 * region on both, on the national demo at 5 % (≈ 100 facilities in all 38 provinces).
 */
describeBrowser('the national command wall: provinces, drill-down, live', () => {
  let suite: BrowserSuite;
  let target: { facility: string; unit: string; province: string; kabkota: string };
  beforeAll(async () => {
    suite = await startBrowserSuite({
      seed: async (db) => {
        await seedDemo(db, { scale: 'national', factor: 0.05 });
        // An open, unprotected facility with a unit that takes a man alone: where the test checks people in.
        const row = (await db.get<{ facility: string; unit: string; wilayah: string }>(sql`
          select f.id as facility, u.id as unit, f.wilayah_code as wilayah from facilities f join units u on u.facility_id = f.id
          where f.status = 'OPEN' and f.protected = 0 and f.kind = 'TPS' and u.status = 'AVAILABLE' and u.admits in ('any', 'male')
            and u.capacity - u.blocked - u.occupied - u.held > 5
          order by f.wilayah_code, f.code limit 1`))!;
        target = { facility: row.facility, unit: row.unit, province: row.wilayah.slice(0, 2), kabkota: row.wilayah };
      },
    });
  }, 300_000);
  afterAll(async () => await suite?.close());

  it('shows 38 provinces without scrolling, follows a check-in live, and drills down to a province and a kab/kota', { timeout: 120_000 }, async () => {
    const page = await suite.page('wall');
    await suite.login(page, 'display', DEMO_PASSWORD);
    await page.goto('/board');
    await expect.poll(() => page.evaluate(() => document.body.dataset.live)).toBe('connected');
    expect(await page.locator('a.area-tile').count()).toBe(38);
    const scroll = await page.evaluate(() => ({ h: document.documentElement.scrollHeight, w: document.documentElement.scrollWidth }));
    expect(scroll.h).toBeLessThanOrEqual(1080);
    expect(scroll.w).toBeLessThanOrEqual(1920);
    // Every province's name is whole on its tile, never cut.
    const cut = await page.$$eval('a.area-tile .name', (els) => els.filter((e) => e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1).map((e) => e.textContent));
    expect(cut).toEqual([]);
    await suite.screenshot(page, 'board-national-wall', { fullPage: false });

    const token = await makeToken(suite.db, 'command');
    const provinceTile = page.locator(`#area-${target.province}`);
    const before = Number((await provinceTile.locator('[data-in-use]').textContent({ timeout: 5000 }))!.replace(/\./g, ''));
    await checkInViaApi(suite, token, target.facility, target.unit);
    await expect.poll(async () => Number((await provinceTile.locator('[data-in-use]').textContent({ timeout: 5000 }))!.replace(/\./g, '')), { timeout: 10_000, interval: 50 }).toBe(before + 1);

    // A tap on the province: its own board, live as well.
    await provinceTile.click();
    await page.waitForURL(`**/board?wilayah=${target.province}`);
    await expect.poll(() => page.evaluate(() => document.body.dataset.live)).toBe('connected');
    expect(await page.locator('.crumbs a[href="/board"]').textContent()).toBe('Indonesia');
    const scrollProvince = await page.evaluate(() => ({ h: document.documentElement.scrollHeight, w: document.documentElement.scrollWidth }));
    expect(scrollProvince.h).toBeLessThanOrEqual(1080);
    await suite.screenshot(page, 'board-national-province-wall', { fullPage: false });
    // Down to the kab/kota (a tile of its own when the province is summarised by kab/kota), where the facility has its tile.
    const kabkotaTile = page.locator(`#area-${target.kabkota.replace('.', '\\.')}`);
    if (await kabkotaTile.count()) {
      await kabkotaTile.click();
      await page.waitForURL(`**/board?wilayah=${target.kabkota}`);
    } else {
      await page.goto(`/board?wilayah=${target.kabkota}`);
    }
    await expect.poll(() => page.evaluate(() => document.body.dataset.live)).toBe('connected');
    const tile = page.locator(`#tile-${target.facility}`);
    const inUse = Number(await tile.locator('[data-in-use]').textContent({ timeout: 5000 }));
    await checkInViaApi(suite, token, target.facility, target.unit);
    await expect.poll(async () => Number(await tile.locator('[data-in-use]').textContent({ timeout: 5000 })), { timeout: 10_000, interval: 50 }).toBe(inUse + 1);
    await page.context().close();
  });

  it('fits a tablet too, and a tile is a link a finger can hit', { timeout: 60_000 }, async () => {
    const page = await suite.page({ width: 1280, height: 800 });
    await suite.login(page, 'command', DEMO_PASSWORD);
    await page.goto('/board');
    const scroll = await page.evaluate(() => ({ h: document.documentElement.scrollHeight, w: document.documentElement.scrollWidth }));
    expect(scroll.h).toBeLessThanOrEqual(800);
    expect(scroll.w).toBeLessThanOrEqual(1280);
    const box = (await page.locator(`#area-${target.province}`).boundingBox())!;
    expect(box.height).toBeGreaterThanOrEqual(48);
    expect(box.width).toBeGreaterThanOrEqual(48);
    await suite.screenshot(page, 'board-national-tablet', { fullPage: false });
    await page.context().close();
  });
});
