import { it, expect, beforeAll, afterAll } from 'vitest';
import { and, eq, isNotNull } from 'drizzle-orm';
import type { Locator, Page } from 'playwright-core';
import { describeBrowser, startBrowserSuite, VIEWPORTS, type BrowserSuite } from './browser.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { DEMO_PASSWORD } from '../../src/demo/facilities.ts';
import { facilities, handoffs, persons } from '../../src/db/schema/index.ts';

/**
 * After every failed or successful action the message is inside the viewport,
 * near where the officer acted — at tablet, phone and wall sizes. And the htmx
 * edge cases: an expired session goes to the login page, an error never replaces
 * the content, a dropped connection is told.
 */
async function expectInViewport(page: Page, loc: Locator, what: string) {
  await loc.first().waitFor({ state: 'visible', timeout: 5000 });
  const box = await loc.first().boundingBox();
  const vp = page.viewportSize()!;
  expect(box, what).not.toBeNull();
  expect(box!.y, `${what}: top ${box!.y} inside ${vp.height}`).toBeGreaterThanOrEqual(0);
  expect(box!.y + Math.min(box!.height, 40), `${what}: top ${box!.y} inside ${vp.height}`).toBeLessThanOrEqual(vp.height);
}

describeBrowser('messages in sight', () => {
  let suite: BrowserSuite;
  beforeAll(async () => {
    suite = await startBrowserSuite({ seed: async (db) => await seedDemo(db) });
  });
  afterAll(async () => await suite?.close());

  const facilityId = async (code: string) => (await suite.db.select().from(facilities).where(eq(facilities.code, code)).get())!.id;

  for (const size of Object.keys(VIEWPORTS) as (keyof typeof VIEWPORTS)[]) {
    it(`shows each result where the officer acted (${size})`, { timeout: 120_000 }, async () => {
      // 1. Refusing a referral without a reason.
      const page = await suite.page(size);
      await suite.login(page, 'manager', DEMO_PASSWORD);
      await page.goto('/referrals');
      const refuse = page.locator('details.ref-refuse').first();
      await refuse.locator('summary').click();
      await Promise.all([page.waitForLoadState('load'), page.waitForURL(/\/referrals/), refuse.locator('button[type="submit"]').click()]);
      await expectInViewport(page, page.locator('.ref-refuse .field-error, .ref-card [data-focus-message]'), 'refuse without a reason');

      // 2. The facility page: a capacity below the people inside, then a good one.
      await page.goto(`/facilities/${await facilityId('BLS-JS-01')}`);
      const form = page.locator('form.unit-form[id$="-capacity"]').first();
      const formId = await form.getAttribute('id');
      await form.locator('input[name="capacity"]').fill('1');
      await form.locator('button[type="submit"]').click();
      await expectInViewport(page, page.locator(`#${formId} [data-focus-message], #${formId} .field-error`), 'capacity below the people inside');
      const again = page.locator(`#${formId}`);
      await again.locator('input[name="capacity"]').fill('60');
      await again.locator('input[name="reason"]').fill('Tambah kasur');
      await again.locator('button[type="submit"]').click();
      await expectInViewport(page, page.locator(`#${formId} .flash-ok`), 'unit saved');
      await page.context().close();

      // 3. "Tidak diterima" without a reason.
      const desk = await suite.page(size);
      await suite.login(desk, 'intake', DEMO_PASSWORD);
      const open = (await suite.db.select().from(handoffs).where(and(eq(handoffs.status, 'OPEN'), eq(handoffs.facilityId, await facilityId('TPS-JP-01')))).get())!;
      await desk.goto(`/handoffs/${open.id}`);
      const nr = desk.locator('details.not-received').last();
      await nr.locator('summary').click();
      await Promise.all([desk.waitForLoadState('load'), nr.locator('button[type="submit"]').click()]);
      await expectInViewport(desk, desk.locator('.not-received .field-error'), 'not received without a reason');

      // 4. Duplicate candidates on the intake form.
      const known = (await suite.db.select().from(persons).where(isNotNull(persons.name)).get())!;
      await desk.goto('/intake');
      await desk.fill('input[name="persons.0.name"]', known.name!);
      await desk.check(`input[name="persons.0.sex"][value="${known.sex}"]`);
      await desk.fill('input[name="persons.0.estimated_age"]', '40');
      await desk.check('input[name="persons.0.consent"]');
      await Promise.all([desk.waitForLoadState('load'), desk.click('#save-intake')]);
      await expectInViewport(desk, desk.locator('#dups-0'), 'duplicate candidates');
      await desk.context().close();
    });
  }

  it('never breaks a handoff number on a phone', { timeout: 60_000 }, async () => {
    const page = await suite.page('phone');
    await suite.login(page, 'intake', DEMO_PASSWORD);
    const open = (await suite.db.select().from(handoffs).where(eq(handoffs.facilityId, await facilityId('TPS-JP-01'))).get())!;
    for (const path of [`/handoffs/${open.id}`, '/handoffs', `/handoffs/${open.id}/bast`]) {
      await page.goto(path);
      const numbers = page.locator('.handoff-number, #bast-number');
      expect(await numbers.count(), path).toBeGreaterThan(0);
      const lines = await numbers.evaluateAll((els) => els.map((e) => ({ rects: e.getClientRects().length, right: e.getBoundingClientRect().right })));
      for (const l of lines) {
        expect(l.rects, path).toBe(1);
        expect(l.right, path).toBeLessThanOrEqual(390);
      }
    }
    await page.context().close();
  });

  it('sends an expired session to the login page, keeps the content on an error, and tells a dropped connection', { timeout: 60_000 }, async () => {
    const page = await suite.page('tablet');
    await suite.login(page, 'manager', DEMO_PASSWORD);
    const fid = await facilityId('BLS-JS-01');
    await page.goto(`/facilities/${fid}`);
    const units = await page.locator('#units article.unit').count();
    expect(units).toBeGreaterThan(0);

    // A stale CSRF token: the unit list stays, a message shows near the button.
    await page.evaluate(() => {
      document.querySelector('meta[name="csrf-token"]')!.setAttribute('content', 'stale');
      document.querySelectorAll<HTMLInputElement>('input[name="_csrf"]').forEach((i) => (i.value = 'stale'));
    });
    const form = page.locator('form.unit-form[id$="-capacity"]').first();
    await form.locator('button[type="submit"]').click();
    await expectInViewport(page, page.locator('[data-htmx-message] .flash-error'), 'stale token message');
    expect(await page.locator('#units article.unit').count()).toBe(units);

    // A dropped connection.
    await page.reload();
    await page.route('**/units/**', (route) => route.abort('internetdisconnected'));
    await page.locator('form.unit-form[id$="-capacity"]').first().locator('button[type="submit"]').click();
    const slot = page.locator('[data-htmx-message]');
    await expectInViewport(page, slot, 'offline message');
    expect(await slot.first().textContent()).toContain('Koneksi terputus, coba lagi');
    expect(await page.locator('#units article.unit').count()).toBe(units);
    await page.unroute('**/units/**');

    // An expired session answering an htmx request: the whole page goes to /login.
    await page.context().clearCookies();
    await Promise.all([page.waitForURL(/\/login/), page.locator('form.unit-form[id$="-capacity"]').first().locator('button[type="submit"]').click()]);
    expect(new URL(page.url()).searchParams.get('next')).toBe(`/facilities/${fid}`);
    expect(await page.locator('input[name="username"]').count()).toBe(1);
    expect(await page.locator('header.topbar').count()).toBe(1);
    await page.context().close();
  });
});
