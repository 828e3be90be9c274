import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import type { Actor } from '../domain/actor.ts';
import { DomainError } from '../domain/errors.ts';
import { loadFacilityOccupancy, summarise, type OccupancySummary } from '../domain/occupancy/compute.ts';
import { occupancyFor, facilityFor, audienceOf, alertFor } from '../domain/occupancy/view.ts';
import { canSeeFacility } from '../domain/access.ts';
import { hubFor, type HubEvent } from '../domain/events.ts';
import { admitSocket, credentialOf, CredentialCheck, stillAllowed, CLOSE_CREDENTIALS, type Credential } from './connections.ts';
import { nowIso, toWib } from '../lib/time.ts';
import { Queue } from '../db/engine.ts';

/** A socket whose unsent data passes this is too slow to keep: it is dropped, not waited for. */
export const MAX_BUFFERED_BYTES = 512 * 1024;
export const PING_INTERVAL_MS = 30_000;

/**
 * Browser sessions must come from our own origin (a cookie rides along with
 * any page's request; the Origin header tells whose page it is). Token
 * clients are not browsers and send no cookie.
 */
export function checkOrigin(request: FastifyRequest): void {
  if (request.actor?.type !== 'user') return;
  const origin = request.headers.origin;
  // request.host reads X-Forwarded-Host only from a trusted proxy (TRUST_PROXY), never from anyone.
  const host = request.host;
  if (!origin || !host) throw new DomainError('FORBIDDEN', 'error.forbidden');
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    throw new DomainError('FORBIDDEN', 'error.forbidden');
  }
  if (originHost !== host) throw new DomainError('FORBIDDEN', 'error.forbidden');
}

export interface Client {
  socket: WebSocket;
  actor: Actor;
  credential: Credential;
  seq: number;
  alive: boolean;
}

function send(client: Client, message: Record<string, unknown>): void {
  if (client.socket.readyState !== client.socket.OPEN) return;
  if (client.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
    // 1013 "try again later": the client reconnects and starts from a fresh snapshot.
    client.socket.close(1013, 'too slow');
    return;
  }
  client.seq += 1;
  client.socket.send(JSON.stringify({ ...message, seq: client.seq }));
}

/** The message this client may hear for an event, or null. Never names a person. */
/** Views shared by every client of one audience for one event (a hundred walls cost one view). */
export type ViewCache = Map<string, Awaited<ReturnType<typeof occupancyFor>>>;

export function messageFor(client: Client, event: HubEvent, summary: () => OccupancySummary, views: ViewCache): Record<string, unknown> | null {
  const actor = client.actor;
  const audience = audienceOf(actor);
  const ownOnly = audience === 'facility';
  switch (event.type) {
    case 'occupancy':
    case 'facility': {
      if (ownOnly && actor.facilityId !== event.facilityId) return null;
      const s = summary();
      const f = s.facilities.find((x) => x.id === event.facilityId);
      if (!f) return null;
      const visible = facilityFor(actor, f);
      const key = ownOnly ? `facility:${actor.facilityId}` : audience;
      let totals = views.get(key);
      if (!totals) {
        totals = occupancyFor(actor, s, nowIso(), ownOnly ? 'own' : 'visible');
        views.set(key, totals);
      }
      if (!visible) {
        // A hidden facility still moves the totals; its identity stays unsaid.
        return event.type === 'occupancy' ? { type: 'occupancy', facility_id: null, unit_ids: [], total: totals.total, by_kind: totals.by_kind } : null;
      }
      const units = (visible.units as { id: string }[] | undefined)?.filter((u) => event.type === 'occupancy' && event.unitIds.includes(u.id));
      return {
        type: event.type,
        facility_id: f.id,
        ...(event.type === 'occupancy' ? { unit_ids: event.unitIds, unit_id: event.unitIds[0] ?? null } : {}),
        facility: visible,
        ...(units ? { units } : {}),
        total: totals.total,
        by_kind: totals.by_kind,
        by_wilayah: totals.by_wilayah,
      };
    }
    case 'referral': {
      if (audience === 'satpol') return null;
      const s = summary();
      const ends = [event.fromFacilityId, event.toFacilityId];
      if (ownOnly && !ends.includes(actor.facilityId)) return null;
      const hidden = (id: string | null) => {
        const f = id ? s.facilities.find((x) => x.id === id) : undefined;
        return f ? !canSeeFacility(actor, f) : false;
      };
      return {
        type: 'referral',
        referral: {
          id: event.referralId,
          status: event.status,
          from_facility_id: hidden(event.fromFacilityId) ? null : event.fromFacilityId,
          to_facility_id: hidden(event.toFacilityId) ? null : event.toFacilityId,
          places: event.places,
        },
      };
    }
    case 'handoff': {
      if (ownOnly && actor.facilityId !== event.facilityId) return null;
      if (audience === 'satpol' && actor.wilayahCode !== event.wilayahCode) return null;
      return {
        type: 'handoff',
        handoff: { id: event.handoffId, number: event.number, status: event.status, facility_id: event.facilityId, pending: event.pending },
      };
    }
    case 'access':
      return null;
    case 'alert': {
      if (audience !== 'wide' && audience !== 'display') return null;
      return { type: 'alert', alert: alertFor(actor, event, summary().facilities) };
    }
  }
}

