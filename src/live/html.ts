import type { FastifyPluginAsync } from 'fastify';
import type { WebSocket } from 'ws';
import { hubFor } from '../domain/events.ts';
import { checkOrigin, forgetRequest } from './socket.ts';
import { regionContext, type RegionContext, type LiveRegion } from './regions.ts';
import { admitSocket, credentialOf, CredentialCheck, stillAllowed, CLOSE_CREDENTIALS, type Credential } from './connections.ts';
import { DomainError } from '../domain/errors.ts';
import { nowIso } from '../lib/time.ts';
import { liveMessages } from '../lib/metrics.ts';

/** Several changes within this window are sent as one re-render. */
export const COALESCE_MS = 150;
export const HEARTBEAT_MS = 20_000;
const PING_MS = 30_000;
const MAX_BUFFERED_BYTES = 1024 * 1024;

interface Watcher {
  socket: WebSocket;
  credential: Credential;
  alive: boolean;
}

/**
 * Every socket watching the same region with the same parameters, language
 * and scope (role, facility, wilayah) sees the same HTML: it is rendered once
 * per change and sent to all of them. A region rendered per person
 * (`perActor`) keys by the account as well.
 */
interface Audience {
  key: string;
  region: LiveRegion;
  ctx: RegionContext;
  watchers: Set<Watcher>;
  timer: NodeJS.Timeout | null;
  /** Frames sent to this audience, numbered in the heartbeat (`data-seq`): a page that sees a number skipped reconnects. */
  seq: number;
}

function audienceKey(region: LiveRegion, ctx: RegionContext): string {
  const a = ctx.actor;
  const params = Object.keys(ctx.params)
    .sort()
    .map((k) => [k, ctx.params[k]]);
  const who = region.perActor ? `${a.type}:${a.id}` : '';
  return JSON.stringify([region.name, params, ctx.lang, a.role, a.facilityId, a.wilayahCode, who]);
}

/**
 * Ends every frame: when it was sent (the page tells stale data by it) and its number in the audience
 * (`data-seq`, one more per frame). A number skipped means a frame this page should have had was not sent
 * (its render failed, or the instance could not hear the others' changes): static/js/live.js reconnects,
 * and the region sent at connect (`data-snapshot`) is whole and current.
 */
const heartbeat = (seq: number, snapshot = false) =>
  `<time id="live-heartbeat" hx-swap-oob="true" datetime="${nowIso()}" data-seq="${seq}"${snapshot ? ' data-snapshot=""' : ''}></time>`;

/**
 * GET /live/html?region=NAME&…: the pages' own live socket for htmx's hx-ws,
 * serving the regions it is given (src/routes/live-regions.ts).
 * Sends server-rendered fragments (hx-swap-oob) — the region at connect,
 * again after each relevant committed change, and a heartbeat that lets the
 * page tell when its data has gone stale. Credentials are checked before
 * every send (1008 when they are gone); a session or token holds at most
 * MAX_SOCKETS_PER_CREDENTIAL sockets (4429 beyond).
 */
