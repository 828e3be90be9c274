import { it, expect, beforeAll, afterAll } from 'vitest';
import { eq } from 'drizzle-orm';
import { describeBrowser, startBrowserSuite, VIEWPORTS, type BrowserSuite } from './browser.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { DEMO_PASSWORD } from '../../src/demo/facilities.ts';
import { facilities } from '../../src/db/schema/index.ts';
import { makeToken } from '../helpers/factories.ts';

/**
 * Live where people wait: the intake desk's home shows a new Satpol PP handoff
 * within seconds, without a reload; the command centre's home shows what needs
 * action, with counts and links.
 */
describeBrowser('homes that keep themselves up to date', () => {
  let suite: BrowserSuite;
  beforeAll(async () => {
    suite = await startBrowserSuite({ seed: async (db) => await seedDemo(db) });
  });
  afterAll(async () => await suite?.close());

  let n = 0;
  async function submitHandoff(facilityId: string) {
    const token = await makeToken(suite.db, 'satpol', { wilayah: '31.71' });
    n++;
    const res = await fetch(`${suite.baseUrl}/api/v1/handoffs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        operation: { number: `SPT/E2E/${n}`, at: new Date(Date.now() - 3600_000).toISOString(), place: `Kolong Flyover ${n}`, wilayah_code: '31.71', team: 'Regu B', leader_name: 'Hendra Saputra', leader_nip: '19800101 200501 1 001' },
        facility_id: facilityId,
        persons: [{ name: 'Siti Aminah', sex: 'P', approx_age: 27, needs: [] }],
      }),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { number: string }).number;
  }

  for (const size of Object.keys(VIEWPORTS) as (keyof typeof VIEWPORTS)[]) {
    it(`shows a new handoff on the intake home within seconds (${size})`, { timeout: 60_000 }, async () => {
      const tps = (await suite.db.select().from(facilities).where(eq(facilities.code, 'TPS-JP-01')).get())!;
      const page = await suite.page(size);
      await suite.login(page, 'intake', DEMO_PASSWORD);
      expect(new URL(page.url()).pathname).toBe('/');
      await expect.poll(() => page.evaluate(() => document.body.dataset.live)).toBe('connected');
      const url = page.url();
      const number = await submitHandoff(tps.id);
      // No reload, no 30 s poll: the socket brings it (the poll would take up to 30 s).
      await expect.poll(async () => page.locator('#handoffs-incoming').textContent(), { timeout: 5000, interval: 100 }).toContain(number);
      expect(page.url()).toBe(url);
      const box = await page.locator('#handoffs-incoming').boundingBox();
      expect(box && box.y + 20).toBeLessThanOrEqual(VIEWPORTS[size].height);
      await page.context().close();
    });
  }

  it("gives the command centre's home what needs action, with counts and links", { timeout: 60_000 }, async () => {
    const page = await suite.page('tablet');
    await suite.login(page, 'command', DEMO_PASSWORD);
    for (const id of ['home-alerts', 'home-referrals', 'home-handoffs']) {
      const card = page.locator(`#${id}`);
      expect(Number(await card.locator('.action-count').textContent())).toBeGreaterThanOrEqual(0);
      expect(await card.getAttribute('href')).toMatch(/^\/(referrals|handoffs)/);
    }
    const before = Number(await page.locator('#home-handoffs .action-count').textContent());
    await expect.poll(() => page.evaluate(() => document.body.dataset.live)).toBe('connected');
    const tps = (await suite.db.select().from(facilities).where(eq(facilities.code, 'TPS-JP-01')).get())!;
    await submitHandoff(tps.id);
    await expect.poll(async () => Number(await page.locator('#home-handoffs .action-count').textContent()), { timeout: 5000 }).toBe(before + 1);
    await page.context().close();
  });
});
