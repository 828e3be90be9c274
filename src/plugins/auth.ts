import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Access } from '../types.js';
import type { Actor } from '../domain/actor.ts';
import { resolveSession } from '../domain/accounts/sessions.ts';
import { resolveToken } from '../domain/accounts/tokens.ts';
import { DomainError } from '../domain/errors.ts';
import { applyUserLang } from './i18n.ts';

export const SESSION_COOKIE = 'sgh_session';

/** Paths a user who must change a temporary password may still reach (exact paths; public routes are open anyway). */
const PASSWORD_CHANGE_PATHS = new Set(['/account/password', '/logout']);

/**
 * One mechanism for access: every route declares `config.access`
 * ('public', 'authenticated' or a list of roles); this plugin refuses to start
 * with a route that declares none, resolves who is calling (session cookie,
 * `Authorization: Bearer`, or `?token=` on the live socket) and checks the
 * role before the handler runs. Record scope is checked by the domain verbs.
 */
export default fp(
  async (app) => {
    app.decorateRequest('actor', null);
    app.decorateRequest('session', null);
    app.decorateRequest('isApi', false);
    app.decorateRequest('isHtmx', false);

    app.addHook('onRoute', (route) => {
      const url = route.url ?? route.path;
      if (route.config?.access !== undefined) return;
      // @fastify/static's own routes serve public assets only.
      if (url.startsWith('/static')) {
        route.config = { ...(route.config ?? {}), access: 'public' };
        return;
      }
      throw new Error(`Route ${String(route.method)} ${url} declares no config.access`);
    });

    app.addHook('onRequest', async (request, reply) => {
      // /metrics is read by machines: an admin token is taken there too, and errors are problem+json.
      request.isApi = request.url.startsWith('/api/') || request.url.split('?')[0] === '/metrics';
      request.isHtmx = request.headers['hx-request'] === 'true';
      await authenticate(request);
      const access = request.routeOptions.config?.access;
      if (access === undefined) return; // 404 handler
      checkAccess(request, reply, access);
    });
  },
  { name: 'auth', dependencies: ['db', 'i18n', '@fastify/cookie'] },
);

async function authenticate(request: FastifyRequest): Promise<void> {
  const db = request.server.db;
  const ip = request.ip ?? null;
  const header = request.headers.authorization;
  const queryToken = request.url.startsWith('/api/v1/live') ? (request.query as Record<string, unknown>)?.token : undefined;
  const bearer = header?.startsWith('Bearer ') ? header.slice(7).trim() : typeof queryToken === 'string' ? queryToken : undefined;
  if (header !== undefined && !header.startsWith('Bearer ')) {
    throw new DomainError('UNAUTHENTICATED', 'error.unauthenticated');
  }
  if (bearer !== undefined) {
    // Tokens are for the API only; a bad token is a 401, never a silent fallback to the cookie.
    const token = request.isApi ? await resolveToken(db, bearer) : null;
    if (!token) throw new DomainError('UNAUTHENTICATED', 'error.unauthenticated');
    request.actor = {
      type: 'token',
      id: token.id,
      label: `token:${token.name}`,
      role: token.role,
      facilityId: token.facilityId,
      wilayahCode: token.wilayahCode,
      ip,
      lang: request.lang,
      accountId: token.userId,
    } satisfies Actor;
    return;
  }
  const raw = request.cookies[SESSION_COOKIE];
  if (!raw) return;
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || !unsigned.value) return;
  const found = await resolveSession(db, unsigned.value);
  if (!found) return;
  applyUserLang(request, found.user.lang);
  request.session = { idHash: found.idHash, csrfToken: found.csrfToken, mustChangePassword: found.user.mustChangePassword };
  request.actor = {
    type: 'user',
    id: found.user.id,
    label: found.user.username,
    role: found.user.role,
    facilityId: found.user.facilityId,
    wilayahCode: found.user.wilayahCode,
    ip,
    lang: request.lang,
  };
}

/** The page an htmx request came from (its path only), to come back to after signing in. */
function pageOf(request: FastifyRequest): string {
  try {
    const u = new URL(String(request.headers['hx-current-url'] ?? ''));
    return u.pathname + u.search;
  } catch {
    return request.url;
  }
}

function checkAccess(request: FastifyRequest, reply: FastifyReply, access: Access): void {
  if (access === 'public') return;
  const actor = request.actor;
  if (!actor) {
    if (!request.isApi) {
      const next = encodeURIComponent(request.url);
      if (request.isHtmx) {
        // Not a 303: fetch would follow it and htmx would swap the login page into the region.
        // htmx 4 honours HX-Redirect on any status (a full page load), so answer 401 with it.
        reply.code(401).header('HX-Redirect', `/login?next=${encodeURIComponent(pageOf(request))}`).send('');
        return;
      }
      reply.redirect(`/login?next=${next}`, 303);
      return;
    }
    throw new DomainError('UNAUTHENTICATED', 'error.unauthenticated');
  }
  if (request.session?.mustChangePassword && !PASSWORD_CHANGE_PATHS.has(request.url.split('?')[0]!)) {
    // A one-time password opens the change-password page and nothing else: no page, no API call, no socket.
    if (request.isApi || request.headers.upgrade !== undefined) throw new DomainError('FORBIDDEN', 'error.must_change_password');
    if (request.isHtmx) reply.header('HX-Redirect', '/account/password');
    reply.redirect('/account/password', 303);
    return;
  }
  if (access === 'authenticated') return;
  if (actor.role === 'system' || !access.includes(actor.role)) throw new DomainError('FORBIDDEN', 'error.forbidden');
}
