import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Role } from '../../src/db/schema/index.ts';
import { makeTestApp } from '../helpers/app.ts';
import { makeFacility, makeUser, makeToken } from '../helpers/factories.ts';
import { Browser, signedIn, bearer } from '../helpers/session.ts';

/**
 * Every route family × every role: allowed or refused, checked on the server.
 * Each feature appends its routes to ROUTES. "Allowed" means the role gets
 * past the access check (any answer but 401/403 and a redirect to /login);
 * refused means 403. Record-level scope is tested by each feature's own tests.
 */
type Allowed = readonly Role[] | 'authenticated';
interface RouteCase {
  method: 'GET' | 'POST' | 'PATCH';
  url: string;
  allowed: Allowed;
}

const ALL: readonly Role[] = ['admin', 'command', 'manager', 'intake', 'satpol', 'display', 'pendamping'];

export const PAGE_ROUTES: RouteCase[] = [
  { method: 'GET', url: '/', allowed: 'authenticated' },
  { method: 'GET', url: '/account/password', allowed: 'authenticated' },
  { method: 'GET', url: '/admin', allowed: ['admin'] },
  { method: 'POST', url: '/admin/users', allowed: ['admin'] },
  { method: 'POST', url: '/admin/tokens', allowed: ['admin'] },
  { method: 'POST', url: '/admin/users/nobody/disable', allowed: ['admin'] },
  { method: 'POST', url: '/admin/tokens/nothing/revoke', allowed: ['admin'] },
  // Facilities (issue 3). Unknown ids: an allowed role gets past the role check and meets a 404 or 422.
  { method: 'GET', url: '/facilities', allowed: ['admin', 'command', 'manager', 'intake', 'satpol'] },
  { method: 'GET', url: '/facilities?kind=TPS&need=female', allowed: ['admin', 'command', 'manager', 'intake', 'satpol'] },
  { method: 'GET', url: '/facilities/new', allowed: ['admin'] },
  // The wilayah picker's list (issue 25): reference data for any signed-in form.
  { method: 'GET', url: '/wilayah/options?q=semarang', allowed: 'authenticated' },
  { method: 'POST', url: '/facilities', allowed: ['admin'] },
  { method: 'GET', url: '/facilities/nope', allowed: ['admin', 'command', 'manager', 'intake', 'satpol'] },
  { method: 'GET', url: '/facilities/nope/edit', allowed: ['admin'] },
  { method: 'POST', url: '/facilities/nope/edit', allowed: ['admin'] },
  { method: 'POST', url: '/facilities/nope/status', allowed: ['admin', 'manager'] },
  { method: 'POST', url: '/facilities/nope/units', allowed: ['admin', 'manager'] },
  { method: 'POST', url: '/facilities/nope/units/nope', allowed: ['admin', 'manager'] },
  // Intake desk and residents (issue 4): people are seen by admin, command, and facility staff only.
  { method: 'GET', url: '/intake', allowed: ['admin', 'command', 'manager', 'intake'] },
  { method: 'POST', url: '/intake', allowed: ['admin', 'command', 'manager', 'intake'] },
  { method: 'GET', url: '/intake/check-in', allowed: ['admin', 'command', 'manager', 'intake'] },
  { method: 'POST', url: '/intake/check-in', allowed: ['admin', 'command', 'manager', 'intake'] },
  { method: 'GET', url: '/intake/summary', allowed: ['admin', 'command', 'manager', 'intake'] },
  { method: 'GET', url: '/residents', allowed: ['admin', 'command', 'manager', 'intake'] },
  { method: 'GET', url: '/residents?q=rizki', allowed: ['admin', 'command', 'manager', 'intake'] },
  { method: 'GET', url: '/residents/nope', allowed: ['admin', 'command', 'manager', 'intake'] },
  { method: 'GET', url: '/residents/nope/card', allowed: ['admin', 'command', 'manager', 'intake'] },
  { method: 'POST', url: '/residents/nope/reveal-nik', allowed: ['admin', 'command', 'manager', 'intake'] },
  { method: 'POST', url: '/residents/nope/merge', allowed: ['admin', 'command', 'manager'] },
  { method: 'POST', url: '/residents/nope/anonymise', allowed: ['admin'] },
  { method: 'GET', url: '/residents/nope/edit', allowed: ['admin', 'command', 'manager', 'intake'] },
  { method: 'POST', url: '/residents/nope/edit', allowed: ['admin', 'command', 'manager', 'intake'] },
  { method: 'POST', url: '/residents/nope/household/add', allowed: ['admin', 'command', 'manager', 'intake'] },
  { method: 'POST', url: '/residents/nope/household/remove', allowed: ['admin', 'command', 'manager', 'intake'] },
  { method: 'POST', url: '/stays/nope/discharge', allowed: ['admin', 'command', 'manager', 'intake'] },
  { method: 'GET', url: '/stays/nope/transfer', allowed: ['admin', 'command', 'manager', 'intake'] },
  { method: 'POST', url: '/stays/nope/transfer', allowed: ['admin', 'command', 'manager', 'intake'] },
  // Routing and referrals (issue 5): people's referrals are for admin, command and facility staff; deciding is for managers.
  { method: 'GET', url: '/referrals', allowed: ['admin', 'command', 'manager', 'intake'] },
  { method: 'POST', url: '/referrals', allowed: ['admin', 'command', 'manager', 'intake'] },
  { method: 'GET', url: '/residents/nope/suggestions', allowed: ['admin', 'command', 'manager', 'intake'] },
  { method: 'POST', url: '/referrals/nope/accept', allowed: ['admin', 'command', 'manager'] },
  { method: 'POST', url: '/referrals/nope/refuse', allowed: ['admin', 'command', 'manager'] },
  { method: 'POST', url: '/referrals/nope/depart', allowed: ['admin', 'command', 'manager', 'intake'] },
  { method: 'POST', url: '/referrals/nope/arrive', allowed: ['admin', 'command', 'manager', 'intake'] },
  { method: 'POST', url: '/referrals/nope/cancel', allowed: ['admin', 'command', 'manager', 'intake'] },
  { method: 'POST', url: '/referrals/alerts/nope/resolve', allowed: ['admin', 'command'] },
  // Reports (issue 8): admin, command, and a manager for their own facility; exports as CSV, Excel and HXL; the audited person list.
  { method: 'GET', url: '/reports', allowed: ['admin', 'command', 'manager'] },
  { method: 'GET', url: '/reports?from=2026-03-01&to=2026-03-05', allowed: ['admin', 'command', 'manager'] },
  { method: 'GET', url: '/reports/print', allowed: ['admin', 'command', 'manager'] },
  { method: 'GET', url: '/reports/census.csv', allowed: ['admin', 'command', 'manager'] },
  { method: 'GET', url: '/reports/census.xlsx', allowed: ['admin', 'command', 'manager'] },
  { method: 'GET', url: '/reports/handled.csv', allowed: ['admin', 'command', 'manager'] },
  { method: 'GET', url: '/reports/all.xlsx', allowed: ['admin', 'command', 'manager'] },
  { method: 'GET', url: '/reports/occupancy-hxl.csv', allowed: ['admin', 'command', 'manager'] },
  { method: 'GET', url: '/reports/occupancy.hxl.csv', allowed: ['admin', 'command', 'manager'] },
  { method: 'POST', url: '/reports/residents.csv', allowed: ['admin', 'command', 'manager'] },
  { method: 'POST', url: '/reports/residents.xlsx', allowed: ['admin', 'command', 'manager'] },
  // Satpol PP handoffs (issue 6): Satpol PP submit and follow their own; the receiving desk accounts for people.
  { method: 'GET', url: '/handoffs', allowed: ['admin', 'command', 'manager', 'intake', 'satpol'] },
  { method: 'GET', url: '/handoffs/new', allowed: ['admin', 'command', 'satpol'] },
  { method: 'POST', url: '/handoffs', allowed: ['admin', 'command', 'satpol'] },
  { method: 'GET', url: '/handoffs/incoming', allowed: ['admin', 'command', 'manager', 'intake'] },
  { method: 'GET', url: '/handoffs/nope', allowed: ['admin', 'command', 'manager', 'intake', 'satpol'] },
  { method: 'GET', url: '/handoffs/nope/bast', allowed: ['admin', 'command', 'manager', 'intake', 'satpol'] },
  { method: 'GET', url: '/handoffs/nope/persons/nope/receive', allowed: ['admin', 'command', 'manager', 'intake'] },
  { method: 'POST', url: '/handoffs/nope/persons/nope/receive', allowed: ['admin', 'command', 'manager', 'intake'] },
  { method: 'POST', url: '/handoffs/nope/persons/nope/not-received', allowed: ['admin', 'command', 'manager', 'intake'] },
  // ATENSI case work (issue 15): a pendamping works their own cases; managers and the command centre assign.
  { method: 'GET', url: '/cases', allowed: ['admin', 'command', 'manager', 'intake', 'pendamping'] },
  { method: 'GET', url: '/cases/nope', allowed: ['admin', 'command', 'manager', 'intake', 'pendamping'] },
  { method: 'GET', url: '/cases/nope/summary', allowed: ['admin', 'command', 'manager', 'intake', 'pendamping'] },
  { method: 'POST', url: '/cases/nope/assign', allowed: ['admin', 'command', 'manager'] },
  { method: 'POST', url: '/cases/nope/cluster', allowed: ['admin', 'command', 'manager', 'pendamping'] },
  { method: 'POST', url: '/cases/nope/assessment', allowed: ['admin', 'command', 'manager', 'pendamping'] },
  { method: 'POST', url: '/cases/nope/plan', allowed: ['admin', 'command', 'manager', 'pendamping'] },
  { method: 'POST', url: '/cases/nope/services', allowed: ['admin', 'command', 'manager', 'pendamping'] },
  { method: 'POST', url: '/cases/nope/follow-ups', allowed: ['admin', 'command', 'manager', 'pendamping'] },
  { method: 'POST', url: '/cases/nope/follow-ups/nope/done', allowed: ['admin', 'command', 'manager', 'pendamping'] },
  { method: 'POST', url: '/cases/nope/dtks-proposal', allowed: ['admin', 'command', 'manager', 'pendamping'] },
  // ATENSI as a process (issue 26): plan items move, evaluation, closing (reopening by those who assign), transfers, outside referrals, family case.
  { method: 'POST', url: '/cases/nope/plan/nope', allowed: ['admin', 'command', 'manager', 'pendamping'] },
  { method: 'POST', url: '/cases/nope/evaluation', allowed: ['admin', 'command', 'manager', 'pendamping'] },
  { method: 'POST', url: '/cases/nope/close', allowed: ['admin', 'command', 'manager', 'pendamping'] },
  { method: 'POST', url: '/cases/nope/reopen', allowed: ['admin', 'command', 'manager'] },
  { method: 'POST', url: '/cases/nope/family', allowed: ['admin', 'command', 'manager', 'pendamping'] },
  { method: 'POST', url: '/cases/nope/transfers', allowed: ['admin', 'command', 'manager', 'pendamping'] },
  { method: 'POST', url: '/cases/nope/transfers/nope/cancel', allowed: ['admin', 'command', 'manager', 'pendamping'] },
  { method: 'POST', url: '/cases/nope/transfers/nope/accept', allowed: ['pendamping'] },
  { method: 'POST', url: '/cases/nope/transfers/nope/refuse', allowed: ['pendamping'] },
  { method: 'POST', url: '/cases/nope/outside-referrals', allowed: ['admin', 'command', 'manager', 'pendamping'] },
  { method: 'POST', url: '/cases/nope/outside-referrals/nope/answer', allowed: ['admin', 'command', 'manager', 'pendamping'] },
  { method: 'POST', url: '/stays/nope/handover/contact', allowed: ['admin', 'command', 'manager', 'pendamping'] },
  { method: 'GET', url: '/worklists', allowed: ['admin', 'command', 'manager', 'intake', 'pendamping'] },
  { method: 'GET', url: '/reports/casework', allowed: ['admin', 'command', 'manager'] },
  { method: 'GET', url: '/reports/casework.csv?table=journeys', allowed: ['admin', 'command', 'manager'] },
  { method: 'GET', url: '/reports/casework.xlsx', allowed: ['admin', 'command', 'manager'] },
];

