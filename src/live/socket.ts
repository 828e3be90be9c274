import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { ServerResponse } from 'node:http';
import type { Actor } from '../domain/actor.ts';
import type { Db } from '../db/client.ts';
import type { FacilityKind } from '../db/schema/index.ts';
import { DomainError } from '../domain/errors.ts';
import type { OccupancySummary } from '../domain/occupancy/compute.ts';
import { cachedOccupancy, OccupancyQuery, parseOccupancyFilter, type OccupancySnapshot } from '../domain/occupancy/cache.ts';
import { occupancyFor, occupancyTotalsFor, facilityFor, audienceOf, alertFor, filterSummary, inWilayah, type OccupancyFilter } from '../domain/occupancy/view.ts';
import { canSeeFacility } from '../domain/access.ts';
import { handoffWithinScope } from '../domain/handoffs/scope.ts';
import { hubFor, type HubEvent } from '../domain/events.ts';
import { admitSocket, credentialOf, CredentialCheck, stillAllowed, CLOSE_CREDENTIALS, type Credential } from './connections.ts';
import { toWib } from '../lib/time.ts';
import { Queue } from '../db/engine.ts';
import { liveMessages } from '../lib/metrics.ts';

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

/**
 * The socket's filters: `?wilayah=` (a province "31" or a kab/kota "31.71")
 * and `?kind=` (a facility kind), each repeatable (repeated values widen), as
 * on GET /api/v1/occupancy and checked by the same rule: a bad value is a 422
 * before the upgrade, naming the parameter, never a socket that hears nothing.
 */
export const NO_FILTER: OccupancyFilter = Object.freeze({ kind: [], wilayah: [] }) as unknown as OccupancyFilter;

export async function parseLiveFilter(db: Db, actor: Actor, query: unknown): Promise<OccupancyFilter> {
  const q = { ...(query as Record<string, unknown>) };
  delete q.token;
  const filter = await parseOccupancyFilter(db, actor, { kind: q.kind, wilayah: q.wilayah });
  return filter.kind.length || filter.wilayah.length ? filter : NO_FILTER;
}

/**
 * Everything that changes what a client may hear: its role, its scope (the
 * facility of a facility account, the wilayah of Satpol PP — protected
 * visibility follows from these) and its filters. Every client of one
 * audience hears the same bytes: each message is serialised once per audience
 * and change, however many sockets listen.
 */
export interface Audience {
  key: string;
  /** An actor standing for every client of the audience: its role and scope only, no one's identity. */
  actor: Actor;
  filter: OccupancyFilter;
}

export function audienceFor(actor: Actor, filter: OccupancyFilter = NO_FILTER): Audience {
  const kind = audienceOf(actor);
  // A wide role and a display see alike whatever their binding; Satpol PP by their wilayah; facility accounts by facility and role.
  const facilityId = kind === 'facility' ? actor.facilityId : null;
  const wilayahCode = kind === 'satpol' || kind === 'facility' ? actor.wilayahCode : null;
  const key = JSON.stringify([actor.role, facilityId, wilayahCode, filter.wilayah, filter.kind]); // the filter's lists are sorted
  const scope: Actor = { type: 'token', id: null, label: 'live', role: actor.role, facilityId, wilayahCode, ip: null, lang: 'id' };
  return { key, actor: scope, filter };
}

const filtering = (filter: OccupancyFilter) => filter.kind.length > 0 || filter.wilayah.length > 0;

function matches(f: { wilayah_code: string; kind: FacilityKind }, filter: OccupancyFilter): boolean {
  return (!filter.kind.length || filter.kind.includes(f.kind)) && (!filter.wilayah.length || inWilayah(f.wilayah_code, filter.wilayah));
}

