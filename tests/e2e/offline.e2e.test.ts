import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser, openKept, startBrowserSuite, type BrowserSuite } from './browser.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { DEMO_PASSWORD } from '../../src/demo/facilities.ts';

/**
 * The offline-first shell (issue 25, first slice): once opened, the field form
 * and the intake desk reload without a network as the app (the service worker
 * keeps the page and its files), never the browser's error page; a page never
 * opened on the device says "Koneksi terputus, coba lagi"; signing out forgets
 * the kept pages (the public static files stay).
 */
describeBrowser('offline: the desk and the field form reload without a network', () => {
  let suite: BrowserSuite;
  beforeAll(async () => {
    suite = await startBrowserSuite({ seed: async (db) => await seedDemo(db) });
  });
  afterAll(async () => await suite?.close());


  for (const [user, path, size, selector] of [
    ['satpol', '/handoffs/new', 'phone', 'input[name="operation.leader_name"]'],
    ['intake', '/intake', 'tablet', 'form input[name$="name"]'],
  ] as const) {
    it(`${path}: reload and Back offline show the app (${size})`, { timeout: 90_000 }, async () => {
      const page = await suite.page(size);
      await suite.login(page, user, DEMO_PASSWORD);
      await openKept(page, path);
      await page.context().setOffline(true);
      try {
        await page.reload();
        expect(await page.locator(selector).first().isVisible()).toBe(true);
        // The page's files came from the device: styled, and its script ran.
        expect(await page.evaluate(() => getComputedStyle(document.body).fontFamily)).not.toBe('');
        await suite.screenshot(page, `offline-${size}`, { fullPage: false });
        // A page never opened here: a clear message, not the browser's error page.
        await page.goto('/handoffs/00000000-0000-0000-0000-000000000000');
        expect(await page.textContent('h1')).toContain('Koneksi terputus, coba lagi');
        await page.goBack();
        expect(await page.locator(selector).first().isVisible()).toBe(true);
      } finally {
        await page.context().setOffline(false);
      }
      // Signing out forgets what was kept.
      await page.goto(path);
      await Promise.all([page.waitForURL(/\/login/), page.click('form[action="/logout"] button')]);
      await page.waitForFunction(async (p) => !(await caches.match(new URL(p, location.href).href)), path, { timeout: 10_000 });
      await page.close();
    });
  }

  it('the wall: the live badge follows the connection, never "Langsung" under "Koneksi terputus"', { timeout: 60_000 }, async () => {
    const page = await suite.page('wall');
    await suite.login(page, 'display', DEMO_PASSWORD);
    await page.goto('/board');
    await page.waitForFunction(() => document.body.dataset.live === 'connected', null, { timeout: 15_000 });
    expect(await page.textContent('#live-state')).toBe('Langsung');
    await page.context().setOffline(true);
    try {
      await page.waitForFunction(() => !document.getElementById('live-banner')!.hidden, null, { timeout: 15_000 });
      expect(await page.textContent('#live-state')).toBe('Terputus');
    } finally {
      await page.context().setOffline(false);
    }
    await page.close();
  });
});