export const API_ROUTES: RouteCase[] = [
  { method: 'GET', url: '/api/v1/me', allowed: 'authenticated' },
  { method: 'GET', url: '/api/v1/audit', allowed: ['admin'] },
  // Report exports for tokens (issue 16).
  { method: 'GET', url: '/api/v1/reports/census.csv', allowed: ['admin', 'command', 'manager'] },
  { method: 'GET', url: '/api/v1/reports/handled.xlsx', allowed: ['admin', 'command', 'manager'] },
  { method: 'GET', url: '/api/v1/reports/all.xlsx', allowed: ['admin', 'command', 'manager'] },
  { method: 'GET', url: '/api/v1/reports/occupancy.hxl.csv', allowed: ['admin', 'command', 'manager'] },
  { method: 'GET', url: '/api/v1/alerts', allowed: ['admin', 'command'] },
  { method: 'POST', url: '/api/v1/alerts/none/resolve', allowed: ['admin', 'command'] },
  { method: 'POST', url: '/api/v1/residents/nope/household/members', allowed: ['admin', 'command', 'manager', 'intake'] },
  { method: 'POST', url: '/api/v1/residents/nope/household/members/x/remove', allowed: ['admin', 'command', 'manager', 'intake'] },
  // Facilities (issue 3).
  { method: 'GET', url: '/api/v1/facilities', allowed: ['admin', 'command', 'manager', 'intake', 'satpol'] },
  { method: 'POST', url: '/api/v1/facilities', allowed: ['admin'] },
  { method: 'GET', url: '/api/v1/facilities/nope', allowed: ['admin', 'command', 'manager', 'intake', 'satpol'] },
  { method: 'PATCH', url: '/api/v1/facilities/nope', allowed: ['admin'] },
  { method: 'POST', url: '/api/v1/facilities/nope/status', allowed: ['admin', 'manager'] },
  { method: 'POST', url: '/api/v1/facilities/nope/units', allowed: ['admin', 'manager'] },
  { method: 'GET', url: '/api/v1/units/nope', allowed: ['admin', 'command', 'manager', 'intake', 'satpol'] },
  { method: 'PATCH', url: '/api/v1/units/nope', allowed: ['admin', 'manager'] },
  { method: 'GET', url: '/api/v1/occupancy', allowed: ['admin', 'command', 'manager', 'intake', 'satpol', 'display'] },
  { method: 'GET', url: '/api/v1/wilayah?q=31.7', allowed: 'authenticated' },
  // Residents and stays (issue 4).
  { method: 'POST', url: '/api/v1/residents', allowed: ['admin', 'command', 'manager', 'intake'] },
  { method: 'GET', url: '/api/v1/residents?q=rizki', allowed: ['admin', 'command', 'manager', 'intake'] },
  { method: 'GET', url: '/api/v1/residents/nope', allowed: ['admin', 'command', 'manager', 'intake'] },
  { method: 'POST', url: '/api/v1/residents/nope/reveal-nik', allowed: ['admin', 'command', 'manager', 'intake'] },
  { method: 'POST', url: '/api/v1/residents/nope/merge', allowed: ['admin', 'command', 'manager'] },
  { method: 'POST', url: '/api/v1/residents/nope/anonymise', allowed: ['admin'] },
  { method: 'PATCH', url: '/api/v1/residents/nope', allowed: ['admin', 'command', 'manager', 'intake'] },
  { method: 'POST', url: '/api/v1/stays', allowed: ['admin', 'command', 'manager', 'intake'] },
  { method: 'POST', url: '/api/v1/stays/nope/discharge', allowed: ['admin', 'command', 'manager', 'intake'] },
  { method: 'POST', url: '/api/v1/stays/nope/transfer', allowed: ['admin', 'command', 'manager', 'intake'] },
  // Routing and referrals (issue 5).
  { method: 'GET', url: '/api/v1/routing?person_id=nope', allowed: ['admin', 'command', 'manager', 'intake'] },
  { method: 'GET', url: '/api/v1/referrals', allowed: ['admin', 'command', 'manager', 'intake'] },
  { method: 'GET', url: '/api/v1/referrals/nope', allowed: ['admin', 'command', 'manager', 'intake'] },
  { method: 'POST', url: '/api/v1/referrals', allowed: ['admin', 'command', 'manager', 'intake'] },
  { method: 'POST', url: '/api/v1/referrals/nope/accept', allowed: ['admin', 'command', 'manager'] },
  { method: 'POST', url: '/api/v1/referrals/nope/refuse', allowed: ['admin', 'command', 'manager'] },
  { method: 'POST', url: '/api/v1/referrals/nope/depart', allowed: ['admin', 'command', 'manager', 'intake'] },
  { method: 'POST', url: '/api/v1/referrals/nope/arrive', allowed: ['admin', 'command', 'manager', 'intake'] },
  { method: 'POST', url: '/api/v1/referrals/nope/cancel', allowed: ['admin', 'command', 'manager', 'intake'] },
  // Satpol PP handoffs (issue 6).
  { method: 'POST', url: '/api/v1/handoffs', allowed: ['admin', 'command', 'satpol'] },
  { method: 'GET', url: '/api/v1/handoffs', allowed: ['admin', 'command', 'manager', 'intake', 'satpol'] },
  { method: 'GET', url: '/api/v1/handoffs/nope', allowed: ['admin', 'command', 'manager', 'intake', 'satpol'] },
  { method: 'POST', url: '/api/v1/handoffs/nope/persons/nope/receive', allowed: ['admin', 'command', 'manager', 'intake'] },
  { method: 'POST', url: '/api/v1/handoffs/nope/persons/nope/not-received', allowed: ['admin', 'command', 'manager', 'intake'] },
  // ATENSI case work and worklists (issue 15).
  { method: 'GET', url: '/api/v1/cases', allowed: ['admin', 'command', 'manager', 'intake', 'pendamping'] },
  { method: 'GET', url: '/api/v1/residents/nope/case', allowed: ['admin', 'command', 'manager', 'intake', 'pendamping'] },
  { method: 'POST', url: '/api/v1/residents/nope/case/assign', allowed: ['admin', 'command', 'manager'] },
  { method: 'POST', url: '/api/v1/residents/nope/case/cluster', allowed: ['admin', 'command', 'manager', 'pendamping'] },
  { method: 'POST', url: '/api/v1/residents/nope/case/assessment', allowed: ['admin', 'command', 'manager', 'pendamping'] },
  { method: 'POST', url: '/api/v1/residents/nope/case/plan', allowed: ['admin', 'command', 'manager', 'pendamping'] },
  { method: 'POST', url: '/api/v1/residents/nope/case/services', allowed: ['admin', 'command', 'manager', 'pendamping'] },
  { method: 'POST', url: '/api/v1/residents/nope/case/follow-ups', allowed: ['admin', 'command', 'manager', 'pendamping'] },
  { method: 'POST', url: '/api/v1/residents/nope/case/follow-ups/nope/done', allowed: ['admin', 'command', 'manager', 'pendamping'] },
  { method: 'POST', url: '/api/v1/residents/nope/case/dtks-proposal', allowed: ['admin', 'command', 'manager', 'pendamping'] },
  { method: 'POST', url: '/api/v1/residents/nope/case/plan/nope', allowed: ['admin', 'command', 'manager', 'pendamping'] },
  { method: 'POST', url: '/api/v1/residents/nope/case/evaluation', allowed: ['admin', 'command', 'manager', 'pendamping'] },
  { method: 'POST', url: '/api/v1/residents/nope/case/close', allowed: ['admin', 'command', 'manager', 'pendamping'] },
  { method: 'POST', url: '/api/v1/residents/nope/case/reopen', allowed: ['admin', 'command', 'manager'] },
  { method: 'POST', url: '/api/v1/residents/nope/case/family', allowed: ['admin', 'command', 'manager', 'pendamping'] },
  { method: 'POST', url: '/api/v1/residents/nope/case/transfers', allowed: ['admin', 'command', 'manager', 'pendamping'] },
  { method: 'POST', url: '/api/v1/residents/nope/case/transfers/nope/cancel', allowed: ['admin', 'command', 'manager', 'pendamping'] },
  { method: 'POST', url: '/api/v1/residents/nope/case/transfers/nope/accept', allowed: ['pendamping'] },
  { method: 'POST', url: '/api/v1/residents/nope/case/transfers/nope/refuse', allowed: ['pendamping'] },
  { method: 'GET', url: '/api/v1/cases/transfers', allowed: ['pendamping'] },
  { method: 'POST', url: '/api/v1/residents/nope/case/outside-referrals', allowed: ['admin', 'command', 'manager', 'pendamping'] },
  { method: 'POST', url: '/api/v1/residents/nope/case/outside-referrals/nope/answer', allowed: ['admin', 'command', 'manager', 'pendamping'] },
  { method: 'POST', url: '/api/v1/stays/nope/handover/contact', allowed: ['admin', 'command', 'manager', 'pendamping'] },
  { method: 'GET', url: '/api/v1/worklists/aid', allowed: ['admin', 'command', 'manager', 'intake', 'pendamping'] },
  { method: 'GET', url: '/api/v1/worklists/aid?format=csv', allowed: ['admin', 'command', 'manager', 'intake', 'pendamping'] },
  { method: 'GET', url: '/api/v1/worklists/follow-ups', allowed: ['admin', 'command', 'manager', 'intake', 'pendamping'] },
  { method: 'GET', url: '/api/v1/worklists/dtks?format=xlsx', allowed: ['admin', 'command', 'manager', 'intake', 'pendamping'] },
];