/** The message this audience may hear for an event, or null. Never names a person. */
export function messageFor(a: Audience, event: HubEvent, summary: () => OccupancySummary): Record<string, unknown> | null {
  const { actor, filter } = a;
  const audience = audienceOf(actor);
  const ownOnly = audience === 'facility';
  const filtered = filtering(filter);
  const byArea = filter.wilayah.length > 0;
  const facilityOf = (id: string | null) => (id ? summary().facilities.find((x) => x.id === id) : undefined);
  // Under a filter, a facility counts when it is in the filter and (under an area filter) the audience may know it.
  const inFilter = (id: string | null) => {
    const f = facilityOf(id);
    return !!f && matches(f, filter) && (!byArea || canSeeFacility(actor, f));
  };
  switch (event.type) {
    case 'occupancy':
    case 'facility': {
      if (ownOnly && actor.facilityId !== event.facilityId) return null;
      const s = summary();
      const f = s.facilities.find((x) => x.id === event.facilityId);
      if (!f || !matches(f, filter)) return null;
      const visible = facilityFor(actor, f);
      if (!visible && byArea) return null;
      // Only the totals and the facility's own kab/kota: the whole map is the snapshot's (at national scale, 514
      // kab/kota made every message about 115 kB, sent to every wall for every check-in).
      const totals = occupancyTotalsFor(actor, filterSummary(actor, s, filter), ownOnly ? 'own' : 'visible', f.wilayah_code);
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
      const ends = [event.fromFacilityId, event.toFacilityId];
      if (ownOnly && !ends.includes(actor.facilityId)) return null;
      if (filtered && !ends.some(inFilter)) return null;
      const hidden = (id: string | null) => {
        const f = facilityOf(id);
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
      // The wall (display) shows every open handoff, as the board does (domain/board/board.ts); everyone else
      // hears of the handoffs they may see (domain/handoffs/scope.ts: a province-bound Satpol PP unit hears its
      // kab/kota's, a pendamping none).
      if (audience !== 'display' && !handoffWithinScope(actor, event)) return null;
      if (filtered && !inFilter(event.facilityId)) return null;
      return {
        type: 'handoff',
        handoff: { id: event.handoffId, number: event.number, status: event.status, facility_id: event.facilityId, pending: event.pending },
      };
    }
    case 'access':
    case 'resync':
      return null;
    case 'alert': {
      if (audience !== 'wide' && audience !== 'display') return null;
      // An alert about no facility (nothing fits a person) belongs to no area: every wall hears it.
      if (filtered && event.facilityId && !inFilter(event.facilityId)) return null;
      return { type: 'alert', alert: alertFor(actor, event, summary().facilities) };
    }
  }
}

/** One socket: what it was opened with, its audience, whether it answered the last ping. Nothing else is kept per client. */
export interface Client {
  socket: WebSocket;
  credential: Credential;
  group: Group;
  release: () => void;
  alive: boolean;
}

/**
 * The sockets of one audience and the numbering they share: `seq` is the
 * audience's, so every socket of it hears byte-identical frames. A socket that
 * joins gets a snapshot numbered with the audience's last `seq`, and hears
 * the next message as one more — `seq` still rises by one per message on a
 * connection (INTERFACES.md: snapshot N, then N+1).
 */
interface Group {
  audience: Audience;
  clients: Set<Client>;
  seq: number;
  snapshot: { generation: number; version: number; data: Buffer } | null;
  owner: Map<string, Group>;
}

export interface LiveStats {
  /** Event messages serialised (once per audience and change). */
  built: number;
  /** Snapshots serialised (once per audience while nothing changes). */
  snapshots: number;
  /** Frames handed to sockets. */
  sent: number;
  groups: number;
  clients: number;
}

type Counters = Pick<LiveStats, 'built' | 'snapshots' | 'sent'>;
const statsByDb = new WeakMap<Db, Counters>();
const groupsByDb = new WeakMap<Db, Map<string, Group>>();
function statsFor(db: Db): Counters {
  let s = statsByDb.get(db);
  if (!s) statsByDb.set(db, (s = { built: 0, snapshots: 0, sent: 0 }));
  return s;
}
/** Counters of the live socket of this database (tests and bench/). */
export function liveStats(db: Db): Readonly<LiveStats> {
  const groups = groupsByDb.get(db);
  let clients = 0;
  for (const g of groups?.values() ?? []) clients += g.clients.size;
  return { ...statsFor(db), groups: groups?.size ?? 0, clients };
}

/** Text frames from one shared Buffer: ws writes it to each socket without a copy. */
const TEXT = { binary: false } as const;

function deliver(client: Client, data: Buffer): boolean {
  const socket = client.socket;
  if (socket.readyState !== socket.OPEN) {
    liveMessages.inc({ kind: 'api', outcome: 'dropped' });
    return false;
  }
  if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
    // 1013 "try again later": the client reconnects and starts from a fresh snapshot.
    socket.close(1013, 'too slow');
    liveMessages.inc({ kind: 'api', outcome: 'dropped' });
    return false;
  }
  socket.send(data, TEXT);
  liveMessages.inc({ kind: 'api', outcome: 'delivered' });
  return true;
}

