import { it, expect, beforeAll, afterAll } from 'vitest';
import { describeBrowser, startBrowserSuite, VIEWPORTS, type BrowserSuite } from './browser.ts';
import { makeFacility, makeUnit, makeUser, makeToken } from '../helpers/factories.ts';

describeBrowser('recording a birth from the mother\'s page, without JavaScript', () => {
  let suite: BrowserSuite;
  let officer: { username: string; password: string };
  let motherId = '';
  beforeAll(async () => {
    let token = '';
    let ward = '';
    suite = await startBrowserSuite({
      seed: async (db) => {
        const balai = await makeFacility(db, { kind: 'BALAI', name: 'Balai Uji Kelahiran', services: ['maternity', 'early_childhood'] });
        ward = (await makeUnit(db, balai.id, { name: 'Zona Perempuan', admits: 'female', capacity: 10 })).id;
        await makeUnit(db, balai.id, { name: 'Ruang Ibu dan Bayi', admits: 'female', features: ['maternity', 'crib'], capacity: 6 });
        officer = await makeUser(db, 'intake', { username: 'desk-birth', facilityId: balai.id });
        token = await makeToken(db, 'intake', { facility: balai.id });
      },
    });
    const api = async (path: string, body: unknown) => {
      const res = await fetch(`${suite.baseUrl}/api/v1${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return (await res.json()) as Record<string, unknown>;
    };
    const reg = await api('/residents', { persons: [{ name: 'Siti Aminah', sex: 'P', estimated_age: 26, pregnant: true, pregnancy_weeks: 38, consent: true }], confirm_new: true });
    motherId = (reg.persons as { id: string }[])[0]!.id;
    await api('/stays', { person_id: motherId, unit_id: ward });
  });
  afterAll(async () => await suite?.close());

  it('"Catat kelahiran" places the baby with the mother: both moved together to the unit with cots, her pregnancy ended', async () => {
    const context = await suite.browser.newContext({ viewport: VIEWPORTS.tablet, baseURL: suite.baseUrl, locale: 'id-ID', javaScriptEnabled: false });
    const page = await context.newPage();
    await suite.login(page, officer.username, officer.password);
    await page.goto(`/residents/${motherId}`);
    expect(await page.textContent('#pregnancy')).toContain('38');
    await page.click('#birth summary');
    await page.check('#birth-form input[name="sex"][value="L"]');
    await page.fill('#birth-form input[name="name"]', 'Bayu');
    await page.fill('#birth-form input[name="birth_weight_grams"]', '3200');
    await Promise.all([page.waitForURL(`**/residents/${motherId}*`), page.click('#do-birth')]);
    const body = (await page.textContent('body')) ?? '';
    expect(body).toContain('pindah bersama');
    expect(body).toContain('Ruang Ibu dan Bayi');
    expect(await page.locator('#pregnancy').count()).toBe(0);
    expect(await page.locator('#birth').count()).toBe(0);
    expect(await page.textContent('#household')).toContain('Bayu');
    await suite.screenshot(page, 'birth-recorded-tablet');
    await context.close();
  });
});
