import { it, expect, beforeAll, afterAll } from 'vitest';
import type { Page } from 'playwright-core';
import { describeBrowser, startBrowserSuite, type BrowserSuite, apiAs } from './browser.ts';
import { makeFacility, makeToken, makeUnit, makeUser, TEST_PASSWORD } from '../helpers/factories.ts';
import { wibDate } from '../../src/lib/time.ts';

/**
 * A pendamping's whole ATENSI cycle (issue 26), on a laptop (1366×768) and on
 * a tablet (768×1024): assess, plan from the catalogue, give services that move
 * plan items, mark them done, evaluate, close (terminasi); then a man sent home
 * to Denpasar and his handover letter printed. Every control a finger touches
 * is at least 48 px, and nothing scrolls sideways.
 */
const SIZES = { laptop: { width: 1366, height: 768 }, tablet: { width: 768, height: 1024 } } as const;

describeBrowser('a pendamping runs the ATENSI cycle', () => {
  let suite: BrowserSuite;
  let command = '';
  let pendampingId = '';
  let pantiId = '';

  const api = apiAs(() => suite, () => command);

  /** A man of 70 placed at the panti, assigned to the pendamping: the case the cycle works. */
  async function elder(name: string): Promise<string> {
    const reg = await api('POST', '/residents', { persons: [{ name, sex: 'L', estimated_age: 70, category: 'gelandangan', origin_wilayah_code: '51.71' }], confirm_new: true });
    expect(reg.status, JSON.stringify(reg.json)).toBe(201);
    const id = reg.json.persons[0].id as string;
    expect((await api('POST', '/stays', { person_id: id, facility_id: pantiId })).status).toBe(201);
    expect((await api('POST', `/residents/${id}/case/assign`, { pendamping_id: pendampingId })).status).toBe(200);
    return id;
  }

  beforeAll(async () => {
    suite = await startBrowserSuite({
      seed: async (db) => {
        const panti = await makeFacility(db, { kind: 'PANTI', code: 'PNT-ATN', name: 'Panti Budi Mulia 1', wilayahCode: '31.75', services: ['elderly'] });
        await makeUnit(db, panti.id, { name: 'Wisma Lansia', admits: 'male', capacity: 20, features: ['elderly'] });
        pantiId = panti.id;
        pendampingId = (await makeUser(db, 'pendamping', { username: 'e2e-atensi', facilityId: panti.id, cluster: 'lansia' })).id;
        command = await makeToken(db, 'command');
      },
    });
  });
  afterAll(async () => await suite?.close());

  /** Submits a form of the case page and waits for the page it redirects to, with its flash. */
  async function submit(page: Page, form: string, saved: string, button = 'button[type="submit"]') {
    await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST' && r.status() === 303), page.locator(`${form} ${button}`).first().click()]);
    await page.waitForLoadState('load');
    await expect.poll(async () => await page.locator('.flash').first().textContent(), { timeout: 10_000 }).toContain(saved);
  }

  /** Every visible control of the case is at least 48 px high (tablet at arm's length). */
  async function touchTargetsOk(page: Page) {
    const small = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('#case button, #case select, #case input:not([type=hidden]), #case textarea, #case summary')]
        .filter((e) => e.offsetParent !== null)
        .map((e) => ({ what: `${e.tagName} ${e.getAttribute('name') ?? e.textContent?.trim().slice(0, 20)}`, h: e.getBoundingClientRect().height }))
        .filter((e) => e.h < 48),
    );
    expect(small).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(await page.evaluate(() => window.innerWidth));
  }

  for (const [size, viewport] of Object.entries(SIZES)) {
    it(`assesses, plans, gives services that move the plan, evaluates and closes, on a ${size} (${viewport.width}×${viewport.height})`, { timeout: 120_000 }, async () => {
      const id = await elder(size === 'laptop' ? 'Pak Wayan Sudira' : 'Pak Nyoman Rai');
      const page = await suite.page(viewport);
      await suite.login(page, 'e2e-atensi', TEST_PASSWORD);
      await page.goto(`/cases/${id}`);
      expect(await page.locator('#case-process li.step-done').count()).toBe(0);
      await touchTargetsOk(page);

      // Assess.
      await page.fill('#case-assessment textarea[name="needs"]', 'Hipertensi; tidak punya KTP; ingin pulang');
      await page.fill('#case-assessment textarea[name="wishes"]', 'Pulang ke keluarga di Denpasar');
      await submit(page, '#case-assessment form', 'Asesmen disimpan.');

      // Plan: two items from the catalogue, each with its goal.
      for (const item of [
        { menu: 'perawatan', service: 'perawatan_kesehatan', goal: 'Tekanan darah terkontrol' },
        { menu: 'dukungan_keluarga', service: 'penelusuran_keluarga', goal: 'Keluarga di Denpasar ditemukan' },
      ]) {
        await page.selectOption('#plan-form select[name="menu"]', item.menu);
        await page.selectOption('#plan-form select[name="service"]', item.service);
        await page.fill('#plan-form input[name="goal"]', item.goal);
        await submit(page, '#plan-form', 'Rencana disimpan.');
      }
      const rows = page.locator('#case-plan tbody.plan-item');
      expect(await rows.count()).toBe(2);
      expect(await rows.nth(0).getAttribute('data-status')).toBe('planned');

      // A service given for the first item starts it; one for the second starts that one.
      const care = (await rows.nth(0).getAttribute('id'))!.replace('plan-', '');
      const fam = (await rows.nth(1).getAttribute('id'))!.replace('plan-', '');
      await page.selectOption('#service-plan-item', care);
      await page.selectOption('#service-code', 'perawatan_kesehatan');
      await page.fill('#case-services textarea[name="note"]', 'Tensi 150/90, obat diminum');
      await submit(page, '#case-services form[action$="/services"]', 'Layanan dicatat.');
      expect(await page.locator(`#plan-${care}`).getAttribute('data-status')).toBe('in_progress');
      expect(await page.locator(`#plan-${care}`).textContent()).toContain('Berjalan');
      await page.selectOption('#service-plan-item', fam);
      await page.selectOption('#service-code', 'penelusuran_keluarga');
      await submit(page, '#case-services form[action$="/services"]', 'Layanan dicatat.');
      expect(await page.locator(`#plan-${fam}`).getAttribute('data-status')).toBe('in_progress');
      await suite.screenshot(page, `atensi-1-services-moved-plan-${size}`);
      // The README's picture: what the pendamping sees of the plan once the services moved it.
      await page.locator('#case-plan').evaluate((e) => e.scrollIntoView({ block: 'start' }));
      await suite.screenshot(page, `atensi-1-plan-view-${size}`, { fullPage: false });

      // Closing before the plan is done is refused in words, and nothing changes.
      await page.fill('#evaluation-form textarea[name="summary"]', 'Tekanan darah turun; adik di Denpasar bersedia menerima');
      await submit(page, '#evaluation-form', 'Evaluasi disimpan.');
      await page.selectOption('#close-form select[name="outcome"]', 'selesai');
      await page.locator('#close-form button[type="submit"]').click();
      await expect.poll(async () => await page.locator('#form-problem').textContent()).toContain('Masih ada 2 butir rencana');
      expect(await page.locator('#case-closed').count()).toBe(0);

      // The pendamping marks both done, with the reason.
      for (const [item, why] of [[care, 'Tensi stabil 3 minggu'], [fam, 'Adik ditemukan, siap menerima']] as const) {
        await page.fill(`#plan-${item} input[name="note"]`, why);
        await submit(page, `#plan-${item} form`, 'Status butir rencana diubah.', 'button[value="done"]');
        expect(await page.locator(`#plan-${item}`).getAttribute('data-status')).toBe('done');
      }

      // Close (terminasi): the case reads closed, its forms are gone.
      await page.selectOption('#close-form select[name="outcome"]', 'selesai');
      await page.fill('#close-form textarea[name="note"]', 'Pulang ke keluarga');
      await submit(page, '#close-form', 'Kasus ditutup (terminasi).');
      expect(await page.locator('#case-closed').textContent()).toContain('Selesai (tujuan rencana tercapai)');
      expect(await page.locator('#case-process li.step-done').count()).toBe(5);
      expect(await page.locator("#plan-form, #evaluation-form, #close-form, #case-services form").count()).toBe(0);
      await touchTargetsOk(page);
      await suite.screenshot(page, `atensi-2-closed-${size}`);
      await page.evaluate(() => window.scrollTo(0, 0));
      await suite.screenshot(page, `atensi-2-closed-view-${size}`, { fullPage: false });

      const c = (await api('GET', `/residents/${id}/case`)).json;
      expect(c).toMatchObject({ state: 'closed', closing: { outcome: 'selesai' } });
      expect(c.plan.map((i: { status: string }) => i.status)).toEqual(['done', 'done']);
      expect(c.services.map((s: { plan_item_id: string }) => s.plan_item_id).sort()).toEqual([care, fam].sort());

      // The return home, and its handover letter printed on A4.
      const out = await api('POST', `/stays/${c.stay.id}/discharge`, {
        outcome: 'returned_home',
        destination: 'Kota Denpasar',
        destination_wilayah_code: '51.71',
        family_contact: 'Adik: 0812-3838-1100',
        escort: 'Pekerja sosial Panti Budi Mulia 1',
        date: wibDate(new Date().toISOString()),
      });
      expect(out.status).toBe(200);
      await page.goto(`/cases/${id}`);
      await Promise.all([page.waitForURL(/\/stays\/.+\/handover$/), page.click('#handover-link')]);
      expect(await page.locator('#handover-to').textContent()).toContain('Kota Denpasar');
      expect(await page.locator('#handover-services').textContent()).toContain('Perawatan kesehatan');
      // Nobody of Singgah in Denpasar: a line to type who follows up there.
      await page.fill('#handover-contact input[name="contact"]', 'Bu Ketut, Dinas Sosial Kota Denpasar, 0361-222333');
      await Promise.all([page.waitForURL(/\/handover$/), page.click('#handover-contact button[type="submit"]')]);
      expect(await page.locator('#handover-follow-up').textContent()).toContain('Bu Ketut');
      if (size === 'laptop') await suite.screenshot(page, 'atensi-3-handover-letter-laptop');
      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('.bast-toolbar').isVisible()).toBe(false);
      expect(await page.locator('#handover-contact').isVisible()).toBe(false);
      const pdf = await page.pdf({ format: 'A4', printBackground: true });
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      await page.context().close();
    });
  }
});
