import { it, expect, beforeAll, afterAll } from 'vitest';
import { describeBrowser, startBrowserSuite, type BrowserSuite } from './browser.ts';
import { makeFacility, makeUnit, makeUser, makeToken } from '../helpers/factories.ts';

describeBrowser('correcting a record at the desk, tablet size', () => {
  let suite: BrowserSuite;
  let officer: { username: string; password: string };
  let personId = '';
  beforeAll(async () => {
    let token = '';
    suite = await startBrowserSuite({
      seed: async (db) => {
        const tps = await makeFacility(db, { kind: 'TPS', name: 'GOR Uji Edit' });
        await makeUnit(db, tps.id, { capacity: 10 });
        officer = await makeUser(db, 'intake', { username: 'desk-edit', facilityId: tps.id });
        token = await makeToken(db, 'intake', { facility: tps.id });
      },
    });
    const res = await fetch(`${suite.baseUrl}/api/v1/residents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ persons: [{ name: 'Sugeng Riyadi', sex: 'L', estimated_age: 45, consent: true }], confirm_new: true }),
    });
    personId = ((await res.json()) as { persons: { id: string }[] }).persons[0]!.id;
  });
  afterAll(async () => await suite?.close());

  it('fixes a misspelt name and adds the NIK brought in later; a wrong NIK is told beside its field', async () => {
    const page = await suite.page('tablet');
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    await suite.login(page, officer.username, officer.password);
    await page.goto(`/residents/${personId}`);
    await page.click('#edit-link');
    await page.fill('#person-edit-form input[name="name"]', 'Sugeng Riyadi Santoso');
    await page.fill('#person-edit-form input[name="nik"]', '3171011507800000');
    await page.click('#save-person');
    await expect.poll(() => page.textContent('#person-edit-form')).toContain('0000');
    expect(await page.locator('#person-edit-form [aria-invalid="true"]').count()).toBeGreaterThan(0);
    await suite.screenshot(page, 'residents-edit-error-tablet');
    await page.fill('#person-edit-form input[name="nik"]', '3171011507800001');
    await page.fill('#person-edit-form input[name="birth_date"]', '1980-07-15');
    await Promise.all([page.waitForURL(`**/residents/${personId}`), page.click('#save-person')]);
    expect(await page.textContent('h1')).toContain('Sugeng Riyadi Santoso');
    expect(await page.textContent('body')).toContain('3171********0001');
    await suite.screenshot(page, 'residents-edit-saved-tablet');
    expect(violations).toEqual([]);
    await page.context().close();
  });
});
