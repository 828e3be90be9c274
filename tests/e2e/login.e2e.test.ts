import { it, expect, beforeAll, afterAll } from 'vitest';
import { describeBrowser, startBrowserSuite, type BrowserSuite } from './browser.ts';
import { makeFacility, makeUser } from '../helpers/factories.ts';
import type { Role } from '../../src/db/schema/index.ts';

const ROLES: Role[] = ['admin', 'command', 'manager', 'intake', 'satpol', 'display'];

describeBrowser('sign-in at tablet size, every role', () => {
  let suite: BrowserSuite;
  const accounts = new Map<Role, { username: string; password: string }>();

  beforeAll(async () => {
    suite = await startBrowserSuite({
      seed: async (db) => {
        const tps = await makeFacility(db, { kind: 'TPS', name: 'GOR Cempaka Putih', wilayahCode: '31.71' });
        for (const role of ROLES) {
          const binding = role === 'manager' || role === 'intake' ? { facilityId: tps.id } : role === 'satpol' ? { wilayahCode: '31.71' } : {};
          const u = await makeUser(db, role, { username: `e2e-${role}`, ...binding });
          accounts.set(role, u);
        }
      },
    });
  });
  afterAll(async () => await suite?.close());

  it('shows one neutral message for a wrong password', async () => {
    const page = await suite.page('tablet');
    await page.goto('/login');
    await page.fill('input[name="username"]', 'e2e-command');
    await page.fill('input[name="password"]', 'wrong-password');
    await page.click('button[type="submit"]');
    await expect.poll(() => page.textContent('#login-error')).toContain('Nama pengguna atau kata sandi salah.');
    await suite.screenshot(page, 'login-failed-tablet');
    await page.context().close();
  });

  for (const role of ROLES) {
    it(`${role} lands on their home page`, async () => {
      const page = await suite.page('tablet');
      const { username, password } = accounts.get(role)!;
      await suite.login(page, username, password);
      if (role === 'display') {
        // A wall display's home is the board: numbers, no names (not even its own).
        expect(new URL(page.url()).pathname).toBe('/board');
      } else {
        expect(await page.textContent('body')).toContain(username);
        expect(await page.textContent('h1')).toContain(username);
      }
      // Touch targets: every button and nav link is at least 44 px tall.
      const small = await page.$$eval('button, .mainnav a, .btn', (els) =>
        els.filter((e) => (e as HTMLElement).offsetParent !== null && e.getBoundingClientRect().height < 44).map((e) => e.textContent?.trim()),
      );
      expect(small).toEqual([]);
      await suite.screenshot(page, `home-${role}-tablet`);
      await page.context().close();
    });
  }
});