// The API's description is public (an integrator generates a client before holding a token).
const PUBLIC_ROUTES = ['/healthz', '/readyz', '/login', '/static/css/app.css', '/api/v1/openapi.json'];

const isAllowed = (allowed: Allowed, role: Role) => allowed === 'authenticated' || allowed.includes(role);

describe('access matrix', () => {
  let app: FastifyInstance;
  const browsers = new Map<Role, Browser>();
  const tokens = new Map<Role, string>();

  beforeAll(async () => {
    const t = await makeTestApp();
    app = t.app;
    const facility = await makeFacility(t.db, { kind: 'TPS', wilayahCode: '31.71' });
    for (const role of ALL) {
      const binding =
        role === 'manager' || role === 'intake' ? { facilityId: facility.id } : role === 'satpol' ? { wilayahCode: '31.71' } : role === 'pendamping' ? { wilayahCode: '31.71', cluster: 'tuna_sosial' as const } : {};
      const user = await makeUser(t.db, role, binding);
      browsers.set(role, await signedIn(app, user.username, user.password));
      tokens.set(role, await makeToken(t.db, role, role === 'manager' || role === 'intake' ? { facility: facility.id } : role === 'satpol' || role === 'pendamping' ? { wilayah: '31.71' } : {}));
    }
  });
  afterAll(async () => app.close());

  it.each(PUBLIC_ROUTES)('%s is public', async (url) => {
    const res = await app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(200);
  });

  for (const route of PAGE_ROUTES) {
    it(`${route.method} ${route.url} without a session goes to the login page`, async () => {
      const res = await app.inject({ method: route.method, url: route.url });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toMatch(/^\/login/);
    });
    for (const role of ALL) {
      const allowed = isAllowed(route.allowed, role);
      it(`${route.method} ${route.url} as ${role} is ${allowed ? 'allowed' : 'refused'}`, async () => {
        const b = browsers.get(role)!;
        const res = route.method === 'GET' ? await b.get(route.url) : await b.post(route.url, {});
        if (allowed) {
          expect([401, 403]).not.toContain(res.statusCode);
          expect(String(res.headers.location ?? '')).not.toMatch(/^\/login/);
        } else {
          expect(res.statusCode).toBe(403);
        }
      });
    }
  }

  for (const route of API_ROUTES) {
    it(`${route.method} ${route.url} without a token is 401 problem+json`, async () => {
      const res = await app.inject({ method: route.method, url: route.url });
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    });
    for (const role of ALL) {
      const allowed = isAllowed(route.allowed, role);
      it(`${route.method} ${route.url} with a ${role} token is ${allowed ? 'allowed' : 'refused'}`, async () => {
        const call = bearer(app, tokens.get(role)!);
        const res = await call(route.method, route.url, route.method === 'GET' ? undefined : {});
        if (allowed) expect([401, 403]).not.toContain(res.statusCode);
        else {
          expect(res.statusCode).toBe(403);
          expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
        }
      });
    }
  }
});
