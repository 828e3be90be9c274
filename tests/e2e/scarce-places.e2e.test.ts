import { it, expect, beforeAll, afterAll } from 'vitest';
import { isNull } from 'drizzle-orm';
import { describeBrowser, startBrowserSuite, type BrowserSuite } from './browser.ts';
import { FAMILY_OF_FIVE_WITH_WHEELCHAIR, makeFacility, makeToken, makeUnit, makeUser, TEST_PASSWORD } from '../helpers/factories.ts';
import { stays } from '../../src/db/schema/index.ts';

/**
 * Issue 24, "Scarce places go silently": at the check-in page on a tablet, a
 * family of five with a wheelchair user is not put into the five places of the
 * accessible zone without the desk being asked; "together elsewhere" keeps the
 * family together in the family zone and the accessible places free.
 */
describeBrowser('scarce places at the check-in page, tablet size', () => {
  let suite: BrowserSuite;
  let token = '';
  let familyUnitId = '';

  beforeAll(async () => {
    suite = await startBrowserSuite({
      seed: async (db) => {
        const tps = await makeFacility(db, { kind: 'TPS', name: 'GOR Kemayoran', wilayahCode: '31.71' });
        await makeUnit(db, tps.id, { name: 'Zona D Disabilitas', admits: 'any', features: ['accessible'], capacity: 5 });
        familyUnitId = (await makeUnit(db, tps.id, { name: 'Zona C Keluarga', admits: 'family', capacity: 24 })).id;
        await makeUser(db, 'intake', { username: 'e2e-scarce', facilityId: tps.id });
        token = await makeToken(db, 'intake', { facility: tps.id });
      },
    });
  });
  afterAll(async () => await suite?.close());

  it('asks the desk, and "together elsewhere" places all five in the family zone', { timeout: 120_000 }, async () => {
    const reg = await suite.app.inject({
      method: 'POST',
      url: '/api/v1/residents',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: JSON.stringify({
        persons: FAMILY_OF_FIVE_WITH_WHEELCHAIR,
        confirm_new: true,
      }),
    });
    expect(reg.statusCode).toBe(201);
    const ids = (reg.json() as { persons: { id: string }[] }).persons.map((p) => p.id);

    const page = await suite.page('tablet');
    await suite.login(page, 'e2e-scarce', TEST_PASSWORD);
    await page.goto(`/intake/check-in?${ids.map((x) => `p=${x}`).join('&')}`);
    const question = page.locator('#scarce-question');
    expect(await question.isVisible()).toBe(true);
    expect(await question.textContent()).toContain('Zona D Disabilitas');
    expect(await question.textContent()).toContain('Zona C Keluarga');
    await suite.screenshot(page, 'scarce-1-question-tablet');

    // Without an answer nothing is taken, and the question says so where it is.
    await page.click('#do-checkin');
    await page.waitForSelector('#scarce-question .field-error');
    expect(await suite.db.select().from(stays).where(isNull(stays.checkedOutAt)).all()).toHaveLength(0);

    await page.check('input[name="scarce_choice"][value="together_elsewhere"]');
    await Promise.all([page.waitForURL(/\/residents\//), page.click('#do-checkin')]);
    const open = await suite.db.select().from(stays).where(isNull(stays.checkedOutAt)).all();
    expect(open).toHaveLength(5);
    expect(new Set(open.map((s) => s.unitId))).toEqual(new Set([familyUnitId]));
  });
});
