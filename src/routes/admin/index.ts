import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { createUser, listUsers, setUserDisabled, resetPassword } from '../../domain/accounts/users.ts';
import { createToken, listTokens, revokeToken } from '../../domain/accounts/tokens.ts';
import { DomainError } from '../../domain/errors.ts';
import { facilityChoicesByCode } from '../../domain/facilities/queries.ts';
import { fieldErrorMap } from '../../plugins/views.ts';
import { flash } from '../../plugins/flash.ts';

const ADMIN = { access: ['admin'] as const };
/** Answers that reveal a one-time secret are never stored for replay. */
const ADMIN_SECRET = { access: ['admin'] as const, idempotent: false };

const adminRoutes: FastifyPluginAsync = async (app) => {
  async function page(request: FastifyRequest, extra: Record<string, unknown> = {}) {
    return {
      users: await listUsers(app.db),
      tokens: await listTokens(app.db),
      facilityChoices: await facilityChoicesByCode(app.db),
      ...extra,
      me: request.actor?.id,
    };
  }

  app.get('/admin', { config: ADMIN }, async (request, reply) => reply.view('pages/admin/index', await page(request)));

  app.post('/admin/users', { config: ADMIN_SECRET }, async (request, reply) => {
    try {
      const created = await createUser({ db: app.db, actor: request.actor!, input: request.body });
      flash(request, { kind: 'secret', message: request.t('admin.one_time_password', { user: created.username, password: created.password }) });
      return reply.redirect('/admin', 303);
    } catch (err) {
      if (err instanceof DomainError && err.code === 'VALIDATION') {
        return reply.view(
          'pages/admin/index',
          await page(request, { userErrors: fieldErrorMap(request, err.fieldErrors), userValues: request.body }),
          { status: 422 },
        );
      }
      throw err;
    }
  });

  app.post('/admin/users/:id/disable', { config: ADMIN }, async (request, reply) => {
    const user = await setUserDisabled({ db: app.db, actor: request.actor!, userId: (request.params as { id: string }).id, disabled: true });
    flash(request, { kind: 'ok', message: request.t('admin.user_disabled', { user: user.username }) });
    return reply.redirect('/admin', 303);
  });

  app.post('/admin/users/:id/enable', { config: ADMIN }, async (request, reply) => {
    const user = await setUserDisabled({ db: app.db, actor: request.actor!, userId: (request.params as { id: string }).id, disabled: false });
    flash(request, { kind: 'ok', message: request.t('admin.user_enabled', { user: user.username }) });
    return reply.redirect('/admin', 303);
  });

  app.post('/admin/users/:id/reset', { config: ADMIN_SECRET }, async (request, reply) => {
    const result = await resetPassword({ db: app.db, actor: request.actor!, userId: (request.params as { id: string }).id });
    flash(request, { kind: 'secret', message: request.t('admin.one_time_password', { user: result.username, password: result.password }) });
    return reply.redirect('/admin', 303);
  });

  app.post('/admin/tokens', { config: ADMIN_SECRET }, async (request, reply) => {
    try {
      const created = await createToken({ db: app.db, actor: request.actor!, input: request.body });
      flash(request, { kind: 'secret', message: request.t('admin.token_created', { name: created.name, token: created.token }) });
      return reply.redirect('/admin', 303);
    } catch (err) {
      if (err instanceof DomainError && err.code === 'VALIDATION') {
        return reply.view(
          'pages/admin/index',
          await page(request, { tokenErrors: fieldErrorMap(request, err.fieldErrors), tokenValues: request.body }),
          { status: 422 },
        );
      }
      throw err;
    }
  });

  app.post('/admin/tokens/:id/revoke', { config: ADMIN }, async (request, reply) => {
    const token = await revokeToken({ db: app.db, actor: request.actor!, tokenId: (request.params as { id: string }).id });
    flash(request, { kind: 'ok', message: request.t('admin.token_revoked', { name: token.name }) });
    return reply.redirect('/admin', 303);
  });
};
export default adminRoutes;
