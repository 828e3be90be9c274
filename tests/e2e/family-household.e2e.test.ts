import { it, expect, beforeAll, afterAll } from 'vitest';
import { and, eq, isNull } from 'drizzle-orm';
import { describeBrowser, startBrowserSuite, type BrowserSuite } from './browser.ts';
import { makeFacility, makeUnit, makeUnits, makeUser, TEST_PASSWORD } from '../helpers/factories.ts';
import { tpsUnits } from '../../src/demo/facilities.ts';
import { persons, referralPersons, referrals, stays } from '../../src/db/schema/index.ts';

/**
 * Issue 12, "Families come apart": the home page's "Penerimaan keluarga" on a
 * tablet (768×1024) keeps a mother and her two children one household through
 * intake, check-in and a referral.
 */
describeBrowser('family shortcut at tablet size', () => {
  let suite: BrowserSuite;
  let familyUnitId = '';
  let balaiCode = '';

  beforeAll(async () => {
    suite = await startBrowserSuite({
      seed: async (db) => {
        const tps = await makeFacility(db, { kind: 'TPS', name: 'GOR Koja', wilayahCode: '31.72' });
        // The demo's four zones: men, women, families (Zona C), the elderly and disabled.
        familyUnitId = (await makeUnits(db, tps.id, tpsUnits(1)))[2]!.id;
        const balai = await makeFacility(db, { kind: 'BALAI', name: 'Balai Kasih Bunda', wilayahCode: '31.74', services: ['maternity', 'early_childhood', 'child_protection'], clusters: ['anak'] });
        balaiCode = balai.code;
        await makeUnit(db, balai.id, { name: 'Wisma Melati (ibu & anak)', admits: 'family', features: ['maternity', 'crib'], capacity: 12 });
        await makeUnit(db, balai.id, { name: 'Wisma Anggrek (anak)', admits: 'children', features: ['crib'], capacity: 10 });
        await makeUser(db, 'intake', { username: 'e2e-family', facilityId: tps.id });
      },
    });
  });
  afterAll(async () => await suite?.close());

  it('keeps a mother and two children one household through intake, check-in and a referral', { timeout: 120_000 }, async () => {
    const page = await suite.page('tablet');
    await suite.login(page, 'e2e-family', TEST_PASSWORD);
    await page.goto('/');
    await Promise.all([page.waitForURL(/\/intake\?members=2/), page.click('a[href="/intake?members=2"]')]);

    // The household option is on, and visible near the top without scrolling.
    const option = page.locator('#household-option input[name="household"]');
    expect(await option.isChecked()).toBe(true);
    const box = await page.locator('#household-option').boundingBox();
    expect(box!.y + box!.height).toBeLessThan(1024);

    await page.fill('input[name="persons.0.name"]', 'Ibu Marni');
    await page.check('input[name="persons.0.sex"][value="P"]');
    await page.fill('input[name="persons.0.estimated_age"]', '31');
    await page.fill('input[name="persons.1.name"]', 'Rara');
    await page.check('input[name="persons.1.sex"][value="P"]');
    await page.fill('input[name="persons.1.estimated_age"]', '3');
    await page.click('#add-member');
    await page.waitForSelector('input[name="persons.2.name"]');
    await page.fill('input[name="persons.2.name"]', 'Dimas');
    await page.check('input[name="persons.2.sex"][value="L"]');
    await page.fill('input[name="persons.2.estimated_age"]', '7');
    expect(await option.isChecked()).toBe(true);
    await suite.screenshot(page, 'family-1-intake-tablet');

    await Promise.all([page.waitForURL(/\/intake\/check-in\?/), page.click('#save-intake')]);
    const people = (await suite.db.select().from(persons).all()).filter((p) => ['Ibu Marni', 'Rara', 'Dimas'].includes(p.name ?? ''));
    expect(people).toHaveLength(3);
    const household = people[0]!.householdId;
    expect(household).not.toBeNull();
    expect(people.every((p) => p.householdId === household && !p.unaccompaniedChild)).toBe(true);

    // Check-in: the family zone is the suggestion, and all three go there together.
    expect(await page.locator('label.unit-card', { hasText: 'Zona C Keluarga' }).locator('input[name="unit_id"]').isChecked()).toBe(true);
    await suite.screenshot(page, 'family-2-check-in-tablet');
    await Promise.all([page.waitForURL(/\/residents\//), page.click('#do-checkin')]);
    const open = await suite.db.select().from(stays).where(and(eq(stays.unitId, familyUnitId), isNull(stays.checkedOutAt))).all();
    expect(open).toHaveLength(3);
    expect(new Set(open.map((s) => s.householdId))).toEqual(new Set([household]));

    // The referral carries the whole household: the suggestion is for three, not the 3-year-old alone.
    const rara = people.find((p) => p.name === 'Rara')!;
    await page.goto(`/residents/${rara.id}`);
    await page.waitForSelector(`[data-refer-to="${balaiCode}"]`);
    expect(await page.textContent('.suggestions')).not.toContain('tanpa pendamping');
    await suite.screenshot(page, 'family-3-referral-tablet');
    await Promise.all([page.waitForURL(/\/referrals/), page.click(`[data-refer-to="${balaiCode}"]`)]);
    const ref = (await suite.db.select().from(referrals).all())[0]!;
    expect(ref).toMatchObject({ places: 3, householdId: household, splitReason: null });
    const carried = (await suite.db.select().from(referralPersons).where(eq(referralPersons.referralId, ref.id)).all()).map((r) => r.personId);
    expect(carried.sort()).toEqual(people.map((p) => p.id).sort());
  });
});
