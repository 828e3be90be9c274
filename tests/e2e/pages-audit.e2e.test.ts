import { it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { HtmlValidate, type ConfigData } from 'html-validate';
import type { Page } from 'playwright-core';
import { describeBrowser, startBrowserSuite, VIEWPORTS, type BrowserSuite } from './browser.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { DEMO_PASSWORD } from '../../src/demo/facilities.ts';

/**
 * Every main page, as each role sees it, passes axe-core (no serious or
 * critical violation) and html-validate (the repository's .htmlvalidate.json)
 * at tablet, phone and wall sizes.
 */
const AXE = readFileSync(resolve('node_modules/axe-core/axe.min.js'), 'utf8');
const validator = new HtmlValidate(JSON.parse(readFileSync(resolve('.htmlvalidate.json'), 'utf8')) as ConfigData);

interface Target {
  user: string;
  path: string | ((page: Page) => Promise<string>);
  name: string;
}

/** The first link on `from` whose href matches: pages reached by id. */
const firstLink = (from: string, re: RegExp) => async (page: Page) => {
  await page.goto(from);
  const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => a.getAttribute('href') ?? ''));
  const href = hrefs.find((h) => re.test(h));
  if (!href) throw new Error(`no link matching ${re} on ${from}`);
  return href;
};

const TARGETS: Target[] = [
  { user: '', path: '/login', name: 'login' },
  { user: 'admin', path: '/', name: 'home (admin)' },
  { user: 'command', path: '/', name: 'home (command)' },
  { user: 'manager', path: '/', name: 'home (manager)' },
  { user: 'intake', path: '/', name: 'home (intake)' },
  { user: 'satpol', path: '/', name: 'home (satpol)' },
  { user: 'command', path: '/facilities', name: 'facilities' },
  { user: 'manager', path: firstLink('/facilities', /^\/facilities\/[^/]+$/), name: 'facility page' },
  { user: 'intake', path: '/residents', name: 'residents' },
  { user: 'intake', path: firstLink('/residents', /^\/residents\/[^/?]+$/), name: 'person page' },
  { user: 'intake', path: '/intake', name: 'intake' },
  { user: 'intake', path: async (page) => `/intake/check-in?p=${(await firstLink('/residents', /^\/residents\/[^/?]+$/)(page)).split('/')[2]}`, name: 'check-in' },
  { user: 'manager', path: '/referrals', name: 'referrals' },
  { user: 'intake', path: '/handoffs', name: 'handoffs' },
  { user: 'satpol', path: '/handoffs/new', name: 'new handoff' },
  { user: 'intake', path: firstLink('/handoffs', /^\/handoffs\/[^/?]+$/), name: 'handoff page' },
  { user: 'intake', path: async (page) => `${await firstLink('/handoffs', /^\/handoffs\/[^/?]+$/)(page)}/bast`, name: 'BAST' },
  { user: 'command', path: '/board', name: 'board' },
  { user: 'command', path: '/reports', name: 'reports' },
  { user: 'admin', path: '/admin', name: 'admin' },
  { user: 'pendamping', path: '/cases', name: 'cases' },
  { user: 'pendamping', path: firstLink('/cases', /^\/cases\/[^/?#]+$/), name: 'case page' },
];

describeBrowser('every main page: axe-core and html-validate', () => {
  let suite: BrowserSuite;
  beforeAll(async () => {
    suite = await startBrowserSuite({ seed: async (db) => await seedDemo(db) });
  });
  afterAll(async () => await suite?.close());

  for (const size of Object.keys(VIEWPORTS) as (keyof typeof VIEWPORTS)[]) {
    const contexts = new Map<string, Page>();
    const pageFor = async (user: string) => {
      let page = contexts.get(user);
      if (page) return page;
      // bypassCSP: the axe script is injected for the audit only; the app's CSP forbids it, rightly.
      const context = await suite.browser.newContext({ viewport: VIEWPORTS[size], baseURL: suite.baseUrl, locale: 'id-ID', bypassCSP: true });
      page = await context.newPage();
      if (user) await suite.login(page, user, DEMO_PASSWORD);
      contexts.set(user, page);
      return page;
    };
    afterAll(async () => {
      for (const page of contexts.values()) await page.context().close();
    });

    for (const target of TARGETS) {
      it(`${target.name}: no serious or critical axe violation, valid HTML (${size})`, { timeout: 90_000 }, async () => {
        const problems: string[] = [];
        const page = await pageFor(target.user);
        const path = typeof target.path === 'string' ? target.path : await target.path(page);
        const res = await page.goto(path);
        expect(res?.status(), `${target.name} ${path}`).toBe(200);
        await page.addScriptTag({ content: AXE });
        const violations = await page.evaluate(async () => {
          // @ts-expect-error axe is injected above
          const r = await window.axe.run(document, { resultTypes: ['violations'] });
          return (r.violations as { id: string; impact: string; help: string; nodes: { target: string[]; failureSummary: string }[] }[])
            .filter((v) => v.impact === 'serious' || v.impact === 'critical')
            .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 4).map((n) => n.target.join(' ') + ' ' + n.failureSummary.replace(/\s+/g, ' ').slice(0, 160)).join(' | ')}`);
        });
        for (const v of violations) problems.push(`[axe] ${target.name} ${path}: ${v}`);
        const html = await (await page.request.get(path)).text();
        const report = await validator.validateString(html, `${target.name}.html`);
        for (const r of report.results) for (const m of r.messages) problems.push(`[html-validate] ${target.name} ${path}:${m.line}:${m.column} ${m.ruleId}: ${m.message}`);
        // Touch targets (issue 25): on tablet and phone, everything one taps is at least 48 px high and wide
        // (a link inside a sentence is exempt, as WCAG 2.5.8 has it; so is the wall, which no one touches).
        if ((size === 'tablet' || size === 'phone') && target.name !== 'board') {
          const small = await page.evaluate((min) => {
            const out: string[] = [];
            const els = document.querySelectorAll<HTMLElement>('a[href], button, input:not([type="hidden"]), select, textarea, summary, [role="button"]');
            for (const el of els) {
              const style = getComputedStyle(el);
              if (style.visibility === 'hidden' || style.display === 'none' || el.closest('[hidden], .sr-only, .visually-hidden')) continue;
              let r = el.getBoundingClientRect();
              if ((!r.width && !r.height) || r.right <= 0 || r.bottom <= 0) continue;
              // A checkbox or radio is tapped through its label.
              const label = el.closest('label');
              if (label && (el instanceof HTMLInputElement) && (el.type === 'checkbox' || el.type === 'radio')) r = label.getBoundingClientRect();
              if (el.tagName === 'A' && !el.classList.contains('btn') && el.closest('p, li.prose, td, dd, .flash, .muted, small') && el.parentElement && el.parentElement.textContent!.trim() !== el.textContent!.trim()) continue;
              if (r.height < min - 0.5 || r.width < min - 0.5) out.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : ''} "${(el.textContent || (el as HTMLInputElement).name || '').trim().slice(0, 30)}" ${Math.round(r.width)}×${Math.round(r.height)}`);
            }
            return out;
          }, 48);
          for (const s of small) problems.push(`[touch] ${target.name} ${path}: ${s}`);
        }
        expect(problems, problems.join('\n')).toEqual([]);
      });
    }
  }
});