/**
 * GET /api/v1/live (INTERFACES.md "Live"): a snapshot first, then one
 * message per committed change with `seq` rising by one per connection.
 */
const liveSocket: FastifyPluginAsync = async (app) => {
  const clients = new Set<Client>();
  const hub = hubFor(app.db);

  // Events are handled one at a time, in the order they were committed: `seq` follows the changes.
  const order = new Queue();
  const handle = async (event: HubEvent) => {
    if (clients.size === 0) return;
    // One occupancy read per event, shared by every client that hears it; one credential read per credential.
    const cached = event.type === 'occupancy' || event.type === 'facility' || event.type === 'referral' || event.type === 'alert' ? summarise(await loadFacilityOccupancy(app.db)) : undefined;
    const summary = () => cached!;
    const views: ViewCache = new Map();
    const check = new CredentialCheck(app.db);
    for (const client of clients) {
      if (event.type === 'access') {
        if (!await stillAllowed(check, client.credential, client.socket)) clients.delete(client);
        continue;
      }
      const message = messageFor(client, event, summary, views);
      if (!message) continue;
      if (!await stillAllowed(check, client.credential, client.socket)) {
        clients.delete(client);
        continue;
      }
      send(client, message);
    }
  };
  const unsubscribe = hub.subscribe((event) => order.run(() => handle(event)).catch((err) => app.log.error({ err }, 'live event failed')));

  const pingOnce = async () => {
    // A session that merely expired publishes nothing: the ping round finds it.
    const check = new CredentialCheck(app.db);
    for (const client of clients) {
      if (!await stillAllowed(check, client.credential, client.socket)) {
        clients.delete(client);
        continue;
      }
      if (!client.alive) {
        client.socket.terminate();
        clients.delete(client);
        continue;
      }
      client.alive = false;
      client.socket.ping();
    }
  };
  const pinger = setInterval(() => void pingOnce().catch((err) => app.log.error({ err }, 'live ping failed')), PING_INTERVAL_MS);
  pinger.unref();

  app.addHook('onClose', async () => {
    clearInterval(pinger);
    unsubscribe();
  });

  app.get(
    '/live',
    {
      websocket: true,
      config: { access: 'authenticated' },
      preValidation: async (request) => checkOrigin(request),
    },
    async (socket, request) => {
      const credential = credentialOf(request);
      if (!credential) return socket.close(CLOSE_CREDENTIALS, 'no credentials');
      const release = admitSocket(app.db, credential, socket);
      if (!release) return;
      const client: Client = { socket, actor: request.actor!, credential, seq: 0, alive: true };
      socket.on('pong', () => (client.alive = true));
      const gone = () => {
        clients.delete(client);
        release();
      };
      socket.on('close', gone);
      socket.on('error', gone);
      // Clients have nothing to say; anything they send is ignored.
      socket.on('message', () => undefined);
      // The snapshot is read and sent in the event order, then the client hears every later change.
      await order.run(async () => {
        const now = nowIso();
        const summary = summarise(await loadFacilityOccupancy(app.db));
        if (socket.readyState !== socket.OPEN) return;
        send(client, { type: 'snapshot', at: toWib(now), occupancy: occupancyFor(client.actor, summary, now, 'own') });
        clients.add(client);
      });
    },
  );
};
export default liveSocket;
