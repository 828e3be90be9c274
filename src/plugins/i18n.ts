import fp from 'fastify-plugin';
import { isLang, translator, type Lang } from '../i18n/index.ts';

export const LANG_COOKIE = 'sgh_lang';

/**
 * The request's language: `?lang=` (remembered in a cookie), then the cookie,
 * then the signed-in user's choice, then Bahasa Indonesia.
 */
export default fp(
  async (app) => {
    app.decorateRequest('lang', 'id');
    app.decorateRequest('t', null as never);
    app.addHook('onRequest', async (request, reply) => {
      const query = request.query as Record<string, unknown> | undefined;
      const fromQuery = query?.lang;
      let lang: Lang = 'id';
      if (isLang(fromQuery)) {
        lang = fromQuery;
        reply.setCookie(LANG_COOKIE, lang, { path: '/', sameSite: 'lax', httpOnly: true, maxAge: 365 * 24 * 3600 });
      } else if (isLang(request.cookies[LANG_COOKIE])) {
        lang = request.cookies[LANG_COOKIE] as Lang;
      }
      request.lang = lang;
      request.t = translator(lang);
    });
  },
  { name: 'i18n', dependencies: ['@fastify/cookie'] },
);

/** After authentication: a user's saved choice applies when the request named none. */
export function applyUserLang(request: { lang: Lang; t: Awaited<ReturnType<typeof translator>>; cookies: Record<string, string | undefined>; query: unknown }, userLang: Lang) {
  const q = (request.query as Record<string, unknown> | undefined)?.lang;
  if (!isLang(q) && !isLang(request.cookies[LANG_COOKIE])) {
    request.lang = userLang;
    request.t = translator(userLang);
  }
}
