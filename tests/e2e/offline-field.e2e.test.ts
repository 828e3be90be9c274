import { afterAll, beforeAll, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { eq, like } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { describeBrowser, openKept, startBrowserSuite, VIEWPORTS, type BrowserSuite, fillIntake, outboxCounter } from './browser.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { DEMO_PASSWORD } from '../../src/demo/facilities.ts';
import { handoffPersons, handoffs, persons } from '../../src/db/schema/index.ts';

/**
 * The field form and the desk, offline end to end (issue 25, last part): people are added to a
 * handoff on the phone with the network cut ("+ Tambah orang" clones a row the page carries); a
 * 6-person handoff and an intake saved offline survive a reload offline and are saved exactly once
 * when the network returns; the BAST of the handoff then opens from the device offline; a draft
 * whose answer was lost goes to the queue with its key (never "discard and retype"); an intake saved
 * by the queue stays a task on the desk's home until its people are checked in; a queued
 * intake the server asks about becomes a task on the desk's home, opening on the question with
 * what was typed.
 */
describeBrowser('offline end to end: the field form and the desk', () => {
  let suite: BrowserSuite;
  beforeAll(async () => {
    suite = await startBrowserSuite({ seed: async (db) => await seedDemo(db) });
  });
  afterAll(async () => await suite?.close());

  // The page's own send of the queue (every load sends what waits) has finished: what it would save is saved.
  const settled = async (page: Page) => {
    await page.waitForSelector('#outbox', { state: 'attached' });
    await page.evaluate(async () => await (window as unknown as { SinggahOutbox: { flush(): Promise<void> } }).SinggahOutbox.flush());
  };
  const personsNamed = async (prefix: string) => (await suite.db.select().from(persons).where(like(persons.name, prefix + '%')).all()).length;
  const handoffsNumbered = async (n: string) => await suite.db.select().from(handoffs).where(eq(handoffs.operationNumber, n)).all();

  async function fillOperation(page: Page, number: string) {
    await page.fill('input[name="operation.number"]', number);
    await page.fill('input[name="operation.place"]', 'Kolong Flyover Senen');
    await page.fill('input[name="operation.team"]', 'Regu D');
    await page.fill('input[name="operation.leader_name"]', 'Hendra Lapangan');
    await page.click('label.fac-option[data-code="TPS-JP-01"]');
  }
  async function fillPerson(page: Page, i: number, name: string) {
    await page.fill(`input[name="persons.${i}.name"]`, name);
    await page.check(`input[name="persons.${i}.sex"][value="${i % 2 ? 'L' : 'P'}"]`);
    await page.fill(`input[name="persons.${i}.approx_age"]`, String(20 + i));
  }

  it('an intake and a 6-person handoff (people added offline) are saved once after a reload offline; the BAST then opens offline', { timeout: 180_000 }, async () => {
    const phone = await suite.page('phone');
    await suite.login(phone, 'satpol', DEMO_PASSWORD);
    await openKept(phone, '/handoffs/new');
    const desk = await suite.page('tablet');
    await suite.login(desk, 'intake', DEMO_PASSWORD);
    await openKept(desk, '/intake');
    const number = 'SPT/101/LAPANGAN/2026';
    const posts: string[] = [];
    phone.on('request', (r) => { if (r.method() === 'POST') posts.push(r.url()); });

    await phone.context().setOffline(true);
    await desk.context().setOffline(true);
    try {
      await fillOperation(phone, number);
      await fillPerson(phone, 0, 'Lapangan Orang 1');
      // Seven rows added on the phone, one removed from the middle: the rows renumber themselves.
      for (let i = 1; i < 7; i++) {
        await phone.click('#add-person');
        // The new row's name field has the focus, ready to type.
        expect(await phone.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe(`persons.${i}.name`);
        await fillPerson(phone, i, i === 3 ? 'Salah Ketik' : `Lapangan Orang ${i < 3 ? i + 1 : i}`);
      }
      expect(await phone.textContent('#person-count')).toBe('7 orang');
      await phone.click('#person-3 .remove-person');
      expect(await phone.textContent('#person-count')).toBe('6 orang');
      expect(await phone.locator('fieldset.handoff-person').count()).toBe(6);
      for (let i = 0; i < 6; i++) {
        expect(await phone.inputValue(`input[name="persons.${i}.name"]`)).toBe(`Lapangan Orang ${i + 1}`);
        expect(await phone.textContent(`#person-${i} > legend`)).toBe(`Orang ke-${i + 1}`);
      }
      // Nothing asked the server: the rows came from the page.
      expect(posts).toEqual([]);
      await phone.locator('#person-5 > legend').scrollIntoViewIfNeeded();
      await phone.screenshot({ path: resolve('docs/screenshots/handoff-offline-rows-phone.png') });
      await Promise.all([phone.waitForURL(/\/handoffs\/new$/), phone.click('#save-handoff')]);
      await expect.poll(() => outboxCounter(phone).textContent()).toBe('Menunggu dikirim (1)');

      await fillIntake(desk, 'Sumirah Antri', 44);
      await Promise.all([desk.waitForURL(/\/intake$/), desk.click('#save-intake')]);
      await expect.poll(() => outboxCounter(desk).textContent()).toBe('Menunggu dikirim (1)');

      // Reloaded offline: both still wait; nothing is on the server yet.
      await phone.reload();
      await desk.reload();
      await expect.poll(() => outboxCounter(phone).textContent()).toBe('Menunggu dikirim (1)');
      await expect.poll(() => outboxCounter(desk).textContent()).toBe('Menunggu dikirim (1)');
      expect(await phone.inputValue('input[name="persons.0.name"]')).toBe('');
      expect(await phone.locator('#draft-status').isHidden()).toBe(true);
      await phone.click('#outbox-count');
      await phone.screenshot({ path: resolve('docs/screenshots/handoff-offline-queue-open-phone.png') });
      expect(await handoffsNumbered(number)).toHaveLength(0);
      expect(await personsNamed('Sumirah Antri')).toBe(0);
    } finally {
      await phone.context().setOffline(false);
      await desk.context().setOffline(false);
    }
    await expect.poll(() => phone.locator('#outbox').isHidden(), { timeout: 20_000 }).toBe(true);
    await expect.poll(() => desk.locator('#outbox').isHidden(), { timeout: 20_000 }).toBe(true);
    const saved = await handoffsNumbered(number);
    expect(saved).toHaveLength(1);
    const people = await suite.db.select().from(handoffPersons).where(eq(handoffPersons.handoffId, saved[0]!.id)).all();
    expect(people.map((p) => p.name).sort()).toEqual([1, 2, 3, 4, 5, 6].map((n) => `Lapangan Orang ${n}`));
    expect(await personsNamed('Sumirah Antri')).toBe(1);
    // More page loads send nothing more.
    await phone.reload();
    await desk.reload();
    await settled(phone);
    await settled(desk);
    expect(await handoffsNumbered(number)).toHaveLength(1);
    expect(await personsNamed('Sumirah Antri')).toBe(1);

    // The intake was saved by the replay, never placed: the desk's home says so, and leads to her check-in.
    await desk.goto('/');
    await desk.waitForSelector('#device-tasks:not([hidden])');
    expect(await desk.textContent('#device-task-list')).toContain('Sumirah Antri');
    expect(await desk.textContent('#device-task-list')).toContain('terdaftar, belum ditempatkan');
    await Promise.all([desk.waitForURL(/\/intake\/check-in\?p=/), desk.click('#device-task-list a')]);
    expect(await desk.textContent('main')).toContain('Sumirah Antri');
    // Opened, not checked in (the officer went back, or the page was lost on the way): the task stays.
    await desk.goto('/');
    await desk.waitForSelector('#device-tasks:not([hidden])');
    expect(await desk.textContent('#device-task-list')).toContain('Sumirah Antri');
    // Checked in: the task is done.
    await Promise.all([desk.waitForURL(/\/intake\/check-in\?p=/), desk.click('#device-task-list a')]);
    await Promise.all([desk.waitForURL(/\/residents\//), desk.click('#do-checkin')]);
    await desk.goto('/');
    await settled(desk);
    expect(await desk.locator('#device-tasks').isHidden()).toBe(true);

    // The server numbered it: its BAST was kept on the phone and opens with the network cut.
    const bast = `/handoffs/${saved[0]!.id}/bast`;
    await phone.waitForFunction(async (p) => !!(await caches.match(new URL(p, location.href).href)), bast, { timeout: 15_000 });
    await phone.context().setOffline(true);
    try {
      await phone.goto(bast);
      expect(await phone.textContent('body')).toContain(saved[0]!.number);
      expect(await phone.textContent('body')).toContain('Lapangan Orang 6');
      // Its stylesheet came from the device too (A4 print styles load with the page).
      expect(await phone.evaluate(() => [...document.styleSheets].some((s) => (s.href ?? '').includes('print-bast')))).toBe(true);
      await phone.setViewportSize(VIEWPORTS.phone);
      await phone.screenshot({ path: resolve('docs/screenshots/bast-offline-phone.png') });
    } finally {
      await phone.context().setOffline(false);
    }
    await phone.close();
    await desk.close();
  });

  it('a handoff whose answer was lost is sent again with its key from the draft: saved once, no draft to discard', { timeout: 90_000 }, async () => {
    // No service worker here: the submit's answer is lost in the network, and the draft is all the phone has.
    const context = await suite.browser.newContext({ viewport: VIEWPORTS.phone, baseURL: suite.baseUrl, locale: 'id-ID', serviceWorkers: 'block' });
    const page = await context.newPage();
    await suite.login(page, 'satpol', DEMO_PASSWORD);
    await page.goto('/handoffs/new');
    const number = 'SPT/102/HILANG/2026';
    await fillOperation(page, number);
    await fillPerson(page, 0, 'Jawaban Hilang');
    await page.route('**/handoffs', async (route) => {
      if (route.request().method() !== 'POST') return await route.continue();
      await route.fetch({ maxRedirects: 0 }); // the server saves it
      await route.abort('connectionreset'); // and the answer never reaches the phone
    });
    await page.click('#save-handoff').catch(() => {});
    await expect.poll(async () => (await handoffsNumbered(number)).length, { timeout: 15_000 }).toBe(1);
    await page.unroute('**/handoffs');
    // Back on the form: the submitted draft is in the queue with its key, sent, and answered "already saved".
    await page.goto('/handoffs/new');
    await expect.poll(() => page.locator('#outbox').isHidden(), { timeout: 15_000 }).toBe(true);
    expect(await page.locator('#draft-status').isHidden()).toBe(true);
    expect(await page.inputValue('input[name="persons.0.name"]')).toBe('');
    await page.reload();
    await settled(page);
    expect(await handoffsNumbered(number)).toHaveLength(1);
    await context.close();
  });

  it('a queued intake that needs a duplicate decision becomes a task on the desk home, opening on the question with its data', { timeout: 120_000 }, async () => {
    const page = await suite.page('tablet');
    await suite.login(page, 'intake', DEMO_PASSWORD);
    await page.goto('/intake');
    await fillIntake(page, 'Zubaidah Kwartanada', 44);
    await page.fill('input[name="persons.0.alias"]', 'Ida');
    await Promise.all([page.waitForURL(/\/intake\/check-in\?/), page.click('#save-intake')]);
    await openKept(page, '/intake');
    // The same woman typed again with the network cut.
    await fillIntake(page, 'Zubaidah Kwartanada', 44);
    await page.fill('input[name="persons.0.alias"]', 'Bu Ida dari Senen');
    await page.context().setOffline(true);
    try {
      await Promise.all([page.waitForURL(/\/intake$/), page.click('#save-intake')]);
      await expect.poll(() => outboxCounter(page).textContent()).toBe('Menunggu dikirim (1)');
    } finally {
      await page.context().setOffline(false);
    }
    await expect.poll(() => page.textContent('#outbox-list'), { timeout: 20_000 }).toContain('perlu keputusan');
    expect(await personsNamed('Zubaidah Kwartanada')).toBe(1);
    // The desk's home lists it as a task, with who it is about.
    await page.goto('/');
    await page.waitForSelector('#device-tasks:not([hidden])');
    expect(await page.textContent('#device-task-list')).toContain('Zubaidah Kwartanada');
    await suite.screenshot(page, 'desk-task-tablet', { fullPage: false });
    await page.screenshot({ path: resolve('docs/screenshots/desk-offline-task-tablet.png') });
    // Opened: the question, with everything typed.
    await Promise.all([page.waitForSelector('#needs-decision'), page.click('#device-task-list button')]);
    expect(await page.inputValue('input[name="persons.0.name"]')).toBe('Zubaidah Kwartanada');
    expect(await page.inputValue('input[name="persons.0.estimated_age"]')).toBe('44');
    expect(await page.inputValue('input[name="persons.0.alias"]')).toBe('Bu Ida dari Senen');
    expect(await page.isChecked('input[name="persons.0.consent"]')).toBe(true);
    // Left undecided: still a task, and it opens on the question again.
    await page.goto('/');
    await page.waitForSelector('#device-tasks:not([hidden])');
    await Promise.all([page.waitForSelector('#needs-decision'), page.click('#device-task-list button')]);
    expect(await page.inputValue('input[name="persons.0.alias"]')).toBe('Bu Ida dari Senen');
    expect(await personsNamed('Zubaidah Kwartanada')).toBe(1);
    await page.check('input[name="persons.0.decision"][value="new"]');
    await Promise.all([page.waitForURL(/\/intake\/check-in\?/), page.click('#save-intake')]);
    expect(await personsNamed('Zubaidah Kwartanada')).toBe(2);
    await page.goto('/');
    await settled(page);
    expect(await page.locator('#device-tasks').isHidden()).toBe(true);
    expect(await page.locator('#outbox').isHidden()).toBe(true);
    await page.close();
  });
  it('the wilayah picker finds a kab/kota by name as the officer types; a typed name or code is taken', { timeout: 60_000 }, async () => {
    const page = await suite.page('tablet');
    await suite.login(page, 'intake', DEMO_PASSWORD);
    await page.goto('/intake');
    await fillIntake(page, 'Sukirman Asal Semarang', 44);
    await page.click('details.more:has(#f-persons-0-origin_wilayah_code-options) summary');
    const field = page.locator('input[name="persons.0.origin_wilayah_code"]');
    await field.focus();
    await page.keyboard.type('kabupaten semar', { delay: 30 });
    // The list under the field: kab/kota found by name, each with its province and code.
    await expect.poll(() => page.$$eval('#f-persons-0-origin_wilayah_code-options option', (os) => os.map((o) => `${(o as HTMLOptionElement).value} ${(o as HTMLOptionElement).label}`)))
      .toEqual(['33.22 Kabupaten Semarang — Jawa Tengah (33.22)']);
    // A touch target like every other field.
    expect((await field.boundingBox())!.height).toBeGreaterThanOrEqual(47.5);
    await page.keyboard.type('ang');
    await Promise.all([page.waitForURL(/\/intake\/check-in\?/), page.click('#save-intake')]);
    const saved = await suite.db.select().from(persons).where(eq(persons.name, 'Sukirman Asal Semarang')).get();
    expect(saved!.originWilayahCode).toBe('33.22');
    await page.close();
  });
});
