import { afterAll, beforeAll, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { eq, like } from 'drizzle-orm';
import { describeBrowser, openKept, startBrowserSuite, type BrowserSuite, fillIntake, outboxCounter } from './browser.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { DEMO_PASSWORD } from '../../src/demo/facilities.ts';
import type { Page } from 'playwright-core';
import { handoffPersons, handoffs, persons, users } from '../../src/db/schema/index.ts';

/**
 * The queue on the device (issue 25): an intake and a 6-person handoff saved with the network
 * cut are kept on the device (IndexedDB) with their idempotency keys, counted as "Menunggu
 * dikirim (N)" on every page, survive a reload offline, and are sent once the network returns,
 * each saved exactly once. A queued intake the server cannot save without a decision (a likely
 * duplicate) stays as "perlu keputusan" and opens as the form with what was typed. On a shared tablet
 * a queued save is its officer's: the next officer to sign in neither sees nor sends it. Two tabs
 * that find the network back at once send a queued save once.
 */
describeBrowser('outbox: saves made offline wait on the device and are sent once', () => {
  let suite: BrowserSuite;
  beforeAll(async () => {
    suite = await startBrowserSuite({ seed: async (db) => await seedDemo(db) });
  });
  afterAll(async () => await suite?.close());

  const personsNamed = async (prefix: string) => (await suite.db.select().from(persons).where(like(persons.name, prefix + '%')).all()).length;
  // The page's own send of the queue (every load sends what waits) has finished: what it would send is sent.
  const settled = async (page: Page) => {
    await page.waitForSelector('#outbox', { state: 'attached' });
    await page.evaluate(async () => await (window as unknown as { SinggahOutbox: { flush(): Promise<void> } }).SinggahOutbox.flush());
  };
  const queued = async (page: Page) =>
    await page.evaluate(async () =>
      (await (window as unknown as { SinggahOutbox: { all(): Promise<{ owner?: string; state: string }[]> } }).SinggahOutbox.all()).map((i) => `${i.owner ?? '-'} ${i.state}`));
  const intakePosts = (page: Page) => {
    const posts: string[] = [];
    page.context().on('request', (r) => { if (r.method() === 'POST' && new URL(r.url()).pathname === '/intake') posts.push(r.url()); });
    return posts;
  };

  it('a shared tablet: what officer A queued is neither shown to nor sent by officer B; A, signed in again, sends it once', { timeout: 120_000 }, async () => {
    const a = await suite.page('tablet');
    const tablet = a.context();
    const officerA = (await suite.db.select().from(users).where(eq(users.username, 'intake')).get())!;
    await suite.login(a, 'intake', DEMO_PASSWORD);
    await openKept(a, '/intake');
    const csrf = (await a.getAttribute('meta[name="csrf-token"]', 'content'))!;
    await fillIntake(a, 'Tablet Bersama', 38);
    await tablet.setOffline(true);
    try {
      await Promise.all([a.waitForURL(/\/intake$/), a.click('#save-intake')]);
      await expect.poll(() => outboxCounter(a).textContent()).toBe('Menunggu dikirim (1)');
      await a.close();
    } finally {
      await tablet.setOffline(false);
    }
    // A's session ends with none of A's pages open (signed out on another screen, or expired): the queue stays.
    const out = await tablet.request.post('/logout', { form: { _csrf: csrf }, maxRedirects: 0 });
    expect(out.status()).toBe(303);

    // Officer B signs in on the same tablet (same browser, same IndexedDB) with the network back.
    const b = await tablet.newPage();
    const posts = intakePosts(b);
    await suite.login(b, 'manager.tps', DEMO_PASSWORD);
    await settled(b);
    expect(await b.locator('#outbox').isHidden()).toBe(true);
    expect(await b.locator('#device-tasks').isHidden()).toBe(true);
    await b.goto('/intake');
    await settled(b);
    expect(await b.locator('#outbox').isHidden()).toBe(true);
    expect(posts).toEqual([]);
    expect(await personsNamed('Tablet Bersama')).toBe(0);
    // Not lost: still on the tablet, A's.
    expect(await queued(b)).toEqual([`${officerA.id} waiting`]);
    await Promise.all([b.waitForURL(/\/login/), b.click('form[action="/logout"] button')]);

    // A signs in again: A's save is sent, once.
    await suite.login(b, 'intake', DEMO_PASSWORD);
    await expect.poll(() => personsNamed('Tablet Bersama'), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => b.locator('#outbox').isHidden(), { timeout: 15_000 }).toBe(true);
    await b.reload();
    await settled(b);
    expect(await personsNamed('Tablet Bersama')).toBe(1);
    expect(posts).toHaveLength(1);
    // Saved, not yet placed: A's task on A's home.
    expect(await queued(b)).toEqual([`${officerA.id} place`]);
    await b.goto('/');
    await b.waitForSelector('#device-tasks:not([hidden])');
    expect(await b.textContent('#device-task-list')).toContain('Tablet Bersama');
    // Placed some other way: the officer removes the task.
    await b.click('#device-task-list button');
    await expect.poll(() => b.locator('#device-tasks').isHidden()).toBe(true);
    expect(await queued(b)).toEqual([]);
    await b.close();
  });

  it('two tabs that find the network back at once send a queued save once', { timeout: 90_000 }, async () => {
    const one = await suite.page('tablet');
    await suite.login(one, 'intake', DEMO_PASSWORD);
    await openKept(one, '/intake');
    const two = await one.context().newPage();
    await openKept(two, '/intake');
    const posts = intakePosts(one);
    await fillIntake(one, 'Dua Tab', 52);
    await one.context().setOffline(true);
    try {
      await Promise.all([one.waitForURL(/\/intake$/), one.click('#save-intake')]);
      await expect.poll(() => outboxCounter(one).textContent()).toBe('Menunggu dikirim (1)');
      posts.length = 0; // the save that was queued (the worker answered it)
    } finally {
      // Both tabs' `online` fire together: one sends, the other waits for it and finds nothing left.
      await one.context().setOffline(false);
    }
    await expect.poll(() => personsNamed('Dua Tab'), { timeout: 15_000 }).toBe(1);
    await settled(one);
    await settled(two);
    expect(posts).toHaveLength(1);
    expect(await one.locator('#outbox').isHidden()).toBe(true);
    expect(await two.locator('#outbox').isHidden()).toBe(true);
    await one.context().close();
  });


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
    await openKept(page, '/handoffs/new');
    for (let i = 1; i < 6; i++) await page.click('#add-person');
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
