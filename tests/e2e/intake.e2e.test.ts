import { it, expect, beforeAll, afterAll } from 'vitest';
import type { Page } from 'playwright-core';
import { and, eq, isNull } from 'drizzle-orm';
import { describeBrowser, startBrowserSuite, type BrowserSuite } from './browser.ts';
import { makeFacility, makeUnit, makeUser, TEST_PASSWORD } from '../helpers/factories.ts';
import { persons, stays } from '../../src/db/schema/index.ts';
import { registerIntake } from '../../src/domain/residents/register.ts';
import type { Actor } from '../../src/domain/actor.ts';

/**
 * The intake desk on a tablet (768×1024): a mother and two children registered at
 * once, a duplicate warning for the mother (registered last month under another
 * spelling), the household checked in together, one child discharged.
 */
describeBrowser('intake desk at tablet size', () => {
  let suite: BrowserSuite;
  let familyUnitId = '';
  let existingMotherId = '';
  const cspErrors: string[] = [];

  beforeAll(async () => {
    suite = await startBrowserSuite({
      seed: async (db) => {
        const tps = await makeFacility(db, { kind: 'TPS', name: 'GOR Cempaka Putih', wilayahCode: '31.71' });
        await makeUnit(db, tps.id, { name: 'Zona Laki-laki', admits: 'male', capacity: 40 });
        await makeUnit(db, tps.id, { name: 'Zona Perempuan', admits: 'female', capacity: 30 });
        familyUnitId = (await makeUnit(db, tps.id, { name: 'Zona Keluarga', admits: 'family', capacity: 12, bedLabelPattern: 'K-{n}' })).id;
        const officer = await makeUser(db, 'intake', { username: 'e2e-intake', facilityId: tps.id });
        const actor: Actor = { type: 'user', id: officer.id, label: officer.username, role: 'intake', facilityId: tps.id, wilayahCode: null, ip: null, lang: 'id' };
        const earlier = await registerIntake({ db, actor, input: { persons: [{ name: 'Sri Wahyuni', sex: 'P', estimated_age: 34, phone: '081298765432' }] } });
        if (earlier.status !== 'registered') throw new Error('seed intake failed');
        existingMotherId = earlier.persons[0]!.id;
      },
    });
  });
  afterAll(async () => await suite?.close());

  async function signIn(): Promise<Page> {
    const page = await suite.page('tablet');
    page.on('console', (m) => {
      if (/Content Security Policy|EvalError|Refused to/i.test(m.text())) cspErrors.push(m.text());
    });
    await suite.login(page, 'e2e-intake', TEST_PASSWORD);
    return page;
  }

  it('registers a mother and two children, warns of a duplicate, places them together, discharges one child', async () => {
    const page = await signIn();
    await page.goto('/intake');
    await page.fill('input[name="persons.0.name"]', 'Sri Wahjuni');
    await page.check('input[name="persons.0.sex"][value="P"]');
    await page.fill('input[name="persons.0.estimated_age"]', '35');
    await page.check('input[name="persons.0.consent"]');
    await suite.screenshot(page, 'intake-1-form-tablet');

    // Add two children in place (htmx swaps the form; no navigation, typed values kept).
    const url = page.url();
    await page.click('#add-member');
    await page.waitForSelector('input[name="persons.1.name"]');
    expect(page.url()).toBe(url);
    expect(await page.inputValue('input[name="persons.0.name"]')).toBe('Sri Wahjuni');
    // The new member's name field has the cursor.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('persons.1.name');
    await page.fill('input[name="persons.1.name"]', 'Bagas');
    await page.check('input[name="persons.1.sex"][value="L"]');
    await page.fill('input[name="persons.1.birth_date"]', '2021-05-10');
    await page.click('#add-member');
    await page.waitForSelector('input[name="persons.2.name"]');
    await page.fill('input[name="persons.2.name"]', 'Nadia');
    await page.check('input[name="persons.2.sex"][value="P"]');
    await page.fill('input[name="persons.2.birth_date"]', '2018-01-20');
    expect(await page.isChecked('input[name="household"]')).toBe(true);
    // The derived need shows after a round trip: Bagas (under 6) is an early-age child.
    expect(await page.textContent('#derived-1')).toContain('Anak usia dini');
    await suite.screenshot(page, 'intake-2-household-tablet');

    // Save: the mother may already be registered (Sri Wahyuni, one month ago).
    await page.click('#save-intake');
    await page.waitForSelector('#needs-decision');
    const dupText = await page.textContent('#dups-0');
    expect(dupText).toContain('Sri Wahyuni');
    expect(await page.locator('#dups-1').count()).toBe(0);
    await suite.screenshot(page, 'intake-3-duplicate-warning-tablet');

    // Same person: the intake attaches to her record.
    await page.check(`input[name="persons.0.decision"][value="${existingMotherId}"]`);
    await Promise.all([page.waitForURL(/\/intake\/check-in\?/), page.click('#save-intake')]);
    expect(await page.textContent('.flashes')).toContain('3 warga');
    const family = page.locator('label.unit-card', { hasText: 'Zona Keluarga' });
    expect(await family.locator('input[name="unit_id"]').isChecked()).toBe(true);
    expect(await page.locator('label.unit-card', { hasText: 'Zona Perempuan' }).locator('input[name="unit_id"]').isDisabled()).toBe(true);
    await suite.screenshot(page, 'intake-4-check-in-tablet');

    await Promise.all([page.waitForURL(new RegExp(`/residents/${existingMotherId}$`)), page.click('#do-checkin')]);
    expect(await page.textContent('#current-stay')).toContain('Zona Keluarga');
    expect(await page.textContent('.flashes')).toContain('3 warga ditempatkan di Zona Keluarga');
    const open = await suite.db.select().from(stays).where(and(eq(stays.unitId, familyUnitId), isNull(stays.checkedOutAt))).all();
    expect(open).toHaveLength(3);
    expect(open.map((s) => s.personId)).toContain(existingMotherId);
    expect(new Set(open.map((s) => s.householdId)).size).toBe(1);
    // One record for the mother, not two.
    expect((await suite.db.select().from(persons).where(eq(persons.sex, 'P')).all()).filter((p) => /Sri Wah/.test(p.name ?? ''))).toHaveLength(1);
    await suite.screenshot(page, 'intake-5-placed-together-tablet');

    // The printable card carries the resident code as a QR code.
    await page.goto(`/residents/${existingMotherId}/card`);
    expect(await page.locator('#resident-card svg.qr').count()).toBe(1);
    await suite.screenshot(page, 'intake-5b-card-tablet');
    await page.goto(`/residents/${existingMotherId}`);

    // Discharge one child: Nadia goes to her grandmother.
    await Promise.all([page.waitForURL(/\/residents\//), page.click('#household a:has-text("Nadia")')]);
    await page.click('#discharge > summary');
    await page.selectOption('select[name="outcome"]', 'reunited');
    await page.fill('input[name="destination"]', 'Nenek di Bekasi');
    const childUrl = page.url();
    await Promise.all([page.waitForURL(childUrl), page.click('#do-discharge')]);
    expect(await page.textContent('#stays')).toContain('Kembali ke keluarga');
    expect(await page.textContent('#stays')).toContain('Nenek di Bekasi');
    // Discharged home (issue 25): the page says so, not "not placed", and offers "Tempatkan" only as a second thought.
    expect(await page.textContent('#current-stay')).toContain('Kembali ke keluarga');
    expect(await page.textContent('#current-stay')).toContain('Keluar dari layanan');
    expect(await page.textContent('#current-stay')).not.toContain('Tidak sedang ditempatkan');
    await suite.screenshot(page, 'intake-6-child-discharged-tablet');
    const still = await suite.db.select().from(stays).where(and(eq(stays.unitId, familyUnitId), isNull(stays.checkedOutAt))).all();
    expect(still).toHaveLength(2);

    // The resident search finds the mother by her other spelling, as you type.
    await page.goto('/residents');
    await page.fill('#q', 'wahjuni');
    await page.waitForSelector(`#results a[href="/residents/${existingMotherId}"]`);
    expect(cspErrors).toEqual([]);
  });

  it('fits a phone: no sideways scrolling on the intake form, the search and a person page', async () => {
    const page = await suite.page('phone');
    await suite.login(page, 'e2e-intake', TEST_PASSWORD);
    for (const url of ['/intake', '/residents', `/residents/${existingMotherId}`, `/intake/check-in?p=${existingMotherId}`]) {
      await page.goto(url);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, url).toBeLessThanOrEqual(0);
    }
    await page.goto('/intake');
    await suite.screenshot(page, 'intake-form-phone');
    // Every button and field on the form is a comfortable touch target (48 px).
    const small = await page.evaluate(() =>
      [...document.querySelectorAll('#intake-form button:not(.visually-hidden), #intake-form input:not([type=hidden]):not([type=checkbox]):not([type=radio]), #intake-form select, #intake-form label.check')]
        .filter((el) => (el as HTMLElement).offsetParent !== null && el.getBoundingClientRect().height < 47.5)
        .map((el) => el.outerHTML.slice(0, 80)),
    );
    expect(small).toEqual([]);
  });
});
