import { describe } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { parseConfig, type Config } from '../../src/config.ts';
import { openDatabase, type Db } from '../../src/db/client.ts';
import { TEST_ENGINE } from '../helpers/app.ts';
import { createTestPgDatabase } from '../helpers/pg.ts';
import { childEnv } from '../helpers/child-process.ts';

/**
 * Browser tests drive Debian's Chromium (never a downloaded browser) with
 * playwright-core against a real server on a temporary SQLite file.
 * Without Chromium they are skipped loudly; with CI=true a missing Chromium fails.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available) {
  const msg = `\n*** Browser tests SKIPPED: no Chromium at ${CHROMIUM}. Install it with: apt-get install -y chromium ***\n`;
  if (process.env.CI === 'true') throw new Error(msg + 'CI=true: a missing Chromium is a failure.');
  process.stderr.write(msg);
}
/** `describe` when Chromium is here, a loud skip otherwise. */
export const describeBrowser = available ? describe : describe.skip;

export const VIEWPORTS = {
  tablet: { width: 768, height: 1024 },
  phone: { width: 390, height: 844 },
  wall: { width: 1920, height: 1080 },
} as const;

export const SCREENSHOT_DIR = resolve('tests/e2e/screenshots');

export interface BrowserSuite {
  baseUrl: string;
  db: Db;
  app: FastifyInstance;
  config: Config;
  browser: Browser;
  page(viewport?: keyof typeof VIEWPORTS | { width: number; height: number }): Promise<Page>;
  login(page: Page, username: string, password: string): Promise<void>;
  screenshot(page: Page, name: string, opts?: { fullPage?: boolean }): Promise<string>;
  /** Stop the server and start a new one on the same port and database file (reconnect tests). */
  restartServer(): Promise<void>;
  close(): Promise<void>;
}

export async function startBrowserSuite(opts: { seed?: (db: Db) => unknown; env?: Record<string, string> } = {}): Promise<BrowserSuite> {
  const dir = mkdtempSync(join(tmpdir(), 'singgah-e2e-'));
  const config = parseConfig({
    DATABASE_PATH: join(dir, 'e2e.db'),
    SESSION_SECRET: 'e2e-secret-e2e-secret-e2e-secret-0123456789',
    LOG_LEVEL: 'warn',
    PORT: '0',
    // Load shedding off: the browser driver, the seed and the server share one event loop on a loaded CI
    // machine, and a 503 "busy" page in place of /login left a test waiting 30 s for a field that never came.
    LOAD_SHED_DELAY_MS: '0',
    ...opts.env,
  });
  // The postgres project drives the same pages over PostgreSQL: a fresh database, dropped at close.
  const pgdb = TEST_ENGINE === 'postgres' ? await createTestPgDatabase() : null;
  const target = pgdb?.url ?? config.DATABASE_PATH;
  let db = await openDatabase(target);
  if (opts.seed) await opts.seed(db);
  let app = await buildApp(config, { db, logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as AddressInfo).port;
  const baseUrl = `http://127.0.0.1:${port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    env: childEnv(),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  mkdirSync(SCREENSHOT_DIR, { recursive: true });

  const suite: BrowserSuite = {
    baseUrl,
    get db() {
      return db;
    },
    get app() {
      return app;
    },
    config,
    browser,
    async page(viewport = 'tablet') {
      const size = typeof viewport === 'string' ? VIEWPORTS[viewport] : viewport;
      const context = await browser.newContext({ viewport: size, baseURL: baseUrl, locale: 'id-ID' });
      const page = await context.newPage();
      page.on('pageerror', (err) => process.stderr.write(`[browser pageerror] ${err.message}\n`));
      page.on('console', (m) => {
        if (m.type() === 'error') process.stderr.write(`[browser console] ${m.text()}\n`);
      });
      return page;
    },
    async login(page, username, password) {
      const res = await page.goto('/login');
      // Say what came instead of the sign-in form (a 503, an error page) rather than wait 30 s for a field.
      if (!res?.ok()) throw new Error(`GET /login answered ${res?.status()}: ${(await page.textContent('body', { timeout: 5000 }))?.slice(0, 300)}`);
      await page.fill('input[name="username"]', username);
      await page.fill('input[name="password"]', password);
      await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('button[type="submit"]')]);
    },
    async screenshot(page, name, o = {}) {
      const file = join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({ path: file, fullPage: o.fullPage ?? true });
      return file;
    },
    async restartServer() {
      await app.close();
      db = await openDatabase(target);
      app = await buildApp(config, { db, logger: false });
      await app.listen({ port, host: '127.0.0.1' });
    },
    async close() {
      await browser.close();
      await app.close();
      if (pgdb) await pgdb.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return suite;
}

/** Opens a page until the service worker controls it and has kept it (the offline shell's tests). */
export async function openKept(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller !== null, null, { timeout: 15_000 }).catch(async () => {
    // The first load registered the worker; the second is under its control.
    await page.reload();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 15_000 });
  });
  await page.waitForFunction(async (p) => !!(await caches.match(new URL(p, location.href).href)), path, { timeout: 15_000 });
}

/** The intake form's first person: a woman of `age` who consents (the offline and outbox tests' walk-in). */
export async function fillIntake(page: Page, name: string, age: number): Promise<void> {
  await page.fill('input[name="persons.0.name"]', name);
  await page.check('input[name="persons.0.sex"][value="P"]');
  await page.fill('input[name="persons.0.estimated_age"]', String(age));
  await page.check('input[name="persons.0.consent"]');
}

/** The JSON API as the holder of a token; suite and token are read at each call (suites set them in beforeAll). */
export function apiAs(suite: () => BrowserSuite, token: () => string) {
  return async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${suite().baseUrl}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token()}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    // oxlint-disable-next-line typescript/no-explicit-any -- the tests read what each answer holds
    return { status: res.status, json: (await res.json()) as Record<string, any> };
  };
}

/** The queue's counter, "Menunggu dikirim (N)", that every page carries. */
export const outboxCounter = (page: Page) => page.locator('#outbox-count');
