import type { FastifyPluginAsync } from 'fastify';
import { hubFor } from './hub.ts';
import { checkOrigin } from './socket.ts';
import { liveRegion, regionContext, type RegionContext, type LiveRegion } from './regions.ts';
import { DomainError } from '../domain/errors.ts';
import { nowIso } from '../lib/time.ts';

/** Several changes within this window are sent as one re-render. */
export const COALESCE_MS = 150;
export const HEARTBEAT_MS = 20_000;
const MAX_BUFFERED_BYTES = 1024 * 1024;

/**
 * GET /live/html?region=NAME&…: the pages' own live socket for htmx's hx-ws.
 * Sends server-rendered fragments (hx-swap-oob) — the region at connect,
 * again after each relevant committed change, and a heartbeat that lets the
 * page tell when its data has gone stale.
 */
const liveHtml: FastifyPluginAsync = async (app) => {
  const hub = hubFor(app.db);

  app.get(
    '/live/html',
    {
      websocket: true,
      config: { access: 'authenticated' },
      preValidation: async (request) => {
        checkOrigin(request);
        const q = request.query as Record<string, string>;
        const region = liveRegion(q.region ?? '');
        if (!region) throw new DomainError('NOT_FOUND', 'error.not_found');
        const role = request.actor!.role;
        if (role === 'system' || !region.roles.includes(role)) throw new DomainError('FORBIDDEN', 'error.forbidden');
        region.authorize?.(regionContext(app, request.actor!, q, request.lang));
      },
    },
    (socket, request) => {
      const params = request.query as Record<string, string>;
      const region = liveRegion(params.region!) as LiveRegion;
      const ctx: RegionContext = regionContext(app, request.actor!, params, request.lang);
      let timer: NodeJS.Timeout | null = null;

      const push = () => {
        timer = null;
        if (socket.readyState !== socket.OPEN) return;
        if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
          socket.close(1013, 'too slow');
          return;
        }
        try {
          socket.send(region.render(ctx) + heartbeat());
        } catch (err) {
          request.log.error({ err, region: region.name }, 'live region render failed');
        }
      };
      const heartbeat = () => `<time id="live-heartbeat" hx-swap-oob="true" datetime="${nowIso()}"></time>`;

      const unsubscribe = hub.subscribe((event) => {
        if (!timer && region.relevant(event, ctx)) timer = setTimeout(push, COALESCE_MS);
      });
      const beat = setInterval(() => {
        if (socket.readyState === socket.OPEN) socket.send(heartbeat());
      }, HEARTBEAT_MS);
      let alive = true;
      const ping = setInterval(() => {
        if (!alive) return socket.terminate();
        alive = false;
        socket.ping();
      }, 30_000);
      socket.on('pong', () => (alive = true));
      const cleanup = () => {
        unsubscribe();
        clearInterval(beat);
        clearInterval(ping);
        if (timer) clearTimeout(timer);
      };
      socket.on('close', cleanup);
      socket.on('error', cleanup);
      socket.on('message', () => undefined);
      push();
    },
  );
};
export default liveHtml;
