import { it, expect, afterAll } from 'vitest';
import { describeBrowser, startBrowserSuite, SCREENSHOT_DIR, type BrowserSuite } from './browser.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { DEMO_PASSWORD } from '../../src/demo/facilities.ts';
import { join } from 'node:path';

/**
 * The wall read from across the room: every facility name whole (wrapped, never
 * cut), names ≥ 24 px and counts ≥ 32 px at 1920×1080, nothing scrolls, and the
 * same holds at 1280×720 and 4K, for the default demo and the PWTC demo.
 */
const SIZES = [
  { width: 1920, height: 1080 },
  { width: 1280, height: 720 },
  { width: 3840, height: 2160 },
];

async function measure(suite: BrowserSuite, size: { width: number; height: number }, lang: 'id' | 'en', name: string) {
  const context = await suite.browser.newContext({ viewport: size, baseURL: suite.baseUrl, locale: 'id-ID' });
  const page = await context.newPage();
  await suite.login(page, 'display', DEMO_PASSWORD);
  await page.goto(`/board?lang=${lang}`);
  const m = await page.evaluate(() => {
    const areas = document.querySelector('.areas')!.getBoundingClientRect();
    const tiles = [...document.querySelectorAll<HTMLElement>('.tile')].map((t) => {
      const h = t.querySelector<HTMLElement>('.name')!;
      const r = t.getBoundingClientRect();
      const used = t.querySelector<HTMLElement>('.used')!;
      return {
        name: h.textContent!.trim(),
        nameCut: h.scrollWidth > h.clientWidth + 1 || h.scrollHeight > h.clientHeight + 1 || getComputedStyle(h).textOverflow === 'ellipsis' && h.scrollWidth > h.clientWidth,
        tileClipped: r.bottom > areas.bottom + 1 || r.right > areas.right + 1 || t.scrollHeight > t.clientHeight + 1,
        namePx: parseFloat(getComputedStyle(h).fontSize),
        countPx: parseFloat(getComputedStyle(used).fontSize),
        freePx: parseFloat(getComputedStyle(t.querySelector<HTMLElement>('[data-free]')!).fontSize),
      };
    });
    const alerts = [...document.querySelectorAll<HTMLElement>('.side li')].map((li) => parseFloat(getComputedStyle(li).fontSize));
    // The side lists: every item shown is whole (never cut by the panel), and what is not shown is counted.
    const lists = [...document.querySelectorAll<HTMLElement>('.side .panel-dark')].map((p) => {
      const ul = p.querySelector('ul')!.getBoundingClientRect();
      const items = [...p.querySelectorAll('li')].filter((li) => !li.hidden);
      return {
        title: p.querySelector('h2')!.textContent!.trim(),
        cut: items.filter((li) => li.getBoundingClientRect().bottom > ul.bottom + 1).length,
        shown: items.length,
        total: Number(p.querySelector('.count')?.textContent ?? 0),
        more: p.querySelector<HTMLElement>('.more:not([hidden])')?.textContent ?? null,
        // The panel itself is not cut by the column.
        panelCut: p.getBoundingClientRect().bottom > p.parentElement!.getBoundingClientRect().bottom + 1,
      };
    });
    return {
      tiles,
      alerts,
      lists,
      scrollH: document.documentElement.scrollHeight,
      scrollW: document.documentElement.scrollWidth,
      text: document.body.innerText,
    };
  });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `wall-${name}-${size.width}x${size.height}-${lang}.png`) });
  await context.close();
  return m;
}

for (const scale of ['default', 'pwtc'] as const) {
  describeBrowser(`the wall, ${scale} demo`, () => {
    let suite: BrowserSuite;
    afterAll(async () => await suite?.close());

    it('shows every name whole, large, without scrolling, at 1920×1080, 1280×720 and 4K', { timeout: 120_000 }, async () => {
      suite = await startBrowserSuite({ seed: async (db) => await seedDemo(db, { scale }) });
      for (const size of SIZES) {
        const m = await measure(suite, size, 'id', scale);
        expect(m.tiles.length).toBeGreaterThan(scale === 'pwtc' ? 35 : 18);
        expect(m.scrollH).toBeLessThanOrEqual(size.height);
        expect(m.scrollW).toBeLessThanOrEqual(size.width);
        expect(m.tiles.filter((t) => t.nameCut).map((t) => t.name), `names cut at ${size.width}`).toEqual([]);
        expect(m.tiles.filter((t) => t.tileClipped).map((t) => t.name), `tiles clipped at ${size.width}`).toEqual([]);
        if (size.width >= 1920) {
          expect(Math.min(...m.tiles.map((t) => t.namePx))).toBeGreaterThanOrEqual(24);
          expect(Math.min(...m.tiles.map((t) => t.countPx))).toBeGreaterThanOrEqual(32);
          if (m.alerts.length) expect(Math.min(...m.alerts)).toBeGreaterThanOrEqual(20);
          // Free places, the number that matters most, at least as large as the places used.
          expect(m.tiles.filter((t) => t.freePx < t.countPx).map((t) => t.name)).toEqual([]);
        }
        // Referrals and handoffs: the newest first, each shown whole, the rest as "+N lagi".
        for (const l of m.lists) {
          expect(l.cut, `${l.title} cut at ${size.width}`).toBe(0);
          expect(l.panelCut, `${l.title} panel cut at ${size.width}`).toBe(false);
          if (l.total > l.shown) expect(l.more).toBe(`+${l.total - l.shown} lagi`);
        }
      }
    });

    it('speaks English on the English wall', { timeout: 60_000 }, async () => {
      suite ??= await startBrowserSuite({ seed: async (db) => await seedDemo(db, { scale }) });
      const m = await measure(suite, SIZES[0]!, 'en', scale);
      expect(m.text).not.toMatch(/\bjam\b|\d+j \d/);
      expect(m.text).not.toMatch(/\b1 places\b/);
    });
  });
}
