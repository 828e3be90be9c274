import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { authenticate } from '../../domain/accounts/login.ts';
import { createSession, endSession } from '../../domain/accounts/sessions.ts';
import { changePassword } from '../../domain/accounts/users.ts';
import { DomainError } from '../../domain/errors.ts';
import { SESSION_COOKIE } from '../../plugins/auth.ts';
import { fieldErrorMap } from '../../plugins/views.ts';
import { flash } from '../../plugins/flash.ts';
import { isDemoDatabase } from '../../domain/demo-flag.ts';
import type { Actor } from '../../domain/actor.ts';

/** Only a local path may be a post-login destination (no open redirect). */
function safeNext(next: unknown): string {
  return typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}

function anonymousActor(request: FastifyRequest): Actor {
  return { type: 'user', id: null, label: '-', role: 'system', facilityId: null, wilayahCode: null, ip: request.ip, lang: request.lang };
}

const authRoutes: FastifyPluginAsync = async (app) => {
  app.get('/login', { config: { access: 'public' } }, async (request, reply) => {
    if (request.actor && request.actor.type === 'user') return reply.redirect('/', 303);
    const q = request.query as Record<string, string | undefined>;
    return reply.view('pages/auth/login', {
      next: safeNext(q.next),
      notice: q.out === '1' ? request.t('login.signed_out') : undefined,
      demo: await isDemoDatabase(app.db),
    });
  });

  app.post('/login', { config: { access: 'public' } }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const username = typeof body.username === 'string' ? body.username : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const next = safeNext(body.next);
    try {
      const user = await authenticate({ db: app.db, limiter: app.loginLimiter, username, password, ip: request.ip, actor: anonymousActor(request) });
      // A new session id at every login; any earlier one on this browser ends.
      const old = request.session;
      if (old) await endSession(app.db, old.idHash);
      const session = await createSession(app.db, user.id, user.role, request.ip, request.headers['user-agent'] ?? null);
      reply.setCookie(SESSION_COOKIE, session.token, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: request.protocol === 'https',
        signed: true,
        // A wall display keeps its cookie across browser restarts; others end with the browser.
        ...(user.role === 'display' ? { maxAge: 90 * 24 * 3600 } : {}),
      });
      return reply.redirect(user.mustChangePassword ? '/account/password' : next, 303);
    } catch (err) {
      if (err instanceof DomainError && (err.code === 'UNAUTHENTICATED' || err.code === 'RATE_LIMITED')) {
        const status = err.code === 'RATE_LIMITED' ? 429 : 401;
        if (status === 429) reply.header('Retry-After', String(Number(err.params?.minutes ?? 5) * 60));
        return reply.view(
          'pages/auth/login',
          { next, error: request.t(err.messageKey, err.params), username, demo: await isDemoDatabase(app.db) },
          { status },
        );
      }
      throw err;
    }
  });

  app.post('/logout', { config: { access: 'authenticated' } }, async (request, reply) => {
    if (request.session) await endSession(app.db, request.session.idHash);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/login?out=1', 303);
  });

  app.get('/account/password', { config: { access: 'authenticated' } }, async (request, reply) => {
    return reply.view('pages/auth/password', { mustChange: request.session?.mustChangePassword ?? false });
  });

  app.post('/account/password', { config: { access: 'authenticated' } }, async (request, reply) => {
    if (!request.session || !request.actor) throw new DomainError('FORBIDDEN', 'error.forbidden');
    try {
      await changePassword({ db: app.db, actor: request.actor, input: request.body, keepSessionHash: request.session.idHash, limiter: app.loginLimiter });
    } catch (err) {
      if (err instanceof DomainError && err.code === 'RATE_LIMITED') {
        // Under the sign-in limits: the same lock, the same message, the same Retry-After.
        reply.header('Retry-After', String(Number(err.params?.minutes ?? 5) * 60));
        return reply.view(
          'pages/auth/password',
          { mustChange: request.session.mustChangePassword, errors: { current: request.t(err.messageKey, err.params) } },
          { status: 429 },
        );
      }
      if (err instanceof DomainError && err.code === 'VALIDATION') {
        return reply.view(
          'pages/auth/password',
          { mustChange: request.session.mustChangePassword, errors: fieldErrorMap(request, err.fieldErrors) },
          { status: 422 },
        );
      }
      throw err;
    }
    flash(request, { kind: 'ok', message: request.t('password.changed') });
    return reply.redirect('/', 303);
  });
};
export default authRoutes;