/** The client of a socket, for the handlers every socket shares (no closure per socket). */
const clientOf = new WeakMap<WebSocket, Client>();
function leave(client: Client): void {
  client.release();
  const g = client.group;
  g.clients.delete(client);
  if (g.clients.size === 0 && g.owner.get(g.audience.key) === g) g.owner.delete(g.audience.key);
}
function onPong(this: WebSocket) {
  const c = clientOf.get(this);
  if (c) c.alive = true;
}
function onGone(this: WebSocket) {
  const c = clientOf.get(this);
  if (c) leave(c);
}
function onError(this: WebSocket) {
  this.terminate();
}

/**
 * What a socket would otherwise hold for its whole life (bench/live-memory.ts,
 * heap snapshots): @fastify/websocket's error listener closes over the request
 * and its reply, and the upgrade's unused HTTP response stays attached to the
 * TCP socket with the request, the response headers and Fastify's finish
 * listener — about 2 KiB a socket. Neither is used once the socket is open:
 * our own error listener replaces theirs and the response is detached.
 */
export function forgetRequest(socket: WebSocket, request: FastifyRequest): void {
  socket.on('error', onError);
  for (const l of socket.listeners('error')) if (l !== onError) socket.off('error', l as () => void);
  const tcp = request.raw.socket as (typeof request.raw.socket & { _httpMessage?: ServerResponse | null }) | null;
  const response = tcp?._httpMessage;
  if (tcp && response instanceof ServerResponse) response.detachSocket(tcp);
}

/**
 * GET /api/v1/live (INTERFACES.md "Live"): a snapshot first, then one
 * message per committed change, `seq` rising by one per message.
 */
