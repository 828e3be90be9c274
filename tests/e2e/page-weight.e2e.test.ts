import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser, startBrowserSuite, type BrowserSuite } from './browser.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { DEMO_PASSWORD } from '../../src/demo/facilities.ts';

/**
 * Page weight and first render on 3G (issue 25): the field form and the intake
 * desk, cold (empty cache) and warm (the same page opened again), over
 * Chromium's network emulation at 400 kbit/s and 400 ms latency. The figures
 * are printed and quoted in docs/benchmarks.md; a cold page must weigh less
 * than before compression (93 kB and 75 kB, issue 25).
 */
const THREE_G = { offline: false, latency: 400, downloadThroughput: 400_000 / 8, uploadThroughput: 400_000 / 8 };
const BEFORE_KB: Record<string, number> = { '/handoffs/new': 93, '/intake': 75 };

describeBrowser('page weight on 3G', () => {
  let suite: BrowserSuite;
  beforeAll(async () => {
    suite = await startBrowserSuite({ seed: async (db) => await seedDemo(db) });
  });
  afterAll(async () => await suite?.close());

  for (const [user, path, size] of [['satpol', '/handoffs/new', 'phone'], ['intake', '/intake', 'tablet']] as const) {
    it(`${path}: cold and warm`, async () => {
      const page = await suite.page(size);
      await suite.login(page, user, DEMO_PASSWORD);
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Network.enable');
      // What crosses the network: the service worker (which would answer from the device) is bypassed,
      // so cold is a first visit and warm is the browser's HTTP cache alone.
      await cdp.send('Network.setBypassServiceWorker', { bypass: true });
      await cdp.send('Network.clearBrowserCache');
      await cdp.send('Network.emulateNetworkConditions', THREE_G);
      let bytes = 0;
      let requests = 0;
      cdp.on('Network.loadingFinished', (e: { encodedDataLength: number }) => {
        bytes += e.encodedDataLength;
        requests += 1;
      });
      const measure = async () => {
        bytes = 0;
        requests = 0;
        const t0 = Date.now();
        await page.goto(path, { waitUntil: 'load' });
        const loadMs = Date.now() - t0;
        const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null);
        // Late requests (a live socket is not counted: it is not a download) settle first.
        await page.waitForTimeout(300);
        return { kB: Math.round(bytes / 100) / 10, requests, fcpMs: fcp === null ? null : Math.round(fcp), loadMs };
      };
      const cold = await measure();
      const warm = await measure();
      process.stdout.write(`PAGE-WEIGHT ${path} cold ${JSON.stringify(cold)} warm ${JSON.stringify(warm)}\n`);
      expect(cold.kB).toBeLessThan(BEFORE_KB[path]!);
      expect(warm.kB).toBeLessThan(cold.kB);
      await page.close();
    }, 120_000);
  }
});
