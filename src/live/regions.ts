import type { FastifyInstance } from 'fastify';
import type { Role } from '../db/schema/index.ts';
import type { Actor } from '../domain/actor.ts';
import type { HubEvent } from '../domain/events.ts';
import { translator, type Lang, type Translator } from '../i18n/index.ts';
import { formatFor } from '../lib/time.ts';

/**
 * A region of a page kept live over the HTML socket (/live/html): the page
 * renders it normally; the socket sends it again, as an out-of-band swap,
 * whenever an event concerns it, and once at every (re)connect, so a page
 * brings itself up to date after a lost connection.
 */
export interface RegionContext {
  app: FastifyInstance;
  actor: Actor;
  params: Record<string, string>;
  lang: Lang;
  t: Translator;
}

export interface LiveRegion {
  name: string;
  roles: readonly Role[];
  /**
   * Rendered once per change for every socket of one audience (region, params, language, role,
   * facility, wilayah). A region whose HTML depends on who the account is (not just its scope) sets this.
   */
  perActor?: boolean;
  /** Throws (a DomainError) when this actor may not watch these params: checked once at connect. */
  authorize?(ctx: RegionContext): void | Promise<void>;
  relevant(event: HubEvent, ctx: RegionContext): boolean;
  /** HTML whose root elements carry ids and hx-swap-oob="true". */
  render(ctx: RegionContext): string | Promise<string>;
}

/** A region a page shows: the page's route imports it for the socket's address, the socket is given it in app.ts. */
export interface DefinedRegion extends LiveRegion {
  /** The address of the page's socket (`hx-ws:connect`), with the params the region reads (an id). */
  connect(params?: Record<string, string>): string;
}

/**
 * A live region is a module exporting one of these (src/routes/<area>/live.ts):
 * the page that shows it imports it (`live: region.connect({ id })`), and the
 * socket serves the list in src/routes/live-regions.ts, so a region is found
 * by following imports, never by its name alone.
 */
export function defineLiveRegion(region: LiveRegion): DefinedRegion {
  return Object.assign(region, {
    connect(params: Record<string, string> = {}) {
      return `/live/html?${new URLSearchParams({ region: region.name, ...params }).toString()}`;
    },
  });
}

export function regionContext(app: FastifyInstance, actor: Actor, params: Record<string, string>, lang: Lang): RegionContext {
  return { app, actor, params, lang, t: translator(lang) };
}

/** Template data for a region rendered outside a request (the socket). */
export function templateData(ctx: RegionContext, data: Record<string, unknown>) {
  return { t: ctx.t, lang: ctx.lang, actor: ctx.actor, fmt: formatFor, oob: true, ...data };
}
