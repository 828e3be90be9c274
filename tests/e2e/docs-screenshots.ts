import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { startBrowserSuite } from './browser.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { DEMO_PASSWORD } from '../../src/demo/facilities.ts';

/**
 * `npm run screenshots`: the README's pictures, taken with Debian's Chromium
 * on fresh demo databases at tablet (768×1024), phone (390×844) and wall
 * (1920×1080) sizes, into docs/screenshots/.
 */
const OUT = resolve('docs/screenshots');
mkdirSync(OUT, { recursive: true });

interface Shot {
  file: string;
  user: string;
  path: string;
  size: 'tablet' | 'phone' | 'wall';
  full?: boolean;
}

const SHOTS: Shot[] = [
  { file: 'login-phone', user: '', path: '/login', size: 'phone' },
  { file: 'intake-home-tablet', user: 'intake', path: '/', size: 'tablet' },
  { file: 'intake-form-tablet', user: 'intake', path: '/intake', size: 'tablet' },
  { file: 'residents-tablet', user: 'intake', path: '/residents', size: 'tablet' },
  { file: 'facilities-tablet', user: 'manager', path: '/facilities', size: 'tablet' },
  { file: 'referrals-tablet', user: 'manager', path: '/referrals', size: 'tablet' },
  { file: 'handoff-new-phone', user: 'satpol', path: '/handoffs/new', size: 'phone' },
  { file: 'handoffs-tablet', user: 'intake', path: '/handoffs', size: 'tablet' },
  { file: 'reports-tablet', user: 'command', path: '/reports', size: 'tablet' },
  { file: 'command-home-tablet', user: 'command', path: '/', size: 'tablet' },
  { file: 'intake-home-phone', user: 'intake', path: '/', size: 'phone' },
  { file: 'board-wall', user: 'display', path: '/board', size: 'wall' },
  { file: 'admin-tablet', user: 'admin', path: '/admin', size: 'tablet' },
];

async function capture(scale: 'default' | 'pwtc', shots: Shot[]) {
  const suite = await startBrowserSuite({ seed: async (db) => await seedDemo(db, { scale }) });
  try {
    for (const s of shots) {
      const page = await suite.page(s.size);
      if (s.user) await suite.login(page, s.user, DEMO_PASSWORD);
      const res = await page.goto(s.path);
      if (!res || res.status() >= 400) {
        process.stdout.write(`skip ${s.file}: ${s.path} answered ${res?.status()}\n`);
      } else {
        await page.waitForTimeout(400);
        await page.screenshot({ path: resolve(OUT, `${s.file}.png`), fullPage: s.full ?? false });
        process.stdout.write(`docs/screenshots/${s.file}.png\n`);
      }
      await page.context().close();
    }
  } finally {
    await suite.close();
  }
}

await capture('default', SHOTS);
await capture('pwtc', [{ file: 'board-pwtc-wall', user: 'display', path: '/board', size: 'wall' }]);
