import { it, expect, beforeAll, afterAll } from 'vitest';
import { describeBrowser, startBrowserSuite, type BrowserSuite } from './browser.ts';
import { makeUser } from '../helpers/factories.ts';
import { buildScenario, RANGE } from '../integration/reports-scenario.ts';

describeBrowser('/reports in a browser', () => {
  let suite: BrowserSuite;
  let account: { username: string; password: string };
  const cspErrors: string[] = [];

  beforeAll(async () => {
    suite = await startBrowserSuite({
      seed: async (db) => {
        await buildScenario(db);
        account = await makeUser(db, 'command', { username: 'e2e-reports-command' });
      },
    });
  });
  afterAll(async () => await suite?.close());

  async function open(viewport: 'tablet' | { width: number; height: number }) {
    const page = await suite.page(viewport);
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/.test(m.text())) cspErrors.push(m.text());
    });
    await suite.login(page, account.username, account.password);
    return page;
  }

  it('shows the report at tablet size: charts with their numbers, filters working through htmx', async () => {
    const page = await open('tablet');
    await page.goto(`/reports?from=${RANGE.from}&to=${RANGE.to}`);
    expect(await page.textContent('h1')).toContain('Laporan');
    expect(await page.textContent('#report-period')).toContain('01/03/2026 s.d. 05/03/2026');
    expect(await page.locator('#census svg.chart-svg rect.s-tps').count()).toBeGreaterThan(0);
    expect(await page.locator('#handled-table tfoot [data-people]').textContent()).toBe('6');
    // The on-screen figure an export would hide is marked.
    expect(await page.locator('#handled-table [data-approach="RESIDENTIAL"] [data-people] .would-suppress').count()).toBe(1);
    // Nothing wider than the tablet: tables scroll inside themselves, charts scale.
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(768);
    // Touch targets.
    const small = await page.$$eval('#main button, #main .btn', (els) =>
      els.filter((e) => (e as HTMLElement).offsetParent !== null && e.getBoundingClientRect().height < 44).map((e) => e.textContent?.trim()),
    );
    expect(small).toEqual([]);
    await suite.screenshot(page, 'reports-tablet');

    // Narrow the range: htmx swaps the report in place and pushes the URL.
    await page.fill('input[name="from"]', '2026-03-05');
    await page.fill('input[name="to"]', '2026-03-05');
    await page.click('#report-filter button[type="submit"]');
    await expect.poll(() => page.textContent('#report-period')).toContain('05/03/2026 s.d. 05/03/2026 (1 hari)');
    expect(page.url()).toContain('from=2026-03-05');
    expect(await page.locator('#handled-table tfoot [data-people]').textContent()).toBe('4');
    expect(cspErrors).toEqual([]);
    await page.context().close();
  });

  it('prints on A4 in Bahasa Indonesia without the navigation and forms', async () => {
    const page = await open({ width: 794, height: 1123 });
    await page.goto(`/reports/print?from=${RANGE.from}&to=${RANGE.to}`);
    await page.emulateMedia({ media: 'print' });
    expect(await page.textContent('h1')).toContain('Laporan Penanganan Warga Terlantar');
    expect(await page.locator('.topbar').isVisible()).toBe(false);
    expect(await page.locator('#census-daily').isVisible()).toBe(true);
    expect(await page.locator('.signatures').isVisible()).toBe(true);
    expect(await page.locator('form').count()).toBe(1); // only the sign-out form of the (hidden) top bar
    await suite.screenshot(page, 'reports-print-a4');
    const pdf = await page.pdf({ preferCSSPageSize: true });
    // A4 portrait is 595.3 × 841.9 points (Letter would be 612 × 792): the @page rule holds.
    const box = /\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/.exec(pdf.toString('latin1'))!;
    expect(Number(box[1])).toBeCloseTo(595.3, 0);
    expect(Number(box[2])).toBeCloseTo(841.9, 0);
    expect(cspErrors).toEqual([]);
    await page.context().close();
  });
});
