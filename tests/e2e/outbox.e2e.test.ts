import { afterAll, beforeAll, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { eq, like } from 'drizzle-orm';
import { describeBrowser, openKept, startBrowserSuite, type BrowserSuite, fillIntake, outboxCounter } from './browser.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { DEMO_PASSWORD } from '../../src/demo/facilities.ts';
import { handoffPersons, handoffs, persons } from '../../src/db/schema/index.ts';

/**
 * The queue on the device (issue 25): an intake and a 6-person handoff saved with the network
 * cut are kept on the device (IndexedDB) with their idempotency keys, counted as "Menunggu
 * dikirim (N)" on every page, survive a reload offline, and are sent once the network returns,
 * each saved exactly once. A queued intake the server cannot save without a decision (a likely
 * duplicate) stays as "perlu keputusan" and opens as the form with what was typed.
 */
describeBrowser('outbox: saves made offline wait on the device and are sent once', () => {
  let suite: BrowserSuite;
  beforeAll(async () => {
    suite = await startBrowserSuite({ seed: async (db) => await seedDemo(db) });
  });
  afterAll(async () => await suite?.close());

  const personsNamed = async (prefix: string) => (await suite.db.select().from(persons).where(like(persons.name, prefix + '%')).all()).length;


  it('an intake saved offline waits, survives a reload, and is saved once back online', { timeout: 90_000 }, async () => {
    const page = await suite.page('tablet');
    await suite.login(page, 'intake', DEMO_PASSWORD);
    await openKept(page, '/intake');
    await fillIntake(page, 'Antrian Lestari', 41);
    await page.context().setOffline(true);
    try {
      await Promise.all([page.waitForURL(/\/intake$/), page.click('#save-intake')]);
      await expect.poll(() => outboxCounter(page).textContent()).toBe('Menunggu dikirim (1)');
      await page.reload();
      await expect.poll(() => outboxCounter(page).textContent()).toBe('Menunggu dikirim (1)');
      // The kept page's key was used: the next form on it gets a new one.
      expect(await page.inputValue('input[name="idempotency_key"]')).not.toBe('');
      expect(await personsNamed('Antrian Lestari')).toBe(0);
    } finally {
      await page.context().setOffline(false);
    }
    await expect.poll(() => page.locator('#outbox').isHidden(), { timeout: 15_000 }).toBe(true);
    expect(await personsNamed('Antrian Lestari')).toBe(1);
    // Another page load sends nothing more.
    await page.reload();
    await page.waitForLoadState('networkidle');
    expect(await personsNamed('Antrian Lestari')).toBe(1);
    await page.close();
  });

  it('a 6-person handoff saved offline waits (phone), is the draft, and is saved once back online', { timeout: 120_000 }, async () => {
    const page = await suite.page('phone');
    await suite.login(page, 'satpol', DEMO_PASSWORD);
    await openKept(page, '/handoffs/new?persons=6');
    await page.fill('input[name="operation.number"]', 'SPT/099/ANTRIAN/2026');
    await page.fill('input[name="operation.place"]', 'Kolong Flyover Senen');
    await page.fill('input[name="operation.team"]', 'Regu C');
    await page.fill('input[name="operation.leader_name"]', 'Hendra Antrian');
    await page.click('label.fac-option[data-code="TPS-JP-01"]');
    for (let i = 0; i < 6; i++) {
      await page.fill(`input[name="persons.${i}.name"]`, `Antrian Orang ${i + 1}`);
      await page.check(`input[name="persons.${i}.sex"][value="${i % 2 ? 'L' : 'P'}"]`);
      await page.fill(`input[name="persons.${i}.approx_age"]`, String(20 + i));
    }
    const before = (await suite.db.select().from(handoffs).all()).length;
    await page.context().setOffline(true);
    try {
      await Promise.all([page.waitForURL(/\/handoffs\/new$/), page.click('#save-handoff')]);
      await expect.poll(() => outboxCounter(page).textContent()).toBe('Menunggu dikirim (1)');
      // The queued save is the draft: the form opens empty, with no draft to restore or discard.
      expect(await page.locator('#draft-status').isHidden()).toBe(true);
      expect(await page.inputValue('input[name="persons.0.name"]')).toBe('');
      await page.reload();
      await expect.poll(() => outboxCounter(page).textContent()).toBe('Menunggu dikirim (1)');
      // Still no second copy of what was typed.
      expect(await page.locator('#draft-status').isHidden()).toBe(true);
      expect(await page.inputValue('input[name="persons.0.name"]')).toBe('');
      expect(await page.inputValue('input[name="operation.number"]')).toBe('');
      await page.screenshot({ path: resolve('docs/screenshots/handoff-queue-offline-phone.png') });
      expect((await suite.db.select().from(handoffs).all()).length).toBe(before);
    } finally {
      await page.context().setOffline(false);
    }
    await expect.poll(() => page.locator('#outbox').isHidden(), { timeout: 15_000 }).toBe(true);
    const saved = await suite.db.select().from(handoffs).where(eq(handoffs.operationNumber, 'SPT/099/ANTRIAN/2026')).all();
    expect(saved).toHaveLength(1);
    expect(await suite.db.select().from(handoffPersons).where(eq(handoffPersons.handoffId, saved[0]!.id)).all()).toHaveLength(6);
    await page.reload();
    await page.waitForLoadState('networkidle');
    expect((await suite.db.select().from(handoffs).all()).length).toBe(before + 1);
    await page.close();
  });

  it('a queued intake that needs a decision stays queued and opens with what was typed', { timeout: 90_000 }, async () => {
    const page = await suite.page('tablet');
    await suite.login(page, 'intake', DEMO_PASSWORD);
    // Registered once online.
    await page.goto('/intake');
    await fillIntake(page, 'Ratna Keputusan', 41);
    await Promise.all([page.waitForURL(/\/intake\/check-in\?/), page.click('#save-intake')]);
    await openKept(page, '/intake');
    // The same person typed again offline: the server will ask whether she is the same.
    await fillIntake(page, 'Ratna Keputusan', 41);
    await page.context().setOffline(true);
    try {
      await Promise.all([page.waitForURL(/\/intake$/), page.click('#save-intake')]);
      await expect.poll(() => outboxCounter(page).textContent()).toBe('Menunggu dikirim (1)');
    } finally {
      await page.context().setOffline(false);
    }
    await expect.poll(() => page.textContent('#outbox-list'), { timeout: 15_000 }).toContain('perlu keputusan');
    expect(await outboxCounter(page).textContent()).toBe('Menunggu dikirim (1)');
    expect(await personsNamed('Ratna Keputusan')).toBe(1);
    // Opened: the form with the typed data and the question.
    await page.click('#outbox-count');
    await Promise.all([page.waitForSelector('#needs-decision'), page.click('#outbox-list button')]);
    expect(await page.inputValue('input[name="persons.0.name"]')).toBe('Ratna Keputusan');
    await page.check('input[name="persons.0.decision"][value="new"]');
    await Promise.all([page.waitForURL(/\/intake\/check-in\?/), page.click('#save-intake')]);
    await expect.poll(() => page.locator('#outbox').isHidden(), { timeout: 10_000 }).toBe(true);
    expect(await personsNamed('Ratna Keputusan')).toBe(2);
    await page.close();
  });
});
