import { it, expect, beforeAll, afterAll } from 'vitest';
import { describeBrowser, startBrowserSuite, type BrowserSuite, apiAs } from './browser.ts';
import { makeFacility, makeToken, makeUnit, makeUser, TEST_PASSWORD } from '../helpers/factories.ts';
import { wibDate } from '../../src/lib/time.ts';

/**
 * A pendamping LU on a tablet (768×1024): opens the caseload, records a
 * service and a follow-up for an elderly man who has no NIK, and the aid
 * worklist shows him with "record with Dukcapil" as the next step.
 */
describeBrowser('a pendamping works the caseload on a tablet', () => {
  let suite: BrowserSuite;
  let command = '';
  let personId = '';
  let pendampingId = '';

  const api = apiAs(() => suite, () => command);

  beforeAll(async () => {
    suite = await startBrowserSuite({
      seed: async (db) => {
        const panti = await makeFacility(db, { kind: 'PANTI', code: 'PNT-E2E', name: 'Panti Budi Mulia', wilayahCode: '31.75', services: ['elderly'] });
        await makeUnit(db, panti.id, { name: 'Wisma Lansia', admits: 'male', capacity: 20, features: ['elderly'] });
        pendampingId = (await makeUser(db, 'pendamping', { username: 'e2e-pendamping', facilityId: panti.id, cluster: 'lansia' })).id;
        command = await makeToken(db, 'command');
      },
    });
    const reg = await api('POST', '/residents', { persons: [{ name: 'Pak Slamet', sex: 'L', estimated_age: 72, category: 'gelandangan' }], confirm_new: true });
    personId = reg.json.persons[0].id;
    const panti = (await api('GET', '/facilities')).json.facilities.find((f: { code: string }) => f.code === 'PNT-E2E');
    expect((await api('POST', '/stays', { person_id: personId, facility_id: panti.id })).status).toBe(201);
    expect((await api('POST', `/residents/${personId}/case/assign`, { pendamping_id: pendampingId })).status).toBe(200);
  });
  afterAll(async () => await suite?.close());

  it('records a service and a follow-up from the caseload, and finds him on the aid worklist with "record with Dukcapil"', async () => {
    const page = await suite.page('tablet');
    await suite.login(page, 'e2e-pendamping', TEST_PASSWORD);
    await page.goto('/cases');
    const card = page.locator(`#case-${personId}`);
    expect(await card.locator('h2').textContent()).toContain('Pak Slamet');
    expect(await card.textContent()).toContain('belum ada NIK');
    // Fits the tablet: no sideways scrolling, touch-sized buttons.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(768);
    const serviceButton = card.locator('summary', { hasText: 'Catat layanan' });
    expect((await serviceButton.boundingBox())!.height).toBeGreaterThanOrEqual(44);
    await suite.screenshot(page, 'cases-1-caseload-tablet');

    // A service: targeted aid, taken to Dukcapil for the e-KTP recording.
    await serviceButton.click();
    await card.locator('select[name="service"]').selectOption('dokumen_kependudukan');
    await card.locator('form[action$="/services"] textarea[name="note"]').fill('Diantar ke Dukcapil untuk perekaman KTP-el');
    await card.locator('form[action$="/services"] button[type="submit"]').click();
    await expect.poll(() => page.locator(`#case-${personId} .flash-ok`).textContent()).toContain('Layanan dicatat.');

    // A follow-up, recorded late: it was due yesterday.
    const yesterday = wibDate(new Date(Date.now() - 86_400_000).toISOString());
    const fresh = page.locator(`#case-${personId}`);
    await fresh.locator('summary', { hasText: 'Tambah tindak lanjut' }).click();
    await fresh.locator('select[name="kind"]').selectOption('document');
    await fresh.locator('input[name="due"]').fill(yesterday);
    await fresh.locator('textarea[name="note"]').last().fill('Ambil KTP-el yang sudah jadi');
    await fresh.locator('form[action$="/follow-ups"] button[type="submit"]').click();
    await expect.poll(() => page.locator(`#case-${personId} .flash-ok`).textContent()).toContain('Tindak lanjut dicatat.');
    expect(await page.locator(`#case-${personId}`).getAttribute('class')).toContain('case-overdue');
    // The figures at the top follow the card (an out-of-band swap).
    expect(await page.locator('#overdue-count .stat-n').textContent()).toBe('1');
    await suite.screenshot(page, 'cases-2-recorded-tablet');

    const c = (await api('GET', `/residents/${personId}/case`)).json;
    expect(c.services).toEqual([expect.objectContaining({ menu: 'bantuan', service: 'dokumen_kependudukan', note: 'Diantar ke Dukcapil untuk perekaman KTP-el', given_by: 'e2e-pendamping' })]);
    expect(c.follow_ups).toEqual([expect.objectContaining({ kind: 'document', due: yesterday, state: 'overdue' })]);

    // The road to aid: no NIK, so the next step is Dukcapil.
    await page.goto('/worklists');
    const row = page.locator('#aid-table tr', { hasText: 'Pak Slamet' });
    expect(await row.locator('li[data-step]').first().getAttribute('data-step')).toBe('adminduk');
    expect(await row.textContent()).toContain('Rekam data ke Dukcapil (adminduk)');
    expect(await page.locator('#follow-up-table').textContent()).toContain('Pak Slamet');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(768);
    await suite.screenshot(page, 'cases-3-worklist-tablet');
  });

  it('sends him home to Denpasar and prints the handover letter to the Dinsos of Bali, on a laptop', async () => {
    const c = (await api('GET', `/residents/${personId}/case`)).json;
    const out = await api('POST', `/stays/${c.stay.id}/discharge`, {
      outcome: 'returned_home',
      destination: 'Kota Denpasar',
      destination_wilayah_code: '51.71',
      family_contact: 'Keponakan: 0812-3838-1100',
      escort: 'Pekerja sosial Panti Budi Mulia',
      date: wibDate(new Date().toISOString()),
    });
    expect(out.status).toBe(200);
    const page = await suite.page({ width: 1366, height: 768 });
    await suite.login(page, 'e2e-pendamping', TEST_PASSWORD);
    await page.goto(`/cases/${personId}`);
    await page.click('#handover-link');
    await page.waitForURL(/\/stays\/.+\/handover$/);
    expect(await page.locator('#handover-to').textContent()).toContain('Kota Denpasar');
    expect(await page.locator('#handover-services').textContent()).toContain('Pengurusan dokumen kependudukan');
    // No NIK nor KK yet: the step is Dukcapil's, now in Denpasar.
    expect(await page.locator('#handover-aid li[data-step="adminduk"]').textContent()).toContain('Rekam data ke Dukcapil');
    expect(await page.locator('#handover-follow-up').textContent()).toContain('Oleh (nama, jabatan, telepon)');
    await suite.screenshot(page, 'cases-4-handover-letter-laptop');
  });
});
