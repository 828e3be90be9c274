import fp from 'fastify-plugin';
import { Eta } from 'eta';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { csrfTokenFor } from './csrf.ts';
import { navFor } from '../routes/nav.ts';
import { formatFor } from '../lib/time.ts';
import { newId } from '../lib/ids.ts';
import { assetUrl } from '../lib/assets.ts';
import { takeFlash } from './flash.ts';
import { translate } from '../i18n/index.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const VIEWS_DIR = resolve(root, 'views');

export interface ViewOptions {
  status?: number;
  /**
   * The swappable region this page is built around. An htmx request that
   * targets part of the page gets the region alone; anything else gets the
   * whole page. Decided here, never in a handler.
   */
  region?: string;
}

declare module 'fastify' {
  interface FastifyReply {
    view(template: string, data?: Record<string, unknown>, options?: ViewOptions): FastifyReply;
  }
  interface FastifyInstance {
    eta: Eta;
  }
}

/** Field errors as { path: message } in the request's language, for forms. */
export function fieldErrorMap(request: FastifyRequest, errors: { path: string; message: string; params?: Record<string, unknown> }[]) {
  return Object.fromEntries(errors.map((e) => [e.path, translate(request.lang, e.message, e.params)]));
}

export default fp(
  async (app, opts: { cache?: boolean }) => {
    const eta = new Eta({ views: VIEWS_DIR, cache: opts.cache ?? true, autoEscape: true, autoTrim: [false, 'nl'] });
    app.decorate('eta', eta);

    app.decorateReply('view', function (this: FastifyReply, template: string, data: Record<string, unknown> = {}, options: ViewOptions = {}) {
      const request = this.request;
      const reply = this;
      const wantsRegion = options.region && request.isHtmx && request.headers['hx-request-type'] !== 'full';
      const context = {
        ...baseContext(request, reply),
        ...data,
      };
      const html = eta.render(wantsRegion ? options.region! : template, context);
      reply.header('Vary', 'HX-Request');
      reply.header('Cache-Control', 'no-store');
      reply.code(options.status ?? 200).type('text/html; charset=utf-8').send(html);
      return reply;
    });
  },
  { name: 'views', dependencies: ['csrf', 'auth'] },
);

function baseContext(request: FastifyRequest, reply: FastifyReply) {
  return {
    t: request.t,
    lang: request.lang,
    actor: request.actor,
    csrf: csrfTokenFor(request, reply),
    /** A fresh key for each rendered form: a double submit does its work once. */
    idem: () => newId(),
    nav: navFor(request),
    path: request.url.split('?')[0],
    url: request.url,
    flash: takeFlash(request),
    /** it.fmt(iso, withTime = true, zoneOrWilayahCode?): "22/11/2026 14:05 WITA" (lib/time.ts formatFor). */
    fmt: formatFor,
    /** it.asset('/static/js/app.js'): the file's URL with its content hash, cached for a year (src/lib/assets.ts). */
    asset: assetUrl,
    errors: {} as Record<string, string>,
    values: {} as Record<string, unknown>,
  };
}