const liveHtml: FastifyPluginAsync<{ regions: readonly LiveRegion[] }> = async (app, opts) => {
  const regions = new Map(opts.regions.map((r) => [r.name, r]));
  const hub = hubFor(app.db);
  const audiences = new Map<string, Audience>();

  const deliver = (w: Watcher, html: string) => {
    if (w.socket.readyState !== w.socket.OPEN) {
      liveMessages.inc({ kind: 'html', outcome: 'dropped' });
      return;
    }
    if (w.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      w.socket.close(1013, 'too slow');
      liveMessages.inc({ kind: 'html', outcome: 'dropped' });
      return;
    }
    w.socket.send(html);
    liveMessages.inc({ kind: 'html', outcome: 'delivered' });
  };

  const render = async (aud: Audience): Promise<string | null> => {
    try {
      return await aud.region.render(aud.ctx);
    } catch (err) {
      app.log.error({ err, region: aud.region.name }, 'live region render failed');
      return null;
    }
  };

  /** One more than the last frame, or two (a gap) while this instance cannot hear the others' changes. */
  const next = (aud: Audience) => (aud.seq += hub.listening && !hub.listening() ? 2 : 1);

  const flush = async (aud: Audience) => {
    aud.timer = null;
    const check = new CredentialCheck(app.db);
    await check.prefetch([...aud.watchers].map((w) => w.credential));
    const allowed: Watcher[] = [];
    for (const w of aud.watchers) if (await stillAllowed(check, w.credential, w.socket)) allowed.push(w);
    if (allowed.length === 0) return;
    const html = await render(aud);
    if (html === null) {
      // A change the pages will not see: the next frame (at the latest the heartbeat) shows the gap.
      aud.seq += 1;
      return;
    }
    const frame = html + heartbeat(next(aud));
    for (const w of allowed) deliver(w, frame);
  };

  const unsubscribe = hub.subscribe(async (event) => {
    if (event.type === 'access' || event.type === 'resync') {
      const check = new CredentialCheck(app.db);
      await check.prefetch([...audiences.values()].flatMap((aud) => [...aud.watchers].map((w) => w.credential)));
      for (const aud of audiences.values()) for (const w of aud.watchers) await stillAllowed(check, w.credential, w.socket);
      if (event.type === 'access') return;
    }
    for (const aud of audiences.values()) {
      if (aud.timer) continue;
      let relevant = false;
      try {
        // After a resync every region is sent again: what changed meanwhile is unknown.
        relevant = event.type === 'resync' || aud.region.relevant(event, aud.ctx);
      } catch {
        relevant = false;
      }
      if (relevant) aud.timer = setTimeout(() => void flush(aud).catch((err) => app.log.error({ err }, 'live region flush failed')), COALESCE_MS);
    }
  });

  // One heartbeat and one ping round for all sockets; each checks the credentials first (an expired
  // session publishes nothing, so this is where it is found).
  const beatOnce = async () => {
    const check = new CredentialCheck(app.db);
    await check.prefetch([...audiences.values()].flatMap((aud) => [...aud.watchers].map((w) => w.credential)));
    for (const aud of audiences.values()) {
      const allowed: Watcher[] = [];
      for (const w of aud.watchers) if (await stillAllowed(check, w.credential, w.socket)) allowed.push(w);
      if (allowed.length === 0) continue;
      const frame = heartbeat(next(aud));
      for (const w of allowed) deliver(w, frame);
    }
  };
  const beat = setInterval(() => void beatOnce().catch((err) => app.log.error({ err }, 'heartbeat failed')), HEARTBEAT_MS);
  const ping = setInterval(() => {
    for (const aud of audiences.values()) {
      for (const w of aud.watchers) {
        if (!w.alive) {
          w.socket.terminate();
          continue;
        }
        w.alive = false;
        w.socket.ping();
      }
    }
  }, PING_MS);
  beat.unref();
  ping.unref();
  app.addHook('onClose', async () => {
    clearInterval(beat);
    clearInterval(ping);
    unsubscribe();
    for (const aud of audiences.values()) if (aud.timer) clearTimeout(aud.timer);
  });

  app.get(
    '/live/html',
    {
      websocket: true,
      config: { access: 'authenticated' },
      preValidation: async (request) => {
        checkOrigin(request);
        const q = request.query as Record<string, unknown>;
        const region = typeof q.region === 'string' ? regions.get(q.region) : undefined;
        if (!region) throw new DomainError('NOT_FOUND', 'error.not_found');
        if (Object.values(q).some((v) => typeof v !== 'string' || v.length > 200)) throw new DomainError('BAD_REQUEST', 'error.bad_request');
        const role = request.actor!.role;
        if (role === 'system' || !region.roles.includes(role)) throw new DomainError('FORBIDDEN', 'error.forbidden');
        await region.authorize?.(regionContext(app, request.actor!, q as Record<string, string>, request.lang));
      },
    },
    (socket, request) => {
      forgetRequest(socket, request);
      const credential = credentialOf(request);
      if (!credential) return socket.close(CLOSE_CREDENTIALS, 'no credentials');
      const release = admitSocket(app.db, request.actor!, socket);
      if (!release) return;
      const params = request.query as Record<string, string>;
      const region = regions.get(params.region!)!;
      const ctx = regionContext(app, request.actor!, params, request.lang);
      const key = audienceKey(region, ctx);
      let aud = audiences.get(key);
      if (!aud) audiences.set(key, (aud = { key, region, ctx, watchers: new Set(), timer: null, seq: 1 }));
      const watcher: Watcher = { socket, credential, alive: true };
      aud.watchers.add(watcher);
      const audience = aud;
      const cleanup = () => {
        release();
        audience.watchers.delete(watcher);
        if (audience.watchers.size === 0 && audiences.get(key) === audience) {
          if (audience.timer) clearTimeout(audience.timer);
          audiences.delete(key);
        }
      };
      socket.on('pong', () => (watcher.alive = true));
      socket.on('close', cleanup);
      // The region at (re)connect, to this socket alone, so a page brings itself up to date; numbered as the
      // audience's last frame (the next frame is one more), marked as whole so the page takes its number.
      void render(audience).then((html) => {
        if (html !== null) deliver(watcher, html + heartbeat(audience.seq, true));
      });
    },
  );
};
export default liveHtml;
