import { it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { eq } from 'drizzle-orm';
import { describeBrowser, startBrowserSuite, SCREENSHOT_DIR, type BrowserSuite } from './browser.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { DEMO_PASSWORD } from '../../src/demo/facilities.ts';
import { handoffPersons, handoffs, persons } from '../../src/db/schema/index.ts';

/**
 * A Satpol PP handoff end to end: the officer submits four people from a phone
 * (390×844) — the draft survives a reload — the desk at a tablet (768×1024)
 * sees it arrive live, receives three (one a pregnant woman) through the
 * prefilled intake form and marks one not received; the handoff closes itself,
 * the officer's phone shows it, and the BAST is shown and printed to A4 PDF.
 */
describeBrowser('Satpol PP handoff: phone in the field, tablet at the desk, BAST on paper', () => {
  let suite: BrowserSuite;
  const cspErrors: string[] = [];

  beforeAll(async () => {
    suite = await startBrowserSuite({ seed: async (db) => await seedDemo(db) });
  });
  afterAll(async () => await suite?.close());

  async function open(size: 'phone' | 'tablet', user: string): Promise<Page> {
    const page = await suite.page(size);
    page.on('console', (m) => {
      if (/Content Security Policy|EvalError|Refused to/i.test(m.text())) cspErrors.push(m.text());
    });
    await suite.login(page, user, DEMO_PASSWORD);
    return page;
  }

  async function fillPerson(page: Page, i: number, p: { name?: string; description?: string; sex: 'L' | 'P'; age: string; needs?: string[]; belongings?: string; notes?: string }) {
    const f = `persons.${i}.`;
    if (p.name) await page.fill(`input[name="${f}name"]`, p.name);
    if (p.description) await page.fill(`input[name="${f}description"]`, p.description);
    await page.check(`input[name="${f}sex"][value="${p.sex}"]`);
    await page.fill(`input[name="${f}approx_age"]`, p.age);
    for (const n of p.needs ?? []) await page.check(`input[name="${f}needs"][value="${n}"]`);
    if (p.belongings) await page.fill(`input[name="${f}belongings"]`, p.belongings);
    if (p.notes) await page.fill(`textarea[name="${f}notes"]`, p.notes);
  }

  it('submits four people from a phone, is received at the desk, closes itself, and prints the BAST', async () => {
    // The desk is watching its list before the truck arrives.
    const desk = await open('tablet', 'intake');
    await desk.goto('/handoffs');
    await expect.poll(() => desk.evaluate(() => document.body.dataset.live)).toBe('connected');

    // ---- In the field, on a phone ----
    const phone = await open('phone', 'satpol');
    await phone.goto('/handoffs/new');
    expect(await phone.inputValue('input[name="operation.at"]')).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
    expect(await phone.inputValue('select[name="operation.wilayah_code"]')).toBe('31.71');
    await phone.fill('input[name="operation.number"]', 'SPT/077/SATPOL/XI/2026');
    await phone.fill('input[name="operation.place"]', 'Kolong Flyover Senen');
    await phone.fill('input[name="operation.team"]', 'Regu B');
    await phone.fill('input[name="operation.leader_name"]', 'Hendra Saputra');
    await phone.fill('input[name="operation.leader_nip"]', '19800101 200501 1 001');
    // Only open facilities, with their free places; the protected one is never offered.
    expect(await phone.textContent('#handoff-form')).not.toContain('Mulya Jaya');
    await phone.click('label.fac-option[data-code="TPS-JP-01"]');
    await fillPerson(phone, 0, { name: 'Siti Rahmawati Ujicoba', sex: 'P', age: '26', needs: ['pregnant'], belongings: 'tas ransel, buku KIA' });

    const url = phone.url();
    await phone.click('#add-person');
    await phone.waitForSelector('input[name="persons.1.name"]');
    expect(phone.url()).toBe(url); // swapped in place, no navigation
    expect(await phone.inputValue('input[name="persons.0.name"]')).toBe('Siti Rahmawati Ujicoba');
    await fillPerson(phone, 1, { description: 'laki-laki lansia, kaos loreng, bertongkat', sex: 'L', age: '72', needs: ['elderly', 'disability'], belongings: 'karung' });

    // The connection drops and the page reloads: the draft comes back from the phone.
    await phone.waitForTimeout(400);
    await phone.reload();
    await phone.waitForSelector('input[name="persons.1.description"]');
    await expect.poll(() => phone.inputValue('input[name="persons.1.description"]')).toBe('laki-laki lansia, kaos loreng, bertongkat');
    expect(await phone.inputValue('input[name="persons.0.name"]')).toBe('Siti Rahmawati Ujicoba');
    expect(await phone.isChecked('input[name="persons.0.needs"][value="pregnant"]')).toBe(true);
    expect(await phone.isChecked('input[name="persons.1.sex"][value="L"]')).toBe(true);
    expect(await phone.inputValue('input[name="operation.leader_name"]')).toBe('Hendra Saputra');
    expect(await phone.isChecked('label.fac-option[data-code="TPS-JP-01"] input')).toBe(true);
    expect(await phone.isVisible('#draft-status')).toBe(true);

    await phone.click('#add-person');
    await phone.waitForSelector('input[name="persons.2.name"]');
    await fillPerson(phone, 2, { name: 'Bagus Ujicoba', description: 'anak laki-laki, kaos biru', sex: 'L', age: '5', needs: ['young_child'], notes: 'bersama neneknya (orang ke-2)' });
    await phone.click('#add-person');
    await phone.waitForSelector('input[name="persons.3.name"]');
    await fillPerson(phone, 3, { name: 'Darto Ujicoba', sex: 'L', age: '45', needs: ['sick_injured'], notes: 'luka di kaki kiri' });

    // Made for a phone: nothing scrolls sideways, and every control is a 48 px touch target.
    expect(await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    const small = await phone.evaluate(() =>
      [...document.querySelectorAll('#handoff-form button:not(.visually-hidden), #handoff-form input:not([type=hidden]):not([type=checkbox]):not([type=radio]), #handoff-form select, #handoff-form label.check, #handoff-form label.fac-option')]
        .filter((el) => (el as HTMLElement).offsetParent !== null && el.getBoundingClientRect().height < 47.5)
        .map((el) => el.outerHTML.slice(0, 90)),
    );
    expect(small).toEqual([]);
    await suite.screenshot(phone, 'handoff-1-field-form-phone');

    await Promise.all([phone.waitForURL(/\/handoffs\/[0-9a-f-]{36}/), phone.click('#save-handoff')]);
    const number = (await phone.textContent('#handoff-number'))!.trim();
    expect(number).toMatch(/^HO-3171-\d{8}-\d{4}$/);
    expect(await phone.textContent('.flashes')).toContain(number);
    expect(await phone.textContent('#count-total')).toBe('4');
    // The draft is forgotten once the handoff is saved.
    expect(await phone.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('singgah.handoff-draft')).length)).toBe(0);
    await suite.screenshot(phone, 'handoff-2-submitted-phone');
    const h = (await suite.db.select().from(handoffs).where(eq(handoffs.number, number)).get())!;
    const lines = (await suite.db.select().from(handoffPersons).where(eq(handoffPersons.handoffId, h.id)).all()).sort((a, b) => a.seq - b.seq);
    expect(lines.map((l) => l.name ?? l.description)).toEqual(['Siti Rahmawati Ujicoba', 'laki-laki lansia, kaos loreng, bertongkat', 'Bagus Ujicoba', 'Darto Ujicoba']);
    await expect.poll(() => phone.evaluate(() => document.body.dataset.live)).toBe('connected');

    // ---- At the desk, on a tablet: it arrived live ----
    const card = desk.locator(`a.handoff-card[data-number="${number}"]`);
    await card.waitFor({ timeout: 3000 });
    expect(await card.textContent()).toContain('4 dari 4 belum dicatat');
    await Promise.all([desk.waitForURL(new RegExp(`/handoffs/${h.id}`)), card.click()]);
    await expect.poll(() => desk.evaluate(() => document.body.dataset.live)).toBe('connected');

    async function receive(seq: number) {
      const line = lines[seq - 1]!;
      await Promise.all([desk.waitForURL(/\/receive$/), desk.click(`#hp-${line.id} a.receive-link`)]);
      // The intake form is filled from what the officers wrote.
      expect(await desk.inputValue('input[name="persons.0.estimated_age"]')).toBe(String(line.approxAge));
      expect(await desk.isChecked(`input[name="persons.0.sex"][value="${line.sex}"]`)).toBe(true);
      if (seq === 1) {
        expect(await desk.inputValue('input[name="persons.0.name"]')).toBe('Siti Rahmawati Ujicoba');
        expect(await desk.isChecked('input[name="persons.0.pregnant"]')).toBe(true);
        expect(await desk.textContent('#officers-record')).toContain('buku KIA');
        await desk.fill('input[name="persons.0.pregnancy_weeks"]', '30');
        await suite.screenshot(desk, 'handoff-3-receive-prefilled-tablet');
      }
      await desk.check('input[name="persons.0.consent"]');
      // A child cannot consent alone: the grandmother who came with him consents for him, named.
      if (line.approxAge !== null && line.approxAge < 18) {
        await desk.selectOption('select[name="persons.0.consent_by"]', 'guardian');
        await desk.fill('input[name="persons.0.consent_by_name"]', 'Nenek Ujicoba (orang ke-2)');
      }
      await desk.click('#receive-save');
      await desk.waitForLoadState();
      // The duplicate check runs here: a demo resident may look alike. These are new people.
      if (await desk.locator('#needs-decision').count()) {
        await desk.check('input[name="persons.0.decision"][value="new"]');
        await desk.click('#receive-save');
      }
      await desk.waitForURL(new RegExp(`/handoffs/${h.id}#hp-${line.id}$`));
      expect(await desk.getAttribute(`#hp-${line.id}`, 'data-status')).toBe('RECEIVED');
    }
    await receive(1);
    // The officers' phone follows the desk live: one fewer pending.
    await expect.poll(() => phone.textContent('#count-pending'), { timeout: 3000 }).toBe('3');
    await receive(2);
    await receive(3);

    // Darto ran off when the truck stopped: not received, with a reason.
    const darto = lines[3]!;
    await desk.click(`#hp-${darto.id} details.not-received > summary`);
    await desk.fill(`#hp-${darto.id} input[name="reason"]`, 'Melarikan diri saat turun dari truk; dibawa kembali oleh petugas');
    await Promise.all([desk.waitForURL(new RegExp(`#hp-${darto.id}$`)), desk.click(`#hp-${darto.id} button[type="submit"]`)]);
    expect(await desk.getAttribute(`#hp-${darto.id}`, 'data-status')).toBe('NOT_RECEIVED');

    // Everyone accounted for: the handoff closed itself.
    expect(await desk.getAttribute('#handoff-summary', 'data-status')).toBe('CLOSED');
    expect(await desk.textContent('#count-received')).toBe('3');
    expect(await desk.textContent('#count-not-received')).toBe('1');
    expect(await desk.textContent('#count-pending')).toBe('0');
    await suite.screenshot(desk, 'handoff-4-desk-closed-tablet');
    const closed = (await suite.db.select().from(handoffs).where(eq(handoffs.id, h.id)).get())!;
    expect(closed.status).toBe('CLOSED');
    expect(closed.closedAt).not.toBeNull();
    // The received are linked both ways and came by Satpol PP; the pregnant woman kept her weeks.
    const received = (await suite.db.select().from(handoffPersons).where(eq(handoffPersons.handoffId, h.id)).all()).filter((l) => l.status === 'RECEIVED');
    expect(received).toHaveLength(3);
    const siti = (await suite.db.select().from(persons).where(eq(persons.id, received.find((l) => l.seq === 1)!.personId!)).get())!;
    expect(siti).toMatchObject({ name: 'Siti Rahmawati Ujicoba', pregnant: true, pregnancyWeeks: 30, source: 'satpol_handoff' });
    await desk.goto(`/residents/${siti.id}`);
    expect(await desk.textContent('#handoff')).toContain(number);
    // Routing (issue 5) suggests where a pregnant woman can be cared for: the balai with maternity care.
    const suggestions = desk.locator(`#suggestions-${siti.id}`);
    await suggestions.waitFor({ timeout: 5000 });
    expect(await suggestions.textContent()).toContain('Kasih Bunda');
    await suite.screenshot(desk, 'handoff-4b-received-person-suggestions-tablet');

    // The officers see it closed on their phone, live, without reloading.
    await expect.poll(() => phone.getAttribute('#handoff-summary', 'data-status'), { timeout: 3000 }).toBe('CLOSED');
    expect(await phone.textContent(`#hp-${darto.id}`)).toContain('Melarikan diri');
    expect(await phone.content()).not.toContain(siti.residentCode);
    await suite.screenshot(phone, 'handoff-5-closed-phone');

    // ---- The BAST: on screen, then on A4 paper ----
    await desk.goto(`/handoffs/${h.id}/bast`);
    const text = (await desk.textContent('#bast'))!;
    expect(text).toContain('BERITA ACARA SERAH TERIMA');
    expect(text).toContain(number);
    expect(text).toContain('Hendra Saputra');
    expect(text).toContain('Petugas GOR Cempaka Putih');
    expect(text).toContain('19900202 201501 2 002');
    expect(await desk.textContent('#bast-received')).toBe('3');
    expect(await desk.textContent('#bast-not-received')).toBe('1');
    expect(await desk.locator('#bast-persons tbody tr').count()).toBe(4);
    expect(await desk.isVisible('#bast-print')).toBe(true);
    await suite.screenshot(desk, 'bast');
    const pdfPath = join(SCREENSHOT_DIR, 'bast.pdf');
    await desk.pdf({ path: pdfPath, format: 'A4', printBackground: true });
    expect(statSync(pdfPath).size).toBeGreaterThan(2000);
    const pdf = readFileSync(pdfPath).toString('latin1');
    expect(pdf.startsWith('%PDF-')).toBe(true);
    const pages = (pdf.match(/\/Type\s*\/Page(?!s)/g) ?? []).length;
    expect(pages).toBeGreaterThanOrEqual(1);
    expect(pages).toBeLessThanOrEqual(3);

    // The officer who submitted may print it too; the wall display may not.
    const res = await phone.goto(`/handoffs/${h.id}/bast`);
    expect(res!.status()).toBe(200);
    expect(cspErrors).toEqual([]);
    await desk.context().close();
    await phone.context().close();
    // A whole shift's story in one test (phone, desk, four receipts, BAST, PDF):
    // about 25 s on a quiet 2-core machine, so the default 30 s is too close.
  }, 120_000);
});
