import fp from 'fastify-plugin';
import { timingSafeEqual } from 'node:crypto';
import { DomainError } from '../domain/errors.ts';
import { newSecret } from '../lib/ids.ts';

export const CSRF_COOKIE = 'sgh_csrf';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * CSRF for every write made with a browser session: the session's token must
 * come back as the `_csrf` form field or the `X-CSRF-Token` header (htmx
 * requests, see static/js/app.js). Before sign-in (the login form) a
 * double-submit cookie stands in. Bearer-token API calls carry no cookie and
 * need none.
 */
export default fp(
  async (app) => {
    app.addHook('preValidation', async (request) => {
      if (SAFE.has(request.method)) return;
      if (request.actor?.type === 'token') return;
      const body = request.body as Record<string, unknown> | undefined;
      const sent =
        (typeof request.headers['x-csrf-token'] === 'string' ? request.headers['x-csrf-token'] : undefined) ??
        (body && typeof body._csrf === 'string' ? body._csrf : undefined);
      const expected = request.session?.csrfToken ?? request.cookies[CSRF_COOKIE];
      if (!sent || !expected || !same(sent, expected)) throw new DomainError('CSRF', 'error.csrf');
    });
  },
  { name: 'csrf', dependencies: ['auth'] },
);

/** The token a form on this page must carry; sets the pre-login cookie when needed. */
export function csrfTokenFor(request: import('fastify').FastifyRequest, reply: import('fastify').FastifyReply): string {
  if (request.session) return request.session.csrfToken;
  let token = request.cookies[CSRF_COOKIE];
  if (!token) {
    token = newSecret(24);
    reply.setCookie(CSRF_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'strict', secure: request.protocol === 'https' });
    request.cookies[CSRF_COOKIE] = token;
  }
  return token;
}