const liveSocket: FastifyPluginAsync = async (app) => {
  const groups = new Map<string, Group>();
  const hub = hubFor(app.db);
  groupsByDb.set(app.db, groups);
  const stats = statsFor(app.db);
  /** Rises with every change heard: a snapshot made at the same generation is still true. */
  let generation = 0;

  // Events are handled one at a time, in the order they were committed: `seq` follows the changes.
  const order = new Queue();
  /**
   * Whether this instance can hear the other instances' changes now (PostgreSQL: its LISTEN connection is
   * in place). A message about a change heard while it cannot is numbered with a gap (`seq` skips one), so
   * a client knows that what it holds may be missing changes and takes a fresh snapshot (docs/api.md
   * "Live"); once the listener is back every client gets one anyway (`resync`).
   */
  const hearing = () => !hub.listening || hub.listening();
  /** A change this instance heard but could not tell its clients (its handling failed): the next message shows a gap. */
  const skipOne = () => {
    for (const g of groups.values()) g.seq += 1;
  };
  const handle = async (event: HubEvent, deaf = false) => {
    if (event.type !== 'access') generation += 1;
    if (groups.size === 0) return;
    const check = new CredentialCheck(app.db);
    const everyone = () => [...groups.values()].flatMap((g) => [...g.clients]);
    if (event.type === 'access' || event.type === 'resync') {
      await check.prefetch(everyone().map((c) => c.credential));
      for (const g of groups.values()) for (const c of g.clients) if (!(await stillAllowed(check, c.credential, c.socket))) leave(c);
      if (event.type === 'access') return;
      // Changes may have been missed: every client gets a fresh snapshot, numbered as the next message, and replaces its state.
      for (const group of groups.values()) {
        if (group.clients.size === 0) continue;
        group.seq += deaf ? 2 : 1;
        const data = await snapshotOf(group);
        for (const c of group.clients) if (deliver(c, data)) stats.sent += 1;
      }
      return;
    }
    // One occupancy read per event, shared by every audience; a message built once per audience.
    let cached: OccupancySnapshot | undefined;
    const needsSummary = event.type !== 'handoff' || [...groups.values()].some((g) => g.audience.filter !== NO_FILTER);
    if (needsSummary) cached = await cachedOccupancy(app.db);
    const summary = () => cached!.summary;
    const plan: { group: Group; body: Record<string, unknown> }[] = [];
    for (const group of groups.values()) {
      const body = messageFor(group.audience, event, summary);
      if (body) plan.push({ group, body });
    }
    if (plan.length === 0) return;
    // One credential read per batch (tokens) or per session, before anything is sent.
    await check.prefetch(plan.flatMap((p) => [...p.group.clients].map((c) => c.credential)));
    for (const { group, body } of plan) {
      const allowed: Client[] = [];
      for (const c of group.clients) {
        if (await stillAllowed(check, c.credential, c.socket)) allowed.push(c);
        else leave(c);
      }
      if (allowed.length === 0) continue;
      group.seq += deaf ? 2 : 1;
      const data = Buffer.from(JSON.stringify({ ...body, seq: group.seq }));
      stats.built += 1;
      for (const c of allowed) if (deliver(c, data)) stats.sent += 1;
    }
  };
  const unsubscribe = hub.subscribe((event) => {
    // Asked when the change is heard (just after its commit), not when its turn comes in the queue.
    const deaf = !hearing();
    return order
      .run(() => handle(event, deaf))
      .catch((err) => {
        skipOne();
        app.log.error({ err }, 'live event failed');
      });
  });

  const pingOnce = async () => {
    // A session that merely expired publishes nothing: the ping round finds it.
    const check = new CredentialCheck(app.db);
    const all = [...groups.values()].flatMap((g) => [...g.clients]);
    await check.prefetch(all.map((c) => c.credential));
    for (const client of all) {
      if (!await stillAllowed(check, client.credential, client.socket)) {
        leave(client);
        continue;
      }
      if (!client.alive) {
        client.socket.terminate();
        leave(client);
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

  /** The audience's snapshot, serialised once while nothing changes (a wall of walls reconnecting costs one). */
  const snapshotOf = async (group: Group): Promise<Buffer> => {
    const made = generation;
    const snap = await cachedOccupancy(app.db);
    const had = group.snapshot;
    if (had && had.generation === made && had.version === snap.version) return had.data;
    const { actor, filter } = group.audience;
    const occupancy = occupancyFor(actor, filterSummary(actor, snap.summary, filter), snap.asOf, 'own');
    const data = Buffer.from(JSON.stringify({ type: 'snapshot', at: toWib(snap.asOf), occupancy, seq: group.seq }));
    stats.snapshots += 1;
    group.snapshot = { generation: made, version: snap.version, data };
    return data;
  };

  app.get(
    '/live',
    {
      websocket: true,
      config: {
        access: 'authenticated',
        openapi: { summary: 'Live updates: a WebSocket (snapshot, then one JSON message per change; docs/api.md "Live")', tags: ['live'] },
      },
      schema: { querystring: OccupancyQuery },
      preValidation: async (request) => {
        checkOrigin(request);
        await parseLiveFilter(app.db, request.actor!, request.query);
      },
    },
    async (socket, request) => {
      forgetRequest(socket, request);
      const credential = credentialOf(request);
      if (!credential) return socket.close(CLOSE_CREDENTIALS, 'no credentials');
      const release = admitSocket(app.db, request.actor!, socket);
      if (!release) return;
      const audience = audienceFor(request.actor!, await parseLiveFilter(app.db, request.actor!, request.query));
      // The snapshot is read and sent in the event order, then the client hears every later change.
      await order.run(async () => {
        if (socket.readyState !== socket.OPEN) return release();
        let group = groups.get(audience.key);
        if (!group) groups.set(audience.key, (group = { audience, clients: new Set(), seq: 1, snapshot: null, owner: groups }));
        const client: Client = { socket, credential, group, release, alive: true };
        clientOf.set(socket, client);
        group.clients.add(client);
        socket.on('pong', onPong);
        socket.on('close', onGone);
        const data = await snapshotOf(group);
        if (deliver(client, data)) stats.sent += 1;
      });
    },
  );
};
export default liveSocket;
