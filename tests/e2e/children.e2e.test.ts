import { it, expect, beforeAll, afterAll } from 'vitest';
import { and, eq, isNull } from 'drizzle-orm';
import { describeBrowser, startBrowserSuite, type BrowserSuite } from './browser.ts';
import { makeFacility, makeToken, makeUnit, makeUnits, makeUser, TEST_PASSWORD } from '../helpers/factories.ts';
import { tpsUnits } from '../../src/demo/facilities.ts';
import { stays } from '../../src/db/schema/index.ts';

/**
 * Issue 24, children: at the check-in page of a TPS with no children's unit,
 * an unaccompanied 15-year-old is refused with the reason (never placed in
 * the men's zone), and the desk is offered destinations toward child
 * protection at once.
 */
describeBrowser('an unaccompanied child at the check-in page', () => {
  let suite: BrowserSuite;
  let token = '';
  let tpsId = '';

  beforeAll(async () => {
    suite = await startBrowserSuite({
      seed: async (db) => {
        const tps = await makeFacility(db, { kind: 'TPS', name: 'GOR Anak E2E', wilayahCode: '31.71' });
        tpsId = tps.id;
        await makeUnits(db, tps.id, tpsUnits(1).slice(0, 2)); // the demo's zones for men and women only: no children's unit
        const balai = await makeFacility(db, { kind: 'BALAI', name: 'Sentra Anak E2E', wilayahCode: '31.75', services: ['child_protection'], clusters: ['anak'] });
        await makeUnit(db, balai.id, { name: 'Asrama Anak', admits: 'children', capacity: 20 });
        await makeUser(db, 'intake', { username: 'e2e-child-desk', facilityId: tps.id });
        token = await makeToken(db, 'intake', { facility: tps.id });
      },
    });
  });
  afterAll(async () => await suite?.close());

  it('refuses the check-in with the reason and offers a referral toward child protection', { timeout: 120_000 }, async () => {
    const reg = await fetch(`${suite.baseUrl}/api/v1/residents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ persons: [{ name: 'Bima', sex: 'L', estimated_age: 15 }], confirm_new: true }),
    });
    expect(reg.status).toBe(201);
    const boyId = ((await reg.json()) as { persons: { id: string }[] }).persons[0]!.id;

    const page = await suite.page('tablet');
    await suite.login(page, 'e2e-child-desk', TEST_PASSWORD);
    await page.goto(`/intake/check-in?p=${boyId}&facility=${tpsId}`);
    // The men's zone is shown as not for him, with the reason on the card.
    const men = page.locator('.unit-card[data-unit="Zona A Laki-laki"]');
    expect(await men.locator('input[type="radio"]').isDisabled()).toBe(true);
    expect(await men.locator('.badge-off').getAttribute('title')).toContain('bukan unit anak');

    await Promise.all([page.waitForLoadState('domcontentloaded'), page.click('#checkin-form button[type="submit"]')]);
    const problem = page.locator('#checkin-problem');
    await problem.waitFor();
    expect(await problem.textContent()).toContain('tidak punya unit anak');
    expect(await page.locator('#child-protection-hint').textContent()).toContain('perlindungan anak');
    // The routing suggestions load in place: the children's home is offered.
    await page.waitForSelector('text=Sentra Anak E2E', { timeout: 15_000 });
    await suite.screenshot(page, 'child-refused-checkin-tablet');
    expect(await suite.db.select().from(stays).where(and(eq(stays.personId, boyId), isNull(stays.checkedOutAt))).get()).toBeUndefined();
  });
});
